#! /usr/bin/env atf-sh
# t_fsu_newfs.sh: fsu_newfs makes FFS images that the independent checker
# (ffs_check.py), fsu_fsck and Sleuth Kit accept, that our programs read
# and fill to the last fragment, with NetBSD's defaults and the options
# of newfs; in a partition; reproducibly with SOURCE_DATE_EPOCH.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	PATH="$FSU_BIN:$PATH"
	export PATH
	umask 022
	LC_ALL=C
	export LC_ALL
}

need_oracle() {
	[ -n "${FFS_CHECK:-}" ] && [ -f "$FFS_CHECK" ] ||
	    atf_skip "the FFS checker ffs_check.py is missing (FFS_CHECK)"
}

# oracle IMG [ARGS]: ffs_check.py and fsu_fsck -n say the image is
# consistent.
oracle() {
	python3 "$FFS_CHECK" "$@" >oracle.out 2>&1 ||
	    atf_fail "ffs_check $1: $(head -n 5 oracle.out | tr '\n' ' ')"
	grep -q '^OK' oracle.out || atf_fail "ffs_check $1: no OK"
}

# geom IMG FIELD...: superblock fields from ffs_check.py -v.
geom() {
	_img=$1
	shift
	python3 "$FFS_CHECK" -v "$_img" 2>&1 >/dev/null |
	    awk -v want="$*" 'BEGIN { n = split(want, w, " ") }
	    /superblock at/ { for (i = 1; i <= NF; i++) v[$i] = $(i + 1)
		s = ""; for (j = 1; j <= n; j++) s = s (j > 1 ? " " : "") v[w[j]]
		print s }'
}

# counts IMG: "ndir nbfree nifree nffree" from ffs_check.py -v.
counts() {
	python3 "$FFS_CHECK" -v "$1" 2>&1 >/dev/null |
	    sed -n 's/.*ndir\/nbfree\/nifree\/nffree \[\([0-9]*\), \([0-9]*\), \([0-9]*\), \([0-9]*\)\].*/\1 \2 \3 \4/p'
}

# mksmall DIR: a small tree of every kind of file a user can make.
mksmall() {
	mkdir -p "$1/d/e" "$1/empty"
	i=1
	while [ $i -le 20 ]; do
		head -c $((i * 1531)) /dev/urandom >"$1/d/f$i"
		i=$((i + 1))
	done
	head -c 300000 /dev/urandom >"$1/big"
	ln "$1/d/f1" "$1/d/e/hard"
	ln -s f2 "$1/d/sym"
	ln -s "$(printf '%0200d' 0)" "$1/d/longsym"
	mkfifo "$1/d/fifo"
	: >"$1/d/zero"
}

atf_test_case variants
variants_head() {
	atf_set "descr" "UFS1 and UFS2, both byte orders, 4 KiB to 64 KiB " \
	    "blocks: each image passes ffs_check.py and fsu_fsck, takes a " \
	    "tree that reads back, and fills to the last fragment with a " \
	    "clean ENOSPC"
	atf_set "require.progs" "python3"
	atf_set "timeout" "900"
}
variants_body() {
	h_init
	need_oracle
	mksmall tree
	for fmt in 1 2; do
	for order in le be; do
	for bs in 4096 8192 16384 32768 65536; do
		v="UFS$fmt-$order-$bs"
		rm -f img
		atf_check -s exit:0 -o match:"UFS$fmt, block size $bs" \
		    fsu_newfs -O $fmt -B $order -b $bs -s 10m img
		[ "$(stat -c %s img)" = 10485760 ] || atf_fail "$v: size"
		oracle img
		[ "$(geom img bsize fsize)" = "$bs $((bs / 8))" ] ||
		    atf_fail "$v: geometry $(geom img bsize fsize)"
		atf_check -s exit:0 -o ignore fsu_fsck img -n
		atf_check -s exit:0 -o match:'^drwxr-xr-x  2 0  0 ' \
		    fsu_ls img -lnd /
		atf_check -s exit:0 -o empty -e empty fsu_put img -R tree/. /
		oracle img
		mkdir out
		atf_check -s exit:0 -o empty -e empty fsu_get img -R / out/
		diff -r --no-dereference -x fifo tree out >/dev/null ||
		    atf_fail "$v: tree differs"
		rm -rf out
		# Fill: one file to ENOSPC, then small ones until none fits.
		head -c 12m /dev/zero >zero12
		atf_check -s exit:1 -e match:'No space left on device' \
		    fsu_write img /fill <zero12
		n=0
		while echo x | fsu_write img /s$n 2>err; do
			n=$((n + 1))
			[ $n -lt 100 ] || atf_fail "$v: no ENOSPC"
		done
		grep -q 'No space left on device' err ||
		    atf_fail "$v: $(cat err)"
		oracle img
		set -- $(counts img)
		[ "$2" = 0 ] && [ "$4" = 0 ] ||
		    atf_fail "$v: not full: nbfree $2 nffree $4"
		atf_check -s exit:0 -o ignore fsu_fsck img -n
		atf_check -s exit:0 -o inline:"x\n" fsu_cat img /s0
		atf_check -s exit:0 -o empty fsu_rm img /fill
		oracle img
	done
	done
	done
}

atf_test_case sleuthkit
sleuthkit_head() {
	atf_set "descr" "Sleuth Kit (fls, icat) reads UFS1 images fsu_newfs " \
	    "made and fsu_put filled, in both byte orders"
	atf_set "require.progs" "fls icat"
}
sleuthkit_body() {
	h_init
	mksmall tree
	for order in le be; do
		rm -f img
		atf_check -s exit:0 -o ignore fsu_newfs -O 1 -B $order \
		    -s 8m img
		atf_check -s exit:0 -o empty -e empty fsu_put img -R tree/. /
		fls -r -p img | sed 's/^[^	]*	//' | sort >fls.out
		for p in big d d/e d/e/hard d/f1 d/f20 d/sym d/fifo empty; do
			grep -qx "$p" fls.out ||
			    atf_fail "$order: fls does not list $p"
		done
		for f in big d/f7 d/f20 d/e/hard; do
			ino=$(fls -r -p img | awk -F'\t' -v p="$f" \
			    '$2 == p { split($1, a, " "); sub(":", "", a[2]);
			    print a[2] }')
			[ -n "$ino" ] || atf_fail "$order: no inode for $f"
			icat img "$ino" >got
			cmp -s got "tree/$f" ||
			    atf_fail "$order: icat $f differs"
		done
	done
}

