/*
 * fsu_ls: list the files of a file system image, with the options and
 * the output of BSD ls(1).
 *
 * The operands (the root "/" when there is none; relative names are
 * relative to the root) are stat'ed first.  Those that are not
 * directories, or all of them with -d, are printed together as one
 * listing; then each directory in turn, under a "name:" header when there
 * are several operands or -R.  A directory is read whole, its entries are
 * sorted with qsort and printed with widths computed over all of them;
 * with -R its subdirectories follow, depth first.
 *
 * Speed: the directory being listed becomes the current directory, so
 * each entry costs one lookup of a single name and one lstat, made in the
 * order the directory returns them (the order in which a file system
 * finds them fastest), and none at all when only names are printed and
 * the type of the directory entry is enough.  Owner and group names are
 * looked up once per id.  stdout is fully buffered.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"
#include "ls.h"

#define LS_OPTIONS	"01AaCcdFfhiklnopRrSsTtux"
#define LS_USAGE	"[-" LS_OPTIONS "] [--json] [file ...]"
#define OUTBUF_SIZE	(64 * 1024)
#define TARGET_MAX	4096

/* Entries as they are read, and the strings they point to. */
struct entvec {
	struct ls_entry	*ev_v;
	size_t		 ev_n;
	size_t		 ev_cap;
	struct ls_arena	 ev_arena;
};

/* A subdirectory to descend into after its parent is printed. */
struct subdir {
	char		*sd_path;
	const char	*sd_name;	/* last component, in sd_path */
	uint64_t	 sd_ino;
};

struct ls_opts ls_opt;

static struct ukfs *fs;
static int rv;			/* exit status */
static int printed;		/* something is on stdout already */
static int needstat;		/* every entry needs its attributes */
static int needtype;		/* every entry needs its type */
static char *pathbuf;		/* joinpath() result */
static size_t pathcap;
static struct fsu_dirset *dirs;	/* -R: directories met */

/* "/" between dir and a name, unless dir ends with one. */
static const char *
sep(const char *dir)
{
	size_t len;

	len = strlen(dir);
	return len > 0 && dir[len - 1] == '/' ? "" : "/";
}

/* dir/name into a buffer reused by the next call. */
static const char *
joinpath(const char *dir, const char *name)
{
	size_t need;

	need = strlen(dir) + strlen(name) + 2;
	if (need > pathcap) {
		pathcap = need * 2;
		pathbuf = ls_xreallocarray(pathbuf, pathcap, 1);
	}
	snprintf(pathbuf, pathcap, "%s%s%s", dir, sep(dir), name);
	return pathbuf;
}

static char *
joindup(const char *dir, const char *name)
{
	char *p;

	if ((p = strdup(joinpath(dir, name))) == NULL)
		fsu_err(1, NULL);
	return p;
}

/* Operands are relative to the root of the image: the kernel's path. */
static char *
kernpath(const char *name)
{
	size_t len;
	char *p;

	len = strlen(name);
	p = ls_xmalloc(len + 2);
	p[0] = '/';
	memcpy(p + (name[0] == '/' ? 0 : 1), name, len + 1);
	return p;
}

/* Report errno for dir/name (or name alone) and remember the failure. */
static void
warnpath(const char *dir, const char *name)
{
	int e = errno;

	fflush(stdout);
	errno = e;
	if (dir == NULL)
		fsu_warn("%s", name);
	else
		fsu_warn("%s%s%s", dir, sep(dir), name);
	rv = 1;
}

