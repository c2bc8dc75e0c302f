/*
 * rootfs_vnops.c: vnode operations of the root file system.
 *
 * Directories are lists of entries; a readdir cookie is the position in
 * the list (0 is ".", 1 is "..").  Regular files keep their data in one
 * growing kernel buffer.  A node is freed when its last link and its
 * vnode are both gone.
 */
#include "../../sys/param.h"
#include "../../sys/genfs.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"
#include "../../dev/blk.h"
#include "rootfs.h"

struct rootfs_node *rootfs_node_alloc(enum vtype, mode_t, uid_t, gid_t);
void	rootfs_node_free(struct rootfs_node *);

#define ROOTFS_MAXFILE	(1ULL << 31)

static void
rn_touch(struct rootfs_node *rn, bool mod)
{
	struct ktimespec now;

	vfs_timestamp(&now);
	rn->rn_ctime = now;
	if (mod)
		rn->rn_mtime = now;
}

static struct rootfs_dirent *
dir_find(struct rootfs_node *dir, const char *name, size_t len)
{
	struct rootfs_dirent *de;

	TAILQ_FOREACH(de, &dir->rn_dir, rd_entries)
		if (de->rd_namelen == len && memcmp(de->rd_name, name, len) ==
		    0)
			return de;
	return NULL;
}

static int
dir_enter(struct rootfs_node *dir, const char *name, size_t len,
    struct rootfs_node *rn)
{
	struct rootfs_dirent *de;

	if ((de = kmem_alloc(sizeof(*de) + len)) == NULL)
		return ENOMEM;
	de->rd_node = rn;
	de->rd_namelen = (uint16_t)len;
	memcpy(de->rd_name, name, len);
	TAILQ_INSERT_TAIL(&dir->rn_dir, de, rd_entries);
	dir->rn_nentries++;
	rn->rn_nlink++;
	if (rn->rn_type == VDIR) {
		rn->rn_parent = dir;
		dir->rn_nlink++;
	}
	rn_touch(dir, true);
	return 0;
}

static void
dir_remove(struct rootfs_node *dir, struct rootfs_dirent *de)
{
	struct rootfs_node *rn = de->rd_node;

	TAILQ_REMOVE(&dir->rn_dir, de, rd_entries);
	dir->rn_nentries--;
	kmem_free(de, sizeof(*de) + de->rd_namelen);
	rn->rn_nlink--;
	if (rn->rn_type == VDIR) {
		dir->rn_nlink--;
		rn->rn_nlink = 0;	/* its "." is gone with it */
	}
	rn_touch(dir, true);
	rn_touch(rn, false);
}

static int
rootfs_lookup(struct vnode *dvp, const char *name, size_t len,
    struct vnode **vpp)
{
	struct rootfs_node *dir = VTORN(dvp);
	struct rootfs_dirent *de;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return vcache_get(dvp->v_mount, dir->rn_parent->rn_ino, vpp);
	if ((de = dir_find(dir, name, len)) == NULL)
		return ENOENT;
	return vcache_get(dvp->v_mount, de->rd_node->rn_ino, vpp);
}

/* Make a node of type va->va_type named name in dvp. */
static int
rootfs_mknode(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, const char *target, struct vnode **vpp)
{
	struct rootfs_node *dir = VTORN(dvp), *rn;
	int error;

	if (dir->rn_nlink == 0)
		return ENOENT;		/* removed directory */
	if (dir_find(dir, name, len) != NULL)
		return EEXIST;
	rn = rootfs_node_alloc(va->va_type, va->va_mode, va->va_uid,
	    va->va_gid);
	if (rn == NULL)
		return ENOMEM;
	rn->rn_rdev = va->va_rdev;
	if (target != NULL) {
		rn->rn_target = kmem_strndup(target, MAXPATHLEN);
		if (rn->rn_target == NULL) {
			rootfs_node_free(rn);
			return ENOMEM;
		}
		rn->rn_size = strlen(target);
	}
	if (va->va_type == VDIR)
		rn->rn_nlink = 1;	/* its "." */
	if ((error = dir_enter(dir, name, len, rn)) != 0) {
		rn->rn_nlink = 0;
		rootfs_node_free(rn);
		return error;
	}
	return vcache_get(dvp->v_mount, rn->rn_ino, vpp);
}

static int
rootfs_create(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, struct vnode **vpp)
{
	return rootfs_mknode(dvp, name, len, va, NULL, vpp);
}

