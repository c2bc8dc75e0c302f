/*
 * msdosfs_dirops.c: changing directories: entering a name (with its long
 * name slots and a unique short name), removing one, the "." and ".."
 * of a new directory, pointing ".." elsewhere, and the emptiness test.
 *
 * A new entry takes one slot for its short name and, if it needs a long
 * name, one more per 13 UTF-16 units, all consecutive: free slots left by
 * removed entries are reused (the index says where to start looking),
 * else the entry goes after the last one, and a directory with no room
 * grows by a zeroed cluster (the FAT12/16 root cannot: ENOSPC; no
 * directory grows past 65536 slots).  When an entry is written past the
 * old end of the directory, the slot after it is made the end mark.
 * Removing an entry marks its slots free (0xE5), long name ones
 * included.  Slots are read and written through the buffer cache, one
 * delayed write per block, and the index is kept in step.  Callers own
 * the vnodes and the first clusters.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "denode.h"
#include "direntry.h"
#include "fat.h"
#include "msdosfs_extern.h"

#define HASH_SEEDS	256	/* hashed short-name bases tried */

/* Write the DE_SIZE bytes at src into slot off of dp. */
static int
slot_write(struct denode *dp, uint32_t off, const uint8_t *src)
{
	struct buf *bp;
	uint8_t *p;
	uint32_t avail;
	int error;

	if ((error = msdosfs_dirblk(dp, off, &bp, &p, &avail)) != 0)
		return error;
	memcpy(p, src, DE_SIZE);
	bdwrite(bp);
	return 0;
}

/* Make slot off of dp the end of the directory, if it is not free yet. */
static int
slot_setend(struct denode *dp, uint32_t off)
{
	struct buf *bp;
	uint8_t *p;
	uint32_t avail;
	int error;

	if (off >= dp->de_size)
		return 0;
	if ((error = msdosfs_dirblk(dp, off, &bp, &p, &avail)) != 0)
		return error;
	if (p[DE_NAME] == SLOT_EMPTY) {
		brelse(bp, 0);
		return 0;
	}
	memset(p, 0, DE_SIZE);
	bdwrite(bp);
	return 0;
}

/* Grow directory dp by one zeroed cluster. */
int
msdosfs_dir_grow(struct denode *dp)
{
	struct msdosfsmount *pmp = dp->de_pmp;
	struct buf *bp;
	uint32_t cn;
	int error;

	if ((dp->de_flag & DE_FIXEDROOT) ||
	    (uint64_t)dp->de_size + pmp->pm_csize > FAT_MAXDIRSIZE)
		return ENOSPC;
	if ((error = msdosfs_addclust(dp, &cn)) != 0)
		return error;
	error = getblk(pmp->pm_devvp, (daddr_t)(msdosfs_cn2off(pmp, cn) /
	    DEV_BSIZE), (int)pmp->pm_csize, &bp);
	if (error != 0) {
		(void)msdosfs_chain_cut(dp, dp->de_nclust - 1);
		return error;
	}
	memset(bp->b_data, 0, pmp->pm_csize);
	bdwrite(bp);
	dp->de_size += pmp->pm_csize;
	DETOV(dp)->v_size = dp->de_size;
	return 0;
}

/* Long name slot ord (1-based) of name u (n units) into p. */
static void
lfn_fill(uint8_t *p, const uint16_t *u, size_t n, int ord, bool last,
    uint8_t sum)
{
	static const uint8_t pos[LFN_CHARS] = { 1, 3, 5, 7, 9, 14, 16, 18,
	    20, 22, 24, 28, 30 };
	size_t j, k;
	uint16_t c;

	memset(p, 0, DE_SIZE);
	p[LFN_ORD] = (uint8_t)(ord | (last ? LFN_LAST : 0));
	p[LFN_ATTR] = ATTR_LONGNAME;
	p[LFN_CHKSUM] = sum;
	for (k = 0; k < LFN_CHARS; k++) {
		j = (size_t)(ord - 1) * LFN_CHARS + k;
		c = j < n ? u[j] : j == n ? 0 : 0xffff;
		msdosfs_wr16(p + pos[k], c);
	}
}

/*
 * A short name for long name u (n units) from basis that no entry of dp
 * has: "~1" to "~4", then hashed bases with "~1" to "~9".
 */
