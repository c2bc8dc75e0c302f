#! /usr/bin/env atf-sh
# t_journal.sh: every read-write command is all-or-nothing (the journal,
# kern/dev/jrnl.c), seen through the programs.
#
# A crash is simulated with FSU_CRASH_AFTER=N (the process stops, as at a
# power cut, before its host write or sync number N+1) for every N from 0
# until the command completes; after each, a reader (h_snap, read-only,
# through the journal) and then a writer (h_snap -w, which recovers) must
# see exactly the state before the command or the state after it (names,
# types, modes, owners, sizes, times and contents), and the image must
# pass the independent checker ffs_check.py.  FSU_BLKFAIL_NTH=N fails the
# Nth block request with EIO the same way: a command that fails leaves
# the state before it.  SOURCE_DATE_EPOCH makes the times of a run and of
# the reference run the same.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	PATH="$FSU_BIN:$(atf_get_srcdir):$PATH"
	SOURCE_DATE_EPOCH=1700000000
	LC_ALL=C
	export PATH SOURCE_DATE_EPOCH LC_ALL
	unset FSU_JOURNAL FSU_CRASH_AFTER FSU_BLKFAIL_NTH RUMP_BLKFAIL \
	    FSU_DEVICE FSU_TYPE FSU_MNTOPTS
	umask 022
	if [ -z "${FFS_CHECK:-}" ] || [ ! -f "$FFS_CHECK" ]; then
		atf_skip "the FFS checker ffs_check.py is missing (it is" \
		    "../shared/oracles/ffs_check.py beside the project)"
	fi
	checked=
}

# check_img IMG: ffs_check.py finds nothing wrong.  An image with the
# same bytes as one checked already is not checked again.
check_img() {
	_sum=$(cksum <"$1")
	case " $checked " in *" $_sum "*) return 0 ;; esac
	python3 "$FFS_CHECK" "$1" >chk.out 2>&1
	if [ $? -ne 0 ] || ! grep -q '^OK' chk.out; then
		head -n 10 chk.out >&2
		atf_fail "ffs_check.py: $1: $(head -n 2 chk.out | tr '\n' ' ')"
	fi
	checked="$checked $_sum"
}

# snap IMG [-w]: the state of the image (h_snap).
snap() {
	h_snap $2 "$1" >snap.out 2>snap.err ||
	    atf_fail "h_snap $2 $1: $(cat snap.err)"
	cat snap.out
}

# A small tree on the host.
mktree() {
	mkdir -p tree/a/b tree/c tree/d
	i=1
	while [ $i -le 6 ]; do
		head -c $((i * 2900)) /dev/urandom >tree/a/f$i
		i=$((i + 1))
	done
	head -c 70000 /dev/urandom >tree/big
	echo hello >tree/c/x
	ln -s ../a/f1 tree/c/link
	printf 'a\nb\n' >tree/d/lines
}

# base.img: an 8 MiB UFS2 image of 4 KiB blocks (12 direct blocks cover
# 48 KiB), empty; full.img: the same with the tree at /t and a 40000-byte
# file /g.
mkimages() {
	mktree
	mkdir -p empty
	makefs -t ffs -s 8m -f 2000 -o version=2,bsize=4096,fsize=512 \
	    base.img empty >/dev/null || atf_fail "makefs"
	cp base.img full.img
	fsu_put full.img -R tree /t || atf_fail "fsu_put"
	head -c 40000 /dev/urandom >grow0
	fsu_write full.img /g <grow0 || atf_fail "fsu_write"
	head -c 300000 /dev/urandom >grow1
	rm -f full.img.fsu-journal base.img.fsu-journal
}

