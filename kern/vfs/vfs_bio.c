/*
 * vfs_bio.c: the buffer cache (see buf.h for the interface).
 *
 * Buffers live in one hash table keyed by (device vnode, block number).
 * A buffer that nobody holds is on the LRU queue, dirty or not; a dirty
 * (delayed-write) buffer is also on its device vnode's dirty list.  The
 * cache keeps at most buf_budget bytes: getblk() evicts from the LRU head,
 * writing dirty buffers first, before growing past it.  The kernel memory
 * allocator's reclaim hook only drops clean buffers, since it may not do
 * I/O.
 *
 * No two cached buffers of a device overlap: a request for bytes that
 * another buffer holds, at another block number or with another size,
 * first writes that buffer (if dirty) and drops it, so every byte has one
 * copy in the cache.  The kernel is single-threaded under the kernel
 * lock, so a buffer that is busy when getblk() needs those bytes means
 * the caller holds it already: on a corrupt file system, the same block
 * claimed twice (an indirect block listing itself, a directory block that
 * is also another file's indirect block).  That is EIO with a console
 * message, never an assertion: the block numbers come from the disk.
 * binval() of a busy buffer marks it to be dropped when it is released.
 */
#include "../sys/param.h"
#include "../sys/buf.h"
#include "../sys/kmem.h"
#include "../sys/queue.h"
#include "../sys/systm.h"
#include "../sys/vnode.h"
#include "../dev/blk.h"

#define BUF_NBUCKETS	4096
#define BUF_DEFBUDGET	(16 * 1024 * 1024)

LIST_HEAD(bufhash, buf);
TAILQ_HEAD(bufq, buf);

static struct {
	struct bufhash	*hash;
	struct bufq	lru;
	uint64_t	bytes;		/* data bytes cached */
	uint64_t	budget;
	daddr_t		maxblks;	/* DEV_BSIZE units of the largest */
	struct bufstats	stats;
} bc;

static size_t buf_reclaim(size_t);

int
bufinit(void)
{
	uint64_t lim;

	bc.hash = kmem_zalloc(BUF_NBUCKETS * sizeof(*bc.hash));
	if (bc.hash == NULL)
		return ENOMEM;
	TAILQ_INIT(&bc.lru);
	bc.bytes = 0;
	memset(&bc.stats, 0, sizeof(bc.stats));
	lim = kmem_limit();
	bc.budget = lim != 0 ? MAX(lim / 4, 256 * 1024) : BUF_DEFBUDGET;
	kmem_reclaim_register(buf_reclaim);
	return 0;
}

void
buffini(void)
{
	KASSERTMSG(bc.bytes == 0 && TAILQ_EMPTY(&bc.lru),
	    "buffini: %llu bytes still cached", (unsigned long long)bc.bytes);
	kmem_free(bc.hash, BUF_NBUCKETS * sizeof(*bc.hash));
	bc.hash = NULL;
}

static struct bufhash *
bufhash(const struct vnode *vp, daddr_t blkno)
{
	uint64_t h = (uint64_t)(uintptr_t)vp ^ ((uint64_t)blkno *
	    0x9e3779b97f4a7c15ULL);

	return &bc.hash[(h ^ (h >> 31)) & (BUF_NBUCKETS - 1)];
}

static struct buf *
incore(const struct vnode *vp, daddr_t blkno)
{
	struct buf *bp;

	LIST_FOREACH(bp, bufhash(vp, blkno), b_hash)
		if (bp->b_vp == vp && bp->b_blkno == blkno)
			return bp;
	return NULL;
}

/*
 * A cached buffer of vp that shares bytes with [blkno, blkno + nblks)
 * (DEV_BSIZE units) without starting at blkno, or NULL.
 */
static struct buf *
overlapping(const struct vnode *vp, daddr_t blkno, daddr_t nblks)
{
	struct buf *bp;
	daddr_t b;

	for (b = blkno - bc.maxblks + 1; b < blkno + nblks; b++) {
		if (b == blkno || (bp = incore(vp, b)) == NULL)
			continue;
		if (b + bp->b_bcount / DEV_BSIZE > blkno)
			return bp;
	}
	return NULL;
}

/*
 * Refuse a request for bytes a busy buffer holds.  The device vnode
 * counts the refusals, so that the file system, whose operation may have
 * been cut short half done, is not marked clean (vfs_finish).
 */
