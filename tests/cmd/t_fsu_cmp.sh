#! /usr/bin/env atf-sh
# t_fsu_cmp.sh: fsu_cmp against the host's cmp on the same bytes: files
# of an image, of the host and of a second image (-I), compared in every
# pairing; GNU cmp says "byte" where BSD cmp says "char" and does not pad
# -l, which the comparison allows for.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
}

# Files on the host in ./f and the same files in two images: img holds
# them at /f, img2 at /g.
cmp_imgs() {
	mkdir f
	printf 'abc\ndef\nghi\n' >f/a
	printf 'abc\ndXf\nghi\n' >f/b
	printf 'abc\ndef\n' >f/prefix
	: >f/empty
	python3 -c 'import random, sys
r = random.Random(3); sys.stdout.buffer.write(r.randbytes(300000))' >f/big
	python3 -c 'import sys
d = bytearray(open("f/big", "rb").read())
for i in (0, 65535, 65536, 131072, 299999):
    d[i] ^= 0x55
sys.stdout.buffer.write(d)' >f/big2
	ln -s a f/link
	mkempty img 16m 200
	mkempty img2 16m 200
	atf_check -s exit:0 -o empty -e empty fsu_put img -R f /
	atf_check -s exit:0 -o empty -e empty fsu_put img2 -R f /g
}

# check FSU-ARGS... -- HOST-ARGS...: the same exit status, the same
# output once "byte" is read as "char" and blanks squeezed.
check() {
	fsuargs=
	while [ "$1" != -- ]; do
		fsuargs="$fsuargs '$1'"
		shift
	done
	shift
	cmp "$@" >host.out 2>host.err
	hst=$?
	eval "fsu_cmp img -I img2 $fsuargs" >fsu.out 2>fsu.err
	fst=$?
	[ $hst -eq $fst ] || atf_fail "fsu_cmp$fsuargs: exit $fst, cmp $*: $hst ($(cat fsu.err))"
	sed -e 's/ byte / char /' -e '/ differ: /s/^[^ ]* [^ ]* //' host.out |
	    awk '{ $1 = $1; print }' >expect
	sed -e '/ differ: /s/^[^ ]* [^ ]* //' fsu.out |
	    awk '{ $1 = $1; print }' >got
	cmp -s expect got || { diff -u expect got >&2;
	    atf_fail "fsu_cmp$fsuargs"; }
}

atf_test_case pairs
pairs_head() {
	atf_set "descr" "image against host, image against image, two " \
	    "images: same, different, prefix, -l, -s, skips"
	atf_set "require.progs" "makefs python3 cmp"
}
pairs_body() {
	h_init
	cmp_imgs
	for x in :/f ::/g f; do
		for y in :/f ::/g f; do
			check $x/a $y/a -- f/a f/a
			check $x/a $y/b -- f/a f/b
			check $x/big $y/big2 -- f/big f/big2
			check -l $x/big $y/big2 -- -l f/big f/big2
			check -s $x/a $y/b -- -s f/a f/b
			check -s $x/a $y/a -- -s f/a f/a
			check $x/empty $y/empty -- f/empty f/empty
			check $x/a $y/b 5 5 -- f/a f/b 5 5
			check $x/a $y/b 6 6 -- f/a f/b 6 6
			check $x/big $y/big2 0x10000 0x10000 -- f/big f/big2 0x10000 0x10000
		done
	done
	check :/f/link :/f/a -- f/link f/a
	check - :/f/a -- - f/a <f/a
}

atf_test_case eof
eof_head() {
	atf_set "descr" "a file that ends first: exit 1, EOF named on the " \
	    "standard error, nothing with -s"
	atf_set "require.progs" "makefs python3"
}
eof_body() {
	h_init
	cmp_imgs
	atf_check -s exit:1 -o empty -e inline:"fsu_cmp: EOF on :/f/prefix\n" \
	    fsu_cmp img :/f/prefix f/a
	atf_check -s exit:1 -o empty -e inline:"fsu_cmp: EOF on ::/g/empty\n" \
	    fsu_cmp img -I img2 :/f/a ::/g/empty
	atf_check -s exit:1 -o empty -e empty fsu_cmp img -s :/f/a f/prefix
	atf_check -s exit:1 -o inline:"     6 130 145\n" \
	    -e inline:"fsu_cmp: EOF on :/f/prefix\n" \
	    fsu_cmp img -l :/f/b :/f/prefix
}

atf_test_case errors
errors_head() {
	atf_set "descr" "errors exit 2: missing files, no -I for ::, bad " \
	    "options, an image that does not mount, a directory"
	atf_set "require.progs" "makefs python3"
}
errors_body() {
	h_init
	cmp_imgs
	atf_check -s exit:2 -o empty \
	    -e inline:"fsu_cmp: :/nope: No such file or directory\n" \
	    fsu_cmp img :/nope f/a
	atf_check -s exit:2 -o empty \
	    -e inline:"fsu_cmp: nope: No such file or directory\n" \
	    fsu_cmp img :/f/a nope
	atf_check -s exit:2 -o empty \
	    -e inline:"fsu_cmp: ::/g/a: a path in a second image needs -I image\n" \
	    fsu_cmp img :/f/a ::/g/a
	atf_check -s exit:2 -o empty -e match:"^fsu_cmp: :/f: " \
	    fsu_cmp img :/f :/f/a
	atf_check -s exit:2 -o empty -e match:"^usage: fsu_cmp " \
	    fsu_cmp img -l -s :/f/a f/a
	atf_check -s exit:2 -o empty -e match:"^usage: fsu_cmp " fsu_cmp img :/f/a
	atf_check -s exit:2 -o empty -e match:"^fsu_cmp: x: illegal offset" \
	    fsu_cmp img :/f/a f/a x
	echo junk >notimg
	atf_check -s exit:2 -o empty -e match:"^fsu_cmp: notimg: " \
	    fsu_cmp img -I notimg :/f/a ::/f/a
	atf_check -s exit:2 -o empty -e match:"^fsu_cmp: notimg: " \
	    fsu_cmp notimg :/f/a f/a
	sum=$(cat img img2 | sha256sum)
	[ "$(cat img img2 | sha256sum)" = "$sum" ] || atf_fail "images changed"
}

atf_init_test_cases() {
	atf_add_test_case pairs
	atf_add_test_case eof
	atf_add_test_case errors
}
