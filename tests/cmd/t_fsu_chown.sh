#! /usr/bin/env atf-sh
# t_fsu_chown.sh: fsu_chown changes owners and groups in an image, with
# names from the host's databases.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

mksrc() {
	mkdir -p src/d/sub
	echo a >src/a
	echo b >src/d/b
	echo c >src/d/sub/c
	ln -s a src/l
	ln -s ../a src/d/la
	mkimg img src
	atf_check -s exit:0 fsu_chown img -R 0:0 /
	atf_check -s exit:0 fsu_chown img -h 0:0 /l /d/la
}

atf_test_case numbers
numbers_head() {
	atf_set "descr" "owner:group, owner, :group and owner: by number"
	atf_set "require.progs" "makefs"
}
numbers_body() {
	h_init
	mksrc
	atf_check -s exit:0 -o empty -e empty fsu_chown img 1234:5678 /a
	expect_attr img /a uid 1234
	expect_attr img /a gid 5678
	atf_check -s exit:0 fsu_chown img 42 /a
	expect_attr img /a uid 42
	expect_attr img /a gid 5678
	atf_check -s exit:0 fsu_chown img :7 /a
	expect_attr img /a uid 42
	expect_attr img /a gid 7
	atf_check -s exit:0 fsu_chown img 8: /a
	expect_attr img /a uid 8
	expect_attr img /a gid 7
	atf_check -s exit:0 fsu_chown img 4294967294:4294967294 /d/b
	expect_attr img /d/b uid 4294967294
	check_img
}

atf_test_case names
names_head() {
	atf_set "descr" "user and group names come from the host"
	atf_set "require.progs" "makefs getent"
}
names_body() {
	h_init
	mksrc
	user=$(getent passwd | awk -F: '$3 != 0 { print $1; exit }')
	group=$(getent group | awk -F: '$3 != 0 { print $1; exit }')
	[ -n "$user" ] && [ -n "$group" ] || atf_skip "no user or group"
	uid=$(getent passwd "$user" | cut -d: -f3)
	gid=$(getent group "$group" | cut -d: -f3)
	atf_check -s exit:0 fsu_chown img "$user:$group" /a
	expect_attr img /a uid "$uid"
	expect_attr img /a gid "$gid"
	atf_check -s exit:0 fsu_chown img root /a
	expect_attr img /a uid 0
	expect_attr img /a gid "$gid"
	check_img
}

atf_test_case recursive
recursive_head() {
	atf_set "descr" "-R changes a tree and the links in it, not what " \
	    "they point to outside"
	atf_set "require.progs" "makefs"
}
recursive_body() {
	h_init
	mksrc
	atf_check -s exit:0 -o empty -e empty fsu_chown img -R 100:200 /d
	for p in /d /d/b /d/sub /d/sub/c /d/la; do
		expect_attr img $p uid 100
		expect_attr img $p gid 200
	done
	expect_attr img /a uid 0
	check_img
}

atf_test_case links
links_head() {
	atf_set "descr" "a symbolic link operand is followed unless -h"
	atf_set "require.progs" "makefs"
}
links_body() {
	h_init
	mksrc
	atf_check -s exit:0 fsu_chown img 5:6 /l
	expect_attr img /a uid 5
	expect_attr img /l uid 0
	atf_check -s exit:0 fsu_chown img -h 9:9 /l
	expect_attr img /l uid 9
	expect_attr img /a uid 5
	check_img
}

atf_test_case verbose
verbose_head() {
	atf_set "descr" "-v prints the files that changed"
	atf_set "require.progs" "makefs"
}
verbose_body() {
	h_init
	mksrc
	atf_check -s exit:0 fsu_chown img 3 /d/b
	atf_check -s exit:0 -o inline:"/a\n" fsu_chown img -v 3 /a /d/b
	check_img
}

atf_test_case errors
errors_head() {
	atf_set "descr" "unknown names, missing files, usage"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mksrc
	atf_check -s exit:1 -e inline:"fsu_chown: nosuchuser: invalid user name\n" \
	    fsu_chown img nosuchuser /a
	atf_check -s exit:1 -e inline:"fsu_chown: nosuchgroup: invalid group name\n" \
	    fsu_chown img 0:nosuchgroup /a
	atf_check -s exit:1 -e inline:"fsu_chown: 12x: invalid user name\n" \
	    fsu_chown img 12x /a
	atf_check -s exit:1 \
	    -e inline:"fsu_chown: /nosuch: No such file or directory\n" \
	    fsu_chown img 77 /nosuch /a
	expect_attr img /a uid 77
	atf_check -s exit:1 -e match:'^usage: fsu_chown .*image \[-R\] \[-h\] \[-v\] owner\[:group\] file \.\.\.$' \
	    fsu_chown img 0
	check_img
}

atf_init_test_cases() {
	atf_add_test_case numbers
	atf_add_test_case names
	atf_add_test_case recursive
	atf_add_test_case links
	atf_add_test_case verbose
	atf_add_test_case errors
}
