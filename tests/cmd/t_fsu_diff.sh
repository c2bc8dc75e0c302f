#! /usr/bin/env atf-sh
# t_fsu_diff.sh: fsu_diff finds every difference planted between two
# trees (h_diff.py: content, binary content, mode, owner, type, link
# target, entries on one side, device numbers) and none between equal
# trees, wherever the trees are: in an image, in a second image (-I) or
# on the host.  Its output is the host's diff's (GNU diff -r
# --no-dereference) but for the lines of attributes, which diff does not
# print; edits of random files are checked with patch(1).

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
	H_DIFF="$FSU_SRC/tests/cmd/h_diff.py"
	export TZ=UTC
}

# t1 and t2 on the host (planted: the differences), in img at /t1 and
# /t2, and in img2 at /t2.
diff_imgs() {
	python3 "$H_DIFF" trees t1 t2 >planted || atf_fail "h_diff.py trees"
	mkempty img 16m 500
	mkempty img2 16m 500
	atf_check -s exit:0 -o empty -e empty fsu_put img -Rp t1 t2 /
	atf_check -s exit:0 -o empty -e empty fsu_put img2 -Rp t2 /
}

# The lines of fsu_diff's output that name a difference.
verdicts() {
	grep -E '^(diff -|Binary files |Modes of |Owners of |Flags of |File |Symbolic links |Only in |Device numbers |Files |Common subdirectories)'
}

# found FSU-OUTPUT: it names each planted difference, and no other.
found() {
	sed -e 's|:*/t1|t1|g' -e 's|:*/t2|t2|g' -e 's|^diff -[a-z]* |diff -r |' \
	    "$1" | verdicts | sort >found.out
	sort planted >planted.sorted
	cmp -s planted.sorted found.out || { diff -u planted.sorted found.out >&2;
	    atf_fail "not the planted differences"; }
}

atf_test_case planted
planted_head() {
	atf_set "descr" "-r finds every planted difference, image against " \
	    "image, image against host, host against image, two images"
	atf_set "require.progs" "makefs python3"
}
planted_body() {
	h_init
	diff_imgs
	atf_check -s exit:1 -o save:out -e empty fsu_diff img -r :/t1 :/t2
	found out
	atf_check -s exit:1 -o save:out -e empty fsu_diff img -r :/t1 t2
	found out
	atf_check -s exit:1 -o save:out -e empty fsu_diff img -r t1 :/t2
	found out
	atf_check -s exit:1 -o save:out -e empty fsu_diff img -I img2 -r :/t1 ::/t2
	found out
	atf_check -s exit:1 -o save:out -e empty fsu_diff img -I img2 -ru :/t1 ::/t2
	found out
}

atf_test_case same
same_head() {
	atf_set "descr" "equal trees: no output, exit 0, in every pairing"
	atf_set "require.progs" "makefs python3"
}
same_body() {
	h_init
	diff_imgs
	atf_check -s exit:0 -o empty -e empty fsu_diff img -r :/t1 t1
	atf_check -s exit:0 -o empty -e empty fsu_diff img -r t2 :/t2
	atf_check -s exit:0 -o empty -e empty fsu_diff img -r :/t2 :/t2
	atf_check -s exit:0 -o empty -e empty fsu_diff img -I img2 -r ::/t2 :/t2
	atf_check -s exit:0 -o empty -e empty fsu_diff img -I img2 -ru ::/t2 t2
	atf_check -s exit:0 -o empty -e empty fsu_diff img :/t1/text t1/text
}

atf_test_case gnu
gnu_head() {
	atf_set "descr" "the output is GNU diff -r --no-dereference's, lines " \
	    "about attributes left out"
	atf_set "require.progs" "makefs python3 diff"
}
gnu_body() {
	h_init
	diff_imgs
	for opts in -r -ru "" -q -rq; do
		diff $opts --no-dereference t1 t2 >host.out
		fsu_diff img $opts :/t1 :/t2 >fsu.out
		# GNU calls two special files of a kind different whatever
		# they hold; the attribute lines are fsu_diff's own.
		grep -v 'is a fifo while file\|character special file while file' \
		    host.out >expect
		sed -e 's|:/t|t|g' \
		    -e "s|^diff ${opts:+$opts }|diff ${opts:+$opts }--no-dereference |" \
		    fsu.out | grep -v '^Modes of\|^Owners of\|^Device numbers' >got
		cmp -s expect got || { diff -u expect got >&2;
		    atf_fail "diff $opts"; }
	done
}

