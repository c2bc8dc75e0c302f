/*
 * diff.h: what the files of fsu_diff share.
 */
#ifndef _FSU_DIFF_DIFF_H_
#define _FSU_DIFF_DIFF_H_

#include <sys/types.h>
#include <sys/stat.h>

#include <stddef.h>

#include "fsu.h"

#define DIFF_SAME	0
#define DIFF_DIFFER	1
#define DIFF_TROUBLE	2

/* The output format of the differences of text files. */
#define FMT_NORMAL	0
#define FMT_UNIFIED	1	/* -u */
#define FMT_BRIEF	2	/* -q */

/* A file to compare: where, its path there, its name in messages. */
struct diff_side {
	struct ukfs	*ds_fs;		/* NULL: the host */
	const char	*ds_path;
	const char	*ds_name;
	struct stat	 ds_st;
};

/* text.c */
int	diff_text(const struct diff_side *, const struct diff_side *, int,
	    const char *);

#endif /* !_FSU_DIFF_DIFF_H_ */
