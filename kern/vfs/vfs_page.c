/*
 * vfs_page.c: the page cache and the generic read/write paths (genfs).
 *
 * Pages.  A vm_page holds PAGE_SIZE bytes of one vnode's file data at
 * index pg_index (file offset / PAGE_SIZE).  It is found through one hash
 * table keyed by (vnode, index), and is on its vnode's v_pages list.
 * Flags: PG_VALID (contents loaded), PG_DIRTY (to be written), PG_BUSY
 * (in use by the running operation; the reclaim hook and eviction leave
 * it alone).  A page that is valid, clean and not busy is on the LRU
 * queue and may be dropped at any time.
 *
 * Budget.  At most page_budget bytes are resident (half of RUMP_MEMLIMIT,
 * or 32 MiB).  Allocating a page past the budget first drops clean LRU
 * pages.  Dirty pages are written back by genfs_write() itself once the
 * dirty total passes half the budget, and by genfs_putpages() on fsync,
 * sync, truncate and reclaim.  The kmem reclaim hook drops clean pages
 * only: it may not do I/O.
 *
 * Reading.  getpages() allocates the missing pages of a run, maps each file
 * system block with VOP_BMAP, and reads contiguous device extents with one
 * vectored block-device request each.  Holes and bytes past end of file
 * are zero and never read.  The device is read in whole sectors, so the
 * sector holding the end of file is read whole, but its bytes past the end
 * are zeroed afterwards: they may be stale data that a truncation left on
 * the disk, and must read as zeros when the file grows again.  While reads
 * are sequential (the next page asked for is v_ranext), the read-ahead
 * window doubles up to 1 MiB.
 *
 * Writing.  A write that changes the allocation of a file system block
 * (filling a hole, or touching the last block or beyond) first makes the
 * whole block resident, then lets the file system allocate (gop_alloc,
 * which may move a partial last block), then dirties the whole block, so
 * that every byte of a newly allocated or moved block is written from the
 * cache.  Overwrites of allocated blocks skip all of that.
 */
#include "../sys/param.h"
#include "../sys/genfs.h"
#include "../sys/kmem.h"
#include "../sys/mount.h"
#include "../sys/queue.h"
#include "../sys/systm.h"
#include "../sys/uio.h"
#include "../sys/vnode.h"
#include "../dev/blk.h"

#define PG_VALID	0x01
#define PG_DIRTY	0x02
#define PG_BUSY		0x04

#define PAGE_DEFBUDGET	(32 * 1024 * 1024)
#define RA_MIN		8			/* pages */
#define RA_MAX		(MAXPHYS / PAGE_SIZE)	/* pages */
#define IOV_BATCH	64
#define BULK_MIN	(32 * 1024)	/* pread/pwrite from this size */
#define FREEBUF_MAX	512		/* recycled page buffers kept */
#define PAGE_MINBUCKETS	1024		/* hash table size at boot */
#define DIRECT_MIN	(64 * 1024)	/* smallest direct read */
#define DIRTY_MAX	2048		/* pages (8 MiB) dirty at most */

struct vm_page {
	LIST_ENTRY(vm_page) pg_hash;
	TAILQ_ENTRY(vm_page) pg_listq;	/* pg_vp->v_pages */
	TAILQ_ENTRY(vm_page) pg_lru;	/* valid, clean, not busy */
	struct vnode	*pg_vp;
	int64_t		pg_index;
	uint32_t	pg_flags;
	uint8_t		*pg_data;
};

LIST_HEAD(pagehash, vm_page);
TAILQ_HEAD(pageq, vm_page);
TAILQ_HEAD(dirtyvq, vnode);

/* A free page buffer, kept for reuse. */
struct pagebuf {
	struct pagebuf	*pb_next;
};

static struct {
	struct pagehash	*hash;
	struct pagebuf	*freebufs;	/* recycled page data */
	uint32_t	nfreebufs;
	uint32_t	nbuckets;
	struct pageq	lru;
	struct dirtyvq	dirtyvnodes;	/* vnodes with dirty pages, oldest first */
	uint64_t	resident;	/* pages */
	uint64_t	ndirty;		/* pages */
	uint64_t	budget;		/* pages */
	struct pagestats stats;
} pc;

static size_t page_reclaim(size_t);
static size_t pagebuf_drain(size_t);
static void vnode_cleaner(struct vnode *);

int
vfs_page_init(void)
{
	uint64_t lim = kmem_limit();

	pc.nbuckets = PAGE_MINBUCKETS;
	pc.hash = kmem_zalloc(pc.nbuckets * sizeof(*pc.hash));
	if (pc.hash == NULL)
		return ENOMEM;
	TAILQ_INIT(&pc.lru);
	TAILQ_INIT(&pc.dirtyvnodes);
	pc.resident = pc.ndirty = 0;
	pc.budget = (lim != 0 ? MAX(lim / 2, 256 * 1024) : PAGE_DEFBUDGET) /
	    PAGE_SIZE;
	memset(&pc.stats, 0, sizeof(pc.stats));
	kmem_reclaim_register(page_reclaim);
	return 0;
}

