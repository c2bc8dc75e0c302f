/*
 * ffs_vnops.c: vnode operations of the Fast File System.
 *
 * Two tables: ffs_vnodeops for regular files, directories and symbolic
 * links (the operations check the vnode type where it matters), and
 * ffs_specops for device nodes, fifos and sockets, which have attributes
 * but no data here.  File data is read through the page cache
 * (genfs_read over ffs_bmap) and written through it (genfs_write, which
 * allocates with ffs_balloc through ffs_genfsops); directories and
 * symbolic links are read and written through the buffer cache.  The
 * operations that change the name space are in ffs_namei.c.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/genfs.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"
#include "dinode.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

/* A time from the disk; nanoseconds out of range read as 0. */
static struct ktimespec
disktime(int64_t sec, int32_t nsec)
{
	struct ktimespec ts;

	ts.tv_sec = sec;
	ts.tv_nsec = nsec >= 0 && nsec < 1000000000 ? nsec : 0;
	return ts;
}

static void
getattr_times(const struct inode *ip, struct vattr *va)
{
	const struct ufs1_dinode *d1 = &ip->i_din.ffs1;
	const struct ufs2_dinode *d2 = &ip->i_din.ffs2;

	if (ip->i_ump->um_ufs2) {
		va->va_atime = disktime(d2->di_atime, d2->di_atimensec);
		va->va_mtime = disktime(d2->di_mtime, d2->di_mtimensec);
		va->va_ctime = disktime(d2->di_ctime, d2->di_ctimensec);
		va->va_birthtime = disktime(d2->di_birthtime, d2->di_birthnsec);
	} else {
		va->va_atime = disktime(d1->di_atime, d1->di_atimensec);
		va->va_mtime = disktime(d1->di_mtime, d1->di_mtimensec);
		va->va_ctime = disktime(d1->di_ctime, d1->di_ctimensec);
		va->va_birthtime = disktime(0, 0);	/* UFS1 has none */
	}
}

/* Device number of a device node: di_db[0], BSD encoding. */
static dev_t
inode_rdev(const struct inode *ip)
{
	return (dev_t)(uint32_t)ffs_ip_db(ip, 0);
}

static int
ffs_getattr(struct vnode *vp, struct vattr *va)
{
	struct inode *ip = VTOI(vp);
	uint64_t blocks = ffs_ip_blocks(ip);

	memset(va, 0, sizeof(*va));
	va->va_type = vp->v_type;
	va->va_mode = ip->i_mode & ALLPERMS;
	va->va_nlink = ip->i_nlink > 0 ? (nlink_t)ip->i_nlink : 0;
	va->va_uid = ip->i_uid;
	va->va_gid = ip->i_gid;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = ip->i_number;
	va->va_blocksize = (uint32_t)ip->i_fs->fs_bsize;
	getattr_times(ip, va);
	va->va_gen = ip->i_gen;
	va->va_flags = ip->i_flags;
	va->va_bytes = blocks > UINT64_MAX / DEV_BSIZE ? UINT64_MAX :
	    blocks * DEV_BSIZE;
	if (vp->v_type == VCHR || vp->v_type == VBLK)
		va->va_rdev = inode_rdev(ip);
	else
		va->va_size = (off_t)ip->i_size;
	return 0;
}

static int
ffs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	return genfs_read(vp, uio, ioflag);
}

/*
 * Where the target of symbolic link ip is kept: in the inode's pointer
 * area when it is shorter than fs_maxsymlinklen; also, in file systems
 * without fast symlinks (fs_maxsymlinklen 0), when the link holds no
 * blocks, as some old systems wrote them.
 */
static bool
symlink_isfast(const struct inode *ip)
{
	struct ufsmount *ump = ip->i_ump;

	return ip->i_size < ump->um_maxsymlinklen ||
	    (ump->um_maxsymlinklen == 0 && ffs_ip_blocks(ip) == 0);
}

