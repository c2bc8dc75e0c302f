/*
 * blk.c: a host file (or a slice of one) as a block device.
 *
 * Units.  A registry of BLK_MAXUNITS slots maps unit numbers to devices.
 * A slot is claimed and released with atomic operations, so the registry
 * needs no lock and no boot-time set-up.  blk_lookup() returns whatever
 * the slot holds; the caller must not race it against blk_detach().
 *
 * Coordinates.  Callers speak device offsets: 0 is the first byte of the
 * device, which lies at bd_hostoff in the host file.  Requests are checked
 * against the device size in device coordinates (blk_rw -> rw_check) and
 * converted to host offsets exactly once, when the transfer is set up.
 * Everything below that point, windows included, is in host-file
 * coordinates: a window starts at a host offset that is a multiple of the
 * window size (so it is page aligned, as mmap requires) and its length is
 * clamped to the device's end in the host file.  A window may therefore
 * map bytes before the start of the device; they are never touched.  No
 * window maps past the device end, and the device end is inside the host
 * file, so no access can fault with SIGBUS unless the host file shrinks
 * underneath us.
 *
 * Data paths.  Regular files use mmap windows unless BLK_NOMMAP is given;
 * everything else uses hyp_preadv/hyp_pwritev.  Nothing is mapped at
 * attach: window descriptors are allocated on the first misses, up to
 * bd_wincount of them.  A miss takes the least recently used window that
 * nobody references; when every window is referenced, it waits on bd_cv.
 * A window being remapped is marked BW_LOADING and referenced by the
 * thread remapping it, which does munmap/mmap without the lock; others
 * wanting the same window wait for it.  If mmap fails, the device falls
 * back to pread/pwrite for good (windows already mapped stay mapped and
 * coherent with pread/pwrite, and are unmapped at detach).
 *
 * Locking.  bd_lock protects the window lists and every window's key,
 * length, address, flags and reference count, the statistics and the
 * fault generator.  Data is copied with the window referenced but without
 * bd_lock held, so transfers on different windows run in parallel.
 * Host calls (mmap, munmap, msync, pread, pwrite, fsync) and kmem
 * allocations are made without bd_lock, so it is a leaf lock; only
 * console messages are written while it is held.
 *
 * Fault injection.  With RUMP_BLKFAIL=N, each request that would move data
 * draws one number from the device's private generator (a 64-bit linear
 * congruential generator, seeded from RUMP_BLKFAIL_SEED or karc4random)
 * and fails with EIO, moving nothing, when the draw modulo 10000 is below
 * N.  The same seed and the same sequence of requests give the same
 * failures.  FSU_BLKFAIL_NTH=N fails the Nth request of the process (a
 * process-wide count), whatever the device.  For tests that must hit one
 * precise point of one device: FSU_BLKFAIL_WRITE=N fails its Nth write
 * request (1 is the first), FSU_BLKFAIL_OFFSET=OFF every request covering
 * its byte OFF, and FSU_BLKFAIL_SYNC=N its Nth flush to the host file
 * (blk_devsync, whoever asks) that has something to make durable.  All
 * but the last apply to requests from above (blk_rw) and to the host I/O
 * a layer asks about (blk_fault), not to blk_devrw.
 *
 * Crash simulation.  FSU_CRASH_AFTER=N: a process-wide count of host
 * writes and syncs (blk_crashpoint, called before each) ends the process
 * with hyp_crash() when N of them have been made.
 *
 * Layers.  A layer pushed on the device (blk_push) receives blk_rw and
 * blk_sync; it reaches the host file with blk_devrw and blk_devsync, which
 * neither inject faults nor count as requests.  The statistics count the
 * requests from above (blk_rw).
 */
#include "../sys/param.h"
#include "../sys/kmem.h"
#include "../sys/lock.h"
#include "../sys/queue.h"
#include "../sys/systm.h"
#include "../../lib/hyp.h"
#include "blk.h"

#define BLK_WINSIZE_DEF	(1024 * 1024)
#define BLK_WINSIZE_MAX	(1024 * 1024 * 1024)
#define BLK_WINCOUNT_DEF 16
#define BLK_WINCOUNT_MAX 4096	/* the window lookup is a linear scan */
#define BLK_FAIL_SCALE	10000
#define BLK_WBCHUNK	(4u << 20)	/* bytes between writeback hints */
#define BLK_MAXIOV	64	/* vectors per hyp_preadv/hyp_pwritev */
#define BW_NOKEY	UINT64_MAX

struct blk_window {
	TAILQ_ENTRY(blk_window) bw_lru;	/* bd_lru: most recent first */
	TAILQ_ENTRY(blk_window) bw_all;	/* bd_allwin: never reordered */
	uint64_t	bw_key;		/* host offset of its start, BW_NOKEY */
	size_t		bw_len;		/* bytes mapped */
	void		*bw_addr;	/* mapping, NULL if none */
	int		bw_refcnt;	/* pins; > 0 while BW_LOADING */
	int		bw_flags;
#define BW_LOADING	0x01		/* being remapped, bw_addr not valid */
};

TAILQ_HEAD(blk_winq, blk_window);

struct blkdev {
	int		bd_unit;
	int		bd_fd;
	int		bd_flags;	/* BLK_* attach flags */
	int		bd_ftype;	/* HYP_FT_* */
	bool		bd_locked;	/* hyp_flock taken */
	bool		bd_mmap;	/* window path; cleared on fallback */
	bool		bd_whole;	/* the whole host file */
	char		*bd_path;
	uint64_t	bd_hostoff;	/* device start in the host file */
	uint64_t	bd_size;	/* bytes */
	uint32_t	bd_secsize;
	uint32_t	bd_failrate;	/* per BLK_FAIL_SCALE requests */
	uint64_t	bd_failwrite;	/* FSU_BLKFAIL_WRITE: this write fails */
	uint64_t	bd_failsync;	/* FSU_BLKFAIL_SYNC: this sync fails */
	uint64_t	bd_failoff;	/* FSU_BLKFAIL_OFFSET: this byte fails */
	bool		bd_hasfailoff;
	uint64_t	bd_nwrite;	/* write requests so far */
	uint64_t	bd_nsync;	/* syncs with work so far */
	size_t		bd_winsize;	/* power of two, >= host page */
	unsigned	bd_wincount;	/* descriptors allowed */
	unsigned	bd_nwin;	/* descriptors allocated */
	unsigned	bd_waiters;	/* threads in cv_wait on bd_cv */
	uint64_t	bd_prng;	/* fault generator state */
	struct blk_winq	bd_lru;
	struct blk_winq	bd_allwin;
	struct blk_stats bd_stats;
	bool		bd_unsynced;	/* written since the last sync */
	uint64_t	bd_wbbytes;	/* written since the last writeback hint */
	bool		bd_windirty;	/* written through a window */
	const struct blk_layerops *bd_lops;	/* layer on top, or NULL */
	void		*bd_larg;
	struct kmutex	bd_lock;
	struct kcondvar	bd_cv;
};

