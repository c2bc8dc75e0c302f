#! /usr/bin/env atf-sh
# t_ext2fs.sh: the ext2fs driver (ext2, ext3, ext4) through the programs.
#
# Read: images made by mke2fs -d from a host tree with every kind of file
# (tests/cmd/h_tree.py), in many formats, must list (h_fsu_stat) and read
# (fsu_cat) exactly as the host tree.  Write: sequences of commands on
# images made by mke2fs, each command followed by e2fsck -fn, which must
# find nothing; fsu_put of the tree must give what mke2fs -d gives.  A
# hash tree directory of 50,000 entries is read, searched and changed.
# A journal needing recovery (made with debugfs journal_write from the
# blocks debugfs's own changes touched) is replayed in memory and must
# show what those changes show.  Damaged images (tests/ext2fs/h_ext2.py)
# must be refused with a message naming what is wrong, never crash.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
	PATH="$(atf_get_srcdir)/../cmd:$PATH"
	H_EXT2="$FSU_SRC/tests/ext2fs/h_ext2.py"
}

# Listings as h_ecp.sh's, without access times (mke2fs -d and the
# checksums read the host tree, which changes them).
dmask() {
	mask | awk '{ $11 = "-"; print }'
}

e2list() {
	"$(atf_get_srcdir)/../cmd/h_fsu_stat" -R "$1" "$2" | dmask
}

# mke2 IMG SIZE MKE2FS-ARGS...: an image (without lost+found).
mke2() {
	_img=$1
	_size=$2
	shift 2
	rm -f "$_img"
	atf_check -s exit:0 -o ignore -e ignore mke2fs -q -F \
	    -E root_owner=0:0 "$@" "$_img" "$_size"
	debugfs -w -R "rmdir /lost+found" "$_img" >/dev/null 2>&1
}

# e2check IMG: e2fsck -fn finds nothing.
e2check() {
	if ! e2fsck -fn "${1:-img}" >e2fsck.out 2>&1; then
		cat e2fsck.out >&2
		atf_fail "e2fsck: $(sed -n '2,6p' e2fsck.out | tr '\n' ' ')"
	fi
}

# run_ck CMD...: a command that must succeed, then e2fsck -fn.
run_ck() {
	atf_check -s exit:0 -o ignore -e empty "$@"
	e2check img
}

# same_tree IMG: the image holds what the host tree "tree" holds.
same_tree() {
	python3 "$H_TREE" list tree / | dmask >host.list
	e2list "$1" / | grep -v '^/ d ' >img.list
	grep -v '^/ d ' host.list >host2.list
	same_list host2.list img.list "host tree and $1"
	python3 "$H_TREE" sums tree | while read -r sum path; do
		[ "$(img_sum "$1" "/$path")" = "$sum" ] ||
		    { echo "/$path"; break; }
	done >bad
	[ ! -s bad ] || atf_fail "$1: contents of $(cat bad) differ"
}

# read_config ARGS...: mke2fs -d of the tree with ARGS reads back as it,
# found by probing and by name.
read_config() {
	[ -d tree ] || mktree tree
	mke2 img 96M -d tree "$@"
	atf_check -s exit:0 -o ignore -e empty fsu_ls -t ext2fs img /
	same_tree img
	rm -f img
}

# mksmall DIR [nosparse]: a small tree of every kind of file (mke2fs
# 1.47 gets the size of sparse files wrong with inline_data).
mksmall() {
	mkdir -p "$1/d/e"
	printf 'small\n' >"$1/small"
	head -c 300000 /dev/urandom >"$1/d/big"
	: >"$1/d/e/empty"
	if [ "${2:-}" != nosparse ]; then
		printf 'x' >"$1/sparse"
		truncate -s 9000000 "$1/sparse"
	fi
	ln -s small "$1/l"
	ln -s "$(printf '%0300d' 7)" "$1/d/long"
	ln "$1/small" "$1/d/hard"
	mkfifo "$1/fifo"
	chmod 4711 "$1/d/big"
	touch -d '2001-02-03 04:05:06' "$1/small" "$1/d/big"
}

atf_test_case read_ext2
read_ext2_head() {
	atf_set "descr" "mke2fs -d ext2 images (1 and 4 KiB blocks, 128-byte" \
	    "inodes, revision 0) read back as the tree"
	atf_set "require.progs" "mke2fs debugfs python3"
	atf_set "timeout" "600"
}
read_ext2_body() {
	h_init
	read_config -t ext2 -b 1024
	read_config -t ext2 -b 4096 -I 128
	read_config -t ext2 -b 2048 -O ^dir_index
}

