/*
 * fsu_cp: copy files inside a file system image, with the options of BSD
 * cp(1).
 *
 *	fsu_cp ... image [-R [-H | -L | -P]] [-f | -i] [-p] [-v] source target
 *	fsu_cp ... image [-R [-H | -L | -P]] [-f | -i] [-p] [-v] source ...
 *	    directory
 *
 * When the last operand is an existing directory (symbolic links
 * followed) each source is copied into it under its own last component;
 * otherwise there must be two operands and the source is copied to the
 * target.  -R copies directory trees through fsu_walk(); symbolic links
 * in them are copied as links (-P, the default), followed (-L), or
 * followed only when they are operands (-H).  Without -R a directory
 * operand is refused and symbolic-link operands are followed.  Fifos and
 * device nodes are created anew, never opened.
 *
 * An existing target file is truncated and written over (after a
 * question with -i; removed and created again with -f when it cannot be
 * opened); an existing directory is copied into.  A new file gets the
 * source's mode less the umask, without set-user-ID (set-group-ID) when
 * its owner (group) is not the source's.  -p keeps mode, owner, group,
 * access and modification times, and file flags; symbolic links get
 * their owner and times too.  A directory is never copied into itself,
 * nor a file onto itself.  -v prints "source -> target" for each copy.
 *
 * The walk changes the working directory into the source tree, so the
 * target paths are made absolute.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

#define CP_BUFSIZE	(256 * 1024)

/* One source operand being copied to one target. */
struct cp_op {
	const char	*co_src;	/* the operand */
	size_t		 co_srclen;
	const char	*co_dst;	/* absolute target of the operand */
	char		*co_path;	/* absolute target of the entry */
	size_t		 co_cap;
};

static struct ukfs *fs;
static int fflag, iflag, pflag, Rflag, vflag;
static int follow = 'P';	/* -H, -L or -P */
static mode_t cmask;
static char *buf;
static size_t dst_skip;		/* 1 when the target was made absolute */

/* A target path as the user wrote it (without the '/' put in front). */
static const char *
shown(const char *dst)
{
	return dst + dst_skip;
}

static int
failed(const char *path)
{
	fsu_warn("%s", path);
	return 1;
}

