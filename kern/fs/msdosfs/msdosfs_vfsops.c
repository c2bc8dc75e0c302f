/*
 * msdosfs_vfsops.c: the FAT file system's vfs operations: probe, mount,
 * unmount, root, statvfs, sync, and loading a vnode.
 *
 * Mounting reads the boot sector (msdosfs_bpb_parse checks it and
 * decides FAT12, FAT16 or FAT32 by the count of clusters) and, on FAT32,
 * the FSInfo sector, whose free count and next-free hint are used when
 * its three signatures are right and the values plausible (else the
 * sector is ignored with a warning and never written).  Nothing else is
 * read until it is needed.  The probe runs the same checks, so it never
 * accepts a volume a mount would refuse; it speaks only when it refuses
 * something that has a FAT boot sector's jump and signature.
 *
 * Supported: FAT12, FAT16 and FAT32 with sectors of 512 to 4096 bytes
 * and clusters of up to 64 KiB, long (VFAT) names, the Windows NT case
 * bits of short names, any number of FATs.  Mount options: ro, rw,
 * noatime, uid=N, gid=N (the owner of every file), mask=OOO and
 * dirmask=OOO (the permissions of files and directories, octal; default
 * 0644 and 0755), gmtoff=S (times on the volume are UTC + S seconds;
 * default: the host's local time), utc (the same as gmtoff=0).
 *
 * Read-write mounts (decided in mount_checkrw() alone) are refused for
 * a volume that was not released cleanly (the "clean" bit of FAT entry 1
 * on FAT16/32 clear, or the boot sector's dirty bit set: run fsck.fat) or
 * whose FAT32 mirroring is off; they clear the clean bit while mounted
 * and set it again at unmount, after everything else is written, unless
 * writing back failed or the device reported an I/O error meanwhile.
 * The free count is counted at mount when FSInfo does not know it, so
 * that FSInfo is right afterwards.
 *
 * Refused or ignored: exFAT and other look-alikes (no FAT boot sector or
 * BPB: not recognised), clusters over 64 KiB (EFTYPE), extended
 * attributes, the backup boot sector (never written), volume labels
 * (neither shown nor changed).
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "../../sys.h"
#include "../../dev/blk.h"
#include "bpb.h"
#include "denode.h"
#include "direntry.h"
#include "fat.h"
#include "msdosfs_extern.h"

static const char *const msdosfs_mntopts[] = { "ro", "rw", "noatime", "uid",
    "gid", "mask", "dirmask", "gmtoff", "utc", NULL };

static const char *
devname_of(struct vnode *devvp)
{
	const char *path = blk_path(devvp->v_blkdev);

	return path != NULL ? path : "?";
}

/* Read and check the boot sector of devvp into the geometry of pmp. */
static int
bpb_read(struct vnode *devvp, struct msdosfsmount *pmp, char *why,
    size_t whylen)
{
	struct buf *bp;
	int error;

	why[0] = '\0';
	if (blk_size(devvp->v_blkdev) < DEV_BSIZE)
		return EFTYPE;
	if ((error = bread(devvp, 0, DEV_BSIZE, &bp)) != 0)
		return error;
	error = msdosfs_bpb_parse(bp->b_data, blk_size(devvp->v_blkdev),
	    blk_secsize(devvp->v_blkdev), pmp, why, whylen);
	if (error == 0)
		pmp->pm_unclean = msdosfs_dirty_state(bp->b_data,
		    pmp->pm_fattype) != 0;
	brelse(bp, BC_INVAL);
	return error;
}

/*
 * vfs_probe: is there a usable FAT volume on devvp?  Silent unless it
 * refuses a boot sector that looks like FAT's.
 */
