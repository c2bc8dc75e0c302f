/*
 * ext2fs_alloc.c: block groups: their descriptors and bitmaps, and the
 * allocation and release of blocks and inodes.
 *
 * Descriptors are read through the buffer cache from the descriptor
 * table (ext2fs_gd_get) and checked before use: the bitmaps and the
 * inode table must lie inside the file system (inside the group without
 * flex_bg), the counts inside the group, and the checksum (crc16 with
 * uninit_bg, crc32c with metadata_csum) must match.
 *
 * Lazily initialised groups (uninit_bg, metadata_csum): a group flagged
 * BLOCK_UNINIT has no block bitmap on disk; its bitmap is what the group
 * holds of the file system's own metadata (superblock copy, descriptors,
 * its own bitmaps and inode table when they lie in it) and is built here
 * the first time a block of the group changes hands, after checking that
 * it agrees with the group's free count.  INODE_UNINIT likewise means an
 * all-free inode bitmap; bg_itable_unused counts the inodes at the end of
 * the group never used, which are never read.
 *
 * Checksums of a changed group (its descriptor, and with metadata_csum
 * its bitmaps' checksums kept in the descriptor) are not recomputed on
 * every change: the group is marked GS_STALE in em_grpstate and
 * ext2fs_flush_groups() settles them all before the superblock is
 * written (at sync and unmount).  A bitmap's checksum is verified the
 * first time the bitmap is read (GS_BBOK, GS_IBOK), before any change;
 * a stale descriptor's own checksum is not verified.
 *
 * Policies (simple, documented): a file's blocks are allocated at a goal
 * (the block after the file's previous block, else the start of its
 * inode's group) or the first free block after it, group by group; a
 * new directory goes to the group with the fewest directories among those
 * with at least the average number of free inodes and blocks when its
 * parent is the root, else to its parent's group while that has room; a
 * file's inode to its parent's group, then the following groups.  Inodes
 * are taken lowest number first, so never-used inodes are only reached
 * in order.
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

#define isset(a, i)	(((a)[(i) >> 3] >> ((i) & 7)) & 1)
#define setbit(a, i)	((a)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))
#define clrbit(a, i)	((a)[(i) >> 3] &= (uint8_t)~(1u << ((i) & 7)))

static int
group_bad(struct e2mount *ump, uint32_t g, const char *what)
{
	kprintf("ext2fs: %s: group %u: %s\n", ump->em_devname, g, what);
	return EIO;
}

/*
 * May the n blocks from b hold file data or metadata: inside the file
 * system and past block 0 (and the boot block of 1 KiB file systems)?
 */
bool
ext2fs_blkok(const struct e2mount *ump, uint64_t b, uint64_t n)
{
	uint64_t first = MAX((uint64_t)ump->em_firstdata, 1);

	return n >= 1 && b >= first && b < ump->em_nblocks &&
	    n <= ump->em_nblocks - b;
}

/* Split descriptor fields: low half, and the high half of 64-byte ones. */
static bool
gd_big(const struct e2mount *ump)
{
	return ump->em_descsize >= EXT2_GD_MINSIZE64;
}

static uint64_t
gd_bbitmap(const struct e2mount *ump, const struct ext2_gd *gd)
{
	return e2le32(gd->bg_block_bitmap_lo) | (gd_big(ump) ?
	    (uint64_t)e2le32(gd->bg_block_bitmap_hi) << 32 : 0);
}

static uint64_t
gd_ibitmap(const struct e2mount *ump, const struct ext2_gd *gd)
{
	return e2le32(gd->bg_inode_bitmap_lo) | (gd_big(ump) ?
	    (uint64_t)e2le32(gd->bg_inode_bitmap_hi) << 32 : 0);
}

uint64_t
ext2fs_gd_itable(const struct e2mount *ump, const struct ext2_gd *gd)
{
	return e2le32(gd->bg_inode_table_lo) | (gd_big(ump) ?
	    (uint64_t)e2le32(gd->bg_inode_table_hi) << 32 : 0);
}

