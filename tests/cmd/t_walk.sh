#! /usr/bin/env atf-sh
# t_walk.sh: no recursive program enters a directory twice.  Images whose
# directories are linked from two entries (h_dag.py patches a makefs
# image) have 2^32 paths to their deepest directory; every program that
# walks trees must walk each directory once, name the second links and
# fail.  Without the guarantee these cases do not finish.

LEVELS=32

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	H_DAG="$FSU_SRC/tests/cmd/h_dag.py"
}

# dag_img IMG: the image of a chain of LEVELS directories, each linked
# twice from its parent (dag_a_NN and dag_b_NN), each with a file f.
# h_dag.py patches little-endian UFS2 directory entries: the image is
# that whatever the row of tests/common/fstab.
dag_img() {
	python3 "$H_DAG" tree dagtree $LEVELS || atf_fail "h_dag.py tree"
	ufs2_img "$1" dagtree
	python3 "$H_DAG" link "$1" $LEVELS || atf_fail "h_dag.py link"
}

ufs2_img() {
	atf_check -s exit:0 -o ignore -e ignore \
	    makefs -t ffs -s 8m -o version=2 "$1" "$2"
}

# dups FILE: FILE holds one message per level, each naming one of the
# two entries of a level as a second link, and nothing else.
dups() {
	n=$(grep -c 'dag_[ab]_[0-9][0-9]: directory linked twice (corrupt image), not \(entered again\|copied\)$' "$1")
	[ "$n" -eq $LEVELS ] || { cat "$1" >&2; atf_fail "$n messages, not $LEVELS"; }
	[ "$(wc -l <"$1")" -eq $LEVELS ] || { cat "$1" >&2; atf_fail "other messages"; }
	for i in $(seq -w 0 $((LEVELS - 1))); do
		grep -q "dag_[ab]_$i: " "$1" || atf_fail "level $i not named"
	done
}

atf_test_case ls
ls_head() {
	atf_set "descr" "fsu_ls -R lists each directory of a DAG once"
	atf_set "require.progs" "makefs python3"
}
ls_body() {
	h_init
	dag_img img
	atf_check -s exit:1 -o save:out -e save:err fsu_ls img -R /
	dups err
	# The root and one directory per level, each with a header.
	[ "$(grep -c ':$' out)" -eq $((LEVELS + 1)) ] || atf_fail "headers"
	[ "$(grep -c '^f$' out)" -eq $LEVELS ] || atf_fail "files"
}

atf_test_case get
get_head() {
	atf_set "descr" "fsu_get -R copies each directory of a DAG once"
	atf_set "require.progs" "makefs python3"
}
get_body() {
	h_init
	dag_img img
	mkdir out
	atf_check -s exit:1 -o empty -e save:err fsu_get img -R / out
	dups err
	[ "$(find out -type f | wc -l)" -eq $LEVELS ] || atf_fail "files"
}

atf_test_case find
find_head() {
	atf_set "descr" "fsu_find walks each directory of a DAG once"
	atf_set "require.progs" "makefs python3"
}
find_body() {
	h_init
	dag_img img
	atf_check -s exit:1 -o save:out -e save:err fsu_find img / -name f
	dups err
	[ "$(wc -l <out)" -eq $LEVELS ] || atf_fail "files"
	atf_check -s exit:1 -o save:out -e save:err fsu_find img -L / -type d
	dups err
	[ "$(wc -l <out)" -eq $((LEVELS + 1)) ] || atf_fail "directories"
}

atf_test_case du
du_head() {
	atf_set "descr" "fsu_du counts each directory of a DAG once"
	atf_set "require.progs" "makefs python3"
}
du_body() {
	h_init
	dag_img img
	atf_check -s exit:1 -o save:out -e save:err fsu_du img -a /
	dups err
	[ "$(grep -c '/f$' out)" -eq $LEVELS ] || atf_fail "files"
}

atf_test_case diff
diff_head() {
	atf_set "descr" "fsu_diff -r compares each directory of a DAG once"
	atf_set "require.progs" "makefs python3"
}
diff_body() {
	h_init
	dag_img img
	atf_check -s exit:2 -o empty -e save:err fsu_diff img -r :/ dagtree
	# Each level: the second link, named on the image's side.
	dups err
}

atf_test_case chmod
chmod_head() {
	atf_set "descr" "fsu_chmod -R changes each directory of a DAG once"
	atf_set "require.progs" "makefs python3"
}
chmod_body() {
	h_init
	dag_img img
	atf_check -s exit:1 -o empty -e save:err fsu_chmod img -R 700 /
	dups err
	expect_attr img /f mode 0700
	expect_attr img /dag_a_00/dag_a_01/f mode 0700
}

atf_test_case rm
rm_head() {
	atf_set "descr" "fsu_rm -r stops at the second links of a DAG"
	atf_set "require.progs" "makefs python3"
}
rm_body() {
	h_init
	dag_img img
	atf_check -s exit:1 -o empty -e save:err fsu_rm img -r /dag_a_00 /dag_b_00
	grep -q 'directory linked twice' err || atf_fail "no message"
}

atf_test_case cycle
cycle_head() {
	atf_set "descr" "a directory linked to the root is a cycle"
	atf_set "require.progs" "makefs python3"
}
cycle_body() {
	h_init
	python3 "$H_DAG" tree dagtree 3 || atf_fail "h_dag.py tree"
	ufs2_img img dagtree
	python3 "$H_DAG" cycle img dag_b_01 || atf_fail "h_dag.py cycle"
	atf_check -s exit:1 -o ignore \
	    -e inline:"fsu_ls: /dag_a_00/dag_b_01: directory causes a cycle\n" \
	    fsu_ls img -R /
	atf_check -s exit:1 -o empty \
	    -e inline:"fsu_chmod: /dag_a_00/dag_b_01: directory causes a cycle\n" \
	    fsu_chmod img -R 755 /
}

atf_init_test_cases() {
	atf_add_test_case ls
	atf_add_test_case get
	atf_add_test_case find
	atf_add_test_case du
	atf_add_test_case diff
	atf_add_test_case chmod
	atf_add_test_case rm
	atf_add_test_case cycle
}
