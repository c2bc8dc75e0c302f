/*
 * jrnl.c: the journal layer (see jrnl.h and JOURNAL.md).
 *
 * A redo journal in a file beside the image.  While a transaction runs,
 * the image is not written (with one exception, ordered mode, below):
 * every write goes to the journal file, one record per unit (4 KiB of the
 * device, aligned), and reads of units that are in the journal come from
 * it.  Only an index stays in memory (unit -> record number and
 * checksums); the data is in the journal file, so a transaction may be
 * far larger than memory.  A unit written again is rewritten in place in
 * its record.
 *
 * Commit (jrnl_close without abort): the commit record is appended, the
 * journal file and its directory are made durable (the commit point),
 * then every record is copied to the image, the image is made durable,
 * and the journal file is removed.  A transaction that wrote nothing
 * creates no journal file at all.
 *
 * Ordered mode (JRNL_ORDERED): a write that lies entirely in blocks the
 * file system allocated in this transaction and that were not freed in it
 * (so were free when it began; the file system reports both through
 * blk_txn_alloc and blk_txn_free) goes to the image at once: no state of
 * the image before the commit refers to those blocks.  That is most of
 * the data of new files, and new directory and indirect blocks.  The image is made durable before the commit record is written,
 * so after the commit the data is there.  Such a write is journaled
 * instead when a unit it touches is already in the journal (the journal's
 * copy would be applied over it).
 *
 * Recovery (jrnl_open): a journal file found beside the image is checked:
 * header (magic, version, checksum, the device's size, offset and sector
 * size), then every record in order (transaction id, sequence number,
 * checksums of header and data), up to the commit record.  Without a
 * valid commit record the journal is incomplete: the image was never
 * touched, and the journal is removed.  With one, each unit of the image
 * must hold either the data the journal has for it (applied already) or
 * the data that was there when the unit was first journaled (its
 * checksum is in the record); otherwise the image was changed since, and
 * the journal is refused.  A read-write device then gets the records
 * applied; a read-only one reads through the journal without writing.
 *
 * Fault injection and crash simulation (blk.h): the layer's requests come
 * through blk_rw, where faults are injected; the journal's own host I/O
 * at commit and recovery asks blk_fault too, up to the commit record,
 * and calls blk_crashpoint before every host write, sync and removal.
 * Writes to the image after the commit point are not failed on purpose.
 *
 * Locking: j_lock serialises the requests on one journal; it is held
 * across host I/O (a leaf lock otherwise).
 */
#include "../sys/param.h"
#include "../sys/kmem.h"
#include "../sys/lock.h"
#include "../sys/systm.h"
#include "../../lib/hyp.h"
#include "blk.h"
#include "jrnl.h"

#define JH_MAGIC	"FSUJRNL\0"
#define JH_VERSION	1
#define JH_SIZE		4096		/* the header block */
#define JH_CRCOFF	124		/* header checksum: of bytes 0..123 */
#define JH_EMPTY	0		/* state: no transaction */
#define JH_TXN		1		/* state: records follow */
#define J_KEEP		(1024 * 1024)	/* journal file bytes kept */

#define JR_MAGIC	0x4a524543U	/* "JREC" */
#define JR_DATA		1
#define JR_COMMIT	2
#define JR_SIZE		64		/* record header */
#define JR_CRCOFF	60

#define J_UNIT		4096		/* bytes of the device per record */
#define J_MAXUNIT	65536
#define J_STAGE		64		/* records staged per host call */
#define JNIL		UINT32_MAX

/* One journaled unit; its record is at j_slots index (= sequence). */
struct jslot {
	uint64_t	js_unit;	/* device offset / j_unit */
	uint32_t	js_next;	/* hash chain */
	uint32_t	js_len;		/* bytes of the unit inside the device */
	uint32_t	js_before;	/* crc32c of the image's bytes before */
	uint32_t	js_after;	/* crc32c of the journaled bytes */
};

/* A set of byte ranges [start, end), sorted, disjoint, not adjacent. */
struct extset {
	uint64_t	*es_v;		/* start, end pairs */
	size_t		es_n;		/* pairs */
	size_t		es_cap;
};

struct jrnl {
	struct blkdev	*j_bd;
	char		*j_path;	/* the journal file */
	int		j_fd;		/* -1 while there is none */
	uint64_t	j_fsize;	/* its size */
	bool		j_view;		/* read-only view of a hot journal */
	bool		j_begun;	/* our header is in the journal file */
	bool		j_created;	/* we created the journal file */
	bool		j_remove;	/* remove it after each transaction */
	bool		j_failed;	/* must not commit */
	bool		j_direct;	/* ordered-mode writes reached the image */
	bool		j_ordered;
	uint64_t	j_txid;
	uint32_t	j_unit;
	uint32_t	j_slotsize;	/* JR_SIZE + j_unit */
	uint64_t	j_devsize;
	uint32_t	j_secsize;
	uint64_t	j_hostoff;
	struct jslot	*j_slots;
	uint32_t	j_nslots;
	uint32_t	j_slotcap;
	uint32_t	*j_hash;
	uint32_t	j_hsize;	/* power of two, or 0 */
	struct extset	j_fresh;	/* allocated in this transaction */
	struct extset	j_freed;	/* freed in this transaction */
	char		*j_stage;	/* J_STAGE slots */
	char		*j_bounce;	/* one unit */
	uint32_t	j_stageseq[J_STAGE];
	struct jrnl_stats j_stats;
	struct kmutex	j_lock;
};

static const struct blk_layerops jrnl_layerops;

/* ------------------------------------------------------------ encoding */

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The header block of the journal of j, in state JH_EMPTY or JH_TXN. */
static void
hdr_encode(const struct jrnl *j, uint8_t *h, uint32_t state)
{
	memset(h, 0, JH_SIZE);
	memcpy(h, JH_MAGIC, 8);
	put32(h + 8, JH_VERSION);
	put32(h + 12, j->j_unit);
	put32(h + 16, state);
	if (state == JH_TXN) {
		put64(h + 24, j->j_txid);
		put64(h + 32, j->j_devsize);
		put64(h + 40, j->j_hostoff);
		put32(h + 48, j->j_secsize);
	}
	put32(h + JH_CRCOFF, crc32c(0, h, JH_CRCOFF));
}

/* A record header: a data record, or the commit record (unit = count). */
static void
rec_encode(const struct jrnl *j, uint8_t *r, uint32_t type, uint64_t seq,
    const struct jslot *js)
{
	memset(r, 0, JR_SIZE);
	put32(r, JR_MAGIC);
	put32(r + 4, type);
	put64(r + 8, j->j_txid);
	put64(r + 16, seq);
	if (js != NULL) {
		put64(r + 24, js->js_unit);
		put32(r + 32, js->js_len);
		put32(r + 36, js->js_before);
		put32(r + 40, js->js_after);
	} else {
		put64(r + 24, seq);
	}
	put32(r + JR_CRCOFF, crc32c(0, r, JR_CRCOFF));
}

