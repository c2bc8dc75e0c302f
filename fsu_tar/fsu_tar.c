/*
 * fsu_tar: bsdtar with a file system image as its file system.
 *
 *	fsu_tar [common options] image -x [-f archive] [-C dir] [options]
 *	    [pattern ...]
 *	fsu_tar [common options] image -c [-f archive] [-C dir] [options]
 *	    path ...
 *
 * -x unpacks an archive (any format and compression libarchive reads,
 * mtree manifests included) into the image; -c writes paths of the image
 * as an archive.  Every archive format is read and written by libarchive;
 * this program only moves entries between libarchive and ukfs.
 *
 * Unpacking keeps what the archive says: modes exactly (no umask; the
 * image is ours, so we are its superuser), numeric owners, times with
 * nanoseconds, links, device nodes, fifos and BSD file flags.  An entry
 * that gives a user or group name without a number (an mtree manifest
 * such as NetBSD's METALOG) gets the number of that name in the passwd
 * and group files of -N dir, or else of the host.  As bsdtar does by
 * default: a leading "/" is removed, names with ".." are refused and
 * nothing is extracted through a symbolic link (unless -P); one bad
 * entry makes the exit status 1 after the others are done.  Directories
 * get their times and flags after everything in them.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <grp.h>
#include <pwd.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

#define TAR_BUFSIZE	(256 * 1024)

/* A -s substitution: /regex/replacement/flags. */
struct subst {
	regex_t		 s_re;
	char		*s_repl;
	bool		 s_global, s_print;
	bool		 s_reg, s_hard, s_sym;	/* what it applies to */
};

/* A name from a passwd or group file of -N. */
struct idname {
	char		*in_name;
	uint32_t	 in_id;
};

/* A directory whose attributes are set at the end. */
struct fixup {
	char		*fx_path;
	mode_t		 fx_mode;
	uint32_t	 fx_flags;
	bool		 fx_settimes;
	bool		 fx_base;	/* -C's directory: times if it can */
	struct timespec	 fx_ts[2];
};

struct tar {
	struct ukfs	*t_fs;
	int		 t_mode;		/* 'x' or 'c' */
	const char	*t_file;		/* -f */
	const char	*t_dir;			/* -C */
	const char	*t_format;		/* --format */
	const char	*t_options;		/* --options */
	const char	*t_dbdir;		/* -N */
	int		 t_filter;		/* 'z', 'j', 'J', 'Z' (zstd) */
	bool		 t_keep;		/* -k */
	bool		 t_abs;			/* -P */
	bool		 t_verbose;		/* -v */
	bool		 t_numeric;		/* --numeric-owner */
	int64_t		 t_uid, t_gid;		/* --uid, --gid; -1 */
	const char	*t_uname, *t_gname;	/* --uname, --gname */
	struct subst	*t_subst;
	size_t		 t_nsubst;
	char		**t_excl;
	size_t		 t_nexcl;
	struct idname	*t_users, *t_groups;
	size_t		 t_nusers, t_ngroups;
	struct fixup	*t_fix;
	size_t		 t_nfix, t_capfix;
	char		*t_buf;
	int		 t_rv;
	struct archive_entry_linkresolver *t_lr;
};

static const char tar_usage[] =
    "-x [-kPpv] [-f archive] [-C dir] [-N dbdir] [-s /re/new/] "
    "[--exclude pattern] [pattern ...]\n"
    "       -c [-jJPvz] [--zstd] [-f archive] [-C dir] [--format fmt] "
    "[--options opts]\n"
    "          [--numeric-owner] [--uid id] [--gid id] [--uname name] "
    "[--gname name]\n"
    "          [-s /re/new/] [--exclude pattern] path ...";

enum {
	OPT_EXCLUDE = 256, OPT_FORMAT, OPT_OPTIONS, OPT_NUMERIC, OPT_UID,
	OPT_GID, OPT_UNAME, OPT_GNAME, OPT_ZSTD
};

static const struct option longopts[] = {
	{ "exclude",		required_argument, NULL, OPT_EXCLUDE },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "options",		required_argument, NULL, OPT_OPTIONS },
	{ "numeric-owner",	no_argument,	   NULL, OPT_NUMERIC },
	{ "uid",		required_argument, NULL, OPT_UID },
	{ "gid",		required_argument, NULL, OPT_GID },
	{ "uname",		required_argument, NULL, OPT_UNAME },
	{ "gname",		required_argument, NULL, OPT_GNAME },
	{ "zstd",		no_argument,	   NULL, OPT_ZSTD },
	{ "gzip",		no_argument,	   NULL, 'z' },
	{ "bzip2",		no_argument,	   NULL, 'j' },
	{ "xz",			no_argument,	   NULL, 'J' },
	{ "keep-old-files",	no_argument,	   NULL, 'k' },
	{ "absolute-paths",	no_argument,	   NULL, 'P' },
	{ NULL,			0,		   NULL, 0 },
};

/* ------------------------------------------------------------ helpers */

static void *
xmalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		fsu_err(1, NULL);
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fsu_err(1, NULL);
	return p;
}

static void *
xgrow(void *p, size_t *capp, size_t need, size_t elsize)
{
	size_t cap = *capp;

	if (need <= cap)
		return p;
	cap = cap == 0 ? 16 : cap;
	while (cap < need)
		cap *= 2;
	if ((p = realloc(p, cap * elsize)) == NULL)
		fsu_err(1, NULL);
	*capp = cap;
	return p;
}

/* An entry failed: say so and remember it for the exit status. */
static void
entry_warn(struct tar *t, const char *name, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static void
entry_warn(struct tar *t, const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", fsu_progname(), name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	t->t_rv = 1;
}

static int64_t
parse_id(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 ||
	    v > UINT32_MAX - 1)
		fsu_errx(1, "bad %s \"%s\"", what, s);
	return (int64_t)v;
}

/* ------------------------------------------------------ substitutions */

