/*
 * ext2fs_extents.c: ext4 extent trees: looking up a logical block,
 * allocating into holes and uninitialised extents, and truncation.
 *
 * The tree's root is in the inode's i_block (4 entries); deeper nodes are
 * whole blocks read through the buffer cache.  Every node is checked
 * when it is read, before any entry is used: magic, entry count against
 * capacity against what fits, the depth its parent expects (so the
 * descent ends after at most EXT4_EXT_MAXDEPTH levels whatever the blocks
 * point at), entries in increasing order inside the key range the parent
 * gives them, lengths and physical blocks inside the file system, and
 * with metadata_csum the node's checksum.
 *
 * Lookup walks root to leaf.  An uninitialised extent reads as a hole
 * (zeros).  The extent found (or the hole) is remembered in the inode
 * (i_ec*), so a sequential read costs one walk per extent.
 *
 * Changes.  ext2fs_ext_alloc() gives a hole a new block, merging it into
 * the extent before or after when they are contiguous, or inserts a new
 * extent; a block inside an uninitialised extent is split out of it and
 * marked initialised.  A full node is split in two (an append just starts
 * a new node, so sequentially written files get full leaves), which
 * inserts an index entry into its parent; a full root moves its entries
 * into a new block and becomes an index one level higher, so the tree
 * grows at the top.  Index keys are kept equal to the first key of their
 * child.  Truncation frees extents and the parts of extents past the new
 * end, then nodes left empty; an emptied tree returns to depth 0.
 * Modified blocks get their checksum tail and are written back later
 * (bdwrite); the root is written with the inode.
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

#define EXT_LBLK_END	(1ULL << 32)	/* logical block numbers are 32-bit */

/* One level of a path from the root to a leaf. */
struct ext_level {
	struct buf	*l_bp;		/* NULL for the root */
	uint8_t		*l_node;	/* header, then entries */
	uint64_t	l_blk;		/* the node's block (0: root) */
	int		l_idx;		/* entry followed / found (-1: none) */
	uint64_t	l_end;		/* first logical block past this node */
	bool		l_dirty;	/* write the block at release */
};

struct ext_path {
	int		p_depth;	/* of the root */
	struct ext_level p_lv[EXT4_EXT_MAXDEPTH + 1];	/* [0] is the root */
};

static struct ext4_extent_header *
hdr(uint8_t *node)
{
	return (struct ext4_extent_header *)(void *)node;
}

static struct ext4_extent *
extent(uint8_t *node, int i)
{
	return (struct ext4_extent *)(void *)(node +
	    sizeof(struct ext4_extent_header)) + i;
}

static struct ext4_extent_idx *
eidx(uint8_t *node, int i)
{
	return (struct ext4_extent_idx *)(void *)(node +
	    sizeof(struct ext4_extent_header)) + i;
}

static uint64_t
ex_pblk(const struct ext4_extent *ex)
{
	return e2le32(ex->ee_start_lo) |
	    (uint64_t)e2le16(ex->ee_start_hi) << 32;
}

static void
ex_setpblk(struct ext4_extent *ex, uint64_t b)
{
	ex->ee_start_lo = e2le32((uint32_t)b);
	ex->ee_start_hi = e2le16((uint16_t)(b >> 32));
}

static uint32_t
ex_len(const struct ext4_extent *ex)
{
	uint32_t len = e2le16(ex->ee_len);

	return len > EXT4_EXT_INIT_MAXLEN ? len - EXT4_EXT_INIT_MAXLEN : len;
}

static bool
ex_uninit(const struct ext4_extent *ex)
{
	return e2le16(ex->ee_len) > EXT4_EXT_INIT_MAXLEN;
}

static void
ex_set(struct ext4_extent *ex, uint32_t lblk, uint64_t pblk, uint32_t len,
    bool uninit)
{
	ex->ee_block = e2le32(lblk);
	ex->ee_len = e2le16((uint16_t)(uninit ? len + EXT4_EXT_INIT_MAXLEN :
	    len));
	ex_setpblk(ex, pblk);
}

