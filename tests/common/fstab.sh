#!/bin/sh
# fstab.sh: the table of file systems the tests run on (tests/common/fstab),
# for shell tests (sourced) and C tests (run as a program).
#
#   fstab.sh rows [FSTYPE]          the rows, one a line (of one type)
#   fstab.sh field ROW fstype|checker|features|make
#   fstab.sh has ROW FEATURE        exit 0 if ROW can hold FEATURE
#   fstab.sh mkimg ROW IMG SIZE_MIB [DIR]   make an image with the row's tool
#   fstab.sh check ROW IMG          the row's independent checker:
#                                   exit 0 consistent, 1 not (report on
#                                   stdout), 77 the checker is missing
#   fstab.sh names ROW IMG          every path of the image, sorted, from
#                                   an independent reader if the row has
#                                   one (exit 77 if not)
#
# A missing checker is never a pass: the shell helpers turn exit 77 into
# atf_skip with the reason, the C helpers into atf_tc_skip.

if [ -z "${FSTAB_FILE:-}" ]; then
	if [ -n "${FSU_SRC:-}" ]; then
		FSTAB_FILE=$FSU_SRC/tests/common/fstab
	else
		FSTAB_FILE=$(dirname "$0")/fstab
	fi
fi

fstab_row() {
	# Sets FS_ROW FS_TYPE FS_CHECKER FS_FEATURES FS_MAKE, or fails.
	_r=$1
	while read -r FS_ROW FS_TYPE FS_CHECKER FS_FEATURES FS_MAKE; do
		case $FS_ROW in ''|'#'*) continue ;; esac
		[ "$FS_ROW" = "$_r" ] && return 0
	done <"$FSTAB_FILE"
	echo "fstab: no row named '$_r' in $FSTAB_FILE" >&2
	return 1
}

fstab_rows() {
	while read -r _r _t _rest; do
		case $_r in ''|'#'*) continue ;; esac
		[ -z "${1:-}" ] || [ "$_t" = "$1" ] || continue
		echo "$_r"
	done <"$FSTAB_FILE"
}

fstab_has() {
	fstab_row "$1" || return 1
	case ",$FS_FEATURES," in *",$2,"*) return 0 ;; esac
	return 1
}

fstab_mkimg() {
	fstab_row "$1" || return 1
	IMG=$2 SIZE=$3 DIR=${4:-}
	if [ -z "$DIR" ]; then
		DIR=$(mktemp -d "${TMPDIR:-/tmp}/fstab.XXXXXX") || return 1
		_rmdir=$DIR
	else
		_rmdir=
	fi
	rm -f "$IMG"
	(eval "$FS_MAKE") || { echo "fstab: $1: making $IMG failed:" \
	    "$FS_MAKE" >&2; [ -z "$_rmdir" ] || rmdir "$_rmdir"; return 1; }
	[ -z "$_rmdir" ] || rmdir "$_rmdir"
	return 0
}

# FFS: our own fsu_fsck -n, and the independent oracle ffs_check.py
# ($FFS_CHECK; env.sh sets it from ../shared) as a second opinion when
# it is there.  Missing both is a skip (77), never a pass.
fstab_ffs_check() {
	_ran=
	if [ -n "${FSU_BIN:-}" ] && [ -x "$FSU_BIN/fsu_fsck" ]; then
		"$FSU_BIN/fsu_fsck" "$1" -n >fstab_fsck.out 2>&1 || {
			grep -v 'files,.*fragments used' fstab_fsck.out |
			    head -n 20
			return 1
		}
		_ran=1
	fi
	if [ -n "${FFS_CHECK:-}" ] && [ -f "$FFS_CHECK" ] &&
	    command -v python3 >/dev/null 2>&1; then
		python3 "$FFS_CHECK" "$1" >fstab_check.out 2>&1
		_rv=$?
		if [ "$_rv" -ne 0 ] || ! grep -q '^OK' fstab_check.out; then
			head -n 20 fstab_check.out
			return 1
		fi
		_ran=1
	fi
	if [ -z "$_ran" ]; then
		echo "no FFS checker: neither fsu_fsck (FSU_BIN='${FSU_BIN:-}')" \
		    "nor ffs_check.py (FFS_CHECK='${FFS_CHECK:-}'; it is" \
		    "../shared/oracles/ffs_check.py beside the project)"
		return 77
	fi
	return 0
}

