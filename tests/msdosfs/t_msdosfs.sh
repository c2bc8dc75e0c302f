#! /usr/bin/env atf-sh
# t_msdosfs.sh: the FAT driver (msdosfs) against mtools and dosfstools.
#
# Volumes are made by mkfs.fat and filled by mtools (mcopy, mmd); what
# mtools wrote must read back through fsu_ls, fsu_cat and fsu_get, and
# what we write must read back through mtools (mdir, mtype) with
# fsck.fat -n finding nothing.  The volume's own structures are looked at
# with tests/msdosfs/h_fat.py, which parses them itself: both FAT copies
# identical, the FSInfo free count right, the clean bit of FAT entry 1
# clear while mounted read-write (h_mounted) and set after.  Damaged
# chains (loops, clusters outside the volume) must be errors, never
# hangs (every test has a timeout).

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	PATH="$FSU_BIN:$(atf_get_srcdir):$PATH"
	export PATH
	H_FAT="$FSU_SRC/tests/msdosfs/h_fat.py"
	MTOOLS_SKIP_CHECK=1
	LC_ALL=C.UTF-8
	TZ=UTC
	export MTOOLS_SKIP_CHECK LC_ALL TZ
	umask 022
	for t in mkfs.fat fsck.fat mcopy mdir mtype mmd python3; do
		command -v $t >/dev/null 2>&1 ||
		    atf_skip "$t is missing (tests/install-deps.sh)"
	done
}

# mkfat TYPE IMG: an empty volume of FAT12, 16 or 32 (as tests/common/fstab).
mkfat() {
	rm -f "$2"
	case $1 in
	12)	atf_check -o ignore mkfs.fat -C -F 12 -s 8 -n FSUTEST "$2" 8192 ;;
	16)	atf_check -o ignore mkfs.fat -C -F 16 -s 2 -n FSUTEST "$2" 8192 ;;
	32)	atf_check -o ignore mkfs.fat -C -F 32 -s 1 -n FSUTEST "$2" 40960 ;;
	esac
	[ "$(python3 "$H_FAT" type "$2")" = "$1" ] ||
	    atf_fail "mkfs.fat did not make FAT$1"
}

# fsck_ok [IMG]: fsck.fat -n prints its version and summary, nothing else.
fsck_ok() {
	fsck.fat -n "${1:-img}" >fsck.out 2>&1
	rv=$?
	if [ $rv -ne 0 ] || [ "$(grep -cv -e '^fsck\.fat [0-9]' \
	    -e ': [0-9]* files, [0-9]*/[0-9]* clusters$' fsck.out)" -ne 0 ]
	then
		cat fsck.out >&2
		atf_fail "fsck.fat -n: $(sed -n 2,4p fsck.out | tr '\n' ' ')"
	fi
}

# fats_ok [IMG]: both FATs identical; on FAT32 the FSInfo count is right.
fats_ok() {
	atf_check -o inline:"identical\n" python3 "$H_FAT" fats "${1:-img}"
	if [ "$(python3 "$H_FAT" type "${1:-img}")" = 32 ]; then
		python3 "$H_FAT" fsinfo "${1:-img}" >fsinfo.out
		read -r f c n <fsinfo.out
		[ "${f#fsinfo=}" = "${c#counted=}" ] ||
		    atf_fail "FSInfo free count wrong: $(cat fsinfo.out)"
		[ "$n" = next=ok ] ||
		    atf_fail "FSInfo next-free hint wrong: $(cat fsinfo.out)"
	fi
}

# A tree with long, mixed-case, non-ASCII and 8.3 names, a file of many
# clusters, an empty file and an empty directory.
mksrc() {
	rm -rf src
	mkdir -p "src/Program Files/Sub Dir" src/EFI/BOOT src/empty.dir
	printf 'boot\n' >src/EFI/BOOT/BOOTX64.EFI
	printf 'read me\n' >src/readme.txt
	printf 'LOUD\n' >src/LOUD.TXT
	printf 'long\n' >"src/A rather long file name.text"
	printf 'dots\n' >"src/many.dots.in.name.tar.gz"
	printf 'utf\n' >"src/Café déjà vu.txt"
	printf 'deep\n' >"src/Program Files/Sub Dir/Deep File.dat"
	: >src/empty.txt
	i=0
	while [ $i -lt 3000 ]; do
		echo "line $i of a file that spans many clusters"
		i=$((i + 1))
	done >"src/Program Files/big file.log"
}