static int
rootfs_symlink(struct vnode *dvp, const char *name, size_t len,
    const struct vattr *va, const char *target, struct vnode **vpp)
{
	struct vattr lva = *va;

	lva.va_type = VLNK;
	return rootfs_mknode(dvp, name, len, &lva, target, vpp);
}

static int
rootfs_link(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t len)
{
	struct rootfs_node *dir = VTORN(dvp);

	if (dir->rn_nlink == 0)
		return ENOENT;
	if (dir_find(dir, name, len) != NULL)
		return EEXIST;
	rn_touch(VTORN(vp), false);
	return dir_enter(dir, name, len, VTORN(vp));
}

static int
rootfs_remove(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t len)
{
	struct rootfs_dirent *de;

	if ((de = dir_find(VTORN(dvp), name, len)) == NULL)
		return ENOENT;
	KASSERT(de->rd_node == VTORN(vp));
	dir_remove(VTORN(dvp), de);
	return 0;
}

static int
rootfs_rmdir(struct vnode *dvp, struct vnode *vp, const char *name,
    size_t len)
{
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (VTORN(vp)->rn_nentries > 0)
		return ENOTEMPTY;
	if (vp->v_mountedhere != NULL)
		return EBUSY;
	return rootfs_remove(dvp, vp, name, len);
}

static int
rootfs_rename(struct vnode *fdvp, struct vnode *fvp, const char *fname,
    size_t flen, struct vnode *tdvp, struct vnode *tvp, const char *tname,
    size_t tlen)
{
	struct rootfs_node *fdir = VTORN(fdvp), *tdir = VTORN(tdvp);
	struct rootfs_dirent *fde, *tde;
	struct rootfs_node *rn = VTORN(fvp);
	int error;

	if ((fde = dir_find(fdir, fname, flen)) == NULL)
		return ENOENT;
	if (tvp != NULL) {
		if (tvp->v_type == VDIR && VTORN(tvp)->rn_nentries > 0)
			return ENOTEMPTY;
		if ((tde = dir_find(tdir, tname, tlen)) == NULL)
			return ENOENT;
		dir_remove(tdir, tde);
	}
	/* Enter first so the node is never without a link. */
	if ((error = dir_enter(tdir, tname, tlen, rn)) != 0)
		return error;
	fde = dir_find(fdir, fname, flen);
	KASSERT(fde != NULL);
	if (rn->rn_type == VDIR) {
		/* dir_remove would drop the directory's own count. */
		TAILQ_REMOVE(&fdir->rn_dir, fde, rd_entries);
		fdir->rn_nentries--;
		kmem_free(fde, sizeof(*fde) + fde->rd_namelen);
		rn->rn_nlink--;
		fdir->rn_nlink--;
		rn_touch(fdir, true);
	} else {
		dir_remove(fdir, fde);
	}
	return 0;
}

static int
rootfs_getattr(struct vnode *vp, struct vattr *va)
{
	struct rootfs_node *rn = VTORN(vp);

	memset(va, 0, sizeof(*va));
	va->va_type = rn->rn_type;
	va->va_mode = rn->rn_mode;
	va->va_nlink = rn->rn_nlink;
	va->va_uid = rn->rn_uid;
	va->va_gid = rn->rn_gid;
	va->va_fsid = vp->v_mount->mnt_fsid;
	va->va_fileid = rn->rn_ino;
	va->va_size = rn->rn_type == VDIR ?
	    (off_t)(rn->rn_nentries + 2) * 16 : (off_t)rn->rn_size;
	if (rn->rn_etfs != NULL)
		va->va_size = vp->v_size;
	va->va_blocksize = PAGE_SIZE;
	va->va_atime = rn->rn_atime;
	va->va_mtime = rn->rn_mtime;
	va->va_ctime = rn->rn_ctime;
	va->va_birthtime = rn->rn_birthtime;
	va->va_gen = rn->rn_gen;
	va->va_flags = rn->rn_flags;
	va->va_rdev = rn->rn_rdev;
	va->va_bytes = (uint64_t)rn->rn_cap;
	return 0;
}

static int
rn_resize(struct rootfs_node *rn, size_t size)
{
	uint8_t *nd;
	size_t cap;

	if (size > ROOTFS_MAXFILE)
		return EFBIG;
	if (size > rn->rn_cap) {
		cap = MAX(size, MIN(2 * rn->rn_cap, ROOTFS_MAXFILE));
		cap = roundup(cap, 64);
		if ((nd = kmem_alloc(cap)) == NULL)
			return ENOSPC;
		if (rn->rn_data != NULL) {
			memcpy(nd, rn->rn_data, rn->rn_size);
			kmem_free(rn->rn_data, rn->rn_cap);
		}
		rn->rn_data = nd;
		rn->rn_cap = cap;
	}
	if (size > rn->rn_size)
		memset(rn->rn_data + rn->rn_size, 0, size - rn->rn_size);
	rn->rn_size = size;
	return 0;
}

