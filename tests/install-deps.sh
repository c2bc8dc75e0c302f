#!/bin/sh
# install-deps.sh: install what building, testing and benchmarking
# fs-utils needs on Debian, if it is missing.  Runs apt-get as root, or
# through sudo.
set -eu
pkgs=""
need() {	# need PACKAGE TEST...
	pkg=$1
	shift
	if ! "$@" >/dev/null 2>&1; then
		pkgs="$pkgs $pkg"
	fi
}
need gcc		command -v cc
need make		command -v make
need pkg-config		command -v pkg-config
need libarchive-dev	test -e /usr/include/archive.h
need libatf-dev		test -e /usr/include/atf-c.h
need atf-sh		command -v atf-sh
need kyua		command -v kyua
need python3		command -v python3
need e2fsprogs		command -v mke2fs
need dosfstools		command -v mkfs.fat
need mtools		command -v mcopy
need makefs		command -v makefs
need xorriso		command -v xorriso
need gdisk		command -v sgdisk
need fdisk		command -v sfdisk
need sleuthkit		command -v fls
need e2tools		command -v e2ls
need hyperfine		command -v hyperfine
need clang		command -v clang
[ -z "$pkgs" ] && exit 0
echo "install-deps: installing$pkgs"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
else
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $pkgs
