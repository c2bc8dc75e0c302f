/*
 * vfs_disk.c: images as disks.  ksys_disk_attach() attaches a host file
 * (or one partition of it) to the block device driver and creates its
 * device node /dev/ukfsN in the root file system, where ksys_mount() can
 * find it; ksys_disk_partitions() describes an image's partition table
 * and which file system each partition holds; ksys_etfs_register() makes
 * a host file appear as a regular file of the root file system.
 *
 * A read-write image gets the journal layer (kern/dev/jrnl.h) stacked on
 * its device: everything written between ksys_disk_attach and
 * ksys_disk_detach is one transaction, committed at detach (or discarded
 * with KDISK_ABORT).  Attaching first finishes or discards what an
 * interrupted command left in the journal, read-only images included.
 *
 * Without an explicit partition, an image is used whole when a file
 * system recognises it (an ISO 9660 image with a hybrid partition table,
 * or a plain file system image), and otherwise the one partition a file
 * system recognises is used; none or several give EFTYPE, and the caller
 * lists the partitions for the user.
 */
#include "../sys/param.h"
#include "../sys/buf.h"
#include "../sys/kmem.h"
#include "../sys/lock.h"
#include "../sys/mount.h"
#include "../sys/namei.h"
#include "../sys/proc.h"
#include "../sys/systm.h"
#include "../sys/vnode.h"
#include "../dev/blk.h"
#include "../dev/jrnl.h"
#include "../dev/part.h"
#include "../fs/rootfs/rootfs.h"
#include "../sys.h"

#define UKFS_BLKMAJOR	14



static int
disk_read(void *arg, uint64_t off, void *buf, size_t len)
{
	size_t done;
	int error;

	error = blk_read(arg, off, buf, len, &done);
	if (error == 0 && done != len)
		error = EIO;
	return error;
}

static int
blkflags(int kflags)
{
	int f = 0;

	if (kflags & KDISK_RDONLY)
		f |= BLK_RDONLY;
	if (kflags & KDISK_LOCK)
		f |= BLK_LOCK;
	if (kflags & KDISK_LOCKWAIT)
		f |= BLK_LOCKWAIT;
	if (kflags & KDISK_NOMMAP)
		f |= BLK_NOMMAP;
	if ((kflags & (KDISK_CREATE | KDISK_RAW)) == (KDISK_CREATE | KDISK_RAW))
		f |= BLK_CREATE;
	return f;
}

/* Which file system, if any, recognises block device bd? */
static int
disk_probe(struct blkdev *bd, const struct vfsops **vfsp)
{
	struct vnode *vp;
	int error;

	if ((vp = kmem_zalloc(sizeof(*vp))) == NULL)
		return ENOMEM;
	vp->v_type = VBLK;
	vp->v_blkdev = bd;
	vp->v_usecount = 1;
	TAILQ_INIT(&vp->v_dirtyblkhd);
	TAILQ_INIT(&vp->v_pages);
	error = vfs_probe(vp, vfsp);
	binvalall(vp);
	kmem_free(vp, sizeof(*vp));
	return error;
}

/* Scan the partition table of the whole-disk device bd. */
static int
disk_scan(struct blkdev *bd, struct part_table **ptp)
{
	struct part_table *pt;
	int error;

	if ((pt = kmem_zalloc(sizeof(*pt))) == NULL)
		return ENOMEM;
	error = part_scan(disk_read, bd, blk_size(bd), blk_secsize(bd), pt);
	if (error != 0) {
		kmem_free(pt, sizeof(*pt));
		return error;
	}
	*ptp = pt;
	return 0;
}

/*
 * Choose the part of the image to use: *offp and *sizep get the byte range
 * (size 0 for the whole image).  raw (a file system is to be made there):
 * the image itself, or the partition named, whatever they hold.
 */
