#!/bin/sh
# seeds_ffs.sh OUTDIR: seed images of FFS for the fuzz targets, made by
# makefs: UFS1 and UFS2, both byte orders, 4, 8 and 32 KiB blocks,
# 256 KiB to 1 MiB, with a few small files (one with an indirect block,
# one sparse), directories (one of 4 KiB, which the driver hashes), hard
# links, short and long symbolic links and a fifo; and one image inside
# an MBR partition (sfdisk) for the partition detection.  Exit status 77:
# a tool is missing (its name on standard error).
set -eu
out=$1
for t in makefs sfdisk; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "$t not installed" >&2
		exit 77
	fi
done
tmp=$out/.tree
rm -rf "$tmp"
mkdir -p "$tmp/dir/sub/deep" "$tmp/many" "$tmp/empty"
echo "hello, world" >"$tmp/hello"
: >"$tmp/zero"
# Past the 12 direct blocks, but mostly zeros: the mutator aims at
# sectors that hold something, and those should be metadata.
i=0
while [ $i -lt 20 ]; do
	printf 'block %d' $i | dd of="$tmp/dir/indirect" bs=4096 seek=$i \
	    conv=notrunc 2>/dev/null
	i=$((i + 1))
done
truncate -s 81920 "$tmp/dir/indirect"
printf 'start' >"$tmp/dir/sparse"
dd if=/dev/zero of="$tmp/dir/sparse" bs=1 count=1 seek=70000 \
    conv=notrunc 2>/dev/null
# A directory of 4 KiB, over 5 blocks of 512 bytes (the FFS driver
# hashes its names), of hard links, which cost no inode.
echo many >"$tmp/many/entry-with-a-longer-name-0"
i=1
while [ $i -lt 100 ]; do
	ln "$tmp/many/entry-with-a-longer-name-0" \
	    "$tmp/many/entry-with-a-longer-name-$i"
	i=$((i + 1))
done
ln "$tmp/hello" "$tmp/dir/sub/hardlink"
ln -s ../hello "$tmp/dir/short"
# Longer than 60 and 120 bytes: in a data block on UFS1 and UFS2.
long=/a/target/that/is/longer/than/sixty/bytes/and/longer/than/one
long=$long/hundred/twenty/bytes/so/it/is/stored/in/a/data/block/of/its/own
ln -s "$long" "$tmp/dir/long"
ln -s nowhere "$tmp/dir/sub/deep/dangling"
mkfifo "$tmp/dir/fifo"
chmod 4755 "$tmp/dir/indirect"

mk() {	# mk NAME SIZE OPTIONS...
	name=$1 size=$2
	shift 2
	makefs -t ffs -s "$size" "$@" "$out/$name.img" "$tmp" >/dev/null
}
mk ufs1-le-4k 256k -B le -o version=1,bsize=4096,fsize=512,density=4096
mk ufs1-be-4k 256k -B be -o version=1,bsize=4096,fsize=512,density=4096
mk ufs2-le-4k 384k -B le -o version=2,bsize=4096,fsize=512,density=4096
mk ufs2-be-4k 384k -B be -o version=2,bsize=4096,fsize=512,density=4096
mk ufs1-le-8k 512k -B le -o version=1,bsize=8192,fsize=1024
mk ufs2-be-8k 512k -B be -o version=2,bsize=8192,fsize=1024
mk ufs2-le-32k 1m -B le -o version=2
# An MBR partition of type NetBSD (0xa9) holding a UFS1 image.
cp "$out/ufs1-le-4k.img" "$tmp/fs"
truncate -s 320k "$out/mbr-ufs1.img"
printf 'label: dos\nstart=64, size=512, type=a9\n' |
    sfdisk -q "$out/mbr-ufs1.img"
dd if="$tmp/fs" of="$out/mbr-ufs1.img" bs=512 seek=64 conv=notrunc \
    2>/dev/null
rm -rf "$tmp"
