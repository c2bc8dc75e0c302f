/*
 * ext2fs_lookup.c: directories: reading their blocks, the entry scanner,
 * lookup (through the hash tree when there is one), readdir, and the
 * in-memory name hash of linear directories.
 *
 * Blocks.  ext2fs_dir_readblk() reads directory block lbn through the
 * buffer cache and says what it is: an ordinary block of entries (with
 * metadata_csum, its 12-byte tail must be there and its checksum right,
 * and the entries end before the tail), or the root or an interior node
 * of a hash tree (checksum in the node's own tail).  A hole in a
 * directory is corruption.
 *
 * Scanning.  ext2fs_dirscan() is the one place that walks entries.
 * Every entry is checked before anyone sees it: rec_len at least 12, a
 * multiple of 4, inside the block and big enough for the name; the name
 * 1..255 bytes with no NUL or '/'; the inode number in range.  The first
 * bad entry ends the scan with EIO and a console message.  Unused
 * entries (inode 0) are skipped; "." and ".." must be the first two
 * entries of block 0 and nowhere else.  Hash tree nodes read as blocks
 * of unused space, so a linear scan of an indexed directory sees exactly
 * its entries.  Directories with inline data keep "." implicit, ".." as
 * the first four bytes of i_block and their entries in the rest of
 * i_block and the "system.data" attribute; the scanner presents them
 * like the others (cookies 0 for ".", 1 for "..", then byte offsets).
 * The callback runs with a directory buffer held: it must not read the
 * same block or load a vnode.
 *
 * Readdir cookies are byte offsets in the directory; a cookie inside an
 * entry (a stale seek) resumes at the next entry of its block.
 *
 * Lookup in an indexed directory hashes the name with the tree's
 * algorithm, descends the index to a leaf and searches it, going on to
 * the following leaves while their index hash continues the name's
 * hash.  A linear directory larger than E2_DIRHASH_MINSIZE gets, on its
 * first lookup, an open-addressing table of (name hash, entry offset)
 * built with one scan and kept with the inode (it also records each
 * block's free space for the writer); later lookups read only candidate
 * entries, each verified through the scanner.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_dir.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

#define E2_DIRHASH_MINSIZE	(4 * 4096)
#define E2_DIRHASH_MINSLOTS	256
#define INLINE_DOT		0	/* cookie of "." in an inline dir */
#define INLINE_DOTDOT		1	/* and of ".." */

struct dirhash_slot {
	uint32_t	ds_hash;
	uint32_t	ds_off;		/* entry offset + 1; 0: empty slot */
};

struct e2_dirhash {
	uint32_t	dh_nslots;	/* power of two */
	uint32_t	dh_count;	/* live entries */
	uint32_t	dh_ntomb;	/* slots of removed entries */
	struct dirhash_slot *dh_slots;
	uint32_t	*dh_free;	/* free bytes of each block */
	uint32_t	dh_nblocks;
	uint32_t	dh_freecap;
	uint32_t	dh_hint;	/* where room was found last */
};

/* State of one scan. */
struct dirscan {
	struct e2inode	*ds_ip;
	off_t		ds_start;	/* first offset handed out */
	int		ds_index;	/* entries seen in block 0 */
};

int
ext2fs_dir_bad(struct e2inode *dp, off_t off, const char *what)
{
	kprintf("ext2fs: %s: directory inode %llu, offset %lld: %s\n",
	    dp->i_ump->em_devname, (unsigned long long)dp->i_number,
	    (long long)off, what);
	return EIO;
}

/* Is dp a hash tree directory (and may the tree be used)? */
bool
ext2fs_isindexed(const struct e2inode *dp)
{
	return (dp->i_flags & EXT2_INDEX_FL) != 0 && !e2_isinline(dp) &&
	    E2HAS_COMPAT(dp->i_ump, EXT2F_COMPAT_DIR_INDEX);
}

static uint8_t
ft_to_dt(uint8_t ft)
{
	static const uint8_t map[EXT2_FT_MAX] = { DT_UNKNOWN, DT_REG, DT_DIR,
	    DT_CHR, DT_BLK, DT_FIFO, DT_SOCK, DT_LNK };

	return ft < EXT2_FT_MAX ? map[ft] : DT_UNKNOWN;
}

/* rec_len as stored (65536 does not fit in 16 bits). */
uint32_t
ext2fs_reclen_get(const struct e2mount *ump, uint16_t raw)
{
	uint32_t len = e2le16(raw);

	if (ump->em_bsize < 65536)
		return len;
	if (len == 65535 || len == 0)
		return ump->em_bsize;
	return (len & 65532) | ((len & 3) << 16);
}

