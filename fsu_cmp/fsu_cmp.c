/*
 * fsu_cmp: compare two files byte by byte, with the options and the
 * output of BSD cmp(1); the files may be in the image, in a second
 * image, or on the host.
 *
 *	fsu_cmp image [-I image2] [-l | -s] file1 file2 [skip1 [skip2]]
 *
 * ":path" names a file of the image, "::path" one of the second image
 * (-I), anything else a host file ("-" is the standard input).  The
 * exit status is 0 for identical files, 1 for different ones and 2 for
 * an error, as cmp's.  Both images are mounted read-only, at once.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

#define CMP_USAGE	"[-I image2] [-l | -s] file1 file2 [skip1 [skip2]]"
#define CMP_BUFSIZE	(64 * 1024)
#define DIFF_EXIT	1
#define ERR_EXIT	2

/* One of the two files. */
struct cmp_file {
	struct ukfs	*cf_fs;		/* NULL: the host */
	const char	*cf_path;
	const char	*cf_name;	/* the operand, for messages */
	int		 cf_fd;
	char		*cf_buf;
	size_t		 cf_len;	/* bytes in cf_buf */
	size_t		 cf_pos;	/* next byte to compare */
	int		 cf_eof;
};

static int lflag, sflag;

/* Fill the buffer when it is used up; 0 at the end of the file. */
static int
refill(struct cmp_file *f)
{
	ssize_t n;

	if (f->cf_pos < f->cf_len)
		return 1;
	if (f->cf_eof)
		return 0;
	if ((n = fsu_place_read(f->cf_fs, f->cf_fd, f->cf_buf,
	    CMP_BUFSIZE)) == -1)
		fsu_err(ERR_EXIT, "%s", f->cf_name);
	f->cf_len = (size_t)n;
	f->cf_pos = 0;
	if (n == 0)
		f->cf_eof = 1;
	return n > 0;
}

/* Skip the first skip bytes. */
static void
skip_bytes(struct cmp_file *f, uint64_t skip)
{
	size_t n;

	while (skip > 0 && refill(f)) {
		n = f->cf_len - f->cf_pos;
		if (n > skip)
			n = (size_t)skip;
		f->cf_pos += n;
		skip -= n;
	}
}

static void
cmp_open(struct cmp_file *f, const char *arg, struct ukfs *fs,
    struct ukfs *fs2)
{
	memset(f, 0, sizeof(*f));
	f->cf_name = arg;
	f->cf_path = fsu_place(arg, fs, fs2, &f->cf_fs);
	if ((f->cf_fd = fsu_place_open(f->cf_fs, f->cf_path)) == -1)
		fsu_err(ERR_EXIT, "%s", arg);
	if ((f->cf_buf = malloc(CMP_BUFSIZE)) == NULL)
		fsu_err(ERR_EXIT, NULL);
}

static void
cmp_close(struct cmp_file *f)
{
	fsu_place_close(f->cf_fs, f->cf_fd);
	free(f->cf_buf);
}

/* The end of one file came first: "EOF on name" (not with -s). */
static int
eof_on(const struct cmp_file *f)
{
	if (!sflag) {
		fflush(stdout);
		fsu_warnx("EOF on %s", f->cf_name);
	}
	return DIFF_EXIT;
}

/* Compare from the current positions; returns the exit status. */
static int
compare(struct cmp_file *a, struct cmp_file *b)
{
	uint64_t byte = 1, line = 1;
	int more_a, more_b, rv = 0;
	unsigned char ca, cb;

	for (;;) {
		more_a = refill(a);
		more_b = refill(b);
		if (!more_a || !more_b) {
			if (more_a == more_b)
				return rv;
			return eof_on(more_a ? b : a);
		}
		ca = (unsigned char)a->cf_buf[a->cf_pos++];
		cb = (unsigned char)b->cf_buf[b->cf_pos++];
		if (ca != cb) {
			if (sflag)
				return DIFF_EXIT;
			if (!lflag) {
				printf("%s %s differ: char %" PRIu64 ", line %"
				    PRIu64 "\n", a->cf_name, b->cf_name, byte,
				    line);
				return DIFF_EXIT;
			}
			printf("%6" PRIu64 " %3o %3o\n", byte, ca, cb);
			rv = DIFF_EXIT;
		}
		if (ca == '\n')
			line++;
		byte++;
	}
}

/* A skip operand: decimal, 0x hexadecimal or 0 octal. */
static uint64_t
parse_skip(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0)
		fsu_errx(ERR_EXIT, "%s: illegal offset", s);
	return v;
}

static int
cmp_main(struct ukfs *fs, int argc, char **argv)
{
	struct ukfs *fs2 = NULL;
	struct cmp_file a, b;
	uint64_t skip1 = 0, skip2 = 0;
	int ch, rv;

	fsu_errstatus = ERR_EXIT;
	lflag = sflag = 0;
	while ((ch = getopt(argc, argv, "+I:ls")) != -1) {
		switch (ch) {
		case 'I':
			fs2 = fsu_mount_second(optarg, FSU_RDONLY);
			break;
		case 'l':
			lflag = 1;
			break;
		case 's':
			sflag = 1;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((lflag && sflag) || argc < 2 || argc > 4)
		fsu_usage();
	if (argc > 2)
		skip1 = parse_skip(argv[2]);
	if (argc > 3)
		skip2 = parse_skip(argv[3]);
	cmp_open(&a, argv[0], fs, fs2);
	cmp_open(&b, argv[1], fs, fs2);
	skip_bytes(&a, skip1);
	skip_bytes(&b, skip2);
	rv = compare(&a, &b);
	cmp_close(&a);
	cmp_close(&b);
	return rv;
}

const struct fsu_prog fsu_cmp_prog = {
	.fp_name = "cmp",
	.fp_flags = FSU_RDONLY,
	.fp_usage = CMP_USAGE,
	.fp_main = cmp_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_errstatus = ERR_EXIT;
	fsu_prog_main(&fsu_cmp_prog, argc, argv);
}
#endif
