#! /usr/bin/env atf-sh
# t_fsu_find.sh: fsu_find against the host's find on the same tree: the
# tree of h_find.py is put into an image with fsu_put -Rp, and for a
# table of expressions "fsu_find IMG /t EXPR" must list the same paths
# as "find t EXPR" (sorted: the order of directory entries differs
# between file systems).

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	. "$FSU_SRC/tests/cmd/h_ecp.sh"
	H_FIND="$FSU_SRC/tests/cmd/h_find.py"
	export TZ=UTC
}

# The tree in ./t and the image of it, with the tree at /t.
find_img() {
	python3 "$H_FIND" tree t || atf_fail "h_find.py tree"
	mkempty img 32m 2000
	atf_check -s exit:0 -o empty -e empty fsu_put img -Rp t /
}

# compare FSU-ARGS HOST-ARGS: the two lists, sorted; "@" in the
# arguments stands for the tree (/t in the image, t on the host).
compare() {
	fsuargs=$(echo "$1" | sed 's|@|/t|g')
	hostargs=$(echo "$2" | sed 's|@|t|g')
	eval "set -- $hostargs"
	find t "$@" >host.out 2>host.err
	hst=$?
	sed 's|^t|/t|' host.out | sort >expect
	eval "set -- $fsuargs"
	fsu_find img /t "$@" >fsu.out 2>fsu.err
	fst=$?
	sort fsu.out >got
	if ! cmp -s expect got || [ $hst -ne $fst ]; then
		echo "fsu_find /t $fsuargs (exit $fst) vs find t $hostargs" \
		    "(exit $hst):" >&2
		diff -u expect got >&2
		cat fsu.err host.err >&2
		return 1
	fi
	return 0
}

# The table: FSU-ARGS, or FSU-ARGS|HOST-ARGS where the host's find
# (GNU) needs other arguments: it rounds ages in days down where BSD
# rounds up, counts -mmin -n differently and writes -perm +mode as
# -perm /mode.  Sizes are asked of files that are not directories: a
# directory's size depends on the file system.
TABLE='
-name "*.c"
-name "READ*"
-iname "readme*"
-name "[a-c]*"
-name "*" -type d
-path "@/src/*"
-path "*/sub/*"
-ipath "*/SRC/*"
-name "*.[ch]" -path "*lib*"
-type f
-type d
-type l
-type p
-type c
-type b
-size 0
! -type d -size -2
! -type d -size 2
! -type d -size +4
! -type d -size 10000c
! -type d -size -513c
! -type d -size +1k
! -type d -size -2k
! -type d -size 2k
-size +1M
! -type d -size 3M
-mtime 1|-mtime 0
-mtime 2|-mtime 1
-mtime +2|-mtime +1
-mtime -3|-mtime -2
-mtime +50|-mtime +49
-mtime -1000|-mtime -999
-mmin 2
-mmin +1
-mmin 6
-mmin -10|-mmin -9
-mmin +5 -mmin -100|-mmin +5 -mmin -99
-newer @/ref
! -newer @/ref
-user root
-user 1234
-uid 1234
-uid +1000
-uid -1
-gid -10
-group root
-group 5678
-nouser
-nogroup
-perm 644
-perm -644
-perm -u+s
-perm -g=s
-perm +111|-perm /111
-perm -o+w
-perm u=rw,go=r
-perm 1777
-links 2
-links +1
-type f -links +1
-empty
-maxdepth 0
-maxdepth 1
-maxdepth 2 -type d
-mindepth 3
-mindepth 1 -maxdepth 2
-name sub -prune -o -print
-path "@/src" -prune -o -type f -print
-type d -name "[ds]*" -prune
-depth
-depth -maxdepth 1
-type f -a -name "*.h"
-type d -o -name "*.c"
! -type d
-not -type f -not -type d
\( -name "*.c" -o -name "*.h" \) -size +0
-name a.c -or -name b.c -and -type f
-name "*.c" -print -o -name "*.h" -print
-true
-false
-type f -name "*.o" -print
-xdev -maxdepth 1
'

atf_test_case table
table_head() {
	atf_set "descr" "a table of expressions lists what the host's " \
	    "find lists"
	atf_set "require.progs" "makefs python3 find"
}
table_body() {
	h_init
	find_img
	n=0
	failed=0
	echo "$TABLE" | while IFS= read -r line; do
		[ -n "$line" ] || continue
		case "$line" in
		*"|"*)	f=${line%%|*}; h=${line#*|} ;;
		*)	f=$line; h=$line ;;
		esac
		compare "$f" "$h" || echo "$line" >>failed
		echo "$line" >>done
	done
	[ "$(wc -l <done)" -gt 80 ] || atf_fail "only $(wc -l <done) cases"
	[ ! -s failed ] || atf_fail "$(wc -l <failed) cases differ: $(tr '\n' ';' <failed)"
	# The empty expression prints everything.
	compare "" "" || atf_fail "no expression"
}