atf_test_case read_ext3
read_ext3_head() {
	atf_set "descr" "mke2fs -d ext3 images read back as the tree"
	atf_set "require.progs" "mke2fs debugfs python3"
	atf_set "timeout" "600"
}
read_ext3_body() {
	h_init
	read_config -t ext3 -b 1024
	read_config -t ext3 -b 4096
}

atf_test_case read_ext4
read_ext4_head() {
	atf_set "descr" "mke2fs -d ext4 images (1 and 4 KiB blocks, 64bit and" \
	    "metadata_csum, uninit_bg, 128-byte inodes, no flex_bg) read back"
	atf_set "require.progs" "mke2fs debugfs python3"
	atf_set "timeout" "600"
}
read_ext4_body() {
	h_init
	read_config -t ext4 -b 1024
	read_config -t ext4 -b 4096 -O 64bit,metadata_csum
	read_config -t ext4 -b 1024 -O ^metadata_csum,^64bit,uninit_bg
	read_config -t ext4 -b 4096 -I 128 -O ^flex_bg
}

atf_test_case read_ext4_layouts
read_ext4_layouts_head() {
	atf_set "descr" "ext4 with meta_bg, sparse_super2, 64 KiB blocks," \
	    "bigalloc and inline_data reads back as the tree"
	atf_set "require.progs" "mke2fs debugfs python3"
	atf_set "timeout" "600"
}
read_ext4_layouts_body() {
	h_init
	read_config -t ext4 -b 1024 -O meta_bg,^resize_inode
	read_config -t ext4 -b 4096 -O sparse_super2
	# 64 KiB blocks: a small tree (every file takes a block).
	mv tree bigtree
	mksmall tree
	read_config -t ext4 -b 65536 -O ^has_journal
	rm -rf tree
	mksmall tree nosparse
	echo inline >tree/tiny
	read_config -t ext4 -b 4096 -O inline_data
	rm -rf tree
	mv bigtree tree
	read_config -t ext4 -b 4096 -O bigalloc -C 16384
}

atf_test_case rev0
rev0_head() {
	atf_set "descr" "a revision 0 ext2 file system (no feature fields, " \
	    "128-byte inodes, no file types) is read and written"
	atf_set "require.progs" "mke2fs e2fsck debugfs python3"
}
rev0_body() {
	h_init
	mkdir tree
	echo a >tree/a
	mkdir tree/d
	ln -s a tree/l
	mke2 img 8M -t ext2 -r 0 -d tree
	same_tree img
	run_ck fsu_mkdir img /d/e
	echo b | run_ck fsu_write img /d/e/b
	atf_check -s exit:0 -o inline:"b\n" fsu_cat img /d/e/b
}

atf_test_case times_ns
times_ns_head() {
	atf_set "descr" "nanoseconds and epoch bits of large inodes are read" \
	    "and written; birth times are kept"
	atf_set "require.progs" "mke2fs debugfs e2fsck"
}
times_ns_body() {
	h_init
	mkdir tree
	echo x >tree/f
	mke2 img 8M -t ext4 -d tree
	debugfs -w -R "sif /f mtime_extra $((123456789 << 2))" img \
	    >/dev/null 2>&1
	mkdir out
	atf_check -s exit:0 fsu_get img /f out
	atf_check -s exit:0 -o match:'\.123456789' stat -c %y out/f
	atf_check -s exit:0 touch -d '2009-02-03 04:05:06.987654321' out/f
	atf_check -s exit:0 fsu_put img out/f /g
	e2check img
	atf_check -s exit:0 -o match:"mtime: 0x[0-9a-f]*:$(printf %08x \
	    $((987654321 << 2)))" -e ignore debugfs -R "stat /g" img
	# 2100 needs the epoch bits.
	atf_check -s exit:0 touch -d '2100-01-01 00:00:01' out/f
	atf_check -s exit:0 fsu_put img out/f /late
	e2check img
	mkdir out2
	atf_check -s exit:0 fsu_get img /late out2
	atf_check -s exit:0 -o inline:"$(stat -c %Y out/f)\n" stat -c %Y \
	    out2/late
}

