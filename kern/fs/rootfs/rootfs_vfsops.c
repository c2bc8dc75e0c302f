/*
 * rootfs_vfsops.c: the root file system, an in-memory file system that is
 * the kernel's "/".  It holds /dev (the block device nodes of attached
 * images), the directories file systems are mounted on, and, for tests
 * and programs that want them, host files registered as regular files
 * whose I/O passes through the page cache to the host (etfs).
 *
 * Nodes are kept in a hash table by inode number for vfs_loadvnode; a node
 * lives as long as it has links or a vnode.  Everything is lost at halt.
 */
#include "../../sys/param.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "../../sys.h"
#include "../../dev/blk.h"
#include "rootfs.h"

#define RN_NBUCKETS	256

LIST_HEAD(rnhash, rootfs_node);

static struct {
	struct mount	*mp;
	struct rnhash	hash[RN_NBUCKETS];
	ino_t		nextino;
	uint64_t	nnodes;
} rfs;

extern const struct vnodeops rootfs_vnodeops;
extern const struct vnodeops rootfs_etfs_vnodeops;
extern const struct genfs_ops rootfs_etfs_gops;

struct rootfs_node *rootfs_node_alloc(enum vtype, mode_t, uid_t, gid_t);
void	rootfs_node_free(struct rootfs_node *);
struct rootfs_node *rootfs_node_find(ino_t);

struct rootfs_node *
rootfs_node_alloc(enum vtype type, mode_t mode, uid_t uid, gid_t gid)
{
	struct rootfs_node *rn;

	if ((rn = kmem_zalloc(sizeof(*rn))) == NULL)
		return NULL;
	rn->rn_ino = rfs.nextino++;
	rn->rn_type = type;
	rn->rn_mode = mode & ALLPERMS;
	rn->rn_uid = uid;
	rn->rn_gid = gid;
	rn->rn_gen = karc4random();
	vfs_timestamp(&rn->rn_birthtime);
	rn->rn_atime = rn->rn_mtime = rn->rn_ctime = rn->rn_birthtime;
	TAILQ_INIT(&rn->rn_dir);
	LIST_INSERT_HEAD(&rfs.hash[rn->rn_ino % RN_NBUCKETS], rn, rn_hash);
	rfs.nnodes++;
	return rn;
}

void
rootfs_node_free(struct rootfs_node *rn)
{
	KASSERT(rn->rn_nlink == 0 && rn->rn_vnode == NULL);
	KASSERT(TAILQ_EMPTY(&rn->rn_dir));
	LIST_REMOVE(rn, rn_hash);
	if (rn->rn_data != NULL)
		kmem_free(rn->rn_data, rn->rn_cap);
	kmem_strfree(rn->rn_target);
	if (rn->rn_etfs != NULL)
		(void)blk_detach(rn->rn_etfs);
	kmem_free(rn, sizeof(*rn));
	rfs.nnodes--;
}

struct rootfs_node *
rootfs_node_find(ino_t ino)
{
	struct rootfs_node *rn;

	LIST_FOREACH(rn, &rfs.hash[ino % RN_NBUCKETS], rn_hash)
		if (rn->rn_ino == ino)
			return rn;
	return NULL;
}

static int
rootfs_probe(struct vnode *devvp)
{
	return EFTYPE;	/* never on a device */
}

static int
rootfs_mount(struct mount *mp, struct vnode *devvp, const char *opts)
{
	return EOPNOTSUPP;	/* only mounted at boot, as "/" */
}

static int
rootfs_unmount(struct mount *mp, int flags)
{
	return 0;
}

static int
rootfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, 2, vpp);
}

static int
rootfs_statvfs(struct mount *mp, struct kstatvfs *sf)
{
	memset(sf, 0, sizeof(*sf));
	sf->f_bsize = sf->f_frsize = sf->f_iosize = PAGE_SIZE;
	sf->f_files = rfs.nnodes;
	sf->f_namemax = NAME_MAX;
	sf->f_fsid = mp->mnt_fsid;
	snprintf(sf->f_fstypename, sizeof(sf->f_fstypename), "rootfs");
	return 0;
}

static int
rootfs_sync(struct mount *mp, int waitfor)
{
	return 0;
}

