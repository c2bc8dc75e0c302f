#! /usr/bin/env atf-sh
# t_fsu_fsck.sh: fsu_fsck against images made by makefs, clean and damaged.
#
# Clean images of every FFS row of tests/common/fstab: fsu_fsck -n finds
# nothing and agrees with the independent checker (ffs_check.py) on the
# inodes and fragments in use.  Damaged images (h_corrupt.py: a table of
# kinds of damage, each applied to a UFS2 and a big-endian UFS1 image):
# -n reports it and changes nothing; -y repairs it; afterwards -n and
# ffs_check.py find the image consistent, every file that was not damaged
# reads back byte for byte, and the image takes a write again.  Preen
# mode repairs images left by write commands killed midway.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	PATH="$FSU_BIN:$PATH"
	export PATH
	. "$FSU_SRC/tests/common/fstab.sh"
	CORRUPT="$FSU_SRC/tests/fsck/h_corrupt.py"
	umask 022
}

need_oracle() {
	[ -n "${FFS_CHECK:-}" ] && [ -f "$FFS_CHECK" ] ||
	    atf_skip "the FFS checker ffs_check.py is missing (FFS_CHECK)"
}

# oracle IMG: ffs_check.py says OK; prints "inodes frags".
oracle() {
	python3 "$FFS_CHECK" "$1" >oracle.out 2>&1 ||
	    atf_fail "ffs_check: $(head -n 3 oracle.out | tr '\n' ' ')"
	sed -n 's/^OK: ufs[12], \([0-9]*\) inodes used, \([0-9]*\) frags used$/\1 \2/p' \
	    oracle.out
}

# The tree of the damage tests (h_corrupt.py knows its paths).
mktree() {
	mkdir -p tree/d1/d2/d3 tree/e
	i=1
	while [ $i -le 50 ]; do
		seq 1 $((i * 400)) >tree/d1/f$i
		i=$((i + 1))
	done
	seq 1 400000 >tree/d1/big
	ln tree/d1/f1 tree/e/hard
	ln -s ../d1/f2 tree/e/sym
	mkfifo tree/e/fifo
	echo leaf >tree/d1/d2/d3/leaf
}

atf_test_case clean
clean_head() {
	atf_set "descr" "clean images of every FFS row: fsu_fsck -n agrees" \
	    "with ffs_check.py"
	atf_set "require.progs" "makefs python3"
	atf_set "timeout" "600"
}
clean_body() {
	h_init
	need_oracle
	mktree
	for row in $(fstab_rows ffs); do
		fstab_mkimg "$row" img 32 tree ||
		    atf_fail "$row: making the image failed"
		want=$(oracle img)
		atf_check -s exit:0 -o save:fsck.out fsu_fsck img -n
		got=$(sed -n 's/^img: \([0-9]*\) files, \([0-9]*\) fragments used; 0 problems found$/\1 \2/p' \
		    fsck.out)
		[ -n "$want" ] && [ "$got" = "$want" ] ||
		    atf_fail "$row: fsu_fsck says '$got', ffs_check '$want'"
		# Preen leaves a clean image alone; -f checks it anyway.
		atf_check -s exit:0 -o match:'clean; not checking' \
		    fsu_fsck img -p
		atf_check -s exit:0 -o match:'0 problems found, 0 fixed' \
		    fsu_fsck img -p -f
	done
}

# damage KIND ROW: the whole cycle for one kind of damage on one row.
damage() {
	kind=$1 row=$2
	rm -rf out
	fstab_mkimg "$row" img 32 tree || atf_fail "$row: making the image"
	python3 "$CORRUPT" img "$kind" ||
	    atf_fail "$row: h_corrupt.py $kind failed"
	cp img before.img
	fsu_fsck img -n >n.out 2>&1
	rv=$?
	[ $rv -eq 8 ] || atf_fail "$row $kind: -n exited $rv, not 8: " \
	    "$(tail -n 2 n.out | tr '\n' ' ')"
	grep -q 'problem' n.out || atf_fail "$row $kind: -n reported nothing"
	cmp -s img before.img || atf_fail "$row $kind: -n changed the image"
	fsu_fsck img -y >y.out 2>&1
	rv=$?
	[ $rv -eq 0 ] || atf_fail "$row $kind: -y exited $rv:" \
	    "$(grep -v '(fixed)' y.out | head -n 3 | tr '\n' ' ')"
	fsu_fsck img -n >n2.out 2>&1 ||
	    atf_fail "$row $kind: still damaged after -y:" \
	    "$(head -n 3 n2.out | tr '\n' ' ')"
	oracle img >/dev/null
	# Every file that was not damaged reads back as it was.
	pat=$(python3 "$CORRUPT" --damaged "$kind")
	(cd tree && find . -type f) | sed 's|^\.||' | while read -r f; do
		if fsu_cat img "$f" >got 2>/dev/null; then
			case $f in $pat) continue ;; esac
			cmp -s got "tree$f" || { echo "$f differs"; break; }
		else
			case $f in $pat) ;; *) echo "$f is gone"; break ;; esac
		fi
	done >bad
	[ ! -s bad ] || atf_fail "$row $kind: $(cat bad)"
	# It takes a write again, and stays consistent.
	atf_check -s exit:0 fsu_mkdir img /after
	echo more | atf_check -s exit:0 fsu_write img /after/f
	atf_check -s exit:0 -o ignore fsu_fsck img -n
	oracle img >/dev/null
}

