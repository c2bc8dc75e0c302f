/*
 * fsu_mount.c: the common options of every fsu_* program and the mount of
 * the image.
 *
 * The image may name a partition in the NetBSD fs-utils way,
 * "disk.img%DISKLABEL:e%", as well as with -p.  When mounting fails
 * because no file system was recognised and the image has a partition
 * table, the message lists the partitions so the user can pick one.
 */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"

int fsu_verbose;
int fsu_errstatus = 1;

static const char *progname = "fsu";
static const char *prog_usage = "";
static struct ukfs *fsu_fs;
static char *fsu_image;
static struct ukfs *fsu_fs2;	/* the second image (fsu_mount_second) */
static char *fsu_image2;
static int fsu_relflags;		/* ukfs_release() flags */

/* While fsu_prog_run runs a program: where fsu_exit goes back to. */
static jmp_buf *batch_jmp;
static int batch_status;
static const char *batch_name;	/* the program's name, for usage */

const char *
fsu_progname(void)
{
	return progname;
}

/* The image fsu_mount() mounted, as given (without a %partition%). */
const char *
fsu_image_name(void)
{
	return fsu_image != NULL ? fsu_image : "";
}

static void
print_usage(FILE *f)
{
	if (batch_jmp != NULL) {
		fprintf(f, "%s: usage: %s%s%s\n", progname, batch_name,
		    prog_usage[0] != '\0' ? " " : "", prog_usage);
		return;
	}
	fprintf(f, "usage: %s [-t fstype] [-o mntopts] [-p partition] "
	    "[-v] image%s%s\n", progname, prog_usage[0] != '\0' ? " " : "",
	    prog_usage);
}

void
fsu_usage(void)
{
	print_usage(stderr);
	fsu_exit(fsu_errstatus);
}

static void
vwarn_common(const char *fmt, va_list ap, int errnum)
{
	fprintf(stderr, "%s: ", progname);
	if (fmt != NULL)
		vfprintf(stderr, fmt, ap);
	if (errnum != 0)
		fprintf(stderr, "%s%s", fmt != NULL ? ": " : "",
		    strerror(errnum));
	fputc('\n', stderr);
}

void
fsu_warn(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vwarn_common(fmt, ap, e);
	va_end(ap);
	errno = e;
}

void
fsu_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_common(fmt, ap, 0);
	va_end(ap);
}

void
fsu_exit(int status)
{
	if (batch_jmp != NULL) {
		batch_status = status;
		longjmp(*batch_jmp, 1);
	}
	if (fsu_fs2 != NULL && fsu_unmount(fsu_fs2) != 0)
		status = fsu_errstatus;
	if (fsu_fs != NULL && fsu_unmount(fsu_fs) != 0)
		status = fsu_errstatus;
	fflush(stdout);
	if (ferror(stdout) && status != fsu_errstatus) {
		fprintf(stderr, "%s: stdout: write error\n", progname);
		status = fsu_errstatus;
	}
	exit(status);
}

void
fsu_err(int status, const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vwarn_common(fmt, ap, e);
	va_end(ap);
	fsu_exit(status);
}

void
fsu_errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_common(fmt, ap, 0);
	va_end(ap);
	fsu_exit(status);
}

int
fsu_unmount(struct ukfs *fs)
{
	const char *name = fsu_image;
	int flags = 0;

	if (fs == fsu_fs) {
		fsu_fs = NULL;
		flags = fsu_relflags;
	}
	if (fs == fsu_fs2) {
		fsu_fs2 = NULL;
		name = fsu_image2;
	}
	if (ukfs_release(fs, flags) == -1) {
		fsu_warn("%s", name != NULL ? name : "image");
		return 1;
	}
	return 0;
}

/* Split "disk.img%DISKLABEL:e%" into the image and the partition. */
static char *
split_partition(char *image, const char **partp)
{
	size_t len = strlen(image);
	char *p;

	if (len < 3 || image[len - 1] != '%')
		return image;
	image[len - 1] = '\0';
	if ((p = strrchr(image, '%')) == NULL) {
		image[len - 1] = '%';
		return image;
	}
	*p = '\0';
	*partp = p + 1;
	return image;
}

