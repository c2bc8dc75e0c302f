/*
 * format.c: the formats of fsu_stat, as BSD stat(1) reads them.
 *
 * A format is text with conversions: "%n", "%t", "%%" and "%@" (a
 * newline, a tab, a percent sign, the operand's number), else
 *
 *	% [flags] [width] [.precision] [form] [part] datum
 *
 * flags are '#' (alternate octal or hexadecimal form), '+', ' ', '-'
 * and '0' as in printf(3); form is D, O, U or X (signed, octal,
 * unsigned, hexadecimal number), F (a time as seconds with a fraction)
 * or S (a string: names of owners, mode strings, dates, file names);
 * part is H, M or L (major/minor of a device, parts of a mode, the long
 * or the short file type); datum is a field: d i p l u g r a m c B z b
 * k f v for st_dev, st_ino, st_mode, st_nlink, st_uid, st_gid,
 * st_rdev, the access, modification, change and birth times, st_size,
 * st_blocks, st_blksize, st_flags and st_gen; N (the name), T (the
 * type), Y (a link's target) and Z (a device's "major,minor", else the
 * size).  Each datum accepts some forms and parts (the table below); a
 * conversion asking for another is a bad format, reported before any
 * output.
 *
 * Each conversion is turned into one printf(3) call on the value: the
 * flags, width and precision carried over as they were written.
 */
#include <sys/types.h>
#include <sys/stat.h>
#if defined(__linux__) || defined(__GLIBC__)
#include <sys/sysmacros.h>
#endif

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsu.h"
#include "stat.h"

#define SP_ALT		0x01	/* '#' */
#define SP_SPACE	0x02	/* ' ' */
#define SP_PLUS		0x04	/* '+' */
#define SP_ZERO		0x08	/* '0' */
#define SP_MINUS	0x10	/* '-' */

#define FIELD_MAX	(STAT_TARGET_MAX + 64)

/* What a datum accepts: its forms, the default one, its parts. */
struct datum {
	char		 dt_ch;
	const char	*dt_forms;
	char		 dt_default;
	const char	*dt_parts;
};

static const struct datum datums[] = {
	{ 'd', "DOUXS",	 'U', "HL" },
	{ 'i', "DOUX",	 'U', "" },
	{ 'p', "DOUXS",	 'O', "HML" },
	{ 'l', "DOUX",	 'U', "" },
	{ 'u', "DOUXS",	 'U', "" },
	{ 'g', "DOUXS",	 'U', "" },
	{ 'r', "DOUXS",	 'U', "HL" },
	{ 'a', "DOUXFS", 'D', "" },
	{ 'm', "DOUXFS", 'D', "" },
	{ 'c', "DOUXFS", 'D', "" },
	{ 'B', "DOUXFS", 'D', "" },
	{ 'z', "DOUX",	 'U', "" },
	{ 'b', "DOUX",	 'U', "" },
	{ 'k', "DOUX",	 'U', "" },
	{ 'f', "DOUXS",	 'U', "" },
	{ 'v', "DOUX",	 'U', "" },
	{ 'N', "S",	 'S', "" },
	{ 'T', "S",	 'S', "HL" },
	{ 'Y', "S",	 'S', "" },
	{ 'Z', "DOUX",	 'U', "" },
};

/* One parsed conversion. */
struct spec {
	const char	*sp_start;	/* its '%' */
	size_t		 sp_len;	/* through the datum */
	int		 sp_flags;	/* SP_* */
	int		 sp_width;	/* -1: none */
	int		 sp_prec;	/* -1: none */
	char		 sp_form;	/* D O U X F S, or 0 */
	char		 sp_part;	/* H M L, or 0 */
	const struct datum *sp_datum;
};

/* A value to print: a number, a time, or a string. */
struct value {
	uint64_t	 v_num;
	int64_t		 v_sec;
	long		 v_nsec;
	const char	*v_str;
};

/* Digits of a width or a precision; -1 past INT_MAX / 10. */
static int
number(const char **pp)
{
	int n = 0;

	while (isdigit((unsigned char)**pp)) {
		if (n > 100000)
			return -1;
		n = n * 10 + (**pp - '0');
		(*pp)++;
	}
	return n;
}