atf_test_case preen_killed
preen_killed_head() {
	atf_set "descr" "fsu_fsck -p repairs images left by fsu_put -R" \
	    "killed at random moments"
	atf_set "require.progs" "makefs python3"
	atf_set "timeout" "600"
}
preen_killed_body() {
	h_init
	need_oracle
	mkdir -p src empty
	i=0
	while [ $i -lt 300 ]; do
		mkdir -p src/d$((i % 17))
		seq 1 $((i * 37)) >src/d$((i % 17))/f$i
		i=$((i + 1))
	done
	n=0 repaired=0
	while [ $n -lt 12 ]; do
		n=$((n + 1))
		makefs -t ffs -s 32m -o version=2 img empty >/dev/null ||
		    atf_fail "makefs"
		FSU_JOURNAL=off fsu_put img -R src /src &
		pid=$!
		# 5 to 60 ms: somewhere in the middle of the copy.
		sleep "0.0$(( (n * 7) % 6 + 1))$(( n % 10 ))"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		fsu_fsck img -p >p.out 2>&1
		rv=$?
		[ $rv -eq 0 ] || atf_fail "round $n: -p exited $rv:" \
		    "$(grep -v '(fixed)' p.out | head -n 3 | tr '\n' ' ')"
		grep -q 'fixed' p.out && repaired=$((repaired + 1))
		atf_check -s exit:0 -o ignore fsu_fsck img -n -f
		oracle img >/dev/null
		echo x | atf_check -s exit:0 fsu_write img /after
	done
	echo "$repaired of $n killed images needed repairs"
}

atf_test_case partition
partition_head() {
	atf_set "descr" "an image inside GPT partition 3 is checked and" \
	    "repaired with -p 3 and disk%3%, and nothing outside it changes"
	atf_set "require.progs" "makefs python3 sgdisk"
}
partition_body() {
	h_init
	mktree
	fstab_mkimg ufs1-be-4k ffs.img 12 tree || atf_fail "makefs"
	python3 "$CORRUPT" ffs.img nlink-high
	truncate -s 24M disk
	atf_check -o ignore -e ignore sgdisk -n 1:2048:+2M -t 1:0700 \
	    -n 2:0:+2M -t 2:8300 -n 3:0:+13M -t 3:a503 disk
	start=$(sgdisk -i 3 disk | awk '/^First sector/ { print $3 }')
	atf_check -o ignore -e ignore dd if=ffs.img of=disk bs=512 \
	    seek="$start" conv=notrunc
	head -c $((start * 512)) disk >front.before
	atf_check -s exit:8 -o match:'link count 3, but 1 entries' \
	    fsu_fsck -p 3 disk -n
	atf_check -s exit:0 -o match:'(fixed)' fsu_fsck disk%3% -p -f
	atf_check -s exit:0 -o match:' 0 problems found' fsu_fsck -p 3 disk
	head -c $((start * 512)) disk >front.after
	cmp -s front.before front.after ||
	    atf_fail "the disk outside partition 3 changed"
	atf_check -s exit:1 -e match:'partition' fsu_fsck -p 2 disk
}

atf_test_case errors
errors_head() {
	atf_set "descr" "bad options, missing images, other file systems:" \
	    "one line and exit 1"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mkdir empty
	makefs -t ffs -s 4m img empty >/dev/null || atf_fail "makefs"
	atf_check -s exit:1 -e match:'usage' fsu_fsck img -x
	atf_check -s exit:1 -e match:'exclude' fsu_fsck img -n -y
	atf_check -s exit:1 -e match:'usage' fsu_fsck img extra
	atf_check -s exit:1 -e match:'No such file' fsu_fsck nonexistent -n
	head -c 1048576 /dev/zero >zero.img
	atf_check -s exit:1 -e match:'no supported file system' \
	    fsu_fsck zero.img -n
	# A truncated image: errors, never a crash.
	head -c 200000 img >short.img
	fsu_fsck short.img -y >out 2>&1
	rv=$?
	[ $rv -eq 1 ] || [ $rv -eq 8 ] || atf_fail "truncated: exit $rv"
}

atf_init_test_cases() {
	atf_add_test_case clean
	atf_add_test_case partition
	atf_add_test_case errors
	atf_add_test_case preen_killed
	. "$(atf_get_srcdir)/../env.sh"
	for _k in $(python3 "$FSU_SRC/tests/fsck/h_corrupt.py" --list); do
		_tc=$(echo "$_k" | tr -c 'a-zA-Z0-9\n' _)
		eval "${_tc}_head() {
			atf_set descr 'damage \"$_k\" is reported by -n and' \
			    'repaired by -y (UFS2 and big-endian UFS1)'
			atf_set require.progs 'makefs python3'
			atf_set timeout 300
		}
		${_tc}_body() {
			h_init
			need_oracle
			mktree
			damage $_k ufs2-4k
			damage $_k ufs1-be-4k
		}"
		atf_add_test_case "$_tc"
	done
}
