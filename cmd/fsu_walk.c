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
 * (EINVAL).  No directory is entered twice (fsu_dirset.c): a directory
 * that is its own ancestor (a symbolic-link loop with FSU_WALK_LOGICAL,
 * a hard-linked directory in a corrupt image) is reported (ELOOP), and
 * so is a directory named by a second entry (EMLINK: a directory linked
 * from two parents in a corrupt image); neither is entered.  So a walk
 * costs time linear in the number of directory inodes, however the
 * image links them; only symbolic links followed with FSU_WALK_LOGICAL
 * lead into a directory again, as with BSD's tools.
 *
 * With FSU_WALK_SLNONE, a symbolic link that FSU_WALK_FOLLOW or
 * FSU_WALK_LOGICAL would follow but that points nowhere is visited as
 * the link itself (FSU_W_F), as find -L shows it, instead of an error.
 *
 * With FSU_WALK_NOSTAT, an entry whose directory entry gives its type
 * and that is not a directory (nor, with FSU_WALK_LOGICAL, a symbolic
 * link) is visited without a stat: we_st holds only its type and inode
 * number, until the callback asks fsu_walk_stat() for the rest.
 *
 * Errors are handed to the callback as FSU_W_ERR with we_errno: an entry
 * that cannot be stat'ed, a directory that cannot be read or entered (no
 * FSU_W_DP follows then), a bad name, a cycle.  The walk goes on with the
 * next entry.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fsu.h"

/*
 * The entries of one directory, read in full: for each, its type (DT_*)
 * and inode number from the directory entry, then its NUL-terminated
 * name.
 */
#define NAME_HDR	(1 + sizeof(uint64_t))