/* Store rec_len len into the entry at p. */
void
ext2fs_reclen_set(const struct e2mount *ump, uint8_t *p, uint32_t len)
{
	struct ext2_dirent *d = (void *)p;

	if (len < 65536)
		d->d_reclen = e2le16((uint16_t)len);
	else if (len == ump->em_bsize)
		d->d_reclen = e2le16(65535);
	else
		d->d_reclen = e2le16((uint16_t)((len & 65532) |
		    ((len >> 16) & 3)));
}

/*
 * Decode and check the entry at p (room bytes left in its region) of
 * directory dp, at directory offset off.
 */
int
ext2fs_dirent_check(struct e2inode *dp, const uint8_t *p, uint32_t room,
    off_t off, struct e2_dent *de)
{
	const struct ext2_dirent *d = (const void *)p;
	struct e2mount *ump = dp->i_ump;
	bool ftype = E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FILETYPE);

	if (room < EXT2_DIRHDRSIZ)
		return ext2fs_dir_bad(dp, off, "truncated entry");
	de->de_off = off;
	de->de_ino = e2le32(d->d_ino);
	de->de_reclen = ext2fs_reclen_get(ump, d->d_reclen);
	de->de_namlen = d->d_namlen;
	de->de_type = ftype ? ft_to_dt(d->d_type) : DT_UNKNOWN;
	de->de_name = (const char *)p + EXT2_DIRHDRSIZ;
	if (de->de_reclen < EXT2_DIRSIZ(1) || (de->de_reclen & 3) != 0 ||
	    de->de_reclen > room)
		return ext2fs_dir_bad(dp, off, "bad record length");
	if (!ftype && d->d_type != 0 && de->de_ino != 0)
		return ext2fs_dir_bad(dp, off, "bad name length");
	if ((uint32_t)EXT2_DIRHDRSIZ + de->de_namlen > de->de_reclen)
		return ext2fs_dir_bad(dp, off, "bad name length");
	if (de->de_ino == 0)
		return 0;
	if (de->de_ino > ump->em_ninodes)
		return ext2fs_dir_bad(dp, off, "inode number out of range");
	if (de->de_namlen == 0 ||
	    memchr(de->de_name, '\0', de->de_namlen) != NULL ||
	    memchr(de->de_name, '/', de->de_namlen) != NULL)
		return ext2fs_dir_bad(dp, off, "bad name");
	return 0;
}

static bool
isdot(const struct e2_dent *de)
{
	return de->de_namlen == 1 && de->de_name[0] == '.';
}

static bool
isdotdot(const struct e2_dent *de)
{
	return de->de_namlen == 2 && de->de_name[0] == '.' &&
	    de->de_name[1] == '.';
}

/* Check the dx tail of an index block (countoff: its count/limit). */
static int
dx_csum_check(struct e2inode *dp, const uint8_t *blk, uint32_t countoff,
    uint64_t lbn)
{
	const struct ext2_dx_countlimit *cl = (const void *)(blk + countoff);
	uint32_t limit = e2le16(cl->cl_limit), count = e2le16(cl->cl_count);
	const struct ext2_dx_tail *t;

	if (count > limit || countoff + (uint64_t)limit * 8 + 8 >
	    dp->i_ump->em_bsize)
		return ext2fs_dir_bad(dp, (off_t)(lbn << dp->i_ump->em_bshift),
		    "bad hash tree node counts");
	t = (const void *)(blk + countoff + limit * 8);
	if (e2le32(t->dt_checksum) != ext2fs_dxnode_csum(dp->i_csumseed, blk,
	    countoff, count, t))
		return ext2fs_dir_bad(dp, (off_t)(lbn << dp->i_ump->em_bshift),
		    "bad hash tree node checksum");
	return 0;
}

/*
 * Read directory block lbn of dp.  *kindp says what it is (E2DB_*);
 * *lenp is the number of bytes holding entries (the block without its
 * checksum tail).  Checksums are verified.
 */
