#! /usr/bin/env atf-sh
# t_cd9660.sh: the ISO 9660 driver (read-only) through the programs.
#
# Images are made by xorriso (-as mkisofs) from host trees at test time:
# Rock Ridge (the tree of tests/cmd/h_tree.py: every kind of file) must
# list (h_fsu_stat) and read (fsu_cat, fsu_get) exactly as the host tree;
# Joliet and plain ISO 9660 names are checked against what the formats
# keep; deep directories relocated by Rock Ridge (CL/PL/RE) read back
# where they were; El Torito images mount; write attempts get EROFS;
# damaged images give clean errors, never a crash.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
	PATH="$FSU_BIN:$(atf_get_srcdir)/../cmd:$PATH"
	export PATH
	LC_ALL=C
	export LC_ALL
	H_TREE="$FSU_SRC/tests/cmd/h_tree.py"
}

# mkiso IMG DIR ARGS...: xorriso -as mkisofs ARGS of DIR into IMG.
mkiso() {
	_img=$1
	_dir=$2
	shift 2
	rm -f "$_img"
	atf_check -s exit:0 -o ignore -e ignore xorriso -as mkisofs "$@" \
	    -o "$_img" "$_dir"
}

# Listings without link counts (xorriso records 1 unless --hardlinks)
# and access times (xorriso reads the host tree, which changes them).
isomask() {
	mask | awk '{ $6 = "-"; $11 = "-"; print }'
}

# same_tree IMG: the image holds what the host tree "tree" holds.
same_tree() {
	python3 "$H_TREE" list tree / | isomask | grep -v '^/ d ' >host.list
	h_fsu_stat -R "$1" / | isomask | grep -v '^/ d ' >img.list
	same_list host.list img.list "host tree and $1"
	python3 "$H_TREE" sums tree | while read -r sum path; do
		[ "$(img_sum "$1" "/$path")" = "$sum" ] ||
		    { echo "/$path"; break; }
	done >bad
	[ ! -s bad ] || atf_fail "$1: contents of $(cat bad) differ"
}

# mksimple DIR: a small tree whose names fit Joliet.
mksimple() {
	mkdir -p "$1/Dir-One/sub" "$1/UPPER"
	printf 'hello\n' >"$1/hello.txt"
	head -c 200000 /dev/urandom >"$1/Dir-One/random.bin"
	printf 'x' >"$1/Dir-One/sub/Mixed_Case.Name"
	printf 'y' >"$1/UPPER/NOEXT"
	printf 'z' >"$1/caf$(printf '\303\251').txt"
}

# names IMG: every path of the image, sorted.
names() {
	h_fsu_stat -R "$1" / | awk '{ print $1 }' | sort
}

atf_test_case read_rockridge
read_rockridge_head() {
	atf_set "descr" "Rock Ridge images (with and without Joliet) read" \
	    "back as the host tree: names, modes, owners, symlinks," \
	    "devices, times, contents"
	atf_set "require.progs" "xorriso python3"
	atf_set "require.user" "root"
	atf_set "timeout" "600"
}
read_rockridge_body() {
	h_init
	mktree tree
	mkiso img tree -R
	atf_check -s exit:0 -o ignore -e empty fsu_ls -t cd9660 img /
	same_tree img
	mkiso img tree -R -J -iso-level 3
	same_tree img
	# fsu_get extracts what the host tree holds.
	_f=$(python3 "$H_TREE" sums tree | awk 'NR == 1 { print $2 }')
	atf_check -s exit:0 -o ignore -e empty fsu_get img "/$_f" got
	cmp -s got "tree/$_f" || atf_fail "fsu_get /$_f differs"
}

atf_test_case read_joliet
read_joliet_head() {
	atf_set "descr" "Joliet images without Rock Ridge: UCS-2 names as" \
	    "given, contents"
	atf_set "require.progs" "xorriso"
}
read_joliet_body() {
	h_init
	mksimple src
	mkiso img src --norock -J -input-charset UTF-8
	(cd src && find . -mindepth 1 | sed 's,^\.,,' | sort) >host.names
	names img | grep -v '^/$' >img.names
	same_list host.names img.names "Joliet names"
	atf_check -s exit:0 -o file:"src/Dir-One/random.bin" -e empty \
	    fsu_cat img "/Dir-One/random.bin"
	atf_check -s exit:0 -o match:'^dr-xr-xr-x' -e empty fsu_ls img \
	    -ld /UPPER
	atf_check -s exit:0 -o match:'^-r--r--r--' -e empty fsu_ls img \
	    -l /hello.txt
}

