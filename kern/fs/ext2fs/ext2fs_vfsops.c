/*
 * ext2fs_vfsops.c: the vfs operations of ext2, ext3 and ext4: probe,
 * mount, unmount, root, statvfs, sync, and loading a vnode's inode.
 *
 * Mounting reads the superblock at byte 1024 and nothing else; the
 * probe runs the same checks, so it never accepts a superblock a mount
 * would refuse, and speaks only when it finds an ext2 superblock it must
 * refuse (a program that lets the type be detected never gets as far as
 * ext2fs_mount).
 *
 * Supported: revisions 0 and 1; blocks of 1 KiB to 64 KiB; 32- and
 * 64-byte group descriptors (64bit); sparse_super and sparse_super2,
 * meta_bg, flex_bg, resize_inode; block-mapped files and extent trees of
 * any depth (uninitialised extents read as zeros); large_file and
 * huge_file; filetype; linear and hash tree (dir_index, large_dir)
 * directories; dir_nlink; large inodes (extra_isize: nanosecond times,
 * birth time); inline data (read only); fast and slow symbolic links;
 * device nodes, fifos and sockets; the immutable, append-only and nodump
 * flags; uninit_bg and metadata_csum (every checksum verified on read:
 * superblock, group descriptors, bitmaps, inodes, extent blocks,
 * directory blocks and hash tree nodes; a bad one is EIO naming the
 * object) and csum_seed.  A journal (has_journal) is never written; one
 * that needs recovery is replayed in memory for a read-only mount
 * (ext2fs_journal.c) and refuses a read-write one.
 *
 * Features and mounts.  An incompatible feature this driver does not
 * know, or one it knows and cannot read (compression, journal_dev,
 * dirdata, encrypt, casefold), refuses the mount, naming the feature.
 * Read-only compatible features it does not write (quota, bigalloc,
 * project, verity, orphan_present, ...) and the incompatible mmp and
 * ea_inode allow read-only mounts only.  Read-write mounts (decided
 * in mount_checkrw() alone) are also refused for a file system that is
 * not clean (s_state) or has orphan inodes; they mark it not clean on
 * disk while mounted (s_state without EXT2_VALID_FS), and clean again at
 * unmount unless writing back failed or the device reported an I/O error
 * meanwhile.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "../../sys.h"
#include "../../dev/blk.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_dir.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

static const char *const ext2fs_mntopts[] = { "ro", "rw", "noatime", NULL };

/* Incompatible features refused even for reading. */
#define INCOMPAT_NEVER	(EXT2F_INCOMPAT_COMPRESSION |			\
	EXT2F_INCOMPAT_JOURNAL_DEV | EXT2F_INCOMPAT_DIRDATA |		\
	EXT2F_INCOMPAT_ENCRYPT | EXT2F_INCOMPAT_CASEFOLD)

static const char *
devname_of(struct vnode *devvp)
{
	const char *path = blk_path(devvp->v_blkdev);

	return path != NULL ? path : "?";
}

/*
 * The device region holding the superblock: whole sectors around bytes
 * 1024..2047.
 */
static void
sb_region(struct vnode *devvp, uint64_t *startp, uint32_t *lenp)
{
	uint32_t sec = blk_secsize(devvp->v_blkdev);

	if (sec < DEV_BSIZE || sec > MAXBSIZE || !powerof2(sec))
		sec = DEV_BSIZE;
	*startp = rounddown((uint64_t)EXT2_SBOFF, sec);
	*lenp = (uint32_t)(roundup((uint64_t)EXT2_SBOFF + EXT2_SBSIZE, sec) -
	    *startp);
}

