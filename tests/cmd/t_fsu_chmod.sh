#! /usr/bin/env atf-sh
# t_fsu_chmod.sh: fsu_chmod changes file modes in an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

atf_test_case octal
octal_head() {
	atf_set "descr" "octal modes, several files"
	atf_set "require.progs" "makefs"
}
octal_body() {
	h_init
	mkdir -p src/d
	echo a >src/a
	echo b >src/b
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_chmod img 600 /a /b
	atf_check -s exit:0 fsu_chmod img 4711 /d
	atf_check -s exit:0 fsu_chmod img 0 /b
	check_img
	expect_attr img /a mode 0600
	expect_attr img /b mode 0000
	expect_attr img /d mode 4711
	expect_attr img /d type d
}

# The matrix: for each symbolic mode, files of several start modes are
# changed in the image and on the host; the modes must agree.  Cases
# where GNU and BSD chmod differ (o= and the sticky bit, t for u or g)
# are left out; the unit tests (t_fsu_mode) check them.
MODES="u+x go-w a=rX a+X +X o=u g=o u=g ug=rw = a= =r +r -r +w -w +x
u+x,go-w g+u-w u=rwx,g=u-w,o= =rw+x +r,o-r u+s g+s +s ug-s a+rwx go=rx
a-x u-x,+X =u o+w,g=o u+rw,g+r,o-rwx a=r,u+w +t -t a+t"
STARTS="0000 0644 0755 0600 0777 0700 4755 2750 0111 0466"

run_matrix() {
	rm -rf src host
	mkdir src host
	i=0
	for m in $MODES; do
		i=$((i + 1))
		for s in $STARTS; do
			: >src/f$i.$s
			chmod $s src/f$i.$s
		done
	done
	mkimg img src
	cp -p src/* host/
	i=0
	for m in $MODES; do
		i=$((i + 1))
		chmod -- "$m" host/f$i.* 2>/dev/null
		(cd host && ls f$i.*) | sed 's|^|/|' >files
		atf_check -s exit:0 -e empty fsu_chmod img -- "$m" $(cat files)
		for s in $STARTS; do
			want=$(stat -c %a host/f$i.$s)
			want=$(printf '%04o' $((0$want)))
			got=$(h_attr img /f$i.$s mode)
			[ "$got" = "$want" ] || atf_fail "\"$m\" on $s (umask \
$(umask)): $got, host chmod $want"
		done
	done
	check_img
}

atf_test_case matrix
matrix_head() {
	atf_set "descr" "symbolic modes give what the host's chmod gives"
	atf_set "require.progs" "makefs chmod stat"
}
matrix_body() {
	h_init
	run_matrix
}

atf_test_case matrix_umask
matrix_umask_head() {
	atf_set "descr" "the same with umask 027 and 077"
	atf_set "require.progs" "makefs chmod stat"
}
matrix_umask_body() {
	h_init
	umask 027
	run_matrix
	umask 077
	run_matrix
}

atf_test_case recursive
recursive_head() {
	atf_set "descr" "-R changes a tree, X makes directories searchable, " \
	    "symbolic links inside are not followed"
	atf_set "require.progs" "makefs"
}
recursive_body() {
	h_init
	mkdir -p src/t/sub/subsub src/out
	echo 1 >src/t/f
	echo 2 >src/t/sub/g
	echo 3 >src/out/o
	chmod 0700 src/t src/t/sub src/t/sub/subsub
	chmod 0600 src/t/f src/t/sub/g src/out/o
	chmod 0711 src/out
	ln -s ../out/o src/t/lo
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_chmod img -R a+rX /t
	check_img
	expect_attr img /t mode 0755
	expect_attr img /t/sub mode 0755
	expect_attr img /t/sub/subsub mode 0755
	expect_attr img /t/f mode 0644
	expect_attr img /t/sub/g mode 0644
	expect_attr img /out/o mode 0600
	expect_attr img /out mode 0711
	# A symbolic link operand is followed.
	atf_check -s exit:0 fsu_chmod img 0640 /t/lo
	expect_attr img /out/o mode 0640
}

atf_test_case links
links_head() {
	atf_set "descr" "-h changes a symbolic link itself"
	atf_set "require.progs" "makefs"
}
links_body() {
	h_init
	mkdir src
	echo a >src/a
	chmod 0644 src/a
	ln -s a src/l
	mkimg img src
	atf_check -s exit:0 fsu_chmod img -h 0700 /l
	expect_attr img /l mode 0700
	expect_attr img /a mode 0644
	atf_check -s exit:0 fsu_chmod img -R -h go= /l
	expect_attr img /a mode 0644
	check_img
}

atf_test_case verbose
verbose_head() {
	atf_set "descr" "-v prints the files whose mode changed"
	atf_set "require.progs" "makefs"
}
verbose_body() {
	h_init
	mkdir -p src/d src/e
	echo a >src/d/a
	echo b >src/d/b
	echo x >src/e/x
	chmod 0644 src/d/a
	chmod 0600 src/d/b
	chmod 0444 src/e/x
	chmod 0755 src/d src/e
	mkimg img src
	atf_check -s exit:0 -o inline:"/d/b\n" fsu_chmod img -v 644 /d/a /d/b
	atf_check -s exit:0 -o inline:"/e\n" fsu_chmod img -Rv u-w /e
	expect_attr img /e mode 0555
	check_img
}

atf_test_case dash_mode
dash_mode_head() {
	atf_set "descr" "a mode such as -w may stand where an option would"
	atf_set "require.progs" "makefs"
}
dash_mode_body() {
	h_init
	mkdir src
	echo a >src/a
	chmod 0666 src/a
	mkimg img src
	atf_check -s exit:0 -e empty fsu_chmod img -w /a
	expect_attr img /a mode 0466
	atf_check -s exit:0 -o inline:"/a\n" -e empty \
	    fsu_chmod img -v -r,a+x /a
	expect_attr img /a mode 0133
	atf_check -s exit:0 -e empty fsu_chmod img -- 644 /a
	expect_attr img /a mode 0644
	check_img
}

atf_test_case errors
errors_head() {
	atf_set "descr" "bad modes, missing files, usage"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mkdir src
	echo a >src/a
	chmod 0644 src/a
	mkimg img src
	for m in 8 u+q abc u+x, 17777; do
		atf_check -s exit:1 -e inline:"fsu_chmod: invalid file mode: $m\n" \
		    fsu_chmod img "$m" /a
	done
	atf_check -s exit:1 \
	    -e inline:"fsu_chmod: /nosuch: No such file or directory\n" \
	    fsu_chmod img 600 /nosuch /a
	expect_attr img /a mode 0600
	atf_check -s exit:1 -e match:'^usage: fsu_chmod .*image \[-R\] \[-h\] \[-v\] mode file \.\.\.$' \
	    fsu_chmod img 600
	atf_check -s exit:1 -e match:'^usage: fsu_chmod' fsu_chmod img -q 600 /a
	check_img
}

atf_init_test_cases() {
	atf_add_test_case octal
	atf_add_test_case matrix
	atf_add_test_case matrix_umask
	atf_add_test_case recursive
	atf_add_test_case links
	atf_add_test_case verbose
	atf_add_test_case dash_mode
	atf_add_test_case errors
}
