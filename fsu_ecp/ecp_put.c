/*
 * ecp_put.c: copy host files into the image (fsu_put, and fsu_ecp with
 * an image path as target).
 *
 * This is the bulk path of image building, so it does the least work per
 * entry.  The host tree is read through directory descriptors (openat,
 * fdopendir), and the type readdir reports decides how an entry is
 * opened, so each entry costs one stat: fstat of the opened file or
 * directory, fstatat for the rest.  The image side works inside the
 * directory being filled (ukfs_chdir), so every image call looks up a
 * single name.  A directory is made before its entries and gets its
 * times after them; its entries are made in the order of their names,
 * whatever order the host lists them in, so that the same tree makes
 * the same image (with SOURCE_DATE_EPOCH, byte for byte).  Data moves in ECP_BUFSIZE transfers; holes of
 * sparse files are found with SEEK_DATA/SEEK_HOLE and left as holes.
 * Nothing in the image is stat'ed unless a create finds something in the
 * way (an existing non-directory is replaced, an existing directory is
 * copied into).
 *
 * Modes are copied whole, set-ID bits included (a bit in the image gives
 * nothing on the host), with access and modification times; -p adds the
 * owner, the group and the file flags the host has (see ecp_util.c).
 * Without -p new files belong to user 0 and group 0 of the image.  Files
 * with several links are copied once and linked (ecp_links.c).  With -L
 * symbolic links are followed, and a directory met again inside itself
 * is refused.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE	/* SEEK_DATA and SEEK_HOLE */
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecp.h"
#include "fsu.h"

/* The entry being copied. */
struct put_ent {
	int		 pe_pfd;	/* host directory of the entry */
	const char	*pe_hname;	/* its name there */
	const char	*pe_iname;	/* its name in the image's cwd */
	int		 pe_self;	/* the image's cwd is the target */
	int		 pe_fd;		/* open host file or directory */
	struct stat	 pe_st;
};

#ifdef O_NOATIME
static int noatime = O_NOATIME;	/* until the host refuses it */
#else
static int noatime = 0;
#endif

static int	put_entry(struct ecp *, int, const char *, const char *, int,
		    int);

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

/*
 * Open and stat the host entry.  Regular files and directories are
 * opened (O_NONBLOCK: a fifo that replaced a file does not block) and
 * fstat'ed; other entries are only stat'ed.  The descriptor is kept only
 * for regular files and directories.  O_NOATIME leaves the access times
 * of the host tree as they were; it is dropped when the host refuses it
 * (files of other users).
 */
static int
put_open(struct ecp *e, struct put_ent *pe, int dtype)
{
	int nofollow = e->e_Lflag ? 0 : O_NOFOLLOW, flags;

	pe->pe_fd = -1;
	if (dtype == DT_UNKNOWN || (dtype == DT_LNK && e->e_Lflag)) {
		if (fstatat(pe->pe_pfd, pe->pe_hname, &pe->pe_st,
		    e->e_Lflag ? 0 : AT_SYMLINK_NOFOLLOW) == -1)
			return src_failed(e);
		if (S_ISREG(pe->pe_st.st_mode))
			dtype = DT_REG;
		else if (S_ISDIR(pe->pe_st.st_mode))
			dtype = DT_DIR;
		else
			return 0;
	}
	if (dtype != DT_REG && dtype != DT_DIR) {
		if (fstatat(pe->pe_pfd, pe->pe_hname, &pe->pe_st,
		    AT_SYMLINK_NOFOLLOW) == -1)
			return src_failed(e);
		return 0;
	}
	flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | nofollow |
	    (dtype == DT_DIR ? O_DIRECTORY : 0);
	pe->pe_fd = openat(pe->pe_pfd, pe->pe_hname, flags | noatime);
	if (pe->pe_fd == -1 && errno == EPERM && noatime != 0) {
		noatime = 0;
		pe->pe_fd = openat(pe->pe_pfd, pe->pe_hname, flags);
	}
	if (pe->pe_fd == -1)
		return src_failed(e);
	if (fstat(pe->pe_fd, &pe->pe_st) == -1) {
		(void)close(pe->pe_fd);
		pe->pe_fd = -1;
		return src_failed(e);
	}
	return 0;
}