static const struct datum *
datum_of(char ch)
{
	size_t i;

	for (i = 0; i < sizeof(datums) / sizeof(datums[0]); i++)
		if (datums[i].dt_ch == ch)
			return &datums[i];
	return NULL;
}

/* Parse the conversion after the '%' at p; 0, or -1 for a bad one. */
static int
parse_spec(const char *p, struct spec *sp)
{
	const char *f, *start = p - 1;

	memset(sp, 0, sizeof(*sp));
	sp->sp_start = start;
	for (;; p++) {
		if ((f = strchr("# +0-", *p)) == NULL || *p == '\0')
			break;
		sp->sp_flags |= 1 << (f - "# +0-");
	}
	sp->sp_width = isdigit((unsigned char)*p) ? number(&p) : -1;
	sp->sp_prec = -1;
	if (*p == '.') {
		p++;
		sp->sp_prec = number(&p);
	}
	if (*p != '\0' && strchr("DOUXFS", *p) != NULL)
		sp->sp_form = *p++;
	if (*p != '\0' && strchr("HML", *p) != NULL)
		sp->sp_part = *p++;
	sp->sp_len = (size_t)(p - start) + (*p != '\0');
	sp->sp_datum = *p != '\0' ? datum_of(*p) : NULL;
	if (sp->sp_datum == NULL || sp->sp_width < -1 || sp->sp_prec < -1 ||
	    (sp->sp_part != 0 && strchr(sp->sp_datum->dt_parts,
	    sp->sp_part) == NULL) ||
	    (sp->sp_form != 0 && strchr(sp->sp_datum->dt_forms,
	    sp->sp_form) == NULL))
		return -1;
	return 0;
}

static void
bad_format(const struct spec *sp)
{
	fsu_errx(1, "%.*s: bad format", (int)sp->sp_len, sp->sp_start);
}

/* Check every conversion of fmt; exits on a bad one. */
void
stat_check_format(const char *fmt)
{
	struct spec sp;
	const char *p;

	for (p = fmt; (p = strchr(p, '%')) != NULL; p += sp.sp_len) {
		if (p[1] != '\0' && strchr("nt%@", p[1]) != NULL) {
			sp.sp_len = 2;
			continue;
		}
		if (parse_spec(p + 1, &sp) == -1)
			bad_format(&sp);
	}
}

/* The mode string, or the part of it sp asks for, into buf. */
static const char *
mode_string(mode_t mode, char part, char *buf)
{
	fsu_modestr(mode, buf);
	switch (part) {
	case 'H':
		buf[4] = '\0';
		return buf + 1;
	case 'M':
		buf[7] = '\0';
		return buf + 4;
	case 'L':
		return buf + 7;
	default:
		return buf;
	}
}

static const char *
type_string(mode_t mode, char part)
{
	if (part == 'H') {
		switch (mode & S_IFMT) {
		case S_IFIFO:	return "Fifo File";
		case S_IFCHR:	return "Character Device";
		case S_IFDIR:	return "Directory";
		case S_IFBLK:	return "Block Device";
		case S_IFREG:	return "Regular File";
		case S_IFLNK:	return "Symbolic Link";
		case S_IFSOCK:	return "Socket";
		default:	return "???";
		}
	}
	switch (mode & S_IFMT) {
	case S_IFIFO:	return "|";
	case S_IFDIR:	return "/";
	case S_IFLNK:	return "@";
	case S_IFSOCK:	return "=";
	case S_IFREG:
		return (mode & (S_IXUSR | S_IXGRP | S_IXOTH)) ? "*" : "";
	default:	return "";
	}
}

/* An owner or group as a string: the name, else "(id)". */
static const char *
id_string(uint32_t id, int group, char *buf, size_t len)
{
	const char *name;

	name = group ? fsu_groupname(id) : fsu_username(id);
	if (name != NULL)
		return name;
	snprintf(buf, len, "(%u)", id);
	return buf;
}

/* A date in the -t format (local time), into buf. */
static const char *
time_string(const struct stat_opts *o, int64_t sec, char *buf, size_t len)
{
	time_t t = (time_t)sec;
	struct tm tm;

	if ((int64_t)t != sec || localtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "%jd", (intmax_t)sec);
	else if (strftime(buf, len, o->so_timefmt, &tm) == 0)
		buf[0] = '\0';
	return buf;
}

