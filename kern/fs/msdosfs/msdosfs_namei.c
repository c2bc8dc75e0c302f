/*
 * msdosfs_namei.c: the vnode operations that change the name space:
 * create (regular files only), mkdir, remove, rmdir and rename; FAT has
 * no hard links, symbolic links, device nodes, fifos or sockets, and
 * those fail with EOPNOTSUPP.
 *
 * A file's identity is its directory entry (denode.h): a new file is
 * made by writing its entry and then loading the vnode by the entry's
 * key; a removed file loses its entry at once and takes an orphan key,
 * and its clusters are freed when its last reference goes
 * (msdosfs_inactive); a renamed file gets a new entry (written before
 * the old one is removed, so an interrupted rename leaves two names for
 * one chain, which fsck.fat resolves, never none) and its vnode the new
 * entry's key.  A directory moved to another parent has its ".."
 * rewritten.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/genfs.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "denode.h"
#include "direntry.h"
#include "fat.h"
#include "msdosfs_extern.h"

/* May entries be added to or removed from directory dp? */
static int
dir_changeable(const struct denode *dp)
{
	return (dp->de_flag & DE_REMOVED) ? ENOENT : 0;
}

/* The first cluster ".." entries use for directory dp (0: the root). */
static uint32_t
parent_clust(const struct denode *dp)
{
	return (dp->de_flag & DE_ROOT) ? 0 : dp->de_start;
}

/* A short entry for a new file or directory made now, with mode's RO. */
static void
entry_template(struct msdosfsmount *pmp, uint8_t attr, mode_t mode,
    uint32_t start, uint8_t *tmpl)
{
	struct ktimespec now;
	uint16_t date, time;
	uint8_t tenth;

	vfs_timestamp(&now);
	msdosfs_unix2dos(pmp, &now, &date, &time, &tenth);
	memset(tmpl, 0, DE_SIZE);
	tmpl[DE_ATTR] = attr | ((mode & 0200) ? 0 : ATTR_READONLY);
	tmpl[DE_CTIMETENTH] = tenth;
	msdosfs_wr16(tmpl + DE_CTIME, time);
	msdosfs_wr16(tmpl + DE_CDATE, date);
	msdosfs_wr16(tmpl + DE_ADATE, date);
	msdosfs_wr16(tmpl + DE_MTIME, time);
	msdosfs_wr16(tmpl + DE_MDATE, date);
	msdosfs_wr16(tmpl + DE_CLUSTLO, (uint16_t)start);
	if (pmp->pm_fattype == 32)
		msdosfs_wr16(tmpl + DE_CLUSTHI, (uint16_t)(start >> 16));
}

/* Load the vnode of the entry just made at device offset devoff. */
static int
entry_vget(struct vnode *dvp, uint64_t devoff, struct vnode **vpp)
{
	int error;

	error = vcache_get(dvp->v_mount, (ino_t)(devoff >> DE_SHIFT), vpp);
	return error == ENOENT ? EIO : error;
}

int
msdosfs_create(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, struct vnode **vpp)
{
	struct denode *dp = VTODE(dvp);
	uint8_t tmpl[DE_SIZE];
	uint64_t devoff;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (va->va_type != VREG)
		return va->va_type == VDIR || va->va_type == VLNK ? EINVAL :
		    EOPNOTSUPP;
	entry_template(dp->de_pmp, ATTR_ARCHIVE, va->va_mode, 0, tmpl);
	if ((error = msdosfs_direnter(dp, name, len, tmpl, &devoff)) != 0)
		return error;
	return entry_vget(dvp, devoff, vpp);
}

int
msdosfs_mkdir(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, struct vnode **vpp)
{
	struct denode *dp = VTODE(dvp);
	struct msdosfsmount *pmp = dp->de_pmp;
	uint8_t tmpl[DE_SIZE];
	uint64_t devoff;
	uint32_t cn;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if ((error = msdosfs_clust_alloc(pmp, 0, &cn)) != 0)
		return error;
	entry_template(pmp, ATTR_DIRECTORY, va->va_mode, cn, tmpl);
	error = msdosfs_dirinit(pmp, cn, tmpl, parent_clust(dp));
	if (error == 0)
		error = msdosfs_direnter(dp, name, len, tmpl, &devoff);
	if (error != 0) {
		(void)msdosfs_chain_free(pmp, cn, true);
		return error;
	}
	return entry_vget(dvp, devoff, vpp);
}