void
vfs_page_fini(void)
{
	KASSERTMSG(pc.resident == 0, "vfs_page_fini: %llu pages resident",
	    (unsigned long long)pc.resident);
	(void)pagebuf_drain(SIZE_MAX);
	kmem_free(pc.hash, pc.nbuckets * sizeof(*pc.hash));
	pc.hash = NULL;
}

static struct pagehash *
pagehash(const struct vnode *vp, int64_t idx)
{
	uint64_t h = (uint64_t)(uintptr_t)vp * 0x9e3779b97f4a7c15ULL ^
	    (uint64_t)idx * 0xc2b2ae3d27d4eb4fULL;

	return &pc.hash[(h ^ (h >> 32)) & (pc.nbuckets - 1)];
}

static struct vm_page *
page_lookup(const struct vnode *vp, int64_t idx)
{
	struct vm_page *pg;

	LIST_FOREACH(pg, pagehash(vp, idx), pg_hash)
		if (pg->pg_vp == vp && pg->pg_index == idx)
			return pg;
	return NULL;
}

/* Grow the hash table with the number of pages; failure is harmless. */
static void
page_hashgrow(void)
{
	struct pagehash *nh, *oh = pc.hash;
	uint32_t i, on = pc.nbuckets;
	struct vm_page *pg;

	if (pc.resident <= 2 * (uint64_t)on || on >= (1u << 22))
		return;
	if ((nh = kmem_zalloc(2 * on * sizeof(*nh))) == NULL)
		return;
	pc.hash = nh;
	pc.nbuckets = 2 * on;
	for (i = 0; i < on; i++) {
		while ((pg = LIST_FIRST(&oh[i])) != NULL) {
			LIST_REMOVE(pg, pg_hash);
			LIST_INSERT_HEAD(pagehash(pg->pg_vp, pg->pg_index),
			    pg, pg_hash);
		}
	}
	kmem_free(oh, on * sizeof(*oh));
}

/*
 * Page data buffers are recycled: a streaming read frees and allocates a
 * page for every 4 KiB it moves, and reusing recently freed buffers keeps
 * them warm in the CPU cache instead of faulting in fresh memory.
 */
static void *
pagebuf_alloc(void)
{
	struct pagebuf *pb;

	if ((pb = pc.freebufs) != NULL) {
		pc.freebufs = pb->pb_next;
		pc.nfreebufs--;
		return pb;
	}
	return kmem_alloc(PAGE_SIZE);
}

static void
pagebuf_free(void *p)
{
	struct pagebuf *pb = p;

	if (pc.nfreebufs >= FREEBUF_MAX || pc.hash == NULL) {
		kmem_free(p, PAGE_SIZE);
		return;
	}
	pb->pb_next = pc.freebufs;
	pc.freebufs = pb;
	pc.nfreebufs++;
}

static size_t
pagebuf_drain(size_t want)
{
	struct pagebuf *pb;
	size_t got = 0;

	while (got < want && (pb = pc.freebufs) != NULL) {
		pc.freebufs = pb->pb_next;
		pc.nfreebufs--;
		kmem_free(pb, PAGE_SIZE);
		got += PAGE_SIZE;
	}
	return got;
}

static bool
page_onlru(const struct vm_page *pg)
{
	return (pg->pg_flags & (PG_VALID | PG_DIRTY | PG_BUSY)) == PG_VALID;
}

static void
page_free(struct vm_page *pg)
{
	struct vnode *vp = pg->pg_vp;

	KASSERT((pg->pg_flags & PG_BUSY) == 0);
	if (page_onlru(pg))
		TAILQ_REMOVE(&pc.lru, pg, pg_lru);
	if (pg->pg_flags & PG_DIRTY)
		vnode_cleaner(vp);
	LIST_REMOVE(pg, pg_hash);
	TAILQ_REMOVE(&vp->v_pages, pg, pg_listq);
	vp->v_npages--;
	pc.resident--;
	pagebuf_free(pg->pg_data);
	kmem_free(pg, sizeof(*pg));
}

/* kmem reclaim hook: drop clean pages nobody uses, oldest first. */
static size_t
page_reclaim(size_t want)
{
	struct vm_page *pg;
	size_t got = 0;

	if (pc.hash == NULL)
		return 0;
	got = pagebuf_drain(want);
	while (got < want && (pg = TAILQ_FIRST(&pc.lru)) != NULL) {
		page_free(pg);
		pc.stats.ps_reclaimed++;
		got += PAGE_SIZE + sizeof(*pg);
	}
	return got;
}

