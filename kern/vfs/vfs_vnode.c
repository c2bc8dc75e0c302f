/*
 * vfs_vnode.c: the vnode cache.
 *
 * Every vnode of a mounted file system is found through one hash table
 * keyed by (mount, inode number), so a file has at most one vnode.
 *
 * States:
 *   active	v_usecount > 0; in the hash and on its mount's list.
 *   free	v_usecount == 0; also on the free list, in LRU order, still
 *		holding its pages and its file system data so that the next
 *		lookup of the same file costs nothing.
 *   reclaimed	VV_RECLAIMED: its file system data is gone.  A reclaimed
 *		vnode that is still referenced (forced unmount) answers
 *		every operation with EIO until its last reference goes.
 *
 * Transitions: vcache_get() makes a vnode active (loading it through
 * vfs_loadvnode on a miss); vrele() of the last reference runs
 * VOP_INACTIVE and makes it free (or reclaims it at once when VV_NOCACHE
 * is set, as file systems do for unlinked files); the cache reclaims the
 * least recently used free vnodes when it holds more than RUMP_NVNODES
 * (default 8192) at the end of a system call, and vflush() reclaims all of a mount's vnodes at
 * unmount.  All of this runs under the kernel lock.
 */
#include "../sys/param.h"
#include "../sys/genfs.h"
#include "../sys/kmem.h"
#include "../sys/mount.h"
#include "../sys/queue.h"
#include "../sys/systm.h"
#include "../sys/vnode.h"

#define VCACHE_DEFLIMIT		8192
#define VCACHE_MINBUCKETS	64

LIST_HEAD(vnodelist, vnode);
TAILQ_HEAD(vnodeq, vnode);

static struct {
	struct vnodelist *hash;
	uint32_t	nbuckets;	/* power of two */
	uint32_t	count;		/* vnodes in existence */
	uint32_t	limit;
	struct vnodeq	freelist;
	bool		inited;
} vc;

extern const struct vnodeops dead_vnodeops;

static uint32_t
vcache_hash(const struct mount *mp, ino_t ino)
{
	uint64_t h = (uint64_t)(uintptr_t)mp * 0x9e3779b97f4a7c15ULL;

	h ^= ino * 0xc2b2ae3d27d4eb4fULL;
	h ^= h >> 29;
	return (uint32_t)h & (vc.nbuckets - 1);
}

int
vfs_vnode_init(void)
{
	uint64_t lim;

	vc.limit = VCACHE_DEFLIMIT;
	if (kparam_getnum("RUMP_NVNODES", &lim) == 0) {
		if (lim < 16 || lim > (1u << 24))
			kprintf("kernel: RUMP_NVNODES out of range, using "
			    "%u\n", VCACHE_DEFLIMIT);
		else
			vc.limit = (uint32_t)lim;
	}
	vc.nbuckets = VCACHE_MINBUCKETS;
	vc.hash = kmem_zalloc(vc.nbuckets * sizeof(*vc.hash));
	if (vc.hash == NULL)
		return ENOMEM;
	TAILQ_INIT(&vc.freelist);
	vc.count = 0;
	vc.inited = true;
	return 0;
}

void
vfs_vnode_fini(void)
{
	KASSERTMSG(vc.count == 0, "vfs_vnode_fini: %u vnodes left", vc.count);
	kmem_free(vc.hash, vc.nbuckets * sizeof(*vc.hash));
	vc.hash = NULL;
	vc.inited = false;
}

uint32_t
vcache_count(void)
{
	return vc.count;
}

/* Bytes the hash table has grown by: kept, though no vnode needs them. */
uint64_t
vcache_idlebytes(void)
{
	return (uint64_t)(vc.nbuckets - VCACHE_MINBUCKETS) * sizeof(*vc.hash);
}