/*
 * Something is where a non-directory is to be made: remove it, unless
 * it is a directory.  Returns 0 to try again.
 */
static int
make_room(struct ecp *e, const char *iname)
{
	struct stat st;

	if (ukfs_lstat(e->e_fs, iname, &st) == -1)
		return errno == ENOENT ? 0 : dst_failed(e);
	if (S_ISDIR(st.st_mode)) {
		fsu_warnx("cannot overwrite directory %s with non-directory "
		    "%s", e->e_dst.ep_buf, e->e_src.ep_buf);
		return 1;
	}
	if (ukfs_remove(e->e_fs, iname) == -1)
		return dst_failed(e);
	return 0;
}

/* Times of the new entry; with -p its owner and flags too. */
static int
put_attrs(struct ecp *e, const struct put_ent *pe, int owner)
{
	struct timespec ts[2];
	uint32_t flags;
	int rv = 0;

	if (owner && e->e_pflag && ukfs_lchown(e->e_fs, pe->pe_iname,
	    pe->pe_st.st_uid, pe->pe_st.st_gid) == -1)
		rv = dst_failed(e);
	ts[0] = pe->pe_st.st_atim;
	ts[1] = pe->pe_st.st_mtim;
	if (ukfs_utimens(e->e_fs, pe->pe_iname, ts, 1) == -1)
		rv = dst_failed(e);
	if (e->e_pflag && pe->pe_fd != -1) {
		if (ecp_host_getflags(pe->pe_fd, &flags) == -1)
			rv = src_failed(e);
		else if (flags != 0 &&
		    ukfs_lchflags(e->e_fs, pe->pe_iname, flags) == -1)
			rv = dst_failed(e);
	}
	return rv;
}