/* Allocate a busy, invalid page for (vp, idx), making room if needed. */
static int
page_alloc(struct vnode *vp, int64_t idx, struct vm_page **pgp)
{
	struct vm_page *pg;

	while (pc.resident >= pc.budget && !TAILQ_EMPTY(&pc.lru)) {
		page_free(TAILQ_FIRST(&pc.lru));
		pc.stats.ps_reclaimed++;
	}
	if ((pg = kmem_alloc(sizeof(*pg))) == NULL)
		return ENOMEM;
	if ((pg->pg_data = pagebuf_alloc()) == NULL) {
		kmem_free(pg, sizeof(*pg));
		return ENOMEM;
	}
	pg->pg_vp = vp;
	pg->pg_index = idx;
	pg->pg_flags = PG_BUSY;
	LIST_INSERT_HEAD(pagehash(vp, idx), pg, pg_hash);
	TAILQ_INSERT_TAIL(&vp->v_pages, pg, pg_listq);
	vp->v_npages++;
	pc.resident++;
	if (pc.resident > pc.stats.ps_peak)
		pc.stats.ps_peak = pc.resident;
	page_hashgrow();
	*pgp = pg;
	return 0;
}

static void
page_busy(struct vm_page *pg)
{
	KASSERT((pg->pg_flags & PG_BUSY) == 0);
	if (page_onlru(pg))
		TAILQ_REMOVE(&pc.lru, pg, pg_lru);
	pg->pg_flags |= PG_BUSY;
}

/* Release a busy page; an invalid one is freed. */
static void
page_unbusy(struct vm_page *pg)
{
	KASSERT(pg->pg_flags & PG_BUSY);
	pg->pg_flags &= ~PG_BUSY;
	if ((pg->pg_flags & PG_VALID) == 0) {
		page_free(pg);
		return;
	}
	if (page_onlru(pg))
		TAILQ_INSERT_TAIL(&pc.lru, pg, pg_lru);
}

static void
vnode_dirtier(struct vnode *vp)
{
	if (vp->v_ndirty++ == 0)
		TAILQ_INSERT_TAIL(&pc.dirtyvnodes, vp, v_dirtylist);
	pc.ndirty++;
}

static void
vnode_cleaner(struct vnode *vp)
{
	KASSERT(vp->v_ndirty > 0);
	if (--vp->v_ndirty == 0)
		TAILQ_REMOVE(&pc.dirtyvnodes, vp, v_dirtylist);
	pc.ndirty--;
}

static void
page_setdirty(struct vm_page *pg)
{
	KASSERT(pg->pg_flags & PG_BUSY);
	if ((pg->pg_flags & PG_DIRTY) == 0) {
		pg->pg_flags |= PG_DIRTY;
		vnode_dirtier(pg->pg_vp);
	}
}

static void
page_setclean(struct vm_page *pg)
{
	KASSERT(pg->pg_flags & PG_BUSY);
	if (pg->pg_flags & PG_DIRTY) {
		pg->pg_flags &= ~PG_DIRTY;
		vnode_cleaner(pg->pg_vp);
	}
}

/*
 * A list of (device offset, memory) segments collected for one vectored
 * block-device request; flushed when it is full or the next segment is
 * not contiguous on the device.
 */
struct pgio {
	struct blkdev	*io_bd;
	int		io_rw;
	uint64_t	io_devoff;	/* of the first segment */
	uint64_t	io_len;
	int		io_cnt;
	struct kiovec	io_iov[IOV_BATCH];
};

static int
pgio_flush(struct pgio *io)
{
	size_t done = 0;
	int error;

	if (io->io_cnt == 0)
		return 0;
	error = blk_rw(io->io_bd, io->io_rw | (io->io_len >= BULK_MIN ?
	    BLK_BULK : 0), io->io_devoff, io->io_iov, io->io_cnt, &done);
	if (error == 0 && done != io->io_len)
		error = EIO;	/* the mapping points past the device */
	io->io_cnt = 0;
	io->io_len = 0;
	return error;
}

static int
pgio_add(struct pgio *io, uint64_t devoff, void *mem, size_t len)
{
	int error;

	if (io->io_cnt > 0 && (io->io_cnt == IOV_BATCH ||
	    io->io_devoff + io->io_len != devoff ||
	    io->io_len + len > MAXPHYS)) {
		if ((error = pgio_flush(io)) != 0)
			return error;
	}
	if (io->io_cnt == 0)
		io->io_devoff = devoff;
	io->io_iov[io->io_cnt].iov_base = mem;
	io->io_iov[io->io_cnt].iov_len = len;
	io->io_cnt++;
	io->io_len += len;
	return 0;
}

