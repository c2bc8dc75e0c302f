#! /usr/bin/env atf-sh
# t_hostile.sh: the programs on crafted FFS images and under injected I/O
# errors.  Images are made by makefs, then patched field by field with
# tests/ffs/h_ffsimg.py; errors are injected at one precise point with
# FSU_BLKFAIL_WRITE, FSU_BLKFAIL_SYNC and FSU_BLKFAIL_OFFSET (blk.h).
#
# What every case asserts: a clear message, a non-zero exit, no crash
# (the sanitized build turns memory errors into crashes), and an image
# that is either as it was (nothing changed, or the journal discarded the
# command's changes: byte for byte) or, without the journal
# (FSU_JOURNAL=off), marked not clean, so that the next read-write
# command refuses it until fsck.  The cases that fail after changes run
# in both modes.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	PATH="$FSU_BIN:$PATH"
	export PATH
	unset RUMP_BLKFAIL FSU_BLKFAIL_NTH FSU_BLKFAIL_WRITE FSU_BLKFAIL_SYNC \
	    FSU_BLKFAIL_OFFSET FSU_JOURNAL
	command -v python3 >/dev/null 2>&1 ||
	    atf_skip "python3 is needed to patch the images"
}

# ffsimg IMG ...: read or patch fields (see tests/ffs/h_ffsimg.py).
ffsimg() {
	python3 "$FSU_SRC/tests/ffs/h_ffsimg.py" "$@" ||
	    atf_fail "h_ffsimg.py $*"
}

# mkffs IMG DIR [OPTS]: an 8 MiB UFS2 image of DIR.
mkffs() {
	rm -f "$1" "$1.fsu-journal"
	atf_check -s exit:0 -o ignore -e ignore \
	    makefs -t ffs -s 8m -o "version=2${3:+,$3}" "$1" "$2"
}

# clean_is IMG 0|1: the superblock's clean flag.
clean_is() {
	atf_check -s exit:0 -o inline:"$2\n" python3 \
	    "$FSU_SRC/tests/ffs/h_ffsimg.py" "$1" sb fs_clean
}

# A read-write command on an image that is not clean is refused.
refused_rw() {
	atf_check -s exit:1 -e match:'not clean' fsu_mkdir "$1" /after
}

# journal_mode on|off: run what follows with or without the journal.
# Without it, the mount's "not clean" superblock is the first write.
journal_mode() {
	FSU_JOURNAL=$1
	export FSU_JOURNAL
	if [ "$1" = off ]; then w0=1; else w0=0; fi
}

# after_failure IMG BEFORE: a command failed after it had changed IMG:
# with the journal, none of it reached IMG (new file data may have gone
# to blocks free in BEFORE: IMG reads the same, and is consistent);
# without, IMG is not clean.
after_failure() {
	if [ "$FSU_JOURNAL" = off ]; then
		clean_is "$1" 0
		refused_rw "$1"
	else
		clean_is "$1" 1
		atf_check -s exit:0 -o ignore -e ignore fsu_fsck "$1" -n
		fsu_ls "$2" -lR / >ls.before 2>&1
		atf_check -s exit:0 -o file:ls.before -e empty fsu_ls "$1" -lR /
	fi
}

atf_test_case wrerr_eviction
wrerr_eviction_head() {
	atf_set "descr" "a dirty metadata block lost when the buffer cache " \
	    "evicts it makes the command fail, its changes discarded or " \
	    "the image not clean"
	atf_set "require.progs" "makefs"
}
wrerr_eviction_body() {
	h_init
	mkdir src
	# 400 directories under a 1 MiB memory limit (a 256 KiB buffer
	# cache): dirty blocks are evicted long before the unmount, so the
	# first write after the mount's own (if any) is one.
	dirs=$(seq -f '/d%g' 1 400)
	for mode in on off; do
		journal_mode $mode
		mkffs img src density=4096
		cp img before
		RUMP_MEMLIMIT=1m FSU_BLKFAIL_WRITE=$((w0 + 1)) \
		    fsu_mkdir img $dirs >out 2>err &&
		    atf_fail "fsu_mkdir succeeded ($mode)"
		grep -q 'lost a metadata block .* at eviction' err ||
		    { cat err >&2; atf_fail "no eviction message ($mode)"; }
		grep -q 'fsu_mkdir: img: Input/output error' err ||
		    { cat err >&2; atf_fail "no error at release ($mode)"; }
		after_failure img before
	done
}

