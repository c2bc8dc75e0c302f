/*
 * ffs_alloc.c: allocation of blocks, fragments and inodes in the
 * cylinder groups, and their release.
 *
 * A cylinder group's header and maps are read through the buffer cache
 * (cg_get), changed in place and written back as a delayed write
 * (cg_put).  Nothing in a group is trusted before it is checked: its
 * header at every read, its maps against its counts the first time a
 * mount uses it (cg_verify); a bad group is EIO naming it.  The header is decoded into host byte order for the duration;
 * the maps are byte arrays and need no conversion, except the cluster
 * summary, which is an array of 32-bit counts read and written in the
 * disk's byte order.
 *
 * What every change keeps true, as fsck and the oracle check it:
 *  - the free-fragment map (one bit per fragment, 1 = free) and the inode
 *    map (1 = used);
 *  - cg_frsum: the number of free runs of each length 1..frag-1 inside
 *    blocks that are partly free (a wholly free block is counted in
 *    cs_nbfree instead);
 *  - the cluster map (one bit per wholly free block) and the cluster
 *    summary (free runs of blocks, lengths capped at fs_contigsumsize);
 *  - the counts cs_nbfree, cs_nffree, cs_nifree, cs_ndir in the group
 *    header, in the in-core summary array (um_csp) and in the totals of
 *    the superblock (fs_cstotal); the latter two reach the disk at sync.
 *
 * Policies, simplified from the classic ones: a file's blocks go to the
 * group of its inode, each block preferring the one after the file's
 * previous block so that sequential writes are contiguous; a group that
 * is full sends the search to other groups by quadratic rehash, then
 * linearly.  Fragments come from a partly free block with a run long
 * enough, else a whole block is broken up.  A new directory goes to the
 * group with the fewest directories among those with at least the
 * average number of free inodes, which spreads directories out.  The
 * in-core summary array lets full groups be skipped without reading
 * them.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "dinode.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

/* A cylinder group held for change. */
struct cgref {
	struct buf	*cr_bp;
	struct cg	cr_cg;		/* header, host byte order */
	uint32_t	cr_cgx;
	uint8_t		*cr_inosused;
	uint8_t		*cr_blksfree;
	uint8_t		*cr_clustersfree;	/* NULL without clusters */
	uint8_t		*cr_clustersum;		/* int32[contigsumsize + 1] */
};

#define isset(a, i)	(((a)[(i) >> 3] >> ((i) & 7)) & 1)
#define setbit(a, i)	((a)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))
#define clrbit(a, i)	((a)[(i) >> 3] &= (uint8_t)~(1u << ((i) & 7)))

static int64_t
cgdmin(const struct fs *fs, uint32_t c)
{
	return ffs_cgstart(fs, c) + fs->fs_dblkno;
}

static int
alloc_bad(struct ufsmount *ump, uint32_t c, const char *what)
{
	return ffs_corrupt(ump, "cylinder group %u: %s", c, what);
}

static int cg_verify(struct ufsmount *, struct cgref *);

/*
 * Read and check cylinder group c; hold it in *cr.  The header and the
 * places of the maps are checked at every read; the first time a group is
 * used in this mount, its maps are also checked against its counts
 * (cg_verify), so that allocation and freeing can trust all of it.
 */
static int
cg_get(struct ufsmount *ump, uint32_t c, struct cgref *cr)
{
	struct fs *fs = ump->um_fs;
	int error;

	if (c >= (uint32_t)fs->fs_ncg)
		return alloc_bad(ump, c, "no such group");
	error = bread(ump->um_devvp, ffs_fsbtodb(fs, ffs_cgstart(fs, c) +
	    fs->fs_cblkno), (int)ffs_fragroundup(fs, fs->fs_cgsize),
	    &cr->cr_bp);
	if (error != 0)
		return error;
	memcpy(&cr->cr_cg, cr->cr_bp->b_data, sizeof(cr->cr_cg));
	if (ump->um_swap)
		ffs_cg_swap(&cr->cr_cg);
	cr->cr_cgx = c;
	if ((error = cg_verify(ump, cr)) != 0)
		brelse(cr->cr_bp, BC_INVAL);
	return error;
}

/* Release a held group, writing it back (later) if it changed. */
static void
cg_put(struct ufsmount *ump, struct cgref *cr, bool dirty)
{
	struct cg tmp;
	struct ktimespec now;

	if (!dirty) {
		brelse(cr->cr_bp, 0);
		return;
	}
	vfs_timestamp(&now);
	cr->cr_cg.cg_time = now.tv_sec;
	if (!ump->um_ufs2)
		cr->cr_cg.cg_old_time = (int32_t)now.tv_sec;
	tmp = cr->cr_cg;
	if (ump->um_swap)
		ffs_cg_swap(&tmp);
	memcpy(cr->cr_bp->b_data, &tmp, sizeof(tmp));
	bdwrite(cr->cr_bp);
}

