/*
 * ffs_balloc.c: giving a file storage for a byte range: the data block
 * and whatever indirect blocks lead to it.
 *
 * ffs_balloc(ip, off, len, flags) makes [off, off + len), which lies in
 * one logical block, backed by disk blocks:
 *  - If the file grows past a last block that is only a run of
 *    fragments (direct blocks only), that run is first grown to a whole
 *    block, in place or moved (ffs_realloccg); if the rest then fails
 *    (ENOSPC), the run shrinks back to its old length where it now is.
 *  - A direct block that will be the last block of the file gets only as
 *    many fragments as the data needs, and grows later; any other block
 *    is whole.
 *  - Indirect blocks are allocated on the way down as needed, zeroed,
 *    and written through the buffer cache.
 * File data itself is not touched: it lives in the page cache, which has
 * made the affected blocks resident and dirty before calling (see
 * vfs_page.c), so a moved fragment run is rewritten at its new place.
 * With BA_METADATA (directories and symbolic links, which live in the
 * buffer cache) a new block is zeroed and a moved one copied here.
 *
 * The inode size grows to cover the range at once, so that the block map
 * checks (which size fragments by the file size) see the new layout.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "dinode.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

/* Zero a newly allocated block through the buffer cache. */
static int
zero_block(struct inode *ip, int64_t bno, int size)
{
	struct buf *bp;
	int error;

	error = getblk(ip->i_ump->um_devvp, ffs_fsbtodb(ip->i_fs, bno), size,
	    &bp);
	if (error != 0)
		return error;
	memset(bp->b_data, 0, (size_t)size);
	bdwrite(bp);
	return 0;
}

/* Set the file size, if the range extends it. */
static void
grow_size(struct inode *ip, uint64_t end)
{
	if (end <= ip->i_size)
		return;
	ip->i_size = end;
	if (ip->i_ump->um_ufs2)
		ip->i_din.ffs2.di_size = end;
	else
		ip->i_din.ffs1.di_size = end;
	ip->i_flag |= IN_MODIFIED | IN_CHANGE | IN_UPDATE;
}

/*
 * Grow the fragment run of direct block lbn from osize to nsize bytes.
 */
static int
grow_frags(struct inode *ip, daddr_t lbn, int osize, int nsize, int flags)
{
	int64_t bprev = ffs_ip_db(ip, (int)lbn), bno;
	int error;

	if (!ffs_blkok(ip->i_fs, bprev, osize >> ip->i_fs->fs_fshift))
		return ffs_corrupt(ip->i_ump, "inode %llu: data block %lld "
		    "for logical block %lld is outside the file system or in "
		    "its metadata", (unsigned long long)ip->i_number,
		    (long long)bprev, (long long)lbn);

	error = ffs_realloccg(ip, bprev, ffs_blkpref(ip, bprev - 1), osize,
	    nsize, (flags & BA_METADATA) != 0, &bno);
	if (error != 0)
		return error;
	if (bno != bprev)
		ffs_ip_setdb(ip, (int)lbn, bno);
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	return 0;
}

/*
 * The last block of the file, if it is a fragment run to grow first.
 * *osizep gets its old size if it was grown, else 0.
 */
static int
grow_lastblock(struct inode *ip, daddr_t lbn, int flags, int *osizep)
{
	struct fs *fs = ip->i_fs;
	daddr_t last;
	int osize, error;

	*osizep = 0;
	if (ip->i_size == 0)
		return 0;
	last = (daddr_t)((ip->i_size - 1) >> fs->fs_bshift);
	if (last >= UFS_NDADDR || last >= lbn || ffs_ip_db(ip, (int)last) == 0)
		return 0;
	osize = (int)ffs_blksize(fs, ip->i_size, last);
	if (osize == fs->fs_bsize)
		return 0;
	if ((error = grow_frags(ip, last, osize, fs->fs_bsize, flags)) == 0)
		*osizep = osize;
	return error;
}

/*
 * Undo grow_lastblock after a later failure: the file size did not move,
 * so its last block goes back to osize bytes of fragments (where it is
 * now: it may have moved, and keeps its data).
 */
static void
ungrow_lastblock(struct inode *ip, int osize)
{
	struct fs *fs = ip->i_fs;
	daddr_t last = (daddr_t)((ip->i_size - 1) >> fs->fs_bshift);

	(void)ffs_blkfree(ip, ffs_ip_db(ip, (int)last) +
	    (osize >> fs->fs_fshift), fs->fs_bsize - osize);
}

