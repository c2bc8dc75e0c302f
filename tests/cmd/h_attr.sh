#!/bin/sh
# h_attr IMG PATH FIELD: one attribute of PATH in the image (not
# following symbolic links): type mode uid gid nlink size flags rdev
# mtime atime target.  A program, so that atf_check can run it.
"$(dirname "$0")/h_fsu_stat" "$1" "$2" | awk -v f="$3" '{
	n = split("path type mode uid gid nlink size flags rdev mtime atime", k, " ")
	for (i = 1; i <= n; i++) if (k[i] == f) { print $i; exit }
	if (f == "target") { print $NF; exit }
}'