/* A device number, or its major or minor number. */
static uint64_t
dev_part(dev_t dev, char part)
{
	if (part == 'H')
		return major(dev);
	if (part == 'L')
		return minor(dev);
	return (uint64_t)dev;
}

static void
time_value(const struct ukfs_stat *us, char datum, struct value *v)
{
	switch (datum) {
	case 'a':
		v->v_sec = us->us_atime;
		v->v_nsec = us->us_atimensec;
		break;
	case 'm':
		v->v_sec = us->us_mtime;
		v->v_nsec = us->us_mtimensec;
		break;
	case 'c':
		v->v_sec = us->us_ctime;
		v->v_nsec = us->us_ctimensec;
		break;
	default:
		v->v_sec = us->us_birthtime;
		v->v_nsec = us->us_birthtimensec;
		break;
	}
	v->v_num = (uint64_t)v->v_sec;
}

/*
 * The value of the conversion sp for file sf: a number in v_num (and a
 * time in v_sec, v_nsec), and for a string form the string in v_str
 * (built in buf).
 */
static void
get_value(struct ukfs *fs, const struct stat_opts *o,
    const struct stat_file *sf, const struct spec *sp, struct value *v,
    char *buf, size_t len)
{
	const struct ukfs_stat *us = &sf->sf_us;
	ssize_t n;

	memset(v, 0, sizeof(*v));
	switch (sp->sp_datum->dt_ch) {
	case 'd':
		v->v_num = dev_part(sf->sf_dev, sp->sp_part);
		v->v_str = "???";
		break;
	case 'r':
		v->v_num = dev_part(us->us_rdev, sp->sp_part);
		v->v_str = "???";
		break;
	case 'i':
		v->v_num = us->us_ino;
		break;
	case 'p':
		v->v_num = us->us_mode;
		if (sp->sp_part == 'H')
			v->v_num >>= 12;
		else if (sp->sp_part == 'M')
			v->v_num = (v->v_num >> 9) & 07;
		else if (sp->sp_part == 'L')
			v->v_num &= 0777;
		v->v_str = mode_string(us->us_mode, sp->sp_part, buf);
		break;
	case 'l':
		v->v_num = us->us_nlink;
		break;
	case 'u':
		v->v_num = us->us_uid;
		v->v_str = id_string(us->us_uid, 0, buf, len);
		break;
	case 'g':
		v->v_num = us->us_gid;
		v->v_str = id_string(us->us_gid, 1, buf, len);
		break;
	case 'a':
	case 'm':
	case 'c':
	case 'B':
		time_value(us, sp->sp_datum->dt_ch, v);
		v->v_str = time_string(o, v->v_sec, buf, len);
		break;
	case 'z':
		v->v_num = (uint64_t)us->us_size;
		break;
	case 'b':
		v->v_num = (uint64_t)us->us_blocks;
		break;
	case 'k':
		v->v_num = us->us_blksize;
		break;
	case 'f':
		v->v_num = us->us_flags;
		fsu_flagstostr(us->us_flags, buf, len);
		v->v_str = buf[0] != '\0' ? buf : "-";
		break;
	case 'v':
		v->v_num = us->us_gen;
		break;
	case 'N':
		v->v_str = sf->sf_name;
		break;
	case 'T':
		v->v_str = type_string(us->us_mode, sp->sp_part);
		break;
	case 'Y':
		v->v_str = "";
		if (!S_ISLNK(us->us_mode))
			break;
		memcpy(buf, " -> ", 4);
		n = ukfs_readlink(fs, sf->sf_name, buf + 4,
		    len - 5 < STAT_TARGET_MAX ? len - 5 : STAT_TARGET_MAX);
		buf[n < 0 ? 4 : 4 + n] = '\0';
		v->v_str = sp->sp_form == 'S' ? buf : buf + 4;
		break;
	}
}

/* The printf(3) conversion for sp, with conv as its last letters. */
static void
make_conv(const struct spec *sp, int width, int prec, const char *conv,
    char *fmt, size_t len)
{
	size_t n;

	n = (size_t)snprintf(fmt, len, "%%%s%s%s%s%s",
	    sp->sp_flags & SP_ALT ? "#" : "", sp->sp_flags & SP_SPACE ? " " : "",
	    sp->sp_flags & SP_PLUS ? "+" : "", sp->sp_flags & SP_MINUS ? "-" : "",
	    sp->sp_flags & SP_ZERO ? "0" : "");
	if (width >= 0)
		n += (size_t)snprintf(fmt + n, len - n, "%d", width);
	if (prec >= 0)
		n += (size_t)snprintf(fmt + n, len - n, ".%d", prec);
	snprintf(fmt + n, len - n, "%s", conv);
}

