/*
 * ext2fs_bmap.c: the block map, from a file's logical blocks to file
 * system blocks, for both kinds of files: extent-mapped ones
 * (ext2fs_extents.c) and the classic block-mapped ones of ext2 and ext3,
 * which this file handles itself.
 *
 * A block-mapped file finds logical block lbn through the inode's 12
 * direct pointers, then through the single, double and triple indirect
 * blocks: level k covers (block size / 4)^k logical blocks.  The walk
 * reads each indirect block through the buffer cache and releases it
 * before going on, so at most one buffer is held and a block that points
 * at itself or an ancestor cannot make the walk loop.  Every pointer is
 * checked before use: 0 is a hole, anything else must be a block inside
 * the file system.
 *
 * Runs.  The page cache reads in large extents when VOP_BMAP says how
 * many following blocks are contiguous on the device (or holes too); the
 * map scans forward in the pointer array it is already looking at.
 *
 * Allocation (ext2fs_balloc) gives a logical block a block, allocating
 * indirect blocks (zeroed) on the way down, each preferring the block
 * after the file's previous one.  Truncation frees whole subtrees of
 * indirect blocks past the new end and clears the freed pointers of the
 * ones partly kept.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

#define RUN_MAX		(1u << 24)	/* blocks; far beyond any read */

static uint32_t
indir_get(const void *blk, uint32_t i)
{
	return e2le32(((const uint32_t *)blk)[i]);
}

static void
indir_set(void *blk, uint32_t i, uint32_t v)
{
	((uint32_t *)blk)[i] = e2le32(v);
}

static int
bmap_bad(struct e2inode *ip, const char *what, uint64_t blk, uint64_t lbn)
{
	kprintf("ext2fs: %s: inode %llu: %s %llu for logical block %llu is "
	    "outside the file system\n", ip->i_ump->em_devname,
	    (unsigned long long)ip->i_number, what, (unsigned long long)blk,
	    (unsigned long long)lbn);
	return EIO;
}

/* Does cur continue a run (of blocks, or of holes) that prev ended? */
static bool
run_continues(uint32_t first, uint32_t prev, uint32_t cur)
{
	if (first == 0)
		return cur == 0;
	return cur == prev + 1 && cur != 0;
}

/* Look up pointer idx of an array of n and the run after it. */
static int
map_leaf(struct e2inode *ip, const uint32_t *ptrs, uint32_t n, uint32_t idx,
    uint64_t lbn, uint64_t *blkp, uint32_t *runp)
{
	uint32_t blk = e2le32(ptrs[idx]), prev = blk, cur, i;

	if (blk != 0 && !ext2fs_blkok(ip->i_ump, blk, 1))
		return bmap_bad(ip, "data block", blk, lbn);
	if (runp != NULL) {
		for (i = idx + 1; i < n; i++) {
			cur = e2le32(ptrs[i]);
			if (!run_continues(blk, prev, cur) ||
			    (cur != 0 && !ext2fs_blkok(ip->i_ump, cur, 1)))
				break;
			prev = cur;
		}
		*runp = i - idx - 1;
	}
	*blkp = blk;
	return 0;
}

/* Which indirect level covers lbn, and lbn's place under it. */
static int
map_level(const struct e2inode *ip, uint64_t lbn, int *levelp,
    uint64_t *offp, uint64_t *spanp)
{
	uint64_t nindir = ip->i_ump->em_nindir, span = 1;
	uint64_t off = lbn - EXT2_NDADDR;
	int level;

	for (level = 0;; level++) {
		if (level == EXT2_NIADDR)
			return EFBIG;
		span *= nindir;
		if (off < span)
			break;
		off -= span;
	}
	*levelp = level;
	*offp = off;
	*spanp = span;
	return 0;
}

