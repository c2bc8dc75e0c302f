#! /usr/bin/env atf-sh
# t_readonly.sh: the reading programs work on an image the user may only
# read and never change a byte of it; writing programs fail cleanly on
# it; the kernel's messages go to stderr, never into the data.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	PATH="$FSU_BIN:$PATH"
	export PATH
}

# An image of a small tree, readable by everybody, writable by nobody,
# in a directory the unprivileged user can reach (the test's own work
# directory is private): $W.
mkro() {
	W=$(mktemp -d /tmp/fsu-ro.XXXXXX)
	echo "$W" >wdir
	ln -s "$W" w
	mkdir -p w/src/etc
	printf 'line one\nline two\n' >w/src/etc/motd
	head -c 300000 /dev/urandom >w/src/blob
	atf_check -o ignore -e ignore makefs -t ffs -s 4m -o version=2 \
	    w/img w/src
	chmod 0755 "$W"
	chmod 0444 w/img
	sha256sum w/img >sum.before
	stat -c '%Y %s' w/img >stat.before
}

NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"

atf_test_case read_only_image cleanup
read_only_image_head() {
	atf_set "descr" "fsu_ls and fsu_cat read an image the user may " \
	    "only read, and leave every byte of it alone"
	atf_set "require.progs" "makefs setpriv sha256sum"
	atf_set "require.user" "root"
}
read_only_image_cleanup() {
	[ -f wdir ] && rm -rf "$(cat wdir)"
	return 0
}
read_only_image_body() {
	h_init
	mkro
	atf_check -o match:'motd' -e empty $NOBODY "$FSU_BIN/fsu_ls" \
	    w/img -lR /
	atf_check -o inline:'line one\nline two\n' -e empty $NOBODY \
	    "$FSU_BIN/fsu_cat" w/img /etc/motd
	$NOBODY "$FSU_BIN/fsu_cat" w/img /blob >blob.out
	atf_check cmp blob.out w/src/blob
	atf_check -s exit:1 -o empty -e match:'Permission denied' \
	    $NOBODY "$FSU_BIN/fsu_write" w/img /new </dev/null
	atf_check -s exit:1 -o empty -e match:'Permission denied' \
	    $NOBODY "$FSU_BIN/fsu_mkdir" w/img /d
	atf_check -o save:sum.after sha256sum w/img
	atf_check cmp sum.before sum.after
	atf_check -o save:stat.after stat -c '%Y %s' w/img
	atf_check cmp stat.before stat.after
}

atf_test_case quiet_stdout
quiet_stdout_head() {
	atf_set "descr" "kernel warnings (a dirty file system) go to " \
	    "stderr; stdout holds exactly the file's bytes"
	atf_set "require.progs" "makefs python3"
}
quiet_stdout_body() {
	h_init
	mkdir -p src
	printf 'exact bytes\n' >src/f
	atf_check -o ignore -e ignore makefs -t ffs -s 4m -o version=1 img src
	# Clear fs_clean (byte 209 of the UFS1 superblock at 8192).
	python3 -c 'import sys; f = open("img", "r+b"); f.seek(8192 + 209); f.write(b"\0")'
	atf_check -o inline:'exact bytes\n' -e match:'not clean' \
	    fsu_cat img /f
	atf_check -s exit:1 -e match:'not clean' fsu_write img /g </dev/null
}

atf_init_test_cases() {
	atf_add_test_case read_only_image
	atf_add_test_case quiet_stdout
}
