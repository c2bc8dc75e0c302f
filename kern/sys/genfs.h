/*
 * genfs.h: the page cache and generic vnode operations shared by file
 * systems.
 *
 * The page cache holds file data in PAGE_SIZE pages, per vnode, indexed by
 * file offset.  genfs_read() fills missing pages from the device through
 * VOP_BMAP (holes read as zeros, bytes past end of file are zero and never
 * read from the device), with read-ahead that grows while reads are
 * sequential.  genfs_write() allocates with the file system's gop_alloc,
 * copies into pages and marks them dirty; dirty pages are written in
 * contiguous clusters by genfs_putpages() (on fsync, sync, unmount,
 * reclaim, and when dirty data passes a share of the page budget).
 * Clean pages are kept in LRU order and dropped when the page budget (a
 * share of RUMP_MEMLIMIT, or 32 MiB) is reached or kernel memory runs
 * short.
 */
#ifndef _KERN_SYS_GENFS_H_
#define _KERN_SYS_GENFS_H_

#include "param.h"
#include "queue.h"
#include "uio.h"
#include "vnode.h"

/* genfs_putpages() flags */
#define PGO_CLEANIT	0x01	/* write dirty pages */
#define PGO_FREE	0x02	/* drop the pages afterwards */
#define PGO_SYNC	0x04	/* make the writes durable */

int	genfs_read(struct vnode *, struct uio *, int);
int	genfs_write(struct vnode *, struct uio *, int);
int	genfs_putpages(struct vnode *, off_t, off_t, int);
int	genfs_truncate(struct vnode *, off_t);
int	vfs_page_init(void);
void	vfs_page_fini(void);

struct pagestats {
	uint64_t	ps_hits;	/* pages found resident */
	uint64_t	ps_reads;	/* pages read from the device */
	uint64_t	ps_zeroed;	/* hole or past-EOF pages */
	uint64_t	ps_direct;	/* pages read around the cache */
	uint64_t	ps_written;	/* pages written to the device */
	uint64_t	ps_reclaimed;	/* clean pages dropped for memory */
	uint64_t	ps_resident;	/* pages resident now */
	uint64_t	ps_peak;	/* most pages resident at once */
	uint64_t	ps_idlebytes;	/* free page buffers, hash growth */
};
void	page_getstats(struct pagestats *);

/*
 * Typed defaults for vnodeops slots: the write operations of a read-only
 * file system (EROFS), operations a node type does not support
 * (EOPNOTSUPP, or EINVAL for readlink of a non-link as POSIX wants), and
 * no-ops.
 */
int	genfs_ro_create(struct vnode *, const char *, size_t,
	    const struct vattr *, struct vnode **);
int	genfs_ro_symlink(struct vnode *, const char *, size_t,
	    const struct vattr *, const char *, struct vnode **);
int	genfs_ro_link(struct vnode *, struct vnode *, const char *, size_t);
int	genfs_ro_rename(struct vnode *, struct vnode *, const char *, size_t,
	    struct vnode *, struct vnode *, const char *, size_t);
int	genfs_ro_setattr(struct vnode *, const struct vattr *);
int	genfs_ro_write(struct vnode *, struct uio *, int);
int	genfs_notdir_lookup(struct vnode *, const char *, size_t,
	    struct vnode **);
int	genfs_notdir_readdir(struct vnode *, struct uio *, bool *);
int	genfs_notlnk_readlink(struct vnode *, struct uio *);
int	genfs_nobmap(struct vnode *, daddr_t, daddr_t *, int *);
int	genfs_nop_fsync(struct vnode *, int);
int	genfs_nop_inactive(struct vnode *);
int	genfs_nop_reclaim(struct vnode *);
#define genfs_ro_mkdir	genfs_ro_create
#define genfs_ro_remove	genfs_ro_link
#define genfs_ro_rmdir	genfs_ro_link

#endif /* !_KERN_SYS_GENFS_H_ */
