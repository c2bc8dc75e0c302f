/*
 * fsu_mv: move (rename) files inside a file system image, with the
 * options of BSD mv(1).
 *
 *	fsu_mv ... image [-f | -i | -n] [-v] source target
 *	fsu_mv ... image [-f | -i | -n] [-v] source ... directory
 *
 * When the last operand is an existing directory (symbolic links
 * followed), each source is moved into it under its own last component;
 * otherwise there must be exactly two operands and the source is renamed
 * to the target.  An existing target is replaced, after a question with
 * -i, never with -n; the last of -f, -i and -n wins.  -v prints
 * "source -> target" for each move.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

static struct ukfs *fs;
static int iflag, nflag, vflag;

static int
do_move(const char *from, const char *to)
{
	struct stat st;

	if ((iflag || nflag) && ukfs_lstat(fs, to, &st) == 0) {
		if (nflag)
			return 0;
		if (!fsu_prompt("overwrite %s? (y/n [n]) ", to)) {
			fprintf(stderr, "not overwritten\n");
			return 0;
		}
	}
	if (ukfs_rename(fs, from, to) == -1) {
		fsu_warn("rename %s to %s", from, to);
		return 1;
	}
	if (vflag)
		printf("%s -> %s\n", from, to);
	return 0;
}

static int
mv_main(struct ukfs *ufs, int argc, char **argv)
{
	struct stat st;
	int ch, todir;

	fs = ufs;
	iflag = nflag = vflag = 0;
	while ((ch = getopt(argc, argv, "+finv")) != -1) {
		switch (ch) {
		case 'f':
			iflag = nflag = 0;
			break;
		case 'i':
			iflag = 1;
			nflag = 0;
			break;
		case 'n':
			nflag = 1;
			iflag = 0;
			break;
		case 'v':
			vflag = 1;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		fsu_usage();
	todir = ukfs_stat(fs, argv[argc - 1], &st) == 0 &&
	    S_ISDIR(st.st_mode);
	return fsu_targets(argc, argv, todir, do_move);
}

const struct fsu_prog fsu_mv_prog = {
	.fp_name = "mv",
	.fp_flags = 0,
	.fp_usage = "[-f | -i | -n] [-v] source target\n"
	    "       fsu_mv [-t fstype] [-o mntopts] [-p partition] [-v] image "
	    "[-f | -i | -n] [-v] source ... directory",
	.fp_main = mv_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_mv_prog, argc, argv);
}
#endif
