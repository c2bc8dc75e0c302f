#! /usr/bin/env atf-sh
# t_fsu_chflags.sh: fsu_chflags changes BSD file flags in an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

mksrc() {
	mkdir -p src/d/sub
	echo a >src/a
	echo b >src/d/b
	ln -s a src/l
	mkimg img src
	atf_check -s exit:0 fsu_chflags img -R -h 0 /
}

atf_test_case names
names_head() {
	atf_set "descr" "every flag name sets its bit, no-names clear it"
	atf_set "require.progs" "makefs"
}
names_body() {
	h_init
	mksrc
	for pair in nodump:1 uchg:2 uchange:2 uimmutable:2 uappnd:4 \
	    uappend:4 opaque:8 arch:10000 archived:10000 schg:20000 \
	    schange:20000 simmutable:20000 sappnd:40000 sappend:40000; do
		name=${pair%:*}
		atf_check -s exit:0 -o empty -e empty fsu_chflags img "$name" /a
		expect_attr img /a flags "${pair#*:}"
		atf_check -s exit:0 -o empty -e empty fsu_chflags img "no$name" /a
		expect_attr img /a flags 0
	done
	atf_check -s exit:0 fsu_chflags img nodump,uappnd,arch /a
	expect_attr img /a flags 10005
	atf_check -s exit:0 fsu_chflags img dump,noarch /a
	expect_attr img /a flags 4
	atf_check -s exit:0 fsu_chflags img opaque /d
	expect_attr img /d flags 8
	check_img
}

atf_test_case octal
octal_head() {
	atf_set "descr" "an octal number replaces the flags"
	atf_set "require.progs" "makefs"
}
octal_body() {
	h_init
	mksrc
	atf_check -s exit:0 fsu_chflags img 5 /a
	expect_attr img /a flags 5
	atf_check -s exit:0 fsu_chflags img 0200001 /a
	expect_attr img /a flags 10001
	atf_check -s exit:0 fsu_chflags img 0 /a
	expect_attr img /a flags 0
	check_img
}

atf_test_case effect
effect_head() {
	atf_set "descr" "an immutable file cannot be written until the flag " \
	    "is cleared"
	atf_set "require.progs" "makefs"
}
effect_body() {
	h_init
	mksrc
	atf_check -s exit:0 fsu_chflags img uchg /a
	atf_check -s exit:1 -e inline:"fsu_write: /a: Operation not permitted\n" \
	    fsu_write img /a </dev/null
	atf_check -s exit:0 fsu_chflags img nouchg /a
	atf_check -s exit:0 fsu_write img /a </dev/null
	expect_attr img /a size 0
	check_img
}

atf_test_case recursive
recursive_head() {
	atf_set "descr" "-R changes a tree; links in it only with -h; -v"
	atf_set "require.progs" "makefs"
}
recursive_body() {
	h_init
	mksrc
	atf_check -s exit:0 -o inline:"/\n/a\n/d\n/d/b\n/d/sub\n" -e empty \
	    sh -c 'fsu_chflags img -Rv nodump / | sort'
	expect_attr img /l flags 0
	atf_check -s exit:0 fsu_chflags img -R -h uappnd /
	expect_attr img /l flags 4
	expect_attr img /a flags 5
	# A link operand is followed without -h.
	atf_check -s exit:0 fsu_chflags img 0 /l
	expect_attr img /a flags 0
	expect_attr img /l flags 4
	check_img
}

atf_test_case errors
errors_head() {
	atf_set "descr" "unknown flags, missing files, usage"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mksrc
	atf_check -s exit:1 -e inline:"fsu_chflags: bogus: invalid flag\n" \
	    fsu_chflags img uchg,bogus /a
	atf_check -s exit:1 -e inline:"fsu_chflags: 9: invalid flag\n" \
	    fsu_chflags img 9 /a
	expect_attr img /a flags 0
	atf_check -s exit:1 \
	    -e inline:"fsu_chflags: /nosuch: No such file or directory\n" \
	    fsu_chflags img nodump /nosuch /a
	expect_attr img /a flags 1
	atf_check -s exit:1 -e match:'^usage: fsu_chflags .*image \[-R\] \[-h\] \[-v\] flags file \.\.\.$' \
	    fsu_chflags img nodump
	check_img
}

atf_init_test_cases() {
	atf_add_test_case names
	atf_add_test_case octal
	atf_add_test_case effect
	atf_add_test_case recursive
	atf_add_test_case errors
}
