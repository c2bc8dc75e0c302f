/*
 * util.c: small pieces of fsu_ls: owner and group names or numbers,
 * dates, names made safe for a terminal, and a string arena.  The mode
 * string, human-readable sizes, the host's names of ids and BLOCKSIZE
 * come from cmd/fsu_fmt.c.
 */
#define _XOPEN_SOURCE 700	/* wcwidth */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

#include "fsu.h"
#include "ls.h"

/* Dates further than this from now show the year instead of the time. */
#define SIXMONTHS	((365 / 2) * 86400)

#define ARENA_CHUNK	(64 * 1024)

struct ls_chunk {
	struct ls_chunk	*c_next;
	size_t		 c_used;
	size_t		 c_size;
	char		 c_data[];
};

void *
ls_xmalloc(size_t size)
{
	void *p;

	if ((p = malloc(size)) == NULL)
		fsu_err(1, NULL);
	return p;
}

void *
ls_xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		fsu_err(1, NULL);
	}
	if ((p = realloc(p, n * size)) == NULL)
		fsu_err(1, NULL);
	return p;
}

/* An owner or group as ls shows it: the name, or the number (-n). */
static const char *
idstr(uint32_t id, int group, char *buf, size_t len)
{
	const char *name = NULL;

	if (!ls_opt.o_numeric)
		name = group ? fsu_groupname(id) : fsu_username(id);
	if (name != NULL)
		return name;
	snprintf(buf, len, "%u", id);
	return buf;
}

const char *
ls_username(uint32_t uid)
{
	static char buf[16];

	return idstr(uid, 0, buf, sizeof(buf));
}

const char *
ls_groupname(uint32_t gid)
{
	static char buf[16];

	return idstr(gid, 1, buf, sizeof(buf));
}

/*
 * The date of ls -l: "Mon dd HH:MM" within six months of now, else
 * "Mon dd  YYYY"; with -T "Mon dd HH:MM:SS YYYY".  Local time.
 */
void
ls_timestr(char *buf, size_t len, const struct timespec *ts)
{
	time_t t = ts->tv_sec;
	const char *fmt;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "%-12jd", (intmax_t)t);
		return;
	}
	if (ls_opt.o_fulltime)
		fmt = "%b %e %H:%M:%S %Y";
	else if (t > ls_opt.o_now - SIXMONTHS && t < ls_opt.o_now + SIXMONTHS)
		fmt = "%b %e %H:%M";
	else
		fmt = "%b %e  %Y";
	if (strftime(buf, len, fmt, &tm) == 0)
		buf[0] = '\0';
}

/*
 * Walk a name character by character in the current locale: its width in
 * columns, and if print, write it to stdout.  With o_nonprint every
 * character that is not printable (and every byte that does not start a
 * valid character) shows as '?'.
 */
static size_t
mbscan(const char *s, int print)
{
	size_t n, len, width = 0;
	mbstate_t st;
	wchar_t wc;
	int cw;

	len = strlen(s);
	memset(&st, 0, sizeof(st));
	while (len > 0) {
		n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof(st));
			n = 1;
			cw = -1;
		} else
			cw = iswprint((wint_t)wc) ? wcwidth(wc) : -1;
		if (cw < 0 && ls_opt.o_nonprint) {
			if (print)
				putchar('?');
			cw = 1;
		} else if (print)
			fwrite(s, 1, n, stdout);
		width += cw < 0 ? 1 : (size_t)cw;
		s += n;
		len -= n;
	}
	return width;
}

/* Printable ASCII only: the common case, one column per byte. */
static int
plainascii(const char *s, size_t *lenp)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p >= 0x20 && *p < 0x7f; p++)
		continue;
	*lenp = (size_t)(p - (const unsigned char *)s);
	return *p == '\0';
}

size_t
ls_namewidth(const char *s)
{
	size_t len;

	if (plainascii(s, &len))
		return len;
	return mbscan(s, 0);
}

/* Print a name (see mbscan) and return its width in columns. */
size_t
ls_putname(const char *s)
{
	size_t len;

	if (plainascii(s, &len)) {
		fwrite(s, 1, len, stdout);
		return len;
	}
	if (!ls_opt.o_nonprint) {
		fputs(s, stdout);
		return mbscan(s, 0);
	}
	return mbscan(s, 1);
}

/* Copy len bytes of s and a NUL into the arena. */
char *
ls_arena_strdup(struct ls_arena *a, const char *s, size_t len)
{
	struct ls_chunk *c = a->a_head;
	size_t size;
	char *p;

	if (c == NULL || c->c_size - c->c_used < len + 1) {
		size = len + 1 > ARENA_CHUNK ? len + 1 : ARENA_CHUNK;
		c = ls_xmalloc(sizeof(*c) + size);
		c->c_size = size;
		c->c_used = 0;
		c->c_next = a->a_head;
		a->a_head = c;
	}
	p = c->c_data + c->c_used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->c_used += len + 1;
	return p;
}

void
ls_arena_free(struct ls_arena *a)
{
	struct ls_chunk *c, *next;

	for (c = a->a_head; c != NULL; c = next) {
		next = c->c_next;
		free(c);
	}
	a->a_head = NULL;
}