#define GD_GET16(ump, gd, f) (e2le16((gd)->f##_lo) | (gd_big(ump) ?	\
	(uint32_t)e2le16((gd)->f##_hi) << 16 : 0))
#define GD_SET16(ump, gd, f, v) do {					\
	uint32_t v_ = (uint32_t)(v);					\
									\
	(gd)->f##_lo = e2le16((uint16_t)v_);				\
	if (gd_big(ump))						\
		(gd)->f##_hi = e2le16((uint16_t)(v_ >> 16));		\
} while (/* CONSTCOND */ 0)

static uint32_t
gd_freeblocks(const struct e2mount *ump, const struct ext2_gd *gd)
{
	return GD_GET16(ump, gd, bg_free_blocks_count);
}

static uint32_t
gd_freeinodes(const struct e2mount *ump, const struct ext2_gd *gd)
{
	return GD_GET16(ump, gd, bg_free_inodes_count);
}

static uint32_t
gd_useddirs(const struct e2mount *ump, const struct ext2_gd *gd)
{
	return GD_GET16(ump, gd, bg_used_dirs_count);
}

/* Unused inodes at the end of the group (0 without uninit_bg). */
uint32_t
ext2fs_gd_itable_unused(const struct e2mount *ump, const struct ext2_gd *gd)
{
	if (!E2HAS_GDTCSUM(ump))
		return 0;
	return GD_GET16(ump, gd, bg_itable_unused);
}

/* Group flags, which mean something only with uninit_bg. */
static uint16_t
gd_flags(const struct e2mount *ump, const struct ext2_gd *gd)
{
	if (!E2HAS_GDTCSUM(ump))
		return 0;
	return e2le16(gd->bg_flags);
}

/* em_grpstate bits of a group. */
#define GS_STALE	0x01	/* the stored checksums are to be redone */
#define GS_BBOK		0x02	/* the block bitmap was checked */
#define GS_IBOK		0x04	/* the inode bitmap was checked */

static bool
group_isdirty(const struct e2mount *ump, uint32_t g)
{
	return ump->em_grpstate != NULL && (ump->em_grpstate[g] & GS_STALE);
}

/* Is [b, b + n) inside group g (or, with flex_bg, the file system)? */
static bool
gd_inplace(const struct e2mount *ump, uint32_t g, uint64_t b, uint64_t n)
{
	uint64_t first = ext2fs_group_first(ump, g);

	if (!ext2fs_blkok(ump, b, n))
		return false;
	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FLEX_BG))
		return true;
	return b >= first && b + n <= first + ext2fs_group_nblocks(ump, g);
}

static int
gd_check(struct e2mount *ump, uint32_t g, const struct ext2_gd *gd)
{
	uint32_t nb = ext2fs_group_nblocks(ump, g);

	if (E2HAS_GDTCSUM(ump) && !group_isdirty(ump, g) &&
	    e2le16(gd->bg_checksum) != ext2fs_gd_csum(ump, g, gd))
		return group_bad(ump, g, "bad group descriptor checksum");
	if (!gd_inplace(ump, g, gd_bbitmap(ump, gd), 1) ||
	    !gd_inplace(ump, g, gd_ibitmap(ump, gd), 1) ||
	    !gd_inplace(ump, g, ext2fs_gd_itable(ump, gd), ump->em_itblocks))
		return group_bad(ump, g, "bitmap or inode table outside the "
		    "group");
	if (gd_freeblocks(ump, gd) > nb || gd_freeinodes(ump, gd) >
	    ump->em_ipg || gd_useddirs(ump, gd) > ump->em_ipg ||
	    ext2fs_gd_itable_unused(ump, gd) > ump->em_ipg)
		return group_bad(ump, g, "bad counts in the group descriptor");
	return 0;
}

/*
 * Read and check the descriptor of group g; *gdp points at it inside
 * the buffer *bpp, which the caller releases with ext2fs_gd_put.
 */
int
ext2fs_gd_get(struct e2mount *ump, uint32_t g, struct buf **bpp,
    struct ext2_gd **gdp)
{
	uint64_t blk;
	int error;