static int
balloc_direct(struct inode *ip, daddr_t lbn, int size, int flags)
{
	struct fs *fs = ip->i_fs;
	int64_t nb = ffs_ip_db(ip, (int)lbn), bno;
	int osize, nsize, error;
	bool last = ip->i_size < ((uint64_t)(lbn + 1) << fs->fs_bshift);

	if (nb != 0 && !last)
		return 0;			/* a whole block already */
	nsize = last ? (int)ffs_fragroundup(fs, size) : fs->fs_bsize;
	if (nb != 0) {
		osize = (int)ffs_blksize(fs, ip->i_size, lbn);
		if (nsize <= osize)
			return 0;
		return grow_frags(ip, lbn, osize, nsize, flags);
	}
	bno = 0;
	if (lbn > 0)
		bno = ffs_blkpref(ip, ffs_ip_db(ip, (int)lbn - 1));
	if ((error = ffs_alloc(ip, bno, nsize, &bno)) != 0)
		return error;
	ffs_ip_setdb(ip, (int)lbn, bno);
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	if (flags & BA_METADATA)
		return zero_block(ip, bno, nsize);
	return 0;
}

/*
 * Allocate the block a pointer slot should point at (an indirect block
 * when level >= 0, else a data block), near pref; zero it if it is
 * indirect or metadata.
 */
static int
alloc_child(struct inode *ip, int64_t pref, bool indirect, int flags,
    int64_t *bnop)
{
	struct fs *fs = ip->i_fs;
	int error;

	if ((error = ffs_alloc(ip, pref, fs->fs_bsize, bnop)) != 0)
		return error;
	ip->i_flag |= IN_CHANGE | IN_UPDATE;
	if (indirect || (flags & BA_METADATA))
		return zero_block(ip, *bnop, fs->fs_bsize);
	return 0;
}

/*
 * Logical block lbn past the direct blocks: walk down from the indirect
 * pointer of the right level, allocating what is missing.
 */
static int
balloc_indirect(struct inode *ip, daddr_t lbn, int flags)
{
	struct ufsmount *ump = ip->i_ump;
	struct fs *fs = ip->i_fs;
	uint64_t nindir = (uint64_t)fs->fs_nindir, span = 1;
	uint64_t off = (uint64_t)lbn - UFS_NDADDR;
	int64_t blk, pref;
	uint32_t idx;
	struct buf *bp;
	int level, error;

	for (level = 0; ; level++) {
		if (level == UFS_NIADDR)
			return EFBIG;
		span *= nindir;
		if (off < span)
			break;
		off -= span;
	}
	if ((blk = ffs_ip_ib(ip, level)) == 0) {
		pref = ffs_blkpref(ip, ffs_ip_db(ip, UFS_NDADDR - 1));
		if ((error = alloc_child(ip, pref, true, flags, &blk)) != 0)
			return error;
		ffs_ip_setib(ip, level, blk);
	}
	for (;; level--) {
		if (!ffs_blkok(fs, blk, fs->fs_frag))
			return ffs_corrupt(ump, "inode %llu: indirect block "
			    "%lld is outside the file system or in its "
			    "metadata", (unsigned long long)ip->i_number,
			    (long long)blk);
		if ((error = bread(ump->um_devvp, ffs_fsbtodb(fs, blk),
		    fs->fs_bsize, &bp)) != 0)
			return error;
		span /= nindir;
		idx = (uint32_t)(off / span);
		off %= span;
		blk = ffs_indir_get(ump, bp->b_data, idx);
		if (blk != 0) {
			brelse(bp, 0);
			if (level == 0)
				return 0;
			continue;
		}
		pref = ffs_blkpref(ip, idx > 0 ? ffs_indir_get(ump,
		    bp->b_data, idx - 1) : 0);
		error = alloc_child(ip, pref, level > 0, flags, &blk);
		if (error != 0) {
			brelse(bp, 0);
			return error;
		}
		ffs_indir_set(ump, bp->b_data, idx, blk);
		bdwrite(bp);
		if (level == 0)
			return 0;
	}
}

int
ffs_balloc(struct inode *ip, off_t off, size_t len, int flags)
{
	struct fs *fs = ip->i_fs;
	daddr_t lbn = off >> fs->fs_bshift;
	int size = (int)((off & (fs->fs_bsize - 1)) + (off_t)len), error;
	int grown;

	KASSERT(len > 0 && size <= fs->fs_bsize);
	if ((uint64_t)off + len > ip->i_ump->um_maxfilesize)
		return EFBIG;
	if ((error = grow_lastblock(ip, lbn, flags, &grown)) != 0)
		return error;
	if (lbn < UFS_NDADDR)
		error = balloc_direct(ip, lbn, size, flags);
	else
		error = balloc_indirect(ip, lbn, flags);
	if (error == 0)
		grow_size(ip, (uint64_t)off + len);
	else if (grown != 0)
		ungrow_lastblock(ip, grown);
	return error;
}