static int
claimed_twice(struct buf *bp, daddr_t blkno, int size)
{
	bp->b_vp->v_bufrefused++;
	kprintf("vfs: block %lld (%d bytes) is needed while block %lld (%d "
	    "bytes), which overlaps it, is in use: a block used twice on a "
	    "corrupt file system\n", (long long)blkno, size,
	    (long long)bp->b_blkno, bp->b_bcount);
	return EIO;
}

/* Free a buffer that is off the LRU queue. */
static void
buf_free(struct buf *bp)
{
	if (bp->b_flags & B_DELWRI)
		TAILQ_REMOVE(&bp->b_vp->v_dirtyblkhd, bp, b_vnbufs);
	LIST_REMOVE(bp, b_hash);
	bc.bytes -= (uint64_t)bp->b_bcount;
	kmem_free(bp->b_data, (size_t)bp->b_bcount);
	kmem_free(bp, sizeof(*bp));
}

static int
buf_io(struct buf *bp, int rw)
{
	struct blkdev *bd = bp->b_vp->v_blkdev;
	size_t done = 0;
	int error;

	KASSERT(bd != NULL);
	if (rw == BLK_READ)
		error = blk_read(bd, (uint64_t)bp->b_blkno << DEV_BSHIFT,
		    bp->b_data, (size_t)bp->b_bcount, &done);
	else
		error = blk_write(bd, (uint64_t)bp->b_blkno << DEV_BSHIFT,
		    bp->b_data, (size_t)bp->b_bcount, 0, &done);
	if (error == 0 && done != (size_t)bp->b_bcount)
		error = EIO;	/* past the end of the device */
	return error;
}

/* Write a delayed-write buffer that is off the LRU queue, keep it clean. */
static int
buf_writeout(struct buf *bp)
{
	int error;

	error = buf_io(bp, BLK_WRITE);
	bc.stats.bs_writes++;
	TAILQ_REMOVE(&bp->b_vp->v_dirtyblkhd, bp, b_vnbufs);
	bp->b_flags &= ~B_DELWRI;
	if (error != 0) {
		bp->b_flags |= B_ERROR;
		bp->b_error = error;
	}
	return error;
}

/*
 * Evict LRU buffers until `need' more bytes fit in the budget.  A dirty
 * buffer that cannot be written is lost with it; nobody is waiting for
 * it, so it is said on the console, and the device's error count (which
 * the VFS compares at unmount, vfs_finish) makes the unmount fail and the
 * command's changes be discarded, or not vouched for by the clean flag.
 */
static void
buf_evict(uint64_t need)
{
	struct buf *bp;
	int error;

	while (bc.bytes + need > bc.budget &&
	    (bp = TAILQ_FIRST(&bc.lru)) != NULL) {
		TAILQ_REMOVE(&bc.lru, bp, b_lru);
		if ((bp->b_flags & B_DELWRI) &&
		    (error = buf_writeout(bp)) != 0)
			kprintf("vfs: lost a metadata block (%d bytes at block "
			    "%lld) written back at eviction (error %d)\n",
			    bp->b_bcount, (long long)bp->b_blkno, error);
		buf_free(bp);
	}
}

/* kmem reclaim hook: drop clean, unheld buffers; no I/O. */
static size_t
buf_reclaim(size_t want)
{
	struct buf *bp, *nbp;
	size_t got = 0;

	if (bc.hash == NULL)
		return 0;
	TAILQ_FOREACH_SAFE(bp, &bc.lru, b_lru, nbp) {
		if (got >= want)
			break;
		if (bp->b_flags & B_DELWRI)
			continue;
		TAILQ_REMOVE(&bc.lru, bp, b_lru);
		got += (size_t)bp->b_bcount + sizeof(*bp);
		buf_free(bp);
	}
	return got;
}

/*
 * Make room for a new buffer of nblks at blkno: write back (if dirty) and
 * drop every other buffer that shares bytes with it.  EIO if one is busy.
 */
static int
buf_unalias(struct vnode *vp, daddr_t blkno, int size)
{
	struct buf *bp;
	int error;

	while ((bp = overlapping(vp, blkno, size / DEV_BSIZE)) != NULL) {
		if (bp->b_flags & B_BUSY)
			return claimed_twice(bp, blkno, size);
		TAILQ_REMOVE(&bc.lru, bp, b_lru);
		error = (bp->b_flags & B_DELWRI) ? buf_writeout(bp) : 0;
		buf_free(bp);
		if (error != 0)
			return error;
	}
	return 0;
}

/*
 * Return the buffer for `size' bytes at blkno of device vnode vp, busy.
 * B_DONE tells whether its contents are valid.  The size and the block
 * come from file systems that read them from the disk, so a bad one is
 * an error, not an assertion.
 */
