/*
 * msdosfs_vnops.c: vnode operations of the FAT file system.
 *
 * One table serves regular files and directories (the operations check
 * the type where it matters).  File data is read through the page cache
 * (genfs_read over msdosfs_bmap) and written through it (genfs_write,
 * which adds clusters with msdosfs_gop_alloc); directories are read and
 * written through the buffer cache (msdosfs_lookup.c, msdosfs_dirops.c).
 * FAT has no holes: a write or truncation past the end of a file first
 * writes zeros up to where it starts, so that every cluster of a file is
 * allocated and written.  Files are at most 4 GiB - 1 bytes (EFBIG).
 *
 * Attributes.  Owner, group and permissions come from the mount options
 * (uid, gid, mask, dirmask); the read-only attribute takes the write bits
 * away, and chmod sets it when the owner's write bit goes and clears it
 * when that comes back (other bits are ignored).  chown to any other
 * owner or group fails with EPERM.  The hidden, system, archive and
 * read-only attributes are the file flags UF_HIDDEN, UF_SYSTEM,
 * UF_ARCHIVE and UF_READONLY (as FreeBSD), which chflags sets; other
 * flags are EOPNOTSUPP.  Times: the write time is the modification time
 * and the change time, the creation time the birth time, the access
 * date the access time (at midnight); reading does not set it.  The root
 * directory has no entry: its times are 1980-01-01 and changing its
 * attributes is EPERM.  Every file has one link; the file number is its
 * key (denode.h).
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/genfs.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"
#include "denode.h"
#include "direntry.h"
#include "fat.h"
#include "msdosfs_extern.h"

#define MSDOSFS_MAXFILESIZE	0xffffffffULL

/* File flags for the attributes, as FreeBSD numbers them. */
#define UF_SYSTEM	0x00000080
#define UF_ARCHIVE	0x00000800
#define UF_READONLY	0x00001000
#define UF_HIDDEN	0x00008000
#define MSDOSFS_FLAGS	(UF_SYSTEM | UF_ARCHIVE | UF_READONLY | UF_HIDDEN)

static char zeros[PAGE_SIZE];

static uint32_t
attr_flags(uint8_t attr)
{
	return ((attr & ATTR_SYSTEM) ? UF_SYSTEM : 0) |
	    ((attr & ATTR_ARCHIVE) ? UF_ARCHIVE : 0) |
	    ((attr & ATTR_READONLY) ? UF_READONLY : 0) |
	    ((attr & ATTR_HIDDEN) ? UF_HIDDEN : 0);
}

static int
msdosfs_getattr(struct vnode *vp, struct vattr *va)
{
	struct denode *dep = VTODE(vp);
	struct msdosfsmount *pmp = dep->de_pmp;
	bool isdir = vp->v_type == VDIR;
	mode_t mode = ACCESSPERMS;

	memset(va, 0, sizeof(*va));
	if (dep->de_attr & ATTR_READONLY)
		mode &= ~(mode_t)0222;
	va->va_type = vp->v_type;
	va->va_mode = mode & (isdir ? pmp->pm_dirmask : pmp->pm_mask);
	va->va_nlink = 1;
	va->va_uid = pmp->pm_uid;
	va->va_gid = pmp->pm_gid;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = dep->de_key;
	va->va_size = (off_t)dep->de_size;
	va->va_blocksize = pmp->pm_csize;
	msdosfs_dos2unix(pmp, dep->de_mdate, dep->de_mtime, 0, &va->va_mtime);
	va->va_ctime = va->va_mtime;
	msdosfs_dos2unix(pmp, dep->de_adate, 0, 0, &va->va_atime);
	msdosfs_dos2unix(pmp, dep->de_cdate, dep->de_ctime, dep->de_ctenth,
	    &va->va_birthtime);
	va->va_flags = attr_flags(dep->de_attr);
	va->va_bytes = roundup((uint64_t)dep->de_size, pmp->pm_csize);
	return 0;
}

static int
msdosfs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	if (vp->v_type == VDIR)
		return EISDIR;
	return genfs_read(vp, uio, ioflag);
}

/*
 * Writing.  genfs_write asks msdosfs_gop_alloc for the cluster of every
 * block it writes at or past the end of the file; clusters are only ever
 * added at the end (a write past the end has been preceded by zeros).
 */
