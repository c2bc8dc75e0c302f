/*
 * vfs_init.c: the file system switch.  The file systems built into the
 * kernel are listed once, in vfs_list[]; vfs_init() registers them and
 * mounts the root file system.  Registration checks that the operation
 * tables are complete, so a missing operation is caught at boot rather
 * than by a NULL call.
 */
#include "../sys/param.h"
#include "../sys/buf.h"
#include "../sys/genfs.h"
#include "../sys/mount.h"
#include "../sys/systm.h"
#include "../sys/vnode.h"

#define VFS_MAXTYPES	16

extern const struct vfsops rootfs_vfsops;
extern const struct vfsops ffs_vfsops;
extern const struct vfsops ext2fs_vfsops;
extern const struct vfsops msdosfs_vfsops;
extern const struct vfsops cd9660_vfsops;
int	rootfs_mountroot(void);
void	rootfs_unmountroot(void);

/* Probe order matters only for images more than one type accepts. */
static const struct vfsops *const vfs_list[] = {
	&rootfs_vfsops,
	&ffs_vfsops,
	&ext2fs_vfsops,
	&msdosfs_vfsops,
	&cd9660_vfsops,
};

static const struct vfsops *vfs_types[VFS_MAXTYPES];
static int vfs_ntypes;

/* Is every slot of a vnode operations table filled? */
bool
vfs_vnodeops_complete(const struct vnodeops *v)
{
	return v->vop_fsname != NULL && v->vop_lookup != NULL &&
	    v->vop_create != NULL && v->vop_mkdir != NULL &&
	    v->vop_symlink != NULL && v->vop_link != NULL &&
	    v->vop_remove != NULL && v->vop_rmdir != NULL &&
	    v->vop_rename != NULL && v->vop_getattr != NULL &&
	    v->vop_setattr != NULL && v->vop_read != NULL &&
	    v->vop_write != NULL && v->vop_readdir != NULL &&
	    v->vop_readlink != NULL && v->vop_fsync != NULL &&
	    v->vop_inactive != NULL && v->vop_reclaim != NULL &&
	    v->vop_bmap != NULL;
}

int
vfs_register(const struct vfsops *vfs)
{
	int i;

	if (vfs->vfs_name == NULL || vfs->vfs_probe == NULL ||
	    vfs->vfs_mount == NULL || vfs->vfs_unmount == NULL ||
	    vfs->vfs_root == NULL || vfs->vfs_statvfs == NULL ||
	    vfs->vfs_sync == NULL || vfs->vfs_loadvnode == NULL) {
		kprintf("vfs: file system %s has an incomplete vfsops\n",
		    vfs->vfs_name != NULL ? vfs->vfs_name : "?");
		return EINVAL;
	}
	for (i = 0; vfs->vfs_opv != NULL && vfs->vfs_opv[i] != NULL; i++) {
		if (!vfs_vnodeops_complete(vfs->vfs_opv[i])) {
			kprintf("vfs: file system %s: vnode operations "
			    "table %d is incomplete\n", vfs->vfs_name, i);
			return EINVAL;
		}
	}
	if (vfs_getopsbyname(vfs->vfs_name) != NULL)
		return EEXIST;
	if (vfs_ntypes == VFS_MAXTYPES)
		return ENOSPC;
	vfs_types[vfs_ntypes++] = vfs;
	return 0;
}

const struct vfsops *
vfs_getopsbyname(const char *name)
{
	int i;

	for (i = 0; i < vfs_ntypes; i++)
		if (strcmp(vfs_types[i]->vfs_name, name) == 0)
			return vfs_types[i];
	return NULL;
}

int
vfs_gettype(int i, const struct vfsops **vfsp)
{
	if (i < 0 || i >= vfs_ntypes)
		return ENOENT;
	*vfsp = vfs_types[i];
	return 0;
}

int
vfs_init(void)
{
	size_t i;
	int error;

	vfs_ntypes = 0;
	for (i = 0; i < __arraycount(vfs_list); i++)
		if ((error = vfs_register(vfs_list[i])) != 0)
			return error;
	return rootfs_mountroot();
}

void
vfs_fini(void)
{
	vfs_unmountall();
	rootfs_unmountroot();
	vfs_ntypes = 0;
}