int
ext2fs_dir_readblk(struct e2inode *dp, uint64_t lbn, struct buf **bpp,
    uint32_t *lenp, int *kindp)
{
	struct e2mount *ump = dp->i_ump;
	const struct ext2_dirent *d;
	const struct ext2_dirtail *t;
	uint32_t bs = ump->em_bsize;
	uint64_t blk;
	uint8_t *p;
	int error, kind = E2DB_LEAF;

	if ((error = ext2fs_bmap_lbn(dp, lbn, &blk, NULL)) != 0)
		return error;
	if (blk == 0)
		return ext2fs_dir_bad(dp, (off_t)(lbn << ump->em_bshift),
		    "hole");
	if ((error = ext2fs_bread(ump, blk, bpp)) != 0)
		return error;
	p = (*bpp)->b_data;
	d = (const void *)p;
	if (ext2fs_isindexed(dp)) {
		if (lbn == 0)
			kind = E2DB_DXROOT;
		else if (d->d_ino == 0 && d->d_namlen == 0 &&
		    ext2fs_reclen_get(ump, d->d_reclen) == bs)
			kind = E2DB_DXNODE;
	}
	*kindp = kind;
	*lenp = bs;
	if (!E2HAS_CSUM(ump))
		return 0;
	if (kind == E2DB_LEAF)
		*lenp = bs - EXT2_DIRTAIL_SIZE;
	if ((*bpp)->b_flags & B_VERIFIED)
		return 0;	/* checked when it was read, or ours since */
	if (kind == E2DB_LEAF) {
		t = (const void *)(p + bs - EXT2_DIRTAIL_SIZE);
		if (t->det_zero1 != 0 || e2le16(t->det_reclen) !=
		    EXT2_DIRTAIL_SIZE || t->det_zero2 != 0 ||
		    t->det_ft != EXT2_FT_DIR_CSUM)
			error = ext2fs_dir_bad(dp, (off_t)(lbn <<
			    ump->em_bshift), "directory block without a "
			    "checksum tail");
		else if (e2le32(t->det_checksum) != ext2fs_dirblk_csum(
		    dp->i_csumseed, p, bs))
			error = ext2fs_dir_bad(dp, (off_t)(lbn <<
			    ump->em_bshift), "bad directory block checksum");
	} else if (kind == E2DB_DXROOT) {
		/* "." (12) and ".." (12), the 8-byte root info. */
		error = dx_csum_check(dp, p, 32, lbn);
	} else {
		error = dx_csum_check(dp, p, 8, lbn);
	}
	if (error != 0)
		brelse(*bpp, 0);
	else
		(*bpp)->b_flags |= B_VERIFIED;
	return error;
}

/*
 * Should a valid entry be handed to the callback?  "." or ".." anywhere
 * but first and second in the directory is corruption: EIO.
 */
static int
dirent_visible(struct dirscan *ds, struct e2_dent *de, bool first,
    bool *visp)
{
	de->de_index = 2;
	if (first && ds->ds_index < 2)
		de->de_index = ds->ds_index++;
	*visp = false;
	if (de->de_ino == 0)
		return 0;
	if ((isdot(de) && de->de_index != 0) ||
	    (isdotdot(de) && de->de_index != 1))
		return ext2fs_dir_bad(ds->ds_ip, de->de_off, "misplaced \".\" "
		    "or \"..\" entry");
	if (de->de_index < 2 && !(de->de_index == 0 ? isdot(de) :
	    isdotdot(de)))
		return ext2fs_dir_bad(ds->ds_ip, de->de_off, "no \".\" or "
		    "\"..\" entry at the start");
	*visp = de->de_off >= ds->ds_start;
	return 0;
}

/* Scan a region of len bytes of entries at p, at directory offset off. */
static int
scan_region(struct dirscan *ds, const uint8_t *p, uint32_t len, off_t off,
    bool first, e2_dirscan_fn fn, void *arg)
{
	struct e2_dent de;
	uint32_t pos;
	bool visible;
	int error;

	for (pos = 0; pos < len; pos += de.de_reclen) {
		if ((error = ext2fs_dirent_check(ds->ds_ip, p + pos, len - pos,
		    off + pos, &de)) != 0)
			return error;
		if ((error = dirent_visible(ds, &de, first, &visible)) != 0)
			return error;
		if (visible && (error = fn(arg, &de)) != 0)
			return error;
	}
	return 0;
}

/* The entries of an inline-data directory. */
static int
scan_inline(struct e2inode *dp, off_t start, e2_dirscan_fn fn, void *arg)
{
	struct dirscan ds = { dp, start, 2 };
	const uint8_t *p1, *p2;
	struct e2_dent de;
	size_t n1, n2;
	uint32_t parent;
	int error;

	if ((error = ext2fs_inline_get(dp, &p1, &n1, &p2, &n2)) != 0)
		return error;
	memset(&de, 0, sizeof(de));
	de.de_type = DT_DIR;
	de.de_reclen = 1;
	if (start <= INLINE_DOT) {
		de.de_off = INLINE_DOT;
		de.de_ino = (uint32_t)dp->i_number;
		de.de_index = 0;
		de.de_namlen = 1;
		de.de_name = ".";
		if ((error = fn(arg, &de)) != 0)
			return error == E2_SCAN_STOP ? 0 : error;
	}
	memcpy(&parent, p1, 4);
	parent = e2le32(parent);
	if (parent == 0 || parent > dp->i_ump->em_ninodes)
		return ext2fs_dir_bad(dp, 0, "bad parent in inline directory");
	if (start <= INLINE_DOTDOT) {
		de.de_off = INLINE_DOTDOT;
		de.de_ino = parent;
		de.de_index = 1;
		de.de_namlen = 2;
		de.de_name = "..";
		de.de_reclen = 3;
		if ((error = fn(arg, &de)) != 0)
			return error == E2_SCAN_STOP ? 0 : error;
	}
	error = scan_region(&ds, p1 + 4, (uint32_t)n1 - 4, 4, false, fn, arg);
	if (error == 0 && n2 > 0)
		error = scan_region(&ds, p2, (uint32_t)n2, EXT2_IBLOCK_SIZE,
		    false, fn, arg);
	return error == E2_SCAN_STOP ? 0 : error;
}

