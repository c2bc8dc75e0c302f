/*
 * print.c: the output formats of fsu_ls.  A listing (one directory's
 * entries, or the non-directory operands) is printed in one of four
 * formats: one per line (-1), columns down (-C), columns across (-x) or
 * long (-l).  Column widths are computed over the whole listing first, so
 * every line of a listing lines up, as in BSD ls.
 *
 * The long line is
 *	[inode ][blocks ]mode  nlink owner  group  [flags  ]size date
 *	    name[ -> target]
 * with the numbers right-aligned and the names left-aligned; a device
 * shows "major, minor" in the size column.
 */
#include <sys/types.h>
#include <sys/stat.h>
#if defined(__linux__) || defined(__GLIBC__)
#include <sys/sysmacros.h>
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsu.h"
#include "ls.h"

#define COLUMN_GAP	2	/* spaces between columns of -C and -x */
#define FIELDLEN	24	/* buffer of a number or a human-readable size */

/* Widths of the fields, the widest over the listing. */
struct widths {
	int		w_ino;
	int		w_blocks;
	int		w_nlink;
	int		w_user;
	int		w_group;
	int		w_flags;	/* -o */
	int		w_size;
	int		w_minor;
	size_t		w_name;
	uint64_t	w_total;	/* sum of the 512-byte blocks */
};

static int
digits(uint64_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static int
maxint(int a, int b)
{
	return a > b ? a : b;
}

/* 512-byte blocks in the unit of -s and the total line, rounded up. */
static uint64_t
blockcount(uint64_t blocks)
{
	return (blocks * 512 + ls_opt.o_blocksize - 1) / ls_opt.o_blocksize;
}

/* The -s field of an entry, as text; returns its length. */
static int
blockstr(char *buf, size_t len, const struct ls_entry *e)
{
	uint64_t b = e->e_blocks > 0 ? (uint64_t)e->e_blocks : 0;

	if (ls_opt.o_human)
		fsu_humanize(buf, len, b * 512);
	else
		snprintf(buf, len, "%ju", (uintmax_t)blockcount(b));
	return (int)strlen(buf);
}

/* The size field of a file that is not a device, as text. */
static int
sizestr(char *buf, size_t len, const struct ls_entry *e)
{
	uint64_t size = e->e_size > 0 ? (uint64_t)e->e_size : 0;

	if (ls_opt.o_human)
		fsu_humanize(buf, len, size);
	else
		snprintf(buf, len, "%ju", (uintmax_t)size);
	return (int)strlen(buf);
}

static int
isdevice(mode_t mode)
{
	return S_ISCHR(mode) || S_ISBLK(mode);
}

/* The character -F or -p puts after a name, or 0. */
static int
typechar(mode_t mode)
{
	if (ls_opt.o_classify) {
		switch (mode & S_IFMT) {
		case S_IFDIR:
			return '/';
		case S_IFLNK:
			return '@';
		case S_IFSOCK:
			return '=';
		case S_IFIFO:
			return '|';
#ifdef S_IFWHT
		case S_IFWHT:
			return '%';
#endif
		case S_IFREG:
			return (mode & (S_IXUSR | S_IXGRP | S_IXOTH)) ? '*' : 0;
		}
		return 0;
	}
	if (ls_opt.o_slash && S_ISDIR(mode))
		return '/';
	return 0;
}

/* -o: the BSD file flags of e as ls -lo shows them ("-" for none). */
static void
flagstr(const struct ls_entry *e, char *buf, size_t len)
{
	struct ukfs_stat us;

	buf[0] = '\0';
	if (e->e_xstat != NULL) {
		memcpy(&us, e->e_xstat, sizeof(us));
		fsu_flagstostr(us.us_flags, buf, len);
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "-");
}

/* The widths of the fields of the long format for entry e. */
static void
longwidths(const struct ls_entry *e, struct widths *w, int *wmajor)
{
	char buf[FIELDLEN];

	w->w_nlink = maxint(w->w_nlink, digits(e->e_nlink));
	w->w_user = maxint(w->w_user, (int)strlen(ls_username(e->e_uid)));
	w->w_group = maxint(w->w_group, (int)strlen(ls_groupname(e->e_gid)));
	if (ls_opt.o_flags) {
		char fl[FSU_FLAGSTR_MAX];

		flagstr(e, fl, sizeof(fl));
		w->w_flags = maxint(w->w_flags, (int)strlen(fl));
	}
	if (isdevice(e->e_mode)) {
		*wmajor = maxint(*wmajor, digits(major(e->e_rdev)));
		w->w_minor = maxint(w->w_minor, digits(minor(e->e_rdev)));
	} else
		w->w_size = maxint(w->w_size, sizestr(buf, sizeof(buf), e));
}

static void
getwidths(const struct ls_listing *l, struct widths *w)
{
	const struct ls_entry *e;
	char buf[FIELDLEN];
	int wmajor = 0;
	size_t i, nw;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < l->l_n; i++) {
		e = l->l_ents[i];
		if (e->e_blocks > 0)
			w->w_total += (uint64_t)e->e_blocks;
		if (ls_opt.o_inode)
			w->w_ino = maxint(w->w_ino, digits(e->e_ino));
		if (ls_opt.o_blocks)
			w->w_blocks = maxint(w->w_blocks,
			    blockstr(buf, sizeof(buf), e));
		if (ls_opt.o_format == FMT_LONG)
			longwidths(e, w, &wmajor);
		else if (ls_opt.o_format != FMT_ONE) {
			nw = ls_namewidth(e->e_name);
			if (nw > w->w_name)
				w->w_name = nw;
		}
	}
	if (wmajor > 0)
		w->w_size = maxint(w->w_size, wmajor + 2 + w->w_minor);
}

