/*
 * chown_common.c: fsu_chown and fsu_chgrp.
 *
 *	fsu_chown ... image [-R] [-h] [-v] owner[:group] file ...
 *	fsu_chown ... image [-R] [-h] [-v] :group file ...
 *	fsu_chgrp ... image [-R] [-h] [-v] group file ...
 *
 * Names are looked up in the host's user and group databases
 * (getpwnam(3), getgrnam(3)); a name that is not found but is a decimal
 * number is taken as an ID.  "owner:" leaves the group alone.  Without
 * -h symbolic link operands are followed; with -h the link itself is
 * changed.  -R changes whole trees; symbolic links inside them are not
 * followed and are changed themselves, as BSD chown -R -P does.  -v
 * prints the path of each file whose owner or group changed.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"
#include "chown_common.h"

static struct ukfs *fs;
static uid_t uid = (uid_t)-1;
static gid_t gid = (gid_t)-1;
static int hflag, vflag;

/* A decimal ID, or -1 if s is not one. */
static long long
parse_id(const char *s)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || errno != 0 || v >= 0xffffffffULL)
		return -1;
	return (long long)v;
}

static uid_t
user_id(const char *s)
{
	struct passwd *pw;
	long long id;

	if ((pw = getpwnam(s)) != NULL)
		return pw->pw_uid;
	if ((id = parse_id(s)) == -1)
		fsu_errx(1, "%s: invalid user name", s);
	return (uid_t)id;
}

static gid_t
group_id(const char *s)
{
	struct group *gr;
	long long id;

	if ((gr = getgrnam(s)) != NULL)
		return gr->gr_gid;
	if ((id = parse_id(s)) == -1)
		fsu_errx(1, "%s: invalid group name", s);
	return (gid_t)id;
}

/* owner[:group] or :group. */
static void
parse_owner(char *s)
{
	char *colon;

	if ((colon = strchr(s, ':')) != NULL) {
		*colon++ = '\0';
		if (*colon != '\0')
			gid = group_id(colon);
	}
	if (*s != '\0')
		uid = user_id(s);
	else if (colon == NULL)
		fsu_errx(1, "%s: invalid user name", s);
}

static int
change(const char *accpath, const char *path, const struct stat *st,
    int nofollow)
{
	if ((uid == (uid_t)-1 || uid == st->st_uid) &&
	    (gid == (gid_t)-1 || gid == st->st_gid))
		return 0;
	if ((nofollow ? ukfs_lchown(fs, accpath, uid, gid) :
	    ukfs_chown(fs, accpath, uid, gid)) == -1) {
		fsu_warn("%s", path);
		return 1;
	}
	if (vflag)
		printf("%s\n", path);
	return 0;
}

static int
chown_visit(struct ukfs *ufs, struct fsu_walk_ent *we, void *arg)
{
	switch (we->we_info) {
	case FSU_W_ERR:
		errno = we->we_errno;
		fsu_warn("%s", we->we_path);
		return FSU_WALK_FAIL;
	case FSU_W_DP:
		return 0;
	default:
		/* Only an operand may be a followed symbolic link. */
		return change(we->we_accpath, we->we_path, &we->we_st,
		    hflag || we->we_depth > 0) ? FSU_WALK_FAIL : 0;
	}
}

static int
chown_one(const char *path)
{
	struct stat st;

	if ((hflag ? ukfs_lstat(fs, path, &st) : ukfs_stat(fs, path, &st)) ==
	    -1) {
		fsu_warn("%s", path);
		return 1;
	}
	return change(path, path, &st, hflag);
}

void
chown_main(int argc, char **argv, int ischgrp)
{
	int ch, rflag = 0, rv = 0;

	fs = fsu_mount(&argc, &argv, 0, ischgrp ?
	    "[-R] [-h] [-v] group file ..." :
	    "[-R] [-h] [-v] owner[:group] file ...\n"
	    "       fsu_chown [-t fstype] [-o mntopts] [-p partition] [-v] "
	    "image [-R] [-h] [-v] :group file ...");
	while ((ch = getopt(argc, argv, "+hRv")) != -1) {
		switch (ch) {
		case 'h':
			hflag = 1;
			break;
		case 'R':
			rflag = 1;
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
	if (argc < 2)
		fsu_usage();
	if (ischgrp)
		gid = group_id(argv[0]);
	else
		parse_owner(argv[0]);
	for (argc--, argv++; argc > 0; argc--, argv++) {
		if (rflag)
			rv |= fsu_walk(fs, argv[0], hflag ? 0 : FSU_WALK_FOLLOW,
			    chown_visit, NULL) != 0;
		else
			rv |= chown_one(argv[0]);
	}
	fsu_exit(rv);
}