static uint64_t
ix_child(const struct ext4_extent_idx *ix)
{
	return e2le32(ix->ei_leaf_lo) | (uint64_t)e2le16(ix->ei_leaf_hi) << 32;
}

static void
ix_set(struct ext4_extent_idx *ix, uint32_t lblk, uint64_t child)
{
	ix->ei_block = e2le32(lblk);
	ix->ei_leaf_lo = e2le32((uint32_t)child);
	ix->ei_leaf_hi = e2le16((uint16_t)(child >> 32));
	ix->ei_unused = 0;
}

/* First logical block of entry i of a node at the given depth. */
static uint32_t
entry_key(uint8_t *node, int depth, int i)
{
	return depth == 0 ? e2le32(extent(node, i)->ee_block) :
	    e2le32(eidx(node, i)->ei_block);
}

/* Entries a tree block can hold (its tail fits after them). */
static uint32_t
block_cap(const struct e2mount *ump)
{
	return (ump->em_bsize - sizeof(struct ext4_extent_header)) /
	    sizeof(struct ext4_extent);
}

static int
ext_bad(struct e2inode *ip, uint64_t blk, const char *what)
{
	if (blk == 0)
		kprintf("ext2fs: %s: inode %llu: extent tree root: %s\n",
		    ip->i_ump->em_devname, (unsigned long long)ip->i_number,
		    what);
	else
		kprintf("ext2fs: %s: inode %llu: extent tree block %llu: %s\n",
		    ip->i_ump->em_devname, (unsigned long long)ip->i_number,
		    (unsigned long long)blk, what);
	return EIO;
}

/*
 * Check node (block blk, 0 for the root) expected at depth (-1: any, for
 * the root) and covering logical blocks [start, end).
 */
static int
node_check(struct e2inode *ip, uint8_t *node, uint64_t blk, int depth,
    uint64_t start, uint64_t end, bool csumok)
{
	struct e2mount *ump = ip->i_ump;
	struct ext4_extent_header *eh = hdr(node);
	uint32_t cap = blk == 0 ? EXT4_EXT_ROOTMAX : block_cap(ump);
	uint32_t n = e2le16(eh->eh_entries), max = e2le16(eh->eh_max), i;
	uint64_t prev = start, key, len;
	struct ext4_extent_tail *tail;

	if (e2le16(eh->eh_magic) != EXT4_EXT_MAGIC)
		return ext_bad(ip, blk, "bad extent header magic");
	if (max == 0 || max > cap || n > max)
		return ext_bad(ip, blk, "bad extent header entry counts");
	if ((depth < 0 && e2le16(eh->eh_depth) > EXT4_EXT_MAXDEPTH) ||
	    (depth >= 0 && e2le16(eh->eh_depth) != depth))
		return ext_bad(ip, blk, "bad extent header depth");
	depth = e2le16(eh->eh_depth);
	if (blk != 0 && E2HAS_CSUM(ump) && !csumok) {
		tail = (struct ext4_extent_tail *)(void *)(node +
		    sizeof(*eh) + max * sizeof(struct ext4_extent));
		if (e2le32(tail->et_checksum) != ext2fs_extent_csum(
		    ip->i_csumseed, node))
			return ext_bad(ip, blk, "bad extent block checksum");
	}
	for (i = 0; i < n; i++) {
		key = entry_key(node, depth, (int)i);
		if (key < prev || (i > 0 && key == prev && depth > 0) ||
		    key >= end)
			return ext_bad(ip, blk, "extents out of order");
		if (depth > 0) {
			if (!ext2fs_blkok(ump, ix_child(eidx(node, (int)i)), 1))
				return ext_bad(ip, blk, "index points outside "
				    "the file system");
			prev = key;
			continue;
		}
		len = ex_len(extent(node, (int)i));
		if (len == 0 || key + len > end ||
		    !ext2fs_blkok(ump, ex_pblk(extent(node, (int)i)), len))
			return ext_bad(ip, blk, "bad extent");
		prev = key + len;
	}
	return 0;
}

