/*
 * fsu_diff: compare files and directory trees across a file system
 * image, a second image and the host, with the options and the output
 * of diff(1), and report what else differs: type, mode, owner, symbolic
 * link target, device numbers (and file flags between two images).
 *
 *	fsu_diff image [-I image2] [-qru] file1 file2
 *
 * Operands as fsu_cmp's: ":path" in the image, "::path" in the second
 * image, anything else on the host.  Operands are followed when they
 * are symbolic links; entries inside directories are not.  Two
 * directories are compared entry by entry in the order of their names:
 * "Only in" for an entry on one side, the differences of each pair on
 * both; subdirectories are descended into with -r, else reported as
 * "Common subdirectories".  A directory and a file compare the file
 * with the entry of the same name in the directory.
 *
 * No directory is entered twice on either side (fsu_dirset), so a
 * corrupt image that links a directory from two places costs time
 * linear in its directories.  Exit status 0: no differences, 1: some,
 * 2: trouble.
 */
#include <sys/types.h>
#include <sys/stat.h>
#if defined(__linux__) || defined(__GLIBC__)
#include <sys/sysmacros.h>
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"
#include "diff.h"

#define DIFF_USAGE	"[-I image2] [-qru] file1 file2"
#define TARGET_MAX	4096

/* A directory being compared on one side, for fsu_dirset. */
struct diff_dir {
	struct stat	 dd_st;
	uint64_t	 dd_serial;
};

struct diff_run {
	int		 dr_fmt;	/* FMT_* */
	int		 dr_rflag;	/* -r */
	char		 dr_opts[8];	/* "-ru", for the lines "diff -ru a b" */
	struct fsu_dirset *dr_dirs[2];	/* directories entered, per side */
};

static int	diff_pair(struct diff_run *, struct diff_side *,
		    struct diff_side *, const struct diff_dir *, int);

static int
worse(int a, int b)
{
	return a > b ? a : b;
}

static const char *
type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "regular file";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symbolic link";
	case S_IFCHR:
		return "character special file";
	case S_IFBLK:
		return "block special file";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	default:
		return "file of unknown type";
	}
}

/* "dir/name", malloc'ed. */
static char *
join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	char *p;

	if ((p = malloc(len + strlen(name) + 2)) == NULL)
		fsu_err(DIFF_TROUBLE, NULL);
	sprintf(p, "%s%s%s", dir, len > 0 && dir[len - 1] == '/' ? "" : "/",
	    name);
	return p;
}

/* Trouble with a side: a message, status 2. */
static int
trouble(const struct diff_side *s)
{
	fflush(stdout);
	fsu_warn("%s", s->ds_name);
	return DIFF_TROUBLE;
}

/*
 * Attributes: mode (not of symbolic links, whose mode means nothing on
 * most systems), owner and group, and the file flags when both sides are
 * images.
 */
static int
diff_attrs(const struct diff_side *a, const struct diff_side *b)
{
	const struct stat *sa = &a->ds_st, *sb = &b->ds_st;
	uint32_t fa, fb;
	int rv = DIFF_SAME;

	if (!S_ISLNK(sa->st_mode) && (sa->st_mode & 07777) !=
	    (sb->st_mode & 07777)) {
		printf("Modes of %s and %s differ (%04o, %04o)\n", a->ds_name,
		    b->ds_name, (unsigned)(sa->st_mode & 07777),
		    (unsigned)(sb->st_mode & 07777));
		rv = DIFF_DIFFER;
	}
	if (sa->st_uid != sb->st_uid || sa->st_gid != sb->st_gid) {
		printf("Owners of %s and %s differ (%u:%u, %u:%u)\n",
		    a->ds_name, b->ds_name, (unsigned)sa->st_uid,
		    (unsigned)sa->st_gid, (unsigned)sb->st_uid,
		    (unsigned)sb->st_gid);
		rv = DIFF_DIFFER;
	}
	if (a->ds_fs == NULL || b->ds_fs == NULL)
		return rv;
	if (fsu_place_flags(a->ds_fs, a->ds_path, &fa) == -1)
		return trouble(a);
	if (fsu_place_flags(b->ds_fs, b->ds_path, &fb) == -1)
		return trouble(b);
	if (fa != fb) {
		printf("Flags of %s and %s differ (%#x, %#x)\n", a->ds_name,
		    b->ds_name, fa, fb);
		rv = DIFF_DIFFER;
	}
	return rv;
}

static int
diff_links(const struct diff_side *a, const struct diff_side *b)
{
	char ta[TARGET_MAX + 1], tb[TARGET_MAX + 1];

	if (fsu_place_readlink(a->ds_fs, a->ds_path, ta, sizeof(ta)) == -1)
		return trouble(a);
	if (fsu_place_readlink(b->ds_fs, b->ds_path, tb, sizeof(tb)) == -1)
		return trouble(b);
	if (strcmp(ta, tb) == 0)
		return DIFF_SAME;
	printf("Symbolic links %s and %s differ\n", a->ds_name, b->ds_name);
	return DIFF_DIFFER;
}