# crash_loop BASE FN: run "FN img" on a copy of BASE with a crash after
# every number of host writes and syncs.
crash_loop() {
	_base=$1 _fn=$2
	cp "$_base" ref.img
	rm -f ref.img.fsu-journal
	$_fn ref.img >/dev/null 2>ref.err ||
	    atf_fail "the command without a crash: $(cat ref.err)"
	snap "$_base" >before.snap
	snap ref.img >after.snap
	cmp -s before.snap after.snap && atf_fail "the command changes nothing"
	check_img ref.img
	_n=0 _nb=0 _na=0
	while :; do
		cp "$_base" img
		rm -f img.fsu-journal
		FSU_CRASH_AFTER=$_n $_fn img >/dev/null 2>run.err
		_rv=$?
		if [ $_rv -ne 99 ]; then
			[ $_rv -eq 0 ] || atf_fail "N=$_n: exit $_rv:" \
			    "$(cat run.err)"
			snap img >s.snap
			cmp -s s.snap after.snap ||
			    atf_fail "N=$_n: completed, not in the state after"
			break
		fi
		snap img >s1.snap
		if cmp -s s1.snap before.snap; then
			_nb=$((_nb + 1))
		elif cmp -s s1.snap after.snap; then
			_na=$((_na + 1))
		else
			diff before.snap s1.snap >&2
			atf_fail "N=$_n: neither the state before nor after"
		fi
		snap img -w >s2.snap
		cmp -s s1.snap s2.snap ||
		    atf_fail "N=$_n: a writer sees another state than a reader"
		check_img img
		_n=$((_n + 1))
	done
	echo "$_fn: $_n crash points: $_nb before, $_na after"
	[ $_nb -gt 0 ] && [ $_na -gt 0 ] ||
	    atf_fail "expected crashes before and after the commit"
}

cmd_put() { fsu_put "$1" -R tree /t; }
cmd_rm() { fsu_rm "$1" -r /t; }
cmd_mv() { fsu_mv "$1" /t/a /t/c/moved; }
cmd_grow() { fsu_write "$1" -a /g <grow1; }
cmd_batch() { fsu_batch "$1" batch20; }

atf_test_case crash_put
crash_put_head() {
	atf_set "descr" "fsu_put -R of a small tree: a crash at any host" \
	    "write or sync leaves the state before or after"
	atf_set "require.progs" "makefs python3"
	atf_set "timeout" "300"
}
crash_put_body() {
	h_init
	mkimages
	crash_loop base.img cmd_put
}

atf_test_case crash_rm
crash_rm_head() {
	atf_set "descr" "fsu_rm -r of a tree: a crash at any host write or" \
	    "sync leaves the state before or after"
	atf_set "require.progs" "makefs python3"
	atf_set "timeout" "300"
}
crash_rm_body() {
	h_init
	mkimages
	crash_loop full.img cmd_rm
}

atf_test_case crash_mv
crash_mv_head() {
	atf_set "descr" "fsu_mv of a directory into another: a crash at any" \
	    "host write or sync leaves the state before or after"
	atf_set "require.progs" "makefs python3"
	atf_set "timeout" "300"
}
crash_mv_body() {
	h_init
	mkimages
	crash_loop full.img cmd_mv
}

atf_test_case crash_grow
crash_grow_head() {
	atf_set "descr" "fsu_write -a growing a file from its direct blocks" \
	    "into indirect ones: a crash at any host write or sync leaves" \
	    "the state before or after"
	atf_set "require.progs" "makefs python3"
	atf_set "timeout" "300"
}
crash_grow_body() {
	h_init
	mkimages
	crash_loop full.img cmd_grow
}

atf_test_case crash_batch
crash_batch_head() {
	atf_set "descr" "fsu_batch of 20 mixed commands: a crash at any" \
	    "host write or sync leaves the state before or after"
	atf_set "require.progs" "makefs python3"
	atf_set "timeout" "300"
}
crash_batch_body() {
	h_init
	mkimages
	cat >batch20 <<'EOF'
mkdir -p /n/a/b
write /n/motd <<END
a line
END
put -R tree/a /n/copy
chmod 600 /n/motd
chown 12:34 /n/motd
ln -s motd /n/link
ln /n/motd /n/hard
mv /t/c /n/moved
rm -r /t/a
cp -R /n/copy /n/copy2
touch -t 202001020304 /n/a
chflags nodump /n/copy/f2
mkfifo /n/fifo
mknod /n/dev c 3 4
write /g < grow0
write -a /n/motd < tree/d/lines
rmdir /n/a/b
mkdir /n/x
mv /n/x /n/y
rm /n/copy2/f1
EOF
	crash_loop full.img cmd_batch
}

