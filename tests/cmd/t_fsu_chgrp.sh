#! /usr/bin/env atf-sh
# t_fsu_chgrp.sh: fsu_chgrp changes groups in an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

atf_test_case basic
basic_head() {
	atf_set "descr" "groups by number and by name, -R, -h, -v"
	atf_set "require.progs" "makefs getent"
}
basic_body() {
	h_init
	mkdir -p src/d
	echo a >src/a
	echo b >src/d/b
	ln -s a src/l
	mkimg img src
	atf_check -s exit:0 fsu_chown img -R 0:0 /
	atf_check -s exit:0 -o empty -e empty fsu_chgrp img 55 /a
	expect_attr img /a gid 55
	expect_attr img /a uid 0
	group=$(getent group | awk -F: '$3 != 0 { print $1; exit }')
	gid=$(getent group "$group" | cut -d: -f3)
	atf_check -s exit:0 fsu_chgrp img "$group" /a
	expect_attr img /a gid "$gid"
	atf_check -s exit:0 -o inline:"/d\n/d/b\n" fsu_chgrp img -Rv 66 /d
	expect_attr img /d/b gid 66
	atf_check -s exit:0 fsu_chgrp img -h 77 /l
	expect_attr img /l gid 77
	expect_attr img /a gid "$gid"
	check_img
}

atf_test_case errors
errors_head() {
	atf_set "descr" "unknown groups, missing files, usage"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mkdir src
	echo a >src/a
	mkimg img src
	atf_check -s exit:1 -e inline:"fsu_chgrp: nosuchgroup: invalid group name\n" \
	    fsu_chgrp img nosuchgroup /a
	atf_check -s exit:1 \
	    -e inline:"fsu_chgrp: /nosuch: No such file or directory\n" \
	    fsu_chgrp img 5 /nosuch
	atf_check -s exit:1 -e match:'^usage: fsu_chgrp .*image \[-R\] \[-h\] \[-v\] group file \.\.\.$' \
	    fsu_chgrp img 5
	check_img
}

atf_init_test_cases() {
	atf_add_test_case basic
	atf_add_test_case errors
}