static uint64_t
slot_off(const struct jrnl *j, uint64_t seq)
{
	return JH_SIZE + seq * j->j_slotsize;
}

/* ------------------------------------------------------------ host I/O */

/* A few errors in words, for the messages (the kernel has no strerror). */
static const char *
errstr(int error)
{
	switch (error) {
	case EACCES:		return "permission denied";
	case EPERM:		return "operation not permitted";
	case EROFS:		return "read-only file system";
	case ENOSPC:		return "no space left on the host";
	case EDQUOT:		return "disc quota exceeded";
	case EIO:		return "input/output error";
	case ENOENT:		return "no such file or directory";
	case EEXIST:		return "file exists";
	case ENAMETOOLONG:	return "file name too long";
	case ENOMEM:		return "out of memory";
	default:		return "error";
	}
}

/*
 * The journal file's host I/O.  inject: the request may fail by fault
 * injection (the journal's own I/O at commit and recovery).
 */
static int
jio_write(struct jrnl *j, const void *buf, size_t len, uint64_t off,
    bool inject)
{
	size_t done;
	int error;

	if (inject && (error = blk_fault(j->j_bd, BLK_WRITE, off, len)) != 0)
		return error;
	blk_crashpoint();
	error = hyp_pwrite(j->j_fd, buf, len, off, &done);
	if (error == 0 && done != len)
		error = EIO;
	if (error == 0)
		j->j_stats.js_bytes += len;
	j->j_fsize = MAX(j->j_fsize, off + done);
	return error;
}

static int
jio_read(struct jrnl *j, void *buf, size_t len, uint64_t off, bool inject)
{
	size_t done;
	int error;

	if (inject && (error = blk_fault(j->j_bd, BLK_READ, off, len)) != 0)
		return error;
	error = hyp_pread(j->j_fd, buf, len, off, &done);
	if (error == 0 && done != len)
		error = EIO;	/* the journal file is shorter */
	return error;
}

static int
jio_sync(struct jrnl *j)
{
	int error;

	if ((error = blk_fault(j->j_bd, BLK_WRITE, 0, 0)) != 0)
		return error;
	blk_crashpoint();
	return hyp_fdatasync(j->j_fd);
}

/* Close and remove the journal file. */
static int
jio_remove(struct jrnl *j)
{
	int error;

	if (j->j_fd >= 0) {
		(void)hyp_close(j->j_fd);
		j->j_fd = -1;
	}
	blk_crashpoint();
	error = hyp_unlink(j->j_path);
	return error == ENOENT ? 0 : error;
}

/* Read or write len bytes of the image at device offset off. */
static int
dev_io(struct jrnl *j, int rw, uint64_t off, void *buf, size_t len)
{
	struct kiovec iov;
	size_t done;
	int error;

	iov.iov_base = buf;
	iov.iov_len = len;
	error = blk_devrw(j->j_bd, rw, off, &iov, 1, &done);
	if (error == 0 && done != len)
		error = EIO;
	return error;
}

/* ------------------------------------------------------------- vectors */

/*
 * Describe bytes [skip, skip + len) of the caller's vectors as at most
 * max vectors in out; returns how many.
 */
static int
iov_slice(const struct kiovec *iov, int cnt, size_t skip, size_t len,
    struct kiovec *out, int max)
{
	int i, n = 0;
	size_t take;

	for (i = 0; i < cnt && len > 0 && n < max; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		take = MIN(iov[i].iov_len - skip, len);
		out[n].iov_base = (char *)iov[i].iov_base + skip;
		out[n].iov_len = take;
		n++;
		len -= take;
		skip = 0;
	}
	KASSERT(len == 0);
	return n;
}

/* Copy len bytes from src to bytes [skip, skip + len) of the vectors. */
static void
iov_scatter(const struct kiovec *iov, int cnt, size_t skip, const char *src,
    size_t len)
{
	int i;
	size_t take;

	for (i = 0; i < cnt && len > 0; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		take = MIN(iov[i].iov_len - skip, len);
		memcpy((char *)iov[i].iov_base + skip, src, take);
		src += take;
		len -= take;
		skip = 0;
	}
}

/* Copy bytes [skip, skip + len) of the caller's vectors to dst. */
static void
iov_gather(const struct kiovec *iov, int cnt, size_t skip, char *dst,
    size_t len)
{
	int i;
	size_t take;

	for (i = 0; i < cnt && len > 0; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		take = MIN(iov[i].iov_len - skip, len);
		memcpy(dst, (char *)iov[i].iov_base + skip, take);
		dst += take;
		len -= take;
		skip = 0;
	}
}

/* ---------------------------------------------------------------- index */

static uint32_t
hash_unit(const struct jrnl *j, uint64_t unit)
{
	uint64_t h = unit * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(h >> 32) & (j->j_hsize - 1);
}

/* The record of unit, or JNIL. */
static uint32_t
slot_find(const struct jrnl *j, uint64_t unit)
{
	uint32_t i;

	if (j->j_nslots == 0)
		return JNIL;
	for (i = j->j_hash[hash_unit(j, unit)]; i != JNIL;
	    i = j->j_slots[i].js_next)
		if (j->j_slots[i].js_unit == unit)
			return i;
	return JNIL;
}

/* Grow the hash table to hold twice the records it holds now. */
static int
hash_grow(struct jrnl *j)
{
	uint32_t nsize = j->j_hsize == 0 ? 1024 : j->j_hsize * 2, i, h;
	uint32_t *nh;

	if (nsize == 0 || (nh = kmem_alloc(nsize * sizeof(*nh))) == NULL)
		return ENOMEM;
	for (i = 0; i < nsize; i++)
		nh[i] = JNIL;
	if (j->j_hash != NULL)
		kmem_free(j->j_hash, j->j_hsize * sizeof(*j->j_hash));
	j->j_hash = nh;
	j->j_hsize = nsize;
	for (i = 0; i < j->j_nslots; i++) {
		h = hash_unit(j, j->j_slots[i].js_unit);
		j->j_slots[i].js_next = nh[h];
		nh[h] = i;
	}
	return 0;
}

