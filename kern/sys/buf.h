/*
 * buf.h: the buffer cache, for file system metadata (superblocks, cylinder
 * groups, inode blocks, indirect blocks, directory blocks).  File data goes
 * through the page cache instead (genfs.h).
 *
 * A buffer caches DEV_BSIZE-aligned bytes of a device vnode, keyed by
 * (device vnode, block number).  getblk()/bread() return it busy (owned by
 * the caller); brelse() returns it to the cache; bwrite() writes it now;
 * bdwrite() marks it for a later write (on bflush(), eviction, unmount).
 * Asking for bytes another buffer holds (same block, other size, or
 * overlapping) writes that buffer if it is dirty and replaces it; if it is
 * busy, the request fails with EIO (a block claimed twice on a corrupt
 * file system).  binuse() says whether a range is held by anyone.  The cache is bounded (a share of
 * RUMP_MEMLIMIT, or 16 MiB) and evicts clean buffers in LRU order; under
 * pressure the kernel memory allocator reclaims clean buffers too.
 */
#ifndef _KERN_SYS_BUF_H_
#define _KERN_SYS_BUF_H_

#include "param.h"
#include "queue.h"

struct vnode;

struct buf {
	LIST_ENTRY(buf)	b_hash;		/* (b_vp, b_blkno) hash chain */
	TAILQ_ENTRY(buf) b_lru;		/* clean or dirty, not busy */
	TAILQ_ENTRY(buf) b_vnbufs;	/* b_vp->v_dirtyblkhd if B_DELWRI */
	struct vnode	*b_vp;		/* device vnode */
	daddr_t		b_blkno;	/* DEV_BSIZE units */
	int		b_bcount;	/* bytes */
	uint32_t	b_flags;	/* B_* */
	int		b_error;
	void		*b_data;
};

/* b_flags */
#define B_BUSY		0x0001	/* owned by a caller */
#define B_DONE		0x0002	/* contents valid */
#define B_DELWRI	0x0004	/* must be written before reuse */
#define B_INVAL		0x0008	/* discard on release */
#define B_ERROR		0x0010	/* I/O error in b_error */
#define B_VERIFIED	0x0020	/* the file system checked the contents;
				   a buffer read anew never has it */

/* brelse() flags */
#define BC_INVAL	0x01	/* forget the contents */

int	bread(struct vnode *, daddr_t, int, struct buf **);
int	getblk(struct vnode *, daddr_t, int, struct buf **);
void	brelse(struct buf *, int);
int	bwrite(struct buf *);
void	bdwrite(struct buf *);
int	bflush(struct vnode *);
void	binval(struct vnode *, daddr_t, int);
bool	binuse(const struct vnode *, daddr_t, int);
void	binvalall(struct vnode *);
void	bnote_alloc(struct vnode *, daddr_t, int64_t);
void	bnote_free(struct vnode *, daddr_t, int64_t);
int	bufinit(void);
void	buffini(void);

struct bufstats {
	uint64_t	bs_hits;
	uint64_t	bs_misses;
	uint64_t	bs_writes;
	uint64_t	bs_bytes;	/* cached now */
};
void	buf_getstats(struct bufstats *);

#endif /* !_KERN_SYS_BUF_H_ */