/* One request in flight: where it stands in the caller's vectors. */
struct blk_xfer {
	const struct kiovec *x_iov;	/* current vector */
	size_t		x_skip;		/* bytes of it already moved */
	uint64_t	x_hoff;		/* host offset of the next byte */
	size_t		x_resid;	/* bytes still to move */
	size_t		x_done;		/* bytes moved */
	uint64_t	x_syncs;	/* msync/fsync calls made */
	int		x_rw;		/* BLK_WRITE, BLK_SYNC */
};

static struct blkdev *blk_units[BLK_MAXUNITS];

/* Process-wide test hooks: FSU_BLKFAIL_NTH and FSU_CRASH_AFTER (0: off). */
static uint64_t blk_failat, blk_reqno;
static uint64_t blk_crashat, blk_hostwrites;

/* ------------------------------------------------------------ registry */

/* Publish bd in the first free slot; EBUSY when all are taken. */
static int
unit_claim(struct blkdev *bd)
{
	struct blkdev *expect;
	int i;

	for (i = 0; i < BLK_MAXUNITS; i++) {
		expect = NULL;
		bd->bd_unit = i;
		if (__atomic_compare_exchange_n(&blk_units[i], &expect, bd,
		    false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return 0;
	}
	bd->bd_unit = -1;
	return EBUSY;
}

static void
unit_release(struct blkdev *bd)
{
	KASSERT(blk_lookup(bd->bd_unit) == bd);
	__atomic_store_n(&blk_units[bd->bd_unit], NULL, __ATOMIC_RELEASE);
}

struct blkdev *
blk_lookup(int unit)
{
	if (unit < 0 || unit >= BLK_MAXUNITS)
		return NULL;
	return __atomic_load_n(&blk_units[unit], __ATOMIC_ACQUIRE);
}

/* ---------------------------------------------------------- parameters */

/*
 * A numeric parameter from the environment.  Returns false when it is
 * unset or malformed (the caller keeps its default); a malformed value is
 * reported on the console.
 */
static bool
blk_param(const char *name, uint64_t *vp)
{
	int error;

	error = kparam_getnum(name, vp);
	if (error == ENOENT)
		return false;
	if (error != 0) {
		kprintf("blk: %s: not a number, ignored\n", name);
		return false;
	}
	return true;
}

/* Window geometry: RUMP_BLKWINSIZE and RUMP_BLKWINCOUNT. */
static void
blk_params_win(struct blkdev *bd)
{
	uint64_t v;

	bd->bd_winsize = BLK_WINSIZE_DEF;
	bd->bd_wincount = BLK_WINCOUNT_DEF;
	if (blk_param("RUMP_BLKWINSIZE", &v)) {
		if (v < hyp_pagesize() || !powerof2(v) || v > BLK_WINSIZE_MAX)
			kprintf("blk: RUMP_BLKWINSIZE %llu: not a power of two "
			    "from the page size to 1 GiB, using %d\n",
			    (unsigned long long)v, BLK_WINSIZE_DEF);
		else
			bd->bd_winsize = (size_t)v;
	}
	if (blk_param("RUMP_BLKWINCOUNT", &v)) {
		if (v == 0 || v > BLK_WINCOUNT_MAX)
			kprintf("blk: RUMP_BLKWINCOUNT %llu: not in 1..%d, "
			    "using %d\n", (unsigned long long)v,
			    BLK_WINCOUNT_MAX, BLK_WINCOUNT_DEF);
		else
			bd->bd_wincount = (unsigned)v;
	}
}

/* Fault injection: RUMP_BLKFAIL (clamped to 10000), RUMP_BLKFAIL_SEED. */
static void
blk_params_fail(struct blkdev *bd)
{
	uint64_t v;

	bd->bd_failrate = 0;
	if (blk_param("FSU_BLKFAIL_WRITE", &v))
		bd->bd_failwrite = v;
	if (blk_param("FSU_BLKFAIL_SYNC", &v))
		bd->bd_failsync = v;
	if (blk_param("FSU_BLKFAIL_OFFSET", &v)) {
		bd->bd_failoff = v;
		bd->bd_hasfailoff = true;
	}
	if (blk_param("RUMP_BLKFAIL", &v))
		bd->bd_failrate = (uint32_t)MIN(v, BLK_FAIL_SCALE);
	if (bd->bd_failrate == 0)
		return;
	if (blk_param("RUMP_BLKFAIL_SEED", &v))
		bd->bd_prng = v;
	else
		bd->bd_prng = karc4random();
}

/*
 * The process-wide hooks, read at boot: FSU_BLKFAIL_NTH=N (N >= 1) and
 * FSU_CRASH_AFTER=N (N >= 0, stored plus one so that 0 means off).  The
 * counts start again with every boot.
 */
int
blk_init(void)
{
	uint64_t v;

	blk_failat = blk_crashat = 0;
	blk_reqno = blk_hostwrites = 0;
	if (blk_param("FSU_BLKFAIL_NTH", &v) && v > 0)
		blk_failat = v;
	if (blk_param("FSU_CRASH_AFTER", &v) && v < UINT64_MAX)
		blk_crashat = v + 1;
	return 0;
}

/* ---------------------------------------------------- fault injection */

/* Next number from the device's generator.  Called with bd_lock held. */
static uint32_t
fault_draw(struct blkdev *bd)
{
	KASSERT(mutex_owned(&bd->bd_lock));
	bd->bd_prng = bd->bd_prng * 6364136223846793005ULL +
	    1442695040888963407ULL;
	return (uint32_t)(bd->bd_prng >> 33);
}

/*
 * Decide whether this request fails.  A failed request counts as a
 * request in the statistics and moves nothing.
 */
static bool
fault_inject(struct blkdev *bd, int rw, uint64_t off, size_t len)
{
	uint64_t at = __atomic_load_n(&blk_failat, __ATOMIC_RELAXED);
	bool fail;

	if (bd->bd_failrate == 0 && at == 0 && bd->bd_failwrite == 0 &&
	    !bd->bd_hasfailoff)
		return false;
	mutex_enter(&bd->bd_lock);
	fail = at != 0 &&
	    __atomic_add_fetch(&blk_reqno, 1, __ATOMIC_RELAXED) == at;
	if ((rw & BLK_WRITE) && bd->bd_failwrite != 0 &&
	    ++bd->bd_nwrite == bd->bd_failwrite)
		fail = true;
	if (bd->bd_hasfailoff && off <= bd->bd_failoff &&
	    bd->bd_failoff - off < len)
		fail = true;
	if (bd->bd_failrate != 0 &&
	    fault_draw(bd) % BLK_FAIL_SCALE < bd->bd_failrate)
		fail = true;
	if (fail) {
		bd->bd_stats.bs_faults++;
		bd->bd_stats.bs_errors++;
		bd->bd_stats.bs_requests++;
		if (rw & BLK_WRITE)
			bd->bd_stats.bs_writes++;
		else
			bd->bd_stats.bs_reads++;
	}
	mutex_exit(&bd->bd_lock);
	if (fail)
		kprintf("blk%d: injected I/O error: %s of %zu bytes at offset "
		    "%llu\n", bd->bd_unit, (rw & BLK_WRITE) ? "write" : "read",
		    len, (unsigned long long)off);
	return fail;
}

/* Does this sync (one with something to flush) fail?  bd_lock held. */
static bool
fault_inject_sync(struct blkdev *bd)
{
	KASSERT(mutex_owned(&bd->bd_lock));
	if (bd->bd_failsync == 0 || ++bd->bd_nsync != bd->bd_failsync)
		return false;
	bd->bd_stats.bs_faults++;
	bd->bd_stats.bs_errors++;
	return true;
}

/*
 * For a layer's own host I/O: EIO if the fault injection says this
 * request fails (it counts as a request, with len bytes at off).
 */
int
blk_fault(struct blkdev *bd, int rw, uint64_t off, size_t len)
{
	return fault_inject(bd, rw, off, len) ? EIO : 0;
}

/*
 * Called before every host write or sync.  With FSU_CRASH_AFTER=N, the
 * call after the Nth ends the process at once: a simulated power cut.
 */
void
blk_crashpoint(void)
{
	uint64_t at = __atomic_load_n(&blk_crashat, __ATOMIC_RELAXED), n;

	if (at == 0)
		return;
	n = __atomic_fetch_add(&blk_hostwrites, 1, __ATOMIC_RELAXED);
	if (n + 1 == at) {
		kprintf("blk: FSU_CRASH_AFTER: simulated power cut after %llu "
		    "host writes and syncs\n", (unsigned long long)n);
		hyp_crash();
	}
}

/* ---------------------------------------------------------- transfers */

/*
 * The current piece of the caller's memory: skips vectors that are used
 * up or empty, returns the address of the next byte and, in *lenp, how
 * many bytes follow it in this vector (at most x_resid).  x_resid > 0.
 */
static char *
xfer_seg(struct blk_xfer *x, size_t *lenp)
{
	KASSERT(x->x_resid > 0);
	while (x->x_skip == x->x_iov->iov_len) {
		x->x_iov++;
		x->x_skip = 0;
	}
	*lenp = MIN(x->x_iov->iov_len - x->x_skip, x->x_resid);
	return (char *)x->x_iov->iov_base + x->x_skip;
}

/* Account n bytes as moved and step over them. */
static void
xfer_advance(struct blk_xfer *x, size_t n)
{
	size_t len;

	while (n > 0) {
		(void)xfer_seg(x, &len);
		len = MIN(len, n);
		x->x_skip += len;
		x->x_hoff += len;
		x->x_done += len;
		x->x_resid -= len;
		n -= len;
	}
}

/* Copy n bytes between a mapped window and the caller's memory. */
static void
xfer_copy(struct blk_xfer *x, char *win, size_t n)
{
	size_t len;
	char *p;

	while (n > 0) {
		p = xfer_seg(x, &len);
		len = MIN(len, n);
		if (x->x_rw & BLK_WRITE)
			memcpy(win, p, len);
		else
			memcpy(p, win, len);
		xfer_advance(x, len);
		win += len;
		n -= len;
	}
}

/*
 * Describe up to max pieces of the rest of the transfer as host vectors,
 * without consuming them; *lenp gets their total length.
 */
static int
xfer_hiov(const struct blk_xfer *x, struct hyp_iovec *hiov, int max,
    size_t *lenp)
{
	struct blk_xfer y = *x;
	size_t len;
	int cnt;

	for (cnt = 0; cnt < max && y.x_resid > 0; cnt++) {
		hiov[cnt].iov_base = xfer_seg(&y, &len);
		hiov[cnt].iov_len = len;
		xfer_advance(&y, len);
	}
	*lenp = x->x_resid - y.x_resid;
	return cnt;
}

/* ------------------------------------------------------------- windows */

static struct blk_window *
win_find(struct blkdev *bd, uint64_t key)
{
	struct blk_window *w;

	KASSERT(mutex_owned(&bd->bd_lock));
	TAILQ_FOREACH(w, &bd->bd_lru, bw_lru)
		if (w->bw_key == key)
			return w;
	return NULL;
}

/* Reference w and make it the most recently used.  bd_lock held. */
static void
win_ref(struct blkdev *bd, struct blk_window *w)
{
	KASSERT(mutex_owned(&bd->bd_lock));
	w->bw_refcnt++;
	TAILQ_REMOVE(&bd->bd_lru, w, bw_lru);
	TAILQ_INSERT_HEAD(&bd->bd_lru, w, bw_lru);
}

/*
 * Choose a window to (re)map: the least recently used one that nobody
 * references.  An unmapped one is taken at once; a mapped one only when
 * no new descriptor may be allocated (*growp tells the caller to grow
 * instead).  NULL when every window is referenced.
 */
static struct blk_window *
win_victim(struct blkdev *bd, bool *growp)
{
	struct blk_window *w;

	KASSERT(mutex_owned(&bd->bd_lock));
	*growp = false;
	for (w = TAILQ_LAST(&bd->bd_lru, blk_winq); w != NULL;
	    w = TAILQ_PREV(w, blk_winq, bw_lru))
		if (w->bw_refcnt == 0)
			break;
	if (w != NULL && w->bw_key == BW_NOKEY)
		return w;
	if (bd->bd_nwin < bd->bd_wincount) {
		*growp = true;
		return NULL;
	}
	return w;
}

/* Turn the device over to pread/pwrite for good.  bd_lock held. */
static void
win_fallback(struct blkdev *bd, int error)
{
	KASSERT(mutex_owned(&bd->bd_lock));
	if (!bd->bd_mmap)
		return;
	__atomic_store_n(&bd->bd_mmap, false, __ATOMIC_RELEASE);
	kprintf("blk%d: %s: cannot map (error %d), using pread/pwrite\n",
	    bd->bd_unit, bd->bd_path, error);
}

/*
 * Add one unmapped window descriptor at the LRU tail.  Called and returns
 * with bd_lock held, but allocates without it.  When memory is short the
 * device stops growing; with no window at all it falls back (ENOMEM).
 */
static int
win_grow(struct blkdev *bd)
{
	struct blk_window *w;

	bd->bd_nwin++;
	mutex_exit(&bd->bd_lock);
	w = kmem_zalloc(sizeof(*w));
	mutex_enter(&bd->bd_lock);
	if (w == NULL) {
		bd->bd_nwin--;
		bd->bd_wincount = bd->bd_nwin;
		if (bd->bd_nwin > 0)
			return 0;
		win_fallback(bd, ENOMEM);
		return ENOMEM;
	}
	w->bw_key = BW_NOKEY;
	TAILQ_INSERT_TAIL(&bd->bd_lru, w, bw_lru);
	TAILQ_INSERT_TAIL(&bd->bd_allwin, w, bw_all);
	if (bd->bd_waiters > 0)
		cv_broadcast(&bd->bd_cv);
	return 0;
}

/*
 * Remap the unreferenced window w to the window starting at host offset
 * key and return it referenced.  Called and returns with bd_lock held;
 * the host calls run without it while w is marked BW_LOADING.  On failure
 * w is left unmapped at the LRU tail and the device falls back.
 */
static int
win_load(struct blkdev *bd, struct blk_window *w, uint64_t key)
{
	void *oaddr = w->bw_addr, *addr = NULL;
	size_t olen = w->bw_len;
	int prot, error;

	KASSERT(w->bw_refcnt == 0);
	w->bw_key = key;
	w->bw_len = (size_t)MIN(bd->bd_winsize,
	    bd->bd_hostoff + bd->bd_size - key);
	w->bw_addr = NULL;
	w->bw_flags |= BW_LOADING;
	win_ref(bd, w);
	mutex_exit(&bd->bd_lock);

	if (oaddr != NULL)
		(void)hyp_munmap(oaddr, olen);
	prot = HYP_PROT_READ | (blk_rdonly(bd) ? 0 : HYP_PROT_WRITE);
	error = hyp_mmap(bd->bd_fd, key, w->bw_len, prot, &addr);

	mutex_enter(&bd->bd_lock);
	w->bw_flags &= ~BW_LOADING;
	if (error == 0) {
		w->bw_addr = addr;
		bd->bd_stats.bs_win_maps++;
	} else {
		w->bw_key = BW_NOKEY;
		w->bw_refcnt = 0;
		TAILQ_REMOVE(&bd->bd_lru, w, bw_lru);
		TAILQ_INSERT_TAIL(&bd->bd_lru, w, bw_lru);
		win_fallback(bd, error);
	}
	if (bd->bd_waiters > 0)
		cv_broadcast(&bd->bd_cv);
	return error;
}

/* Sleep on bd_cv until a window changes state.  bd_lock held. */
static void
win_wait(struct blkdev *bd)
{
	bd->bd_waiters++;
	cv_wait(&bd->bd_cv, &bd->bd_lock);
	bd->bd_waiters--;
}

/*
 * Find or map the window holding host offset hoff and return it
 * referenced; win_put() releases it.  Waits while the window is being
 * mapped by another thread, or while every window is referenced (counted
 * once per call in bs_win_waits).  EOPNOTSUPP once the device has fallen
 * back to pread/pwrite.
 */
static int
win_get(struct blkdev *bd, uint64_t hoff, struct blk_window **wp)
{
	struct blk_window *w;
	uint64_t key = hoff & ~((uint64_t)bd->bd_winsize - 1);
	bool grow, waited = false;
	int error = 0;

	mutex_enter(&bd->bd_lock);
	for (;;) {
		if (!bd->bd_mmap) {
			error = EOPNOTSUPP;
			break;
		}
		if ((w = win_find(bd, key)) != NULL) {
			if ((w->bw_flags & BW_LOADING) == 0) {
				bd->bd_stats.bs_win_hits++;
				win_ref(bd, w);
				break;
			}
			win_wait(bd);		/* another thread maps it */
			continue;
		}
		if ((w = win_victim(bd, &grow)) != NULL) {
			error = win_load(bd, w, key);
			break;
		}
		if (grow) {
			if ((error = win_grow(bd)) != 0)
				break;
			continue;
		}
		if (!waited)
			bd->bd_stats.bs_win_waits++;
		waited = true;
		win_wait(bd);
	}
	mutex_exit(&bd->bd_lock);
	if (error == 0)
		*wp = w;
	return error;
}

/* Release a window taken with win_get(). */
static void
win_put(struct blkdev *bd, struct blk_window *w)
{
	mutex_enter(&bd->bd_lock);
	KASSERT(w->bw_refcnt > 0);
	if (--w->bw_refcnt == 0 && bd->bd_waiters > 0)
		cv_broadcast(&bd->bd_cv);
	mutex_exit(&bd->bd_lock);
}

/*
 * msync every mapped window.  Each is pinned while it is flushed, so it
 * cannot be remapped underneath; the bd_allwin list is never reordered,
 * so the walk survives dropping the lock.
 */
static int
win_syncall(struct blkdev *bd)
{
	struct blk_window *w;
	int error = 0, e;

	mutex_enter(&bd->bd_lock);
	TAILQ_FOREACH(w, &bd->bd_allwin, bw_all) {
		if (w->bw_addr == NULL || (w->bw_flags & BW_LOADING))
			continue;
		w->bw_refcnt++;
		mutex_exit(&bd->bd_lock);
		e = hyp_msync(w->bw_addr, w->bw_len);
		mutex_enter(&bd->bd_lock);
		bd->bd_stats.bs_syncs++;
		if (error == 0)
			error = e;
		if (--w->bw_refcnt == 0 && bd->bd_waiters > 0)
			cv_broadcast(&bd->bd_cv);
	}
	mutex_exit(&bd->bd_lock);
	return error;
}

/* Unmap and free every window.  Nobody may hold one any more. */
static void
win_destroyall(struct blkdev *bd)
{
	struct blk_window *w;

	while ((w = TAILQ_FIRST(&bd->bd_allwin)) != NULL) {
		KASSERTMSG(w->bw_refcnt == 0, "blk%d: detach with window at "
		    "%llu held", bd->bd_unit, (unsigned long long)w->bw_key);
		TAILQ_REMOVE(&bd->bd_allwin, w, bw_all);
		TAILQ_REMOVE(&bd->bd_lru, w, bw_lru);
		if (w->bw_addr != NULL)
			(void)hyp_munmap(w->bw_addr, w->bw_len);
		kmem_free(w, sizeof(*w));
	}
	bd->bd_nwin = 0;
}

/* ---------------------------------------------------------- data paths */

/*
 * Window path: one window per step, so that no copy crosses a window's
 * end.  A synchronous write msyncs exactly the bytes it copied.
 */
static int
rw_mmap(struct blkdev *bd, struct blk_xfer *x)
{
	struct blk_window *w;
	size_t n, woff;
	char *win;
	int error = 0;

	while (x->x_resid > 0 && error == 0) {
		if ((error = win_get(bd, x->x_hoff, &w)) != 0)
			return error;
		woff = (size_t)(x->x_hoff - w->bw_key);
		n = MIN(x->x_resid, w->bw_len - woff);
		win = (char *)w->bw_addr + woff;
		if (x->x_rw & BLK_WRITE) {
			blk_crashpoint();
			bd->bd_windirty = true;
		}
		xfer_copy(x, win, n);
		if ((x->x_rw & BLK_WRITE) && (x->x_rw & BLK_SYNC)) {
			blk_crashpoint();
			error = hyp_msync(win, n);
			x->x_syncs++;
		}
		win_put(bd, w);
	}
	return error;
}

/*
 * pread/pwrite path: at most BLK_MAXIOV vectors per host call.  A read
 * that comes back short means the host file shrank: EIO.  A synchronous
 * write is followed by fsync of the host file.
 */
static int
rw_pio(struct blkdev *bd, struct blk_xfer *x)
{
	struct hyp_iovec hiov[BLK_MAXIOV];
	size_t len, n;
	int cnt, error;

	while (x->x_resid > 0) {
		cnt = xfer_hiov(x, hiov, BLK_MAXIOV, &len);
		n = 0;
		if (x->x_rw & BLK_WRITE) {
			blk_crashpoint();
			error = hyp_pwritev(bd->bd_fd, hiov, cnt, x->x_hoff,
			    &n);
		} else
			error = hyp_preadv(bd->bd_fd, hiov, cnt, x->x_hoff,
			    &n);
		xfer_advance(x, MIN(n, len));
		if (error != 0)
			return error;
		if (n < len)
			return EIO;
	}
	if ((x->x_rw & BLK_WRITE) && (x->x_rw & BLK_SYNC)) {
		x->x_syncs++;
		blk_crashpoint();
		return hyp_fsync(bd->bd_fd);
	}
	return 0;
}

/*
 * Check a request against the device; in *lenp the caller's total
 * length.  Offsets are device-relative here.
 */
static int
rw_check(const struct blkdev *bd, int rw, uint64_t off,
    const struct kiovec *iov, int iovcnt, size_t *lenp)
{
	size_t total = 0;
	int i;

	if ((rw & ~(BLK_WRITE | BLK_SYNC | BLK_BULK)) != 0 || iovcnt < 0 ||
	    (iovcnt > 0 && iov == NULL))
		return EINVAL;
	if ((rw & BLK_WRITE) && blk_rdonly(bd))
		return EROFS;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > SIZE_MAX - total)
			return EINVAL;
		total += iov[i].iov_len;
	}
	if (off % bd->bd_secsize != 0 || total % bd->bd_secsize != 0)
		return EINVAL;
	if (off > bd->bd_size)
		return EINVAL;
	*lenp = total;
	return 0;
}