/* The inode and block fields that come first in every format. */
static size_t
print_prefix(const struct ls_entry *e, const struct widths *w)
{
	char buf[FIELDLEN];
	size_t n = 0;

	if (ls_opt.o_inode) {
		printf("%*ju ", w->w_ino, (uintmax_t)e->e_ino);
		n += (size_t)w->w_ino + 1;
	}
	if (ls_opt.o_blocks) {
		blockstr(buf, sizeof(buf), e);
		printf("%*s ", w->w_blocks, buf);
		n += (size_t)w->w_blocks + 1;
	}
	return n;
}

/* Name and type character; returns the columns used. */
static size_t
print_name(const struct ls_entry *e)
{
	size_t n;
	int c;

	n = ls_putname(e->e_name);
	if ((c = typechar(e->e_mode)) != 0) {
		putchar(c);
		n++;
	}
	return n;
}

static void
print_size(const struct ls_entry *e, const struct widths *w)
{
	char buf[FIELDLEN];

	if (isdevice(e->e_mode)) {
		printf("%*ju, %*ju ", w->w_size - 2 - w->w_minor,
		    (uintmax_t)major(e->e_rdev), w->w_minor,
		    (uintmax_t)minor(e->e_rdev));
		return;
	}
	sizestr(buf, sizeof(buf), e);
	printf("%*s ", w->w_size, buf);
}

static void
print_long(const struct ls_listing *l, const struct widths *w)
{
	const struct ls_entry *e;
	char mode[11], date[64];
	size_t i;

	for (i = 0; i < l->l_n; i++) {
		e = l->l_ents[i];
		print_prefix(e, w);
		fsu_modestr(e->e_mode, mode);
		printf("%s  %*u %-*s  %-*s  ", mode, w->w_nlink, e->e_nlink,
		    w->w_user, ls_username(e->e_uid), w->w_group,
		    ls_groupname(e->e_gid));
		if (ls_opt.o_flags) {
			char fl[FSU_FLAGSTR_MAX];

			flagstr(e, fl, sizeof(fl));
			printf("%-*s ", w->w_flags, fl);
		}
		print_size(e, w);
		ls_timestr(date, sizeof(date), &e->e_time);
		fputs(date, stdout);
		putchar(' ');
		print_name(e);
		if (e->e_target != NULL) {
			fputs(" -> ", stdout);
			ls_putname(e->e_target);
		}
		putchar('\n');
	}
}

static void
print_one(const struct ls_listing *l, const struct widths *w)
{
	size_t i;

	for (i = 0; i < l->l_n; i++) {
		print_prefix(l->l_ents[i], w);
		print_name(l->l_ents[i]);
		putchar('\n');
	}
}

