/*
 * vfs_vnops.c: helpers shared by the VFS and the file systems: uio
 * copying, directory record output, type conversions, mount option
 * checks, SEEK_DATA and SEEK_HOLE over the block map, the typed default
 * vnode operations, and the operations of a dead vnode (one whose file
 * system was forcibly unmounted under it).
 */
#include "../sys/param.h"
#include "../sys/genfs.h"
#include "../sys/mount.h"
#include "../sys/proc.h"
#include "../sys/systm.h"
#include "../sys/uio.h"
#include "../sys/vnode.h"
#include "../sys.h"

void
uio_setup(struct uio *uio, struct kiovec *iov, void *buf, size_t len,
    off_t off, enum uio_rw rw)
{
	iov->iov_base = buf;
	iov->iov_len = len;
	uio->uio_iov = iov;
	uio->uio_iovcnt = 1;
	uio->uio_offset = off;
	uio->uio_resid = len;
	uio->uio_rw = rw;
}

/*
 * Move up to n bytes between kernel buffer buf and the memory uio
 * describes, in the direction uio_rw says, advancing uio.
 */
int
uiomove(void *buf, size_t n, struct uio *uio)
{
	char *cp = buf;
	size_t cnt;

	while (n > 0 && uio->uio_resid > 0) {
		KASSERT(uio->uio_iovcnt > 0);
		cnt = MIN(uio->uio_iov->iov_len, n);
		if (cnt == 0) {
			uio->uio_iov++;
			uio->uio_iovcnt--;
			continue;
		}
		if (uio->uio_rw == UIO_READ)
			memcpy(uio->uio_iov->iov_base, cp, cnt);
		else
			memcpy(cp, uio->uio_iov->iov_base, cnt);
		uio->uio_iov->iov_base = (char *)uio->uio_iov->iov_base + cnt;
		uio->uio_iov->iov_len -= cnt;
		uio->uio_resid -= cnt;
		uio->uio_offset += (off_t)cnt;
		cp += cnt;
		n -= cnt;
	}
	return 0;
}

/*
 * Append one struct kdirent to a readdir uio.  *fullp is set (and
 * nothing copied) when the record does not fit; the file system then
 * stops and leaves uio_offset at this entry's cookie.
 */
int
vfs_dirent_put(struct uio *uio, ino_t ino, const char *name, size_t len,
    uint8_t type, bool *fullp)
{
	union {
		struct kdirent	d;
		char		buf[KDIRENT_RECLEN(NAME_MAX)];
	} u;
	size_t reclen = KDIRENT_RECLEN(len);
	off_t off = uio->uio_offset;
	int error;

	KASSERT(len <= NAME_MAX);
	if (reclen > uio->uio_resid) {
		*fullp = true;
		return 0;
	}
	*fullp = false;
	memset(&u, 0, reclen);
	u.d.d_fileno = ino;
	u.d.d_reclen = (uint16_t)reclen;
	u.d.d_namlen = (uint16_t)len;
	u.d.d_type = type;
	memcpy(u.d.d_name, name, len);
	error = uiomove(&u, reclen, uio);
	uio->uio_offset = off;	/* the file system sets the next cookie */
	return error;
}

enum vtype
vtype_from_mode(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:	return VREG;
	case S_IFDIR:	return VDIR;
	case S_IFLNK:	return VLNK;
	case S_IFBLK:	return VBLK;
	case S_IFCHR:	return VCHR;
	case S_IFIFO:	return VFIFO;
	case S_IFSOCK:	return VSOCK;
	default:	return VBAD;
	}
}

mode_t
vtype_to_ifmt(enum vtype type)
{
	switch (type) {
	case VREG:	return S_IFREG;
	case VDIR:	return S_IFDIR;
	case VLNK:	return S_IFLNK;
	case VBLK:	return S_IFBLK;
	case VCHR:	return S_IFCHR;
	case VFIFO:	return S_IFIFO;
	case VSOCK:	return S_IFSOCK;
	default:	return 0;
	}
}

