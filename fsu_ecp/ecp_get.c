/*
 * ecp_get.c: copy files of the image to the host (fsu_get, and fsu_ecp
 * with image paths as sources).
 *
 * The image is untrusted: it may be corrupt or made to attack the host,
 * and nothing read from it may lead a write outside the target
 * directory.  So:
 *  - the tree is walked with fsu_walk(), which never uses a name that is
 *    empty or holds a '/' (the FFS driver refuses those too, and hides
 *    "." and ".." anywhere but in their places), and refuses a directory
 *    inside itself or named by a second entry (a hard-linked
 *    directory in a corrupt image);
 *  - every host file is made relative to the descriptor of its host
 *    directory (openat, mkdirat, symlinkat, mknodat, linkat), and each
 *    directory is opened with O_NOFOLLOW after mkdirat, so no host path
 *    is ever resolved through a symbolic link, whoever made it;
 *  - files are created with O_CREAT | O_EXCL | O_NOFOLLOW.  Something
 *    already at a file's place is removed first (unlinkat: a symbolic
 *    link is replaced, never written through), unless it is a
 *    directory, which is an error; an existing directory where a
 *    directory goes is copied into, anything else there is an error;
 *  - hard links are made with linkat to the first copy, reached again
 *    one directory at a time with O_NOFOLLOW;
 *  - set-user-ID and set-group-ID bits are kept only with -p and only
 *    when the owner could be set too.
 *
 * Host directories are held open by depth: frame d is the directory at
 * depth d of the walk, whose entries are at depth d + 1.  A frame is
 * finished (mode, times, owner, flags) at its FSU_W_DP visit, or, when
 * the walk could not enter it and so sends no FSU_W_DP, at the next
 * visit at its depth or above.  Directories get their mode last, so a
 * read-only one can still be filled.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecp.h"
#include "fsu.h"

/* A host directory being filled. */
struct get_frame {
	int		 gf_fd;
	int		 gf_created;	/* made by this run */
	nlink_t		 gf_subdirs;	/* directories met in it */
	uint32_t	 gf_flags;	/* the image directory's flags (-p) */
	struct stat	 gf_st;		/* the image directory */
	char		*gf_src;	/* its path, for messages */
	char		*gf_path;	/* the host directory's */
};

/* One operand being copied. */
struct get_op {
	struct ecp	*g_e;
	int		 g_rootfd;	/* host directory of the operand */
	const char	*g_name;	/* its name there; NULL: rootfd */
	size_t		 g_srclen;	/* length of the operand */
	size_t		 g_dstlen;	/* e_dst and e_rel of the operand */
	size_t		 g_rellen;
	struct get_frame *g_frames;
	size_t		 g_nframes;	/* frames open: depths 0..n-1 */
	size_t		 g_cap;
	int		 g_nlinkcheck;	/* directory link counts mean subdirs */
};

static int
src_failed(struct ecp *e)
{
	fsu_warn("%s", e->e_src.ep_buf);
	return 1;
}

static int
dst_failed(struct ecp *e)
{
	fsu_warn("%s", e->e_dst.ep_buf);
	return 1;
}

/* Permission bits to give a host file; set-ID bits need -p and owner. */
static mode_t
host_mode(const struct ecp *e, const struct stat *st, int owned)
{
	mode_t mode = st->st_mode & ALLPERMS;

	if (!e->e_pflag || !owned)
		mode &= ~(S_ISUID | S_ISGID);
	return mode;
}

/*
 * -p: the result of giving a host file its owner (r, errno): 1 if the
 * owner was set, 0 if the host does not let us (EPERM: cp -p goes on
 * quietly), -1 after a message.
 */
static int
owner_result(struct ecp *e, int r)
{
	if (r == 0)
		return 1;
	if (errno == EPERM)
		return 0;
	dst_failed(e);
	return -1;
}

static int
host_owner(struct ecp *e, int fd, const struct stat *st)
{
	if (!e->e_pflag)
		return 0;
	return owner_result(e, fchown(fd, st->st_uid, st->st_gid));
}