static int
readlink_slow(struct inode *ip, struct uio *uio)
{
	struct fs *fs = ip->i_fs;
	struct buf *bp;
	int64_t blk;
	int error;

	if ((error = ffs_bmap_lbn(ip, 0, &blk, NULL)) != 0)
		return error;
	if (blk == 0) {
		kprintf("ffs: %s: inode %llu: symbolic link without a "
		    "block\n", ip->i_ump->um_devname,
		    (unsigned long long)ip->i_number);
		return EIO;
	}
	if ((error = bread(ip->i_ump->um_devvp, ffs_fsbtodb(fs, blk),
	    (int)roundup(ip->i_size, DEV_BSIZE), &bp)) != 0)
		return error;
	error = uiomove(bp->b_data, (size_t)ip->i_size, uio);
	brelse(bp, 0);
	return error;
}

static int
ffs_readlink(struct vnode *vp, struct uio *uio)
{
	struct inode *ip = VTOI(vp);
	char target[UFS2_SYMLINKAREA];

	if (vp->v_type != VLNK)
		return EINVAL;
	if (ip->i_size == 0 || ip->i_size >= MAXPATHLEN) {
		kprintf("ffs: %s: inode %llu: symbolic link of %llu bytes\n",
		    ip->i_ump->um_devname, (unsigned long long)ip->i_number,
		    (unsigned long long)ip->i_size);
		return EIO;
	}
	if (!symlink_isfast(ip))
		return readlink_slow(ip, uio);
	if (ip->i_size > ip->i_ump->um_symlinkarea) {
		kprintf("ffs: %s: inode %llu: in-inode symbolic link of %llu "
		    "bytes\n", ip->i_ump->um_devname,
		    (unsigned long long)ip->i_number,
		    (unsigned long long)ip->i_size);
		return EIO;
	}
	ffs_symlink_target(ip, target);
	return uiomove(target, (size_t)ip->i_size, uio);
}

/*
 * Writing.  File data goes through the page cache (genfs_write), which
 * asks ffs_gop_alloc for storage and ffs_gop_setsize for the new size.
 */
static int
ffs_gop_alloc(struct vnode *vp, off_t off, size_t len)
{
	return ffs_balloc(VTOI(vp), off, len, 0);
}

static void
ffs_gop_setsize(struct vnode *vp, off_t size)
{
	struct inode *ip = VTOI(vp);

	ip->i_size = (uint64_t)size;
	if (ip->i_ump->um_ufs2)
		ip->i_din.ffs2.di_size = (uint64_t)size;
	else
		ip->i_din.ffs1.di_size = (uint64_t)size;
	ffs_imodified(ip, IN_CHANGE | IN_UPDATE);
}

const struct genfs_ops ffs_genfsops = {
	.gop_alloc = ffs_gop_alloc,
	.gop_setsize = ffs_gop_setsize,
};

/*
 * VOP_WRITE.  The modification and change times move only if something
 * was written: a write that fails at once (ENOSPC on a full file system)
 * leaves the file as it was.
 */
static int
ffs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct inode *ip = VTOI(vp);
	off_t start = (ioflag & IO_APPEND) ? vp->v_size : uio->uio_offset;
	size_t resid = uio->uio_resid;
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	if (uio->uio_resid == 0)
		return 0;
	if (start < 0 || (uint64_t)start + uio->uio_resid >
	    ip->i_ump->um_maxfilesize)
		return EFBIG;
	error = genfs_write(vp, uio, ioflag);
	if (uio->uio_resid < resid)
		ffs_imodified(ip, IN_CHANGE | IN_UPDATE);
	if (error == 0 && (ioflag & IO_SYNC))
		error = ffs_update(ip);
	return error;
}

/*
 * Write a zero byte at off of a regular file, through the page cache:
 * that gives the block holding off storage, zero-filled where it was a
 * hole, and grows the file to off + 1 if it was shorter.
 */
static int
write_zerobyte(struct vnode *vp, off_t off)
{
	struct kiovec iov;
	struct uio uio;
	char zero = 0;

	uio_setup(&uio, &iov, &zero, 1, off, UIO_WRITE);
	return ffs_write(vp, &uio, 0);
}