/* Double the hash table when chains get long; failure is harmless. */
static void
vcache_grow(void)
{
	struct vnodelist *nh, *oh = vc.hash;
	uint32_t i, on = vc.nbuckets;
	struct vnode *vp;

	if (vc.count <= vc.nbuckets * 2 || vc.nbuckets >= (1u << 22))
		return;
	if ((nh = kmem_zalloc(2 * on * sizeof(*nh))) == NULL)
		return;
	vc.hash = nh;
	vc.nbuckets = 2 * on;
	for (i = 0; i < on; i++) {
		while ((vp = LIST_FIRST(&oh[i])) != NULL) {
			LIST_REMOVE(vp, v_hash);
			LIST_INSERT_HEAD(&vc.hash[vcache_hash(vp->v_mount,
			    vp->v_key)], vp, v_hash);
		}
	}
	kmem_free(oh, on * sizeof(*oh));
}

static struct vnode *
vcache_lookup(struct mount *mp, ino_t ino)
{
	struct vnode *vp;

	LIST_FOREACH(vp, &vc.hash[vcache_hash(mp, ino)], v_hash)
		if (vp->v_mount == mp && vp->v_key == ino)
			return vp;
	return NULL;
}

static struct vnode *
vnode_alloc(struct mount *mp, ino_t ino)
{
	struct vnode *vp;

	if ((vp = kmem_zalloc(sizeof(*vp))) == NULL)
		return NULL;
	vp->v_mount = mp;
	vp->v_key = ino;
	vp->v_usecount = 1;
	vp->v_type = VNON;
	TAILQ_INIT(&vp->v_pages);
	TAILQ_INIT(&vp->v_dirtyblkhd);
	return vp;
}

/*
 * Free unreferenced vnodes, oldest first, until the cache is within its
 * limit.  Reclaiming writes to disk and calls into file systems, so this
 * runs only at the end of a system call (vfs_syscalls.c), never inside a
 * file system operation.
 */
void
vcache_trim(void)
{
	struct vnode *vp;

	while (vc.count > vc.limit &&
	    (vp = TAILQ_FIRST(&vc.freelist)) != NULL)
		vgone(vp);
}

/*
 * Return the vnode for inode ino of mount mp, referenced, loading it on
 * a miss.
 */
int
vcache_get(struct mount *mp, ino_t ino, struct vnode **vpp)
{
	struct vnode *vp;
	int error;

	KASSERT(mp != NULL);
	if ((vp = vcache_lookup(mp, ino)) != NULL) {
		KASSERT((vp->v_vflag & VV_RECLAIMED) == 0);
		vref(vp);
		*vpp = vp;
		return 0;
	}
	if ((vp = vnode_alloc(mp, ino)) == NULL)
		return ENOMEM;
	error = mp->mnt_op->vfs_loadvnode(mp, vp, ino);
	if (error != 0) {
		KASSERT(vp->v_data == NULL);
		kmem_free(vp, sizeof(*vp));
		return error;
	}
	KASSERT(vp->v_op != NULL && vp->v_type != VNON);
	LIST_INSERT_HEAD(&vc.hash[vcache_hash(mp, ino)], vp, v_hash);
	TAILQ_INSERT_TAIL(&mp->mnt_vnodes, vp, v_mntlist);
	vc.count++;
	vcache_grow();
	*vpp = vp;
	return 0;
}

/*
 * Give vp a new key: for file systems whose inode numbers follow the
 * file (FAT numbers a file by the place of its directory entry, which a
 * rename moves).  EEXIST if another vnode of the mount has that key.
 */
int
vcache_rekey(struct vnode *vp, ino_t key)
{
	if (vp->v_key == key)
		return 0;
	if (vcache_lookup(vp->v_mount, key) != NULL)
		return EEXIST;
	LIST_REMOVE(vp, v_hash);
	vp->v_key = key;
	LIST_INSERT_HEAD(&vc.hash[vcache_hash(vp->v_mount, key)], vp, v_hash);
	return 0;
}

void
vref(struct vnode *vp)
{
	KASSERT(vp->v_usecount >= 0);
	if (vp->v_usecount++ == 0 && (vp->v_vflag & VV_RECLAIMED) == 0)
		TAILQ_REMOVE(&vc.freelist, vp, v_freelist);
}

