#! /usr/bin/env atf-sh
# t_fsu_put.sh: fsu_put (and fsu_ecp with an image target) copies host
# files into an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
}

atf_test_case every_kind
every_kind_head() {
	atf_set "descr" "-R copies a tree with every kind of file into an " \
	    "empty image: the image is consistent and holds what makefs " \
	    "makes of the same tree"
	atf_set "require.progs" "makefs python3"
}
every_kind_body() {
	h_init
	mktree tree
	mkempty img
	atf_check -s exit:0 -o empty -e empty fsu_put img -R tree /
	check_img
	# Listed after the copy, which leaves the host's access times alone.
	host_list tree /tree >host.list
	img_list img /tree >img.list
	same_list host.list img.list "host tree and image"
	# makefs, an independent writer, makes the same image of the tree.
	mkdir mk
	cp -a tree mk/
	atf_check -s exit:0 -o ignore -e ignore makefs -t ffs -s 64m \
	    -f 4000 -o version=2 mk.img mk
	fsu_ls mk.img -lnAR /tree | grep -v '^total' >mk.ls
	fsu_ls img -lnAR /tree | grep -v '^total' >img.ls
	same_list mk.ls img.ls "makefs and fsu_put"
	for f in big small sparse setuid empty wide/entry-01999 \
	    "$(cd tree && echo L*)" \
	    deep/level000/level001/level002/level003/level004/level005; do
		[ -f "tree/$f" ] || continue
		[ "$(img_sum img "/tree/$f")" = "$(host_sum "tree/$f")" ] ||
		    atf_fail "/tree/$f: contents differ"
	done
	# The three names of small are one inode; the sparse file has holes.
	ino=$(fsu_ls img -i /tree/small | awk '{ print $1 }')
	atf_check -s exit:0 -o inline:"$ino $ino\n" sh -c \
	    "fsu_ls img -i /tree/links/hard /tree/links/sub/hard2 |
	    awk '{ printf \"%s%s\", s, \$1; s = \" \" } END { print \"\" }'"
	blocks=$(fsu_ls img -s /tree/sparse | awk '{ print $1 }')
	[ "$blocks" -lt 200 ] || atf_fail "sparse file has $blocks blocks"
}

atf_test_case deep
deep_head() {
	atf_set "descr" "a tree deeper than the kernel's path limit"
	atf_set "require.progs" "makefs python3"
}
deep_body() {
	h_init
	python3 "$H_TREE" deep tree 150
	mkempty img
	atf_check -s exit:0 -o empty -e empty fsu_put img -R tree /
	check_img
	mkdir out
	atf_check -s exit:0 -o empty -e empty fsu_get img -R /tree out
	atf_check -s exit:0 -o empty diff -r tree out/tree
}

atf_test_case operands
operands_head() {
	atf_set "descr" "files into a directory, a file to a new name, " \
	    "errors for directories without -R and missing sources"
	atf_set "require.progs" "makefs"
}
operands_body() {
	h_init
	mkdir -p d/sub
	echo a >a
	echo b >b
	echo c >d/sub/c
	mkempty img
	atf_check -s exit:0 -o empty -e empty fsu_put img a b /
	atf_check -s exit:0 -o empty -e empty fsu_put img a /renamed
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_put: d is a directory (not copied)\nfsu_put: nosuch: No such file or directory\n" \
	    fsu_put img d nosuch b /
	atf_check -s exit:1 -e inline:"fsu_put: /renamed: Not a directory\n" \
	    fsu_put img a b /renamed
	atf_check -s exit:1 -e inline:"fsu_put: /no/such: No such file or directory\n" \
	    fsu_put img a /no/such/x
	atf_check -s exit:1 -e match:'^usage: fsu_put .*image \[-L\] \[-p\] \[-R\] \[-v\] host-path \.\.\. image-path$' \
	    fsu_put img a
	atf_check -s exit:0 -o empty -e empty fsu_put img -R d /
	atf_check -s exit:0 -o empty -e empty fsu_put img -R d/. /renamed2
	check_img
	atf_check -s exit:0 -o inline:"a\nb\nd\nd/sub\nd/sub/c\nrenamed\nrenamed2\nrenamed2/sub\nrenamed2/sub/c\n" \
	    h_names img
	atf_check -s exit:0 -o inline:"c\n" fsu_cat img /renamed2/sub/c
}