static void
pad(size_t n)
{
	while (n-- > 0)
		putchar(' ');
}

/*
 * Columns filled down (-C) or across (-x), as many as the terminal width
 * allows with at least COLUMN_GAP spaces between them; one per line when
 * not even two fit.  Padding is with spaces, never tabs.
 */
static void
print_columns(const struct ls_listing *l, const struct widths *w, int across)
{
	size_t cellw, colw, ncols, nrows, row, col, i, next, used;

	cellw = w->w_name + (ls_opt.o_inode ? (size_t)w->w_ino + 1 : 0) +
	    (ls_opt.o_blocks ? (size_t)w->w_blocks + 1 : 0) +
	    (ls_opt.o_classify || ls_opt.o_slash ? 1 : 0);
	colw = cellw + COLUMN_GAP;
	ncols = ((size_t)ls_opt.o_termwidth + COLUMN_GAP) / colw;
	if (ncols < 2 || l->l_n < 2) {
		print_one(l, w);
		return;
	}
	nrows = (l->l_n + ncols - 1) / ncols;
	if (!across)
		ncols = (l->l_n + nrows - 1) / nrows;
	for (row = 0; row < nrows; row++) {
		for (col = 0; col < ncols; col++) {
			i = across ? row * ncols + col : col * nrows + row;
			if (i >= l->l_n)
				break;
			used = print_prefix(l->l_ents[i], w);
			used += print_name(l->l_ents[i]);
			next = across ? i + 1 : i + nrows;
			if (col + 1 < ncols && next < l->l_n)
				pad(colw > used ? colw - used : 1);
		}
		putchar('\n');
	}
}

static void
print_total(const struct widths *w)
{
	char buf[FIELDLEN];

	if (ls_opt.o_human) {
		fsu_humanize(buf, sizeof(buf), w->w_total * 512);
		printf("total %s\n", buf);
	} else
		printf("total %ju\n", (uintmax_t)blockcount(w->w_total));
}

/* The path of an entry: the operand, or the directory and the name. */
static char *
entry_path(const struct ls_listing *l, const struct ls_entry *e)
{
	size_t dlen;
	char *p;

	if (!l->l_dir) {
		if ((p = strdup(e->e_name)) == NULL)
			fsu_err(1, NULL);
		return p;
	}
	dlen = strlen(l->l_path);
	p = ls_xmalloc(dlen + strlen(e->e_name) + 2);
	sprintf(p, "%s%s%s", l->l_path, dlen > 0 && l->l_path[dlen - 1] ==
	    '/' ? "" : "/", e->e_name);
	return p;
}

/* -0: each path ended by a NUL; --json: one object per entry. */
static void
print_paths(const struct ls_listing *l)
{
	const struct ls_entry *e;
	struct ukfs_stat us;
	char *path, *name;
	size_t i;

	for (i = 0; i < l->l_n; i++) {
		e = l->l_ents[i];
		path = entry_path(l, e);
		if (ls_opt.o_format == FMT_NUL) {
			fputs(path, stdout);
			putchar('\0');
		} else if (e->e_xstat != NULL) {
			memcpy(&us, e->e_xstat, sizeof(us));
			if ((name = fsu_basename(l->l_dir ? e->e_name :
			    path)) == NULL)
				fsu_err(1, NULL);
			fsu_json_entry(stdout, name, path, &us, e->e_target);
			free(name);
		}
		free(path);
	}
}

/* Print a listing in the format of the options. */
void
ls_print(const struct ls_listing *l)
{
	struct widths w;

	if (ls_opt.o_format == FMT_NUL || ls_opt.o_format == FMT_JSON) {
		print_paths(l);
		return;
	}

	getwidths(l, &w);
	if (l->l_dir && (ls_opt.o_format == FMT_LONG || ls_opt.o_blocks))
		print_total(&w);
	switch (ls_opt.o_format) {
	case FMT_LONG:
		print_long(l, &w);
		break;
	case FMT_COLUMNS:
		print_columns(l, &w, 0);
		break;
	case FMT_ACROSS:
		print_columns(l, &w, 1);
		break;
	default:
		print_one(l, &w);
		break;
	}
}
