/*
 * fsu_touch: change the access and modification times of files in a
 * file system image, creating them if needed, with the options of BSD
 * touch(1).
 *
 * Without -a or -m both times change.  The new time is now (the image's
 * kernel clock, which honours SOURCE_DATE_EPOCH), the times of another
 * file of the image (-r), or a local time given with -t as
 * [[CC]YY]MMDDhhmm[.SS].  A missing file is created, mode 0666 less the
 * umask, unless -c is given.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

static struct ukfs *fs;

/* Two decimal digits at s. */
static int
two_digits(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * [[CC]YY]MMDDhhmm[.SS] in local time; YY alone means 1969-2068.
 * Returns -1 for a malformed or impossible time.
 */
static int
parse_t(const char *arg, time_t *tp)
{
	struct tm tm, chk;
	const char *dot = strchr(arg, '.');
	size_t i, len = dot != NULL ? (size_t)(dot - arg) : strlen(arg);
	time_t now = time(NULL);
	int year;

	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)arg[i]))
			return -1;
	if ((len != 8 && len != 10 && len != 12) || (dot != NULL &&
	    (strlen(dot) != 3 || !isdigit((unsigned char)dot[1]) ||
	    !isdigit((unsigned char)dot[2]))))
		return -1;
	if (localtime_r(&now, &tm) == NULL)
		return -1;
	year = tm.tm_year + 1900;
	if (len == 12)
		year = two_digits(arg) * 100 + two_digits(arg + 2);
	else if (len == 10)
		year = two_digits(arg) + (two_digits(arg) < 69 ? 2000 : 1900);
	arg += len - 8;
	tm.tm_year = year - 1900;
	tm.tm_mon = two_digits(arg) - 1;
	tm.tm_mday = two_digits(arg + 2);
	tm.tm_hour = two_digits(arg + 4);
	tm.tm_min = two_digits(arg + 6);
	tm.tm_sec = dot != NULL ? two_digits(dot + 1) : 0;
	tm.tm_isdst = -1;
	chk = tm;
	if (tm.tm_sec > 60 || (*tp = mktime(&tm)) == (time_t)-1)
		return -1;
	/* mktime normalises 31 February; refuse what it had to move. */
	if (tm.tm_mday != chk.tm_mday || tm.tm_mon != chk.tm_mon ||
	    tm.tm_hour != chk.tm_hour || tm.tm_min != chk.tm_min)
		return -1;
	return 0;
}

static int
touch_one(const char *path, const struct timespec *ts, int cflag)
{
	struct stat st;
	int fd;

	if (ukfs_stat(fs, path, &st) == -1) {
		if (errno != ENOENT) {
			fsu_warn("%s", path);
			return 1;
		}
		if (cflag)
			return 0;
		fd = ukfs_open(fs, path, O_WRONLY | O_CREAT,
		    0666 & ~fsu_umask());
		if (fd == -1 || ukfs_close(fs, fd) == -1) {
			fsu_warn("%s", path);
			return 1;
		}
	}
	if (ukfs_utimens(fs, path, ts, 0) == -1) {
		fsu_warn("%s", path);
		return 1;
	}
	return 0;
}

static int
touch_main(struct ukfs *ufs, int argc, char **argv)
{
	struct timespec ts[2];
	struct stat st;
	time_t t;
	int ch, aflag = 0, cflag = 0, mflag = 0, rv = 0;

	fs = ufs;
	ts[0].tv_sec = ts[1].tv_sec = 0;
	ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
	while ((ch = getopt(argc, argv, "+acmr:t:")) != -1) {
		switch (ch) {
		case 'a':
			aflag = 1;
			break;
		case 'c':
			cflag = 1;
			break;
		case 'm':
			mflag = 1;
			break;
		case 'r':
			if (ukfs_stat(fs, optarg, &st) == -1)
				fsu_err(1, "%s", optarg);
			ts[0] = st.st_atim;
			ts[1] = st.st_mtim;
			break;
		case 't':
			if (parse_t(optarg, &t) == -1)
				fsu_errx(1, "out of range or illegal time "
				    "specification: [[CC]YY]MMDDhhmm[.SS]");
			ts[0].tv_sec = ts[1].tv_sec = t;
			ts[0].tv_nsec = ts[1].tv_nsec = 0;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		fsu_usage();
	if (aflag && !mflag)
		ts[1].tv_nsec = UTIME_OMIT;
	if (mflag && !aflag)
		ts[0].tv_nsec = UTIME_OMIT;
	for (; argc > 0; argc--, argv++)
		rv |= touch_one(argv[0], ts, cflag);
	return rv;
}

const struct fsu_prog fsu_touch_prog = {
	.fp_name = "touch",
	.fp_flags = 0,
	.fp_usage = "[-acm] [-r file] [-t [[CC]YY]MMDDhhmm[.SS]] file ...",
	.fp_main = touch_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_touch_prog, argc, argv);
}
#endif