/* Parse "/re/repl/flags" (any delimiter) as bsdtar does. */
static void
subst_add(struct tar *t, const char *arg)
{
	static size_t cap;
	struct subst *s;
	char delim, *spec, *re, *repl, *flags, *p;
	int error;

	if (arg[0] == '\0')
		fsu_errx(1, "Invalid replacement string");
	delim = arg[0];
	spec = xstrdup(arg + 1);
	re = spec;
	if ((p = strchr(re, delim)) == NULL)
		fsu_errx(1, "Invalid replacement string \"%s\"", arg);
	*p = '\0';
	repl = p + 1;
	if ((p = strchr(repl, delim)) == NULL)
		fsu_errx(1, "Invalid replacement string \"%s\"", arg);
	*p = '\0';
	flags = p + 1;
	t->t_subst = xgrow(t->t_subst, &cap, t->t_nsubst + 1,
	    sizeof(*t->t_subst));
	s = &t->t_subst[t->t_nsubst];
	memset(s, 0, sizeof(*s));
	s->s_reg = s->s_hard = s->s_sym = true;
	for (p = flags; *p != '\0'; p++) {
		switch (*p) {
		case 'g': case 'G': s->s_global = true; break;
		case 'p': case 'P': s->s_print = true; break;
		case 'h': s->s_hard = true; break;
		case 'H': s->s_hard = false; break;
		case 'r': s->s_reg = true; break;
		case 'R': s->s_reg = false; break;
		case 's': s->s_sym = true; break;
		case 'S': s->s_sym = false; break;
		default:
			fsu_errx(1, "Invalid replacement flag %c", *p);
		}
	}
	if ((error = regcomp(&s->s_re, re, 0)) != 0) {
		char msg[128];

		regerror(error, &s->s_re, msg, sizeof(msg));
		fsu_errx(1, "Invalid regular expression \"%s\": %s", re, msg);
	}
	s->s_repl = xstrdup(repl);
	t->t_nsubst++;
	free(spec);
}

/* Append len bytes to a growing string. */
static void
sb_add(char **sp, size_t *lenp, size_t *capp, const char *p, size_t len)
{
	*sp = xgrow(*sp, capp, *lenp + len + 1, 1);
	memcpy(*sp + *lenp, p, len);
	*lenp += len;
	(*sp)[*lenp] = '\0';
}

/*
 * Apply the first substitution that matches name (kind 'r' regular name,
 * 'h' hard link target, 's' symbolic link target).  Returns a new string
 * or NULL when none applies.
 */
static char *
subst_apply(struct tar *t, const char *name, int kind)
{
	regmatch_t m[10];
	const char *in, *r;
	char *out = NULL;
	size_t i, len = 0, cap = 0;
	int n, eflags;

	for (i = 0; i < t->t_nsubst; i++) {
		struct subst *s = &t->t_subst[i];

		if ((kind == 'r' && !s->s_reg) || (kind == 'h' && !s->s_hard) ||
		    (kind == 's' && !s->s_sym))
			continue;
		if (regexec(&s->s_re, name, 10, m, 0) != 0)
			continue;
		in = name;
		len = 0;
		sb_add(&out, &len, &cap, "", 0);
		eflags = 0;
		do {
			sb_add(&out, &len, &cap, in, (size_t)m[0].rm_so);
			for (r = s->s_repl; *r != '\0'; r++) {
				if (*r == '&') {
					sb_add(&out, &len, &cap, in + m[0].rm_so,
					    (size_t)(m[0].rm_eo - m[0].rm_so));
				} else if (*r == '\\' && r[1] >= '0' &&
				    r[1] <= '9') {
					n = *++r - '0';
					if (m[n].rm_so >= 0)
						sb_add(&out, &len, &cap,
						    in + m[n].rm_so, (size_t)
						    (m[n].rm_eo - m[n].rm_so));
				} else {
					if (*r == '\\' && r[1] != '\0')
						r++;
					sb_add(&out, &len, &cap, r, 1);
				}
			}
			if (m[0].rm_eo == m[0].rm_so) {
				if (in[m[0].rm_eo] == '\0') {
					in += m[0].rm_eo;
					break;
				}
				sb_add(&out, &len, &cap, in + m[0].rm_eo, 1);
				in += m[0].rm_eo + 1;
			} else {
				in += m[0].rm_eo;
			}
			eflags = REG_NOTBOL;
		} while (s->s_global && *in != '\0' &&
		    regexec(&s->s_re, in, 10, m, eflags) == 0);
		sb_add(&out, &len, &cap, in, strlen(in));
		if (s->s_print)
			fprintf(stderr, "%s >> %s\n", name, out);
		return out;
	}
	return NULL;
}

/* ----------------------------------------------------------- patterns */

/* Does pattern match name or a leading part of it ending at a '/'? */
static bool
path_match(const char *pat, const char *name)
{
	char *copy;
	size_t i, len = strlen(name);
	bool hit = false;

	while (pat[0] == '.' && pat[1] == '/')
		pat += 2;
	while (pat[0] == '/')
		pat++;
	if (fnmatch(pat, name, 0) == 0)
		return true;
	copy = xstrdup(name);
	for (i = len; i > 0 && !hit; i--) {
		if (copy[i - 1] != '/' && i != len)
			continue;
		if (copy[i - 1] == '/') {
			copy[i - 1] = '\0';
			hit = fnmatch(pat, copy, 0) == 0;
		}
	}
	free(copy);
	return hit;
}

static bool
excluded(const struct tar *t, const char *name)
{
	const char *base;
	size_t i;

	base = strrchr(name, '/');
	base = base != NULL ? base + 1 : name;
	for (i = 0; i < t->t_nexcl; i++)
		if (path_match(t->t_excl[i], name) ||
		    fnmatch(t->t_excl[i], base, 0) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- -N */

/* Read "name:x:id:..." lines (passwd, master.passwd, group). */
static void
load_ids(const char *path, struct idname **tabp, size_t *np)
{
	struct idname *tab = NULL;
	size_t n = 0, cap = 0;
	char line[1024], *c1, *c2;
	unsigned long id;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		fsu_err(1, "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#' || (c1 = strchr(line, ':')) == NULL ||
		    (c2 = strchr(c1 + 1, ':')) == NULL)
			continue;
		*c1 = '\0';
		errno = 0;
		id = strtoul(c2 + 1, &c1, 10);
		if (errno != 0 || *c1 != ':' || id > UINT32_MAX)
			continue;
		tab = xgrow(tab, &cap, n + 1, sizeof(*tab));
		tab[n].in_name = xstrdup(line);
		tab[n].in_id = (uint32_t)id;
		n++;
	}
	fclose(f);
	*tabp = tab;
	*np = n;
}

static void
load_db(struct tar *t)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/master.passwd", t->t_dbdir);
	if (access(path, R_OK) != 0)
		snprintf(path, sizeof(path), "%s/passwd", t->t_dbdir);
	load_ids(path, &t->t_users, &t->t_nusers);
	snprintf(path, sizeof(path), "%s/group", t->t_dbdir);
	load_ids(path, &t->t_groups, &t->t_ngroups);
}

