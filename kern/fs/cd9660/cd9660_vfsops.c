/*
 * cd9660_vfsops.c: the ISO 9660 file system's vfs operations: probe,
 * mount, unmount, root, statvfs, sync and loading a vnode.  Read-only.
 *
 * Mounting reads the volume descriptors from sector 16 on (at most
 * ISO_VD_MAX, up to the terminator): the primary one gives the volume
 * size (checked against the device: a shorter device is read up to its
 * end) and the root; its logical block size must be 2048.  Boot records
 * (El Torito) are passed over.  Rock Ridge is used when the root's "."
 * record starts with a SUSP SP entry; otherwise a Joliet supplementary
 * descriptor (escape sequence %/@, %/C or %/E), if there is one, gives
 * the tree and its UCS-2 names; otherwise plain ISO 9660 names are shown
 * (cd9660_subr.c).  The path tables are not used.  The probe runs the
 * same checks.  A read-write mount fails with EROFS.  Mount options:
 * ro, norrip (ignore Rock Ridge), nojoliet (ignore Joliet).
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "../../sys.h"
#include "../../dev/blk.h"
#include "iso.h"
#include "cd9660_extern.h"

static const char *const cd9660_mntopts[] = { "ro", "rw", "norrip",
    "nojoliet", NULL };

static bool
hasopt(const char *opts, const char *name)
{
	size_t len = strlen(name);
	const char *p, *e;

	if (opts == NULL)
		return false;
	for (p = opts; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == len && strncmp(p, name, len) == 0)
			return true;
	}
	return false;
}

/* A root directory record in a volume descriptor: its extent and size. */
static int
vd_root(struct iso_mnt *imp, const uint8_t *vd, uint32_t *extp,
    uint32_t *sizep)
{
	const uint8_t *r = vd + ISO_PVD_ROOT;
	uint32_t ext, size;

	if (r[ISO_DR_LEN] < ISO_DR_MINLEN ||
	    cd9660_both32(r + ISO_DR_EXTENT, &ext) != 0 ||
	    cd9660_both32(r + ISO_DR_SIZE, &size) != 0 ||
	    (r[ISO_DR_FLAGS] & ISO_FL_DIR) == 0)
		return EFTYPE;
	ext += r[ISO_DR_XARLEN];
	if (ext < ISO_VD_FIRST || size < 2 * ISO_DR_MINLEN ||
	    (uint64_t)ext * ISO_SECSIZE + size > imp->im_nsec * ISO_SECSIZE)
		return EFTYPE;
	*extp = ext;
	*sizep = size;
	return 0;
}

/*
 * Read the volume descriptors of devvp into imp.  why: a reason when the
 * volume is ISO 9660 but refused; empty when it is not ISO 9660.
 */