/* F: seconds, a point and prec digits of the fraction (9 by default). */
static void
put_float(FILE *f, const struct spec *sp, const struct value *v)
{
	char fmt[64];
	long frac = v->v_nsec;
	int prec, digits, width;

	prec = sp->sp_prec < 0 ? 9 : sp->sp_prec;
	if (prec == 0) {
		make_conv(sp, sp->sp_width, -1, "jd", fmt, sizeof(fmt));
		fprintf(f, fmt, (intmax_t)v->v_sec);
		return;
	}
	width = sp->sp_width - prec - 1;
	make_conv(sp, width > 0 ? width : -1, -1, "jd", fmt, sizeof(fmt));
	fprintf(f, fmt, (intmax_t)v->v_sec);
	for (digits = 9; digits > prec; digits--)
		frac /= 10;
	fprintf(f, ".%0*ld", digits, frac);
	for (; prec > 9; prec--)
		putc('0', f);
}

/* Print one conversion of sp for file sf. */
static void
put_spec(FILE *f, struct ukfs *fs, const struct stat_opts *o,
    const struct stat_file *sf, const struct spec *sp)
{
	char buf[FIELD_MAX], fmt[64];
	struct value v;
	struct spec rdev;
	int form;

	if (sp->sp_datum->dt_ch == 'Z') {
		rdev = *sp;
		if (S_ISCHR(sf->sf_us.us_mode) || S_ISBLK(sf->sf_us.us_mode)) {
			rdev.sp_datum = datum_of('r');
			rdev.sp_part = 'H';
			put_spec(f, fs, o, sf, &rdev);
			putc(',', f);
			rdev.sp_part = 'L';
		} else
			rdev.sp_datum = datum_of('z');
		put_spec(f, fs, o, sf, &rdev);
		return;
	}
	form = sp->sp_form != 0 ? sp->sp_form : sp->sp_datum->dt_default;
	get_value(fs, o, sf, sp, &v, buf, sizeof(buf));
	switch (form) {
	case 'F':
		put_float(f, sp, &v);
		return;
	case 'S':
		make_conv(sp, sp->sp_width, sp->sp_prec, "s", fmt, sizeof(fmt));
		fprintf(f, fmt, v.v_str != NULL ? v.v_str : "");
		return;
	case 'D':
		make_conv(sp, sp->sp_width, sp->sp_prec, "jd", fmt, sizeof(fmt));
		fprintf(f, fmt, (intmax_t)v.v_num);
		return;
	default:
		make_conv(sp, sp->sp_width, sp->sp_prec, form == 'O' ? "jo" :
		    form == 'X' ? "jx" : "ju", fmt, sizeof(fmt));
		fprintf(f, fmt, (uintmax_t)v.v_num);
		return;
	}
}

/*
 * Print file sf through format fmt (checked by stat_check_format), then
 * a newline unless the output ends with one or -n was given.
 */
int
stat_output(struct ukfs *fs, const struct stat_opts *o,
    const struct stat_file *sf, const char *fmt)
{
	struct spec sp;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;
	const char *p;

	if ((f = open_memstream(&out, &outlen)) == NULL)
		fsu_err(1, NULL);
	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			putc(*p, f);
			continue;
		}
		switch (p[1]) {
		case 'n':
			putc('\n', f);
			p++;
			continue;
		case 't':
			putc('\t', f);
			p++;
			continue;
		case '%':
			putc('%', f);
			p++;
			continue;
		case '@':
			fprintf(f, "%d", sf->sf_fn);
			p++;
			continue;
		}
		if (parse_spec(p + 1, &sp) == -1)
			bad_format(&sp);
		put_spec(f, fs, o, sf, &sp);
		p += sp.sp_len - 1;
	}
	if (fclose(f) != 0)
		fsu_err(1, NULL);
	fwrite(out, 1, outlen, stdout);
	if (!o->so_nonl && (outlen == 0 || out[outlen - 1] != '\n'))
		putchar('\n');
	free(out);
	return 0;
}