static int
msdosfs_probe(struct vnode *devvp)
{
	struct msdosfsmount *pmp;
	char why[160];
	int error;

	if ((pmp = kmem_zalloc(sizeof(*pmp))) == NULL)
		return ENOMEM;
	error = bpb_read(devvp, pmp, why, sizeof(why));
	if (error != 0 && why[0] != '\0')
		kprintf("msdosfs: %s: %s\n", devname_of(devvp), why);
	kmem_free(pmp, sizeof(*pmp));
	return error == 0 ? 0 : EFTYPE;
}

/* Mount options. */
struct msdosfs_args {
	uid_t		ma_uid;
	gid_t		ma_gid;
	mode_t		ma_mask;
	mode_t		ma_dirmask;
	bool		ma_gmtoff_set;
	int32_t		ma_gmtoff;
};

/*
 * The value of option name in the option list opts: *valp and *lenp, or
 * false if it is not there.
 */
static bool
opt_find(const char *opts, const char *name, const char **valp, size_t *lenp)
{
	size_t len = strlen(name);
	const char *p, *e;

	for (p = opts; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) >= len && strncmp(p, name, len) == 0 &&
		    (p + len == e || p[len] == '=')) {
			*valp = p + len == e ? e : p + len + 1;
			*lenp = (size_t)(e - *valp);
			return true;
		}
	}
	return false;
}

/* Parse a number in base 8 or 10, with an optional '-'; EINVAL. */
static int
opt_num(const char *opts, const char *name, int base, int64_t min,
    int64_t max, int64_t *vp)
{
	const char *s;
	size_t len, i = 0;
	int64_t v = 0;
	bool neg = false;

	if (!opt_find(opts, name, &s, &len))
		return ENOENT;
	if (len > 0 && s[0] == '-')
		neg = true, i = 1;
	if (i == len)
		goto bad;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] >= '0' + base)
			goto bad;
		v = v * base + (s[i] - '0');
		if (v > (int64_t)1 << 40)
			goto bad;
	}
	v = neg ? -v : v;
	if (v < min || v > max)
		goto bad;
	*vp = v;
	return 0;
bad:
	kprintf("msdosfs: bad value for mount option \"%s\"\n", name);
	return EINVAL;
}

static int
opts_parse(const char *opts, struct msdosfs_args *a)
{
	const char *s;
	size_t len;
	int64_t v;
	int error;

	a->ma_uid = 0;
	a->ma_gid = 0;
	a->ma_mask = 0644;
	a->ma_dirmask = 0755;
	a->ma_gmtoff_set = false;
	a->ma_gmtoff = 0;
	if ((error = opt_num(opts, "uid", 10, 0, UINT32_MAX - 1, &v)) == 0)
		a->ma_uid = (uid_t)v;
	else if (error != ENOENT)
		return error;
	if ((error = opt_num(opts, "gid", 10, 0, UINT32_MAX - 1, &v)) == 0)
		a->ma_gid = (gid_t)v;
	else if (error != ENOENT)
		return error;
	if ((error = opt_num(opts, "mask", 8, 0, 0777, &v)) == 0)
		a->ma_mask = (mode_t)v;
	else if (error != ENOENT)
		return error;
	if ((error = opt_num(opts, "dirmask", 8, 0, 0777, &v)) == 0)
		a->ma_dirmask = (mode_t)v;
	else if (error != ENOENT)
		return error;
	if ((error = opt_num(opts, "gmtoff", 10, -86400, 86400, &v)) == 0) {
		a->ma_gmtoff_set = true;
		a->ma_gmtoff = (int32_t)v;
	} else if (error != ENOENT) {
		return error;
	}
	if (opt_find(opts, "utc", &s, &len)) {
		if (len != 0) {
			kprintf("msdosfs: mount option \"utc\" takes no "
			    "value\n");
			return EINVAL;
		}
		if (a->ma_gmtoff_set) {
			kprintf("msdosfs: mount options \"utc\" and "
			    "\"gmtoff\" exclude each other\n");
			return EINVAL;
		}
		a->ma_gmtoff_set = true;
		a->ma_gmtoff = 0;
	}
	return 0;
}

