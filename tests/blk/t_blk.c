/*
 * t_blk.c: the block device over a host file: both data paths (mmap
 * windows and pread/pwrite), host offsets, bounds, read-only devices,
 * window LRU and waiting, fault injection, sync and advisory locks.
 *
 * Images hold h_pattern() data: seed IMG_SEED at host offsets for what
 * the image held before the test, seed DATA_SEED at device offsets for
 * what the test wrote through the device.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../kern/dev/blk.h"
#include "../../kern/sys/init.h"
#include "../../lib/hyp_errno.h"
#include "../common/h_util.h"

#define IMG		"img"
#define IMG_SEED	1
#define DATA_SEED	2
#define KIB		1024
#define MIB		(1024 * 1024)
#define WIN		(64 * KIB)	/* window size for most cases */
#define MIN(a, b)	((a) < (b) ? (a) : (b))

/* ------------------------------------------------------------- helpers */

static void
env_clear(void)
{
	unsetenv("RUMP_BLKWINSIZE");
	unsetenv("RUMP_BLKWINCOUNT");
	unsetenv("RUMP_BLKFAIL");
	unsetenv("RUMP_BLKFAIL_SEED");
}

/* Boot with a clean environment and the given window geometry (0: unset). */
static void
setup(size_t winsize, int wincount)
{
	char buf[32];

	env_clear();
	if (winsize != 0) {
		snprintf(buf, sizeof(buf), "%zu", winsize);
		setenv("RUMP_BLKWINSIZE", buf, 1);
	}
	if (wincount != 0) {
		snprintf(buf, sizeof(buf), "%d", wincount);
		setenv("RUMP_BLKWINCOUNT", buf, 1);
	}
	ATF_REQUIRE_EQ(kern_boot(), 0);
}

/* An image of the given size full of the IMG_SEED pattern. */
static void
mkimg(const char *path, size_t size)
{
	char *buf;
	int fd;

	h_mkfile(path, size);
	buf = malloc(size);
	ATF_REQUIRE(buf != NULL);
	h_fill(buf, size, IMG_SEED, 0);
	fd = open(path, O_WRONLY);
	ATF_REQUIRE(fd != -1);
	ATF_REQUIRE_EQ(pwrite(fd, buf, size, 0), (ssize_t)size);
	close(fd);
	free(buf);
}

/* The host's view of a file range, compared with a pattern. */
static long long
host_check(const char *path, off_t off, size_t len, uint64_t seed,
    uint64_t patoff)
{
	long long bad;
	char *buf;
	int fd;

	buf = malloc(len);
	ATF_REQUIRE(buf != NULL);
	fd = open(path, O_RDONLY);
	ATF_REQUIRE(fd != -1);
	ATF_REQUIRE_EQ(pread(fd, buf, len, off), (ssize_t)len);
	close(fd);
	bad = h_check(buf, len, seed, patoff);
	free(buf);
	return bad;
}

static struct blkdev *
xattach(const char *path, int flags, uint64_t off, uint64_t size)
{
	struct blkdev *bd = NULL;
	int error;

	error = blk_attach(path, flags, off, size, 0, &bd);
	ATF_REQUIRE_MSG(error == 0, "blk_attach %s: error %d", path, error);
	ATF_REQUIRE_EQ(blk_mmapped(bd), (flags & BLK_NOMMAP) == 0);
	return bd;
}

/* Read len bytes at off and require them all to match the pattern. */
static void
read_check(struct blkdev *bd, uint64_t off, size_t len, uint64_t seed,
    uint64_t patoff)
{
	size_t done;
	char *buf;

	buf = malloc(len);
	ATF_REQUIRE(buf != NULL);
	ATF_REQUIRE_EQ(blk_read(bd, off, buf, len, &done), 0);
	ATF_REQUIRE_EQ(done, len);
	ATF_REQUIRE_EQ_MSG(h_check(buf, len, seed, patoff), -1,
	    "bad data reading %zu bytes at %llu", len,
	    (unsigned long long)off);
	free(buf);
}

/* Write len bytes of DATA_SEED pattern at device offset off. */
static void
write_pat(struct blkdev *bd, uint64_t off, size_t len, int flags)
{
	size_t done;
	char *buf;

	buf = malloc(len);
	ATF_REQUIRE(buf != NULL);
	h_fill(buf, len, DATA_SEED, off);
	ATF_REQUIRE_EQ(blk_write(bd, off, buf, len, flags, &done), 0);
	ATF_REQUIRE_EQ(done, len);
	free(buf);
}

static struct blk_stats
stats(struct blkdev *bd)
{
	struct blk_stats bs;

	blk_getstats(bd, &bs);
	return bs;
}

static void
finish(struct blkdev *bd)
{
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	kern_halt();
}