	if (g >= ump->em_ngroups)
		return group_bad(ump, g, "no such group");
	blk = ext2fs_gdt_block(ump, g / ump->em_descperblk);
	if (!ext2fs_blkok(ump, blk, 1))
		return group_bad(ump, g, "descriptor block outside the file "
		    "system");
	if ((error = ext2fs_bread(ump, blk, bpp)) != 0)
		return error;
	*gdp = (struct ext2_gd *)(void *)((uint8_t *)(*bpp)->b_data +
	    (g % ump->em_descperblk) * ump->em_descsize);
	if ((error = gd_check(ump, g, *gdp)) != 0) {
		brelse(*bpp, 0);
		return error;
	}
	return 0;
}

/* Mark group g's checksums stale (settled by ext2fs_flush_groups). */
static void
group_setdirty(struct e2mount *ump, uint32_t g)
{
	ump->em_grpstate[g] |= GS_STALE;
	ump->em_fmod = true;
}

/* Release a descriptor buffer, written back later if it changed. */
void
ext2fs_gd_put(struct e2mount *ump, uint32_t g, struct buf *bp,
    struct ext2_gd *gd, bool dirty)
{
	if (!dirty) {
		brelse(bp, 0);
		return;
	}
	group_setdirty(ump, g);
	bdwrite(bp);
}

/* Set the padding bits of a bitmap block from bit nbits on. */
static void
bitmap_pad(struct e2mount *ump, uint8_t *map, uint32_t nbits)
{
	uint32_t i, nmax = ump->em_bsize * 8;

	for (i = nbits; i < nmax && (i & 7) != 0; i++)
		setbit(map, i);
	if (i < nmax)
		memset(map + i / 8, 0xff, (nmax - i) / 8);
}

/*
 * Build the block bitmap of BLOCK_UNINIT group g into map: the group's
 * share of the file system's metadata is in use, the rest free.  EIO if
 * that does not agree with the group's free count.
 */
static int
bbitmap_build(struct e2mount *ump, uint32_t g, const struct ext2_gd *gd,
    uint8_t *map)
{
	uint64_t first = ext2fs_group_first(ump, g), b[3];
	uint32_t nb = ext2fs_group_nblocks(ump, g), i, k, used = 0, len;

	memset(map, 0, ump->em_bsize);
	len = MIN(ext2fs_group_overhead(ump, g), nb);
	for (i = 0; i < len; i++)
		setbit(map, i);
	b[0] = gd_bbitmap(ump, gd);
	b[1] = gd_ibitmap(ump, gd);
	b[2] = ext2fs_gd_itable(ump, gd);
	for (k = 0; k < 3; k++) {
		len = k == 2 ? ump->em_itblocks : 1;
		for (i = 0; i < len; i++)
			if (b[k] + i >= first && b[k] + i < first + nb)
				setbit(map, (uint32_t)(b[k] + i - first));
	}
	for (i = 0; i < nb; i++)
		used += isset(map, i);
	bitmap_pad(ump, map, nb);
	if (nb - used != gd_freeblocks(ump, gd))
		return group_bad(ump, g, "uninitialised block bitmap does not "
		    "match the free block count");
	return 0;
}

/*
 * Read the block (inode: false) or inode bitmap of group g, whose
 * descriptor is gd, checking its checksum; an uninitialised one is built
 * in a fresh buffer (and the flag cleared, if the caller writes it).
 */
static int
bitmap_get(struct e2mount *ump, uint32_t g, struct ext2_gd *gd, bool inode,
    struct buf **bpp)
{
	uint64_t blk = inode ? gd_ibitmap(ump, gd) : gd_bbitmap(ump, gd);
	uint16_t flag = inode ? EXT2_BG_INODE_UNINIT : EXT2_BG_BLOCK_UNINIT;
	uint32_t nbits = inode ? ump->em_ipg : ump->em_bpg >> ump->em_clshift;
	uint32_t stored, c;
	int error;

