/*
 * ffs_bmap.c: the block map, from a file's logical blocks to fragment
 * addresses.
 *
 * Logical block lbn (fs_bsize bytes) of a file is found through the
 * inode's UFS_NDADDR direct pointers, then through the single, double and
 * triple indirect blocks: level k covers fs_nindir^k logical blocks.  The
 * walk reads each indirect block through the buffer cache and releases it
 * before going on, so at most one buffer is held at a time.  Indirect
 * chains are at most three deep and followed downwards only, so a block
 * that points at itself or an ancestor is read as data pointers of the
 * next level and cannot make the walk loop.
 *
 * Every address is checked before use (ffs_blkok): an indirect block must
 * be a whole block inside the file system, a data block as many fragments
 * as the file needs there, and neither may be metadata; 0 is a hole and
 * anything else is corruption (EIO and a console message).
 *
 * Runs.  The page cache reads a file in large extents when VOP_BMAP says
 * how many following blocks are contiguous on the device (or holes too),
 * so the map scans forward in the pointer array it is already looking
 * at (the direct pointers, or one level-1 indirect block) and reports the
 * run.  A hole under a missing indirect block extends over that block's
 * whole subtree.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "dinode.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

#define RUN_MAX		(1 << 24)	/* blocks; far beyond any read */

static int
bmap_bad(struct inode *ip, const char *what, int64_t blk, daddr_t lbn)
{
	return ffs_corrupt(ip->i_ump, "inode %llu: %s %lld for logical block "
	    "%lld is outside the file system or in its metadata",
	    (unsigned long long)ip->i_number, what, (long long)blk,
	    (long long)lbn);
}

/* Check data block blk of logical block lbn. */
static int
bmap_checkdata(struct inode *ip, daddr_t lbn, int64_t blk)
{
	struct fs *fs = ip->i_fs;
	int64_t nfrags;

	if (blk == 0)
		return 0;
	nfrags = ffs_blksize(fs, ip->i_size, lbn) >> fs->fs_fshift;
	if (!ffs_blkok(fs, blk, nfrags))
		return bmap_bad(ip, "data block", blk, lbn);
	return 0;
}

/*
 * Does pointer cur, following prev, continue a run that began with
 * first: another hole after a hole, or the block right after prev?
 */
static bool
run_continues(const struct fs *fs, int64_t first, int64_t prev, int64_t cur)
{
	if (first == 0)
		return cur == 0;
	return cur == prev + fs->fs_frag && ffs_blkok(fs, cur, fs->fs_frag);
}

static int
bmap_direct(struct inode *ip, daddr_t lbn, int64_t *blkp, int *runp)
{
	int64_t blk = ffs_ip_db(ip, (int)lbn), prev = blk, cur;
	int i;

	if (runp != NULL) {
		for (i = (int)lbn + 1; i < UFS_NDADDR; i++) {
			cur = ffs_ip_db(ip, i);
			if (!run_continues(ip->i_fs, blk, prev, cur))
				break;
			prev = cur;
		}
		*runp = i - (int)lbn - 1;
	}
	*blkp = blk;
	return bmap_checkdata(ip, lbn, blk);
}

/* In level-1 indirect block bp, look up entry idx and the run after it. */
static int
bmap_leaf(struct inode *ip, struct buf *bp, uint32_t idx, daddr_t lbn,
    int64_t *blkp, int *runp)
{
	struct ufsmount *ump = ip->i_ump;
	uint32_t nindir = (uint32_t)ip->i_fs->fs_nindir, i;
	int64_t blk, prev, cur;

	blk = prev = ffs_indir_get(ump, bp->b_data, idx);
	if (runp != NULL) {
		for (i = idx + 1; i < nindir; i++) {
			cur = ffs_indir_get(ump, bp->b_data, i);
			if (!run_continues(ip->i_fs, blk, prev, cur))
				break;
			prev = cur;
		}
		*runp = (int)(i - idx - 1);
	}
	*blkp = blk;
	return bmap_checkdata(ip, lbn, blk);
}

/* Read the indirect block at blk, checked, through the buffer cache. */
static int
bmap_readind(struct inode *ip, int64_t blk, daddr_t lbn, struct buf **bpp)
{
	struct fs *fs = ip->i_fs;

	if (!ffs_blkok(fs, blk, fs->fs_frag))
		return bmap_bad(ip, "indirect block", blk, lbn);
	return bread(ip->i_ump->um_devvp, ffs_fsbtodb(fs, blk), fs->fs_bsize,
	    bpp);
}

/*
 * Logical block lbn past the direct blocks.  The walk starts at the
 * indirect pointer of the level that covers lbn and descends; off is
 * lbn's position inside the subtree of the pointer being followed, which
 * covers span blocks.
 */
static int
bmap_indirect(struct inode *ip, daddr_t lbn, int64_t *blkp, int *runp)
{
	uint64_t nindir = (uint64_t)ip->i_fs->fs_nindir, span = 1;
	uint64_t off = (uint64_t)lbn - UFS_NDADDR;
	struct buf *bp;
	int64_t blk;
	int level, error;

	for (level = 0; ; level++) {
		if (level == UFS_NIADDR)
			return EFBIG;
		span *= nindir;
		if (off < span)
			break;
		off -= span;
	}
	for (blk = ffs_ip_ib(ip, level);; level--) {
		if (blk == 0) {
			*blkp = 0;
			if (runp != NULL)
				*runp = (int)MIN(span - 1 - off, RUN_MAX);
			return 0;
		}
		if ((error = bmap_readind(ip, blk, lbn, &bp)) != 0)
			return error;
		span /= nindir;
		if (level == 0) {
			error = bmap_leaf(ip, bp, (uint32_t)off, lbn, blkp,
			    runp);
			brelse(bp, 0);
			return error;
		}
		blk = ffs_indir_get(ip->i_ump, bp->b_data,
		    (uint32_t)(off / span));
		brelse(bp, 0);
		off %= span;
	}
}

/*
 * Map logical block lbn of ip to the fragment address where it starts (0
 * for a hole).  *runp (runp may be NULL) gets the number of following
 * blocks that are contiguous with it on the device, or holes like it.
 */
int
ffs_bmap_lbn(struct inode *ip, daddr_t lbn, int64_t *blkp, int *runp)
{
	if (lbn < 0)
		return EINVAL;
	if (lbn < UFS_NDADDR)
		return bmap_direct(ip, lbn, blkp, runp);
	return bmap_indirect(ip, lbn, blkp, runp);
}

/* VOP_BMAP: the same, in device blocks (DEV_BSIZE units). */
int
ffs_bmap(struct vnode *vp, daddr_t lbn, daddr_t *pbnp, int *runp)
{
	struct inode *ip = VTOI(vp);
	int64_t blk;
	int error;

	if ((error = ffs_bmap_lbn(ip, lbn, &blk, runp)) != 0)
		return error;
	*pbnp = blk == 0 ? BMAP_HOLE : ffs_fsbtodb(ip->i_fs, blk);
	return 0;
}
