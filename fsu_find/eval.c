/*
 * eval.c: the evaluation of fsu_find's expression on one file, and the
 * primaries.
 *
 * The walk visits entries without a stat when their directory entry
 * gives their type (FSU_WALK_NOSTAT): -name, -path, -type, -inum,
 * -prune and the printing primaries need nothing more, so a search by
 * name costs one lookup per directory, not one per file.  A primary that
 * needs more attributes asks find_stat() first.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "find.h"

#define NAMEBUF		1024

/* Complete the attributes of the file; -1 after a message. */
int
find_stat(struct find_ctx *c)
{
	if (c->fc_we->we_statok)
		return 0;
	if (fsu_walk_stat(c->fc_fs, c->fc_we) == -1) {
		fsu_warn("%s", c->fc_we->we_path);
		c->fc_failed = 1;
		return -1;
	}
	return 0;
}

static int
compare(const struct node *n, int64_t v)
{
	switch (n->n_cmp) {
	case CMP_GT:
		return v > n->n_num;
	case CMP_LT:
		return v < n->n_num;
	default:
		return v == n->n_num;
	}
}

int
find_eval(struct node *n, struct find_ctx *c)
{
	switch (n->n_kind) {
	case N_AND:
		return find_eval(n->n_left, c) && find_eval(n->n_right, c);
	case N_OR:
		return find_eval(n->n_left, c) || find_eval(n->n_right, c);
	case N_NOT:
		return !find_eval(n->n_left, c);
	default:
		return n->n_eval(n, c);
	}
}

int
f_always(struct node *n, struct find_ctx *c)
{
	(void)n;
	(void)c;
	return 1;
}

int
f_never(struct node *n, struct find_ctx *c)
{
	(void)n;
	(void)c;
	return 0;
}

