/*
 * blk.h: a host file as a block device.
 *
 * A blkdev is a window [offset, offset + size) of a host file (a whole
 * image, or one partition of it) seen as a disk of sectors.  Requests are
 * byte offsets relative to the start of the device and must be multiples
 * of the sector size (512 unless configured otherwise).  A request that
 * starts exactly at the end of the device transfers 0 bytes and succeeds;
 * one that starts past the end fails with EINVAL; one that straddles the
 * end is truncated to the end.
 *
 * Two data paths:
 *  - mmap windows (the default for regular files): up to RUMP_BLKWINCOUNT
 *    windows (default 16) of RUMP_BLKWINSIZE bytes (default 1 MiB, a power
 *    of two), kept in LRU order with reference counts; a miss takes the
 *    least recently used window nobody references, and waits when every
 *    window is in use.  A synchronous write msyncs exactly the bytes it
 *    touched.
 *  - pread/pwrite: for host devices, when BLK_NOMMAP is given, or when the
 *    file cannot be mapped.
 *
 * Fault injection: RUMP_BLKFAIL=N makes N of every 10,000 requests fail
 * with EIO before any data moves; RUMP_BLKFAIL_SEED=S makes the sequence of
 * failures the same on every run.  FSU_BLKFAIL_NTH=N fails exactly the
 * Nth request of the process (counting from 1, every device, and the
 * journal's own host I/O before its commit record, see jrnl.h), once.
 * For tests of one precise point of one device: FSU_BLKFAIL_WRITE=N fails
 * only its Nth write request (counted from 1 at attach),
 * FSU_BLKFAIL_OFFSET=OFF every request covering its byte OFF, and
 * FSU_BLKFAIL_SYNC=N only its Nth flush to the host file (blk_devsync)
 * with something to make durable.
 *
 * Crash simulation: FSU_CRASH_AFTER=N lets the process make N host
 * writes or syncs (pwrite, a write into a mapped window, msync, fsync,
 * and the journal's writes, syncs and removal), and ends it at the next
 * one as a power cut would, with exit status 99 (HYP_CRASH_STATUS):
 * what was written before stays written, nothing after is.
 *
 * Layers: one layer (the journal, kern/dev/jrnl.c) may be stacked on a
 * device with blk_push().  blk_rw() and blk_sync() then go to the layer,
 * which reaches the host file through blk_devrw() and blk_devsync().
 * File systems report the blocks they allocate and free
 * (blk_txn_alloc, blk_txn_free) and a transaction that must not commit
 * (blk_txn_fail); without a layer these do nothing.
 *
 * A blkdev is safe to use from several threads: windows, statistics and the
 * fault generator are protected by the device's own lock.
 */
#ifndef _KERN_DEV_BLK_H_
#define _KERN_DEV_BLK_H_

#include "../sys/ktypes.h"

struct blkdev;
struct blk_window;

/* blk_attach() flags. */
#define BLK_RDONLY	0x01	/* open the host file read-only */
#define BLK_NOMMAP	0x02	/* use pread/pwrite only */
#define BLK_LOCK	0x04	/* take an advisory lock (shared if read-only) */
#define BLK_LOCKWAIT	0x08	/* with BLK_LOCK: wait for it instead of EBUSY */

/* blk_rw() flags. */
#define BLK_READ	0x00
#define BLK_WRITE	0x01
#define BLK_SYNC	0x02	/* write: durable on the host before return */
#define BLK_BULK	0x04	/* large data transfer: bypass the windows */

#define BLK_MAXUNITS	32	/* attached devices at once */

struct blk_stats {
	uint64_t	bs_requests;	/* read and write requests */
	uint64_t	bs_reads;
	uint64_t	bs_writes;
	uint64_t	bs_bytes_read;
	uint64_t	bs_bytes_written;
	uint64_t	bs_win_hits;	/* window found mapped */
	uint64_t	bs_win_maps;	/* window (re)mapped */
	uint64_t	bs_win_waits;	/* waited because all windows busy */
	uint64_t	bs_faults;	/* injected failures */
	uint64_t	bs_errors;	/* failed requests, injected or not */
	uint64_t	bs_syncs;	/* msync or fsync calls */
};

int	blk_init(void);
int	blk_attach(const char *, int, uint64_t, uint64_t, uint32_t,
	    struct blkdev **);
int	blk_detach(struct blkdev *);
int	blk_rw(struct blkdev *, int, uint64_t, const struct kiovec *, int,
	    size_t *);
int	blk_read(struct blkdev *, uint64_t, void *, size_t, size_t *);
int	blk_write(struct blkdev *, uint64_t, const void *, size_t, int,
	    size_t *);
int	blk_sync(struct blkdev *);

uint64_t blk_size(const struct blkdev *);
uint32_t blk_secsize(const struct blkdev *);
bool	blk_rdonly(const struct blkdev *);
bool	blk_mmapped(const struct blkdev *);
bool	blk_regular(const struct blkdev *);
int	blk_unit(const struct blkdev *);
struct blkdev *blk_lookup(int);
const char *blk_path(const struct blkdev *);
uint64_t blk_hostoffset(const struct blkdev *);
int	blk_hostmode(const struct blkdev *, uint32_t *);

void	blk_getstats(struct blkdev *, struct blk_stats *);
void	blk_printstats(struct blkdev *);

/* A layer stacked on a device (see above). */
struct blk_layerops {
	const char *lo_name;
	/* blk_rw and blk_sync of the device go here. */
	int	(*lo_rw)(void *, int, uint64_t, const struct kiovec *, int,
		    size_t *);
	int	(*lo_sync)(void *);
	/* Blocks (device byte offset, length) allocated or freed. */
	void	(*lo_alloc)(void *, uint64_t, uint64_t);
	void	(*lo_free)(void *, uint64_t, uint64_t);
	/* The changes made so far must not be committed. */
	void	(*lo_fail)(void *);
	/* Whether writes become visible on the image all at once. */
	bool	(*lo_atomic)(void *);
};

void	blk_push(struct blkdev *, const struct blk_layerops *, void *);
void	blk_pop(struct blkdev *);
void	*blk_layer(const struct blkdev *, const struct blk_layerops *);
bool	blk_atomic(const struct blkdev *);
void	blk_txn_alloc(struct blkdev *, uint64_t, uint64_t);
void	blk_txn_free(struct blkdev *, uint64_t, uint64_t);
void	blk_txn_fail(struct blkdev *);
int	blk_devrw(struct blkdev *, int, uint64_t, const struct kiovec *, int,
	    size_t *);
int	blk_devsync(struct blkdev *);

/* Test hooks, for layers that make host I/O of their own. */
int	blk_fault(struct blkdev *, int, uint64_t, size_t);
void	blk_crashpoint(void);

/*
 * Direct access to a mapped window (mmap path only): pins the window that
 * holds device offset off and returns its address for off and the bytes
 * available up to the window's end.  blk_window_put() unpins it.  Used by
 * the tests to hold windows busy.
 */
int	blk_window_get(struct blkdev *, uint64_t, void **, size_t *,
	    struct blk_window **);
void	blk_window_put(struct blkdev *, struct blk_window *);

#endif /* !_KERN_DEV_BLK_H_ */
