/*
 * cd9660_vnops.c: vnode operations of the ISO 9660 file system, which
 * is read-only: every operation that would change it fails with EROFS.
 * File data is read through the page cache (genfs_read over
 * cd9660_bmap); attributes are those of the file's record and its Rock
 * Ridge entries (cd9660_inode.c); a symbolic link's target is its SL
 * entries, kept with the node.
 */
#include "../../sys/param.h"
#include "../../sys/genfs.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"
#include "iso.h"
#include "cd9660_extern.h"

static int
cd9660_getattr(struct vnode *vp, struct vattr *va)
{
	struct iso_node *ip = VTOI(vp);
	const struct iso_rec *r = &ip->i_rec;

	memset(va, 0, sizeof(*va));
	va->va_type = vp->v_type;
	va->va_mode = r->ir_mode;
	va->va_nlink = r->ir_nlink;
	va->va_uid = r->ir_uid;
	va->va_gid = r->ir_gid;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = ip->i_key;
	va->va_size = vp->v_size;
	va->va_blocksize = ISO_SECSIZE;
	va->va_atime = r->ir_atime;
	va->va_mtime = r->ir_mtime;
	va->va_ctime = r->ir_ctime;
	va->va_birthtime = r->ir_btime;
	va->va_rdev = (vp->v_type == VBLK || vp->v_type == VCHR) ?
	    r->ir_rdev : 0;
	va->va_bytes = vp->v_type == VREG || vp->v_type == VDIR ?
	    roundup(ip->i_size, ISO_SECSIZE) : 0;
	return 0;
}

static int
cd9660_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	if (VTOI(vp)->i_rec.ir_interleaved) {
		kprintf("cd9660: %s: file %llu is interleaved; not read\n",
		    VTOI(vp)->i_mnt->im_devname,
		    (unsigned long long)VTOI(vp)->i_key);
		return EOPNOTSUPP;
	}
	return genfs_read(vp, uio, ioflag | IO_NOATIME);
}

static int
cd9660_readlink(struct vnode *vp, struct uio *uio)
{
	struct iso_node *ip = VTOI(vp);

	if (vp->v_type != VLNK || ip->i_rec.ir_link == NULL)
		return EINVAL;
	return uiomove(ip->i_rec.ir_link, ip->i_rec.ir_linklen, uio);
}

static int
cd9660_reclaim(struct vnode *vp)
{
	cd9660_node_free(VTOI(vp));
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops cd9660_vnodeops = {
	.vop_fsname = "cd9660",
	.vop_lookup = cd9660_lookup,
	.vop_create = genfs_ro_create,
	.vop_mkdir = genfs_ro_mkdir,
	.vop_symlink = genfs_ro_symlink,
	.vop_link = genfs_ro_link,
	.vop_remove = genfs_ro_remove,
	.vop_rmdir = genfs_ro_rmdir,
	.vop_rename = genfs_ro_rename,
	.vop_getattr = cd9660_getattr,
	.vop_setattr = genfs_ro_setattr,
	.vop_read = cd9660_read,
	.vop_write = genfs_ro_write,
	.vop_readdir = cd9660_readdir,
	.vop_readlink = cd9660_readlink,
	.vop_fsync = genfs_nop_fsync,
	.vop_inactive = genfs_nop_inactive,
	.vop_reclaim = cd9660_reclaim,
	.vop_bmap = cd9660_bmap,
};
