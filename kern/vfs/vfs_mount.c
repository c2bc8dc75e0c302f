/*
 * vfs_mount.c: mounting, syncing and unmounting.
 *
 * Mount: the device vnode (a VBLK node in the root file system) is tied
 * to its block device, the file system type is chosen (given, or the first
 * whose probe recognises the device), its vfs_mount reads and checks the
 * superblock, and the mount is hung on the covered directory.
 *
 * Unmount, in the order that keeps an image consistent: reclaim every
 * vnode (writing dirty pages and inodes), let the file system write its
 * summaries and clean flag (vfs_unmount), write the dirty metadata
 * buffers in block order, make the block device durable, and only then
 * forget the cached buffers.
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

TAILQ_HEAD(mountlist, mount);
static struct mountlist mountlist = { NULL, &mountlist.tqh_first };
static uint64_t nextfsid = 1;

struct vnode *rootvnode;

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

int
vfs_unmount(struct mount *mp, int flags)
{
	struct vnode *devvp = mp->mnt_devvp, *dvp = mp->mnt_vnodecovered;
	bool force = (flags & MNT_FORCE) != 0;
	int error, e;

	if (vfs_hassubmounts(mp))
		return EBUSY;
	if ((error = vflush(mp, force)) != 0)
		return error;
	error = mp->mnt_op->vfs_unmount(mp, flags);
	if (error != 0 && !force)
		return error;
	/* Data lost while reclaiming: unmount, but do not report success. */
	if (error == 0 && mp->mnt_wrerror != 0)
		error = mp->mnt_wrerror;
	if (devvp != NULL) {
		if ((mp->mnt_flag & MNT_RDONLY) == 0) {
			e = bflush(devvp);
			error = error != 0 ? error : e;
			e = blk_sync(devvp->v_blkdev);
			error = error != 0 ? error : e;
		}
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
