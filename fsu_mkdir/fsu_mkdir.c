/*
 * fsu_mkdir: make directories in a file system image, with the options of
 * BSD mkdir(1).  New directories get mode 0777 less the umask; with -m
 * the mode (octal or symbolic, relative to a=rwx) is set by a chmod after
 * the creation, so the umask does not affect it.  With -p missing
 * parents are made (0777 less the umask, plus u+wx) and an existing
 * directory is not an error.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

static struct ukfs *fs;
static int pflag;
static const struct fsu_mode *mflag;

/* Make one directory; with -p an existing directory is fine. */
static int
make_one(const char *path, mode_t mode, int last)
{
	struct stat st;
	int e;

	if (ukfs_mkdir(fs, path, mode) == 0) {
		if (last && mflag != NULL && ukfs_chmod(fs, path,
		    fsu_mode_apply(mflag, S_IFDIR | 0777)) == -1)
			return -1;
		return 0;
	}
	e = errno;
	if (!pflag || (e != EEXIST && e != EISDIR))
		return -1;
	if (ukfs_stat(fs, path, &st) == -1) {
		errno = e;
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		errno = last ? EEXIST : ENOTDIR;
		return -1;
	}
	return 0;
}

/* mkdir -p: make each missing component of path in turn. */
static int
make_parents(char *path, mode_t mode)
{
	mode_t pmode = ((0777 & ~fsu_umask()) | S_IWUSR | S_IXUSR);
	char *p = path;
	int last;

	for (;;) {
		p += strspn(p, "/");
		p += strcspn(p, "/");
		last = p[strspn(p, "/")] == '\0';
		if (last)
			return make_one(path, mode, 1);
		*p = '\0';
		if (make_one(path, pmode, 0) == -1) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
}

static int
make_dir(const char *arg, mode_t mode)
{
	char *path;
	int rv;

	if (!pflag)
		rv = make_one(arg, mode, 1);
	else {
		if ((path = strdup(arg)) == NULL)
			fsu_err(1, NULL);
		rv = make_parents(path, mode);
		free(path);
	}
	if (rv == -1) {
		fsu_warn("%s", arg);
		return 1;
	}
	return 0;
}

static int
mkdir_main(struct ukfs *ufs, int argc, char **argv)
{
	struct fsu_mode *m = NULL;
	mode_t mode;
	int ch, rv = 0;

	fs = ufs;
	pflag = 0;
	mflag = NULL;
	while ((ch = getopt(argc, argv, "+m:p")) != -1) {
		switch (ch) {
		case 'm':
			fsu_mode_free(m);
			if ((m = fsu_mode_parse(optarg, fsu_umask())) == NULL)
				fsu_errx(1, "invalid file mode: %s", optarg);
			break;
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
	mflag = m;
	mode = 0777 & ~fsu_umask();
	if (m != NULL)
		mode = fsu_mode_apply(m, S_IFDIR | 0777) & 0777;
	for (; argc > 0; argc--, argv++)
		rv |= make_dir(argv[0], mode);
	fsu_mode_free(m);
	mflag = NULL;
	return rv;
}

const struct fsu_prog fsu_mkdir_prog = {
	.fp_name = "mkdir",
	.fp_flags = 0,
	.fp_usage = "[-p] [-m mode] dir ...",
	.fp_main = mkdir_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_mkdir_prog, argc, argv);
}
#endif