atf_test_case wrerr_inactive
wrerr_inactive_head() {
	atf_set "descr" "an unlinked file whose blocks cannot be freed at " \
	    "VOP_INACTIVE makes fsu_rm fail, its changes discarded or the " \
	    "image not clean"
	atf_set "require.progs" "makefs"
}
wrerr_inactive_body() {
	h_init
	mkdir src
	head -c 300000 /dev/zero | tr '\0' x >src/big
	for mode in on off; do
		journal_mode $mode
		mkffs img src
		cp img before
		ino=$(fsu_ls img -i /big | awk '{ print $1 }')
		ib=$(ffsimg img ino "$ino" ib0)
		fsize=$(ffsimg img sb fs_fsize)
		# Reading the indirect block, which only freeing the file
		# does, fails: the unlink itself succeeds, the inactive vnode
		# cannot free the file.
		FSU_BLKFAIL_OFFSET=$((ib * fsize)) atf_check -s exit:1 \
		    -e match:'inode [0-9]*: not all of its blocks could be freed' \
		    -e match:'fsu_rm: img: Input/output error' fsu_rm img /big
		after_failure img before
	done
}

atf_test_case wrerr_unmount
wrerr_unmount_head() {
	atf_set "descr" "a write failing when the unmount writes the " \
	    "metadata back makes the command fail, its changes discarded " \
	    "or the image not clean"
	atf_set "require.progs" "makefs"
}
wrerr_unmount_body() {
	h_init
	mkdir src
	for mode in on off; do
		journal_mode $mode
		mkffs img src
		cp img before
		FSU_BLKFAIL_WRITE=$((w0 + 1)) atf_check -s exit:1 \
		    -e match:'injected I/O error: write' \
		    -e match:'fsu_mkdir: img: ' fsu_mkdir img /a
		after_failure img before
	done
}

atf_test_case wrerr_barrier
wrerr_barrier_head() {
	atf_set "descr" "without the journal, the clean flag is written " \
	    "only after the metadata it vouches for is durable: a failed " \
	    "flush to the host leaves the image not clean"
	atf_set "require.progs" "makefs"
}
wrerr_barrier_body() {
	h_init
	mkdir src
	journal_mode off
	mkffs img src
	# The first flush makes "not clean" durable at mount, the second is
	# the barrier before "clean".
	FSU_BLKFAIL_SYNC=2 atf_check -s exit:1 -e match:'injected I/O error' \
	    -e match:'fsu_mkdir: img: ' fsu_mkdir img /a
	clean_is img 0
	refused_rw img
}

atf_test_case unchanged
unchanged_head() {
	atf_set "descr" "a read-write command that changes nothing leaves " \
	    "the image byte for byte as it was"
	atf_set "require.progs" "makefs"
}
unchanged_body() {
	h_init
	mkdir -p src/d
	mkffs img src
	cp img orig
	atf_check -s exit:1 -e match:'File exists' fsu_mkdir img /d
	atf_check -s exit:0 cmp img orig
	atf_check -s exit:1 -e match:'No such file' fsu_rm img /nosuch
	atf_check -s exit:0 cmp img orig
}

# sb_refused IMG MESSAGE: a read-write command is refused with MESSAGE,
# the image is left byte for byte as it was, reading it still works.
sb_refused() {
	cp "$1" before
	atf_check -s exit:1 -e match:"$2; read-write mount refused" \
	    -e match:'fsu_mkdir: img: Read-only file system' fsu_mkdir "$1" /x
	atf_check -s exit:0 cmp "$1" before
	atf_check -s exit:0 -o match:'^a$' fsu_ls "$1" /
}

atf_test_case sb_contigsumsize
sb_contigsumsize_head() {
	atf_set "descr" "fs_contigsumsize 0x7fffffff (4 * (n + 1) overflows " \
	    "a 32-bit check; cluster accounting wrote past the group block) " \
	    "refuses a read-write mount"
	atf_set "require.progs" "makefs"
}
sb_contigsumsize_body() {
	h_init
	mkdir src
	echo a >src/a
	mkffs img src
	ffsimg img sb fs_contigsumsize=0x7fffffff
	sb_refused img 'fs_contigsumsize 2147483647 is not in 0\.\.16'
	ffsimg img sb fs_contigsumsize=-1
	sb_refused img 'fs_contigsumsize -1 is not in 0\.\.16'
}

