/*
 * fsu_chmod: change file modes in a file system image, with the options
 * of BSD chmod(1).  The mode is octal or symbolic (see fsu_mode.c).
 *
 * Without -h symbolic link operands are followed; with -h the link's own
 * mode is changed.  -R changes whole trees: symbolic links inside them
 * are never followed, and are changed themselves only with -h.  -v prints
 * the path of each file whose mode changed.  A mode that starts with '-'
 * ("-w") may be given where an option would be, as with BSD chmod.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

static struct ukfs *fs;
static struct fsu_mode *mode;
static struct fsu_attr fa;

/* Set the mode of path (stat'ed as st) if it changes. */
static int
change(const char *accpath, const char *path, const struct stat *st,
    int nofollow)
{
	mode_t nmode;

	nmode = fsu_mode_apply(mode, st->st_mode);
	if (nmode == (st->st_mode & 07777))
		return 0;
	if ((nofollow ? ukfs_lchmod(fs, accpath, nmode) :
	    ukfs_chmod(fs, accpath, nmode)) == -1) {
		fsu_warn("%s", path);
		return 1;
	}
	if (fa.fa_vflag)
		printf("%s\n", path);
	return 0;
}

/*
 * The index of the first operand: options end at "--", at an argument
 * not starting with '-', or at one that is not made of option letters
 * and parses as a mode ("-w", "-x,g+r").
 */
static int
options_end(int argc, char **argv)
{
	struct fsu_mode *m;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			break;
		if (strspn(argv[i] + 1, "hRv") == strlen(argv[i] + 1))
			continue;
		if ((m = fsu_mode_parse(argv[i], 0)) != NULL) {
			fsu_mode_free(m);
			break;
		}
	}
	return i;
}

static int
chmod_main(struct ukfs *ufs, int argc, char **argv)
{
	int rv = 0;

	fs = ufs;
	memset(&fa, 0, sizeof(fa));
	fa.fa_change = change;
	optind = fsu_attr_options(argc, argv, options_end(argc, argv), &fa);
	argc -= optind;
	argv += optind;
	if (argc < 2)
		fsu_usage();
	if ((mode = fsu_mode_parse(argv[0], fsu_umask())) == NULL)
		fsu_errx(1, "invalid file mode: %s", argv[0]);
	for (argc--, argv++; argc > 0; argc--, argv++)
		rv |= fsu_attr_apply(fs, &fa, argv[0]);
	fsu_mode_free(mode);
	mode = NULL;
	return rv;
}

const struct fsu_prog fsu_chmod_prog = {
	.fp_name = "chmod",
	.fp_flags = 0,
	.fp_usage = "[-R] [-h] [-v] mode file ...",
	.fp_main = chmod_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_chmod_prog, argc, argv);
}
#endif
