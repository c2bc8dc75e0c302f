#! /usr/bin/env atf-sh
# t_fsu_rmdir.sh: fsu_rmdir removes empty directories of an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

atf_test_case basic
basic_head() {
	atf_set "descr" "empty directories go, others stay with a message"
	atf_set "require.progs" "makefs"
}
basic_body() {
	h_init
	mkdir -p src/a src/b src/full/sub src/other
	echo x >src/f
	echo y >src/other/g
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_rmdir img /a /b
	atf_check -s exit:1 -e inline:"fsu_rmdir: /full: Directory not empty\n" \
	    fsu_rmdir img /full
	atf_check -s exit:1 -e inline:"fsu_rmdir: /other: Directory not empty\n" \
	    fsu_rmdir img /other
	atf_check -s exit:1 -e inline:"fsu_rmdir: /f: Not a directory\n" \
	    fsu_rmdir img /f
	atf_check -s exit:1 \
	    -e inline:"fsu_rmdir: /nosuch: No such file or directory\n" \
	    fsu_rmdir img /nosuch /full/sub
	check_img
	atf_check -s exit:0 -o inline:"f\nfull\nother\nother/g\n" h_names img
	expect_attr img /full nlink 2
}

atf_test_case parents
parents_head() {
	atf_set "descr" "-p removes the parents, and stops at one that is " \
	    "not empty"
	atf_set "require.progs" "makefs"
}
parents_body() {
	h_init
	mkdir -p src/a/b/c src/x/y/z src/x/keep
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_rmdir img -p a/b/c/
	atf_check -s exit:1 -e inline:"fsu_rmdir: x: Directory not empty\n" \
	    fsu_rmdir img -p x/y/z
	check_img
	atf_check -s exit:0 -o inline:"x\nx/keep\n" h_names img
}

atf_test_case usage
usage_head() {
	atf_set "descr" "no operand is a usage error"
	atf_set "require.progs" "makefs"
}
usage_body() {
	h_init
	mkimg img
	atf_check -s exit:1 -e match:'^usage: fsu_rmdir .*image \[-p\] dir \.\.\.$' \
	    fsu_rmdir img
	atf_check -s exit:1 -e match:'^usage: fsu_rmdir' fsu_rmdir img -q /a
	check_img
}

atf_init_test_cases() {
	atf_add_test_case basic
	atf_add_test_case parents
	atf_add_test_case usage
}