/* Add a finished request (failed if error) to the statistics. */
static void
rw_account(struct blkdev *bd, const struct blk_xfer *x, int error)
{
	struct blk_stats *bs = &bd->bd_stats;

	mutex_enter(&bd->bd_lock);
	bs->bs_requests++;
	if (error != 0)
		bs->bs_errors++;
	if (x->x_rw & BLK_WRITE) {
		bs->bs_writes++;
		bs->bs_bytes_written += x->x_done;
	} else {
		bs->bs_reads++;
		bs->bs_bytes_read += x->x_done;
	}
	bs->bs_syncs += x->x_syncs;
	mutex_exit(&bd->bd_lock);
}

/*
 * The host file's part of a request checked by rw_check: total bytes from
 * the caller's vectors at device offset off.  No fault injection.
 */
static int
dev_rw(struct blkdev *bd, int rw, uint64_t off, const struct kiovec *iov,
    size_t total, struct blk_xfer *x)
{
	int error = 0;

	memset(x, 0, sizeof(*x));
	x->x_iov = iov;
	x->x_hoff = bd->bd_hostoff + off;
	x->x_resid = (size_t)MIN(total, bd->bd_size - off);
	x->x_rw = rw;
	if (x->x_resid > 0 && blk_mmapped(bd) && !(rw & BLK_BULK)) {
		error = rw_mmap(bd, x);
		/* The device fell back while we were at it: finish. */
		if (error != 0 && !blk_mmapped(bd))
			error = rw_pio(bd, x);
	} else if (x->x_resid > 0)
		error = rw_pio(bd, x);
	if ((rw & BLK_WRITE) && x->x_done > 0) {
		bool kick = false;

		mutex_enter(&bd->bd_lock);
		bd->bd_unsynced = true;
		bd->bd_wbbytes += x->x_done;
		if (bd->bd_wbbytes >= BLK_WBCHUNK) {
			bd->bd_wbbytes = 0;
			kick = true;
		}
		mutex_exit(&bd->bd_lock);
		/* Let the host start on it: the sync at the end waits less. */
		if (kick)
			(void)hyp_writeback(bd->bd_fd, bd->bd_hostoff,
			    bd->bd_size);
	}
	return error;
}