/*
 * Call fn(arg, entry) for every entry of directory dp at or after offset
 * start, in order, until fn returns non-zero.  Returns 0 at the end of
 * the directory or when fn returned E2_SCAN_STOP, otherwise the error.
 */
int
ext2fs_dirscan(struct e2inode *dp, off_t start, e2_dirscan_fn fn, void *arg)
{
	struct e2mount *ump = dp->i_ump;
	struct dirscan ds = { dp, start, 0 };
	uint64_t lbn, nblocks;
	struct buf *bp;
	uint32_t len;
	int error = 0, kind;

	if (e2_isinline(dp))
		return scan_inline(dp, start, fn, arg);
	if ((dp->i_size & (ump->em_bsize - 1)) != 0)
		return ext2fs_dir_bad(dp, (off_t)dp->i_size, "directory size "
		    "not a multiple of the block size");
	nblocks = dp->i_size >> ump->em_bshift;
	if (start < 0)
		start = 0;
	for (lbn = (uint64_t)start >> ump->em_bshift; error == 0 &&
	    lbn < nblocks; lbn++) {
		if ((error = ext2fs_dir_readblk(dp, lbn, &bp, &len,
		    &kind)) != 0)
			break;
		if (kind == E2DB_DXNODE)
			len = ump->em_bsize;
		error = scan_region(&ds, bp->b_data, len,
		    (off_t)(lbn << ump->em_bshift), lbn == 0, fn, arg);
		brelse(bp, 0);
	}
	return error == E2_SCAN_STOP ? 0 : error;
}

/* Lookup by scanning. */

struct lookup_arg {
	const char	*la_name;
	size_t		la_len;
	off_t		la_off;		/* -1: any offset; else only this one */
	off_t		la_end;		/* stop before this offset (-1: none) */
	uint32_t	la_ino;		/* result, 0 if not found */
	off_t		la_found;	/* offset of the entry found */
};

static int
lookup_cb(void *arg, const struct e2_dent *de)
{
	struct lookup_arg *la = arg;

	if (la->la_off >= 0 && de->de_off != la->la_off)
		return E2_SCAN_STOP;	/* no entry starts at la_off */
	if (la->la_end >= 0 && de->de_off >= la->la_end)
		return E2_SCAN_STOP;
	if (de->de_namlen == la->la_len && de->de_index >= 2 &&
	    memcmp(de->de_name, la->la_name, la->la_len) == 0) {
		la->la_ino = de->de_ino;
		la->la_found = de->de_off;
		return E2_SCAN_STOP;
	}
	return la->la_off >= 0 ? E2_SCAN_STOP : 0;
}

/* The ".." entry: the second entry of the directory. */
static int
dotdot_cb(void *arg, const struct e2_dent *de)
{
	uint32_t *inop = arg;

	if (de->de_index == 1 && isdotdot(de))
		*inop = de->de_ino;
	return de->de_index >= 1 ? E2_SCAN_STOP : 0;
}

/*
 * The hash tree.
 */

/* Hash version of the tree whose root info is ri; -1 if unknown. */
static int
dx_version(const struct e2inode *dp, const struct ext2_dx_rootinfo *ri)
{
	int v = ri->ri_hash_version;

	if (v > EXT2_HASH_TEA)
		return -1;
	if (dp->i_ump->em_hashunsigned)
		v += EXT2_HASH_LEGACY_UNSIGNED;
	return v;
}

/* Entries of an index block that fit (the tail takes one with csum). */
static uint32_t
dx_limit(const struct e2inode *dp, uint32_t countoff)
{
	return (dp->i_ump->em_bsize - countoff) / 8 -
	    (E2HAS_CSUM(dp->i_ump) ? 1 : 0);
}

/*
 * Read index node lbn (level 0 is the root) and check its count and
 * limit; *countoffp is where they are.
 */
static int
dx_readnode(struct e2inode *dp, uint64_t lbn, int level, struct buf **bpp,
    uint32_t *countoffp)
{
	const struct ext2_dx_countlimit *cl;
	uint32_t len, countoff = level == 0 ? 32 : 8, count, limit;
	int error, kind;

	if (lbn >= dp->i_size >> dp->i_ump->em_bshift)
		return ext2fs_dir_bad(dp, 0, "hash tree points past the end");
	if ((error = ext2fs_dir_readblk(dp, lbn, bpp, &len, &kind)) != 0)
		return error;
	cl = (const void *)((uint8_t *)(*bpp)->b_data + countoff);
	count = e2le16(cl->cl_count);
	limit = e2le16(cl->cl_limit);
	if (kind != (level == 0 ? E2DB_DXROOT : E2DB_DXNODE) ||
	    limit != dx_limit(dp, countoff) || count == 0 || count > limit) {
		brelse(*bpp, 0);
		return ext2fs_dir_bad(dp, (off_t)(lbn << dp->i_ump->em_bshift),
		    "bad hash tree node");
	}
	*countoffp = countoff;
	return 0;
}