/* One test case per data path from a body taking the attach flags. */
#define BLK_TC_BOTH(name, descr)					\
ATF_TC(name##_mmap);							\
ATF_TC_HEAD(name##_mmap, tc)						\
{									\
	atf_tc_set_md_var(tc, "descr", descr " (mmap windows)");	\
}									\
ATF_TC_BODY(name##_mmap, tc)						\
{									\
	name(0);							\
}									\
ATF_TC(name##_nommap);							\
ATF_TC_HEAD(name##_nommap, tc)						\
{									\
	atf_tc_set_md_var(tc, "descr", descr " (pread/pwrite)");	\
}									\
ATF_TC_BODY(name##_nommap, tc)						\
{									\
	name(BLK_NOMMAP);						\
}

#define ADD_BOTH(tp, name) do {						\
	ATF_TP_ADD_TC(tp, name##_mmap);					\
	ATF_TP_ADD_TC(tp, name##_nommap);				\
} while (0)

/* ---------------------------------------------------------- data paths */

static void
roundtrip(int flags)
{
	char a[100], b[924], c[1024], d[2048];
	struct kiovec wv[3] = { { a, sizeof(a) }, { b, sizeof(b) },
	    { c, sizeof(c) } };
	struct kiovec rv[2] = { { d, 1536 }, { d + 1536, 512 } };
	struct blk_stats bs;
	struct blkdev *bd;
	size_t done;

	setup(WIN, 0);
	mkimg(IMG, MIB);
	bd = xattach(IMG, flags, 0, 0);
	ATF_REQUIRE_EQ(blk_size(bd), MIB);
	ATF_REQUIRE_EQ(blk_secsize(bd), 512);

	write_pat(bd, 0, 4096, 0);
	write_pat(bd, WIN - 4096, 8192, 0);	/* crosses a window end */
	write_pat(bd, MIB - 512, 512, 0);
	read_check(bd, 0, 4096, DATA_SEED, 0);
	read_check(bd, WIN - 4096, 8192, DATA_SEED, WIN - 4096);
	read_check(bd, MIB - 512, 512, DATA_SEED, MIB - 512);
	read_check(bd, 4096, 8192, IMG_SEED, 4096);
	ATF_REQUIRE_EQ(host_check(IMG, 0, 4096, DATA_SEED, 0), -1);
	ATF_REQUIRE_EQ(host_check(IMG, WIN - 4096, 8192, DATA_SEED,
	    WIN - 4096), -1);
	ATF_REQUIRE_EQ(host_check(IMG, MIB - 512, 512, DATA_SEED, MIB - 512),
	    -1);
	ATF_REQUIRE_EQ(host_check(IMG, 4096, WIN - 8192, IMG_SEED, 4096), -1);

	/* Vectors that are not sector multiples, but whose total is. */
	h_fill(a, sizeof(a), DATA_SEED, 8192);
	h_fill(b, sizeof(b), DATA_SEED, 8192 + 100);
	h_fill(c, sizeof(c), DATA_SEED, 8192 + 1024);
	ATF_REQUIRE_EQ(blk_rw(bd, BLK_WRITE, 8192, wv, 3, &done), 0);
	ATF_REQUIRE_EQ(done, 2048);
	ATF_REQUIRE_EQ(blk_rw(bd, BLK_READ, 8192, rv, 2, &done), 0);
	ATF_REQUIRE_EQ(done, 2048);
	ATF_REQUIRE_EQ(h_check(d, sizeof(d), DATA_SEED, 8192), -1);
	ATF_REQUIRE_EQ(host_check(IMG, 8192, 2048, DATA_SEED, 8192), -1);

	bs = stats(bd);
	ATF_REQUIRE_EQ(bs.bs_writes, 4);
	ATF_REQUIRE_EQ(bs.bs_reads, 5);
	ATF_REQUIRE_EQ(bs.bs_requests, 9);
	ATF_REQUIRE_EQ(bs.bs_bytes_written, 4096 + 8192 + 512 + 2048);
	ATF_REQUIRE_EQ(bs.bs_bytes_read, 4096 + 8192 + 512 + 8192 + 2048);
	ATF_REQUIRE_EQ(bs.bs_faults, 0);
	if (flags & BLK_NOMMAP)
		ATF_REQUIRE_EQ(bs.bs_win_maps + bs.bs_win_hits, 0);
	else
		ATF_REQUIRE(bs.bs_win_maps >= 3);
	blk_printstats(bd);
	finish(bd);
	ATF_REQUIRE_EQ(host_check(IMG, WIN - 4096, 8192, DATA_SEED,
	    WIN - 4096), -1);
}
BLK_TC_BOTH(roundtrip, "patterned data written through the device reads "
    "back the same, through the device and through the host")

/*
 * A partition that starts at a sector-aligned but not page-aligned host
 * offset and does not end on a window boundary.
 */
static void
partition(int flags)
{
	const uint64_t hoff = 3 * WIN + 1536, size = MIB + 2560;
	const size_t imgsize = 3 * MIB, chunk = 24576;
	struct blkdev *bd;
	struct stat st;
	uint64_t off;
	size_t done;
	char buf[512];

	setup(WIN, 4);
	mkimg(IMG, imgsize);
	bd = xattach(IMG, flags, hoff, size);
	ATF_REQUIRE_EQ(blk_size(bd), size);
	ATF_REQUIRE_EQ(blk_hostoffset(bd), hoff);

	/* Device byte 0 is host byte hoff. */
	for (off = 0; off < size; off += chunk)
		read_check(bd, off, (size_t)MIN(chunk, size - off), IMG_SEED,
		    hoff + off);
	ATF_REQUIRE_EQ(blk_read(bd, size, buf, sizeof(buf), &done), 0);
	ATF_REQUIRE_EQ(done, 0);

	for (off = 0; off < size; off += chunk)
		write_pat(bd, off, (size_t)MIN(chunk, size - off), 0);
	for (off = 0; off < size; off += chunk)
		read_check(bd, off, (size_t)MIN(chunk, size - off), DATA_SEED,
		    off);
	finish(bd);

	/* Exactly the partition changed, and the file did not grow. */
	ATF_REQUIRE_EQ(host_check(IMG, 0, hoff, IMG_SEED, 0), -1);
	ATF_REQUIRE_EQ(host_check(IMG, hoff, size, DATA_SEED, 0), -1);
	ATF_REQUIRE_EQ(host_check(IMG, hoff + size, imgsize - hoff - size,
	    IMG_SEED, hoff + size), -1);
	ATF_REQUIRE_EQ(stat(IMG, &st), 0);
	ATF_REQUIRE_EQ(st.st_size, (off_t)imgsize);
}
BLK_TC_BOTH(partition, "a device at a nonzero host offset reads and "
    "writes exactly its own bytes of the host file")

static void
bounds(int flags)
{
	const uint64_t hoff = 32 * KIB, size = 64 * KIB;
	char buf[4096], half1[100], half2[412];
	struct kiovec iov[2] = { { half1, sizeof(half1) },
	    { half2, sizeof(half2) } };
	struct blkdev *bd;
	size_t done;

	setup(WIN, 0);
	mkimg(IMG, 128 * KIB);
	bd = xattach(IMG, flags, hoff, size);

	/* At the end: nothing moves, no error. */
	done = 1;
	ATF_REQUIRE_EQ(blk_read(bd, size, buf, 512, &done), 0);
	ATF_REQUIRE_EQ(done, 0);
	ATF_REQUIRE_EQ(blk_write(bd, size, buf, 512, 0, &done), 0);
	ATF_REQUIRE_EQ(done, 0);
	/* Past the end. */
	ATF_REQUIRE_EQ(blk_read(bd, size + 512, buf, 512, &done), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_write(bd, size + 512, buf, 512, 0, &done),
	    HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_read(bd, UINT64_MAX - 511, buf, 512, &done),
	    HYP_EINVAL);
	/* Straddling the end: truncated, the rest of the buffer untouched. */
	memset(buf, 0xAA, sizeof(buf));
	ATF_REQUIRE_EQ(blk_read(bd, size - 1024, buf, sizeof(buf), &done), 0);
	ATF_REQUIRE_EQ(done, 1024);
	ATF_REQUIRE_EQ(h_check(buf, 1024, IMG_SEED, hoff + size - 1024), -1);
	ATF_REQUIRE(buf[1024] == (char)0xAA && buf[4095] == (char)0xAA);
	h_fill(buf, sizeof(buf), DATA_SEED, size - 1024);
	ATF_REQUIRE_EQ(blk_write(bd, size - 1024, buf, sizeof(buf), 0, &done),
	    0);
	ATF_REQUIRE_EQ(done, 1024);
	/* Unaligned offset or length. */
	ATF_REQUIRE_EQ(blk_read(bd, 100, buf, 512, &done), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_read(bd, 512, buf, 100, &done), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_write(bd, 512, buf, 1000, 0, &done), HYP_EINVAL);
	ATF_REQUIRE_EQ(done, 0);
	ATF_REQUIRE_EQ(blk_rw(bd, BLK_READ, 0, iov, 1, &done), HYP_EINVAL);
	/* Empty requests and unaligned vectors with an aligned total. */
	ATF_REQUIRE_EQ(blk_read(bd, 0, buf, 0, &done), 0);
	ATF_REQUIRE_EQ(done, 0);
	ATF_REQUIRE_EQ(blk_rw(bd, BLK_READ, 512, iov, 2, &done), 0);
	ATF_REQUIRE_EQ(done, 512);
	ATF_REQUIRE_EQ(h_check(half1, sizeof(half1), IMG_SEED, hoff + 512),
	    -1);
	ATF_REQUIRE_EQ(h_check(half2, sizeof(half2), IMG_SEED, hoff + 612),
	    -1);
	finish(bd);

	ATF_REQUIRE_EQ(host_check(IMG, hoff + size - 1024, 1024, DATA_SEED,
	    size - 1024), -1);
	ATF_REQUIRE_EQ(host_check(IMG, hoff + size, 32 * KIB, IMG_SEED,
	    hoff + size), -1);
}
BLK_TC_BOTH(bounds, "requests at, past and across the device end, and "
    "unaligned requests")

static void
rdonly(int flags)
{
	struct blkdev *bd;
	size_t done;
	char buf[4096];

	setup(WIN, 0);
	mkimg(IMG, 256 * KIB);
	ATF_REQUIRE_EQ(chmod(IMG, 0444), 0);
	bd = xattach(IMG, flags | BLK_RDONLY, 0, 0);
	ATF_REQUIRE(blk_rdonly(bd));
	memset(buf, 0x55, sizeof(buf));
	done = 1;
	ATF_REQUIRE_EQ(blk_write(bd, 0, buf, sizeof(buf), 0, &done),
	    HYP_EROFS);
	ATF_REQUIRE_EQ(done, 0);
	ATF_REQUIRE_EQ(blk_write(bd, WIN, buf, sizeof(buf), BLK_SYNC, &done),
	    HYP_EROFS);
	read_check(bd, 0, 8192, IMG_SEED, 0);
	read_check(bd, 200 * KIB, 8192, IMG_SEED, 200 * KIB);
	ATF_REQUIRE_EQ(blk_sync(bd), 0);
	ATF_REQUIRE_EQ(stats(bd).bs_writes, 0);
	finish(bd);
	ATF_REQUIRE_EQ(host_check(IMG, 0, 256 * KIB, IMG_SEED, 0), -1);
}
BLK_TC_BOTH(rdonly, "a read-only device refuses writes with EROFS and "
    "leaves the file unchanged")

/* One request of 100 vectors of 2 KiB that spans five windows. */
static void
span(int flags)
{
	enum { NV = 100, VLEN = 2048 };
	const uint64_t off = WIN - 4096;
	struct kiovec iov[NV];
	struct blk_stats bs;
	struct blkdev *bd;
	char *buf, *one;
	size_t done;
	int i;

	setup(WIN, 0);
	mkimg(IMG, 512 * KIB);
	buf = malloc(NV * VLEN);
	one = malloc(NV * VLEN);
	ATF_REQUIRE(buf != NULL && one != NULL);
	bd = xattach(IMG, flags, 0, 0);

	/* Scattered vectors out, one buffer back, and the other way. */
	for (i = 0; i < NV; i++) {
		iov[i].iov_base = buf + (size_t)(NV - 1 - i) * VLEN;
		iov[i].iov_len = VLEN;
		h_fill(iov[i].iov_base, VLEN, DATA_SEED, off + i * VLEN);
	}
	ATF_REQUIRE_EQ(blk_rw(bd, BLK_WRITE, off, iov, NV, &done), 0);
	ATF_REQUIRE_EQ(done, NV * VLEN);
	read_check(bd, off, NV * VLEN, DATA_SEED, off);
	ATF_REQUIRE_EQ(host_check(IMG, off, NV * VLEN, DATA_SEED, off), -1);

	memset(buf, 0, NV * VLEN);
	h_fill(one, NV * VLEN, IMG_SEED, off);
	ATF_REQUIRE_EQ(blk_write(bd, off, one, NV * VLEN, 0, &done), 0);
	ATF_REQUIRE_EQ(blk_rw(bd, BLK_READ, off, iov, NV, &done), 0);
	ATF_REQUIRE_EQ(done, NV * VLEN);
	for (i = 0; i < NV; i++)
		ATF_REQUIRE_EQ(h_check(iov[i].iov_base, VLEN, IMG_SEED,
		    off + i * VLEN), -1);

	bs = stats(bd);
	if ((flags & BLK_NOMMAP) == 0) {
		/* Windows 0..4, each mapped once, then hit three times. */
		ATF_REQUIRE_EQ(bs.bs_win_maps, 5);
		ATF_REQUIRE_EQ(bs.bs_win_hits, 15);
	}
	finish(bd);
	free(buf);
	free(one);
}
BLK_TC_BOTH(span, "a request of many vectors spanning several windows "
    "moves every byte to the right place")

static void
sync_write(int flags)
{
	struct blk_stats bs0, bs;
	struct blkdev *bd;

	setup(WIN, 0);
	mkimg(IMG, 256 * KIB);
	bd = xattach(IMG, flags, 0, 0);
	write_pat(bd, 8192, 4096, 0);
	ATF_REQUIRE_EQ(stats(bd).bs_syncs, 0);
	bs0 = stats(bd);
	write_pat(bd, 16384, 8192, BLK_SYNC);
	bs = stats(bd);
	ATF_REQUIRE_EQ(bs.bs_syncs - bs0.bs_syncs, 1);
	/* Visible to the host while still attached. */
	ATF_REQUIRE_EQ(host_check(IMG, 16384, 8192, DATA_SEED, 16384), -1);
	ATF_REQUIRE_EQ(host_check(IMG, 8192, 4096, DATA_SEED, 8192), -1);
	/* A synchronous write across a window end syncs each piece. */
	write_pat(bd, WIN - 2048, 4096, BLK_SYNC);
	ATF_REQUIRE_EQ(stats(bd).bs_syncs - bs.bs_syncs,
	    (flags & BLK_NOMMAP) ? 1 : 2);
	ATF_REQUIRE_EQ(host_check(IMG, WIN - 2048, 4096, DATA_SEED,
	    WIN - 2048), -1);
	bs = stats(bd);
	ATF_REQUIRE_EQ(blk_sync(bd), 0);
	ATF_REQUIRE(stats(bd).bs_syncs > bs.bs_syncs);
	finish(bd);
	ATF_REQUIRE_EQ(host_check(IMG, 0, 8192, IMG_SEED, 0), -1);
}
BLK_TC_BOTH(sync_write, "a BLK_SYNC write is synced and visible in the "
    "host file")

/* ------------------------------------------------------------- windows */

static void
touch(struct blkdev *bd, uint64_t off)
{
	read_check(bd, off, 512, IMG_SEED, off);
}

ATF_TC(lru);
ATF_TC_HEAD(lru, tc)
{
	atf_tc_set_md_var(tc, "descr", "with two windows, A B A C evicts B; "
	    "a referenced window at the LRU tail is skipped, not waited for");
}
ATF_TC_BODY(lru, tc)
{
	const uint64_t A = 0, B = WIN, C = 2 * WIN;
	struct blk_window *w;
	struct blk_stats bs;
	struct blkdev *bd;
	void *addr;
	size_t len;

	setup(WIN, 2);
	mkimg(IMG, 512 * KIB);
	bd = xattach(IMG, 0, 0, 0);
	bs = stats(bd);
	ATF_REQUIRE_EQ(bs.bs_win_maps, 0);	/* nothing mapped at attach */

	touch(bd, A);
	touch(bd, B);
	touch(bd, A + 512);
	touch(bd, C);
	bs = stats(bd);
	ATF_REQUIRE_EQ(bs.bs_win_maps, 3);
	ATF_REQUIRE_EQ(bs.bs_win_hits, 1);
	touch(bd, A + 1024);			/* A survived */
	ATF_REQUIRE_EQ(stats(bd).bs_win_hits, 2);
	ATF_REQUIRE_EQ(stats(bd).bs_win_maps, 3);
	touch(bd, B + 512);			/* B did not: evicts C */
	ATF_REQUIRE_EQ(stats(bd).bs_win_maps, 4);

	/* Now B (head), A (tail).  Pin A, use B: A is the pinned tail. */
	ATF_REQUIRE_EQ(blk_window_get(bd, A, &addr, &len, &w), 0);
	ATF_REQUIRE_EQ(len, WIN);
	ATF_REQUIRE_EQ(h_check(addr, 512, IMG_SEED, A), -1);
	touch(bd, B);
	touch(bd, C);				/* must evict B, not wait */
	bs = stats(bd);
	ATF_REQUIRE_EQ(bs.bs_win_waits, 0);
	ATF_REQUIRE_EQ(bs.bs_win_maps, 5);
	blk_window_put(bd, w);
	touch(bd, A);
	ATF_REQUIRE_EQ(stats(bd).bs_win_maps, 5);
	finish(bd);
}

struct waiter {
	struct blkdev	*bd;
	uint64_t	off;
	char		buf[8192];
	size_t		done;
	int		error;
	int		finished;
};

static void *
waiter_main(void *arg)
{
	struct waiter *wt = arg;

	wt->error = blk_read(wt->bd, wt->off, wt->buf, sizeof(wt->buf),
	    &wt->done);
	__atomic_store_n(&wt->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

ATF_TC(window_wait);
ATF_TC_HEAD(window_wait, tc)
{
	atf_tc_set_md_var(tc, "descr", "with every window pinned, I/O on "
	    "another window waits until one is released");
	atf_tc_set_md_var(tc, "timeout", "60");
}
ATF_TC_BODY(window_wait, tc)
{
	struct blk_window *w;
	struct waiter wt;
	struct blkdev *bd;
	pthread_t t;
	void *addr;
	size_t len;
	int i;

	setup(WIN, 1);
	mkimg(IMG, 256 * KIB);
	bd = xattach(IMG, 0, 0, 0);
	ATF_REQUIRE_EQ(blk_window_get(bd, 4096, &addr, &len, &w), 0);
	ATF_REQUIRE_EQ(len, WIN - 4096);
	ATF_REQUIRE_EQ(h_check(addr, len, IMG_SEED, 4096), -1);

	memset(&wt, 0, sizeof(wt));
	wt.bd = bd;
	wt.off = 2 * WIN + 8192;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, waiter_main, &wt), 0);
	for (i = 0; i < 10000 && stats(bd).bs_win_waits == 0; i++)
		sleep_ms(1);
	ATF_REQUIRE_EQ(stats(bd).bs_win_waits, 1);
	sleep_ms(100);
	ATF_REQUIRE_EQ(__atomic_load_n(&wt.finished, __ATOMIC_ACQUIRE), 0);

	blk_window_put(bd, w);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_REQUIRE_EQ(wt.error, 0);
	ATF_REQUIRE_EQ(wt.done, sizeof(wt.buf));
	ATF_REQUIRE_EQ(h_check(wt.buf, sizeof(wt.buf), IMG_SEED, wt.off), -1);
	ATF_REQUIRE_EQ(stats(bd).bs_win_waits, 1);
	ATF_REQUIRE_EQ(stats(bd).bs_win_maps, 2);
	finish(bd);
}

struct worker {
	struct blkdev	*bd;
	uint64_t	base;
	int		error;
	long long	bad;
};

#define WORK_REGION	(256 * KIB)
#define WORK_PIECE	(16 * KIB)

/* Write a region piece by piece, then read it back twice. */
static void *
worker_main(void *arg)
{
	struct worker *wk = arg;
	char buf[WORK_PIECE];
	uint64_t off;
	size_t done;
	int pass;

	for (pass = 0; pass < 3; pass++) {
		for (off = wk->base; off < wk->base + WORK_REGION;
		    off += WORK_PIECE) {
			h_fill(buf, sizeof(buf), DATA_SEED, off);
			if (pass == 0)
				wk->error = blk_write(wk->bd, off, buf,
				    sizeof(buf), 0, &done);
			else
				wk->error = blk_read(wk->bd, off, buf,
				    sizeof(buf), &done);
			if (wk->error != 0)
				return NULL;
			if (pass > 0 && (wk->bad = h_check(buf, sizeof(buf),
			    DATA_SEED, off)) != -1)
				return NULL;
		}
	}
	return NULL;
}

ATF_TC(threads);
ATF_TC_HEAD(threads, tc)
{
	atf_tc_set_md_var(tc, "descr", "four threads doing I/O through two "
	    "windows keep their data apart");
	atf_tc_set_md_var(tc, "timeout", "120");
}
ATF_TC_BODY(threads, tc)
{
	enum { NT = 4 };
	struct worker wk[NT];
	pthread_t t[NT];
	struct blk_stats bs;
	struct blkdev *bd;
	int i;

	setup(WIN, 2);
	mkimg(IMG, NT * (WORK_REGION + 4 * KIB));
	bd = xattach(IMG, 0, 0, 0);
	for (i = 0; i < NT; i++) {
		wk[i].bd = bd;
		wk[i].base = (uint64_t)i * (WORK_REGION + 4 * KIB);
		wk[i].error = 0;
		wk[i].bad = -1;
		ATF_REQUIRE_EQ(pthread_create(&t[i], NULL, worker_main,
		    &wk[i]), 0);
	}
	for (i = 0; i < NT; i++) {
		ATF_REQUIRE_EQ(pthread_join(t[i], NULL), 0);
		ATF_REQUIRE_EQ_MSG(wk[i].error, 0, "worker %d: error %d", i,
		    wk[i].error);
		ATF_REQUIRE_EQ_MSG(wk[i].bad, -1, "worker %d: bad byte", i);
	}
	bs = stats(bd);
	ATF_REQUIRE_EQ(bs.bs_bytes_written, (uint64_t)NT * WORK_REGION);
	ATF_REQUIRE_EQ(bs.bs_bytes_read, (uint64_t)NT * 2 * WORK_REGION);
	finish(bd);
	for (i = 0; i < NT; i++)
		ATF_REQUIRE_EQ(host_check(IMG, (off_t)wk[i].base, WORK_REGION,
		    DATA_SEED, wk[i].base), -1);
}

ATF_TC(env_windows);
ATF_TC_HEAD(env_windows, tc)
{
	atf_tc_set_md_var(tc, "descr", "RUMP_BLKWINSIZE and RUMP_BLKWINCOUNT "
	    "are honoured, and invalid values fall back to the defaults");
}
ATF_TC_BODY(env_windows, tc)
{
	static const char *bad[] = { "12k", "0", "junk", "100" };
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), len;
	struct blk_window *w;
	struct blkdev *bd;
	void *addr;
	char buf[32];
	size_t i;

	setup(0, 0);
	mkimg(IMG, 4 * MIB);
	snprintf(buf, sizeof(buf), "%zu", 2 * pg);
	setenv("RUMP_BLKWINSIZE", buf, 1);
	bd = xattach(IMG, 0, 0, 0);
	ATF_REQUIRE_EQ(blk_window_get(bd, 0, &addr, &len, &w), 0);
	ATF_REQUIRE_EQ(len, 2 * pg);
	blk_window_put(bd, w);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("RUMP_BLKWINSIZE", bad[i], 1);
		bd = xattach(IMG, 0, 0, 0);
		ATF_REQUIRE_EQ(blk_window_get(bd, 512, &addr, &len, &w), 0);
		ATF_REQUIRE_EQ_MSG(len, MIB - 512, "RUMP_BLKWINSIZE=%s",
		    bad[i]);
		blk_window_put(bd, w);
		ATF_REQUIRE_EQ(blk_detach(bd), 0);
	}

	/* Three windows: A B C D A maps five times. */
	setenv("RUMP_BLKWINSIZE", "64k", 1);
	setenv("RUMP_BLKWINCOUNT", "3", 1);
	bd = xattach(IMG, 0, 0, 0);
	for (i = 0; i < 5; i++)
		touch(bd, (i % 4) * WIN);
	ATF_REQUIRE_EQ(stats(bd).bs_win_maps, 5);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	/* A bad count keeps sixteen windows: A B C D A hits A. */
	setenv("RUMP_BLKWINCOUNT", "0", 1);
	bd = xattach(IMG, 0, 0, 0);
	for (i = 0; i < 5; i++)
		touch(bd, (i % 4) * WIN);
	ATF_REQUIRE_EQ(stats(bd).bs_win_maps, 4);
	finish(bd);
}

/* The process's address space in use, in bytes; 0 if unknown. */
static uint64_t
vmsize(void)
{
	unsigned long long pages = 0;
	FILE *f;

	if ((f = fopen("/proc/self/statm", "r")) == NULL)
		return 0;
	if (fscanf(f, "%llu", &pages) != 1)
		pages = 0;
	fclose(f);
	return pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

ATF_TC(mmap_fallback);
ATF_TC_HEAD(mmap_fallback, tc)
{
	atf_tc_set_md_var(tc, "descr", "when a window cannot be mapped, the "
	    "request and all later ones go through pread/pwrite");
}
ATF_TC_BODY(mmap_fallback, tc)
{
	struct rlimit rl, tight;
	struct blk_stats bs;
	struct blkdev *bd;
	uint64_t vm;
	size_t done;
	int error;
	char buf[8192];

#ifdef __SANITIZE_ADDRESS__
	atf_tc_skip("the address-space limit used here starves the sanitizer");
#endif
	setup(0, 0);
	mkimg(IMG, 4 * MIB);
	bd = xattach(IMG, 0, 0, 0);
	if ((vm = vmsize()) == 0)
		atf_tc_skip("cannot read /proc/self/statm");
	/* Room for small allocations, none for a 1 MiB window. */
	ATF_REQUIRE_EQ(getrlimit(RLIMIT_AS, &rl), 0);
	tight = rl;
	tight.rlim_cur = (rlim_t)(vm + 256 * KIB);
	ATF_REQUIRE_EQ(setrlimit(RLIMIT_AS, &tight), 0);
	h_fill(buf, sizeof(buf), DATA_SEED, 8192);
	error = blk_write(bd, 8192, buf, sizeof(buf), 0, &done);
	ATF_REQUIRE_EQ(setrlimit(RLIMIT_AS, &rl), 0);

	ATF_REQUIRE_EQ(error, 0);
	ATF_REQUIRE_EQ(done, sizeof(buf));
	ATF_REQUIRE(!blk_mmapped(bd));
	read_check(bd, 8192, sizeof(buf), DATA_SEED, 8192);
	read_check(bd, 2 * MIB, 4096, IMG_SEED, 2 * MIB);
	bs = stats(bd);
	ATF_REQUIRE_EQ(bs.bs_win_maps, 0);
	ATF_REQUIRE_EQ(bs.bs_bytes_written, sizeof(buf));
	finish(bd);
	ATF_REQUIRE_EQ(host_check(IMG, 8192, sizeof(buf), DATA_SEED, 8192),
	    -1);
}

/* ------------------------------------------------------ fault injection */

ATF_TC(fault_rate);
ATF_TC_HEAD(fault_rate, tc)
{
	atf_tc_set_md_var(tc, "descr", "RUMP_BLKFAIL=1000 fails about one "
	    "request in ten, moving nothing");
}
ATF_TC_BODY(fault_rate, tc)
{
	enum { N = 20000 };
	struct blk_stats bs;
	struct blkdev *bd;
	char buf[512];
	size_t done;
	int i, error, fails = 0;

	setup(WIN, 0);
	mkimg(IMG, 256 * KIB);
	setenv("RUMP_BLKFAIL", "1000", 1);
	bd = xattach(IMG, 0, 0, 0);
	for (i = 0; i < N; i++) {
		uint64_t off = (uint64_t)(i % 512) * 512;

		memset(buf, 0, sizeof(buf));
		error = blk_read(bd, off, buf, sizeof(buf), &done);
		if (error == HYP_EIO) {
			fails++;
			ATF_REQUIRE_EQ(done, 0);
			ATF_REQUIRE(buf[0] == 0 && buf[511] == 0);
			continue;
		}
		ATF_REQUIRE_EQ(error, 0);
		ATF_REQUIRE_EQ(h_check(buf, sizeof(buf), IMG_SEED, off), -1);
	}
	/* Mean 2000, standard deviation about 42. */
	ATF_REQUIRE_MSG(fails >= 1700 && fails <= 2300, "%d failures", fails);
	bs = stats(bd);
	ATF_REQUIRE_EQ(bs.bs_faults, (uint64_t)fails);
	ATF_REQUIRE_EQ(bs.bs_requests, N);
	ATF_REQUIRE_EQ(bs.bs_bytes_read, (uint64_t)(N - fails) * 512);
	finish(bd);
}

/* The failure pattern of n mixed requests as a string of 0 and 1. */
static void
fault_pattern(const char *seed, int flags, char *pat, int n)
{
	struct blkdev *bd;
	char buf[1024];
	size_t done;
	int i, error;

	setenv("RUMP_BLKFAIL_SEED", seed, 1);
	memset(buf, 0, sizeof(buf));
	bd = xattach(IMG, flags, 0, 0);
	for (i = 0; i < n; i++) {
		if (i % 3 == 0)
			error = blk_write(bd, (uint64_t)i * 1024, buf,
			    sizeof(buf), 0, &done);
		else
			error = blk_read(bd, (uint64_t)i * 1024, buf,
			    sizeof(buf), &done);
		ATF_REQUIRE(error == 0 || error == HYP_EIO);
		pat[i] = error == 0 ? '0' : '1';
	}
	pat[n] = '\0';
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
}

ATF_TC(fault_seed);
ATF_TC_HEAD(fault_seed, tc)
{
	atf_tc_set_md_var(tc, "descr", "the same RUMP_BLKFAIL_SEED gives the "
	    "same failures, on both data paths; another seed does not");
}
ATF_TC_BODY(fault_seed, tc)
{
	enum { N = 400 };
	char p1[N + 1], p2[N + 1], p3[N + 1], p4[N + 1];

	setup(WIN, 0);
	h_mkfile(IMG, N * 1024);
	setenv("RUMP_BLKFAIL", "2500", 1);
	fault_pattern("4242", 0, p1, N);
	fault_pattern("4242", 0, p2, N);
	fault_pattern("4242", BLK_NOMMAP, p3, N);
	fault_pattern("4243", 0, p4, N);
	ATF_REQUIRE_STREQ(p1, p2);
	ATF_REQUIRE_STREQ(p1, p3);
	ATF_REQUIRE(strcmp(p1, p4) != 0);
	ATF_REQUIRE(strchr(p1, '1') != NULL && strchr(p1, '0') != NULL);
	kern_halt();
}

/* With every request failing, nothing moves in either direction. */
static void
fault_all_one(const char *rate, int flags)
{
	struct blkdev *bd;
	char buf[4096];
	size_t done;
	int i;

	setenv("RUMP_BLKFAIL", rate, 1);
	bd = xattach(IMG, flags, 0, 0);
	for (i = 0; i < 50; i++) {
		memset(buf, 0xAA, sizeof(buf));
		done = 1;
		ATF_REQUIRE_EQ(blk_read(bd, (uint64_t)i * 4096, buf,
		    sizeof(buf), &done), HYP_EIO);
		ATF_REQUIRE_EQ(done, 0);
		ATF_REQUIRE_EQ(memchr(buf, 0, sizeof(buf)), NULL);
		ATF_REQUIRE(buf[0] == (char)0xAA && buf[4095] == (char)0xAA);
		ATF_REQUIRE_EQ(blk_write(bd, (uint64_t)i * 4096, buf,
		    sizeof(buf), BLK_SYNC, &done), HYP_EIO);
		ATF_REQUIRE_EQ(done, 0);
	}
	ATF_REQUIRE_EQ(stats(bd).bs_faults, 100);
	ATF_REQUIRE_EQ(stats(bd).bs_win_maps, 0);
	ATF_REQUIRE_EQ(stats(bd).bs_bytes_read, 0);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	ATF_REQUIRE_EQ(host_check(IMG, 0, 256 * KIB, IMG_SEED, 0), -1);
}

ATF_TC(fault_all);
ATF_TC_HEAD(fault_all, tc)
{
	atf_tc_set_md_var(tc, "descr", "RUMP_BLKFAIL=10000 (or more, which "
	    "is clamped) fails every request without touching any data");
}
ATF_TC_BODY(fault_all, tc)
{
	setup(WIN, 0);
	mkimg(IMG, 256 * KIB);
	fault_all_one("10000", 0);
	fault_all_one("10000", BLK_NOMMAP);
	fault_all_one("50000", 0);
	setenv("RUMP_BLKFAIL", "0", 1);
	finish(xattach(IMG, 0, 0, 0));
}

/* --------------------------------------------------- attach and units */

ATF_TC(attach_args);
ATF_TC_HEAD(attach_args, tc)
{
	atf_tc_set_md_var(tc, "descr", "blk_attach checks the geometry, the "
	    "sector size and the host file");
}
ATF_TC_BODY(attach_args, tc)
{
	struct blk_window *w;
	struct blkdev *bd;
	char buf[4096];
	void *addr;
	size_t done, len;

	setup(0, 0);
	mkimg(IMG, 10000);
	h_mkfile("empty", 0);
	ATF_REQUIRE_EQ(mkdir("dir", 0755), 0);

	bd = xattach(IMG, 0, 0, 0);		/* to the end, whole sectors */
	ATF_REQUIRE_EQ(blk_size(bd), 9728);
	ATF_REQUIRE_STREQ(blk_path(bd), IMG);
	ATF_REQUIRE_EQ(blk_window_get(bd, 9728, &addr, &len, &w), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_window_get(bd, 9216, &addr, &len, &w), 0);
	ATF_REQUIRE_EQ(len, 512);		/* clamped to the device end */
	blk_window_put(bd, w);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	bd = xattach(IMG, 0, 1024, 0);
	ATF_REQUIRE_EQ(blk_size(bd), 8704);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	bd = xattach(IMG, BLK_NOMMAP, 512, 9216);
	ATF_REQUIRE_EQ(blk_window_get(bd, 0, &addr, &len, &w),
	    HYP_EOPNOTSUPP);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);

	ATF_REQUIRE_EQ(blk_attach(IMG, 0, 512, 9728, 0, &bd), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_attach(IMG, 0, 10240, 0, 0, &bd), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_attach(IMG, 0, 100, 512, 0, &bd), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_attach(IMG, 0, 0, 1000, 0, &bd), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_attach(IMG, 0, 0, 0, 1000, &bd), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_attach(IMG, 0, 0, 0, 256, &bd), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_attach("empty", 0, 0, 0, 0, &bd), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_attach("dir", BLK_RDONLY, 0, 0, 0, &bd),
	    HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_attach("nonexistent", 0, 0, 0, 0, &bd),
	    HYP_ENOENT);

	/* 4 KiB sectors: requests must be multiples of 4 KiB. */
	ATF_REQUIRE_EQ(blk_attach(IMG, 0, 4096, 4096, 4096, &bd), 0);
	ATF_REQUIRE_EQ(blk_secsize(bd), 4096);
	ATF_REQUIRE_EQ(blk_read(bd, 512, buf, 4096, &done), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_read(bd, 0, buf, 512, &done), HYP_EINVAL);
	ATF_REQUIRE_EQ(blk_read(bd, 0, buf, 4096, &done), 0);
	ATF_REQUIRE_EQ(h_check(buf, 4096, IMG_SEED, 4096), -1);
	finish(bd);
}

ATF_TC(units);
ATF_TC_HEAD(units, tc)
{
	atf_tc_set_md_var(tc, "descr", "units are numbered from 0, found by "
	    "blk_lookup, limited to BLK_MAXUNITS and reused after detach");
}
ATF_TC_BODY(units, tc)
{
	struct blkdev *bd[BLK_MAXUNITS], *extra;
	int i;

	setup(0, 0);
	mkimg(IMG, 64 * KIB);
	for (i = 0; i < BLK_MAXUNITS; i++) {
		bd[i] = xattach(IMG, BLK_RDONLY, 0, 0);
		ATF_REQUIRE_EQ(blk_unit(bd[i]), i);
		ATF_REQUIRE_EQ(blk_lookup(i), bd[i]);
	}
	ATF_REQUIRE_EQ(blk_attach(IMG, BLK_RDONLY, 0, 0, 0, &extra),
	    HYP_EBUSY);
	ATF_REQUIRE_EQ(blk_detach(bd[5]), 0);
	ATF_REQUIRE_EQ(blk_lookup(5), NULL);
	bd[5] = xattach(IMG, 0, 0, 0);
	ATF_REQUIRE_EQ(blk_unit(bd[5]), 5);
	ATF_REQUIRE_EQ(blk_lookup(-1), NULL);
	ATF_REQUIRE_EQ(blk_lookup(BLK_MAXUNITS), NULL);
	for (i = 0; i < BLK_MAXUNITS; i++)
		ATF_REQUIRE_EQ(blk_detach(bd[i]), 0);
	for (i = 0; i < BLK_MAXUNITS; i++)
		ATF_REQUIRE_EQ(blk_lookup(i), NULL);
	kern_halt();
}

struct locker {
	struct blkdev	*bd;
	int		error;
	int		finished;
};

static void *
locker_main(void *arg)
{
	struct locker *lk = arg;

	lk->error = blk_attach(IMG, BLK_LOCK | BLK_LOCKWAIT, 0, 0, 0,
	    &lk->bd);
	__atomic_store_n(&lk->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

ATF_TC(lock);
ATF_TC_HEAD(lock, tc)
{
	atf_tc_set_md_var(tc, "descr", "BLK_LOCK: exclusive excludes "
	    "everyone, shared admits shared; BLK_LOCKWAIT waits");
	atf_tc_set_md_var(tc, "timeout", "60");
}
ATF_TC_BODY(lock, tc)
{
	struct blkdev *a, *b, *c;
	struct locker lk;
	pthread_t t;

	setup(0, 0);
	mkimg(IMG, 64 * KIB);
	a = xattach(IMG, BLK_LOCK, 0, 0);
	ATF_REQUIRE_EQ(blk_attach(IMG, BLK_LOCK, 0, 0, 0, &b), HYP_EBUSY);
	ATF_REQUIRE_EQ(blk_attach(IMG, BLK_LOCK | BLK_RDONLY, 0, 0, 0, &b),
	    HYP_EBUSY);
	b = xattach(IMG, BLK_RDONLY, 0, 0);	/* no lock asked: admitted */
	ATF_REQUIRE_EQ(blk_detach(b), 0);
	ATF_REQUIRE_EQ(blk_detach(a), 0);

	a = xattach(IMG, BLK_LOCK | BLK_RDONLY, 0, 0);
	b = xattach(IMG, BLK_LOCK | BLK_RDONLY, 0, 0);
	ATF_REQUIRE_EQ(blk_attach(IMG, BLK_LOCK, 0, 0, 0, &c), HYP_EBUSY);
	ATF_REQUIRE_EQ(blk_detach(a), 0);
	ATF_REQUIRE_EQ(blk_detach(b), 0);

	/* A waiting exclusive lock gets it when the holder detaches. */
	a = xattach(IMG, BLK_LOCK, 0, 0);
	memset(&lk, 0, sizeof(lk));
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, locker_main, &lk), 0);
	sleep_ms(200);
	ATF_REQUIRE_EQ(__atomic_load_n(&lk.finished, __ATOMIC_ACQUIRE), 0);
	ATF_REQUIRE_EQ(blk_detach(a), 0);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_REQUIRE_EQ(lk.error, 0);
	finish(lk.bd);
}

ATF_TP_ADD_TCS(tp)
{
	ADD_BOTH(tp, roundtrip);
	ADD_BOTH(tp, partition);
	ADD_BOTH(tp, bounds);
	ADD_BOTH(tp, rdonly);
	ADD_BOTH(tp, span);
	ADD_BOTH(tp, sync_write);
	ATF_TP_ADD_TC(tp, lru);
	ATF_TP_ADD_TC(tp, window_wait);
	ATF_TP_ADD_TC(tp, threads);
	ATF_TP_ADD_TC(tp, env_windows);
	ATF_TP_ADD_TC(tp, mmap_fallback);
	ATF_TP_ADD_TC(tp, fault_rate);
	ATF_TP_ADD_TC(tp, fault_seed);
	ATF_TP_ADD_TC(tp, fault_all);
	ATF_TP_ADD_TC(tp, attach_args);
	ATF_TP_ADD_TC(tp, units);
	ATF_TP_ADD_TC(tp, lock);
	return atf_no_error();
}
