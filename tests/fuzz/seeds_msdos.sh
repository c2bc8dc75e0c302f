#!/bin/sh
# seeds_msdos.sh OUTDIR: seed images of FAT for the fuzz targets, made by
# mkfs.fat and filled by mtools: FAT12 (512-byte and 4 KiB clusters, two
# FATs and one), FAT16 and FAT32 (the smallest each cluster count allows),
# with long names (one family of names sharing a prefix, so ~N short
# names), names that are 8.3 in lower case (NT case bits), a subdirectory
# of several clusters, a file of many clusters, an empty file and an
# empty directory; and one FAT16 image inside an MBR partition (sfdisk)
# for the partition detection.  Every image is cut after its last
# non-zero sector: the targets extend their image files with zeros to 48
# MiB (FUZZ_FAT_MINSIZE in fuzz.h), so a seed of a 33 MiB FAT32 volume is
# a few hundred KiB.  Exit status 77: a tool is missing (its name on
# standard error).
set -eu
out=$1
for t in mkfs.fat mcopy mmd sfdisk python3; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "$t not installed" >&2
		exit 77
	fi
done
MTOOLS_SKIP_CHECK=1
export MTOOLS_SKIP_CHECK
tmp=$out/.tree
rm -rf "$tmp"
mkdir -p "$tmp/Long Directory Name/sub" "$tmp/many" "$tmp/empty"
echo "hello, world" >"$tmp/hello.txt"
echo "lower case" >"$tmp/readme.txt"
: >"$tmp/ZERO"
# Many clusters, mostly zeros: the mutator aims at sectors that hold
# something, and those should be metadata.
i=0
while [ $i -lt 12 ]; do
	printf 'cluster %d' $i | dd of="$tmp/Long Directory Name/clusters.bin" \
	    bs=512 seek=$((i * 2)) conv=notrunc 2>/dev/null
	i=$((i + 1))
done
echo deep >"$tmp/Long Directory Name/sub/A file with a long name.text"
# A directory of several clusters, long names sharing a prefix.
i=0
while [ $i -lt 40 ]; do
	echo $i >"$tmp/many/Entry with a longer name $i.dat"
	i=$((i + 1))
done

mk() {	# mk NAME KIB MKFS.FAT-OPTIONS...
	name=$1 kib=$2
	shift 2
	rm -f "$out/$name.img"
	mkfs.fat -C "$@" "$out/$name.img" "$kib" >/dev/null
	mcopy -s -m -i "$out/$name.img" "$tmp/hello.txt" "$tmp/readme.txt" \
	    "$tmp/ZERO" "$tmp/Long Directory Name" "$tmp/many" "$tmp/empty" ::/
}
mk fat12-512 256 -F 12 -s 1 -r 64
mk fat12-4k 512 -F 12 -s 8 -f 1
mk fat16 2200 -F 16 -s 1 -r 128
mk fat32 33600 -F 32 -s 1
# An MBR partition of type FAT16 (0x06) holding the FAT16 image.
truncate -s $((2200 * 1024 + 32768)) "$out/mbr-fat16.img"
printf 'label: dos\nstart=64, size=4400, type=6\n' |
    sfdisk -q "$out/mbr-fat16.img"
dd if="$out/fat16.img" of="$out/mbr-fat16.img" bs=512 seek=64 \
    conv=notrunc 2>/dev/null
rm -rf "$tmp"
# Cut every image after its last non-zero sector.
for f in "$out"/*.img; do
	python3 - "$f" <<'PY'
import sys
path = sys.argv[1]
with open(path, "rb") as f:
    data = f.read()
end = len(data.rstrip(b"\0"))
end = (end + 511) // 512 * 512
with open(path, "r+b") as f:
    f.truncate(end)
PY
done
