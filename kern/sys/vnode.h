/*
 * vnode.h: vnodes, their attributes and the vnode operations.
 *
 * Life cycle.  A vnode is created by the vnode cache (vfs_vnode.c) when
 * vcache_get() misses: the cache allocates it, and the file system's
 * vfs_loadvnode fills v_type, v_op, v_data and v_size from its inode.  A
 * vnode is in use while v_usecount > 0; vref() and vrele() move the count.
 * When the last reference goes, VOP_INACTIVE runs (a file system frees an
 * unlinked inode there) and the vnode joins the free list, still cached
 * and still holding its pages.  When the cache is over its limit
 * (RUMP_NVNODES) or the file system is unmounted, free vnodes are
 * reclaimed: their dirty pages are written, all pages dropped, VOP_RECLAIM
 * releases the file system's data, and the vnode is freed.
 *
 * Locking.  All vnode state is protected by the kernel lock, held by the
 * one thread in the system-call layer, so the operations below are called
 * without any further locks and may block on I/O.
 *
 * Operations.  Every vnodeops table is complete: vfs_init rejects a table
 * with a NULL slot.  Unsupported operations point at genfs_eopnotsupp
 * (EOPNOTSUPP), or genfs_erofs for write operations of a read-only file
 * system.  All return 0 or an error number; a returned vnode carries a
 * reference the caller must vrele().  Names are not NUL-terminated: they
 * are given by pointer and length, and are never "." or ".." for create,
 * remove, link and rename (the VFS rejects those).
 */
#ifndef _KERN_SYS_VNODE_H_
#define _KERN_SYS_VNODE_H_

#include "param.h"
#include "queue.h"
#include "uio.h"

struct blkdev;
struct buf;
struct mount;
struct vm_page;
struct vnode;

enum vtype { VNON, VREG, VDIR, VBLK, VCHR, VLNK, VSOCK, VFIFO, VBAD };

struct vattr {
	uint32_t	va_mask;	/* setattr: VA_* fields to change */
	enum vtype	va_type;
	mode_t		va_mode;	/* permission bits, ALLPERMS */
	nlink_t		va_nlink;
	uid_t		va_uid;
	gid_t		va_gid;
	uint64_t	va_fsid;
	ino_t		va_fileid;
	off_t		va_size;
	uint32_t	va_blocksize;	/* preferred I/O size */
	struct ktimespec va_atime;
	struct ktimespec va_mtime;
	struct ktimespec va_ctime;
	struct ktimespec va_birthtime;
	uint32_t	va_gen;
	uint32_t	va_flags;	/* chflags(2) flags */
	dev_t		va_rdev;
	uint64_t	va_bytes;	/* bytes of storage held */
};

/* va_mask bits for setattr. */
#define VA_MODE		0x0001
#define VA_UID		0x0002
#define VA_GID		0x0004
#define VA_SIZE		0x0008
#define VA_ATIME	0x0010
#define VA_MTIME	0x0020
#define VA_CTIME	0x0040
#define VA_BIRTHTIME	0x0080
#define VA_FLAGS	0x0100

/* I/O flags for VOP_READ/VOP_WRITE. */
#define IO_APPEND	0x01	/* write at end of file */
#define IO_SYNC		0x02	/* data and metadata on disk before return */
#define IO_NOATIME	0x04	/* do not touch the access time */

/* VOP_FSYNC flags. */
#define FSYNC_WAIT	0x01	/* wait for the writes */
#define FSYNC_DATAONLY	0x02	/* fdatasync */
#define FSYNC_RECLAIM	0x04	/* called before reclaim */

/* VOP_BMAP result for a hole. */
#define BMAP_HOLE	((daddr_t)-1)