/* Append a record for unit to the index; *seqp gets its number. */
static int
slot_add(struct jrnl *j, uint64_t unit, uint32_t len, uint32_t *seqp)
{
	struct jslot *ns;
	uint32_t ncap, h;

	if (j->j_nslots == JNIL - 1)
		return EFBIG;
	if (j->j_nslots == j->j_slotcap) {
		ncap = j->j_slotcap == 0 ? 256 : j->j_slotcap * 2;
		if (ncap < j->j_slotcap || ncap > JNIL - 1)
			ncap = JNIL - 1;
		if ((ns = kmem_alloc((size_t)ncap * sizeof(*ns))) == NULL)
			return ENOMEM;
		if (j->j_slots != NULL) {
			memcpy(ns, j->j_slots, (size_t)j->j_nslots *
			    sizeof(*ns));
			kmem_free(j->j_slots, (size_t)j->j_slotcap *
			    sizeof(*ns));
		}
		j->j_slots = ns;
		j->j_slotcap = ncap;
	}
	if ((uint64_t)j->j_nslots + 1 > (uint64_t)j->j_hsize / 2 &&
	    hash_grow(j) != 0 && j->j_hsize == 0)
		return ENOMEM;
	ns = &j->j_slots[j->j_nslots];
	memset(ns, 0, sizeof(*ns));
	ns->js_unit = unit;
	ns->js_len = len;
	h = hash_unit(j, unit);
	ns->js_next = j->j_hash[h];
	j->j_hash[h] = j->j_nslots;
	*seqp = j->j_nslots++;
	return 0;
}

static void
index_free(struct jrnl *j)
{
	if (j->j_slots != NULL)
		kmem_free(j->j_slots, (size_t)j->j_slotcap *
		    sizeof(*j->j_slots));
	if (j->j_hash != NULL)
		kmem_free(j->j_hash, j->j_hsize * sizeof(*j->j_hash));
	j->j_slots = NULL;
	j->j_hash = NULL;
	j->j_nslots = j->j_slotcap = j->j_hsize = 0;
}

/* Is any unit of [off, off + len) in the journal? */
static bool
index_overlaps(const struct jrnl *j, uint64_t off, uint64_t len)
{
	uint64_t u, last;

	if (j->j_nslots == 0 || len == 0)
		return false;
	last = (off + len - 1) / j->j_unit;
	for (u = off / j->j_unit; u <= last; u++)
		if (slot_find(j, u) != JNIL)
			return true;
	return false;
}

/* --------------------------------------------------------- extent sets */

/* Index of the first range whose end is at or after off. */
static size_t
es_search(const struct extset *es, uint64_t off)
{
	size_t lo = 0, hi = es->es_n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (es->es_v[2 * mid + 1] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
es_reserve(struct extset *es, size_t n)
{
	uint64_t *nv;
	size_t ncap;

	if (n <= es->es_cap)
		return 0;
	ncap = MAX(es->es_cap * 2, MAX(n, 64));
	if ((nv = kmem_alloc(ncap * 2 * sizeof(*nv))) == NULL)
		return ENOMEM;
	if (es->es_v != NULL) {
		memcpy(nv, es->es_v, es->es_n * 2 * sizeof(*nv));
		kmem_free(es->es_v, es->es_cap * 2 * sizeof(*nv));
	}
	es->es_v = nv;
	es->es_cap = ncap;
	return 0;
}

/* Add [a, b), merging with the ranges it touches. */
static int
es_add(struct extset *es, uint64_t a, uint64_t b)
{
	size_t i, k;

	if (a >= b)
		return 0;
	i = es_search(es, a);
	/* Ranges i .. k-1 overlap or touch [a, b). */
	for (k = i; k < es->es_n && es->es_v[2 * k] <= b; k++) {
		a = MIN(a, es->es_v[2 * k]);
		b = MAX(b, es->es_v[2 * k + 1]);
	}
	if (k == i) {
		if (es_reserve(es, es->es_n + 1) != 0)
			return ENOMEM;
		memmove(&es->es_v[2 * (i + 1)], &es->es_v[2 * i],
		    (es->es_n - i) * 2 * sizeof(uint64_t));
		es->es_n++;
	} else if (k > i + 1) {
		memmove(&es->es_v[2 * (i + 1)], &es->es_v[2 * k],
		    (es->es_n - k) * 2 * sizeof(uint64_t));
		es->es_n -= k - i - 1;
	}
	es->es_v[2 * i] = a;
	es->es_v[2 * i + 1] = b;
	return 0;
}

/* Remove [a, b). */
static int
es_remove(struct extset *es, uint64_t a, uint64_t b)
{
	size_t i;
	uint64_t s, e;

	if (a >= b)
		return 0;
	i = es_search(es, a + 1);
	while (i < es->es_n && es->es_v[2 * i] < b) {
		s = es->es_v[2 * i];
		e = es->es_v[2 * i + 1];
		if (s < a && e > b) {
			/* Split in two. */
			if (es_reserve(es, es->es_n + 1) != 0)
				return ENOMEM;
			memmove(&es->es_v[2 * (i + 1)], &es->es_v[2 * i],
			    (es->es_n - i) * 2 * sizeof(uint64_t));
			es->es_n++;
			es->es_v[2 * i + 1] = a;
			es->es_v[2 * (i + 1)] = b;
			return 0;
		}
		if (s < a) {
			es->es_v[2 * i + 1] = a;
			i++;
		} else if (e > b) {
			es->es_v[2 * i] = b;
			return 0;
		} else {
			memmove(&es->es_v[2 * i], &es->es_v[2 * (i + 1)],
			    (es->es_n - i - 1) * 2 * sizeof(uint64_t));
			es->es_n--;
		}
	}
	return 0;
}

/* Is all of [a, b) in the set? */
static bool
es_covers(const struct extset *es, uint64_t a, uint64_t b)
{
	size_t i;

	if (a >= b)
		return true;
	i = es_search(es, a + 1);
	return i < es->es_n && es->es_v[2 * i] <= a &&
	    es->es_v[2 * i + 1] >= b;
}

static void
es_free(struct extset *es)
{
	if (es->es_v != NULL)
		kmem_free(es->es_v, es->es_cap * 2 * sizeof(uint64_t));
	memset(es, 0, sizeof(*es));
}

/* ------------------------------------------------------ the transaction */

/*
 * Before the first journaled write: create the journal file if there is
 * none, and write this transaction's header over whatever it held.
 */
static int
jrnl_begin(struct jrnl *j)
{
	uint32_t mode;
	int error;

	if (j->j_begun)
		return 0;
	if (j->j_fd < 0) {
		if (blk_hostmode(j->j_bd, &mode) != 0)
			mode = 0600;
		blk_crashpoint();
		error = hyp_create(j->j_path, (mode & 0666) | 0600, &j->j_fd);
		if (error != 0) {
			kprintf("jrnl: %s: cannot create the journal (%s, "
			    "%d)%s\n", j->j_path, errstr(error), error,
			    error == EEXIST ?
			    "; another process is writing the image without "
			    "its lock" : "; FSU_JOURNAL=off writes without "
			    "one");
			j->j_fd = -1;
			return error == EEXIST ? EBUSY : error;
		}
		j->j_created = true;
		j->j_fsize = 0;
	}
	j->j_txid = (uint64_t)karc4random() << 32 | karc4random();
	hdr_encode(j, (uint8_t *)j->j_stage, JH_TXN);
	if ((error = jio_write(j, j->j_stage, JH_SIZE, 0, false)) != 0)
		return error;
	j->j_begun = true;
	return 0;
}

/*
 * After a transaction (or a recovery): mark the journal file empty and
 * keep at most J_KEEP bytes of it for the next command, which then writes
 * into blocks the host has already allocated; or remove it (j_remove).
 * No sync: a header that did not reach the disk leaves a journal that is
 * incomplete or already applied, which the next opener recognises.
 */
static int
jrnl_empty(struct jrnl *j)
{
	int error;

	j->j_begun = false;
	if (j->j_fd < 0)
		return 0;
	if (j->j_remove)
		return jio_remove(j);
	hdr_encode(j, (uint8_t *)j->j_stage, JH_EMPTY);
	if ((error = jio_write(j, j->j_stage, JH_SIZE, 0, false)) != 0)
		return error;
	if (j->j_fsize > J_KEEP) {
		blk_crashpoint();
		if ((error = hyp_ftruncate(j->j_fd, J_KEEP)) != 0)
			return error;
		j->j_fsize = J_KEEP;
	}
	return 0;
}

/*
 * Stage unit u (bytes [lo, hi) of it from the caller's vectors at byte
 * pos of the request) as staged record k, reading what the request does
 * not cover from the journal or the image.
 */
static int
stage_unit(struct jrnl *j, int k, uint64_t u, uint32_t lo, uint32_t hi,
    const struct kiovec *iov, int iovcnt, size_t pos)
{
	uint8_t *rec = (uint8_t *)j->j_stage + (size_t)k * j->j_slotsize;
	char *data = (char *)rec + JR_SIZE;
	uint64_t ustart = u * j->j_unit;
	uint32_t len = (uint32_t)MIN((uint64_t)j->j_unit,
	    j->j_devsize - ustart), seq, before = 0;
	int error;

	seq = slot_find(j, u);
	if (seq == JNIL) {
		/* First time: the image's bytes give the "before" checksum. */
		if ((error = dev_io(j, BLK_READ, ustart, data, len)) != 0)
			return error;
		before = crc32c(0, data, len);
		if ((error = slot_add(j, u, len, &seq)) != 0)
			return error;
		j->j_slots[seq].js_before = before;
		j->j_stats.js_records++;
	} else {
		if ((lo > 0 || hi < len) && (error = jio_read(j, data, len,
		    slot_off(j, seq) + JR_SIZE, false)) != 0)
			return error;
		j->j_stats.js_rewrites++;
	}
	iov_gather(iov, iovcnt, pos, data + lo, hi - lo);
	if (len < j->j_unit)
		memset(data + len, 0, j->j_unit - len);
	j->j_slots[seq].js_after = crc32c(0, data, len);
	rec_encode(j, rec, JR_DATA, seq, &j->j_slots[seq]);
	j->j_stageseq[k] = seq;
	return 0;
}

/* Write staged records 0..n-1: runs of consecutive numbers at once. */
static int
stage_flush(struct jrnl *j, int n)
{
	int i, k;
	int error;

	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n &&
		    j->j_stageseq[k] == j->j_stageseq[k - 1] + 1; k++)
			continue;
		error = jio_write(j, j->j_stage + (size_t)i * j->j_slotsize,
		    (size_t)(k - i) * j->j_slotsize,
		    slot_off(j, j->j_stageseq[i]), false);
		if (error != 0)
			return error;
	}
	return 0;
}

