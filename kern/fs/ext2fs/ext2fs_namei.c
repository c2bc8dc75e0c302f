/*
 * ext2fs_namei.c: the vnode operations that change the name space:
 * create (files, devices, fifos, sockets), mkdir, symlink, link, remove,
 * rmdir and rename.
 *
 * Order of writes.  A new inode is written before the entry naming it;
 * a link count goes up before an entry is added and down after one is
 * removed, so that an interrupted command leaves at worst a count that
 * is too high, never an entry pointing at a free inode.  Unlinked inodes
 * are freed by ext2fs_inactive when their last vnode reference goes.
 *
 * New inodes.  Regular files and directories get an empty extent tree
 * when the file system has the extent feature (block maps otherwise);
 * symbolic links shorter than 60 bytes keep their target in i_block, and
 * longer ones get one block (extent-mapped with the extent feature).
 * Large inodes get i_extra_isize bytes of ext4 fields: nanosecond times
 * and a birth time.  Generation numbers are random, or reproducible under
 * SOURCE_DATE_EPOCH.
 *
 * Link counts of directories: "." counts for the directory itself, its
 * entry in the parent for one more, and each subdirectory's ".." for one
 * on the parent.  With dir_nlink a directory with more than 65000 links
 * counts 1 ("many"), as e2fsck expects; without it that is EMLINK.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/genfs.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_dir.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

#define EXT2_LINK_MAX	32000	/* without dir_nlink */
#define EXT4_LINK_MAX	65000	/* with dir_nlink */

static int32_t
link_max(const struct e2mount *ump)
{
	return E2HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_DIR_NLINK) ? EXT4_LINK_MAX :
	    EXT2_LINK_MAX;
}

/* May directory dp get one more subdirectory? */
static int
dir_canlink(const struct e2inode *dp)
{
	if (dp->i_nlink == 1 || dp->i_nlink < link_max(dp->i_ump) - 1)
		return 0;
	return E2HAS_ROCOMPAT(dp->i_ump, EXT2F_ROCOMPAT_DIR_NLINK) ? 0 :
	    EMLINK;
}

/* One more subdirectory in dp (1 stays 1: "many"). */
static void
dir_incnlink(struct e2inode *dp)
{
	if (dp->i_nlink != 1)
		dp->i_nlink = dp->i_nlink + 1 >= EXT4_LINK_MAX ? 1 :
		    dp->i_nlink + 1;
	ext2fs_imodified(dp, IN_CHANGE);
}

static void
dir_decnlink(struct e2inode *dp)
{
	if (dp->i_nlink > 2)
		dp->i_nlink--;
	ext2fs_imodified(dp, IN_CHANGE);
}

static uint8_t
ip_dtype(const struct e2inode *ip)
{
	return vtype_to_dt(vtype_from_mode(ip->i_mode));
}

/* May entries be added to or removed from directory dp? */
static int
dir_changeable(const struct e2inode *dp)
{
	if (dp->i_ump->em_rdonly)
		return EROFS;
	if (dp->i_nlink <= 0)
		return ENOENT;		/* removed, still open */
	if (dp->i_flags & (EXT2_IMMUTABLE_FL | EXT2_APPEND_FL))
		return EPERM;
	return 0;
}

/*
 * Write a fresh on-disk inode for inode ino (just allocated, so free on
 * disk) with the given mode, owner and link count.
 */
static int
inode_init(struct e2mount *ump, ino_t ino, mode_t mode, uid_t uid,
    gid_t gid, int nlink)
{
	struct ext2_dinode *dp;
	struct e2inode tmp;
	struct ktimespec now;
	struct buf *bp;
	uint64_t blk;
	uint32_t off, gen;
	int error;

	if ((error = ext2fs_inode_locate(ump, ino, &blk, &off)) != 0)
		return error == ENOENT ? EIO : error;
	if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
		return error;
	dp = (void *)((uint8_t *)bp->b_data + off);
	if (e2le16(dp->i_links_count) != 0 && e2le16(dp->i_mode) != 0) {
		brelse(bp, 0);
		kprintf("ext2fs: %s: allocated inode %llu is in use\n",
		    ump->em_devname, (unsigned long long)ino);
		return EIO;
	}
	gen = ext2fs_newgen(ino, e2le32(dp->i_generation));
	memset(dp, 0, ump->em_isize);
	memset(&tmp, 0, sizeof(tmp));
	tmp.i_ump = ump;
	tmp.i_number = ino;
	tmp.i_raw = (uint8_t *)dp;
	if (ump->em_isize > EXT2_GOOD_OLD_ISIZE)
		dp->i_extra_isize = e2le16(ump->em_extra_isize);
	tmp.i_mode = mode;
	tmp.i_nlink = nlink;
	tmp.i_uid = uid;
	tmp.i_gid = gid;
	tmp.i_gen = gen;
	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_EXTENTS) &&
	    ((mode & S_IFMT) == S_IFREG || (mode & S_IFMT) == S_IFDIR))
		ext2fs_ext_init(&tmp);
	ext2fs_din_encode(&tmp);
	vfs_timestamp(&now);
	ext2fs_din_settime(&tmp, E2T_ATIME, &now);
	ext2fs_din_settime(&tmp, E2T_MTIME, &now);
	ext2fs_din_settime(&tmp, E2T_CTIME, &now);
	ext2fs_din_settime(&tmp, E2T_BIRTHTIME, &now);
	if (E2HAS_CSUM(ump))
		ext2fs_inode_csum_set(ump, ino, dp);
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
	struct e2inode *dp = VTOE2(dvp);
	struct e2mount *ump = dp->i_ump;
	mode_t mode = vtype_to_ifmt(type) | (va->va_mode & ALLPERMS);
	ino_t ino;
	int error;

	if ((error = ext2fs_valloc(dp, mode, &ino)) != 0)
		return error;
	error = inode_init(ump, ino, mode, va->va_uid, va->va_gid, nlink);
	if (error == 0 && (error = vcache_get(dvp->v_mount, ino, vpp)) == 0)
		return 0;
	(void)ext2fs_vfree(ump, ino, mode);
	return error;
}

