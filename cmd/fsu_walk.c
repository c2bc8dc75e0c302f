/*
 * fsu_walk.c: walk file trees of an image, for the -R options.
 *
 * fsu_walk() visits an operand and, when it is a directory, everything
 * below it: directories twice (FSU_W_D before their entries, FSU_W_DP
 * after them), other files once (FSU_W_F).  Symbolic links are never
 * followed except, with FSU_WALK_FOLLOW, the operand itself.
 *
 * Each directory is read completely and closed before the walk descends
 * into it, so a callback may remove entries (rm -r) and no descriptor
 * stays open per level.  The walk is iterative: a stack of levels, each
 * holding the names of one directory not yet visited, so depth is
 * bounded only by memory.  It changes the working directory of the
 * image's process into each directory it enters and hands callbacks a
 * path relative to it (we_accpath), so every call costs one lookup
 * whatever the depth and paths longer than the kernel's limit work;
 * we_path is the full path for messages.  The working directory is "/"
 * before and after a walk.
 *
 * With FSU_WALK_LOGICAL every symbolic link is followed (stat instead of
 * lstat), as cp -L does.  The way back from a directory is ".." checked
 * against the parent's inode; when it does not lead there (a directory
 * entered through a symbolic link, or a corrupt image whose ".." points
 * elsewhere) the walk goes back through the parent's full path instead,
 * checked the same way.
 *
 * Names read from the image are not trusted: a name that is empty,
 * contains '/' or is cut short by a NUL is never looked up but reported
 * (EINVAL), and a directory that is its own ancestor (a symbolic-link
 * loop with FSU_WALK_LOGICAL, a hard-linked directory in a corrupt image)
 * is reported (ELOOP) and not entered.
 *
 * Errors are handed to the callback as FSU_W_ERR with we_errno: an entry
 * that cannot be stat'ed, a directory that cannot be read or entered (no
 * FSU_W_DP follows then), a bad name, a cycle.  The walk goes on with the
 * next entry.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsu.h"

/* The names of one directory, read in full. */
struct walk_level {
	char		*wl_names;	/* NUL-separated names */
	size_t		 wl_len;	/* bytes used in wl_names */
	size_t		 wl_pos;	/* next name to visit */
	size_t		 wl_pathlen;	/* length of the directory's path */
	struct stat	 wl_st;		/* the directory */
	char		*wl_name;	/* its name in its parent */
};

struct walk {
	struct ukfs		*w_fs;
	int			 w_flags;	/* FSU_WALK_* */
	fsu_walk_fn		 w_fn;
	void			*w_arg;
	struct walk_level	*w_stack;
	size_t			 w_depth;	/* levels in use */
	size_t			 w_cap;
	char			*w_path;	/* full path of the entry */
	size_t			 w_pathlen;
	size_t			 w_pathcap;
	const char		*w_root;	/* the operand */
};

static int
path_set(struct walk *w, size_t len, const char *name)
{
	size_t nlen = strlen(name), need;
	char *p;

	need = len + 1 + nlen + 1;
	if (need > w->w_pathcap) {
		if ((p = realloc(w->w_path, need * 2)) == NULL)
			return -1;
		w->w_path = p;
		w->w_pathcap = need * 2;
	}
	if (len > 0 && w->w_path[len - 1] != '/')
		w->w_path[len++] = '/';
	memcpy(w->w_path + len, name, nlen + 1);
	w->w_pathlen = len + nlen;
	return 0;
}

static int
visit(struct walk *w, const char *accpath, const char *name,
    const struct stat *st, int info, int error)
{
	struct fsu_walk_ent we;

	memset(&we, 0, sizeof(we));
	we.we_path = w->w_path;
	we.we_accpath = accpath;
	we.we_name = name;
	if (st != NULL)
		we.we_st = *st;
	we.we_info = info;
	we.we_errno = error;
	we.we_depth = (int)w->w_depth;
	return w->w_fn(w->w_fs, &we, w->w_arg);
}

/*
 * A name no directory may hold: empty, with a '/', or cut short by a NUL
 * (d_namlen says more).  Such names are kept with a leading '/' (which no
 * good name has) so that the walk reports them instead of using them.
 */
static int
name_bad(const struct ukfs_dirent *de)
{
	size_t len = strlen(de->d_name);

	return len == 0 || len != de->d_namlen ||
	    memchr(de->d_name, '/', len) != NULL;
}