static int
map_lookup(struct e2inode *ip, uint64_t lbn, uint64_t *blkp, uint32_t *runp)
{
	struct e2mount *ump = ip->i_ump;
	uint64_t off, span, blk;
	struct buf *bp;
	uint32_t idx;
	int level, error;

	if (lbn < EXT2_NDADDR)
		return map_leaf(ip, E2DIN(ip)->i_block, EXT2_NDADDR,
		    (uint32_t)lbn, lbn, blkp, runp);
	if ((error = map_level(ip, lbn, &level, &off, &span)) != 0)
		return error;
	for (blk = ext2fs_din_block(ip, EXT2_NDADDR + level);; level--) {
		if (blk == 0) {
			*blkp = 0;
			if (runp != NULL)
				*runp = (uint32_t)MIN(span - 1 - off, RUN_MAX);
			return 0;
		}
		if (!ext2fs_blkok(ump, blk, 1))
			return bmap_bad(ip, "indirect block", blk, lbn);
		if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
			return error;
		span /= ump->em_nindir;
		idx = (uint32_t)(off / span);
		if (level == 0) {
			error = map_leaf(ip, bp->b_data, ump->em_nindir, idx,
			    lbn, blkp, runp);
			brelse(bp, 0);
			return error;
		}
		blk = indir_get(bp->b_data, idx);
		brelse(bp, 0);
		off %= span;
	}
}

/*
 * Map logical block lbn of ip to a file system block (0 for a hole).
 * *runp (runp may be NULL) gets the number of following blocks that are
 * contiguous with it, or holes like it.
 */
int
ext2fs_bmap_lbn(struct e2inode *ip, uint64_t lbn, uint64_t *blkp,
    uint32_t *runp)
{
	if (e2_isinline(ip))
		return ext2fs_inode_bad(ip->i_ump, ip->i_number,
		    "inline data has no block map");
	if (e2_isextents(ip))
		return ext2fs_ext_lookup(ip, lbn, blkp, runp);
	return map_lookup(ip, lbn, blkp, runp);
}

/* VOP_BMAP: the same, in device blocks (DEV_BSIZE units). */
int
ext2fs_bmap(struct vnode *vp, daddr_t lbn, daddr_t *pbnp, int *runp)
{
	struct e2inode *ip = VTOE2(vp);
	uint64_t blk;
	uint32_t run;
	int error;

	if (lbn < 0)
		return EINVAL;
	/* Inline data: no blocks to map, all data (for SEEK_DATA/HOLE). */
	if (e2_isinline(ip))
		return EOPNOTSUPP;
	if ((error = ext2fs_bmap_lbn(ip, (uint64_t)lbn, &blk,
	    runp != NULL ? &run : NULL)) != 0)
		return error;
	if (runp != NULL)
		*runp = (int)MIN(run, RUN_MAX);
	*pbnp = blk == 0 ? BMAP_HOLE : E2FSBTODB(ip->i_ump, blk);
	return 0;
}

/* Zero a newly allocated block through the buffer cache. */
static int
zero_block(struct e2mount *ump, uint64_t bno)
{
	struct buf *bp;
	int error;

	if ((error = getblk(ump->em_devvp, E2FSBTODB(ump, bno),
	    (int)ump->em_bsize, &bp)) != 0)
		return error;
	memset(bp->b_data, 0, ump->em_bsize);
	bdwrite(bp);
	return 0;
}

/* Allocate a block near goal; zero it if it is a map block or metadata. */
static int
alloc_block(struct e2inode *ip, uint64_t goal, bool zero, uint64_t *bnop)
{
	int error;

	if ((error = ext2fs_blkalloc(ip, goal, zero, bnop)) != 0)
		return error;
	if (zero && (error = zero_block(ip->i_ump, *bnop)) != 0) {
		(void)ext2fs_blkfree(ip, *bnop, 1);
		return error;
	}
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	return 0;
}

/*
 * Logical block lbn of a block-mapped file: walk down, allocating what
 * is missing; *bnop gets the data block.
 */
