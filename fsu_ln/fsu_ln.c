/*
 * fsu_ln: make links inside a file system image, with the options of BSD
 * ln(1).
 *
 *	fsu_ln ... image [-fhinsv] source [target]
 *	fsu_ln ... image [-fhinsv] source ... directory
 *
 * Hard links by default, symbolic links with -s (whose source is stored
 * as given and need not exist).  Without a target the link is made in
 * the root directory under the source's last component.  When the target
 * is an existing directory the link is made inside it, unless -h or -n is
 * given and the target is a symbolic link.  An existing target is an
 * error unless -f removes it first or -i asks whether to; the last of
 * -f and -i wins.  A hard link to a symbolic link links the symbolic
 * link itself.  -v prints "target -> source" ("=>" for hard links).
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
static int fflag, hflag, iflag, sflag, vflag;

/* Is path a directory (a symbolic link to one counts unless -h)? */
static int
is_dir(const char *path)
{
	struct stat st;

	if (hflag && ukfs_lstat(fs, path, &st) == 0 && S_ISLNK(st.st_mode))
		return 0;
	return ukfs_stat(fs, path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Clear the way for target: 0 to go on, 1 failed, -1 skip quietly. */
static int
make_room(const char *source, const char *target)
{
	struct stat sst, tst;

	if (ukfs_lstat(fs, target, &tst) == -1)
		return 0;
	if (!sflag && ukfs_lstat(fs, source, &sst) == 0 &&
	    sst.st_ino == tst.st_ino && sst.st_dev == tst.st_dev) {
		fsu_warnx("%s and %s are the same file", source, target);
		return 1;
	}
	if (iflag) {
		if (!fsu_prompt("replace %s? ", target)) {
			fprintf(stderr, "not replaced\n");
			return -1;
		}
	} else if (!fflag)
		return 0;	/* the link call reports EEXIST */
	if (ukfs_remove(fs, target) == -1) {
		fsu_warn("%s", target);
		return 1;
	}
	return 0;
}

static int
link_one(const char *source, const char *target)
{
	struct stat st;
	int r;

	if (!sflag && ukfs_lstat(fs, source, &st) == -1) {
		fsu_warn("%s", source);
		return 1;
	}
	if ((r = make_room(source, target)) != 0)
		return r > 0;
	if ((sflag ? ukfs_symlink(fs, source, target) :
	    ukfs_link(fs, source, target)) == -1) {
		fsu_warn("%s", target);
		return 1;
	}
	if (vflag)
		printf("%s %c> %s\n", target, sflag ? '-' : '=', source);
	return 0;
}

static int
ln_main(struct ukfs *ufs, int argc, char **argv)
{
	int ch;

	fs = ufs;
	fflag = hflag = iflag = sflag = vflag = 0;
	while ((ch = getopt(argc, argv, "+fhinsv")) != -1) {
		switch (ch) {
		case 'f':
			fflag = 1;
			iflag = 0;
			break;
		case 'h':
		case 'n':
			hflag = 1;
			break;
		case 'i':
			iflag = 1;
			fflag = 0;
			break;
		case 's':
			sflag = 1;
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
	if (argc < 1)
		fsu_usage();
	if (argc == 1)
		return fsu_into_dir(argv[0], "/", link_one);
	return fsu_targets(argc, argv, is_dir(argv[argc - 1]), link_one);
}

const struct fsu_prog fsu_ln_prog = {
	.fp_name = "ln",
	.fp_flags = 0,
	.fp_usage = "[-fhinsv] source [target]\n"
	    "       fsu_ln [-t fstype] [-o mntopts] [-p partition] [-v] image "
	    "[-fhinsv] source ... directory",
	.fp_main = ln_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_ln_prog, argc, argv);
}
#endif
