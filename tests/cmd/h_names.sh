#!/bin/sh
# h_names IMG: every path of the image, sorted, one a line, without the
# leading slash; from the independent checker when there is one, else
# through libukfs (h_fsu_stat).  A program, so that atf_check can run it.
if [ -n "${FFS_CHECK:-}" ]; then
	python3 "$FFS_CHECK" --list "$1" | sed -n 's/^[0-9]*	//p' | sort
else
	"$(dirname "$0")/h_fsu_stat" -R "$1" / |
	    sed -e 's/ .*//' -e 's|^/||' -e '/^$/d' | sort
fi