/* Read the superblock of devvp into sb.  EFTYPE if there is no room. */
static int
sb_read(struct vnode *devvp, struct ext2_sb *sb, bool inval)
{
	uint64_t start;
	uint32_t len;
	struct buf *bp;
	int error;

	sb_region(devvp, &start, &len);
	if (start + len > blk_size(devvp->v_blkdev))
		return EFTYPE;
	if ((error = bread(devvp, (daddr_t)(start / DEV_BSIZE), (int)len,
	    &bp)) != 0)
		return error;
	memcpy(sb, (uint8_t *)bp->b_data + (EXT2_SBOFF - start), sizeof(*sb));
	brelse(bp, inval ? BC_INVAL : 0);
	return 0;
}

/*
 * Check the superblock sb of devvp into ump: geometry and the features
 * needed to read.  EFTYPE with a reason in why (empty if sb is not an
 * ext2 superblock at all).
 */
static int
sb_check(struct vnode *devvp, const struct ext2_sb *sb, struct e2mount *ump,
    char *why, size_t whylen)
{
	char names[160];
	uint32_t bad;
	int error;

	why[0] = '\0';
	if (e2le16(sb->s_magic) != EXT2_MAGIC)
		return EFTYPE;
	ump->em_sb = *sb;
	if ((error = ext2fs_sb_validate(sb, blk_size(devvp->v_blkdev), ump,
	    why, whylen)) != 0)
		return error;
	bad = (ump->em_incompat & ~EXT2F_INCOMPAT_READ) |
	    (ump->em_incompat & INCOMPAT_NEVER);
	if (bad != 0) {
		ext2fs_featnames(true, bad, names, sizeof(names));
		snprintf(why, whylen, "unsupported incompatible feature%s: %s",
		    (bad & (bad - 1)) != 0 ? "s" : "", names);
		return EFTYPE;
	}
	if (ump->em_bsize % blk_secsize(devvp->v_blkdev) != 0) {
		snprintf(why, whylen, "block size %u is not a multiple of the "
		    "sector size", ump->em_bsize);
		return EFTYPE;
	}
	return 0;
}

/*
 * vfs_probe: is there a usable ext2/3/4 file system on devvp?  Silent
 * unless it finds an ext2 superblock it must refuse.
 */
static int
ext2fs_probe(struct vnode *devvp)
{
	struct e2mount *ump;
	struct ext2_sb sb;
	char why[240];
	int error;

	if ((error = sb_read(devvp, &sb, true)) != 0)
		return EFTYPE;
	if ((ump = kmem_zalloc(sizeof(*ump))) == NULL)
		return ENOMEM;
	error = sb_check(devvp, &sb, ump, why, sizeof(why));
	if (error != 0 && why[0] != '\0')
		kprintf("ext2fs: %s: %s\n", devname_of(devvp), why);
	kmem_free(ump, sizeof(*ump));
	return error == 0 ? 0 : EFTYPE;
}

static void
ump_free(struct e2mount *ump)
{
	ext2fs_journal_free(ump);
	if (ump->em_grpstate != NULL)
		kmem_free(ump->em_grpstate, ump->em_ngroups);
	kmem_free(ump, sizeof(*ump));
}

/* Read and check the superblock of devvp into a new e2mount. */
static int
ump_create(struct vnode *devvp, struct e2mount **umpp)
{
	struct e2mount *ump;
	struct ext2_sb sb;
	char why[240];
	uint16_t state;
	int error;

	if ((ump = kmem_zalloc(sizeof(*ump))) == NULL)
		return ENOMEM;
	snprintf(ump->em_devname, sizeof(ump->em_devname), "%s",
	    devname_of(devvp));
	ump->em_devvp = devvp;
	if ((error = sb_read(devvp, &sb, false)) != 0 ||
	    (error = sb_check(devvp, &sb, ump, why, sizeof(why))) != 0) {
		if (error == EFTYPE)
			kprintf("ext2fs: %s: %s\n", ump->em_devname,
			    why[0] != '\0' ? why : "no ext2 superblock found");
		kmem_free(ump, sizeof(*ump));
		return error;
	}
	state = e2le16(sb.s_state);
	ump->em_unclean = (state & EXT2_VALID_FS) == 0 ||
	    (state & EXT2_ERROR_FS) != 0;
	ump->em_recover = E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_RECOVER) &&
	    E2HAS_COMPAT(ump, EXT2F_COMPAT_HAS_JOURNAL);
	ump->em_freeblocks = e2le32(sb.s_free_blocks_count_lo) |
	    (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_64BIT) ?
	    (uint64_t)e2le32(sb.s_free_blocks_count_hi) << 32 : 0);
	ump->em_freeinodes = e2le32(sb.s_free_inodes_count);
	*umpp = ump;
	return 0;
}