/* The device holding vp's data: its own (etfs) or its mount's. */
static struct blkdev *
vnode_blkdev(struct vnode *vp)
{
	struct mount *mp = vp->v_mount;

	if (vp->v_blkdev != NULL)
		return vp->v_blkdev;
	if (mp == NULL || mp->mnt_devvp == NULL)
		return NULL;
	return mp->mnt_devvp->v_blkdev;
}

/*
 * Fill (read) or write the byte range [off, end) of file vp, which lies in
 * the busy pages pgs[0..n) starting at page index first.  Bytes are moved
 * in device sectors: end must already be rounded as the caller wants.
 * Holes read as zeros; a hole met while writing is an error (the file
 * system did not allocate).
 */
static int
pages_io(struct vnode *vp, struct vm_page **pgs, int64_t first, off_t off,
    off_t end, int rw)
{
	struct pgio *io;
	int bshift = vp->v_mount->mnt_bshift;
	off_t bsize = (off_t)1 << bshift, ext, chunk;
	daddr_t lbn, pbn;
	uint64_t devoff;
	int run, error = 0;
	size_t pi, po;

	if ((io = kmem_alloc(sizeof(*io))) == NULL)
		return ENOMEM;
	io->io_bd = vnode_blkdev(vp);
	io->io_rw = rw;
	io->io_cnt = 0;
	io->io_len = 0;
	KASSERT(io->io_bd != NULL);
	while (off < end) {
		lbn = off >> bshift;
		if ((error = VOP_BMAP(vp, lbn, &pbn, &run)) != 0)
			break;
		ext = MIN(end, (lbn + 1 + (off_t)MAX(run, 0)) << bshift);
		if (pbn == BMAP_HOLE && rw != BLK_READ) {
			/*
			 * With blocks smaller than a page, a dirty page may
			 * span holes nobody wrote into (writing gives a block
			 * storage first): their bytes are zeros and stay
			 * holes.  A whole-page block must have storage.
			 */
			if (bsize < PAGE_SIZE) {
				off = ext;
				continue;
			}
			kprintf("vfs: inode %llu: no block for offset %lld "
			    "at write-back\n", (unsigned long long)vp->v_key,
			    (long long)off);
			error = EIO;
			break;
		}
		devoff = pbn == BMAP_HOLE ? 0 : ((uint64_t)pbn << DEV_BSHIFT) +
		    (uint64_t)(off & (bsize - 1));
		for (; off < ext; off += chunk, devoff += (uint64_t)chunk) {
			pi = (size_t)((off >> PAGE_SHIFT) - first);
			po = (size_t)(off & PAGE_MASK);
			chunk = MIN(ext - off, (off_t)(PAGE_SIZE - po));
			if (pbn == BMAP_HOLE) {
				memset(pgs[pi]->pg_data + po, 0, (size_t)chunk);
				continue;
			}
			error = pgio_add(io, devoff, pgs[pi]->pg_data + po,
			    (size_t)chunk);
			if (error != 0)
				goto out;
		}
	}
	if (error == 0)
		error = pgio_flush(io);
out:
	kmem_free(io, sizeof(*io));
	return error;
}

/*
 * Read file bytes [off, end) of vp (sector aligned, below EOF) into the
 * flat buffer buf, by block map runs; holes are zero-filled.
 */
static int
direct_io(struct vnode *vp, char *buf, off_t off, off_t end)
{
	int bshift = vp->v_mount->mnt_bshift;
	off_t bmask = ((off_t)1 << bshift) - 1, ext;
	struct kiovec iov;
	daddr_t lbn, pbn;
	size_t done;
	int run, error;

	while (off < end) {
		lbn = off >> bshift;
		if ((error = VOP_BMAP(vp, lbn, &pbn, &run)) != 0)
			return error;
		ext = MIN(end, (lbn + 1 + (off_t)MAX(run, 0)) << bshift);
		ext = MIN(ext, off + MAXPHYS);
		if (pbn == BMAP_HOLE) {
			memset(buf, 0, (size_t)(ext - off));
		} else {
			iov.iov_base = buf;
			iov.iov_len = (size_t)(ext - off);
			error = blk_rw(vnode_blkdev(vp), BLK_READ | BLK_BULK,
			    ((uint64_t)pbn << DEV_BSHIFT) +
			    (uint64_t)(off & bmask), &iov, 1, &done);
			if (error == 0 && done != iov.iov_len)
				error = EIO;
			if (error != 0)
				return error;
		}
		buf += ext - off;
		off = ext;
	}
	return 0;
}

/*
 * The page at file offset start has been read up to file offset end (end
 * of file, or the end of what was read): zero the rest and make it valid.
 */
static void
page_validate(struct vm_page *pg, off_t start, off_t end)
{
	off_t have = MAX(MIN(end - start, (off_t)PAGE_SIZE), 0);

	if (have < PAGE_SIZE)
		memset(pg->pg_data + have, 0, (size_t)(PAGE_SIZE - have));
	pg->pg_flags |= PG_VALID;
}