/* A write from above: journal it, or (ordered mode) write it in place. */
static int
jrnl_write(struct jrnl *j, int rw, uint64_t off, const struct kiovec *iov,
    int iovcnt, size_t total, size_t *donep)
{
	uint64_t u, ustart;
	uint32_t lo, hi, len;
	size_t pos = 0, before;
	int k, error = 0;

	if (j->j_ordered && es_covers(&j->j_fresh, off, off + total) &&
	    !index_overlaps(j, off, total)) {
		error = blk_devrw(j->j_bd, BLK_WRITE | (rw & BLK_BULK), off,
		    iov, iovcnt, donep);
		j->j_direct = true;
		j->j_stats.js_direct += *donep;
		return error;
	}
	if ((error = jrnl_begin(j)) != 0)
		return error;
	while (pos < total && error == 0) {
		before = pos;
		for (k = 0; k < J_STAGE && pos < total; k++) {
			u = (off + pos) / j->j_unit;
			ustart = u * j->j_unit;
			len = (uint32_t)MIN((uint64_t)j->j_unit,
			    j->j_devsize - ustart);
			lo = (uint32_t)(off + pos - ustart);
			hi = (uint32_t)MIN((uint64_t)len, off + total - ustart);
			error = stage_unit(j, k, u, lo, hi, iov, iovcnt, pos);
			if (error != 0)
				break;
			pos += hi - lo;
		}
		if (k > 0) {
			int e = stage_flush(j, k);

			if (error == 0)
				error = e;
		}
		if (error != 0)
			pos = before;
	}
	*donep = pos;
	return error;
}

/* Read bytes [pos, pos + len) of the request from the image. */
static int
read_image(struct jrnl *j, uint64_t off, const struct kiovec *iov,
    int iovcnt, size_t pos, size_t len)
{
	struct kiovec small[16], *sl = small;
	size_t done;
	int cnt, error;

	if (len == 0)
		return 0;
	if (iovcnt > 16 &&
	    (sl = kmem_alloc((size_t)iovcnt * sizeof(*sl))) == NULL)
		return ENOMEM;
	cnt = iov_slice(iov, iovcnt, pos, len, sl, iovcnt);
	error = blk_devrw(j->j_bd, BLK_READ, off + pos, sl, cnt, &done);
	if (error == 0 && done != len)
		error = EIO;
	if (sl != small)
		kmem_free(sl, (size_t)iovcnt * sizeof(*sl));
	return error;
}

/*
 * A read from above: runs of units that are not in the journal come from
 * the image in one request, the others from their records.
 */