static int
write_at(int fd, const char *p, size_t len, off_t off, const char *dst)
{
	ssize_t n;

	while (len > 0) {
		if ((n = ukfs_fd_pwrite(fs, fd, p, len, off)) <= 0) {
			if (n == 0)
				errno = EIO;
			return failed(shown(dst));
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Write a buffer of a sparse file at off, leaving its zero pieces out. */
static int
write_sparse(int fd, const char *p, size_t len, off_t off, const char *dst)
{
	size_t pos = 0, start, n;

	while ((n = fsu_data_run(p + pos, len - pos, &start)) > 0) {
		if (write_at(fd, p + pos + start, n, off + (off_t)(pos + start),
		    dst) != 0)
			return 1;
		pos += start + n;
	}
	return 0;
}

/*
 * Copy bytes [off, *endp) of descriptor sfd to dfd; *endp gets where the
 * source ended if it is shorter.
 */
static int
copy_range(int sfd, int dfd, off_t off, off_t *endp, int sparse,
    const char *src, const char *dst)
{
	ssize_t n;
	size_t len;
	int r;

	for (; off < *endp; off += n) {
		len = *endp - off < CP_BUFSIZE ? (size_t)(*endp - off) :
		    CP_BUFSIZE;
		if ((n = ukfs_fd_pread(fs, sfd, buf, len, off)) == -1)
			return failed(src);
		if (n == 0) {
			*endp = off;
			break;
		}
		r = sparse ? write_sparse(dfd, buf, (size_t)n, off, dst) :
		    write_at(dfd, buf, (size_t)n, off, dst);
		if (r != 0)
			return 1;
	}
	return 0;
}

/*
 * Copy the data of descriptor sfd to dfd.  Only the source's data
 * extents are read (SEEK_DATA, SEEK_HOLE), so its holes cost nothing and
 * stay holes; in a sparse source zero pieces of the data are skipped
 * too.  The size is set at the end.
 */
static int
copy_data(int sfd, int dfd, const struct stat *st, const char *src,
    const char *dst)
{
	off_t off = 0, data, end, want, size = st->st_size;
	int sparse = fsu_sparse(st), r;

	while ((r = fsu_next_data(fs, sfd, off, size, &data, &end)) == 1) {
		want = end;
		if (copy_range(sfd, dfd, data, &end, sparse, src, dst) != 0)
			return 1;
		if (end < want) {
			size = end;	/* shorter than it said */
			break;
		}
		off = end;
	}
	if (r == -1)
		return failed(src);
	if (size > 0 && ukfs_ftruncate(fs, dfd, size) == -1)
		return failed(shown(dst));
	return 0;
}

/*
 * Keep the attributes of the source (accpath, described by st) on dst:
 * owner first (a change of owner may clear set-ID bits), mode, times,
 * and file flags last (they may forbid the other changes).
 */
static int
preserve(const char *accpath, const char *dst, const struct stat *st,
    int nofollow)
{
	struct ukfs_stat us;
	struct timespec ts[2];
	int rv = 0;

	if ((nofollow ? ukfs_lchown(fs, dst, st->st_uid, st->st_gid) :
	    ukfs_chown(fs, dst, st->st_uid, st->st_gid)) == -1)
		rv = failed(shown(dst));
	if (!S_ISLNK(st->st_mode) &&
	    ukfs_chmod(fs, dst, st->st_mode & ALLPERMS) == -1)
		rv = failed(shown(dst));
	ts[0] = st->st_atim;
	ts[1] = st->st_mtim;
	if (ukfs_utimens(fs, dst, ts, nofollow) == -1)
		rv = failed(shown(dst));
	if (ukfs_xstat(fs, accpath, nofollow, &us) == -1)
		return 1 | failed(accpath);
	if (us.us_flags != 0 && (nofollow ? ukfs_lchflags(fs, dst,
	    us.us_flags) : ukfs_chflags(fs, dst, us.us_flags)) == -1)
		rv = failed(shown(dst));
	return rv;
}

/* The mode of a new file without -p: set-ID bits only for the same ids. */
static int
fix_setid(int fd, const char *dst, const struct stat *st)
{
	struct stat nst;
	mode_t mode;

	if (ukfs_fstat(fs, fd, &nst) == -1)
		return failed(shown(dst));
	mode = nst.st_mode & ALLPERMS;
	if (nst.st_uid != st->st_uid)
		mode &= ~S_ISUID;
	if (nst.st_gid != st->st_gid)
		mode &= ~S_ISGID;
	if (mode != (nst.st_mode & ALLPERMS) &&
	    ukfs_fchmod(fs, fd, mode) == -1)
		return failed(shown(dst));
	return 0;
}

/*
 * Open the target of a file copy: an existing file is truncated (after
 * -i asked; removed first with -f if it cannot be opened), a missing one
 * created.  Returns the descriptor, -1 after a message, or -2 to skip.
 */
static int
open_target(const char *dst, const struct stat *st, int *createdp)
{
	struct stat dst_st;
	mode_t mode = st->st_mode & ALLPERMS & ~cmask;
	int fd;

	*createdp = 0;
	if (ukfs_stat(fs, dst, &dst_st) == 0) {
		if (dst_st.st_ino == st->st_ino &&
		    dst_st.st_dev == st->st_dev)
			return -3;
		if (iflag && !fsu_prompt("overwrite %s? (y/n [n]) ",
		    shown(dst))) {
			fprintf(stderr, "not overwritten\n");
			return -2;
		}
		if ((fd = ukfs_open(fs, dst, O_WRONLY | O_TRUNC, 0)) != -1)
			return fd;
		if (!fflag || errno == EISDIR || ukfs_remove(fs, dst) == -1) {
			fsu_warn("%s", shown(dst));
			return -1;
		}
	}
	if (pflag)
		mode = st->st_mode & ALLPERMS;
	fd = ukfs_open(fs, dst, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd == -1)
		fsu_warn("%s", shown(dst));
	*createdp = 1;
	return fd;
}

static int
copy_file(const char *accpath, const char *src, const char *dst,
    const struct stat *st)
{
	int sfd, dfd, created, rv;

	if ((dfd = open_target(dst, st, &created)) < 0) {
		if (dfd == -3)
			fsu_warnx("%s and %s are identical (not copied)", src,
			    shown(dst));
		return dfd != -2;
	}
	if ((sfd = ukfs_open(fs, accpath, O_RDONLY, 0)) == -1) {
		(void)ukfs_close(fs, dfd);
		return failed(src);
	}
	rv = copy_data(sfd, dfd, st, src, dst);
	if (rv == 0 && created && !pflag && (st->st_mode & (S_ISUID |
	    S_ISGID)) != 0)
		rv = fix_setid(dfd, dst, st);
	(void)ukfs_close(fs, sfd);
	if (ukfs_close(fs, dfd) == -1)
		rv |= failed(shown(dst));
	return rv;
}

/* Make room for a new non-directory dst: remove what is there. */
static int
clear_target(const char *dst)
{
	struct stat dst_st;

	if (ukfs_lstat(fs, dst, &dst_st) == -1)
		return 0;
	if (S_ISDIR(dst_st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (iflag && !fsu_prompt("overwrite %s? (y/n [n]) ",
		    shown(dst))) {
		fprintf(stderr, "not overwritten\n");
		return 1;
	}
	return ukfs_remove(fs, dst) == -1 ? -1 : 0;
}

static int
copy_link(const char *accpath, const char *src, const char *dst)
{
	char target[4096];
	ssize_t n;
	int r;

	if ((n = ukfs_readlink(fs, accpath, target, sizeof(target) - 1)) ==
	    -1)
		return failed(src);
	target[n] = '\0';
	if ((r = clear_target(dst)) != 0)
		return r < 0 ? failed(shown(dst)) : 0;
	if (ukfs_symlink(fs, target, dst) == -1)
		return failed(shown(dst));
	return 0;
}

static int
copy_special(const char *dst, const struct stat *st)
{
	mode_t mode = st->st_mode & (pflag ? ALLPERMS : ACCESSPERMS & ~cmask);
	int r;

	if ((r = clear_target(dst)) != 0)
		return r < 0 ? failed(shown(dst)) : 0;
	if (ukfs_mknod(fs, dst, (st->st_mode & S_IFMT) | mode,
	    st->st_rdev) == -1)
		return failed(shown(dst));
	return 0;
}

/* Make (or reuse) the target directory; FSU_WALK_* for the walk. */
static int
copy_dir(const char *dst, const struct stat *st)
{
	struct stat dst_st;
	mode_t mode = st->st_mode & ALLPERMS & ~(pflag ? 0 : cmask);

	if (ukfs_mkdir(fs, dst, mode) == 0)
		return 0;
	if (errno == EEXIST && ukfs_stat(fs, dst, &dst_st) == 0) {
		if (S_ISDIR(dst_st.st_mode))
			return 0;
		errno = ENOTDIR;
	}
	fsu_warn("%s", shown(dst));
	return FSU_WALK_SKIP | FSU_WALK_FAIL;
}

/* The target of the entry at path (a path of the walk below co_src). */
static const char *
target_of(struct cp_op *op, const char *path)
{
	const char *rest = path + op->co_srclen;
	size_t need;
	char *p;

	while (*rest == '/')
		rest++;
	need = strlen(op->co_dst) + 1 + strlen(rest) + 1;
	if (need > op->co_cap) {
		if ((p = realloc(op->co_path, need)) == NULL)
			fsu_err(1, NULL);
		op->co_path = p;
		op->co_cap = need;
	}
	(void)snprintf(op->co_path, need, "%s%s%s", op->co_dst,
	    rest[0] != '\0' && op->co_dst[strlen(op->co_dst) - 1] != '/' ?
	    "/" : "", rest);
	return op->co_path;
}

static int
cp_visit(struct ukfs *ufs, struct fsu_walk_ent *we, void *arg)
{
	const struct stat *st = &we->we_st;
	const char *dst;
	int r, nofollow;

	if (we->we_info == FSU_W_ERR) {
		fsu_walk_warn(we);
		return FSU_WALK_FAIL;
	}
	dst = target_of(arg, we->we_path);
	nofollow = S_ISLNK(st->st_mode);
	if (we->we_info == FSU_W_DP)
		return pflag && preserve(we->we_accpath, dst, st, 0) ?
		    FSU_WALK_FAIL : 0;
	if (S_ISDIR(st->st_mode))
		r = copy_dir(dst, st);
	else if (S_ISLNK(st->st_mode))
		r = copy_link(we->we_accpath, we->we_path, dst);
	else if (S_ISREG(st->st_mode))
		r = copy_file(we->we_accpath, we->we_path, dst, st);
	else
		r = copy_special(dst, st);
	if (r != 0)
		return r == 1 ? FSU_WALK_FAIL : r;
	if (vflag)
		printf("%s -> %s\n", we->we_path, shown(dst));
	if (pflag && !S_ISDIR(st->st_mode) &&
	    preserve(we->we_accpath, dst, st, nofollow))
		return FSU_WALK_FAIL;
	return 0;
}

/*
 * Would a copy of directory st to dst land inside it?  dst's parent and
 * each directory above it (reached through "..") is compared with st.
 */
static int
into_itself(const struct stat *st, const char *dst)
{
	struct stat cur, up;
	char *path, *p;
	size_t len;
	int found = 0;

	len = strlen(dst);
	while (len > 1 && dst[len - 1] == '/')
		len--;
	while (len > 0 && dst[len - 1] != '/')
		len--;
	if ((path = malloc(len + 4)) == NULL)
		fsu_err(1, NULL);
	memcpy(path, dst, len);
	path[len] = '\0';
	if (len == 0)
		(void)strcpy(path, ".");
	while (!found && ukfs_stat(fs, path, &cur) == 0) {
		found = cur.st_ino == st->st_ino && cur.st_dev == st->st_dev;
		len = strlen(path);
		if ((p = realloc(path, len + 4)) == NULL)
			fsu_err(1, NULL);
		path = p;
		(void)strcpy(path + len, "/..");
		if (ukfs_stat(fs, path, &up) == -1 ||
		    (up.st_ino == cur.st_ino && up.st_dev == cur.st_dev))
			break;
	}
	free(path);
	return found;
}

/* Checks before a tree is copied: not into itself, not onto itself. */
static int
operand_ok(const char *src, const char *dst)
{
	struct stat st, dst_st;
	int r;

	r = follow == 'P' && Rflag ? ukfs_lstat(fs, src, &st) :
	    ukfs_stat(fs, src, &st);
	if (r == -1) {
		fsu_warn("%s", src);
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return 1;
	if (!Rflag) {
		fsu_warnx("%s is a directory (not copied)", src);
		return 0;
	}
	if (ukfs_stat(fs, dst, &dst_st) == 0 && dst_st.st_ino == st.st_ino &&
	    dst_st.st_dev == st.st_dev) {
		fsu_warnx("%s and %s are identical (not copied)", src,
		    shown(dst));
		return 0;
	}
	if (into_itself(&st, dst)) {
		fsu_warnx("cannot copy a directory, %s, into itself, %s", src,
		    shown(dst));
		return 0;
	}
	return 1;
}

/* Copy operand src to dst (a path in the image, made absolute here). */
static int
copy_operand(const char *src, const char *dst)
{
	struct cp_op op;
	char *abs;
	int flags = 0, rv;

	if (src[0] == '\0') {
		errno = ENOENT;
		return failed(src);
	}
	if ((abs = malloc(strlen(dst) + 2)) == NULL)
		fsu_err(1, NULL);
	dst_skip = dst[0] == '/' ? 0 : 1;
	(void)snprintf(abs, strlen(dst) + 2, "%s%s", dst_skip ? "/" : "",
	    dst);
	if (!operand_ok(src, abs)) {
		free(abs);
		return 1;
	}
	memset(&op, 0, sizeof(op));
	op.co_src = src;
	op.co_srclen = strlen(src);
	op.co_dst = abs;
	if (!Rflag || follow == 'H')
		flags = FSU_WALK_FOLLOW;
	else if (follow == 'L')
		flags = FSU_WALK_LOGICAL;
	rv = fsu_walk(fs, src, flags, cp_visit, &op) != 0;
	free(op.co_path);
	free(abs);
	return rv;
}

static int
cp_main(struct ukfs *ufs, int argc, char **argv)
{
	struct stat st;
	int ch, todir, rv;

	fs = ufs;
	fflag = iflag = pflag = Rflag = vflag = 0;
	follow = 'P';
	dst_skip = 0;
	while ((ch = getopt(argc, argv, "+fHiLPpRv")) != -1) {
		switch (ch) {
		case 'f':
			fflag = 1;
			iflag = 0;
			break;
		case 'H':
		case 'L':
		case 'P':
			follow = ch;
			break;
		case 'i':
			iflag = 1;
			fflag = 0;
			break;
		case 'p':
			pflag = 1;
			break;
		case 'R':
			Rflag = 1;
			break;
		case 'v':
			vflag = 1;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		fsu_usage();
	cmask = fsu_umask();
	if ((buf = malloc(CP_BUFSIZE)) == NULL)
		fsu_err(1, NULL);
	todir = ukfs_stat(fs, argv[argc - 1], &st) == 0 &&
	    S_ISDIR(st.st_mode);
	rv = fsu_targets(argc, argv, todir, copy_operand);
	free(buf);
	buf = NULL;
	return rv;
}

const struct fsu_prog fsu_cp_prog = {
	.fp_name = "cp",
	.fp_flags = 0,
	.fp_usage = "[-R [-H | -L | -P]] [-f | -i] [-p] "
	    "[-v] source target\n"
	    "       fsu_cp [-t fstype] [-o mntopts] [-p partition] [-v] image "
	    "[-R [-H | -L | -P]] [-f | -i] [-p] [-v] source ... directory",
	.fp_main = cp_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_cp_prog, argc, argv);
}
#endif