atf_test_case kill_put
kill_put_head() {
	atf_set "descr" "fsu_put -R of a larger tree killed (SIGKILL) at" \
	    "random moments leaves the state before or after"
	atf_set "require.progs" "makefs python3"
	atf_set "timeout" "300"
}
kill_put_body() {
	h_init
	mkdir -p src empty
	python3 -c '
import os, random
r = random.Random(5)
for i in range(400):
    d = "src/d%02d" % (i % 23)
    os.makedirs(d, exist_ok=True)
    with open("%s/f%03d" % (d, i), "wb") as f:
        f.write(r.randbytes(r.choice([300, 3000, 20000, 90000])))
'
	makefs -t ffs -s 64m -f 2000 -o version=2 base.img empty >/dev/null ||
	    atf_fail "makefs"
	cp base.img ref.img
	t0=$(date +%s%N)
	fsu_put ref.img -R src /s || atf_fail "fsu_put"
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 + 1 ))
	snap base.img >before.snap
	snap ref.img >after.snap
	n=0 nb=0 na=0
	while [ $n -lt 10 ]; do
		n=$((n + 1))
		cp base.img img
		rm -f img.fsu-journal
		fsu_put img -R src /s 2>/dev/null &
		pid=$!
		# Anywhere from the start to a little past the reference time.
		d=$(( (n * 7919) % (ms + ms / 4 + 1) ))
		sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		snap img >s1.snap
		if cmp -s s1.snap before.snap; then
			nb=$((nb + 1))
		elif cmp -s s1.snap after.snap; then
			na=$((na + 1))
		else
			atf_fail "round $n (killed after $d ms): neither the" \
			    "state before nor after"
		fi
		snap img -w >s2.snap
		cmp -s s1.snap s2.snap || atf_fail "round $n: recovery changed" \
		    "the state"
		check_img img
	done
	echo "$n rounds of $ms ms: $nb before, $na after"
}

# eio_loop BASE FN: fail the Nth block request for every N.
eio_loop() {
	_base=$1 _fn=$2
	cp "$_base" ref.img
	rm -f ref.img.fsu-journal
	$_fn ref.img >/dev/null 2>&1 || atf_fail "the command without errors"
	snap "$_base" >before.snap
	snap ref.img >after.snap
	_n=1 _nf=0
	while :; do
		cp "$_base" img
		rm -f img.fsu-journal
		FSU_BLKFAIL_NTH=$_n $_fn img >/dev/null 2>run.err
		_rv=$?
		snap img >s.snap
		if ! grep -q 'injected I/O error' run.err; then
			[ $_rv -eq 0 ] || atf_fail "N=$_n: failed without an" \
			    "injected error: $(cat run.err)"
			cmp -s s.snap after.snap || atf_fail "N=$_n: not the" \
			    "state after"
			break
		fi
		if [ $_rv -eq 0 ]; then
			# The error hit a request that was retried (the probe).
			cmp -s s.snap after.snap || atf_fail "N=$_n: succeeded" \
			    "but not in the state after"
		else
			_nf=$((_nf + 1))
			cmp -s s.snap before.snap || atf_fail "N=$_n: failed" \
			    "but not in the state before: $(cat run.err)"
		fi
		check_img img
		_n=$((_n + 1))
	done
	echo "$_fn: $((_n - 1)) requests, $_nf failures"
	[ $_nf -gt 0 ] || atf_fail "no failure seen"
}

atf_test_case eio_every_request
eio_every_request_head() {
	atf_set "descr" "an I/O error at any block request makes put -R," \
	    "rm -r, mv and a growing write fail cleanly, leaving the state" \
	    "before"
	atf_set "require.progs" "makefs python3"
	atf_set "timeout" "600"
}
eio_every_request_body() {
	h_init
	mkimages
	eio_loop base.img cmd_put
	eio_loop full.img cmd_rm
	eio_loop full.img cmd_mv
	eio_loop full.img cmd_grow
}

# A committed journal the image does not have yet: a crash right after the
# commit point of cmd_put on base.img.  Leaves hot.img and its journal.
mkhot() {
	_n=0
	while [ $_n -lt 200 ]; do
		cp base.img img
		rm -f img.fsu-journal
		FSU_CRASH_AFTER=$_n cmd_put img >/dev/null 2>&1
		[ $? -eq 99 ] || atf_fail "no crash point after the commit"
		snap img | grep -q '^/t ' && break
		_n=$((_n + 1))
	done
	mv img hot.img
	mv img.fsu-journal hot.img.fsu-journal
}

