#!/bin/sh
# h_names IMG: every path of the image, sorted, one a line, without the
# leading slash; from the independent reader of the row under test
# (FSU_TEST_FS, see tests/common/fstab.sh) when there is one, else through
# libukfs (h_fsu_stat).  A program, so that atf_check can run it.
if ! sh "$FSU_SRC/tests/common/fstab.sh" names "${FSU_TEST_FS:-ufs2}" "$1" \
    2>/dev/null; then
	"$(dirname "$0")/h_fsu_stat" -R "$1" / |
	    sed -e 's/ .*//' -e 's|^/||' -e '/^$/d' | sort
fi