atf_test_case read_plain
read_plain_head() {
	atf_set "descr" "Plain ISO 9660 (levels 1 and 3): names in lower" \
	    "case without ;1, contents"
	atf_set "require.progs" "xorriso"
}
read_plain_body() {
	h_init
	mksimple src
	mkiso img src --norock
	atf_check -s exit:0 -o inline:"hello\n" -e empty fsu_cat img /hello.txt
	atf_check -s exit:0 -o inline:"y" -e empty fsu_cat img /upper/noext
	atf_check -s exit:0 -o file:"src/Dir-One/random.bin" -e empty \
	    fsu_cat img /dir_one/random.bin
	atf_check -s exit:0 -o ignore -e empty fsu_ls img /dir_one/sub/mixed_ca.nam
	atf_check -s exit:1 -o empty -e ignore fsu_ls img '/hello.txt;1'
	mkiso img src --norock -iso-level 3 -untranslated-filenames
	atf_check -s exit:0 -o inline:"x" -e empty fsu_cat img \
	    "/dir-one/sub/mixed_case.name"
}

atf_test_case relocated
relocated_head() {
	atf_set "descr" "Rock Ridge relocated deep directories (CL, PL, RE)" \
	    "are read where they were; .. leads back; numbers are stable"
	atf_set "require.progs" "xorriso python3"
}
relocated_body() {
	h_init
	python3 "$H_TREE" deep src 12 || atf_fail "h_tree.py deep"
	mkiso img src -R -rr_reloc_dir rr_moved
	# Plain ISO 9660 shows the relocation directory ...
	atf_check -s exit:0 -o match:rr_moved -e empty fsu_ls -o norrip img /
	# ... Rock Ridge shows the tree as it was.
	(cd src && find . | sed 's,^\.,,;s,^$,/,' | sort) >host.names
	names img >img.names
	same_list host.names img.names "relocated tree"
	_d=$(cd src && find . -type d | sed 's,^\.,,' |
	    awk 'length > m { m = length; p = $0 } END { print p }')
	_p=$(dirname "$_d")
	atf_check -s exit:0 -o save:a -e empty fsu_ls img -di "$_p"
	atf_check -s exit:0 -o save:b -e empty fsu_ls img -di "$_d/.."
	[ "$(awk '{ print $1 }' a)" = "$(awk '{ print $1 }' b)" ] ||
	    atf_fail "$_p and $_d/.. have different numbers"
}

atf_test_case stable_numbers
stable_numbers_head() {
	atf_set "descr" "A directory has one number through its parent," \
	    "its . and a child's .."
	atf_set "require.progs" "xorriso"
}
stable_numbers_body() {
	h_init
	mksimple src
	for a in -R "--norock -J" --norock; do
		# shellcheck disable=SC2086
		mkiso img src $a
		_d=$(fsu_ls img -di /UPPER /upper 2>/dev/null | awk '{ print $1 }')
		_p=$(fsu_ls img -i / | awk '$2 ~ /^(UPPER|upper)$/ { print $1 }')
		_n=$(fsu_ls img -ai /UPPER /upper 2>/dev/null |
		    awk '$2 == "." { print $1 }')
		[ -n "$_d" ] && [ "$_d" = "$_p" ] && [ "$_d" = "$_n" ] ||
		    atf_fail "$a: numbers $_d $_p $_n"
	done
}

atf_test_case el_torito
el_torito_head() {
	atf_set "descr" "An El Torito bootable image mounts; its boot" \
	    "catalog is a file like any other"
	atf_set "require.progs" "xorriso"
}
el_torito_body() {
	h_init
	mksimple src
	mkdir -p src/boot
	head -c 4096 /dev/urandom >src/boot/boot.img
	mkiso img src -R -J -b boot/boot.img -c boot/boot.cat -no-emul-boot
	atf_check -s exit:0 -o file:src/boot/boot.img -e empty \
	    fsu_cat img /boot/boot.img
	atf_check -s exit:0 -o match:boot.cat -e empty fsu_ls img /boot
}