static const struct ext2_dx_entry *
dx_entries(struct buf *bp, uint32_t countoff)
{
	return (const struct ext2_dx_entry *)(const void *)
	    ((const uint8_t *)bp->b_data + countoff);
}

/*
 * Find the leaf of dp's hash tree where name belongs: fills dxp (the
 * index path, the hash) for a later walk to the following leaves.  EIO if
 * the tree is malformed; ENOTSUP for an unknown hash version.
 */
int
ext2fs_dx_findleaf(struct e2inode *dp, const char *name, size_t len,
    struct e2_dxpath *dxp)
{
	const struct ext2_dx_rootinfo *ri;
	const struct ext2_dx_entry *ents;
	uint32_t countoff, count, lo, hi, mid, maxlev;
	uint64_t lbn = 0;
	struct buf *bp;
	int level, error;

	maxlev = E2HAS_INCOMPAT(dp->i_ump, EXT2F_INCOMPAT_LARGEDIR) ?
	    EXT2_DX_MAXLEVELS_LARGE : EXT2_DX_MAXLEVELS;
	for (level = 0;; level++) {
		if ((error = dx_readnode(dp, lbn, level, &bp,
		    &countoff)) != 0)
			return error;
		if (level == 0) {
			ri = (const void *)((uint8_t *)bp->b_data + 24);
			dxp->dp_levels = ri->ri_levels + 1;
			dxp->dp_version = dx_version(dp, ri);
			if (ri->ri_reserved != 0 || ri->ri_info_length != 8 ||
			    ri->ri_levels >= maxlev || dxp->dp_version < 0) {
				brelse(bp, 0);
				return ext2fs_dir_bad(dp, 0, "bad hash tree "
				    "root");
			}
			if ((error = ext2fs_dirhash(dp->i_ump,
			    dxp->dp_version, name, len, &dxp->dp_hash,
			    NULL)) != 0) {
				brelse(bp, 0);
				return error;
			}
		}
		ents = dx_entries(bp, countoff);
		count = e2le16(((const struct ext2_dx_countlimit *)
		    (const void *)ents)->cl_count);
		/* The last entry whose hash is <= the name's (entry 0: all). */
		lo = 1;
		hi = count;
		while (lo < hi) {
			mid = (lo + hi) / 2;
			if (e2le32(ents[mid].de_hash) <= dxp->dp_hash)
				lo = mid + 1;
			else
				hi = mid;
		}
		dxp->dp_frames[level].df_lbn = lbn;
		dxp->dp_frames[level].df_at = lo - 1;
		dxp->dp_frames[level].df_count = count;
		dxp->dp_frames[level].df_countoff = countoff;
		lbn = e2le32(ents[lo - 1].de_block) & 0x0fffffff;
		brelse(bp, 0);
		if (level + 1 == dxp->dp_levels)
			break;
	}
	dxp->dp_leaf = lbn;
	return 0;
}

/*
 * Move dxp to the next leaf if its index hash continues dxp's hash (a
 * run of equal hashes spilling over).  *morep says whether it did.
 */
static int
dx_nextleaf(struct e2inode *dp, struct e2_dxpath *dxp, bool *morep)
{
	const struct ext2_dx_entry *ents;
	struct e2_dxframe *f;
	struct buf *bp;
	uint32_t countoff, hash;
	int level, error;

	*morep = false;
	for (level = dxp->dp_levels - 1; level >= 0; level--)
		if (dxp->dp_frames[level].df_at + 1 <
		    dxp->dp_frames[level].df_count)
			break;
	if (level < 0)
		return 0;
	for (; level < dxp->dp_levels; level++) {
		f = &dxp->dp_frames[level];
		if ((error = dx_readnode(dp, f->df_lbn, level, &bp,
		    &countoff)) != 0)
			return error;
		ents = dx_entries(bp, countoff);
		f->df_count = e2le16(((const struct ext2_dx_countlimit *)
		    (const void *)ents)->cl_count);
		if (f->df_at + 1 >= f->df_count) {
			brelse(bp, 0);
			return ext2fs_dir_bad(dp, 0, "hash tree changed");
		}
		f->df_at++;
		hash = e2le32(ents[f->df_at].de_hash);
		if (f->df_at > 0) {
			/* Only a continuation is worth following. */
			if ((hash & ~1u) != dxp->dp_hash || !(hash & 1)) {
				brelse(bp, 0);
				return 0;
			}
		}
		if (level + 1 < dxp->dp_levels) {
			dxp->dp_frames[level + 1].df_lbn =
			    e2le32(ents[f->df_at].de_block) & 0x0fffffff;
			dxp->dp_frames[level + 1].df_at = (uint32_t)-1;
			dxp->dp_frames[level + 1].df_count = UINT32_MAX;
		} else {
			dxp->dp_leaf = e2le32(ents[f->df_at].de_block) &
			    0x0fffffff;
		}
		brelse(bp, 0);
	}
	*morep = true;
	return 0;
}