/* Does the option list opts name option opt (without a value)? */
static bool
hasopt(const char *opts, const char *opt)
{
	const char *v;
	size_t len;

	return opt_find(opts, opt, &v, &len) && len == 0;
}

/*
 * FAT32: take the free count and the hint from FSInfo if its signatures
 * are right; otherwise forget the sector.
 */
static int
fsinfo_read(struct msdosfsmount *pmp)
{
	struct buf *bp;
	const uint8_t *p;
	uint32_t free, next;
	int error;

	pmp->pm_freecount = UINT32_MAX;
	pmp->pm_nxtfree = CLUST_FIRST;
	if (pmp->pm_fsinfo == 0)
		return 0;
	error = bread(pmp->pm_devvp, (daddr_t)((uint64_t)pmp->pm_fsinfo *
	    pmp->pm_bps / DEV_BSIZE), (int)pmp->pm_bps, &bp);
	if (error != 0)
		return error;
	p = bp->b_data;
	if (msdosfs_rd32(p + FSI_LEADSIG) != FSI_LEADSIG_VAL ||
	    msdosfs_rd32(p + FSI_STRUCSIG) != FSI_STRUCSIG_VAL ||
	    msdosfs_rd32(p + FSI_TRAILSIG) != FSI_TRAILSIG_VAL) {
		kprintf("msdosfs: %s: FSInfo sector %u has bad signatures; "
		    "ignored\n", pmp->pm_devname, pmp->pm_fsinfo);
		pmp->pm_fsinfo = 0;
		brelse(bp, BC_INVAL);
		return 0;
	}
	free = msdosfs_rd32(p + FSI_FREE_COUNT);
	next = msdosfs_rd32(p + FSI_NXT_FREE);
	brelse(bp, 0);
	if (free <= pmp->pm_ncluster)
		pmp->pm_freecount = free;
	if (next >= CLUST_FIRST && next <= pmp->pm_maxclust)
		pmp->pm_nxtfree = next;
	return 0;
}

static void
pmp_free(struct msdosfsmount *pmp)
{
	if (pmp->pm_fatdirty != NULL)
		kmem_free(pmp->pm_fatdirty, howmany(pmp->pm_nfatblks, 8));
	msdosfs_dirmap_free(pmp);
	kmem_free(pmp, sizeof(*pmp));
}

/* Read the boot sector and FSInfo of devvp into a new msdosfsmount. */
static int
pmp_create(struct vnode *devvp, const struct msdosfs_args *a,
    struct msdosfsmount **pmpp)
{
	struct msdosfsmount *pmp;
	char why[160];
	bool clean;
	int error;

	if ((pmp = kmem_zalloc(sizeof(*pmp))) == NULL)
		return ENOMEM;
	snprintf(pmp->pm_devname, sizeof(pmp->pm_devname), "%s",
	    devname_of(devvp));
	pmp->pm_devvp = devvp;
	pmp->pm_uid = a->ma_uid;
	pmp->pm_gid = a->ma_gid;
	pmp->pm_mask = a->ma_mask;
	pmp->pm_dirmask = a->ma_dirmask;
	pmp->pm_gmtoff_set = a->ma_gmtoff_set;
	pmp->pm_gmtoff = a->ma_gmtoff;
	if ((error = bpb_read(devvp, pmp, why, sizeof(why))) != 0) {
		kprintf("msdosfs: %s: %s\n", pmp->pm_devname, why[0] != '\0' ?
		    why : "no FAT boot sector found");
		goto out_free;
	}
	if ((error = fsinfo_read(pmp)) != 0 ||
	    (error = msdosfs_fat_getclean(pmp, &clean)) != 0)
		goto out_free;
	if (!clean)
		pmp->pm_unclean = true;
	*pmpp = pmp;
	return 0;

out_free:
	pmp_free(pmp);
	return error;
}

