# h_progs.sh: helpers of the shell tests of the image-changing programs.
# Sourced by h_init in each tests/cmd/t_fsu_*.sh after env.sh.
#
# Images are made at test time by a third-party tool (makefs for FFS);
# what the programs wrote is read back with h_fsu_stat (attributes,
# through libukfs read-only), fsu_cat (contents) and an independent
# reader of names where the file system has one (ffs_check.py --list),
# and every written image must pass the independent checker.
#
# The file system is a row of tests/common/fstab: FSU_TEST_FS in the
# environment (default ufs2), so `make check FSU_TEST_FS=ufs1-be-4k` runs
# the program tests on another row.  A missing checker skips the test
# with the reason; it never passes.

PATH="$FSU_BIN:$(atf_get_srcdir):$PATH"
export PATH
umask 022
LC_ALL=C
export LC_ALL

FSU_TEST_FS=${FSU_TEST_FS:-ufs2}
export FSU_TEST_FS
. "$FSU_SRC/tests/common/fstab.sh"

# mkimg IMG [DIR]: an 8 MiB image of DIR (of nothing by default), of the
# row FSU_TEST_FS.
mkimg() {
	_dir=${2:-}
	if [ -z "$_dir" ]; then
		mkdir -p empty.d
		_dir=empty.d
	fi
	atf_check -s exit:0 -o ignore -e ignore \
	    sh "$FSU_SRC/tests/common/fstab.sh" mkimg "$FSU_TEST_FS" "$1" 8 \
	    "$_dir"
}

# check_img [IMG]: the row's independent checker finds nothing wrong;
# skip (never pass) when the checker is missing.
check_img() {
	fstab_check "$FSU_TEST_FS" "${1:-img}" >fstab_check.msg 2>&1
	case $? in
	0)	;;
	77)	atf_skip "$(head -n 1 fstab_check.msg)" ;;
	*)	cat fstab_check.msg >&2
		atf_fail "$FS_CHECKER: $(head -n 3 fstab_check.msg |
		    tr '\n' ' ')" ;;
	esac
}

# fs_has FEATURE: the row under test can hold FEATURE (see fstab).
fs_has() {
	fstab_has "$FSU_TEST_FS" "$1"
}

# expect_attr IMG PATH FIELD VALUE
expect_attr() {
	atf_check -s exit:0 -o inline:"$4\n" h_attr "$1" "$2" "$3"
}

# contents IMG PATH: the bytes of a file of the image.
contents() {
	fsu_cat "$1" "$2"
}

# missing IMG PATH: PATH does not exist in the image.
missing() {
	atf_check -s exit:1 -o ignore -e match:'No such file' \
	    "$(atf_get_srcdir)/h_fsu_stat" "$1" "$2"
}