atf_test_case replace
replace_head() {
	atf_set "descr" "an existing file is replaced (not written through), " \
	    "an existing directory is copied into, a type clash is refused"
	atf_set "require.progs" "makefs"
}
replace_body() {
	h_init
	mkdir -p src/d src/f
	echo old >src/x
	ln src/x src/xlink
	echo old >src/d/keep
	mkimg img src
	mkdir -p new/d
	echo new >new/x
	echo new >new/d/added
	echo file >new/f
	atf_check -s exit:0 -o empty -e empty fsu_put img -R new/x new/d /
	atf_check -s exit:0 -o inline:"new\n" fsu_cat img /x
	atf_check -s exit:0 -o inline:"old\n" fsu_cat img /xlink
	atf_check -s exit:0 -o inline:"old\n" fsu_cat img /d/keep
	atf_check -s exit:0 -o inline:"new\n" fsu_cat img /d/added
	atf_check -s exit:1 \
	    -e inline:"fsu_put: cannot overwrite directory /f with non-directory new/f\n" \
	    fsu_put img new/f /
	atf_check -s exit:1 \
	    -e inline:"fsu_put: cannot overwrite non-directory /x with directory new/d\n" \
	    fsu_put img -R new/d /x
	check_img
}

atf_test_case preserve
preserve_head() {
	atf_set "descr" "modes and times always; -p owners, groups and the " \
	    "flags the host has"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
preserve_body() {
	h_init
	mkdir -p src/d
	echo f >src/f
	ln -s f src/l
	chown 1234:5678 src/f src/d
	chown -h 4321:8765 src/l
	chmod 2750 src/d
	chmod 4711 src/f
	touch -h -d '2003-04-05 06:07:08' src/l
	touch -d '2002-03-04 05:06:07' src/f src/d
	nodump=0
	if chattr +d src/f 2>/dev/null; then
		nodump=1
	fi
	mkempty img
	atf_check -s exit:0 -o empty -e empty fsu_put img -R src /plain
	atf_check -s exit:0 -o empty -e empty fsu_put img -Rp src /kept
	check_img
	for t in plain kept; do
		expect_attr img /$t/f mode 4711
		expect_attr img /$t/d mode 2750
		expect_attr img /$t/f mtime "$(stat -c %Y src/f)"
		expect_attr img /$t/d mtime "$(stat -c %Y src/d)"
		expect_attr img /$t/l mtime "$(stat -c %Y src/l)"
	done
	expect_attr img /plain/f uid 0
	expect_attr img /plain/f gid 0
	expect_attr img /plain/f flags 0
	expect_attr img /kept/f uid 1234
	expect_attr img /kept/f gid 5678
	expect_attr img /kept/d uid 1234
	expect_attr img /kept/l uid 4321
	expect_attr img /kept/l gid 8765
	if [ $nodump = 1 ]; then
		expect_attr img /kept/f flags 1
		chattr -d src/f
	fi
}

atf_test_case follow
follow_head() {
	atf_set "descr" "-L copies what symbolic links point to; a link to " \
	    "an enclosing directory is a cycle"
	atf_set "require.progs" "makefs"
}
follow_body() {
	h_init
	mkdir -p src/d
	echo f >src/f
	ln -s f src/lf
	ln -s d src/ld
	echo in >src/d/in
	mkempty img
	atf_check -s exit:0 -o empty -e empty fsu_put img -RL src /
	check_img
	expect_attr img /src/lf type -
	expect_attr img /src/ld type d
	atf_check -s exit:0 -o inline:"in\n" fsu_cat img /src/ld/in
	# Without -L a symbolic-link operand is copied as a link.
	atf_check -s exit:0 -o empty -e empty fsu_put img src/lf /op
	expect_attr img /op type l
	ln -s .. src/d/up
	atf_check -s exit:1 -o empty -e save:err fsu_put img -RL src /again
	atf_check -s exit:0 \
	    -o inline:"fsu_put: src/d/up: directory causes a cycle\nfsu_put: src/ld/up: directory causes a cycle\n" \
	    sort err
	check_img
}

atf_test_case verbose
verbose_head() {
	atf_set "descr" "-v prints source -> target for each copy"
	atf_set "require.progs" "makefs"
}
verbose_body() {
	h_init
	mkdir -p src/d
	echo a >src/a
	ln src/a src/d/b
	mkempty img
	atf_check -s exit:0 -o save:out -e empty fsu_put img -Rv src /dst
	atf_check -s exit:0 \
	    -o inline:"src -> /dst\nsrc/a -> /dst/a\nsrc/d -> /dst/d\nsrc/d/b -> /dst/d/b\n" \
	    sort out
}

atf_test_case hard_links
hard_links_head() {
	atf_set "descr" "hard links between operands and across " \
	    "directories are kept"
	atf_set "require.progs" "makefs"
}
hard_links_body() {
	h_init
	mkdir -p a b
	echo shared >a/one
	ln a/one b/two
	ln a/one three
	mkempty img
	atf_check -s exit:0 -o empty -e empty fsu_put img -R a b three /
	check_img
	expect_attr img /a/one nlink 3
	expect_attr img /b/two nlink 3
	expect_attr img /three nlink 3
	atf_check -s exit:0 -o inline:"shared\n" fsu_cat img /three
}

atf_test_case ecp_syntax
ecp_syntax_head() {
	atf_set "descr" "fsu_ecp: ':' marks the paths in the image, on " \
	    "either side"
	atf_set "require.progs" "makefs"
}
ecp_syntax_body() {
	h_init
	mkdir -p src/d
	echo a >src/a
	echo b >src/d/b
	mkempty img
	atf_check -s exit:0 -o empty -e empty fsu_ecp img -R src :/
	atf_check -s exit:0 -o empty -e empty fsu_ecp img src/a :
	atf_check -s exit:0 -o empty -e empty fsu_ecp img src/a :/src/d/c
	check_img
	atf_check -s exit:0 -o inline:"a\nsrc\nsrc/a\nsrc/d\nsrc/d/b\nsrc/d/c\n" \
	    h_names img
	mkdir out
	atf_check -s exit:0 -o empty -e empty fsu_ecp img -R :/src :a out
	atf_check -s exit:0 -o empty diff src/d/b out/src/d/b
	atf_check -s exit:0 -o inline:"a\n" cat out/src/d/c
	atf_check -s exit:0 -o inline:"a\n" cat out/a
	atf_check -s exit:1 -e match:"sources must all be on the host, all in the image" \
	    fsu_ecp img :/a src/a :/b
	atf_check -s exit:1 -e match:"the sources and the target must be in different places" \
	    fsu_ecp img src/a out
}

atf_test_case full
full_head() {
	atf_set "descr" "a full image: the copy fails with a message, the " \
	    "image stays consistent"
	atf_set "require.progs" "makefs"
}
full_body() {
	h_init
	mkdir src
	head -c 3000000 /dev/zero | tr '\0' x >src/big
	echo small >src/small
	mkempty img 2m 64
	atf_check -s exit:1 -o empty -e match:"No space left on device" \
	    fsu_put img -R src /
	check_img
}

atf_test_case times_ns
times_ns_head() {
	atf_set "descr" "times keep their nanoseconds through the image"
	atf_set "require.progs" "makefs"
}
times_ns_body() {
	h_init
	mkdir src
	echo x >src/f
	touch -d '2010-01-02 03:04:05.123456789' src/f
	touch -a -d '2011-01-02 03:04:05.987654321' src/f
	mkempty img
	atf_check -s exit:0 fsu_put img src/f /f
	mkdir out
	atf_check -s exit:0 fsu_get img /f out
	atf_check -s exit:0 -o inline:"$(stat -c '%y %x' src/f)\n" \
	    stat -c '%y %x' out/f
}

atf_test_case reproducible
reproducible_head() {
	atf_set "descr" "with SOURCE_DATE_EPOCH the same tree gives the same " \
	    "image, whatever order the host lists the names in"
	atf_set "require.progs" "makefs"
}
reproducible_body() {
	h_init
	mkdir -p a/d b/d
	for i in $(seq 1 60); do
		echo $i >a/f$i
		echo $i >a/d/g$i
	done
	for i in $(seq 60 -1 1); do
		echo $i >b/d/g$i
		echo $i >b/f$i
	done
	mkdir -p a/e b/e
	ln a/f1 a/e/h
	ln b/f1 b/e/h
	find a b -exec touch -h -d '2020-01-02 03:04:05' {} +
	mkempty empty.img
	cp empty.img a.img
	cp empty.img b.img
	SOURCE_DATE_EPOCH=1600000000
	export SOURCE_DATE_EPOCH
	atf_check -s exit:0 fsu_put a.img -R a/. /
	atf_check -s exit:0 fsu_put b.img -R b/. /
	check_img a.img
	atf_check -s exit:0 cmp a.img b.img
	# The entries are made in the order of their names.
	(echo .; echo ..; ls a/d | LC_ALL=C sort) >order
	atf_check -s exit:0 -o file:order fsu_ls a.img -f /d
}

atf_init_test_cases() {
	atf_add_test_case every_kind
	atf_add_test_case deep
	atf_add_test_case operands
	atf_add_test_case replace
	atf_add_test_case preserve
	atf_add_test_case follow
	atf_add_test_case verbose
	atf_add_test_case hard_links
	atf_add_test_case ecp_syntax
	atf_add_test_case full
	atf_add_test_case times_ns
	atf_add_test_case reproducible
}