atf_test_case defaults
defaults_head() {
	atf_set "descr" "NetBSD's defaults for the size: block, fragment " \
	    "and inode density; UFS2, 5% minfree"
	atf_set "require.progs" "python3"
}
defaults_body() {
	h_init
	need_oracle
	for row in "10m 4096 512 2048" "100m 8192 1024 4096" \
	    "1200m 16384 2048 8192"; do
		set -- $row
		rm -f img
		atf_check -s exit:0 -o match:"UFS2, block size $2, fragment size $3" \
		    fsu_newfs -s $1 img
		oracle img
		set -- $row $(geom img ncg ipg fpg)
		# One inode per density bytes, within a block of inodes a group.
		want=$(( $(stat -c %s img) / $4 ))
		have=$(( $5 * $6 ))
		[ $have -ge $want ] && [ $have -le $((want + $5 * $2 / 256)) ] ||
		    atf_fail "$1: $have inodes for $want"
	done
	# The image is sparse: newfs writes only metadata.
	[ "$(du -k img | cut -f 1)" -lt 20000 ] || atf_fail "not sparse"
	python3 -c '
import struct, sys
b = open("img", "rb").read(65536 + 1376)[65536:]
minfree, = struct.unpack_from("<i", b, 60)
magic, = struct.unpack_from("<i", b, 1372)
sys.exit(0 if minfree == 5 and magic == 0x19540119 else 1)' ||
	    atf_fail "minfree or magic"
}

atf_test_case options
options_head() {
	atf_set "descr" "-i, -n, -m, -o, -L, -f and -s with suffixes and " \
	    "sectors do what newfs's do"
	atf_set "require.progs" "python3"
}
options_body() {
	h_init
	need_oracle
	atf_check -s exit:0 -o ignore fsu_newfs -s 40960 -b 8192 -f 2048 \
	    -i 65536 -m 12 -o space -L rootfs img
	oracle img
	[ "$(stat -c %s img)" = $((40960 * 512)) ] || atf_fail "-s sectors"
	[ "$(geom img bsize fsize)" = "8192 2048" ] || atf_fail "-f"
	set -- $(geom img ncg ipg)
	[ $(($1 * $2)) -le $((20 * 1048576 / 65536 + 32 * $1)) ] ||
	    atf_fail "-i: $(($1 * $2)) inodes"
	python3 -c '
import struct, sys
b = open("img", "rb").read(65536 + 1376)[65536:]
minfree, optim = struct.unpack_from("<ii", b, 60)[0], struct.unpack_from("<i", b, 128)[0]
vol = b[680:712].rstrip(b"\0")
sys.exit(0 if (minfree, optim, vol) == (12, 1, b"rootfs") else 1)' ||
	    atf_fail "-m, -o or -L not in the superblock"
	rm -f img
	atf_check -s exit:0 -o ignore fsu_newfs -s 16m -n 10000 img
	oracle img
	set -- $(geom img ncg ipg)
	[ $(($1 * $2)) -ge 10000 ] || atf_fail "-n: $(($1 * $2)) inodes"
	rm -f img
	atf_check -s exit:0 -o ignore fsu_newfs -s 3000k img
	[ "$(stat -c %s img)" = 3072000 ] || atf_fail "-s k"
	oracle img
	# Quiet, and the dry run writes nothing.
	rm -f img
	atf_check -s exit:0 -o empty fsu_newfs -q -s 1g img
	atf_check -s exit:0 -o match:'UFS1, block size 8192' \
	    fsu_newfs -N -O 1 -s 200m new.img
	[ ! -e new.img ] || atf_fail "-N made the image"
}

atf_test_case replace
replace_head() {
	atf_set "descr" "an existing image, larger and full of data, is " \
	    "replaced: made exactly the size asked for, nothing of it left"
	atf_set "require.progs" "python3"
}
replace_body() {
	h_init
	need_oracle
	atf_check -s exit:0 -o ignore fsu_newfs -s 8m img
	head -c 1000000 /dev/urandom >data
	atf_check -s exit:0 fsu_put img data /data
	head -c 40m /dev/urandom >>img
	atf_check -s exit:0 -o ignore fsu_newfs -s 6m img
	[ "$(stat -c %s img)" = 6291456 ] || atf_fail "size"
	oracle img
	atf_check -s exit:0 -o inline:"" fsu_ls img /
	# Without -s, an existing image keeps its size.
	atf_check -s exit:0 -o match:'6.00 MiB' fsu_newfs img
	oracle img
}

