#! /usr/bin/env atf-sh
#
# t_fsu_ls: fsu_ls against FFS images that makefs builds at test time from
# trees made here (fixed times, owners, modes, devices, links).  The
# output is compared line by line with what BSD ls prints for such files.

# 2009-02-13 23:31:30 UTC
T0=1234567890

common_env()
{
	# FSU_BIN and FFS_CHECK (the oracle, maybe empty) come from env.sh.
	FSU_BIN=$(atf_get_srcdir)/../../bin
	FFS_CHECK=
	[ -f "$(atf_get_srcdir)/../env.sh" ] && . "$(atf_get_srcdir)/../env.sh"
	FSU_LS=$FSU_BIN/fsu_ls
	umask 022
	export TZ=UTC LC_ALL=C
	unset BLOCKSIZE COLUMNS FSU_DEVICE FSU_TYPE FSU_MNTOPTS
}

# The tree of most cases, in ./root.
mktree()
{
	mkdir -p root/dir/sub root/.hidden root/empty root/holes
	printf 'hello\n' >root/file
	head -c 1536 /dev/zero | tr '\0' x >root/f1536
	head -c 100000 /dev/zero | tr '\0' y >root/f100k
	truncate -s 10M root/holes/sparse
	ln -s file root/link
	ln -s /nonexistent/target root/dangling
	ln root/file root/hard
	mkfifo root/fifo
	mknod root/cdev c 4 64
	mknod root/bdev b 8 1
	echo x >root/dir/a
	echo y >root/dir/sub/b
	: >root/.dot
	# Owners first: chown clears the set-id bits.
	chown -R 0:0 root
	chown 1234:5678 root/f100k
	chown -h 42:43 root/link
	chmod 4755 root/file
	chmod 2754 root/f1536
	chmod 644 root/f100k
	chmod 1777 root/dir
	chmod 755 root/dir/sub root/.hidden root/empty root/holes
	chmod 644 root/dir/a root/dir/sub/b root/.dot root/bdev root/cdev \
	    root/fifo root/holes/sparse
	settimes root
}

settimes()
{
	find "$1" -exec touch -h -d @$T0 {} +
}

# makefs IMAGE DIR [VERSION [SIZE-OPTIONS]]: an FFS image with 8K blocks,
# 1K fragments.  By default at least 1 MB: makefs fails ("map corrupted")
# on the smallest sizes it computes for tiny trees.  The inodes follow the
# size, so a tree of many small files asks for more of both.
mkimage()
{
	atf_check -o ignore -e ignore makefs -t ffs ${4--M 1m} \
	    -o version=${3:-2},bsize=8192,fsize=1024 "$1" "$2"
}

# The image of the common tree.
std_image()
{
	common_env
	mktree
	mkimage img root ${1:-2}
}

# The long listing of the root of the common tree, with -n.  Widths:
# links 1, owner and group 4 ("1234"), size 6 ("100000"); the devices'
# "major, minor" is right-aligned in the size column, minors 2 wide.
# Total: 2 blocks (one 1K fragment) for each small file or directory, 4
# for f1536, 224 for f100k (13 blocks of 8K and one indirect block).
root_lnA()
{
	echo 'total 240'
	for l in '-rw-r--r-- 1 0 0 0 .dot' \
	    'drwxr-xr-x 2 0 0 512 .hidden' \
	    'brw-r--r-- 1 0 0 8,__1 bdev' \
	    'crw-r--r-- 1 0 0 4,_64 cdev' \
	    'lrwxrwxrwx 1 0 0 19 dangling -> /nonexistent/target' \
	    'drwxrwxrwt 3 0 0 512 dir' \
	    'drwxr-xr-x 2 0 0 512 empty' \
	    '-rw-r--r-- 1 1234 5678 100000 f100k' \
	    '-rwxr-sr-- 1 0 0 1536 f1536' \
	    'prw-r--r-- 1 0 0 0 fifo' \
	    '-rwsr-xr-x 2 0 0 6 file' \
	    '-rwsr-xr-x 2 0 0 6 hard' \
	    'drwxr-xr-x 2 0 0 512 holes' \
	    'lrwxrwxrwx 1 42 43 4 link -> file'; do
		set -- $l
		m=$1 n=$2 u=$3 g=$4 z=$5
		shift 5
		printf '%s  %s %-4s  %-4s  %6s Feb 13  2009 %s\n' \
		    $m $n $u $g $z "$*" | tr _ ' '
	done
}

