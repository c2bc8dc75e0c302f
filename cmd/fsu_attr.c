/*
 * fsu_attr.c: what fsu_chmod, fsu_chown/fsu_chgrp and fsu_chflags share:
 * their options (-R -h -v) and the application of one attribute change to
 * an operand, alone or, with -R, to the whole tree below it.
 *
 * Symbolic links: an operand is followed unless -h is given; inside a tree
 * links are never followed, and are changed themselves only with -h,
 * except for programs that change links anyway (chown, like BSD's -P).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

/* Parse -h, -R and -v among argv[1..end); returns the next index. */
int
fsu_attr_options(int argc, char **argv, int end, struct fsu_attr *fa)
{
	int ch;

	(void)argc;
	while ((ch = getopt(end, argv, "+hRv")) != -1) {
		switch (ch) {
		case 'h':
			fa->fa_hflag = 1;
			break;
		case 'R':
			fa->fa_rflag = 1;
			break;
		case 'v':
			fa->fa_vflag = 1;
			break;
		default:
			fsu_usage();
		}
	}
	return optind;
}

static int
attr_visit(struct ukfs *fs, struct fsu_walk_ent *we, void *arg)
{
	const struct fsu_attr *fa = arg;

	(void)fs;
	switch (we->we_info) {
	case FSU_W_ERR:
		fsu_walk_warn(we);
		return FSU_WALK_FAIL;
	case FSU_W_DP:
		return 0;
	default:
		if (S_ISLNK(we->we_st.st_mode) && !fa->fa_hflag &&
		    !fa->fa_links)
			return 0;
		/* Only an operand may be a followed symbolic link. */
		return fa->fa_change(we->we_accpath, we->we_path, &we->we_st,
		    fa->fa_hflag || we->we_depth > 0) ? FSU_WALK_FAIL : 0;
	}
}

/* Apply fa's change to operand path (and its tree with -R); 0 or 1. */
int
fsu_attr_apply(struct ukfs *fs, const struct fsu_attr *fa, const char *path)
{
	struct stat st;

	if (fa->fa_rflag)
		return fsu_walk(fs, path, fa->fa_hflag ? 0 : FSU_WALK_FOLLOW,
		    attr_visit, (void *)(uintptr_t)fa) != 0;
	if ((fa->fa_hflag ? ukfs_lstat(fs, path, &st) :
	    ukfs_stat(fs, path, &st)) == -1) {
		fsu_warn("%s", path);
		return 1;
	}
	return fa->fa_change(path, path, &st, fa->fa_hflag);
}