# mkfiles DIR N [R]: N files of 0 to 30,000 bytes, 100 to a directory,
# made in name order (R: in reverse order), all with the same times.
mkfiles() {
	python3 - "$@" <<'EOF'
import os, random, sys
top, n = sys.argv[1], int(sys.argv[2])
rev = len(sys.argv) > 3
rnd = random.Random(n)
data = [rnd.randbytes((i * 7919) % 30000) for i in range(n)]
order = range(n - 1, -1, -1) if rev else range(n)
for i in order:
    d = os.path.join(top, 'd%03d' % (i // 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'f%d' % i), 'wb') as f:
        f.write(data[i])
# Listing a directory sets its access time: list all first.
paths = [os.path.join(r, x) for r, ds, fs in os.walk(top) for x in ds + fs]
for p in paths + [top]:
    os.utime(p, (1600000000, 1600000000))
EOF
}

atf_test_case fit
fit_head() {
	atf_set "descr" "-F makes the smallest image that holds a host " \
	    "tree (1 to 20,000 files), an archive or an mtree manifest with " \
	    "the free space (-e) and inodes (-E) asked for: putting the " \
	    "contents in never runs out of space and leaves at most 10% more " \
	    "than asked free"
	atf_set "require.progs" "python3"
	atf_set "timeout" "900"
}
fit_body() {
	h_init
	need_oracle
	for n in 1 10 1000 20000; do
		mkfiles t$n $n
		for e in 0 1m; do
			v="$n files, -e $e"
			rm -f img
			atf_check -s exit:0 -o match:"entries of t$n" \
			    fsu_newfs -F t$n -e $e -E 50 img
			atf_check -s exit:0 -o empty -e empty \
			    fsu_put img -R t$n/. /
			oracle img
			set -- $(counts img)
			size=$(stat -c %s img)
			bs=$(geom img bsize)
			fs=$(geom img fsize)
			free=$(($2 * bs + $4 * fs))
			want=0
			[ $e = 1m ] && want=1048576
			[ $free -ge $want ] || atf_fail "$v: $free free"
			# At most 10% more, or 8 blocks in a tiny image.
			slack=$((size / 10))
			[ $slack -ge $((8 * bs)) ] || slack=$((8 * bs))
			[ $((free - want)) -le $slack ] ||
			    atf_fail "$v: $free free in $size"
			[ "$3" -ge 50 ] || atf_fail "$v: $3 inodes free"
		done
		rm -rf t$n
	done
	# An archive and an mtree manifest are fitted as well.
	mkfiles src 300
	command -v bsdtar >/dev/null || atf_skip "bsdtar is missing"
	bsdtar -czf src.tgz -C src .
	rm -f img
	atf_check -s exit:0 -o ignore fsu_newfs -F src.tgz img
	atf_check -s exit:0 fsu_tar img -x -f src.tgz
	oracle img
	(cd src && bsdtar -cf ../src.mtree --format=mtree \
	    --options '!all,type,mode,size,uid,gid' .)
	rm -f img
	(cd src && atf_check -s exit:0 -o ignore fsu_newfs -F ../src.mtree \
	    ../img)
	(cd src && atf_check -s exit:0 fsu_tar ../img -x -f ../src.mtree)
	oracle img
	fsu_cat img /d001/f150 | cmp -s - src/d001/f150 ||
	    atf_fail "manifest contents"
	# A manifest without sizes (a METALOG): the files it names count.
	(cd src && bsdtar -cf ../nosize.mtree --format=mtree \
	    --options '!all,type,mode' .)
	grep -q size= nosize.mtree && atf_fail "the manifest has sizes"
	rm -f img
	(cd src && atf_check -s exit:0 -o ignore fsu_newfs \
	    -F ../nosize.mtree ../img)
	(cd src && atf_check -s exit:0 fsu_tar ../img -x \
	    -f ../nosize.mtree)
	oracle img
	atf_check -s exit:1 -e match:'nosuch' fsu_newfs -F nosuch img
}

# fatcheck IMG: fsck.fat -n exits 0 and prints only its version and the
# summary line.
fatcheck() {
	fsck.fat -n "$1" >fat.out 2>&1 ||
	    atf_fail "fsck.fat $1: $(head -n 5 fat.out | tr '\n' ' ')"
	[ "$(grep -cv -e '^fsck\.fat [0-9]' \
	    -e ': [0-9]* files, [0-9]*/[0-9]* clusters$' fat.out)" = 0 ] ||
	    atf_fail "fsck.fat $1: $(head -n 5 fat.out | tr '\n' ' ')"
}

atf_test_case msdos
msdos_head() {
	atf_set "descr" "-t msdos makes FAT12, FAT16 and FAT32 volumes " \
	    "(mkfs.fat's choices by size, or -O and -b) that fsck.fat -n " \
	    "accepts, that mtools read after fsu_put, filled to the last " \
	    "cluster; with a label; reproducibly with SOURCE_DATE_EPOCH"
	atf_set "require.progs" "fsck.fat mtype mlabel minfo"
	atf_set "timeout" "600"
}
msdos_body() {
	h_init
	mkdir -p ft/sub
	i=1
	while [ $i -le 6 ]; do
		head -c $((i * 40000)) /dev/urandom >ft/sub/file$i.bin
		i=$((i + 1))
	done
	echo hello >ft/readme.txt
	for row in "1440k 12 512" "4m 12 1024" "64m 16 2048" "300m 16 8192" \
	    "600m 32 4096" "-O 32 -s 40m 32 512" "-O 12 -s 30m 12 8192" \
	    "-O 16 -b 4096 -s 100m 16 4096"; do
		set -- $row
		if [ $# = 3 ]; then
			args="-s $1"
		else
			args="$1 $2"
			shift 2
			while [ $# -gt 2 ]; do
				args="$args $1"
				shift
			done
			set -- x "$@"
		fi
		v="$args"
		rm -f img
		# shellcheck disable=SC2086
		atf_check -s exit:0 -o match:"FAT$2, cluster size $3\$" \
		    fsu_newfs -t msdos -L vol1 $args img
		fatcheck img
		atf_check -s exit:0 -o match:'Volume label is VOL1' \
		    mlabel -s -i img ::
		atf_check -s exit:0 -o match:"sector size: 512" \
		    minfo -i img ::
		atf_check -s exit:0 -o empty -e empty fsu_put img -R ft/. /
		fatcheck img
		mtype -i img ::/sub/file5.bin | cmp -s - ft/sub/file5.bin ||
		    atf_fail "$v: mtype differs"
	done
	# Filled to the last cluster: ENOSPC, then nothing free.
	rm -f img
	atf_check -s exit:0 -o ignore fsu_newfs -t msdos -s 2m img
	head -c 3m /dev/zero >zero3
	atf_check -s exit:1 -e match:'No space left on device' \
	    fsu_write img /fill <zero3
	n=0
	while echo x | fsu_write img /s$n 2>err; do
		n=$((n + 1))
		[ $n -lt 100 ] || atf_fail "no ENOSPC"
	done
	grep -q 'No space left on device' err || atf_fail "$(cat err)"
	fatcheck img
	atf_check -s exit:0 -o match:' 0 bytes free' -x \
	    "mdir -i img :: | tail -n 2"
	# Reproducible, and a bad request leaves no image.
	SOURCE_DATE_EPOCH=1700000000 fsu_newfs -q -t msdos -s 64m a.img
	SOURCE_DATE_EPOCH=1700000000 fsu_newfs -q -t msdos -s 64m b.img
	cmp -s a.img b.img || atf_fail "not reproducible"
	rm -f img
	atf_check -s exit:1 -e match:'make no FAT16' \
	    fsu_newfs -t msdos -O 16 -s 2m img
	atf_check -s exit:1 -e match:'label' \
	    fsu_newfs -t msdos -L 'a*b' -s 2m img
	atf_check -s exit:1 -e not-empty fsu_newfs -t msdos -i 4096 -s 2m img
	atf_check -s exit:1 -e match:'^fsu_newfs: -E does not apply to msdos' \
	    fsu_newfs -t msdos -F ft -E 10 img
	[ ! -e img ] || atf_fail "left an image"
}

# mkfat DIR N [R]: N files for FAT: in the root up to 1,000, else in
# two levels of directories; short names, long names with spaces, names
# of 100 to 240 characters; sizes on either side of 512 to 8192 bytes
# (R: made in reverse order); all with the same times.
mkfat() {
	python3 - "$@" <<'EOF2'
import os, random, sys
top, n = sys.argv[1], int(sys.argv[2])
rev = len(sys.argv) > 3
rnd = random.Random(n)
blob = rnd.randbytes(65536)
sizes = [0, 1, 100, 511, 512, 513, 700, 1023, 1024, 1025, 2047, 2048,
         2049, 3000, 4095, 4096, 4097, 8191, 8192, 8193]
ents = []
for i in range(n):
    d = top
    if n > 1000:
        d = os.path.join(top, 'dir%02d' % (i // 1000),
                         'Sub Dir %d' % (i // 100 % 10))
    k = i % 7
    if k == 0:
        name = 'F%d.TXT' % i
    elif k == 1:
        name = 'a long file name number %d with spaces.data' % i
    elif k == 2:
        name = ('%d-' % i) + 'LongName' * (13 + i % 17) + '.bin'
    else:
        name = 'file_%d.%s' % (i, 'dat' if k & 1 else 'Text')
    size = sizes[i % len(sizes)]
    off = (i * 7919) % (len(blob) - size)
    ents.append((d, name, blob[off:off + size]))
os.makedirs(top, exist_ok=True)
for d, name, data in (reversed(ents) if rev else ents):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)
paths = [os.path.join(r, x) for r, ds, fs in os.walk(top) for x in ds + fs]
for p in paths + [top]:
    os.utime(p, (1600000000, 1600000000))
EOF2
}

# fatfit IMG WANT WHAT: after fatcheck, the volume has at least WANT
# bytes free and at most 10% of its size (or 8 clusters) more.
fatfit() {
	cs=$(sed -n 's/.*cluster size \([0-9]*\)$/\1/p' newfs.out)
	set -- "$1" "$2" "$3" $(sed -n \
	    's/.*: [0-9]* files, \([0-9]*\)\/\([0-9]*\) clusters$/\1 \2/p' \
	    fat.out)
	[ -n "$cs" ] && [ $# = 5 ] || atf_fail "$3: no cluster counts"
	size=$(stat -c %s "$1")
	free=$((($5 - $4) * cs))
	slack=$((size / 10))
	[ $slack -ge $((8 * cs)) ] || slack=$((8 * cs))
	[ $free -ge "$2" ] && [ $((free - $2)) -le $slack ] ||
	    atf_fail "$3: $free bytes free in $size, $2 asked"
}

# mtcmp IMG DIR: mtools read back the names and contents of DIR.
mtcmp() {
	rm -rf mt.out
	mkdir mt.out
	mcopy -s -n -m -i "$1" '::*' mt.out/ 2>mt.err ||
	    atf_fail "mcopy $1: $(head -n 3 mt.err)"
	diff -r "$2" mt.out >mt.diff 2>&1 ||
	    atf_fail "mtools read back other names or contents: $(head -n 5 mt.diff)"
}

atf_test_case msdos_fit
msdos_fit_head() {
	atf_set "descr" "-t msdos -F makes the smallest FAT volume that " \
	    "holds a host tree (1 to 20,000 files, long names, sizes about " \
	    "cluster boundaries), an archive or an mtree manifest with the " \
	    "free space -e asks for: putting it in never runs out, fsck.fat " \
	    "-n accepts the result, mtools read it back, and at most 10% " \
	    "more is free; -O, -b honoured, -E refused; reproducible"
	atf_set "require.progs" "python3 fsck.fat mcopy bsdtar"
	atf_set "timeout" "900"
}
msdos_fit_body() {
	h_init
	for n in 1 10 1000 20000; do
		mkfat t$n $n
		for e in 0 1m; do
			v="$n files, -e $e"
			want=0
			[ $e = 1m ] && want=1048576
			rm -f img
			atf_check -s exit:0 -o save:newfs.out \
			    fsu_newfs -t msdos -F t$n -e $e img
			grep -q "entries of t$n" newfs.out ||
			    atf_fail "$v: $(cat newfs.out)"
			# 1,000 names need a root of more than 512 entries.
			[ $n != 1000 ] || ! grep -q ', 512 root directory' \
			    newfs.out || atf_fail "$v: $(cat newfs.out)"
			atf_check -s exit:0 -o empty -e empty \
			    fsu_put img -R t$n/. /
			fatcheck img
			fatfit img $want "$v"
		done
		mtcmp img t$n
		[ $n = 20000 ] || rm -rf t$n
	done
	# An archive and an mtree manifest.
	mkfat src 1000
	bsdtar -czf src.tgz -C src .
	rm -f img
	atf_check -s exit:0 -o save:newfs.out fsu_newfs -t msdos -F src.tgz img
	atf_check -s exit:0 -o empty -e empty fsu_tar img -x -f src.tgz
	fatcheck img
	fatfit img 0 "archive"
	mtcmp img src
	(cd src && bsdtar -cf ../src.mtree --format=mtree \
	    --options '!all,type,mode,size' .)
	rm -f img
	(cd src && atf_check -s exit:0 -o save:../newfs.out \
	    fsu_newfs -t msdos -F ../src.mtree -e 10% ../img)
	(cd src && atf_check -s exit:0 -o empty -e empty \
	    fsu_tar ../img -x -f ../src.mtree)
	fatcheck img
	fatfit img $(($(stat -c %s img) / 10)) "manifest, -e 10%"
	mtcmp img src
	# -O and -b are honoured; FAT32 at its least size.
	rm -f img
	atf_check -s exit:0 -o save:newfs.out -o match:'FAT32, cluster size' \
	    fsu_newfs -t msdos -O 32 -F src img
	atf_check -s exit:0 -o empty -e empty fsu_put img -R src/. /
	fatcheck img
	mtcmp img src
	rm -f img
	atf_check -s exit:0 -o save:newfs.out \
	    -o match:'FAT16, cluster size 8192$' \
	    fsu_newfs -t msdos -O 16 -b 8192 -F t20000 img
	atf_check -s exit:0 -o empty -e empty fsu_put img -R t20000/. /
	fatcheck img
	fatfit img 0 "-O 16 -b 8192"
	rm -f img
	atf_check -s exit:0 -o save:newfs.out -o match:'FAT12, cluster size' \
	    fsu_newfs -t msdos -O 12 -F src img
	atf_check -s exit:0 -o empty -e empty fsu_put img -R src/. /
	fatcheck img
	# Contents larger than the type holds (a sparse file) are refused.
	mkdir big
	truncate -s 300m big/sparse
	rm -f img
	atf_check -s exit:1 -e match:'do not fit a FAT12 volume' \
	    fsu_newfs -t msdos -O 12 -F big img
	truncate -s 5g big/sparse
	atf_check -s exit:1 -e match:'at most 4 GiB' \
	    fsu_newfs -t msdos -F big img
	[ ! -e img ] || atf_fail "left an image"
	# What FAT cannot hold is not counted: the put fails those alone.
	rm -rf small
	mksmall small
	atf_check -s exit:0 -o save:newfs.out -o match:'4 entries not counted' \
	    fsu_newfs -t msdos -F small img
	atf_check -s exit:1 -o empty -e save:put.err fsu_put img -R small/. /
	[ "$(grep -vc 'Operation not supported' put.err)" = 0 ] ||
	    atf_fail "put: $(cat put.err)"
	fatcheck img
	fatfit img 0 "links and fifos"
	# Reproducible: copies of a tree made in other orders.
	mkfat r1 1000
	mkfat r2 1000 R
	SOURCE_DATE_EPOCH=1700000000
	export SOURCE_DATE_EPOCH
	rm -f a.img b.img
	fsu_newfs -q -t msdos -F r1 a.img
	atf_check -s exit:0 fsu_put a.img -R r1/. /
	fsu_newfs -q -t msdos -F r2 b.img
	atf_check -s exit:0 fsu_put b.img -R r2/. /
	cmp -s a.img b.img || atf_fail "-t msdos -F: images differ"
}

atf_test_case ext2fs
ext2fs_head() {
	atf_set "descr" "-t ext2fs makes ext2 file systems (1, 2 and 4 KiB " \
	    "blocks, mke2fs's defaults by size, -i, -n, -m, -L) that " \
	    "e2fsck -fn accepts, that debugfs reads after fsu_put, filled " \
	    "to the last block; -F fits trees and archives; reproducibly " \
	    "with SOURCE_DATE_EPOCH"
	atf_set "require.progs" "e2fsck debugfs dumpe2fs python3 bsdtar"
	atf_set "timeout" "600"
}
ext2fs_body() {
	h_init
	mkdir -p ft/sub
	i=1
	while [ $i -le 6 ]; do
		head -c $((i * 40000)) /dev/urandom >ft/sub/file$i.bin
		i=$((i + 1))
	done
	ln -s sub/file1.bin ft/link
	for row in "2m 1024" "16m 1024" "100m 1024" "600m 4096" \
	    "-b 2048 -s 200m 2048" "-b 4096 -s 64m -L mylabel 4096" \
	    "-i 65536 -s 300m 1024" "-n 5000 -m 10 -s 20m 1024"; do
		set -- $row
		eval "bs=\${$#}"
		args=$(echo "$row" | sed 's/ [0-9]*$//')
		[ $# = 2 ] && args="-s $1"
		rm -f img
		# shellcheck disable=SC2086
		atf_check -s exit:0 -o match:"blocks of $bs bytes) ext2" \
		    fsu_newfs -t ext2fs $args img
		atf_check -s exit:0 -o ignore -e ignore e2fsck -fn img
		atf_check -s exit:0 -o empty -e empty fsu_put img -R ft/. /
		atf_check -s exit:0 -o ignore -e ignore e2fsck -fn img
		debugfs -R 'cat /sub/file5.bin' img 2>/dev/null |
		    cmp -s - ft/sub/file5.bin || atf_fail "$args: debugfs"
		atf_check -s exit:0 -o match:"Block size: *$bs" -e ignore \
		    dumpe2fs -h img
	done
	atf_check -s exit:0 -o ignore fsu_newfs -t ext2fs -L mylabel -s 8m l.img
	atf_check -s exit:0 -o match:'name: *mylabel' -e ignore dumpe2fs -h l.img
	atf_check -s exit:0 -o ignore fsu_newfs -t ext2fs -n 5000 -s 20m n.img
	atf_check -s exit:0 -o match:'Inode count: *5016' -e ignore \
	    dumpe2fs -h n.img
	atf_check -s exit:0 -o ignore fsu_newfs -t ext2fs -m 10 -s 20m m.img
	atf_check -s exit:0 -o match:'Reserved block count: *2048' -e ignore \
	    dumpe2fs -h m.img
	# Size to fit (-F): put never runs out, at most 10% (or 8 blocks)
	# more free than asked.
	for n in 1 10 1000 3000; do
		mkfiles t$n $n
		for e in 0 1m; do
			rm -f img
			atf_check -s exit:0 -o match:"entries of t$n" \
			    fsu_newfs -t ext2fs -F t$n -e $e -E 50 img
			atf_check -s exit:0 -o empty -e empty \
			    fsu_put img -R t$n/. /
			atf_check -s exit:0 -o ignore -e ignore e2fsck -fn img
			dumpe2fs -h img 2>/dev/null >dump
			bs=$(sed -n 's/^Block size: *//p' dump)
			fb=$(sed -n 's/^Free blocks: *//p' dump)
			fi=$(sed -n 's/^Free inodes: *//p' dump)
			size=$(stat -c %s img)
			free=$((fb * bs))
			want=0
			[ $e = 1m ] && want=1048576
			slack=$((size / 10))
			[ $slack -ge $((8 * bs)) ] || slack=$((8 * bs))
			[ $free -ge $want ] && [ $((free - want)) -le $slack ] ||
			    atf_fail "ext2 -F $n, -e $e: $free free in $size"
			[ "$fi" -ge 50 ] || atf_fail "ext2 -F $n: $fi inodes"
		done
	done
	bsdtar -czf t.tgz -C t1000 .
	rm -f img
	atf_check -s exit:0 -o ignore fsu_newfs -t ext2fs -F t.tgz img
	atf_check -s exit:0 fsu_tar img -x -f t.tgz
	atf_check -s exit:0 -o ignore -e ignore e2fsck -fn img
	# Filled to the last block: ENOSPC, then nothing free.
	rm -f img
	atf_check -s exit:0 -o ignore fsu_newfs -t ext2fs -m 0 -s 2m img
	head -c 3m /dev/zero >zero3
	atf_check -s exit:1 -e match:'No space left on device' \
	    fsu_write img /fill <zero3
	n=0
	while echo x | fsu_write img /s$n 2>err; do
		n=$((n + 1))
		[ $n -lt 300 ] || atf_fail "no ENOSPC"
	done
	grep -q 'No space left on device' err || atf_fail "$(cat err)"
	atf_check -s exit:0 -o ignore -e ignore e2fsck -fn img
	atf_check -s exit:0 -o match:'Free blocks: *0$' -e ignore \
	    dumpe2fs -h img
	# Reproducible; a bad request leaves no image.
	SOURCE_DATE_EPOCH=1700000000 fsu_newfs -q -t ext2fs -s 64m a.img
	SOURCE_DATE_EPOCH=1700000000 fsu_newfs -q -t ext2fs -s 64m b.img
	cmp -s a.img b.img || atf_fail "not reproducible"
	fsu_newfs -q -t ext2fs -s 64m c.img
	cmp -s a.img c.img && atf_fail "the UUID did not change"
	rm -f img
	atf_check -s exit:1 -e match:'1024, 2048 or 4096' \
	    fsu_newfs -t ext2fs -b 8192 -s 8m img
	atf_check -s exit:1 -e match:'too few' fsu_newfs -t ext2fs -s 8k img
	atf_check -s exit:1 -e not-empty fsu_newfs -t ext2fs -O 1 -s 8m img
	[ ! -e img ] || atf_fail "left an image"
}

# mkext DIR BIG N: a tree of every kind of file for ext3 and ext4: a
# BIG-byte file, small ones, a directory of N entries, hard links, fast
# and slow symbolic links, a fifo and (as root) a device node.
mkext() {
	mkdir -p "$1/d/e" "$1/many" "$1/empty"
	head -c "$2" /dev/urandom >"$1/big"
	i=1
	while [ $i -le 20 ]; do
		head -c $((i * 1531)) /dev/urandom >"$1/d/f$i"
		i=$((i + 1))
	done
	python3 -c 'import sys
for i in range(int(sys.argv[2])):
    open("%s/many/entry-with-a-longer-name-%d" % (sys.argv[1], i), "w").write(str(i))' "$1" "$3"
	ln "$1/d/f1" "$1/d/e/hard"
	ln -s f2 "$1/d/sym"
	ln -s "$(printf '%0200d' 0)" "$1/d/longsym"
	mkfifo "$1/d/fifo"
	if [ "$(id -u)" = 0 ]; then
		mknod "$1/d/null" c 1 3
	fi
}

# extcheck IMG TREE: e2fsck -fn accepts IMG, and debugfs reads back
# TREE from it: contents, links, symbolic links, special files.
extcheck() {
	e2fsck -fn "$1" >fsck.out 2>&1 ||
	    atf_fail "e2fsck $1: $(grep -v '^Pass' fsck.out | head -n 5 | tr '\n' ' ')"
	rm -rf out
	mkdir out
	debugfs -R 'rdump / out' "$1" >/dev/null 2>&1
	rmdir out/lost+found || atf_fail "$1: no empty lost+found"
	diff -r --no-dereference -x fifo -x null "$2" out >diff.out 2>&1 ||
	    atf_fail "$1: read back differs: $(head -n 3 diff.out | tr '\n' ' ')"
	debugfs -R 'ls -l /d' "$1" 2>/dev/null >ls.out
	grep -q ' 10644 .* fifo$' ls.out || atf_fail "$1: no fifo"
	grep -q '120777 .* 200 .* longsym$' ls.out || atf_fail "$1: no symlink"
	i1=$(awk '$NF == "f1" { print $1 }' ls.out)
	i2=$(debugfs -R 'ls -l /d/e' "$1" 2>/dev/null |
	    awk '$NF == "hard" { print $1 }')
	[ -n "$i1" ] && [ "$i1" = "$i2" ] || atf_fail "$1: hard link"
	if [ -e "$2/d/null" ]; then
		debugfs -R 'stat /d/null' "$1" 2>/dev/null |
		    grep -q 'number: 01:03' || atf_fail "$1: device node"
	fi
}

atf_test_case ext34
ext34_head() {
	atf_set "descr" "-t ext3 and -t ext4 (and -O, -J, -b) make journalled " \
	    "file systems with mke2fs's features that e2fsck -fn accepts, " \
	    "before and after fsu_put -R of every kind of file, which " \
	    "debugfs reads back"
	atf_set "require.progs" "e2fsck debugfs dumpe2fs python3"
	atf_set "timeout" "900"
}
ext34_body() {
	h_init
	mkext tree 3000000 2000
	mkext small 100000 100
	e4='has_journal,dir_index,filetype,extent,64bit,sparse_super,large_file,huge_file,dir_nlink,extra_isize,metadata_csum'
	e3='has_journal,dir_index,filetype,sparse_super,large_file'
	# type, options, size, tree, block size, journal blocks, features
	# wanted, features not wanted.
	while read -r t opts size src bs jb want nowant; do
		rm -f img
		# shellcheck disable=SC2086
		atf_check -s exit:0 -o match:"blocks of $bs bytes\) $t" \
		    fsu_newfs -t $t $opts -s $size img
		e2fsck -fn img >fsck.out 2>&1 ||
		    atf_fail "$t $opts $size: e2fsck: $(tail -n 3 fsck.out)"
		dumpe2fs -h img 2>/dev/null >dump
		grep -q "^Block size: *$bs\$" dump || atf_fail "$t $opts: bsize"
		grep -q "^Journal inode: *8\$" dump || atf_fail "$t $opts: journal"
		grep -q "^Total journal blocks: *$jb\$" dump ||
		    atf_fail "$t $opts: journal size $(grep 'journal blocks' dump)"
		grep -q "^Journal backup: *inode blocks" dump ||
		    atf_fail "$t $opts: s_jnl_blocks"
		grep -q "^Journal start: *0\$" dump || atf_fail "$t $opts: dirty"
		debugfs -R logdump img 2>/dev/null | grep -q 'transaction 1$' ||
		    atf_fail "$t $opts: logdump"
		feats=$(sed -n 's/^Filesystem features: *//p' dump)
		for f in $(echo "$want" | tr , ' '); do
			case " $feats " in *" $f "*) ;;
			*) atf_fail "$t $opts: no $f in $feats" ;; esac
		done
		for f in $(echo "$nowant" | tr , ' '); do
			case " $feats " in *" $f "*)
				atf_fail "$t $opts: $f in $feats" ;; esac
		done
		atf_check -s exit:0 -o empty -e empty fsu_put img -p -R "$src/." /
		extcheck img "$src"
	done <<EOF
ext3 -m5 64m tree 1024 4096 $e3 extent,64bit,metadata_csum
ext4 -m5 64m tree 1024 4096 $e4 flex_bg,uninit_bg
ext4 -m5 2m small 1024 1024 metadata_csum,extent -
ext3 -m5 2m small 1024 1024 has_journal extent
ext4 -O^64bit 32m tree 1024 4096 metadata_csum,extent 64bit
ext4 -O^metadata_csum 32m tree 1024 4096 64bit,extent metadata_csum
ext4 -O^metadata_csum,uninit_bg 32m tree 1024 4096 uninit_bg metadata_csum
ext4 -Oflex_bg,^huge_file 32m tree 1024 4096 flex_bg huge_file
ext4 -b4096 256m tree 4096 4096 metadata_csum -
ext3 -b4096 1g tree 4096 8192 has_journal extent
ext4 -m5 1g tree 4096 8192 metadata_csum,64bit -
ext4 -b1024 1g tree 1024 16384 metadata_csum -
ext4 -Jsize=100 300m tree 1024 102400 metadata_csum -
ext3 -Jsize=100 300m tree 1024 102400 has_journal extent
ext2 -Ohas_journal 64m tree 1024 4096 has_journal dir_index
EOF
	# ext4 on a 1 MiB image: no room for a journal, said, none made.
	rm -f img
	atf_check -s exit:0 -o match:'no journal' fsu_newfs -t ext4 -s 1m img
	atf_check -s exit:0 -o ignore -e ignore e2fsck -fn img
	atf_check -s exit:0 -o not-match:has_journal -e ignore dumpe2fs -h img
	# Over an image full of other bytes: the journal is cleared too.
	head -c 40m /dev/urandom >img
	atf_check -s exit:0 -o ignore fsu_newfs -t ext4 img
	atf_check -s exit:0 -o ignore -e ignore e2fsck -fn img
	debugfs -R 'dump <8> j.bin' img 2>/dev/null
	[ "$(tail -c +1025 j.bin | tr -d '\0' | wc -c)" = 0 ] ||
	    atf_fail "journal not cleared"
	atf_check -s exit:0 -o empty -e empty fsu_put img -p -R small/. /
	extcheck img small
}

atf_test_case ext34_fit
ext34_fit_head() {
	atf_set "descr" "-F fits ext3 and ext4 file systems (journal, extent " \
	    "trees): fsu_put -R never runs out, at most 10% more free than " \
	    "asked (or the smallest file system with a journal)"
	atf_set "require.progs" "e2fsck dumpe2fs python3"
	atf_set "timeout" "900"
}
ext34_fit_body() {
	h_init
	mkext tree 3000000 2000
	for n in 1 1000 3000; do
		mkfiles t$n $n
	done
	for t in ext3 ext4; do
		for src in t1 t1000 t3000 tree; do
			for e in 0 1m; do
				rm -f img
				atf_check -s exit:0 -o match:"entries of $src" \
				    fsu_newfs -t $t -F $src -e $e -E 50 img
				atf_check -s exit:0 -o empty -e empty \
				    fsu_put img -p -R $src/. /
				atf_check -s exit:0 -o ignore -e ignore \
				    e2fsck -fn img
				dumpe2fs -h img 2>/dev/null >dump
				bs=$(sed -n 's/^Block size: *//p' dump)
				fb=$(sed -n 's/^Free blocks: *//p' dump)
				fi=$(sed -n 's/^Free inodes: *//p' dump)
				grep -q '^Journal inode: *8' dump ||
				    atf_fail "$t -F $src: no journal"
				size=$(stat -c %s img)
				free=$((fb * bs))
				want=0
				[ $e = 1m ] && want=1048576
				slack=$((size / 10))
				[ $slack -ge $((8 * bs)) ] || slack=$((8 * bs))
				[ $free -ge $want ] ||
				    atf_fail "$t -F $src -e $e: $free free"
				# 2048 blocks at least hold a journal.
				[ $((free - want)) -le $slack ] ||
				    [ $((size / bs)) -le 2200 ] ||
				    atf_fail "$t -F $src, -e $e: $free free in $size"
				[ "$fi" -ge 50 ] || atf_fail "$t -F $src: $fi inodes"
			done
		done
	done
}

atf_test_case ext34_reproducible
ext34_reproducible_head() {
	atf_set "descr" "with SOURCE_DATE_EPOCH, ext3 and ext4 images (UUIDs, " \
	    "hash seed, journal, times) are byte-identical, before and after " \
	    "fsu_put -R"
	atf_set "require.progs" "python3"
}
ext34_reproducible_body() {
	h_init
	mkext small 100000 100
	SOURCE_DATE_EPOCH=1700000000
	export SOURCE_DATE_EPOCH
	for t in ext3 ext4 "ext4 -O ^metadata_csum -J size=20"; do
		rm -f a.img b.img c.img
		# shellcheck disable=SC2086
		fsu_newfs -q -t $t -s 64m a.img
		# shellcheck disable=SC2086
		fsu_newfs -q -t $t -s 64m b.img
		cmp -s a.img b.img || atf_fail "$t: not reproducible"
		atf_check -s exit:0 fsu_put a.img -p -R small/. /
		atf_check -s exit:0 fsu_put b.img -p -R small/. /
		[ "$(sha256sum <a.img)" = "$(sha256sum <b.img)" ] ||
		    atf_fail "$t: differ after fsu_put"
		# shellcheck disable=SC2086
		env -u SOURCE_DATE_EPOCH fsu_newfs -q -t $t -s 64m c.img
		cmp -s a.img c.img && atf_fail "$t: the UUID did not change"
	done
	true
}

atf_test_case ext34_errors
ext34_errors_head() {
	atf_set "descr" "bad -O features and -J sizes for ext2, ext3 and ext4 " \
	    "fail with a one-line message and exit 1, leaving no image"
}
ext34_errors_body() {
	h_init
	atf_check -s exit:1 -e match:'unknown ext2 feature "nosuch"' \
	    fsu_newfs -t ext4 -O nosuch -s 8m img
	atf_check -s exit:1 \
	    -e match:'does not make the ext2 feature "resize_inode"' \
	    fsu_newfs -t ext4 -O resize_inode -s 8m img
	atf_check -s exit:1 -e match:'64bit needs extent' \
	    fsu_newfs -t ext4 -O ^extent -s 8m img
	atf_check -s exit:1 -e match:'bad feature list' \
	    fsu_newfs -t ext4 -O 'has journal' -s 8m img
	atf_check -s exit:1 -e match:'bad ext2 feature' \
	    fsu_newfs -t ext4 -O ^ -s 8m img
	atf_check -s exit:1 -e match:'without the feature has_journal' \
	    fsu_newfs -t ext2 -J size=4 -s 8m img
	atf_check -s exit:1 -e match:'half the file system' \
	    fsu_newfs -t ext4 -J size=100 -s 64m img
	atf_check -s exit:1 -e match:'size=N' \
	    fsu_newfs -t ext4 -J device=/dev/sdb -s 64m img
	atf_check -s exit:1 -e match:'too few for a journal' \
	    fsu_newfs -t ext4 -O has_journal -s 1m img
	atf_check -s exit:1 -e match:'are for ext2, ext3 and ext4' \
	    fsu_newfs -t ffs -O has_journal -s 8m img
	atf_check -s exit:1 -e match:'format is 1 or 2' \
	    fsu_newfs -t ext4 -O 123 -s 8m img
	atf_check -s exit:1 -e match:'unknown file system type "ext5"' \
	    fsu_newfs -t ext5 -s 8m img
	[ ! -e img ] || atf_fail "left an image"
}

atf_test_case errors
errors_head() {
	atf_set "descr" "bad options and impossible sizes fail with a " \
	    "message and exit 1, leaving no image"
}
errors_body() {
	h_init
	for args in "-b 3000 -s 8m" "-b 131072 -s 8m" "-f 256 -s 8m" \
	    "-O 3 -s 8m" "-B middle -s 8m" "-m 100 -s 8m" "-o fast -s 8m" \
	    "-s 8q" "-s 8m -F ." "-e 10m -s 8m" "-L a,b -s 8m" "-t nofs -s 8m" \
	    "-b 65536 -f 4096 -s 8m" "-s 20k" "-i 64 -s 8m" "-x"; do
		rm -f img
		# shellcheck disable=SC2086
		atf_check -s exit:1 -o ignore -e not-empty fsu_newfs $args img
		[ ! -e img ] || atf_fail "$args: left an image"
	done
	# A failing newfs leaves an existing image as it was.
	atf_check -s exit:0 -o ignore fsu_newfs -s 4m img
	echo data | atf_check -s exit:0 fsu_write img /data
	sum=$(sha256sum <img)
	for args in "-s 64k" "-b 65536 -f 4096" "-s 20t" "-n 100000000"; do
		# shellcheck disable=SC2086
		atf_check -s exit:1 -o ignore -e not-empty fsu_newfs $args img
		[ "$(sha256sum <img)" = "$sum" ] || atf_fail "$args: damaged"
	done
	rm -f img
	atf_check -s exit:1 -e match:'give the size with -s' fsu_newfs img
	atf_check -s exit:1 -e match:'usage' fsu_newfs
	atf_check -s exit:0 -o match:'usage' fsu_newfs --help
}

atf_test_case partition
partition_head() {
	atf_set "descr" "-p makes the file system in one partition of a GPT " \
	    "image and leaves the rest of the image alone"
	atf_set "require.progs" "sgdisk python3"
}
partition_body() {
	h_init
	need_oracle
	truncate -s 40m disk
	atf_check -s exit:0 -o ignore sgdisk -n 1:2048:+8M -n 2:0:+20M disk
	head -c 8m /dev/urandom | dd of=disk bs=512 seek=2048 conv=notrunc \
	    2>/dev/null
	sha256sum <disk >before.sum
	dd if=disk bs=512 skip=2048 count=16384 2>/dev/null | sha256sum \
	    >p1.sum
	atf_check -s exit:0 -o match:'UFS2' fsu_newfs -p 2 disk
	[ "$(stat -c %s disk)" = 41943040 ] || atf_fail "the image changed size"
	dd if=disk bs=512 skip=2048 count=16384 2>/dev/null | sha256sum \
	    >p1.after
	cmp -s p1.sum p1.after || atf_fail "partition 1 changed"
	off=$(sgdisk -i 2 disk | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
	oracle disk --offset $((off * 512))
	echo hello >h
	atf_check -s exit:0 fsu_put -p 2 disk h /h
	atf_check -s exit:0 -o inline:"hello\n" fsu_cat disk%2% /h
	atf_check -s exit:1 -e match:'no partition 9' fsu_newfs -p 9 disk
}

atf_test_case reproducible
reproducible_head() {
	atf_set "descr" "with SOURCE_DATE_EPOCH the same command makes the " \
	    "same bytes, at any time; without it the file system ids differ"
}
reproducible_body() {
	h_init
	for fmt in 1 2; do
		SOURCE_DATE_EPOCH=1700000000 fsu_newfs -q -O $fmt -s 30m a.img
		sleep 1
		SOURCE_DATE_EPOCH=1700000000 fsu_newfs -q -O $fmt -s 30m b.img
		cmp -s a.img b.img || atf_fail "UFS$fmt: images differ"
		rm -f a.img b.img
	done
	fsu_newfs -q -s 30m a.img
	fsu_newfs -q -s 30m b.img
	cmp -s a.img b.img && atf_fail "ids did not change"
	# newfs and put -R of copies of a tree made in other orders, under
	# other umasks, at other times: the same bytes.
	command -v python3 >/dev/null || atf_skip "python3 is missing"
	mkfiles t1 500
	umask 077
	mkfiles t2 500 R
	chmod -R u=rwX,go=rX t2
	touch -d @1600000000 t2 t2/*
	umask 022
	SOURCE_DATE_EPOCH=1700000000
	export SOURCE_DATE_EPOCH
	rm -f a.img b.img
	fsu_newfs -q -s 30m a.img
	atf_check -s exit:0 fsu_put a.img -R t1/. /
	sleep 1
	fsu_newfs -q -s 30m b.img
	atf_check -s exit:0 fsu_put b.img -R t2/. /
	[ "$(sha256sum <a.img)" = "$(sha256sum <b.img)" ] ||
	    atf_fail "trees made in other orders give other images"
	rm -f a.img b.img
	fsu_newfs -q -F t1 a.img
	atf_check -s exit:0 fsu_put a.img -R t1/. /
	fsu_newfs -q -F t2 b.img
	atf_check -s exit:0 fsu_put b.img -R t2/. /
	[ "$(sha256sum <a.img)" = "$(sha256sum <b.img)" ] ||
	    atf_fail "-F: images differ"

}

atf_init_test_cases() {
	atf_add_test_case variants
	atf_add_test_case sleuthkit
	atf_add_test_case defaults
	atf_add_test_case options
	atf_add_test_case replace
	atf_add_test_case fit
	atf_add_test_case msdos
	atf_add_test_case msdos_fit
	atf_add_test_case ext2fs
	atf_add_test_case ext34
	atf_add_test_case ext34_fit
	atf_add_test_case ext34_reproducible
	atf_add_test_case ext34_errors
	atf_add_test_case errors
	atf_add_test_case partition
	atf_add_test_case reproducible
}
