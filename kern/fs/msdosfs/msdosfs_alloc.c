/*
 * msdosfs_alloc.c: the File Allocation Table: reading and writing
 * entries, allocating and freeing clusters, keeping the copies of the
 * FAT alike, the FSInfo sector and the "clean" bits of entry 1.
 *
 * The FAT is read and written through the buffer cache in blocks of
 * pm_fatblk bytes (4 KiB; the whole used part of a FAT12 table, whose
 * 12-bit entries may straddle sectors).  Entries are read from the active
 * FAT (the first, unless FAT32 mirroring is off, which makes a volume
 * read-only here) and written to the first; the blocks written are
 * remembered in pm_fatdirty and copied into the other FATs by
 * msdosfs_fat_mirror(), which sync and unmount call before writing the
 * buffers, so every copy is the same on disk.
 *
 * Allocation looks for a free entry from a preferred cluster (after the
 * file's last one, so files stay contiguous), else from the next-free
 * hint, wrapping around once; a full volume is ENOSPC.  The free count
 * (from FSInfo when it is plausible, else counted when first needed) and
 * the hint follow every allocation and free, and go to FSInfo at sync.
 *
 * Every cluster number read from the FAT is checked by the caller before
 * it is followed; freeing a chain stops at a free entry or a number
 * outside the volume (EIO) and at most visits every cluster once, so a
 * loop cannot make it spin.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "bpb.h"
#include "denode.h"
#include "fat.h"
#include "msdosfs_extern.h"

/* Where FAT block b of FAT copy fat is: device block and length. */
static void
fatblk_where(const struct msdosfsmount *pmp, uint32_t fat, uint32_t b,
    daddr_t *blknop, int *lenp)
{
	uint64_t off = (uint64_t)b * pmp->pm_fatblk;

	*lenp = (int)MIN((uint64_t)pmp->pm_fatblk, pmp->pm_fatused - off);
	*blknop = (daddr_t)((pmp->pm_fatoff + fat * pmp->pm_fatsize + off) /
	    DEV_BSIZE);
}

/* Byte offset of the entry of cluster cn in a FAT. */
static uint64_t
entry_off(const struct msdosfsmount *pmp, uint32_t cn)
{
	switch (pmp->pm_fattype) {
	case 12:
		return (uint64_t)cn + cn / 2;
	case 16:
		return (uint64_t)cn * 2;
	default:
		return (uint64_t)cn * 4;
	}
}

/* Decode the entry of cn at p. */
static uint32_t
entry_get(const struct msdosfsmount *pmp, const uint8_t *p, uint32_t cn)
{
	uint32_t v;

	switch (pmp->pm_fattype) {
	case 12:
		v = msdosfs_rd16(p);
		return (cn & 1) ? v >> 4 : v & FAT12_MASK;
	case 16:
		return msdosfs_rd16(p);
	default:
		return msdosfs_rd32(p) & FAT32_MASK;
	}
}

static void
entry_put(const struct msdosfsmount *pmp, uint8_t *p, uint32_t cn,
    uint32_t v)
{
	uint32_t o;

	switch (pmp->pm_fattype) {
	case 12:
		o = msdosfs_rd16(p);
		if (cn & 1)
			o = (o & 0x000f) | ((v & FAT12_MASK) << 4);
		else
			o = (o & 0xf000) | (v & FAT12_MASK);
		msdosfs_wr16(p, (uint16_t)o);
		break;
	case 16:
		msdosfs_wr16(p, (uint16_t)v);
		break;
	default:
		o = msdosfs_rd32(p);
		msdosfs_wr32(p, (o & ~FAT32_MASK) | (v & FAT32_MASK));
		break;
	}
}

/* Read the block of FAT copy fat holding the entry of cn. */
static int
fat_bread(struct msdosfsmount *pmp, uint32_t fat, uint32_t cn,
    struct buf **bpp, uint8_t **pp, uint32_t *blkp)
{
	uint64_t off = entry_off(pmp, cn);
	uint32_t b = (uint32_t)(off / pmp->pm_fatblk);
	daddr_t blkno;
	int len, error;

	fatblk_where(pmp, fat, b, &blkno, &len);
	if ((error = bread(pmp->pm_devvp, blkno, len, bpp)) != 0)
		return error;
	*pp = (uint8_t *)(*bpp)->b_data + (off - (uint64_t)b * pmp->pm_fatblk);
	*blkp = b;
	return 0;
}

/* The FAT entry of cluster cn (0..pm_maxclust). */
int
msdosfs_fat_get(struct msdosfsmount *pmp, uint32_t cn, uint32_t *valp)
{
	struct buf *bp;
	uint8_t *p;
	uint32_t b;
	int error;

	if (cn > pmp->pm_maxclust)
		return EIO;
	if ((error = fat_bread(pmp, pmp->pm_activefat, cn, &bp, &p, &b)) != 0)
		return error;
	*valp = entry_get(pmp, p, cn);
	brelse(bp, 0);
	return 0;
}

