/*
 * fsu_cat: concatenate files of a file system image to standard output,
 * with the options of BSD cat(1).  Files are streamed in constant memory;
 * without options, the holes of a regular file are found with SEEK_DATA
 * and SEEK_HOLE and written as zeros without reading them.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

#define CAT_BUFSIZE	(256 * 1024)

static int bflag, eflag, nflag, sflag, tflag, vflag;
static struct ukfs *fs;
static char *buf;

/* Write all of buf to standard output. */
static int
write_all(const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDOUT_FILENO, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy what is left of fd without any processing. */
static int
raw_stream(int fd, const char *path)
{
	ssize_t n;

	while ((n = ukfs_fd_read(fs, fd, buf, CAT_BUFSIZE)) > 0) {
		if (write_all(buf, (size_t)n) == -1)
			fsu_err(1, "stdout");
	}
	if (n == -1) {
		fsu_warn("%s", path);
		return 1;
	}
	return 0;
}

/* Write len zero bytes (a hole) to standard output. */
static void
write_zeros(off_t len)
{
	size_t n;

	memset(buf, 0, len < CAT_BUFSIZE ? (size_t)len : CAT_BUFSIZE);
	for (; len > 0; len -= (off_t)n) {
		n = len < CAT_BUFSIZE ? (size_t)len : CAT_BUFSIZE;
		if (write_all(buf, n) == -1)
			fsu_err(1, "stdout");
	}
}

/*
 * Copy without any processing.  A regular file goes extent by extent:
 * the data is read, the holes between are written as zeros.  *offp
 * tracks how far the output got; it stops short where the file does.
 */
static int
raw_extent(int fd, off_t *offp, off_t data, off_t end)
{
	ssize_t n;
	size_t len;

	write_zeros(data - *offp);
	for (*offp = data; *offp < end; *offp += n) {
		len = end - *offp < CAT_BUFSIZE ? (size_t)(end - *offp) :
		    CAT_BUFSIZE;
		if ((n = ukfs_fd_pread(fs, fd, buf, len, *offp)) <= 0)
			return (int)n;
		if (write_all(buf, (size_t)n) == -1)
			fsu_err(1, "stdout");
	}
	return 1;
}

static int
raw_cat(int fd, const char *path)
{
	struct stat st;
	off_t off = 0, data, end;
	int r;

	if (ukfs_fstat(fs, fd, &st) == -1 || !S_ISREG(st.st_mode))
		return raw_stream(fd, path);
	for (;;) {
		r = fsu_next_data(fs, fd, off, st.st_size, &data, &end);
		if (r == 0) {
			write_zeros(st.st_size - off);	/* a hole to the end */
			return 0;
		}
		if (r == 1)
			r = raw_extent(fd, &off, data, end);
		if (r == 0)
			return 0;	/* the file was shorter */
		if (r == -1) {
			fsu_warn("%s", path);
			return 1;
		}
	}
}

/* State of the line-oriented options, kept across files as BSD cat does. */
static struct {
	int	line;		/* line number */
	int	gobble;		/* squeezing blank lines */
	int	prev;		/* previous character */
} ck = { 0, 0, '\n' };

static void
cook_char(int ch)
{
	if (ck.prev == '\n') {
		if (sflag) {
			if (ch == '\n') {
				if (ck.gobble)
					return;
				ck.gobble = 1;
			} else {
				ck.gobble = 0;
			}
		}
		if (nflag && (!bflag || ch != '\n'))
			printf("%6d\t", ++ck.line);
	}
	ck.prev = ch;
	if (ch == '\n') {
		if (eflag)
			putchar('$');
	} else if (ch == '\t') {
		if (tflag) {
			fputs("^I", stdout);
			return;
		}
	} else if (vflag) {
		if (!isascii(ch)) {
			fputs("M-", stdout);
			ch = toascii(ch);
		}
		if (iscntrl(ch)) {
			putchar('^');
			putchar(ch == '\177' ? '?' : ch | 0100);
			return;
		}
	}
	putchar(ch);
}

static int
cooked_cat(int fd, const char *path)
{
	ssize_t n, i;

	while ((n = ukfs_fd_read(fs, fd, buf, CAT_BUFSIZE)) > 0) {
		for (i = 0; i < n; i++)
			cook_char((unsigned char)buf[i]);
		if (ferror(stdout))
			fsu_err(1, "stdout");
	}
	if (n == -1) {
		fsu_warn("%s", path);
		return 1;
	}
	return 0;
}

static int
cat_file(const char *path)
{
	int fd, rv;

	if ((fd = ukfs_open(fs, path, O_RDONLY, 0)) == -1) {
		fsu_warn("%s", path);
		return 1;
	}
	if (bflag || eflag || nflag || sflag || tflag || vflag)
		rv = cooked_cat(fd, path);
	else
		rv = raw_cat(fd, path);
	(void)ukfs_close(fs, fd);
	return rv;
}

static int
cat_main(struct ukfs *ufs, int argc, char **argv)
{
	int ch, rv = 0;

	fs = ufs;
	bflag = eflag = nflag = sflag = tflag = vflag = 0;
	while ((ch = getopt(argc, argv, "benstuv")) != -1) {
		switch (ch) {
		case 'b':
			bflag = nflag = 1;
			break;
		case 'e':
			eflag = vflag = 1;
			break;
		case 'n':
			nflag = 1;
			break;
		case 's':
			sflag = 1;
			break;
		case 't':
			tflag = vflag = 1;
			break;
		case 'u':
			if (!fsu_inbatch())
				setvbuf(stdout, NULL, _IONBF, 0);
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
	if ((buf = malloc(CAT_BUFSIZE)) == NULL)
		fsu_err(1, NULL);
	for (; argc > 0; argc--, argv++)
		rv |= cat_file(argv[0]);
	fflush(stdout);
	free(buf);
	buf = NULL;
	return rv;
}

const struct fsu_prog fsu_cat_prog = {
	.fp_name = "cat",
	.fp_flags = FSU_RDONLY,
	.fp_usage = "[-benstuv] file ...",
	.fp_main = cat_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_cat_prog, argc, argv);
}
#endif