atf_test_case large_sparse
large_sparse_head() {
	atf_set "descr" "a sparse file of 5 GiB (triple indirect blocks on" \
	    "ext2, extents on ext4) reads back, holes as zeros"
	atf_set "require.progs" "mke2fs"
}
large_sparse_body() {
	h_init
	mkdir tree
	printf head >tree/huge
	truncate -s 5G tree/huge
	printf tail >>tree/huge
	for t in "ext2 -b 1024" "ext4 -b 4096"; do
		# shellcheck disable=SC2086
		mke2 img 64M -t $t -d tree
		atf_check -s exit:0 -o inline:"5368709124\n" sh -c \
		    "fsu_ls img -l /huge | awk '{ print \$5 }'"
		atf_check -s exit:0 -o inline:"headtail" sh -c \
		    "{ fsu_cat img /huge | head -c 4; fsu_cat img /huge |
		    tail -c 4; }"
		fsu_cat img /huge | dd bs=1M skip=4000 count=1 \
		    iflag=fullblock of=mid 2>/dev/null
		head -c 1048576 /dev/zero >zero
		atf_check -s exit:0 cmp mid zero
	done
}

# A directory big of n entries (name-NNNNN plus a varying tail), written
# by fsu_put and indexed (a hash tree) by e2fsck -D; mke2fs -d would take
# minutes over so many names in one directory.
mkbig() {
	mkdir -p tree/big
	python3 -c "
import os
for i in range($1):
    open('tree/big/name-%05d-%s' % (i, 'x' * (i % 37)), 'w').close()
"
	mke2 img 256M -t ext4 -b "$2" -N $(($1 + 5000))
	atf_check -s exit:0 -o empty -e empty fsu_put img -R tree/big /
	e2check img
	atf_check -s exit:1 -o ignore -e ignore e2fsck -fyD img
	e2check img
	atf_check -s exit:0 -o match:'Flags: 0x.*1...$' -e ignore sh -c \
	    "debugfs -R 'stat /big' img 2>/dev/null | grep Flags"
}

atf_test_case htree_50000
htree_50000_head() {
	atf_set "descr" "a hash tree directory of 50,000 entries lists, finds" \
	    "every name, and takes additions and removals (e2fsck -fn clean)"
	atf_set "require.progs" "mke2fs e2fsck debugfs python3"
	atf_set "timeout" "900"
}
htree_50000_body() {
	h_init
	for bs in 4096 1024; do
		rm -rf tree
		mkbig 50000 $bs
		atf_check -s exit:0 -o inline:"50000\n" sh -c \
		    "fsu_ls img /big | wc -l"
		(cd tree/big && ls) >want
		fsu_ls img /big >got
		atf_check -s exit:0 cmp want got
		# Looked up one by one (through the index).
		for i in 00000 00123 04567 31337 49999; do
			n=$(cd tree/big && echo name-$i-*)
			atf_check -s exit:0 -o match:"$n" fsu_ls img -l \
			    "/big/$n"
		done
		atf_check -s exit:1 -e match:'No such file' fsu_ls img \
		    /big/name-50001-
		# Additions: some fit the leaves, later ones may drop the index.
		mkdir add
		python3 -c "
import os
for i in range(3000):
    open('add/new-%d-%s' % (i, 'y' * (i % 50)), 'w').write(str(i))
"
		atf_check -s exit:0 fsu_put img -R add/. /big/
		e2check img
		atf_check -s exit:0 -o inline:"2999" fsu_cat img \
		    "/big/new-2999-$(printf '%049d' 0 | tr 0 y)"
		# Removals.
		(cd tree/big && ls | awk 'NR % 25 == 0') >gone
		sed 's|^|/big/|' gone | xargs fsu_rm img
		e2check img
		{ (cd tree/big && ls); (cd add && ls); } | sort |
		    comm -23 - gone >want
		fsu_ls img /big >got
		atf_check -s exit:0 cmp want got
		rm -rf add
	done
}

