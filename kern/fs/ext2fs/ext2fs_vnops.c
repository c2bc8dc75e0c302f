/*
 * ext2fs_vnops.c: vnode operations of ext2, ext3 and ext4.
 *
 * Two tables: ext2fs_vnodeops for regular files, directories and
 * symbolic links, and ext2fs_specops for device nodes, fifos and
 * sockets, which have attributes but no data here.  File data is read
 * through the page cache (genfs_read over ext2fs_bmap) and written
 * through it (genfs_write, which allocates with ext2fs_balloc through
 * ext2fs_genfsops), except inline data, which is copied out of the inode
 * and never written.  Directories and symbolic links are read and written
 * through the buffer cache.  The operations that change the name space
 * are in ext2fs_namei.c.
 *
 * File flags: EXT2_IMMUTABLE_FL, EXT2_APPEND_FL and EXT2_NODUMP_FL are
 * shown as SF_IMMUTABLE, SF_APPEND and UF_NODUMP, and only those can be
 * set (EOPNOTSUPP for the others); the file's other flags (extents,
 * index, huge file, ...) are kept.
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
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

#define FLAGS_SETTABLE	(SF_IMMUTABLE | SF_APPEND | UF_NODUMP)

static uint32_t
flags_to_bsd(uint32_t f)
{
	return ((f & EXT2_IMMUTABLE_FL) ? SF_IMMUTABLE : 0) |
	    ((f & EXT2_APPEND_FL) ? SF_APPEND : 0) |
	    ((f & EXT2_NODUMP_FL) ? UF_NODUMP : 0);
}

static uint32_t
flags_from_bsd(uint32_t f)
{
	return ((f & SF_IMMUTABLE) ? EXT2_IMMUTABLE_FL : 0) |
	    ((f & SF_APPEND) ? EXT2_APPEND_FL : 0) |
	    ((f & UF_NODUMP) ? EXT2_NODUMP_FL : 0);
}

static int
ext2fs_getattr(struct vnode *vp, struct vattr *va)
{
	struct e2inode *ip = VTOE2(vp);

	memset(va, 0, sizeof(*va));
	va->va_type = vp->v_type;
	va->va_mode = ip->i_mode & ALLPERMS;
	va->va_nlink = ip->i_nlink > 0 ? (nlink_t)ip->i_nlink : 0;
	va->va_uid = ip->i_uid;
	va->va_gid = ip->i_gid;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = ip->i_number;
	va->va_blocksize = ip->i_ump->em_bsize;
	(void)ext2fs_din_gettime(ip, E2T_ATIME, &va->va_atime);
	(void)ext2fs_din_gettime(ip, E2T_MTIME, &va->va_mtime);
	(void)ext2fs_din_gettime(ip, E2T_CTIME, &va->va_ctime);
	(void)ext2fs_din_gettime(ip, E2T_BIRTHTIME, &va->va_birthtime);
	va->va_gen = ip->i_gen;
	va->va_flags = flags_to_bsd(ip->i_flags);
	va->va_bytes = ip->i_blocks > UINT64_MAX / DEV_BSIZE ? UINT64_MAX :
	    ip->i_blocks * DEV_BSIZE;
	if (vp->v_type == VCHR || vp->v_type == VBLK)
		va->va_rdev = ext2fs_din_rdev(ip);
	else
		va->va_size = (off_t)ip->i_size;
	return 0;
}

/* Read inline data (the file's bytes live in the inode). */
static int
read_inline(struct e2inode *ip, struct uio *uio)
{
	const uint8_t *p1, *p2;
	size_t n1, n2, n;
	off_t off;
	int error;

	if ((error = ext2fs_inline_get(ip, &p1, &n1, &p2, &n2)) != 0)
		return error;
	if (ip->i_size > n1 + n2)
		return ext2fs_inode_bad(ip->i_ump, ip->i_number, "inline data "
		    "shorter than the file");
	while (uio->uio_resid > 0 && uio->uio_offset < (off_t)ip->i_size) {
		off = uio->uio_offset;
		if (off < (off_t)n1) {
			n = MIN(n1 - (size_t)off, ip->i_size - (uint64_t)off);
			error = uiomove((void *)(uintptr_t)(p1 + off), n, uio);
		} else {
			n = (size_t)(ip->i_size - (uint64_t)off);
			error = uiomove((void *)(uintptr_t)(p2 + (off -
			    (off_t)n1)), n, uio);
		}
		if (error != 0)
			return error;
	}
	return 0;
}

