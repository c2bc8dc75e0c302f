/*
 * vfs_mount.c: mounting, syncing and unmounting.
 *
 * Mount: the device vnode (a VBLK node in the root file system) is tied
 * to its block device, the file system type is chosen (given, or the first
 * whose probe recognises the device), its vfs_mount reads and checks the
 * superblock, and the mount is hung on the covered directory.
 *
 * Unmount, in the order that keeps an image consistent: reclaim every
 * vnode (writing dirty pages and inodes), let the file system write what
 * it keeps in memory (vfs_sync), write the dirty metadata buffers in
 * block order, make the block device durable, set the clean flag (below),
 * and only then let the file system free its state (vfs_unmount) and
 * forget the cached buffers.
 *
 * The clean flag, for every file system that has one (vfs_setclean).  On
 * a device whose writes reach the image all at once (the journal layer,
 * blk_atomic), the image is never seen half-changed, so the flag is left
 * as it is: clean.  A mount that failed (a device request failed, data
 * was lost at write-back, or the file system reported damage with
 * vfs_damaged) has its transaction discarded instead (blk_txn_fail).
 * Without the journal the classic protocol runs, with a barrier (a
 * device sync) at each step so the host cannot reorder them: at a
 * read-write mount, "not clean" is written and made durable before
 * anything else is written; at unmount, everything is written and made
 * durable, then, if nothing failed, "clean" is written and made durable.
 */
#include "../sys/param.h"
#include "../sys/buf.h"
#include "../sys/fsck.h"
#include "../sys/genfs.h"
#include "../sys/kmem.h"
#include "../sys/mount.h"
#include "../sys/queue.h"
#include "../sys/systm.h"
#include "../sys/vnode.h"
#include "../dev/blk.h"

static int vfs_setclean(struct mount *, bool);

TAILQ_HEAD(mountlist, mount);
static struct mountlist mountlist = { NULL, &mountlist.tqh_first };
static uint64_t nextfsid = 1;

struct vnode *rootvnode;

/* Failed requests of a device so far. */
static uint64_t
dev_errors(struct vnode *devvp)
{
	struct blk_stats bs;

	blk_getstats(devvp->v_blkdev, &bs);
	return bs.bs_errors;
}

/* Find the block device behind a VBLK vnode. */
static int
vfs_devopen(struct vnode *devvp, bool rdonly)
{
	struct blkdev *bd;

	if (devvp->v_type != VBLK)
		return ENOTBLK;
	if (devvp->v_blkdev == NULL) {
		if ((bd = blk_lookup((int)minor(devvp->v_rdev))) == NULL)
			return ENXIO;
		devvp->v_blkdev = bd;
	}
	if (!rdonly && blk_rdonly(devvp->v_blkdev))
		return EROFS;
	return 0;
}

/* Is there a mount on this device already? */
static bool
vfs_devbusy(const struct vnode *devvp)
{
	struct mount *mp;

	TAILQ_FOREACH(mp, &mountlist, mnt_list)
		if (mp->mnt_devvp != NULL &&
		    mp->mnt_devvp->v_blkdev == devvp->v_blkdev)
			return true;
	return false;
}

/*
 * Try each registered file system's probe on devvp; the first that
 * recognises it wins.  EFTYPE if none does.
 */
int
vfs_probe(struct vnode *devvp, const struct vfsops **vfsp)
{
	const struct vfsops *vfs;
	int i, error;

	for (i = 0; vfs_gettype(i, &vfs) == 0; i++) {
		error = vfs->vfs_probe(devvp);
		if (error == 0) {
			*vfsp = vfs;
			return 0;
		}
	}
	return EFTYPE;
}

/*
 * Check (and repair, as fa says) the file system of type fstype (NULL:
 * detect it) on device vnode devvp, which must not be mounted.
 */
int
vfs_fsck(struct vnode *devvp, const char *fstype, struct fsck_args *fa)
{
	const struct vfsops *vfs;
	int error;

	if ((error = vfs_devopen(devvp, fa->fa_mode == FSCK_NOWRITE)) != 0)
		return error;
	if (vfs_devbusy(devvp))
		return EBUSY;
	if (fstype != NULL && fstype[0] != '\0') {
		if ((vfs = vfs_getopsbyname(fstype)) == NULL)
			return ENODEV;
	} else if ((error = vfs_probe(devvp, &vfs)) != 0) {
		return error;
	}
	if (vfs->vfs_fsck == NULL)
		return EOPNOTSUPP;
	error = vfs->vfs_fsck(devvp, fa);
	if (error == 0 && fa->fa_modified)
		error = bflush(devvp);
	binvalall(devvp);
	return error;
}