atf_test_case sb_maxcontig
sb_maxcontig_head() {
	atf_set "descr" "a negative or oversized fs_maxcontig refuses a " \
	    "read-write mount"
	atf_set "require.progs" "makefs"
}
sb_maxcontig_body() {
	h_init
	mkdir src
	echo a >src/a
	mkffs img src
	ffsimg img sb fs_maxcontig=-5
	sb_refused img 'fs_maxcontig -5 is not in 0\.\.[0-9]*'
}

atf_test_case sb_cgsize
sb_cgsize_head() {
	atf_set "descr" "a cylinder group size larger than a block (here " \
	    "beyond the largest buffer: an assertion in the buffer cache) " \
	    "refuses a read-write mount"
	atf_set "require.progs" "makefs"
}
sb_cgsize_body() {
	h_init
	mkdir src
	echo a >src/a
	mkffs img src
	# Move the inode table 1100 fragments on, so that a group block of
	# 1100 fragments passes the read-only layout check.
	ib=$(ffsimg img sb fs_iblkno)
	db=$(ffsimg img sb fs_dblkno)
	fsize=$(ffsimg img sb fs_fsize)
	ffsimg img copy "$ib" $((ib + 1100)) $((db - ib))
	ffsimg img sb fs_iblkno=$((ib + 1100)) fs_dblkno=$((db + 1100)) \
	    fs_cgsize=$((1100 * fsize))
	# (The moved table now covers the root directory's block, which
	# reading refuses: only the refusal and the bytes are checked.)
	cp img before
	atf_check -s exit:1 -e match:"cylinder group size $((1100 * fsize)) is larger than a block" \
	    -e match:'fsu_mkdir: img: Read-only file system' fsu_mkdir img /x
	atf_check -s exit:0 cmp img before
}

atf_test_case sb_summary
sb_summary_head() {
	atf_set "descr" "a summary area inside a group's metadata (written " \
	    "over the cylinder group header at unmount) refuses a " \
	    "read-write mount"
	atf_set "require.progs" "makefs"
}
sb_summary_body() {
	h_init
	mkdir src
	echo a >src/a
	mkffs img src
	ffsimg img sb fs_csaddr=$(ffsimg img addr cg:0)
	sb_refused img 'summary area .* overlaps the metadata of cylinder group 0'
	ffsimg img sb fs_csaddr=0
	sb_refused img 'summary area .* overlaps the metadata of cylinder group 0'
}

# cg_refused IMG GROUP MESSAGE: fsu_mkdir, which needs group GROUP (the
# only one), fails naming it; nothing is written; reading still works.
cg_refused() {
	cp "$1" before
	atf_check -s exit:1 -e match:"ffs: $1: cylinder group $2: $3\$" \
	    -e match:'fsu_mkdir: /x: Input/output error' fsu_mkdir "$1" /x
	atf_check -s exit:0 cmp "$1" before
	atf_check -s exit:0 -o match:'^a$' fsu_ls "$1" /
	cp before "$1"
}

atf_test_case cg_offsets
cg_offsets_head() {
	atf_set "descr" "cylinder group map offsets near INT32_MAX (a " \
	    "32-bit check wrapped) fail the command naming the group, " \
	    "nothing written"
	atf_set "require.progs" "makefs"
}
cg_offsets_body() {
	h_init
	mkdir src
	echo a >src/a
	mkffs img src
	cp img orig
	for f in cg_iusedoff=0x7fffffff cg_freeoff=0x7ffffff0 \
	    cg_clustersumoff=0x7ffffffc cg_clusteroff=0x7fffffc0 \
	    cg_iusedoff=-8; do
		cp orig img
		ffsimg img cg 0 "$f"
		cg_refused img 0 'maps outside the group block'
	done
	cp orig img
	ffsimg img cg 0 cg_nextfreeoff=0x7fffffff
	cg_refused img 0 'bad end of the maps'
	cp orig img
	ffsimg img cg 0 cg_clusteroff=$(ffsimg img cg 0 cg_freeoff)
	cg_refused img 0 'maps overlap'
	cp orig img
	ffsimg img cg 0 cg_magic=0
	cg_refused img 0 'bad magic number'
}

