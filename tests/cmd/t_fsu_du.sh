#! /usr/bin/env atf-sh
# t_fsu_du.sh: fsu_du against the sums of BSD du computed by h_du.py from
# the image's tree as the independent FFS checker lists it (walk order
# and inode numbers) and the blocks of each file (which the checker
# verifies), and against the host's du for which lines are printed.
# Block counts of the host's file system differ from the image's, so
# the host's numbers are no oracle.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
	H_FIND="$FSU_SRC/tests/cmd/h_find.py"
	H_DU="$FSU_SRC/tests/cmd/h_du.py"
	unset BLOCKSIZE
}

# The tree of h_find.py at /t of an image; list and stats for h_du.py.
du_img() {
	[ -n "$FFS_CHECK" ] || atf_skip "no ffs_check.py"
	python3 "$H_FIND" tree t || atf_fail "h_find.py tree"
	mkempty img 32m 2000
	atf_check -s exit:0 -o empty -e empty fsu_put img -Rp t /
	python3 "$FFS_CHECK" --list img >list.all || atf_fail "ffs_check"
	grep -q '^OK' list.all || atf_fail "ffs_check: $(tail -n 1 list.all)"
	grep '	' list.all >list
	# shellcheck disable=SC2046
	fsu_stat img -f '%b %z %.1Sp %N' / $(awk -F'\t' '{ print "/" $2 }' list) \
	    >stats || atf_fail "fsu_stat"
}

# compare ARGS...: fsu_du and h_du.py agree, lines sorted.
compare() {
	python3 "$H_DU" expect list stats "$@" | sort >expect ||
	    atf_fail "h_du.py $*"
	fsu_du img "$@" >out 2>err || { cat err >&2; return 1; }
	sort out >got
	if ! cmp -s expect got; then
		echo "fsu_du $*:" >&2
		diff -u expect got >&2
		return 1
	fi
}

atf_test_case sums
sums_head() {
	atf_set "descr" "-a -s -d -c -k -m -h -A over a tree with hard " \
	    "links, agreeing with the oracle"
	atf_set "require.progs" "makefs python3"
}
sums_body() {
	h_init
	du_img
	failed=
	for args in "" "-a" "-s" "-d 0" "-d 1" "-d 2" "-c" "-k" "-m" "-h" \
	    "-a -k" "-s -h" "-a -h" "-A" "-A -a -k" "-c -s /t/src /t/doc" \
	    "-a /t/src/include /t/src/util.h" "-a -c /t/src /t/src/include" \
	    "/t/README" "-k -d 1 /t" "-a -d 3 /t"; do
		# shellcheck disable=SC2086
		compare $args || failed="$failed [$args]"
	done
	[ -z "$failed" ] || atf_fail "differ:$failed"
}

atf_test_case lines
lines_head() {
	atf_set "descr" "the same paths as the host's du prints, with -a, " \
	    "-s and -d"
	atf_set "require.progs" "makefs python3 du"
}
lines_body() {
	h_init
	du_img
	for args in "" "-a" "-s" "-d 1" "-d 2 -a"; do
		# Which name of a file with two links is counted depends on
		# the order of the walk: leave those names out.
		# shellcheck disable=SC2086
		du $args t | cut -f 2 | sed 's|^t|/t|' |
		    grep -v 'util.h\|util_hard.h' | sort >expect
		# shellcheck disable=SC2086
		fsu_du img $args /t | cut -f 2 |
		    grep -v 'util.h\|util_hard.h' | sort >got
		cmp -s expect got || { diff -u expect got >&2;
		    atf_fail "du $args"; }
	done
}

atf_test_case links
links_head() {
	atf_set "descr" "a file with two links counts once, whichever " \
	    "operand holds the second; -L counts what links point to"
	atf_set "require.progs" "makefs python3"
}
links_body() {
	h_init
	du_img
	a=$(fsu_du img -s /t/src | cut -f 1)
	b=$(fsu_du img -s /t/src/include/util_hard.h | cut -f 1)
	[ "$b" -gt 0 ] || atf_fail "no blocks"
	atf_check -s exit:0 -o inline:"$a\ttotal\n" -x \
	    "fsu_du img -c /t/src /t/src/include/util_hard.h | tail -n 1"
	lib=$(fsu_du img -s /t/src/lib | cut -f 1)
	atf_check -s exit:0 -o inline:"$lib\t/t/link_dir\n" fsu_du img -sL /t/link_dir
	atf_check -s exit:0 -o inline:"$lib\t/t/link_dir\n" fsu_du img -sH /t/link_dir
	atf_check -s exit:0 -o inline:"0\t/t/link_dir\n" fsu_du img -s /t/link_dir
}

atf_test_case units
units_head() {
	atf_set "descr" "BLOCKSIZE, -k, -m and -h"
	atf_set "require.progs" "makefs python3"
}
units_body() {
	h_init
	du_img
	b=$(fsu_stat img -f %b /t/doc/big.bin)
	atf_check -s exit:0 -o inline:"$b\t/t/doc/big.bin\n" fsu_du img /t/doc/big.bin
	atf_check -s exit:0 -o inline:"$(((b + 1) / 2))\t/t/doc/big.bin\n" \
	    fsu_du img -k /t/doc/big.bin
	atf_check -s exit:0 -o inline:"$(((b + 1) / 2))\t/t/doc/big.bin\n" \
	    env BLOCKSIZE=1K fsu_du img /t/doc/big.bin
	atf_check -s exit:0 -o inline:"4\t/t/doc/big.bin\n" \
	    fsu_du img -m /t/doc/big.bin
	atf_check -s exit:0 -o match:"^3\\.[0-9]M	/t/doc/big.bin$" \
	    fsu_du img -h /t/doc/big.bin
	atf_check -s exit:0 -o inline:"0B\t/t/doc/notes\n" fsu_du img -h /t/doc/notes
}

atf_test_case errors
errors_head() {
	atf_set "descr" "missing files and conflicting options"
	atf_set "require.progs" "makefs python3"
}
errors_body() {
	h_init
	du_img
	atf_check -s exit:1 -o inline:"0\t/t/doc/notes\n" \
	    -e inline:"fsu_du: /nope: No such file or directory\n" \
	    fsu_du img /nope /t/doc/notes
	atf_check -s exit:1 -o empty -e match:"^usage: fsu_du " fsu_du img -s -a /
	atf_check -s exit:1 -o empty -e match:"^usage: fsu_du " fsu_du img -s -d 1 /
	atf_check -s exit:1 -o empty -e match:"^fsu_du: invalid argument" \
	    fsu_du img -d x /
	atf_check -s exit:1 -o empty -e match:"^usage: fsu_du " fsu_du img -q /
}

atf_init_test_cases() {
	atf_add_test_case sums
	atf_add_test_case lines
	atf_add_test_case links
	atf_add_test_case units
	atf_add_test_case errors
}