/* Add to the counts of group cr, the summary array and the totals. */
static void
cs_add(struct ufsmount *ump, struct cgref *cr, int ndir, int nbfree,
    int nifree, int nffree)
{
	struct csum *cs = &ump->um_csp[cr->cr_cgx];
	struct fs *fs = ump->um_fs;

	cr->cr_cg.cg_cs.cs_ndir += ndir;
	cr->cr_cg.cg_cs.cs_nbfree += nbfree;
	cr->cr_cg.cg_cs.cs_nifree += nifree;
	cr->cr_cg.cg_cs.cs_nffree += nffree;
	cs->cs_ndir += ndir;
	cs->cs_nbfree += nbfree;
	cs->cs_nifree += nifree;
	cs->cs_nffree += nffree;
	fs->fs_cstotal.cs_ndir += ndir;
	fs->fs_cstotal.cs_nbfree += nbfree;
	fs->fs_cstotal.cs_nifree += nifree;
	fs->fs_cstotal.cs_nffree += nffree;
	ump->um_fmod = true;
}

/* Fragments of the block starting at group fragment bbase that exist. */
static int
blk_nfrags(const struct fs *fs, const struct cgref *cr, int64_t bbase)
{
	return (int)MIN((int64_t)fs->fs_frag, cr->cr_cg.cg_ndblk - bbase);
}

/* Is the whole block at group fragment bbase free? */
static bool
blk_isfree(const struct fs *fs, const struct cgref *cr, int64_t bbase)
{
	unsigned mask = (1u << fs->fs_frag) - 1;

	if (blk_nfrags(fs, cr, bbase) < fs->fs_frag)
		return false;
	/* A block's fragments are frag aligned bits of one map byte. */
	return ((cr->cr_blksfree[bbase >> 3] >> (bbase & 7)) & mask) == mask;
}

/* Is no fragment of the (whole) block at bbase free? */
static bool
blk_isused(const struct fs *fs, const struct cgref *cr, int64_t bbase)
{
	unsigned mask = (1u << fs->fs_frag) - 1;

	return ((cr->cr_blksfree[bbase >> 3] >> (bbase & 7)) & mask) == 0;
}

/*
 * Count the free runs of the block at bbase into cg_frsum, with weight cnt
 * (+1 after a change, -1 before it).  A wholly free block has no runs
 * here; it is a free block.
 */
static void
frag_acct(const struct fs *fs, struct cgref *cr, int64_t bbase, int cnt)
{
	int i, run = 0, n = blk_nfrags(fs, cr, bbase);

	if (blk_isfree(fs, cr, bbase))
		return;
	for (i = 0; i < n; i++) {
		if (isset(cr->cr_blksfree, bbase + i)) {
			run++;
			continue;
		}
		if (run > 0)
			cr->cr_cg.cg_frsum[run] += cnt;
		run = 0;
	}
	if (run > 0)
		cr->cr_cg.cg_frsum[run] += cnt;
}

static int32_t
clsum_get(const struct ufsmount *ump, const struct cgref *cr, int i)
{
	return (int32_t)ffs_rd32(cr->cr_clustersum + 4 * i, ump->um_swap);
}

static void
clsum_add(const struct ufsmount *ump, struct cgref *cr, int i, int cnt)
{
	ffs_wr32(cr->cr_clustersum + 4 * i,
	    (uint32_t)(clsum_get(ump, cr, i) + cnt), ump->um_swap);
}

/*
 * Block blkno of the group (block index) became free (cnt 1) or used
 * (cnt -1): update the cluster map and the summary of free runs.
 */
static void
cluster_acct(struct ufsmount *ump, struct cgref *cr, int64_t blkno, int cnt)
{
	struct fs *fs = ump->um_fs;
	int64_t n = cr->cr_cg.cg_nclusterblks, i;
	int max = fs->fs_contigsumsize, back = 0, fwd = 0, len;

	if (cr->cr_clustersfree == NULL || blkno >= n)
		return;
	if (cnt > 0)
		setbit(cr->cr_clustersfree, blkno);
	else
		clrbit(cr->cr_clustersfree, blkno);
	for (i = blkno + 1; i < n && fwd < max &&
	    isset(cr->cr_clustersfree, i); i++)
		fwd++;
	for (i = blkno - 1; i >= 0 && back < max &&
	    isset(cr->cr_clustersfree, i); i--)
		back++;
	len = MIN(back + fwd + 1, max);
	clsum_add(ump, cr, len, cnt);
	if (back > 0)
		clsum_add(ump, cr, back, -cnt);
	if (fwd > 0)
		clsum_add(ump, cr, fwd, -cnt);
}

/*
 * Checking a group.  Everything is computed in 64 bits: the offsets in
 * the header are 32-bit values from the disk.
 */

/* Is [off, off + len) a place inside the group block, past the header? */
static bool
cg_area_ok(const struct fs *fs, int64_t off, int64_t len)
{
	return off >= (int64_t)sizeof(struct cg) && off <= fs->fs_cgsize &&
	    len >= 0 && len <= fs->fs_cgsize - off;
}