# fsck.fat -n: a clean volume exits 0 and prints its version and one
# summary line ("IMG: N files, U/T clusters"), nothing else.
fstab_fsck_fat() {
	command -v fsck.fat >/dev/null 2>&1 ||
	    { echo "the checker fsck.fat is missing"; return 77; }
	fsck.fat -n "$1" >fstab_check.out 2>&1
	_rv=$?
	if [ "$_rv" -ne 0 ] || [ "$(grep -cv -e '^fsck\.fat [0-9]' \
	    -e ': [0-9]* files, [0-9]*/[0-9]* clusters$' fstab_check.out)" \
	    -ne 0 ]; then
		head -n 20 fstab_check.out
		return 1
	fi
	return 0
}

fstab_check() {
	fstab_row "$1" || return 1
	case $FS_CHECKER in
	ffs_check)
		fstab_ffs_check "$2" ;;
	e2fsck)
		command -v e2fsck >/dev/null 2>&1 ||
		    { echo "the checker e2fsck is missing"; return 77; }
		e2fsck -fn "$2" >fstab_check.out 2>&1 ||
		    { head -n 20 fstab_check.out; return 1; } ;;
	fsck.fat)
		fstab_fsck_fat "$2" ;;
	none)
		echo "row $1 has no checker"
		return 77 ;;
	*)
		echo "fstab: row $1: unknown checker '$FS_CHECKER'"
		return 1 ;;
	esac
}

# ext2/3/4: debugfs lists each directory ("ls -p": /ino/mode/uid/gid/
# name/size/), walked from the root.
fstab_e2names() {
	debugfs -R "ls -p \"${2:-/}\"" "$1" 2>/dev/null |
	    awk -F/ 'NF >= 7 && $6 != "." && $6 != ".." { print $3 " " $6 }' |
	    while read -r _m _n; do
		_p=${2:-}/$_n
		echo "${_p#/}"
		case $_m in 04*) fstab_e2names "$1" "$_p" ;; esac
	done
}

fstab_names() {
	fstab_row "$1" || return 1
	case $FS_CHECKER in
	e2fsck)
		command -v debugfs >/dev/null 2>&1 ||
		    { echo "the lister debugfs is missing" >&2; return 77; }
		fstab_e2names "$2" | sort ;;
	ffs_check)
		if [ -z "${FFS_CHECK:-}" ] || [ ! -f "$FFS_CHECK" ]; then
			echo "the FFS checker ffs_check.py is missing" >&2
			return 77
		fi
		python3 "$FFS_CHECK" --list "$2" | sed -n 's/^[0-9]*	//p' |
		    sort ;;
	fsck.fat)
		command -v mdir >/dev/null 2>&1 ||
		    { echo "mdir (mtools) is missing" >&2; return 77; }
		# mdir -b fails on an empty root; plain mdir does not.
		MTOOLS_SKIP_CHECK=1 mdir -/ -b -i "$2" ::/ >fstab_names.out \
		    2>/dev/null || { : >fstab_names.out
		    MTOOLS_SKIP_CHECK=1 mdir -i "$2" ::/ >/dev/null || return 1; }
		sed -e 's|^::/||' -e 's|/$||' fstab_names.out | sort ;;
	*)
		echo "row $1 has no independent name lister" >&2
		return 77 ;;
	esac
}

# Run as a program: the first argument names the function.
case ${0##*/} in
fstab.sh)
	_cmd=${1:-}
	[ $# -gt 0 ] && shift
	case $_cmd in
	rows)	fstab_rows "$@" ;;
	field)	fstab_row "$1" || exit 1
		case $2 in
		fstype)   echo "$FS_TYPE" ;;
		checker)  echo "$FS_CHECKER" ;;
		features) echo "$FS_FEATURES" ;;
		make)     echo "$FS_MAKE" ;;
		*)        echo "fstab: no field '$2'" >&2; exit 1 ;;
		esac ;;
	has)	fstab_has "$@" ;;
	mkimg)	fstab_mkimg "$@" ;;
	check)	fstab_check "$@" ;;
	names)	fstab_names "$@" ;;
	*)	echo "usage: fstab.sh rows|field|has|mkimg|check|names ..." >&2
		exit 2 ;;
	esac
	;;
esac