void
vrele(struct vnode *vp)
{
	int error;

	KASSERTMSG(vp->v_usecount > 0, "vrele: vnode %p not referenced",
	    (void *)vp);
	if (--vp->v_usecount > 0)
		return;
	if (vp->v_vflag & VV_RECLAIMED) {
		/* Killed by a forced unmount: nothing is left to do. */
		kmem_free(vp, sizeof(*vp));
		return;
	}
	/*
	 * VOP_INACTIVE may take and drop references of its own.  What it
	 * fails to do (free an unlinked file's blocks) has no caller to be
	 * told: the mount is damaged, and its unmount reports it, so the
	 * command does not succeed.
	 */
	vp->v_usecount = 1;
	if ((error = VOP_INACTIVE(vp)) != 0 && vp->v_mount != NULL)
		vfs_damaged(vp->v_mount);
	if (--vp->v_usecount > 0)
		return;
	if (vp->v_vflag & VV_NOCACHE) {
		TAILQ_INSERT_TAIL(&vc.freelist, vp, v_freelist);
		vgone(vp);
		return;
	}
	TAILQ_INSERT_TAIL(&vc.freelist, vp, v_freelist);
}

/*
 * Write back and drop everything the vnode caches, then let the file
 * system release its node.  Errors writing back are reported on the
 * console: the data cannot be kept once the vnode goes.
 */
static void
vnode_clean(struct vnode *vp)
{
	struct mount *mp = vp->v_mount;
	int error = 0;

	if (vp->v_npages > 0)
		error = genfs_putpages(vp, 0, 0, PGO_CLEANIT | PGO_FREE);
	if (error == 0 && mp != NULL && (mp->mnt_flag & MNT_RDONLY) == 0)
		error = VOP_FSYNC(vp, FSYNC_WAIT | FSYNC_RECLAIM);
	if (error != 0) {
		kprintf("vfs: lost cached data of inode %llu (error %d)\n",
		    (unsigned long long)vp->v_key, error);
		/* The unmount reports it: the command must not succeed. */
		if (mp != NULL && mp->mnt_wrerror == 0)
			mp->mnt_wrerror = error;
	}
	if (vp->v_npages > 0)
		(void)genfs_putpages(vp, 0, 0, PGO_FREE);
	(void)VOP_RECLAIM(vp);
	vp->v_data = NULL;
	LIST_REMOVE(vp, v_hash);
	if (vp->v_mount != NULL)
		TAILQ_REMOVE(&vp->v_mount->mnt_vnodes, vp, v_mntlist);
	vc.count--;
}

/*
 * Reclaim a free vnode and free it.
 */
void
vgone(struct vnode *vp)
{
	KASSERT(vp->v_usecount == 0);
	KASSERT((vp->v_vflag & VV_RECLAIMED) == 0);
	TAILQ_REMOVE(&vc.freelist, vp, v_freelist);
	vnode_clean(vp);
	kmem_free(vp, sizeof(*vp));
}

/*
 * Reclaim every vnode of a mount.  Referenced vnodes make this fail with
 * EBUSY, unless force is set: then they are cleaned and left "dead",
 * answering EIO, until their holders let go.
 */
int
vflush(struct mount *mp, bool force)
{
	struct vnode *vp, *nvp;

	if (!force) {
		TAILQ_FOREACH(vp, &mp->mnt_vnodes, v_mntlist)
			if (vp->v_usecount > 0)
				return EBUSY;
	}
	TAILQ_FOREACH_SAFE(vp, &mp->mnt_vnodes, v_mntlist, nvp) {
		if (vp->v_usecount == 0) {
			vgone(vp);
			continue;
		}
		vnode_clean(vp);
		vp->v_vflag |= VV_RECLAIMED;
		vp->v_op = &dead_vnodeops;
		vp->v_mount = NULL;
		vp->v_mountedhere = NULL;
	}
	return 0;
}
