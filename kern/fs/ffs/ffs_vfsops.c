/*
 * ffs_vfsops.c: the Fast File System's vfs operations: probe, mount,
 * unmount, root, statvfs, sync, and loading a vnode's inode.
 *
 * Mounting reads one superblock and nothing else: the superblock is
 * looked for at 65536, 8192, 0 and 262144 bytes, in that order.  A UFS2
 * superblock counts only where fs_sblockloc says it belongs (so the
 * UFS2-at-8192 layout of some makefs versions is found, and a backup
 * copy is never taken for the primary); a UFS1 superblock only at 8192
 * or 0.  The first candidate that passes ffs_sb_validate() is used.  The
 * probe runs the same search, so it is as cheap as a mount and never
 * accepts a superblock a mount would refuse; it speaks only when it
 * refuses an FFS superblock.
 *
 * Supported: UFS1 (4.2BSD and 4.4BSD inode formats, old and new directory
 * entries) and UFS2, in either byte order; block sizes 4 KiB to 64 KiB
 * with 1 to 8 fragments per block; direct, single, double and triple
 * indirect blocks, fragments at the end of small files, holes; fast and
 * slow symbolic links; device nodes, fifos and sockets; file flags; the
 * UFS2 birth time.  A file system that is not clean, or whose NetBSD
 * WAPBL log may hold unreplayed changes, is mounted read-only with a
 * warning (the log is not replayed, so recent changes may be missing).
 *
 * Read-write mounts (decided in ffs_mount_checkrw() alone) are refused
 * for a file system that is not clean or may have a WAPBL log, and (in
 * mount_rw) for superblock fields only writing uses that are out of range
 * (ffs_sb_validate_rw).  When the file system is marked not clean and
 * clean again is the VFS's decision (vfs_mount.c): ffs_setclean only
 * writes fs_clean; with the journal the flag stays clean on disk, since
 * the image never shows a half-done change.  Damage found while mounted
 * (ffs_corrupt) is reported with vfs_damaged: the transaction is
 * discarded, or without the journal, the file system is left not clean.
 *
 * Refused or ignored: block sizes above 64 KiB or below 4 KiB (EFTYPE);
 * WAPBL log replay and FreeBSD soft-updates journal replay (not done);
 * snapshots (read as plain files); UFS2 extended attribute blocks and
 * FreeBSD metadata check hashes (ignored); Apple UFS (not recognised).
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "../../sys.h"
#include "../../dev/blk.h"
#include "dinode.h"
#include "dir.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

/*
 * Whether this driver may write.  Write support is a later change; until
 * then this switch, read only by ffs_mount_checkrw(), refuses every
 * read-write mount.
 */
static const bool ffs_write_support = true;

static const char *const ffs_mntopts[] = { "ro", "rw", "noatime", NULL };

static const int64_t ffs_sblocks[] = {
	SBLOCK_UFS2, SBLOCK_UFS1, SBLOCK_FLOPPY, SBLOCK_PIGGY
};

/* A superblock found on the device. */
struct sbfound {
	struct fs	sf_fs;			/* decoded, normalised */
	int64_t		sf_loc;			/* byte offset */
	bool		sf_swap;
	uint8_t		sf_raw[SBLOCKSIZE];	/* as on disk */
};

/*
 * Read the SBLOCKSIZE bytes at byte loc of devvp into sf if they are an
 * FFS superblock that may live there.  EFTYPE if not (with the reason in
 * why when there is a superblock, but one that belongs elsewhere); an
 * I/O error as is.  The buffer is invalidated: superblock locations
 * overlap other metadata.
 */