	if (gd_flags(ump, gd) & flag) {
		if ((error = getblk(ump->em_devvp, E2FSBTODB(ump, blk),
		    (int)ump->em_bsize, bpp)) != 0)
			return error;
		if (inode) {
			memset((*bpp)->b_data, 0, ump->em_bsize);
			bitmap_pad(ump, (*bpp)->b_data, ump->em_ipg);
		} else if ((error = bbitmap_build(ump, g, gd,
		    (*bpp)->b_data)) != 0) {
			brelse(*bpp, BC_INVAL);
			return error;
		}
		/* Built here: its checksum is computed when it is written. */
		if (ump->em_grpstate != NULL)
			ump->em_grpstate[g] |= inode ? GS_IBOK : GS_BBOK;
		return 0;
	}
	if ((error = ext2fs_bread(ump, blk, bpp)) != 0)
		return error;
	if (!E2HAS_CSUM(ump) || ump->em_grpstate == NULL ||
	    (ump->em_grpstate[g] & (inode ? GS_IBOK : GS_BBOK)))
		return 0;
	if (inode)
		stored = e2le16(gd->bg_inode_bitmap_csum_lo) | (gd_big(ump) ?
		    (uint32_t)e2le16(gd->bg_inode_bitmap_csum_hi) << 16 : 0);
	else
		stored = e2le16(gd->bg_block_bitmap_csum_lo) | (gd_big(ump) ?
		    (uint32_t)e2le16(gd->bg_block_bitmap_csum_hi) << 16 : 0);
	c = ext2fs_bitmap_csum(ump, (*bpp)->b_data, nbits);
	if (!gd_big(ump))
		c &= 0xffff;
	if (c != stored) {
		brelse(*bpp, 0);
		return group_bad(ump, g, inode ? "bad inode bitmap checksum" :
		    "bad block bitmap checksum");
	}
	ump->em_grpstate[g] |= inode ? GS_IBOK : GS_BBOK;
	return 0;
}

/*
 * Settle the checksums of every changed group: the bitmaps' checksums
 * into their descriptors, then the descriptors' own.  Called before the
 * superblock is written.
 */
int
ext2fs_flush_groups(struct e2mount *ump)
{
	struct ext2_gd *gd;
	struct buf *bp, *mbp;
	uint32_t g, c;
	int error;

	if (ump->em_grpstate == NULL)
		return 0;
	for (g = 0; g < ump->em_ngroups; g++) {
		if (!(ump->em_grpstate[g] & GS_STALE))
			continue;
		if ((error = ext2fs_gd_get(ump, g, &bp, &gd)) != 0)
			return error;
		if (E2HAS_CSUM(ump) && !(gd_flags(ump, gd) &
		    EXT2_BG_BLOCK_UNINIT)) {
			if ((error = ext2fs_bread(ump, gd_bbitmap(ump, gd),
			    &mbp)) != 0)
				goto fail;
			c = ext2fs_bitmap_csum(ump, mbp->b_data,
			    ump->em_bpg >> ump->em_clshift);
			brelse(mbp, 0);
			GD_SET16(ump, gd, bg_block_bitmap_csum, c);
		}
		if (E2HAS_CSUM(ump) && !(gd_flags(ump, gd) &
		    EXT2_BG_INODE_UNINIT)) {
			if ((error = ext2fs_bread(ump, gd_ibitmap(ump, gd),
			    &mbp)) != 0)
				goto fail;
			c = ext2fs_bitmap_csum(ump, mbp->b_data, ump->em_ipg);
			brelse(mbp, 0);
			GD_SET16(ump, gd, bg_inode_bitmap_csum, c);
		}
		if (E2HAS_GDTCSUM(ump))
			gd->bg_checksum = e2le16(ext2fs_gd_csum(ump, g, gd));
		ump->em_grpstate[g] &= ~GS_STALE;
		bdwrite(bp);
	}
	return 0;
fail:
	brelse(bp, 0);
	return error;
}

/* Add to a group's counts and the file system totals. */
static void
count_blocks(struct e2mount *ump, struct ext2_gd *gd, int64_t n)
{
	GD_SET16(ump, gd, bg_free_blocks_count,
	    (uint32_t)((int64_t)gd_freeblocks(ump, gd) + n));
	ump->em_freeblocks += (uint64_t)n;
	ump->em_fmod = true;
}

static void
count_inodes(struct e2mount *ump, struct ext2_gd *gd, int n, int ndirs)
{
	GD_SET16(ump, gd, bg_free_inodes_count,
	    (uint32_t)((int)gd_freeinodes(ump, gd) + n));
	GD_SET16(ump, gd, bg_used_dirs_count,
	    (uint32_t)((int)gd_useddirs(ump, gd) + ndirs));
	ump->em_freeinodes += (uint32_t)n;
	ump->em_fmod = true;
}