/*
 * Move data between the device at device offset off and the caller's
 * vectors.  rw is BLK_READ or BLK_WRITE, optionally with BLK_SYNC, and
 * BLK_BULK for large transfers of file data, which go straight through
 * pread/pwrite even when the device has windows: one host copy, and no
 * page faults on the window, is cheaper for those.  The
 * offset and the total length must be multiples of the sector size.  A
 * request is truncated at the device end; *donep says how many bytes
 * moved, also on error.  With a layer on the device, the layer serves it.
 */
int
blk_rw(struct blkdev *bd, int rw, uint64_t off, const struct kiovec *iov,
    int iovcnt, size_t *donep)
{
	struct blk_xfer x;
	size_t total, resid;
	int error;

	*donep = 0;
	if ((error = rw_check(bd, rw, off, iov, iovcnt, &total)) != 0)
		return error;
	resid = (size_t)MIN(total, bd->bd_size - off);
	if (resid > 0 && fault_inject(bd, rw, off, resid))
		return EIO;
	if (bd->bd_lops != NULL) {
		memset(&x, 0, sizeof(x));
		x.x_rw = rw;
		error = bd->bd_lops->lo_rw(bd->bd_larg, rw, off, iov, iovcnt,
		    &x.x_done);
	} else {
		error = dev_rw(bd, rw, off, iov, total, &x);
	}
	rw_account(bd, &x, error);
	*donep = x.x_done;
	return error;
}