static int
map_alloc(struct e2inode *ip, uint64_t lbn, bool meta, uint64_t *bnop)
{
	struct e2mount *ump = ip->i_ump;
	uint64_t off, span, goal;
	uint32_t blk, idx;
	struct buf *bp;
	uint64_t nb;
	int level, error;

	goal = ip->i_lastalloc != 0 ? ip->i_lastalloc + 1 : 0;
	if (lbn < EXT2_NDADDR) {
		if ((blk = ext2fs_din_block(ip, (int)lbn)) != 0) {
			*bnop = blk;
			return 0;
		}
		if ((error = alloc_block(ip, goal, meta, &nb)) != 0)
			return error;
		ext2fs_din_setblock(ip, (int)lbn, (uint32_t)nb);
		*bnop = nb;
		return 0;
	}
	if ((error = map_level(ip, lbn, &level, &off, &span)) != 0)
		return error;
	if ((blk = ext2fs_din_block(ip, EXT2_NDADDR + level)) == 0) {
		if ((error = alloc_block(ip, goal, true, &nb)) != 0)
			return error;
		blk = (uint32_t)nb;
		ext2fs_din_setblock(ip, EXT2_NDADDR + level, blk);
	}
	for (;; level--) {
		if (!ext2fs_blkok(ump, blk, 1))
			return bmap_bad(ip, "indirect block", blk, lbn);
		if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
			return error;
		span /= ump->em_nindir;
		idx = (uint32_t)(off / span);
		off %= span;
		if ((blk = indir_get(bp->b_data, idx)) != 0) {
			brelse(bp, 0);
			if (level == 0) {
				*bnop = blk;
				return 0;
			}
			continue;
		}
		error = alloc_block(ip, MAX(goal, blk + 1), level > 0 || meta,
		    &nb);
		if (error != 0) {
			brelse(bp, 0);
			return error;
		}
		blk = (uint32_t)nb;
		indir_set(bp->b_data, idx, blk);
		bdwrite(bp);
		if (level == 0) {
			*bnop = blk;
			return 0;
		}
	}
}

/*
 * Give the logical block holding [off, off + len) of ip storage (a new
 * block for a hole; an uninitialised extent's block becomes data).
 * File data itself lives in the page cache; with E2BA_METADATA
 * (directories and symbolic links, in the buffer cache) a new block is
 * zeroed.  The file size is not changed here.
 */
int
ext2fs_balloc(struct e2inode *ip, off_t off, size_t len, int flags)
{
	struct e2mount *ump = ip->i_ump;
	uint64_t lbn = (uint64_t)off >> ump->em_bshift, bno;
	bool meta = (flags & E2BA_METADATA) != 0;
	int error;

	KASSERT(len > 0);
	if ((uint64_t)off + len > ext2fs_maxfilesize(ip))
		return EFBIG;
	if (e2_isinline(ip))
		return EOPNOTSUPP;
	if (e2_isextents(ip))
		error = ext2fs_ext_alloc(ip, lbn, meta, &bno);
	else
		error = map_alloc(ip, lbn, meta, &bno);
	if (error == 0)
		ip->i_lastalloc = bno;	/* the next block's goal */
	return error;
}

/*
 * Truncation of block-mapped files.
 */