static int
rootfs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino)
{
	struct rootfs_node *rn;

	if ((rn = rootfs_node_find(ino)) == NULL)
		return ENOENT;
	KASSERT(rn->rn_vnode == NULL);
	vp->v_type = rn->rn_type;
	vp->v_data = rn;
	vp->v_rdev = rn->rn_rdev;
	if (rn->rn_etfs != NULL) {
		vp->v_op = &rootfs_etfs_vnodeops;
		vp->v_gop = &rootfs_etfs_gops;
		vp->v_blkdev = rn->rn_etfs;
	} else {
		vp->v_op = &rootfs_vnodeops;
	}
	vp->v_size = (off_t)rn->rn_size;
	if (ino == 2)
		vp->v_vflag |= VV_ROOT;
	rn->rn_vnode = vp;
	return 0;
}

static const struct vnodeops *const rootfs_opv[] = {
	&rootfs_vnodeops,
	&rootfs_etfs_vnodeops,
	NULL,
};

const struct vfsops rootfs_vfsops = {
	.vfs_name = "rootfs",
	.vfs_opv = rootfs_opv,
	.vfs_probe = rootfs_probe,
	.vfs_mount = rootfs_mount,
	.vfs_unmount = rootfs_unmount,
	.vfs_root = rootfs_root,
	.vfs_statvfs = rootfs_statvfs,
	.vfs_sync = rootfs_sync,
	.vfs_loadvnode = rootfs_loadvnode,
};

int	rootfs_mountroot(void);
void	rootfs_unmountroot(void);

/* Create the root mount and its root directory; set rootvnode. */
int
rootfs_mountroot(void)
{
	struct rootfs_node *root;
	struct mount *mp;
	int error, i;

	if ((mp = kmem_zalloc(sizeof(*mp))) == NULL)
		return ENOMEM;
	for (i = 0; i < RN_NBUCKETS; i++)
		LIST_INIT(&rfs.hash[i]);
	rfs.nextino = 2;
	rfs.nnodes = 0;
	mp->mnt_op = &rootfs_vfsops;
	mp->mnt_bshift = 16;
	TAILQ_INIT(&mp->mnt_vnodes);
	snprintf(mp->mnt_onname, sizeof(mp->mnt_onname), "/");
	snprintf(mp->mnt_fromname, sizeof(mp->mnt_fromname), "rootfs");
	if ((root = rootfs_node_alloc(VDIR, 0755, 0, 0)) == NULL) {
		kmem_free(mp, sizeof(*mp));
		return ENOMEM;
	}
	root->rn_nlink = 2;
	root->rn_parent = root;
	rfs.mp = mp;
	if ((error = vcache_get(mp, root->rn_ino, &rootvnode)) != 0) {
		root->rn_nlink = 0;
		rootfs_node_free(root);
		kmem_free(mp, sizeof(*mp));
		return error;
	}
	vfs_mountlist_add(mp);
	return 0;
}

static void
rootfs_freetree(struct rootfs_node *dir)
{
	struct rootfs_dirent *de;
	struct rootfs_node *rn;

	while ((de = TAILQ_FIRST(&dir->rn_dir)) != NULL) {
		TAILQ_REMOVE(&dir->rn_dir, de, rd_entries);
		rn = de->rd_node;
		kmem_free(de, sizeof(*de) + de->rd_namelen);
		if (rn->rn_type == VDIR) {
			rootfs_freetree(rn);
			rn->rn_nlink = 0;
		} else {
			rn->rn_nlink--;
		}
		if (rn->rn_nlink == 0 && rn->rn_vnode == NULL)
			rootfs_node_free(rn);
	}
}

/* At halt, after every other mount is gone: free the whole tree. */
void
rootfs_unmountroot(void)
{
	struct mount *mp = rfs.mp;
	struct rootfs_node *root;
	int error;

	if (mp == NULL)
		return;
	root = VTORN(rootvnode);
	vrele(rootvnode);
	rootvnode = NULL;
	if ((error = vflush(mp, true)) != 0)
		kprintf("rootfs: vflush failed at halt (error %d)\n", error);
	rootfs_freetree(root);
	root->rn_nlink = 0;
	rootfs_node_free(root);
	KASSERTMSG(rfs.nnodes == 0, "rootfs: %llu nodes left at halt",
	    (unsigned long long)rfs.nnodes);
	vfs_mountlist_remove(mp);
	kmem_free(mp, sizeof(*mp));
	rfs.mp = NULL;
}