/*
 * May this mount go ahead with the access it asks for?  The one place
 * that decides.
 */
static int
mount_checkrw(struct mount *mp, struct e2mount *ump)
{
	bool rdonly = (mp->mnt_flag & MNT_RDONLY) != 0;
	uint32_t ro = ump->em_rocompat & ~EXT2F_ROCOMPAT_WRITE;
	uint32_t in = ump->em_incompat & ~EXT2F_INCOMPAT_WRITE &
	    ~EXT2F_INCOMPAT_RECOVER;
	char names[160];

	if (ump->em_recover)
		return ext2fs_journal_replay(ump);
	if (rdonly) {
		if (ump->em_unclean)
			kprintf("ext2fs: %s: it is not clean; mounted "
			    "read-only, contents may be inconsistent\n",
			    ump->em_devname);
		return 0;
	}
	if (ro != 0 || in != 0) {
		ext2fs_featnames(ro != 0 ? false : true, ro != 0 ? ro : in,
		    names, sizeof(names));
		kprintf("ext2fs: %s: feature%s %s can only be read; "
		    "read-write mount refused\n", ump->em_devname,
		    ((ro | in) & ((ro | in) - 1)) != 0 ? "s" : "", names);
		return EROFS;
	}
	if (ump->em_unclean) {
		kprintf("ext2fs: %s: it is not clean (run e2fsck); "
		    "read-write mount refused\n", ump->em_devname);
		return EROFS;
	}
	if (e2le32(ump->em_sb.s_last_orphan) != 0) {
		kprintf("ext2fs: %s: it has orphan inodes to clean up (run "
		    "e2fsck); read-write mount refused\n", ump->em_devname);
		return EROFS;
	}
	return 0;
}

/*
 * Write the superblock with the current totals and the given clean
 * state.  Only the fields a writer changes are patched into the copy read
 * at mount, so everything else stays byte for byte as it was.
 */
static int
sb_write(struct e2mount *ump, bool clean)
{
	struct ext2_sb *sb = &ump->em_sb;
	struct ktimespec now;
	uint16_t state;
	uint64_t start;
	uint32_t len;
	struct buf *bp;
	int error;

	vfs_timestamp(&now);
	state = e2le16(sb->s_state);
	state = clean ? state | EXT2_VALID_FS : state & ~EXT2_VALID_FS;
	sb->s_state = e2le16(state);
	sb->s_wtime = e2le32((uint32_t)now.tv_sec);
	sb->s_time_hi[0] = (uint8_t)(now.tv_sec >> 32);
	sb->s_free_blocks_count_lo = e2le32((uint32_t)ump->em_freeblocks);
	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_64BIT))
		sb->s_free_blocks_count_hi = e2le32((uint32_t)
		    (ump->em_freeblocks >> 32));
	sb->s_free_inodes_count = e2le32(ump->em_freeinodes);
	if (E2HAS_CSUM(ump))
		sb->s_checksum = e2le32(ext2fs_sb_csum(sb));
	sb_region(ump->em_devvp, &start, &len);
	if ((error = bread(ump->em_devvp, (daddr_t)(start / DEV_BSIZE),
	    (int)len, &bp)) != 0)
		return error;
	memcpy((uint8_t *)bp->b_data + (EXT2_SBOFF - start), sb, sizeof(*sb));
	error = bwrite(bp);
	ump->em_fmod = false;
	return error;
}