static int
rootfs_setattr(struct vnode *vp, const struct vattr *va)
{
	struct rootfs_node *rn = VTORN(vp);
	int error;

	if (va->va_mask & VA_SIZE) {
		if (vp->v_type == VDIR)
			return EISDIR;
		if (vp->v_type != VREG)
			return EINVAL;
		if (rn->rn_etfs != NULL)
			return EOPNOTSUPP;
		if ((error = rn_resize(rn, (size_t)va->va_size)) != 0)
			return error;
		vp->v_size = va->va_size;
		rn_touch(rn, true);
	}
	if (va->va_mask & VA_MODE)
		rn->rn_mode = va->va_mode & ALLPERMS;
	if (va->va_mask & VA_UID)
		rn->rn_uid = va->va_uid;
	if (va->va_mask & VA_GID)
		rn->rn_gid = va->va_gid;
	if (va->va_mask & VA_FLAGS)
		rn->rn_flags = va->va_flags;
	if (va->va_mask & (VA_MODE | VA_UID | VA_GID | VA_FLAGS))
		rn_touch(rn, false);
	if (va->va_mask & VA_ATIME)
		rn->rn_atime = va->va_atime;
	if (va->va_mask & VA_MTIME)
		rn->rn_mtime = va->va_mtime;
	if (va->va_mask & VA_BIRTHTIME)
		rn->rn_birthtime = va->va_birthtime;
	return 0;
}

static int
rootfs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct rootfs_node *rn = VTORN(vp);
	size_t n;

	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	if (uio->uio_offset < 0)
		return EINVAL;
	if ((uint64_t)uio->uio_offset >= rn->rn_size)
		return 0;
	n = MIN(uio->uio_resid, rn->rn_size - (size_t)uio->uio_offset);
	return uiomove(rn->rn_data + uio->uio_offset, n, uio);
}

static int
rootfs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct rootfs_node *rn = VTORN(vp);
	size_t end;
	int error;

	if (vp->v_type != VREG)
		return EOPNOTSUPP;
	if (ioflag & IO_APPEND)
		uio->uio_offset = (off_t)rn->rn_size;
	if (uio->uio_offset < 0 || (uint64_t)uio->uio_offset >
	    ROOTFS_MAXFILE)
		return EFBIG;
	end = (size_t)uio->uio_offset + uio->uio_resid;
	if (end > rn->rn_size && (error = rn_resize(rn, end)) != 0)
		return error;
	vp->v_size = (off_t)rn->rn_size;
	rn_touch(rn, true);
	return uiomove(rn->rn_data + uio->uio_offset, uio->uio_resid, uio);
}

static int
rootfs_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	struct rootfs_node *dir = VTORN(vp);
	struct rootfs_dirent *de;
	off_t cookie = uio->uio_offset, i;
	bool full = false;
	int error = 0;

	if (cookie < 0)
		return EINVAL;
	if (cookie == 0) {
		error = vfs_dirent_put(uio, dir->rn_ino, ".", 1, DT_DIR, &full);
		if (error != 0 || full)
			goto out;
		uio->uio_offset = ++cookie;
	}
	if (cookie == 1) {
		error = vfs_dirent_put(uio, dir->rn_parent->rn_ino, "..", 2,
		    DT_DIR, &full);
		if (error != 0 || full)
			goto out;
		uio->uio_offset = ++cookie;
	}
	i = 2;
	TAILQ_FOREACH(de, &dir->rn_dir, rd_entries) {
		if (i++ < cookie)
			continue;
		error = vfs_dirent_put(uio, de->rd_node->rn_ino, de->rd_name,
		    de->rd_namelen, vtype_to_dt(de->rd_node->rn_type), &full);
		if (error != 0 || full)
			goto out;
		uio->uio_offset = ++cookie;
	}
out:
	*eofp = !full && error == 0;
	return error;
}

static int
rootfs_readlink(struct vnode *vp, struct uio *uio)
{
	struct rootfs_node *rn = VTORN(vp);

	if (vp->v_type != VLNK)
		return EINVAL;
	return uiomove(rn->rn_target, rn->rn_size, uio);
}

