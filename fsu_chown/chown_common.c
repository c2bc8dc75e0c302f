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
static struct fsu_attr fa;

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
	if (fa.fa_vflag)
		printf("%s\n", path);
	return 0;
}

int
chown_run(struct ukfs *ufs, int argc, char **argv, int ischgrp)
{
	int rv = 0;

	fs = ufs;
	uid = (uid_t)-1;
	gid = (gid_t)-1;
	memset(&fa, 0, sizeof(fa));
	fa.fa_change = change;
	fa.fa_links = 1;
	optind = fsu_attr_options(argc, argv, argc, &fa);
	argc -= optind;
	argv += optind;
	if (argc < 2)
		fsu_usage();
	if (ischgrp)
		gid = group_id(argv[0]);
	else
		parse_owner(argv[0]);
	for (argc--, argv++; argc > 0; argc--, argv++)
		rv |= fsu_attr_apply(fs, &fa, argv[0]);
	return rv;
}