/*
 * Read a file of a mount whose journal was replayed in memory: block by
 * block, the journal's copy of a block where it has one, else through
 * the page cache.
 */
static int
read_replayed(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct e2inode *ip = VTOE2(vp);
	struct e2mount *ump = ip->i_ump;
	uint64_t lbn, blk, boff;
	const uint8_t *j;
	size_t n, resid;
	int error = 0;

	while (error == 0 && uio->uio_resid > 0 &&
	    uio->uio_offset < (off_t)ip->i_size) {
		lbn = (uint64_t)uio->uio_offset >> ump->em_bshift;
		boff = (uint64_t)uio->uio_offset & (ump->em_bsize - 1);
		n = (size_t)MIN((uint64_t)ump->em_bsize - boff,
		    ip->i_size - (uint64_t)uio->uio_offset);
		n = MIN(n, uio->uio_resid);
		if ((error = ext2fs_bmap_lbn(ip, lbn, &blk, NULL)) != 0)
			break;
		if (blk != 0 && (j = ext2fs_journal_block(ump, blk)) != NULL) {
			error = uiomove((void *)(uintptr_t)(j + boff), n, uio);
			continue;
		}
		resid = uio->uio_resid;
		uio->uio_resid = n;
		error = genfs_read(vp, uio, ioflag);
		uio->uio_resid = resid - (n - uio->uio_resid);
		if (error == 0 && uio->uio_resid == resid)
			break;
	}
	return error;
}

static int
ext2fs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct e2inode *ip = VTOE2(vp);

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (e2_isinline(ip))
		return read_inline(ip, uio);
	if (ip->i_ump->em_replay != NULL)
		return read_replayed(vp, uio, ioflag);
	return genfs_read(vp, uio, ioflag);
}

/*
 * Where the target of symbolic link ip is kept: in i_block when the
 * link holds no blocks but an extended attribute block ("fast"), inline
 * data, or a block.
 */
static bool
symlink_isfast(const struct e2inode *ip)
{
	uint64_t xblocks = ip->i_xattrblk != 0 ?
	    (uint64_t)1 << ip->i_ump->em_fsbtodb : 0;

	return !e2_isinline(ip) && ip->i_blocks <= xblocks;
}

static int
readlink_slow(struct e2inode *ip, struct uio *uio)
{
	struct buf *bp;
	uint64_t blk;
	int error;

	if ((error = ext2fs_bmap_lbn(ip, 0, &blk, NULL)) != 0)
		return error;
	if (blk == 0)
		return ext2fs_inode_bad(ip->i_ump, ip->i_number, "symbolic "
		    "link without a block");
	if ((error = ext2fs_bread(ip->i_ump, blk, &bp)) != 0)
		return error;
	if (memchr(bp->b_data, '\0', (size_t)ip->i_size) != NULL)
		error = ext2fs_inode_bad(ip->i_ump, ip->i_number,
		    "symbolic link target holds a NUL");
	else
		error = uiomove(bp->b_data, (size_t)ip->i_size, uio);
	brelse(bp, 0);
	return error;
}