static struct ls_entry *
ev_push(struct entvec *ev)
{
	struct ls_entry *e;

	if (ev->ev_n == ev->ev_cap) {
		ev->ev_cap = ev->ev_cap == 0 ? 64 : ev->ev_cap * 2;
		ev->ev_v = ls_xreallocarray(ev->ev_v, ev->ev_cap,
		    sizeof(*ev->ev_v));
	}
	e = &ev->ev_v[ev->ev_n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static void
ev_free(struct entvec *ev)
{
	free(ev->ev_v);
	ls_arena_free(&ev->ev_arena);
	memset(ev, 0, sizeof(*ev));
}

/* Pointers to the entries, for sorting. */
static struct ls_entry **
ev_pointers(struct entvec *ev)
{
	struct ls_entry **v;
	size_t i;

	v = ls_xreallocarray(NULL, ev->ev_n > 0 ? ev->ev_n : 1, sizeof(*v));
	for (i = 0; i < ev->ev_n; i++)
		v[i] = &ev->ev_v[i];
	return v;
}

/* The type bits of a directory entry's type, or 0 when unknown. */
static mode_t
dtype_mode(unsigned int type)
{
	switch (type) {
	case DT_REG:
		return S_IFREG;
	case DT_DIR:
		return S_IFDIR;
	case DT_LNK:
		return S_IFLNK;
	case DT_CHR:
		return S_IFCHR;
	case DT_BLK:
		return S_IFBLK;
	case DT_FIFO:
		return S_IFIFO;
	case DT_SOCK:
		return S_IFSOCK;
	default:
		return 0;
	}
}

static void
fill_stat(struct ls_entry *e, const struct stat *st)
{
	e->e_ino = (uint64_t)st->st_ino;
	e->e_mode = st->st_mode;
	e->e_nlink = (uint32_t)st->st_nlink;
	e->e_uid = (uint32_t)st->st_uid;
	e->e_gid = (uint32_t)st->st_gid;
	e->e_rdev = st->st_rdev;
	e->e_size = (int64_t)st->st_size;
	e->e_blocks = (int64_t)st->st_blocks;
	switch (ls_opt.o_time) {
	case TIME_CHANGE:
		e->e_time = st->st_ctim;
		break;
	case TIME_ACCESS:
		e->e_time = st->st_atim;
		break;
	default:
		e->e_time = st->st_mtim;
		break;
	}
	e->e_stat = 1;
}

/* The target of the symlink at path (shown as dir/name), for -l. */
static void
read_target(struct ls_entry *e, const char *path, struct ls_arena *a,
    const char *dir, const char *name)
{
	char buf[TARGET_MAX];
	ssize_t n;

	if ((n = ukfs_readlink(fs, path, buf, sizeof(buf))) == -1) {
		warnpath(dir, name);
		return;
	}
	e->e_target = ls_arena_strdup(a, buf, (size_t)n);
}

/*
 * --json: every attribute of the entry at path (stat'ed already into e;
 * a symbolic link there was not followed).  Returns -1 after a message.
 */
static int
read_xstat(struct ls_entry *e, const char *path, struct ls_arena *a,
    const char *dir, const char *name)
{
	struct ukfs_stat us;

	if (ukfs_xstat(fs, path, S_ISLNK(e->e_mode), &us) == -1) {
		warnpath(dir, name);
		return -1;
	}
	e->e_xstat = ls_arena_strdup(a, (const char *)&us, sizeof(us));
	if (S_ISLNK(e->e_mode) && e->e_target == NULL)
		read_target(e, path, a, dir, name);
	return 0;
}

/* Does the output need the extended attributes (flags) of entries? */
static int
want_xstat(void)
{
	return ls_opt.o_format == FMT_JSON ||
	    (ls_opt.o_format == FMT_LONG && ls_opt.o_flags);
}

/* Whether a directory entry is shown with the -a/-A options given. */
static int
shown(const char *name)
{
	if (name[0] != '.' || ls_opt.o_show == SHOW_ALL)
		return 1;
	if (ls_opt.o_show == SHOW_VISIBLE)
		return 0;
	return !(name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/*
 * Add a directory entry of dpath.  kdir is NULL when the directory is the
 * current one, else its kernel path.  Entries whose attributes cannot be
 * read are reported and left out.
 */
static void
add_dirent(struct entvec *ev, const struct ukfs_dirent *de, const char *kdir,
    const char *dpath)
{
	struct ls_entry *e;
	const char *path;
	struct stat st;

	e = ev_push(ev);
	e->e_name = ls_arena_strdup(&ev->ev_arena, de->d_name,
	    strlen(de->d_name));
	e->e_ino = de->d_ino;
	e->e_mode = dtype_mode(de->d_type);
	if (!needstat && !(needtype && e->e_mode == 0))
		return;
	path = kdir == NULL ? e->e_name : joinpath(kdir, e->e_name);
	if (ukfs_lstat(fs, path, &st) == -1) {
		warnpath(dpath, de->d_name);
		ev->ev_n--;
		return;
	}
	fill_stat(e, &st);
	if (S_ISLNK(e->e_mode) && ls_opt.o_format == FMT_LONG)
		read_target(e, path, &ev->ev_arena, dpath, e->e_name);
	if (want_xstat() && read_xstat(e, path, &ev->ev_arena, dpath,
	    e->e_name) == -1)
		ev->ev_n--;
}

/* Read the entries of the directory at kpath (shown as dpath). */
static int
read_dir(const char *kpath, const char *dpath, struct entvec *ev)
{
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	const char *kdir;

	if ((d = ukfs_opendir(fs, kpath)) == NULL) {
		warnpath(NULL, dpath);
		return -1;
	}
	kdir = ukfs_chdir(fs, kpath) == 0 ? NULL : kpath;
	while ((de = ukfs_readdir(d)) != NULL) {
		if (de->d_type == DT_WHT || !shown(de->d_name))
			continue;
		add_dirent(ev, de, kdir, dpath);
	}
	if (errno != 0)
		warnpath(NULL, dpath);
	(void)ukfs_closedir(d);
	return 0;
}

static void
header(const char *dpath)
{
	if (ls_opt.o_format == FMT_NUL || ls_opt.o_format == FMT_JSON)
		return;
	if (printed)
		putchar('\n');
	ls_putname(dpath);
	fputs(":\n", stdout);
	printed = 1;
}

/* With -R: the subdirectories of a listing, in its order. */
static struct subdir *
subdirs(const struct ls_listing *l, const char *dpath, size_t *np)
{
	const struct ls_entry *e;
	struct subdir *sd = NULL;
	size_t i, n = 0;

	for (i = 0; i < l->l_n; i++) {
		e = l->l_ents[i];
		if (!S_ISDIR(e->e_mode) || strcmp(e->e_name, ".") == 0 ||
		    strcmp(e->e_name, "..") == 0)
			continue;
		sd = ls_xreallocarray(sd, n + 1, sizeof(*sd));
		sd[n].sd_path = joindup(dpath, e->e_name);
		sd[n].sd_name = sd[n].sd_path + strlen(sd[n].sd_path) -
		    strlen(e->e_name);
		sd[n].sd_ino = e->e_ino;
		n++;
	}
	*np = n;
	return sd;
}

/*
 * With -R: may the walk enter subdirectory sd of the directory dst (in
 * its visit dserial)?  No directory is entered twice (fsu_dirset).
 */
static int
may_enter(const struct stat *dst, uint64_t dserial, const struct subdir *sd,
    struct stat *st, uint64_t *serialp)
{
	int error;

	memset(st, 0, sizeof(*st));
	st->st_dev = dst->st_dev;
	st->st_ino = (ino_t)sd->sd_ino;
	error = fsu_dirset_enter(dirs, st, dst, dserial, sd->sd_name,
	    serialp);
	if (error == 0)
		return 1;
	fflush(stdout);
	if (error == ELOOP)
		fsu_warnx("%s: directory causes a cycle", sd->sd_path);
	else if (error == EMLINK)
		fsu_warnx("%s: directory linked twice (corrupt image), not "
		    "entered again", sd->sd_path);
	else {
		errno = error;
		fsu_warn("%s", sd->sd_path);
	}
	rv = 1;
	return 0;
}

/*
 * List the directory dpath (a path as shown; the kernel's is made
 * absolute) whose inode is dst's, in its visit serial (fsu_dirset); with
 * -R descend into its subdirectories.
 */
static void
list_dir(const char *dpath, const struct stat *dst, uint64_t serial)
{
	struct ls_listing l;
	struct subdir *sd = NULL;
	struct entvec ev;
	struct stat st;
	size_t i, nsd = 0;
	uint64_t sub;
	char *kpath;

	memset(&ev, 0, sizeof(ev));
	kpath = kernpath(dpath);
	if (read_dir(kpath, dpath, &ev) == 0) {
		l.l_ents = ev_pointers(&ev);
		l.l_n = ev.ev_n;
		l.l_dir = 1;
		l.l_path = dpath;
		ls_sort(l.l_ents, l.l_n);
		ls_print(&l);
		if (ls_opt.o_recurse)
			sd = subdirs(&l, dpath, &nsd);
		free(l.l_ents);
	}
	printed = 1;
	ev_free(&ev);
	free(kpath);
	for (i = 0; i < nsd; i++) {
		if (may_enter(dst, serial, &sd[i], &st, &sub)) {
			header(sd[i].sd_path);
			list_dir(sd[i].sd_path, &st, sub);
			fsu_dirset_leave(dirs, &st);
		}
		free(sd[i].sd_path);
	}
	free(sd);
}

/*
 * Stat an operand into e: symlinks are followed unless -l, -d or -F (a
 * dangling one is shown as the link).
 */
static int
stat_operand(const char *name, struct ls_entry *e, struct ls_arena *a)
{
	int follow, r;
	struct stat st;
	char *kpath;

	if (name[0] == '\0') {
		errno = ENOENT;
		warnpath(NULL, name);
		return -1;
	}
	follow = !(ls_opt.o_format == FMT_LONG || ls_opt.o_dirplain ||
	    ls_opt.o_classify);
	kpath = kernpath(name);
	r = follow ? ukfs_stat(fs, kpath, &st) : ukfs_lstat(fs, kpath, &st);
	if (r == -1 && follow && errno == ENOENT)
		r = ukfs_lstat(fs, kpath, &st);
	if (r == -1) {
		warnpath(NULL, name);
		free(kpath);
		return -1;
	}
	e->e_name = name;
	fill_stat(e, &st);
	if (S_ISLNK(e->e_mode) && ls_opt.o_format == FMT_LONG)
		read_target(e, kpath, a, NULL, name);
	r = want_xstat() ? read_xstat(e, kpath, a, NULL, name) : 0;
	free(kpath);
	return r;
}

/* List a directory operand (and with -R the tree below it). */
static void
list_operand_dir(const struct ls_entry *e)
{
	struct stat st;
	uint64_t serial = 0;
	int error;

	memset(&st, 0, sizeof(st));
	st.st_ino = (ino_t)e->e_ino;
	if (ls_opt.o_recurse) {
		if (dirs == NULL && (dirs = fsu_dirset_new()) == NULL)
			fsu_err(1, NULL);
		if ((error = fsu_dirset_enter(dirs, &st, NULL, 0, e->e_name,
		    &serial)) != 0) {
			errno = error;
			fsu_err(1, NULL);
		}
	}
	list_dir(e->e_name, &st, serial);
	if (ls_opt.o_recurse)
		fsu_dirset_leave(dirs, &st);
}

/*
 * The operands: errors first, then the files as one listing, then each
 * directory.
 */
static void
list_operands(int argc, char **argv)
{
	struct entvec files, dirv, *ev;
	struct ls_entry e, **v;
	struct ls_listing l;
	size_t i;
	int n;

	memset(&files, 0, sizeof(files));
	memset(&dirv, 0, sizeof(dirv));
	for (n = 0; n < argc; n++) {
		memset(&e, 0, sizeof(e));
		if (stat_operand(argv[n], &e, &files.ev_arena) == -1)
			continue;
		ev = S_ISDIR(e.e_mode) && !ls_opt.o_dirplain ? &dirv : &files;
		*ev_push(ev) = e;
	}
	if (files.ev_n > 0) {
		l.l_ents = ev_pointers(&files);
		l.l_n = files.ev_n;
		l.l_dir = 0;
		l.l_path = NULL;
		ls_sort(l.l_ents, l.l_n);
		ls_print(&l);
		free(l.l_ents);
		printed = 1;
	}
	v = ev_pointers(&dirv);
	ls_sort(v, dirv.ev_n);
	for (i = 0; i < dirv.ev_n; i++) {
		if (printed || argc > 1 || ls_opt.o_recurse)
			header(v[i]->e_name);
		list_operand_dir(v[i]);
	}
	free(v);
	ev_free(&files);
	ev_free(&dirv);
}

/* Columns of the output: COLUMNS, else the terminal's, else 80. */
static int
termwidth(void)
{
	struct winsize ws;
	const char *s;
	char *end;
	long n;

	s = getenv("COLUMNS");
	if (s != NULL && *s != '\0') {
		n = strtol(s, &end, 10);
		if (*end == '\0' && n > 0 && n < INT_MAX)
			return (int)n;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static const struct option long_options[] = {
	{ "json",	no_argument,	NULL,	'J' },
	{ NULL,		0,		NULL,	0 },
};

static void
parse_options(int argc, char **argv)
{
	int ch, human = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+" LS_OPTIONS, long_options,
	    NULL)) != -1) {
		switch (ch) {
		case '0':
			ls_opt.o_format = FMT_NUL;
			break;
		case 'J':
			ls_opt.o_format = FMT_JSON;
			break;
		case '1':
			ls_opt.o_format = FMT_ONE;
			break;
		case 'A':
			if (ls_opt.o_show != SHOW_ALL)
				ls_opt.o_show = SHOW_ALMOST;
			break;
		case 'a':
			ls_opt.o_show = SHOW_ALL;
			break;
		case 'C':
			ls_opt.o_format = FMT_COLUMNS;
			break;
		case 'c':
			ls_opt.o_time = TIME_CHANGE;
			break;
		case 'd':
			ls_opt.o_dirplain = 1;
			break;
		case 'F':
			ls_opt.o_classify = 1;
			break;
		case 'f':
			ls_opt.o_sort = SORT_NONE;
			ls_opt.o_show = SHOW_ALL;
			break;
		case 'h':
			human = 1;
			break;
		case 'i':
			ls_opt.o_inode = 1;
			break;
		case 'k':
			human = 0;
			ls_opt.o_blocksize = 1024;
			break;
		case 'n':
			ls_opt.o_numeric = 1;
			/* FALLTHROUGH */
		case 'l':
			ls_opt.o_format = FMT_LONG;
			break;
		case 'o':
			ls_opt.o_flags = 1;
			break;
		case 'p':
			ls_opt.o_slash = 1;
			break;
		case 'R':
			ls_opt.o_recurse = 1;
			break;
		case 'r':
			ls_opt.o_reverse = 1;
			break;
		case 'S':
			if (ls_opt.o_sort != SORT_NONE)
				ls_opt.o_sort = SORT_SIZE;
			break;
		case 's':
			ls_opt.o_blocks = 1;
			break;
		case 'T':
			ls_opt.o_fulltime = 1;
			break;
		case 't':
			if (ls_opt.o_sort != SORT_NONE)
				ls_opt.o_sort = SORT_TIME;
			break;
		case 'u':
			ls_opt.o_time = TIME_ACCESS;
			break;
		case 'x':
			ls_opt.o_format = FMT_ACROSS;
			break;
		default:
			if (optopt != 0)
				fsu_warnx("unknown option -- %c", optopt);
			else
				fsu_warnx("unknown option %s", argv[optind - 1]);
			fsu_usage();
		}
	}
	ls_opt.o_human = human;
}

static int
ls_main(struct ukfs *ufs, int argc, char **argv)
{
	static char root[] = "/";
	static char *noargs[] = { root, NULL };
	int tty;

	fs = ufs;
	memset(&ls_opt, 0, sizeof(ls_opt));
	rv = printed = needstat = needtype = 0;
	(void)setlocale(LC_CTYPE, "");
	tzset();
	tty = isatty(STDOUT_FILENO);
	ls_opt.o_format = tty ? FMT_COLUMNS : FMT_ONE;
	ls_opt.o_nonprint = tty;
	ls_opt.o_blocksize = fsu_getblocksize();
	parse_options(argc, argv);
	argc -= optind;
	argv += optind;
	if (ls_opt.o_format == FMT_COLUMNS || ls_opt.o_format == FMT_ACROSS)
		ls_opt.o_termwidth = termwidth();
	ls_opt.o_now = time(NULL);
	if (ls_opt.o_dirplain)
		ls_opt.o_recurse = 0;
	needstat = ls_opt.o_format == FMT_LONG ||
	    ls_opt.o_format == FMT_JSON || ls_opt.o_blocks ||
	    ls_opt.o_classify || ls_opt.o_sort == SORT_TIME ||
	    ls_opt.o_sort == SORT_SIZE;
	needtype = ls_opt.o_recurse || ls_opt.o_slash;
	if (!fsu_inbatch())
		setvbuf(stdout, NULL, _IOFBF, OUTBUF_SIZE);
	if (argc == 0)
		list_operands(1, noargs);
	else
		list_operands(argc, argv);
	free(pathbuf);
	pathbuf = NULL;
	pathcap = 0;
	fsu_dirset_free(dirs);
	dirs = NULL;
	return rv;
}

const struct fsu_prog fsu_ls_prog = {
	.fp_name = "ls",
	.fp_flags = FSU_RDONLY,
	.fp_usage = LS_USAGE,
	.fp_main = ls_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_ls_prog, argc, argv);
}
#endif