atf_test_case hybrid
hybrid_head() {
	atf_set "descr" "Hybrid images (an MBR or a GPT in front, as xorriso" \
	    "makes for USB sticks) mount through type detection"
	atf_set "require.progs" "xorriso mkfs.fat"
}
hybrid_body() {
	h_init
	mksimple src
	# An MBR whose partition 1 holds a second superblock of the volume.
	mkiso img src -R -J -partition_offset 16
	atf_check -s exit:0 -o file:src/hello.txt -e empty fsu_cat img /hello.txt
	atf_check -s exit:0 -o file:src/hello.txt -e empty \
	    fsu_cat 'img%1%' /hello.txt
	# A GPT with an appended EFI system partition.
	atf_check -s exit:0 -o ignore -e ignore mkfs.fat -C efi.img 2048
	mkiso img src -R -append_partition 2 0xef efi.img \
	    -appended_part_as_gpt
	atf_check -s exit:0 -o file:"src/Dir-One/random.bin" -e empty \
	    fsu_cat img /Dir-One/random.bin
}

atf_test_case large_file
large_file_head() {
	atf_set "descr" "-iso-level 3: a file over 4 GiB (multi-extent)" \
	    "reads back"
	atf_set "require.progs" "xorriso"
	atf_set "timeout" "900"
}
large_file_body() {
	h_init
	_free=$(df -Pk . | awk 'NR == 2 { print $4 }')
	[ "$_free" -gt 6000000 ] || atf_skip "needs 6 GB free here"
	mkdir src
	printf 'head' >src/big
	truncate -s 4294969344 src/big
	printf 'tail' >>src/big
	mkiso img src -R -iso-level 3
	atf_check -s exit:0 -o match:' 4294969348 ' -e empty fsu_ls img -l /big
	fsu_cat img /big | tail -c 4 >got
	atf_check -s exit:0 -o inline:"tail" -e empty cat got
	fsu_cat img /big | head -c 4 >got
	atf_check -s exit:0 -o inline:"head" -e empty cat got
	rm -f img
}

atf_test_case readonly
readonly_head() {
	atf_set "descr" "Changing programs fail with a read-only error"
	atf_set "require.progs" "xorriso"
}
readonly_body() {
	h_init
	mksimple src
	mkiso img src -R
	cp img img.orig
	atf_check -s not-exit:0 -o empty -e match:'[Rr]ead-only' \
	    fsu_mkdir img /new
	atf_check -s not-exit:0 -o empty -e match:'[Rr]ead-only' \
	    fsu_rm img /hello.txt
	printf 'data' >f
	atf_check -s not-exit:0 -o empty -e match:'[Rr]ead-only' \
	    fsu_put img f /f
	cmp -s img img.orig || atf_fail "the image changed"
}

atf_test_case damaged
damaged_head() {
	atf_set "descr" "Damaged images give clean errors, never a crash"
	atf_set "require.progs" "xorriso python3"
	atf_set "timeout" "600"
}
damaged_body() {
	h_init
	mksimple src
	ln -s hello.txt src/link
	mkiso img src -R -J
	# Not ISO 9660 at all: no volume descriptor.
	head -c 1048576 /dev/zero >zero.img
	atf_check -s exit:1 -o empty -e not-empty fsu_ls -t cd9660 zero.img /
	# Truncated: the volume is longer than the image.
	head -c 40000 img >short.img
	atf_check -s not-exit:0 -o ignore -e not-empty fsu_ls short.img -R /
	# Bytes of the descriptors and directories changed at random.
	python3 - img <<'PY' || atf_fail "a damaged image crashed a program"
import os, random, subprocess, sys
data = open(sys.argv[1], "rb").read()
end = min(len(data), 40 * 2048)
rnd = random.Random(13)
for i in range(150):
    b = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        b[rnd.randrange(16 * 2048, end)] = rnd.randrange(256)
    open("bad.img", "wb").write(b)
    for cmd in (["fsu_ls", "bad.img", "-lR", "/"],
                ["fsu_cat", "bad.img", "/Dir-One/random.bin"]):
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=60)
        if r.returncode not in (0, 1):
            sys.stderr.write("%s: status %d\n%s" % (cmd, r.returncode,
                             r.stderr.decode(errors="replace")))
            open("crash.img", "wb").write(b)
            sys.exit(1)
PY
}

atf_init_test_cases() {
	atf_add_test_case read_rockridge
	atf_add_test_case read_joliet
	atf_add_test_case read_plain
	atf_add_test_case relocated
	atf_add_test_case stable_numbers
	atf_add_test_case el_torito
	atf_add_test_case hybrid
	atf_add_test_case large_file
	atf_add_test_case readonly
	atf_add_test_case damaged
}