/*
 * Make pages [idx, idx + n) of vp resident and valid, reading the
 * missing ones one page at a time.  Returns them busy in pgs[] when pgs is
 * not NULL; otherwise leaves them unbusied.  For the few pages of a write;
 * reads use getpages_run().
 */
static int
getpages(struct vnode *vp, int64_t idx, int n, struct vm_page **pgs)
{
	struct vm_page *pg, *local[RA_MAX], **v = pgs != NULL ? pgs : local;
	off_t eof = vp->v_size, start, end;
	int error = 0, k, got;

	KASSERT(n > 0 && n <= RA_MAX);
	for (got = 0; got < n; got++) {
		if ((pg = page_lookup(vp, idx + got)) != NULL) {
			page_busy(pg);
			pc.stats.ps_hits++;
		} else if ((error = page_alloc(vp, idx + got, &pg)) != 0) {
			break;
		}
		v[got] = pg;
	}
	for (k = 0; error == 0 && k < got; k++) {
		if (v[k]->pg_flags & PG_VALID)
			continue;
		start = (idx + k) << PAGE_SHIFT;
		end = MAX(MIN(start + PAGE_SIZE, eof), start);
		if (end > start) {
			error = pages_io(vp, &v[k], idx + k, start,
			    roundup(end, DEV_BSIZE), BLK_READ);
			pc.stats.ps_reads++;
		} else {
			pc.stats.ps_zeroed++;
		}
		if (error == 0)
			page_validate(v[k], start, end);
	}
	if (error != 0 || pgs == NULL) {
		for (k = 0; k < got; k++)
			page_unbusy(v[k]);
	}
	return error;
}

/*
 * As getpages, but reads runs of missing pages with one request per
 * contiguous device extent instead of per page.
 */
static int
getpages_run(struct vnode *vp, int64_t idx, int n)
{
	struct vm_page *v[RA_MAX];
	off_t start, end;
	int error = 0, k, got = 0;

	KASSERT(n > 0 && n <= RA_MAX);
	/* Only the leading run of missing pages is read in one go. */
	for (k = 0; k < n; k++) {
		if (page_lookup(vp, idx + k) != NULL)
			break;
		if ((error = page_alloc(vp, idx + k, &v[k])) != 0)
			break;
		got++;
	}
	if (got == 0)
		return error != 0 ? error : getpages(vp, idx, 1, NULL);
	start = idx << PAGE_SHIFT;
	end = MIN((idx + got) << PAGE_SHIFT, vp->v_size);
	if (end > start)
		error = pages_io(vp, v, idx, start, roundup(end, DEV_BSIZE),
		    BLK_READ);
	for (k = 0; k < got; k++) {
		if (error == 0) {
			page_validate(v[k], (idx + k) << PAGE_SHIFT, end);
			pc.stats.ps_reads++;
		}
		page_unbusy(v[k]);
	}
	return error;
}

/* Read-ahead window for a read at page idx of `want' pages. */
static int
readahead(struct vnode *vp, int64_t idx, int64_t want)
{
	if (idx == vp->v_ranext && vp->v_rawin != 0)
		vp->v_rawin = MIN(vp->v_rawin * 2, RA_MAX);
	else
		vp->v_rawin = RA_MIN;
	return (int)MIN(want + vp->v_rawin, RA_MAX);
}

/*
 * A long sequential read of a file too big to stay cached: pages that
 * have been read are dropped at once, so the stream reuses a few warm
 * buffers instead of pushing everything else out of the cache.
 */
static bool
streaming(const struct vnode *vp)
{
	return vp->v_rawin == RA_MAX &&
	    (uint64_t)vp->v_size > pc.budget * PAGE_SIZE / 4;
}

static void
dropbehind(struct vm_page *pg)
{
	if (page_onlru(pg))
		page_free(pg);
}

/*
 * Direct reads: a large, sector-aligned read into one buffer, of a range
 * that has no page in the cache, goes from the device straight into the
 * caller's buffer.  Streaming a big file then costs one host copy per
 * byte instead of two.  Returns 0 having moved what it could (possibly
 * nothing); the caller reads the rest through the cache.
 */