static bool
areas_overlap(int64_t a, int64_t alen, int64_t b, int64_t blen)
{
	return alen > 0 && blen > 0 && a < b + blen && b < a + alen;
}

/*
 * The header of group cgx: its number, size and inode count, and the maps
 * it points at, each inside the group block and apart from the others.
 * NULL, or what is wrong.  What a read-write mount requires before it
 * allocates in a group, and what fsck requires before it keeps a header.
 */
const char *
ffs_cg_check(const struct ufsmount *ump, uint32_t cgx, const struct cg *cg)
{
	const struct fs *fs = ump->um_fs;
	int64_t ndblk, nblk = (int64_t)fs->fs_fpg >> fs->fs_fragshift;
	int64_t off[4], len[4], end = 0;
	int i, j, n = 2;

	ndblk = MIN((int64_t)fs->fs_fpg, fs->fs_size - ffs_cgbase(fs, cgx));
	if (cg->cg_magic != CG_MAGIC)
		return "bad magic number";
	if (cg->cg_cgx != (int32_t)cgx)
		return "header of another group";
	if (cg->cg_ndblk != ndblk)
		return "wrong number of fragments";
	if (ump->um_ufs2 ? cg->cg_niblk != fs->fs_ipg :
	    (uint16_t)cg->cg_old_niblk != (uint16_t)fs->fs_ipg)
		return "wrong number of inodes";
	if (ump->um_ufs2 && (cg->cg_initediblk < 0 ||
	    cg->cg_initediblk > fs->fs_ipg))
		return "bad count of initialised inodes";
	if (!ump->um_ufs2 && (!cg_area_ok(fs, cg->cg_old_btotoff, 0) ||
	    !cg_area_ok(fs, cg->cg_old_boff, 0)) &&
	    (cg->cg_old_btotoff != 0 || cg->cg_old_boff != 0))
		return "rotational tables outside the group block";
	off[0] = cg->cg_iusedoff;
	len[0] = howmany((int64_t)fs->fs_ipg, 8);
	off[1] = cg->cg_freeoff;
	len[1] = howmany((int64_t)fs->fs_fpg, 8);
	if (fs->fs_contigsumsize > 0) {
		/* Entry 0 of the cluster summary is never used. */
		off[2] = (int64_t)cg->cg_clustersumoff + 4;
		len[2] = 4 * (int64_t)fs->fs_contigsumsize;
		off[3] = cg->cg_clusteroff;
		len[3] = howmany(nblk, 8);
		n = 4;
		if (!cg_area_ok(fs, cg->cg_clustersumoff, 0))
			return "maps outside the group block";
		if (cg->cg_nclusterblks != ndblk >> fs->fs_fragshift)
			return "wrong number of cluster map blocks";
	}
	for (i = 0; i < n; i++) {
		if (!cg_area_ok(fs, off[i], len[i]))
			return "maps outside the group block";
		for (j = 0; j < i; j++)
			if (areas_overlap(off[i], len[i], off[j], len[j]))
				return "maps overlap";
		end = MAX(end, off[i] + len[i]);
	}
	if (cg->cg_nextfreeoff < end || cg->cg_nextfreeoff > fs->fs_cgsize)
		return "bad end of the maps";
	return NULL;
}

/* ffs_cg_check() on group cr, then its map pointers. */
static const char *
cg_check_header(const struct ufsmount *ump, struct cgref *cr)
{
	const struct cg *cg = &cr->cr_cg;
	uint8_t *p = cr->cr_bp->b_data;
	const char *bad;

	if ((bad = ffs_cg_check(ump, cr->cr_cgx, cg)) != NULL)
		return bad;
	cr->cr_inosused = p + cg->cg_iusedoff;
	cr->cr_blksfree = p + cg->cg_freeoff;
	cr->cr_clustersfree = ump->um_fs->fs_contigsumsize > 0 ?
	    p + cg->cg_clusteroff : NULL;
	cr->cr_clustersum = ump->um_fs->fs_contigsumsize > 0 ?
	    p + cg->cg_clustersumoff : NULL;
	return NULL;
}

/*
 * Fragments of group cr that are metadata (the boot area and superblock
 * in group 0, the backup superblock, the header and the inode table, the
 * summary area) must not be free: the allocator would hand them out.
 */
static bool
cg_meta_used(const struct ufsmount *ump, const struct cgref *cr)
{
	const struct fs *fs = ump->um_fs;
	int64_t base = ffs_cgbase(fs, cr->cr_cgx), ndblk = cr->cr_cg.cg_ndblk;
	int64_t lo[2], hi[2], f;
	int i;

	lo[0] = cr->cr_cgx == 0 ? 0 :
	    ffs_cgstart(fs, cr->cr_cgx) + fs->fs_sblkno - base;
	hi[0] = ffs_cgstart(fs, cr->cr_cgx) + fs->fs_dblkno - base;
	lo[1] = fs->fs_csaddr - base;
	hi[1] = lo[1] + howmany((int64_t)fs->fs_cssize, fs->fs_fsize);
	for (i = 0; i < 2; i++)
		for (f = MAX(lo[i], 0); f < MIN(hi[i], ndblk); f++)
			if (isset(cr->cr_blksfree, f))
				return false;
	return true;
}