uint8_t
vtype_to_dt(enum vtype type)
{
	switch (type) {
	case VREG:	return DT_REG;
	case VDIR:	return DT_DIR;
	case VLNK:	return DT_LNK;
	case VBLK:	return DT_BLK;
	case VCHR:	return DT_CHR;
	case VFIFO:	return DT_FIFO;
	case VSOCK:	return DT_SOCK;
	default:	return DT_UNKNOWN;
	}
}

/*
 * Check a comma-separated option string against the names a file system
 * accepts (a name may carry "=value"); unknown options are reported.
 */
int
vfs_checkopts(const char *opts, const char *const *known)
{
	const char *p, *e;
	size_t len, klen;
	int i;

	for (p = opts; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		len = (size_t)(e - p);
		if (len == 0)
			continue;
		for (i = 0; known[i] != NULL; i++) {
			klen = strlen(known[i]);
			if ((len == klen || (len > klen && p[klen] == '=')) &&
			    strncmp(p, known[i], klen) == 0)
				break;
		}
		if (known[i] == NULL) {
			kprintf("mount: unknown option \"%.*s\"\n", (int)len, p);
			return EINVAL;
		}
	}
	return 0;
}

/*
 * Permission check: may cred access a node with attributes va in the
 * VREAD/VWRITE/VEXEC mode?  The superuser may do anything but execute a
 * file nobody may execute.
 */
int
vaccess(const struct vattr *va, int mode, const struct kauth_cred *cred)
{
	mode_t bits;

	if (cred_superuser(cred)) {
		if ((mode & VEXEC) && va->va_type != VDIR &&
		    (va->va_mode & 0111) == 0)
			return EACCES;
		return 0;
	}
	if (cred->cr_uid == va->va_uid)
		bits = (va->va_mode >> 6) & 7;
	else if (cred_groupmember(cred, va->va_gid))
		bits = (va->va_mode >> 3) & 7;
	else
		bits = va->va_mode & 7;
	return ((mode_t)mode & ~bits) == 0 ? 0 : EACCES;
}

/* Block map calls one SEEK_DATA or SEEK_HOLE may make before it gives up. */
#define SEEKHOLE_MAXMAP	(1 << 16)

/*
 * SEEK_DATA (hole false) or SEEK_HOLE (hole true) from off in regular
 * file vp: the first byte at or after off that is data, or that is in a
 * hole (the end of file counts as a hole), through VOP_BMAP, which skips
 * a whole run of holes or contiguous blocks per call.  ENXIO when off is
 * not inside the file, or for SEEK_DATA when only holes follow.
 *
 * A file system without a block map (EOPNOTSUPP), a node that is not a
 * regular file, or a map that gets too long to follow (a corrupt file of
 * a few terabytes of one-block runs) is all data from where the walk is:
 * reporting data for a hole is allowed, since reading it gives zeros.
 * Blocks past what the map can address (EFBIG) are holes.
 */
int
vn_seekhole(struct vnode *vp, off_t off, bool hole, off_t *resp)
{
	struct vattr va;
	daddr_t lbn, last, pbn;
	off_t bpos = off;
	int error, run, shift, n;

	if ((error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	if (off < 0 || off >= va.va_size)
		return ENXIO;
	if (vp->v_type != VREG || vp->v_mount == NULL)
		goto alldata;
	shift = vp->v_mount->mnt_bshift;
	if (shift < 9 || shift > 30)
		goto alldata;
	last = (va.va_size - 1) >> shift;
	for (lbn = off >> shift, n = 0; lbn <= last; n++) {
		bpos = (off_t)lbn << shift;
		if (n == SEEKHOLE_MAXMAP)
			goto alldata;
		error = VOP_BMAP(vp, lbn, &pbn, &run);
		if (error == EOPNOTSUPP)
			goto alldata;
		if (error == EFBIG)
			break;		/* unaddressable: holes */
		if (error != 0)
			return error;
		if ((pbn == BMAP_HOLE) == hole) {
			*resp = MAX(off, bpos);
			return 0;
		}
		lbn += (daddr_t)MAX(run, 0) + 1;
	}
	if (!hole)
		return ENXIO;
	*resp = lbn <= last ? MAX(off, bpos) : va.va_size;
	return 0;
alldata:
	off = MAX(off, bpos);
	*resp = hole ? va.va_size : off;
	return 0;
}

/* Typed defaults (see genfs.h). */

int
genfs_ro_create(struct vnode *dvp, const char *nm, size_t len,
    const struct vattr *va, struct vnode **vpp)
{
	return EROFS;
}

int
genfs_ro_symlink(struct vnode *dvp, const char *nm, size_t len,
    const struct vattr *va, const char *target, struct vnode **vpp)
{
	return EROFS;
}

int
genfs_ro_link(struct vnode *dvp, struct vnode *vp, const char *nm,
    size_t len)
{
	return EROFS;
}

int
genfs_ro_rename(struct vnode *fdvp, struct vnode *fvp, const char *fnm,
    size_t flen, struct vnode *tdvp, struct vnode *tvp, const char *tnm,
    size_t tlen)
{
	return EROFS;
}

int
genfs_ro_setattr(struct vnode *vp, const struct vattr *va)
{
	return EROFS;
}

int
genfs_ro_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	return EROFS;
}

int
genfs_notdir_lookup(struct vnode *dvp, const char *nm, size_t len,
    struct vnode **vpp)
{
	return ENOTDIR;
}

int
genfs_notdir_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	return ENOTDIR;
}