static int
write_all(struct ecp *e, int fd, const char *p, size_t len, off_t off)
{
	ssize_t n;

	while (len > 0) {
		n = ukfs_fd_pwrite(e->e_fs, fd, p, len, off);
		if (n <= 0) {
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

/* Copy [off, end) of host fd to image descriptor ofd at the same place. */
static int
copy_range(struct ecp *e, int fd, int ofd, off_t off, off_t end)
{
	ssize_t n;
	size_t want;

	while (off < end) {
		want = end - off < ECP_BUFSIZE ? (size_t)(end - off) :
		    ECP_BUFSIZE;
		if ((n = pread(fd, e->e_buf, want, off)) == -1) {
			if (errno == EINTR)
				continue;
			return src_failed(e);
		}
		if (n == 0)
			break;	/* the file shrank */
		if (write_all(e, ofd, e->e_buf, (size_t)n, off) != 0)
			return 1;
		off += n;
	}
	return 0;
}

/*
 * The data of a sparse file: only its data regions are written, and the
 * size is set at the end, so the holes stay holes.  Returns -1 when the
 * host cannot tell where the data is.
 */
static int
copy_sparse(struct ecp *e, int fd, int ofd, off_t size)
{
#if defined(SEEK_DATA) && defined(SEEK_HOLE)
	off_t off = 0, data, hole;

	while (off < size) {
		if ((data = lseek(fd, off, SEEK_DATA)) == -1) {
			if (errno == ENXIO)
				break;
			return off == 0 ? -1 : src_failed(e);
		}
		if ((hole = lseek(fd, data, SEEK_HOLE)) == -1)
			return src_failed(e);
		if (hole > size)
			hole = size;
		if (copy_range(e, fd, ofd, data, hole) != 0)
			return 1;
		off = hole;
	}
	if (ukfs_ftruncate(e->e_fs, ofd, size) == -1)
		return dst_failed(e);
	return 0;
#else
	return -1;
#endif
}

static int
put_data(struct ecp *e, const struct put_ent *pe, int ofd)
{
	const struct stat *st = &pe->pe_st;
	int r;

	if (fsu_sparse(st) &&
	    (r = copy_sparse(e, pe->pe_fd, ofd, st->st_size)) >= 0)
		return r;
	return copy_range(e, pe->pe_fd, ofd, 0, st->st_size);
}

static int
put_file(struct ecp *e, struct put_ent *pe)
{
	int ofd, rv, tries = 0;

	while ((ofd = ukfs_open(e->e_fs, pe->pe_iname, O_WRONLY | O_CREAT |
	    O_EXCL, pe->pe_st.st_mode & ALLPERMS)) == -1) {
		if (errno != EEXIST || tries++ > 0)
			return dst_failed(e);
		if (make_room(e, pe->pe_iname) != 0)
			return 1;
	}
	rv = put_data(e, pe, ofd);
	if (e->e_pflag && ukfs_fchown(e->e_fs, ofd, pe->pe_st.st_uid,
	    pe->pe_st.st_gid) == -1)
		rv = dst_failed(e);
	if (ukfs_close(e->e_fs, ofd) == -1)
		rv = dst_failed(e);
	if (rv == 0)
		rv = put_attrs(e, pe, 0);
	return rv;
}

static int
put_link(struct ecp *e, struct put_ent *pe)
{
	ssize_t n;
	int tries = 0;

	n = readlinkat(pe->pe_pfd, pe->pe_hname, e->e_buf, ECP_BUFSIZE - 1);
	if (n == -1)
		return src_failed(e);
	e->e_buf[n] = '\0';
	while (ukfs_symlink(e->e_fs, e->e_buf, pe->pe_iname) == -1) {
		if (errno != EEXIST || tries++ > 0)
			return dst_failed(e);
		if (make_room(e, pe->pe_iname) != 0)
			return 1;
	}
	return put_attrs(e, pe, 1);
}

/* Fifos, device nodes and sockets. */
static int
put_special(struct ecp *e, struct put_ent *pe)
{
	const struct stat *st = &pe->pe_st;
	int tries = 0;

	while (ukfs_mknod(e->e_fs, pe->pe_iname, st->st_mode &
	    (S_IFMT | ALLPERMS), st->st_rdev) == -1) {
		if (errno != EEXIST || tries++ > 0)
			return dst_failed(e);
		if (make_room(e, pe->pe_iname) != 0)
			return 1;
	}
	return put_attrs(e, pe, 1);
}

/* Another name of a file copied already: link it. */
static int
put_hardlink(struct ecp *e, struct put_ent *pe, const char *first)
{
	int tries = 0;

	while (ukfs_link(e->e_fs, first, pe->pe_iname) == -1) {
		if (errno != EEXIST || tries++ > 0)
			return dst_failed(e);
		if (make_room(e, pe->pe_iname) != 0)
			return 1;
	}
	return 0;
}

/* Is the directory being entered one of those it is inside (-L)? */
static int
dir_push(struct ecp *e, const struct stat *st)
{
	struct stat *p;
	size_t i, n;

	for (i = 0; i < e->e_ndirs; i++)
		if (e->e_dirs[i].st_ino == st->st_ino &&
		    e->e_dirs[i].st_dev == st->st_dev) {
			fsu_warnx("%s: directory causes a cycle",
			    e->e_src.ep_buf);
			return 1;
		}
	if (e->e_ndirs == e->e_capdirs) {
		n = e->e_capdirs == 0 ? 32 : e->e_capdirs * 2;
		if ((p = realloc(e->e_dirs, n * sizeof(*p))) == NULL)
			return src_failed(e);
		e->e_dirs = p;
		e->e_capdirs = n;
	}
	e->e_dirs[e->e_ndirs++] = *st;
	return 0;
}

/*
 * Make the image directory (or take the one there) and go into it;
 * *createdp says whether it is new.
 */
static int
put_dir_make(struct ecp *e, struct put_ent *pe, int *createdp)
{
	struct stat st;

	*createdp = 0;
	if (pe->pe_self)
		return 0;
	if (ukfs_mkdir(e->e_fs, pe->pe_iname, pe->pe_st.st_mode &
	    ALLPERMS) == 0)
		*createdp = 1;
	else if (errno != EEXIST)
		return dst_failed(e);
	else if (ukfs_lstat(e->e_fs, pe->pe_iname, &st) == -1)
		return dst_failed(e);
	else if (!S_ISDIR(st.st_mode)) {
		fsu_warnx("cannot overwrite non-directory %s with directory "
		    "%s", e->e_dst.ep_buf, e->e_src.ep_buf);
		return 1;
	}
	if (ukfs_chdir(e->e_fs, pe->pe_iname) == -1)
		return dst_failed(e);
	return 0;
}

/*
 * The names of a host directory, read in full and sorted, so that the
 * image does not depend on the order the host lists them in: the same
 * tree gives the same image on any host file system.  Each name is kept
 * in pn_buf after a byte holding its readdir type.
 */
struct put_names {
	char		*pn_buf;
	size_t		 pn_len, pn_cap;
	char		**pn_names;	/* into pn_buf, sorted */
	size_t		 pn_count;
};

static int
add_name(struct put_names *pn, const struct dirent *de)
{
	size_t n = strlen(de->d_name) + 2;
	char *p;

	if (pn->pn_len + n > pn->pn_cap) {
		pn->pn_cap = (pn->pn_len + n) * 2 + 4096;
		if ((p = realloc(pn->pn_buf, pn->pn_cap)) == NULL)
			return -1;
		pn->pn_buf = p;
	}
	pn->pn_buf[pn->pn_len] = (char)de->d_type;
	memcpy(pn->pn_buf + pn->pn_len + 1, de->d_name, n - 1);
	pn->pn_len += n;
	pn->pn_count++;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the names of d (but "." and ".."); errno after a failure. */
static int
read_names(DIR *d, struct put_names *pn)
{
	struct dirent *de;
	size_t i, off;

	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				return -1;
			break;
		}
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		if (add_name(pn, de) == -1)
			return -1;
	}
	if (pn->pn_count == 0)
		return 0;
	if ((pn->pn_names = malloc(pn->pn_count * sizeof(char *))) == NULL)
		return -1;
	for (i = 0, off = 0; i < pn->pn_count; i++) {
		pn->pn_names[i] = pn->pn_buf + off + 1;
		off += strlen(pn->pn_names[i]) + 2;
	}
	qsort(pn->pn_names, pn->pn_count, sizeof(char *), name_cmp);
	return 0;
}

/* Copy the entries of host directory d, in the order of their names. */
static int
put_entries(struct ecp *e, DIR *d)
{
	struct put_names pn;
	size_t slen = e->e_src.ep_len, dlen = e->e_dst.ep_len, i;
	const char *name;
	int rv = 0;

	memset(&pn, 0, sizeof(pn));
	if (read_names(d, &pn) == -1)
		rv = src_failed(e);
	for (i = 0; i < pn.pn_count && pn.pn_names != NULL; i++) {
		name = pn.pn_names[i];
		if (ecp_path_set(&e->e_src, slen, name) == -1 ||
		    ecp_path_set(&e->e_dst, dlen, name) == -1)
			fsu_err(1, NULL);
		rv |= put_entry(e, dirfd(d), name, name,
		    (unsigned char)name[-1], 0);
	}
	(void)ecp_path_set(&e->e_src, slen, NULL);
	(void)ecp_path_set(&e->e_dst, dlen, NULL);
	free(pn.pn_names);
	free(pn.pn_buf);
	return rv;
}

/*
 * Make the image directory (or take the one there), go into it, copy
 * the entries of the host directory, come back, and set its times.
 */
static int
put_dir(struct ecp *e, struct put_ent *pe)
{
	DIR *d;
	int created, rv;

	if (e->e_Lflag && dir_push(e, &pe->pe_st) != 0)
		return 1;
	if ((rv = put_dir_make(e, pe, &created)) != 0)
		goto out;
	ecp_copied(e);
	if ((d = fdopendir(pe->pe_fd)) == NULL) {
		rv = src_failed(e);
		goto back;
	}
	rv = put_entries(e, d);
	/* closedir takes the descriptor; -p needs one for the flags. */
	pe->pe_fd = e->e_pflag ? dup(dirfd(d)) : -1;
	(void)closedir(d);
back:
	if (!pe->pe_self && ukfs_chdir(e->e_fs, "..") == -1)
		fsu_err(1, "%s/..", e->e_dst.ep_buf);
	if (created || e->e_pflag)
		rv |= put_attrs(e, pe, 1);
out:
	if (e->e_Lflag)
		e->e_ndirs--;
	return rv;
}

/*
 * Copy the host entry hname of directory pfd (type dtype from readdir,
 * DT_UNKNOWN if not known) to iname in the image's working directory.
 * top: an operand (a directory needs -R).
 */
static int
put_entry(struct ecp *e, int pfd, const char *hname, const char *iname,
    int dtype, int top)
{
	struct put_ent pe;
	const char *first;
	int rv;

	memset(&pe, 0, sizeof(pe));
	pe.pe_pfd = pfd;
	pe.pe_hname = hname;
	pe.pe_iname = iname != NULL ? iname : ".";
	pe.pe_self = iname == NULL;
	if (put_open(e, &pe, dtype) != 0)
		return 1;
	if (S_ISDIR(pe.pe_st.st_mode) && top && !e->e_Rflag) {
		fsu_warnx("%s is a directory (not copied)", e->e_src.ep_buf);
		rv = 1;
	} else if (S_ISDIR(pe.pe_st.st_mode))
		rv = put_dir(e, &pe);
	else if (pe.pe_self) {
		fsu_warnx("%s: not a directory", e->e_src.ep_buf);
		rv = 1;
	} else if (pe.pe_st.st_nlink > 1 && (first = ecp_links_find(
	    e->e_links, pe.pe_st.st_dev, pe.pe_st.st_ino)) != NULL) {
		if ((rv = put_hardlink(e, &pe, first)) == 0)
			ecp_copied(e);
	} else {
		if (S_ISREG(pe.pe_st.st_mode))
			rv = put_file(e, &pe);
		else if (S_ISLNK(pe.pe_st.st_mode))
			rv = put_link(e, &pe);
		else
			rv = put_special(e, &pe);
		if (rv == 0)
			ecp_copied(e);
		if (rv == 0 && pe.pe_st.st_nlink > 1 && ecp_links_add(
		    e->e_links, pe.pe_st.st_dev, pe.pe_st.st_ino,
		    e->e_dst.ep_buf) == -1)
			fsu_err(1, NULL);
	}
	if (pe.pe_fd != -1)
		(void)close(pe.pe_fd);
	return rv;
}

/*
 * Copy host path src into the image: as name in directory dir, or, when
 * name is NULL, into dir itself (src is "." or "/" or ends in "..").
 */
int
ecp_put(struct ecp *e, const char *src, const char *dir, const char *name)
{
	int rv;

	if (ecp_path_set(&e->e_src, 0, src) == -1 ||
	    ecp_path_set(&e->e_dst, 0, dir[0] == '/' ? "" : "/") == -1 ||
	    ecp_path_set(&e->e_dst, e->e_dst.ep_len, dir) == -1 ||
	    ecp_path_set(&e->e_dst, e->e_dst.ep_len, name) == -1)
		fsu_err(1, NULL);
	if (ukfs_chdir(e->e_fs, dir) == -1) {
		fsu_warn("%s", dir);
		return 1;
	}
	rv = put_entry(e, AT_FDCWD, src, name, DT_UNKNOWN, 1);
	if (ukfs_chdir(e->e_fs, "/") == -1)
		fsu_err(1, "/");
	return rv;
}
