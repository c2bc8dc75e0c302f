#!/bin/sh
# seeds_ext2fs.sh OUTDIR: seed images of ext2, ext3 and ext4 for the fuzz
# targets, made by mke2fs -d: 1 KiB and 4 KiB blocks, revision 0 and 1,
# block-mapped files and extent trees, linear and hash tree directories,
# metadata checksums, 64-bit group descriptors, flex_bg, a journal, and
# inline data; each with a few small files (one past the direct blocks,
# one sparse), a directory large enough to be indexed, hard links, short
# and long symbolic links and a fifo.  Exit status 77: a tool is missing.
set -eu
out=$1
if ! command -v mke2fs >/dev/null 2>&1; then
	echo "mke2fs not installed" >&2
	exit 77
fi
tmp=$out/.tree
rm -rf "$tmp"
mkdir -p "$tmp/dir/sub/deep" "$tmp/many" "$tmp/empty"
echo "hello, world" >"$tmp/hello"
: >"$tmp/zero"
i=0
while [ $i -lt 14 ]; do
	printf 'block %d' $i | dd of="$tmp/dir/indirect" bs=1024 seek=$i \
	    conv=notrunc 2>/dev/null
	i=$((i + 1))
done
printf 'start' >"$tmp/dir/sparse"
dd if=/dev/zero of="$tmp/dir/sparse" bs=1 count=1 seek=70000 \
    conv=notrunc 2>/dev/null
# Over one 1 KiB block of names: a hash tree with dir_index.
echo many >"$tmp/many/entry-with-a-longer-name-0"
i=1
while [ $i -lt 60 ]; do
	ln "$tmp/many/entry-with-a-longer-name-0" \
	    "$tmp/many/entry-with-a-longer-name-$i"
	i=$((i + 1))
done
ln "$tmp/hello" "$tmp/dir/sub/hardlink"
ln -s ../hello "$tmp/dir/short"
long=/a/target/that/is/longer/than/sixty/bytes/so/it/goes/to/a/block
ln -s "$long" "$tmp/dir/long"
ln -s nowhere "$tmp/dir/sub/deep/dangling"
mkfifo "$tmp/dir/fifo"
chmod 4755 "$tmp/dir/indirect"

mk() {	# mk NAME SIZE OPTIONS...
	name=$1 size=$2
	shift 2
	rm -f "$out/$name.img"
	truncate -s "$size" "$out/$name.img"
	E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -F -d "$tmp" -N 96 \
	    -E root_owner=0:0 "$@" "$out/$name.img" >/dev/null
}
mk ext2-r0-1k 512k -t ext2 -b 1024 -r 0
mk ext2-1k 512k -t ext2 -b 1024 -O dir_index
mk ext3-1k 3m -t ext3 -b 1024 -J size=1
mk ext4-1k 1m -t ext4 -b 1024 -O ^has_journal
mk ext4-4k-csum 1m -t ext4 -b 4096 -O ^has_journal,metadata_csum,64bit
mk ext4-1k-nocsum 1m -t ext4 -b 1024 -O ^has_journal,^metadata_csum,uninit_bg
mk ext4-1k-inline 1m -t ext4 -b 1024 -I 256 -O ^has_journal,inline_data
rm -rf "$tmp"