/* An unlinked node is dropped as soon as nobody uses it. */
static int
rootfs_inactive(struct vnode *vp)
{
	if (VTORN(vp)->rn_nlink == 0)
		vp->v_vflag |= VV_NOCACHE;
	return 0;
}

static int
rootfs_reclaim(struct vnode *vp)
{
	struct rootfs_node *rn = VTORN(vp);

	rn->rn_vnode = NULL;
	if (rn->rn_nlink == 0)
		rootfs_node_free(rn);
	return 0;
}

const struct vnodeops rootfs_vnodeops = {
	.vop_fsname = "rootfs",
	.vop_lookup = rootfs_lookup,
	.vop_create = rootfs_create,
	.vop_mkdir = rootfs_create,
	.vop_symlink = rootfs_symlink,
	.vop_link = rootfs_link,
	.vop_remove = rootfs_remove,
	.vop_rmdir = rootfs_rmdir,
	.vop_rename = rootfs_rename,
	.vop_getattr = rootfs_getattr,
	.vop_setattr = rootfs_setattr,
	.vop_read = rootfs_read,
	.vop_write = rootfs_write,
	.vop_readdir = rootfs_readdir,
	.vop_readlink = rootfs_readlink,
	.vop_fsync = genfs_nop_fsync,
	.vop_inactive = rootfs_inactive,
	.vop_reclaim = rootfs_reclaim,
	.vop_bmap = genfs_nobmap,
};

/*
 * etfs: a regular file whose data is a host file, through the page cache.
 * Its size is the host file's; it can be neither grown nor truncated.
 * The block map is the identity over the host file.
 */
static int
etfs_bmap(struct vnode *vp, daddr_t lbn, daddr_t *pbnp, int *runp)
{
	int bshift = vp->v_mount->mnt_bshift;
	off_t off = (off_t)lbn << bshift;

	if (off >= vp->v_size) {
		*pbnp = BMAP_HOLE;
		return 0;
	}
	*pbnp = (daddr_t)(off >> DEV_BSHIFT);
	if (runp != NULL)
		*runp = (int)MIN((vp->v_size - off - 1) >> bshift, 1 << 20);
	return 0;
}

static int
etfs_alloc(struct vnode *vp, off_t off, size_t len)
{
	if (off + (off_t)len > (off_t)blk_size(vp->v_blkdev))
		return ENOSPC;
	return 0;
}

static void
etfs_setsize(struct vnode *vp, off_t size)
{
	VTORN(vp)->rn_size = (size_t)size;
}

const struct genfs_ops rootfs_etfs_gops = {
	.gop_alloc = etfs_alloc,
	.gop_setsize = etfs_setsize,
};

static int
etfs_fsync(struct vnode *vp, int flags)
{
	int error;

	error = genfs_putpages(vp, 0, 0, PGO_CLEANIT);
	if (error == 0 && (flags & FSYNC_WAIT))
		error = blk_sync(vp->v_blkdev);
	return error;
}

const struct vnodeops rootfs_etfs_vnodeops = {
	.vop_fsname = "rootfs",
	.vop_lookup = genfs_notdir_lookup,
	.vop_create = rootfs_create,
	.vop_mkdir = rootfs_create,
	.vop_symlink = rootfs_symlink,
	.vop_link = rootfs_link,
	.vop_remove = rootfs_remove,
	.vop_rmdir = rootfs_rmdir,
	.vop_rename = rootfs_rename,
	.vop_getattr = rootfs_getattr,
	.vop_setattr = rootfs_setattr,
	.vop_read = genfs_read,
	.vop_write = genfs_write,
	.vop_readdir = genfs_notdir_readdir,
	.vop_readlink = genfs_notlnk_readlink,
	.vop_fsync = etfs_fsync,
	.vop_inactive = rootfs_inactive,
	.vop_reclaim = rootfs_reclaim,
	.vop_bmap = etfs_bmap,
};

/*
 * Turn the fresh, empty regular file vp into a window on host device bd.
 * The vnode is recycled so that the next lookup loads it with the etfs
 * operations.
 */
int
rootfs_etfs_attach(struct vnode *vp, struct blkdev *bd)
{
	struct rootfs_node *rn = VTORN(vp);

	if (vp->v_type != VREG || rn->rn_size != 0 || rn->rn_etfs != NULL)
		return EINVAL;
	rn->rn_etfs = bd;
	rn->rn_size = (size_t)blk_size(bd);
	vp->v_vflag |= VV_NOCACHE;
	return 0;
}
