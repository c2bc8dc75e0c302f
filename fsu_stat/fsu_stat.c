/*
 * fsu_stat: display the status of files of a file system image, with
 * the options and the output formats of BSD stat(1), and --json.
 *
 * Each operand is looked up with lstat (stat with -L; a dangling link
 * falls back to lstat) through ukfs_xstat(), which gives every field of
 * the image's inode, the BSD file flags (st_flags) and the birth time
 * included, whatever the host's struct stat holds.  The record is then
 * printed through a format: -f's, or the one -l, -r, -s or -x stands
 * for, or the default.  format.c interprets formats.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"
#include "stat.h"

#define STAT_USAGE	"[-FLnqrsx] [-f format] [-t timefmt] [--json] file ..."

#define DEF_FORMAT \
	"%d %i %Sp %l %Su %Sg %r %z \"%Sa\" \"%Sm\" \"%Sc\" \"%SB\" " \
	"%k %b %#Xf %N"
#define RAW_FORMAT \
	"%d %i %#p %l %u %g %r %z %a %m %c %B %k %b %f %N"
#define LS_FORMAT	"%Sp %l %Su %Sg %Z %Sm %N%SY"
#define LSF_FORMAT	"%Sp %l %Su %Sg %Z %Sm %N%T%SY"
#define SHELL_FORMAT \
	"st_dev=%d st_ino=%i st_mode=%#p st_nlink=%l " \
	"st_uid=%u st_gid=%g st_rdev=%r st_size=%z " \
	"st_atime=%a st_mtime=%m st_ctime=%c st_birthtime=%B " \
	"st_blksize=%k st_blocks=%b st_flags=%f"
#define LINUX_FORMAT \
	"  File: \"%N\"%n" \
	"  Size: %-11z  FileType: %HT%n" \
	"  Mode: (%OMp%03OLp/%.10Sp)         Uid: (%5u/%8Su)  " \
	"Gid: (%5g/%8Sg)%n" \
	"Device: %Hd,%Ld   Inode: %i    Links: %l%n" \
	"Access: %Sa%n" \
	"Modify: %Sm%n" \
	"Change: %Sc"

#define TIME_FORMAT	"%b %e %T %Y"

static const struct option long_options[] = {
	{ "json",	no_argument,	NULL,	'J' },
	{ NULL,		0,		NULL,	0 },
};

/* Fetch the record of one operand; 0, or -1 with errno. */
static int
get_file(struct ukfs *fs, const char *name, int follow, struct stat_file *sf)
{
	struct stat st;
	int r;

	memset(sf, 0, sizeof(*sf));
	sf->sf_name = name;
	if (follow) {
		r = ukfs_xstat(fs, name, 0, &sf->sf_us);
		if (r == -1 && errno == ENOENT)
			r = ukfs_xstat(fs, name, 1, &sf->sf_us);
		else
			follow = r == 0;
	} else
		r = ukfs_xstat(fs, name, 1, &sf->sf_us);
	if (r == -1)
		return -1;
	if ((follow ? ukfs_stat(fs, name, &st) :
	    ukfs_lstat(fs, name, &st)) == 0)
		sf->sf_dev = st.st_dev;
	return 0;
}

/* The target of the symbolic link name (malloc'ed), or NULL. */
static char *
get_target(struct ukfs *fs, const char *name)
{
	char *buf;
	ssize_t n;

	if ((buf = malloc(STAT_TARGET_MAX + 1)) == NULL)
		fsu_err(1, NULL);
	if ((n = ukfs_readlink(fs, name, buf, STAT_TARGET_MAX)) == -1) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* --json: one object per operand. */
static void
print_json(struct ukfs *fs, const struct stat_file *sf)
{
	char *target = NULL, *base;

	if (S_ISLNK(sf->sf_us.us_mode))
		target = get_target(fs, sf->sf_name);
	if ((base = fsu_basename(sf->sf_name)) == NULL)
		fsu_err(1, NULL);
	fsu_json_entry(stdout, base, sf->sf_name, &sf->sf_us, target);
	free(base);
	free(target);
}

/* The format an option letter stands for (fmtchar 'f': fmt itself). */
static const char *
choose_format(int fmtchar, int lsF, const char *fmt, const char **timefmt)
{
	if (lsF && fmtchar != 'l' && fmtchar != 0)
		fsu_errx(1, "can't use format '%c' with -F", fmtchar);
	switch (fmtchar) {
	case 0:
		return lsF ? LSF_FORMAT : DEF_FORMAT;
	case 'l':
		return lsF ? LSF_FORMAT : LS_FORMAT;
	case 'r':
		return RAW_FORMAT;
	case 's':
		return SHELL_FORMAT;
	case 'x':
		if (*timefmt == NULL)
			*timefmt = "%c";
		return LINUX_FORMAT;
	default:
		return fmt;
	}
}

/* Options and operands after the image; returns the exit status. */
static int
stat_main(struct ukfs *fs, int argc, char **argv)
{
	struct stat_opts o;
	struct stat_file sf;
	const char *fmt = NULL;
	int ch, fmtchar = 0, lsF = 0, follow = 0, json = 0, rv = 0, fn;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "+f:FLlnqrst:x", long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'F':
			lsF = 1;
			break;
		case 'L':
			follow = 1;
			break;
		case 'n':
			o.so_nonl = 1;
			break;
		case 'q':
			o.so_quiet = 1;
			break;
		case 't':
			o.so_timefmt = optarg;
			break;
		case 'J':
			json = 1;
			break;
		case 'f':
			fmt = optarg;
			/* FALLTHROUGH */
		case 'l':
		case 'r':
		case 's':
		case 'x':
			if (fmtchar != 0)
				fsu_errx(1, "can't use format '%c' with '%c'",
				    fmtchar, ch);
			fmtchar = ch;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		fsu_usage();
	fmt = choose_format(fmtchar, lsF, fmt, &o.so_timefmt);
	if (o.so_timefmt == NULL)
		o.so_timefmt = TIME_FORMAT;
	if (!json)
		stat_check_format(fmt);
	tzset();
	for (fn = 1; fn <= argc; fn++) {
		if (get_file(fs, argv[fn - 1], follow, &sf) == -1) {
			if (!o.so_quiet)
				fsu_warn("%s: stat", argv[fn - 1]);
			rv = 1;
			continue;
		}
		sf.sf_fn = fn;
		if (json)
			print_json(fs, &sf);
		else if (stat_output(fs, &o, &sf, fmt) != 0)
			rv = 1;
	}
	return rv;
}

const struct fsu_prog fsu_stat_prog = {
	.fp_name = "stat",
	.fp_flags = FSU_RDONLY,
	.fp_usage = STAT_USAGE,
	.fp_main = stat_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_stat_prog, argc, argv);
}
#endif
