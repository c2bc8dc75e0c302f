#! /usr/bin/env atf-sh
# t_fsu_rm.sh: fsu_rm removes files and trees of an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

atf_test_case files
files_head() {
	atf_set "descr" "files of every kind go; missing ones are reported"
	atf_set "require.progs" "makefs mkfifo"
}
files_body() {
	h_init
	mkdir -p src/d
	echo a >src/a
	echo b >src/b
	mkfifo src/fifo
	ln -s a src/link
	ln src/a src/d/hard
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_rm img /a /fifo /link
	expect_attr img /d/hard nlink 1
	atf_check -s exit:1 \
	    -e inline:"fsu_rm: /nosuch: No such file or directory\n" \
	    fsu_rm img /nosuch /b
	check_img
	atf_check -s exit:0 -o inline:"d\nd/hard\n" h_names img
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /d/hard
}

atf_test_case force
force_head() {
	atf_set "descr" "-f: no message for missing files, no operand is fine"
	atf_set "require.progs" "makefs"
}
force_body() {
	h_init
	mkdir src
	echo a >src/a
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_rm img -f /nosuch /a /x/y
	atf_check -s exit:0 -o empty -e empty fsu_rm img -f
	atf_check -s exit:0 -o empty -e empty fsu_rm img -rf /nosuch
	atf_check -s exit:1 -e match:'^usage: fsu_rm .*image \[-f \| -i\] \[-Rrv\] file \.\.\.$' \
	    fsu_rm img
	check_img
	atf_check -s exit:0 -o empty h_names img
}

atf_test_case directory
directory_head() {
	atf_set "descr" "a directory needs -r; -r and -R remove trees without " \
	    "following symbolic links"
	atf_set "require.progs" "makefs mkfifo"
}
directory_body() {
	h_init
	mkdir -p src/t/a/b/c src/t/e src/u/v src/keep/inside
	echo 1 >src/t/a/f1
	echo 2 >src/t/a/b/c/f2
	mkfifo src/t/e/p
	ln -s ../../keep src/t/a/tokeep
	ln -s /keep/inside src/u/abs
	echo k >src/keep/inside/k
	mkimg img src
	atf_check -s exit:1 -e inline:"fsu_rm: /t: is a directory\n" \
	    fsu_rm img /t
	atf_check -s exit:0 -o empty -e empty fsu_rm img -r /t
	atf_check -s exit:0 -o empty -e empty fsu_rm img -R /u/
	check_img
	atf_check -s exit:0 -o inline:"keep\nkeep/inside\nkeep/inside/k\n" \
	    h_names img
}

atf_test_case verbose
verbose_head() {
	atf_set "descr" "-v prints each path removed, depth first"
	atf_set "require.progs" "makefs"
}
verbose_body() {
	h_init
	mkdir -p src/d/e
	echo x >src/d/e/f
	echo y >src/g
	mkimg img src
	atf_check -s exit:0 -o inline:"/d/e/f\n/d/e\n/d\n/g\n" -e empty \
	    fsu_rm img -rv /d /g
	check_img
}

atf_test_case interactive
interactive_head() {
	atf_set "descr" "-i asks on stderr and reads the answers from stdin"
	atf_set "require.progs" "makefs"
}
interactive_body() {
	h_init
	mkdir -p src/d/sub
	echo a >src/a
	echo b >src/b
	echo c >src/d/sub/c
	mkimg img src
	printf 'y\nn\n' >answers
	atf_check -s exit:0 -o empty -e inline:"remove /a? remove /b? " \
	    fsu_rm img -i /a /b <answers
	atf_check -s exit:0 -o inline:"b\nd\nd/sub\nd/sub/c\n" h_names img
	# Decline to examine d: nothing below it is touched.
	echo n >answers
	atf_check -s exit:0 -e inline:"examine files in directory /d? " \
	    fsu_rm img -ri /d <answers
	# Go in, remove everything.
	printf 'y\ny\ny\ny\ny\n' >answers
	atf_check -s exit:0 -e inline:"examine files in directory /d? examine files in directory /d/sub? remove /d/sub/c? remove /d/sub? remove /d? " \
	    fsu_rm img -ri /d <answers
	# -f after -i cancels the questions.
	atf_check -s exit:0 -e empty fsu_rm img -i -f /b </dev/null
	check_img
	atf_check -s exit:0 -o empty h_names img
}

atf_test_case refused
refused_head() {
	atf_set "descr" "., .. and / are refused; the other operands go"
	atf_set "require.progs" "makefs"
}
refused_body() {
	h_init
	mkdir -p src/d
	echo a >src/d/a
	echo b >src/b
	mkimg img src
	for op in . .. /d/. d/.. /d/../ ./; do
		atf_check -s exit:1 \
		    -e inline:"fsu_rm: \".\" and \"..\" may not be removed\n" \
		    fsu_rm img -rf "$op"
	done
	atf_check -s exit:1 -e inline:"fsu_rm: \"/\" may not be removed\n" \
	    fsu_rm img -rf / /b
	atf_check -s exit:1 -e inline:"fsu_rm: \"/\" may not be removed\n" \
	    fsu_rm img -r //
	check_img
	atf_check -s exit:0 -o inline:"d\nd/a\n" h_names img
}

atf_test_case deep_and_wide
deep_and_wide_head() {
	atf_set "descr" "-r removes a tree deeper than the kernel's path " \
	    "limit and a directory of 3000 entries"
	atf_set "require.progs" "makefs"
	atf_set "timeout" "600"
}
deep_and_wide_body() {
	h_init
	mkdir src
	p=src/deep
	i=0
	while [ $i -lt 400 ]; do
		p=$p/dd
		i=$((i + 1))
	done
	mkdir -p "$p"
	echo bottom >"$p/f"
	mkdir src/wide
	(cd src/wide && seq -f 'file%g' 1 3000 | xargs touch)
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_rm img -r /deep /wide
	check_img
	atf_check -s exit:0 -o empty h_names img
}

atf_init_test_cases() {
	atf_add_test_case files
	atf_add_test_case force
	atf_add_test_case directory
	atf_add_test_case verbose
	atf_add_test_case interactive
	atf_add_test_case refused
	atf_add_test_case deep_and_wide
}