# names IMG: every path mtools sees, sorted.
mnames() {
	mdir -/ -b -i "$1" ::/ | sed -e 's|^::/||' -e 's|/$||' | sort
}

# fnames IMG: every path fsu_find sees, sorted.
fnames() {
	fsu_find "$1" / | sed -e 's|^/||' -e '/^$/d' | sort
}

# same_files IMG: every regular file of src reads back as on the host,
# through fsu_cat and through mtype.
same_files() {
	(cd src && find . -type f) | sed 's|^\./||' | while read -r f; do
		fsu_cat "$1" "/$f" | cmp -s - "src/$f" ||
		    echo "fsu_cat /$f"
		mtype -i "$1" "::/$f" | cmp -s - "src/$f" ||
		    echo "mtype /$f"
	done >bad
	[ ! -s bad ] || atf_fail "contents differ: $(tr '\n' ' ' <bad)"
}

# same_names IMG: fsu_find and mdir see the same names, which are src's.
same_names() {
	(cd src && find . -mindepth 1) | sed 's|^\./||' | sort >host.names
	mnames "$1" >mtools.names
	fnames "$1" >fsu.names
	atf_check -o file:host.names cat mtools.names
	atf_check -o file:host.names cat fsu.names
}

read_mtools() {
	mksrc
	mkfat "$1" img
	for f in src/*; do
		atf_check mcopy -s -m -i img "$f" ::/
	done
	fsck_ok
	same_names img
	same_files img
	# fsu_get -R brings the tree back whole.
	atf_check fsu_get img -R / out
	atf_check diff -r src out
	atf_check -o match:"^-rw-r--r--  1 root  root  $(wc -c \
	    <"src/Program Files/big file.log") " \
	    fsu_ls img -l "/Program Files/big file.log"
}

atf_test_case read_mtools_fat12
read_mtools_fat12_head() {
	atf_set descr "FAT12 filled by mcopy reads back through fsu_*"
	atf_set timeout 120
}
read_mtools_fat12_body() { h_init; read_mtools 12; }
atf_test_case read_mtools_fat16
read_mtools_fat16_head() {
	atf_set descr "FAT16 filled by mcopy reads back through fsu_*"
	atf_set timeout 120
}
read_mtools_fat16_body() { h_init; read_mtools 16; }
atf_test_case read_mtools_fat32
read_mtools_fat32_head() {
	atf_set descr "FAT32 filled by mcopy reads back through fsu_*"
	atf_set timeout 120
}
read_mtools_fat32_body() { h_init; read_mtools 32; }

write_fsu() {
	mksrc
	mkfat "$1" img
	atf_check fsu_put img -R src/EFI /EFI
	fsck_ok
	fats_ok
	atf_check fsu_put img -R "src/Program Files" "/Program Files"
	atf_check fsu_mkdir img /empty.dir
	for f in readme.txt LOUD.TXT "A rather long file name.text" \
	    many.dots.in.name.tar.gz "Café déjà vu.txt" empty.txt; do
		atf_check fsu_put img "src/$f" "/$f"
		fsck_ok
	done
	fats_ok
	same_names img
	same_files img
	# Changes: a file grows, another shrinks, one goes, one is renamed
	# into a directory; mtools sees each.
	atf_check -o ignore sh -c 'seq 1 20000 | fsu_write img -a /readme.txt'
	fsck_ok
	atf_check -o file:src/LOUD.TXT mtype -i img ::/LOUD.TXT
	atf_check -o inline:"1\n" sh -c \
	    'mtype -i img ::/readme.txt | sed -n 2p'
	atf_check fsu_rm img "/Program Files/big file.log"
	atf_check fsu_mv img "/A rather long file name.text" \
	    "/Program Files/Sub Dir/Another long name.text"
	fsck_ok
	fats_ok
	atf_check -o inline:"long\n" mtype -i img \
	    "::/Program Files/Sub Dir/Another long name.text"
	atf_check -s not-exit:0 -o ignore -e ignore mtype -i img \
	    "::/Program Files/big file.log"
	atf_check fsu_rm img -r "/Program Files"
	fsck_ok
	fats_ok
	atf_check -s not-exit:0 -o ignore -e ignore mdir -i img \
	    "::/Program Files"
}

atf_test_case write_fat12
write_fat12_head() {
	atf_set descr "what fsu_* write to FAT12 reads back through mtools"
	atf_set timeout 300
}
write_fat12_body() { h_init; write_fsu 12; }
atf_test_case write_fat16
write_fat16_head() {
	atf_set descr "what fsu_* write to FAT16 reads back through mtools"
	atf_set timeout 300
}
write_fat16_body() { h_init; write_fsu 16; }
atf_test_case write_fat32
write_fat32_head() {
	atf_set descr "what fsu_* write to FAT32 reads back through mtools"
	atf_set timeout 300
}
write_fat32_body() { h_init; write_fsu 32; }

atf_test_case short_names
short_names_head() {
	atf_set descr "short names are made in the ~N style without" \
	    "collisions, as mtools sees them"
	atf_set timeout 300
}
short_names_body() {
	h_init
	mkfat 16 img
	mkdir src
	i=1
	while [ $i -le 40 ]; do
		echo "$i" >"src/Long file name $i.txt"
		i=$((i + 1))
	done
	for n in "x+y=z.c" "a b.c" "Mixed.Txt" "lower.txt" "UPPER.TXT" \
	    ".profile" "name.with.dots.c" "ext.toolong" "NoExtension"; do
		echo "$n" >"src/$n"
	done
	atf_check fsu_put img -R src /d
	fsck_ok
	# mdir: "SHORT    EXT  size date time  long name"
	mdir -i img ::/d | awk 'NF >= 5 && $1 != "." && $1 != ".." &&
	    $2 != "<DIR>" && $0 ~ /[0-9]:[0-9][0-9]/' >mdir.out
	[ "$(wc -l <mdir.out)" -eq 49 ] ||
	    { cat mdir.out >&2; atf_fail "mdir does not list 49 files"; }
	cut -c1-12 mdir.out | tr a-z A-Z | sort | uniq -d >dups
	[ ! -s dups ] || atf_fail "short names collide: $(cat dups)"
	# The first four of a family are ~1..~4 (as Windows does).
	for k in 1 2 3 4; do
		grep -q "^LONGFI~$k TXT" mdir.out ||
		    atf_fail "no short name LONGFI~$k.TXT"
	done
	# Names that are 8.3 in one case keep no long entry.
	atf_check -o match:'^lower    txt ' grep '^lower ' mdir.out
	atf_check -o match:'^UPPER    TXT +[0-9]+ [-0-9]+ +[0-9:]+ *$' \
	    grep '^UPPER ' mdir.out
	# Every long name reads back through mtools and through us.
	for f in src/*; do
		n=${f#src/}
		atf_check -o file:"$f" mtype -i img "::/d/$n"
		atf_check -o file:"$f" fsu_cat img "/d/$n"
	done
	# Case-insensitive: a name differing only in case is the same file.
	atf_check -o file:"src/Mixed.Txt" fsu_cat img /d/MIXED.TXT
	# ... so fsu_put onto it replaces that file's data.
	echo new >new
	atf_check fsu_put img new /d/mixed.txt
	atf_check -o inline:"new\n" fsu_cat img /d/Mixed.Txt
	atf_check -o inline:"mixed.txt\n" sh -c "fsu_ls img /d | grep -i mixed"
	fsck_ok
}

atf_test_case short_names_mtools
short_names_mtools_head() {
	atf_set descr "we add names beside mtools' short names without" \
	    "collisions"
	atf_set timeout 120
}
short_names_mtools_body() {
	h_init
	mkfat 32 img
	mkdir src
	for i in 1 2 3; do echo "m$i" >"src/Shared prefix $i.txt"; done
	atf_check mcopy -i img src/* ::/
	for i in 4 5 6; do
		echo "f$i" | atf_check fsu_write img "/Shared prefix $i.txt"
	done
	fsck_ok
	mdir -i img ::/ | awk '/Shared prefix/ { print $1 "." $2 }' |
	    sort >short
	[ "$(wc -l <short)" -eq 6 ] || atf_fail "not 6 entries"
	[ -z "$(uniq -d short)" ] || atf_fail "collision: $(uniq -d short)"
	for i in 1 2 3 4 5 6; do
		atf_check -o match:"[mf]$i" mtype -i img "::/Shared prefix $i.txt"
	done
}

atf_test_case eight3_only
eight3_only_head() {
	atf_set descr "a volume with 8.3 names only (no long entries) reads" \
	    "and is written"
	atf_set timeout 120
}
eight3_only_body() {
	h_init
	mkfat 12 img
	mkdir -p src/DIR1
	echo one >src/README.TXT
	echo two >src/DIR1/FILE.C
	echo three >src/lower.c
	atf_check mcopy -s -i img src/README.TXT src/DIR1 src/lower.c ::/
	# No long name entries at all (attribute 0x0f) in the root.
	atf_check -o not-match:'[[:alnum:]]' sh -c "mdir -i img ::/ |
	    awk 'NF > 5 && \$0 ~ /[0-9]:[0-9][0-9] +[^ ]/'"
	fnames img >names
	atf_check -o inline:"DIR1\nDIR1/FILE.C\nREADME.TXT\nlower.c\n" \
	    cat names
	atf_check -o inline:"two\n" fsu_cat img /DIR1/FILE.C
	atf_check -o inline:"two\n" fsu_cat img /dir1/file.c
	atf_check -o inline:"three\n" fsu_cat img /LOWER.C
	echo four | atf_check fsu_write img /DIR1/NEW.H
	fsck_ok
	atf_check -o inline:"four\n" mtype -i img ::/DIR1/NEW.H
	mdir -i img ::/DIR1 >mdir.out
	atf_check -o match:'^NEW      H +5 ' cat mdir.out
}

atf_test_case fats_fsinfo
fats_fsinfo_head() {
	atf_set descr "both FATs identical and the FSInfo free count right" \
	    "after allocations and frees"
	atf_set timeout 300
}
fats_fsinfo_body() {
	h_init
	mksrc
	for t in 12 16 32; do
		mkfat $t img
		atf_check fsu_put img -R src /a
		fats_ok
		atf_check fsu_cp img -R /a /b
		atf_check fsu_rm img -r /a/EFI "/a/Program Files"
		fats_ok
		atf_check -o ignore sh -c 'seq 1 50000 | fsu_write img /b/x'
		atf_check -o ignore sh -c ': | fsu_write img /b/x'
		fats_ok
		fsck_ok
		# fsu_df's free space is what the FAT says.
		free=$(python3 "$H_FAT" free img)
		df=$(fsu_df img -P | awk 'NR == 2 { print $4 * 512 }')
		[ "$free" = "$df" ] ||
		    atf_fail "FAT$t: free $free bytes in the FAT, fsu_df $df"
	done
}

atf_test_case clean_flag
clean_flag_head() {
	atf_set descr "the clean bit is clear while mounted read-write and" \
	    "set on release; an unclean volume is not written"
	atf_set timeout 120
}
clean_flag_body() {
	h_init
	for t in 16 32; do
		mkfat $t img
		atf_check -o inline:"clean\n" python3 "$H_FAT" clean img
		atf_check -o inline:"dirty\n" h_mounted img /WHILE.TXT \
		    "python3 '$H_FAT' clean img"
		atf_check -o inline:"clean\n" python3 "$H_FAT" clean img
		atf_check -o inline:"written while mounted\n" \
		    mtype -i img ::/WHILE.TXT
		fsck_ok
		# A read-only command leaves the image as it was.
		cp img before
		atf_check -o ignore fsu_ls img -lR /
		atf_check cmp img before
		# Not clean: read-only works with a warning, writing refused.
		python3 "$H_FAT" setfat img 1 \
		    $(( $t == 16 ? 0x7fff : 0x07ffffff ))
		atf_check -o inline:"dirty\n" python3 "$H_FAT" clean img
		atf_check -o inline:"written while mounted\n" \
		    -e match:'not released cleanly' fsu_cat img /WHILE.TXT
		echo x >x
		atf_check -s exit:1 -e match:'fsck.fat' fsu_put img x /x
		atf_check -o inline:"dirty\n" python3 "$H_FAT" clean img
	done
}

# bad_chain TYPE: loops and chains leaving the volume, in a file and a
# directory: every command fails with a message, none hangs, and the
# image is not made worse.
bad_chain() {
	mkfat "$1" img
	i=0
	while [ $i -lt 4000 ]; do echo "$i"; i=$((i + 1)); done >big
	atf_check mcopy -i img big ::/BIG
	atf_check mmd -i img ::/SUB
	i=0
	while [ $i -lt 200 ]; do echo $i >f$i; i=$((i + 1)); done
	atf_check mcopy -i img f* ::/SUB/
	nsub=$(python3 "$H_FAT" chain img SUB | wc -w)
	[ "$nsub" -ge 2 ] || atf_fail "SUB has one cluster only"
	echo new >new
	for how in loop loopmid outside; do
		cp img bad
		python3 "$H_FAT" $how bad BIG
		atf_check -s exit:1 -o ignore -e match:'msdosfs: .*(loops|out of range)' \
		    fsu_cat bad /BIG
		# Asked again in the same mount: an error again, at once.
		atf_check -s exit:1 -o empty -e match:'BIG: Input/output error' \
		    fsu_cat bad /BIG /BIG
		atf_check -s exit:1 -e match:'Input/output error' \
		    fsu_rm bad /BIG
		atf_check -s exit:1 -e match:'Input/output error' \
		    fsu_mv bad /SUB/f1 /BIG
		atf_check -s exit:1 -e match:'Input/output error' \
		    fsu_put bad new /BIG
		atf_check -o inline:"identical\n" python3 "$H_FAT" fats bad
		cp img bad
		python3 "$H_FAT" $how bad SUB
		atf_check -s exit:1 -o ignore -e ignore fsu_ls bad /SUB /SUB/f1 \
		    /SUB/.
		atf_check -s exit:1 -o ignore -e match:'msdosfs: .*(loops|out of range)' \
		    fsu_ls bad /SUB
		atf_check -s exit:1 -o ignore -e match:'Input/output error' \
		    fsu_find bad /
		atf_check -s exit:1 -e match:'Input/output error' \
		    fsu_put bad new /SUB/new
		atf_check -s exit:1 -e match:'Input/output error' \
		    fsu_rm bad -r /SUB
		atf_check -o inline:"BIG\nSUB\n" sh -c \
		    "fsu_ls bad / 2>/dev/null"
		atf_check -o inline:"identical\n" python3 "$H_FAT" fats bad
	done
	if [ "$1" = 32 ]; then
		# The root directory's own chain loops.
		cp img bad
		python3 "$H_FAT" setfat bad 2 2
		atf_check -s exit:1 -o ignore -e match:'msdosfs: .*loops' \
		    fsu_ls bad /
		atf_check -s exit:1 -o ignore -e not-match:'^$' \
		    fsu_put bad new /new
	fi
}

atf_test_case bad_chain_fat12
bad_chain_fat12_head() {
	atf_set descr "FAT12 chain loops and chains leaving the volume are errors"
	atf_set timeout 120
}
bad_chain_fat12_body() { h_init; bad_chain 12; }
atf_test_case bad_chain_fat16
bad_chain_fat16_head() {
	atf_set descr "FAT16 chain loops and chains leaving the volume are errors"
	atf_set timeout 120
}
bad_chain_fat16_body() { h_init; bad_chain 16; }
atf_test_case bad_chain_fat32
bad_chain_fat32_head() {
	atf_set descr "FAT32 chain loops and chains leaving the volume are errors"
	atf_set timeout 120
}
bad_chain_fat32_body() { h_init; bad_chain 32; }

atf_test_case attributes
attributes_head() {
	atf_set descr "chown is EPERM; the read-only, hidden, system and" \
	    "archive attributes are modes and file flags"
	atf_set timeout 120
}
attributes_body() {
	h_init
	mkfat 16 img
	echo a >a
	atf_check mcopy -i img a ::/A.TXT
	atf_check mattrib -i img +r +h +s -a ::/A.TXT
	atf_check -o inline:"100444 hidden,rdonly,system\n" \
	    fsu_stat img -f '%p %Sf' /A.TXT
	atf_check -s exit:1 -e match:'Operation not permitted' \
	    fsu_chown img 1000 /A.TXT
	atf_check -s exit:1 -e match:'Operation not permitted' \
	    fsu_chgrp img 5 /A.TXT
	# The owner it has already is no change.
	atf_check fsu_chown img 0:0 /A.TXT
	atf_check fsu_chmod img 644 /A.TXT
	atf_check fsu_chflags img nohidden,nosystem,uarch /A.TXT
	atf_check -o inline:"100644 uarch\n" fsu_stat img -f '%p %Sf' /A.TXT
	atf_check -o match:'^  A +::/A.TXT' mattrib -i img ::/A.TXT
	atf_check fsu_chmod img a-w /A.TXT
	atf_check -o match:'^  A +R +::/A.TXT' mattrib -i img ::/A.TXT
	atf_check -s exit:1 -e match:'Operation not supported' \
	    fsu_chflags img uchg /A.TXT
	atf_check -s exit:1 -e match:'Operation not supported' \
	    fsu_ln img -s /A.TXT /L
	fsck_ok
}

atf_test_case mount_options
mount_options_head() {
	atf_set descr "uid, gid, mask, dirmask, gmtoff and utc mount options"
	atf_set timeout 120
}
mount_options_body() {
	h_init
	mkfat 32 img
	echo a >a
	touch -d '2021-06-15 10:20:30' a
	mkdir d
	atf_check mcopy -m -i img a d ::/
	atf_check -o match:'^-rw-r--r-- +1 0 +0 ' fsu_ls img -ln /a
	atf_check -o match:'^-rw-r----- +1 1000 +100 .* /a$' \
	    fsu_ls -o uid=1000,gid=100,mask=640,dirmask=750 img -ln /a
	atf_check -o match:'^drwxr-x--- +1 1000 +100 ' \
	    fsu_ls -o uid=1000,gid=100,mask=640,dirmask=750 img -lnd /d
	atf_check -s exit:1 -e match:'bad value for mount option "mask"' \
	    fsu_ls -o mask=999 img /
	atf_check -s exit:1 -e match:'bad value for mount option "uid"' \
	    fsu_ls -o uid=x img /
	# mtools wrote local time (TZ=UTC here): by default and with
	# gmtoff=0 the time is as written; gmtoff=S moves it by S seconds.
	t=$(date -d '2021-06-15 10:20:30' +%s)
	atf_check -o inline:"$t\n" fsu_stat img -f %m /a
	atf_check -o inline:"$t\n" fsu_stat -o gmtoff=0 img -f %m /a
	atf_check -o inline:"$((t - 3600))\n" \
	    fsu_stat -o gmtoff=3600 img -f %m /a
	atf_check -o inline:"$((t + 7200))\n" \
	    fsu_stat -o gmtoff=-7200 img -f %m /a
	# The host's local time is the default (TZ=UTC-2 is 2 hours east).
	atf_check -o inline:"$((t - 7200))\n" \
	    env TZ=UTC-2 fsu_stat img -f %m /a
	# ... and utc reads the volume's times as UTC whatever the zone.
	atf_check -o inline:"$t\n" env TZ=UTC-2 fsu_stat -o utc img -f %m /a
	atf_check -s exit:1 -e match:'exclude each other' \
	    fsu_stat -o utc,gmtoff=60 img -f %m /a
	atf_check -s exit:1 -e match:'takes no value' \
	    fsu_stat -o utc=1 img -f %m /a
	# Writing with an offset stores local time: mtools (TZ=UTC) sees
	# the time of the offset's zone.
	atf_check fsu_touch -o gmtoff=3600 img -t 202201020304.06 /a
	atf_check -o match:"2022-01-02 +4:04" mdir -i img ::/a
	fsck_ok
}

atf_test_case file_numbers
file_numbers_head() {
	atf_set descr "a file's number is its entry's offset / 32, the same" \
	    "through its parent, its . and its children's .."
	atf_set timeout 60
}
file_numbers_body() {
	h_init
	mkfat 32 img
	atf_check mmd -i img ::/Dir ::/Dir/Sub
	fsu_stat img -f %i /Dir /Dir/. /Dir/Sub/.. >dir
	fsu_stat img -f %i /Dir/Sub /Dir/Sub/. >sub
	fsu_stat img -f %i / /Dir/.. /Dir/Sub/../.. >root
	atf_check -o inline:"1\n" sort -u root
	[ "$(sort -u dir | wc -l)" -eq 1 ] || atf_fail "/Dir: $(cat dir)"
	atf_check -o file:dir sh -c "for i in 1 2 3; do python3 '$H_FAT' \
	    ino img DIR; done"
	[ "$(sort -u sub | wc -l)" -eq 1 ] || atf_fail "/Dir/Sub: $(cat sub)"
	atf_check fsu_mv img /Dir/Sub /Moved
	fsu_stat img -f %i /Moved /Moved/. >moved
	[ "$(sort -u moved | wc -l)" -eq 1 ] || atf_fail "moved: $(cat moved)"
	atf_check -o inline:"1\n" fsu_stat img -f %i /Moved/..
}

atf_init_test_cases() {
	atf_add_test_case read_mtools_fat12
	atf_add_test_case read_mtools_fat16
	atf_add_test_case read_mtools_fat32
	atf_add_test_case write_fat12
	atf_add_test_case write_fat16
	atf_add_test_case write_fat32
	atf_add_test_case short_names
	atf_add_test_case short_names_mtools
	atf_add_test_case eight3_only
	atf_add_test_case fats_fsinfo
	atf_add_test_case clean_flag
	atf_add_test_case bad_chain_fat12
	atf_add_test_case bad_chain_fat16
	atf_add_test_case bad_chain_fat32
	atf_add_test_case attributes
	atf_add_test_case mount_options
	atf_add_test_case file_numbers
}