/* No file system recognised: say what the image holds. */
static void
explain_partitions(const char *image)
{
	struct ukfs_part parts[64];
	int n, i;

	n = ukfs_partitions(image, parts, 64);
	if (n <= 0) {
		fsu_warnx("%s: no supported file system found", image);
		return;
	}
	fsu_warnx("%s: no single supported file system found; the image has "
	    "%d partition%s, choose one with -p:", image, n, n == 1 ? "" :
	    "s");
	for (i = 0; i < n && i < 64; i++)
		fprintf(stderr, "  -p %-4s %-9s %-22s %10llu MiB  %s%s%s\n",
		    parts[i].up_name, parts[i].up_scheme, parts[i].up_type,
		    (unsigned long long)(parts[i].up_size >> 20),
		    parts[i].up_fstype[0] != '\0' ? parts[i].up_fstype :
		    "(no supported file system)",
		    parts[i].up_label[0] != '\0' ? "  " : "",
		    parts[i].up_label);
}

/* Say why image could not be mounted. */
static void
mount_failed(const char *image, const char *part, const char *fstype, int e)
{
	if (e == EMEDIUMTYPE && part != NULL)
		fsu_warnx("%s: partition %s: no supported file system found",
		    image, part);
	else if (e == EMEDIUMTYPE && fstype == NULL)
		explain_partitions(image);
	else if (e == EMEDIUMTYPE)
		fsu_warnx("%s: not a valid %s file system", image, fstype);
	else if (e == ENOENT && part != NULL)
		fsu_warnx("%s: no partition %s", image, part);
	else if (e == ENODEV)
		fsu_warnx("%s: unknown file system type \"%s\"", image,
		    fstype);
	else if (e == EBUSY)
		fsu_warnx("%s: image is busy (another command is changing "
		    "it)", image);
	else if (e == EBADMSG)
		fsu_warnx("%s: the journal beside the image cannot be used "
		    "(see above)", image);
	else
		fsu_warnx("%s: %s", image, strerror(e));
}

/*
 * Parse the common options and the image operand, leaving the rest of
 * argv to the program (argv[0] first, optind reset), as fsu_mount does,
 * without mounting: for programs that work on the image another way.
 */
void
fsu_options(int *argcp, char ***argvp, const char *usage,
    struct fsu_target *t)
{
	const char *fstype, *opts, *part = NULL;
	char **argv = *argvp, *image;
	int argc = *argcp, ch;

