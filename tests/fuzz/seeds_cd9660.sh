#!/bin/sh
# seeds_cd9660.sh OUTDIR: seed images of ISO 9660 for the fuzz target,
# made by xorriso: Rock Ridge (with a symlink, a fifo, a long name in NM
# entries, and deep directories relocated with CL/PL/RE), Rock Ridge and
# Joliet, Joliet alone, plain ISO 9660 (level 1 and 3), El Torito, and a
# file split into several extents (-file_size_limit).  Exit status 77:
# xorriso is missing.
set -eu
out=$1
if ! command -v xorriso >/dev/null 2>&1; then
	echo "xorriso not installed" >&2
	exit 77
fi
tmp=$out/.tree
rm -rf "$tmp"
mkdir -p "$tmp/dir/sub" "$tmp/boot"
echo "hello, world" >"$tmp/hello"
: >"$tmp/zero"
head -c 5000 /dev/zero | tr '\0' 'x' >"$tmp/dir/five-k"
ln -s ../hello "$tmp/dir/link"
ln -s /a/target/that/is/quite/a/bit/longer/than/one/component \
    "$tmp/dir/sub/longlink"
mkfifo "$tmp/dir/fifo"
echo long >"$tmp/dir/a-name-longer-than-the-thirty-one-characters-of-level-2"
d=$tmp/deep
for i in 1 2 3 4 5 6 7 8 9 10; do
	d=$d/d$i
done
mkdir -p "$d"
echo bottom >"$d/bottom"
head -c 2048 /dev/zero >"$tmp/boot/boot.img"
touch -d '2001-02-03 04:05:06' "$tmp/hello" "$tmp/dir/five-k"

mk() {	# mk NAME OPTIONS...
	name=$1
	shift
	xorriso -as mkisofs -quiet -no-pad "$@" -o "$out/$name.img" "$tmp" \
	    >/dev/null 2>&1
}
mk rr -R -rr_reloc_dir rr_moved
mk rr-joliet -R -J -iso-level 3
mk joliet --norock -J
mk plain --norock
mk plain-l3 --norock -iso-level 3
mk eltorito -R -b boot/boot.img -c boot/boot.cat -no-emul-boot
rm -rf "$tmp"