static int
sfn_unique(struct denode *dp, const uint8_t *basis, const uint16_t *u,
    size_t n, uint8_t *sfn)
{
	uint8_t hb[11];
	uint32_t t, seed;

	for (t = 1; t <= 4; t++) {
		msdosfs_sfn_tail(basis, t, sfn);
		if (!msdosfs_index_hasshort(dp, sfn))
			return 0;
	}
	for (seed = 0; seed < HASH_SEEDS; seed++) {
		msdosfs_sfn_hashed(basis, u, n, seed, hb);
		for (t = 1; t <= 9; t++) {
			msdosfs_sfn_tail(hb, t, sfn);
			if (!msdosfs_index_hasshort(dp, sfn))
				return 0;
		}
	}
	return ENOSPC;
}

/* Find room for n slots in dp, growing it if needed. */
static int
dir_room(struct denode *dp, uint32_t n, uint32_t *offp)
{
	int error, tries;

	for (tries = 0; tries < 1 + LFN_MAXSLOTS; tries++) {
		if ((error = msdosfs_index_room(dp, n, offp)) != 0)
			return error;
		if (*offp != UINT32_MAX)
			return 0;
		if ((error = msdosfs_dir_grow(dp)) != 0)
			return error;
	}
	return ENOSPC;
}

/*
 * Enter name (len bytes of UTF-8) into directory dp with the short entry
 * tmpl (DE_SIZE bytes: everything but the name and its case bits).
 * *devoffp gets the device offset of the short entry.  The caller has
 * checked that the name is not there.
 */
int
msdosfs_direnter(struct denode *dp, const char *name, size_t len,
    const uint8_t *tmpl, uint64_t *devoffp)
{
	uint16_t u[LFN_MAXLEN];
	uint8_t sfn[11], slot[DE_SIZE], ntres, sum;
	struct msdosfs_dent de;
	uint32_t off, nslots, i, end;
	size_t n;
	int error;

	if ((error = msdosfs_utf8_to_utf16(name, len, u, &n)) != 0 ||
	    (error = msdosfs_lfn_check(u, n)) != 0 ||
	    (error = msdosfs_index_get(dp)) != 0)
		return error;
	if (msdosfs_sfn_make(u, n, sfn, &ntres) == SFN_LONG) {
		memcpy(slot, sfn, 11);
		if ((error = sfn_unique(dp, slot, u, n, sfn)) != 0)
			return error;
		nslots = 1 + (uint32_t)howmany(n, LFN_CHARS);
	} else {
		if (msdosfs_index_hasshort(dp, sfn))
			return EEXIST;
		nslots = 1;
	}
	if ((error = dir_room(dp, nslots, &off)) != 0)
		return error;
	sum = msdosfs_lfn_chksum(sfn);
	for (i = 0; i + 1 < nslots; i++) {
		lfn_fill(slot, u, n, (int)(nslots - 1 - i), i == 0, sum);
		if ((error = slot_write(dp, off + i * DE_SIZE, slot)) != 0)
			return error;
	}
	memcpy(slot, tmpl, DE_SIZE);
	memcpy(slot + DE_NAME, sfn, 11);
	slot[DE_NTRES] = ntres;
	end = off + nslots * DE_SIZE;
	if ((error = slot_write(dp, end - DE_SIZE, slot)) != 0)
		return error;
	memset(&de, 0, sizeof(de));
	de.de_first = off;
	de.de_off = end - DE_SIZE;
	de.de_raw = sfn;
	if (nslots > 1) {
		de.de_lfn = u;
		de.de_lfnlen = n;
	}
	if (msdosfs_index_used(dp, off, nslots) &&
	    (error = slot_setend(dp, end)) != 0)
		return error;
	msdosfs_index_add(dp, &de);
	msdosfs_modified(dp, DE_UPDATE);
	return msdosfs_dir_devoff(dp, de.de_off, devoffp);
}

struct remove_arg {
	struct denode	*ra_dp;
	uint32_t	ra_off;		/* the short entry expected */
	uint32_t	ra_first;	/* its first slot, once found */
	bool		ra_found;
};

static int
remove_cb(void *arg, const struct msdosfs_dent *de)
{
	struct remove_arg *ra = arg;

	if (de->de_off == ra->ra_off) {
		msdosfs_index_remove(ra->ra_dp, de);
		ra->ra_first = de->de_first;
		ra->ra_found = true;
	}
	return MSDOSFS_SCAN_STOP;
}

/*
 * Remove the entry name from directory dp; it must be the entry of key
 * (EIO otherwise: the directory changed under the caller, or is corrupt).
 */