/* First clear bit of map in [from, to), or to. */
static uint32_t
bitmap_ffc(const uint8_t *map, uint32_t from, uint32_t to)
{
	uint32_t i = from;

	while (i < to && (i & 7) != 0) {
		if (!isset(map, i))
			return i;
		i++;
	}
	while (i + 8 <= to && map[i >> 3] == 0xff)
		i += 8;
	for (; i < to; i++)
		if (!isset(map, i))
			return i;
	return to;
}

/*
 * Take a free block of group g, at index goal if free, else the first
 * free one after it, else the first one.  ENOSPC when the group is full.
 */
static int
try_group_block(struct e2mount *ump, uint32_t g, uint32_t goal,
    uint64_t *bnop)
{
	struct ext2_gd *gd;
	struct buf *gbp, *bp;
	uint32_t nb = ext2fs_group_nblocks(ump, g), i;
	uint8_t *map;
	int error;

	if ((error = ext2fs_gd_get(ump, g, &gbp, &gd)) != 0)
		return error;
	if (gd_freeblocks(ump, gd) == 0) {
		ext2fs_gd_put(ump, g, gbp, gd, false);
		return ENOSPC;
	}
	if ((error = bitmap_get(ump, g, gd, false, &bp)) != 0) {
		ext2fs_gd_put(ump, g, gbp, gd, false);
		return error;
	}
	map = bp->b_data;
	if (goal >= nb)
		goal = 0;
	if ((i = bitmap_ffc(map, goal, nb)) == nb &&
	    (i = bitmap_ffc(map, 0, goal)) == goal) {
		brelse(bp, 0);
		ext2fs_gd_put(ump, g, gbp, gd, false);
		return group_bad(ump, g, "free block count says free blocks, "
		    "the bitmap none");
	}
	setbit(map, i);
	bdwrite(bp);
	gd->bg_flags &= e2le16((uint16_t)~EXT2_BG_BLOCK_UNINIT);
	count_blocks(ump, gd, -1);
	ext2fs_gd_put(ump, g, gbp, gd, true);
	*bnop = ext2fs_group_first(ump, g) + i;
	/* For the device's journal (ordered mode). */
	bnote_alloc(ump->em_devvp, E2FSBTODB(ump, *bnop), ump->em_bsize);
	return 0;
}

/*
 * Allocate one block for inode ip at goal (an absolute block, or 0 for
 * the start of the inode's group) or the nearest free one after it.
 * The inode's block count grows; metadata blocks are not zeroed here.
 */
int
ext2fs_blkalloc(struct e2inode *ip, uint64_t goal, bool meta, uint64_t *bnop)
{
	struct e2mount *ump = ip->i_ump;
	uint32_t g, start, n;
	uint64_t first;
	int error;

	if (ump->em_freeblocks == 0)
		return ENOSPC;
	if (!ext2fs_blkok(ump, goal, 1))
		goal = ext2fs_group_first(ump, (uint32_t)((ip->i_number - 1) /
		    ump->em_ipg));
	start = (uint32_t)((goal - ump->em_firstdata) / ump->em_bpg);
	if (start >= ump->em_ngroups)
		start = 0;
	for (n = 0; n <= ump->em_ngroups; n++) {
		g = (start + n) % ump->em_ngroups;
		first = ext2fs_group_first(ump, g);
		error = try_group_block(ump, g, n == 0 ?
		    (uint32_t)(goal - first) : 0, bnop);
		if (error != ENOSPC)
			break;
	}
	if (error != 0)
		return error;
	if (!ext2fs_blkok(ump, *bnop, 1)) {
		/* A corrupt bitmap handed out block 0 or beyond the end. */
		return group_bad(ump, g, "bitmap marks a reserved block free");
	}
	ext2fs_addblocks(ip, 1);
	(void)meta;
	return 0;
}