/* Do the maps of group cr agree with its counts?  NULL, or what not. */
static const char *
cg_check_counts(const struct ufsmount *ump, const struct cgref *cr)
{
	const struct fs *fs = ump->um_fs;
	const struct cg *cg = &cr->cr_cg;
	const struct csum *cs = &ump->um_csp[cr->cr_cgx];
	int64_t nbfree = 0, nffree = 0, nused = 0, frsum[MAXFRAG];
	int64_t clsum[FS_MAXCONTIG + 1], b, run, i;
	int k, n;

	memset(frsum, 0, sizeof(frsum));
	memset(clsum, 0, sizeof(clsum));
	for (i = 0; i < fs->fs_ipg; i++)
		nused += isset(cr->cr_inosused, i);
	for (b = 0; b < cg->cg_ndblk; b += fs->fs_frag) {
		if (blk_isfree(fs, cr, b)) {
			nbfree++;
			continue;
		}
		n = blk_nfrags(fs, cr, b);
		for (k = 0, run = 0; k <= n; k++) {
			if (k < n && isset(cr->cr_blksfree, b + k)) {
				run++;
				nffree++;
			} else if (run > 0) {
				frsum[run]++;
				run = 0;
			}
		}
	}
	if (cg->cg_cs.cs_nbfree != nbfree || cg->cg_cs.cs_nffree != nffree)
		return "free block or fragment count does not match its map";
	if (cg->cg_cs.cs_nifree != fs->fs_ipg - nused)
		return "free inode count does not match its map";
	if (cg->cg_cs.cs_ndir < 0 || cg->cg_cs.cs_ndir > nused)
		return "bad directory count";
	for (k = 1; k < fs->fs_frag; k++)
		if (cg->cg_frsum[k] != frsum[k])
			return "fragment run counts do not match its map";
	if (cs->cs_nbfree != cg->cg_cs.cs_nbfree ||
	    cs->cs_nffree != cg->cg_cs.cs_nffree ||
	    cs->cs_nifree != cg->cg_cs.cs_nifree ||
	    cs->cs_ndir != cg->cg_cs.cs_ndir)
		return "counts differ from the summary area";
	if (!cg_meta_used(ump, cr))
		return "metadata marked free in its map";
	if (cr->cr_clustersfree == NULL)
		return NULL;
	for (b = 0, run = 0; b <= cg->cg_nclusterblks; b++) {
		if (b < cg->cg_nclusterblks) {
			if (isset(cr->cr_clustersfree, b) !=
			    blk_isfree(fs, cr, b << fs->fs_fragshift))
				return "cluster map does not match the "
				    "fragment map";
			if (isset(cr->cr_clustersfree, b)) {
				run++;
				continue;
			}
		}
		if (run > 0)
			clsum[MIN(run, fs->fs_contigsumsize)]++;
		run = 0;
	}
	for (k = 1; k <= fs->fs_contigsumsize; k++)
		if (clsum_get(ump, cr, k) != clsum[k])
			return "cluster summary does not match the cluster map";
	return NULL;
}

/*
 * Check group cr as read: its header always, its maps against its counts
 * the first time this mount uses it (um_cgstate).  A group refused once
 * is refused again without a second message.
 */
static int
cg_verify(struct ufsmount *ump, struct cgref *cr)
{
	uint8_t *state = &ump->um_cgstate[cr->cr_cgx];
	const char *bad;

	if (*state == CG_BAD)
		return EIO;
	if ((bad = cg_check_header(ump, cr)) == NULL &&
	    *state == CG_UNCHECKED)
		bad = cg_check_counts(ump, cr);
	if (bad == NULL) {
		*state = CG_CHECKED;
		return 0;
	}
	*state = CG_BAD;
	return alloc_bad(ump, cr->cr_cgx, bad);
}

/* Take the free block at group fragment bbase. */
static void
take_block(struct ufsmount *ump, struct cgref *cr, int64_t bbase)
{
	struct fs *fs = ump->um_fs;
	int i;

	for (i = 0; i < fs->fs_frag; i++)
		clrbit(cr->cr_blksfree, bbase + i);
	cluster_acct(ump, cr, bbase >> fs->fs_fragshift, -1);
	cs_add(ump, cr, 0, -1, 0, 0);
}

/*
 * Find a wholly free block in group cr, trying the one at group fragment
 * pref first, then from the rotor on.  Returns the group fragment, or -1.
 */