atf_test_case print0
print0_head() {
	atf_set "descr" "-print0 ends each path with a NUL"
	atf_set "require.progs" "makefs python3 find"
}
print0_body() {
	h_init
	find_img
	fsu_find img /t -type f -print0 >fsu.out || atf_fail "fsu_find"
	find t -type f -print0 >host.out
	[ "$(tr -cd '\0' <fsu.out | wc -c)" -eq "$(tr -cd '\0' <host.out | wc -c)" ] ||
	    atf_fail "not as many NULs"
	tr '\0' '\n' <fsu.out | sort >got
	tr '\0' '\n' <host.out | sed 's|^t|/t|' | sort >expect
	atf_check -s exit:0 -o empty diff -u expect got
	[ "$(tr -d '\0' <fsu.out | grep -c .)" -eq 0 ] || true
}

atf_test_case follow
follow_head() {
	atf_set "descr" "-P (default) does not follow links, -H follows " \
	    "the operands, -L every link; dangling links stay links"
	atf_set "require.progs" "makefs python3 find"
}
follow_body() {
	h_init
	find_img
	for opt in -P -L; do
		for expr in "" "-type l" "-type d" "-type f -name '*.c'" \
		    "-name 'link*'"; do
			eval "set -- $expr"
			find $opt t "$@" 2>/dev/null | sed 's|^t|/t|' | sort >expect
			fsu_find img $opt /t "$@" >out 2>err ||
			    atf_fail "fsu_find $opt /t $expr: $(cat err)"
			sort out >got
			cmp -s expect got || { diff -u expect got >&2;
			    atf_fail "$opt $expr"; }
		done
	done
	atf_check -s exit:0 -o inline:"/t/link_dir\n" fsu_find img /t/link_dir
	fsu_find img -H /t/link_dir | sort >got
	find -H t/link_dir | sed 's|^t|/t|' | sort >expect
	atf_check -s exit:0 -o empty diff -u expect got
	atf_check -s exit:0 -o inline:"/t/link_dangling\n" \
	    fsu_find img -L /t/link_dangling -type l
}

atf_test_case depth_order
depth_order_head() {
	atf_set "descr" "-d and -depth list a directory after its entries, " \
	    "otherwise before them"
	atf_set "require.progs" "makefs python3"
}
depth_order_body() {
	h_init
	find_img
	for opt in "-d" "" ; do
		if [ -n "$opt" ]; then
			fsu_find img -d /t >out || atf_fail "-d"
			cp out out_d
		else
			fsu_find img /t >out || atf_fail "preorder"
		fi
		awk -v post="$opt" '
		    { line[NR] = $0; pos[$0] = NR }
		    END {
			for (i = 1; i <= NR; i++) {
				p = line[i]; sub("/[^/]*$", "", p)
				if (!(p in pos)) continue
				if (post != "" && pos[p] < i) { print "early " p; exit 1 }
				if (post == "" && pos[p] > i) { print "late " p; exit 1 }
			}
		    }' out || atf_fail "order with '$opt'"
	done
	fsu_find img /t -depth >out2 || atf_fail "-depth"
	atf_check -s exit:0 -o empty diff -u out_d out2
	[ "$(tail -n 1 out2)" = /t ] || atf_fail "-depth: /t not last"
	[ "$(head -n 1 out)" = /t ] || atf_fail "/t not first"
}

atf_test_case ls
ls_head() {
	atf_set "descr" "-ls prints the long line of BSD find"
	atf_set "require.progs" "makefs python3"
}
ls_body() {
	h_init
	find_img
	ino=$(fsu_stat img -f %i /t/src/lib/a.c)
	atf_check -s exit:0 \
	    -o match:"^ *$ino +2 -rw-r--r--  +1 1234 +5678 +512 [A-Z][a-z][a-z] [ 0-9][0-9]  [0-9]{4} /t/src/lib/a.c$" \
	    fsu_find img /t/src/lib/a.c -ls
	atf_check -s exit:0 \
	    -o match:" lrwxrwxrwx  +1 root +root +6 .* /t/link_file -> README$" \
	    fsu_find img /t/link_file -ls
	atf_check -s exit:0 -o match:" crw-r--r--  +1 root +root +1, +3 .* /t/chr$" \
	    fsu_find img /t/chr -ls
}