atf_test_case cg_counts
cg_counts_head() {
	atf_set "descr" "a cylinder group whose counts disagree with its " \
	    "maps, or with the geometry, fails the command naming the " \
	    "group, nothing written"
	atf_set "require.progs" "makefs"
}
cg_counts_body() {
	h_init
	mkdir src
	echo a >src/a
	mkffs img src
	cp img orig
	ffsimg img cg 0 cs_nbfree=$(($(ffsimg img cg 0 cs_nbfree) + 3))
	cg_refused img 0 'free block or fragment count does not match its map'
	cp orig img
	ffsimg img cg 0 cs_nifree=$(($(ffsimg img cg 0 cs_nifree) + 1))
	cg_refused img 0 'free inode count does not match its map'
	cp orig img
	ffsimg img cg 0 cg_frsum1=$(($(ffsimg img cg 0 cg_frsum1) + 1))
	cg_refused img 0 'fragment run counts do not match its map'
	cp orig img
	ffsimg img cg 0 cg_ndblk=$(($(ffsimg img cg 0 cg_ndblk) / 2))
	cg_refused img 0 'wrong number of fragments'
	cp orig img
	ffsimg img cg 0 cg_niblk=7
	cg_refused img 0 'wrong number of inodes'
	cp orig img
	ffsimg img cg 0 cg_initediblk=-1
	cg_refused img 0 'bad count of initialised inodes'
	cp orig img
	ffsimg img cg 0 cg_nclusterblks=0x7fffffff
	cg_refused img 0 'wrong number of cluster map blocks'
}

atf_test_case cg_after_changes
cg_after_changes_head() {
	atf_set "descr" "a bad cylinder group met after the command changed " \
	    "the image: it fails, its changes discarded or the image not " \
	    "clean"
	atf_set "require.progs" "makefs"
}
cg_after_changes_body() {
	h_init
	mkdir src
	# 18 MB: more than group 0 holds, so the file goes on in group 1.
	head -c 18000000 /dev/zero >big
	for mode in on off; do
		journal_mode $mode
		rm -f img img.fsu-journal
		atf_check -s exit:0 -o ignore -e ignore makefs -t ffs -s 24m \
		    -o version=2,bsize=4096,fsize=512 img src
		atf_check -s exit:0 -o inline:"2\n" python3 \
		    "$FSU_SRC/tests/ffs/h_ffsimg.py" img sb fs_ncg
		ffsimg img cg 1 cs_nbfree=$(($(ffsimg img cg 1 cs_nbfree) - 1))
		cp img before
		atf_check -s exit:1 -e match:'cylinder group 1: free block' \
		    -e match:'fsu_write: /big: Input/output error' \
		    -e match:'fsu_write: img: Input/output error' \
		    -x "fsu_write img /big <big"
		if [ $mode = off ]; then
			clean_is img 0
			refused_rw img
		else
			# Group 1 is still bad: no fsck; the names are back.
			fsu_ls before -lR / >ls.before 2>&1
			atf_check -s exit:0 -o file:ls.before fsu_ls img -lR /
		fi
	done
}

# failed_unchanged IMG BEFORE: a command on a crafted image failed: with
# the journal IMG is byte for byte BEFORE (nothing new was written), else
# it is not clean (the mount itself wrote that).
failed_unchanged() {
	if [ "$FSU_JOURNAL" = off ]; then
		clean_is "$1" 0
	else
		atf_check -s exit:0 cmp "$1" "$2"
	fi
	atf_check -s exit:0 -o match:'a$' -e ignore fsu_ls "$1" /a
}