atf_test_case readonly_hot
readonly_hot_head() {
	atf_set "descr" "a read-only image with a hot journal is read" \
	    "through it, and neither file changes; a writer applies it"
	atf_set "require.progs" "makefs python3"
}
readonly_hot_body() {
	h_init
	mkimages
	cp base.img ref.img
	cmd_put ref.img
	snap ref.img >after.snap
	mkhot
	cp hot.img ro.img
	cp hot.img.fsu-journal ro.img.fsu-journal
	chmod 444 ro.img ro.img.fsu-journal
	cksum ro.img ro.img.fsu-journal >sums
	snap ro.img >s.snap
	cmp -s s.snap after.snap || atf_fail "the reader does not see the" \
	    "committed changes"
	atf_check -s exit:0 -o file:tree/c/x \
	    -e match:'reading through the journal' fsu_cat ro.img /t/c/x
	atf_check -s exit:0 -o match:'^t$' -e ignore fsu_ls ro.img /
	mkdir out
	atf_check -s exit:0 -e ignore fsu_get ro.img -R /t out/t
	diff -r tree out/t >/dev/null || atf_fail "fsu_get: not the tree"
	if [ "$(id -u)" -ne 0 ]; then
		atf_check -s exit:1 -e ignore fsu_mkdir ro.img /x
	fi
	cksum ro.img ro.img.fsu-journal | cmp -s - sums ||
	    atf_fail "a read-only command changed a file"
	chmod 644 ro.img
	atf_check -s exit:0 -o save:s.snap -e match:'completed the changes' \
	    h_snap -w ro.img
	cmp -s s.snap after.snap || atf_fail "not applied"
	cmp -s hot.img ro.img && atf_fail "the image did not change"
	check_img ro.img
}

atf_test_case torn_journal
torn_journal_head() {
	atf_set "descr" "a journal without its commit record, or with a" \
	    "torn header, is discarded with a message: the state before"
	atf_set "require.progs" "makefs python3"
}
torn_journal_body() {
	h_init
	mkimages
	snap base.img >before.snap
	mkhot
	size=$(wc -c <hot.img.fsu-journal)
	# The commit record cut off.
	cp hot.img img
	head -c $((size - 64)) hot.img.fsu-journal >img.fsu-journal
	snap img >s.snap
	cmp -s s.snap before.snap || atf_fail "a reader sees a torn journal"
	atf_check -s exit:0 -o save:s.snap \
	    -e match:'discarded the journal of a command' h_snap -w img
	cmp -s s.snap before.snap || atf_fail "not the state before"
	check_img img
	atf_check -s exit:0 -o ignore -e empty h_snap -w img
	# Its header cut short.
	cp hot.img img
	head -c 1000 hot.img.fsu-journal >img.fsu-journal
	atf_check -s exit:0 -o save:s.snap -e match:'header is not complete' \
	    h_snap -w img
	cmp -s s.snap before.snap || atf_fail "not the state before"
	# A data record damaged before the commit record.
	cp hot.img img
	cp hot.img.fsu-journal img.fsu-journal
	printf 'XXXX' | dd of=img.fsu-journal bs=1 seek=$((4096 + 64 + 100)) \
	    conv=notrunc 2>/dev/null
	atf_check -s exit:0 -o save:s.snap -e match:'discarded' h_snap -w img
	cmp -s s.snap before.snap || atf_fail "not the state before"
	check_img img
}

atf_test_case foreign_journal
foreign_journal_head() {
	atf_set "descr" "a hot journal that belongs to another image (other" \
	    "contents, other size) is refused with a message and applied" \
	    "by no command"
	atf_set "require.progs" "makefs python3"
}
foreign_journal_body() {
	h_init
	mkimages
	mkhot
	cp full.img img
	cp hot.img.fsu-journal img.fsu-journal
	cksum img img.fsu-journal >sums
	atf_check -s exit:1 -e match:'belongs to another image' \
	    -e match:'fsu_ls: img: the journal beside the image cannot be used' \
	    fsu_ls img /
	atf_check -s exit:1 -e match:'belongs to another image' \
	    fsu_mkdir img /x
	cksum img img.fsu-journal | cmp -s - sums ||
	    atf_fail "a refused journal changed a file"
	# Another size.
	cp hot.img img
	truncate -s 9m img
	atf_check -s exit:1 -e match:'for a device of 8388608 bytes' \
	    fsu_ls img /
	# Removing the journal gives the image back as it is.
	rm img.fsu-journal
	cp full.img img
	atf_check -s exit:0 -o ignore fsu_ls img /
}