static int
vd_read(struct vnode *devvp, struct iso_mnt *imp, bool usejoliet,
    char *why, size_t whylen)
{
	uint64_t devsecs = blk_size(devvp->v_blkdev) / ISO_SECSIZE;
	uint32_t volsize = 0, jext = 0, jsize = 0;
	bool pvd = false;
	struct buf *bp;
	unsigned i;
	int error = 0;

	why[0] = '\0';
	for (i = 0; i < ISO_VD_MAX; i++) {
		const uint8_t *vd;
		uint64_t sec = ISO_VD_FIRST + i;

		if (sec >= devsecs)
			break;
		if ((error = bread(devvp, (daddr_t)(sec * (ISO_SECSIZE /
		    DEV_BSIZE)), ISO_SECSIZE, &bp)) != 0)
			return error;
		vd = bp->b_data;
		if (memcmp(vd + ISO_VD_ID, "CD001", 5) != 0) {
			brelse(bp, BC_INVAL);
			break;
		}
		if (vd[ISO_VD_TYPE] == ISO_VD_TERMINATOR) {
			brelse(bp, BC_INVAL);
			break;
		}
		if (vd[ISO_VD_TYPE] == ISO_VD_PRIMARY && !pvd) {
			if (cd9660_both32(vd + ISO_PVD_VOLSIZE, &volsize) != 0 ||
			    cd9660_rd16(vd + ISO_PVD_BLKSIZE) != ISO_SECSIZE ||
			    vd[ISO_PVD_BLKSIZE + 2] != (ISO_SECSIZE >> 8) ||
			    vd[ISO_PVD_BLKSIZE + 3] != 0) {
				snprintf(why, whylen, "primary volume "
				    "descriptor has a bad size or a logical "
				    "block size other than 2048");
				brelse(bp, BC_INVAL);
				return EFTYPE;
			}
			imp->im_nsec = MIN((uint64_t)volsize, devsecs);
			if (vd_root(imp, vd, &imp->im_rootext,
			    &imp->im_rootsize) != 0) {
				snprintf(why, whylen, "bad root directory "
				    "record");
				brelse(bp, BC_INVAL);
				return EFTYPE;
			}
			pvd = true;
		} else if (vd[ISO_VD_TYPE] == ISO_VD_SUPPLEMENTARY &&
		    usejoliet && jext == 0 && vd[ISO_SVD_ESCAPES] == '%' &&
		    vd[ISO_SVD_ESCAPES + 1] == '/' &&
		    (vd[ISO_SVD_ESCAPES + 2] == '@' ||
		    vd[ISO_SVD_ESCAPES + 2] == 'C' ||
		    vd[ISO_SVD_ESCAPES + 2] == 'E')) {
			uint64_t save = imp->im_nsec;

			if (!pvd)
				imp->im_nsec = devsecs;
			if (vd_root(imp, vd, &jext, &jsize) != 0)
				jext = 0;
			imp->im_nsec = save;
		}
		brelse(bp, BC_INVAL);
	}
	if (!pvd)
		return EFTYPE;
	imp->im_volsize = volsize;
	if (jext != 0 && (uint64_t)jext * ISO_SECSIZE + jsize <=
	    imp->im_nsec * ISO_SECSIZE) {
		imp->im_joliet = true;
		imp->im_jext = jext;
		imp->im_jsize = jsize;
	}
	return 0;
}

/* Does the root's "." record start with SP?  Then Rock Ridge is used. */
static int
rr_detect(struct iso_mnt *imp)
{
	struct buf *bp;
	const uint8_t *p;
	size_t len, nlen, suoff;
	int error;

	if ((error = cd9660_bread(imp, imp->im_rootext, &bp)) != 0)
		return error;
	p = bp->b_data;
	len = p[ISO_DR_LEN];
	nlen = p[ISO_DR_NAMELEN];
	suoff = ISO_DR_NAME + nlen + ((nlen & 1) == 0);
	if (len >= ISO_DR_MINLEN && suoff < len &&
	    cd9660_rrip_sp(p + suoff, len - suoff, &imp->im_rrskip) == 0)
		imp->im_rr = true;
	brelse(bp, BC_INVAL);
	return 0;
}

static const char *
devname_of(struct vnode *devvp)
{
	const char *path = blk_path(devvp->v_blkdev);

	return path != NULL ? path : "?";
}

static int
imp_create(struct vnode *devvp, const char *opts, struct iso_mnt **impp,
    bool quiet)
{
	struct iso_mnt *imp;
	char why[160];
	int error;

	if ((imp = kmem_zalloc(sizeof(*imp))) == NULL)
		return ENOMEM;
	imp->im_devvp = devvp;
	snprintf(imp->im_devname, sizeof(imp->im_devname), "%s",
	    devname_of(devvp));
	error = vd_read(devvp, imp, !hasopt(opts, "nojoliet"), why,
	    sizeof(why));
	if (error != 0) {
		if (why[0] != '\0' || !quiet)
			kprintf("cd9660: %s: %s\n", imp->im_devname,
			    why[0] != '\0' ? why : "no ISO 9660 volume "
			    "descriptor found");
		kmem_free(imp, sizeof(*imp));
		return error == EIO ? EIO : EFTYPE;
	}
	if (!quiet && imp->im_volsize > imp->im_nsec)
		kprintf("cd9660: %s: the volume has %u sectors, the image "
		    "only %llu; read up to its end\n", imp->im_devname,
		    imp->im_volsize, (unsigned long long)imp->im_nsec);
	if (!hasopt(opts, "norrip") && (error = rr_detect(imp)) != 0) {
		kmem_free(imp, sizeof(*imp));
		return error;
	}
	if (imp->im_rr) {
		imp->im_joliet = false;
	} else if (imp->im_joliet) {
		imp->im_rootext = imp->im_jext;
		imp->im_rootsize = imp->im_jsize;
	}
	*impp = imp;
	return 0;
}

