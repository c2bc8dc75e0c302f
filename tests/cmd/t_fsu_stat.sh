#! /usr/bin/env atf-sh
# t_fsu_stat.sh: fsu_stat against what BSD stat(1) prints for the same
# files on the host (h_stat.py computes it from os.lstat: GNU stat's
# formats are not BSD's), in an image that fsu_put -Rp made of the tree.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
	H_STAT="$FSU_SRC/tests/cmd/h_stat.py"
	export TZ=UTC
}

# The tree of h_stat.py in ./tree (and its attributes in tree.snap,
# before reading it changes access times), and the image of it, at /tree.
stat_img() {
	python3 "$H_STAT" tree tree || atf_fail "h_stat.py tree"
	mkempty img 16m 500
	atf_check -s exit:0 -o empty -e empty fsu_put img -Rp tree /
}

FILES="/tree/empty /tree/one /tree/setuid /tree/setgid /tree/big
/tree/dir/inner /tree/dir/hard /tree/link /tree/dangling /tree/dirlink
/tree/fifo /tree/cdev /tree/bdev"
DIRS="/tree/dir /tree/dir/sub /tree/sticky"

atf_test_case formats
formats_head() {
	atf_set "descr" "each conversion of a table, on every kind of file, " \
	    "prints what BSD stat prints for the host's file"
	atf_set "require.progs" "makefs python3"
}
formats_body() {
	h_init
	stat_img
	python3 "$H_STAT" formats >formats
	n=0
	while read -r kind fmt; do
		files="$FILES"
		[ "$kind" = size ] || files="$FILES $DIRS"
		# shellcheck disable=SC2086
		python3 "$H_STAT" expect tree.snap "$fmt" $files >expect ||
		    atf_fail "h_stat.py expect $fmt"
		# shellcheck disable=SC2086
		fsu_stat img -f "$fmt" $files >out 2>err ||
		    atf_fail "fsu_stat -f '$fmt' failed: $(cat err)"
		if ! cmp -s expect out; then
			diff -u expect out >&2
			atf_fail "format '$fmt' differs"
		fi
		n=$((n + 1))
	done <formats
	[ $n -gt 40 ] || atf_fail "only $n formats"
}

atf_test_case canned
canned_head() {
	atf_set "descr" "-l, -F, -s, -r, -x, -t and the default format"
	atf_set "require.progs" "makefs python3"
}
canned_body() {
	h_init
	stat_img
	ino=$(fsu_stat img -f %i /tree/setuid)
	atf_check -s exit:0 \
	    -o inline:"-rwsr-xr-x 1 root root 1025 Feb 13 23:31:30 2009 /tree/setuid\nlrwxrwxrwx 1 root tty 3 Feb 13 23:31:30 2009 /tree/link -> one\ncrw-r--r-- 1 root root 4,64 Feb 13 23:31:30 2009 /tree/cdev\n" \
	    fsu_stat img -l /tree/setuid /tree/link /tree/cdev
	atf_check -s exit:0 \
	    -o inline:"-rwsr-xr-x 1 root root 1025 Feb 13 23:31:30 2009 /tree/setuid*\nlrwxrwxrwx 1 root tty 3 Feb 13 23:31:30 2009 /tree/link@ -> one\ndrwxrwxrwt 2 root root 512 Feb 13 23:31:30 2009 /tree/sticky/\n" \
	    fsu_stat img -F /tree/setuid /tree/link /tree/sticky
	fsu_stat img -s /tree/big >out || atf_fail "-s"
	atf_check -s exit:0 -o match:"^st_dev=[0-9]* st_ino=[0-9]* st_mode=0100444 st_nlink=1 st_uid=1234 st_gid=5678 st_rdev=0 st_size=100000 st_atime=1234481490 st_mtime=1234567890 st_ctime=[0-9]* st_birthtime=[0-9]* st_blksize=[0-9]* st_blocks=[0-9]* st_flags=0$" cat out
	# The shell can use it.
	atf_check -s exit:0 -o inline:"100000 0100444\n" \
	    sh -c 'eval "$(cat out)"; echo $st_size $st_mode'
	atf_check -s exit:0 \
	    -o match:"^[0-9]+ $ino 0104755 1 0 0 0 1025 1234481490 1234567890 [0-9]+ [0-9]+ [0-9]+ [0-9]+ 0 /tree/setuid$" \
	    fsu_stat img -r /tree/setuid
	atf_check -s exit:0 \
	    -o match:"^[0-9]+ $ino -rwsr-xr-x 1 root root 0 1025 \"Feb 12 23:31:30 2009\" \"Feb 13 23:31:30 2009\" \"[A-Z][a-z]{2} [ 1-3][0-9] [0-9:]{8} [0-9]{4}\" \"[A-Z][a-z]{2} [ 1-3][0-9] [0-9:]{8} [0-9]{4}\" [0-9]+ [0-9]+ 0 /tree/setuid$" \
	    fsu_stat img /tree/setuid
	fsu_stat img -x /tree/setuid >out || atf_fail "-x"
	cat >expect <<EOT
  File: "/tree/setuid"
  Size: 1025         FileType: Regular File
  Mode: (4755/-rwsr-xr-x)         Uid: (    0/    root)  Gid: (    0/    root)
Device: 0,0   Inode: $ino    Links: 1
Access: Thu Feb 12 23:31:30 2009
Modify: Fri Feb 13 23:31:30 2009
EOT
	sed -e '/^Change: /d' -e 's/^Device: [0-9]*,[0-9]* /Device: 0,0 /' out >got
	atf_check -s exit:0 -o empty diff -u expect got
	atf_check -s exit:0 -o inline:"2009-02-13T23:31:30\n" \
	    fsu_stat img -t %Y-%m-%dT%T -f %Sm /tree/one
	atf_check -s exit:0 -o inline:"Modify: Fri Feb 13 23:31:30 2009\n" \
	    sh -c "fsu_stat img -x /tree/one | grep Modify"
	# -n: no newline added.
	atf_check -s exit:0 -o inline:"1234567890 1234567890 " \
	    fsu_stat img -n -f "%m " /tree/one /tree/big
}