/*
 * Change the size of a regular file.  Growing writes the new last byte;
 * shrinking to a size inside a hole first fills that block (with zeros),
 * because the last block of a file is never a hole: the allocator sizes
 * a partial last block by the file size, and the page cache expects the
 * block holding the end of file to have storage.
 */
static int
setattr_size(struct vnode *vp, off_t size)
{
	struct inode *ip = VTOI(vp);
	struct fs *fs = ip->i_fs;
	int64_t blk;
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (size < 0 || (uint64_t)size > ip->i_ump->um_maxfilesize)
		return EFBIG;
	if ((uint64_t)size > ip->i_size)
		return write_zerobyte(vp, size - 1);
	if ((uint64_t)size == ip->i_size) {
		ffs_imodified(ip, IN_CHANGE | IN_UPDATE);
		return 0;
	}
	if (size > 0 && (size & (fs->fs_bsize - 1)) != 0) {
		error = ffs_bmap_lbn(ip, (size - 1) >> fs->fs_bshift, &blk,
		    NULL);
		if (error == 0 && blk == 0)
			error = write_zerobyte(vp, size - 1);
		if (error != 0)
			return error;
	}
	(void)genfs_truncate(vp, size);
	error = ffs_truncate(ip, (uint64_t)size);
	vp->v_size = size;
	return error;
}

static void
setattr_times(struct inode *ip, const struct vattr *va)
{
	if (ip->i_ump->um_ufs2) {
		struct ufs2_dinode *dp = &ip->i_din.ffs2;

		if (va->va_mask & VA_ATIME) {
			dp->di_atime = va->va_atime.tv_sec;
			dp->di_atimensec = va->va_atime.tv_nsec;
		}
		if (va->va_mask & VA_MTIME) {
			dp->di_mtime = va->va_mtime.tv_sec;
			dp->di_mtimensec = va->va_mtime.tv_nsec;
		}
		if (va->va_mask & VA_BIRTHTIME) {
			dp->di_birthtime = va->va_birthtime.tv_sec;
			dp->di_birthnsec = va->va_birthtime.tv_nsec;
		}
	} else {
		struct ufs1_dinode *dp = &ip->i_din.ffs1;

		if (va->va_mask & VA_ATIME) {
			dp->di_atime = (int32_t)va->va_atime.tv_sec;
			dp->di_atimensec = va->va_atime.tv_nsec;
		}
		if (va->va_mask & VA_MTIME) {
			dp->di_mtime = (int32_t)va->va_mtime.tv_sec;
			dp->di_mtimensec = va->va_mtime.tv_nsec;
		}
	}
	if (va->va_mask & VA_ATIME)
		ip->i_flag &= ~IN_ACCESS;
	if (va->va_mask & VA_MTIME)
		ip->i_flag &= ~IN_UPDATE;
}

/*
 * VOP_SETATTR.  The VFS has checked ownership, privileges and the
 * immutable flags; times given explicitly replace the pending automatic
 * ones.
 */
static int
ffs_setattr(struct vnode *vp, const struct vattr *va)
{
	struct inode *ip = VTOI(vp);
	int error;

	if (ip->i_ump->um_rdonly)
		return EROFS;
	if ((va->va_mask & VA_SIZE) &&
	    (error = setattr_size(vp, va->va_size)) != 0)
		return error;
	if (va->va_mask & VA_FLAGS)
		ip->i_flags = va->va_flags;
	if (va->va_mask & VA_MODE)
		ip->i_mode = (ip->i_mode & S_IFMT) | (va->va_mode & ALLPERMS);
	if (va->va_mask & VA_UID)
		ip->i_uid = va->va_uid;
	if (va->va_mask & VA_GID)
		ip->i_gid = va->va_gid;
	if (va->va_mask & (VA_FLAGS | VA_MODE | VA_UID | VA_GID | VA_ATIME |
	    VA_MTIME | VA_BIRTHTIME))
		ffs_imodified(ip, IN_CHANGE);
	setattr_times(ip, va);
	return 0;
}

