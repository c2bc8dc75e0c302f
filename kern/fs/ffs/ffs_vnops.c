/*
 * ffs_vnops.c: vnode operations of the Fast File System.
 *
 * Two tables: ffs_vnodeops for regular files, directories and symbolic
 * links (the operations check the vnode type where it matters), and
 * ffs_specops for device nodes, fifos and sockets, which have attributes
 * but no data here.  File data is read through the page cache
 * (genfs_read over ffs_bmap); directories and symbolic links through the
 * buffer cache.  This driver does not write yet: every operation that
 * would change the file system answers EROFS, and fsync has nothing to
 * do.
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
	.vop_create = genfs_ro_create,
	.vop_mkdir = genfs_ro_mkdir,
	.vop_symlink = genfs_ro_symlink,
	.vop_link = genfs_ro_link,
	.vop_remove = genfs_ro_remove,
	.vop_rmdir = genfs_ro_rmdir,
	.vop_rename = genfs_ro_rename,
	.vop_getattr = ffs_getattr,
	.vop_setattr = genfs_ro_setattr,
	.vop_read = ffs_read,
	.vop_write = genfs_ro_write,
	.vop_readdir = ffs_readdir,
	.vop_readlink = ffs_readlink,
	.vop_fsync = genfs_nop_fsync,
	.vop_inactive = genfs_nop_inactive,
	.vop_reclaim = ffs_reclaim,
	.vop_bmap = ffs_bmap,
};

static int
spec_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	return EOPNOTSUPP;
}

const struct vnodeops ffs_specops = {
	.vop_fsname = "ffs",
	.vop_lookup = genfs_notdir_lookup,
	.vop_create = genfs_ro_create,
	.vop_mkdir = genfs_ro_mkdir,
	.vop_symlink = genfs_ro_symlink,
	.vop_link = genfs_ro_link,
	.vop_remove = genfs_ro_remove,
	.vop_rmdir = genfs_ro_rmdir,
	.vop_rename = genfs_ro_rename,
	.vop_getattr = ffs_getattr,
	.vop_setattr = genfs_ro_setattr,
	.vop_read = spec_read,
	.vop_write = genfs_ro_write,
	.vop_readdir = genfs_notdir_readdir,
	.vop_readlink = genfs_notlnk_readlink,
	.vop_fsync = genfs_nop_fsync,
	.vop_inactive = genfs_nop_inactive,
	.vop_reclaim = ffs_reclaim,
	.vop_bmap = genfs_nobmap,
};