atf_test_case race
race_head() {
	atf_set "descr" "two writers started together: one runs, the other" \
	    "fails with 'image is busy' and changes nothing"
	atf_set "require.progs" "makefs python3"
}
race_body() {
	h_init
	mkimages
	i=0
	while [ $i -lt 5 ]; do
		i=$((i + 1))
		cp base.img img
		rm -f img.fsu-journal
		fsu_put img -R tree /one 2>e1 &
		p1=$!
		fsu_put img -R tree /two 2>e2 &
		p2=$!
		wait $p1
		r1=$?
		wait $p2
		r2=$?
		names=$(fsu_ls img /)
		for r in "$r1:e1:one" "$r2:e2:two"; do
			rv=${r%%:*} f=${r#*:} f=${f%%:*} d=${r##*:}
			if [ "$rv" -eq 0 ]; then
				echo "$names" | grep -qx "$d" ||
				    atf_fail "/$d is missing"
			else
				grep -q 'image is busy' "$f" ||
				    atf_fail "$d: $(cat $f)"
				echo "$names" | grep -qx "$d" &&
				    atf_fail "/$d exists"
			fi
		done
		check_img img
	done
}

atf_test_case journal_file
journal_file_head() {
	atf_set "descr" "the journal file: found through the image's real" \
	    "path, kept empty between commands (removed with" \
	    "FSU_JOURNAL=remove), never made with FSU_JOURNAL=off, and a" \
	    "directory that cannot hold it is a clear error"
	atf_set "require.progs" "makefs python3"
}
journal_file_body() {
	h_init
	mkimages
	cp base.img img
	atf_check -s exit:0 -o empty -e empty fsu_mkdir img /a
	test -f img.fsu-journal || atf_fail "no journal file kept"
	od -A d -t x1 -j 16 -N 4 img.fsu-journal | head -n 1 |
	    grep -q '00 00 00 00' || atf_fail "the journal is not empty"
	FSU_JOURNAL=remove fsu_mkdir img /b || atf_fail "remove"
	test -e img.fsu-journal && atf_fail "FSU_JOURNAL=remove kept it"
	FSU_JOURNAL=off fsu_mkdir img /c || atf_fail "off"
	test -e img.fsu-journal && atf_fail "FSU_JOURNAL=off made one"
	check_img img
	# A hot journal is applied even with FSU_JOURNAL=off.
	mkhot
	cp hot.img img
	cp hot.img.fsu-journal img.fsu-journal
	atf_check -s exit:0 -e match:'completed' env FSU_JOURNAL=off \
	    fsu_mkdir img /x
	test -e img.fsu-journal && atf_fail "FSU_JOURNAL=off kept it"
	fsu_ls img / | grep -qx t || atf_fail "not applied"
	# Through a symbolic link: the journal beside the real file.
	mkdir real
	cp hot.img real/img
	cp hot.img.fsu-journal real/img.fsu-journal
	ln -s real/img link.img
	atf_check -s exit:0 -o match:'^t$' -e match:'reading through' \
	    fsu_ls link.img /
	test -e link.img.fsu-journal && atf_fail "a journal beside the link"
	# A directory where no journal can be made.
	if [ "$(id -u)" -ne 0 ]; then
		mkdir ro
		cp base.img ro/img
		chmod 555 ro
		atf_check -s exit:1 -e match:'cannot create the journal' \
		    fsu_mkdir ro/img /x
		chmod 755 ro
	fi
}

atf_init_test_cases() {
	atf_add_test_case crash_put
	atf_add_test_case crash_rm
	atf_add_test_case crash_mv
	atf_add_test_case crash_grow
	atf_add_test_case crash_batch
	atf_add_test_case kill_put
	atf_add_test_case eio_every_request
	atf_add_test_case readonly_hot
	atf_add_test_case torn_journal
	atf_add_test_case foreign_journal
	atf_add_test_case race
	atf_add_test_case journal_file
}