struct walk_level {
	char		*wl_names;	/* entries as above */
	size_t		 wl_len;	/* bytes used in wl_names */
	size_t		 wl_pos;	/* next entry to visit */
	size_t		 wl_pathlen;	/* length of the directory's path */
	struct stat	 wl_st;		/* the directory */
	uint64_t	 wl_serial;	/* its visit (fsu_dirset) */
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
	struct fsu_dirset	*w_dirs;	/* directories met */
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
visit_ent(struct walk *w, struct fsu_walk_ent *we, const char *accpath,
    const char *name, int info, int error)
{
	we->we_path = w->w_path;
	we->we_accpath = accpath;
	we->we_name = name;
	we->we_info = info;
	we->we_errno = error;
	we->we_depth = (int)w->w_depth;
	return w->w_fn(w->w_fs, we, w->w_arg);
}

static int
visit(struct walk *w, const char *accpath, const char *name,
    const struct stat *st, int info, int error)
{
	struct fsu_walk_ent we;

	memset(&we, 0, sizeof(we));
	if (st != NULL) {
		we.we_st = *st;
		we.we_statok = 1;
	}
	return visit_ent(w, &we, accpath, name, info, error);
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

/* Add one directory entry to wl's list; 0 or ENOMEM. */
static int
add_name(struct walk_level *wl, size_t *capp, const struct ukfs_dirent *de)
{
	size_t n;
	int bad;
	char *p;

	bad = name_bad(de);
	n = NAME_HDR + strlen(de->d_name) + 1 + bad;
	if (wl->wl_len + n > *capp) {
		*capp = (wl->wl_len + n) * 2 + 4096;
		if ((p = realloc(wl->wl_names, *capp)) == NULL)
			return ENOMEM;
		wl->wl_names = p;
	}
	p = wl->wl_names + wl->wl_len;
	p[0] = (char)de->d_type;
	memcpy(p + 1, &de->d_ino, sizeof(uint64_t));
	p += NAME_HDR;
	if (bad)
		*p++ = '/';
	memcpy(p, de->d_name, strlen(de->d_name) + 1);
	wl->wl_len += n;
	return 0;
}

/* Read all entries of directory accpath (but "." and "..") into wl. */
static int
read_names(struct walk *w, const char *accpath, struct walk_level *wl)
{
	struct ukfs_dir *d;
	struct ukfs_dirent *de;
	size_t cap = 0;
	int error;

	wl->wl_names = NULL;
	wl->wl_len = wl->wl_pos = 0;
	if ((d = ukfs_opendir(w->w_fs, accpath)) == NULL)
		return errno;
	errno = 0;
	while ((de = ukfs_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((error = add_name(wl, &cap, de)) != 0)
			goto fail;
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
 * Enter directory accpath (visited as FSU_W_D already; its visit serial
 * is serial): read it, chdir into it and push a level.  Returns 0, or an
 * errno after which the directory was not entered.
 */
static int
enter_dir(struct walk *w, const char *accpath, const char *name,
    const struct stat *st, uint64_t serial)
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
	wl->wl_serial = serial;
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

	fsu_dirset_leave(w->w_dirs, &wl->wl_st);
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

/*
 * A directory met: may it be entered (fsu_dirset)?  bylink: reached
 * through a symbolic link or as the operand.  Then visit it as FSU_W_D
 * and enter it unless the callback says not to.
 */
static void
walk_dir(struct walk *w, const char *accpath, const char *name,
    const struct stat *st, int bylink, int *rv)
{
	struct walk_level *parent;
	uint64_t serial;
	int r, error;

	parent = w->w_depth == 0 || bylink ? NULL :
	    &w->w_stack[w->w_depth - 1];
	error = fsu_dirset_enter(w->w_dirs, st, parent ? &parent->wl_st :
	    NULL, parent ? parent->wl_serial : 0, name, &serial);
	if (error != 0) {
		*rv |= visit(w, accpath, name, st, FSU_W_ERR, error) &
		    FSU_WALK_FAIL;
		return;
	}
	r = visit(w, accpath, name, st, FSU_W_D, 0);
	*rv |= r & FSU_WALK_FAIL;
	if (r & FSU_WALK_SKIP)
		error = -1;
	else if ((error = enter_dir(w, accpath, name, st, serial)) != 0)
		*rv |= visit(w, accpath, name, st, FSU_W_ERR, error) &
		    FSU_WALK_FAIL;
	if (error != 0)
		fsu_dirset_leave(w->w_dirs, st);
}

/*
 * Visit one entry (named accpath from the working directory).  type and
 * ino come from its directory entry (DT_UNKNOWN and 0 for an operand);
 * follow: stat rather than lstat.
 */
static void
walk_entry(struct walk *w, const char *accpath, const char *name,
    int type, uint64_t ino, int follow, int *rv)
{
	struct fsu_walk_ent we;
	struct stat st;
	int bylink;

	if ((w->w_flags & FSU_WALK_NOSTAT) && type != DT_UNKNOWN &&
	    type != DT_DIR && (!follow || type != DT_LNK)) {
		memset(&we, 0, sizeof(we));
		we.we_st.st_mode = DTTOIF(type);
		we.we_st.st_ino = (ino_t)ino;
		we.we_st.st_nlink = 1;
		we.we_st.st_dev = w->w_stack[w->w_depth - 1].wl_st.st_dev;
		*rv |= visit_ent(w, &we, accpath, name, FSU_W_F, 0) &
		    FSU_WALK_FAIL;
		return;
	}
	bylink = w->w_depth == 0;
	if (follow && !bylink && type != DT_DIR) {
		/* Through a symbolic link? */
		if (type == DT_LNK)
			bylink = 1;
		else if (ukfs_lstat(w->w_fs, accpath, &st) == 0)
			bylink = S_ISLNK(st.st_mode);
	}
	if ((follow ? ukfs_stat(w->w_fs, accpath, &st) :
	    ukfs_lstat(w->w_fs, accpath, &st)) == -1 &&
	    !(follow && errno == ENOENT && (w->w_flags & FSU_WALK_SLNONE) &&
	    ukfs_lstat(w->w_fs, accpath, &st) == 0 && S_ISLNK(st.st_mode))) {
		*rv |= visit(w, accpath, name, NULL, FSU_W_ERR, errno) &
		    FSU_WALK_FAIL;
		return;
	}
	if (S_ISDIR(st.st_mode))
		walk_dir(w, accpath, name, &st, bylink, rv);
	else
		*rv |= visit(w, accpath, name, &st, FSU_W_F, 0) &
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

/* Visit the next entry of the top level. */
static void
walk_next(struct walk *w, struct walk_level *wl, int *rv)
{
	const char *ent, *name;
	uint64_t ino;
	int bad;

	ent = wl->wl_names + wl->wl_pos;
	name = ent + NAME_HDR;
	wl->wl_pos += NAME_HDR + strlen(name) + 1;
	memcpy(&ino, ent + 1, sizeof(ino));
	bad = name[0] == '/';
	if (path_set(w, wl->wl_pathlen, name + bad) == -1) {
		*rv |= visit(w, name, name, NULL, FSU_W_ERR, ENOMEM) &
		    FSU_WALK_FAIL;
		return;
	}
	if (bad)
		*rv |= visit(w, name, name, NULL, FSU_W_ERR, EINVAL) &
		    FSU_WALK_FAIL;
	else
		walk_entry(w, name, name, (unsigned char)ent[0], ino,
		    (w->w_flags & FSU_WALK_LOGICAL) != 0, rv);
}

int
fsu_walk(struct ukfs *fs, const char *path, int flags, fsu_walk_fn fn,
    void *arg)
{
	struct walk w;
	struct walk_level *wl;
	int rv = 0;

	memset(&w, 0, sizeof(w));
	w.w_fs = fs;
	w.w_flags = flags;
	w.w_fn = fn;
	w.w_arg = arg;
	w.w_root = path;
	if (path_set(&w, 0, path) == -1 ||
	    (w.w_dirs = fsu_dirset_new()) == NULL) {
		free(w.w_path);
		errno = ENOMEM;
		fsu_warn("%s", path);
		return FSU_WALK_FAIL;
	}
	walk_entry(&w, path, path, DT_UNKNOWN, 0, (flags & (FSU_WALK_FOLLOW |
	    FSU_WALK_LOGICAL)) != 0, &rv);
	while (w.w_depth > 0) {
		wl = &w.w_stack[w.w_depth - 1];
		if (wl->wl_pos < wl->wl_len)
			walk_next(&w, wl, &rv);
		else if (leave_dir(&w, &rv) == -1) {
			walk_abort(&w);
			rv |= FSU_WALK_FAIL;
		}
	}
	fsu_dirset_free(w.w_dirs);
	free(w.w_stack);
	free(w.w_path);
	return rv & FSU_WALK_FAIL;
}

/*
 * Complete we_st of an entry visited without a stat (FSU_WALK_NOSTAT).
 * Returns 0, or -1 with errno.
 */
int
fsu_walk_stat(struct ukfs *fs, struct fsu_walk_ent *we)
{
	if (we->we_statok)
		return 0;
	if (ukfs_lstat(fs, we->we_accpath, &we->we_st) == -1)
		return -1;
	we->we_statok = 1;
	return 0;
}

/*
 * Report an FSU_W_ERR visit: the refusals of the walk in words of their
 * own, other errors with strerror.
 */
void
fsu_walk_warn(const struct fsu_walk_ent *we)
{
	int dir = we->we_statok && S_ISDIR(we->we_st.st_mode);

	if (we->we_errno == EINVAL && !we->we_statok)
		fsu_warnx("%s: bad file name in the image", we->we_path);
	else if (we->we_errno == ELOOP && dir)
		fsu_warnx("%s: directory causes a cycle", we->we_path);
	else if (we->we_errno == EMLINK && dir)
		fsu_warnx("%s: directory linked twice (corrupt image), not "
		    "entered again", we->we_path);
	else {
		errno = we->we_errno;
		fsu_warn("%s", we->we_path);
	}
}
