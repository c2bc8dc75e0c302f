#! /usr/bin/env atf-sh
# t_fsu_mkdir.sh: fsu_mkdir makes directories in an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

atf_test_case basic
basic_head() {
	atf_set "descr" "directories get 0777 less the umask"
	atf_set "require.progs" "makefs"
}
basic_body() {
	h_init
	mkimg img
	atf_check -s exit:0 -o empty -e empty fsu_mkdir img /a /b /a/c
	check_img
	atf_check -s exit:0 -o inline:"a\na/c\nb\n" h_names img
	expect_attr img /a type d
	expect_attr img /a mode 0755
	expect_attr img /a nlink 3
	expect_attr img /a/c nlink 2
	(umask 027 && fsu_mkdir img /u) || atf_fail "fsu_mkdir /u"
	expect_attr img /u mode 0750
	check_img
}

atf_test_case errors
errors_head() {
	atf_set "descr" "existing names and missing parents fail, the other " \
	    "operands are still made"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mkdir -p src/d
	echo x >src/f
	mkimg img src
	atf_check -s exit:1 -e inline:"fsu_mkdir: /d: File exists\n" \
	    fsu_mkdir img /d
	atf_check -s exit:1 -e inline:"fsu_mkdir: /f: File exists\n" \
	    fsu_mkdir img /f
	atf_check -s exit:1 \
	    -e inline:"fsu_mkdir: /x/y: No such file or directory\n" \
	    fsu_mkdir img /x/y /z
	atf_check -s exit:1 -e match:'^usage: fsu_mkdir .*image \[-p\] \[-m mode\] dir \.\.\.$' \
	    fsu_mkdir img
	atf_check -s exit:1 -e inline:"fsu_mkdir: invalid file mode: 999\n" \
	    fsu_mkdir img -m 999 /q
	check_img
	atf_check -s exit:0 -o inline:"d\nf\nz\n" h_names img
}

atf_test_case parents
parents_head() {
	atf_set "descr" "-p makes parents, accepts existing directories and " \
	    "refuses a file in the way"
	atf_set "require.progs" "makefs"
}
parents_body() {
	h_init
	mkdir -p src/d
	echo x >src/f
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_mkdir img -p /a/b/c /d //e//f/
	atf_check -s exit:0 -o empty -e empty fsu_mkdir img -p /a/b/c /a
	check_img
	atf_check -s exit:0 -o inline:"a\na/b\na/b/c\nd\ne\ne/f\nf\n" h_names img
	atf_check -s exit:1 -e inline:"fsu_mkdir: /f: File exists\n" \
	    fsu_mkdir img -p /f
	atf_check -s exit:1 -e inline:"fsu_mkdir: /f/x: Not a directory\n" \
	    fsu_mkdir img -p /f/x
	# Parents: 0777 less the umask, plus u+wx.
	(umask 0277 && fsu_mkdir img -p /p/q) || atf_fail "fsu_mkdir -p /p/q"
	expect_attr img /p mode 0700
	expect_attr img /p/q mode 0500
	check_img
}

atf_test_case mode
mode_head() {
	atf_set "descr" "-m sets octal and symbolic modes, umask aside"
	atf_set "require.progs" "makefs"
}
mode_body() {
	h_init
	mkimg img
	umask 077
	atf_check -s exit:0 fsu_mkdir img -m 0755 /a
	expect_attr img /a mode 0755
	atf_check -s exit:0 fsu_mkdir img -m 1777 /t
	expect_attr img /t mode 1777
	atf_check -s exit:0 fsu_mkdir img -m g-w /s
	expect_attr img /s mode 0757
	atf_check -s exit:0 fsu_mkdir img -m u=rwx,go=rx,+t /s2
	expect_attr img /s2 mode 1755
	atf_check -s exit:0 fsu_mkdir img -p -m 0711 /x/y/z
	expect_attr img /x mode 0700
	expect_attr img /x/y mode 0700
	expect_attr img /x/y/z mode 0711
	check_img
}

atf_init_test_cases() {
	atf_add_test_case basic
	atf_add_test_case errors
	atf_add_test_case parents
	atf_add_test_case mode
}