/* A side of an entry named name in directory side dir. */
static int
child_side(const struct diff_side *dir, const char *name,
    struct diff_side *c)
{
	c->ds_fs = dir->ds_fs;
	c->ds_path = join(dir->ds_path, name);
	c->ds_name = join(dir->ds_name, name);
	if (fsu_place_lstat(c->ds_fs, c->ds_path, &c->ds_st) == -1)
		return trouble(c);
	return DIFF_SAME;
}

static void
child_free(struct diff_side *c)
{
	free((char *)(uintptr_t)c->ds_path);
	free((char *)(uintptr_t)c->ds_name);
}

/* The entries of both directories, merged by name. */
static int
diff_entries(struct diff_run *r, struct diff_side *a, struct diff_side *b,
    char **la, char **lb, const struct diff_dir *dirs)
{
	struct diff_side ca, cb;
	size_t i = 0, j = 0;
	int c, rv = DIFF_SAME, t;

	while (la[i] != NULL || lb[j] != NULL) {
		c = la[i] == NULL ? 1 : lb[j] == NULL ? -1 :
		    strcmp(la[i], lb[j]);
		if (c != 0) {
			printf("Only in %s: %s\n", c < 0 ? a->ds_name :
			    b->ds_name, c < 0 ? la[i++] : lb[j++]);
			rv = worse(rv, DIFF_DIFFER);
			continue;
		}
		memset(&ca, 0, sizeof(ca));
		memset(&cb, 0, sizeof(cb));
		t = worse(child_side(a, la[i], &ca), child_side(b, lb[j],
		    &cb));
		if (t == DIFF_SAME)
			t = diff_pair(r, &ca, &cb, dirs, 0);
		rv = worse(rv, t);
		child_free(&ca);
		child_free(&cb);
		i++;
		j++;
	}
	return rv;
}

/* Say why a directory is not entered; status 2. */
static int
refused(const struct diff_side *s, int error)
{
	fflush(stdout);
	if (error == ELOOP)
		fsu_warnx("%s: directory causes a cycle", s->ds_name);
	else if (error == EMLINK)
		fsu_warnx("%s: directory linked twice (corrupt image), not "
		    "entered again", s->ds_name);
	else {
		errno = error;
		fsu_warn("%s", s->ds_name);
	}
	return DIFF_TROUBLE;
}

/*
 * Compare two directories; parents[0..1] are the directories holding
 * them (NULL for operands).
 */
static int
diff_dirs(struct diff_run *r, struct diff_side *a, struct diff_side *b,
    const struct diff_dir *parents)
{
	struct diff_dir dirs[2];
	char **la = NULL, **lb = NULL;
	const char *na, *nb;
	size_t n;
	int rv, e;

	na = strrchr(a->ds_path, '/') != NULL ? strrchr(a->ds_path, '/') + 1 :
	    a->ds_path;
	nb = strrchr(b->ds_path, '/') != NULL ? strrchr(b->ds_path, '/') + 1 :
	    b->ds_path;
	dirs[0].dd_st = a->ds_st;
	dirs[1].dd_st = b->ds_st;
	if ((e = fsu_dirset_enter(r->dr_dirs[0], &a->ds_st, parents ?
	    &parents[0].dd_st : NULL, parents ? parents[0].dd_serial : 0, na,
	    &dirs[0].dd_serial)) != 0)
		return refused(a, e);
	if ((e = fsu_dirset_enter(r->dr_dirs[1], &b->ds_st, parents ?
	    &parents[1].dd_st : NULL, parents ? parents[1].dd_serial : 0, nb,
	    &dirs[1].dd_serial)) != 0) {
		fsu_dirset_leave(r->dr_dirs[0], &a->ds_st);
		return refused(b, e);
	}
	if ((la = fsu_place_list(a->ds_fs, a->ds_path, &n)) == NULL)
		rv = trouble(a);
	else if ((lb = fsu_place_list(b->ds_fs, b->ds_path, &n)) == NULL)
		rv = trouble(b);
	else
		rv = diff_entries(r, a, b, la, lb, dirs);
	fsu_place_freelist(la);
	fsu_place_freelist(lb);
	fsu_dirset_leave(r->dr_dirs[0], &a->ds_st);
	fsu_dirset_leave(r->dr_dirs[1], &b->ds_st);
	return rv;
}

/*
 * Compare a pair of files of the same name (ds_st filled); top: the
 * operands themselves.
 */