atf_test_case htree_split
htree_split_head() {
	atf_set "descr" "names added to a hash tree directory split its full" \
	    "leaves and keep it indexed (e2fsck -fn clean)"
	atf_set "require.progs" "mke2fs e2fsck debugfs python3"
	atf_set "timeout" "600"
}
htree_split_body() {
	h_init
	mkbig 2000 4096
	atf_check -s exit:0 -o save:before -e ignore debugfs \
	    -R "htree_dump /big" img
	mkdir add
	python3 -c "
for i in range(3000):
    open('add/new-%d-%s' % (i, 'y' * (i % 50)), 'w').write(str(i))
"
	atf_check -s exit:0 fsu_put img -R add/. /big/
	e2check img
	atf_check -s exit:0 -o match:'Flags: 0x.*1...$' -e ignore sh -c \
	    "debugfs -R 'stat /big' img 2>/dev/null | grep Flags"
	n0=$(sed -n 's/.*(count): //p' before | head -n 1)
	n1=$(debugfs -R "htree_dump /big" img 2>/dev/null |
	    sed -n 's/.*(count): //p' | head -n 1)
	[ "$n1" -gt "$n0" ] || atf_fail "no leaf was split ($n0, $n1 leaves)"
	{ (cd tree/big && ls); (cd add && ls); } | sort >want
	fsu_ls img /big >got
	atf_check -s exit:0 cmp want got
	for i in 1 777 2999; do
		atf_check -s exit:0 -o inline:"$i" fsu_cat img \
		    "/big/new-$i-$(printf "%0$((i % 50))d" 0 | tr 0 y)"
	done
}

# The write sequence: every kind of change, e2fsck -fn after each.
write_sequence() {
	mke2 img 64M "$@"
	run_ck fsu_mkdir img -p /a/b/c /d
	for n in 0 1 1023 1024 1025 4096 12289 13312 274433 1100000; do
		head -c $n /dev/urandom >data.$n
		run_ck fsu_write img /a/f$n <data.$n
	done
	for n in 1 1025 274433; do
		head -c 5000 /dev/urandom >>data.$n
		tail -c 5000 data.$n | run_ck fsu_write img -a /a/f$n
	done
	head -c 3000 /dev/urandom >data.1100000
	run_ck fsu_write img /a/f1100000 <data.1100000
	for n in 0 1 1023 1024 1025 4096 12289 13312 274433 1100000; do
		fsu_cat img /a/f$n | cmp -s - data.$n ||
		    atf_fail "/a/f$n: contents differ"
	done
	run_ck fsu_ln img -s /a/f1 /d/short
	run_ck fsu_ln img -s "$(printf '%059d' 0)" /d/fast59
	run_ck fsu_ln img -s "$(printf '%060d' 0)" /d/slow60
	run_ck fsu_ln img -s "$(printf '%0900d' 0)" /d/slow900
	atf_check -s exit:0 -o inline:"$(printf '%060d' 0)\n" h_attr img \
	    /d/slow60 target
	run_ck fsu_ln img /a/f1 /d/hard
	atf_check -s exit:0 -o inline:"2\n" h_attr img /a/f1 nlink
	run_ck fsu_mknod img /d/cdev c 5 1
	run_ck fsu_mknod img /d/bdev b 259 70000
	atf_check -s exit:0 -o match:'259, *70000' fsu_ls img -l /d/bdev
	run_ck fsu_mkfifo img /d/fifo
	run_ck fsu_chmod img 4751 /a/f1
	run_ck fsu_chown img 1234:5678 /a/f1
	run_ck fsu_touch img -t 200102030405.06 /a/f1
	expect_attr img /a/f1 mtime 981173106
	run_ck fsu_chflags img sappnd,nodump /a/f1025
	atf_check -s exit:1 -e match:'Operation not permitted' fsu_rm img \
	    /a/f1025
	run_ck fsu_chflags img 0 /a/f1025
	run_ck fsu_mv img /a/f1024 /a/b/c/moved
	run_ck fsu_mv img /a/b /d/b
	atf_check -s exit:0 -o inline:"..\n" sh -c \
	    "fsu_ls img -a /d/b/c | sed -n 2p"
	run_ck fsu_cp img /a/f274433 /d/copy
	fsu_cat img /d/copy | cmp -s - data.274433 || atf_fail "copy differs"
	run_ck fsu_rm img /a/f274433 /a/f13312 /d/hard /d/slow900
	run_ck fsu_mkdir img /d/b/c/gone
	run_ck fsu_rmdir img /d/b/c/gone
	[ -d tree ] || mktree tree
	run_ck fsu_put img -R tree /t
	run_ck fsu_rm img -r /t/wide /t/deep
	run_ck fsu_rm img -r /t
	run_ck fsu_write img /a/f1100000 </dev/null
	atf_check -s exit:0 -o match:'state: *clean' -e ignore dumpe2fs -h img
}