static int
sb_read_at(struct vnode *devvp, int64_t loc, struct sbfound *sf, char *why,
    size_t whylen)
{
	struct buf *bp;
	bool ufs2;
	int error;

	if ((uint64_t)loc + SBLOCKSIZE > blk_size(devvp->v_blkdev))
		return EFTYPE;
	if ((error = bread(devvp, loc / DEV_BSIZE, SBLOCKSIZE, &bp)) != 0)
		return error;
	error = ffs_sb_magic(bp->b_data, &ufs2, &sf->sf_swap);
	if (error == 0 && !ufs2 && loc != SBLOCK_UFS1 &&
	    loc != SBLOCK_FLOPPY) {
		snprintf(why, whylen, "a UFS1 primary superblock is at "
		    "8192 or 0 (a backup copy?)");
		error = EFTYPE;
	}
	if (error == 0) {
		memcpy(sf->sf_raw, bp->b_data, SBLOCKSIZE);
		ffs_sb_decode(sf->sf_raw, &sf->sf_fs, sf->sf_swap);
		ffs_sb_normalize(&sf->sf_fs);
		sf->sf_loc = loc;
	}
	brelse(bp, BC_INVAL);
	return error;
}

/*
 * Find the superblock of devvp.  On EFTYPE, why says what was wrong with
 * the first candidate that had a magic number, or is empty.
 */
static int
sb_find(struct vnode *devvp, struct sbfound *sf, char *why, size_t whylen)
{
	uint64_t devsize = blk_size(devvp->v_blkdev);
	char reason[160];
	int error, ioerror = 0;
	size_t i;

	why[0] = '\0';
	for (i = 0; i < __arraycount(ffs_sblocks); i++) {
		reason[0] = '\0';
		error = sb_read_at(devvp, ffs_sblocks[i], sf, reason,
		    sizeof(reason));
		if (error == 0) {
			error = ffs_sb_validate(&sf->sf_fs, sf->sf_loc,
			    devsize, reason, sizeof(reason));
			if (error == 0)
				return 0;
		} else if (error != EFTYPE && ioerror == 0) {
			ioerror = error;
		}
		if (why[0] == '\0' && reason[0] != '\0')
			snprintf(why, whylen, "superblock at byte %lld: %s",
			    (long long)ffs_sblocks[i], reason);
	}
	return why[0] == '\0' && ioerror != 0 ? ioerror : EFTYPE;
}

static const char *
devname_of(struct vnode *devvp)
{
	const char *path = blk_path(devvp->v_blkdev);

	return path != NULL ? path : "?";
}

/*
 * vfs_probe: is there a usable FFS on devvp?  Silent unless it finds an
 * FFS superblock it must refuse: then it says why, since a program that
 * lets the type be detected never gets as far as ffs_mount.
 */
static int
ffs_probe(struct vnode *devvp)
{
	struct sbfound *sf;
	char why[200];
	int error;

	if ((sf = kmem_alloc(sizeof(*sf))) == NULL)
		return ENOMEM;
	error = sb_find(devvp, sf, why, sizeof(why));
	if (error != 0 && why[0] != '\0')
		kprintf("ffs: %s: %s\n", devname_of(devvp), why);
	kmem_free(sf, sizeof(*sf));
	return error == 0 ? 0 : EFTYPE;
}

void
ffs_ump_free(struct ufsmount *ump)
{
	if (ump->um_csp != NULL)
		kmem_free(ump->um_csp, (size_t)ump->um_fs->fs_ncg *
		    sizeof(*ump->um_csp));
	if (ump->um_cgstate != NULL)
		kmem_free(ump->um_cgstate, (size_t)ump->um_fs->fs_ncg);
	if (ump->um_sbraw != NULL)
		kmem_free(ump->um_sbraw, ump->um_sbrawsize);
	if (ump->um_fs != NULL)
		kmem_free(ump->um_fs, sizeof(*ump->um_fs));
	kmem_free(ump, sizeof(*ump));
}

/* Derived values and the state flags of a new ufsmount. */
static void
ump_setup(struct ufsmount *ump)
{
	struct fs *fs = ump->um_fs;

	ump->um_ufs2 = fs->fs_magic == FS_UFS2_MAGIC;
	ump->um_newdirfmt = ump->um_ufs2 || fs->fs_maxsymlinklen > 0;
	ump->um_oldids = !ump->um_ufs2 &&
	    fs->fs_old_inodefmt < FS_44INODEFMT;
	ump->um_isize = ump->um_ufs2 ? sizeof(struct ufs2_dinode) :
	    sizeof(struct ufs1_dinode);
	ump->um_maxsymlinklen = (uint32_t)fs->fs_maxsymlinklen;
	ump->um_symlinkarea = ump->um_ufs2 ? UFS2_SYMLINKAREA :
	    UFS1_SYMLINKAREA;
	ump->um_maxino = (uint64_t)fs->fs_ncg * (uint64_t)fs->fs_ipg;
	ump->um_maxfilesize = ffs_maxfilesize(fs);
	ump->um_unclean = (fs->fs_clean & FS_ISCLEAN) == 0 ||
	    (fs->fs_flags & FS_NEEDSFSCK) != 0;
	ump->um_wapbl = (fs->fs_flags & FS_DOWAPBL) != 0 &&
	    (fs->fs_journal_version != 0 || fs->fs_journal_location != 0);
}

