#! /usr/bin/env atf-sh
# t_fsu_write.sh: fsu_write copies standard input into a file of an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

atf_test_case create
create_head() {
	atf_set "descr" "a new file gets stdin, mode 0666 less the umask"
	atf_set "require.progs" "makefs"
}
create_body() {
	h_init
	mkimg img
	echo "hello, image" >in
	atf_check -s exit:0 -o empty -e empty fsu_write img /f <in
	check_img
	atf_check -s exit:0 -o file:in fsu_cat img /f
	expect_attr img /f type -
	expect_attr img /f mode 0644
	expect_attr img /f size 13
	(umask 077 && fsu_write img /g <in) || atf_fail "fsu_write /g"
	expect_attr img /g mode 0600
	check_img
	atf_check -s exit:0 -o inline:"f\ng\n" h_names img
}

atf_test_case binary_sizes
binary_sizes_head() {
	atf_set "descr" "binary data of 0 bytes to 5 MiB round-trips"
	atf_set "require.progs" "makefs python3"
}
binary_sizes_body() {
	h_init
	mkimg img
	for n in 0 1 511 512 4095 4096 4097 32768 65537 1000000 5242880; do
		python3 -c "
import random, sys
r = random.Random($n)
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range($n)) if $n < 100000 else r.randbytes($n))
" >data.$n
		atf_check -s exit:0 -o empty -e empty fsu_write img /d.$n <data.$n
	done
	check_img
	for n in 0 1 511 512 4095 4096 4097 32768 65537 1000000 5242880; do
		fsu_cat img /d.$n >out || atf_fail "fsu_cat /d.$n"
		cmp -s data.$n out || atf_fail "/d.$n differs"
		expect_attr img /d.$n size $n
	done
	# Every byte value, NULs included.
	python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 3)' >all
	atf_check -s exit:0 fsu_write img /all <all
	atf_check -s exit:0 -o file:all fsu_cat img /all
	check_img
}

atf_test_case truncate
truncate_head() {
	atf_set "descr" "an existing file is truncated before writing"
	atf_set "require.progs" "makefs"
}
truncate_body() {
	h_init
	mkdir src
	printf '0123456789abcdef%.0s' $(seq 1 1000) >src/f
	mkimg img src
	echo short >in
	atf_check -s exit:0 fsu_write img /f <in
	atf_check -s exit:0 -o inline:"short\n" fsu_cat img /f
	expect_attr img /f size 6
	atf_check -s exit:0 fsu_write img /f </dev/null
	expect_attr img /f size 0
	check_img
}

atf_test_case append
append_head() {
	atf_set "descr" "-a appends, and creates a missing file"
	atf_set "require.progs" "makefs"
}
append_body() {
	h_init
	mkimg img
	echo one | atf_check -s exit:0 fsu_write img -a /f
	echo two | atf_check -s exit:0 fsu_write img -a /f
	head -c 100000 /dev/zero | atf_check -s exit:0 fsu_write img -a /f
	echo three | atf_check -s exit:0 fsu_write img -a /f
	(echo one; echo two; head -c 100000 /dev/zero; echo three) >want
	atf_check -s exit:0 -o file:want fsu_cat img /f
	check_img
}

atf_test_case errors
errors_head() {
	atf_set "descr" "usage errors, a directory, a missing parent"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mkdir -p src/d
	mkimg img src
	atf_check -s exit:1 -e match:'^usage: fsu_write .*image \[-a\] file$' \
	    fsu_write img </dev/null
	atf_check -s exit:1 -e match:'^usage: fsu_write' \
	    fsu_write img /a /b </dev/null
	atf_check -s exit:1 -e match:'^usage: fsu_write' \
	    fsu_write img -x /a </dev/null
	atf_check -s exit:1 -e inline:"fsu_write: /d: Is a directory\n" \
	    fsu_write img /d </dev/null
	atf_check -s exit:1 \
	    -e inline:"fsu_write: /no/f: No such file or directory\n" \
	    fsu_write img /no/f </dev/null
	check_img
	atf_check -s exit:0 -o inline:"d\n" h_names img
}

atf_init_test_cases() {
	atf_add_test_case create
	atf_add_test_case binary_sizes
	atf_add_test_case truncate
	atf_add_test_case append
	atf_add_test_case errors
}