static int64_t
find_block(const struct fs *fs, const struct cgref *cr, int64_t pref)
{
	int64_t nblk = cr->cr_cg.cg_ndblk >> fs->fs_fragshift, start, b, i;

	if (pref >= 0 && pref < cr->cr_cg.cg_ndblk) {
		b = pref & ~(int64_t)(fs->fs_frag - 1);
		if (blk_isfree(fs, cr, b))
			return b;
	}
	start = (cr->cr_cg.cg_rotor >> fs->fs_fragshift);
	if (start < 0 || start >= nblk)
		start = 0;
	for (i = 0; i < nblk; i++) {
		b = ((start + i) % nblk) << fs->fs_fragshift;
		if (blk_isfree(fs, cr, b))
			return b;
	}
	return -1;
}

/*
 * Find nfrags free fragments in one partly free block, at pref if
 * possible.  Returns the group fragment, or -1.
 */
static int64_t
find_frags(const struct fs *fs, const struct cgref *cr, int64_t pref,
    int nfrags)
{
	int64_t ndblk = cr->cr_cg.cg_ndblk, b, start, i;
	int k, run, n;

	for (k = nfrags; k < fs->fs_frag; k++)
		if (cr->cr_cg.cg_frsum[k] > 0)
			break;
	if (k == fs->fs_frag)
		return -1;
	if (pref >= 0 && pref + nfrags <= ndblk &&
	    (pref & (fs->fs_frag - 1)) + nfrags <= fs->fs_frag) {
		for (k = 0; k < nfrags && isset(cr->cr_blksfree, pref + k); k++)
			continue;
		if (k == nfrags && !blk_isfree(fs, cr,
		    pref & ~(int64_t)(fs->fs_frag - 1)))
			return pref;
	}
	start = cr->cr_cg.cg_frotor & ~(int64_t)(fs->fs_frag - 1);
	if (start < 0 || start >= ndblk)
		start = 0;
	for (i = 0; i < ndblk; i += fs->fs_frag) {
		b = (start + i) % roundup(ndblk, fs->fs_frag);
		if (b >= ndblk || blk_isfree(fs, cr, b) ||
		    (b + fs->fs_frag <= ndblk && blk_isused(fs, cr, b)))
			continue;
		n = blk_nfrags(fs, cr, b);
		for (k = 0, run = 0; k < n; k++) {
			run = isset(cr->cr_blksfree, b + k) ? run + 1 : 0;
			if (run == nfrags)
				return b + k - nfrags + 1;
		}
	}
	return -1;
}

/*
 * Allocate size bytes (a whole block, or fewer fragments inside one
 * block) in group cr near group fragment pref.  Returns the group
 * fragment in *bnop, or ENOSPC.
 */
static int
cg_alloc(struct ufsmount *ump, struct cgref *cr, int64_t pref, int size,
    int64_t *bnop)
{
	struct fs *fs = ump->um_fs;
	int nfrags = size >> fs->fs_fshift, i;
	int64_t b;

	if (size == fs->fs_bsize) {
		if ((b = find_block(fs, cr, pref)) < 0)
			return ENOSPC;
		take_block(ump, cr, b);
		cr->cr_cg.cg_rotor = (int32_t)b;
		*bnop = b;
		return 0;
	}
	if ((b = find_frags(fs, cr, pref, nfrags)) >= 0) {
		frag_acct(fs, cr, b & ~(int64_t)(fs->fs_frag - 1), -1);
		for (i = 0; i < nfrags; i++)
			clrbit(cr->cr_blksfree, b + i);
		frag_acct(fs, cr, b & ~(int64_t)(fs->fs_frag - 1), 1);
		cs_add(ump, cr, 0, 0, 0, -nfrags);
	} else {
		/* Break up a whole block; the rest becomes free fragments. */
		if ((b = find_block(fs, cr, pref)) < 0)
			return ENOSPC;
		take_block(ump, cr, b);
		for (i = nfrags; i < fs->fs_frag; i++)
			setbit(cr->cr_blksfree, b + i);
		frag_acct(fs, cr, b, 1);
		cs_add(ump, cr, 0, 0, 0, fs->fs_frag - nfrags);
	}
	cr->cr_cg.cg_frotor = (int32_t)b;
	*bnop = b;
	return 0;
}

/* Might group c have room for size bytes?  From the in-core summary. */
static bool
cg_mayfit(const struct ufsmount *ump, uint32_t c, int size)
{
	const struct csum *cs = &ump->um_csp[c];
	const struct fs *fs = ump->um_fs;

	if (cs->cs_nbfree > 0)
		return true;
	return size < fs->fs_bsize && cs->cs_nffree >= (size >> fs->fs_fshift);
}

/*
 * Try group c: allocate size bytes near absolute fragment pref.  ENOSPC
 * when the group has no room.
 */
