#! /usr/bin/env atf-sh
# t_fsu_get.sh: fsu_get (and fsu_ecp with image sources) copies files of
# an image to the host, and treats the image as untrusted.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
}

# patch IMG OLD NEW: replace the one occurrence of the bytes OLD in IMG
# with NEW, of the same length.
patch() {
	python3 - "$1" "$2" "$3" <<'EOF' || atf_fail "patch $2 -> $3"
import sys
img, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
assert len(old) == len(new)
data = bytearray(open(img, "rb").read())
i = data.find(old)
assert i >= 0 and data.find(old, i + 1) < 0, "not exactly one " + repr(old)
data[i:i + len(old)] = new
open(img, "wb").write(data)
EOF
}

# only_inside DIR: everything below the box is below box/dest.
only_inside() {
	find box | sort >found
	if grep -v -e '^box$' -e '^box/dest$' -e '^box/dest/' found; then
		atf_fail "written outside the destination"
	fi
	if grep evil found; then
		atf_fail "the smuggled file was written"
	fi
}

atf_test_case round_trip
round_trip_head() {
	atf_set "descr" "a tree with every kind of file goes into an image " \
	    "and comes back the same: types, modes, owners, times, link " \
	    "targets, contents, hard links, holes"
	atf_set "require.progs" "makefs python3"
}
round_trip_body() {
	h_init
	mktree tree
	mkempty img
	atf_check -s exit:0 -o empty -e empty fsu_put img -Rp tree /
	mkdir out
	atf_check -s exit:0 -o empty -e empty fsu_get img -Rp /tree out
	host_list tree /tree >tree.list
	host_list out/tree /tree >out.list
	same_list tree.list out.list "original and copy"
	python3 "$H_TREE" sums tree >tree.sums
	python3 "$H_TREE" sums out/tree >out.sums
	same_list tree.sums out.sums "contents"
	# Hard links are one inode on the host again.
	atf_check -s exit:0 -o inline:"1\n" sh -c "stat -c %i out/tree/small \
	    out/tree/links/hard out/tree/links/sub/hard2 | sort -u | wc -l"
	atf_check -s exit:0 -o inline:"1\n" sh -c "stat -c %i \
	    out/tree/links/pair1 out/tree/links/pair2 | sort -u | wc -l"
	blocks=$(stat -c %b out/tree/sparse)
	[ "$blocks" -lt 200 ] || atf_fail "sparse file has $blocks blocks"
	# Nanoseconds come back too.
	atf_check -s exit:0 -o inline:"$(stat -c %y tree/big)\n" \
	    stat -c %y out/tree/big
	check_img
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
	mkdir out
	atf_check -s exit:0 -o empty -e empty fsu_ecp img -R :/tree out
	atf_check -s exit:0 -o empty diff -r tree out/tree
}

atf_test_case operands
operands_head() {
	atf_set "descr" "a file to a new name, files into a directory, the " \
	    "root into a directory, errors"
	atf_set "require.progs" "makefs"
}
operands_body() {
	h_init
	mkdir -p src/d/e
	echo a >src/a
	echo b >src/b
	echo c >src/d/e/c
	mkimg img src
	mkdir out
	atf_check -s exit:0 -o empty -e empty fsu_get img /a out/new
	atf_check -s exit:0 -o inline:"a\n" cat out/new
	atf_check -s exit:0 -o empty -e empty fsu_get img /a /b out
	atf_check -s exit:0 -o inline:"a\n" cat out/a
	atf_check -s exit:0 -o inline:"b\n" cat out/b
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_get: /d is a directory (not copied)\nfsu_get: /nosuch: No such file or directory\n" \
	    fsu_get img /d /nosuch /a out
	atf_check -s exit:1 -e inline:"fsu_get: out/new: Not a directory\n" \
	    fsu_get img /a /b out/new
	atf_check -s exit:1 -e match:'^usage: fsu_get .*image \[-L\] \[-p\] \[-R\] \[-v\] image-path \.\.\. host-path$' \
	    fsu_get img /a
	mkdir root
	atf_check -s exit:0 -o empty -e empty fsu_get img -R / root
	atf_check -s exit:0 -o empty diff -r src root
	atf_check -s exit:0 -o empty -e empty fsu_get img -R /d/. dot
	atf_check -s exit:0 -o empty diff -r src/d dot
}