atf_test_case inum
inum_head() {
	atf_set "descr" "-inum against the inode numbers of the independent " \
	    "FFS reader"
	atf_set "require.progs" "makefs python3"
}
inum_body() {
	h_init
	[ -n "$FFS_CHECK" ] || atf_skip "no ffs_check.py"
	find_img
	python3 "$FFS_CHECK" --list img | awk -F'\t' '$2 == "t/src/lib/b.c" { print $1 }' >ino
	ino=$(cat ino)
	[ -n "$ino" ] || atf_fail "ffs_check --list: no t/src/lib/b.c"
	atf_check -s exit:0 -o inline:"/t/src/lib/b.c\n" fsu_find img /t -inum "$ino"
	n=$(fsu_find img /t -inum "-$ino" | wc -l)
	m=$(python3 "$FFS_CHECK" --list img | awk -F'\t' -v i="$ino" '$2 ~ /^t(\/|$)/ && $1 < i' | wc -l)
	[ "$n" -eq "$m" ] || atf_fail "-inum -$ino: $n, ffs_check: $m"
}

atf_test_case delete
delete_head() {
	atf_set "descr" "-delete removes what the host's find -delete " \
	    "removes, depth first; the image stays consistent"
	atf_set "require.progs" "makefs python3 find"
}
delete_body() {
	h_init
	find_img
	sum=$(sha256sum img)
	atf_check -s exit:0 -o ignore -e empty fsu_find img /t -name "*.o" -print
	[ "$(sha256sum img)" = "$sum" ] || atf_fail "a read-only run changed the image"
	atf_check -s exit:0 -o empty -e empty fsu_find img /t \( -name "*.o" -o -path "/t/deep*" \) -delete
	find t \( -name "*.o" -o -path "t/deep*" \) -delete
	fsu_find img /t | sort >got
	find t | sed 's|^t|/t|' | sort >expect
	atf_check -s exit:0 -o empty diff -u expect got
	check_img
	# A directory that is not empty stays, with a message.
	atf_check -s exit:1 -o empty -e match:"^fsu_find: -delete: /t/src: " \
	    fsu_find img /t/src -maxdepth 0 -delete
}

atf_test_case errors
errors_head() {
	atf_set "descr" "bad expressions, missing paths, no -exec"
	atf_set "require.progs" "makefs python3"
}
errors_body() {
	h_init
	find_img
	atf_check -s exit:1 -o empty \
	    -e match:"^fsu_find: -exec: not provided: programs of the host are not run" \
	    fsu_find img /t -exec echo {} ";"
	atf_check -s exit:1 -o empty -e inline:"fsu_find: -name: requires additional arguments\n" \
	    fsu_find img /t -name
	atf_check -s exit:1 -o empty -e inline:"fsu_find: -bogus: unknown primary or operator\n" \
	    fsu_find img /t -bogus
	atf_check -s exit:1 -o empty -e inline:"fsu_find: (: missing closing ')'\n" \
	    fsu_find img /t "(" -name x
	atf_check -s exit:1 -o empty -e inline:"fsu_find: ): no beginning '('\n" \
	    fsu_find img /t -name x ")"
	atf_check -s exit:1 -o empty -e match:"^fsu_find: -type: q: unknown type" \
	    fsu_find img /t -type q
	atf_check -s exit:1 -o empty -e match:"^fsu_find: -size: 1x: illegal" \
	    fsu_find img /t -size 1x
	atf_check -s exit:1 -o empty -e match:"^fsu_find: -user: nosuchuser9: no such user" \
	    fsu_find img /t -user nosuchuser9
	atf_check -s exit:1 -o empty -e match:"^fsu_find: -perm: 9: illegal mode" \
	    fsu_find img /t -perm 9
	atf_check -s exit:1 -o empty -e match:"^fsu_find: -newer: /nope" \
	    fsu_find img /t -newer /nope
	atf_check -s exit:1 -o empty -e match:"^usage: fsu_find " fsu_find img
	atf_check -s exit:1 -o empty -e match:"^usage: fsu_find " fsu_find img -name x
	atf_check -s exit:1 -o inline:"/t/README\n" \
	    -e inline:"fsu_find: /nope: No such file or directory\n" \
	    fsu_find img /nope /t/README
}

atf_init_test_cases() {
	atf_add_test_case table
	atf_add_test_case print0
	atf_add_test_case follow
	atf_add_test_case depth_order
	atf_add_test_case ls
	atf_add_test_case inum
	atf_add_test_case delete
	atf_add_test_case errors
}