static int
read_direct(struct vnode *vp, struct uio *uio)
{
	struct kiovec *iov = uio->uio_iov;
	off_t off = uio->uio_offset, end, i;
	int error;

	if (uio->uio_iovcnt != 1 || iov->iov_len != uio->uio_resid ||
	    (off & (DEV_BSIZE - 1)) != 0 || vp->v_ndirty > 0 ||
	    vnode_blkdev(vp) == NULL)
		return 0;
	end = rounddown(MIN(off + (off_t)uio->uio_resid, vp->v_size),
	    DEV_BSIZE);
	if (end - off < DIRECT_MIN)
		return 0;
	for (i = off >> PAGE_SHIFT; i <= (end - 1) >> PAGE_SHIFT; i++)
		if (page_lookup(vp, i) != NULL)
			return 0;
	error = direct_io(vp, iov->iov_base, off, end);
	if (error != 0)
		return error;
	pc.stats.ps_direct += (uint64_t)(end - off) >> PAGE_SHIFT;
	iov->iov_base = (char *)iov->iov_base + (end - off);
	iov->iov_len -= (size_t)(end - off);
	uio->uio_resid -= (size_t)(end - off);
	uio->uio_offset = end;
	vp->v_ranext = end >> PAGE_SHIFT;
	return 0;
}

int
genfs_read(struct vnode *vp, struct uio *uio, int ioflag)
{
	struct vm_page *pg;
	int64_t idx, last;
	off_t off;
	size_t po, n;
	int error = 0, npg;

	if (uio->uio_offset < 0)
		return EINVAL;
	if ((error = read_direct(vp, uio)) != 0)
		return error;
	while (uio->uio_resid > 0 && uio->uio_offset < vp->v_size) {
		off = uio->uio_offset;
		idx = off >> PAGE_SHIFT;
		if ((pg = page_lookup(vp, idx)) == NULL ||
		    (pg->pg_flags & PG_VALID) == 0) {
			last = (MIN(off + (off_t)uio->uio_resid, vp->v_size) -
			    1) >> PAGE_SHIFT;
			npg = readahead(vp, idx, last - idx + 1);
			npg = (int)MIN((int64_t)npg, ((vp->v_size - 1) >>
			    PAGE_SHIFT) - idx + 1);
			if ((error = getpages_run(vp, idx, npg)) != 0)
				break;
			if ((pg = page_lookup(vp, idx)) == NULL)
				continue;	/* reclaimed: try again */
		} else {
			pc.stats.ps_hits++;
		}
		vp->v_ranext = idx + 1;
		po = (size_t)(off & PAGE_MASK);
		n = MIN((size_t)(PAGE_SIZE - po), uio->uio_resid);
		n = (size_t)MIN((off_t)n, vp->v_size - off);
		page_busy(pg);
		error = uiomove(pg->pg_data + po, n, uio);
		page_unbusy(pg);
		if (error != 0)
			break;
		if (po + n == PAGE_SIZE && streaming(vp))
			dropbehind(pg);
	}
	return error;
}

/* Pages of block lbn below `limit', as a page index range. */
static int
block_pages(struct vnode *vp, daddr_t lbn, off_t limit, int64_t *firstp)
{
	int bshift = vp->v_mount->mnt_bshift;
	off_t bstart = (off_t)lbn << bshift;
	off_t bend = MIN(bstart + ((off_t)1 << bshift), MAX(limit, bstart + 1));

	*firstp = bstart >> PAGE_SHIFT;
	return (int)(((bend + PAGE_MASK) >> PAGE_SHIFT) - *firstp);
}

/*
 * Prepare file system block lbn for a write that changes its allocation.
 * The pages of the block (up to the larger of the old size and newend)
 * and, when the file grows past a partial last block, all the pages of
 * that block too (it becomes a whole block, and the bytes past the old
 * end of file must be written as zeros), are made resident and busy;
 * gop_alloc allocates for [off, off + len) and may move or extend the
 * partial block; then all those pages are marked dirty, so every byte of
 * a new, extended or moved block is written from the cache.  If gop_alloc
 * fails, the pages of the old last block are still written: it may have
 * moved before the failure.
 */
static int
write_allocblock(struct vnode *vp, daddr_t lbn, off_t off, size_t len,
    off_t newend)
{
	struct vm_page *pgs[2 * MAXBSIZE / PAGE_SIZE];
	int bshift = vp->v_mount->mnt_bshift;
	off_t osize = vp->v_size, bmask = ((off_t)1 << bshift) - 1;
	daddr_t olast = osize > 0 ? (osize - 1) >> bshift : -1;
	int64_t first;
	int n = 0, nlast = 0, k, m, error = 0;

	if (olast >= 0 && olast < lbn && (osize & bmask) != 0) {
		m = block_pages(vp, olast, newend, &first);
		if ((error = getpages(vp, first, m, pgs)) != 0)
			return error;
		n = nlast = m;
	}
	m = block_pages(vp, lbn, MAX(newend, osize), &first);
	if (n > 0 && first <= pgs[n - 1]->pg_index) {
		/* Both blocks share pages (blocks smaller than a page). */
		k = (int)(pgs[n - 1]->pg_index + 1 - first);
		first += k;
		m -= k;
	}
	KASSERT(n + m <= (int)__arraycount(pgs));
	if (m > 0 && (error = getpages(vp, first, m, pgs + n)) == 0)
		n += m;
	if (error == 0)
		error = vp->v_gop->gop_alloc(vp, off, len);
	for (k = 0; k < n; k++) {
		/* The old last block may have moved even if this failed. */
		if (error == 0 || k < nlast)
			page_setdirty(pgs[k]);
		page_unbusy(pgs[k]);
	}
	return error;
}