/*
 * Mount a file system of type fstype (NULL: detect it) from device vnode
 * devvp on directory dvp.  Options: "ro"/"rw" and "noatime" are handled
 * here, the rest go to the file system.
 */
int
vfs_mount_at(struct vnode *dvp, struct vnode *devvp, const char *fstype,
    int flags, const char *opts, struct mount **mpp)
{
	const struct vfsops *vfs;
	struct mount *mp;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (dvp->v_mountedhere != NULL || (dvp->v_vflag & VV_ROOT))
		return EBUSY;
	if ((error = vfs_devopen(devvp, (flags & MNT_RDONLY) != 0)) != 0)
		return error;
	if (vfs_devbusy(devvp))
		return EBUSY;
	if (fstype != NULL && fstype[0] != '\0') {
		if ((vfs = vfs_getopsbyname(fstype)) == NULL)
			return ENODEV;
	} else if ((error = vfs_probe(devvp, &vfs)) != 0) {
		return error;
	}
	if ((mp = kmem_zalloc(sizeof(*mp))) == NULL)
		return ENOMEM;
	mp->mnt_op = vfs;
	mp->mnt_flag = flags & (MNT_RDONLY | MNT_NOATIME | MNT_SYNCHRONOUS);
	mp->mnt_devvp = devvp;
	mp->mnt_fsid = nextfsid++;
	TAILQ_INIT(&mp->mnt_vnodes);
	if ((error = vfs->vfs_mount(mp, devvp, opts != NULL ? opts : "")) !=
	    0) {
		/* Whatever the probe or mount cached is of no use now. */
		KASSERT(TAILQ_EMPTY(&mp->mnt_vnodes));
		binvalall(devvp);
		kmem_free(mp, sizeof(*mp));
		return error;
	}
	mp->mnt_blkerrors = dev_errors(devvp);
	mp->mnt_bufrefused = devvp->v_bufrefused;
	if ((mp->mnt_flag & MNT_RDONLY) == 0 &&
	    !blk_atomic(devvp->v_blkdev) &&
	    (error = vfs_setclean(mp, false)) != 0) {
		(void)vfs->vfs_unmount(mp, MNT_FORCE);
		binvalall(devvp);
		kmem_free(mp, sizeof(*mp));
		return error;
	}
	vref(devvp);
	vref(dvp);
	mp->mnt_vnodecovered = dvp;
	dvp->v_mountedhere = mp;
	TAILQ_INSERT_TAIL(&mountlist, mp, mnt_list);
	*mpp = mp;
	return 0;
}

/* Write everything of mp to its device and make the device durable. */
int
vfs_sync(struct mount *mp)
{
	struct vnode *vp;
	int error = 0, e;

	if (mp->mnt_flag & MNT_RDONLY)
		return 0;
	TAILQ_FOREACH(vp, &mp->mnt_vnodes, v_mntlist) {
		e = VOP_FSYNC(vp, FSYNC_WAIT);
		error = error != 0 ? error : e;
	}
	e = mp->mnt_op->vfs_sync(mp, MNT_WAIT);
	error = error != 0 ? error : e;
	if (mp->mnt_devvp != NULL) {
		e = bflush(mp->mnt_devvp);
		error = error != 0 ? error : e;
		e = blk_sync(mp->mnt_devvp->v_blkdev);
		error = error != 0 ? error : e;
	}
	return error;
}

int
vfs_syncall(void)
{
	struct mount *mp;
	int error = 0, e;

	TAILQ_FOREACH(mp, &mountlist, mnt_list) {
		e = vfs_sync(mp);
		error = error != 0 ? error : e;
	}
	return error;
}

static bool
vfs_hassubmounts(const struct mount *mp)
{
	const struct mount *m;

	TAILQ_FOREACH(m, &mountlist, mnt_list)
		if (m->mnt_vnodecovered != NULL &&
		    m->mnt_vnodecovered->v_mount == mp)
			return true;
	return false;
}

/*
 * Write the file system's clean flag and make it durable (the barrier of
 * the classic protocol).  Nothing to do for a file system without one.
 */
