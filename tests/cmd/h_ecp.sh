# h_ecp.sh: helpers of the tests of fsu_cp, fsu_put, fsu_get and fsu_ecp.
# Sourced after h_progs.sh.
#
# Listings are lines of h_fsu_stat's format (see h_fsu_stat.c), sorted;
# directory sizes are "-" (they depend on the file system) and so are
# the access times of symbolic links (reading a link on the host may
# change its access time).

H_TREE="$FSU_SRC/tests/cmd/h_tree.py"

# mkempty IMG [SIZE [FILES]]: an empty UFS2 image with room for FILES.
mkempty() {
	mkdir -p empty.d
	atf_check -s exit:0 -o ignore -e ignore makefs -t ffs \
	    -s "${2:-64m}" -f "${3:-4000}" -o version=2 "$1" empty.d
}

# mkroomy IMG DIR: a UFS2 image of DIR with room for more files.
mkroomy() {
	atf_check -s exit:0 -o ignore -e ignore makefs -t ffs -s 16m -f 500 \
	    -o version=2 "$1" "$2"
}

# mktree DIR: the host tree with every kind of file (h_tree.py).
mktree() {
	python3 "$H_TREE" make "$1" || atf_fail "h_tree.py make $1"
}

mask() {
	awk '$2 == "d" { $7 = "-" } $2 == "l" { $11 = "-" } { print }' | sort
}

# host_list DIR PREFIX: the listing of a host tree, paths from PREFIX.
host_list() {
	python3 "$H_TREE" list "$1" "$2" | mask
}

# img_list IMG PATH: the listing of a tree of an image.
img_list() {
	"$(atf_get_srcdir)/h_fsu_stat" -R "$1" "$2" | mask
}

# same_list A B WHAT: the listings in files A and B agree.
same_list() {
	if ! diff -u "$1" "$2" >list.diff; then
		head -n 40 list.diff >&2
		atf_fail "$3: listings differ"
	fi
}

# img_sum IMG PATH: the sha256 of a file of an image.
img_sum() {
	fsu_cat "$1" "$2" | sha256sum | cut -d ' ' -f 1
}

host_sum() {
	sha256sum <"$1" | cut -d ' ' -f 1
}
