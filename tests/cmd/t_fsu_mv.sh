#! /usr/bin/env atf-sh
# t_fsu_mv.sh: fsu_mv renames and moves files inside an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

# A tree for the cases: files a, b, c, directories d, e (with e/x), f/.
mksrc() {
	mkdir -p src/d src/e/x
	echo a >src/a
	echo b >src/b
	echo c >src/c
	echo x >src/e/x/y
}

atf_test_case rename
rename_head() {
	atf_set "descr" "source target renames files and directories"
	atf_set "require.progs" "makefs"
}
rename_body() {
	h_init
	mksrc
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_mv img /a /a2
	atf_check -s exit:0 -o empty -e empty fsu_mv img /e /e2
	check_img
	atf_check -s exit:0 -o inline:"a2\nb\nc\nd\ne2\ne2/x\ne2/x/y\n" h_names img
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /a2
	# Replace an existing file.
	atf_check -s exit:0 fsu_mv img /b /c
	atf_check -s exit:0 -o inline:"b\n" fsu_cat img /c
	check_img
	atf_check -s exit:0 -o inline:"a2\nc\nd\ne2\ne2/x\ne2/x/y\n" h_names img
}

atf_test_case into_dir
into_dir_head() {
	atf_set "descr" "sources move into an existing directory"
	atf_set "require.progs" "makefs"
}
into_dir_body() {
	h_init
	mksrc
	ln -s d src/linktod
	mkimg img src
	atf_check -s exit:0 -o empty -e empty fsu_mv img /a /b /e /d
	atf_check -s exit:0 -o empty -e empty fsu_mv img /c /linktod
	check_img
	atf_check -s exit:0 \
	    -o inline:"d\nd/a\nd/b\nd/c\nd/e\nd/e/x\nd/e/x/y\nlinktod\n" h_names img
	expect_attr img /d nlink 3
}

atf_test_case prompts
prompts_head() {
	atf_set "descr" "-i asks before replacing, -n never replaces, -f " \
	    "does without asking; the last one wins"
	atf_set "require.progs" "makefs"
}
prompts_body() {
	h_init
	mksrc
	mkimg img src
	echo n >no
	echo y >yes
	atf_check -s exit:0 -e inline:"overwrite /b? (y/n [n]) not overwritten\n" \
	    fsu_mv img -i /a /b <no
	atf_check -s exit:0 -o inline:"b\n" fsu_cat img /b
	atf_check -s exit:0 -e empty fsu_mv img -n /a /b
	atf_check -s exit:0 -o inline:"b\n" fsu_cat img /b
	atf_check -s exit:0 -e inline:"overwrite /b? (y/n [n]) " \
	    fsu_mv img -n -i /a /b <yes
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /b
	atf_check -s exit:0 -e empty fsu_mv img -i -f /b /c </dev/null
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /c
	# -i without a target in the way asks nothing.
	atf_check -s exit:0 -e empty fsu_mv img -i /c /new </dev/null
	check_img
	atf_check -s exit:0 -o inline:"d\ne\ne/x\ne/x/y\nnew\n" h_names img
}

atf_test_case verbose
verbose_head() {
	atf_set "descr" "-v prints source -> target"
	atf_set "require.progs" "makefs"
}
verbose_body() {
	h_init
	mksrc
	mkimg img src
	atf_check -s exit:0 -o inline:"/a -> /z\n" fsu_mv img -v /a /z
	atf_check -s exit:0 -o inline:"/b -> /d/b\nc -> /d/c\n" \
	    fsu_mv img -v /b c /d/
	check_img
}

atf_test_case errors
errors_head() {
	atf_set "descr" "a directory into itself, missing sources, kind " \
	    "mismatches, a non-directory last operand, usage"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mksrc
	mkdir -p src/full/z
	mkimg img src
	atf_check -s exit:1 \
	    -e inline:"fsu_mv: rename /e to /e/x/e: Invalid argument\n" \
	    fsu_mv img /e /e/x
	atf_check -s exit:1 \
	    -e inline:"fsu_mv: rename /e to /e/e: Invalid argument\n" \
	    fsu_mv img /e /e
	atf_check -s exit:1 \
	    -e inline:"fsu_mv: rename /nosuch to /q: No such file or directory\n" \
	    fsu_mv img /nosuch /q
	atf_check -s exit:1 \
	    -e inline:"fsu_mv: rename /e to /a: Not a directory\n" \
	    fsu_mv img /e /a
	atf_check -s exit:1 \
	    -e inline:"fsu_mv: rename /nosuch to /d/nosuch: No such file or directory\n" \
	    fsu_mv img /nosuch /a /d
	atf_check -s exit:1 -e inline:"fsu_mv: /c: Not a directory\n" \
	    fsu_mv img /a /b /c
	atf_check -s exit:1 -e match:'^usage: fsu_mv .*image \[-f \| -i \| -n\] \[-v\] source target$' \
	    fsu_mv img /a
	check_img
	# The one good move above: /a into /d.
	atf_check -s exit:0 -o inline:"b\nc\nd\nd/a\ne\ne/x\ne/x/y\nfull\nfull/z\n" \
	    h_names img
	# A directory over a non-empty directory.
	mkdir -p src2/p/e src2/q/e/stuff
	mkimg img2 src2
	atf_check -s exit:1 \
	    -e inline:"fsu_mv: rename /p/e to /q/e: Directory not empty\n" \
	    fsu_mv img2 /p/e /q
	check_img img2
}

atf_init_test_cases() {
	atf_add_test_case rename
	atf_add_test_case into_dir
	atf_add_test_case prompts
	atf_add_test_case verbose
	atf_add_test_case errors
}