static int
jrnl_read(struct jrnl *j, uint64_t off, const struct kiovec *iov,
    int iovcnt, size_t total, size_t *donep)
{
	uint64_t u, ustart;
	size_t pos = 0, run = 0;
	uint32_t seq, lo, hi;
	int error;

	if (j->j_nslots == 0)
		return blk_devrw(j->j_bd, BLK_READ, off, iov, iovcnt, donep);
	*donep = 0;
	while (pos < total) {
		u = (off + pos) / j->j_unit;
		ustart = u * j->j_unit;
		lo = (uint32_t)(off + pos - ustart);
		hi = (uint32_t)MIN(MIN((uint64_t)j->j_unit,
		    j->j_devsize - ustart), off + total - ustart);
		if ((seq = slot_find(j, u)) == JNIL) {
			pos += hi - lo;
			continue;
		}
		if ((error = read_image(j, off, iov, iovcnt, run,
		    pos - run)) != 0)
			return error;
		error = jio_read(j, j->j_bounce, hi - lo, slot_off(j, seq) +
		    JR_SIZE + lo, false);
		if (error != 0)
			return error;
		iov_scatter(iov, iovcnt, pos, j->j_bounce, hi - lo);
		j->j_stats.js_jreads++;
		pos += hi - lo;
		run = pos;
	}
	if ((error = read_image(j, off, iov, iovcnt, run, pos - run)) != 0)
		return error;
	*donep = total;
	return 0;
}

static int
jrnl_rw(void *arg, int rw, uint64_t off, const struct kiovec *iov,
    int iovcnt, size_t *donep)
{
	struct jrnl *j = arg;
	size_t total = 0;
	int i, error;

	*donep = 0;
	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (off >= j->j_devsize)
		return 0;
	total = (size_t)MIN((uint64_t)total, j->j_devsize - off);
	if (total == 0)
		return 0;
	mutex_enter(&j->j_lock);
	if (rw & BLK_WRITE) {
		if (j->j_view)
			error = EROFS;
		else
			error = jrnl_write(j, rw, off, iov, iovcnt, total,
			    donep);
		if (error != 0)
			j->j_failed = true;
	} else {
		error = jrnl_read(j, off, iov, iovcnt, total, donep);
	}
	mutex_exit(&j->j_lock);
	return error;
}

/* A sync inside a transaction changes nothing on the image. */
static int
jrnl_sync(void *arg)
{
	return 0;
}

static void
jrnl_alloc(void *arg, uint64_t off, uint64_t len)
{
	struct jrnl *j = arg;
	uint64_t a = off, b = off + len, s, e;
	size_t i;

	if (!j->j_ordered)
		return;
	mutex_enter(&j->j_lock);
	/* [a, b) less what was freed in this transaction is fresh. */
	i = es_search(&j->j_freed, a + 1);
	for (; i < j->j_freed.es_n && a < b; i++) {
		s = j->j_freed.es_v[2 * i];
		e = j->j_freed.es_v[2 * i + 1];
		if (s >= b)
			break;
		if (s > a && es_add(&j->j_fresh, a, s) != 0)
			j->j_ordered = false;
		a = MAX(a, e);
	}
	if (a < b && es_add(&j->j_fresh, a, b) != 0)
		j->j_ordered = false;
	mutex_exit(&j->j_lock);
}

static void
jrnl_free(void *arg, uint64_t off, uint64_t len)
{
	struct jrnl *j = arg;

	if (!j->j_ordered)
		return;
	mutex_enter(&j->j_lock);
	if (es_remove(&j->j_fresh, off, off + len) != 0 ||
	    es_add(&j->j_freed, off, off + len) != 0) {
		/* Out of memory: stop writing in place from now on. */
		j->j_ordered = false;
	}
	mutex_exit(&j->j_lock);
}

static void
jrnl_fail(void *arg)
{
	struct jrnl *j = arg;

	mutex_enter(&j->j_lock);
	j->j_failed = true;
	mutex_exit(&j->j_lock);
}

static bool
jrnl_atomic(void *arg)
{
	struct jrnl *j = arg;

	return !j->j_view;
}

static const struct blk_layerops jrnl_layerops = {
	.lo_name = "jrnl",
	.lo_rw = jrnl_rw,
	.lo_sync = jrnl_sync,
	.lo_alloc = jrnl_alloc,
	.lo_free = jrnl_free,
	.lo_fail = jrnl_fail,
	.lo_atomic = jrnl_atomic,
};

/* --------------------------------------------------------------- apply */

/*
 * Copy every record to the image, in journal order, checking each
 * record's data against its checksum first; then make the image durable.
 * Units next to each other on the device go in one request.
 */
static int
jrnl_apply(struct jrnl *j)
{
	struct kiovec iov[J_STAGE];
	const struct jslot *js;
	uint32_t seq, n, i, k;
	size_t done, len;
	uint64_t start;
	char *data;
	int error;

	for (seq = 0; seq < j->j_nslots; seq += n) {
		n = MIN((uint32_t)J_STAGE, j->j_nslots - seq);
		error = jio_read(j, j->j_stage, (size_t)n * j->j_slotsize,
		    slot_off(j, seq), false);
		if (error != 0)
			return error;
		for (i = 0; i < n; i++) {
			js = &j->j_slots[seq + i];
			data = j->j_stage + (size_t)i * j->j_slotsize + JR_SIZE;
			if (crc32c(0, data, js->js_len) != js->js_after) {
				kprintf("jrnl: %s: record %u changed after "
				    "it was written\n", j->j_path, seq + i);
				return EIO;
			}
		}
		for (i = 0; i < n; i = k) {
			js = &j->j_slots[seq + i];
			start = js->js_unit * j->j_unit;
			len = 0;
			for (k = i; k < n && (k == i ||
			    j->j_slots[seq + k].js_unit ==
			    j->j_slots[seq + k - 1].js_unit + 1); k++) {
				iov[k - i].iov_base = j->j_stage +
				    (size_t)k * j->j_slotsize + JR_SIZE;
				iov[k - i].iov_len = j->j_slots[seq + k].js_len;
				len += j->j_slots[seq + k].js_len;
			}
			error = blk_devrw(j->j_bd, BLK_WRITE | BLK_BULK, start,
			    iov, (int)(k - i), &done);
			if (error == 0 && done != len)
				error = EIO;
			if (error != 0)
				return error;
			j->j_stats.js_applied += k - i;
		}
	}
	return blk_devsync(j->j_bd);
}

/*
 * Commit: make direct writes durable, append the commit record, make the
 * journal durable (and its name, when it is new): the commit point.  Then
 * apply and empty the journal.
 */