struct vnodeops {
	const char	*vop_fsname;
	int	(*vop_lookup)(struct vnode *, const char *, size_t,
		    struct vnode **);
	int	(*vop_create)(struct vnode *, const char *, size_t,
		    const struct vattr *, struct vnode **);
	int	(*vop_mkdir)(struct vnode *, const char *, size_t,
		    const struct vattr *, struct vnode **);
	int	(*vop_symlink)(struct vnode *, const char *, size_t,
		    const struct vattr *, const char *, struct vnode **);
	int	(*vop_link)(struct vnode *, struct vnode *, const char *,
		    size_t);
	int	(*vop_remove)(struct vnode *, struct vnode *, const char *,
		    size_t);
	int	(*vop_rmdir)(struct vnode *, struct vnode *, const char *,
		    size_t);
	int	(*vop_rename)(struct vnode *, struct vnode *, const char *,
		    size_t, struct vnode *, struct vnode *, const char *,
		    size_t);
	int	(*vop_getattr)(struct vnode *, struct vattr *);
	int	(*vop_setattr)(struct vnode *, const struct vattr *);
	int	(*vop_read)(struct vnode *, struct uio *, int);
	int	(*vop_write)(struct vnode *, struct uio *, int);
	int	(*vop_readdir)(struct vnode *, struct uio *, bool *);
	int	(*vop_readlink)(struct vnode *, struct uio *);
	int	(*vop_fsync)(struct vnode *, int);
	int	(*vop_inactive)(struct vnode *);
	int	(*vop_reclaim)(struct vnode *);
	int	(*vop_bmap)(struct vnode *, daddr_t, daddr_t *, int *);
};

/*
 * Contracts of the less obvious operations:
 *
 * vop_lookup(dvp, name, len, &vp): find name in directory dvp.  Never
 *   called with "." (namei gives dvp itself); ".." gives the parent within
 *   the same file system (the VFS handles crossing mount points).  ENOENT
 *   if absent.
 * vop_create(dvp, name, len, va, &vp): make a node of type va->va_type
 *   (VREG, VFIFO, VSOCK, VCHR, VBLK; va_rdev for devices) with the mode,
 *   owner and group in va.  EEXIST if the name exists.
 * vop_remove/vop_rmdir(dvp, vp, name, len): remove the entry name, which
 *   the caller looked up and found to be vp.  rmdir fails with ENOTEMPTY.
 * vop_rename(fdvp, fvp, fname, flen, tdvp, tvp, tname, tlen): tvp is the
 *   vnode currently at the target name or NULL.  The VFS has checked: same
 *   mount, fvp is not an ancestor of tdvp, types compatible (a directory
 *   replaces only an empty directory), fvp != tvp.
 * vop_readdir(vp, uio, &eof): copy whole struct kdirent records (kern/sys.h)
 *   starting at the directory cookie uio->uio_offset, and set uio_offset to
 *   the cookie of the next entry.  Cookies are opaque to the caller.
 * vop_bmap(vp, lbn, &pbn, &run): map logical block lbn (block size
 *   1 << mnt_bshift) to a device address in DEV_BSIZE units, or BMAP_HOLE;
 *   run (may be NULL) gets the number of following blocks that are
 *   contiguous on the device (or further holes, for a hole).
 * vop_inactive(vp): the last reference is gone; free the inode if it has
 *   no links left.
 * vop_reclaim(vp): release v_data; the vnode is about to be freed.
 */

/*
 * Hooks a file system gives the page cache (genfs) to write file data.
 * gop_alloc allocates backing store for bytes [off, off + len) of one file
 * system block (it may move a partial last block elsewhere; genfs has made
 * that block's data resident and dirty beforehand); gop_setsize records a
 * new file size in the inode after a write extended the file.
 */
struct genfs_ops {
	int	(*gop_alloc)(struct vnode *, off_t, size_t);
	void	(*gop_setsize)(struct vnode *, off_t);
};

struct vnode {
	enum vtype	v_type;
	uint32_t	v_vflag;	/* VV_* */
	int		v_usecount;	/* references */
	struct mount	*v_mount;	/* file system; NULL for none */
	const struct vnodeops *v_op;
	const struct genfs_ops *v_gop;	/* page cache write hooks */
	void		*v_data;	/* file system's node */
	ino_t		v_key;		/* vcache key */
	off_t		v_size;		/* file size the page cache sees */
	struct mount	*v_mountedhere;	/* VDIR: mount covering this dir */
	dev_t		v_rdev;		/* VBLK, VCHR: device number */
	struct blkdev	*v_blkdev;	/* VBLK opened for a mount */

	/* Vnode cache. */
	LIST_ENTRY(vnode) v_hash;
	TAILQ_ENTRY(vnode) v_freelist;	/* unreferenced, in LRU order */
	TAILQ_ENTRY(vnode) v_mntlist;	/* on v_mount->mnt_vnodes */