static int
ext2fs_readlink(struct vnode *vp, struct uio *uio)
{
	struct e2inode *ip = VTOE2(vp);
	const uint8_t *p1, *p2;
	size_t n1, n2;
	int error;

	if (vp->v_type != VLNK)
		return EINVAL;
	if (ip->i_size == 0 || ip->i_size >= MAXPATHLEN ||
	    ip->i_size >= ip->i_ump->em_bsize) {
		kprintf("ext2fs: %s: inode %llu: symbolic link of %llu "
		    "bytes\n", ip->i_ump->em_devname,
		    (unsigned long long)ip->i_number,
		    (unsigned long long)ip->i_size);
		return EIO;
	}
	if (e2_isinline(ip)) {
		if ((error = ext2fs_inline_get(ip, &p1, &n1, &p2, &n2)) != 0)
			return error;
		/* Over 60 bytes: the rest is in "system.data". */
		if (ip->i_size > (uint64_t)n1 + n2)
			return ext2fs_inode_bad(ip->i_ump, ip->i_number,
			    "inline symbolic link longer than its data");
		if (ip->i_size <= n1)
			return uiomove((void *)(uintptr_t)p1,
			    (size_t)ip->i_size, uio);
		if ((error = uiomove((void *)(uintptr_t)p1, n1, uio)) != 0)
			return error;
		return uiomove((void *)(uintptr_t)p2,
		    (size_t)ip->i_size - n1, uio);
	}
	if (!symlink_isfast(ip))
		return readlink_slow(ip, uio);
	if (ip->i_size >= EXT2_MAXSYMLINKLEN)
		return ext2fs_inode_bad(ip->i_ump, ip->i_number, "in-inode "
		    "symbolic link too long");
	return uiomove((void *)(uintptr_t)ext2fs_din_iblock(ip),
	    (size_t)ip->i_size, uio);
}

/*
 * Writing.  File data goes through the page cache (genfs_write), which
 * asks ext2fs_gop_alloc for storage and ext2fs_gop_setsize for the new
 * size.
 */
static int
ext2fs_gop_alloc(struct vnode *vp, off_t off, size_t len)
{
	return ext2fs_balloc(VTOE2(vp), off, len, 0);
}

/* A file passed 2 GiB: the large_file feature must say so. */
static void
need_largefile(struct e2mount *ump)
{
	uint32_t rc;

	if (E2HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_LARGE_FILE))
		return;
	ump->em_rocompat |= EXT2F_ROCOMPAT_LARGE_FILE;
	rc = e2le32(ump->em_sb.s_feature_ro_compat);
	ump->em_sb.s_feature_ro_compat = e2le32(rc |
	    EXT2F_ROCOMPAT_LARGE_FILE);
	ump->em_fmod = true;
}

static void
ext2fs_gop_setsize(struct vnode *vp, off_t size)
{
	struct e2inode *ip = VTOE2(vp);

	ext2fs_setsize(ip, (uint64_t)size);
	if (size > INT32_MAX)
		need_largefile(ip->i_ump);
	ext2fs_imodified(ip, IN_CHANGE | IN_UPDATE);
}

const struct genfs_ops ext2fs_genfsops = {
	.gop_alloc = ext2fs_gop_alloc,
	.gop_setsize = ext2fs_gop_setsize,
};

static int
inline_readonly(struct e2inode *ip)
{
	kprintf("ext2fs: %s: inode %llu keeps its data inline; changing "
	    "such files is not supported\n", ip->i_ump->em_devname,
	    (unsigned long long)ip->i_number);
	return EROFS;
}

/*
 * VOP_WRITE.  The modification and change times move only if something
 * was written.
 */
static int
ext2fs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct e2inode *ip = VTOE2(vp);
	off_t start = (ioflag & IO_APPEND) ? vp->v_size : uio->uio_offset;
	size_t resid = uio->uio_resid;
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	if (ip->i_ump->em_rdonly)
		return EROFS;
	if (uio->uio_resid == 0)
		return 0;
	if (e2_isinline(ip))
		return inline_readonly(ip);
	if (start < 0 || (uint64_t)start + uio->uio_resid >
	    ext2fs_maxfilesize(ip))
		return EFBIG;
	error = genfs_write(vp, uio, ioflag);
	if (uio->uio_resid < resid)
		ext2fs_imodified(ip, IN_CHANGE | IN_UPDATE);
	if (error == 0 && (ioflag & IO_SYNC))
		error = ext2fs_update(ip);
	return error;
}