/* Free the subtree under indirect block blk of the given level, whole. */
static int
ind_free(struct e2inode *ip, int level, uint32_t blk)
{
	struct e2mount *ump = ip->i_ump;
	uint32_t *kids, i, n = ump->em_nindir;
	size_t sz = (size_t)n * sizeof(*kids);
	struct buf *bp;
	int error = 0, e;

	if (!ext2fs_blkok(ump, blk, 1))
		return bmap_bad(ip, "indirect block", blk, 0);
	/* Copy the pointers out: freeing invalidates the buffer. */
	if ((kids = kmem_alloc(sz)) == NULL)
		return ENOMEM;
	if ((error = ext2fs_bread(ump, blk, &bp)) != 0) {
		kmem_free(kids, sz);
		return error;
	}
	for (i = 0; i < n; i++)
		kids[i] = indir_get(bp->b_data, i);
	brelse(bp, 0);
	for (i = 0; i < n; i++) {
		if (kids[i] == 0)
			continue;
		if (level > 0)
			e = ind_free(ip, level - 1, kids[i]);
		else if (!ext2fs_blkok(ump, kids[i], 1))
			e = bmap_bad(ip, "data block", kids[i], 0);
		else
			e = ext2fs_blkfree(ip, kids[i], 1);
		error = error != 0 ? error : e;
	}
	kmem_free(kids, sz);
	e = ext2fs_blkfree(ip, blk, 1);
	return error != 0 ? error : e;
}

/*
 * Indirect block blk of the given level covers logical blocks from base
 * on; free what lies at or past from under it.  *gonep says whether blk
 * itself was freed.
 */
static int
ind_trunc(struct e2inode *ip, int level, uint32_t blk, uint64_t base,
    uint64_t from, bool *gonep)
{
	struct e2mount *ump = ip->i_ump;
	uint64_t span = 1, cbase;
	uint32_t child, i, first;
	struct buf *bp;
	bool gone, changed = false;
	int error = 0, l;

	*gonep = false;
	if (base >= from) {
		*gonep = true;
		return ind_free(ip, level, blk);
	}
	for (l = 0; l < level; l++)
		span *= ump->em_nindir;
	if (!ext2fs_blkok(ump, blk, 1))
		return bmap_bad(ip, "indirect block", blk, from);
	first = (uint32_t)((from - base) / span);
	for (i = first; i < ump->em_nindir && error == 0; i++) {
		/* Reread each time: freeing below may evict it. */
		if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
			break;
		child = indir_get(bp->b_data, i);
		brelse(bp, 0);
		if (child == 0)
			continue;
		cbase = base + i * span;
		if (level == 0) {
			if (cbase < from)
				continue;
			error = ext2fs_blkok(ump, child, 1) ?
			    ext2fs_blkfree(ip, child, 1) :
			    bmap_bad(ip, "data block", child, cbase);
			gone = true;
		} else {
			error = ind_trunc(ip, level - 1, child, cbase, from,
			    &gone);
		}
		if (error == 0 && gone) {
			if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
				break;
			indir_set(bp->b_data, i, 0);
			bdwrite(bp);
			changed = true;
		}
	}
	(void)changed;
	return error;
}

/* Free every block of block-mapped ip at logical block from or past it. */
int
ext2fs_map_truncate(struct e2inode *ip, uint64_t from)
{
	struct e2mount *ump = ip->i_ump;
	uint64_t base = EXT2_NDADDR, span = 1;
	uint32_t blk;
	int error = 0, e, i, level;
	bool gone;

	for (level = 0; level < EXT2_NIADDR; level++) {
		span *= ump->em_nindir;
		if ((blk = ext2fs_din_block(ip, EXT2_NDADDR + level)) != 0 &&
		    base + span > from) {
			e = ind_trunc(ip, level, blk, base, from, &gone);
			if (e == 0 && gone)
				ext2fs_din_setblock(ip, EXT2_NDADDR + level, 0);
			error = error != 0 ? error : e;
		}
		base += span;
	}
	for (i = EXT2_NDADDR - 1; i >= 0 && (uint64_t)i >= from; i--) {
		if ((blk = ext2fs_din_block(ip, i)) == 0)
			continue;
		e = ext2fs_blkok(ump, blk, 1) ? ext2fs_blkfree(ip, blk, 1) :
		    bmap_bad(ip, "data block", blk, (uint64_t)i);
		if (e == 0)
			ext2fs_din_setblock(ip, i, 0);
		error = error != 0 ? error : e;
	}
	return error;
}