static int
try_cg(struct ufsmount *ump, uint32_t c, int64_t pref, int size,
    int64_t *bnop)
{
	struct fs *fs = ump->um_fs;
	struct cgref cr;
	int64_t base = ffs_cgbase(fs, c), b;
	int error;

	if (!cg_mayfit(ump, c, size))
		return ENOSPC;
	if ((error = cg_get(ump, c, &cr)) != 0)
		return error;
	if (pref < base || pref >= base + fs->fs_fpg)
		pref = cgdmin(fs, c);
	error = cg_alloc(ump, &cr, pref - base, size, &b);
	cg_put(ump, &cr, error == 0);
	if (error == 0)
		*bnop = base + b;
	return error;
}

/*
 * Allocate size bytes (a block or fragments) for a file, preferring
 * absolute fragment pref, or the group of the file's inode when pref is
 * 0.  The group is searched first, then others by quadratic rehash, then
 * all of them.
 */
int
ffs_alloc(struct inode *ip, int64_t pref, int size, int64_t *bnop)
{
	struct ufsmount *ump = ip->i_ump;
	struct fs *fs = ump->um_fs;
	uint32_t ncg = (uint32_t)fs->fs_ncg, start, c, i;
	int error;

	KASSERT(size > 0 && size <= fs->fs_bsize &&
	    (size & (fs->fs_fsize - 1)) == 0);
	start = pref > 0 && pref < fs->fs_size ?
	    (uint32_t)(pref / fs->fs_fpg) :
	    (uint32_t)(ip->i_number / (uint32_t)fs->fs_ipg);
	if ((error = try_cg(ump, start, pref, size, bnop)) != ENOSPC)
		goto out;
	for (i = 1, c = start; i < ncg; i *= 2) {
		c = (c + i) % ncg;
		if ((error = try_cg(ump, c, 0, size, bnop)) != ENOSPC)
			goto out;
	}
	for (i = 0, c = start; i < ncg; i++, c = (c + 1) % ncg)
		if ((error = try_cg(ump, c, 0, size, bnop)) != ENOSPC)
			goto out;
	return ENOSPC;
out:
	if (error == 0) {
		ffs_ip_addblocks(ip, size >> DEV_BSHIFT);
		bnote_alloc(ump->um_devvp, ffs_fsbtodb(fs, *bnop), size);
	}
	return error;
}

/*
 * Grow the fragments at bprev (osize bytes) to nsize bytes in place, if
 * the fragments after them are free and in the same block.
 */
static int
frag_extend(struct ufsmount *ump, int64_t bprev, int osize, int nsize)
{
	struct fs *fs = ump->um_fs;
	uint32_t c = (uint32_t)(bprev / fs->fs_fpg);
	int ofr = osize >> fs->fs_fshift, nfr = nsize >> fs->fs_fshift, i;
	int64_t b = bprev % fs->fs_fpg, bbase = b & ~(int64_t)(fs->fs_frag - 1);
	struct cgref cr;
	int error;

	if ((b & (fs->fs_frag - 1)) + nfr > fs->fs_frag ||
	    ump->um_csp[c].cs_nffree < nfr - ofr)
		return ENOSPC;
	if ((error = cg_get(ump, c, &cr)) != 0)
		return error;
	for (i = ofr; i < nfr; i++) {
		if (b + i >= cr.cr_cg.cg_ndblk ||
		    !isset(cr.cr_blksfree, b + i)) {
			cg_put(ump, &cr, false);
			return ENOSPC;
		}
	}
	frag_acct(fs, &cr, bbase, -1);
	for (i = ofr; i < nfr; i++)
		clrbit(cr.cr_blksfree, b + i);
	frag_acct(fs, &cr, bbase, 1);
	cs_add(ump, &cr, 0, 0, 0, -(nfr - ofr));
	cg_put(ump, &cr, true);
	bnote_alloc(ump->um_devvp, ffs_fsbtodb(fs, bprev + ofr),
	    nsize - osize);
	return 0;
}

/*
 * The last block of a file at bprev (osize bytes) must become nsize
 * bytes: extend it in place, or allocate nsize bytes elsewhere near pref
 * and free the old fragments.  When it moves and metadata is set, the
 * old contents are copied through the buffer cache (directories); file
 * data is in the page cache, which the caller has made dirty.
 */
int
ffs_realloccg(struct inode *ip, int64_t bprev, int64_t pref, int osize,
    int nsize, bool metadata, int64_t *bnop)
{
	struct ufsmount *ump = ip->i_ump;
	struct fs *fs = ump->um_fs;
	struct buf *obp, *nbp;
	int64_t bno;
	int error;

	KASSERT(osize < nsize && nsize <= fs->fs_bsize);
	error = frag_extend(ump, bprev, osize, nsize);
	if (error == 0) {
		ffs_ip_addblocks(ip, (nsize - osize) >> DEV_BSHIFT);
		*bnop = bprev;
		return 0;
	}
	if (error != ENOSPC)
		return error;
	if ((error = ffs_alloc(ip, pref, nsize, &bno)) != 0)
		return error;
	if (metadata) {
		error = bread(ump->um_devvp, ffs_fsbtodb(fs, bprev), osize, &obp);
		if (error == 0 && (error = getblk(ump->um_devvp,
		    ffs_fsbtodb(fs, bno), nsize, &nbp)) != 0)
			brelse(obp, 0);
		if (error != 0) {
			(void)ffs_blkfree(ip, bno, nsize);
			return error;
		}
		memcpy(nbp->b_data, obp->b_data, (size_t)osize);
		memset((char *)nbp->b_data + osize, 0, (size_t)(nsize - osize));
		brelse(obp, BC_INVAL);
		bdwrite(nbp);
	}
	if ((error = ffs_blkfree(ip, bprev, osize)) != 0)
		return error;
	*bnop = bno;
	return 0;
}

