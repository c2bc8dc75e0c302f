#! /usr/bin/env atf-sh
# t_fsu_mknod.sh: fsu_mknod makes devices and FIFOs, fsu_mkfifo FIFOs.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

atf_test_case devices
devices_head() {
	atf_set "descr" "character and block devices keep major and minor"
	atf_set "require.progs" "makefs"
}
devices_body() {
	h_init
	mkdir -p src/dev
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_mknod img /dev/tty c 12 34
	atf_check -s exit:0 fsu_mknod img /dev/disk b 4095 1048575
	atf_check -s exit:0 fsu_mknod img /dev/zero c 0 0
	atf_check -s exit:0 fsu_mknod img /dev/hex c 0x10 020
	check_img
	expect_attr img /dev/tty type c
	expect_attr img /dev/tty rdev 12,34
	expect_attr img /dev/tty mode 0644
	expect_attr img /dev/disk type b
	expect_attr img /dev/disk rdev 4095,1048575
	expect_attr img /dev/zero rdev 0,0
	expect_attr img /dev/hex rdev 16,16
	atf_check -s exit:0 -o inline:"dev\ndev/disk\ndev/hex\ndev/tty\ndev/zero\n" \
	    h_names img
}

atf_test_case fifo_and_mode
fifo_and_mode_head() {
	atf_set "descr" "p makes a FIFO; -m sets the mode, umask aside"
	atf_set "require.progs" "makefs"
}
fifo_and_mode_body() {
	h_init
	mkimg img
	umask 077
	atf_check -s exit:0 -o empty -e empty fsu_mknod img /p p
	expect_attr img /p type p
	expect_attr img /p mode 0600
	atf_check -s exit:0 fsu_mknod img -m 0666 /c c 1 2
	expect_attr img /c mode 0666
	# Symbolic modes are relative to a=rw.
	atf_check -s exit:0 fsu_mknod img -m u=rw,g=r /c2 c 1 3
	expect_attr img /c2 mode 0646
	atf_check -s exit:0 fsu_mknod img -m 4755 /p2 p
	expect_attr img /p2 mode 4755
	check_img
}

atf_test_case errors
errors_head() {
	atf_set "descr" "bad numbers, bad types, existing names, usage"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mkdir src
	echo a >src/a
	mkimg img src
	u='^usage: fsu_mknod .*image \[-m mode\] name \[b \| c\] major minor$'
	atf_check -s exit:1 -e match:"$u" fsu_mknod img /x
	atf_check -s exit:1 -e match:"$u" fsu_mknod img /x c 1
	atf_check -s exit:1 -e match:"$u" fsu_mknod img /x q 1 2
	atf_check -s exit:1 -e match:"$u" fsu_mknod img /x p 1
	atf_check -s exit:1 -e match:'^       fsu_mknod .*image \[-m mode\] name p$' \
	    fsu_mknod img
	atf_check -s exit:1 \
	    -e inline:"fsu_mknod: 4096: major number too large (at most 4095)\n" \
	    fsu_mknod img /x c 4096 0
	atf_check -s exit:1 \
	    -e inline:"fsu_mknod: 1048576: minor number too large (at most 1048575)\n" \
	    fsu_mknod img /x c 0 1048576
	atf_check -s exit:1 -e inline:"fsu_mknod: 1z: invalid major number\n" \
	    fsu_mknod img /x c 1z 0
	atf_check -s exit:1 -e inline:"fsu_mknod: -1: invalid minor number\n" \
	    fsu_mknod img /x c 1 -1
	atf_check -s exit:1 -e inline:"fsu_mknod: /a: File exists\n" \
	    fsu_mknod img /a p
	atf_check -s exit:1 -e inline:"fsu_mknod: invalid file mode: rw\n" \
	    fsu_mknod img -m rw /y p
	check_img
	atf_check -s exit:0 -o inline:"a\n" h_names img
}

atf_test_case mkfifo
mkfifo_head() {
	atf_set "descr" "fsu_mkfifo makes FIFOs, -m, errors go on"
	atf_set "require.progs" "makefs"
}
mkfifo_body() {
	h_init
	mkdir src
	echo a >src/a
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_mkfifo img /f1 /f2
	expect_attr img /f1 type p
	expect_attr img /f2 mode 0644
	atf_check -s exit:0 fsu_mkfifo img -m 0600 /f3
	expect_attr img /f3 mode 0600
	atf_check -s exit:0 fsu_mkfifo img -m g+w /f4
	expect_attr img /f4 mode 0666
	atf_check -s exit:1 -e inline:"fsu_mkfifo: /a: File exists\n" \
	    fsu_mkfifo img /a /f5
	expect_attr img /f5 type p
	atf_check -s exit:1 -e match:'^usage: fsu_mkfifo .*image \[-m mode\] name \.\.\.$' \
	    fsu_mkfifo img
	check_img
	atf_check -s exit:0 -o inline:"a\nf1\nf2\nf3\nf4\nf5\n" h_names img
}

atf_init_test_cases() {
	atf_add_test_case devices
	atf_add_test_case fifo_and_mode
	atf_add_test_case errors
	atf_add_test_case mkfifo
}