/* Undo make_inode after a later failure: the inode frees itself. */
static void
unmake_inode(struct vnode *vp)
{
	struct e2inode *ip = VTOE2(vp);

	ip->i_nlink = 0;
	ext2fs_imodified(ip, IN_CHANGE);
	vrele(vp);
}

int
ext2fs_create(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, struct vnode **vpp)
{
	struct e2inode *dp = VTOE2(dvp), *ip;
	struct vnode *vp;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (va->va_type == VDIR || va->va_type == VLNK ||
	    vtype_to_ifmt(va->va_type) == 0)
		return EINVAL;
	if ((error = make_inode(dvp, va, va->va_type, 1, &vp)) != 0)
		return error;
	ip = VTOE2(vp);
	if (vp->v_type == VCHR || vp->v_type == VBLK) {
		ext2fs_din_setrdev(ip, va->va_rdev);
		vp->v_rdev = ext2fs_din_rdev(ip);
	}
	if ((error = ext2fs_update(ip)) == 0)
		error = ext2fs_direnter(dp, name, len, ip->i_number,
		    ip_dtype(ip));
	if (error != 0) {
		unmake_inode(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

int
ext2fs_mkdir(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, struct vnode **vpp)
{
	struct e2inode *dp = VTOE2(dvp), *ip;
	int32_t onlink = dp->i_nlink;
	struct vnode *vp;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if ((error = dir_canlink(dp)) != 0)
		return error;
	if ((error = make_inode(dvp, va, VDIR, 2, &vp)) != 0)
		return error;
	ip = VTOE2(vp);
	error = ext2fs_dirinit(ip, dp->i_number);
	if (error == 0)
		error = ext2fs_update(ip);
	if (error == 0) {
		dir_incnlink(dp);
		if ((error = ext2fs_update(dp)) == 0)
			error = ext2fs_direnter(dp, name, len, ip->i_number,
			    DT_DIR);
		if (error != 0) {
			dp->i_nlink = onlink;
			ext2fs_imodified(dp, IN_CHANGE);
		}
	}
	if (error != 0) {
		unmake_inode(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

/* Give symbolic link ip its target: in i_block, or in a block. */
static int
symlink_write(struct e2inode *ip, const char *target, size_t tlen)
{
	struct e2mount *ump = ip->i_ump;
	struct buf *bp;
	uint64_t blk;
	int error;

	if (tlen < EXT2_MAXSYMLINKLEN) {
		memcpy(ext2fs_din_iblock_w(ip), target, tlen);
		ext2fs_setsize(ip, tlen);
		ext2fs_imodified(ip, IN_CHANGE | IN_UPDATE);
		return 0;
	}
	if (tlen >= ump->em_bsize)
		return ENAMETOOLONG;
	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_EXTENTS))
		ext2fs_ext_init(ip);
	if ((error = ext2fs_balloc(ip, 0, tlen, E2BA_METADATA)) != 0)
		return error;
	ext2fs_setsize(ip, tlen);
	if ((error = ext2fs_bmap_lbn(ip, 0, &blk, NULL)) != 0)
		return error;
	if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
		return error;
	memset(bp->b_data, 0, ump->em_bsize);
	memcpy(bp->b_data, target, tlen);
	bdwrite(bp);
	ext2fs_imodified(ip, IN_CHANGE | IN_UPDATE);
	return 0;
}

int
ext2fs_symlink(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, const char *target, struct vnode **vpp)
{
	struct e2inode *dp = VTOE2(dvp), *ip;
	size_t tlen = strnlen(target, MAXPATHLEN);
	struct vnode *vp;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (tlen == 0 || tlen >= MAXPATHLEN)
		return tlen == 0 ? ENOENT : ENAMETOOLONG;
	if (tlen >= dp->i_ump->em_bsize)
		return ENAMETOOLONG;
	if ((error = make_inode(dvp, va, VLNK, 1, &vp)) != 0)
		return error;
	ip = VTOE2(vp);
	error = symlink_write(ip, target, tlen);
	vp->v_size = (off_t)ip->i_size;
	if (error == 0)
		error = ext2fs_update(ip);
	if (error == 0)
		error = ext2fs_direnter(dp, name, len, ip->i_number, DT_LNK);
	if (error != 0) {
		unmake_inode(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

int
ext2fs_link(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t len)
{
	struct e2inode *dp = VTOE2(dvp), *ip = VTOE2(vp);
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (vp->v_type == VDIR)
		return EPERM;
	if (ip->i_flags & (EXT2_IMMUTABLE_FL | EXT2_APPEND_FL))
		return EPERM;
	if (ip->i_nlink >= link_max(ip->i_ump))
		return EMLINK;
	ip->i_nlink++;
	ext2fs_imodified(ip, IN_CHANGE);
	if ((error = ext2fs_update(ip)) == 0)
		error = ext2fs_direnter(dp, name, len, ip->i_number,
		    ip_dtype(ip));
	if (error != 0) {
		ip->i_nlink--;
		ext2fs_imodified(ip, IN_CHANGE);
	}
	return error;
}

int
ext2fs_remove(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t len)
{
	struct e2inode *dp = VTOE2(dvp), *ip = VTOE2(vp);
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (ip->i_flags & (EXT2_IMMUTABLE_FL | EXT2_APPEND_FL))
		return EPERM;
	if ((error = ext2fs_dirremove(dp, name, len, ip->i_number)) != 0)
		return error;
	ip->i_nlink--;
	ext2fs_imodified(ip, IN_CHANGE);
	return 0;
}

int
ext2fs_rmdir(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t len)
{
	struct e2inode *dp = VTOE2(dvp), *ip = VTOE2(vp);
	bool empty;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (ip->i_flags & (EXT2_IMMUTABLE_FL | EXT2_APPEND_FL))
		return EPERM;
	if (vp->v_mountedhere != NULL)
		return EBUSY;
	if ((error = ext2fs_dirempty(ip, &empty)) != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	if ((error = ext2fs_dirremove(dp, name, len, ip->i_number)) != 0)
		return error;
	dir_decnlink(dp);
	ip->i_nlink = 0;
	ext2fs_imodified(ip, IN_CHANGE);
	return 0;
}

/* The target exists: make its entry name the source's inode. */
static int
rename_replace(struct e2inode *tdp, struct e2inode *fip, struct e2inode *tip,
    const char *tname, size_t tlen)
{
	bool empty;
	int error;

	if (tip->i_flags & (EXT2_IMMUTABLE_FL | EXT2_APPEND_FL))
		return EPERM;
	if ((tip->i_mode & S_IFMT) == S_IFDIR) {
		if ((error = ext2fs_dirempty(tip, &empty)) != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
	}
	error = ext2fs_dirrewrite(tdp, tname, tlen, fip->i_number,
	    ip_dtype(fip));
	if (error != 0)
		return error;
	if ((tip->i_mode & S_IFMT) == S_IFDIR) {
		tip->i_nlink = 0;
		dir_decnlink(tdp);	/* tip's ".." */
	} else {
		tip->i_nlink--;
	}
	ext2fs_imodified(tip, IN_CHANGE);
	return 0;
}

int
ext2fs_rename(struct vnode *fdvp, struct vnode *fvp, const char *fname,
    size_t flen, struct vnode *tdvp, struct vnode *tvp, const char *tname,
    size_t tlen)
{
	struct e2inode *fdp = VTOE2(fdvp), *fip = VTOE2(fvp);
	struct e2inode *tdp = VTOE2(tdvp);
	bool isdir = fvp->v_type == VDIR, moved = isdir && fdp != tdp;
	int32_t tnlink = tdp->i_nlink;
	int error;

	if ((error = dir_changeable(fdp)) != 0 ||
	    (error = dir_changeable(tdp)) != 0)
		return error;
	if (fip->i_flags & (EXT2_IMMUTABLE_FL | EXT2_APPEND_FL))
		return EPERM;
	if (moved && tvp == NULL && (error = dir_canlink(tdp)) != 0)
		return error;
	if (moved && e2_isinline(fip))
		return EROFS;	/* its ".." could not be changed */
	/* Held up while it has two names. */
	fip->i_nlink++;
	ext2fs_imodified(fip, IN_CHANGE);
	if ((error = ext2fs_update(fip)) != 0)
		goto out;
	if (moved)
		dir_incnlink(tdp);	/* fip's ".." will name it */
	if (tvp != NULL)
		error = rename_replace(tdp, fip, VTOE2(tvp), tname, tlen);
	else
		error = ext2fs_direnter(tdp, tname, tlen, fip->i_number,
		    ip_dtype(fip));
	if (error != 0) {
		if (moved) {
			tdp->i_nlink = tnlink;
			ext2fs_imodified(tdp, IN_CHANGE);
		}
		goto out;
	}
	if ((error = ext2fs_dirremove(fdp, fname, flen, fip->i_number)) != 0)
		goto out;
	if (moved) {
		if ((error = ext2fs_dirsetparent(fip, tdp->i_number)) != 0)
			goto out;
		dir_decnlink(fdp);
	}
out:
	fip->i_nlink--;
	ext2fs_imodified(fip, IN_CHANGE);
	return error;
}