/*
 * A layer's request to the host file: as blk_rw without the layer, the
 * fault injection or the statistics.
 */
int
blk_devrw(struct blkdev *bd, int rw, uint64_t off, const struct kiovec *iov,
    int iovcnt, size_t *donep)
{
	struct blk_xfer x;
	size_t total;
	int error;

	*donep = 0;
	if ((error = rw_check(bd, rw, off, iov, iovcnt, &total)) != 0)
		return error;
	error = dev_rw(bd, rw, off, iov, total, &x);
	*donep = x.x_done;
	return error;
}

int
blk_read(struct blkdev *bd, uint64_t off, void *buf, size_t len,
    size_t *donep)
{
	struct kiovec iov;

	iov.iov_base = buf;
	iov.iov_len = len;
	return blk_rw(bd, BLK_READ, off, &iov, 1, donep);
}

/* Write len bytes at off; flags may hold BLK_SYNC. */
int
blk_write(struct blkdev *bd, uint64_t off, const void *buf, size_t len,
    int flags, size_t *donep)
{
	struct kiovec iov;

	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	return blk_rw(bd, BLK_WRITE | (flags & BLK_SYNC), off, &iov, 1,
	    donep);
}

/*
 * Make everything written so far durable, or with a layer, whatever the
 * layer does at a sync.
 */