int
genfs_notlnk_readlink(struct vnode *vp, struct uio *uio)
{
	return EINVAL;
}

int
genfs_nobmap(struct vnode *vp, daddr_t lbn, daddr_t *pbnp, int *runp)
{
	return EOPNOTSUPP;
}

int
genfs_nop_fsync(struct vnode *vp, int flags)
{
	return 0;
}

int
genfs_nop_inactive(struct vnode *vp)
{
	return 0;
}

int
genfs_nop_reclaim(struct vnode *vp)
{
	return 0;
}

/* A dead vnode: every operation fails with EIO, release is a no-op. */

static int
dead_lookup(struct vnode *dvp, const char *nm, size_t len, struct vnode **vpp)
{
	return EIO;
}

static int
dead_create(struct vnode *dvp, const char *nm, size_t len,
    const struct vattr *va, struct vnode **vpp)
{
	return EIO;
}

static int
dead_symlink(struct vnode *dvp, const char *nm, size_t len,
    const struct vattr *va, const char *t, struct vnode **vpp)
{
	return EIO;
}

static int
dead_link(struct vnode *dvp, struct vnode *vp, const char *nm, size_t len)
{
	return EIO;
}

static int
dead_rename(struct vnode *fdvp, struct vnode *fvp, const char *fnm,
    size_t flen, struct vnode *tdvp, struct vnode *tvp, const char *tnm,
    size_t tlen)
{
	return EIO;
}

static int
dead_getattr(struct vnode *vp, struct vattr *va)
{
	return EIO;
}

static int
dead_setattr(struct vnode *vp, const struct vattr *va)
{
	return EIO;
}

static int
dead_rw(struct vnode *vp, struct uio *uio, int ioflag)
{
	return EIO;
}

static int
dead_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	return EIO;
}

static int
dead_readlink(struct vnode *vp, struct uio *uio)
{
	return EIO;
}

static int
dead_bmap(struct vnode *vp, daddr_t lbn, daddr_t *pbnp, int *runp)
{
	return EIO;
}

const struct vnodeops dead_vnodeops = {
	.vop_fsname = "dead",
	.vop_lookup = dead_lookup,
	.vop_create = dead_create,
	.vop_mkdir = dead_create,
	.vop_symlink = dead_symlink,
	.vop_link = dead_link,
	.vop_remove = dead_link,
	.vop_rmdir = dead_link,
	.vop_rename = dead_rename,
	.vop_getattr = dead_getattr,
	.vop_setattr = dead_setattr,
	.vop_read = dead_rw,
	.vop_write = dead_rw,
	.vop_readdir = dead_readdir,
	.vop_readlink = dead_readlink,
	.vop_fsync = genfs_nop_fsync,
	.vop_inactive = genfs_nop_inactive,
	.vop_reclaim = genfs_nop_reclaim,
	.vop_bmap = dead_bmap,
};