int
getblk(struct vnode *vp, daddr_t blkno, int size, struct buf **bpp)
{
	struct buf *bp;
	int error;

	if (size <= 0 || size > MAXPHYS || size % DEV_BSIZE != 0 ||
	    blkno < 0) {
		kprintf("vfs: no buffer of %d bytes at block %lld (at most "
		    "%d bytes, whole sectors)\n", size, (long long)blkno,
		    MAXPHYS);
		return EINVAL;
	}
	if ((bp = incore(vp, blkno)) != NULL) {
		if (bp->b_flags & B_BUSY)
			return claimed_twice(bp, blkno, size);
		TAILQ_REMOVE(&bc.lru, bp, b_lru);
		if (bp->b_bcount == size) {
			bp->b_flags |= B_BUSY;
			bc.stats.bs_hits++;
			*bpp = bp;
			return 0;
		}
		/* Same block, other size: write the old one and replace. */
		error = (bp->b_flags & B_DELWRI) ? buf_writeout(bp) : 0;
		buf_free(bp);
		if (error != 0)
			return error;
	}
	if ((error = buf_unalias(vp, blkno, size)) != 0)
		return error;
	bc.stats.bs_misses++;
	buf_evict((uint64_t)size);
	if ((bp = kmem_zalloc(sizeof(*bp))) == NULL)
		return ENOMEM;
	if ((bp->b_data = kmem_alloc((size_t)size)) == NULL) {
		kmem_free(bp, sizeof(*bp));
		return ENOMEM;
	}
	bp->b_vp = vp;
	bp->b_blkno = blkno;
	bp->b_bcount = size;
	bp->b_flags = B_BUSY;
	LIST_INSERT_HEAD(bufhash(vp, blkno), bp, b_hash);
	bc.bytes += (uint64_t)size;
	bc.maxblks = MAX(bc.maxblks, (daddr_t)(size / DEV_BSIZE));
	*bpp = bp;
	return 0;
}

/*
 * Read a block through the cache.  On error nothing is returned and the
 * buffer is gone.
 */
int
bread(struct vnode *vp, daddr_t blkno, int size, struct buf **bpp)
{
	struct buf *bp;
	int error;

	if ((error = getblk(vp, blkno, size, &bp)) != 0)
		return error;
	if ((bp->b_flags & B_DONE) == 0) {
		bp->b_flags &= ~B_VERIFIED;
		if ((error = buf_io(bp, BLK_READ)) != 0) {
			brelse(bp, BC_INVAL);
			return error;
		}
		bp->b_flags |= B_DONE;
	}
	*bpp = bp;
	return 0;
}

/* Give a busy buffer back to the cache (or drop it). */
void
brelse(struct buf *bp, int flags)
{
	KASSERT(bp->b_flags & B_BUSY);
	if ((flags & BC_INVAL) || (bp->b_flags & (B_INVAL | B_ERROR)) ||
	    (bp->b_flags & (B_DONE | B_DELWRI)) == 0) {
		buf_free(bp);
		return;
	}
	bp->b_flags &= ~B_BUSY;
	TAILQ_INSERT_TAIL(&bc.lru, bp, b_lru);
}

/* Write a busy buffer now and release it. */
int
bwrite(struct buf *bp)
{
	int error;

	KASSERT(bp->b_flags & B_BUSY);
	if ((bp->b_flags & B_DELWRI) == 0) {
		bp->b_flags |= B_DELWRI;
		TAILQ_INSERT_TAIL(&bp->b_vp->v_dirtyblkhd, bp, b_vnbufs);
	}
	error = buf_writeout(bp);
	bp->b_flags |= B_DONE;
	brelse(bp, 0);
	return error;
}

/* Mark a busy buffer dirty and release it; it is written later. */
void
bdwrite(struct buf *bp)
{
	KASSERT(bp->b_flags & B_BUSY);
	if ((bp->b_flags & B_DELWRI) == 0) {
		bp->b_flags |= B_DELWRI;
		TAILQ_INSERT_TAIL(&bp->b_vp->v_dirtyblkhd, bp, b_vnbufs);
	}
	bp->b_flags |= B_DONE;
	brelse(bp, 0);
}

static int
buf_cmp(const void *a, const void *b)
{
	const struct buf *x = *(struct buf *const *)a;
	const struct buf *y = *(struct buf *const *)b;

	return x->b_blkno < y->b_blkno ? -1 : x->b_blkno > y->b_blkno;
}

/*
 * Write every delayed-write buffer of device vnode vp, in block order.
 * Returns the first error; the other buffers are still written.
 */