atf_test_case replace
replace_head() {
	atf_set "descr" "an existing host file is replaced, not written " \
	    "through: its other hard links keep their contents"
	atf_set "require.progs" "makefs"
}
replace_body() {
	h_init
	mkdir -p src/d
	echo new >src/x
	echo new >src/d/f
	echo new >src/clash
	mkimg img src
	mkdir -p out/d out/clash
	echo old >out/x
	ln out/x out/xlink
	echo old >out/d/keep
	atf_check -s exit:0 -o empty -e empty fsu_get img -R /x /d out
	atf_check -s exit:0 -o inline:"new\n" cat out/x
	atf_check -s exit:0 -o inline:"old\n" cat out/xlink
	atf_check -s exit:0 -o inline:"old\n" cat out/d/keep
	atf_check -s exit:0 -o inline:"new\n" cat out/d/f
	atf_check -s exit:1 \
	    -e inline:"fsu_get: cannot overwrite directory out/clash with non-directory /clash\n" \
	    fsu_get img /clash out
	atf_check -s exit:1 \
	    -e inline:"fsu_get: cannot overwrite non-directory out/x with directory /d\n" \
	    fsu_get img -R /d out/x
}

atf_test_case owners
owners_head() {
	atf_set "descr" "owners and set-ID bits with -p only; a user who " \
	    "cannot give files away gets neither"
	atf_set "require.progs" "makefs setpriv"
	atf_set "require.user" "root"
}
owners_body() {
	h_init
	mkdir -p src/d
	echo f >src/f
	chown 1234:5678 src/f src/d
	chmod 4755 src/f
	chmod 2775 src/d
	mkempty img
	atf_check -s exit:0 fsu_put img -Rp src /
	mkdir plain kept
	atf_check -s exit:0 -o empty -e empty fsu_get img -R /src plain
	atf_check -s exit:0 -o empty -e empty fsu_get img -Rp /src kept
	atf_check -s exit:0 -o inline:"755 0 0\n775 0 0\n" \
	    stat -c '%a %u %g' plain/src/f plain/src/d
	atf_check -s exit:0 -o inline:"4755 1234 5678\n2775 1234 5678\n" \
	    stat -c '%a %u %g' kept/src/f kept/src/d
	# An ordinary user: -p cannot give the files away, and drops set-ID.
	mkdir user
	chown 65534:65534 user
	chmod 644 img
	if ! setpriv --reuid=65534 --regid=65534 --clear-groups \
	    test -w user 2>/dev/null; then
		atf_skip "the work directory is closed to other users"
	fi
	atf_check -s exit:0 -o empty -e empty setpriv --reuid=65534 \
	    --regid=65534 --clear-groups fsu_get img -Rp /src user
	atf_check -s exit:0 -o inline:"755 65534 65534\n775 65534 65534\n" \
	    stat -c '%a %u %g' user/src/f user/src/d
}

atf_test_case flags
flags_head() {
	atf_set "descr" "-p gives host files the attributes that stand for " \
	    "their flags"
	atf_set "require.progs" "makefs lsattr"
}
flags_body() {
	h_init
	mkdir src
	echo f >src/f
	echo g >src/g
	mkimg img src
	atf_check -s exit:0 fsu_chflags img nodump /f
	mkdir out
	atf_check -s exit:0 -o empty -e empty fsu_get img -p /f /g out
	lsattr -d out 2>/dev/null | grep -q . ||
	    atf_skip "the host file system has no attributes"
	atf_check -s exit:0 -o match:'^[^ ]*d[^ ]* out/f$' lsattr out/f
	atf_check -s exit:0 -o not-match:'^[^ ]*d[^ ]* out/g$' lsattr out/g
}

atf_test_case readonly_image
readonly_image_head() {
	atf_set "descr" "the image is only read: a read-only image works " \
	    "and is not changed"
	atf_set "require.progs" "makefs"
}
readonly_image_body() {
	h_init
	mkdir -p src/d
	echo a >src/d/a
	mkimg img src
	chmod 444 img
	sum=$(host_sum img)
	mkdir out
	atf_check -s exit:0 -o empty -e empty fsu_get img -R /d out
	atf_check -s exit:0 -o inline:"a\n" cat out/d/a
	[ "$(host_sum img)" = "$sum" ] || atf_fail "the image changed"
}

atf_test_case follow
follow_head() {
	atf_set "descr" "-L copies what the image's symbolic links point " \
	    "to; a link to an enclosing directory is a cycle"
	atf_set "require.progs" "makefs"
}
follow_body() {
	h_init
	mkdir -p src/d
	echo f >src/f
	echo in >src/d/in
	ln -s f src/lf
	ln -s d src/ld
	ln -s /f src/abs
	mkimg img src
	mkdir out
	atf_check -s exit:0 -o empty -e empty fsu_get img -RL / out
	atf_check -s exit:0 -o inline:"f\n" cat out/lf
	atf_check -s exit:0 -o inline:"f\n" cat out/abs
	atf_check -s exit:0 -o inline:"in\n" cat out/ld/in
	[ ! -L out/lf ] && [ ! -L out/ld ] || atf_fail "links were copied"
	atf_check -s exit:0 fsu_ln img -s .. /d/up
	atf_check -s exit:1 -o empty -e save:err fsu_get img -RL / cyc
	atf_check -s exit:0 \
	    -o inline:"fsu_get: /d/up: directory causes a cycle\nfsu_get: /ld/up: directory causes a cycle\n" \
	    sort err
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
	echo b >src/d/b
	mkimg img src
	mkdir out
	atf_check -s exit:0 -o save:list -e empty fsu_get img -Rv / out
	atf_check -s exit:0 \
	    -o inline:"/ -> out\n/a -> out/a\n/d -> out/d\n/d/b -> out/d/b\n" \
	    sort list
}

