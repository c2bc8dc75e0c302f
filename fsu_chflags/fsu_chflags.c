/*
 * fsu_chflags: change the BSD file flags of files in a file system
 * image, with the options of BSD chflags(1).
 *
 * The flags operand is an octal number, which replaces the flags, or a
 * comma-separated list of names, which set flags; a name with "no" in
 * front (or "dump", without it) clears its flag.  Without -h symbolic
 * link operands are followed; with -h the link itself is changed.  -R
 * changes whole trees; symbolic links inside them are not followed and
 * are changed only with -h.  -v prints the path of each file whose flags
 * changed.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

static struct ukfs *fs;
static int absolute;
static struct fsu_attr fa;
static uint32_t setbits, clrbits;

/* One name of the list into setbits or clrbits. */
static int
parse_name(const char *name)
{
	uint32_t f;

	if (fsu_flag_byname(name, &f) == 0)
		setbits |= f;
	else if (strncmp(name, "no", 2) == 0 && fsu_flag_byname(name + 2, &f) == 0)
		clrbits |= f;
	else if (strcmp(name, "dump") == 0)
		clrbits |= FSU_UF_NODUMP;
	else
		return -1;
	return 0;
}

static void
parse_flags(const char *arg)
{
	char *copy, *s, *name;
	unsigned long v;

	if (*arg >= '0' && *arg <= '7') {
		v = strtoul(arg, &s, 8);
		if (*s != '\0' || v > 0xffffffffUL)
			fsu_errx(1, "%s: invalid flag", arg);
		absolute = 1;
		setbits = (uint32_t)v;
		return;
	}
	if ((copy = strdup(arg)) == NULL)
		fsu_err(1, NULL);
	for (s = copy; (name = strsep(&s, ",")) != NULL;) {
		if (parse_name(name) == -1) {
			fsu_warnx("%s: invalid flag", name);
			free(copy);
			fsu_exit(1);
		}
	}
	free(copy);
}

static int
change(const char *accpath, const char *path, const struct stat *st,
    int nofollow)
{
	struct ukfs_stat us;
	uint32_t nflags;

	if (ukfs_xstat(fs, accpath, nofollow, &us) == -1) {
		fsu_warn("%s", path);
		return 1;
	}
	nflags = absolute ? setbits : ((us.us_flags & ~clrbits) | setbits);
	if (nflags == us.us_flags)
		return 0;
	if ((nofollow ? ukfs_lchflags(fs, accpath, nflags) :
	    ukfs_chflags(fs, accpath, nflags)) == -1) {
		fsu_warn("%s", path);
		return 1;
	}
	if (fa.fa_vflag)
		printf("%s\n", path);
	return 0;
}

static int
chflags_main(struct ukfs *ufs, int argc, char **argv)
{
	int rv = 0;

	fs = ufs;
	memset(&fa, 0, sizeof(fa));
	absolute = 0;
	setbits = clrbits = 0;
	fa.fa_change = change;
	optind = fsu_attr_options(argc, argv, argc, &fa);
	argc -= optind;
	argv += optind;
	if (argc < 2)
		fsu_usage();
	parse_flags(argv[0]);
	for (argc--, argv++; argc > 0; argc--, argv++)
		rv |= fsu_attr_apply(fs, &fa, argv[0]);
	return rv;
}

const struct fsu_prog fsu_chflags_prog = {
	.fp_name = "chflags",
	.fp_flags = 0,
	.fp_usage = "[-R] [-h] [-v] flags file ...",
	.fp_main = chflags_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_chflags_prog, argc, argv);
}
#endif