/* Group checksums, then the superblock. */
static int
ext2fs_sbupdate(struct e2mount *ump, bool clean)
{
	int error;

	if ((error = ext2fs_flush_groups(ump)) != 0)
		return error;
	return sb_write(ump, clean);
}

/* Failed requests of the mount's device so far. */
static uint64_t
dev_errors(struct e2mount *ump)
{
	struct blk_stats bs;

	blk_getstats(ump->em_devvp->v_blkdev, &bs);
	return bs.bs_errors;
}

/* Set up a read-write mount: "not clean" on disk while mounted. */
static int
mount_rw(struct e2mount *ump)
{
	struct ktimespec now;

	ump->em_blkerrors = dev_errors(ump);
	ump->em_grpstate = kmem_zalloc(ump->em_ngroups);
	if (ump->em_grpstate == NULL)
		return ENOMEM;
	vfs_timestamp(&now);
	ump->em_sb.s_mtime = e2le32((uint32_t)now.tv_sec);
	ump->em_sb.s_time_hi[1] = (uint8_t)(now.tv_sec >> 32);
	return sb_write(ump, false);
}

/* Does the option list opts name option opt? */
static bool
hasopt(const char *opts, const char *opt)
{
	size_t len = strlen(opt);
	const char *p;

	for (p = opts; *p != '\0'; p++) {
		if ((p == opts || p[-1] == ',') && strncmp(p, opt, len) == 0 &&
		    (p[len] == '\0' || p[len] == ','))
			return true;
	}
	return false;
}

static int
ext2fs_mount(struct mount *mp, struct vnode *devvp, const char *opts)
{
	struct e2mount *ump;
	int error;

	if ((error = vfs_checkopts(opts, ext2fs_mntopts)) != 0)
		return error;
	if (hasopt(opts, "ro"))
		mp->mnt_flag |= MNT_RDONLY;
	if (hasopt(opts, "noatime"))
		mp->mnt_flag |= MNT_NOATIME;
	if ((error = ump_create(devvp, &ump)) != 0)
		return error;
	ump->em_rdonly = (mp->mnt_flag & MNT_RDONLY) != 0;
	if ((error = mount_checkrw(mp, ump)) != 0) {
		ump_free(ump);
		return error;
	}
	if (!ump->em_rdonly && (error = mount_rw(ump)) != 0) {
		ump_free(ump);
		return error;
	}
	ump->em_mountp = mp;
	mp->mnt_data = ump;
	mp->mnt_bshift = ump->em_bshift;
	return 0;
}

/*
 * The VFS has reclaimed every vnode, so every inode is in the buffer
 * cache.  A read-write mount writes all of that first, then the group
 * checksums and the superblock marked clean, so the clean state never
 * reaches the disk before what it vouches for; not when writing failed
 * or the device reported an error while mounted (see ffs_unmount).
 */
static int
ext2fs_unmount(struct mount *mp, int flags)
{
	struct e2mount *ump = VFSTOE2(mp);
	int error = 0;

	if (!ump->em_rdonly) {
		if ((dev_errors(ump) != ump->em_blkerrors ||
		    mp->mnt_wrerror != 0) && !ump->em_wrerror) {
			kprintf("ext2fs: %s: errors while mounted; not "
			    "marked clean (run e2fsck)\n", ump->em_devname);
			ump->em_wrerror = true;
		}
		error = ext2fs_flush_groups(ump);
		if (error == 0)
			error = bflush(ump->em_devvp);
		if (error == 0)
			error = sb_write(ump, !ump->em_wrerror);
		if (error != 0) {
			kprintf("ext2fs: %s: could not write the file system "
			    "back (error %d); it is not marked clean\n",
			    ump->em_devname, error);
			ump->em_wrerror = true;
			if ((flags & MNT_FORCE) == 0)
				return error;
		}
	}
	ump_free(ump);
	mp->mnt_data = NULL;
	return error;
}