atf_test_case ptr_metadata
ptr_metadata_head() {
	atf_set "descr" "a file's block pointer into the superblock, a group " \
	    "header, an inode table, the summary area or past the end is " \
	    "refused (EIO) on read, write, truncate and free"
	atf_set "require.progs" "makefs"
}
ptr_metadata_body() {
	h_init
	mkdir src
	echo a >src/a
	echo x >x
	head -c 3000 /dev/zero | tr '\0' f >src/f
	for mode in on off; do
	journal_mode $mode
	mkffs img src
	ino=$(fsu_ls img -i /f | awk '{ print $1 }')
	size=$(ffsimg img sb fs_size)
	cp img orig
	for blk in $(ffsimg img addr sb) $(ffsimg img addr cg:0) \
	    $(ffsimg img addr itable:0) $(ffsimg img addr csum) \
	    $((size - 1)) $((size + 8)); do
		cp orig img
		ffsimg img ino "$ino" db0="$blk"
		cp img before
		msg="data block $blk for logical block 0 is outside the file"
		msg="$msg system or in its metadata"
		atf_check -s exit:1 -e match:"$msg" fsu_cat img /f
		# Appending grows the last fragments: refused before any
		# change.
		atf_check -s exit:1 -e match:"$msg" -x "fsu_write img -a /f <x"
		failed_unchanged img before
		cp before img
		# Truncating (fsu_write without -a) and removing must not
		# free the fragments.
		atf_check -s exit:1 \
		    -e match:"freeing fragment $blk, outside the file system" \
		    -x "fsu_write img /f <x"
		failed_unchanged img before
		cp before img
		atf_check -s exit:1 \
		    -e match:"freeing fragment $blk, outside the file system" \
		    fsu_rm img /f
		failed_unchanged img before
	done
	done
	# The same with the single indirect block of a larger file.
	head -c 300000 /dev/zero | tr '\0' b >src/big
	for mode in on off; do
	journal_mode $mode
	mkffs img src
	ino=$(fsu_ls img -i /big | awk '{ print $1 }')
	cp img orig
	for blk in $(ffsimg img addr sb) $(ffsimg img addr cg:0) \
	    $(ffsimg img addr itable:0) $((size + 8)); do
		cp orig img
		ffsimg img ino "$ino" ib0="$blk"
		cp img before
		msg="indirect block $blk.* is outside the file system or in"
		msg="$msg its metadata"
		atf_check -s exit:1 -o ignore -e match:"$msg" fsu_cat img /big
		atf_check -s exit:1 -e match:"$msg" \
		    -x "fsu_write img -a /big <x"
		failed_unchanged img before
		cp before img
		atf_check -s exit:1 -e match:"$msg" fsu_rm img /big
		failed_unchanged img before
	done
	done
}

atf_test_case ptr_claimed_twice
ptr_claimed_twice_head() {
	atf_set "descr" "an indirect block that lists itself and is also " \
	    "another file's block: removing the file fails with EIO (no " \
	    "assertion, no exit 0), its changes discarded or the image not " \
	    "clean"
	atf_set "require.progs" "makefs"
}
ptr_claimed_twice_body() {
	h_init
	mkdir src
	echo a >src/a
	head -c 300000 /dev/zero | tr '\0' b >src/big
	head -c 16384 /dev/zero | tr '\0' o >src/other
	for mode in on off; do
		journal_mode $mode
		mkffs img src
		big=$(fsu_ls img -i /big | awk '{ print $1 }')
		other=$(fsu_ls img -i /other | awk '{ print $1 }')
		ib=$(ffsimg img ino "$big" ib0)
		ffsimg img ind "$ib" 0="$ib"
		ffsimg img ino "$other" db0="$ib"
		cp img before
		atf_check -s exit:1 -e match:"claimed twice" \
		    -e match:'fsu_rm: img: Input/output error' fsu_rm img /big
		failed_unchanged img before
		cp before img
		atf_check -s exit:1 -e match:"claimed twice" -x \
		    "echo x | fsu_write img /big"
		failed_unchanged img before
	done
}

atf_test_case ptr_loop
ptr_loop_head() {
	atf_set "descr" "a double indirect block that lists itself (a loop " \
	    "in the tree) makes removing the file fail with EIO"
	atf_set "require.progs" "makefs"
}
ptr_loop_body() {
	h_init
	mkdir src
	echo a >src/a
	# 4 KiB blocks of 512 eight-byte pointers: past 12 + 512 blocks the
	# file needs its double indirect block.
	head -c $((600 * 4096)) /dev/zero | tr '\0' l >src/big
	for mode in on off; do
		journal_mode $mode
		mkffs img src bsize=4096,fsize=512
		big=$(fsu_ls img -i /big | awk '{ print $1 }')
		ib=$(ffsimg img ino "$big" ib1)
		[ "$ib" -gt 0 ] || atf_fail "no double indirect block"
		ffsimg img ind "$ib" 0="$ib"
		cp img before
		atf_check -s exit:1 -e match:"claimed twice" \
		    -e match:'fsu_rm: img: Input/output error' fsu_rm img /big
		failed_unchanged img before
	done
}