/* Read all names of directory accpath (but "." and "..") into wl. */
static int
read_names(struct walk *w, const char *accpath, struct walk_level *wl)
{
	struct ukfs_dir *d;
	struct ukfs_dirent *de;
	size_t cap = 0, n;
	char *p;
	int error, bad;

	wl->wl_names = NULL;
	wl->wl_len = wl->wl_pos = 0;
	if ((d = ukfs_opendir(w->w_fs, accpath)) == NULL)
		return errno;
	errno = 0;
	while ((de = ukfs_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		bad = name_bad(de);
		n = strlen(de->d_name) + 1 + bad;
		if (wl->wl_len + n > cap) {
			cap = (wl->wl_len + n) * 2 + 4096;
			if ((p = realloc(wl->wl_names, cap)) == NULL) {
				error = ENOMEM;
				goto fail;
			}
			wl->wl_names = p;
		}
		if (bad)
			wl->wl_names[wl->wl_len] = '/';
		memcpy(wl->wl_names + wl->wl_len + bad, de->d_name, n - bad);
		wl->wl_len += n;
		errno = 0;
	}
	if ((error = errno) != 0)
		goto fail;
	(void)ukfs_closedir(d);
	return 0;
fail:
	(void)ukfs_closedir(d);
	free(wl->wl_names);
	wl->wl_names = NULL;
	return error;
}

/*
 * Enter directory accpath (visited as FSU_W_D already): read it, chdir
 * into it and push a level.  Returns 0, or an errno after which the
 * directory was not entered.
 */
static int
enter_dir(struct walk *w, const char *accpath, const char *name,
    const struct stat *st)
{
	struct walk_level *wl;
	size_t ncap;
	int error;

	if (w->w_depth == w->w_cap) {
		ncap = w->w_cap == 0 ? 32 : w->w_cap * 2;
		wl = realloc(w->w_stack, ncap * sizeof(*wl));
		if (wl == NULL)
			return ENOMEM;
		w->w_stack = wl;
		w->w_cap = ncap;
	}
	wl = &w->w_stack[w->w_depth];
	memset(wl, 0, sizeof(*wl));
	if ((wl->wl_name = strdup(name)) == NULL)
		return ENOMEM;
	if ((error = read_names(w, accpath, wl)) == 0 &&
	    ukfs_chdir(w->w_fs, accpath) == -1)
		error = errno;
	if (error != 0) {
		free(wl->wl_names);
		free(wl->wl_name);
		return error;
	}
	wl->wl_st = *st;
	wl->wl_pathlen = w->w_pathlen;
	w->w_depth++;
	return 0;
}

/* Is the working directory the directory st describes? */
static int
cwd_is(struct walk *w, const struct stat *st)
{
	struct stat cur;

	return ukfs_lstat(w->w_fs, ".", &cur) == 0 &&
	    cur.st_ino == st->st_ino && cur.st_dev == st->st_dev;
}

/* Is st a directory the walk is inside already (a cycle)? */
static int
is_ancestor(struct walk *w, const struct stat *st)
{
	size_t i;

	for (i = 0; i < w->w_depth; i++)
		if (w->w_stack[i].wl_st.st_ino == st->st_ino &&
		    w->w_stack[i].wl_st.st_dev == st->st_dev)
			return 1;
	return 0;
}

/*
 * Change to the parent of the top level: "/" for the operand, else ".."
 * or, when that does not lead to the parent, the parent's full path.
 * Returns 1 when the working directory is the parent.
 */
static int
chdir_parent(struct walk *w)
{
	struct walk_level *parent;
	char *path;
	int ok;

	if (w->w_depth == 1)
		return ukfs_chdir(w->w_fs, "/") == 0;
	parent = &w->w_stack[w->w_depth - 2];
	if (ukfs_chdir(w->w_fs, "..") == 0 && cwd_is(w, &parent->wl_st))
		return 1;
	if ((path = strndup(w->w_path, parent->wl_pathlen)) == NULL)
		return 0;
	ok = ukfs_chdir(w->w_fs, "/") == 0 && ukfs_chdir(w->w_fs, path) == 0 &&
	    cwd_is(w, &parent->wl_st);
	free(path);
	return ok;
}

/*
 * Leave the top level: back to its parent (or "/" for the operand),
 * then visit the directory as FSU_W_DP.  Returns -1 if the walk cannot
 * go on because the way back failed.
 */
static int
leave_dir(struct walk *w, int *rv)
{
	struct walk_level *wl = &w->w_stack[w->w_depth - 1];
	int ok;

	w->w_pathlen = wl->wl_pathlen;
	w->w_path[w->w_pathlen] = '\0';
	errno = 0;
	ok = chdir_parent(w);
	free(wl->wl_names);
	w->w_depth--;
	if (!ok) {
		*rv |= visit(w, wl->wl_name, wl->wl_name, &wl->wl_st,
		    FSU_W_ERR, errno != 0 ? errno : ENOENT) & FSU_WALK_FAIL;
		free(wl->wl_name);
		return -1;
	}
	*rv |= visit(w, w->w_depth == 0 ? w->w_root : wl->wl_name,
	    wl->wl_name, &wl->wl_st, FSU_W_DP, 0) & FSU_WALK_FAIL;
	free(wl->wl_name);
	return 0;
}

/* Visit one entry (named accpath from the working directory). */
static void
walk_entry(struct walk *w, const char *accpath, const char *name,
    int follow, int *rv)
{
	struct stat st;
	int r, error;

	if ((follow ? ukfs_stat(w->w_fs, accpath, &st) :
	    ukfs_lstat(w->w_fs, accpath, &st)) == -1) {
		*rv |= visit(w, accpath, name, NULL, FSU_W_ERR, errno) &
		    FSU_WALK_FAIL;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		*rv |= visit(w, accpath, name, &st, FSU_W_F, 0) &
		    FSU_WALK_FAIL;
		return;
	}
	if (is_ancestor(w, &st)) {
		*rv |= visit(w, accpath, name, &st, FSU_W_ERR, ELOOP) &
		    FSU_WALK_FAIL;
		return;
	}
	r = visit(w, accpath, name, &st, FSU_W_D, 0);
	*rv |= r & FSU_WALK_FAIL;
	if (r & FSU_WALK_SKIP)
		return;
	if ((error = enter_dir(w, accpath, name, &st)) != 0)
		*rv |= visit(w, accpath, name, &st, FSU_W_ERR, error) &
		    FSU_WALK_FAIL;
}

/* Unwind after a failure to get back: free the levels, go to "/". */
static void
walk_abort(struct walk *w)
{
	while (w->w_depth > 0) {
		w->w_depth--;
		free(w->w_stack[w->w_depth].wl_names);
		free(w->w_stack[w->w_depth].wl_name);
	}
	(void)ukfs_chdir(w->w_fs, "/");
}

int
fsu_walk(struct ukfs *fs, const char *path, int flags, fsu_walk_fn fn,
    void *arg)
{
	struct walk w;
	struct walk_level *wl;
	const char *name;
	int rv = 0, bad;

	memset(&w, 0, sizeof(w));
	w.w_fs = fs;
	w.w_flags = flags;
	w.w_fn = fn;
	w.w_arg = arg;
	w.w_root = path;
	if (path_set(&w, 0, path) == -1)
		return FSU_WALK_FAIL;
	walk_entry(&w, path, path, (flags & (FSU_WALK_FOLLOW |
	    FSU_WALK_LOGICAL)) != 0, &rv);
	while (w.w_depth > 0) {
		wl = &w.w_stack[w.w_depth - 1];
		if (wl->wl_pos >= wl->wl_len) {
			if (leave_dir(&w, &rv) == -1) {
				walk_abort(&w);
				rv |= FSU_WALK_FAIL;
			}
			continue;
		}
		name = wl->wl_names + wl->wl_pos;
		wl->wl_pos += strlen(name) + 1;
		bad = name[0] == '/';
		if (path_set(&w, wl->wl_pathlen, name + bad) == -1) {
			errno = ENOMEM;
			rv |= visit(&w, name, name, NULL, FSU_W_ERR, ENOMEM) &
			    FSU_WALK_FAIL;
			continue;
		}
		if (bad)
			rv |= visit(&w, name, name, NULL, FSU_W_ERR, EINVAL) &
			    FSU_WALK_FAIL;
		else
			walk_entry(&w, name, name, (flags &
			    FSU_WALK_LOGICAL) != 0, &rv);
	}
	free(w.w_stack);
	free(w.w_path);
	return rv & FSU_WALK_FAIL;
}