int
blk_sync(struct blkdev *bd)
{
	if (bd->bd_lops != NULL)
		return bd->bd_lops->lo_sync(bd->bd_larg);
	return blk_devsync(bd);
}

/*
 * Make everything written to the host file so far durable: msync every
 * mapped window written through, then fsync the host file.  Nothing to do
 * on a read-only device.
 */
int
blk_devsync(struct blkdev *bd)
{
	int error = 0, e;
	bool dirty, windirty;

	if (blk_rdonly(bd))
		return 0;
	/* Nothing written since the last sync: nothing to make durable. */
	mutex_enter(&bd->bd_lock);
	dirty = bd->bd_unsynced;
	if (dirty && fault_inject_sync(bd)) {
		mutex_exit(&bd->bd_lock);
		kprintf("blk%d: injected I/O error: sync\n", bd->bd_unit);
		return EIO;
	}
	windirty = bd->bd_windirty;
	bd->bd_unsynced = false;
	bd->bd_windirty = false;
	mutex_exit(&bd->bd_lock);
	if (!dirty)
		return 0;
	blk_crashpoint();
	if (windirty)
		error = win_syncall(bd);
	e = hyp_fdatasync(bd->bd_fd);
	mutex_enter(&bd->bd_lock);
	bd->bd_stats.bs_syncs++;
	if (error != 0 || e != 0) {
		bd->bd_unsynced = true;
		bd->bd_windirty |= windirty;
	}
	mutex_exit(&bd->bd_lock);
	return error != 0 ? error : e;
}

/* ------------------------------------------------------------- layers */

/* Stack a layer on bd.  There is at most one; the device must be idle. */
void
blk_push(struct blkdev *bd, const struct blk_layerops *lops, void *arg)
{
	KASSERT(bd->bd_lops == NULL && lops != NULL);
	bd->bd_larg = arg;
	__atomic_store_n(&bd->bd_lops, lops, __ATOMIC_RELEASE);
}

void
blk_pop(struct blkdev *bd)
{
	__atomic_store_n(&bd->bd_lops, NULL, __ATOMIC_RELEASE);
	bd->bd_larg = NULL;
}

/* The argument of layer lops if it is the one on bd, else NULL. */
void *
blk_layer(const struct blkdev *bd, const struct blk_layerops *lops)
{
	return bd->bd_lops == lops ? bd->bd_larg : NULL;
}

/* Do writes to bd reach the image all at once (a transaction)? */
bool
blk_atomic(const struct blkdev *bd)
{
	return bd->bd_lops != NULL && bd->bd_lops->lo_atomic != NULL &&
	    bd->bd_lops->lo_atomic(bd->bd_larg);
}

void
blk_txn_alloc(struct blkdev *bd, uint64_t off, uint64_t len)
{
	if (bd->bd_lops != NULL && bd->bd_lops->lo_alloc != NULL)
		bd->bd_lops->lo_alloc(bd->bd_larg, off, len);
}

void
blk_txn_free(struct blkdev *bd, uint64_t off, uint64_t len)
{
	if (bd->bd_lops != NULL && bd->bd_lops->lo_free != NULL)
		bd->bd_lops->lo_free(bd->bd_larg, off, len);
}

void
blk_txn_fail(struct blkdev *bd)
{
	if (bd->bd_lops != NULL && bd->bd_lops->lo_fail != NULL)
		bd->bd_lops->lo_fail(bd->bd_larg);
}

/* ------------------------------------------------------- direct windows */

