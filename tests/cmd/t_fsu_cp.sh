#! /usr/bin/env atf-sh
# t_fsu_cp.sh: fsu_cp copies files inside an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
}

# strip_prefix PREFIX: listings of two trees, compared without the path
# prefix each has.
strip_prefix() {
	sed "s|^$1||"
}

atf_test_case files
files_head() {
	atf_set "descr" "a file to a new name (mode less the umask), over " \
	    "an existing file (its mode stays), into a directory"
	atf_set "require.progs" "makefs"
}
files_body() {
	h_init
	mkdir -p src/d
	echo a >src/a
	echo b >src/b
	echo old >src/old
	chmod 0755 src/a
	chmod 0600 src/old
	mkroomy img src
	umask 027
	atf_check -s exit:0 -o empty -e empty fsu_cp img /a /new
	expect_attr img /new mode 0750
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /new
	atf_check -s exit:0 -o empty -e empty fsu_cp img /a /old
	expect_attr img /old mode 0600
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /old
	atf_check -s exit:0 -o empty -e empty fsu_cp img /a /b /d
	atf_check -s exit:0 -o inline:"b\n" fsu_cat img /d/b
	atf_check -s exit:1 -e inline:"fsu_cp: /new: Not a directory\n" \
	    fsu_cp img /a /b /new
	atf_check -s exit:1 -e match:'^usage: fsu_cp .*image \[-R \[-H \| -L \| -P\]\] \[-f \| -i\] \[-p\] \[-v\] source target$' \
	    fsu_cp img /a
	check_img
}

atf_test_case recursive
recursive_head() {
	atf_set "descr" "-R copies a tree with every kind of file; " \
	    "symbolic links stay links"
	atf_set "require.progs" "makefs"
}
recursive_body() {
	h_init
	mkdir -p src/t/d/e src/t/empty
	echo f >src/t/f
	echo g >src/t/d/e/g
	ln -s f src/t/rel
	ln -s /nowhere src/t/dangling
	mkfifo src/t/fifo
	if [ "$(id -u)" = 0 ]; then
		mknod src/t/null c 1 3
		mknod src/t/disk b 8 1
	fi
	dd if=/dev/urandom of=src/t/big bs=65536 count=40 2>/dev/null
	mkroomy img src
	atf_check -s exit:0 -o empty -e empty fsu_cp img -R /t /copy
	check_img
	# Times and owners are new without -p: compare the rest.
	img_list img /t | strip_prefix /t | cut -d ' ' -f 1-9,12- >t.list
	img_list img /copy | strip_prefix /copy | cut -d ' ' -f 1-9,12- \
	    >copy.list
	same_list t.list copy.list "source and copy"
	[ "$(img_sum img /copy/big)" = "$(host_sum src/t/big)" ] ||
	    atf_fail "big differs"
	# Into an existing directory: as /copy/t.
	atf_check -s exit:0 -o empty -e empty fsu_cp img -R /t /copy
	atf_check -s exit:0 -o inline:"g\n" fsu_cat img /copy/t/d/e/g
	check_img
}

atf_test_case preserve
preserve_head() {
	atf_set "descr" "-p keeps modes, owners, times and flags"
	atf_set "require.progs" "makefs"
}
preserve_body() {
	h_init
	mkdir -p src/t/d
	echo f >src/t/f
	echo s >src/t/suid
	ln -s f src/t/l
	touch -d '2001-02-03 04:05:06' src/t/f src/t/suid src/t/d
	touch -h -d '2002-02-03 04:05:06' src/t/l
	touch -d '2003-02-03 04:05:06' src/t
	mkroomy img src
	atf_check -s exit:0 fsu_chown img -R 1234:5678 /t
	atf_check -s exit:0 fsu_chown img -h 4321:8765 /t/l
	atf_check -s exit:0 fsu_chmod img 4750 /t/suid
	atf_check -s exit:0 fsu_chmod img 1777 /t/d
	atf_check -s exit:0 fsu_chflags img nodump /t/f
	atf_check -s exit:0 -o empty -e empty fsu_cp img -Rp /t /copy
	check_img
	img_list img /t | strip_prefix /t >t.list
	img_list img /copy | strip_prefix /copy >copy.list
	same_list t.list copy.list "source and copy"
	expect_attr img /copy/f flags 1
	expect_attr img /copy/suid mode 4750
}

atf_test_case setid
setid_head() {
	atf_set "descr" "without -p set-ID bits stay only for the same " \
	    "owner and group"
	atf_set "require.progs" "makefs"
}
setid_body() {
	h_init
	mkdir -p src/out
	echo a >src/mine
	echo b >src/theirs
	mkroomy img src
	atf_check -s exit:0 fsu_chmod img 6755 /mine /theirs
	atf_check -s exit:0 fsu_chown img 1234:5678 /theirs
	umask 022
	atf_check -s exit:0 -o empty -e empty fsu_cp img /mine /theirs /out
	expect_attr img /out/mine mode 6755
	expect_attr img /out/theirs mode 0755
	expect_attr img /out/theirs uid 0
}