static int
jrnl_commit(struct jrnl *j)
{
	uint8_t rec[JR_SIZE];
	int error;

	if (!j->j_begun || j->j_nslots == 0) {
		if (j->j_direct && (error = blk_devsync(j->j_bd)) != 0)
			return error;
		return jrnl_empty(j);
	}
	if (j->j_direct && (error = blk_devsync(j->j_bd)) != 0)
		return error;
	rec_encode(j, rec, JR_COMMIT, j->j_nslots, NULL);
	if ((error = jio_write(j, rec, JR_SIZE, slot_off(j, j->j_nslots),
	    true)) != 0)
		return error;
	if ((error = jio_sync(j)) != 0)
		return error;
	if (j->j_created) {
		if ((error = blk_fault(j->j_bd, BLK_WRITE, 0, 0)) != 0)
			return error;
		blk_crashpoint();
		if ((error = hyp_fsync_dir(j->j_path)) != 0)
			return error;
		j->j_created = false;
	}
	/* Committed: from here on the next opener finishes it if we fail. */
	if ((error = jrnl_apply(j)) != 0) {
		kprintf("jrnl: %s: the changes are committed but could not "
		    "all be written to the image (%s); the next command "
		    "that opens the image writes them\n", j->j_path,
		    errstr(error));
		j->j_begun = false;
		(void)hyp_close(j->j_fd);
		j->j_fd = -1;
		return error;
	}
	return jrnl_empty(j);
}

/* --------------------------------------------------------------- set-up */

/* The journal's file name: the image's real path, partition, suffix. */
int
jrnl_path(const struct blkdev *bd, char *buf, size_t len)
{
	char *real;
	int error, n;

	if ((real = kmem_alloc(MAXPATHLEN)) == NULL)
		return ENOMEM;
	error = hyp_realpath(blk_path(bd), real, MAXPATHLEN);
	if (error == 0) {
		if (blk_hostoffset(bd) == 0)
			n = snprintf(buf, len, "%s%s", real, JRNL_SUFFIX);
		else
			n = snprintf(buf, len, "%s@%llu%s", real,
			    (unsigned long long)blk_hostoffset(bd),
			    JRNL_SUFFIX);
		if (n < 0 || (size_t)n >= len)
			error = ENAMETOOLONG;
	}
	kmem_free(real, MAXPATHLEN);
	return error;
}

static void
jrnl_free_all(struct jrnl *j)
{
	if (j->j_fd >= 0)
		(void)hyp_close(j->j_fd);
	index_free(j);
	es_free(&j->j_fresh);
	es_free(&j->j_freed);
	if (j->j_stage != NULL)
		kmem_free(j->j_stage, (size_t)J_STAGE * j->j_slotsize);
	if (j->j_bounce != NULL)
		kmem_free(j->j_bounce, j->j_unit);
	if (j->j_path != NULL)
		kmem_strfree(j->j_path);
	mutex_destroy(&j->j_lock);
	kmem_free(j, sizeof(*j));
}

static int
jrnl_new(struct blkdev *bd, const char *path, struct jrnl **jp)
{
	struct jrnl *j;
	uint32_t unit = MAX((uint32_t)J_UNIT, blk_secsize(bd));

	if (unit > J_MAXUNIT)
		return EINVAL;
	if ((j = kmem_zalloc(sizeof(*j))) == NULL)
		return ENOMEM;
	if (mutex_init(&j->j_lock) != 0) {
		kmem_free(j, sizeof(*j));
		return ENOMEM;
	}
	j->j_bd = bd;
	j->j_fd = -1;
	j->j_secsize = blk_secsize(bd);
	j->j_unit = unit;
	j->j_slotsize = JR_SIZE + j->j_unit;
	j->j_devsize = blk_size(bd);
	j->j_hostoff = blk_hostoffset(bd);
	j->j_path = kmem_strndup(path, MAXPATHLEN);
	j->j_stage = kmem_alloc((size_t)J_STAGE * j->j_slotsize);
	j->j_bounce = kmem_alloc(j->j_unit);
	if (j->j_path == NULL || j->j_stage == NULL || j->j_bounce == NULL) {
		jrnl_free_all(j);
		return ENOMEM;
	}
	*jp = j;
	return 0;
}

/* ------------------------------------------------------------- recovery */

/* What an existing journal file turned out to be. */
enum jstate {
	JS_NONE,		/* no journal file */
	JS_EMPTY,		/* marked empty */
	JS_INCOMPLETE,		/* no valid commit record: discard */
	JS_FOREIGN,		/* not for this image: refuse */
	JS_DONE,		/* committed and already on the image */
	JS_HOT,			/* committed, not (all) on the image */
	JS_IOERR,		/* could not be read (or the image) */
};

/* Check the header in j_stage against the device; sets j_txid. */
static enum jstate
rec_header(struct jrnl *j, char *why, size_t whylen)
{
	const uint8_t *h = (const uint8_t *)j->j_stage;

	if (memcmp(h, JH_MAGIC, 8) != 0 ||
	    get32(h + JH_CRCOFF) != crc32c(0, h, JH_CRCOFF)) {
		snprintf(why, whylen, "its header is not complete");
		return JS_INCOMPLETE;
	}
	if (get32(h + 8) != JH_VERSION || get32(h + 12) != j->j_unit ||
	    get32(h + 16) > JH_TXN) {
		snprintf(why, whylen, "it is of an unknown version (%u, "
		    "%u-byte units, state %u)", get32(h + 8), get32(h + 12),
		    get32(h + 16));
		return JS_FOREIGN;
	}
	if (get32(h + 16) == JH_EMPTY)
		return JS_EMPTY;
	if (get64(h + 32) != j->j_devsize || get64(h + 40) != j->j_hostoff ||
	    get32(h + 48) != j->j_secsize) {
		snprintf(why, whylen, "it belongs to another image: it is for "
		    "a device of %llu bytes at offset %llu with %u-byte "
		    "sectors, not %llu bytes at %llu with %u",
		    (unsigned long long)get64(h + 32),
		    (unsigned long long)get64(h + 40), get32(h + 48),
		    (unsigned long long)j->j_devsize,
		    (unsigned long long)j->j_hostoff, j->j_secsize);
		return JS_FOREIGN;
	}
	j->j_txid = get64(h + 24);
	return JS_HOT;
}

/*
 * Check one record header (and its data) staged at rec; returns its type,
 * or 0 when it is not a valid record of this transaction number seq.
 */
static uint32_t
rec_check(struct jrnl *j, const uint8_t *rec, uint64_t seq, bool hasdata,
    struct jslot *js)
{
	uint32_t type;