static int
disk_choose(const char *path, const char *spec, int bflags, bool raw,
    uint64_t *offp, uint64_t *sizep)
{
	const struct part_entry *pe, *found = NULL;
	const struct vfsops *vfs;
	struct part_table *pt = NULL;
	struct blkdev *bd, *pbd;
	int error, i, nfound = 0;

	*offp = *sizep = 0;
	if (raw && spec == NULL)
		return 0;	/* the whole image, whatever it holds */
	if ((error = blk_attach(path, BLK_RDONLY | (bflags & BLK_NOMMAP), 0,
	    0, 0, &bd)) != 0)
		return error;
	if (spec == NULL && disk_probe(bd, &vfs) == 0)
		goto out;	/* the whole image is a file system */
	if ((error = disk_scan(bd, &pt)) != 0)
		goto out;
	if (spec != NULL) {
		if ((error = part_find(pt, spec, &pe)) == 0) {
			*offp = pe->pe_offset;
			*sizep = pe->pe_size;
		}
		goto out;
	}
	for (i = 0; i < pt->pt_count; i++) {
		pe = &pt->pt_ent[i];
		if (blk_attach(path, BLK_RDONLY | (bflags & BLK_NOMMAP),
		    pe->pe_offset, pe->pe_size, 0, &pbd) != 0)
			continue;
		if (disk_probe(pbd, &vfs) == 0) {
			found = pe;
			nfound++;
		}
		(void)blk_detach(pbd);
	}
	if (nfound == 1) {
		*offp = found->pe_offset;
		*sizep = found->pe_size;
	} else {
		error = EFTYPE;
	}
out:
	if (pt != NULL)
		kmem_free(pt, sizeof(*pt));
	(void)blk_detach(bd);
	return error;
}

static int
disk_mknode(struct blkdev *bd, char *devname, size_t len)
{
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	int error;

	snprintf(devname, len, "/dev/ukfs%d", blk_unit(bd));
	namei_init(&nd, proc0, devname, NAMEI_CREATE, 0);
	if ((error = namei(&nd)) != 0)
		return error;
	if (nd.ni_vp != NULL) {
		namei_release(&nd);
		return EEXIST;
	}
	memset(&va, 0, sizeof(va));
	va.va_type = VBLK;
	va.va_mode = 0600;
	va.va_rdev = makedev(UKFS_BLKMAJOR, blk_unit(bd));
	error = VOP_CREATE(nd.ni_dvp, nd.ni_name, nd.ni_namelen, &va, &vp);
	if (error == 0)
		vrele(vp);
	namei_release(&nd);
	return error;
}

/* The journal's flags for ksys_disk_attach flags. */
static int
jrnlflags(int kflags)
{
	int f = 0;

	if ((kflags & KDISK_NOJOURNAL) == 0)
		f |= JRNL_ON;
	if ((kflags & KDISK_JFULL) == 0)
		f |= JRNL_ORDERED;
	return f;
}

int
ksys_disk_attach(const char *path, const char *spec, int flags,
    char *devname, size_t len)
{
	struct blkdev *bd;
	struct jrnl *j = NULL;
	uint64_t off, size;
	int error, bflags = blkflags(flags);

	kernel_lock_enter();
	error = disk_choose(path, spec, bflags, (flags & KDISK_RAW) != 0, &off,
	    &size);
	if (error == 0)
		error = blk_attach(path, bflags, off, size, 0, &bd);
	if (error == 0 && (error = jrnl_open(bd, jrnlflags(flags), &j)) != 0)
		(void)blk_detach(bd);
	if (error == 0 && (error = disk_mknode(bd, devname, len)) != 0) {
		(void)jrnl_close(j, true);
		(void)blk_detach(bd);
	}
	kernel_lock_exit();
	return error;
}

/* Find the block device behind device node devname. */
static int
disk_lookup(const char *devname, struct nameidata *nd, struct blkdev **bdp)
{
	int error;

	namei_init(nd, proc0, devname, NAMEI_DELETE, 0);
	if ((error = namei(nd)) != 0)
		return error;
	if (nd->ni_vp == NULL || nd->ni_vp->v_type != VBLK ||
	    major(nd->ni_vp->v_rdev) != UKFS_BLKMAJOR ||
	    (*bdp = blk_lookup((int)minor(nd->ni_vp->v_rdev))) == NULL) {
		namei_release(nd);
		return nd->ni_vp == NULL ? ENOENT : ENOTBLK;
	}
	return 0;
}

int
ksys_disk_detach(const char *devname, int flags)
{
	struct nameidata nd;
	struct blkdev *bd;
	int error, e;

	kernel_lock_enter();
	if ((error = disk_lookup(devname, &nd, &bd)) != 0)
		goto out;
	if (nd.ni_vp->v_usecount > 1) {
		/* Still mounted, or held by someone. */
		namei_release(&nd);
		error = EBUSY;
		goto out;
	}
	error = VOP_REMOVE(nd.ni_dvp, nd.ni_vp, nd.ni_name, nd.ni_namelen);
	nd.ni_vp->v_blkdev = NULL;
	namei_release(&nd);
	if (error == 0) {
		/* The end of the transaction. */
		error = jrnl_close(jrnl_of(bd), (flags & KDISK_ABORT) != 0);
		e = blk_detach(bd);
		error = error != 0 ? error : e;
	}
out:
	vcache_trim();
	kernel_lock_exit();
	return error;
}