/* Owner, mode, times and flags of the open host file fd. */
static int
host_attrs(struct ecp *e, int fd, const struct stat *st, uint32_t flags)
{
	struct timespec ts[2];
	int owned, rv = 0;

	if ((owned = host_owner(e, fd, st)) == -1)
		rv = 1;
	if (fchmod(fd, host_mode(e, st, owned == 1)) == -1)
		rv = dst_failed(e);
	ts[0] = st->st_atim;
	ts[1] = st->st_mtim;
	if (futimens(fd, ts) == -1)
		rv = dst_failed(e);
	if (e->e_pflag && ecp_host_setflags(fd, flags) == -1)
		rv = dst_failed(e);
	return rv;
}

/* The image file's flags, for -p. */
static int
image_flags(struct ecp *e, const char *accpath, uint32_t *flagsp)
{
	struct ukfs_stat us;

	*flagsp = 0;
	if (!e->e_pflag)
		return 0;
	if (ukfs_xstat(e->e_fs, accpath, !e->e_Lflag, &us) == -1)
		return src_failed(e);
	*flagsp = us.us_flags;
	return 0;
}

/*
 * Something is where a non-directory is to be made: remove it (a
 * symbolic link is removed, not followed), unless it is a directory.
 * Returns 0 to try again.
 */
static int
make_room(struct ecp *e, int pfd, const char *name)
{
	struct stat st;

	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : dst_failed(e);
	if (S_ISDIR(st.st_mode)) {
		fsu_warnx("cannot overwrite directory %s with non-directory "
		    "%s", e->e_dst.ep_buf, e->e_src.ep_buf);
		return 1;
	}
	if (unlinkat(pfd, name, 0) == -1)
		return dst_failed(e);
	return 0;
}

static int
create_file(struct ecp *e, int pfd, const char *name)
{
	int fd, tries;

	for (tries = 0;; tries++) {
		fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
		if (fd != -1)
			return fd;
		if (errno != EEXIST || tries > 0) {
			dst_failed(e);
			return -1;
		}
		if (make_room(e, pfd, name) != 0)
			return -1;
	}
}

