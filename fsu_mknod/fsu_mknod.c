/*
 * fsu_mknod: make device special files and FIFOs in a file system image,
 * as BSD mknod(8) does.
 *
 *	fsu_mknod ... image [-m mode] name [b | c] major minor
 *	fsu_mknod ... image [-m mode] name p
 *
 * Major numbers go up to 4095 and minor numbers up to 1048575 (the BSD
 * device number layout the image stores); numbers are decimal, octal
 * with a leading 0 or hexadecimal with 0x.  The mode is 0666 less the
 * umask, or the -m mode (octal or symbolic relative to a=rw), which is
 * set after the creation.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

#define MAJOR_MAX	0xfff
#define MINOR_MAX	0xfffff

static unsigned long
parse_number(const char *s, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0)
		fsu_errx(1, "%s: invalid %s number", s, what);
	if (v > max)
		fsu_errx(1, "%s: %s number too large (at most %lu)", s, what,
		    max);
	return v;
}

static int
mknod_main(struct ukfs *fs, int argc, char **argv)
{
	struct fsu_mode *m = NULL;
	mode_t mode, type;
	dev_t dev = 0;
	unsigned long maj, min;
	int ch, rv = 0;

	while ((ch = getopt(argc, argv, "+m:")) != -1) {
		switch (ch) {
		case 'm':
			fsu_mode_free(m);
			if ((m = fsu_mode_parse(optarg, fsu_umask())) == NULL)
				fsu_errx(1, "invalid file mode: %s", optarg);
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 2 && strcmp(argv[1], "p") == 0)
		type = S_IFIFO;
	else if (argc == 4 && strcmp(argv[1], "b") == 0)
		type = S_IFBLK;
	else if (argc == 4 && strcmp(argv[1], "c") == 0)
		type = S_IFCHR;
	else
		fsu_usage();
	if (type != S_IFIFO) {
		maj = parse_number(argv[2], MAJOR_MAX, "major");
		min = parse_number(argv[3], MINOR_MAX, "minor");
		dev = makedev((unsigned int)maj, (unsigned int)min);
	}
	mode = m != NULL ? fsu_mode_apply(m, type | 0666) : 0666 & ~fsu_umask();
	if (ukfs_mknod(fs, argv[0], type | (mode & 0777), dev) == -1 ||
	    (m != NULL && ukfs_chmod(fs, argv[0], mode) == -1)) {
		fsu_warn("%s", argv[0]);
		rv = 1;
	}
	fsu_mode_free(m);
	return rv;
}

const struct fsu_prog fsu_mknod_prog = {
	.fp_name = "mknod",
	.fp_flags = 0,
	.fp_usage = "[-m mode] name [b | c] major minor\n"
	    "       fsu_mknod [-t fstype] [-o mntopts] [-p partition] [-v] "
	    "image [-m mode] name p",
	.fp_main = mknod_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_mknod_prog, argc, argv);
}
#endif