/*
 * Does writing [off, off + len) inside block lbn need allocation?  Yes
 * for a hole, and for the block holding the end of file or beyond it
 * (which a file system may keep partial).
 */
static int
write_needalloc(struct vnode *vp, daddr_t lbn, bool *needp)
{
	int bshift = vp->v_mount->mnt_bshift;
	daddr_t pbn;
	int error;

	if (vp->v_size == 0 || lbn >= (vp->v_size - 1) >> bshift) {
		*needp = true;
		return 0;
	}
	if ((error = VOP_BMAP(vp, lbn, &pbn, NULL)) != 0)
		return error;
	*needp = pbn == BMAP_HOLE;
	return 0;
}

/* Copy one piece inside one page and one block into the cache. */
static int
write_page(struct vnode *vp, struct uio *uio, size_t n)
{
	struct vm_page *pg;
	off_t off = uio->uio_offset;
	int64_t idx = off >> PAGE_SHIFT;
	size_t po = (size_t)(off & PAGE_MASK);
	int error;

	if ((pg = page_lookup(vp, idx)) != NULL &&
	    (pg->pg_flags & PG_VALID)) {
		page_busy(pg);
	} else if (pg == NULL && (po == 0 && n == PAGE_SIZE)) {
		/* The whole page is overwritten: no need to read it. */
		if ((error = page_alloc(vp, idx, &pg)) != 0)
			return error;
		pg->pg_flags |= PG_VALID;
	} else {
		if ((error = getpages(vp, idx, 1, &pg)) != 0)
			return error;
	}
	error = uiomove(pg->pg_data + po, n, uio);
	page_setdirty(pg);
	page_unbusy(pg);
	return error;
}

/* Dirty pages allowed before writers start writing them back. */
static uint64_t
dirty_max(void)
{
	return MIN(pc.budget / 2, DIRTY_MAX);
}

/*
 * Too much is dirty: write back the oldest dirty vnodes (vp, the writer,
 * last) until half the limit is left, and drop the pages written: a
 * writer streaming data into an image seldom reads it back, and reusing
 * the buffers keeps memory flat.  Called between the pieces of a write,
 * where no file system operation is in progress.
 */
static int
flush_dirty(struct vnode *vp)
{
	struct vnode *ovp;
	int error;

	while (pc.ndirty > dirty_max() / 2 &&
	    (ovp = TAILQ_FIRST(&pc.dirtyvnodes)) != NULL) {
		if (ovp == vp && TAILQ_NEXT(ovp, v_dirtylist) != NULL) {
			/* Our own pages go last. */
			TAILQ_REMOVE(&pc.dirtyvnodes, vp, v_dirtylist);
			TAILQ_INSERT_TAIL(&pc.dirtyvnodes, vp, v_dirtylist);
			continue;
		}
		error = genfs_putpages(ovp, 0, 0, PGO_CLEANIT | PGO_FREE);
		if (error != 0)
			return error;
	}
	return 0;
}

/*
 * The generic write path over the page cache, for file systems that
 * provide v_gop.  Extends the file as it goes; writes dirty pages back
 * once they pass half of the page budget.
 */
int
genfs_write(struct vnode *vp, struct uio *uio, int ioflag)
{
	int bshift = vp->v_mount->mnt_bshift;
	off_t off, newend, bmask = ((off_t)1 << bshift) - 1;
	daddr_t lbn, done_lbn = -1;
	size_t n;
	bool need;
	int error = 0;

	KASSERT(vp->v_gop != NULL);
	if (ioflag & IO_APPEND)
		uio->uio_offset = vp->v_size;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid > (size_t)INT64_MAX - (size_t)uio->uio_offset)
		return EFBIG;
	newend = uio->uio_offset + (off_t)uio->uio_resid;
	while (uio->uio_resid > 0) {
		off = uio->uio_offset;
		lbn = off >> bshift;
		n = MIN(uio->uio_resid, (size_t)(PAGE_SIZE - (off & PAGE_MASK)));
		n = MIN(n, (size_t)(bmask + 1 - (off & bmask)));
		if (lbn != done_lbn) {
			if ((error = write_needalloc(vp, lbn, &need)) != 0)
				break;
			if (need) {
				error = write_allocblock(vp, lbn, off,
				    (size_t)MIN((off_t)uio->uio_resid,
				    bmask + 1 - (off & bmask)), newend);
				if (error != 0)
					break;
			}
			done_lbn = lbn;
		}
		if ((error = write_page(vp, uio, n)) != 0)
			break;
		if (uio->uio_offset > vp->v_size) {
			vp->v_size = uio->uio_offset;
			vp->v_gop->gop_setsize(vp, vp->v_size);
		}
		if (pc.ndirty > dirty_max() &&
		    (error = flush_dirty(vp)) != 0)
			break;
	}
	if (error == 0 && (ioflag & IO_SYNC))
		error = genfs_putpages(vp, 0, 0, PGO_CLEANIT | PGO_SYNC);
	return error;
}

