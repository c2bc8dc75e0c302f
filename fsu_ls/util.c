/*
 * util.c: small pieces of fsu_ls: the mode string, human-readable sizes,
 * owner and group names (looked up once per id), dates, names made safe
 * for a terminal, a string arena, and the BLOCKSIZE variable.
 */
#define _XOPEN_SOURCE 700	/* wcwidth */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
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

#define IDHASH		256
#define ARENA_CHUNK	(64 * 1024)

struct idname {
	struct idname	*in_next;
	uint32_t	 in_id;
	char		 in_name[];
};

struct ls_chunk {
	struct ls_chunk	*c_next;
	size_t		 c_used;
	size_t		 c_size;
	char		 c_data[];
};

static struct idname *usertab[IDHASH], *grouptab[IDHASH];

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

/* The execute position: x, or s/t (S/T without execute) when special. */
static char
xchar(mode_t mode, mode_t xbit, mode_t special, char ch)
{
	if (mode & special)
		return (mode & xbit) ? ch : (char)(ch - 'a' + 'A');
	return (mode & xbit) ? 'x' : '-';
}

static char
filetype(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return '-';
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	case S_IFIFO:
		return 'p';
	case S_IFSOCK:
		return 's';
	default:
		return '?';
	}
}

/* The ten characters of a mode as ls -l shows it, into s[11]. */
void
ls_modestr(mode_t mode, char *s)
{
	s[0] = filetype(mode);
	s[1] = (mode & S_IRUSR) ? 'r' : '-';
	s[2] = (mode & S_IWUSR) ? 'w' : '-';
	s[3] = xchar(mode, S_IXUSR, S_ISUID, 's');
	s[4] = (mode & S_IRGRP) ? 'r' : '-';
	s[5] = (mode & S_IWGRP) ? 'w' : '-';
	s[6] = xchar(mode, S_IXGRP, S_ISGID, 's');
	s[7] = (mode & S_IROTH) ? 'r' : '-';
	s[8] = (mode & S_IWOTH) ? 'w' : '-';
	s[9] = xchar(mode, S_IXOTH, S_ISVTX, 't');
	s[10] = '\0';
}

/*
 * A size in at most four characters: up to three digits and a unit
 * (999B, 23K, 100M), or one digit, a point, one digit and a unit (1.5K)
 * when the value in that unit is below ten.  Units are powers of 1024;
 * values are rounded to the nearest.
 */
void
ls_humanize(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "BKMGTPE";
	long double div;
	uint64_t r, tenths;
	int u;

	if (bytes < 1000) {
		snprintf(buf, len, "%juB", (uintmax_t)bytes);
		return;
	}
	div = 1024.0L;
	for (u = 1;; u++, div *= 1024.0L) {
		tenths = (uint64_t)((long double)bytes * 10.0L / div + 0.5L);
		if (tenths < 100) {
			snprintf(buf, len, "%u.%u%c", (unsigned)(tenths / 10),
			    (unsigned)(tenths % 10), units[u]);
			return;
		}
		r = (uint64_t)((long double)bytes / div + 0.5L);
		if (r < 1000 || u == 6)
			break;
	}
	snprintf(buf, len, "%ju%c", (uintmax_t)r, units[u]);
}

/* Look id up in tab; on a miss ask the host database once and remember. */
static const char *
idname(struct idname **tab, uint32_t id, int group)
{
	struct idname *n;
	struct passwd *pw;
	struct group *gr;
	const char *name = NULL;
	char num[16];
	size_t len;

	for (n = tab[id % IDHASH]; n != NULL; n = n->in_next)
		if (n->in_id == id)
			return n->in_name;
	if (!ls_opt.o_numeric && group && (gr = getgrgid(id)) != NULL)
		name = gr->gr_name;
	else if (!ls_opt.o_numeric && !group && (pw = getpwuid(id)) != NULL)
		name = pw->pw_name;
	if (name == NULL) {
		snprintf(num, sizeof(num), "%u", id);
		name = num;
	}
	len = strlen(name);
	n = ls_xmalloc(sizeof(*n) + len + 1);
	memcpy(n->in_name, name, len + 1);
	n->in_id = id;
	n->in_next = tab[id % IDHASH];
	tab[id % IDHASH] = n;
	return n->in_name;
}

const char *
ls_username(uint32_t uid)
{
	return idname(usertab, uid, 0);
}

const char *
ls_groupname(uint32_t gid)
{
	return idname(grouptab, gid, 1);
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

/*
 * Bytes per block for -s and the total line: BLOCKSIZE from the
 * environment as BSD reads it (a number with an optional K, M or G),
 * between 512 bytes and 1 GiB, else 512.
 */
uint64_t
ls_getblocksize(void)
{
	unsigned long long n;
	const char *s;
	char *end;

	s = getenv("BLOCKSIZE");
	if (s == NULL || *s == '\0')
		return 512;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (end == s)
		n = 1;
	switch (*end) {
	case 'G': case 'g':
		n <<= 10;
		/* FALLTHROUGH */
	case 'M': case 'm':
		n <<= 10;
		/* FALLTHROUGH */
	case 'K': case 'k':
		n <<= 10;
		end++;
		break;
	}
	if (errno != 0 || *end != '\0' || n > (1ULL << 30)) {
		fsu_warnx("%s: unknown blocksize", s);
		return 512;
	}
	if (n < 512) {
		fsu_warnx("%s: minimum blocksize is 512", s);
		return 512;
	}
	return n;
}