int
msdosfs_dirremove(struct denode *dp, const char *name, size_t len, ino_t key)
{
	struct remove_arg ra = { dp, 0, 0, false };
	struct msdosfs_dent de;
	struct buf *bp;
	uint8_t *p;
	uint32_t off, avail;
	int error;

	if ((error = msdosfs_dir_find(dp, name, len, &de)) != 0)
		return error;
	if ((ino_t)(de.de_devoff >> DE_SHIFT) != key)
		return EIO;
	ra.ra_off = de.de_off;
	if ((error = msdosfs_dirscan(dp, de.de_first, remove_cb, &ra,
	    NULL)) != 0)
		return error;
	if (!ra.ra_found)
		return EIO;
	for (off = ra.ra_first; off <= ra.ra_off; off += DE_SIZE) {
		if ((error = msdosfs_dirblk(dp, off, &bp, &p, &avail)) != 0)
			return error;
		p[DE_NAME] = SLOT_DELETED;
		bdwrite(bp);
	}
	msdosfs_modified(dp, DE_UPDATE);
	return 0;
}

/*
 * Write "." and ".." into cn, the zeroed first cluster of a new
 * directory whose short entry is tmpl; parent is the first cluster of
 * its parent (0 for the root).
 */
int
msdosfs_dirinit(struct msdosfsmount *pmp, uint32_t cn, const uint8_t *tmpl,
    uint32_t parent)
{
	struct buf *bp;
	uint8_t *p;
	int error;

	error = getblk(pmp->pm_devvp, (daddr_t)(msdosfs_cn2off(pmp, cn) /
	    DEV_BSIZE), (int)pmp->pm_csize, &bp);
	if (error != 0)
		return error;
	p = bp->b_data;
	memset(p, 0, pmp->pm_csize);
	memcpy(p, tmpl, DE_SIZE);
	memcpy(p + DE_NAME, ".          ", 11);
	p[DE_NTRES] = 0;
	memcpy(p + DE_SIZE, p, DE_SIZE);
	memcpy(p + DE_SIZE + DE_NAME, "..         ", 11);
	msdosfs_wr16(p + DE_SIZE + DE_CLUSTLO, (uint16_t)parent);
	msdosfs_wr16(p + DE_SIZE + DE_CLUSTHI, pmp->pm_fattype == 32 ?
	    (uint16_t)(parent >> 16) : 0);
	bdwrite(bp);
	return 0;
}

/* Point the ".." of directory dp at the directory starting at parent. */
int
msdosfs_dirsetparent(struct denode *dp, uint32_t parent)
{
	struct msdosfsmount *pmp = dp->de_pmp;
	struct buf *bp;
	uint8_t *p;
	uint32_t avail;
	int error;

	if ((error = msdosfs_dirblk(dp, DE_SIZE, &bp, &p, &avail)) != 0)
		return error;
	if (memcmp(p, "..         ", 11) != 0) {
		brelse(bp, 0);
		return EIO;
	}
	msdosfs_wr16(p + DE_CLUSTLO, (uint16_t)parent);
	msdosfs_wr16(p + DE_CLUSTHI, pmp->pm_fattype == 32 ?
	    (uint16_t)(parent >> 16) : 0);
	bdwrite(bp);
	return 0;
}

/*
 * Does directory dp hold nothing but "." and ".."?  Every live short
 * entry counts, even one the scanner would not show.
 */
int
msdosfs_dirempty(struct denode *dp, bool *emptyp)
{
	struct buf *bp;
	uint8_t *p;
	uint32_t off, avail;
	int error;

	*emptyp = true;
	if ((error = msdosfs_map(dp)) != 0)
		return error;
	for (off = 0; off < dp->de_size;) {
		if ((error = msdosfs_dirblk(dp, off, &bp, &p, &avail)) != 0)
			return error;
		for (; avail >= DE_SIZE && off < dp->de_size; p += DE_SIZE,
		    off += DE_SIZE, avail -= DE_SIZE) {
			if (p[DE_NAME] == SLOT_EMPTY) {
				brelse(bp, 0);
				return 0;
			}
			if (p[DE_NAME] == SLOT_DELETED ||
			    (p[DE_ATTR] & ATTR_LONGNAME_MASK) ==
			    ATTR_LONGNAME || (p[DE_ATTR] & ATTR_VOLUME))
				continue;
			if (off < 2 * DE_SIZE && p[DE_NAME] == '.')
				continue;
			*emptyp = false;
			brelse(bp, 0);
			return 0;
		}
		brelse(bp, 0);
	}
	return 0;
}