/* Read and check the superblock of devvp into a new ufsmount. */
int
ffs_ump_create(struct vnode *devvp, struct ufsmount **umpp)
{
	struct ufsmount *ump;
	struct sbfound *sf;
	char why[200];
	int error;

	if ((ump = kmem_zalloc(sizeof(*ump))) == NULL)
		return ENOMEM;
	snprintf(ump->um_devname, sizeof(ump->um_devname), "%s",
	    devname_of(devvp));
	ump->um_devvp = devvp;
	if ((sf = kmem_alloc(sizeof(*sf))) == NULL) {
		error = ENOMEM;
		goto out_free;
	}
	if ((error = sb_find(devvp, sf, why, sizeof(why))) != 0) {
		kprintf("ffs: %s: %s\n", ump->um_devname, why[0] != '\0' ?
		    why : "no FFS superblock found");
		goto out_free;
	}
	if (sf->sf_fs.fs_fsize % blk_secsize(devvp->v_blkdev) != 0) {
		kprintf("ffs: %s: fragment size %d is not a multiple of the "
		    "sector size\n", ump->um_devname, sf->sf_fs.fs_fsize);
		error = EFTYPE;
		goto out_free;
	}
	ump->um_fs = kmem_alloc(sizeof(*ump->um_fs));
	ump->um_sbrawsize = (uint32_t)sf->sf_fs.fs_sbsize;
	ump->um_sbraw = kmem_alloc(ump->um_sbrawsize);
	if (ump->um_fs == NULL || ump->um_sbraw == NULL) {
		error = ENOMEM;
		goto out_free;
	}
	*ump->um_fs = sf->sf_fs;
	memcpy(ump->um_sbraw, sf->sf_raw, ump->um_sbrawsize);
	ump->um_sbloc = sf->sf_loc;
	ump->um_swap = sf->sf_swap;
	ump_setup(ump);
	kmem_free(sf, sizeof(*sf));
	*umpp = ump;
	return 0;

out_free:
	if (sf != NULL)
		kmem_free(sf, sizeof(*sf));
	ffs_ump_free(ump);
	return error;
}

/*
 * May this mount go ahead with the access it asks for?  The one place
 * that decides: a file system that is not clean or has a log to replay
 * is only read (with a warning), and read-write mounts wait for write
 * support.
 */
static int
ffs_mount_checkrw(struct mount *mp, struct ufsmount *ump)
{
	bool rdonly = (mp->mnt_flag & MNT_RDONLY) != 0;
	const char *state = NULL;

	if (ump->um_wapbl)
		state = "its WAPBL log may need replaying";
	else if (ump->um_unclean)
		state = "it is not clean";
	if (state != NULL && rdonly) {
		kprintf("ffs: %s: %s; mounted read-only, contents may be "
		    "inconsistent\n", ump->um_devname, state);
		return 0;
	}
	if (state != NULL) {
		kprintf("ffs: %s: %s (run fsck); read-write mount refused\n",
		    ump->um_devname, state);
		return EROFS;
	}
	if (!rdonly && !ffs_write_support) {
		kprintf("ffs: %s: write support not yet available\n",
		    ump->um_devname);
		return EROFS;
	}
	return 0;
}

/*
 * The cylinder group summary area (fs_cssize bytes at fragment
 * fs_csaddr): one struct csum per group.  Read-write mounts keep it in
 * memory (um_csp), in host byte order, and write it back at sync.
 */
