/*
 * ffs_namei.c: the vnode operations that change the name space: create
 * (files, devices, fifos, sockets), mkdir, symlink, link, remove, rmdir
 * and rename.
 *
 * Order of writes.  A new inode is written before the entry naming it;
 * a link count goes up before an entry is added and down after one is
 * removed, so that an interrupted command leaves at worst a count that
 * is too high (an orphan fsck can collect), never an entry pointing at a
 * free inode.  Unlinked inodes are freed by ffs_inactive when their last
 * vnode reference goes.
 *
 * Link counts of directories: "." counts for the directory itself, its
 * entry in the parent for one more, and each subdirectory's ".." for one
 * on the parent.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/genfs.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"
#include "dinode.h"
#include "dir.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

#define FFS_LINK_MAX	32767

/* Directory entry type of an inode. */
static uint8_t
ip_dtype(const struct inode *ip)
{
	return vtype_to_dt(vtype_from_mode(ip->i_mode));
}

/*
 * Directory dp loses a subdirectory (whose ".." counted as one of its
 * links): with ".", its name and that subdirectory it had at least three.
 * Fewer means its link count is corrupt, and going on would drop it to
 * the point where it is freed while still named.
 */
static int
dir_losesub(struct inode *dp)
{
	if (dp->i_nlink >= 3)
		return 0;
	return ffs_corrupt(dp->i_ump, "directory %llu: link count %d is too "
	    "low for a subdirectory", (unsigned long long)dp->i_number,
	    dp->i_nlink);
}

/* May entries be added to or removed from directory dp? */
static int
dir_changeable(const struct inode *dp)
{
	if (dp->i_nlink <= 0)
		return ENOENT;		/* removed, still open */
	if (dp->i_flags & (IMMUTABLE | APPEND))
		return EPERM;
	return 0;
}

/*
 * Write a fresh dinode for inode ino (just allocated, so free on disk)
 * with the given mode, owner and link count.
 */
static int
inode_init(struct ufsmount *ump, ino_t ino, mode_t mode, uid_t uid,
    gid_t gid, int nlink)
{
	struct fs *fs = ump->um_fs;
	union ffs_dinode din;
	struct ktimespec now;
	struct buf *bp;
	uint32_t gen, off = ffs_ino_to_fsbo(fs, ino) * ump->um_isize;
	int error;

	error = bread(ump->um_devvp, ffs_fsbtodb(fs, ffs_ino_to_fsba(fs, ino)),
	    fs->fs_bsize, &bp);
	if (error != 0)
		return error;
	ffs_dinode_decode(ump, (uint8_t *)bp->b_data + off, &din);
	if ((ump->um_ufs2 ? din.ffs2.di_mode : din.ffs1.di_mode) != 0) {
		brelse(bp, 0);
		kprintf("ffs: %s: allocated inode %llu is in use\n",
		    ump->um_devname, (unsigned long long)ino);
		return EIO;
	}
	gen = (uint32_t)(ump->um_ufs2 ? din.ffs2.di_gen : din.ffs1.di_gen);
	gen = ffs_newgen(ino, gen);
	vfs_timestamp(&now);
	memset(&din, 0, sizeof(din));
	if (ump->um_ufs2) {
		din.ffs2.di_mode = (uint16_t)mode;
		din.ffs2.di_nlink = (int16_t)nlink;
		din.ffs2.di_uid = uid;
		din.ffs2.di_gid = gid;
		din.ffs2.di_gen = (int32_t)gen;
		din.ffs2.di_atime = din.ffs2.di_mtime = din.ffs2.di_ctime =
		    din.ffs2.di_birthtime = now.tv_sec;
		din.ffs2.di_atimensec = din.ffs2.di_mtimensec =
		    din.ffs2.di_ctimensec = din.ffs2.di_birthnsec = now.tv_nsec;
	} else {
		din.ffs1.di_mode = (uint16_t)mode;
		din.ffs1.di_nlink = (int16_t)nlink;
		if (ump->um_oldids) {
			din.ffs1.di_ouid = (uint16_t)uid;
			din.ffs1.di_ogid = (uint16_t)gid;
		} else {
			din.ffs1.di_uid = uid;
			din.ffs1.di_gid = gid;
		}
		din.ffs1.di_gen = (int32_t)gen;
		din.ffs1.di_atime = din.ffs1.di_mtime = din.ffs1.di_ctime =
		    (int32_t)now.tv_sec;
		din.ffs1.di_atimensec = din.ffs1.di_mtimensec =
		    din.ffs1.di_ctimensec = now.tv_nsec;
	}
	ffs_dinode_encode(ump, &din, (uint8_t *)bp->b_data + off);
	bdwrite(bp);
	return 0;
}

/*
 * A new inode of the given file type and link count for directory dvp,
 * returned referenced.  On failure nothing is left allocated.
 */
