/*
 * fsu_util.c: small helpers of the fsu_* programs: prompts, path
 * names, and finding the holes of sparse files (in the image with
 * SEEK_DATA and SEEK_HOLE, in copy buffers by their zeros).
 */
#define _GNU_SOURCE		/* SEEK_DATA, SEEK_HOLE */
#include <sys/types.h>

#include <stdarg.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsu.h"

/*
 * Ask on stderr and read one line from stdin; the answer is yes when it
 * starts with 'y' or 'Y' (after blanks).  End of input is no.
 */
int
fsu_prompt(const char *fmt, ...)
{
	va_list ap;
	int ch, first = 0;

	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fflush(stderr);
	while ((ch = getchar()) == ' ' || ch == '\t')
		continue;
	first = ch;
	while (ch != '\n' && ch != EOF)
		ch = getchar();
	return first == 'y' || first == 'Y';
}

char *
fsu_basename(const char *path)
{
	size_t len = strlen(path), start;
	char *b;

	while (len > 1 && path[len - 1] == '/')
		len--;
	start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (len == 1 && path[0] == '/')
		start = 0;
	if ((b = malloc(len - start + 1)) == NULL)
		return NULL;
	memcpy(b, path + start, len - start);
	b[len - start] = '\0';
	return b;
}

char *
fsu_path_in_dir(const char *dir, const char *path)
{
	char *base, *p;
	size_t dlen = strlen(dir);

	if ((base = fsu_basename(path)) == NULL)
		return NULL;
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	if ((p = malloc(dlen + 1 + strlen(base) + 1)) != NULL)
		(void)snprintf(p, dlen + 1 + strlen(base) + 1, "%.*s%s%s",
		    (int)dlen, dir, dir[dlen - 1] == '/' ? "" : "/", base);
	free(base);
	return p;
}

/*
 * Apply fn(src, target) with target the path of src's last component in
 * directory dir: the "source ... directory" form of cp, mv and ln.
 */
int
fsu_into_dir(const char *src, const char *dir,
    int (*fn)(const char *, const char *))
{
	char *target;
	int rv;

	if ((target = fsu_path_in_dir(dir, src)) == NULL)
		fsu_err(1, NULL);
	rv = fn(src, target);
	free(target);
	return rv;
}

/*
 * Finish cp, mv or ln: argv holds "source target", or "source ...
 * directory" when the last operand is a directory (todir says so).  fn
 * does one source and target; returns the combined status.
 */
int
fsu_targets(int argc, char **argv, int todir,
    int (*fn)(const char *, const char *))
{
	const char *dir = argv[argc - 1];
	int rv = 0;

	if (todir) {
		for (; argc > 1; argc--, argv++)
			rv |= fsu_into_dir(argv[0], dir, fn);
		return rv;
	}
	if (argc > 2) {
		errno = ENOTDIR;
		fsu_warn("%s", dir);
		return 1;
	}
	return fn(argv[0], argv[1]);
}

static int
grain_zero(const char *p, size_t len)
{
	return p[0] == '\0' && memcmp(p, p + 1, len - 1) == 0;
}

/*
 * Find the first run of data in buf[0..len): buffers are looked at in
 * FSU_HOLE_GRAIN pieces, and a piece of zero bytes is a hole.  Sets
 * *startp to where the run starts and returns its length; 0 when all of
 * buf is zero.
 */
size_t
fsu_data_run(const char *buf, size_t len, size_t *startp)
{
	size_t pos = 0, n, start;

	for (;;) {
		if (pos >= len)
			return 0;
		n = len - pos < FSU_HOLE_GRAIN ? len - pos : FSU_HOLE_GRAIN;
		if (!grain_zero(buf + pos, n))
			break;
		pos += n;
	}
	start = pos;
	while (pos < len) {
		n = len - pos < FSU_HOLE_GRAIN ? len - pos : FSU_HOLE_GRAIN;
		if (grain_zero(buf + pos, n))
			break;
		pos += n;
	}
	*startp = start;
	return pos - start;
}

int
fsu_sparse(const struct stat *st)
{
	if (st->st_blocks < 0 || st->st_size <= 0)
		return 0;
	/* blocks * 512 < size, in unsigned arithmetic that cannot wrap. */
	return (uintmax_t)st->st_blocks < ((uintmax_t)st->st_size + 511) / 512;
}

int
fsu_next_data(struct ukfs *fs, int fd, off_t off, off_t size, off_t *datap,
    off_t *endp)
{
	off_t data, end;

	if (off >= size)
		return 0;
#if defined(SEEK_DATA) && defined(SEEK_HOLE)
	if ((data = ukfs_lseek(fs, fd, off, SEEK_DATA)) == -1)
		return errno == ENXIO ? 0 : -1;
	if (data >= size)
		return 0;
	if ((end = ukfs_lseek(fs, fd, data, SEEK_HOLE)) == -1)
		return -1;
	if (end > size || end <= data)
		end = size;
#else
	data = off;
	end = size;
#endif
	*datap = data;
	*endp = end;
	return 1;
}