/*
 * Free size bytes at fragment bno, held by ip (whose block count drops),
 * and forget any cached buffer there.  A block that is metadata, outside
 * the file system, already free, or in use right now (an indirect block
 * that lists itself, being read while it is freed) means the file system
 * is corrupt: EIO, nothing changed.
 */
int
ffs_blkfree(struct inode *ip, int64_t bno, int size)
{
	struct ufsmount *ump = ip->i_ump;
	struct fs *fs = ump->um_fs;
	uint32_t c = (uint32_t)(bno / fs->fs_fpg);
	int nfr = size >> fs->fs_fshift, i;
	int64_t b = bno % fs->fs_fpg, bbase = b & ~(int64_t)(fs->fs_frag - 1);
	struct cgref cr;
	int error;

	if (!ffs_blkok(fs, bno, nfr))
		return ffs_corrupt(ump, "inode %llu: freeing fragment %lld, "
		    "outside the file system or in its metadata",
		    (unsigned long long)ip->i_number, (long long)bno);
	if (binuse(ump->um_devvp, ffs_fsbtodb(fs, bno), size))
		return ffs_corrupt(ump, "inode %llu: freeing fragment %lld "
		    "while it is in use (a block claimed twice)",
		    (unsigned long long)ip->i_number, (long long)bno);
	if ((error = cg_get(ump, c, &cr)) != 0)
		return error;
	for (i = 0; i < nfr; i++) {
		if (b + i >= cr.cr_cg.cg_ndblk ||
		    isset(cr.cr_blksfree, b + i)) {
			cg_put(ump, &cr, false);
			return ffs_corrupt(ump, "inode %llu: freeing free "
			    "fragment %lld (a block claimed twice)",
			    (unsigned long long)ip->i_number,
			    (long long)(bno + i));
		}
	}
	frag_acct(fs, &cr, bbase, -1);
	for (i = 0; i < nfr; i++)
		setbit(cr.cr_blksfree, b + i);
	if (blk_isfree(fs, &cr, bbase)) {
		/* The block is whole again. */
		cs_add(ump, &cr, 0, 1, 0, nfr - fs->fs_frag);
		cluster_acct(ump, &cr, bbase >> fs->fs_fragshift, 1);
	} else {
		cs_add(ump, &cr, 0, 0, 0, nfr);
		frag_acct(fs, &cr, bbase, 1);
	}
	cg_put(ump, &cr, true);
	ffs_ip_addblocks(ip, -(int64_t)(size >> DEV_BSHIFT));
	binval(ump->um_devvp, ffs_fsbtodb(fs, bno), size);
	bnote_free(ump->um_devvp, ffs_fsbtodb(fs, bno), size);
	return 0;
}

/*
 * A UFS2 group initialises its inode blocks lazily: before inode index
 * idx is handed out, the blocks up to it are zeroed (with fresh
 * generation numbers) and cg_initediblk moves past them.
 */
static int
ino_initblocks(struct ufsmount *ump, struct cgref *cr, uint32_t idx)
{
	struct fs *fs = ump->um_fs;
	struct ufs2_dinode *dp;
	struct buf *bp;
	uint64_t ino;
	int error, i;

	while (ump->um_ufs2 && (uint32_t)cr->cr_cg.cg_initediblk <= idx) {
		ino = (uint64_t)cr->cr_cgx * (uint32_t)fs->fs_ipg +
		    (uint32_t)cr->cr_cg.cg_initediblk;
		error = getblk(ump->um_devvp, ffs_fsbtodb(fs,
		    ffs_ino_to_fsba(fs, ino)), fs->fs_bsize, &bp);
		if (error != 0)
			return error;
		memset(bp->b_data, 0, (size_t)fs->fs_bsize);
		for (i = 0; i < fs->fs_inopb; i++) {
			dp = (struct ufs2_dinode *)(void *)((char *)bp->b_data +
			    (size_t)i * sizeof(*dp));
			ffs_wr32(&dp->di_gen, ffs_newgen(ino + (uint64_t)i, 0),
			    ump->um_swap);
		}
		bdwrite(bp);
		cr->cr_cg.cg_initediblk += fs->fs_inopb;
	}
	return 0;
}