static int
msdosfs_gop_alloc(struct vnode *vp, off_t off, size_t len)
{
	struct denode *dep = VTODE(vp);
	uint64_t lcn = (uint64_t)off >> dep->de_pmp->pm_cshift;
	uint32_t cn;
	int error;

	if ((error = msdosfs_map(dep)) != 0)
		return error;
	if (lcn < dep->de_nclust)
		return 0;
	if (lcn > dep->de_nclust)
		return EIO;
	return msdosfs_addclust(dep, &cn);
}

static void
msdosfs_gop_setsize(struct vnode *vp, off_t size)
{
	struct denode *dep = VTODE(vp);

	dep->de_size = (uint32_t)size;
	msdosfs_modified(dep, DE_UPDATE);
}

const struct genfs_ops msdosfs_genfsops = {
	.gop_alloc = msdosfs_gop_alloc,
	.gop_setsize = msdosfs_gop_setsize,
};

/* Write zeros into vp from its end up to offset end. */
static int
zero_fill(struct vnode *vp, off_t end)
{
	struct kiovec iov;
	struct uio uio;
	off_t off;
	int error;

	while ((off = vp->v_size) < end) {
		uio_setup(&uio, &iov, zeros, (size_t)MIN(end - off,
		    (off_t)sizeof(zeros)), off, UIO_WRITE);
		if ((error = genfs_write(vp, &uio, 0)) != 0)
			return error;
	}
	return 0;
}

/*
 * Give back clusters past what the size needs: left over when a write
 * failed after its cluster was added.
 */
static void
trim_chain(struct denode *dep)
{
	uint32_t need = (uint32_t)howmany((uint64_t)dep->de_size,
	    dep->de_pmp->pm_csize);

	if ((dep->de_flag & DE_MAPPED) && dep->de_nclust > need)
		(void)msdosfs_chain_cut(dep, need);
}

/*
 * VOP_WRITE.  The write time moves only if something was written: a
 * write that fails at once (ENOSPC) leaves the file as it was.
 */
static int
msdosfs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct denode *dep = VTODE(vp);
	off_t start = (ioflag & IO_APPEND) ? vp->v_size : uio->uio_offset;
	size_t resid = uio->uio_resid;
	off_t osize = vp->v_size;
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (dep->de_pmp->pm_rdonly)
		return EROFS;
	if (uio->uio_resid == 0)
		return 0;
	if (start < 0 || (uint64_t)start + uio->uio_resid >
	    MSDOSFS_MAXFILESIZE)
		return EFBIG;
	error = zero_fill(vp, start);
	if (error == 0)
		error = genfs_write(vp, uio, ioflag);
	if (uio->uio_resid < resid || vp->v_size != osize)
		msdosfs_modified(dep, DE_UPDATE);
	if (error != 0)
		trim_chain(dep);
	if (error == 0 && (ioflag & IO_SYNC))
		error = msdosfs_update(dep);
	return error;
}

/* Change the size of a regular file: zeros out, or clusters freed. */
static int
setattr_size(struct vnode *vp, off_t size)
{
	struct denode *dep = VTODE(vp);
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (size < 0 || (uint64_t)size > MSDOSFS_MAXFILESIZE)
		return EFBIG;
	if (size > vp->v_size) {
		error = zero_fill(vp, size);
		if (error != 0)
			trim_chain(dep);
		msdosfs_modified(dep, DE_UPDATE);
		return error;
	}
	(void)genfs_truncate(vp, size);
	error = msdosfs_truncate(dep, (uint32_t)size);
	vp->v_size = size;
	return error;
}

/* Owner and group: only what the mount gives every file. */
static int
setattr_owner(struct msdosfsmount *pmp, const struct vattr *va)
{
	if ((va->va_mask & VA_UID) && va->va_uid != pmp->pm_uid)
		return EPERM;
	if ((va->va_mask & VA_GID) && va->va_gid != pmp->pm_gid)
		return EPERM;
	return 0;
}

static void
setattr_times(struct denode *dep, const struct vattr *va)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	uint16_t t;

	if (va->va_mask & VA_ATIME)
		msdosfs_unix2dos(pmp, &va->va_atime, &dep->de_adate, &t, NULL);
	if (va->va_mask & VA_MTIME) {
		msdosfs_unix2dos(pmp, &va->va_mtime, &dep->de_mdate,
		    &dep->de_mtime, NULL);
		dep->de_flag &= ~DE_UPDATE;
	}
	if (va->va_mask & VA_BIRTHTIME)
		msdosfs_unix2dos(pmp, &va->va_birthtime, &dep->de_cdate,
		    &dep->de_ctime, &dep->de_ctenth);
}

