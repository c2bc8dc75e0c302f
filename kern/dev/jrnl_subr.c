/*
 * jrnl_subr.c: the pieces of the journal layer (see jrnl.c, JOURNAL.md):
 * the journal file's format, its host I/O (with the test hooks of
 * blk.h), the caller's vectors, the index of journaled units (a hash
 * table over an array in record order) and sets of byte ranges (ordered
 * mode's fresh and freed blocks).
 */
#include "../sys/param.h"
#include "../sys/kmem.h"
#include "../sys/lock.h"
#include "../sys/systm.h"
#include "../../lib/hyp.h"
#include "blk.h"
#include "jrnl_int.h"

/* ------------------------------------------------------------ encoding */


/* The header block of the journal of j, in state JH_EMPTY or JH_TXN. */
void
jrnl_hdr_encode(const struct jrnl *j, uint8_t *h, uint32_t state)
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
void
jrnl_rec_encode(const struct jrnl *j, uint8_t *r, uint32_t type, uint64_t seq,
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


/* ------------------------------------------------------------ host I/O */

/* A few errors in words, for the messages (the kernel has no strerror). */
const char *
jrnl_errstr(int error)
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
int
jrnl_io_write(struct jrnl *j, const void *buf, size_t len, uint64_t off,
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

int
jrnl_io_read(struct jrnl *j, void *buf, size_t len, uint64_t off, bool inject)
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

int
jrnl_io_sync(struct jrnl *j)
{
	int error;

	if ((error = blk_fault(j->j_bd, BLK_WRITE, 0, 0)) != 0)
		return error;
	blk_crashpoint();
	return hyp_fdatasync(j->j_fd);
}

/* Close and remove the journal file. */
int
jrnl_io_remove(struct jrnl *j)
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
int
jrnl_dev_io(struct jrnl *j, int rw, uint64_t off, void *buf, size_t len)
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
int
jrnl_iov_slice(const struct kiovec *iov, int cnt, size_t skip, size_t len,
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
void
jrnl_iov_scatter(const struct kiovec *iov, int cnt, size_t skip, const char *src,
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
void
jrnl_iov_gather(const struct kiovec *iov, int cnt, size_t skip, char *dst,
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
uint32_t
jrnl_slot_find(const struct jrnl *j, uint64_t unit)
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
int
jrnl_slot_add(struct jrnl *j, uint64_t unit, uint32_t len, uint32_t *seqp)
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

void
jrnl_index_free(struct jrnl *j)
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
bool
jrnl_index_overlaps(const struct jrnl *j, uint64_t off, uint64_t len)
{
	uint64_t u, last;

	if (j->j_nslots == 0 || len == 0)
		return false;
	last = (off + len - 1) / j->j_unit;
	for (u = off / j->j_unit; u <= last; u++)
		if (jrnl_slot_find(j, u) != JNIL)
			return true;
	return false;
}

/* --------------------------------------------------------- extent sets */

/* Index of the first range whose end is at or after off. */
size_t
jrnl_es_search(const struct extset *es, uint64_t off)
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
int
jrnl_es_add(struct extset *es, uint64_t a, uint64_t b)
{
	size_t i, k;

	if (a >= b)
		return 0;
	i = jrnl_es_search(es, a);
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
int
jrnl_es_remove(struct extset *es, uint64_t a, uint64_t b)
{
	size_t i;
	uint64_t s, e;

	if (a >= b)
		return 0;
	i = jrnl_es_search(es, a + 1);
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
bool
jrnl_es_covers(const struct extset *es, uint64_t a, uint64_t b)
{
	size_t i;

	if (a >= b)
		return true;
	i = jrnl_es_search(es, a + 1);
	return i < es->es_n && es->es_v[2 * i] <= a &&
	    es->es_v[2 * i + 1] >= b;
}

void
jrnl_es_free(struct extset *es)
{
	if (es->es_v != NULL)
		kmem_free(es->es_v, es->es_cap * 2 * sizeof(uint64_t));
	memset(es, 0, sizeof(*es));
}
