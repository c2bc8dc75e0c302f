/*
 * fsu_fsck: check and repair the file system of an image, as the BSD
 * fsck_ffs does, without mounting it and without a BSD host.
 *
 *	fsu_fsck [common options] image [-n | -p | -y] [-f] [-d]
 *
 * -n (the default) checks and changes nothing; -p (preen) fixes only what
 * is safe without asking; -y fixes everything it can.  Each problem is
 * one line on standard output naming the inode, block or group.  Exit
 * status: 0 consistent (or repaired), 8 problems found (-n) or left, 1 an
 * error (the image could not be read, a bad option).
 */
#include <sys/types.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

#define EXIT_PROBLEMS	8

static const char *image_name;

static void
print_problem(void *arg, const char *msg)
{
	(void)arg;
	printf("%s: %s\n", image_name, msg);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct fsu_target t;
	struct ukfs_fsck uf;
	int ch, mode = -1, flags = 0;

	fsu_options(&argc, &argv, "[-n | -p | -y] [-f] [-d]", &t);
	while ((ch = getopt(argc, argv, "+npyfd")) != -1) {
		switch (ch) {
		case 'n':
		case 'p':
		case 'y':
			if (mode != -1 && mode != ch)
				fsu_errx(1, "-n, -p and -y exclude each other");
			mode = ch;
			break;
		case 'f':
			flags |= UKFS_FSCK_FORCE;
			break;
		case 'd':
			flags |= UKFS_FSCK_DEBUG;
			break;
		default:
			fsu_usage();
		}
	}
	if (optind != argc)
		fsu_usage();
	image_name = t.ft_image;
	memset(&uf, 0, sizeof(uf));
	uf.uf_mode = mode == 'y' ? UKFS_FSCK_YES : mode == 'p' ?
	    UKFS_FSCK_PREEN : UKFS_FSCK_NOWRITE;
	uf.uf_flags = flags;
	uf.uf_print = print_problem;
	if (ukfs_fsck(t.ft_fstype, t.ft_image, t.ft_part,
	    fsu_verbose ? UKFS_VERBOSE : 0, &uf) == -1) {
		if (errno == EOPNOTSUPP)
			fsu_errx(1, "%s: checking this file system type is not "
			    "supported", t.ft_image);
		fsu_open_failed(&t, errno);
	}
	if (uf.uf_skipped)
		return 0;
	printf("%s: %" PRIu64 " files, %" PRIu64 " fragments used; %" PRIu64
	    " problem%s found", t.ft_image, uf.uf_files, uf.uf_frags,
	    uf.uf_found, uf.uf_found == 1 ? "" : "s");
	if (uf.uf_mode != UKFS_FSCK_NOWRITE)
		printf(", %" PRIu64 " fixed", uf.uf_fixed);
	printf("\n");
	if (uf.uf_modified)
		printf("%s: ***** FILE SYSTEM WAS MODIFIED *****\n",
		    t.ft_image);
	if (uf.uf_mode == UKFS_FSCK_NOWRITE)
		return uf.uf_found == 0 ? 0 : EXIT_PROBLEMS;
	return uf.uf_clean ? 0 : EXIT_PROBLEMS;
}