	if (get32(rec) != JR_MAGIC ||
	    get32(rec + JR_CRCOFF) != crc32c(0, rec, JR_CRCOFF) ||
	    get64(rec + 8) != j->j_txid || get64(rec + 16) != seq)
		return 0;
	type = get32(rec + 4);
	if (type == JR_COMMIT)
		return get64(rec + 24) == seq ? JR_COMMIT : 0;
	if (type != JR_DATA || !hasdata)
		return 0;
	js->js_unit = get64(rec + 24);
	js->js_len = get32(rec + 32);
	js->js_before = get32(rec + 36);
	js->js_after = get32(rec + 40);
	if (js->js_unit >= howmany(j->j_devsize, j->j_unit) ||
	    js->js_len != MIN((uint64_t)j->j_unit, j->j_devsize -
	    js->js_unit * j->j_unit) ||
	    crc32c(0, rec + JR_SIZE, js->js_len) != js->js_after)
		return 0;
	return JR_DATA;
}

/*
 * Is there a valid commit record of this transaction after record seq
 * (which is not valid)?  Record headers only.
 */
static bool
rec_commitafter(struct jrnl *j, uint64_t fsize, uint64_t seq)
{
	uint8_t rec[JR_SIZE];
	struct jslot js;

	for (seq++; slot_off(j, seq) + JR_SIZE <= fsize; seq++) {
		if (jio_read(j, rec, JR_SIZE, slot_off(j, seq), false) != 0)
			return false;
		if (rec_check(j, rec, seq, false, &js) == JR_COMMIT)
			return true;
	}
	return false;
}

/*
 * A record before a valid commit record is damaged.  If the host lost
 * writes that were not yet synced when the power went, the image was not
 * touched yet: the journal is incomplete.  If a record changed after the
 * commit, the image may have been partly updated already: then it must
 * not be discarded either, and the image needs a check.
 */
static enum jstate
rec_damaged(struct jrnl *j, uint64_t bad, char *why, size_t whylen)
{
	struct jslot *js;
	uint32_t seq;

	for (seq = 0; seq < j->j_nslots; seq++) {
		js = &j->j_slots[seq];
		if (js->js_before == js->js_after ||
		    dev_io(j, BLK_READ, js->js_unit * j->j_unit, j->j_stage,
		    js->js_len) != 0)
			continue;
		if (crc32c(0, j->j_stage, js->js_len) == js->js_after) {
			snprintf(why, whylen, "record %llu is damaged although "
			    "the transaction was committed and partly written "
			    "to the image (check the image with fsu_fsck)",
			    (unsigned long long)bad);
			return JS_FOREIGN;
		}
	}
	snprintf(why, whylen, "record %llu is damaged, and the image was "
	    "not changed yet", (unsigned long long)bad);
	return JS_INCOMPLETE;
}

/*
 * Read the records of the journal into the index, up to the commit
 * record.  JS_HOT if there is one, else JS_INCOMPLETE.  fsize is the
 * journal file's size.
 */
static enum jstate
rec_scan(struct jrnl *j, uint64_t fsize, char *why, size_t whylen)
{
	struct jslot js;
	uint64_t seq = 0, off;
	uint32_t n, i, type, s;
	size_t have;

	for (;;) {
		off = slot_off(j, seq);
		if (off + JR_SIZE > fsize)
			break;
		have = (size_t)MIN((uint64_t)J_STAGE * j->j_slotsize,
		    fsize - off);
		if (jio_read(j, j->j_stage, have, off, true) != 0) {
			snprintf(why, whylen, "it cannot be read");
			return JS_IOERR;
		}
		n = (uint32_t)howmany(have, j->j_slotsize);
		for (i = 0; i < n; i++, seq++) {
			const uint8_t *rec = (const uint8_t *)j->j_stage +
			    (size_t)i * j->j_slotsize;
			bool hasdata = (size_t)(i + 1) * j->j_slotsize <= have;

			if ((size_t)i * j->j_slotsize + JR_SIZE > have)
				break;
			memset(&js, 0, sizeof(js));
			type = rec_check(j, rec, seq, hasdata, &js);
			if (type == JR_COMMIT)
				return JS_HOT;
			if (type != JR_DATA || slot_find(j, js.js_unit) !=
			    JNIL || slot_add(j, js.js_unit, js.js_len, &s) !=
			    0)
				goto incomplete;
			j->j_slots[s].js_before = js.js_before;
			j->j_slots[s].js_after = js.js_after;
		}
		if (n == 0 || have < (size_t)J_STAGE * j->j_slotsize)
			break;
	}
incomplete:
	if (rec_commitafter(j, fsize, seq))
		return rec_damaged(j, seq, why, whylen);
	snprintf(why, whylen, "it has no valid commit record after %llu "
	    "records", (unsigned long long)seq);
	return JS_INCOMPLETE;
}

/*
 * Compare each journaled unit of the image with the journal: JS_DONE if
 * all hold the journal's data, JS_HOT if some hold the data from before
 * (and the rest the journal's), JS_FOREIGN if any holds neither.
 */
static enum jstate
rec_verify(struct jrnl *j, char *why, size_t whylen)
{
	struct jslot *js;
	uint32_t seq, c;
	bool pending = false;
	int error;

	for (seq = 0; seq < j->j_nslots; seq++) {
		js = &j->j_slots[seq];
		error = dev_io(j, BLK_READ, js->js_unit * j->j_unit,
		    j->j_stage, js->js_len);
		if (error != 0) {
			snprintf(why, whylen, "the image cannot be read "
			    "(%s)", errstr(error));
			return JS_IOERR;
		}
		c = crc32c(0, j->j_stage, js->js_len);
		if (c == js->js_after)
			continue;
		if (c != js->js_before) {
			snprintf(why, whylen, "it belongs to another image, "
			    "or the image was changed after it was written: at "
			    "byte %llu the image holds neither what was there "
			    "before the journal's transaction nor what the "
			    "journal has",
			    (unsigned long long)(js->js_unit * j->j_unit));
			return JS_FOREIGN;
		}
		pending = true;
	}
	return pending ? JS_HOT : JS_DONE;
}

/*
 * Open the journal file (if any; read-write for a writable device) and
 * classify it.  The index holds its records when it is JS_HOT or JS_DONE.
 */
static int
jrnl_examine(struct jrnl *j, enum jstate *statep, char *why, size_t whylen)
{
	uint64_t fsize;
	int error, ftype;
	enum jstate st;

	*statep = JS_NONE;
	error = hyp_open(j->j_path, blk_rdonly(j->j_bd) ? HYP_O_RDONLY :
	    HYP_O_RDWR, &j->j_fd);
	if (error != 0) {
		j->j_fd = -1;
		if (error == ENOENT)
			return 0;
		kprintf("jrnl: %s: cannot open the journal (%s)\n",
		    j->j_path, errstr(error));
		return error;
	}
	if ((error = hyp_fileinfo(j->j_fd, &fsize, &ftype)) != 0)
		return error;
	j->j_fsize = fsize;
	if (ftype != HYP_FT_REG) {
		snprintf(why, whylen, "it is not a regular file");
		*statep = JS_FOREIGN;
		return 0;
	}
	if (fsize < JH_SIZE) {
		snprintf(why, whylen, "its header is not complete");
		*statep = JS_INCOMPLETE;
		return 0;
	}
	if (jio_read(j, j->j_stage, JH_SIZE, 0, true) != 0) {
		snprintf(why, whylen, "it cannot be read");
		*statep = JS_IOERR;
		return 0;
	}
	st = rec_header(j, why, whylen);
	if (st == JS_HOT)
		st = rec_scan(j, fsize, why, whylen);
	if (st == JS_HOT)
		st = rec_verify(j, why, whylen);
	*statep = st;
	return 0;
}