atf_test_case links
links_head() {
	atf_set "descr" "-P (the default with -R) copies links, -L " \
	    "follows them, -H only operands; without -R operands are followed"
	atf_set "require.progs" "makefs"
}
links_body() {
	h_init
	mkdir -p src/t/d
	echo f >src/t/f
	echo in >src/t/d/in
	ln -s f src/t/lf
	ln -s d src/t/ld
	ln -s t src/lt
	mkroomy img src
	atf_check -s exit:0 fsu_cp img -R /t /P
	expect_attr img /P/lf type l
	expect_attr img /P/ld type l
	atf_check -s exit:0 fsu_cp img -R -L /t /L
	expect_attr img /L/lf type -
	expect_attr img /L/ld type d
	atf_check -s exit:0 -o inline:"in\n" fsu_cat img /L/ld/in
	atf_check -s exit:0 fsu_cp img -R /lt /lt.P
	expect_attr img /lt.P type l
	atf_check -s exit:0 fsu_cp img -RH /lt /lt.H
	expect_attr img /lt.H type d
	expect_attr img /lt.H/lf type l
	atf_check -s exit:0 fsu_cp img /t/lf /plain
	expect_attr img /plain type -
	atf_check -s exit:0 fsu_ln img -s . /t/d/up
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_cp: /t/d/up: directory causes a cycle\n" \
	    fsu_cp img -RL /t/d /cyc
	check_img
}

atf_test_case refused
refused_head() {
	atf_set "descr" "directories without -R, a directory into itself " \
	    "and a file onto itself are refused; other operands go on"
	atf_set "require.progs" "makefs"
}
refused_body() {
	h_init
	mkdir -p src/d/e src/t
	echo a >src/a
	mkroomy img src
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_cp: /d is a directory (not copied)\n" \
	    fsu_cp img /d /a /t
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /t/a
	atf_check -s exit:1 \
	    -e inline:"fsu_cp: cannot copy a directory, /d, into itself, /d/e/x\n" \
	    fsu_cp img -R /d /d/e/x
	atf_check -s exit:1 \
	    -e inline:"fsu_cp: cannot copy a directory, /d, into itself, /d/d\n" \
	    fsu_cp img -R /d /d
	atf_check -s exit:1 -e inline:"fsu_cp: /a and /a are identical (not copied)\n" \
	    fsu_cp img /a /a
	atf_check -s exit:1 -e inline:"fsu_cp: /nosuch: No such file or directory\n" \
	    fsu_cp img /nosuch /b
	check_img
	atf_check -s exit:0 -o inline:"a\nd\nd/e\nt\nt/a\n" h_names img
}

atf_test_case interactive
interactive_head() {
	atf_set "descr" "-i asks before writing over a file; -f cancels it"
	atf_set "require.progs" "makefs"
}
interactive_body() {
	h_init
	mkdir src
	echo a >src/a
	echo b >src/b
	echo c >src/c
	mkroomy img src
	echo n >no
	atf_check -s exit:0 -e inline:"overwrite /b? (y/n [n]) not overwritten\n" \
	    fsu_cp img -i /a /b <no
	atf_check -s exit:0 -o inline:"b\n" fsu_cat img /b
	echo y >yes
	atf_check -s exit:0 -e inline:"overwrite /b? (y/n [n]) " \
	    fsu_cp img -i /a /b <yes
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /b
	atf_check -s exit:0 -e empty fsu_cp img -i -f /a /c </dev/null
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /c
}

atf_test_case sparse
sparse_head() {
	atf_set "descr" "a sparse file stays sparse"
	atf_set "require.progs" "makefs"
}
sparse_body() {
	h_init
	mkdir src
	mkroomy img src
	mkdir host
	truncate -s 4m host/s
	echo middle | dd of=host/s bs=1 seek=2000000 conv=notrunc 2>/dev/null
	atf_check -s exit:0 fsu_put img host/s /s
	atf_check -s exit:0 fsu_cp img /s /s2
	[ "$(img_sum img /s2)" = "$(host_sum host/s)" ] || atf_fail "differs"
	blocks=$(fsu_ls img -s /s2 | awk '{ print $1 }')
	[ "$blocks" -lt 200 ] || atf_fail "copy has $blocks blocks"
	check_img
}

atf_test_case verbose
verbose_head() {
	atf_set "descr" "-v prints source -> target"
	atf_set "require.progs" "makefs"
}
verbose_body() {
	h_init
	mkdir -p src/t/d
	echo a >src/t/a
	mkroomy img src
	atf_check -s exit:0 -o save:out -e empty fsu_cp img -Rv /t /u
	atf_check -s exit:0 -o inline:"/t -> /u\n/t/a -> /u/a\n/t/d -> /u/d\n" \
	    sort out
}

atf_init_test_cases() {
	atf_add_test_case files
	atf_add_test_case recursive
	atf_add_test_case preserve
	atf_add_test_case setid
	atf_add_test_case links
	atf_add_test_case refused
	atf_add_test_case interactive
	atf_add_test_case sparse
	atf_add_test_case verbose
}