/* Look name up through dp's hash tree. */
static int
dx_lookup(struct e2inode *dp, const char *name, size_t len, uint32_t *inop,
    off_t *offp)
{
	struct lookup_arg la;
	struct e2_dxpath dxp;
	off_t bsize = (off_t)dp->i_ump->em_bsize;
	bool more;
	int error;

	*inop = 0;
	if ((error = ext2fs_dx_findleaf(dp, name, len, &dxp)) != 0)
		return error;
	for (;;) {
		if (dxp.dp_leaf >= dp->i_size >> dp->i_ump->em_bshift)
			return ext2fs_dir_bad(dp, 0, "hash tree points past "
			    "the end");
		la.la_name = name;
		la.la_len = len;
		la.la_off = -1;
		la.la_end = (off_t)(dxp.dp_leaf + 1) * bsize;
		la.la_ino = 0;
		la.la_found = -1;
		error = ext2fs_dirscan(dp, (off_t)dxp.dp_leaf * bsize,
		    lookup_cb, &la);
		if (error != 0 || la.la_ino != 0) {
			*inop = la.la_ino;
			*offp = la.la_found;
			return error;
		}
		if ((error = dx_nextleaf(dp, &dxp, &more)) != 0 || !more)
			return error;
	}
}

/*
 * The in-memory hash of linear directories.
 */

#define DH_TOMB		UINT32_MAX	/* ds_off of a removed entry */

/* Hash of a name for the in-memory table (32-bit FNV-1a). */
static uint32_t
namehash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 16777619u;
	}
	return h;
}

void
ext2fs_dirhash_free(struct e2inode *dp)
{
	struct e2_dirhash *dh = dp->i_dirhash;

	if (dh == NULL)
		return;
	kmem_free(dh->dh_slots, dh->dh_nslots * sizeof(*dh->dh_slots));
	if (dh->dh_free != NULL)
		kmem_free(dh->dh_free, dh->dh_freecap * sizeof(*dh->dh_free));
	kmem_free(dh, sizeof(*dh));
	dp->i_dirhash = NULL;
}

static void
dirhash_put(struct dirhash_slot *slots, uint32_t nslots, uint32_t hash,
    uint32_t off1)
{
	uint32_t i = hash & (nslots - 1);

	while (slots[i].ds_off != 0)
		i = (i + 1) & (nslots - 1);
	slots[i].ds_hash = hash;
	slots[i].ds_off = off1;
}

/* Rehash into a table at most a quarter full of live entries. */
static int
dirhash_grow(struct e2_dirhash *dh)
{
	struct dirhash_slot *ns, *os = dh->dh_slots;
	uint32_t n = dh->dh_nslots, i;

	while (4 * (dh->dh_count + 1) > n)
		n *= 2;
	if ((ns = kmem_zalloc(n * sizeof(*ns))) == NULL)
		return ENOMEM;
	for (i = 0; i < dh->dh_nslots; i++)
		if (os[i].ds_off != 0 && os[i].ds_off != DH_TOMB)
			dirhash_put(ns, n, os[i].ds_hash, os[i].ds_off);
	kmem_free(os, dh->dh_nslots * sizeof(*os));
	dh->dh_slots = ns;
	dh->dh_nslots = n;
	dh->dh_ntomb = 0;
	return 0;
}

static int
dirhash_insert(struct e2_dirhash *dh, const char *name, size_t len, off_t off)
{
	int error;

	if (off >= (off_t)UINT32_MAX - 1)
		return EFBIG;
	if (2 * (dh->dh_count + dh->dh_ntomb + 1) > dh->dh_nslots &&
	    (error = dirhash_grow(dh)) != 0)
		return error;
	dirhash_put(dh->dh_slots, dh->dh_nslots, namehash(name, len),
	    (uint32_t)off + 1);
	dh->dh_count++;
	return 0;
}

static int
dirhash_add_cb(void *arg, const struct e2_dent *de)
{
	if (de->de_index < 2)
		return 0;	/* "." and ".." are looked up directly */
	return dirhash_insert(arg, de->de_name, de->de_namlen, de->de_off);
}