atf_test_case slash_in_name
slash_in_name_head() {
	atf_set "descr" "a name with '/' smuggled into a directory is " \
	    "refused: exit 1, nothing written outside the destination"
	atf_set "require.progs" "makefs python3"
}
slash_in_name_body() {
	h_init
	mkdir -p src/top/q
	echo ok >src/top/fine
	echo evil >"src/top/q/A..B..C..D..evil"
	mkimg img src
	patch img "A..B..C..D..evil" "../../../../evil"
	mkdir -p box/dest
	atf_check -s exit:1 -o empty -e match:"/top/q: " \
	    fsu_get img -R /top box/dest
	only_inside
	atf_check -s exit:0 -o inline:"ok\n" cat box/dest/top/fine
}

atf_test_case dotdot_name
dotdot_name_head() {
	atf_set "descr" "a directory renamed '..' in the image is reported " \
	    "and not followed"
	atf_set "require.progs" "makefs python3"
}
dotdot_name_body() {
	h_init
	mkdir -p src/top/ab src/top/q
	echo evil >src/top/ab/evil
	echo ok >src/top/q/fine
	mkimg img src
	# The entry of ab: type 4 (directory), name length 2, "ab".
	python3 - img <<'EOF' || atf_fail "patch"
import sys
data = bytearray(open(sys.argv[1], "rb").read())
old = b"\x04\x02ab\x00"
i = data.find(old)
assert i >= 0 and data.find(old, i + 1) < 0
data[i + 2:i + 4] = b".."
open(sys.argv[1], "wb").write(data)
EOF
	mkdir -p box/dest
	# The driver refuses the directory holding the misplaced "..".
	atf_check -s exit:1 -o empty \
	    -e match:'misplaced "\." or "\.\." entry' \
	    -e match:"/top: Input/output error" \
	    fsu_get img -R /top box/dest
	only_inside
}

atf_test_case planted_links
planted_links_head() {
	atf_set "descr" "symbolic links already in the destination are " \
	    "replaced where a file goes and refused where a directory goes, " \
	    "never followed"
	atf_set "require.progs" "makefs"
}
planted_links_body() {
	h_init
	mkdir -p src/top/d
	echo new >src/top/f
	echo new >src/top/d/g
	mkimg img src
	mkdir -p victim dest/top
	echo orig >victim/f
	ln -s ../../victim/f dest/top/f
	ln -s ../../victim dest/top/d
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_get: cannot overwrite non-directory dest/top/d with directory /top/d\n" \
	    fsu_get img -R /top dest
	atf_check -s exit:0 -o inline:"orig\n" cat victim/f
	atf_check -s exit:0 -o inline:"f\n" ls victim
	[ -f dest/top/f ] && [ ! -L dest/top/f ] || atf_fail "f not replaced"
	atf_check -s exit:0 -o inline:"new\n" cat dest/top/f
	# A link where the operand's directory goes.
	rm -rf dest
	mkdir dest
	ln -s ../victim dest/top
	atf_check -s exit:1 -o empty -e match:"cannot overwrite non-directory" \
	    fsu_get img -R /top dest
	atf_check -s exit:0 -o inline:"f\n" ls victim
}

# host_holes: skip unless the host's file system keeps holes.
host_holes() {
	truncate -s 64m holes.probe
	[ "$(stat -c %b holes.probe)" -lt 64 ] ||
	    atf_skip "the host file system does not keep holes"
	rm -f holes.probe
}

