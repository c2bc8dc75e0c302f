/*
 * fsu_fmt.c: pieces of output that several programs print the same way:
 * the mode string of ls -l, human-readable sizes (ls -h, du -h, df -h),
 * owner and group names from the host's databases (looked up once per
 * id), the BLOCKSIZE variable, and BSD file flag names (chflags, stat).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsu.h"

#define IDHASH		256

/* An id and its name (or none: in_name is NULL). */
struct idname {
	struct idname	*in_next;
	uint32_t	 in_id;
	char		*in_name;
};

static struct idname *usertab[IDHASH], *grouptab[IDHASH];

/* The execute position: x, or s/t (S/T without execute) when special. */
static char
xchar(mode_t mode, mode_t xbit, mode_t special, char ch)
{
	if (mode & special)
		return (mode & xbit) ? ch : (char)(ch - 'a' + 'A');
	return (mode & xbit) ? 'x' : '-';
}

/* The type letter of ls -l. */
char
fsu_typechar(mode_t mode)
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
fsu_modestr(mode_t mode, char *s)
{
	s[0] = fsu_typechar(mode);
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
fsu_humanize(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "BKMGTPE";
	long double div;
	uint64_t r = 0, tenths;
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

	for (n = tab[id % IDHASH]; n != NULL; n = n->in_next)
		if (n->in_id == id)
			return n->in_name;
	if (group && (gr = getgrgid(id)) != NULL)
		name = gr->gr_name;
	else if (!group && (pw = getpwuid(id)) != NULL)
		name = pw->pw_name;
	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (name != NULL && (n->in_name = strdup(name)) == NULL))
		fsu_err(1, NULL);
	n->in_id = id;
	n->in_next = tab[id % IDHASH];
	tab[id % IDHASH] = n;
	return n->in_name;
}

/* The host's name of a user or group id, or NULL when it has none. */
const char *
fsu_username(uint32_t uid)
{
	return idname(usertab, uid, 0);
}

const char *
fsu_groupname(uint32_t gid)
{
	return idname(grouptab, gid, 1);
}

/*
 * Bytes per block: BLOCKSIZE from the environment as BSD reads it (a
 * number with an optional K, M or G), between 512 bytes and 1 GiB, else
 * 512.
 */
uint64_t
fsu_getblocksize(void)
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

/*
 * BSD file flags by name.  The first name of each flag is the one
 * printed; the others are accepted too.
 */
static const struct {
	const char	*fn_name;
	uint32_t	 fn_flag;
} flag_names[] = {
	{ "arch",	FSU_SF_ARCHIVED },
	{ "archived",	FSU_SF_ARCHIVED },
	{ "nodump",	FSU_UF_NODUMP },
	{ "opaque",	FSU_UF_OPAQUE },
	{ "sappnd",	FSU_SF_APPEND },
	{ "sappend",	FSU_SF_APPEND },
	{ "schg",	FSU_SF_IMMUTABLE },
	{ "schange",	FSU_SF_IMMUTABLE },
	{ "simmutable",	FSU_SF_IMMUTABLE },
	{ "uappnd",	FSU_UF_APPEND },
	{ "uappend",	FSU_UF_APPEND },
	{ "uchg",	FSU_UF_IMMUTABLE },
	{ "uchange",	FSU_UF_IMMUTABLE },
	{ "uimmutable",	FSU_UF_IMMUTABLE },
};
#define NFLAG_NAMES	(sizeof(flag_names) / sizeof(flag_names[0]))

/* The flag of a name; 0 and -1 for an unknown name. */
int
fsu_flag_byname(const char *name, uint32_t *flagp)
{
	size_t i;

	for (i = 0; i < NFLAG_NAMES; i++)
		if (strcmp(name, flag_names[i].fn_name) == 0) {
			*flagp = flag_names[i].fn_flag;
			return 0;
		}
	*flagp = 0;
	return -1;
}

/*
 * The flags as a comma-separated list of names ("" for none), as BSD's
 * fflagstostr(3) makes it; bits without a name are left out.
 */
void
fsu_flagstostr(uint32_t flags, char *buf, size_t len)
{
	uint32_t done = 0;
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < NFLAG_NAMES; i++) {
		if (!(flags & flag_names[i].fn_flag) ||
		    (done & flag_names[i].fn_flag))
			continue;
		done |= flag_names[i].fn_flag;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
		    n > 0 ? "," : "", flag_names[i].fn_name);
		if (n >= len)
			break;
	}
}
