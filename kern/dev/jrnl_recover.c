/*
 * jrnl_recover.c: what a journal file left beside the image by an earlier
 * process holds, and what to do about it (see JOURNAL.md, "Validation at
 * attach"): nothing (no file, or marked empty); discard it (no valid
 * commit record: the image was never touched); refuse it (another
 * image's, or the image changed since); apply it (read-write) or read
 * through it (read-only) when it is committed and the image does not
 * hold all of it yet.
 */
#include "../sys/param.h"
#include "../sys/kmem.h"
#include "../sys/lock.h"
#include "../sys/systm.h"
#include "../../lib/hyp.h"
#include "blk.h"
#include "jrnl_int.h"

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

	for (seq++; jrnl_slot_off(j, seq) + JR_SIZE <= fsize; seq++) {
		if (jrnl_io_read(j, rec, JR_SIZE, jrnl_slot_off(j, seq), false) != 0)
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
		    jrnl_dev_io(j, BLK_READ, js->js_unit * j->j_unit, j->j_stage,
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
		off = jrnl_slot_off(j, seq);
		if (off + JR_SIZE > fsize)
			break;
		have = (size_t)MIN((uint64_t)J_STAGE * j->j_slotsize,
		    fsize - off);
		if (jrnl_io_read(j, j->j_stage, have, off, true) != 0) {
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
			if (type != JR_DATA || jrnl_slot_find(j, js.js_unit) !=
			    JNIL || jrnl_slot_add(j, js.js_unit, js.js_len, &s) !=
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
		error = jrnl_dev_io(j, BLK_READ, js->js_unit * j->j_unit,
		    j->j_stage, js->js_len);
		if (error != 0) {
			snprintf(why, whylen, "the image cannot be read "
			    "(%s)", jrnl_errstr(error));
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
		    j->j_path, jrnl_errstr(error));
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
	if (jrnl_io_read(j, j->j_stage, JH_SIZE, 0, true) != 0) {
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
int
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
			(void)jrnl_io_remove(j);
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
			    j->j_path, jrnl_errstr(error));
		break;
	}
	jrnl_index_free(j);
	return error;
}

/* The journal setting: FSU_JOURNAL=on (default), remove or off. */