/* The number of a user or group name: -N's files, else the host's. */
static int
name_to_id(const struct tar *t, const char *name, bool group, uint32_t *idp)
{
	const struct idname *tab = group ? t->t_groups : t->t_users;
	size_t i, n = group ? t->t_ngroups : t->t_nusers;

	if (t->t_dbdir != NULL) {
		for (i = 0; i < n; i++)
			if (strcmp(tab[i].in_name, name) == 0) {
				*idp = tab[i].in_id;
				return 0;
			}
		return -1;
	}
	if (group) {
		struct group *gr = getgrnam(name);

		if (gr == NULL)
			return -1;
		*idp = (uint32_t)gr->gr_gid;
	} else {
		struct passwd *pw = getpwnam(name);

		if (pw == NULL)
			return -1;
		*idp = (uint32_t)pw->pw_uid;
	}
	return 0;
}

/* --------------------------------------------------------------- flags */

/* BSD flags named in a fflags text ("uchg,nodump"); unknown names warn. */
static uint32_t
text_to_flags(struct tar *t, const char *name, const char *text)
{
	char *copy, *p, *tok, *save = NULL;
	uint32_t flags = 0, f;

	if (text == NULL || text[0] == '\0')
		return 0;
	copy = xstrdup(text);
	for (p = copy; (tok = strtok_r(p, ", \t", &save)) != NULL; p = NULL) {
		if (fsu_flag_byname(tok, &f) == 0)
			flags |= f;
		else if (strncmp(tok, "no", 2) == 0 &&
		    fsu_flag_byname(tok + 2, &f) == 0)
			;	/* a flag cleared: none is set on new files */
		else
			entry_warn(t, name, "unknown file flag \"%s\"", tok);
	}
	free(copy);
	return flags;
}

/* ------------------------------------------------------------ extract */