int
ksys_disk_stats(const char *devname)
{
	struct nameidata nd;
	struct blkdev *bd;
	int error;

	kernel_lock_enter();
	if ((error = disk_lookup(devname, &nd, &bd)) == 0) {
		blk_printstats(bd);
		if (jrnl_of(bd) != NULL)
			jrnl_printstats(jrnl_of(bd));
		namei_release(&nd);
	}
	kernel_lock_exit();
	return error;
}

static void
part_describe(const struct part_entry *pe, struct kpartinfo *kp)
{
	memset(kp, 0, sizeof(*kp));
	if (pe->pe_scheme == PART_DISKLABEL)
		snprintf(kp->kp_name, sizeof(kp->kp_name), "%c",
		    'a' + pe->pe_index);
	else
		snprintf(kp->kp_name, sizeof(kp->kp_name), "%d",
		    pe->pe_index);
	snprintf(kp->kp_scheme, sizeof(kp->kp_scheme), "%s",
	    pe->pe_scheme == PART_GPT ? "gpt" :
	    pe->pe_scheme == PART_MBR ? "mbr" : "disklabel");
	snprintf(kp->kp_type, sizeof(kp->kp_type), "%s", part_typename(pe));
	snprintf(kp->kp_label, sizeof(kp->kp_label), "%s", pe->pe_name);
	kp->kp_offset = pe->pe_offset;
	kp->kp_size = pe->pe_size;
}

int
ksys_disk_partitions(const char *path, struct kpartinfo *kp, int max,
    int *countp)
{
	const struct vfsops *vfs;
	struct part_table *pt = NULL;
	struct blkdev *bd, *pbd;
	int error, i;

	kernel_lock_enter();
	*countp = 0;
	if ((error = blk_attach(path, BLK_RDONLY, 0, 0, 0, &bd)) != 0)
		goto out;
	if ((error = disk_scan(bd, &pt)) != 0)
		goto out_detach;
	for (i = 0; i < pt->pt_count && i < max; i++) {
		part_describe(&pt->pt_ent[i], &kp[i]);
		if (blk_attach(path, BLK_RDONLY, pt->pt_ent[i].pe_offset,
		    pt->pt_ent[i].pe_size, 0, &pbd) != 0)
			continue;
		if (disk_probe(pbd, &vfs) == 0)
			snprintf(kp[i].kp_fstype, sizeof(kp[i].kp_fstype),
			    "%s", vfs->vfs_name);
		(void)blk_detach(pbd);
	}
	*countp = pt->pt_count;
	kmem_free(pt, sizeof(*pt));
out_detach:
	(void)blk_detach(bd);
out:
	kernel_lock_exit();
	return error;
}

/*
 * Make host file hostpath appear as the regular file key in the root file
 * system; reads and writes go through the page cache to the host file.
 */
int
ksys_etfs_register(const char *key, const char *hostpath, int flags)
{
	struct nameidata nd;
	struct blkdev *bd;
	struct vattr va;
	struct vnode *vp;
	int error;

	kernel_lock_enter();
	if ((error = blk_attach(hostpath, blkflags(flags), 0, 0, 0, &bd)) != 0)
		goto out;
	namei_init(&nd, proc0, key, NAMEI_CREATE, 0);
	if ((error = namei(&nd)) != 0)
		goto out_detach;
	if (nd.ni_vp != NULL) {
		namei_release(&nd);
		error = EEXIST;
		goto out_detach;
	}
	memset(&va, 0, sizeof(va));
	va.va_type = VREG;
	va.va_mode = (flags & KDISK_RDONLY) ? 0444 : 0644;
	error = VOP_CREATE(nd.ni_dvp, nd.ni_name, nd.ni_namelen, &va, &vp);
	if (error == 0) {
		error = rootfs_etfs_attach(vp, bd);
		vrele(vp);
	}
	namei_release(&nd);
	if (error == 0)
		goto out;
out_detach:
	(void)blk_detach(bd);
out:
	vcache_trim();
	kernel_lock_exit();
	return error;
}