static int
page_cmp(const void *a, const void *b)
{
	const struct vm_page *x = *(struct vm_page *const *)a;
	const struct vm_page *y = *(struct vm_page *const *)b;

	return x->pg_index < y->pg_index ? -1 : x->pg_index > y->pg_index;
}

/* Write the dirty pages v[0..n) (sorted, busy) in device-contiguous runs. */
static int
putpages_write(struct vnode *vp, struct vm_page **v, size_t n)
{
	size_t i, j;
	off_t start, end;
	int error = 0;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n &&
		    v[j]->pg_index == v[j - 1]->pg_index + 1 &&
		    j - i < RA_MAX; j++)
			continue;
		start = v[i]->pg_index << PAGE_SHIFT;
		end = MIN((v[j - 1]->pg_index + 1) << PAGE_SHIFT,
		    roundup(vp->v_size, DEV_BSIZE));
		if (end <= start)
			continue;	/* entirely past end of file */
		if ((error = pages_io(vp, &v[i], v[i]->pg_index, start, end,
		    BLK_WRITE)) != 0)
			return error;
		pc.stats.ps_written += j - i;
	}
	return 0;
}

/*
 * Write and/or drop the pages of vp in [start, end) (end 0: to the end of
 * the file).  PGO_CLEANIT writes the dirty ones in clusters; PGO_FREE drops
 * them all afterwards (dirty pages without PGO_CLEANIT are discarded);
 * PGO_SYNC makes the device flush its writes.
 */
int
genfs_putpages(struct vnode *vp, off_t start, off_t end, int flags)
{
	struct vm_page *pg, *npg, **v = NULL;
	int64_t lo = start >> PAGE_SHIFT;
	int64_t hi = end == 0 ? INT64_MAX : (end + PAGE_MASK) >> PAGE_SHIFT;
	size_t n = 0, i, cap = vp->v_ndirty;
	int error = 0;

	if ((flags & PGO_CLEANIT) && cap > 0) {
		v = kmem_alloc(cap * sizeof(*v));
		if (v == NULL)
			return ENOMEM;
		TAILQ_FOREACH(pg, &vp->v_pages, pg_listq)
			if ((pg->pg_flags & PG_DIRTY) && pg->pg_index >= lo &&
			    pg->pg_index < hi)
				v[n++] = pg;
		ksort(v, n, sizeof(*v), page_cmp);
		for (i = 0; i < n; i++)
			page_busy(v[i]);
		error = putpages_write(vp, v, n);
		for (i = 0; i < n; i++) {
			if (error == 0)
				page_setclean(v[i]);
			page_unbusy(v[i]);
		}
		kmem_free(v, cap * sizeof(*v));
	}
	if (error == 0 && (flags & PGO_SYNC) && vnode_blkdev(vp) != NULL)
		error = blk_sync(vnode_blkdev(vp));
	if (flags & PGO_FREE) {
		TAILQ_FOREACH_SAFE(pg, &vp->v_pages, pg_listq, npg)
			if (pg->pg_index >= lo && pg->pg_index < hi &&
			    (pg->pg_flags & PG_BUSY) == 0)
				page_free(pg);
	}
	return error;
}

/*
 * The file is being cut to newsize: drop the pages past it, and zero the
 * part of the last page past it so that a later extension reads zeros.
 */
int
genfs_truncate(struct vnode *vp, off_t newsize)
{
	struct vm_page *pg;
	size_t po = (size_t)(newsize & PAGE_MASK);

	(void)genfs_putpages(vp, roundup(newsize, PAGE_SIZE), 0, PGO_FREE);
	if (po != 0 && (pg = page_lookup(vp, newsize >> PAGE_SHIFT)) != NULL &&
	    (pg->pg_flags & PG_VALID)) {
		memset(pg->pg_data + po, 0, PAGE_SIZE - po);
	}
	vp->v_size = newsize;
	return 0;
}

void
page_getstats(struct pagestats *ps)
{
	*ps = pc.stats;
	ps->ps_resident = pc.resident;
	ps->ps_idlebytes = (uint64_t)pc.nfreebufs * PAGE_SIZE +
	    (uint64_t)(pc.nbuckets - PAGE_MINBUCKETS) * sizeof(*pc.hash);
}