/* Write a zero byte at off of a regular file, through the page cache. */
static int
write_zerobyte(struct vnode *vp, off_t off)
{
	struct kiovec iov;
	struct uio uio;
	char zero = 0;

	uio_setup(&uio, &iov, &zero, 1, off, UIO_WRITE);
	return ext2fs_write(vp, &uio, 0);
}

/*
 * Change the size of a regular file.  Growing writes the new last byte
 * (so the block holding the end of file has storage, as the page cache
 * expects); shrinking frees the blocks past the new end.
 */
static int
setattr_size(struct vnode *vp, off_t size)
{
	struct e2inode *ip = VTOE2(vp);
	uint64_t blk, bmask = ip->i_ump->em_bsize - 1;
	int error;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (e2_isinline(ip))
		return inline_readonly(ip);
	if (size < 0 || (uint64_t)size > ext2fs_maxfilesize(ip))
		return EFBIG;
	if ((uint64_t)size > ip->i_size)
		return write_zerobyte(vp, size - 1);
	if ((uint64_t)size == ip->i_size) {
		ext2fs_imodified(ip, IN_CHANGE | IN_UPDATE);
		return 0;
	}
	if (size > 0 && ((uint64_t)size & bmask) != 0) {
		error = ext2fs_bmap_lbn(ip, (uint64_t)(size - 1) >>
		    ip->i_ump->em_bshift, &blk, NULL);
		if (error == 0 && blk == 0)
			error = write_zerobyte(vp, size - 1);
		if (error != 0)
			return error;
	}
	(void)genfs_truncate(vp, size);
	error = ext2fs_truncate(ip, (uint64_t)size);
	vp->v_size = size;
	return error;
}

static void
setattr_times(struct e2inode *ip, const struct vattr *va)
{
	if (va->va_mask & VA_ATIME) {
		ext2fs_din_settime(ip, E2T_ATIME, &va->va_atime);
		ip->i_flag &= ~IN_ACCESS;
	}
	if (va->va_mask & VA_MTIME) {
		ext2fs_din_settime(ip, E2T_MTIME, &va->va_mtime);
		ip->i_flag &= ~IN_UPDATE;
	}
	if (va->va_mask & VA_BIRTHTIME)
		ext2fs_din_settime(ip, E2T_BIRTHTIME, &va->va_birthtime);
}

/*
 * VOP_SETATTR.  The VFS has checked ownership, privileges and the
 * immutable flags; times given explicitly replace the pending automatic
 * ones.
 */
static int
ext2fs_setattr(struct vnode *vp, const struct vattr *va)
{
	struct e2inode *ip = VTOE2(vp);
	int error;

	if (ip->i_ump->em_rdonly)
		return EROFS;
	if ((va->va_mask & VA_FLAGS) && (va->va_flags & ~FLAGS_SETTABLE))
		return EOPNOTSUPP;
	if ((va->va_mask & VA_SIZE) &&
	    (error = setattr_size(vp, va->va_size)) != 0)
		return error;
	if (va->va_mask & VA_FLAGS)
		ip->i_flags = (ip->i_flags & ~flags_from_bsd(FLAGS_SETTABLE)) |
		    flags_from_bsd(va->va_flags);
	if (va->va_mask & VA_MODE)
		ip->i_mode = (ip->i_mode & S_IFMT) | (va->va_mode & ALLPERMS);
	if (va->va_mask & VA_UID)
		ip->i_uid = va->va_uid;
	if (va->va_mask & VA_GID)
		ip->i_gid = va->va_gid;
	if (va->va_mask & (VA_FLAGS | VA_MODE | VA_UID | VA_GID | VA_ATIME |
	    VA_MTIME | VA_BIRTHTIME))
		ext2fs_imodified(ip, IN_CHANGE);
	setattr_times(ip, va);
	return 0;
}