static int
csum_io(struct ufsmount *ump, bool write)
{
	struct fs *fs = ump->um_fs;
	size_t total = (size_t)fs->fs_ncg * sizeof(struct csum), done, n, i;
	int64_t csize = ffs_fragroundup(fs, fs->fs_cssize), off;
	uint8_t *p;
	struct buf *bp;
	int error, len;

	if ((int64_t)total > csize)
		return EIO;
	for (off = 0, done = 0; done < total; off += fs->fs_bsize) {
		len = (int)MIN((int64_t)fs->fs_bsize, csize - off);
		error = bread(ump->um_devvp, ffs_fsbtodb(fs, fs->fs_csaddr) +
		    off / DEV_BSIZE, len, &bp);
		if (error != 0)
			return error;
		n = MIN((size_t)len, total - done);
		p = bp->b_data;
		for (i = 0; i < n; i += 4) {
			int32_t *v = (int32_t *)(void *)((uint8_t *)ump->um_csp +
			    done + i);

			if (write)
				ffs_wr32(p + i, (uint32_t)*v, ump->um_swap);
			else
				*v = (int32_t)ffs_rd32(p + i, ump->um_swap);
		}
		done += n;
		if (write)
			error = bwrite(bp);
		else
			brelse(bp, 0);
		if (error != 0)
			return error;
	}
	return 0;
}

/*
 * Write the superblock with the current totals and the given clean
 * state.  Only the fields a writer changes are patched into the copy read
 * at mount, so everything else stays byte for byte as it was.
 */
static int
sb_write(struct ufsmount *ump, bool clean)
{
	struct fs *fs = ump->um_fs;
	uint8_t *raw = ump->um_sbraw;
	struct ktimespec now;
	struct buf *bp;
	bool sw = ump->um_swap, new64;
	int error;

	vfs_timestamp(&now);
	fs->fs_clean = clean ? FS_ISCLEAN : 0;
	fs->fs_time = now.tv_sec;
	raw[offsetof(struct fs, fs_clean)] = (uint8_t)fs->fs_clean;
	raw[offsetof(struct fs, fs_fmod)] = 0;
	if (clean) {
		/* Checked and consistent: no longer "run fsck first". */
		uint32_t f = ffs_rd32(raw + offsetof(struct fs, fs_flags), sw);

		fs->fs_flags &= ~(uint32_t)(FS_UNCLEAN | FS_NEEDSFSCK);
		fs->fs_old_flags &= (uint8_t)~(FS_UNCLEAN | FS_NEEDSFSCK);
		raw[offsetof(struct fs, fs_old_flags)] &=
		    (uint8_t)~(FS_UNCLEAN | FS_NEEDSFSCK);
		/* Old UFS1 superblocks keep them in fs_old_flags only. */
		if (ump->um_ufs2 || (fs->fs_old_flags & FS_FLAGS_UPDATED))
			ffs_wr32(raw + offsetof(struct fs, fs_flags),
			    f & ~(uint32_t)(FS_UNCLEAN | FS_NEEDSFSCK), sw);
	}
	ffs_wr32(raw + offsetof(struct fs, fs_old_time), (uint32_t)now.tv_sec,
	    sw);
	ffs_wr64(raw + offsetof(struct fs, fs_time), (uint64_t)now.tv_sec, sw);
	/*
	 * UFS1 keeps the 64-bit totals too when its superblock has the
	 * newer fields; ffs_sb_normalize() reads them whenever
	 * FS_FLAGS_UPDATED is set with a 64-bit size, so they must be
	 * written then whatever else the superblock says.
	 */
	new64 = ump->um_ufs2 || fs->fs_maxbsize == fs->fs_bsize ||
	    ((fs->fs_old_flags & FS_FLAGS_UPDATED) &&
	    ffs_rd64(raw + offsetof(struct fs, fs_size), sw) != 0);
	if (!ump->um_ufs2) {
		uint8_t *o = raw + offsetof(struct fs, fs_old_cstotal);

		ffs_wr32(o, (uint32_t)fs->fs_cstotal.cs_ndir, sw);
		ffs_wr32(o + 4, (uint32_t)fs->fs_cstotal.cs_nbfree, sw);
		ffs_wr32(o + 8, (uint32_t)fs->fs_cstotal.cs_nifree, sw);
		ffs_wr32(o + 12, (uint32_t)fs->fs_cstotal.cs_nffree, sw);
	}
	if (new64) {
		uint8_t *t = raw + offsetof(struct fs, fs_cstotal);

		ffs_wr64(t, (uint64_t)fs->fs_cstotal.cs_ndir, sw);
		ffs_wr64(t + 8, (uint64_t)fs->fs_cstotal.cs_nbfree, sw);
		ffs_wr64(t + 16, (uint64_t)fs->fs_cstotal.cs_nifree, sw);
		ffs_wr64(t + 24, (uint64_t)fs->fs_cstotal.cs_nffree, sw);
	}
	error = bread(ump->um_devvp, ump->um_sbloc / DEV_BSIZE,
	    (int)roundup(ump->um_sbrawsize, DEV_BSIZE), &bp);
	if (error != 0)
		return error;
	memcpy(bp->b_data, raw, ump->um_sbrawsize);
	error = bwrite(bp);
	ump->um_fmod = false;
	return error;
}