/* Free n blocks from b, all in one group, none of them free already. */
static int
free_run(struct e2mount *ump, uint64_t b, uint32_t n)
{
	uint32_t g = (uint32_t)((b - ump->em_firstdata) / ump->em_bpg), i;
	uint32_t off = (uint32_t)(b - ext2fs_group_first(ump, g));
	struct ext2_gd *gd;
	struct buf *gbp, *bp;
	uint8_t *map;
	int error;

	if ((error = ext2fs_gd_get(ump, g, &gbp, &gd)) != 0)
		return error;
	if ((error = bitmap_get(ump, g, gd, false, &bp)) != 0) {
		ext2fs_gd_put(ump, g, gbp, gd, false);
		return error;
	}
	map = bp->b_data;
	for (i = 0; i < n; i++) {
		if (!isset(map, off + i)) {
			brelse(bp, 0);
			ext2fs_gd_put(ump, g, gbp, gd, false);
			kprintf("ext2fs: %s: freeing free block %llu\n",
			    ump->em_devname, (unsigned long long)(b + i));
			return EIO;
		}
	}
	for (i = 0; i < n; i++)
		clrbit(map, off + i);
	bdwrite(bp);
	gd->bg_flags &= e2le16((uint16_t)~EXT2_BG_BLOCK_UNINIT);
	count_blocks(ump, gd, n);
	ext2fs_gd_put(ump, g, gbp, gd, true);
	/* Forget cached metadata there: it must never be written back. */
	for (i = 0; i < n; i++)
		binval(ump->em_devvp, E2FSBTODB(ump, b + i),
		    (int)ump->em_bsize);
	bnote_free(ump->em_devvp, E2FSBTODB(ump, b), (int64_t)n <<
	    ump->em_bshift);
	return 0;
}

/* Free the n blocks from b (file system metadata, no inode to charge). */
int
ext2fs_blkfree_meta(struct e2mount *ump, uint64_t b, uint64_t n)
{
	uint64_t end, run;
	uint32_t g;
	int error;

	if (!ext2fs_blkok(ump, b, n)) {
		kprintf("ext2fs: %s: freeing blocks %llu+%llu outside the "
		    "file system\n", ump->em_devname, (unsigned long long)b,
		    (unsigned long long)n);
		return EIO;
	}
	for (end = b + n; b < end; b += run) {
		g = (uint32_t)((b - ump->em_firstdata) / ump->em_bpg);
		run = MIN(end - b, ext2fs_group_first(ump, g) +
		    ext2fs_group_nblocks(ump, g) - b);
		if ((error = free_run(ump, b, (uint32_t)run)) != 0)
			return error;
	}
	return 0;
}

/* Free n blocks from b held by ip, whose block count drops. */
int
ext2fs_blkfree(struct e2inode *ip, uint64_t b, uint64_t n)
{
	int error;

	if ((error = ext2fs_blkfree_meta(ip->i_ump, b, n)) != 0)
		return error;
	ext2fs_addblocks(ip, -(int64_t)n);
	return 0;
}

/* Take the lowest free inode of group g; ENOSPC if there is none. */
static int
try_group_inode(struct e2mount *ump, uint32_t g, bool isdir, ino_t *inop)
{
	struct ext2_gd *gd;
	struct buf *gbp, *bp;
	uint32_t i, unused;
	uint8_t *map;
	int error;

	if ((error = ext2fs_gd_get(ump, g, &gbp, &gd)) != 0)
		return error;
	if (gd_freeinodes(ump, gd) == 0) {
		ext2fs_gd_put(ump, g, gbp, gd, false);
		return ENOSPC;
	}
	if ((error = bitmap_get(ump, g, gd, true, &bp)) != 0) {
		ext2fs_gd_put(ump, g, gbp, gd, false);
		return error;
	}
	map = bp->b_data;
	i = bitmap_ffc(map, g == 0 ? ump->em_firstino - 1 : 0, ump->em_ipg);
	if (i == ump->em_ipg) {
		brelse(bp, 0);
		ext2fs_gd_put(ump, g, gbp, gd, false);
		/* Group 0's reserved inodes may be all that is "free". */
		if (g == 0)
			return ENOSPC;
		return group_bad(ump, g, "free inode count says free inodes, "
		    "the bitmap none");
	}
	setbit(map, i);
	bdwrite(bp);
	gd->bg_flags &= e2le16((uint16_t)~EXT2_BG_INODE_UNINIT);
	unused = ext2fs_gd_itable_unused(ump, gd);
	if (E2HAS_GDTCSUM(ump) && i >= ump->em_ipg - unused)
		GD_SET16(ump, gd, bg_itable_unused, ump->em_ipg - i - 1);
	count_inodes(ump, gd, -1, isdir ? 1 : 0);
	ext2fs_gd_put(ump, g, gbp, gd, true);
	*inop = (ino_t)g * ump->em_ipg + i + 1;
	return 0;
}