/* Take a free inode of group cr (searching from index pref). */
static int
cg_allocino(struct ufsmount *ump, struct cgref *cr, uint32_t pref,
    bool isdir, ino_t *inop)
{
	struct fs *fs = ump->um_fs;
	uint32_t ipg = (uint32_t)fs->fs_ipg, i, idx;
	int error;

	if (pref >= ipg)
		pref = 0;
	for (i = 0; i < ipg; i++) {
		idx = (pref + i) % ipg;
		if (!isset(cr->cr_inosused, idx))
			break;
	}
	if (i == ipg)
		return ENOSPC;
	if ((error = ino_initblocks(ump, cr, idx)) != 0)
		return error;
	setbit(cr->cr_inosused, idx);
	cr->cr_cg.cg_irotor = (int32_t)idx;
	cs_add(ump, cr, isdir ? 1 : 0, 0, -1, 0);
	*inop = (ino_t)cr->cr_cgx * ipg + idx;
	return 0;
}

static int
try_cg_ino(struct ufsmount *ump, uint32_t c, bool isdir, ino_t *inop)
{
	struct cgref cr;
	int error;

	if (ump->um_csp[c].cs_nifree <= 0)
		return ENOSPC;
	if ((error = cg_get(ump, c, &cr)) != 0)
		return error;
	error = cg_allocino(ump, &cr, (uint32_t)cr.cr_cg.cg_irotor, isdir,
	    inop);
	cg_put(ump, &cr, error == 0);
	return error;
}

/*
 * The group for a new directory: the one with the fewest directories
 * among those with at least the average number of free inodes and free
 * blocks.
 */
static uint32_t
dirpref(const struct ufsmount *ump)
{
	const struct fs *fs = ump->um_fs;
	int64_t avgifree = fs->fs_cstotal.cs_nifree / fs->fs_ncg;
	int64_t avgbfree = fs->fs_cstotal.cs_nbfree / fs->fs_ncg;
	uint32_t c, best = 0;
	int32_t mindirs = INT32_MAX;

	for (c = 0; c < (uint32_t)fs->fs_ncg; c++) {
		const struct csum *cs = &ump->um_csp[c];

		if (cs->cs_nifree > 0 && cs->cs_nifree >= avgifree &&
		    cs->cs_nbfree >= avgbfree && cs->cs_ndir < mindirs) {
			mindirs = cs->cs_ndir;
			best = c;
		}
	}
	return best;
}

/*
 * Allocate an inode for a new node of type mode in directory pip: a
 * directory goes to the group dirpref() picks, anything else to its
 * parent's group.  The on-disk inode must be free (mode 0); anything else
 * is corruption.
 */
int
ffs_valloc(struct inode *pip, mode_t mode, ino_t *inop)
{
	struct ufsmount *ump = pip->i_ump;
	struct fs *fs = ump->um_fs;
	uint32_t ncg = (uint32_t)fs->fs_ncg, start, c, i;
	bool isdir = (mode & S_IFMT) == S_IFDIR;
	int error;

	if (fs->fs_cstotal.cs_nifree <= 0)
		return ENOSPC;
	start = isdir ? dirpref(ump) :
	    (uint32_t)(pip->i_number / (uint32_t)fs->fs_ipg);
	if ((error = try_cg_ino(ump, start, isdir, inop)) != ENOSPC)
		return error;
	for (i = 1, c = start; i < ncg; i++) {
		c = (c + 1) % ncg;
		if ((error = try_cg_ino(ump, c, isdir, inop)) != ENOSPC)
			return error;
	}
	return ENOSPC;
}

/* Mark inode ino of the given mode free again. */
int
ffs_vfree(struct ufsmount *ump, ino_t ino, mode_t mode)
{
	struct fs *fs = ump->um_fs;
	uint32_t c = (uint32_t)(ino / (uint32_t)fs->fs_ipg);
	uint32_t idx = (uint32_t)(ino % (uint32_t)fs->fs_ipg);
	struct cgref cr;
	int error;

	if ((error = cg_get(ump, c, &cr)) != 0)
		return error;
	if (!isset(cr.cr_inosused, idx)) {
		cg_put(ump, &cr, false);
		return ffs_corrupt(ump, "freeing free inode %llu",
		    (unsigned long long)ino);
	}
	clrbit(cr.cr_inosused, idx);
	if (idx < (uint32_t)cr.cr_cg.cg_irotor)
		cr.cr_cg.cg_irotor = (int32_t)idx;
	cs_add(ump, &cr, (mode & S_IFMT) == S_IFDIR ? -1 : 0, 0, 1, 0);
	cg_put(ump, &cr, true);
	return 0;
}

/*
 * Where should logical block lbn of ip go?  Right after the file's
 * previous block (prev, a fragment address, or 0 if none), so that files
 * written in order are contiguous; 0 lets ffs_alloc pick from the inode's
 * group.
 */
int64_t
ffs_blkpref(const struct inode *ip, int64_t prev)
{
	const struct fs *fs = ip->i_fs;

	if (prev <= 0 || prev + fs->fs_frag >= fs->fs_size)
		return 0;
	return prev + fs->fs_frag;
}
