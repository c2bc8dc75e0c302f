#!/bin/sh
# seeds_part.sh OUTDIR: seed disks of 128 KiB for the partition target:
# MBR with primary, extended and logical partitions (sfdisk), GPT with
# named partitions and a hybrid MBR (sgdisk), and a BSD disklabel inside a
# NetBSD MBR partition (fdisk).  Exit status 77: a tool is missing.
set -eu
out=$1
for t in sfdisk sgdisk fdisk; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "$t not installed" >&2
		exit 77
	fi
done
disk() {	# disk NAME: an empty 128 KiB disk
	rm -f "$out/$1"
	truncate -s 128k "$out/$1"
}
disk mbr
sfdisk -q "$out/mbr" <<EOF
label: dos
start=4, size=20, type=83
start=24, size=20, type=a9
start=44, size=120, type=5
start=64, size=20, type=b
start=100, size=40, type=a5
EOF
disk gpt
sgdisk -a 1 -n 1:34:60 -t 1:EF00 -c 1:efi -n 2:61:120 -t 2:A902 \
    -c 2:netbsd-ffs -n 3:121:200 -t 3:8300 -c 3:linux \
    "$out/gpt" >/dev/null
disk hybrid
sgdisk -a 1 -n 1:34:90 -t 1:0700 -n 2:91:200 -t 2:8300 -h 1:EE \
    "$out/hybrid" >/dev/null
disk disklabel
printf 'label: dos\nstart=16, size=200, type=a9\n' | sfdisk -q "$out/disklabel"
printf 'b\ny\nw\n' | fdisk "$out/disklabel" >/dev/null 2>&1