/*
 * The group for a new directory under the root: the one with the fewest
 * directories among those with at least the average free inodes and
 * blocks (the previous choice breaks ties, spreading them out).
 */
static int
dirpref(struct e2mount *ump, uint32_t *gp)
{
	uint64_t avgi = ump->em_freeinodes / ump->em_ngroups;
	uint64_t avgb = ump->em_freeblocks / ump->em_ngroups;
	uint32_t g, n, best = ump->em_lastdirgrp, mindirs = UINT32_MAX;
	struct ext2_gd *gd;
	struct buf *bp;
	int error;

	for (n = 0; n < ump->em_ngroups; n++) {
		g = (ump->em_lastdirgrp + 1 + n) % ump->em_ngroups;
		if ((error = ext2fs_gd_get(ump, g, &bp, &gd)) != 0)
			return error;
		if (gd_freeinodes(ump, gd) > 0 &&
		    gd_freeinodes(ump, gd) >= avgi &&
		    gd_freeblocks(ump, gd) >= avgb &&
		    gd_useddirs(ump, gd) < mindirs) {
			mindirs = gd_useddirs(ump, gd);
			best = g;
		}
		ext2fs_gd_put(ump, g, bp, gd, false);
	}
	*gp = best;
	return 0;
}

/*
 * Allocate an inode for a new node of type mode in directory pip (see
 * the policy above).  The caller writes the inode.
 */
int
ext2fs_valloc(struct e2inode *pip, mode_t mode, ino_t *inop)
{
	struct e2mount *ump = pip->i_ump;
	bool isdir = (mode & S_IFMT) == S_IFDIR;
	uint32_t start, g, n;
	int error;

	if (ump->em_freeinodes == 0)
		return ENOSPC;
	start = (uint32_t)((pip->i_number - 1) / ump->em_ipg);
	if (isdir && pip->i_number == EXT2_ROOTINO) {
		if ((error = dirpref(ump, &start)) != 0)
			return error;
		ump->em_lastdirgrp = start;
	}
	for (n = 0; n < ump->em_ngroups; n++) {
		g = (start + n) % ump->em_ngroups;
		if ((error = try_group_inode(ump, g, isdir, inop)) != ENOSPC)
			return error;
	}
	return ENOSPC;
}

/* Mark inode ino (of the given mode) free again. */
int
ext2fs_vfree(struct e2mount *ump, ino_t ino, mode_t mode)
{
	uint32_t g = (uint32_t)((ino - 1) / ump->em_ipg);
	uint32_t i = (uint32_t)((ino - 1) % ump->em_ipg);
	struct ext2_gd *gd;
	struct buf *gbp, *bp;
	int error;

	if ((error = ext2fs_gd_get(ump, g, &gbp, &gd)) != 0)
		return error;
	if ((error = bitmap_get(ump, g, gd, true, &bp)) != 0) {
		ext2fs_gd_put(ump, g, gbp, gd, false);
		return error;
	}
	if (!isset((uint8_t *)bp->b_data, i)) {
		brelse(bp, 0);
		ext2fs_gd_put(ump, g, gbp, gd, false);
		kprintf("ext2fs: %s: freeing free inode %llu\n",
		    ump->em_devname, (unsigned long long)ino);
		return EIO;
	}
	clrbit((uint8_t *)bp->b_data, i);
	bdwrite(bp);
	gd->bg_flags &= e2le16((uint16_t)~EXT2_BG_INODE_UNINIT);
	count_inodes(ump, gd, 1, (mode & S_IFMT) == S_IFDIR ? -1 : 0);
	ext2fs_gd_put(ump, g, gbp, gd, true);
	return 0;
}
