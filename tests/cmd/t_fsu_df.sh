#! /usr/bin/env atf-sh
# t_fsu_df.sh: fsu_df against the counts of the independent FFS checker
# (ffs_check.py -v: fragments used, free blocks and fragments, free
# inodes), in the formats of BSD df and POSIX df -P.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
	unset BLOCKSIZE
}

# An image with some files, and the checker's counts in the variables
# FSIZE FRAG USED NBFREE NFFREE NIFREE IUSED.
df_img() {
	[ -n "$FFS_CHECK" ] || atf_skip "no ffs_check.py"
	mktree tree
	mkempty img
	atf_check -s exit:0 -o empty -e empty fsu_put img -R tree /
	python3 "$FFS_CHECK" -v img >check.out 2>&1 || atf_fail "ffs_check"
	eval "$(python3 - check.out <<'PY'
import re, sys
t = open(sys.argv[1]).read()
g = re.search(r"bsize (\d+) fsize (\d+)", t)
c = re.search(r"nbfree/nifree/nffree \[(\d+), (\d+), (\d+), (\d+)\]", t)
u = re.search(r"OK: \S+ (\d+) inodes used, (\d+) frags used", t)
print("FSIZE=%s FRAG=%d NBFREE=%s NIFREE=%s NFFREE=%s IUSED=%s USED=%s" % (
    g.group(2), int(g.group(1)) // int(g.group(2)), c.group(2), c.group(3),
    c.group(4), u.group(1), u.group(2)))
PY
)"
	[ -n "$USED" ] || atf_fail "ffs_check: $(cat check.out)"
	FREE=$((NBFREE * FRAG + NFFREE))
}

atf_test_case counts
counts_head() {
	atf_set "descr" "size, used, free and inodes as the independent " \
	    "checker counts them"
	atf_set "require.progs" "makefs python3"
}
counts_body() {
	h_init
	df_img
	# In fragments: -P with BLOCKSIZE as the fragment size is not
	# possible, so 512-byte units (a fragment is a multiple of 512).
	k=$((FSIZE / 512))
	atf_check -s exit:0 -o save:out fsu_df img -P
	set -- $(tail -n 1 out)
	[ "$1" = img ] || atf_fail "name: $1"
	[ "$2" -eq $(((USED + FREE) * k)) ] || atf_fail "total $2, want $(((USED + FREE) * k))"
	[ "$3" -eq $((USED * k)) ] || atf_fail "used $3, want $((USED * k))"
	[ "$4" -le $((FREE * k)) ] && [ "$4" -ge $((FREE * k * 80 / 100)) ] ||
	    atf_fail "avail $4 of free $((FREE * k))"
	pct=$(((USED * k * 100 + $3 + $4 - 1) / ($3 + $4)))
	[ "$5" = "$pct%" ] || atf_fail "capacity $5, want $pct%"
	[ "$6" = / ] || atf_fail "mounted on $6"
	atf_check -s exit:0 -o save:out fsu_df img -i
	set -- $(tail -n 1 out)
	[ "$6" -eq "$IUSED" ] || atf_fail "iused $6, want $IUSED"
	[ "$7" -eq "$NIFREE" ] || atf_fail "ifree $7, want $NIFREE"
}

atf_test_case formats
formats_head() {
	atf_set "descr" "headers and units: 512 bytes, BLOCKSIZE, -k, -h, " \
	    "-i, -P, -Pk"
	atf_set "require.progs" "makefs python3"
}
formats_body() {
	h_init
	df_img
	t=$(((USED + FREE) * FSIZE))
	atf_check -s exit:0 \
	    -o match:"^Filesystem 512-blocks       Used      Avail %Cap Mounted on$" \
	    -o match:"^img        +$((t / 512)) +$((USED * FSIZE / 512)) +[0-9]+ +[0-9]+% /$" \
	    fsu_df img
	atf_check -s exit:0 \
	    -o match:"^Filesystem  1K-blocks       Used      Avail %Cap Mounted on$" \
	    -o match:"^img +$((t / 1024)) +$((USED * FSIZE / 1024)) " \
	    fsu_df img -k
	atf_check -s exit:0 -o match:"^Filesystem  1K-blocks " \
	    env BLOCKSIZE=1024 fsu_df img
	atf_check -s exit:0 -o match:"^Filesystem  1M-blocks " \
	    -o match:"^img +6[0-9] " env BLOCKSIZE=1m fsu_df img
	atf_check -s exit:0 \
	    -o match:"^Filesystem       Size       Used      Avail %Cap Mounted on$" \
	    -o match:"^img +6[0-9]M +[0-9.]+[KM] +[0-9.]+M +[0-9]+% /$" \
	    fsu_df img -h
	atf_check -s exit:0 \
	    -o match:"^Filesystem 512-blocks       Used      Avail %Cap    iUsed   iAvail %iCap Mounted on$" \
	    -o match:" $IUSED +$NIFREE +[0-9]+% /$" fsu_df img -i
	atf_check -s exit:0 \
	    -o match:"^Filesystem 512-blocks Used Available Capacity Mounted on$" \
	    -o match:"^img [0-9]+ [0-9]+ [0-9]+ [0-9]+% /$" fsu_df img -P
	atf_check -s exit:0 \
	    -o match:"^Filesystem 1024-blocks Used Available Capacity Mounted on$" \
	    -o match:"^img $((t / 1024)) " fsu_df img -Pk
	# One line per operand, one header.
	atf_check -s exit:0 -o save:out fsu_df img /tree /tree/small
	[ "$(wc -l <out)" -eq 3 ] || atf_fail "lines: $(cat out)"
	atf_check -s exit:1 -o ignore \
	    -e inline:"fsu_df: /nope: No such file or directory\n" \
	    fsu_df img /nope /
	atf_check -s exit:1 -o empty -e match:"^usage: fsu_df " fsu_df img -x
}

atf_test_case changes
changes_head() {
	atf_set "descr" "writing a file uses its blocks; removing it frees " \
	    "them"
	atf_set "require.progs" "makefs python3"
}
changes_body() {
	h_init
	df_img
	before=$(fsu_df img -P | awk 'NR == 2 { print $3 }')
	head -c 1048576 /dev/zero | tr '\0' x >mb
	atf_check -s exit:0 fsu_put img mb /mb
	after=$(fsu_df img -P | awk 'NR == 2 { print $3 }')
	[ $((after - before)) -ge 2048 ] && [ $((after - before)) -le 2100 ] ||
	    atf_fail "1 MiB used $((after - before)) blocks"
	atf_check -s exit:0 fsu_rm img /mb
	[ "$(fsu_df img -P | awk 'NR == 2 { print $3 }')" -eq "$before" ] ||
	    atf_fail "space not freed"
}

atf_init_test_cases() {
	atf_add_test_case counts
	atf_add_test_case formats
	atf_add_test_case changes
}