atf_test_case long_numeric_ufs2
long_numeric_ufs2_head()
{
	atf_set "descr" "-lnA on the root of a UFS2 image: every field"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
long_numeric_ufs2_body()
{
	std_image 2
	root_lnA >expected
	atf_check -o file:expected "$FSU_LS" img -lnA
	atf_check -o file:expected "$FSU_LS" img -lnA /
	atf_check -o file:expected "$FSU_LS" img -lnA .
	atf_check -o file:expected "$FSU_LS" -t ffs img -lnA
}

atf_test_case long_numeric_ufs1
long_numeric_ufs1_head()
{
	atf_set "descr" "-lnA on the root of a UFS1 image: every field"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
long_numeric_ufs1_body()
{
	std_image 1
	root_lnA >expected
	atf_check -o file:expected "$FSU_LS" img -lnA
}

atf_test_case long_names
long_names_head()
{
	atf_set "descr" "-l shows the host's names of owners and groups," \
	    "numbers when the host does not know them"
	atf_set "require.progs" "makefs getent"
	atf_set "require.user" "root"
}
long_names_body()
{
	std_image
	u0=$(getent passwd 0 | cut -d: -f1)
	g0=$(getent group 0 | cut -d: -f1)
	getent passwd 1234 >/dev/null && atf_skip "uid 1234 exists here"
	getent group 5678 >/dev/null && atf_skip "gid 5678 exists here"
	# Names are padded to the widest of the listing, then two spaces.
	wu=${#u0}; [ $wu -lt 4 ] && wu=4
	wg=${#g0}; [ $wg -lt 4 ] && wg=4
	printf -- '-rw-r--r--  1 %-*s  %-*s  100000 Feb 13  2009 f100k\n' \
	    $wu 1234 $wg 5678 >expected
	printf -- '-rwsr-xr-x  2 %-*s  %-*s       6 Feb 13  2009 file\n' \
	    $wu "$u0" $wg "$g0" >>expected
	atf_check -o file:expected "$FSU_LS" img -l f100k file
	printf -- '-rwsr-xr-x  2 %s  %s  6 Feb 13  2009 file\n' \
	    "$u0" "$g0" >expected
	atf_check -o file:expected "$FSU_LS" img -l file
	# -n after -l, and -n alone (it implies -l).
	echo '-rwsr-xr-x  2 0  0  6 Feb 13  2009 file' >expected
	atf_check -o file:expected "$FSU_LS" img -ln file
	atf_check -o file:expected "$FSU_LS" img -n file
}

atf_test_case one_per_line
one_per_line_head()
{
	atf_set "descr" "-1 (the default into a pipe), -a, -A, -f, -r"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
one_per_line_body()
{
	std_image
	printf '%s\n' bdev cdev dangling dir empty f100k f1536 fifo file \
	    hard holes link >expected
	atf_check -o file:expected "$FSU_LS" img
	atf_check -o file:expected "$FSU_LS" img -1
	atf_check -o file:expected "$FSU_LS" img -C -1
	printf '%s\n' .dot .hidden >expected.A
	cat expected >>expected.A
	atf_check -o file:expected.A "$FSU_LS" img -A
	printf '%s\n' . .. >expected.a
	cat expected.A >>expected.a
	atf_check -o file:expected.a "$FSU_LS" img -a
	atf_check -o file:expected.a "$FSU_LS" img -Aa
	atf_check -o file:expected.a "$FSU_LS" img -aA
	sort -r expected >expected.r
	atf_check -o file:expected.r "$FSU_LS" img -r
	# -f: every entry, in the order of the directory.
	"$FSU_LS" img -f >unsorted
	atf_check -o file:expected.a sort unsorted
	atf_check -o inline:".\n..\n" head -n 2 unsorted
}

atf_test_case sort_time
sort_time_head()
{
	atf_set "descr" "-t sorts newest first, ties by name; -r; -u; -c"
	atf_set "require.progs" "makefs"
}
sort_time_body()
{
	common_env
	mkdir -p root/d
	for f in a b c d e; do echo $f >root/d/$f; done
	touch -d @1000000000 root/d/a
	touch -d @1234567890 root/d/b root/d/c
	touch -d @1500000000 root/d/d
	touch -d @1100000000 root/d/e
	# Access times in the opposite order.
	touch -a -d @1500000000 root/d/a
	touch -a -d @1400000000 root/d/e
	touch -a -d @1300000000 root/d/b root/d/c
	touch -a -d @1000000000 root/d/d
	mkimage img root
	printf '%s\n' d b c e a >expected
	atf_check -o file:expected "$FSU_LS" img -t d
	printf '%s\n' a e c b d >expected
	atf_check -o file:expected "$FSU_LS" img -tr d
	atf_check -o file:expected "$FSU_LS" img -rt d
	printf '%s\n' a e b c d >expected
	atf_check -o file:expected "$FSU_LS" img -tu d
	# -u shows the access time in the long format.
	atf_check -o match:'^-rw-r--r-- .* 2017 a$' "$FSU_LS" img -lu d
	atf_check -o match:'^-rw-r--r-- .* 2001 a$' "$FSU_LS" img -l d
	# The last of -S and -t wins; -f overrides both.
	atf_check -o file:expected "$FSU_LS" img -S -tu d
	# -c: the change time is when the tree was made (within minutes).
	atf_check -o match:'^-rw-r--r-- .* [A-Z][a-z][a-z] [ 1-3][0-9] [0-2][0-9]:[0-5][0-9] a$' \
	    "$FSU_LS" img -lc d
}

atf_test_case sort_size
sort_size_head()
{
	atf_set "descr" "-S sorts largest first, ties by name; -r"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
sort_size_body()
{
	std_image
	printf '%s\n' f100k f1536 dir empty holes dangling file hard link \
	    bdev cdev fifo >expected
	atf_check -o file:expected "$FSU_LS" img -S
	sed -n '1!G;h;$p' expected >expected.r
	atf_check -o file:expected.r "$FSU_LS" img -Sr
	atf_check -o file:expected "$FSU_LS" img -t -S
}

atf_test_case classify
classify_head()
{
	atf_set "descr" "-F and -p suffixes, short and long formats"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
classify_body()
{
	std_image
	printf '%s\n' bdev cdev dangling@ dir/ empty/ f100k 'f1536*' 'fifo|' \
	    'file*' 'hard*' holes/ link@ >expected
	atf_check -o file:expected "$FSU_LS" img -F
	printf '%s\n' bdev cdev dangling dir/ empty/ f100k f1536 fifo file \
	    hard holes/ link >expected
	atf_check -o file:expected "$FSU_LS" img -p
	cat >expected <<'EOF'
lrwxrwxrwx  1 42  43  4 Feb 13  2009 link@ -> file
EOF
	atf_check -o file:expected "$FSU_LS" img -nF link
	cat >expected <<'EOF'
drwxrwxrwt  3 0  0  512 Feb 13  2009 dir/
EOF
	atf_check -o file:expected "$FSU_LS" img -ndp dir
	# -F does not follow a symlink operand; without it, it is followed.
	atf_check -o inline:"link@\n" "$FSU_LS" img -F link
	atf_check -o inline:"link\n" "$FSU_LS" img link
}

atf_test_case inode
inode_head()
{
	atf_set "descr" "-i: inode numbers of entries agree with those of" \
	    "the files themselves, hard links share one, the root is 2"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
inode_body()
{
	std_image
	atf_check -o inline:"2 /\n" "$FSU_LS" img -di /
	atf_check -o match:'^ *2 \.$' -o match:'^ *2 \.\.$' "$FSU_LS" img -ai
	"$FSU_LS" img -i >list || atf_fail "fsu_ls -i failed"
	for f in dir f1536 file hard link fifo bdev; do
		want=$(awk -v f=$f '$2 == f { print $1 }' list)
		atf_check -o inline:"$want $f\n" "$FSU_LS" img -di $f
	done
	a=$(awk '$2 == "file" { print $1 }' list)
	b=$(awk '$2 == "hard" { print $1 }' list)
	[ -n "$a" ] && [ "$a" = "$b" ] || atf_fail "hard links: $a != $b"
	# In the long format the inode comes first, right-aligned.
	atf_check -o match:"^ *$a -rwsr-xr-x  2 0  0  6 Feb 13  2009 file\$" \
	    "$FSU_LS" img -lni file
	# The inode of the directory, seen from inside: ".".
	d=$(awk '$2 == "dir" { print $1 }' list)
	atf_check -o match:"^ *$d \\.\$" "$FSU_LS" img -ai dir
	# The numbers the FFS oracle reads from the image, when it is here.
	if [ -n "$FFS_CHECK" ] && [ -f "$FFS_CHECK" ]; then
		python3 "$FFS_CHECK" --list img | awk -F '\t' \
		    'NF == 2 && index($2, "/") == 0 { print $1, $2 }' |
		    sort -k 2 >want
		"$FSU_LS" img -iA | awk '{ print $1, $2 }' | sort -k 2 >got
		atf_check -o file:want cat got
	fi
}

atf_test_case recursive
recursive_head()
{
	atf_set "descr" "-R: headers, order, hidden directories"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
recursive_body()
{
	std_image
	cat >expected <<'EOF'
dir:
a
sub

dir/sub:
b
EOF
	atf_check -o file:expected "$FSU_LS" img -R dir
	# The operand is shown as given; paths below it get one slash.
	sed 's,^dir:,dir/:,' expected >expected.slash
	atf_check -o file:expected.slash "$FSU_LS" img -R dir/
	cat >expected <<'EOF'
/:
bdev
cdev
dangling
dir
empty
f100k
f1536
fifo
file
hard
holes
link

/dir:
a
sub

/dir/sub:
b

/empty:

/holes:
sparse
EOF
	atf_check -o file:expected "$FSU_LS" img -R
	# -A shows .hidden and descends into it; never into . and ..
	"$FSU_LS" img -Ra >out || atf_fail "fsu_ls -Ra failed"
	atf_check -o inline:"/:\n/.hidden:\n/dir:\n/dir/sub:\n/empty:\n/holes:\n" \
	    grep ':$' out
	# Long format: a total line in each directory.
	cat >expected <<'EOF'
dir:
total 4
-rw-r--r--  1 0  0    2 Feb 13  2009 a
drwxr-xr-x  2 0  0  512 Feb 13  2009 sub

dir/sub:
total 2
-rw-r--r--  1 0  0  2 Feb 13  2009 b
EOF
	atf_check -o file:expected "$FSU_LS" img -Rn dir
	# A symlink is never descended into.
	atf_check -o inline:"link\n" "$FSU_LS" img -R link
}

atf_test_case operands
operands_head()
{
	atf_set "descr" "Files first in one listing, then directories with" \
	    "headers; -d lists directories as files"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
operands_body()
{
	std_image
	cat >expected <<'EOF'
f1536
file
link

dir:
a
sub

empty:
EOF
	atf_check -o file:expected "$FSU_LS" img file dir link empty f1536
	printf '/file\nf1536\nlink\n\n/dir/:\na\nsub\n' >expected
	atf_check -o file:expected "$FSU_LS" img /dir/ link /file f1536
	printf '%s\n' dir empty file >expected
	atf_check -o file:expected "$FSU_LS" img -d file dir empty
	atf_check -o inline:"/\n" "$FSU_LS" img -d
	atf_check -o inline:"a\nsub\n" "$FSU_LS" img dir
	# Long format of files: widths over the files, no total line.
	cat >expected <<'EOF'
-rw-r--r--  1 1234  5678  100000 Feb 13  2009 f100k
-rwxr-sr--  1 0     0       1536 Feb 13  2009 f1536
EOF
	atf_check -o file:expected "$FSU_LS" img -lnS f1536 f100k
}

atf_test_case errors
errors_head()
{
	atf_set "descr" "A missing operand: message, the others still" \
	    "listed, exit 1; a bad option: usage, exit 1"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
errors_body()
{
	std_image
	printf 'file\n\ndir:\na\nsub\n' >expected
	atf_check -s exit:1 -o file:expected \
	    -e inline:"fsu_ls: nope: No such file or directory\n" \
	    "$FSU_LS" img file nope dir
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_ls: dir/nope: No such file or directory\n" \
	    "$FSU_LS" img -l dir/nope
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_ls: file/x: Not a directory\n" "$FSU_LS" img file/x
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_ls: : No such file or directory\n" "$FSU_LS" img ''
	atf_check -s exit:1 -o empty -e match:'^fsu_ls: unknown option -- Z$' \
	    -e match:'^usage: fsu_ls .*image \[-01AaCcdFfhiklnopRrSsTtux\] \[--json\] \[file \.\.\.\]$' \
	    "$FSU_LS" img -Z
	atf_check -s exit:1 -o empty -e match:'^usage: fsu_ls ' "$FSU_LS"
	atf_check -s exit:1 -o empty -e match:'^fsu_ls: ' "$FSU_LS" noimage
	# Options end at the first operand.
	atf_check -s exit:1 -o inline:"file\n" \
	    -e inline:"fsu_ls: -l: No such file or directory\n" \
	    "$FSU_LS" img file -l
	atf_check -o inline:"file\n" "$FSU_LS" img -- file
}

atf_test_case devices
devices_head()
{
	atf_set "descr" "Devices show major, minor aligned with the sizes"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
devices_body()
{
	common_env
	mkdir root
	mknod root/b1 b 8 1
	mknod root/c255 c 136 255
	mknod root/c1 c 1 3
	printf '0123456789' >root/ten
	chmod 640 root/b1 root/c255 root/c1 root/ten
	chown 0:0 root/*
	settimes root
	mkimage img root
	cat >expected <<'EOF'
total 2
brw-r-----  1 0  0    8,   1 Feb 13  2009 b1
crw-r-----  1 0  0    1,   3 Feb 13  2009 c1
crw-r-----  1 0  0  136, 255 Feb 13  2009 c255
-rw-r-----  1 0  0        10 Feb 13  2009 ten
EOF
	atf_check -o file:expected "$FSU_LS" img -ln
	cat >expected <<'EOF'
crw-r-----  1 0  0  1, 3 Feb 13  2009 c1
EOF
	atf_check -o file:expected "$FSU_LS" img -ln c1
}

atf_test_case total_blocks
total_blocks_head()
{
	atf_set "descr" "-s and the total line: 512-byte units, -k," \
	    "BLOCKSIZE, -h, for files of known sizes"
	atf_set "require.progs" "makefs"
}
total_blocks_body()
{
	common_env
	mkdir -p root/d
	# With 1K fragments: 1, 1, 2 and 3 fragments, none for an empty file.
	head -c 1 /dev/zero >root/d/s1
	head -c 1024 /dev/zero >root/d/s1024
	head -c 1025 /dev/zero >root/d/s1025
	head -c 3000 /dev/zero >root/d/s3000
	: >root/d/zero
	settimes root
	mkimage img root
	cat >expected <<'EOF'
total 14
2 s1
2 s1024
4 s1025
6 s3000
0 zero
EOF
	atf_check -o file:expected "$FSU_LS" img -s d
	cat >expected <<'EOF'
total 7
1 s1
1 s1024
2 s1025
3 s3000
0 zero
EOF
	atf_check -o file:expected "$FSU_LS" img -sk d
	atf_check -o file:expected env BLOCKSIZE=1K "$FSU_LS" img -s d
	# 2 blocks of 2048 bytes for 3 fragments: units are rounded up.
	atf_check -o match:'^total 4$' -o match:'^1 s1025$' \
	    -o match:'^2 s3000$' env BLOCKSIZE=2048 "$FSU_LS" img -s d
	atf_check -o match:'^total 14$' \
	    -e inline:"fsu_ls: 100: minimum blocksize is 512\n" \
	    env BLOCKSIZE=100 "$FSU_LS" img -s d
	cat >expected <<'EOF'
total 7.0K
1.0K s1
1.0K s1024
2.0K s1025
3.0K s3000
  0B zero
EOF
	atf_check -o file:expected "$FSU_LS" img -sh d
	atf_check -o file:expected "$FSU_LS" img -skh d
	atf_check -o match:'^total 7$' "$FSU_LS" img -shk d
	cat >expected <<'EOF'
total 14
2 -rw-r--r--  1 0  0     1 Feb 13  2009 s1
2 -rw-r--r--  1 0  0  1024 Feb 13  2009 s1024
4 -rw-r--r--  1 0  0  1025 Feb 13  2009 s1025
6 -rw-r--r--  1 0  0  3000 Feb 13  2009 s3000
0 -rw-r--r--  1 0  0     0 Feb 13  2009 zero
EOF
	atf_check -o file:expected "$FSU_LS" img -lns d
	# No total line for files named as operands.
	atf_check -o inline:"6 d/s3000\n" "$FSU_LS" img -s d/s3000
}

atf_test_case human
human_head()
{
	atf_set "descr" "-h sizes: bytes, one decimal below ten, rounding"
	atf_set "require.progs" "makefs"
	atf_set "require.user" "root"
}
human_body()
{
	std_image
	cat >expected <<'EOF'
-rw-r--r--  1 1234  5678   98K Feb 13  2009 f100k
-rwxr-sr--  1 0     0     1.5K Feb 13  2009 f1536
-rwsr-xr-x  2 0     0       6B Feb 13  2009 file
-rw-r--r--  1 0     0      10M Feb 13  2009 holes/sparse
EOF
	atf_check -o file:expected "$FSU_LS" img -lnh file f1536 f100k holes/sparse
}

atf_test_case dates
dates_head()
{
	atf_set "descr" "Dates: time within six months, year otherwise, -T"
	atf_set "require.progs" "makefs"
}
dates_body()
{
	common_env
	mkdir root
	now=$(date +%s)
	recent=$((now - 86400))
	future=$((now + 3600))
	old=$((now - 200 * 86400))
	far=$((now + 200 * 86400))
	for f in recent future old far; do
		: >root/$f
		eval touch -d @\$$f root/$f
	done
	: >root/t0
	touch -d @$T0 root/t0
	mkimage img root
	want()
	{
		printf -- '-rw-r--r--  1 0  0  0 %s %s\n' "$(date -u -d @$1 "$2")" $3
	}
	want $recent '+%b %e %H:%M' recent >expected
	atf_check -o file:expected "$FSU_LS" img -ln recent
	want $future '+%b %e %H:%M' future >expected
	atf_check -o file:expected "$FSU_LS" img -ln future
	want $old '+%b %e  %Y' old >expected
	atf_check -o file:expected "$FSU_LS" img -ln old
	want $far '+%b %e  %Y' far >expected
	atf_check -o file:expected "$FSU_LS" img -ln far
	want $T0 '+%b %e %H:%M:%S %Y' t0 >expected
	atf_check -o file:expected "$FSU_LS" img -lnT t0
	# Local time: TZ moves the date.
	echo '-rw-r--r--  1 0  0  0 Feb 14 08:31:30 2009 t0' >expected
	atf_check -o file:expected env TZ=JST-9 "$FSU_LS" img -lnT t0
}

atf_test_case columns
columns_head()
{
	atf_set "descr" "-C (down) and -x (across) columns for a width"
	atf_set "require.progs" "makefs"
}
columns_body()
{
	common_env
	mkdir root
	for f in alpha bravo charlie delta echo foxtrot golf; do
		: >root/$f
	done
	chmod 755 root/golf
	mkimage img root
	cat >expected <<'EOF'
alpha    charlie  echo     golf
bravo    delta    foxtrot
EOF
	atf_check -o file:expected env COLUMNS=40 "$FSU_LS" img -C
	cat >expected <<'EOF'
alpha    bravo    charlie  delta
echo     foxtrot  golf
EOF
	atf_check -o file:expected env COLUMNS=40 "$FSU_LS" img -x
	cat >expected <<'EOF'
alpha     delta     golf*
bravo     echo
charlie   foxtrot
EOF
	atf_check -o file:expected env COLUMNS=30 "$FSU_LS" img -CF
	# Too narrow for two columns: one per line.
	printf '%s\n' alpha bravo charlie delta echo foxtrot golf >expected
	atf_check -o file:expected env COLUMNS=10 "$FSU_LS" img -C
	# 80 columns without COLUMNS when not on a terminal.
	echo 'alpha    bravo    charlie  delta    echo     foxtrot  golf' >expected
	atf_check -o file:expected "$FSU_LS" img -C
}

atf_test_case many
many_head()
{
	atf_set "descr" "A directory of 3000 files: all listed, sorted"
	atf_set "require.progs" "makefs"
}
many_body()
{
	common_env
	mkdir -p root/many
	(cd root/many && seq -f 'n%04g' 3000 -1 1 | xargs touch)
	settimes root
	mkimage img root 2 "-M 4m -o density=512"
	seq -f 'n%04g' 1 3000 >expected
	atf_check -o file:expected "$FSU_LS" img many
	seq -f 'n%04g' 3000 -1 1 >expected
	atf_check -o file:expected "$FSU_LS" img -r many
	"$FSU_LS" img -lnA many >long || atf_fail "fsu_ls -lnA failed"
	atf_check -o inline:"3001\n" sh -c 'wc -l <long | tr -d " "'
	atf_check -o inline:"total 0\n" head -n 1 long
	atf_check -o inline:"-rw-r--r--  1 0  0  0 Feb 13  2009 n3000\n" \
	    tail -n 1 long
	"$FSU_LS" img -f many >unsorted || atf_fail "fsu_ls -f failed"
	atf_check -o inline:"3002\n" sh -c 'wc -l <unsorted | tr -d " "'
}

atf_test_case partition
partition_head()
{
	atf_set "descr" "-p 3 on a GPT disk holding the image at partition 3"
	atf_set "require.progs" "makefs sgdisk"
}
partition_body()
{
	common_env
	mkdir -p root/etc
	echo x >root/etc/rc.conf
	settimes root
	mkimage ffs.img root
	truncate -s 24M disk
	atf_check -o ignore -e ignore sgdisk -n 1:2048:+2M -t 1:0700 \
	    -n 2:0:+2M -t 2:8300 -n 3:0:+12M -t 3:a503 disk
	start=$(sgdisk -i 3 disk | awk '/^First sector/ { print $3 }')
	atf_check -o ignore -e ignore dd if=ffs.img of=disk bs=512 \
	    seek=$start conv=notrunc
	atf_check -o inline:"etc\n" "$FSU_LS" -p 3 disk
	atf_check -o inline:"rc.conf\n" "$FSU_LS" -p 3 disk etc
	atf_check -o inline:"rc.conf\n" "$FSU_LS" disk%3% etc
	atf_check -o match:'^-rw-r--r--  1 0  0  2 Feb 13  2009 rc.conf$' \
	    "$FSU_LS" -p 3 disk -ln etc
	# The only file system on the disk is found without -p.
	atf_check -o inline:"etc\n" "$FSU_LS" disk
	atf_check -s exit:1 -o empty -e match:'partition' "$FSU_LS" -p 2 disk
}

atf_test_case nul
nul_head()
{
	atf_set "descr" "-0: every path listed, each ended by a NUL, no " \
	    "headers or totals"
	atf_set "require.progs" "makefs"
}
nul_body()
{
	std_image
	"$FSU_LS" img -0RA / >out || atf_fail "fsu_ls -0RA"
	tr '\0' '\n' <out | sort >got
	(cd root && find . -mindepth 1) | sed 's|^\.||' | sort >expect
	atf_check -o empty diff -u expect got
	[ "$(tr -cd '\0' <out | wc -c)" -eq "$(wc -l <expect)" ] ||
	    atf_fail "not one NUL per path"
	printf 'dir/a\0dir/sub\0' >e1
	atf_check -o file:e1 "$FSU_LS" img -0 dir
	printf 'file\0link\0' >e2
	atf_check -o file:e2 "$FSU_LS" img -l0 link file
	printf 'dir/sub/b\0' >e3
	atf_check -o file:e3 "$FSU_LS" img -0 dir/sub/b
}

atf_test_case json
json_head()
{
	atf_set "descr" "--json: one object per entry that python3 -m " \
	    "json.tool reads, with the entries' attributes; names that are " \
	    "not UTF-8 come back through the documented escape"
	atf_set "require.progs" "makefs python3"
}
json_body()
{
	std_image
	H_JSON="$FSU_SRC/tests/cmd/h_json.py"
	"$FSU_LS" img --json -A / >out || atf_fail "fsu_ls --json"
	atf_check -o ignore python3 -m json.tool --json-lines out
	python3 - out <<'EOF' || atf_fail "fields"
import json, os, stat, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
names = sorted(os.listdir("root"))
assert [o["name"] for o in objs] == names, [o["name"] for o in objs]
for o in objs:
    st = os.lstat("root/" + o["name"])
    assert o["path"] == "/" + o["name"], o
    assert o["mode"] == stat.S_IMODE(st.st_mode), o
    assert (o["uid"], o["gid"], o["nlink"]) == (st.st_uid, st.st_gid,
                                                 st.st_nlink), o
    assert o["mtime_ns"] == 1234567890 * 10**9, o
    if not stat.S_ISDIR(st.st_mode):
        assert o["size"] == st.st_size, o
    if stat.S_ISLNK(st.st_mode):
        assert o["type"] == "symlink" and o["target"] == os.readlink(
            "root/" + o["name"]), o
    else:
        assert o["target"] is None, o
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        assert (o["major"], o["minor"]) == (os.major(st.st_rdev),
                                            os.minor(st.st_rdev)), o
EOF
	# Operands: the name is the last component, the path as given.
	atf_check -o match:'^\{"name": "b", "path": "dir/sub/b", "type": "file", ' \
	    "$FSU_LS" img --json dir/sub/b
	python3 "$H_JSON" names names || atf_fail "names"
	mkimage img2 names
	python3 "$H_JSON" roundtrip names - "$FSU_LS" img2 --json -A / ||
	    atf_fail "round trip"
}

atf_init_test_cases()
{
	atf_add_test_case nul
	atf_add_test_case json
	atf_add_test_case long_numeric_ufs2
	atf_add_test_case long_numeric_ufs1
	atf_add_test_case long_names
	atf_add_test_case one_per_line
	atf_add_test_case sort_time
	atf_add_test_case sort_size
	atf_add_test_case classify
	atf_add_test_case inode
	atf_add_test_case recursive
	atf_add_test_case operands
	atf_add_test_case errors
	atf_add_test_case devices
	atf_add_test_case total_blocks
	atf_add_test_case human
	atf_add_test_case dates
	atf_add_test_case columns
	atf_add_test_case many
	atf_add_test_case partition
}
