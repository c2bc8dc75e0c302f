/*
 * ecp_xfer.c: copy files from one image into another (fsu_ecp with
 * -I image2: ":path" sources into a "::path" target, or the reverse),
 * both mounted at once in this process.
 *
 * The source tree is walked with fsu_walk() (which never enters a
 * directory twice); each entry is made in the target image under the
 * same relative path, by absolute paths there, so the walk's working
 * directory in the source image and the target image's stay apart.  As
 * with fsu_put, modes are copied whole with access and modification
 * times, and -p adds owner, group and file flags (read from the source
 * image: every flag carries over).  A directory gets its mode and times
 * after its entries are in, so a read-only one can still be filled.
 * Files with several links are copied once and linked (ecp_links.c);
 * sparse files keep their holes; something already at a place is
 * replaced unless it is a directory, which is copied into.
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

/* One operand being copied. */
struct xfer_op {
	struct ecp	*x_e;
	size_t		 x_srclen;	/* length of the operand */
	size_t		 x_dstlen;	/* e_dst of the operand */
	int		 x_self;	/* copied into the target directory */
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

/* Something is where a non-directory goes: remove it unless a directory. */
static int
make_room(struct ecp *e)
{
	struct stat st;

	if (ukfs_lstat(e->e_fs, e->e_dst.ep_buf, &st) == -1)
		return errno == ENOENT ? 0 : dst_failed(e);
	if (S_ISDIR(st.st_mode)) {
		fsu_warnx("cannot overwrite directory %s with non-directory "
		    "%s", e->e_dst.ep_buf, e->e_src.ep_buf);
		return 1;
	}
	if (ukfs_remove(e->e_fs, e->e_dst.ep_buf) == -1)
		return dst_failed(e);
	return 0;
}

/* A create failed: 0 when room was made to try once more, else 1. */
static int
retry(struct ecp *e, int *triesp)
{
	if (errno != EEXIST || (*triesp)++ > 0)
		return dst_failed(e);
	return make_room(e);
}

/*
 * The attributes of the source entry (accpath in the source image,
 * described by st) on the target: owner and group (-p), mode (but of a
 * symbolic link), times, flags (-p) last, as they may forbid changes.
 */
static int
xfer_attrs(struct ecp *e, const char *accpath, const struct stat *st)
{
	const char *dst = e->e_dst.ep_buf;
	struct ukfs_stat us;
	struct timespec ts[2];
	int rv = 0;

	if (e->e_pflag && ukfs_lchown(e->e_fs, dst, st->st_uid,
	    st->st_gid) == -1)
		rv = dst_failed(e);
	if (!S_ISLNK(st->st_mode) && ukfs_chmod(e->e_fs, dst, st->st_mode &
	    ALLPERMS) == -1)
		rv = dst_failed(e);
	ts[0] = st->st_atim;
	ts[1] = st->st_mtim;
	if (ukfs_utimens(e->e_fs, dst, ts, 1) == -1)
		rv = dst_failed(e);
	if (!e->e_pflag)
		return rv;
	if (ukfs_xstat(e->e_sfs, accpath, 1, &us) == -1)
		return src_failed(e);
	if (us.us_flags != 0 && ukfs_lchflags(e->e_fs, dst, us.us_flags) == -1)
		rv = dst_failed(e);
	return rv;
}

static int
write_at(struct ecp *e, int fd, const char *p, size_t len, off_t off)
{
	ssize_t n;

	while (len > 0) {
		if ((n = ukfs_fd_pwrite(e->e_fs, fd, p, len, off)) <= 0) {
			if (n == 0)
				errno = EIO;
			return dst_failed(e);
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/*
 * The data of source descriptor sfd to target descriptor dfd.  A sparse
 * source (fewer blocks than its size needs) keeps its holes: runs of
 * zeros are not written and the size is set at the end.
 */
static int
xfer_data(struct ecp *e, int sfd, int dfd, const struct stat *st)
{
	int sparse = (off_t)st->st_blocks * 512 < st->st_size;
	size_t pos, start, len;
	off_t off = 0;
	ssize_t n;

	for (;;) {
		if ((n = ukfs_fd_read(e->e_sfs, sfd, e->e_buf,
		    ECP_BUFSIZE)) == -1)
			return src_failed(e);
		if (n == 0)
			break;
		if (!sparse && write_at(e, dfd, e->e_buf, (size_t)n, off) != 0)
			return 1;
		for (pos = 0; sparse && (len = fsu_data_run(e->e_buf + pos,
		    (size_t)n - pos, &start)) > 0; pos += start + len)
			if (write_at(e, dfd, e->e_buf + pos + start, len,
			    off + (off_t)(pos + start)) != 0)
				return 1;
		off += n;
	}
	if (sparse && ukfs_ftruncate(e->e_fs, dfd, off) == -1)
		return dst_failed(e);
	return 0;
}

static int
xfer_file(struct ecp *e, const char *accpath, const struct stat *st)
{
	int sfd, dfd, rv, tries = 0;

	if ((sfd = ukfs_open(e->e_sfs, accpath, O_RDONLY, 0)) == -1)
		return src_failed(e);
	while ((dfd = ukfs_open(e->e_fs, e->e_dst.ep_buf, O_WRONLY | O_CREAT |
	    O_EXCL, st->st_mode & ALLPERMS)) == -1) {
		if (retry(e, &tries) != 0) {
			(void)ukfs_close(e->e_sfs, sfd);
			return 1;
		}
	}
	rv = xfer_data(e, sfd, dfd, st);
	(void)ukfs_close(e->e_sfs, sfd);
	if (ukfs_close(e->e_fs, dfd) == -1)
		rv = dst_failed(e);
	return rv;
}

static int
xfer_link(struct ecp *e, const char *accpath)
{
	ssize_t n;
	int tries = 0;

	if ((n = ukfs_readlink(e->e_sfs, accpath, e->e_buf,
	    ECP_BUFSIZE - 1)) == -1)
		return src_failed(e);
	e->e_buf[n] = '\0';
	while (ukfs_symlink(e->e_fs, e->e_buf, e->e_dst.ep_buf) == -1)
		if (retry(e, &tries) != 0)
			return 1;
	return 0;
}

/* Fifos, device nodes and sockets. */
static int
xfer_special(struct ecp *e, const struct stat *st)
{
	int tries = 0;

	while (ukfs_mknod(e->e_fs, e->e_dst.ep_buf, st->st_mode &
	    (S_IFMT | ALLPERMS), st->st_rdev) == -1)
		if (retry(e, &tries) != 0)
			return 1;
	return 0;
}

/* A file that is not a directory: a link to a first copy, or a copy. */
static int
xfer_nondir(struct ecp *e, const char *accpath, const struct stat *st)
{
	const char *first;
	int rv, tries = 0;

	if (st->st_nlink > 1 && (first = ecp_links_find(e->e_links,
	    st->st_dev, st->st_ino)) != NULL) {
		while (ukfs_link(e->e_fs, first, e->e_dst.ep_buf) == -1)
			if (retry(e, &tries) != 0)
				return 1;
		return 0;
	}
	if (S_ISREG(st->st_mode))
		rv = xfer_file(e, accpath, st);
	else if (S_ISLNK(st->st_mode))
		rv = xfer_link(e, accpath);
	else
		rv = xfer_special(e, st);
	if (rv == 0)
		rv = xfer_attrs(e, accpath, st);
	if (rv == 0 && st->st_nlink > 1 && ecp_links_add(e->e_links,
	    st->st_dev, st->st_ino, e->e_dst.ep_buf) == -1)
		fsu_err(1, NULL);
	return rv;
}

/* Make the target directory, or take the one there. */
static int
xfer_dir(struct ecp *e)
{
	struct stat st;

	if (ukfs_mkdir(e->e_fs, e->e_dst.ep_buf, S_IRWXU) == 0)
		return 0;
	if (errno == EEXIST && ukfs_stat(e->e_fs, e->e_dst.ep_buf, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		fsu_warnx("cannot overwrite non-directory %s with directory "
		    "%s", e->e_dst.ep_buf, e->e_src.ep_buf);
		return 1;
	}
	return dst_failed(e);
}

static int
walk_error(const struct fsu_walk_ent *we)
{
	if (we->we_errno == EMLINK && we->we_statok &&
	    S_ISDIR(we->we_st.st_mode))
		fsu_warnx("%s: directory linked twice (corrupt image), not "
		    "copied", we->we_path);
	else
		fsu_walk_warn(we);
	return FSU_WALK_FAIL;
}

static int
xfer_visit(struct ukfs *fs, struct fsu_walk_ent *we, void *arg)
{
	struct xfer_op *x = arg;
	struct ecp *e = x->x_e;
	const char *rest = we->we_path + x->x_srclen;

	(void)fs;
	if (we->we_info == FSU_W_ERR)
		return walk_error(we);
	while (*rest == '/')
		rest++;
	if (ecp_path_set(&e->e_src, 0, we->we_path) == -1 ||
	    ecp_path_set(&e->e_dst, x->x_dstlen, rest) == -1)
		fsu_err(1, NULL);
	if (we->we_info == FSU_W_DP)
		return xfer_attrs(e, we->we_accpath, &we->we_st) ?
		    FSU_WALK_FAIL : 0;
	if (we->we_info == FSU_W_D) {
		if (we->we_depth == 0 && !e->e_Rflag) {
			fsu_warnx("%s is a directory (not copied)",
			    we->we_path);
			return FSU_WALK_FAIL | FSU_WALK_SKIP;
		}
		if (xfer_dir(e) != 0)
			return FSU_WALK_FAIL | FSU_WALK_SKIP;
		ecp_copied(e);
		return 0;
	}
	if (we->we_depth == 0 && x->x_self) {
		fsu_warnx("%s: not a directory", we->we_path);
		return FSU_WALK_FAIL;
	}
	if (xfer_nondir(e, we->we_accpath, &we->we_st) != 0)
		return FSU_WALK_FAIL;
	ecp_copied(e);
	return 0;
}

/*
 * Copy path src of the source image (e_sfs) into the target image
 * (e_fs): as name in directory dir, or into dir itself when name is
 * NULL (src is "/", "." or ends in "..").
 */
int
ecp_xfer(struct ecp *e, const char *src, const char *dir, const char *name)
{
	struct xfer_op x;

	if (src[0] == '\0') {
		errno = ENOENT;
		fsu_warn("%s", src);
		return 1;
	}
	if (ecp_path_set(&e->e_dst, 0, dir[0] == '/' ? "" : "/") == -1 ||
	    ecp_path_set(&e->e_dst, e->e_dst.ep_len, dir) == -1 ||
	    ecp_path_set(&e->e_dst, e->e_dst.ep_len, name) == -1)
		fsu_err(1, NULL);
	memset(&x, 0, sizeof(x));
	x.x_e = e;
	x.x_srclen = strlen(src);
	x.x_dstlen = e->e_dst.ep_len;
	x.x_self = name == NULL;
	return fsu_walk(e->e_sfs, src, e->e_Lflag ? FSU_WALK_LOGICAL : 0,
	    xfer_visit, &x) != 0;
}