/*
 * Pin the window holding device offset off: *addrp gets the address of
 * that byte, *lenp the bytes from there to the window's end (never past
 * the device end).  EOPNOTSUPP without windows, EINVAL past the end.
 * The mapping of a read-only device is read-only.
 */
int
blk_window_get(struct blkdev *bd, uint64_t off, void **addrp, size_t *lenp,
    struct blk_window **wp)
{
	struct blk_window *w;
	size_t woff;
	int error;

	if (off >= bd->bd_size)
		return EINVAL;
	if (!blk_mmapped(bd))
		return EOPNOTSUPP;
	if ((error = win_get(bd, bd->bd_hostoff + off, &w)) != 0)
		return error;
	woff = (size_t)(bd->bd_hostoff + off - w->bw_key);
	*addrp = (char *)w->bw_addr + woff;
	*lenp = w->bw_len - woff;
	*wp = w;
	if (!blk_rdonly(bd)) {
		/* The caller may write through it. */
		mutex_enter(&bd->bd_lock);
		bd->bd_unsynced = bd->bd_windirty = true;
		mutex_exit(&bd->bd_lock);
	}
	return 0;
}

void
blk_window_put(struct blkdev *bd, struct blk_window *w)
{
	win_put(bd, w);
}

/* ------------------------------------------------------ attach, detach */

/*
 * Fit the device into a host file of hostsize bytes.  A size of 0 means
 * "to the end of the host file", rounded down to whole sectors.
 */
static int
blk_geometry(struct blkdev *bd, uint64_t hostsize, uint64_t offset,
    uint64_t size)
{
	uint32_t ss = bd->bd_secsize;

	if (offset % ss != 0 || size % ss != 0 || offset >= hostsize ||
	    hostsize > (uint64_t)INT64_MAX)
		return EINVAL;
	if (size == 0)
		size = rounddown(hostsize - offset, ss);
	if (size == 0 || size > hostsize - offset)
		return EINVAL;
	bd->bd_hostoff = offset;
	bd->bd_size = size;
	return 0;
}

/* Take the advisory lock the attach flags ask for. */
static int
blk_lock(struct blkdev *bd)
{
	int mode, error;

	if ((bd->bd_flags & BLK_LOCK) == 0)
		return 0;
	mode = (bd->bd_flags & BLK_RDONLY) ? HYP_LOCK_SH : HYP_LOCK_EX;
	if ((bd->bd_flags & BLK_LOCKWAIT) == 0)
		mode |= HYP_LOCK_NB;
	error = hyp_flock(bd->bd_fd, mode);
	if (error == EAGAIN)
		return EBUSY;
	if (error == 0)
		bd->bd_locked = true;
	return error;
}

/* Open the host file, size the device, lock it; closes on failure. */
static int
blk_open(struct blkdev *bd, uint64_t offset, uint64_t size)
{
	uint64_t hostsize;
	int error, oflags;

	oflags = (bd->bd_flags & BLK_RDONLY) ? HYP_O_RDONLY : HYP_O_RDWR;
	if ((bd->bd_flags & (BLK_CREATE | BLK_RDONLY)) == BLK_CREATE)
		oflags |= HYP_O_CREAT;
	if ((error = hyp_open(bd->bd_path, oflags, &bd->bd_fd)) != 0)
		return error;
	if ((error = hyp_fileinfo(bd->bd_fd, &hostsize, &bd->bd_ftype)) != 0)
		goto out_close;
	if (bd->bd_ftype == HYP_FT_OTHER) {
		error = EINVAL;
		goto out_close;
	}
	bd->bd_whole = offset == 0 && size == 0;
	if (hostsize < bd->bd_secsize && bd->bd_whole &&
	    (oflags & HYP_O_CREAT) && bd->bd_ftype == HYP_FT_REG) {
		/*
		 * A new file, or one too small to be a device: blk_truncate
		 * gives it its size.
		 */
		bd->bd_hostoff = bd->bd_size = 0;
	} else if ((error = blk_geometry(bd, hostsize, offset, size)) != 0) {
		goto out_close;
	}
	if ((error = blk_lock(bd)) != 0)
		goto out_close;
	bd->bd_mmap = bd->bd_ftype == HYP_FT_REG &&
	    (bd->bd_flags & BLK_NOMMAP) == 0;
	return 0;
out_close:
	(void)hyp_close(bd->bd_fd);
	bd->bd_fd = -1;
	return error;
}

/*
 * Make a device that is a whole regular host file exactly size bytes of
 * zeros (for fsu_newfs): the file is cut to nothing and grown again, so
 * nothing of its old contents is left and the new bytes are holes.
 * EOPNOTSUPP for a host device or a partition, EBUSY with a layer
 * stacked on the device.
 */
int
blk_truncate(struct blkdev *bd, uint64_t size)
{
	int error;

	if (bd->bd_ftype != HYP_FT_REG || !bd->bd_whole)
		return EOPNOTSUPP;
	if (blk_rdonly(bd))
		return EROFS;
	if (bd->bd_lops != NULL)
		return EBUSY;
	if (size == 0 || size % bd->bd_secsize != 0 ||
	    size > (uint64_t)INT64_MAX)
		return EINVAL;
	mutex_enter(&bd->bd_lock);
	win_destroyall(bd);
	/*
	 * The size first: if the host cannot make the file that large
	 * (EFBIG, ENOSPC), the file is left as it was.
	 */
	error = hyp_ftruncate(bd->bd_fd, size);
	if (error == 0)
		error = hyp_ftruncate(bd->bd_fd, 0);
	if (error == 0)
		error = hyp_ftruncate(bd->bd_fd, size);
	bd->bd_size = error == 0 ? size : 0;
	bd->bd_unsynced = true;
	mutex_exit(&bd->bd_lock);
	return error;
}