atf_test_case edits
edits_head() {
	atf_set "descr" "random edits of text files: the normal and the " \
	    "unified output turn the first file into the second with patch"
	atf_set "require.progs" "makefs python3 patch"
}
edits_body() {
	h_init
	mkdir e
	for s in $(seq 1 40); do
		python3 "$H_DIFF" edit $s e/a$s e/b$s || atf_fail "h_diff.py edit"
	done
	mkempty img 16m 500
	atf_check -s exit:0 -o empty -e empty fsu_put img -R e /
	for s in $(seq 1 40); do
		for fmt in "" -u; do
			fsu_diff img $fmt :/e/a$s e/b$s >p
			st=$?
			if cmp -s e/a$s e/b$s; then
				[ $st -eq 0 ] && [ ! -s p ] ||
				    atf_fail "$s$fmt: equal files"
				continue
			fi
			[ $st -eq 1 ] || atf_fail "$s$fmt: exit $st"
			cp e/a$s work
			patch -s work p >/dev/null 2>&1 ||
			    { cat p >&2; atf_fail "$s$fmt: patch failed"; }
			cmp -s work e/b$s || { cat p >&2;
			    atf_fail "$s$fmt: patched file differs"; }
			rm -f work work.orig
		done
	done
	# The minimal script, as the host's diff finds it, for one change.
	printf 'a\nb\nc\nd\n' >x
	printf 'a\nc\nd\ne\n' >y
	atf_check -s exit:0 fsu_put img x y /
	diff x y >expect
	atf_check -s exit:1 -o file:expect fsu_diff img :/x :/y
}

atf_test_case operands
operands_head() {
	atf_set "descr" "a directory and a file, a file and a directory, " \
	    "directories without -r, -q"
	atf_set "require.progs" "makefs python3"
}
operands_body() {
	h_init
	diff_imgs
	atf_check -s exit:0 -o empty fsu_diff img :/t1 t1/same
	atf_check -s exit:0 -o empty fsu_diff img t1/same :/t1
	atf_check -s exit:1 -o inline:"Files :/t1/text and t2/text differ\n" \
	    fsu_diff img -q :/t1 t2/text
	atf_check -s exit:1 -o match:"^Common subdirectories: :/t1/sub and :/t2/sub$" \
	    fsu_diff img :/t1 :/t2
	atf_check -s exit:1 -o match:"^Files :/t1/text and :/t2/text differ$" \
	    -o not-match:"^[<>]" fsu_diff img -rq :/t1 :/t2
}

atf_test_case errors
errors_head() {
	atf_set "descr" "trouble exits 2: missing operands, no -I for ::, " \
	    "bad options; the images are not changed"
	atf_set "require.progs" "makefs python3"
}
errors_body() {
	h_init
	diff_imgs
	sum=$(cat img img2 | sha256sum)
	atf_check -s exit:2 -o empty \
	    -e inline:"fsu_diff: :/nope: No such file or directory\n" \
	    fsu_diff img :/nope t1
	atf_check -s exit:2 -o empty \
	    -e inline:"fsu_diff: ::/t2: a path in a second image needs -I image\n" \
	    fsu_diff img :/t1 ::/t2
	atf_check -s exit:2 -o empty -e match:"^usage: fsu_diff " fsu_diff img :/t1
	atf_check -s exit:2 -o empty -e match:"^usage: fsu_diff " \
	    fsu_diff img -x :/t1 t1
	atf_check -s exit:2 -o empty -e match:"^fsu_diff: nope.img: " \
	    fsu_diff img -I nope.img :/t1 ::/t1
	[ "$(cat img img2 | sha256sum)" = "$sum" ] || atf_fail "images changed"
}

atf_init_test_cases() {
	atf_add_test_case planted
	atf_add_test_case same
	atf_add_test_case gnu
	atf_add_test_case edits
	atf_add_test_case operands
	atf_add_test_case errors
}