/* The root node, in i_block. */
static uint8_t *
rootnode(struct e2inode *ip)
{
	return (uint8_t *)(uintptr_t)ext2fs_din_iblock(ip);
}

/* Check the root in i_block (at inode load). */
int
ext2fs_ext_check_root(struct e2inode *ip)
{
	return node_check(ip, rootnode(ip), 0, -1, 0, EXT_LBLK_END, true);
}

/* Read and check child block blk at depth, covering [start, end). */
static int
node_read(struct e2inode *ip, uint64_t blk, int depth, uint64_t start,
    uint64_t end, struct buf **bpp)
{
	int error;

	if ((error = ext2fs_bread(ip->i_ump, blk, bpp)) != 0)
		return error;
	error = node_check(ip, (*bpp)->b_data, blk, depth, start, end,
	    ((*bpp)->b_flags & B_VERIFIED) != 0);
	if (error != 0)
		brelse(*bpp, 0);
	else
		(*bpp)->b_flags |= B_VERIFIED;
	return error;
}

/* Write a tree block with its checksum (later), and release it. */
static void
node_write(struct e2inode *ip, struct buf *bp)
{
	uint8_t *node = bp->b_data;
	struct ext4_extent_header *eh = hdr(node);
	struct ext4_extent_tail *tail;

	if (E2HAS_CSUM(ip->i_ump)) {
		tail = (struct ext4_extent_tail *)(void *)(node +
		    sizeof(*eh) + e2le16(eh->eh_max) *
		    sizeof(struct ext4_extent));
		tail->et_checksum = e2le32(ext2fs_extent_csum(ip->i_csumseed,
		    node));
	}
	bdwrite(bp);
}

/* Level d of p changed: its block is written at release, the root now. */
static void
mark_dirty(struct e2inode *ip, struct ext_path *p, int d)
{
	if (d == 0)
		ip->i_flag |= IN_MODIFIED;
	else
		p->p_lv[d].l_dirty = true;
}

/* Release the blocks of a path, writing the changed ones. */
static void
path_release(struct e2inode *ip, struct ext_path *p)
{
	int i;

	for (i = 1; i <= p->p_depth; i++) {
		if (p->p_lv[i].l_bp == NULL)
			continue;
		if (p->p_lv[i].l_dirty)
			node_write(ip, p->p_lv[i].l_bp);
		else
			brelse(p->p_lv[i].l_bp, 0);
		p->p_lv[i].l_bp = NULL;
	}
}

