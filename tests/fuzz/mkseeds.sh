#!/bin/sh
# mkseeds.sh RECIPE OUTDIR [rw]: make the seeds of one fuzz target.
# RECIPE (tests/fuzz/seeds_*.sh) writes seed files into a directory with
# third-party tools.  With "rw", each seed image is followed by operation
# scripts in the read-write target's format (tests/fuzz/fuzz_rw.c): the
# script bytes, then their number as two little-endian bytes.
#
# OUTDIR ends up holding the seeds, or a file .skip (the recipe exited 77:
# a tool is missing) or .failed (any other failure) with the recipe's
# messages, which the replay test turns into a skip or a failure.
set -u
recipe=$1 out=$2 mode=${3:-}
rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp"
sh "$recipe" "$out.tmp" >"$out.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	rm -rf "$out.tmp"
	mkdir -p "$out"
	if [ $rc -eq 77 ]; then
		mv "$out.log" "$out/.skip"
	else
		{
			echo "$recipe: exit status $rc"
			cat "$out.log"
		} >"$out/.failed"
		rm -f "$out.log"
	fi
	why=$(cat "$out/.skip" "$out/.failed" 2>/dev/null | head -n 1)
	echo "mkseeds: $out: $why" >&2
	exit 0
fi
rm -f "$out.log"

# bytes N...: the bytes with these decimal values.
bytes() {
	for b in "$@"; do
		printf "\\$(printf %03o "$b")"
	done
}

# Operations, 6 bytes each: op, then operands (see fuzz_rw.c): 0 create,
# 1 mkdir, 2 write, 3 truncate, 4 rename, 5 remove, 6 link, 7 chmod,
# 8 symlink, 9 read, 10 sync, 11 attributes, 12 descriptor I/O, 13 rmdir,
# 14 mknod.
script_small() {
	bytes 1 0 1 0 0 0  0 0 0 0 0 0  2 1 200 0 16 0  2 2 50 10 0 12 \
	    3 3 1 2 0 4  4 4 5 0 0 1  6 5 0 2 0 0  8 0 3 1 6 0 \
	    7 6 237 1 0 0  11 7 1 4 0 0  12 8 0 9 1 20  10 0 0 0 0 0 \
	    5 9 0 0 0 0  13 10 0 0 0 0  14 0 4 0 7 0  9 1 0 0 0 0
}
script_big() {
	bytes 0 0 5 0 0 0  2 1 255 255 255 20  3 2 255 255 30 0 \
	    0 0 231 0 0 0  1 0 200 0 0 0  4 3 4 0 6 0  12 1 3 255 255 9 \
	    3 1 0 1 0 0  2 5 77 7 0 16  5 2 0 0 0 0  0 0 230 0 0 0
}
# SCRIPTED IMAGE NAME SCRIPT: IMAGE, the script, its length.
scripted() {
	{
		cat "$1"
		$3
		n=$($3 | wc -c)
		bytes $((n % 256)) $((n / 256))
	} >"$out.tmp/$2"
}

if [ "$mode" = rw ]; then
	for f in "$out.tmp"/*; do
		scripted "$f" "$(basename "$f").small" script_small
		scripted "$f" "$(basename "$f").big" script_big
		rm -f "$f"
	done
fi
mv "$out.tmp" "$out"