static int
make_inode(struct vnode *dvp, const struct vattr *va, enum vtype type,
    int nlink, struct vnode **vpp)
{
	struct inode *dp = VTOI(dvp);
	struct ufsmount *ump = dp->i_ump;
	mode_t mode = vtype_to_ifmt(type) | (va->va_mode & ALLPERMS);
	ino_t ino;
	int error;

	if ((error = ffs_valloc(dp, mode, &ino)) != 0)
		return error;
	error = inode_init(ump, ino, mode, va->va_uid, va->va_gid, nlink);
	if (error == 0 && (error = vcache_get(dvp->v_mount, ino, vpp)) == 0)
		return 0;
	(void)ffs_vfree(ump, ino, mode);
	return error;
}

/* Undo make_inode after a later failure: the inode frees itself. */
static void
unmake_inode(struct vnode *vp)
{
	struct inode *ip = VTOI(vp);

	ip->i_nlink = 0;
	ffs_imodified(ip, IN_CHANGE);
	vrele(vp);
}

int
ffs_create(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, struct vnode **vpp)
{
	struct inode *dp = VTOI(dvp), *ip;
	struct vnode *vp;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (va->va_type == VDIR || va->va_type == VLNK ||
	    vtype_to_ifmt(va->va_type) == 0)
		return EINVAL;
	if ((error = make_inode(dvp, va, va->va_type, 1, &vp)) != 0)
		return error;
	ip = VTOI(vp);
	if (vp->v_type == VCHR || vp->v_type == VBLK) {
		ffs_ip_setdb(ip, 0, (int64_t)(uint32_t)va->va_rdev);
		vp->v_rdev = (dev_t)(uint32_t)va->va_rdev;
	}
	if ((error = ffs_update(ip)) == 0)
		error = ffs_direnter(dp, name, len, ip->i_number,
		    ip_dtype(ip));
	if (error != 0) {
		unmake_inode(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

int
ffs_mkdir(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, struct vnode **vpp)
{
	struct inode *dp = VTOI(dvp), *ip;
	struct vnode *vp;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (dp->i_nlink >= FFS_LINK_MAX)
		return EMLINK;
	if ((error = make_inode(dvp, va, VDIR, 2, &vp)) != 0)
		return error;
	ip = VTOI(vp);
	error = ffs_dirinit(ip, dp->i_number);
	if (error == 0)
		error = ffs_update(ip);
	if (error == 0) {
		dp->i_nlink++;
		ffs_imodified(dp, IN_CHANGE);
		if ((error = ffs_update(dp)) == 0)
			error = ffs_direnter(dp, name, len, ip->i_number,
			    DT_DIR);
		if (error != 0) {
			dp->i_nlink--;
			ffs_imodified(dp, IN_CHANGE);
		}
	}
	if (error != 0) {
		unmake_inode(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

/* Give symbolic link ip its target: in the inode, or in a block. */
static int
symlink_write(struct inode *ip, const char *target, size_t tlen)
{
	struct fs *fs = ip->i_fs;
	struct buf *bp;
	int64_t blk;
	int error;

	if (tlen < ip->i_ump->um_maxsymlinklen) {
		ffs_symlink_store(ip, target, tlen);
		ip->i_size = tlen;
		if (ip->i_ump->um_ufs2)
			ip->i_din.ffs2.di_size = tlen;
		else
			ip->i_din.ffs1.di_size = tlen;
		ffs_imodified(ip, IN_CHANGE | IN_UPDATE);
		return 0;
	}
	if ((error = ffs_balloc(ip, 0, tlen, BA_METADATA)) != 0)
		return error;
	blk = ffs_ip_db(ip, 0);
	error = bread(ip->i_ump->um_devvp, ffs_fsbtodb(fs, blk),
	    (int)ffs_blksize(fs, ip->i_size, 0), &bp);
	if (error != 0)
		return error;
	memcpy(bp->b_data, target, tlen);
	bdwrite(bp);
	return 0;
}

int
ffs_symlink(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, const char *target, struct vnode **vpp)
{
	struct inode *dp = VTOI(dvp), *ip;
	size_t tlen = strnlen(target, MAXPATHLEN);
	struct vnode *vp;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (tlen == 0 || tlen >= MAXPATHLEN)
		return tlen == 0 ? ENOENT : ENAMETOOLONG;
	if ((error = make_inode(dvp, va, VLNK, 1, &vp)) != 0)
		return error;
	ip = VTOI(vp);
	error = symlink_write(ip, target, tlen);
	if (error == 0)
		error = ffs_update(ip);
	if (error == 0)
		error = ffs_direnter(dp, name, len, ip->i_number, DT_LNK);
	if (error != 0) {
		unmake_inode(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

int
ffs_link(struct vnode *dvp, struct vnode *vp, const char *name, size_t len)
{
	struct inode *dp = VTOI(dvp), *ip = VTOI(vp);
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (vp->v_type == VDIR)
		return EPERM;
	if (ip->i_flags & (IMMUTABLE | APPEND))
		return EPERM;
	if (ip->i_nlink >= FFS_LINK_MAX)
		return EMLINK;
	ip->i_nlink++;
	ffs_imodified(ip, IN_CHANGE);
	if ((error = ffs_update(ip)) == 0)
		error = ffs_direnter(dp, name, len, ip->i_number,
		    ip_dtype(ip));
	if (error != 0) {
		ip->i_nlink--;
		ffs_imodified(ip, IN_CHANGE);
	}
	return error;
}

int
ffs_remove(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t len)
{
	struct inode *dp = VTOI(dvp), *ip = VTOI(vp);
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (ip->i_flags & (IMMUTABLE | APPEND))
		return EPERM;
	if ((error = ffs_dirremove(dp, name, len, ip->i_number)) != 0)
		return error;
	ip->i_nlink--;
	ffs_imodified(ip, IN_CHANGE);
	return 0;
}

int
ffs_rmdir(struct vnode *dvp, struct vnode *vp, const char *name, size_t len)
{
	struct inode *dp = VTOI(dvp), *ip = VTOI(vp);
	bool empty;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (ip->i_flags & (IMMUTABLE | APPEND))
		return EPERM;
	if (vp->v_mountedhere != NULL)
		return EBUSY;
	if ((error = ffs_dirempty(ip, &empty)) != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	if ((error = dir_losesub(dp)) != 0 ||
	    (error = ffs_dirremove(dp, name, len, ip->i_number)) != 0)
		return error;
	dp->i_nlink--;
	ffs_imodified(dp, IN_CHANGE);
	ip->i_nlink = 0;
	ffs_imodified(ip, IN_CHANGE);
	return 0;
}

/* The target exists: make its entry name the source's inode. */
static int
rename_replace(struct inode *tdp, struct inode *fip, struct inode *tip,
    const char *tname, size_t tlen)
{
	bool empty;
	int error;

	if (tip->i_flags & (IMMUTABLE | APPEND))
		return EPERM;
	if ((tip->i_mode & S_IFMT) == S_IFDIR) {
		if ((error = ffs_dirempty(tip, &empty)) != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
		if ((error = dir_losesub(tdp)) != 0)
			return error;
	}
	error = ffs_dirrewrite(tdp, tname, tlen, fip->i_number,
	    ip_dtype(fip));
	if (error != 0)
		return error;
	if ((tip->i_mode & S_IFMT) == S_IFDIR) {
		tip->i_nlink = 0;
		tdp->i_nlink--;		/* tip's ".." */
		ffs_imodified(tdp, IN_CHANGE);
	} else {
		tip->i_nlink--;
	}
	ffs_imodified(tip, IN_CHANGE);
	return 0;
}

int
ffs_rename(struct vnode *fdvp, struct vnode *fvp, const char *fname,
    size_t flen, struct vnode *tdvp, struct vnode *tvp, const char *tname,
    size_t tlen)
{
	struct inode *fdp = VTOI(fdvp), *fip = VTOI(fvp), *tdp = VTOI(tdvp);
	bool isdir = fvp->v_type == VDIR, moved = isdir && fdp != tdp;
	int error;

	if ((error = dir_changeable(fdp)) != 0 ||
	    (error = dir_changeable(tdp)) != 0)
		return error;
	if (fip->i_flags & (IMMUTABLE | APPEND))
		return EPERM;
	if (moved && tvp == NULL && tdp->i_nlink >= FFS_LINK_MAX)
		return EMLINK;
	if (moved && (error = dir_losesub(fdp)) != 0)
		return error;
	/* Held up while it has two names. */
	fip->i_nlink++;
	ffs_imodified(fip, IN_CHANGE);
	if ((error = ffs_update(fip)) != 0)
		goto out;
	if (moved) {
		tdp->i_nlink++;		/* fip's ".." will name it */
		ffs_imodified(tdp, IN_CHANGE);
	}
	if (tvp != NULL)
		error = rename_replace(tdp, fip, VTOI(tvp), tname, tlen);
	else
		error = ffs_direnter(tdp, tname, tlen, fip->i_number,
		    ip_dtype(fip));
	if (error != 0) {
		if (moved) {
			tdp->i_nlink--;
			ffs_imodified(tdp, IN_CHANGE);
		}
		goto out;
	}
	if ((error = ffs_dirremove(fdp, fname, flen, fip->i_number)) != 0)
		goto out;
	if (moved) {
		if ((error = ffs_dirsetparent(fip, tdp->i_number)) != 0)
			goto out;
		fdp->i_nlink--;
		ffs_imodified(fdp, IN_CHANGE);
	}
out:
	fip->i_nlink--;
	ffs_imodified(fip, IN_CHANGE);
	return error;
}
