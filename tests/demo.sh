#!/bin/sh
# demo.sh OBJDIR: build a small tree into an FFS image with makefs, then
# show fsu_ls and fsu_cat on it.
set -eu
O=${1:-obj}
bin=$(cd "$O/bin" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/fsu-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree/etc" "$work/tree/usr/bin" "$work/tree/var/log"
printf 'hostname="demo"\nsshd=YES\n' >"$work/tree/etc/rc.conf"
printf 'Welcome to the fs-utils demo image.\n' >"$work/tree/etc/motd"
ln -s ../etc/motd "$work/tree/usr/motd"
head -c 100000 /dev/urandom >"$work/tree/usr/bin/tool"
chmod 755 "$work/tree/usr/bin/tool"
makefs -t ffs -s 4m -o version=2 "$work/demo.ffs" "$work/tree" >/dev/null
run() {
	echo "\$ $*"
	"$@"
	echo
}
cd "$work"
run "$bin/fsu_ls" demo.ffs -l /
run "$bin/fsu_ls" demo.ffs -lR /etc /usr
run "$bin/fsu_cat" demo.ffs /etc/rc.conf /usr/motd
echo "\$ echo 'built by fs-utils' | $bin/fsu_write demo.ffs /var/log/build"
echo 'built by fs-utils' | "$bin/fsu_write" demo.ffs /var/log/build
echo
run "$bin/fsu_mkdir" demo.ffs -p -m 700 /home/user/.ssh
run "$bin/fsu_chown" demo.ffs -R 1000:1000 /home/user
run "$bin/fsu_ls" demo.ffs -lnAR /var /home
echo "demo: OK"