/*
 * May this mount go ahead with the access it asks for?  The one place
 * that decides (see the header comment).
 */
static int
mount_checkrw(struct mount *mp, struct msdosfsmount *pmp)
{
	bool rdonly = (mp->mnt_flag & MNT_RDONLY) != 0;

	if (pmp->pm_unclean && rdonly) {
		kprintf("msdosfs: %s: not released cleanly; mounted "
		    "read-only, contents may be inconsistent\n",
		    pmp->pm_devname);
		return 0;
	}
	if (pmp->pm_unclean) {
		kprintf("msdosfs: %s: not released cleanly (run fsck.fat); "
		    "read-write mount refused\n", pmp->pm_devname);
		return EROFS;
	}
	if (!rdonly && !pmp->pm_mirror) {
		kprintf("msdosfs: %s: FAT mirroring is off; read-write mount "
		    "refused\n", pmp->pm_devname);
		return EROFS;
	}
	return 0;
}

/* Failed requests of the mount's device so far. */
static uint64_t
dev_errors(struct msdosfsmount *pmp)
{
	struct blk_stats bs;

	blk_getstats(pmp->pm_devvp->v_blkdev, &bs);
	return bs.bs_errors;
}

/* Set up a read-write mount: the free count known, "not clean" on disk. */
static int
mount_rw(struct msdosfsmount *pmp)
{
	int error;

	pmp->pm_blkerrors = dev_errors(pmp);
	pmp->pm_fatdirty = kmem_zalloc(howmany(pmp->pm_nfatblks, 8));
	if (pmp->pm_fatdirty == NULL)
		return ENOMEM;
	if (pmp->pm_fsinfo != 0 && pmp->pm_freecount == UINT32_MAX) {
		if ((error = msdosfs_fat_countfree(pmp,
		    &pmp->pm_freecount)) != 0)
			return error;
		pmp->pm_fmod = true;
	}
	return msdosfs_fat_setclean(pmp, false);
}

static int
msdosfs_mount(struct mount *mp, struct vnode *devvp, const char *opts)
{
	struct msdosfsmount *pmp;
	struct msdosfs_args a;
	int error;

	if ((error = vfs_checkopts(opts, msdosfs_mntopts)) != 0 ||
	    (error = opts_parse(opts, &a)) != 0)
		return error;
	if (hasopt(opts, "ro"))
		mp->mnt_flag |= MNT_RDONLY;
	if (hasopt(opts, "noatime"))
		mp->mnt_flag |= MNT_NOATIME;
	if ((error = pmp_create(devvp, &a, &pmp)) != 0)
		return error;
	if ((error = mount_checkrw(mp, pmp)) != 0) {
		pmp_free(pmp);
		return error;
	}
	pmp->pm_rdonly = (mp->mnt_flag & MNT_RDONLY) != 0;
	if (!pmp->pm_rdonly && (error = mount_rw(pmp)) != 0) {
		pmp_free(pmp);
		return error;
	}
	pmp->pm_mountp = mp;
	mp->mnt_data = pmp;
	mp->mnt_bshift = pmp->pm_cshift;
	return 0;
}

/* Write the other FATs, the buffers, and FSInfo (still not clean). */
static int
write_back(struct msdosfsmount *pmp)
{
	int error;

	if ((error = msdosfs_fat_mirror(pmp)) != 0 ||
	    (error = bflush(pmp->pm_devvp)) != 0)
		return error;
	return msdosfs_fsinfo_write(pmp);
}

/*
 * The VFS has reclaimed every vnode.  A read-write mount writes all it
 * has, then marks the volume clean, so the clean bit never reaches the
 * disk before what it vouches for; not if anything failed while mounted
 * (then fsck.fat is needed), as in ffs_unmount.
 */
