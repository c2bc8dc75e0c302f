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
 * blk_txn_alloc and blk_txn_free) may go to the image at once: no state
 * of the image before the commit refers to those blocks.  The first such
 * write costs a sync of the image before the commit record, more than a
 * few journaled units, so it is done for a large write of file data
 * (BLK_BULK, 32 KiB or more) or once J_FRESHMAX bytes of such writes
 * were journaled; from then on every such write goes to the image.  The image is made durable before the commit record is written,
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
 * Images that are host devices (not regular files) get no journal.
 *
 * Locking: j_lock serialises the requests on one journal; it is held
 * across host I/O (a leaf lock otherwise).
 *
 * Files: this one has the layer, the transaction and the set-up;
 * jrnl_recover.c what to do with a journal left by an earlier process;
 * jrnl_subr.c the format, host I/O, the index and the extent sets.
 */
#include "../sys/param.h"
#include "../sys/kmem.h"
#include "../sys/lock.h"
#include "../sys/systm.h"
#include "../../lib/hyp.h"
#include "blk.h"
#include "jrnl_int.h"

static const struct blk_layerops jrnl_layerops;

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
			    "%d)%s\n", j->j_path, jrnl_errstr(error), error,
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
	jrnl_hdr_encode(j, (uint8_t *)j->j_stage, JH_TXN);
	if ((error = jrnl_io_write(j, j->j_stage, JH_SIZE, 0, false)) != 0)
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
int
jrnl_empty(struct jrnl *j)
{
	int error;

	j->j_begun = false;
	if (j->j_fd < 0)
		return 0;
	if (j->j_remove)
		return jrnl_io_remove(j);
	jrnl_hdr_encode(j, (uint8_t *)j->j_stage, JH_EMPTY);
	if ((error = jrnl_io_write(j, j->j_stage, JH_SIZE, 0, false)) != 0)
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

	seq = jrnl_slot_find(j, u);
	if (seq == JNIL) {
		/* First time: the image's bytes give the "before" checksum. */
		if ((error = jrnl_dev_io(j, BLK_READ, ustart, data, len)) != 0)
			return error;
		before = crc32c(0, data, len);
		if ((error = jrnl_slot_add(j, u, len, &seq)) != 0)
			return error;
		j->j_slots[seq].js_before = before;
		j->j_stats.js_records++;
	} else {
		if ((lo > 0 || hi < len) && (error = jrnl_io_read(j, data, len,
		    jrnl_slot_off(j, seq) + JR_SIZE, false)) != 0)
			return error;
		j->j_stats.js_rewrites++;
	}
	jrnl_iov_gather(iov, iovcnt, pos, data + lo, hi - lo);
	if (len < j->j_unit)
		memset(data + len, 0, j->j_unit - len);
	j->j_slots[seq].js_after = crc32c(0, data, len);
	jrnl_rec_encode(j, rec, JR_DATA, seq, &j->j_slots[seq]);
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
		error = jrnl_io_write(j, j->j_stage + (size_t)i * j->j_slotsize,
		    (size_t)(k - i) * j->j_slotsize,
		    jrnl_slot_off(j, j->j_stageseq[i]), false);
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

	if (j->j_ordered && jrnl_es_covers(&j->j_fresh, off, off + total) &&
	    !jrnl_index_overlaps(j, off, total)) {
		if ((rw & BLK_BULK) || j->j_direct ||
		    j->j_freshjournaled >= J_FRESHMAX) {
			error = blk_devrw(j->j_bd, BLK_WRITE | BLK_BULK, off,
			    iov, iovcnt, donep);
			j->j_direct = true;
			j->j_stats.js_direct += *donep;
			return error;
		}
		j->j_freshjournaled += total;
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
	cnt = jrnl_iov_slice(iov, iovcnt, pos, len, sl, iovcnt);
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
		if ((seq = jrnl_slot_find(j, u)) == JNIL) {
			pos += hi - lo;
			continue;
		}
		if ((error = read_image(j, off, iov, iovcnt, run,
		    pos - run)) != 0)
			return error;
		error = jrnl_io_read(j, j->j_bounce, hi - lo, jrnl_slot_off(j, seq) +
		    JR_SIZE + lo, false);
		if (error != 0)
			return error;
		jrnl_iov_scatter(iov, iovcnt, pos, j->j_bounce, hi - lo);
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
	i = jrnl_es_search(&j->j_freed, a + 1);
	for (; i < j->j_freed.es_n && a < b; i++) {
		s = j->j_freed.es_v[2 * i];
		e = j->j_freed.es_v[2 * i + 1];
		if (s >= b)
			break;
		if (s > a && jrnl_es_add(&j->j_fresh, a, s) != 0)
			j->j_ordered = false;
		a = MAX(a, e);
	}
	if (a < b && jrnl_es_add(&j->j_fresh, a, b) != 0)
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
	if (jrnl_es_remove(&j->j_fresh, off, off + len) != 0 ||
	    jrnl_es_add(&j->j_freed, off, off + len) != 0) {
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
int
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
		error = jrnl_io_read(j, j->j_stage, (size_t)n * j->j_slotsize,
		    jrnl_slot_off(j, seq), false);
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
	jrnl_rec_encode(j, rec, JR_COMMIT, j->j_nslots, NULL);
	if ((error = jrnl_io_write(j, rec, JR_SIZE, jrnl_slot_off(j, j->j_nslots),
	    true)) != 0)
		return error;
	if ((error = jrnl_io_sync(j)) != 0)
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
		    jrnl_errstr(error));
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
	jrnl_index_free(j);
	jrnl_es_free(&j->j_fresh);
	jrnl_es_free(&j->j_freed);
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
	/* A host device has no directory to keep a journal beside it. */
	if (!blk_regular(bd))
		return 0;
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