int
bflush(struct vnode *vp)
{
	struct buf *bp, **v;
	size_t n = 0, i;
	int error = 0, e;

	TAILQ_FOREACH(bp, &vp->v_dirtyblkhd, b_vnbufs)
		n++;
	if (n == 0)
		return 0;
	if ((v = kmem_alloc(n * sizeof(*v))) == NULL) {
		/* No memory to sort: write in list order. */
		while ((bp = TAILQ_FIRST(&vp->v_dirtyblkhd)) != NULL) {
			KASSERT((bp->b_flags & B_BUSY) == 0);
			e = buf_writeout(bp);
			error = error != 0 ? error : e;
			if (e != 0) {
				TAILQ_REMOVE(&bc.lru, bp, b_lru);
				buf_free(bp);
			}
		}
		return error;
	}
	i = 0;
	TAILQ_FOREACH(bp, &vp->v_dirtyblkhd, b_vnbufs)
		v[i++] = bp;
	ksort(v, n, sizeof(*v), buf_cmp);
	for (i = 0; i < n; i++) {
		KASSERT((v[i]->b_flags & B_BUSY) == 0);
		e = buf_writeout(v[i]);
		error = error != 0 ? error : e;
		if (e != 0) {
			TAILQ_REMOVE(&bc.lru, v[i], b_lru);
			buf_free(v[i]);
		}
	}
	kmem_free(v, n * sizeof(*v));
	return error;
}

/* Is a buffer sharing bytes with [blkno, blkno + size) in use now? */
bool
binuse(const struct vnode *vp, daddr_t blkno, int size)
{
	daddr_t b, end = blkno + howmany(size, DEV_BSIZE);
	struct buf *bp;

	for (b = blkno - bc.maxblks + 1; b < end; b++) {
		bp = incore(vp, b);
		if (bp != NULL && (bp->b_flags & B_BUSY) &&
		    b + bp->b_bcount / DEV_BSIZE > blkno)
			return true;
	}
	return false;
}

/*
 * Forget any cached buffer that starts inside [blkno, blkno + size) of
 * device vnode vp, dirty or not: the blocks were freed and may be reused
 * as file data.  A buffer in use is marked to be dropped when it is
 * released (FFS checks binuse() before freeing).
 */
void
binval(struct vnode *vp, daddr_t blkno, int size)
{
	struct buf *bp;
	daddr_t b, end = blkno + howmany(size, DEV_BSIZE);

	for (b = blkno; b < end; b++) {
		if ((bp = incore(vp, b)) == NULL)
			continue;
		if (bp->b_flags & B_BUSY) {
			/* Held by the caller: dropped when it is released. */
			bp->b_flags |= B_INVAL;
			continue;
		}
		TAILQ_REMOVE(&bc.lru, bp, b_lru);
		buf_free(bp);
	}
}

/* Drop every buffer of device vnode vp (after bflush, at unmount). */
void
binvalall(struct vnode *vp)
{
	struct buf *bp, *nbp;
	int i;

	for (i = 0; i < BUF_NBUCKETS; i++) {
		LIST_FOREACH_SAFE(bp, &bc.hash[i], b_hash, nbp) {
			if (bp->b_vp != vp)
				continue;
			KASSERT((bp->b_flags & B_BUSY) == 0);
			TAILQ_REMOVE(&bc.lru, bp, b_lru);
			buf_free(bp);
		}
	}
}

/*
 * The file system on device vnode vp allocated (bnote_alloc) or freed
 * (bnote_free) size bytes at blkno.  The device's journal uses this to
 * write new file data in place (see kern/dev/jrnl.c, ordered mode); a
 * file system that does not report its allocations and frees only loses
 * that optimisation, but one that reports allocations must report every
 * free.
 */
void
bnote_alloc(struct vnode *vp, daddr_t blkno, int64_t size)
{
	if (vp->v_blkdev != NULL && blkno >= 0 && size > 0)
		blk_txn_alloc(vp->v_blkdev, (uint64_t)blkno << DEV_BSHIFT,
		    (uint64_t)size);
}

void
bnote_free(struct vnode *vp, daddr_t blkno, int64_t size)
{
	if (vp->v_blkdev != NULL && blkno >= 0 && size > 0)
		blk_txn_free(vp->v_blkdev, (uint64_t)blkno << DEV_BSHIFT,
		    (uint64_t)size);
}

void
buf_getstats(struct bufstats *bs)
{
	*bs = bc.stats;
	bs->bs_bytes = bc.bytes;
}