/* Read the summary area into um_csp (fsck compares it). */
int
ffs_csum_read(struct ufsmount *ump)
{
	return csum_io(ump, false);
}

/* Summaries, then the superblock. */
int
ffs_sbupdate(struct ufsmount *ump, bool clean)
{
	int error;

	if ((error = csum_io(ump, true)) != 0)
		return error;
	return sb_write(ump, clean);
}

/* Set up a read-write mount: the summaries in memory. */
static int
mount_rw(struct ufsmount *ump)
{
	struct fs *fs = ump->um_fs;
	char why[200];

	if (ffs_sb_validate_rw(fs, ump->um_sbloc, why, sizeof(why)) != 0) {
		kprintf("ffs: %s: %s; read-write mount refused\n",
		    ump->um_devname, why);
		return EROFS;
	}
	ump->um_csp = kmem_zalloc((size_t)fs->fs_ncg * sizeof(*ump->um_csp));
	ump->um_cgstate = kmem_zalloc((size_t)fs->fs_ncg);
	if (ump->um_csp == NULL || ump->um_cgstate == NULL)
		return ENOMEM;
	return csum_io(ump, false);
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
ffs_mount(struct mount *mp, struct vnode *devvp, const char *opts)
{
	struct ufsmount *ump;
	int error;

	if ((error = vfs_checkopts(opts, ffs_mntopts)) != 0)
		return error;
	if (hasopt(opts, "ro"))
		mp->mnt_flag |= MNT_RDONLY;
	if (hasopt(opts, "noatime"))
		mp->mnt_flag |= MNT_NOATIME;
	if ((error = ffs_ump_create(devvp, &ump)) != 0)
		return error;
	if ((error = ffs_mount_checkrw(mp, ump)) != 0) {
		ffs_ump_free(ump);
		return error;
	}
	ump->um_rdonly = (mp->mnt_flag & MNT_RDONLY) != 0;
	if (!ump->um_rdonly && (error = mount_rw(ump)) != 0) {
		ffs_ump_free(ump);
		return error;
	}
	ump->um_mountp = mp;
	mp->mnt_data = ump;
	mp->mnt_bshift = ump->um_fs->fs_bshift;
	return 0;
}

/*
 * The VFS has reclaimed every vnode and written everything back
 * (ffs_sync, then the clean flag): only the in-core state is left.
 */
static int
ffs_unmount(struct mount *mp, int flags)
{
	struct ufsmount *ump = VFSTOUFS(mp);

	ffs_ump_free(ump);
	mp->mnt_data = NULL;
	return 0;
}

/* vfs_setclean: write the superblock with fs_clean set or cleared. */
static int
ffs_setclean(struct mount *mp, bool clean)
{
	struct ufsmount *ump = VFSTOUFS(mp);

	if (ump->um_rdonly)
		return EROFS;
	return sb_write(ump, clean);
}

static int
ffs_root(struct mount *mp, struct vnode **vpp)
{
	struct vnode *vp;
	int error;

	if ((error = vcache_get(mp, UFS_ROOTINO, &vp)) != 0)
		return error;
	if (vp->v_type != VDIR) {
		kprintf("ffs: %s: the root inode is not a directory\n",
		    VFSTOUFS(mp)->um_devname);
		vrele(vp);
		return EIO;
	}
	*vpp = vp;
	return 0;
}

/* Clamp a summary count from the superblock into [0, max]. */
static uint64_t
count_clamp(int64_t v, uint64_t max)
{
	if (v < 0)
		return 0;
	return (uint64_t)v > max ? max : (uint64_t)v;
}

/*
 * Space and inode counts from the superblock totals (kept current by
 * every writer at unmount; possibly stale if the file system is not
 * clean, hence the clamping).
 */
static int
ffs_statvfs(struct mount *mp, struct kstatvfs *sf)
{
	struct ufsmount *ump = VFSTOUFS(mp);
	struct fs *fs = ump->um_fs;
	uint64_t dsize = (uint64_t)fs->fs_dsize, bfree, reserve;

	memset(sf, 0, sizeof(*sf));
	sf->f_bsize = (uint32_t)fs->fs_bsize;
	sf->f_frsize = (uint32_t)fs->fs_fsize;
	sf->f_iosize = (uint32_t)fs->fs_bsize;
	sf->f_blocks = dsize;
	bfree = (count_clamp(fs->fs_cstotal.cs_nbfree, dsize) <<
	    fs->fs_fragshift) + count_clamp(fs->fs_cstotal.cs_nffree, dsize);
	sf->f_bfree = MIN(bfree, dsize);
	reserve = dsize * (uint64_t)fs->fs_minfree / 100;
	sf->f_bavail = sf->f_bfree > reserve ? sf->f_bfree - reserve : 0;
	sf->f_files = ump->um_maxino - UFS_ROOTINO;
	sf->f_ffree = count_clamp(fs->fs_cstotal.cs_nifree, sf->f_files);
	sf->f_favail = sf->f_ffree;
	sf->f_namemax = FFS_MAXNAMLEN;
	snprintf(sf->f_fstypename, sizeof(sf->f_fstypename), "ffs");
	return 0;
}

/*
 * The vnodes were synced by the VFS; write the summaries and the
 * superblock if they changed, with the clean flag as it is on disk.
 */
static int
ffs_sync(struct mount *mp, int waitfor)
{
	struct ufsmount *ump = VFSTOUFS(mp);

	if (ump->um_rdonly || !ump->um_fmod)
		return 0;
	return ffs_sbupdate(ump, (ump->um_fs->fs_clean & FS_ISCLEAN) != 0);
}

/* vfs_loadvnode: fill vp from inode ino. */
static int
ffs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino)
{
	struct inode *ip;
	int error;

	if ((error = ffs_inode_load(VFSTOUFS(mp), ino, &ip)) != 0)
		return error;
	ip->i_vnode = vp;
	vp->v_type = vtype_from_mode(ip->i_mode);
	vp->v_data = ip;
	switch (vp->v_type) {
	case VREG:
		vp->v_gop = &ffs_genfsops;
		/* FALLTHROUGH */
	case VDIR:
	case VLNK:
		vp->v_op = &ffs_vnodeops;
		vp->v_size = (off_t)ip->i_size;
		break;
	default:
		vp->v_op = &ffs_specops;
		vp->v_size = 0;
		if (vp->v_type == VCHR || vp->v_type == VBLK)
			vp->v_rdev = (dev_t)(uint32_t)ffs_ip_db(ip, 0);
		break;
	}
	if (ino == UFS_ROOTINO)
		vp->v_vflag |= VV_ROOT;
	return 0;
}

static const struct vnodeops *const ffs_opv[] = {
	&ffs_vnodeops,
	&ffs_specops,
	NULL,
};

const struct vfsops ffs_vfsops = {
	.vfs_name = "ffs",
	.vfs_opv = ffs_opv,
	.vfs_probe = ffs_probe,
	.vfs_mount = ffs_mount,
	.vfs_unmount = ffs_unmount,
	.vfs_root = ffs_root,
	.vfs_statvfs = ffs_statvfs,
	.vfs_sync = ffs_sync,
	.vfs_loadvnode = ffs_loadvnode,
	.vfs_fsck = ffs_fsck,
	.vfs_newfs = ffs_newfs,
	.vfs_setclean = ffs_setclean,
};