atf_test_case follow
follow_head() {
	atf_set "descr" "-L shows what a link points to; a dangling link " \
	    "shows itself"
	atf_set "require.progs" "makefs python3"
}
follow_body() {
	h_init
	stat_img
	atf_check -s exit:0 -o inline:"l 3\nl 14\n" \
	    fsu_stat img -f "%.1Sp %z" /tree/link /tree/dangling
	atf_check -s exit:0 -o inline:"- 1\nl 14\nd 512\n" \
	    fsu_stat img -L -f "%.1Sp %z" /tree/link /tree/dangling /tree/dirlink
}

atf_test_case image_fields
image_fields_head() {
	atf_set "descr" "inode numbers as the independent FFS reader lists " \
	    "them, blocks as FFS allocates them, the generation number"
	atf_set "require.progs" "makefs python3"
}
image_fields_body() {
	h_init
	[ -n "$FFS_CHECK" ] || atf_skip "no ffs_check.py"
	stat_img
	python3 "$FFS_CHECK" --list img |
	    awk -F'\t' '$2 ~ /^tree\// { print "/" $2, $1 }' | sort >expect
	[ "$(wc -l <expect)" -gt 10 ] || atf_fail "ffs_check --list: $(cat expect)"
	paths=$(awk '{ print $1 }' expect)
	# shellcheck disable=SC2086
	fsu_stat img -f "%N %i" $paths | sort >got
	atf_check -s exit:0 -o empty diff -u expect got
	# 8 KiB blocks, 1 KiB fragments: a tail takes whole fragments.
	atf_check -s exit:0 -o inline:"0\n2\n4\n16\n" \
	    fsu_stat img -f %b /tree/empty /tree/one /tree/setuid /tree/setgid
	atf_check -s exit:0 -o match:"^[1-9][0-9]*$" fsu_stat img -f %v /tree/one
	atf_check -s exit:0 -o inline:"8192\n" fsu_stat img -f %k /tree/one
}

atf_test_case flags
flags_head() {
	atf_set "descr" "st_flags are the image's, as numbers and names"
	atf_set "require.progs" "makefs python3"
}
flags_body() {
	h_init
	stat_img
	atf_check -s exit:0 fsu_chflags img uchg,nodump,arch /tree/one
	atf_check -s exit:0 fsu_chflags img sappnd /tree/big
	atf_check -s exit:0 \
	    -o inline:"65539 0x10003 0200003 arch,nodump,uchg\n262144 0x40000 01000000 sappnd\n0 0 0 -\n" \
	    fsu_stat img -f "%f %#Xf %#Of %Sf" /tree/one /tree/big /tree/empty
	atf_check -s exit:0 -o match:" 0x10003 /tree/one$" fsu_stat img /tree/one
	atf_check -s exit:0 -o match:" st_flags=65539$" fsu_stat img -s /tree/one
	atf_check -s exit:0 -o match:"\"flags\": 65539," fsu_stat img --json /tree/one
}

atf_test_case errors
errors_head() {
	atf_set "descr" "missing files, -q, bad formats, conflicting options"
	atf_set "require.progs" "makefs python3"
}
errors_body() {
	h_init
	stat_img
	atf_check -s exit:1 -o inline:"0\n" \
	    -e inline:"fsu_stat: /nowhere: stat: No such file or directory\n" \
	    fsu_stat img -f %z /nowhere /tree/empty
	atf_check -s exit:1 -o inline:"0\n" -e empty \
	    fsu_stat img -q -f %z /nowhere /tree/empty
	for f in %Q %Sz %Fz %Hz %Ml %DN %DY %5.3Xq %; do
		atf_check -s exit:1 -o empty -e match:"^fsu_stat: .*: bad format$" \
		    fsu_stat img -f "$f" /tree/one
	done
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_stat: can't use format 'f' with 'l'\n" \
	    fsu_stat img -f %z -l /tree/one
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_stat: can't use format 'x' with -F\n" \
	    fsu_stat img -F -x /tree/one
	atf_check -s exit:1 -o empty -e match:"^usage: fsu_stat " fsu_stat img
	atf_check -s exit:1 -o empty -e match:"^usage: fsu_stat " \
	    fsu_stat img -Q /tree/one
}

atf_test_case json
json_head() {
	atf_set "descr" "--json: every field, parsed by python3 -m json.tool, " \
	    "names that are not UTF-8 round-tripped"
	atf_set "require.progs" "makefs python3"
}
json_body() {
	h_init
	H_JSON="$FSU_SRC/tests/cmd/h_json.py"
	stat_img
	atf_check -s exit:0 -o save:out fsu_stat img --json /tree/big \
	    /tree/link /tree/cdev /tree/sticky
	atf_check -s exit:0 -o ignore python3 -m json.tool --json-lines out
	python3 "$H_JSON" fields out || atf_fail "fields"
	python3 "$H_JSON" names names || atf_fail "names"
	mkempty img2
	atf_check -s exit:0 -o empty -e empty fsu_put img2 -R names /
	python3 "$H_JSON" roundtrip names /names/ fsu_stat img2 --json ||
	    atf_fail "round trip"
}

atf_init_test_cases() {
	atf_add_test_case formats
	atf_add_test_case canned
	atf_add_test_case follow
	atf_add_test_case image_fields
	atf_add_test_case flags
	atf_add_test_case errors
	atf_add_test_case json
}