/*
 * Deal with what the journal file says.  A read-only device with a hot
 * journal keeps j as a read-only view (*viewp); otherwise the records are
 * forgotten and j is ready for a transaction.
 */
static int
jrnl_recover(struct jrnl *j, bool *viewp)
{
	bool rdonly = blk_rdonly(j->j_bd);
	enum jstate st;
	char why[320];
	int error;

	*viewp = false;
	why[0] = '\0';
	if ((error = jrnl_examine(j, &st, why, sizeof(why))) != 0)
		return error;
	switch (st) {
	case JS_NONE:
		break;
	case JS_IOERR:
		kprintf("jrnl: %s: %s; nothing is changed\n", j->j_path, why);
		error = EIO;
		break;
	case JS_FOREIGN:
		kprintf("jrnl: %s: the journal cannot be applied: %s; "
		    "nothing is changed (remove the journal to use the image "
		    "as it is)\n", j->j_path, why);
		error = EBADMSG;
		break;
	case JS_INCOMPLETE:
		if (rdonly)
			break;
		kprintf("jrnl: %s: discarded the journal of a command that "
		    "did not finish (%s); the image is as it was before it\n",
		    j->j_path, why);
		error = jrnl_empty(j);
		break;
	case JS_EMPTY:
		/* An empty journal that cannot be removed does no harm. */
		if (!rdonly && j->j_remove)
			(void)jio_remove(j);
		break;
	case JS_DONE:
		if (!rdonly)
			error = jrnl_empty(j);
		break;
	case JS_HOT:
		if (rdonly) {
			kprintf("jrnl: %s: reading through the journal of an "
			    "interrupted command (a read-write command "
			    "applies it)\n", j->j_path);
			j->j_view = true;
			*viewp = true;
			return 0;
		}
		error = jrnl_apply(j);
		if (error == 0)
			error = jrnl_empty(j);
		if (error == 0)
			kprintf("jrnl: %s: completed the changes of a command "
			    "that was interrupted after its commit\n",
			    j->j_path);
		else
			kprintf("jrnl: %s: could not apply the journal (%s)\n",
			    j->j_path, errstr(error));
		break;
	}
	index_free(j);
	return error;
}

/* The journal setting: FSU_JOURNAL=on (default), remove or off. */
enum jsetting { JSET_OFF, JSET_ON, JSET_REMOVE };

static enum jsetting
jrnl_setting(void)
{
	char v[16];

	if (kparam_get("FSU_JOURNAL", v, sizeof(v)) != 0)
		return JSET_ON;
	if (strcmp(v, "off") == 0 || strcmp(v, "0") == 0 ||
	    strcmp(v, "no") == 0)
		return JSET_OFF;
	if (strcmp(v, "remove") == 0)
		return JSET_REMOVE;
	if (strcmp(v, "on") != 0 && strcmp(v, "1") != 0 &&
	    strcmp(v, "yes") != 0 && v[0] != '\0')
		kprintf("jrnl: FSU_JOURNAL=%s: not on, remove or off; using "
		    "on\n", v);
	return JSET_ON;
}

/*
 * Recover, then stack a transaction on a writable device when flags has
 * JRNL_ON (and FSU_JOURNAL is not off), or a read-only view of a hot
 * journal on a read-only device.  *jp is NULL when nothing is stacked.
 */
int
jrnl_open(struct blkdev *bd, int flags, struct jrnl **jp)
{
	enum jsetting set = jrnl_setting();
	struct jrnl *j;
	char *path;
	bool view, txn;
	int error;

	*jp = NULL;
	if ((path = kmem_alloc(MAXPATHLEN)) == NULL)
		return ENOMEM;
	error = jrnl_path(bd, path, MAXPATHLEN);
	if (error == 0)
		error = jrnl_new(bd, path, &j);
	kmem_free(path, MAXPATHLEN);
	if (error != 0)
		return error;
	txn = !blk_rdonly(bd) && (flags & JRNL_ON) && set != JSET_OFF;
	j->j_remove = set == JSET_REMOVE || (!txn && set == JSET_OFF);
	if ((error = jrnl_recover(j, &view)) != 0 || (!view && !txn)) {
		jrnl_free_all(j);
		return error;
	}
	j->j_ordered = !view && (flags & JRNL_ORDERED) != 0;
	blk_push(bd, &jrnl_layerops, j);
	*jp = j;
	return 0;
}

/*
 * End the transaction (commit it, or discard it when abort is set or a
 * request failed), unstack the layer and free it.  The error of the
 * commit; EIO for a transaction that failed.
 */
int
jrnl_close(struct jrnl *j, bool abort)
{
	int error = 0;

	if (j == NULL)
		return 0;
	blk_pop(j->j_bd);
	if (!j->j_view) {
		if (j->j_failed && !abort) {
			kprintf("jrnl: %s: an I/O request failed; none of the "
			    "changes are applied\n", j->j_path);
			error = EIO;
		}
		if (abort || j->j_failed) {
			if (j->j_begun)
				(void)jrnl_empty(j);
		} else {
			error = jrnl_commit(j);
			if (error != 0 && j->j_begun)
				(void)jrnl_empty(j);
		}
	}
	jrnl_free_all(j);
	return error;
}

struct jrnl *
jrnl_of(const struct blkdev *bd)
{
	return blk_layer(bd, &jrnl_layerops);
}

void
jrnl_getstats(const struct jrnl *j, struct jrnl_stats *js)
{
	*js = j->j_stats;
}

void
jrnl_printstats(const struct jrnl *j)
{
	kprintf("jrnl: %s%s: %llu units journaled (%llu rewritten), %llu "
	    "bytes to the journal, %llu bytes in place, %llu reads from it\n",
	    j->j_path, j->j_view ? " (read-only view)" : "",
	    (unsigned long long)j->j_stats.js_records,
	    (unsigned long long)j->j_stats.js_rewrites,
	    (unsigned long long)j->j_stats.js_bytes,
	    (unsigned long long)j->j_stats.js_direct,
	    (unsigned long long)j->j_stats.js_jreads);
}