atf_test_case write_ext2
write_ext2_head() {
	atf_set "descr" "every kind of change on ext2 (1 and 4 KiB blocks)" \
	    "leaves an image e2fsck -fn finds clean, after each command"
	atf_set "require.progs" "mke2fs e2fsck debugfs python3"
	atf_set "timeout" "900"
}
write_ext2_body() {
	h_init
	write_sequence -t ext2 -b 1024
	write_sequence -t ext2 -b 4096
}

atf_test_case write_ext3
write_ext3_head() {
	atf_set "descr" "every kind of change on ext3 (the journal stays" \
	    "empty) leaves an image e2fsck -fn finds clean"
	atf_set "require.progs" "mke2fs e2fsck debugfs python3"
	atf_set "timeout" "900"
}
write_ext3_body() {
	h_init
	write_sequence -t ext3 -b 1024
	write_sequence -t ext3 -b 4096
}

atf_test_case write_ext4
write_ext4_head() {
	atf_set "descr" "every kind of change on ext4 (1 and 4 KiB blocks," \
	    "64bit and metadata_csum, uninit_bg) leaves a clean image"
	atf_set "require.progs" "mke2fs e2fsck debugfs python3"
	atf_set "timeout" "900"
}
write_ext4_body() {
	h_init
	write_sequence -t ext4 -b 1024
	write_sequence -t ext4 -b 4096 -O 64bit,metadata_csum
	write_sequence -t ext4 -b 1024 -O ^metadata_csum,^64bit,uninit_bg
}

atf_test_case put_like_mke2fs
put_like_mke2fs_head() {
	atf_set "descr" "fsu_put -R of a tree into an empty ext4 image gives" \
	    "what mke2fs -d, an independent writer, gives"
	atf_set "require.progs" "mke2fs e2fsck debugfs python3"
	atf_set "timeout" "600"
}
put_like_mke2fs_body() {
	h_init
	mktree tree
	for t in "ext4 -b 4096" "ext2 -b 1024"; do
		# shellcheck disable=SC2086
		mke2 img 96M -t $t
		atf_check -s exit:0 -o empty -e empty fsu_put img -R tree/. /
		e2check img
		same_tree img
		# shellcheck disable=SC2086
		mke2 mk.img 96M -t $t -d tree
		fsu_ls mk.img -lnAR / | grep -v '^total' >mk.ls
		fsu_ls img -lnAR / | grep -v '^total' >img.ls
		same_list mk.ls img.ls "mke2fs -d and fsu_put"
	done
}

atf_test_case uninit_extents
uninit_extents_head() {
	atf_set "descr" "uninitialised extents (debugfs fallocate) read as" \
	    "zeros and are split when written"
	atf_set "require.progs" "mke2fs e2fsck debugfs"
}
uninit_extents_body() {
	h_init
	mkdir tree
	printf 'abc' >tree/f
	mke2 img 16M -t ext4 -b 1024 -d tree
	atf_check -s exit:0 -o ignore -e ignore debugfs -w \
	    -R "fallocate /f 0 99" img
	e2check img
	atf_check -s exit:0 -o match:'Uninit' -e ignore debugfs \
	    -R "ex /f" img
	atf_check -s exit:0 -o inline:"abc" fsu_cat img /f
	# Appending writes into the preallocated, uninitialised blocks.
	head -c 5000 /dev/urandom >more
	run_ck fsu_write img -a /f <more
	{ printf abc; cat more; } >want
	fsu_cat img /f | cmp -s - want || atf_fail "contents differ"
	head -c 20000 /dev/urandom >more2
	cat more2 >>want
	run_ck fsu_write img -a /f <more2
	fsu_cat img /f | cmp -s - want || atf_fail "contents differ"
	run_ck fsu_rm img /f
}