int
msdosfs_symlink(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, const char *target, struct vnode **vpp)
{
	return EOPNOTSUPP;
}

int
msdosfs_link(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t len)
{
	return EOPNOTSUPP;
}

/*
 * The entry of vp is gone: give the vnode a key of its own, so that a
 * new entry in the same slots gets a vnode of its own too.
 */
static void
orphan(struct vnode *vp)
{
	struct denode *dep = VTODE(vp);
	struct msdosfsmount *pmp = dep->de_pmp;

	if ((dep->de_attr & ATTR_DIRECTORY) && dep->de_start != 0)
		msdosfs_dirmap_clear(pmp, dep->de_start);
	dep->de_flag |= DE_REMOVED;
	dep->de_flag &= ~(DE_MODIFIED | DE_UPDATE | DE_ACCESS);
	dep->de_entoff = 0;
	/* Keys from the orphan range are never any entry's: no collision. */
	(void)vcache_rekey(vp, MSDOSFS_ORPHAN | ++pmp->pm_orphans);
	dep->de_key = vp->v_key;
}

int
msdosfs_remove(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t len)
{
	struct denode *dp = VTODE(dvp);
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (vp->v_type == VDIR)
		return EPERM;
	if ((error = msdosfs_dirremove(dp, name, len, vp->v_key)) != 0)
		return error;
	orphan(vp);
	return 0;
}

int
msdosfs_rmdir(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t len)
{
	struct denode *dp = VTODE(dvp);
	bool empty;
	int error;

	if ((error = dir_changeable(dp)) != 0)
		return error;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (vp->v_mountedhere != NULL)
		return EBUSY;
	if ((error = msdosfs_dirempty(VTODE(vp), &empty)) != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	if ((error = msdosfs_dirremove(dp, name, len, vp->v_key)) != 0)
		return error;
	orphan(vp);
	return 0;
}

/*
 * The short entry of fip as it should be now: read from the disk, with
 * the fields the denode holds written over it.
 */
static int
entry_current(struct denode *fip, uint8_t *tmpl)
{
	struct buf *bp;
	uint8_t *p;
	int error;

	if ((error = msdosfs_update(fip)) != 0 ||
	    (error = msdosfs_entblk(fip->de_pmp, fip->de_entoff, &bp,
	    &p)) != 0)
		return error;
	memcpy(tmpl, p, DE_SIZE);
	brelse(bp, 0);
	msdosfs_entry_encode(fip, tmpl);
	return 0;
}

int
msdosfs_rename(struct vnode *fdvp, struct vnode *fvp, const char *fname,
    size_t flen, struct vnode *tdvp, struct vnode *tvp, const char *tname,
    size_t tlen)
{
	struct denode *fdp = VTODE(fdvp), *fip = VTODE(fvp);
	struct denode *tdp = VTODE(tdvp);
	struct msdosfsmount *pmp = fip->de_pmp;
	bool isdir = fvp->v_type == VDIR, empty;
	uint8_t tmpl[DE_SIZE];
	uint64_t devoff;
	int error;

	if ((error = dir_changeable(fdp)) != 0 ||
	    (error = dir_changeable(tdp)) != 0)
		return error;
	if (tvp != NULL && tvp->v_type == VDIR) {
		if ((error = msdosfs_dirempty(VTODE(tvp), &empty)) != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
	}
	if ((error = entry_current(fip, tmpl)) != 0)
		return error;
	if (tvp != NULL) {
		if ((error = msdosfs_dirremove(tdp, tname, tlen,
		    tvp->v_key)) != 0)
			return error;
		orphan(tvp);
	}
	if ((error = msdosfs_direnter(tdp, tname, tlen, tmpl, &devoff)) != 0)
		return error;
	if ((error = msdosfs_dirremove(fdp, fname, flen, fvp->v_key)) != 0)
		return error;
	if ((error = vcache_rekey(fvp, (ino_t)(devoff >> DE_SHIFT))) != 0) {
		kprintf("msdosfs: %s: rename: file %llu is loaded twice\n",
		    pmp->pm_devname, (unsigned long long)(devoff >> DE_SHIFT));
		return EIO;
	}
	fip->de_key = fvp->v_key;
	fip->de_entoff = devoff;
	if (isdir) {
		(void)msdosfs_dirmap_set(pmp, fip->de_start, fip->de_key);
		if (fdp != tdp)
			error = msdosfs_dirsetparent(fip, parent_clust(tdp));
	}
	return error;
}