/* Make room for the free-space counts of n blocks. */
static int
dirhash_blocks(struct e2_dirhash *dh, uint32_t n)
{
	uint32_t *nf, cap;

	if (n <= dh->dh_freecap) {
		dh->dh_nblocks = MAX(dh->dh_nblocks, n);
		return 0;
	}
	cap = MAX(n, 2 * dh->dh_freecap);
	if ((nf = kmem_zalloc(cap * sizeof(*nf))) == NULL)
		return ENOMEM;
	if (dh->dh_free != NULL) {
		memcpy(nf, dh->dh_free, dh->dh_nblocks * sizeof(*nf));
		kmem_free(dh->dh_free, dh->dh_freecap * sizeof(*nf));
	}
	dh->dh_free = nf;
	dh->dh_freecap = cap;
	dh->dh_nblocks = n;
	return 0;
}

/* Free bytes of every block of dp, into the hash. */
static int
dirhash_countfree(struct e2inode *dp, struct e2_dirhash *dh)
{
	uint64_t lbn, n = dp->i_size >> dp->i_ump->em_bshift;
	struct buf *bp;
	uint32_t len;
	int error, kind;

	if ((error = dirhash_blocks(dh, (uint32_t)n)) != 0)
		return error;
	for (lbn = 0; lbn < n; lbn++) {
		if ((error = ext2fs_dir_readblk(dp, lbn, &bp, &len,
		    &kind)) != 0)
			return error;
		dh->dh_free[lbn] = ext2fs_dirblk_free(dp, bp->b_data, len);
		brelse(bp, 0);
	}
	return 0;
}

/* Build the hash of dp; on failure dp is marked to do without. */
static void
dirhash_build(struct e2inode *dp)
{
	struct e2_dirhash *dh;
	int error = ENOMEM;

	if ((dh = kmem_zalloc(sizeof(*dh))) != NULL) {
		dh->dh_nslots = E2_DIRHASH_MINSLOTS;
		dh->dh_slots = kmem_zalloc(dh->dh_nslots *
		    sizeof(*dh->dh_slots));
		if (dh->dh_slots == NULL)
			kmem_free(dh, sizeof(*dh));
		else
			error = 0;
	}
	if (error == 0) {
		dp->i_dirhash = dh;
		error = ext2fs_dirscan(dp, 0, dirhash_add_cb, dh);
	}
	if (error == 0)
		error = dirhash_countfree(dp, dh);
	if (error != 0) {
		ext2fs_dirhash_free(dp);
		dp->i_flag |= IN_NODIRHASH;
	}
}

static struct dirhash_slot *
dirhash_slot(struct e2_dirhash *dh, const char *name, size_t len, off_t off)
{
	uint32_t hash = namehash(name, len), i;

	for (i = hash & (dh->dh_nslots - 1); dh->dh_slots[i].ds_off != 0;
	    i = (i + 1) & (dh->dh_nslots - 1))
		if (dh->dh_slots[i].ds_hash == hash &&
		    dh->dh_slots[i].ds_off == (uint32_t)off + 1)
			return &dh->dh_slots[i];
	return NULL;
}

static int
dirhash_lookup(struct e2inode *dp, const char *name, size_t len,
    uint32_t *inop, off_t *offp)
{
	struct e2_dirhash *dh = dp->i_dirhash;
	uint32_t hash = namehash(name, len), i;
	struct lookup_arg la;
	int error;

	*inop = 0;
	for (i = hash & (dh->dh_nslots - 1); dh->dh_slots[i].ds_off != 0;
	    i = (i + 1) & (dh->dh_nslots - 1)) {
		if (dh->dh_slots[i].ds_hash != hash ||
		    dh->dh_slots[i].ds_off == DH_TOMB)
			continue;
		la.la_name = name;
		la.la_len = len;
		la.la_off = (off_t)dh->dh_slots[i].ds_off - 1;
		la.la_end = -1;
		la.la_ino = 0;
		if ((error = ext2fs_dirscan(dp, la.la_off, lookup_cb,
		    &la)) != 0)
			return error;
		if (la.la_ino != 0) {
			*inop = la.la_ino;
			*offp = la.la_off;
			break;
		}
	}
	return 0;
}

/*
 * Find name in directory dp: *inop is its inode, or 0 if absent; *offp
 * the offset of its entry.
 */
int
ext2fs_dir_find(struct e2inode *dp, const char *name, size_t len,
    uint32_t *inop, off_t *offp)
{
	struct lookup_arg la;
	int error;

	if (ext2fs_isindexed(dp))
		return dx_lookup(dp, name, len, inop, offp);
	if (dp->i_dirhash == NULL && (dp->i_flag & IN_NODIRHASH) == 0 &&
	    !e2_isinline(dp) && dp->i_size >= E2_DIRHASH_MINSIZE)
		dirhash_build(dp);
	if (dp->i_dirhash != NULL)
		return dirhash_lookup(dp, name, len, inop, offp);
	la.la_name = name;
	la.la_len = len;
	la.la_off = -1;
	la.la_end = -1;
	la.la_ino = 0;
	la.la_found = -1;
	error = ext2fs_dirscan(dp, 0, lookup_cb, &la);
	*inop = la.la_ino;
	*offp = la.la_found;
	return error;
}