static int
vfs_setclean(struct mount *mp, bool clean)
{
	struct vnode *devvp = mp->mnt_devvp;
	int error;

	if (mp->mnt_op->vfs_setclean == NULL || devvp == NULL)
		return 0;
	if ((error = mp->mnt_op->vfs_setclean(mp, clean)) != 0)
		return error;
	if ((error = bflush(devvp)) != 0)
		return error;
	return blk_sync(devvp->v_blkdev);
}

/* An error left the file system inconsistent: never clean, discard. */
void
vfs_damaged(struct mount *mp)
{
	mp->mnt_damaged = true;
}

/*
 * Write everything of a read-write mount whose vnodes are all reclaimed,
 * then end it as the clean-flag protocol says (see the top of the file).
 * Returns the first error, also when the image is left as it was.
 */
static int
vfs_finish(struct mount *mp, bool *failedp)
{
	struct vnode *devvp = mp->mnt_devvp;
	struct blkdev *bd = devvp->v_blkdev;
	int error, e;
	bool failed;

	error = mp->mnt_op->vfs_sync(mp, MNT_WAIT);
	e = bflush(devvp);
	error = error != 0 ? error : e;
	if (error == 0 && mp->mnt_wrerror != 0)
		error = mp->mnt_wrerror;
	failed = error != 0 || mp->mnt_damaged ||
	    dev_errors(devvp) != mp->mnt_blkerrors ||
	    devvp->v_bufrefused != mp->mnt_bufrefused;
	*failedp = failed;
	if (blk_atomic(bd)) {
		if (failed)
			blk_txn_fail(bd);
		return error;
	}
	e = blk_sync(bd);
	error = error != 0 ? error : e;
	if (failed || error != 0) {
		if (mp->mnt_op->vfs_setclean != NULL)
			kprintf("vfs: %s: errors while mounted; not marked "
			    "clean (run fsck)\n", mp->mnt_fromname);
		return error;
	}
	return vfs_setclean(mp, true);
}

int
vfs_unmount(struct mount *mp, int flags)
{
	struct vnode *devvp = mp->mnt_devvp, *dvp = mp->mnt_vnodecovered;
	bool force = (flags & MNT_FORCE) != 0, failed = false;
	int error = 0, e;

	if (vfs_hassubmounts(mp))
		return EBUSY;
	if ((error = vflush(mp, force)) != 0)
		return error;
	if (devvp != NULL && (mp->mnt_flag & MNT_RDONLY) == 0) {
		error = vfs_finish(mp, &failed);
		if (error != 0 && !force) {
			/*
			 * Stays mounted, and never becomes clean: buffers
			 * that could not be written are gone.
			 */
			mp->mnt_damaged = true;
			return error;
		}
	}
	e = mp->mnt_op->vfs_unmount(mp, flags);
	if (e != 0 && !force)
		return e;
	error = error != 0 ? error : e;
	/*
	 * Something failed while mounted (a request, a write-back nobody
	 * waited for, damage found): the command's changes are discarded,
	 * or not vouched for by the clean flag; the unmount is done, but
	 * it must not report success either.
	 */
	if (error == 0 && failed)
		error = EIO;
	if (devvp != NULL) {
		binvalall(devvp);
		vrele(devvp);
	}
	TAILQ_REMOVE(&mountlist, mp, mnt_list);
	if (dvp != NULL) {
		dvp->v_mountedhere = NULL;
		vrele(dvp);
	}
	kmem_free(mp, sizeof(*mp));
	return error;
}

/* At halt: unmount everything, newest first, forcibly. */
void
vfs_unmountall(void)
{
	struct mount *mp;
	int error;

	while ((mp = TAILQ_LAST(&mountlist, mountlist)) != NULL &&
	    mp->mnt_vnodecovered != NULL) {
		error = vfs_unmount(mp, MNT_FORCE);
		if (error != 0) {
			kprintf("vfs: unmount of %s failed at halt (error "
			    "%d)\n", mp->mnt_onname, error);
			if (TAILQ_LAST(&mountlist, mountlist) == mp)
				break;
		}
	}
}

/* The root mount is on the list too, so sync reaches it. */
void
vfs_mountlist_add(struct mount *mp)
{
	TAILQ_INSERT_TAIL(&mountlist, mp, mnt_list);
}

void
vfs_mountlist_remove(struct mount *mp)
{
	TAILQ_REMOVE(&mountlist, mp, mnt_list);
}
