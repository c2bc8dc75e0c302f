/*
 * ls.c: the line of fsu_find -ls, as BSD find prints it:
 *
 *	inode blocks mode links owner group size date path[ -> target]
 *
 * with the blocks in 512-byte units, owner and group names padded to 8,
 * "major, minor" for devices, and the date of ls -l (the time within
 * six months of now, else the year).
 */
#include <sys/types.h>
#include <sys/stat.h>
#if defined(__linux__) || defined(__GLIBC__)
#include <sys/sysmacros.h>
#endif

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "find.h"

#define SIXMONTHS	((365 / 2) * 86400)
#define TARGET_MAX	4096

static const char *
idstr(uint32_t id, int group, char *buf, size_t len)
{
	const char *name;

	name = group ? fsu_groupname(id) : fsu_username(id);
	if (name != NULL)
		return name;
	snprintf(buf, len, "%u", id);
	return buf;
}

static void
print_date(time_t t)
{
	char buf[64];
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		printf("%-12jd ", (intmax_t)t);
		return;
	}
	if (t + SIXMONTHS > find_opt.fo_now)
		strftime(buf, sizeof(buf), "%b %e %H:%M", &tm);
	else
		strftime(buf, sizeof(buf), "%b %e  %Y", &tm);
	printf("%s ", buf);
}

void
find_printlong(struct find_ctx *c)
{
	const struct stat *st = &c->fc_we->we_st;
	char mode[11], ubuf[16], gbuf[16], target[TARGET_MAX + 1];
	ssize_t n;

	fsu_modestr(st->st_mode, mode);
	printf("%6ju %4jd %s  %3ju %-8s %-8s ", (uintmax_t)st->st_ino,
	    (intmax_t)st->st_blocks, mode, (uintmax_t)st->st_nlink,
	    idstr(st->st_uid, 0, ubuf, sizeof(ubuf)),
	    idstr(st->st_gid, 1, gbuf, sizeof(gbuf)));
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		printf("%3u, %3u ", (unsigned)major(st->st_rdev),
		    (unsigned)minor(st->st_rdev));
	else
		printf("%8jd ", (intmax_t)st->st_size);
	print_date(st->st_mtim.tv_sec);
	fputs(c->fc_we->we_path, stdout);
	if (S_ISLNK(st->st_mode)) {
		n = ukfs_readlink(c->fc_fs, c->fc_we->we_accpath, target,
		    TARGET_MAX);
		if (n == -1) {
			fsu_warn("%s", c->fc_we->we_path);
			c->fc_failed = 1;
		} else {
			target[n] = '\0';
			printf(" -> %s", target);
		}
	}
	putchar('\n');
}