/* Set the FAT entry of cluster cn (a delayed write, mirrored at sync). */
int
msdosfs_fat_set(struct msdosfsmount *pmp, uint32_t cn, uint32_t val)
{
	struct buf *bp;
	uint8_t *p;
	uint32_t b;
	int error;

	KASSERT(!pmp->pm_rdonly && pmp->pm_mirror);
	if (cn < CLUST_FIRST || cn > pmp->pm_maxclust)
		return EIO;
	if ((error = fat_bread(pmp, 0, cn, &bp, &p, &b)) != 0)
		return error;
	entry_put(pmp, p, cn, val);
	bdwrite(bp);
	if (pmp->pm_fatdirty != NULL)
		pmp->pm_fatdirty[b / 8] |= (uint8_t)(1u << (b % 8));
	return 0;
}

/* Does FAT value v end a chain? */
bool
msdosfs_fat_iseof(const struct msdosfsmount *pmp, uint32_t v)
{
	return v >= CLUST_EOFMIN(pmp->pm_fatmask);
}

/*
 * The first free cluster in [from, to], reading the FAT a block at a
 * time; *cnp is 0 if there is none.
 */
static int
fat_findfree(struct msdosfsmount *pmp, uint32_t from, uint32_t to,
    uint32_t *cnp)
{
	struct buf *bp = NULL;
	uint32_t cn, b, curb = UINT32_MAX;
	uint8_t *p;
	int error;

	*cnp = 0;
	for (cn = from; cn <= to && cn >= from; cn++) {
		b = (uint32_t)(entry_off(pmp, cn) / pmp->pm_fatblk);
		if (b != curb) {
			if (bp != NULL)
				brelse(bp, 0);
			error = fat_bread(pmp, pmp->pm_activefat, cn, &bp, &p,
			    &curb);
			if (error != 0)
				return error;
		}
		p = (uint8_t *)bp->b_data + (entry_off(pmp, cn) -
		    (uint64_t)curb * pmp->pm_fatblk);
		if (entry_get(pmp, p, cn) == CLUST_FREE) {
			*cnp = cn;
			break;
		}
	}
	if (bp != NULL)
		brelse(bp, 0);
	return 0;
}

/*
 * Allocate a free cluster, looking from pref (0: from the hint) and
 * wrapping around; it is marked as the end of a chain.  ENOSPC if the
 * volume is full.
 */
int
msdosfs_clust_alloc(struct msdosfsmount *pmp, uint32_t pref, uint32_t *cnp)
{
	uint32_t start, cn;
	int error;

	if (pmp->pm_freecount == 0)
		return ENOSPC;
	start = pref >= CLUST_FIRST && pref <= pmp->pm_maxclust ? pref :
	    pmp->pm_nxtfree;
	if (start < CLUST_FIRST || start > pmp->pm_maxclust)
		start = CLUST_FIRST;
	if ((error = fat_findfree(pmp, start, pmp->pm_maxclust, &cn)) != 0)
		return error;
	if (cn == 0 && start > CLUST_FIRST &&
	    (error = fat_findfree(pmp, CLUST_FIRST, start - 1, &cn)) != 0)
		return error;
	if (cn == 0) {
		pmp->pm_freecount = 0;
		pmp->pm_fmod = true;
		return ENOSPC;
	}
	if ((error = msdosfs_fat_set(pmp, cn, CLUST_EOF(pmp->pm_fatmask))) != 0)
		return error;
	if (pmp->pm_freecount != UINT32_MAX)
		pmp->pm_freecount--;
	pmp->pm_nxtfree = cn + 1 > pmp->pm_maxclust ? CLUST_FIRST : cn + 1;
	pmp->pm_fmod = true;
	*cnp = cn;
	return 0;
}

/*
 * Free the chain that starts at cluster start.  The clusters of a
 * directory (isdir) are dropped from the buffer cache, where they may
 * still be, so that nothing stale is ever written over the cluster's
 * next owner.  EIO (after freeing what it could) for a chain that runs
 * into a free cluster or leaves the volume.
 */
int
msdosfs_chain_free(struct msdosfsmount *pmp, uint32_t start, bool isdir)
{
	uint32_t cn = start, next, n;
	int error;

	for (n = 0; n < pmp->pm_ncluster; n++) {
		if (cn < CLUST_FIRST || cn > pmp->pm_maxclust)
			return EIO;
		if ((error = msdosfs_fat_get(pmp, cn, &next)) != 0)
			return error;
		if (next == CLUST_FREE)
			return EIO;
		if ((error = msdosfs_fat_set(pmp, cn, CLUST_FREE)) != 0)
			return error;
		if (isdir)
			binval(pmp->pm_devvp, (daddr_t)(msdosfs_cn2off(pmp,
			    cn) / DEV_BSIZE), (int)pmp->pm_csize);
		if (pmp->pm_freecount != UINT32_MAX)
			pmp->pm_freecount = MIN(pmp->pm_freecount + 1,
			    pmp->pm_ncluster);
		pmp->pm_fmod = true;
		if (msdosfs_fat_iseof(pmp, next))
			return 0;
		cn = next;
	}
	return EIO;
}