/*
 * VOP_SETATTR.  The VFS has checked ownership and privileges; times
 * given explicitly replace the pending automatic ones.
 */
static int
msdosfs_setattr(struct vnode *vp, const struct vattr *va)
{
	struct denode *dep = VTODE(vp);
	uint32_t other = va->va_mask & ~(VA_SIZE | VA_UID | VA_GID);
	int error;

	if (dep->de_pmp->pm_rdonly)
		return EROFS;
	if ((error = setattr_owner(dep->de_pmp, va)) != 0)
		return error;
	if ((va->va_mask & VA_FLAGS) && (va->va_flags & ~MSDOSFS_FLAGS))
		return EOPNOTSUPP;
	if ((dep->de_flag & DE_ROOT) && other != 0)
		return EPERM;
	if ((va->va_mask & VA_SIZE) &&
	    (error = setattr_size(vp, va->va_size)) != 0)
		return error;
	if (va->va_mask & VA_FLAGS) {
		dep->de_attr &= (uint8_t)~(ATTR_SYSTEM | ATTR_ARCHIVE |
		    ATTR_READONLY | ATTR_HIDDEN);
		dep->de_attr |= ((va->va_flags & UF_SYSTEM) ? ATTR_SYSTEM : 0) |
		    ((va->va_flags & UF_ARCHIVE) ? ATTR_ARCHIVE : 0) |
		    ((va->va_flags & UF_READONLY) ? ATTR_READONLY : 0) |
		    ((va->va_flags & UF_HIDDEN) ? ATTR_HIDDEN : 0);
	}
	if (va->va_mask & VA_MODE) {
		if (va->va_mode & 0200)
			dep->de_attr &= (uint8_t)~ATTR_READONLY;
		else
			dep->de_attr |= ATTR_READONLY;
	}
	setattr_times(dep, va);
	if (other != 0)
		msdosfs_modified(dep, 0);
	return 0;
}

/* Write the file's dirty pages and its entry to the buffer cache. */
static int
msdosfs_fsync(struct vnode *vp, int flags)
{
	struct denode *dep = VTODE(vp);
	int error = 0;

	if (dep == NULL || dep->de_pmp->pm_rdonly)
		return 0;
	if (vp->v_type == VREG && vp->v_ndirty > 0)
		error = genfs_putpages(vp, 0, 0, PGO_CLEANIT);
	if (error == 0)
		error = msdosfs_update(dep);
	return error;
}

/*
 * The last reference to vp went.  A removed file's clusters are freed
 * now (its entry is already gone).
 */
static int
msdosfs_inactive(struct vnode *vp)
{
	struct denode *dep = VTODE(vp);
	struct msdosfsmount *pmp = dep->de_pmp;
	int error = 0;

	if ((dep->de_flag & DE_REMOVED) == 0 || pmp->pm_rdonly)
		return 0;
	vp->v_vflag |= VV_NOCACHE;
	(void)genfs_putpages(vp, 0, 0, PGO_FREE);
	if (dep->de_start != 0) {
		if (msdosfs_map(dep) == 0)
			error = msdosfs_chain_cut(dep, 0);
		else
			error = msdosfs_chain_free(pmp, dep->de_start,
			    (dep->de_attr & ATTR_DIRECTORY) != 0);
		if (error != 0)
			pmp->pm_wrerror = true;
		dep->de_start = 0;
		msdosfs_ext_cut(dep, 0);
	}
	vp->v_size = 0;
	return error;
}

static int
msdosfs_reclaim(struct vnode *vp)
{
	msdosfs_denode_free(VTODE(vp));
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops msdosfs_vnodeops = {
	.vop_fsname = "msdos",
	.vop_lookup = msdosfs_lookup,
	.vop_create = msdosfs_create,
	.vop_mkdir = msdosfs_mkdir,
	.vop_symlink = msdosfs_symlink,
	.vop_link = msdosfs_link,
	.vop_remove = msdosfs_remove,
	.vop_rmdir = msdosfs_rmdir,
	.vop_rename = msdosfs_rename,
	.vop_getattr = msdosfs_getattr,
	.vop_setattr = msdosfs_setattr,
	.vop_read = msdosfs_read,
	.vop_write = msdosfs_write,
	.vop_readdir = msdosfs_readdir,
	.vop_readlink = genfs_notlnk_readlink,
	.vop_fsync = msdosfs_fsync,
	.vop_inactive = msdosfs_inactive,
	.vop_reclaim = msdosfs_reclaim,
	.vop_bmap = msdosfs_bmap,
};