atf_test_case inline_data
inline_data_head() {
	atf_set "descr" "files and directories with inline data are read;" \
	    "changing them is refused with a message, the rest is writable"
	atf_set "require.progs" "mke2fs e2fsck debugfs"
}
inline_data_body() {
	h_init
	mkdir -p tree/d
	echo small >tree/small
	echo in >tree/d/in
	ln -s small tree/l
	# Past the 60 bytes of i_block: the rest is in "system.data".
	ln -s "$(printf '%063d' 5)" tree/l63
	mke2 img 16M -t ext4 -O inline_data -d tree
	atf_check -s exit:0 -o match:'Flags: 0x10000000' -e ignore \
	    debugfs -R "stat /small" img
	atf_check -s exit:0 -o inline:"small\n" fsu_cat img /small
	atf_check -s exit:0 -o inline:"in\n" fsu_cat img /d/in
	atf_check -s exit:0 -o inline:"small\n" h_attr img /l target
	atf_check -s exit:0 -o match:'Flags: 0x10000000' -e ignore \
	    debugfs -R "stat /l63" img
	atf_check -s exit:0 -o inline:"$(printf '%063d' 5)\n" h_attr img \
	    /l63 target
	echo more >more
	atf_check -s exit:1 -e match:'inline' fsu_write img -a /small <more
	atf_check -s exit:1 -e match:'inline' fsu_mkdir img /d/sub
	e2check img
	run_ck fsu_mkdir img /new
	run_ck fsu_write img /new/f <more
	run_ck fsu_rm img /small
	atf_check -s exit:0 -o inline:"more\n" fsu_cat img /new/f
}

atf_test_case reproducible
reproducible_head() {
	atf_set "descr" "with SOURCE_DATE_EPOCH the same commands give the" \
	    "same image, with no time later than the epoch"
	atf_set "require.progs" "mke2fs e2fsck debugfs python3"
}
reproducible_body() {
	h_init
	mkdir -p tree/d
	for i in $(seq 1 40); do echo $i >tree/d/f$i; done
	mke2 base.img 16M -t ext4 -U 0d5d1b2c-1111-2222-3333-444455556666 \
	    -E hash_seed=0d5d1b2c-1111-2222-3333-444455556666
	for x in a b; do
		cp base.img $x.img
		SOURCE_DATE_EPOCH=1000000000 atf_check -s exit:0 \
		    fsu_put $x.img -R tree/. /
		SOURCE_DATE_EPOCH=1000000000 atf_check -s exit:0 \
		    fsu_mkdir $x.img /e
		e2check $x.img
	done
	atf_check -s exit:0 cmp a.img b.img
	atf_check -s exit:0 -o match:'mtime: 0x3b9aca00' -e ignore \
	    debugfs -R "stat /e" a.img
}

atf_test_case state
state_head() {
	atf_set "descr" "the state flag: clean after a command; a file system" \
	    "not clean is only read, with a warning"
	atf_set "require.progs" "mke2fs debugfs python3"
}
state_body() {
	h_init
	mkdir tree
	echo a >tree/a
	mke2 img 8M -t ext4 -d tree
	run_ck fsu_mkdir img /d
	atf_check -s exit:0 -o match:'state: *clean$' -e ignore dumpe2fs -h img
	atf_check -s exit:0 python3 "$H_EXT2" img state 0
	atf_check -s exit:0 -o inline:"a\n" -e match:'not clean' \
	    fsu_cat img /a
	atf_check -s exit:1 -e match:'not clean.*refused' fsu_mkdir img /e
	atf_check -s exit:0 python3 "$H_EXT2" img state 3
	atf_check -s exit:1 -e match:'not clean.*refused' fsu_mkdir img /e
}

# damaged IMG: a small ext4 image with metadata_csum for the damage tests.
damaged() {
	mkdir -p tree/dir
	echo hello >tree/file
	head -c 70000 /dev/urandom >tree/dir/big
	mke2 img 8M -t ext4 -b 1024 -O 64bit,metadata_csum -d tree
}

atf_test_case bad_superblock
bad_superblock_head() {
	atf_set "descr" "a bad magic number, a bad superblock checksum and" \
	    "a block count beyond the device are refused"
	atf_set "require.progs" "mke2fs debugfs python3"
}
bad_superblock_body() {
	h_init
	damaged
	cp img good.img
	atf_check -s exit:0 python3 "$H_EXT2" img magic
	atf_check -s exit:1 -e match:'no supported file system' fsu_ls img /
	atf_check -s exit:1 -e match:'not a valid ext2fs file system' \
	    fsu_ls -t ext2fs img /
	cp good.img img
	atf_check -s exit:0 python3 "$H_EXT2" img sbcsum
	atf_check -s exit:1 -e match:'bad superblock checksum' fsu_ls img /
	cp good.img img
	atf_check -s exit:0 python3 "$H_EXT2" img blocks 8000000000
	atf_check -s exit:1 -e match:'larger than the device' fsu_ls img /
}

