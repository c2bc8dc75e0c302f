#! /usr/bin/env atf-sh
# t_two_images.sh: fsu_ecp with a second image (-I image2, paths
# "::path"): trees copied from one image into another, both mounted in
# one process, keeping what fsu_put keeps; checked with h_fsu_stat
# listings, fsu_diff between the images, the independent FFS checker,
# and the source image left byte for byte as it was.  fsu_cmp and
# fsu_diff with -I are tested in t_fsu_cmp and t_fsu_diff.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
}

atf_test_case tree
tree_head() {
	atf_set "descr" "-Rp copies a tree with every kind of file from one " \
	    "image into another: types, modes, owners, times, targets, " \
	    "contents, hard links, holes"
	atf_set "require.progs" "makefs python3"
}
tree_body() {
	h_init
	mktree tree
	mkempty src
	mkempty dst
	atf_check -s exit:0 -o empty -e empty fsu_put src -Rp tree /
	sum=$(sha256sum <src)
	atf_check -s exit:0 -o empty -e empty fsu_ecp src -I dst -Rp :/tree ::/
	[ "$(sha256sum <src)" = "$sum" ] || atf_fail "the source image changed"
	check_img dst
	img_list src /tree >src.list
	img_list dst /tree >dst.list
	same_list src.list dst.list "source and copy"
	atf_check -s exit:0 -o empty -e empty fsu_diff src -I dst -r :/tree ::/tree
	# The names of a file with several links are one inode again.
	atf_check -s exit:0 -o inline:"1\n" -x \
	    "fsu_stat dst -f %i /tree/small /tree/links/hard /tree/links/sub/hard2 | sort -u | wc -l"
	blocks=$(fsu_stat dst -f %b /tree/sparse)
	[ "$blocks" -lt 200 ] || atf_fail "sparse file has $blocks blocks"
}

atf_test_case back
back_head() {
	atf_set "descr" "from the second image into the first; into an " \
	    "existing directory; to a new name; several sources"
	atf_set "require.progs" "makefs python3"
}
back_body() {
	h_init
	mkdir -p t/d
	echo one >t/one
	echo two >t/d/two
	mkempty a 16m 100
	mkempty b 16m 100
	atf_check -s exit:0 -o empty -e empty fsu_put b -R t /
	atf_check -s exit:0 -o empty -e empty fsu_mkdir a /in
	atf_check -s exit:0 -o empty -e empty fsu_ecp a -I b -R ::/t :/in
	atf_check -s exit:0 -o inline:"two\n" fsu_cat a /in/t/d/two
	atf_check -s exit:0 -o empty -e empty fsu_ecp a -I b ::/t/one :/renamed
	atf_check -s exit:0 -o inline:"one\n" fsu_cat a /renamed
	atf_check -s exit:0 -o empty -e empty fsu_ecp a -I b ::/t/one ::/t/d/two :/in
	atf_check -s exit:0 -o inline:"one\ntwo\n" fsu_cat a /in/one /in/two
	# The root of the source into the root of the target.
	mkempty c 16m 100
	atf_check -s exit:0 -o empty -e empty fsu_ecp c -I b -R ::/ :
	atf_check -s exit:0 -o empty -e empty fsu_diff c -I b -r : ::
	check_img a
	check_img c
	# Over an existing file; a directory is not replaced by a file.
	atf_check -s exit:0 -o empty -e empty fsu_ecp a -I b ::/t/d/two :/renamed
	atf_check -s exit:0 -o inline:"two\n" fsu_cat a /renamed
	atf_check -s exit:0 -o empty -e empty fsu_mkdir a -p /x/one
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_ecp: cannot overwrite directory /x/one with non-directory /t/one\n" \
	    fsu_ecp a -I b ::/t/one :/x
	atf_check -s exit:1 -o empty -e inline:"fsu_ecp: /t is a directory (not copied)\n" \
	    fsu_ecp a -I b ::/t :/y
}

atf_test_case operands
operands_head() {
	atf_set "descr" "sources in one place and the target in another; " \
	    "::paths need -I; get and put to and from the second image"
	atf_set "require.progs" "makefs python3"
}
operands_body() {
	h_init
	echo data >f
	mkempty a 16m 100
	mkempty b 16m 100
	atf_check -s exit:0 -o empty -e empty fsu_ecp a -I b f ::/f
	atf_check -s exit:0 -o inline:"data\n" fsu_cat b /f
	atf_check -s exit:0 -o empty -e empty fsu_ecp a -I b ::/f got
	atf_check -s exit:0 -o inline:"data\n" cat got
	atf_check -s exit:1 -o empty -e match:"must be in different places" \
	    -e match:"^usage: fsu_ecp " fsu_ecp a -I b ::/f ::/g
	atf_check -s exit:1 -o empty -e match:"must all be" \
	    fsu_ecp a -I b ::/f :/f x
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_ecp: ::paths are in a second image, given with -I\n" \
	    fsu_ecp a ::/f x
	atf_check -s exit:1 -o empty -e match:"^usage: fsu_get " \
	    fsu_get a -I b /f x
	atf_check -s exit:1 -o empty -e match:"^fsu_ecp: nope: " \
	    fsu_ecp a -I nope ::/f x
	# One image file twice: the second mount finds it locked.
	atf_check -s exit:1 -o empty -e match:"busy" fsu_ecp a -I a :/x ::/y
}

atf_init_test_cases() {
	atf_add_test_case tree
	atf_add_test_case back
	atf_add_test_case operands
}