/* Index of the last entry whose key is <= lbn, or -1. */
static int
node_search(uint8_t *node, int depth, uint64_t lbn)
{
	int lo = 0, hi = e2le16(hdr(node)->eh_entries) - 1, mid, found = -1;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		if (entry_key(node, depth, mid) <= lbn) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

/*
 * Find the path from the root to the leaf that covers (or would hold)
 * lbn.  At each index level the entry followed is the last whose key is
 * at most lbn (the first, if lbn is before them all); the leaf's l_idx
 * is the last extent starting at or before lbn (-1 if none).  Held
 * buffers are released with path_release.
 */
static int
path_find(struct e2inode *ip, uint64_t lbn, struct ext_path *p)
{
	uint8_t *node = rootnode(ip);
	uint64_t end = EXT_LBLK_END, cstart, cend;
	int d, depth, i, n, error;
	struct buf *bp;

	depth = e2le16(hdr(node)->eh_depth);
	p->p_depth = 0;
	p->p_lv[0].l_bp = NULL;
	p->p_lv[0].l_node = node;
	p->p_lv[0].l_blk = 0;
	p->p_lv[0].l_dirty = false;
	for (d = 0; d < depth; d++) {
		n = e2le16(hdr(node)->eh_entries);
		if (n == 0) {
			path_release(ip, p);
			return ext_bad(ip, p->p_lv[d].l_blk,
			    "empty index node");
		}
		i = MAX(node_search(node, depth - d, lbn), 0);
		p->p_lv[d].l_idx = i;
		p->p_lv[d].l_end = end;
		cstart = entry_key(node, depth - d, i);
		cend = i + 1 < n ? entry_key(node, depth - d, i + 1) : end;
		error = node_read(ip, ix_child(eidx(node, i)), depth - d - 1,
		    cstart, cend, &bp);
		if (error != 0) {
			path_release(ip, p);
			return error;
		}
		end = cend;
		node = bp->b_data;
		p->p_depth = d + 1;
		p->p_lv[d + 1].l_bp = bp;
		p->p_lv[d + 1].l_node = node;
		p->p_lv[d + 1].l_blk = ix_child(eidx(p->p_lv[d].l_node, i));
		p->p_lv[d + 1].l_dirty = false;
	}
	p->p_lv[depth].l_idx = node_search(node, 0, lbn);
	p->p_lv[depth].l_end = end;
	return 0;
}

/*
 * Map logical block lbn: *pblkp is its physical block (0 for a hole or
 * an uninitialised extent) and *runp the number of following blocks
 * mapped contiguously (or holes too).
 */
int
ext2fs_ext_lookup(struct e2inode *ip, uint64_t lbn, uint64_t *pblkp,
    uint32_t *runp)
{
	struct ext_path p;
	struct ext4_extent *ex;
	struct ext_level *lv;
	uint64_t next, s;
	int error, n;

	if (ip->i_ecvalid && lbn >= ip->i_eclblk &&
	    lbn - ip->i_eclblk < ip->i_eclen)
		goto hit;
	if (lbn >= EXT_LBLK_END)
		return EFBIG;
	if ((error = path_find(ip, lbn, &p)) != 0)
		return error;
	lv = &p.p_lv[p.p_depth];
	n = e2le16(hdr(lv->l_node)->eh_entries);
	ex = lv->l_idx >= 0 ? extent(lv->l_node, lv->l_idx) : NULL;
	if (ex != NULL && lbn < (uint64_t)e2le32(ex->ee_block) + ex_len(ex)) {
		ip->i_eclblk = e2le32(ex->ee_block);
		ip->i_eclen = ex_len(ex);
		ip->i_ecpblk = ex_uninit(ex) ? 0 : ex_pblk(ex);
	} else {
		/* A hole: from lbn to the next extent or the leaf's end. */
		next = lv->l_idx + 1 < n ? e2le32(extent(lv->l_node,
		    lv->l_idx + 1)->ee_block) : lv->l_end;
		s = lbn;
		ip->i_eclblk = (uint32_t)s;
		ip->i_eclen = (uint32_t)MIN(next - s, (uint64_t)UINT32_MAX);
		ip->i_ecpblk = 0;
	}
	ip->i_ecvalid = true;
	path_release(ip, &p);
hit:
	*pblkp = ip->i_ecpblk == 0 ? 0 : ip->i_ecpblk + (lbn - ip->i_eclblk);
	if (runp != NULL)
		*runp = (uint32_t)(ip->i_eclen - (lbn - ip->i_eclblk) - 1);
	return 0;
}

/*
 * The first entry of level d changed its key: make the keys above it
 * (as far as they lead to first entries) equal to it.
 */
static void
fix_keys(struct e2inode *ip, struct ext_path *p, int d)
{
	uint32_t key = entry_key(p->p_lv[d].l_node, p->p_depth - d, 0);
	struct ext4_extent_idx *ix;

	while (d > 0) {
		d--;
		ix = eidx(p->p_lv[d].l_node, p->p_lv[d].l_idx);
		if (e2le32(ix->ei_block) == key)
			break;
		ix->ei_block = e2le32(key);
		mark_dirty(ip, p, d);
		if (p->p_lv[d].l_idx != 0)
			break;
	}
}

/* Allocate a zeroed tree block at the given depth near goal. */
static int
node_alloc(struct e2inode *ip, uint64_t goal, int depth, struct buf **bpp,
    uint64_t *blkp)
{
	struct e2mount *ump = ip->i_ump;
	struct ext4_extent_header *eh;
	int error;

	if ((error = ext2fs_blkalloc(ip, goal, true, blkp)) != 0)
		return error;
	if ((error = getblk(ump->em_devvp, E2FSBTODB(ump, *blkp),
	    (int)ump->em_bsize, bpp)) != 0) {
		(void)ext2fs_blkfree(ip, *blkp, 1);
		return error;
	}
	memset((*bpp)->b_data, 0, ump->em_bsize);
	eh = (*bpp)->b_data;
	eh->eh_magic = e2le16(EXT4_EXT_MAGIC);
	eh->eh_max = e2le16((uint16_t)block_cap(ump));
	eh->eh_depth = e2le16((uint16_t)depth);
	return 0;
}

/* Put a 12-byte entry at position pos of a node with room. */
static void
node_insert(uint8_t *node, int pos, const void *entry)
{
	struct ext4_extent_header *eh = hdr(node);
	int n = e2le16(eh->eh_entries);
	uint8_t *at = (uint8_t *)extent(node, pos);

	memmove(at + sizeof(struct ext4_extent), at,
	    (size_t)(n - pos) * sizeof(struct ext4_extent));
	memcpy(at, entry, sizeof(struct ext4_extent));
	eh->eh_entries = e2le16((uint16_t)(n + 1));
}

static int insert_at(struct e2inode *, struct ext_path *, int, int,
    const void *, uint64_t);

/*
 * The root (level 0) is full: move its entries into a new block and
 * make the root an index with that one child; the path gains a level
 * below the root.
 */
static int
grow_root(struct e2inode *ip, struct ext_path *p, uint64_t goal)
{
	uint8_t *root = p->p_lv[0].l_node;
	struct ext4_extent_header *rh = hdr(root);
	int depth = p->p_depth, n = e2le16(rh->eh_entries), d;
	struct buf *bp;
	uint64_t blk;
	int error;

	if (depth >= EXT4_EXT_MAXDEPTH)
		return EFBIG;
	if ((error = node_alloc(ip, goal, depth, &bp, &blk)) != 0)
		return error;
	memcpy((uint8_t *)bp->b_data + sizeof(*rh), root + sizeof(*rh),
	    (size_t)n * sizeof(struct ext4_extent));
	hdr(bp->b_data)->eh_entries = e2le16((uint16_t)n);
	for (d = depth + 1; d > 1; d--)
		p->p_lv[d] = p->p_lv[d - 1];
	p->p_lv[1].l_bp = bp;
	p->p_lv[1].l_node = bp->b_data;
	p->p_lv[1].l_blk = blk;
	p->p_lv[1].l_idx = p->p_lv[0].l_idx;
	p->p_lv[1].l_end = p->p_lv[0].l_end;
	p->p_lv[1].l_dirty = true;
	rh->eh_depth = e2le16((uint16_t)(depth + 1));
	rh->eh_entries = e2le16(1);
	ix_set(eidx(root, 0), entry_key(bp->b_data, depth, 0), blk);
	p->p_lv[0].l_idx = 0;
	p->p_depth = depth + 1;
	ip->i_flag |= IN_MODIFIED;
	return 0;
}

/*
 * Split full node d of path p to make room for entry at pos: a new right
 * sibling takes the upper half (nothing, when appending), the entry goes
 * to the side it belongs, and the sibling's index entry goes into the
 * parent.
 */
static int
split_node(struct e2inode *ip, struct ext_path *p, int d, int pos,
    const void *entry, uint64_t goal)
{
	struct ext_level *lv = &p->p_lv[d];
	struct ext4_extent_header *eh = hdr(lv->l_node);
	int n = e2le16(eh->eh_entries), depth = p->p_depth - d, m;
	struct ext4_extent_idx ix;
	struct buf *bp;
	uint64_t blk;
	int error;

	if ((error = node_alloc(ip, goal, depth, &bp, &blk)) != 0)
		return error;
	m = pos == n ? n : n / 2;
	memcpy((uint8_t *)bp->b_data + sizeof(*eh), extent(lv->l_node, m),
	    (size_t)(n - m) * sizeof(struct ext4_extent));
	hdr(bp->b_data)->eh_entries = e2le16((uint16_t)(n - m));
	eh->eh_entries = e2le16((uint16_t)m);
	if (pos < m) {
		node_insert(lv->l_node, pos, entry);
		if (pos == 0)
			fix_keys(ip, p, d);
	} else {
		node_insert(bp->b_data, pos - m, entry);
	}
	mark_dirty(ip, p, d);
	ix_set(&ix, entry_key(bp->b_data, depth, 0), blk);
	node_write(ip, bp);
	return insert_at(ip, p, d - 1, p->p_lv[d - 1].l_idx + 1, &ix, goal);
}

/*
 * Insert a 12-byte entry at position pos of level d of path p, splitting
 * nodes or growing the tree as needed.
 */
static int
insert_at(struct e2inode *ip, struct ext_path *p, int d, int pos,
    const void *entry, uint64_t goal)
{
	struct ext4_extent_header *eh = hdr(p->p_lv[d].l_node);
	int error;

	if (e2le16(eh->eh_entries) < e2le16(eh->eh_max)) {
		node_insert(p->p_lv[d].l_node, pos, entry);
		mark_dirty(ip, p, d);
		if (pos == 0)
			fix_keys(ip, p, d);
		return 0;
	}
	if (d == 0) {
		if ((error = grow_root(ip, p, goal)) != 0)
			return error;
		return insert_at(ip, p, 1, pos, entry, goal);
	}
	return split_node(ip, p, d, pos, entry, goal);
}

/*
 * Map [lblk, lblk + len), a hole now, to the blocks from pblk: extend
 * the extent before or after it when contiguous, else insert an extent.
 */
static int
ext_insert(struct e2inode *ip, uint32_t lblk, uint64_t pblk, uint32_t len,
    bool uninit)
{
	struct ext_path p;
	struct ext_level *lv;
	struct ext4_extent *ex, new;
	uint32_t max = uninit ? EXT4_EXT_UNINIT_MAXLEN : EXT4_EXT_INIT_MAXLEN;
	int error, n, i;

	ip->i_ecvalid = false;
	if ((error = path_find(ip, lblk, &p)) != 0)
		return error;
	lv = &p.p_lv[p.p_depth];
	n = e2le16(hdr(lv->l_node)->eh_entries);
	i = lv->l_idx;
	if (i >= 0) {
		ex = extent(lv->l_node, i);
		if (ex_uninit(ex) == uninit && e2le32(ex->ee_block) +
		    ex_len(ex) == lblk && ex_pblk(ex) + ex_len(ex) == pblk &&
		    ex_len(ex) + len <= max) {
			ex_set(ex, e2le32(ex->ee_block), ex_pblk(ex),
			    ex_len(ex) + len, uninit);
			mark_dirty(ip, &p, p.p_depth);
			path_release(ip, &p);
			return 0;
		}
	}
	if (i + 1 < n) {
		ex = extent(lv->l_node, i + 1);
		if (ex_uninit(ex) == uninit && lblk + len ==
		    e2le32(ex->ee_block) && pblk + len == ex_pblk(ex) &&
		    ex_len(ex) + len <= max) {
			ex_set(ex, lblk, pblk, ex_len(ex) + len, uninit);
			mark_dirty(ip, &p, p.p_depth);
			if (i + 1 == 0)
				fix_keys(ip, &p, p.p_depth);
			path_release(ip, &p);
			return 0;
		}
	}
	ex_set(&new, lblk, pblk, len, uninit);
	error = insert_at(ip, &p, p.p_depth, i + 1, &new, pblk);
	path_release(ip, &p);
	return error;
}

/* Goal for a new block at lbn: after the extent before it, if any. */
static uint64_t
alloc_goal(struct ext_path *p, uint64_t lbn)
{
	struct ext_level *lv = &p->p_lv[p->p_depth];
	struct ext4_extent *ex;

	if (lv->l_idx < 0)
		return 0;
	ex = extent(lv->l_node, lv->l_idx);
	return ex_pblk(ex) + (lbn - e2le32(ex->ee_block));
}

/*
 * Block lbn lies in the uninitialised extent at the leaf of path p:
 * split it so that lbn is an initialised extent of its own (merged with
 * an initialised neighbour when contiguous).  Releases the path.
 */
static int
convert_uninit(struct e2inode *ip, struct ext_path *p, uint64_t lbn,
    uint64_t *bnop)
{
	struct ext_level *lv = &p->p_lv[p->p_depth];
	struct ext4_extent *ex = extent(lv->l_node, lv->l_idx);
	uint32_t s = e2le32(ex->ee_block), len = ex_len(ex);
	uint32_t off = (uint32_t)(lbn - s);
	uint64_t pb = ex_pblk(ex);
	int error;

	*bnop = pb + off;
	if (len > 1 && ip->i_ump->em_freeblocks < 2 * ((uint64_t)p->p_depth +
	    2)) {
		path_release(ip, p);
		return ENOSPC;	/* two inserts may split (see above) */
	}
	mark_dirty(ip, p, p->p_depth);
	if (len == 1) {
		ex_set(ex, s, pb, 1, false);
		path_release(ip, p);
		return 0;
	}
	/*
	 * Shrink the extent to the part before lbn (or after it, when lbn
	 * is its first block: the key then grows, and the insert of lbn
	 * below puts the old key back in front).
	 */
	if (off == 0)
		ex_set(ex, s + 1, pb + 1, len - 1, true);
	else
		ex_set(ex, s, pb, off, true);
	path_release(ip, p);
	if ((error = ext_insert(ip, (uint32_t)lbn, pb + off, 1, false)) != 0)
		return error;
	if (off == 0 || off == len - 1)
		return 0;
	return ext_insert(ip, (uint32_t)lbn + 1, pb + off + 1, len - off - 1,
	    true);
}

/*
 * Give logical block lbn of ip a block, unless it has one: a hole gets a
 * new block, an uninitialised extent's block becomes initialised.  The
 * block is returned in *bnop; new metadata blocks are zeroed.
 */
int
ext2fs_ext_alloc(struct e2inode *ip, uint64_t lbn, bool meta, uint64_t *bnop)
{
	struct e2mount *ump = ip->i_ump;
	struct ext_path p;
	struct ext_level *lv;
	struct ext4_extent *ex;
	struct buf *bp;
	uint64_t goal;
	int error;

	if (lbn >= EXT_LBLK_END)
		return EFBIG;
	ip->i_ecvalid = false;
	if ((error = path_find(ip, lbn, &p)) != 0)
		return error;
	lv = &p.p_lv[p.p_depth];
	ex = lv->l_idx >= 0 ? extent(lv->l_node, lv->l_idx) : NULL;
	if (ex != NULL && lbn < (uint64_t)e2le32(ex->ee_block) + ex_len(ex)) {
		if (ex_uninit(ex))
			return convert_uninit(ip, &p, lbn, bnop);
		*bnop = ex_pblk(ex) + (lbn - e2le32(ex->ee_block));
		path_release(ip, &p);
		return 0;
	}
	goal = alloc_goal(&p, lbn);
	path_release(ip, &p);
	/*
	 * The block, and a new node at every level and one above the root
	 * if the insert splits all the way: no ENOSPC half way through a
	 * split, which would lose the extents moved to a new node.
	 */
	if (ump->em_freeblocks < (uint64_t)p.p_depth + 3)
		return ENOSPC;
	if ((error = ext2fs_blkalloc(ip, goal, meta, bnop)) != 0)
		return error;
	if ((error = ext_insert(ip, (uint32_t)lbn, *bnop, 1, false)) != 0) {
		(void)ext2fs_blkfree(ip, *bnop, 1);
		return error;
	}
	if (meta) {
		if ((error = getblk(ump->em_devvp, E2FSBTODB(ump, *bnop),
		    (int)ump->em_bsize, &bp)) != 0)
			return error;
		memset(bp->b_data, 0, ump->em_bsize);
		bdwrite(bp);
	}
	return 0;
}

/* Free the n blocks of an extent from b, or part of it. */
static int
free_extent(struct e2inode *ip, uint64_t b, uint64_t n)
{
	return ext2fs_blkfree(ip, b, n);
}

/*
 * Free what lies at or past logical block from under node (block blk, 0
 * for the root) at depth, which covers [start, end).  *emptyp says whether
 * the node has no entries left, *dirtyp whether it changed.
 */
static int
trunc_node(struct e2inode *ip, uint8_t *node, int depth, uint64_t from,
    uint64_t end, bool *emptyp, bool *dirtyp)
{
	struct ext4_extent_header *eh = hdr(node);
	struct ext4_extent *ex;
	struct buf *bp;
	uint64_t key, cend, child, len;
	bool empty, cdirty;
	int i, n, error = 0;

	*dirtyp = false;
	for (i = e2le16(eh->eh_entries) - 1; i >= 0 && error == 0; i--) {
		n = e2le16(eh->eh_entries);
		key = entry_key(node, depth, i);
		cend = i + 1 < n ? entry_key(node, depth, i + 1) : end;
		if (depth == 0) {
			ex = extent(node, i);
			len = ex_len(ex);
			if (key + len <= from)
				break;
			if (key >= from) {
				error = free_extent(ip, ex_pblk(ex), len);
				if (error == 0)
					eh->eh_entries = e2le16((uint16_t)i);
			} else {
				error = free_extent(ip, ex_pblk(ex) +
				    (from - key), key + len - from);
				if (error == 0)
					ex_set(ex, (uint32_t)key, ex_pblk(ex),
					    (uint32_t)(from - key),
					    ex_uninit(ex));
			}
			*dirtyp = true;
			continue;
		}
		if (cend <= from)
			break;
		child = ix_child(eidx(node, i));
		if ((error = node_read(ip, child, depth - 1, key, cend,
		    &bp)) != 0)
			break;
		error = trunc_node(ip, bp->b_data, depth - 1, from, cend,
		    &empty, &cdirty);
		if (error == 0 && empty) {
			brelse(bp, BC_INVAL);
			if ((error = ext2fs_blkfree(ip, child, 1)) != 0)
				break;
			memmove(eidx(node, i), eidx(node, i + 1),
			    (size_t)(n - i - 1) *
			    sizeof(struct ext4_extent_idx));
			eh->eh_entries = e2le16((uint16_t)(n - 1));
			*dirtyp = true;
			continue;
		}
		if (cdirty)
			node_write(ip, bp);
		else
			brelse(bp, 0);
		if (key < from)
			break;
	}
	*emptyp = e2le16(eh->eh_entries) == 0;
	return error;
}

/* Free every block of ip at logical block nblocks or past it. */
int
ext2fs_ext_truncate(struct e2inode *ip, uint64_t nblocks)
{
	uint8_t *root = rootnode(ip);
	struct ext4_extent_header *eh = hdr(root);
	bool empty, dirty;
	int error;

	ip->i_ecvalid = false;
	error = trunc_node(ip, root, e2le16(eh->eh_depth), nblocks,
	    EXT_LBLK_END, &empty, &dirty);
	if (empty && e2le16(eh->eh_depth) != 0) {
		eh->eh_depth = 0;
		eh->eh_max = e2le16(EXT4_EXT_ROOTMAX);
	}
	ip->i_flag |= IN_MODIFIED;
	return error;
}

/* An empty extent tree in i_block of a new inode. */
void
ext2fs_ext_init(struct e2inode *ip)
{
	uint8_t *root = ext2fs_din_iblock_w(ip);
	struct ext4_extent_header *eh = hdr(root);

	memset(root, 0, EXT2_IBLOCK_SIZE);
	eh->eh_magic = e2le16(EXT4_EXT_MAGIC);
	eh->eh_max = e2le16(EXT4_EXT_ROOTMAX);
	ip->i_flags |= EXT4_EXTENTS_FL;
}