atf_test_case features
features_head() {
	atf_set "descr" "an unknown incompatible feature refuses the mount," \
	    "naming it; an unknown read-only compatible one allows reading"
	atf_set "require.progs" "mke2fs debugfs python3"
}
features_body() {
	h_init
	damaged
	cp img good.img
	atf_check -s exit:0 python3 "$H_EXT2" img incompat 24
	atf_check -s exit:1 \
	    -e match:'unsupported incompatible feature: FEATURE_I24' \
	    fsu_ls img /
	cp good.img img
	atf_check -s exit:0 python3 "$H_EXT2" img incompat 16
	atf_check -s exit:1 -e match:'feature: encrypt' fsu_ls img /
	cp good.img img
	atf_check -s exit:0 python3 "$H_EXT2" img rocompat 25
	atf_check -s exit:0 -o inline:"hello\n" fsu_cat img /file
	atf_check -s exit:1 -e match:'FEATURE_R25 can only be read' \
	    fsu_mkdir img /x
	cp good.img img
	mke2 img 16M -t ext4 -O quota -d tree
	atf_check -s exit:0 -o inline:"hello\n" fsu_cat img /file
	atf_check -s exit:1 -e match:'quota can only be read' fsu_mkdir img /x
}

atf_test_case bad_checksums
bad_checksums_head() {
	atf_set "descr" "a bad group descriptor, inode, directory block or" \
	    "bitmap checksum is an error naming the object"
	atf_set "require.progs" "mke2fs debugfs python3"
}
bad_checksums_body() {
	h_init
	damaged
	cp img good.img
	atf_check -s exit:0 python3 "$H_EXT2" img gdcsum 0
	atf_check -s exit:1 -e match:'group 0: bad group descriptor checksum' \
	    fsu_ls img /
	cp good.img img
	atf_check -s exit:0 python3 "$H_EXT2" img inodecsum /file
	atf_check -s exit:0 -o ignore -e empty fsu_ls img /
	atf_check -s exit:1 -e match:'inode 1[0-9]: bad inode checksum' \
	    fsu_cat img /file
	cp good.img img
	atf_check -s exit:0 python3 "$H_EXT2" img dircsum /dir
	atf_check -s exit:1 \
	    -e match:'directory inode 1[0-9].*bad directory block checksum' \
	    fsu_ls img /dir
	cp good.img img
	atf_check -s exit:0 python3 "$H_EXT2" img bbitmap 0
	atf_check -s exit:0 -o inline:"hello\n" fsu_cat img /file
	atf_check -s exit:1 -e match:'group 0: bad block bitmap checksum' \
	    fsu_write img /new <tree/file
}

atf_test_case bad_extents
bad_extents_head() {
	atf_set "descr" "a bad extent header or an extent past the file" \
	    "system is an error naming the inode, never a crash"
	atf_set "require.progs" "mke2fs debugfs python3"
}
bad_extents_body() {
	h_init
	damaged
	cp img good.img
	atf_check -s exit:0 python3 "$H_EXT2" img extmagic /dir/big
	atf_check -s exit:1 \
	    -e match:'inode 1[0-9]: extent tree root: bad extent header magic' \
	    fsu_cat img /dir/big
	atf_check -s exit:0 -o inline:"hello\n" fsu_cat img /file
	cp good.img img
	atf_check -s exit:0 python3 "$H_EXT2" img extlen /dir/big 30000
	atf_check -s exit:1 \
	    -e match:'inode 1[0-9]: extent tree root: bad extent' \
	    fsu_cat img /dir/big
	atf_check -s exit:1 -e match:'bad extent' fsu_rm img /dir/big
}