static int
cd9660_probe(struct vnode *devvp)
{
	struct iso_mnt *imp;
	int error;

	if ((error = imp_create(devvp, NULL, &imp, true)) != 0)
		return EFTYPE;
	kmem_free(imp, sizeof(*imp));
	return 0;
}

static int
cd9660_mount(struct mount *mp, struct vnode *devvp, const char *opts)
{
	struct iso_mnt *imp;
	int error;

	if ((error = vfs_checkopts(opts, cd9660_mntopts)) != 0)
		return error;
	if ((mp->mnt_flag & MNT_RDONLY) == 0 && !hasopt(opts, "ro")) {
		kprintf("cd9660: %s: ISO 9660 is read-only; mount it "
		    "read-only\n", devname_of(devvp));
		return EROFS;
	}
	mp->mnt_flag |= MNT_RDONLY | MNT_NOATIME;
	if ((error = imp_create(devvp, opts, &imp, false)) != 0)
		return error;
	imp->im_mountp = mp;
	mp->mnt_data = imp;
	mp->mnt_bshift = ISO_SECSHIFT;
	return 0;
}

static int
cd9660_unmount(struct mount *mp, int flags)
{
	(void)flags;
	kmem_free(mp->mnt_data, sizeof(struct iso_mnt));
	mp->mnt_data = NULL;
	return 0;
}

static int
cd9660_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, (ino_t)VFSTOISO(mp)->im_rootext * ISO_SECSIZE,
	    vpp);
}

static int
cd9660_statvfs(struct mount *mp, struct kstatvfs *sf)
{
	memset(sf, 0, sizeof(*sf));
	sf->f_bsize = ISO_SECSIZE;
	sf->f_frsize = ISO_SECSIZE;
	sf->f_iosize = ISO_SECSIZE;
	sf->f_blocks = VFSTOISO(mp)->im_nsec;
	sf->f_namemax = NAME_MAX;
	snprintf(sf->f_fstypename, sizeof(sf->f_fstypename), "cd9660");
	return 0;
}

static int
cd9660_sync(struct mount *mp, int waitfor)
{
	(void)mp;
	(void)waitfor;
	return 0;
}

static int
cd9660_loadvnode(struct mount *mp, struct vnode *vp, ino_t key)
{
	struct iso_mnt *imp = VFSTOISO(mp);
	struct iso_node *ip;
	int error;

	if ((error = cd9660_node_load(imp, key, &ip)) != 0)
		return error;
	ip->i_vnode = vp;
	vp->v_data = ip;
	vp->v_op = &cd9660_vnodeops;
	vp->v_type = ip->i_rec.ir_type;
	vp->v_size = (off_t)(vp->v_type == VLNK ? ip->i_rec.ir_linklen :
	    ip->i_size);
	if (vp->v_type == VBLK || vp->v_type == VCHR)
		vp->v_rdev = ip->i_rec.ir_rdev;
	if (vp->v_type != VREG && vp->v_type != VDIR && vp->v_type != VLNK)
		vp->v_size = 0;
	if (key == (ino_t)imp->im_rootext * ISO_SECSIZE)
		vp->v_vflag |= VV_ROOT;
	return 0;
}

static const struct vnodeops *const cd9660_opv[] = {
	&cd9660_vnodeops,
	NULL,
};

const struct vfsops cd9660_vfsops = {
	.vfs_name = "cd9660",
	.vfs_opv = cd9660_opv,
	.vfs_probe = cd9660_probe,
	.vfs_mount = cd9660_mount,
	.vfs_unmount = cd9660_unmount,
	.vfs_root = cd9660_root,
	.vfs_statvfs = cd9660_statvfs,
	.vfs_sync = cd9660_sync,
	.vfs_loadvnode = cd9660_loadvnode,
};