/* Say what was attached: the fault banner always, the rest if verbose. */
static void
blk_announce(const struct blkdev *bd)
{
	if (bd->bd_failrate != 0)
		kprintf("blk%d: FAULT INJECTION ACTIVE: %u of %d requests fail "
		    "with EIO, seed %llu\n", bd->bd_unit, bd->bd_failrate,
		    BLK_FAIL_SCALE, (unsigned long long)bd->bd_prng);
	if (bd->bd_failwrite != 0)
		kprintf("blk%d: FAULT INJECTION ACTIVE: write request %llu "
		    "fails with EIO\n", bd->bd_unit,
		    (unsigned long long)bd->bd_failwrite);
	if (bd->bd_failsync != 0)
		kprintf("blk%d: FAULT INJECTION ACTIVE: sync %llu fails with "
		    "EIO\n", bd->bd_unit, (unsigned long long)bd->bd_failsync);
	if (bd->bd_hasfailoff)
		kprintf("blk%d: FAULT INJECTION ACTIVE: requests covering "
		    "byte %llu fail with EIO\n", bd->bd_unit,
		    (unsigned long long)bd->bd_failoff);
	kverbose("blk%d: %s: %llu bytes at host offset %llu, %u-byte "
	    "sectors, %s\n", bd->bd_unit, bd->bd_path,
	    (unsigned long long)bd->bd_size,
	    (unsigned long long)bd->bd_hostoff, bd->bd_secsize,
	    bd->bd_mmap ? "mmap windows" : "pread/pwrite");
	if (bd->bd_mmap)
		kverbose("blk%d: up to %u windows of %zu bytes\n", bd->bd_unit,
		    bd->bd_wincount, bd->bd_winsize);
}

static void
blk_free(struct blkdev *bd)
{
	kmem_strfree(bd->bd_path);
	kmem_free(bd, sizeof(*bd));
}

/*
 * Attach [offset, offset + size) of the host file at path as a device
 * with secsize-byte sectors (0: 512) and return it in *bdp.  Maps
 * nothing: the windows are set up by the first requests.
 */
int
blk_attach(const char *path, int flags, uint64_t offset, uint64_t size,
    uint32_t secsize, struct blkdev **bdp)
{
	struct blkdev *bd;
	int error;

	if (secsize == 0)
		secsize = DEV_BSIZE;
	if (path == NULL || secsize < DEV_BSIZE || !powerof2(secsize))
		return EINVAL;
	if (strnlen(path, MAXPATHLEN) >= MAXPATHLEN)
		return ENAMETOOLONG;
	if ((bd = kmem_zalloc(sizeof(*bd))) == NULL)
		return ENOMEM;
	if ((bd->bd_path = kmem_strndup(path, MAXPATHLEN)) == NULL) {
		error = ENOMEM;
		goto out_free;
	}
	bd->bd_flags = flags;
	bd->bd_secsize = secsize;
	bd->bd_fd = -1;
	TAILQ_INIT(&bd->bd_lru);
	TAILQ_INIT(&bd->bd_allwin);
	blk_params_win(bd);
	blk_params_fail(bd);
	if ((error = blk_open(bd, offset, size)) != 0)
		goto out_free;
	if ((error = mutex_init(&bd->bd_lock)) != 0)
		goto out_close;
	if ((error = cv_init(&bd->bd_cv)) != 0)
		goto out_mutex;
	if ((error = unit_claim(bd)) != 0)
		goto out_cv;
	blk_announce(bd);
	*bdp = bd;
	return 0;
out_cv:
	cv_destroy(&bd->bd_cv);
out_mutex:
	mutex_destroy(&bd->bd_lock);
out_close:
	(void)hyp_close(bd->bd_fd);
out_free:
	blk_free(bd);
	return error;
}

/*
 * Detach: flush a writable device, unmap the windows, drop the lock,
 * close the host file and free the unit.  No window may still be held.
 * Returns the first error of the flush or the close; the device is gone
 * either way.
 */
int
blk_detach(struct blkdev *bd)
{
	int error = 0, e;

	KASSERT(bd->bd_lops == NULL);
	if (!blk_rdonly(bd))
		error = blk_devsync(bd);
	unit_release(bd);
	win_destroyall(bd);
	if (bd->bd_locked)
		(void)hyp_flock(bd->bd_fd, HYP_LOCK_UN);
	e = hyp_close(bd->bd_fd);
	if (error == 0)
		error = e;
	cv_destroy(&bd->bd_cv);
	mutex_destroy(&bd->bd_lock);
	blk_free(bd);
	return error;
}

/* ------------------------------------------------------------ accessors */

uint64_t
blk_size(const struct blkdev *bd)
{
	return bd->bd_size;
}

uint32_t
blk_secsize(const struct blkdev *bd)
{
	return bd->bd_secsize;
}

bool
blk_rdonly(const struct blkdev *bd)
{
	return (bd->bd_flags & BLK_RDONLY) != 0;
}

bool
blk_mmapped(const struct blkdev *bd)
{
	return __atomic_load_n(&bd->bd_mmap, __ATOMIC_ACQUIRE);
}

/* Is the host file a regular file (not a host device)? */
bool
blk_regular(const struct blkdev *bd)
{
	return bd->bd_ftype == HYP_FT_REG;
}

int
blk_unit(const struct blkdev *bd)
{
	return bd->bd_unit;
}

const char *
blk_path(const struct blkdev *bd)
{
	return bd->bd_path;
}

uint64_t
blk_hostoffset(const struct blkdev *bd)
{
	return bd->bd_hostoff;
}

/* The permission bits of the host file. */
int
blk_hostmode(const struct blkdev *bd, uint32_t *modep)
{
	return hyp_filemode(bd->bd_fd, modep);
}

void
blk_getstats(struct blkdev *bd, struct blk_stats *bs)
{
	mutex_enter(&bd->bd_lock);
	*bs = bd->bd_stats;
	mutex_exit(&bd->bd_lock);
}

/* The statistics on the console, three lines. */
void
blk_printstats(struct blkdev *bd)
{
	struct blk_stats bs;

	blk_getstats(bd, &bs);
	kprintf("blk%d: %s: %llu requests (%llu reads, %llu writes)\n",
	    bd->bd_unit, bd->bd_path, (unsigned long long)bs.bs_requests,
	    (unsigned long long)bs.bs_reads, (unsigned long long)bs.bs_writes);
	kprintf("blk%d:   %llu bytes read, %llu bytes written, %llu syncs, "
	    "%llu injected faults\n", bd->bd_unit,
	    (unsigned long long)bs.bs_bytes_read,
	    (unsigned long long)bs.bs_bytes_written,
	    (unsigned long long)bs.bs_syncs, (unsigned long long)bs.bs_faults);
	kprintf("blk%d:   windows: %llu hits, %llu maps, %llu waits\n",
	    bd->bd_unit, (unsigned long long)bs.bs_win_hits,
	    (unsigned long long)bs.bs_win_maps,
	    (unsigned long long)bs.bs_win_waits);
}