/* Copy the changed blocks of the first FAT into the others. */
int
msdosfs_fat_mirror(struct msdosfsmount *pmp)
{
	struct buf *bp, *cbp;
	uint32_t b, fat;
	daddr_t blkno;
	int len, error;

	if (pmp->pm_fatdirty == NULL)
		return 0;
	for (b = 0; b < pmp->pm_nfatblks; b++) {
		if ((pmp->pm_fatdirty[b / 8] & (1u << (b % 8))) == 0)
			continue;
		fatblk_where(pmp, 0, b, &blkno, &len);
		if ((error = bread(pmp->pm_devvp, blkno, len, &bp)) != 0)
			return error;
		for (fat = 1; fat < pmp->pm_nfats; fat++) {
			fatblk_where(pmp, fat, b, &blkno, &len);
			if ((error = getblk(pmp->pm_devvp, blkno, len,
			    &cbp)) != 0) {
				brelse(bp, 0);
				return error;
			}
			memcpy(cbp->b_data, bp->b_data, (size_t)len);
			bdwrite(cbp);
		}
		brelse(bp, 0);
		pmp->pm_fatdirty[b / 8] &= (uint8_t)~(1u << (b % 8));
	}
	return 0;
}

/* Count the free clusters (reads the whole FAT). */
int
msdosfs_fat_countfree(struct msdosfsmount *pmp, uint32_t *countp)
{
	struct buf *bp = NULL;
	uint32_t cn, b, curb = UINT32_MAX, n = 0;
	uint8_t *p;
	int error;

	for (cn = CLUST_FIRST; cn <= pmp->pm_maxclust; cn++) {
		b = (uint32_t)(entry_off(pmp, cn) / pmp->pm_fatblk);
		if (b != curb) {
			if (bp != NULL)
				brelse(bp, 0);
			error = fat_bread(pmp, pmp->pm_activefat, cn, &bp, &p,
			    &curb);
			if (error != 0)
				return error;
		}
		p = (uint8_t *)bp->b_data + (entry_off(pmp, cn) -
		    (uint64_t)curb * pmp->pm_fatblk);
		if (entry_get(pmp, p, cn) == CLUST_FREE)
			n++;
	}
	if (bp != NULL)
		brelse(bp, 0);
	*countp = n;
	return 0;
}

/* The "clean shutdown" bit of entry 1 (FAT16 and FAT32 only). */
static uint32_t
cleanbit(const struct msdosfsmount *pmp)
{
	return pmp->pm_fattype == 32 ? FAT32_CLEANBIT :
	    pmp->pm_fattype == 16 ? FAT16_CLEANBIT : 0;
}

/* Was the volume released cleanly?  FAT12 cannot tell: yes. */
int
msdosfs_fat_getclean(struct msdosfsmount *pmp, bool *cleanp)
{
	uint32_t v;
	int error;

	*cleanp = true;
	if (cleanbit(pmp) == 0)
		return 0;
	if ((error = msdosfs_fat_get(pmp, 1, &v)) != 0)
		return error;
	*cleanp = (v & cleanbit(pmp)) != 0;
	return 0;
}

/*
 * Set or clear the clean bit of entry 1 in every FAT, written at once
 * (it vouches for everything written before it).
 */
int
msdosfs_fat_setclean(struct msdosfsmount *pmp, bool clean)
{
	uint32_t fat, v, b, bit = cleanbit(pmp);
	struct buf *bp;
	uint8_t *p;
	int error;

	if (bit == 0)
		return 0;
	for (fat = 0; fat < pmp->pm_nfats; fat++) {
		if ((error = fat_bread(pmp, fat, 1, &bp, &p, &b)) != 0)
			return error;
		v = entry_get(pmp, p, 1);
		v = clean ? v | bit : v & ~bit;
		entry_put(pmp, p, 1, v);
		if ((error = bwrite(bp)) != 0)
			return error;
	}
	return 0;
}

/* Write the free count and the hint into FSInfo, if the volume has one. */
int
msdosfs_fsinfo_write(struct msdosfsmount *pmp)
{
	struct buf *bp;
	uint8_t *p;
	int error;

	if (pmp->pm_fsinfo == 0 || !pmp->pm_fmod)
		return 0;
	error = bread(pmp->pm_devvp, (daddr_t)((uint64_t)pmp->pm_fsinfo *
	    pmp->pm_bps / DEV_BSIZE), (int)pmp->pm_bps, &bp);
	if (error != 0)
		return error;
	p = bp->b_data;
	msdosfs_wr32(p + FSI_FREE_COUNT, pmp->pm_freecount);
	msdosfs_wr32(p + FSI_NXT_FREE, pmp->pm_nxtfree);
	if ((error = bwrite(bp)) == 0)
		pmp->pm_fmod = false;
	return error;
}