atf_test_case bio_cgsize
bio_cgsize_head() {
	atf_set "descr" "a cylinder group size beyond the largest buffer " \
	    "makes fsu_fsck fail with a message, not an assertion in the " \
	    "buffer cache"
	atf_set "require.progs" "makefs"
}
bio_cgsize_body() {
	h_init
	mkdir src
	echo a >src/a
	mkffs img src
	ib=$(ffsimg img sb fs_iblkno)
	db=$(ffsimg img sb fs_dblkno)
	fsize=$(ffsimg img sb fs_fsize)
	ffsimg img copy "$ib" $((ib + 1100)) $((db - ib))
	ffsimg img sb fs_iblkno=$((ib + 1100)) fs_dblkno=$((db + 1100)) \
	    fs_cgsize=$((1100 * fsize))
	fsu_fsck img -n >out 2>err
	rv=$?
	[ "$rv" -ne 0 ] && [ "$rv" -lt 128 ] ||
	    { cat err >&2; atf_fail "fsu_fsck exited $rv"; }
	# Refused either by the superblock check (fs_cgsize over a block,
	# which a read-write mount refuses too) or by the buffer cache.
	cat out err >all
	atf_check -s exit:0 -o ignore grep -e 'no buffer of' \
	    -e 'cylinder group size [0-9]* is larger than a block' all
}

atf_test_case rename_dotdot
rename_dotdot_head() {
	atf_set "descr" "a rename whose check of the \"..\" chain cannot " \
	    "finish (a loop, a directory naming itself) fails with EIO " \
	    "instead of moving a directory under itself"
	atf_set "require.progs" "makefs"
}
rename_dotdot_body() {
	h_init
	mkdir -p src/a/b/c/d
	mkffs img src
	c=$(fsu_ls img -di /a/b/c | awk '{ print $1 }')
	d=$(fsu_ls img -di /a/b/c/d | awk '{ print $1 }')
	cp img orig
	# c's ".." names d, whose ".." names c: climbing from d never
	# reaches /a, which is d's ancestor.
	ffsimg img dotdot "$c" "$d"
	cp img before
	atf_check -s exit:1 -e match:'"\.\." chain above directory [0-9]* is deeper than the limit or loops' \
	    -e match:'fsu_mv: rename /a to /a/b/c/d/z: Input/output error' \
	    fsu_mv img /a /a/b/c/d/z
	atf_check -s exit:0 cmp img before
	cp orig img
	ffsimg img dotdot "$c" "$c"
	atf_check -s exit:1 -e match:"chain above directory $c names a directory itself" \
	    -e match:'Input/output error' fsu_mv img /a /a/b/c/d/z
	# The chain from elsewhere is fine: renames that do not climb
	# through c still work.
	atf_check -s exit:0 fsu_mv img /a/b/c/d /d
}

atf_test_case links_low
links_low_head() {
	atf_set "descr" "link counts too low for what names an inode (the " \
	    "last link gone frees it while still named) fail the command, " \
	    "nothing written"
	atf_set "require.progs" "makefs"
}
links_low_body() {
	h_init
	mkdir -p src/d/s1 src/d/s2
	echo f >src/f
	mkffs img src
	d=$(fsu_ls img -di /d | awk '{ print $1 }')
	f=$(fsu_ls img -i /f | awk '{ print $1 }')
	cp img orig
	# /d has two subdirectories, so four links; with two, removing
	# both would free /d and everything in it.
	ffsimg img ino "$d" nlink=2
	cp img before
	atf_check -s exit:1 \
	    -e match:"directory $d: link count 2 is too low for a subdirectory" \
	    fsu_rmdir img /d/s1 /d/s2
	atf_check -s exit:0 cmp img before
	atf_check -s exit:1 -e match:"link count 2 is too low" \
	    fsu_mv img /d/s1 /s1
	atf_check -s exit:0 cmp img before
	# A file named in a directory without links: any change would free
	# it when its vnode goes.
	cp orig img
	ffsimg img ino "$f" nlink=0
	cp img before
	atf_check -s exit:1 -e match:"inode $f: link count 0 is too low" \
	    fsu_chmod img 600 /f
	atf_check -s exit:0 cmp img before
	atf_check -s exit:0 -o inline:"f\n" fsu_cat img /f
}

atf_init_test_cases() {
	atf_add_test_case wrerr_eviction
	atf_add_test_case wrerr_inactive
	atf_add_test_case wrerr_unmount
	atf_add_test_case wrerr_barrier
	atf_add_test_case unchanged
	atf_add_test_case sb_contigsumsize
	atf_add_test_case sb_maxcontig
	atf_add_test_case sb_cgsize
	atf_add_test_case sb_summary
	atf_add_test_case cg_offsets
	atf_add_test_case cg_counts
	atf_add_test_case cg_after_changes
	atf_add_test_case ptr_metadata
	atf_add_test_case ptr_claimed_twice
	atf_add_test_case ptr_loop
	atf_add_test_case bio_cgsize
	atf_add_test_case rename_dotdot
	atf_add_test_case links_low
}