/* Write the file's dirty pages and its inode to the buffer cache. */
static int
ext2fs_fsync(struct vnode *vp, int flags)
{
	struct e2inode *ip = VTOE2(vp);
	int error = 0;

	if (ip == NULL || ip->i_ump->em_rdonly)
		return 0;
	if (vp->v_type == VREG && vp->v_ndirty > 0)
		error = genfs_putpages(vp, 0, 0, PGO_CLEANIT);
	if (error == 0)
		error = ext2fs_update(ip);
	return error;
}

/*
 * The last reference to vp went.  An inode without links is freed now:
 * its blocks and extended attribute block, then the inode itself, which
 * is written back with its deletion time.
 */
static int
ext2fs_inactive(struct vnode *vp)
{
	struct e2inode *ip = VTOE2(vp);
	struct ktimespec now;
	mode_t mode = ip->i_mode;
	int error;

	if (ip->i_nlink > 0 || ip->i_ump->em_rdonly)
		return 0;
	vp->v_vflag |= VV_NOCACHE;
	(void)genfs_putpages(vp, 0, 0, PGO_FREE);
	ext2fs_dirhash_free(ip);
	error = ext2fs_xattr_release(ip);
	if (error == 0)
		error = ext2fs_truncate(ip, 0);
	vp->v_size = 0;
	if (error != 0) {
		/* Keep the inode (an orphan for fsck) with what it holds. */
		ext2fs_imodified(ip, 0);
		(void)ext2fs_update(ip);
		VFSTOE2(vp->v_mount)->em_wrerror = true;
		return error;
	}
	vfs_timestamp(&now);
	E2DIN(ip)->i_dtime = e2le32((uint32_t)now.tv_sec);
	ip->i_flags = 0;
	ip->i_flag &= ~IN_TIMES;
	ext2fs_imodified(ip, IN_CHANGE);
	if ((error = ext2fs_update(ip)) != 0)
		return error;
	return ext2fs_vfree(ip->i_ump, ip->i_number, mode);
}

static int
ext2fs_reclaim(struct vnode *vp)
{
	ext2fs_inode_free(VTOE2(vp));
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops ext2fs_vnodeops = {
	.vop_fsname = "ext2fs",
	.vop_lookup = ext2fs_lookup,
	.vop_create = ext2fs_create,
	.vop_mkdir = ext2fs_mkdir,
	.vop_symlink = ext2fs_symlink,
	.vop_link = ext2fs_link,
	.vop_remove = ext2fs_remove,
	.vop_rmdir = ext2fs_rmdir,
	.vop_rename = ext2fs_rename,
	.vop_getattr = ext2fs_getattr,
	.vop_setattr = ext2fs_setattr,
	.vop_read = ext2fs_read,
	.vop_write = ext2fs_write,
	.vop_readdir = ext2fs_readdir,
	.vop_readlink = ext2fs_readlink,
	.vop_fsync = ext2fs_fsync,
	.vop_inactive = ext2fs_inactive,
	.vop_reclaim = ext2fs_reclaim,
	.vop_bmap = ext2fs_bmap,
};

static int
spec_rw(struct vnode *vp, struct uio *uio, int ioflag)
{
	return EOPNOTSUPP;
}

const struct vnodeops ext2fs_specops = {
	.vop_fsname = "ext2fs",
	.vop_lookup = genfs_notdir_lookup,
	.vop_create = ext2fs_create,
	.vop_mkdir = ext2fs_mkdir,
	.vop_symlink = ext2fs_symlink,
	.vop_link = ext2fs_link,
	.vop_remove = ext2fs_remove,
	.vop_rmdir = ext2fs_rmdir,
	.vop_rename = ext2fs_rename,
	.vop_getattr = ext2fs_getattr,
	.vop_setattr = ext2fs_setattr,
	.vop_read = spec_rw,
	.vop_write = spec_rw,
	.vop_readdir = genfs_notdir_readdir,
	.vop_readlink = genfs_notlnk_readlink,
	.vop_fsync = ext2fs_fsync,
	.vop_inactive = ext2fs_inactive,
	.vop_reclaim = ext2fs_reclaim,
	.vop_bmap = genfs_nobmap,
};