# journal_blocks A B: debugfs commands journaling, one transaction, every
# block of B that differs from A (but the superblock, which a reader
# takes from its place).
journal_blocks() {
	python3 -c '
import struct, sys
a, b = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
bs = 1024 << struct.unpack_from("<I", a, 1024 + 0x18)[0]
print("jo -c")
for n in range(1, len(a) // bs):
    if a[n * bs:(n + 1) * bs] != b[n * bs:(n + 1) * bs] and n * bs != 1024:
        open("blk.%d" % n, "wb").write(b[n * bs:(n + 1) * bs])
        print("jw -b %d blk.%d" % (n, n))
print("jc")
' "$1" "$2"
}

atf_test_case journal_replay
journal_replay_head() {
	atf_set "descr" "a journal that needs recovery is replayed in memory" \
	    "for reading (checksums v3 and none, revocations) and shows what" \
	    "e2fsck's replay shows; read-write mounts are refused"
	atf_set "require.progs" "mke2fs e2fsck debugfs python3"
}
journal_replay_body() {
	h_init
	mksmall tree nosparse
	for opt in "-b 1024" "-b 4096 -O ^metadata_csum"; do
		# shellcheck disable=SC2086
		mke2 a.img 16M -t ext4 $opt -d tree
		cp a.img b.img
		# The changes, made directly on a copy.
		atf_check -s exit:0 -o ignore -e ignore debugfs -w \
		    -R "write tree/d/big /d/new" b.img
		atf_check -s exit:0 -o ignore -e ignore debugfs -w \
		    -R "mkdir /d/newdir" b.img
		atf_check -s exit:0 -o ignore -e ignore debugfs -w \
		    -R "rm /small" b.img
		e2check b.img
		# The same changes, only in the journal of the original.
		journal_blocks a.img b.img >cmds
		atf_check -s exit:0 -o ignore -e ignore debugfs -w -f cmds \
		    a.img
		atf_check -s exit:0 -o match:needs_recovery -e ignore \
		    dumpe2fs -h a.img
		e2list b.img / >want
		"$(atf_get_srcdir)/../cmd/h_fsu_stat" -R a.img / 2>replay.err |
		    dmask >got
		atf_check -s exit:0 -o match:'replayed in memory' cat replay.err
		same_list want got "the journal's changes and debugfs's"
		atf_check -s exit:0 -o file:tree/d/big -e ignore fsu_cat a.img \
		    /d/new
		atf_check -s exit:1 -e match:'journal needs recovery.*refused' \
		    fsu_mkdir a.img /x
		# e2fsprogs replays it the same way (debugfs journal_run).
		cp a.img c.img
		atf_check -s exit:0 -o ignore -e ignore debugfs -w -R jr c.img
		atf_check -s exit:0 -o not-match:needs_recovery -e ignore \
		    dumpe2fs -h c.img
		e2check c.img
		e2list c.img / >fsck
		same_list want fsck "e2fsprogs' replay and debugfs's changes"
	done
	# A revocation cancels what the journal held for a block.
	mke2 a.img 16M -t ext4 -b 1024 -d tree
	b=$(debugfs -R "bmap /small 0" a.img 2>/dev/null)
	head -c 1024 /dev/zero | tr '\0' X >xblk
	printf 'jo -c\njw -b %s xblk\njc\njo\njw -r %s\njc\n' "$b" "$b" >cmds
	atf_check -s exit:0 -o ignore -e ignore debugfs -w -f cmds a.img
	atf_check -s exit:0 -o inline:"small\n" -e ignore fsu_cat a.img /small
}

atf_test_case needs_recovery
needs_recovery_head() {
	atf_set "descr" "a damaged journal that needs recovery is refused" \
	    "with a message"
	atf_set "require.progs" "mke2fs debugfs python3"
}
needs_recovery_body() {
	h_init
	mkdir tree
	echo a >tree/a
	mke2 img 16M -t ext4 -d tree
	atf_check -s exit:0 python3 "$H_EXT2" img recover
	atf_check -s exit:1 -e match:'journal needs recovery' fsu_mkdir img /d
	# An empty journal: nothing to replay.
	atf_check -s exit:0 -o inline:"a\n" -e match:'0 blocks' fsu_cat img /a
	# A journal superblock that is not one.
	j=$(debugfs -R "bmap <8> 0" img 2>/dev/null)
	dd if=/dev/zero of=img bs=1024 seek="$j" count=1 conv=notrunc \
	    2>/dev/null
	atf_check -s exit:1 -e match:'journal: bad superblock' fsu_cat img /a
}

atf_init_test_cases() {
	atf_add_test_case read_ext2
	atf_add_test_case read_ext3
	atf_add_test_case read_ext4
	atf_add_test_case read_ext4_layouts
	atf_add_test_case rev0
	atf_add_test_case times_ns
	atf_add_test_case large_sparse
	atf_add_test_case htree_50000
	atf_add_test_case htree_split
	atf_add_test_case write_ext2
	atf_add_test_case write_ext3
	atf_add_test_case write_ext4
	atf_add_test_case put_like_mke2fs
	atf_add_test_case uninit_extents
	atf_add_test_case inline_data
	atf_add_test_case reproducible
	atf_add_test_case state
	atf_add_test_case bad_superblock
	atf_add_test_case features
	atf_add_test_case bad_checksums
	atf_add_test_case bad_extents
	atf_add_test_case journal_replay
	atf_add_test_case needs_recovery
}