/* Write the file's dirty pages and its inode to the buffer cache. */
static int
ffs_fsync(struct vnode *vp, int flags)
{
	struct inode *ip = VTOI(vp);
	int error = 0;

	if (ip == NULL || ip->i_ump->um_rdonly)
		return 0;
	if (vp->v_type == VREG && vp->v_ndirty > 0)
		error = genfs_putpages(vp, 0, 0, PGO_CLEANIT);
	if (error == 0)
		error = ffs_update(ip);
	return error;
}

/*
 * The last reference to vp went.  An inode without links is freed now:
 * its blocks, then the inode itself, which is written back zeroed.
 */
static int
ffs_inactive(struct vnode *vp)
{
	struct inode *ip = VTOI(vp);
	mode_t mode = ip->i_mode;
	int error;

	if (ip->i_nlink > 0 || ip->i_ump->um_rdonly)
		return 0;
	vp->v_vflag |= VV_NOCACHE;
	(void)genfs_putpages(vp, 0, 0, PGO_FREE);
	ffs_dirhash_free(ip);
	error = ffs_truncate(ip, 0);
	vp->v_size = 0;
	if (error != 0) {
		/*
		 * Some blocks could not be freed: keep the inode (an orphan
		 * with no links, for fsck) rather than free it with block
		 * pointers still in it.
		 */
		kprintf("ffs: %s: inode %llu: not all of its blocks could "
		    "be freed (error %d); kept, without links, for fsck\n",
		    ip->i_ump->um_devname, (unsigned long long)ip->i_number,
		    error);
		ffs_imodified(ip, 0);
		(void)ffs_update(ip);
		vfs_damaged(vp->v_mount);
		return error;
	}
	ip->i_mode = 0;
	ip->i_flags = 0;
	ip->i_flag &= ~IN_TIMES;
	ffs_imodified(ip, 0);
	if ((error = ffs_update(ip)) != 0)
		return error;
	return ffs_vfree(ip->i_ump, ip->i_number, mode);
}

static int
ffs_reclaim(struct vnode *vp)
{
	ffs_inode_free(VTOI(vp));
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops ffs_vnodeops = {
	.vop_fsname = "ffs",
	.vop_lookup = ffs_lookup,
	.vop_create = ffs_create,
	.vop_mkdir = ffs_mkdir,
	.vop_symlink = ffs_symlink,
	.vop_link = ffs_link,
	.vop_remove = ffs_remove,
	.vop_rmdir = ffs_rmdir,
	.vop_rename = ffs_rename,
	.vop_getattr = ffs_getattr,
	.vop_setattr = ffs_setattr,
	.vop_read = ffs_read,
	.vop_write = ffs_write,
	.vop_readdir = ffs_readdir,
	.vop_readlink = ffs_readlink,
	.vop_fsync = ffs_fsync,
	.vop_inactive = ffs_inactive,
	.vop_reclaim = ffs_reclaim,
	.vop_bmap = ffs_bmap,
};

static int
spec_rw(struct vnode *vp, struct uio *uio, int ioflag)
{
	return EOPNOTSUPP;
}

const struct vnodeops ffs_specops = {
	.vop_fsname = "ffs",
	.vop_lookup = genfs_notdir_lookup,
	.vop_create = ffs_create,
	.vop_mkdir = ffs_mkdir,
	.vop_symlink = ffs_symlink,
	.vop_link = ffs_link,
	.vop_remove = ffs_remove,
	.vop_rmdir = ffs_rmdir,
	.vop_rename = ffs_rename,
	.vop_getattr = ffs_getattr,
	.vop_setattr = ffs_setattr,
	.vop_read = spec_rw,
	.vop_write = spec_rw,
	.vop_readdir = genfs_notdir_readdir,
	.vop_readlink = genfs_notlnk_readlink,
	.vop_fsync = ffs_fsync,
	.vop_inactive = ffs_inactive,
	.vop_reclaim = ffs_reclaim,
	.vop_bmap = genfs_nobmap,
};
