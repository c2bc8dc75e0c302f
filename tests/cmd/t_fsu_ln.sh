#! /usr/bin/env atf-sh
# t_fsu_ln.sh: fsu_ln makes hard and symbolic links inside an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

mksrc() {
	mkdir -p src/d src/e
	echo a >src/a
	echo b >src/b
	ln -s d src/ltod
}

atf_test_case hard
hard_head() {
	atf_set "descr" "hard links share the inode; into a directory; the " \
	    "one-operand form"
	atf_set "require.progs" "makefs"
}
hard_body() {
	h_init
	mksrc
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_ln img /a /h1
	atf_check -s exit:0 -o empty -e empty fsu_ln img /a /b /d
	atf_check -s exit:0 -o empty -e empty fsu_ln img /d/a /e/h2
	atf_check -s exit:0 -o empty -e empty fsu_ln img /e/h2
	check_img
	expect_attr img /a nlink 5
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /h2
	atf_check -s exit:0 \
	    -o inline:"a\nb\nd\nd/a\nd/b\ne\ne/h2\nh1\nh2\nltod\n" h_names img
	# A hard link to a symbolic link links the link itself.
	atf_check -s exit:0 fsu_ln img /ltod /l2
	expect_attr img /l2 type l
	expect_attr img /l2 target d
	check_img
}

atf_test_case symbolic
symbolic_head() {
	atf_set "descr" "-s stores the source as given, existing or not"
	atf_set "require.progs" "makefs"
}
symbolic_body() {
	h_init
	mksrc
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_ln img -s a /s1
	atf_check -s exit:0 -o empty -e empty fsu_ln img -s /nowhere/at/all /s2
	atf_check -s exit:0 -o empty -e empty fsu_ln img -s ../a /b /e
	atf_check -s exit:0 -o empty -e empty fsu_ln img -s /some/dir/target
	long=$(printf 'x%.0s' $(seq 1 300))
	atf_check -s exit:0 fsu_ln img -s "$long" /s3
	check_img
	expect_attr img /s1 target a
	expect_attr img /s2 target /nowhere/at/all
	expect_attr img /e/a target ../a
	expect_attr img /e/b target /b
	expect_attr img /target target /some/dir/target
	expect_attr img /s3 target "$long"
	expect_attr img /s3 size 300
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /e/a
}

atf_test_case existing
existing_head() {
	atf_set "descr" "an existing target fails; -f replaces it, -i asks"
	atf_set "require.progs" "makefs"
}
existing_body() {
	h_init
	mksrc
	mkimg img src
	atf_check -s exit:1 -e inline:"fsu_ln: /b: File exists\n" \
	    fsu_ln img /a /b
	atf_check -s exit:1 -e inline:"fsu_ln: /b: File exists\n" \
	    fsu_ln img -s a /b
	atf_check -s exit:0 -e empty fsu_ln img -f /a /b
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /b
	expect_attr img /a nlink 2
	echo n >no
	echo y >yes
	atf_check -s exit:0 -e inline:"replace /b? not replaced\n" \
	    fsu_ln img -i -s x /b <no
	expect_attr img /b type -
	atf_check -s exit:0 -e inline:"replace /b? " fsu_ln img -f -i -s x /b <yes
	expect_attr img /b target x
	atf_check -s exit:1 -e inline:"fsu_ln: /a and /a are the same file\n" \
	    fsu_ln img -f /a /a
	check_img
}

atf_test_case no_follow
no_follow_head() {
	atf_set "descr" "-h and -n treat a target that is a symbolic link " \
	    "to a directory as a file"
	atf_set "require.progs" "makefs"
}
no_follow_body() {
	h_init
	mksrc
	mkimg img src
	# Followed: the link goes inside d.
	atf_check -s exit:0 fsu_ln img -s e /ltod
	expect_attr img /d/e target e
	atf_check -s exit:0 fsu_ln img -sfh e /ltod
	expect_attr img /ltod target e
	atf_check -s exit:0 fsu_ln img -sfn d /ltod
	expect_attr img /ltod target d
	atf_check -s exit:1 -e inline:"fsu_ln: /ltod: File exists\n" \
	    fsu_ln img -sn e /ltod
	check_img
	atf_check -s exit:0 -o inline:"a\nb\nd\nd/e\ne\nltod\n" h_names img
}

atf_test_case verbose
verbose_head() {
	atf_set "descr" "-v prints target -> source (=> for hard links)"
	atf_set "require.progs" "makefs"
}
verbose_body() {
	h_init
	mksrc
	mkimg img src
	atf_check -s exit:0 -o inline:"/s -> a\n" fsu_ln img -sv a /s
	atf_check -s exit:0 -o inline:"/d/a => /a\n" fsu_ln img -v /a /d
	check_img
}

atf_test_case errors
errors_head() {
	atf_set "descr" "missing sources, directories, usage"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mksrc
	mkimg img src
	atf_check -s exit:1 -e inline:"fsu_ln: /nosuch: No such file or directory\n" \
	    fsu_ln img /nosuch /x
	atf_check -s exit:1 -e inline:"fsu_ln: /dl: Operation not permitted\n" \
	    fsu_ln img /d /dl
	atf_check -s exit:1 -e inline:"fsu_ln: /no/x: No such file or directory\n" \
	    fsu_ln img /a /no/x
	atf_check -s exit:1 -e inline:"fsu_ln: /b: Not a directory\n" \
	    fsu_ln img /a /e /b
	atf_check -s exit:1 -e match:'^usage: fsu_ln .*image \[-fhinsv\] source \[target\]$' \
	    fsu_ln img
	check_img
	atf_check -s exit:0 -o inline:"a\nb\nd\ne\nltod\n" h_names img
}

atf_init_test_cases() {
	atf_add_test_case hard
	atf_add_test_case symbolic
	atf_add_test_case existing
	atf_add_test_case no_follow
	atf_add_test_case verbose
	atf_add_test_case errors
}