/* Image path of an archive name below -C (or the root: abs). */
static char *
image_path(const struct tar *t, const char *name, bool abs)
{
	const char *dir = abs ? "/" : t->t_dir;
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = xmalloc(dl + nl + 2);

	memcpy(p, dir, dl);
	while (dl > 1 && p[dl - 1] == '/')
		dl--;
	if (nl > 0 && !(dl == 1 && p[0] == '/'))
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

/*
 * Clean an archive name in place as bsdtar does: a leading "/" removed
 * (with -P *absp says it was there: the name is then below the image's
 * root, not -C), "./" and "//" folded, a trailing "/" dropped.  Returns
 * -1 (with a message) for a name with ".." without -P.
 */
static int
clean_name(struct tar *t, char *name, const char *shown, bool *absp)
{
	char *in = name, *out = name, *comp;

	if (absp != NULL)
		*absp = *in == '/' && t->t_abs;
	while (*in == '/')
		in++;
	while (*in != '\0') {
		comp = in;
		while (*in != '\0' && *in != '/')
			in++;
		if (in - comp == 1 && comp[0] == '.') {
			;	/* "." */
		} else if (in - comp == 2 && comp[0] == '.' && comp[1] == '.' &&
		    !t->t_abs) {
			entry_warn(t, shown, "Path contains '..'");
			return -1;
		} else if (in > comp) {
			if (out != name)
				*out++ = '/';
			memmove(out, comp, (size_t)(in - comp));
			out += in - comp;
		}
		while (*in == '/')
			in++;
	}
	*out = '\0';
	return 0;
}

/*
 * Make sure every directory above path exists and none of them is a
 * symbolic link (unless -P); missing ones are made 0755 if create.
 */
static int
make_parents(struct tar *t, const char *shown, char *path, bool create,
    bool abs)
{
	struct stat st;
	size_t base = abs ? 1 : strlen(t->t_dir);
	char *p;

	for (p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if ((size_t)(p - path) <= base) {
			*p = '/';
			continue;
		}
		if (ukfs_lstat(t->t_fs, path, &st) == 0) {
			if (S_ISLNK(st.st_mode) && !t->t_abs) {
				entry_warn(t, shown, "Cannot extract through "
				    "symlink %s", path);
				*p = '/';
				return -1;
			}
		} else if (errno != ENOENT || !create || (ukfs_mkdir(t->t_fs,
		    path, 0755) != 0 && errno != EEXIST)) {
			entry_warn(t, shown, "%s: %s", path, strerror(errno));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* Remove what is at path so that a new file can take the name. */
static int
clear_place(struct tar *t, const char *shown, const char *path,
    mode_t newtype, bool *existsp)
{
	struct stat st;

	*existsp = false;
	if (ukfs_lstat(t->t_fs, path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		entry_warn(t, shown, "%s", strerror(errno));
		return -1;
	}
	*existsp = true;
	if (S_ISDIR(st.st_mode) && newtype == S_IFDIR)
		return 0;
	if (t->t_keep)
		return 1;
	/* Flags such as uchg would keep it; they are ours to clear. */
	(void)ukfs_lchflags(t->t_fs, path, 0);
	if (S_ISDIR(st.st_mode) ? ukfs_rmdir(t->t_fs, path) :
	    ukfs_remove(t->t_fs, path)) {
		entry_warn(t, shown, "Can't replace existing %s: %s",
		    S_ISDIR(st.st_mode) ? "directory" : "file",
		    strerror(errno));
		return -1;
	}
	*existsp = false;
	return 0;
}

/* Write the data of the current entry to the open file fd. */
static int
write_data(struct tar *t, struct archive *a, struct archive_entry *e,
    const char *shown, int fd)
{
	const void *buf;
	size_t size;
	la_int64_t off, end = 0;
	ssize_t n;
	int r;

	for (;;) {
		r = archive_read_data_block(a, &buf, &size, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			entry_warn(t, shown, "%s", archive_error_string(a));
			return -1;
		}
		while (size > 0) {
			n = ukfs_fd_pwrite(t->t_fs, fd, buf, size, off);
			if (n <= 0) {
				entry_warn(t, shown, "Write failed: %s",
				    strerror(n < 0 ? errno : EIO));
				return -1;
			}
			buf = (const char *)buf + n;
			size -= (size_t)n;
			off += n;
		}
		if (off > end)
			end = off;
	}
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > end)
		end = archive_entry_size(e);
	if (ukfs_ftruncate(t->t_fs, fd, end) != 0) {
		entry_warn(t, shown, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The owner an entry asks for. */
static int
entry_owner(struct tar *t, struct archive_entry *e, const char *shown,
    uint32_t *uidp, uint32_t *gidp)
{
	const char *un = archive_entry_uname(e), *gn = archive_entry_gname(e);
	int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
	uint32_t id;

	if (t->t_uname != NULL)
		un = t->t_uname;
	if (t->t_gname != NULL)
		gn = t->t_gname;
	/* A name without a number (mtree, METALOG): look the name up. */
	if (!t->t_numeric && (uid == 0 || t->t_uname != NULL) && un != NULL &&
	    un[0] != '\0' && strcmp(un, "root") != 0) {
		if (name_to_id(t, un, false, &id) != 0) {
			entry_warn(t, shown, "unknown user \"%s\"", un);
			return -1;
		}
		uid = id;
	}
	if (!t->t_numeric && (gid == 0 || t->t_gname != NULL) && gn != NULL &&
	    gn[0] != '\0' && strcmp(gn, "wheel") != 0 &&
	    strcmp(gn, "root") != 0) {
		if (name_to_id(t, gn, true, &id) != 0) {
			entry_warn(t, shown, "unknown group \"%s\"", gn);
			return -1;
		}
		gid = id;
	}
	if (t->t_uid >= 0)
		uid = t->t_uid;
	if (t->t_gid >= 0)
		gid = t->t_gid;
	if (uid < 0 || uid > UINT32_MAX - 1 || gid < 0 ||
	    gid > UINT32_MAX - 1) {
		entry_warn(t, shown, "bad owner %" PRId64 ":%" PRId64, uid,
		    gid);
		return -1;
	}
	*uidp = (uint32_t)uid;
	*gidp = (uint32_t)gid;
	return 0;
}

static void
entry_times(struct archive_entry *e, struct timespec ts[2])
{
	if (archive_entry_mtime_is_set(e)) {
		ts[1].tv_sec = archive_entry_mtime(e);
		ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	} else {
		ts[1].tv_sec = 0;
		ts[1].tv_nsec = UTIME_NOW;
	}
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	} else {
		ts[0] = ts[1];
	}
}

/* Owner, mode, times and flags of a new node (not a directory). */
static int
set_attrs(struct tar *t, struct archive_entry *e, const char *shown,
    const char *path, bool islnk)
{
	struct timespec ts[2];
	uint32_t uid, gid, flags;
	mode_t mode = archive_entry_perm(e);
	int rv = 0;

	if (entry_owner(t, e, shown, &uid, &gid) != 0)
		return -1;
	if (ukfs_lchown(t->t_fs, path, uid, gid) != 0 ||
	    (!islnk && ukfs_chmod(t->t_fs, path, mode) != 0) ||
	    (islnk && ukfs_lchmod(t->t_fs, path, mode) != 0 &&
	    errno != EOPNOTSUPP)) {
		entry_warn(t, shown, "Can't set attributes: %s",
		    strerror(errno));
		return -1;
	}
	entry_times(e, ts);
	if (ukfs_utimens(t->t_fs, path, ts, 1) != 0) {
		entry_warn(t, shown, "Can't restore time: %s",
		    strerror(errno));
		rv = -1;
	}
	flags = text_to_flags(t, shown, archive_entry_fflags_text(e));
	if (flags != 0 && ukfs_lchflags(t->t_fs, path, flags) != 0) {
		entry_warn(t, shown, "Can't set file flags: %s",
		    strerror(errno));
		rv = -1;
	}
	return rv;
}

/* A directory entry: make it, set its owner and mode, times later. */
static int
extract_dir(struct tar *t, struct archive_entry *e, const char *shown,
    const char *path)
{
	struct fixup *fx;
	uint32_t uid, gid;
	struct stat st;

	if (ukfs_mkdir(t->t_fs, path, 0700) != 0) {
		if (errno != EEXIST || ukfs_lstat(t->t_fs, path, &st) != 0 ||
		    !S_ISDIR(st.st_mode)) {
			entry_warn(t, shown, "Can't create directory: %s",
			    strerror(errno));
			return -1;
		}
		if (t->t_keep)
			return 0;
	}
	if (entry_owner(t, e, shown, &uid, &gid) != 0)
		return -1;
	/*
	 * Only what differs is changed: a file system without owners or
	 * modes (FAT) takes a directory that already is as asked.
	 */
	if (ukfs_lstat(t->t_fs, path, &st) != 0 ||
	    ((st.st_uid != uid || st.st_gid != gid) &&
	    ukfs_lchown(t->t_fs, path, uid, gid) != 0) ||
	    ((st.st_mode & 07777) != archive_entry_perm(e) &&
	    ukfs_chmod(t->t_fs, path, archive_entry_perm(e)) != 0)) {
		entry_warn(t, shown, "Can't set attributes: %s",
		    strerror(errno));
		return -1;
	}
	t->t_fix = xgrow(t->t_fix, &t->t_capfix, t->t_nfix + 1,
	    sizeof(*t->t_fix));
	fx = &t->t_fix[t->t_nfix++];
	fx->fx_path = xstrdup(path);
	fx->fx_mode = archive_entry_perm(e);
	fx->fx_flags = text_to_flags(t, shown, archive_entry_fflags_text(e));
	fx->fx_settimes = true;
	fx->fx_base = strcmp(path, t->t_dir) == 0;
	entry_times(e, fx->fx_ts);
	return 0;
}

/* Deepest paths first, so that a parent's times are set last. */
static int
fixup_cmp(const void *a, const void *b)
{
	const struct fixup *x = a, *y = b;

	return strcmp(y->fx_path, x->fx_path);
}

static void
fixup_dirs(struct tar *t)
{
	struct fixup *fx;
	size_t i;

	if (t->t_nfix == 0)
		return;
	qsort(t->t_fix, t->t_nfix, sizeof(*t->t_fix), fixup_cmp);
	for (i = 0; i < t->t_nfix; i++) {
		fx = &t->t_fix[i];
		/* A FAT root directory has no times to set. */
		if (fx->fx_settimes && ukfs_utimens(t->t_fs, fx->fx_path,
		    fx->fx_ts, 1) != 0 && errno != ENOENT && !(fx->fx_base &&
		    (errno == EPERM || errno == EOPNOTSUPP)))
			entry_warn(t, fx->fx_path, "Can't restore time: %s",
			    strerror(errno));
		if (fx->fx_flags != 0 && ukfs_lchflags(t->t_fs, fx->fx_path,
		    fx->fx_flags) != 0 && errno != ENOENT)
			entry_warn(t, fx->fx_path, "Can't set file flags: %s",
			    strerror(errno));
		free(fx->fx_path);
	}
	t->t_nfix = 0;
}

/*
 * The name of an entry after -s and cleaning; NULL (with a message) for
 * a refused one.  *matchp: the cleaned name before -s, which patterns
 * and --exclude are matched against, as bsdtar does.
 */
static char *
entry_name(struct tar *t, const char *orig, int kind, char **matchp,
    bool *absp)
{
	char *name, *s;

	*matchp = xstrdup(orig);
	if (clean_name(t, *matchp, orig, NULL) != 0) {
		free(*matchp);
		*matchp = NULL;
		return NULL;
	}
	if ((s = subst_apply(t, orig, kind)) != NULL)
		name = s;
	else
		name = xstrdup(orig);
	if (clean_name(t, name, orig, absp) != 0) {
		free(name);
		free(*matchp);
		*matchp = NULL;
		return NULL;
	}
	return name;
}

static void
extract_entry(struct tar *t, struct archive *a, struct archive_entry *e,
    char **pats, int npats, bool *matched)
{
	const char *orig = archive_entry_pathname(e), *hl, *sl;
	char *name = NULL, *path = NULL, *lname = NULL, *lpath = NULL;
	char *starget = NULL, *mname = NULL;
	mode_t type = archive_entry_filetype(e);
	bool abs, labs, exists, hit;
	int fd, i, r;

	if (orig == NULL) {
		entry_warn(t, "?", "entry without a name");
		return;
	}
	if ((name = entry_name(t, orig, 'r', &mname, &abs)) == NULL)
		goto out;
	if (name[0] == '\0' && type != AE_IFDIR) {
		if (orig[0] != '\0' && strcmp(orig, ".") != 0 &&
		    strcmp(orig, "./") != 0)
			entry_warn(t, orig, "Invalid empty pathname");
		goto out;
	}
	if (excluded(t, mname))
		goto out;
	if (npats > 0) {
		for (hit = false, i = 0; i < npats; i++)
			if (path_match(pats[i], mname)) {
				matched[i] = true;
				hit = true;
			}
		if (!hit)
			goto out;
	}
	path = image_path(t, name, abs);
	if (t->t_verbose)
		fprintf(stderr, "x %s\n", name[0] != '\0' ? name : ".");
	if (make_parents(t, orig, path, true, abs) != 0)
		goto out;
	hl = archive_entry_hardlink(e);
	if (hl != NULL) {
		char *s = subst_apply(t, hl, 'h');

		lname = s != NULL ? s : xstrdup(hl);
		if (clean_name(t, lname, orig, &labs) != 0)
			goto out;
		lpath = image_path(t, lname, labs);
		if (make_parents(t, orig, lpath, false, labs) != 0)
			goto out;
		if ((r = clear_place(t, orig, path, AE_IFREG, &exists)) != 0)
			goto out;
		if (ukfs_link(t->t_fs, lpath, path) != 0) {
			entry_warn(t, orig, "Can't create hard link to %s: %s",
			    lname, strerror(errno));
			goto out;
		}
		if (archive_entry_size(e) > 0) {
			if ((fd = ukfs_open(t->t_fs, path, O_WRONLY, 0)) < 0) {
				entry_warn(t, orig, "%s", strerror(errno));
				goto out;
			}
			r = write_data(t, a, e, orig, fd);
			ukfs_close(t->t_fs, fd);
			/* The data changed the times: the entry has them. */
			if (r == 0)
				(void)set_attrs(t, e, orig, path, false);
		}
		goto out;
	}
	if ((r = clear_place(t, orig, path, type, &exists)) != 0)
		goto out;
	switch (type) {
	case AE_IFDIR:
		(void)extract_dir(t, e, orig, path);
		goto out;
	case AE_IFREG:
		fd = ukfs_open(t->t_fs, path, O_WRONLY | O_CREAT | O_EXCL,
		    0600);
		if (fd < 0) {
			entry_warn(t, orig, "Can't create '%s': %s", name,
			    strerror(errno));
			goto out;
		}
		r = write_data(t, a, e, orig, fd);
		ukfs_close(t->t_fs, fd);
		if (r != 0)
			goto out;
		break;
	case AE_IFLNK:
		sl = archive_entry_symlink(e);
		if (sl == NULL) {
			entry_warn(t, orig, "symbolic link without a target");
			goto out;
		}
		starget = subst_apply(t, sl, 's');
		if (ukfs_symlink(t->t_fs, starget != NULL ? starget : sl,
		    path) != 0) {
			entry_warn(t, orig, "Can't create symlink: %s",
			    strerror(errno));
			goto out;
		}
		break;
	case AE_IFCHR:
	case AE_IFBLK:
		if (ukfs_mknod(t->t_fs, path, type | 0600,
		    archive_entry_rdev(e)) != 0) {
			entry_warn(t, orig, "Can't create device node: %s",
			    strerror(errno));
			goto out;
		}
		break;
	case AE_IFIFO:
		if (ukfs_mkfifo(t->t_fs, path, 0600) != 0) {
			entry_warn(t, orig, "Can't create fifo: %s",
			    strerror(errno));
			goto out;
		}
		break;
	default:
		entry_warn(t, orig, "Can't extract a %s", type == AE_IFSOCK ?
		    "socket" : "file of unknown type");
		goto out;
	}
	(void)set_attrs(t, e, orig, path, type == AE_IFLNK);
out:
	free(mname);
	free(name);
	free(path);
	free(lname);
	free(lpath);
	free(starget);
}

static struct archive *
open_read(struct tar *t)
{
	struct archive *a;
	int r;

	if ((a = archive_read_new()) == NULL)
		fsu_errx(1, "Couldn't allocate archive object");
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	/* An mtree manifest's files are read from the host, as bsdtar's. */
	(void)archive_read_set_options(a, "mtree:checkfs");
	if (t->t_options != NULL &&
	    archive_read_set_options(a, t->t_options) != ARCHIVE_OK)
		fsu_errx(1, "%s", archive_error_string(a));
	if (t->t_file == NULL || strcmp(t->t_file, "-") == 0)
		r = archive_read_open_fd(a, 0, 10240);
	else
		r = archive_read_open_filename(a, t->t_file, 10240);
	if (r != ARCHIVE_OK)
		fsu_errx(1, "Error opening archive: %s",
		    archive_error_string(a));
	return a;
}

static int
run_extract(struct tar *t, int argc, char **argv)
{
	struct archive_entry *e;
	struct archive *a;
	bool *matched;
	int i, r;

	matched = calloc((size_t)argc + 1, sizeof(*matched));
	if (matched == NULL)
		fsu_err(1, NULL);
	a = open_read(t);
	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_WARN)
			fsu_warnx("%s", archive_error_string(a));
		if (r < ARCHIVE_WARN) {
			fsu_warnx("%s", archive_error_string(a));
			t->t_rv = 1;
			if (r == ARCHIVE_FATAL)
				break;
			continue;
		}
		extract_entry(t, a, e, argv, argc, matched);
	}
	fixup_dirs(t);
	if (archive_read_free(a) != ARCHIVE_OK)
		t->t_rv = 1;
	for (i = 0; i < argc; i++)
		if (!matched[i]) {
			fsu_warnx("%s: Not found in archive", argv[i]);
			t->t_rv = 1;
		}
	free(matched);
	return t->t_rv;
}

/* ------------------------------------------------------------- create */

static void
entry_from_stat(struct tar *t, struct archive_entry *e,
    const struct ukfs_stat *us)
{
	char fl[FSU_FLAGSTR_MAX];
	const char *n;

	archive_entry_set_mode(e, us->us_mode);
	archive_entry_set_uid(e, t->t_uid >= 0 ? t->t_uid : us->us_uid);
	archive_entry_set_gid(e, t->t_gid >= 0 ? t->t_gid : us->us_gid);
	if (t->t_uname != NULL)
		archive_entry_copy_uname(e, t->t_uname);
	else if (!t->t_numeric && t->t_uid < 0 &&
	    (n = fsu_username(us->us_uid)) != NULL)
		archive_entry_copy_uname(e, n);
	if (t->t_gname != NULL)
		archive_entry_copy_gname(e, t->t_gname);
	else if (!t->t_numeric && t->t_gid < 0 &&
	    (n = fsu_groupname(us->us_gid)) != NULL)
		archive_entry_copy_gname(e, n);
	archive_entry_set_nlink(e, us->us_nlink);
	archive_entry_set_ino64(e, (la_int64_t)us->us_ino);
	archive_entry_set_dev(e, 1);
	archive_entry_set_size(e, S_ISREG(us->us_mode) ? us->us_size : 0);
	archive_entry_set_mtime(e, us->us_mtime, us->us_mtimensec);
	archive_entry_set_atime(e, us->us_atime, us->us_atimensec);
	archive_entry_set_ctime(e, us->us_ctime, us->us_ctimensec);
	if (us->us_birthtime != 0 || us->us_birthtimensec != 0)
		archive_entry_set_birthtime(e, us->us_birthtime,
		    us->us_birthtimensec);
	if (S_ISCHR(us->us_mode) || S_ISBLK(us->us_mode))
		archive_entry_set_rdev(e, us->us_rdev);
	if (us->us_flags != 0) {
		fsu_flagstostr(us->us_flags, fl, sizeof(fl));
		if (fl[0] != '\0')
			archive_entry_copy_fflags_text(e, fl);
	}
}

/* Write one entry (header, then the data of its image file). */
static void
write_entry(struct tar *t, struct archive *a, struct archive_entry *e)
{
	const char *src = archive_entry_sourcepath(e);
	const char *name = archive_entry_pathname(e);
	la_int64_t left = archive_entry_size(e);
	ssize_t n;
	int fd, r;

	r = archive_write_header(a, e);
	if (r == ARCHIVE_WARN)
		entry_warn(t, name, "%s", archive_error_string(a));
	if (r < ARCHIVE_WARN) {
		entry_warn(t, name, "%s", archive_error_string(a));
		if (r == ARCHIVE_FATAL)
			fsu_errx(1, "Error writing archive");
		return;
	}
	if (left <= 0 || src == NULL)
		return;
	if ((fd = ukfs_open(t->t_fs, src, O_RDONLY, 0)) < 0) {
		entry_warn(t, name, "%s", strerror(errno));
		return;
	}
	while (left > 0) {
		n = ukfs_fd_read(t->t_fs, fd, t->t_buf, left > TAR_BUFSIZE ?
		    TAR_BUFSIZE : (size_t)left);
		if (n <= 0) {
			entry_warn(t, name, "Read error: %s", n < 0 ?
			    strerror(errno) : "file shrank");
			/* Keep the archive well formed: pad with zeros. */
			memset(t->t_buf, 0, TAR_BUFSIZE);
			while (left > 0) {
				n = left > TAR_BUFSIZE ? TAR_BUFSIZE :
				    (ssize_t)left;
				if (archive_write_data(a, t->t_buf,
				    (size_t)n) < 0)
					break;
				left -= n;
			}
			break;
		}
		if (archive_write_data(a, t->t_buf, (size_t)n) != n)
			fsu_errx(1, "%s: Write error: %s", name,
			    archive_error_string(a));
		left -= n;
	}
	ukfs_close(t->t_fs, fd);
}

/* Hand an entry to the link resolver and write what it gives back. */
static void
emit(struct tar *t, struct archive *a, struct archive_entry *e)
{
	struct archive_entry *spare = NULL;

	archive_entry_linkify(t->t_lr, &e, &spare);
	while (e != NULL) {
		write_entry(t, a, e);
		archive_entry_free(e);
		e = spare;
		spare = NULL;
	}
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_path(struct tar *, struct archive *, const char *,
    const char *);

/* The entries of an image directory, sorted by name. */
static void
add_dir(struct tar *t, struct archive *a, const char *path, const char *name)
{
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	char **names = NULL, *cp, *cn;
	size_t n = 0, cap = 0, i, pl = strlen(path), nl = strlen(name);

	if ((d = ukfs_opendir(t->t_fs, path)) == NULL) {
		entry_warn(t, name, "Couldn't open directory: %s",
		    strerror(errno));
		return;
	}
	while ((de = ukfs_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		names = xgrow(names, &cap, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	ukfs_closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		size_t el = strlen(names[i]);

		cp = xmalloc(pl + el + 2);
		snprintf(cp, pl + el + 2, "%s%s%s", path,
		    pl > 0 && path[pl - 1] == '/' ? "" : "/", names[i]);
		cn = xmalloc(nl + el + 2);
		snprintf(cn, nl + el + 2, "%s%s%s", name,
		    nl > 0 && name[nl - 1] != '/' ? "/" : "", names[i]);
		add_path(t, a, cp, cn);
		free(cp);
		free(cn);
		free(names[i]);
	}
	free(names);
}

/* Image path path, named name in the archive, and what is below it. */
static void
add_path(struct tar *t, struct archive *a, const char *path, const char *name)
{
	struct archive_entry *e;
	struct ukfs_stat us;
	char target[PATH_MAX + 1], *s, *aname;
	ssize_t n;

	if (excluded(t, name))
		return;
	if (ukfs_xstat(t->t_fs, path, 1, &us) != 0) {
		entry_warn(t, name, "Couldn't stat file: %s", strerror(errno));
		return;
	}
	s = subst_apply(t, name, 'r');
	aname = s != NULL ? s : xstrdup(name);
	if (aname[0] != '\0') {
		if ((e = archive_entry_new()) == NULL)
			fsu_err(1, NULL);
		archive_entry_copy_pathname(e, aname);
		archive_entry_copy_sourcepath(e, path);
		entry_from_stat(t, e, &us);
		if (S_ISLNK(us.us_mode)) {
			n = ukfs_readlink(t->t_fs, path, target,
			    sizeof(target) - 1);
			if (n < 0) {
				entry_warn(t, name, "Couldn't read symlink: "
				    "%s", strerror(errno));
				archive_entry_free(e);
				free(aname);
				return;
			}
			target[n] = '\0';
			s = subst_apply(t, target, 's');
			archive_entry_copy_symlink(e, s != NULL ? s : target);
			free(s);
		}
		if (t->t_verbose)
			fprintf(stderr, "a %s\n", aname);
		emit(t, a, e);
	}
	free(aname);
	if (S_ISDIR(us.us_mode))
		add_dir(t, a, path, name);
}

/*
 * Format and compression from the output name, as bsdtar -a does
 * (libarchive's own table lacks some of these): a format or filter the
 * options gave is kept.
 */
static void
by_name(struct tar *t, const char *f)
{
	static const struct {
		const char	*sfx, *format;
		int		 filter;
	} tab[] = {
		{ ".tar.gz", "pax", 'z' }, { ".tgz", "pax", 'z' },
		{ ".tar.bz2", "pax", 'j' }, { ".tbz2", "pax", 'j' },
		{ ".tbz", "pax", 'j' }, { ".tar.xz", "pax", 'J' },
		{ ".txz", "pax", 'J' }, { ".tar.zst", "pax", 'Z' },
		{ ".tzst", "pax", 'Z' }, { ".tar", "pax", 0 },
		{ ".zip", "zip", 0 }, { ".jar", "zip", 0 },
		{ ".7z", "7zip", 0 }, { ".iso", "iso9660", 0 },
		{ ".cpio", "odc", 0 }, { ".mtree", "mtree", 0 },
		{ ".shar", "shar", 0 }, { ".ar", "ar", 0 },
		{ ".gz", NULL, 'z' }, { ".bz2", NULL, 'j' },
		{ ".xz", NULL, 'J' }, { ".zst", NULL, 'Z' },
	};
	size_t i, fl = strlen(f), sl;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		sl = strlen(tab[i].sfx);
		if (fl > sl && strcmp(f + fl - sl, tab[i].sfx) == 0) {
			if (tab[i].format != NULL &&
			    strcmp(tab[i].format, "pax") != 0)
				t->t_format = tab[i].format;
			if (t->t_filter == 0)
				t->t_filter = tab[i].filter;
			return;
		}
	}
}

static struct archive *
open_write(struct tar *t)
{
	struct archive *a;
	const char *f = t->t_file;
	int r = ARCHIVE_OK;

	if ((a = archive_write_new()) == NULL)
		fsu_errx(1, "Couldn't allocate archive object");
	if (t->t_format == NULL && f != NULL && strcmp(f, "-") != 0)
		by_name(t, f);
	if (t->t_format != NULL) {
		if (archive_write_set_format_by_name(a, t->t_format) !=
		    ARCHIVE_OK)
			fsu_errx(1, "%s", archive_error_string(a));
	} else {
		archive_write_set_format_pax_restricted(a);
	}
	switch (t->t_filter) {
	case 'z': r = archive_write_add_filter_gzip(a); break;
	case 'j': r = archive_write_add_filter_bzip2(a); break;
	case 'J': r = archive_write_add_filter_xz(a); break;
	case 'Z': r = archive_write_add_filter_zstd(a); break;
	}
	if (r != ARCHIVE_OK)
		fsu_errx(1, "%s", archive_error_string(a));
	if (t->t_options != NULL &&
	    archive_write_set_options(a, t->t_options) != ARCHIVE_OK)
		fsu_errx(1, "%s", archive_error_string(a));
	if (f == NULL || strcmp(f, "-") == 0)
		r = archive_write_open_fd(a, 1);
	else
		r = archive_write_open_filename(a, f);
	if (r != ARCHIVE_OK)
		fsu_errx(1, "%s", archive_error_string(a));
	return a;
}

static int
run_create(struct tar *t, int argc, char **argv)
{
	struct archive_entry *e, *spare;
	struct archive *a;
	struct ukfs_stat us;
	char *name, *path;
	bool warned = false;
	int i;

	if (argc == 0)
		fsu_errx(1, "no files or directories specified");
	/* Check the operands before the archive is made. */
	for (i = 0; i < argc; i++) {
		path = image_path(t, argv[i], argv[i][0] == '/' && t->t_abs);
		if (ukfs_xstat(t->t_fs, path, 1, &us) != 0)
			fsu_err(1, "%s", argv[i]);
		free(path);
	}
	a = open_write(t);
	if ((t->t_lr = archive_entry_linkresolver_new()) == NULL)
		fsu_err(1, NULL);
	archive_entry_linkresolver_set_strategy(t->t_lr, archive_format(a));
	for (i = 0; i < argc; i++) {
		name = argv[i];
		if (name[0] == '/' && t->t_abs) {
			path = xstrdup(name);
		} else {
			path = image_path(t, name, false);
			if (name[0] == '/' && !warned) {
				fsu_warnx("Removing leading '/' from member "
				    "names");
				warned = true;
			}
			while (name[0] == '/' && name[1] != '\0')
				name++;
		}
		add_path(t, a, path, name);
		free(path);
	}
	/* Entries the resolver held back (cpio writes the data last). */
	for (;;) {
		e = NULL;
		spare = NULL;
		archive_entry_linkify(t->t_lr, &e, &spare);
		if (e == NULL)
			break;
		write_entry(t, a, e);
		archive_entry_free(e);
	}
	archive_entry_linkresolver_free(t->t_lr);
	t->t_lr = NULL;
	if (archive_write_close(a) != ARCHIVE_OK) {
		fsu_warnx("%s", archive_error_string(a));
		t->t_rv = 1;
	}
	archive_write_free(a);
	return t->t_rv;
}

/* -------------------------------------------------------------- main */

static void
tar_free(struct tar *t)
{
	size_t i;

	for (i = 0; i < t->t_nsubst; i++) {
		regfree(&t->t_subst[i].s_re);
		free(t->t_subst[i].s_repl);
	}
	free(t->t_subst);
	free(t->t_excl);
	for (i = 0; i < t->t_nusers; i++)
		free(t->t_users[i].in_name);
	for (i = 0; i < t->t_ngroups; i++)
		free(t->t_groups[i].in_name);
	free(t->t_users);
	free(t->t_groups);
	free(t->t_fix);
	free(t->t_buf);
}

static int
tar_main(struct ukfs *fs, int argc, char **argv)
{
	struct tar t;
	size_t exclcap = 0;
	int ch, rv;

	memset(&t, 0, sizeof(t));
	t.t_fs = fs;
	t.t_dir = "/";
	t.t_uid = t.t_gid = -1;
	(void)setlocale(LC_CTYPE, "");
	while ((ch = getopt_long(argc, argv, "+cxC:f:jJkN:pPs:vz", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
		case 'x':
			if (t.t_mode != 0 && t.t_mode != ch)
				fsu_errx(1, "Can't specify both -%c and -%c",
				    t.t_mode, ch);
			t.t_mode = ch;
			break;
		case 'C':
			t.t_dir = optarg;
			break;
		case 'f':
			t.t_file = optarg;
			break;
		case 'j':
		case 'J':
		case 'z':
		case OPT_ZSTD:
			t.t_filter = ch == OPT_ZSTD ? 'Z' : ch;
			break;
		case 'k':
			t.t_keep = true;
			break;
		case 'N':
			t.t_dbdir = optarg;
			break;
		case 'p':
			break;	/* always: the image is ours */
		case 'P':
			t.t_abs = true;
			break;
		case 's':
			subst_add(&t, optarg);
			break;
		case 'v':
			t.t_verbose = true;
			break;
		case OPT_EXCLUDE:
			t.t_excl = xgrow(t.t_excl, &exclcap, t.t_nexcl + 1,
			    sizeof(*t.t_excl));
			t.t_excl[t.t_nexcl++] = optarg;
			break;
		case OPT_FORMAT:
			t.t_format = optarg;
			break;
		case OPT_OPTIONS:
			t.t_options = optarg;
			break;
		case OPT_NUMERIC:
			t.t_numeric = true;
			break;
		case OPT_UID:
			t.t_uid = parse_id(optarg, "uid");
			break;
		case OPT_GID:
			t.t_gid = parse_id(optarg, "gid");
			break;
		case OPT_UNAME:
			t.t_uname = optarg;
			break;
		case OPT_GNAME:
			t.t_gname = optarg;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (t.t_mode == 0)
		fsu_errx(1, "Must specify one of -c or -x");
	if (t.t_dir[0] != '/')
		fsu_errx(1, "-C %s: the directory must be an absolute path in "
		    "the image", t.t_dir);
	if (t.t_dbdir != NULL)
		load_db(&t);
	t.t_buf = xmalloc(TAR_BUFSIZE);
	if (t.t_mode == 'x') {
		struct stat st;

		if (ukfs_stat(fs, t.t_dir, &st) != 0)
			fsu_err(1, "%s", t.t_dir);
		if (!S_ISDIR(st.st_mode))
			fsu_errx(1, "%s: Not a directory", t.t_dir);
		rv = run_extract(&t, argc, argv);
	} else {
		rv = run_create(&t, argc, argv);
	}
	tar_free(&t);
	return rv;
}

const struct fsu_prog fsu_tar_prog = {
	.fp_name = "tar",
	.fp_flags = 0,
	.fp_usage = tar_usage,
	.fp_main = tar_main,
};

#ifndef FSU_BATCH
/* -c only reads the image: mount it read-only, so nothing changes. */
static const struct fsu_prog fsu_tar_ro_prog = {
	.fp_name = "tar",
	.fp_flags = FSU_RDONLY,
	.fp_usage = tar_usage,
	.fp_main = tar_main,
};

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-c") == 0)
			fsu_prog_main(&fsu_tar_ro_prog, argc, argv);
	}
	fsu_prog_main(&fsu_tar_prog, argc, argv);
}
#endif