static int
ext2fs_root(struct mount *mp, struct vnode **vpp)
{
	struct vnode *vp;
	int error;

	if ((error = vcache_get(mp, EXT2_ROOTINO, &vp)) != 0)
		return error == ENOENT ? EIO : error;
	if (vp->v_type != VDIR) {
		kprintf("ext2fs: %s: the root inode is not a directory\n",
		    VFSTOE2(mp)->em_devname);
		vrele(vp);
		return EIO;
	}
	*vpp = vp;
	return 0;
}

/* Space and inode counts from the superblock (clamped: maybe stale). */
static int
ext2fs_statvfs(struct mount *mp, struct kstatvfs *sf)
{
	struct e2mount *ump = VFSTOE2(mp);
	struct ext2_sb *sb = &ump->em_sb;
	uint64_t blocks = ump->em_nblocks, resv, over;

	memset(sf, 0, sizeof(*sf));
	sf->f_bsize = ump->em_bsize;
	sf->f_frsize = ump->em_bsize;
	sf->f_iosize = ump->em_bsize;
	over = e2le32(sb->s_overhead_clusters);
	sf->f_blocks = over < blocks ? blocks - over : blocks;
	sf->f_bfree = MIN(ump->em_freeblocks, sf->f_blocks);
	resv = e2le32(sb->s_r_blocks_count_lo) |
	    (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_64BIT) ?
	    (uint64_t)e2le32(sb->s_r_blocks_count_hi) << 32 : 0);
	sf->f_bavail = sf->f_bfree > resv ? sf->f_bfree - resv : 0;
	sf->f_files = ump->em_ninodes;
	sf->f_ffree = MIN((uint64_t)ump->em_freeinodes, sf->f_files);
	sf->f_favail = sf->f_ffree;
	sf->f_namemax = EXT2_MAXNAMLEN;
	snprintf(sf->f_fstypename, sizeof(sf->f_fstypename), "ext2fs");
	return 0;
}

/*
 * The vnodes were synced by the VFS; settle the group checksums and
 * write the superblock if anything changed (still not clean: the file
 * system stays mounted).
 */
static int
ext2fs_sync(struct mount *mp, int waitfor)
{
	struct e2mount *ump = VFSTOE2(mp);

	if (ump->em_rdonly || !ump->em_fmod)
		return 0;
	return ext2fs_sbupdate(ump, false);
}

/* vfs_loadvnode: fill vp from inode ino. */
static int
ext2fs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino)
{
	struct e2inode *ip;
	int error;

	if ((error = ext2fs_inode_load(VFSTOE2(mp), ino, 0, &ip)) != 0)
		return error;
	ip->i_vnode = vp;
	vp->v_type = vtype_from_mode(ip->i_mode);
	vp->v_data = ip;
	switch (vp->v_type) {
	case VREG:
		vp->v_gop = &ext2fs_genfsops;
		/* FALLTHROUGH */
	case VDIR:
	case VLNK:
		vp->v_op = &ext2fs_vnodeops;
		vp->v_size = (off_t)ip->i_size;
		break;
	default:
		vp->v_op = &ext2fs_specops;
		vp->v_size = 0;
		if (vp->v_type == VCHR || vp->v_type == VBLK)
			vp->v_rdev = ext2fs_din_rdev(ip);
		break;
	}
	if (ino == EXT2_ROOTINO)
		vp->v_vflag |= VV_ROOT;
	return 0;
}

static const struct vnodeops *const ext2fs_opv[] = {
	&ext2fs_vnodeops,
	&ext2fs_specops,
	NULL,
};

const struct vfsops ext2fs_vfsops = {
	.vfs_name = "ext2fs",
	.vfs_opv = ext2fs_opv,
	.vfs_probe = ext2fs_probe,
	.vfs_mount = ext2fs_mount,
	.vfs_unmount = ext2fs_unmount,
	.vfs_root = ext2fs_root,
	.vfs_statvfs = ext2fs_statvfs,
	.vfs_sync = ext2fs_sync,
	.vfs_loadvnode = ext2fs_loadvnode,
	.vfs_newfs = ext2fs_newfs,
};
