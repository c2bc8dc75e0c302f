# h_progs.sh: helpers of the shell tests of the image-changing programs.
# Sourced by h_init in each tests/cmd/t_fsu_*.sh after env.sh.
#
# Images are made at test time by makefs; what the programs wrote is
# read back with h_fsu_stat (attributes, through libukfs read-only),
# fsu_cat (contents) and ffs_check.py --list (names, an independent
# reader), and every written image must pass ffs_check.py.

PATH="$FSU_BIN:$(atf_get_srcdir):$PATH"
export PATH
umask 022
LC_ALL=C
export LC_ALL

# mkimg IMG [DIR]: an 8 MiB UFS2 image of DIR (of nothing by default).
mkimg() {
	_dir=${2:-}
	if [ -z "$_dir" ]; then
		mkdir -p empty.d
		_dir=empty.d
	fi
	atf_check -s exit:0 -o ignore -e ignore \
	    makefs -t ffs -s 8m -o version=2 "$1" "$_dir"
}

# check_img [IMG]: the independent FFS checker finds nothing wrong.
check_img() {
	[ -n "$FFS_CHECK" ] || return 0
	if ! python3 "$FFS_CHECK" "${1:-img}" >ffs_check.out 2>&1 ||
	    ! grep -q '^OK' ffs_check.out; then
		cat ffs_check.out >&2
		atf_fail "ffs_check: $(head -n 3 ffs_check.out | tr '\n' ' ')"
	fi
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