	/* Page cache (vfs_page.c). */
	TAILQ_HEAD(, vm_page) v_pages;	/* resident pages */
	uint32_t	v_npages;
	uint32_t	v_ndirty;	/* dirty pages */
	TAILQ_ENTRY(vnode) v_dirtylist;	/* on the dirty list if v_ndirty */
	int64_t		v_ranext;	/* page expected next (read-ahead) */
	uint32_t	v_rawin;	/* read-ahead window, pages */

	/* Buffer cache, for device vnodes (vfs_bio.c). */
	TAILQ_HEAD(, buf) v_dirtyblkhd;	/* delayed-write buffers */
	uint32_t	v_numoutput;
	uint32_t	v_bufrefused;	/* requests refused: claimed twice */
};

/* v_vflag */
#define VV_ROOT		0x0001	/* root of its file system */
#define VV_RECLAIMED	0x0002	/* being or been reclaimed */
#define VV_NOCACHE	0x0004	/* reclaim at once when unreferenced */

/* vnode cache and reference counting (vfs_vnode.c) */
int	vcache_get(struct mount *, ino_t, struct vnode **);
int	vcache_rekey(struct vnode *, ino_t);
void	vref(struct vnode *);
void	vrele(struct vnode *);
void	vgone(struct vnode *);
void	vcache_trim(void);
int	vflush(struct mount *, bool);
int	vfs_vnode_init(void);
void	vfs_vnode_fini(void);
uint32_t vcache_count(void);
uint64_t vcache_idlebytes(void);

/* Calls through the operations table. */
#define VOP_LOOKUP(dvp, n, l, vpp)	((dvp)->v_op->vop_lookup(dvp, n, l, vpp))
#define VOP_CREATE(dvp, n, l, va, vpp)	((dvp)->v_op->vop_create(dvp, n, l, va, vpp))
#define VOP_MKDIR(dvp, n, l, va, vpp)	((dvp)->v_op->vop_mkdir(dvp, n, l, va, vpp))
#define VOP_SYMLINK(dvp, n, l, va, t, vpp) \
	((dvp)->v_op->vop_symlink(dvp, n, l, va, t, vpp))
#define VOP_LINK(dvp, vp, n, l)		((dvp)->v_op->vop_link(dvp, vp, n, l))
#define VOP_REMOVE(dvp, vp, n, l)	((dvp)->v_op->vop_remove(dvp, vp, n, l))
#define VOP_RMDIR(dvp, vp, n, l)	((dvp)->v_op->vop_rmdir(dvp, vp, n, l))
#define VOP_RENAME(fdvp, fvp, fn, fl, tdvp, tvp, tn, tl) \
	((fdvp)->v_op->vop_rename(fdvp, fvp, fn, fl, tdvp, tvp, tn, tl))
#define VOP_GETATTR(vp, va)		((vp)->v_op->vop_getattr(vp, va))
#define VOP_SETATTR(vp, va)		((vp)->v_op->vop_setattr(vp, va))
#define VOP_READ(vp, uio, f)		((vp)->v_op->vop_read(vp, uio, f))
#define VOP_WRITE(vp, uio, f)		((vp)->v_op->vop_write(vp, uio, f))
#define VOP_READDIR(vp, uio, eof)	((vp)->v_op->vop_readdir(vp, uio, eof))
#define VOP_READLINK(vp, uio)		((vp)->v_op->vop_readlink(vp, uio))
#define VOP_FSYNC(vp, f)		((vp)->v_op->vop_fsync(vp, f))
#define VOP_INACTIVE(vp)		((vp)->v_op->vop_inactive(vp))
#define VOP_RECLAIM(vp)			((vp)->v_op->vop_reclaim(vp))
#define VOP_BMAP(vp, lbn, pbn, run)	((vp)->v_op->vop_bmap(vp, lbn, pbn, run))

/* Generic helpers (vfs_vnops.c). */
enum vtype vtype_from_mode(mode_t);
mode_t	vtype_to_ifmt(enum vtype);
uint8_t	vtype_to_dt(enum vtype);
int	vfs_dirent_put(struct uio *, ino_t, const char *, size_t, uint8_t,
	    bool *);
int	vfs_checkopts(const char *, const char *const *);
int	vfs_getopt(const char *, const char *, char *, size_t);
int	vn_seekhole(struct vnode *, off_t, bool, off_t *);

#endif /* !_KERN_SYS_VNODE_H_ */