/* Keep the hash of a changing directory in step (dropped on failure). */
void
ext2fs_dirhash_add(struct e2inode *dp, const char *name, size_t len,
    off_t off)
{
	if (dp->i_dirhash != NULL &&
	    dirhash_insert(dp->i_dirhash, name, len, off) != 0)
		ext2fs_dirhash_free(dp);
}

void
ext2fs_dirhash_remove(struct e2inode *dp, const char *name, size_t len,
    off_t off)
{
	struct e2_dirhash *dh = dp->i_dirhash;
	struct dirhash_slot *slot;

	if (dh == NULL)
		return;
	if ((slot = dirhash_slot(dh, name, len, off)) == NULL) {
		ext2fs_dirhash_free(dp);
		return;
	}
	slot->ds_off = DH_TOMB;
	dh->dh_count--;
	dh->dh_ntomb++;
}

void
ext2fs_dirhash_move(struct e2inode *dp, const char *name, size_t len,
    off_t from, off_t to)
{
	struct dirhash_slot *slot;

	if (dp->i_dirhash == NULL)
		return;
	if ((slot = dirhash_slot(dp->i_dirhash, name, len, from)) == NULL)
		ext2fs_dirhash_free(dp);
	else
		slot->ds_off = (uint32_t)to + 1;
}

/* Record that block i of dp now has free bytes of room. */
void
ext2fs_dirhash_setfree(struct e2inode *dp, uint32_t i, uint32_t free)
{
	struct e2_dirhash *dh = dp->i_dirhash;

	if (dh == NULL)
		return;
	if (i >= dh->dh_nblocks && dirhash_blocks(dh, i + 1) != 0) {
		ext2fs_dirhash_free(dp);
		return;
	}
	dh->dh_free[i] = free;
}

/*
 * A block of dp with at least need bytes free (searching from the one
 * that last had room): its index, -1 if there is none, -2 if dp has no
 * hash to tell.
 */
int64_t
ext2fs_dirhash_findfree(struct e2inode *dp, uint32_t need)
{
	struct e2_dirhash *dh = dp->i_dirhash;
	uint32_t i, n;

	if (dh == NULL)
		return -2;
	for (n = 0; n < dh->dh_nblocks; n++) {
		i = (dh->dh_hint + n) % dh->dh_nblocks;
		if (dh->dh_free[i] >= need) {
			dh->dh_hint = i;
			return i;
		}
	}
	return -1;
}

/*
 * VOP_LOOKUP.  The entry is found with no vnode loaded; the buffer is
 * released before the inode is loaded, as the buffer cache requires.
 */
int
ext2fs_lookup(struct vnode *dvp, const char *name, size_t len,
    struct vnode **vpp)
{
	struct e2inode *dp = VTOE2(dvp);
	uint32_t ino = 0;
	off_t off;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if ((error = ext2fs_dirscan(dp, 0, dotdot_cb, &ino)) != 0)
			return error;
		if (ino == 0)
			return ext2fs_dir_bad(dp, 0, "no \"..\" entry");
	} else if (len > EXT2_MAXNAMLEN) {
		return ENAMETOOLONG;
	} else {
		if ((error = ext2fs_dir_find(dp, name, len, &ino, &off)) != 0)
			return error;
		if (ino == 0)
			return ENOENT;
	}
	error = vcache_get(dvp->v_mount, ino, vpp);
	if (error == ENOENT) {
		kprintf("ext2fs: %s: directory inode %llu: entry \"%.*s\" "
		    "refers to free inode %u\n", dp->i_ump->em_devname,
		    (unsigned long long)dp->i_number, (int)len, name, ino);
		error = EIO;
	}
	return error;
}

/* Readdir. */

struct readdir_arg {
	struct uio	*ra_uio;
	bool		ra_full;
};

static int
readdir_cb(void *arg, const struct e2_dent *de)
{
	struct readdir_arg *ra = arg;
	int error;

	error = vfs_dirent_put(ra->ra_uio, de->de_ino, de->de_name,
	    de->de_namlen, de->de_type, &ra->ra_full);
	if (error != 0)
		return error;
	if (ra->ra_full)
		return E2_SCAN_STOP;
	ra->ra_uio->uio_offset = de->de_off + de->de_reclen;
	return 0;
}

/* VOP_READDIR: cookies are byte offsets of entries. */
int
ext2fs_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	struct e2inode *dp = VTOE2(vp);
	struct readdir_arg ra = { uio, false };
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	*eofp = false;
	error = ext2fs_dirscan(dp, uio->uio_offset, readdir_cb, &ra);
	if (error == 0 && !ra.ra_full) {
		if (uio->uio_offset < (off_t)dp->i_size)
			uio->uio_offset = (off_t)dp->i_size;
		*eofp = true;
	}
	return error;
}