static int
msdosfs_unmount(struct mount *mp, int flags)
{
	struct msdosfsmount *pmp = VFSTOMSDOSFS(mp);
	int error = 0;

	if (!pmp->pm_rdonly) {
		if ((dev_errors(pmp) != pmp->pm_blkerrors ||
		    mp->mnt_wrerror != 0) && !pmp->pm_wrerror) {
			kprintf("msdosfs: %s: errors while mounted; not "
			    "marked clean (run fsck.fat)\n", pmp->pm_devname);
			pmp->pm_wrerror = true;
		}
		error = write_back(pmp);
		if (error == 0 && !pmp->pm_wrerror)
			error = msdosfs_fat_setclean(pmp, true);
		if (error != 0) {
			kprintf("msdosfs: %s: could not write the volume back "
			    "(error %d); it is not marked clean\n",
			    pmp->pm_devname, error);
			pmp->pm_wrerror = true;
			if ((flags & MNT_FORCE) == 0)
				return error;
		}
	}
	pmp_free(pmp);
	mp->mnt_data = NULL;
	return error;
}

static int
msdosfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, MSDOSFS_ROOTINO, vpp);
}

static int
msdosfs_statvfs(struct mount *mp, struct kstatvfs *sf)
{
	struct msdosfsmount *pmp = VFSTOMSDOSFS(mp);
	uint32_t nfree = pmp->pm_freecount;
	int error;

	if (nfree == UINT32_MAX) {
		if ((error = msdosfs_fat_countfree(pmp, &nfree)) != 0)
			return error;
		pmp->pm_freecount = nfree;
	}
	memset(sf, 0, sizeof(*sf));
	sf->f_bsize = pmp->pm_csize;
	sf->f_frsize = pmp->pm_csize;
	sf->f_iosize = pmp->pm_csize;
	sf->f_blocks = pmp->pm_ncluster;
	sf->f_bfree = nfree;
	sf->f_bavail = nfree;
	sf->f_namemax = NAME_MAX;
	snprintf(sf->f_fstypename, sizeof(sf->f_fstypename), "msdos");
	return 0;
}

/* The vnodes were synced by the VFS: the other FATs and FSInfo. */
static int
msdosfs_sync(struct mount *mp, int waitfor)
{
	struct msdosfsmount *pmp = VFSTOMSDOSFS(mp);

	if (pmp->pm_rdonly)
		return 0;
	return write_back(pmp);
}

/* vfs_loadvnode: fill vp from the entry key names. */
static int
msdosfs_loadvnode(struct mount *mp, struct vnode *vp, ino_t key)
{
	struct msdosfsmount *pmp = VFSTOMSDOSFS(mp);
	struct denode *dep;
	int error;

	if ((error = msdosfs_denode_load(pmp, key, &dep)) != 0)
		return error;
	dep->de_vnode = vp;
	vp->v_data = dep;
	vp->v_op = &msdosfs_vnodeops;
	vp->v_size = (off_t)dep->de_size;
	if (dep->de_attr & ATTR_DIRECTORY) {
		vp->v_type = VDIR;
		if (key != MSDOSFS_ROOTINO)
			(void)msdosfs_dirmap_set(pmp, dep->de_start, key);
	} else {
		vp->v_type = VREG;
		vp->v_gop = &msdosfs_genfsops;
	}
	if (key == MSDOSFS_ROOTINO)
		vp->v_vflag |= VV_ROOT;
	return 0;
}

static const struct vnodeops *const msdosfs_opv[] = {
	&msdosfs_vnodeops,
	NULL,
};

const struct vfsops msdosfs_vfsops = {
	.vfs_name = "msdos",
	.vfs_opv = msdosfs_opv,
	.vfs_probe = msdosfs_probe,
	.vfs_mount = msdosfs_mount,
	.vfs_unmount = msdosfs_unmount,
	.vfs_root = msdosfs_root,
	.vfs_statvfs = msdosfs_statvfs,
	.vfs_sync = msdosfs_sync,
	.vfs_loadvnode = msdosfs_loadvnode,
	.vfs_newfs = msdosfs_newfs,
};