	if ((progname = strrchr(argv[0], '/')) != NULL)
		progname++;
	else
		progname = argv[0];
	prog_usage = usage != NULL ? usage : "";
	fstype = getenv("FSU_TYPE");
	opts = getenv("FSU_MNTOPTS");
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		print_usage(stdout);
		exit(0);
	}
	opterr = 1;
	while ((ch = getopt(argc, argv, "+t:o:p:v")) != -1) {
		switch (ch) {
		case 't':
			fstype = optarg;
			break;
		case 'o':
			opts = optarg;
			break;
		case 'p':
			part = optarg;
			break;
		case 'v':
			fsu_verbose = 1;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((image = getenv("FSU_DEVICE")) == NULL) {
		if (argc < 1)
			fsu_usage();
		image = argv[0];
		argc--;
		argv++;
	}
	if ((fsu_image = strdup(image)) == NULL)
		fsu_err(fsu_errstatus, NULL);
	image = split_partition(fsu_image, &part);
	if (fstype != NULL && fstype[0] == '\0')
		fstype = NULL;
	t->ft_fstype = fstype;
	t->ft_image = image;
	t->ft_part = part;
	t->ft_opts = opts;
	/* Hand the rest to the program, argv[0] first. */
	argv--;
	argv[0] = (*argvp)[0];
	*argcp = argc + 1;
	*argvp = argv;
	optind = 0;
}

/* Say why the image could not be opened, and exit 1. */
void
fsu_open_failed(const struct fsu_target *t, int e)
{
	mount_failed(t->ft_image, t->ft_part, t->ft_fstype, e);
	exit(fsu_errstatus);
}

struct ukfs *
fsu_mount(int *argcp, char ***argvp, int flags, const char *usage)
{
	struct fsu_target t;
	struct ukfs *fs;
	int uflags = 0;

	fsu_options(argcp, argvp, usage, &t);
	if (flags & FSU_RDONLY)
		uflags |= UKFS_RDONLY;
	if (flags & FSU_JOURNALDATA)
		uflags |= UKFS_JOURNALDATA;
	if (fsu_verbose)
		uflags |= UKFS_VERBOSE;
	fs = ukfs_mount(t.ft_fstype, t.ft_image, t.ft_part, uflags,
	    t.ft_opts);
	if (fs == NULL) {
		mount_failed(t.ft_image, t.ft_part, t.ft_fstype, errno);
		exit(fsu_errstatus);
	}
	fsu_fs = fs;
	return fs;
}

/*
 * Mount a second image (fsu_ecp, fsu_cmp, fsu_diff -I): its type is
 * detected, "image%partition%" picks a partition, the mount options of
 * -o apply only to the first image.  flags as fsu_mount's.  The image
 * is released with the first one by fsu_exit(), or at the end of the
 * program under fsu_prog_run().  Ends the program (fsu_exit) on failure.
 */
struct ukfs *
fsu_mount_second(const char *arg, int flags)
{
	const char *part = NULL;
	char *image;
	int uflags = 0;

	if (fsu_fs2 != NULL)
		fsu_errx(fsu_errstatus, "only one second image (-I) may be "
		    "given");
	free(fsu_image2);
	if ((fsu_image2 = strdup(arg)) == NULL)
		fsu_err(fsu_errstatus, NULL);
	image = split_partition(fsu_image2, &part);
	if (flags & FSU_RDONLY)
		uflags |= UKFS_RDONLY;
	if (fsu_verbose)
		uflags |= UKFS_VERBOSE;
	if ((fsu_fs2 = ukfs_mount(NULL, image, part, uflags, NULL)) == NULL) {
		mount_failed(image, part, NULL, errno);
		fsu_exit(fsu_errstatus);
	}
	return fsu_fs2;
}

void
fsu_prog_main(const struct fsu_prog *p, int argc, char **argv)
{
	struct ukfs *fs;

	fs = fsu_mount(&argc, &argv, p->fp_flags, p->fp_usage);
	fsu_exit(p->fp_main(fs, argc, argv));
}

int
fsu_prog_run(const struct fsu_prog *p, struct ukfs *fs, int argc,
    char **argv, const char *label)
{
	const char *oname = progname, *ousage = prog_usage;
	jmp_buf jb, *ojmp = batch_jmp;
	volatile int status;
	mode_t mask;

	mask = umask(022);
	(void)umask(mask);
	progname = label;
	prog_usage = p->fp_usage;
	batch_name = p->fp_name;
	batch_jmp = &jb;
	optind = 0;
	opterr = 1;
	if (setjmp(jb) == 0)
		status = p->fp_main(fs, argc, argv);
	else
		status = batch_status;
	batch_jmp = ojmp;
	if (fsu_fs2 != NULL && fsu_unmount(fsu_fs2) != 0 && status == 0)
		status = fsu_errstatus;
	fsu_errstatus = 1;
	progname = oname;
	prog_usage = ousage;
	(void)umask(mask);
	(void)ukfs_chdir(fs, "/");
	fflush(stdout);
	return status;
}

int
fsu_inbatch(void)
{
	return batch_jmp != NULL;
}

void
fsu_discard(void)
{
	fsu_relflags |= UKFS_RELFLAG_ABORT;
}