static int
host_write(struct ecp *e, int fd, const char *p, size_t len, off_t off)
{
	ssize_t n;

	while (len > 0) {
		if ((n = pwrite(fd, p, len, off)) == -1) {
			if (errno == EINTR)
				continue;
			return dst_failed(e);
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Write a buffer of a sparse file at off, leaving its zero pieces out. */
static int
host_write_sparse(struct ecp *e, int fd, const char *p, size_t len,
    off_t off)
{
	size_t pos = 0, start, n;

	while ((n = fsu_data_run(p + pos, len - pos, &start)) > 0) {
		if (host_write(e, fd, p + pos + start, n, off + (off_t)(pos +
		    start)) != 0)
			return 1;
		pos += start + n;
	}
	return 0;
}

/*
 * Copy bytes [off, end) of image descriptor ifd to host fd; *endp gets
 * where the file ended if it is shorter.
 */
static int
get_range(struct ecp *e, int ifd, int fd, off_t off, off_t *endp, int sparse)
{
	ssize_t n;
	size_t len;
	int r;

	for (; off < *endp; off += n) {
		len = *endp - off < ECP_BUFSIZE ? (size_t)(*endp - off) :
		    ECP_BUFSIZE;
		if ((n = ukfs_fd_pread(e->e_fs, ifd, e->e_buf, len, off)) ==
		    -1)
			return src_failed(e);
		if (n == 0) {
			*endp = off;
			break;
		}
		r = sparse ? host_write_sparse(e, fd, e->e_buf, (size_t)n,
		    off) : host_write(e, fd, e->e_buf, (size_t)n, off);
		if (r != 0)
			return 1;
	}
	return 0;
}

/*
 * Copy image descriptor ifd to host fd.  Only the data extents are read
 * (SEEK_DATA, SEEK_HOLE), so the image's holes cost nothing and stay
 * holes; in a sparse file, zero pieces of the data are left out too.
 */
static int
get_data(struct ecp *e, int ifd, int fd, const struct stat *st)
{
	off_t off = 0, data, end, want, size = st->st_size;
	int sparse = fsu_sparse(st), r;

	while ((r = fsu_next_data(e->e_fs, ifd, off, size, &data, &end)) ==
	    1) {
		want = end;
		if (get_range(e, ifd, fd, data, &end, sparse) != 0)
			return 1;
		if (end < want) {
			size = end;	/* shorter than it said */
			break;
		}
		off = end;
	}
	if (r == -1)
		return src_failed(e);
	if (size > 0 && ftruncate(fd, size) == -1)
		return dst_failed(e);
	return 0;
}

static int
get_file(struct ecp *e, int pfd, const char *name, const char *accpath,
    const struct stat *st)
{
	uint32_t flags;
	int ifd, fd, rv;

	if (image_flags(e, accpath, &flags) != 0)
		return 1;
	if ((ifd = ukfs_open(e->e_fs, accpath, O_RDONLY |
	    (e->e_Lflag ? 0 : O_NOFOLLOW), 0)) == -1)
		return src_failed(e);
	if ((fd = create_file(e, pfd, name)) == -1) {
		(void)ukfs_close(e->e_fs, ifd);
		return 1;
	}
	rv = get_data(e, ifd, fd, st);
	(void)ukfs_close(e->e_fs, ifd);
	if (rv == 0)
		rv = host_attrs(e, fd, st, flags);
	if (close(fd) == -1)
		rv = dst_failed(e);
	return rv;
}

/* Owner and times of a node that cannot be opened (link, device). */
static int
node_attrs(struct ecp *e, int pfd, const char *name, const struct stat *st)
{
	struct timespec ts[2];
	int rv = 0;

	if (e->e_pflag && owner_result(e, fchownat(pfd, name, st->st_uid,
	    st->st_gid, AT_SYMLINK_NOFOLLOW)) == -1)
		rv = 1;
	ts[0] = st->st_atim;
	ts[1] = st->st_mtim;
	if (utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW) == -1)
		rv = dst_failed(e);
	return rv;
}

static int
get_link(struct ecp *e, int pfd, const char *name, const char *accpath,
    const struct stat *st)
{
	ssize_t n;
	int tries = 0;

	n = ukfs_readlink(e->e_fs, accpath, e->e_buf, ECP_BUFSIZE - 1);
	if (n == -1)
		return src_failed(e);
	e->e_buf[n] = '\0';
	while (symlinkat(e->e_buf, pfd, name) == -1) {
		if (errno != EEXIST || tries++ > 0)
			return dst_failed(e);
		if (make_room(e, pfd, name) != 0)
			return 1;
	}
	return node_attrs(e, pfd, name, st);
}

/*
 * Fifos, device nodes and sockets, made with their mode (the umask is 0
 * while fsu_get runs) but never set-ID.
 */
static int
get_special(struct ecp *e, int pfd, const char *name, const struct stat *st)
{
	mode_t mode = st->st_mode & (S_IFMT | ACCESSPERMS | S_ISVTX);
	int tries = 0;

	while (mknodat(pfd, name, mode, st->st_rdev) == -1) {
		if (errno != EEXIST || tries++ > 0)
			return dst_failed(e);
		if (make_room(e, pfd, name) != 0)
			return 1;
	}
	return node_attrs(e, pfd, name, st);
}

/*
 * Open directory rel (a path made by this run below g_rootfd) one
 * component at a time with O_NOFOLLOW; *lastp is its last component.
 */
static int
open_parent(struct get_op *g, char *rel, char **lastp)
{
	char *p, *slash;
	int fd, nfd;

	if ((fd = fcntl(g->g_rootfd, F_DUPFD_CLOEXEC, 0)) == -1)
		return -1;
	for (p = rel; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		*slash = '\0';
		nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		*slash = '/';
		(void)close(fd);
		if (nfd == -1)
			return -1;
		fd = nfd;
	}
	*lastp = p;
	return fd;
}

/* Another name of a file copied already: link it to the first copy. */
static int
get_hardlink(struct get_op *g, int pfd, const char *name, const char *first)
{
	struct ecp *e = g->g_e;
	char *rel, *last;
	int dfd, tries = 0, rv = 0;

	if ((rel = strdup(first)) == NULL)
		fsu_err(1, NULL);
	if ((dfd = open_parent(g, rel, &last)) == -1) {
		fsu_warn("%s", first);
		free(rel);
		return 1;
	}
	while (linkat(dfd, last, pfd, name, 0) == -1) {
		if (errno != EEXIST || tries++ > 0) {
			rv = dst_failed(e);
			break;
		}
		if ((rv = make_room(e, pfd, name)) != 0)
			break;
	}
	(void)close(dfd);
	free(rel);
	return rv;
}

/* Set the attributes of frame f and close it. */
static int
frame_finish(struct get_op *g, struct get_frame *f)
{
	struct ecp *e = g->g_e;
	int rv = 0;

	if (f->gf_created || e->e_pflag) {
		if (ecp_path_set(&e->e_dst, 0, f->gf_path) == -1)
			fsu_err(1, NULL);
		rv = host_attrs(e, f->gf_fd, &f->gf_st, f->gf_flags);
	}
	(void)close(f->gf_fd);
	free(f->gf_src);
	free(f->gf_path);
	return rv;
}

/*
 * On FFS the link count of a directory is 2 plus its subdirectories.
 * When fewer were met, entries were hidden from the walk: the driver
 * skips a "." or ".." out of place (a directory renamed ".." in a
 * corrupt image).  Report it, since it was not copied.
 */
static int
frame_check(struct get_op *g, const struct get_frame *f)
{
	if (!g->g_nlinkcheck || f->gf_st.st_nlink == f->gf_subdirs + 2)
		return 0;
	fsu_warnx("%s: link count %lu but %lu subdirectories found: entries "
	    "hidden (corrupt image), not copied", f->gf_src,
	    (unsigned long)f->gf_st.st_nlink, (unsigned long)f->gf_subdirs);
	return 1;
}

/* Finish the frames of depth >= depth. */
static int
frames_close(struct get_op *g, size_t depth)
{
	int rv = 0;

	while (g->g_nframes > depth) {
		g->g_nframes--;
		rv |= frame_finish(g, &g->g_frames[g->g_nframes]);
	}
	return rv;
}

/* Make (or open) the host directory of an image directory; push it. */
static int
get_dir(struct get_op *g, int pfd, const char *name, const char *accpath,
    const struct stat *st)
{
	struct ecp *e = g->g_e;
	struct get_frame f;

	memset(&f, 0, sizeof(f));
	if (image_flags(e, accpath, &f.gf_flags) != 0)
		return 1;
	if (name == NULL)
		f.gf_fd = fcntl(pfd, F_DUPFD_CLOEXEC, 0);
	else {
		f.gf_created = mkdirat(pfd, name, S_IRWXU) == 0;
		if (!f.gf_created && errno != EEXIST)
			return dst_failed(e);
		f.gf_fd = openat(pfd, name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (f.gf_fd == -1 && (errno == ENOTDIR || errno == ELOOP)) {
			fsu_warnx("cannot overwrite non-directory %s with "
			    "directory %s", e->e_dst.ep_buf, e->e_src.ep_buf);
			return 1;
		}
	}
	if (f.gf_fd == -1)
		return dst_failed(e);
	f.gf_st = *st;
	if ((f.gf_path = strdup(e->e_dst.ep_buf)) == NULL ||
	    (f.gf_src = strdup(e->e_src.ep_buf)) == NULL)
		fsu_err(1, NULL);
	if (g->g_nframes == g->g_cap) {
		g->g_cap = g->g_cap == 0 ? 32 : g->g_cap * 2;
		g->g_frames = realloc(g->g_frames, g->g_cap *
		    sizeof(*g->g_frames));
		if (g->g_frames == NULL)
			fsu_err(1, NULL);
	}
	g->g_frames[g->g_nframes++] = f;
	return 0;
}

/* A non-directory: a link to a first copy, or a new file. */
static int
get_nondir(struct get_op *g, int pfd, const char *name, const char *accpath,
    const struct stat *st)
{
	struct ecp *e = g->g_e;
	const char *first;
	int rv;

	if (name == NULL) {
		fsu_warnx("%s: not a directory", e->e_src.ep_buf);
		return 1;
	}
	if (st->st_nlink > 1 && (first = ecp_links_find(e->e_links,
	    st->st_dev, st->st_ino)) != NULL)
		return get_hardlink(g, pfd, name, first);
	if (S_ISREG(st->st_mode))
		rv = get_file(e, pfd, name, accpath, st);
	else if (S_ISLNK(st->st_mode))
		rv = get_link(e, pfd, name, accpath, st);
	else
		rv = get_special(e, pfd, name, st);
	if (rv == 0 && st->st_nlink > 1 && ecp_links_add(e->e_links,
	    st->st_dev, st->st_ino, e->e_rel.ep_buf) == -1)
		fsu_err(1, NULL);
	return rv;
}

static int
walk_error(struct ecp *e, const struct fsu_walk_ent *we)
{
	if (we->we_errno == EINVAL)
		fsu_warnx("%s: bad file name in the image, not copied",
		    we->we_path);
	else if (we->we_errno == ELOOP && S_ISDIR(we->we_st.st_mode))
		fsu_warnx(e->e_Lflag ? "%s: directory causes a cycle" :
		    "%s: directory inside itself (corrupt image), not copied",
		    we->we_path);
	else if (we->we_errno == EMLINK && S_ISDIR(we->we_st.st_mode))
		fsu_warnx("%s: directory linked twice (corrupt image), not "
		    "copied", we->we_path);
	else {
		errno = we->we_errno;
		fsu_warn("%s", we->we_path);
	}
	return FSU_WALK_FAIL;
}

/* Point e_src, e_dst and e_rel at the entry the walk visits. */
static void
get_paths(struct get_op *g, const struct fsu_walk_ent *we)
{
	struct ecp *e = g->g_e;
	const char *rest = we->we_path + g->g_srclen;

	while (*rest == '/')
		rest++;
	if (ecp_path_set(&e->e_src, 0, we->we_path) == -1 ||
	    ecp_path_set(&e->e_dst, g->g_dstlen, rest) == -1 ||
	    ecp_path_set(&e->e_rel, g->g_rellen, rest) == -1)
		fsu_err(1, NULL);
}

static int
get_visit(struct ukfs *fs, struct fsu_walk_ent *we, void *arg)
{
	struct get_op *g = arg;
	struct ecp *e = g->g_e;
	size_t depth = (size_t)we->we_depth;
	const char *name;
	int pfd, rv;

	if (we->we_info == FSU_W_DP) {
		rv = frames_close(g, depth + 1);
		rv |= frame_check(g, &g->g_frames[depth]);
		rv |= frames_close(g, depth);
		return rv ? FSU_WALK_FAIL : 0;
	}
	rv = frames_close(g, depth) ? FSU_WALK_FAIL : 0;
	if (depth > 0 && S_ISDIR(we->we_st.st_mode) &&
	    (we->we_info == FSU_W_D || we->we_errno == ELOOP ||
	    we->we_errno == EMLINK))
		g->g_frames[depth - 1].gf_subdirs++;
	if (we->we_info == FSU_W_ERR)
		return rv | walk_error(e, we);
	get_paths(g, we);
	pfd = depth == 0 ? g->g_rootfd : g->g_frames[depth - 1].gf_fd;
	name = depth == 0 ? g->g_name : we->we_name;
	if (we->we_info == FSU_W_D) {
		if (depth == 0 && !e->e_Rflag) {
			fsu_warnx("%s is a directory (not copied)",
			    we->we_path);
			return rv | FSU_WALK_FAIL | FSU_WALK_SKIP;
		}
		if (get_dir(g, pfd, name, we->we_accpath, &we->we_st) != 0)
			return rv | FSU_WALK_FAIL | FSU_WALK_SKIP;
	} else if (get_nondir(g, pfd, name, we->we_accpath, &we->we_st) !=
	    0)
		return rv | FSU_WALK_FAIL;
	ecp_copied(e);
	return rv;
}

int
ecp_get(struct ecp *e, const char *src, const char *dst, int fd,
    const char *name)
{
	struct get_op g;
	int rv;

	if (src[0] == '\0') {
		errno = ENOENT;
		fsu_warn("%s", src);
		return 1;
	}
	memset(&g, 0, sizeof(g));
	g.g_e = e;
	g.g_rootfd = fd;
	g.g_name = name;
	g.g_srclen = strlen(src);
	g.g_nlinkcheck = !e->e_Lflag &&
	    strcmp(ukfs_fstype(e->e_fs), "ffs") == 0;
	if (ecp_path_set(&e->e_dst, 0, dst) == -1 ||
	    ecp_path_set(&e->e_rel, 0, name) == -1)
		fsu_err(1, NULL);
	g.g_dstlen = e->e_dst.ep_len;
	g.g_rellen = e->e_rel.ep_len;
	rv = fsu_walk(e->e_fs, src, e->e_Lflag ? FSU_WALK_LOGICAL : 0,
	    get_visit, &g) != 0;
	rv |= frames_close(&g, 0);
	free(g.g_frames);
	return rv;
}