atf_test_case sparse_huge
sparse_huge_head() {
	atf_set "descr" "a 20 GiB sparse file comes out of the image " \
	    "(SEEK_DATA, SEEK_HOLE) as a sparse host file with the same data"
	atf_set "require.progs" "makefs"
}
sparse_huge_body() {
	h_init
	host_holes
	mkempty img 16m 100
	truncate -s 20G big
	printf 'middle' | dd of=big bs=1 seek=7516192768 conv=notrunc \
	    2>/dev/null
	printf 'end' | dd of=big bs=1 seek=21474836477 conv=notrunc \
	    2>/dev/null
	atf_check -s exit:0 -o empty -e empty fsu_put img big /big
	mkdir out
	atf_check -s exit:0 -o empty -e empty fsu_get img /big out
	atf_check -s exit:0 -o inline:"21474836480\n" stat -c %s out/big
	blocks=$(stat -c %b out/big)
	[ "$blocks" -lt 1024 ] || atf_fail "the copy holds $blocks blocks"
	atf_check -s exit:0 -o inline:"middle" dd if=out/big bs=1 \
	    skip=7516192768 count=6 status=none
	atf_check -s exit:0 -o inline:"end" dd if=out/big bs=1 \
	    skip=21474836477 count=3 status=none
	# Zeros around them.
	atf_check -s exit:0 -o inline:"0\n" sh -c "dd if=out/big bs=1 \
	    skip=7516192752 count=16 status=none | tr -d '\\000' | wc -c"
	atf_check -s exit:0 -o inline:"0\n" sh -c "dd if=out/big bs=1 \
	    skip=21474836400 count=77 status=none | tr -d '\\000' | wc -c"
	check_img
}

atf_test_case sparse_same
sparse_same_head() {
	atf_set "descr" "sparse files of UFS1 and UFS2 images come back " \
	    "byte for byte and sparse; fsu_cat prints the same bytes"
	atf_set "require.progs" "makefs cmp"
}
sparse_same_body() {
	h_init
	host_holes
	mkdir -p empty.d
	for v in 1 2; do
		atf_check -s exit:0 -o ignore -e ignore makefs -t ffs -s 16m \
		    -o version=$v,bsize=4096,fsize=512 img$v empty.d
		rm -f s
		truncate -s 40m s
		for off in 0 5000 49152 300000 5000000 41943039; do
			printf "data at $off" | dd of=s bs=1 seek=$off \
			    conv=notrunc 2>/dev/null
		done
		truncate -s 48m s
		atf_check -s exit:0 -o empty -e empty fsu_put img$v s /s
		rm -rf out
		mkdir out
		atf_check -s exit:0 -o empty -e empty fsu_get img$v /s out
		atf_check -s exit:0 -o empty -e empty cmp s out/s
		blocks=$(stat -c %b out/s)
		[ "$blocks" -lt 2000 ] ||
		    atf_fail "UFS$v: the copy holds $blocks blocks"
		fsu_cat img$v /s >cat.out || atf_fail "fsu_cat failed"
		atf_check -s exit:0 -o empty -e empty cmp s cat.out
		check_img img$v
	done
}

atf_test_case huge_blocks
huge_blocks_head() {
	atf_set "descr" "an inode whose block count is near 2^64 (corrupt) " \
	    "is copied whole, with no arithmetic overflow (UBSan)"
	atf_set "require.progs" "makefs python3"
}
huge_blocks_body() {
	h_init
	mkdir src
	seq 1 3000 >src/file
	mkimg img src
	ino=$(fsu_ls img -i / | awk '$2 == "file" { print $1 }')
	[ -n "$ino" ] || atf_fail "no inode number"
	# di_blocks (UFS2: offset 24 of the 256-byte inode) = 2^64 - 2.
	python3 - img "$ino" <<'EOF' || atf_fail "patch"
import struct, sys
img, ino = sys.argv[1], int(sys.argv[2])
data = bytearray(open(img, "rb").read())
sb = [o for o in (65536, 8192)
      if struct.unpack_from("<i", data, o + 1372)[0] == 0x19540119][0]
iblkno, = struct.unpack_from("<i", data, sb + 16)
fsize, = struct.unpack_from("<i", data, sb + 52)
ipg, fpg = struct.unpack_from("<ii", data, sb + 184)
off = ((ino // ipg) * fpg + iblkno) * fsize + (ino % ipg) * 256
struct.pack_into("<Q", data, off + 24, 2**64 - 2)
open(img, "wb").write(data)
EOF
	atf_check -s exit:0 -o match:"^[0-9]+ file$" fsu_ls img -s /
	mkdir out
	atf_check -s exit:0 -o empty -e empty fsu_get img /file out
	seq 1 3000 >expect
	atf_check -s exit:0 -o empty -e empty cmp expect out/file
	atf_check -s exit:0 -o empty -e empty fsu_cp img /file /copy
	atf_check -s exit:0 -o file:expect fsu_cat img /copy
}

atf_init_test_cases() {
	atf_add_test_case round_trip
	atf_add_test_case sparse_huge
	atf_add_test_case sparse_same
	atf_add_test_case huge_blocks
	atf_add_test_case deep
	atf_add_test_case operands
	atf_add_test_case replace
	atf_add_test_case owners
	atf_add_test_case flags
	atf_add_test_case readonly_image
	atf_add_test_case follow
	atf_add_test_case verbose
	atf_add_test_case slash_in_name
	atf_add_test_case dotdot_name
	atf_add_test_case planted_links
}
