/*
 * fsu_rmdir: remove empty directories of a file system image, with the
 * options of BSD rmdir(1).  With -p each directory's parents are removed
 * too, deepest first, as long as they become empty.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

static struct ukfs *fs;

/* Cut the last component (and the slashes before it) off path. */
static int
strip_last(char *path)
{
	size_t len = strlen(path);

	while (len > 0 && path[len - 1] == '/')
		len--;
	while (len > 0 && path[len - 1] != '/')
		len--;
	while (len > 0 && path[len - 1] == '/')
		len--;
	path[len] = '\0';
	return len > 0;
}

/* rmdir -p: the parents of path, deepest first. */
static int
remove_parents(const char *arg)
{
	char *path;
	int rv = 0;

	if ((path = strdup(arg)) == NULL)
		fsu_err(1, NULL);
	while (strip_last(path)) {
		if (ukfs_rmdir(fs, path) == -1) {
			fsu_warn("%s", path);
			rv = 1;
			break;
		}
	}
	free(path);
	return rv;
}

static int
rmdir_main(struct ukfs *ufs, int argc, char **argv)
{
	int ch, pflag = 0, rv = 0;

	fs = ufs;
	while ((ch = getopt(argc, argv, "+p")) != -1) {
		switch (ch) {
		case 'p':
			pflag = 1;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		fsu_usage();
	for (; argc > 0; argc--, argv++) {
		if (ukfs_rmdir(fs, argv[0]) == -1) {
			fsu_warn("%s", argv[0]);
			rv = 1;
			continue;
		}
		if (pflag)
			rv |= remove_parents(argv[0]);
	}
	return rv;
}

const struct fsu_prog fsu_rmdir_prog = {
	.fp_name = "rmdir",
	.fp_flags = 0,
	.fp_usage = "[-p] dir ...",
	.fp_main = rmdir_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_rmdir_prog, argc, argv);
}
#endif