static int
diff_pair(struct diff_run *r, struct diff_side *a, struct diff_side *b,
    const struct diff_dir *parents, int top)
{
	mode_t ta = a->ds_st.st_mode & S_IFMT, tb = b->ds_st.st_mode & S_IFMT;
	char header[64 + 2 * 4096];
	int rv;

	if (ta != tb) {
		printf("File %s is a %s while file %s is a %s\n", a->ds_name,
		    type_name(ta), b->ds_name, type_name(tb));
		return DIFF_DIFFER;
	}
	rv = diff_attrs(a, b);
	switch (ta) {
	case S_IFREG:
		snprintf(header, sizeof(header), "diff%s%s %s %s",
		    r->dr_opts[1] != '\0' ? " " : "", r->dr_opts[1] != '\0' ?
		    r->dr_opts : "", a->ds_name, b->ds_name);
		return worse(rv, diff_text(a, b, r->dr_fmt, top ? NULL :
		    header));
	case S_IFLNK:
		return worse(rv, diff_links(a, b));
	case S_IFCHR:
	case S_IFBLK:
		if (a->ds_st.st_rdev == b->ds_st.st_rdev)
			return rv;
		printf("Device numbers of %s and %s differ (%u,%u, %u,%u)\n",
		    a->ds_name, b->ds_name, major(a->ds_st.st_rdev),
		    minor(a->ds_st.st_rdev), major(b->ds_st.st_rdev),
		    minor(b->ds_st.st_rdev));
		return DIFF_DIFFER;
	case S_IFDIR:
		if (top || r->dr_rflag)
			return worse(rv, diff_dirs(r, a, b, parents));
		printf("Common subdirectories: %s and %s\n", a->ds_name,
		    b->ds_name);
		return rv;
	default:
		return rv;
	}
}

/* An operand: where it is, followed if it is a symbolic link. */
static int
operand(struct diff_side *s, const char *arg, struct ukfs *fs,
    struct ukfs *fs2)
{
	memset(s, 0, sizeof(*s));
	s->ds_name = arg;
	s->ds_path = fsu_place(arg, fs, fs2, &s->ds_fs);
	if (fsu_place_stat(s->ds_fs, s->ds_path, &s->ds_st) == -1 &&
	    fsu_place_lstat(s->ds_fs, s->ds_path, &s->ds_st) == -1)
		return trouble(s);
	return DIFF_SAME;
}

/* "diff dir file": the file against dir/name of the file. */
static int
into_dir(struct diff_run *r, struct diff_side *dir, struct diff_side *f,
    int dir_first)
{
	struct diff_side c;
	char *name;
	int rv;

	if ((name = fsu_basename(f->ds_path)) == NULL)
		fsu_err(DIFF_TROUBLE, NULL);
	memset(&c, 0, sizeof(c));
	c.ds_fs = dir->ds_fs;
	c.ds_path = join(dir->ds_path, name);
	c.ds_name = join(dir->ds_name, name);
	free(name);
	if (fsu_place_stat(c.ds_fs, c.ds_path, &c.ds_st) == -1)
		rv = trouble(&c);
	else
		rv = dir_first ? diff_pair(r, &c, f, NULL, 1) :
		    diff_pair(r, f, &c, NULL, 1);
	child_free(&c);
	return rv;
}

static int
diff_main(struct ukfs *fs, int argc, char **argv)
{
	struct ukfs *fs2 = NULL;
	struct diff_side a, b;
	struct diff_run r;
	size_t no = 1;
	int ch, rv;

	fsu_errstatus = DIFF_TROUBLE;
	memset(&r, 0, sizeof(r));
	r.dr_opts[0] = '-';
	while ((ch = getopt(argc, argv, "+I:qru")) != -1) {
		switch (ch) {
		case 'I':
			fs2 = fsu_mount_second(optarg, FSU_RDONLY);
			continue;
		case 'q':
			r.dr_fmt = FMT_BRIEF;
			break;
		case 'r':
			r.dr_rflag = 1;
			break;
		case 'u':
			if (r.dr_fmt != FMT_BRIEF)
				r.dr_fmt = FMT_UNIFIED;
			break;
		default:
			fsu_usage();
		}
		if (no < sizeof(r.dr_opts) - 1 &&
		    strchr(r.dr_opts, ch) == NULL)
			r.dr_opts[no++] = (char)ch;
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		fsu_usage();
	if (operand(&a, argv[0], fs, fs2) != DIFF_SAME ||
	    operand(&b, argv[1], fs, fs2) != DIFF_SAME)
		return DIFF_TROUBLE;
	if ((r.dr_dirs[0] = fsu_dirset_new()) == NULL ||
	    (r.dr_dirs[1] = fsu_dirset_new()) == NULL)
		fsu_err(DIFF_TROUBLE, NULL);
	if (!fsu_inbatch())
		setvbuf(stdout, NULL, _IOFBF, 64 * 1024);
	tzset();
	if (S_ISDIR(a.ds_st.st_mode) && !S_ISDIR(b.ds_st.st_mode))
		rv = into_dir(&r, &a, &b, 1);
	else if (!S_ISDIR(a.ds_st.st_mode) && S_ISDIR(b.ds_st.st_mode))
		rv = into_dir(&r, &b, &a, 0);
	else
		rv = diff_pair(&r, &a, &b, NULL, 1);
	fsu_dirset_free(r.dr_dirs[0]);
	fsu_dirset_free(r.dr_dirs[1]);
	return rv;
}

const struct fsu_prog fsu_diff_prog = {
	.fp_name = "diff",
	.fp_flags = FSU_RDONLY,
	.fp_usage = DIFF_USAGE,
	.fp_main = diff_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_errstatus = DIFF_TROUBLE;
	fsu_prog_main(&fsu_diff_prog, argc, argv);
}
#endif