/* fnmatch(3), on a lower-case copy of s for the case-blind forms. */
static int
match(const struct node *n, const char *s)
{
	char buf[NAMEBUF], *low;
	size_t i, len;
	int r;

	if (n->n_flags != FIND_CASEFOLD)
		return fnmatch(n->n_str, s, 0) == 0;
	len = strlen(s);
	low = len < sizeof(buf) ? buf : malloc(len + 1);
	if (low == NULL)
		fsu_err(1, NULL);
	for (i = 0; i <= len; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	r = fnmatch(n->n_str, low, 0) == 0;
	if (low != buf)
		free(low);
	return r;
}

int
f_name(struct node *n, struct find_ctx *c)
{
	return match(n, c->fc_name);
}

int
f_path(struct node *n, struct find_ctx *c)
{
	return match(n, c->fc_we->we_path);
}

int
f_type(struct node *n, struct find_ctx *c)
{
	mode_t m = c->fc_we->we_st.st_mode;

	switch (n->n_flags) {
	case 'b':
		return S_ISBLK(m);
	case 'c':
		return S_ISCHR(m);
	case 'd':
		return S_ISDIR(m);
	case 'f':
		return S_ISREG(m);
	case 'l':
		return S_ISLNK(m);
	case 'p':
		return S_ISFIFO(m);
	default:
		return S_ISSOCK(m);
	}
}

/* -size: the size in the primary's unit, rounded up. */
int
f_size(struct node *n, struct find_ctx *c)
{
	int64_t size;

	if (find_stat(c) == -1)
		return 0;
	size = c->fc_we->we_st.st_size;
	if (size < 0)
		size = 0;
	return compare(n, size / n->n_unit + (size % n->n_unit != 0));
}

/*
 * -atime, -ctime, -mtime, -amin, -cmin, -mmin: the time from the file's
 * time to the start of the run, rounded up to whole units (days or
 * minutes), as BSD find counts it.
 */
int
f_time(struct node *n, struct find_ctx *c)
{
	const struct stat *st = &c->fc_we->we_st;
	int64_t t, diff;

	if (find_stat(c) == -1)
		return 0;
	if (n->n_flags == 'a')
		t = st->st_atim.tv_sec;
	else if (n->n_flags == 'c')
		t = st->st_ctim.tv_sec;
	else
		t = st->st_mtim.tv_sec;
	diff = (int64_t)find_opt.fo_now - t;
	return compare(n, (diff + n->n_unit - 1) / n->n_unit);
}

int
f_newer(struct node *n, struct find_ctx *c)
{
	const struct timespec *t;

	if (find_stat(c) == -1)
		return 0;
	t = &c->fc_we->we_st.st_mtim;
	return t->tv_sec > n->n_time.tv_sec || (t->tv_sec ==
	    n->n_time.tv_sec && t->tv_nsec > n->n_time.tv_nsec);
}

int
f_uid(struct node *n, struct find_ctx *c)
{
	if (find_stat(c) == -1)
		return 0;
	return compare(n, c->fc_we->we_st.st_uid);
}

int
f_gid(struct node *n, struct find_ctx *c)
{
	if (find_stat(c) == -1)
		return 0;
	return compare(n, c->fc_we->we_st.st_gid);
}

int
f_nouser(struct node *n, struct find_ctx *c)
{
	(void)n;
	if (find_stat(c) == -1)
		return 0;
	return fsu_username(c->fc_we->we_st.st_uid) == NULL;
}

int
f_nogroup(struct node *n, struct find_ctx *c)
{
	(void)n;
	if (find_stat(c) == -1)
		return 0;
	return fsu_groupname(c->fc_we->we_st.st_gid) == NULL;
}

int
f_perm(struct node *n, struct find_ctx *c)
{
	mode_t mode, want = (mode_t)n->n_num;

	if (find_stat(c) == -1)
		return 0;
	mode = c->fc_we->we_st.st_mode & 07777;
	if (n->n_flags == '-')
		return (mode & want) == want;
	if (n->n_flags == '+')
		return want == 0 || (mode & want) != 0;
	return mode == want;
}

int
f_links(struct node *n, struct find_ctx *c)
{
	if (find_stat(c) == -1)
		return 0;
	return compare(n, c->fc_we->we_st.st_nlink);
}

/* -inum: the directory entry gives the inode number, no stat needed. */
int
f_inum(struct node *n, struct find_ctx *c)
{
	return compare(n, (int64_t)c->fc_we->we_st.st_ino);
}

/* -empty: an empty regular file, or a directory of "." and ".." only. */
int
f_empty(struct node *n, struct find_ctx *c)
{
	struct fsu_walk_ent *we = c->fc_we;
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	int empty = 1;

	(void)n;
	if (S_ISREG(we->we_st.st_mode)) {
		if (find_stat(c) == -1)
			return 0;
		return we->we_st.st_size == 0;
	}
	if (!S_ISDIR(we->we_st.st_mode))
		return 0;
	if ((d = ukfs_opendir(c->fc_fs, we->we_accpath)) == NULL) {
		fsu_warn("%s", we->we_path);
		c->fc_failed = 1;
		return 0;
	}
	while (empty && (de = ukfs_readdir(d)) != NULL)
		empty = strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0;
	(void)ukfs_closedir(d);
	return empty;
}

int
f_prune(struct node *n, struct find_ctx *c)
{
	(void)n;
	c->fc_prune = 1;
	return 1;
}

int
f_print(struct node *n, struct find_ctx *c)
{
	(void)n;
	fputs(c->fc_we->we_path, stdout);
	putchar('\n');
	return 1;
}

int
f_print0(struct node *n, struct find_ctx *c)
{
	(void)n;
	fputs(c->fc_we->we_path, stdout);
	putchar('\0');
	return 1;
}

int
f_ls(struct node *n, struct find_ctx *c)
{
	(void)n;
	if (find_stat(c) == -1)
		return 0;
	find_printlong(c);
	return 1;
}

/*
 * -delete: the walk is depth first, so a directory comes after its
 * entries; the name used is relative to the directory the walk is in.
 */
int
f_delete(struct node *n, struct find_ctx *c)
{
	struct fsu_walk_ent *we = c->fc_we;
	int r;

	(void)n;
	if (S_ISDIR(we->we_st.st_mode))
		r = ukfs_rmdir(c->fc_fs, we->we_accpath);
	else
		r = ukfs_remove(c->fc_fs, we->we_accpath);
	if (r == -1) {
		fsu_warn("-delete: %s", we->we_path);
		c->fc_failed = 1;
	}
	return 1;
}
