/*
 * ext2fs_dirops.c: changing directories: entering a name, removing one,
 * pointing one at another inode, the first block of a new directory, the
 * emptiness test, and dropping a hash tree index.
 *
 * Space.  Every entry of a block may carry slack after its name; an
 * unused entry (inode 0) is all slack.  A block's free space is the sum
 * of that; a new entry of EXT2_DIRSIZ(namlen) bytes fits in a block whose
 * free space is at least that.  It goes into the slack of one entry when
 * one is big enough, otherwise the block is compacted first (its entries
 * slid to the start, all the free space after the last one).  With
 * metadata_csum the last 12 bytes of a block are its checksum tail, never
 * entries, and every change rewrites the checksum.  A directory with no
 * block that fits grows by one block holding one unused entry.
 *
 * Removing an entry gives its bytes to the entry before it in the block,
 * or, for the first entry of a block, leaves an unused entry.
 *
 * Hash tree directories.  A new name goes into the leaf the index names
 * for its hash; a full leaf is split in two by hash (dx_split), with a new
 * index entry in the index block above it.  Removing a name from a leaf
 * keeps the tree valid too.  When the index block above a full leaf is
 * full itself, the index is dropped instead (the choice e2fsck accepts:
 * the tree's blocks are rewritten as ordinary blocks, "." and ".." in
 * block 0 and an empty entry in each index block, and EXT2_INDEX_FL is
 * cleared), and the directory is linear from then on; e2fsck -D can
 * index it again.
 *
 * Directories with inline data are not changed by this driver (EROFS
 * with a message); the rest of such a file system is writable.
 *
 * Blocks are read and written through the buffer cache (delayed writes),
 * and the in-memory name hash is kept in step.  Callers keep link counts
 * and the inodes themselves.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_dir.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

/* A raw entry header, host byte order. */
struct rawent {
	uint32_t	re_ino;
	uint32_t	re_reclen;
	uint32_t	re_namlen;
};

static void
rawent_get(const struct e2mount *ump, const uint8_t *p, struct rawent *re)
{
	const struct ext2_dirent *d = (const void *)p;

	re->re_ino = e2le32(d->d_ino);
	re->re_reclen = ext2fs_reclen_get(ump, d->d_reclen);
	re->re_namlen = d->d_namlen;
}

/* File type byte of a DT_* type. */
uint8_t
ext2fs_dt_to_ft(uint8_t dt)
{
	switch (dt) {
	case DT_REG:	return EXT2_FT_REG_FILE;
	case DT_DIR:	return EXT2_FT_DIR;
	case DT_CHR:	return EXT2_FT_CHRDEV;
	case DT_BLK:	return EXT2_FT_BLKDEV;
	case DT_FIFO:	return EXT2_FT_FIFO;
	case DT_SOCK:	return EXT2_FT_SOCK;
	case DT_LNK:	return EXT2_FT_SYMLINK;
	default:	return EXT2_FT_UNKNOWN;
	}
}

/* Write a whole entry (header, name, padding) at p. */
static void
entry_write(struct e2inode *dp, uint8_t *p, uint32_t ino, uint32_t reclen,
    uint8_t dt, const char *name, size_t len)
{
	struct e2mount *ump = dp->i_ump;
	struct ext2_dirent *d = (void *)p;
	size_t need = EXT2_DIRSIZ(len);

	d->d_ino = e2le32(ino);
	ext2fs_reclen_set(ump, p, reclen);
	d->d_namlen = (uint8_t)len;
	d->d_type = E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FILETYPE) ?
	    ext2fs_dt_to_ft(dt) : 0;
	memcpy(p + EXT2_DIRHDRSIZ, name, len);
	memset(p + EXT2_DIRHDRSIZ + len, 0, need - EXT2_DIRHDRSIZ - len);
}

/* Bytes an entry uses: its name's record, or nothing if unused. */
static uint32_t
entry_used(const struct rawent *re)
{
	return re->re_ino == 0 ? 0 : EXT2_DIRSIZ(re->re_namlen);
}

/* Entry bytes of a block: all of it, or all but the checksum tail. */
static uint32_t
block_space(const struct e2mount *ump)
{
	return ump->em_bsize - (E2HAS_CSUM(ump) ? EXT2_DIRTAIL_SIZE : 0);
}

/* Free bytes of a block of entries (len bytes) that the scanner checked. */
uint32_t
ext2fs_dirblk_free(struct e2inode *dp, const uint8_t *p, uint32_t len)
{
	struct rawent re;
	uint32_t pos, free = 0;

	for (pos = 0; pos < len; pos += re.re_reclen) {
		rawent_get(dp->i_ump, p + pos, &re);
		if (re.re_reclen < EXT2_DIRSIZ(1) || re.re_reclen > len - pos)
			return 0;	/* not in a checked block */
		free += re.re_reclen - entry_used(&re);
	}
	return free;
}

/* Write the checksum tail of a directory block (metadata_csum). */
void
ext2fs_dirtail_set(struct e2inode *dp, uint8_t *blk)
{
	struct e2mount *ump = dp->i_ump;
	struct ext2_dirtail *t;

	if (!E2HAS_CSUM(ump))
		return;
	t = (void *)(blk + ump->em_bsize - EXT2_DIRTAIL_SIZE);
	memset(t, 0, sizeof(*t));
	t->det_reclen = e2le16(EXT2_DIRTAIL_SIZE);
	t->det_ft = EXT2_FT_DIR_CSUM;
	t->det_checksum = e2le32(ext2fs_dirblk_csum(dp->i_csumseed, blk,
	    ump->em_bsize));
}

/* Write back a changed directory block. */
static void
block_write(struct e2inode *dp, struct buf *bp)
{
	ext2fs_dirtail_set(dp, bp->b_data);
	bdwrite(bp);
}

/* A block of entries of len bytes holding nothing: one unused entry. */
static void
block_clear(struct e2inode *dp, uint8_t *p, uint32_t len)
{
	memset(p, 0, dp->i_ump->em_bsize);
	ext2fs_reclen_set(dp->i_ump, p, len);
}

/*
 * Slide the entries of a block (len bytes of entries, at directory
 * offset base) to its start, so that all free space follows the last
 * one.  Moved entries are re-keyed in the name hash.
 */
static void
block_compact(struct e2inode *dp, uint8_t *blk, uint32_t len, off_t base)
{
	struct e2mount *ump = dp->i_ump;
	uint32_t pos, to = 0, last = 0, used;
	struct rawent re;

	/*
	 * Entries only move down (to <= pos), and an entry's header is read
	 * before anything can be moved over it.
	 */
	for (pos = 0; pos < len; pos += re.re_reclen) {
		rawent_get(ump, blk + pos, &re);
		if ((used = entry_used(&re)) == 0)
			continue;
		if (to != pos) {
			memmove(blk + to, blk + pos, used);
			ext2fs_dirhash_move(dp, (const char *)blk + to +
			    EXT2_DIRHDRSIZ, re.re_namlen, base + pos,
			    base + to);
		}
		ext2fs_reclen_set(ump, blk + to, used);
		last = to;
		to += used;
	}
	if (to == 0) {
		block_clear(dp, blk, len);
		return;
	}
	ext2fs_reclen_set(ump, blk + last, len - last);
	memset(blk + to, 0, len - to);
}

/*
 * Put the entry into a block known to have room (len bytes of entries,
 * at directory offset base); returns its offset in the block.
 */
static uint32_t
block_insert(struct e2inode *dp, uint8_t *blk, uint32_t len, off_t base,
    uint32_t ino, uint8_t dt, const char *name, size_t nlen)
{
	struct e2mount *ump = dp->i_ump;
	uint32_t need = EXT2_DIRSIZ(nlen), pos, used;
	struct rawent re;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (pos = 0; pos < len; pos += re.re_reclen) {
			rawent_get(ump, blk + pos, &re);
			used = entry_used(&re);
			if (re.re_reclen - used < need)
				continue;
			if (used == 0) {
				entry_write(dp, blk + pos, ino, re.re_reclen,
				    dt, name, nlen);
				return pos;
			}
			ext2fs_reclen_set(ump, blk + pos, used);
			entry_write(dp, blk + pos + used, ino,
			    re.re_reclen - used, dt, name, nlen);
			return pos + used;
		}
		block_compact(dp, blk, len, base);
	}
	panic("ext2fs: block_insert: no room after compaction");
}

/*
 * Write back a changed hash tree node (root: countoff 32, interior node:
 * 8), with the checksum of its dx tail.
 */
static void
dxnode_write(struct e2inode *dp, struct buf *bp, uint32_t countoff)
{
	uint8_t *p = bp->b_data;
	struct ext2_dx_countlimit *cl = (void *)(p + countoff);
	struct ext2_dx_tail *t;

	if (E2HAS_CSUM(dp->i_ump)) {
		t = (void *)(p + countoff + e2le16(cl->cl_limit) * 8);
		t->dt_checksum = e2le32(ext2fs_dxnode_csum(dp->i_csumseed, p,
		    countoff, e2le16(cl->cl_count), t));
	}
	bdwrite(bp);
}

/*
 * Read directory block lbn for a change: an ordinary block whose every
 * entry is checked (the changes below trust rec_len and name lengths).
 */
static int
block_read(struct e2inode *dp, uint64_t lbn, struct buf **bpp,
    uint32_t *lenp)
{
	off_t base = (off_t)(lbn << dp->i_ump->em_bshift);
	struct e2_dent de;
	uint32_t pos;
	int error, kind;

	if ((error = ext2fs_dir_readblk(dp, lbn, bpp, lenp, &kind)) != 0)
		return error;
	if (kind != E2DB_LEAF) {
		brelse(*bpp, 0);
		return ext2fs_dir_bad(dp, base, "hash tree node where entries "
		    "should be");
	}
	for (pos = 0; pos < *lenp; pos += de.de_reclen) {
		if ((error = ext2fs_dirent_check(dp, (uint8_t *)(*bpp)->b_data +
		    pos, *lenp - pos, base + pos, &de)) != 0) {
			brelse(*bpp, 0);
			return error;
		}
	}
	return 0;
}

/* Find a block of dp with need bytes free by scanning; -1 if none. */
static int
find_room_scan(struct e2inode *dp, uint32_t need, int64_t *lbnp)
{
	uint64_t lbn, n = dp->i_size >> dp->i_ump->em_bshift;
	struct buf *bp;
	uint32_t len, free;
	int error, kind;

	for (lbn = 0; lbn < n; lbn++) {
		if ((error = ext2fs_dir_readblk(dp, lbn, &bp, &len,
		    &kind)) != 0)
			return error;
		brelse(bp, 0);
		if (kind != E2DB_LEAF)
			continue;
		if ((error = block_read(dp, lbn, &bp, &len)) != 0)
			return error;
		free = ext2fs_dirblk_free(dp, bp->b_data, len);
		brelse(bp, 0);
		if (free >= need) {
			*lbnp = (int64_t)lbn;
			return 0;
		}
	}
	*lbnp = -1;
	return 0;
}

/* Add an empty block at the end of directory dp; its number in *lbnp. */
static int
dir_grow(struct e2inode *dp, int64_t *lbnp)
{
	struct e2mount *ump = dp->i_ump;
	uint64_t lbn = dp->i_size >> ump->em_bshift, blk;
	struct buf *bp;
	int error;

	if (dp->i_size + ump->em_bsize > 0xffffffffULL &&
	    !E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_LARGEDIR))
		return EFBIG;
	if ((error = ext2fs_balloc(dp, (off_t)dp->i_size, ump->em_bsize,
	    E2BA_METADATA)) != 0)
		return error;
	ext2fs_setsize(dp, dp->i_size + ump->em_bsize);
	E2TOV(dp)->v_size = (off_t)dp->i_size;
	if ((error = ext2fs_bmap_lbn(dp, lbn, &blk, NULL)) != 0)
		return error;
	if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
		return error;
	block_clear(dp, bp->b_data, block_space(ump));
	block_write(dp, bp);
	ext2fs_dirhash_setfree(dp, (uint32_t)lbn, block_space(ump));
	*lbnp = (int64_t)lbn;
	return 0;
}

static int
inline_refused(struct e2inode *dp)
{
	kprintf("ext2fs: %s: directory inode %llu keeps its entries inline; "
	    "changing such directories is not supported\n",
	    dp->i_ump->em_devname, (unsigned long long)dp->i_number);
	return EROFS;
}

/*
 * Enter name into block lbn of dp if it has room; *donep says whether
 * it did.
 */
static int
enter_block(struct e2inode *dp, uint64_t lbn, const char *name, size_t len,
    ino_t ino, uint8_t dt, bool *donep)
{
	off_t base = (off_t)(lbn << dp->i_ump->em_bshift);
	uint32_t need = EXT2_DIRSIZ(len), blen, pos;
	struct buf *bp;
	int error;

	*donep = false;
	if ((error = block_read(dp, lbn, &bp, &blen)) != 0)
		return error;
	if (ext2fs_dirblk_free(dp, bp->b_data, blen) < need) {
		brelse(bp, 0);
		return 0;
	}
	pos = block_insert(dp, bp->b_data, blen, base, (uint32_t)ino, dt,
	    name, len);
	ext2fs_dirhash_setfree(dp, (uint32_t)lbn, ext2fs_dirblk_free(dp,
	    bp->b_data, blen));
	block_write(dp, bp);
	ext2fs_dirhash_add(dp, name, len, base + pos);
	*donep = true;
	return 0;
}

/*
 * Splitting a full hash tree leaf.  The leaf's entries and the new one
 * are sorted by hash; the upper half (by bytes) moves to a new block at
 * the end of the directory, and an index entry for it goes into the
 * leaf's index block right after the leaf's own.  When the split falls
 * inside a run of equal hashes, the new key carries the continuation bit
 * (bit 0), as the format wants.  *donep stays false (and nothing is
 * changed) when the index block is full or the key would not fit between
 * its neighbours: the caller drops the index then.
 */
struct splitent {
	uint32_t	se_hash;
	uint32_t	se_minor;
	uint32_t	se_off;	/* in the copy; UINT32_MAX: the new entry */
};

static int
splitent_cmp(const void *a, const void *b)
{
	const struct splitent *x = a, *y = b;

	if (x->se_hash != y->se_hash)
		return x->se_hash < y->se_hash ? -1 : 1;
	if (x->se_minor != y->se_minor)
		return x->se_minor < y->se_minor ? -1 : 1;
	return 0;
}

/* Lay entries v[from, to) out in a fresh block of len entry bytes. */
static void
split_fill(struct e2inode *dp, uint8_t *blk, uint32_t len,
    const struct splitent *v, uint32_t from, uint32_t to, const uint8_t *copy,
    const char *name, size_t nlen, ino_t ino, uint8_t dt)
{
	const struct ext2_dirent *d;
	uint32_t i, pos = 0, size;

	block_clear(dp, blk, len);
	for (i = from; i < to; i++) {
		if (v[i].se_off == UINT32_MAX) {
			size = (uint32_t)EXT2_DIRSIZ(nlen);
			entry_write(dp, blk + pos, (uint32_t)ino, i + 1 == to ?
			    len - pos : size, dt, name, nlen);
		} else {
			d = (const void *)(copy + v[i].se_off);
			size = EXT2_DIRSIZ(d->d_namlen);
			memcpy(blk + pos, d, size);
			ext2fs_reclen_set(dp->i_ump, blk + pos, i + 1 == to ?
			    len - pos : size);
		}
		pos += size;
	}
}

/* Sort the leaf's entries (from copy) and the new one; *np entries. */
static int
split_sort(struct e2inode *dp, const struct e2_dxpath *dxp,
    const uint8_t *copy, uint32_t len, const char *name, size_t nlen,
    struct splitent *v, uint32_t *np)
{
	struct e2mount *ump = dp->i_ump;
	const struct ext2_dirent *d;
	struct rawent re;
	uint32_t pos, n = 0;
	int error;

	for (pos = 0; pos < len; pos += re.re_reclen) {
		rawent_get(ump, copy + pos, &re);
		if (re.re_ino == 0)
			continue;
		d = (const void *)(copy + pos);
		if ((error = ext2fs_dirhash(ump, dxp->dp_version,
		    (const char *)d + EXT2_DIRHDRSIZ, d->d_namlen,
		    &v[n].se_hash, &v[n].se_minor)) != 0)
			return error;
		v[n++].se_off = pos;
	}
	if ((error = ext2fs_dirhash(ump, dxp->dp_version, name, nlen,
	    &v[n].se_hash, &v[n].se_minor)) != 0)
		return error;
	v[n++].se_off = UINT32_MAX;
	ksort(v, n, sizeof(*v), splitent_cmp);
	*np = n;
	return 0;
}

/* Bytes entry e takes. */
static uint32_t
split_size(const uint8_t *copy, size_t nlen, const struct splitent *e)
{
	const struct ext2_dirent *d;

	if (e->se_off == UINT32_MAX)
		return (uint32_t)EXT2_DIRSIZ(nlen);
	d = (const void *)(copy + e->se_off);
	return EXT2_DIRSIZ(d->d_namlen);
}

/* Where to split v[0, n): half the bytes below; its key in *keyp. */
static uint32_t
split_point(const uint8_t *copy, size_t nlen, const struct splitent *v,
    uint32_t n, uint32_t *keyp)
{
	uint32_t i, total = 0, sum = 0, k;

	for (i = 0; i < n; i++)
		total += split_size(copy, nlen, &v[i]);
	for (k = 0; k + 1 < n; k++) {
		sum += split_size(copy, nlen, &v[k]);
		if (2 * sum >= total)
			break;
	}
	k++;
	*keyp = v[k].se_hash | (v[k].se_hash == v[k - 1].se_hash ? 1 : 0);
	return k;
}

static int
dx_split(struct e2inode *dp, struct e2_dxpath *dxp, const char *name,
    size_t nlen, ino_t ino, uint8_t dt, bool *donep)
{
	struct e2mount *ump = dp->i_ump;
	struct e2_dxframe *f = &dxp->dp_frames[dxp->dp_levels - 1];
	uint32_t len, k, n, key, count, limit, nkind;
	struct ext2_dx_countlimit *cl;
	struct ext2_dx_entry *ents;
	struct buf *nbp = NULL, *lbp = NULL, *bp;
	struct splitent *v = NULL;
	uint8_t *copy = NULL;
	size_t vsz = (ump->em_bsize / EXT2_DIRSIZ(1) + 1) * sizeof(*v);
	int64_t nlbn;
	uint64_t blk;
	int error;

	*donep = false;
	if ((error = ext2fs_dir_readblk(dp, f->df_lbn, &nbp, &len,
	    (int *)&nkind)) != 0)
		return error;
	cl = (void *)((uint8_t *)nbp->b_data + f->df_countoff);
	ents = (void *)cl;
	count = e2le16(cl->cl_count);
	limit = e2le16(cl->cl_limit);
	if (count >= limit || f->df_at >= count ||
	    (e2le32(ents[f->df_at].de_block) & 0x0fffffff) != dxp->dp_leaf) {
		brelse(nbp, 0);
		return 0;
	}
	error = ENOMEM;
	if ((copy = kmem_alloc(ump->em_bsize)) == NULL ||
	    (v = kmem_alloc(vsz)) == NULL)
		goto out;
	if ((error = block_read(dp, dxp->dp_leaf, &lbp, &len)) != 0)
		goto out;
	memcpy(copy, lbp->b_data, ump->em_bsize);
	brelse(lbp, 0);
	lbp = NULL;
	if ((error = split_sort(dp, dxp, copy, len, name, nlen, v, &n)) != 0)
		goto out;
	if (n < 2)
		goto out;
	k = split_point(copy, nlen, v, n, &key);
	if ((f->df_at > 0 && key <= e2le32(ents[f->df_at].de_hash)) ||
	    (f->df_at + 1 < count && key >= e2le32(ents[f->df_at + 1].de_hash)))
		goto out;	/* no room for the key: give the index up */
	if ((error = dir_grow(dp, &nlbn)) != 0)
		goto out;
	/* The upper half into the new block, the lower one stays. */
	if ((error = ext2fs_bmap_lbn(dp, (uint64_t)nlbn, &blk, NULL)) != 0 ||
	    (error = ext2fs_bread(ump, blk, &bp)) != 0)
		goto out;
	split_fill(dp, bp->b_data, len, v, k, n, copy, name, nlen, ino, dt);
	block_write(dp, bp);
	if ((error = block_read(dp, dxp->dp_leaf, &lbp, &len)) != 0)
		goto out;
	split_fill(dp, lbp->b_data, len, v, 0, k, copy, name, nlen, ino, dt);
	block_write(dp, lbp);
	lbp = NULL;
	memmove(&ents[f->df_at + 2], &ents[f->df_at + 1],
	    (count - f->df_at - 1) * sizeof(*ents));
	ents[f->df_at + 1].de_hash = e2le32(key);
	ents[f->df_at + 1].de_block = e2le32((uint32_t)nlbn);
	cl->cl_count = e2le16((uint16_t)(count + 1));
	dxnode_write(dp, nbp, f->df_countoff);
	nbp = NULL;
	*donep = true;
	error = 0;
out:
	if (lbp != NULL)
		brelse(lbp, 0);
	if (nbp != NULL)
		brelse(nbp, 0);
	if (v != NULL)
		kmem_free(v, vsz);
	if (copy != NULL)
		kmem_free(copy, ump->em_bsize);
	return error;
}

/*
 * Enter name (len bytes) for inode ino of type dt (DT_*) into directory
 * dp.  The caller has checked that the name is not there.
 */
int
ext2fs_direnter(struct e2inode *dp, const char *name, size_t len, ino_t ino,
    uint8_t dt)
{
	uint32_t need = EXT2_DIRSIZ(len);
	struct e2_dxpath dxp;
	int64_t lbn;
	bool done;
	int error;

	KASSERT(len > 0 && len <= EXT2_MAXNAMLEN);
	if (e2_isinline(dp))
		return inline_refused(dp);
	if (ext2fs_isindexed(dp)) {
		if ((error = ext2fs_dx_findleaf(dp, name, len, &dxp)) != 0)
			return error;
		if ((error = enter_block(dp, dxp.dp_leaf, name, len, ino, dt,
		    &done)) != 0)
			return error;
		if (done)
			goto out;
		if ((error = dx_split(dp, &dxp, name, len, ino, dt,
		    &done)) != 0)
			return error;
		if (done)
			goto out;
		if ((error = ext2fs_dx_drop(dp)) != 0)
			return error;
	}
	lbn = ext2fs_dirhash_findfree(dp, need);
	if (lbn == -2 && (error = find_room_scan(dp, need, &lbn)) != 0)
		return error;
	if (lbn >= 0) {
		if ((error = enter_block(dp, (uint64_t)lbn, name, len, ino,
		    dt, &done)) != 0)
			return error;
		if (done)
			goto out;
		return ext2fs_dir_bad(dp, 0, "free space record was wrong");
	}
	if ((error = dir_grow(dp, &lbn)) != 0)
		return error;
	if ((error = enter_block(dp, (uint64_t)lbn, name, len, ino, dt,
	    &done)) != 0)
		return error;
	if (!done)
		return ext2fs_dir_bad(dp, 0, "no room in a new block");
out:
	ext2fs_imodified(dp, IN_CHANGE | IN_UPDATE);
	return 0;
}

/*
 * Remove the entry name from directory dp; it must refer to inode ino
 * (EIO otherwise: the directory changed under the caller, or is corrupt).
 */
int
ext2fs_dirremove(struct e2inode *dp, const char *name, size_t len, ino_t ino)
{
	struct e2mount *ump = dp->i_ump;
	uint32_t found, pos, prev = 0, epos, blen;
	struct rawent re, pre;
	struct buf *bp;
	uint64_t lbn;
	uint8_t *blk;
	off_t off;
	int error;

	if (e2_isinline(dp))
		return inline_refused(dp);
	if ((error = ext2fs_dir_find(dp, name, len, &found, &off)) != 0)
		return error;
	if (found == 0)
		return ENOENT;
	if (found != ino)
		return EIO;
	lbn = (uint64_t)off >> ump->em_bshift;
	epos = (uint32_t)(off & (ump->em_bsize - 1));
	if ((error = block_read(dp, lbn, &bp, &blen)) != 0)
		return error;
	blk = bp->b_data;
	for (pos = 0; pos < epos; pos += re.re_reclen) {
		rawent_get(ump, blk + pos, &re);
		prev = pos;
	}
	rawent_get(ump, blk + epos, &re);
	if (epos == 0) {
		((struct ext2_dirent *)(void *)blk)->d_ino = 0;
	} else {
		rawent_get(ump, blk + prev, &pre);
		ext2fs_reclen_set(ump, blk + prev, pre.re_reclen +
		    re.re_reclen);
	}
	ext2fs_dirhash_remove(dp, name, len, off);
	ext2fs_dirhash_setfree(dp, (uint32_t)lbn, ext2fs_dirblk_free(dp, blk,
	    blen));
	block_write(dp, bp);
	ext2fs_imodified(dp, IN_CHANGE | IN_UPDATE);
	return 0;
}

/* Point the existing entry name of dp at inode ino of type dt instead. */
int
ext2fs_dirrewrite(struct e2inode *dp, const char *name, size_t len, ino_t ino,
    uint8_t dt)
{
	struct e2mount *ump = dp->i_ump;
	struct ext2_dirent *d;
	uint32_t found, blen;
	struct buf *bp;
	off_t off;
	int error;

	if (e2_isinline(dp))
		return inline_refused(dp);
	if ((error = ext2fs_dir_find(dp, name, len, &found, &off)) != 0)
		return error;
	if (found == 0)
		return ENOENT;
	if ((error = block_read(dp, (uint64_t)off >> ump->em_bshift, &bp,
	    &blen)) != 0)
		return error;
	d = (void *)((uint8_t *)bp->b_data + (off & (ump->em_bsize - 1)));
	d->d_ino = e2le32((uint32_t)ino);
	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FILETYPE))
		d->d_type = ext2fs_dt_to_ft(dt);
	block_write(dp, bp);
	ext2fs_imodified(dp, IN_CHANGE | IN_UPDATE);
	return 0;
}

/* Point the ".." of directory dp at inode parent. */
int
ext2fs_dirsetparent(struct e2inode *dp, ino_t parent)
{
	struct e2mount *ump = dp->i_ump;
	struct ext2_dirent *d;
	struct rawent re, dd;
	struct buf *bp;
	uint32_t len;
	int error, kind;

	if (e2_isinline(dp))
		return inline_refused(dp);
	if ((error = ext2fs_dir_readblk(dp, 0, &bp, &len, &kind)) != 0)
		return error;
	rawent_get(ump, bp->b_data, &re);
	if (re.re_reclen < EXT2_DIRSIZ(1) || re.re_reclen + EXT2_DIRSIZ(2) >
	    ump->em_bsize) {
		brelse(bp, 0);
		return ext2fs_dir_bad(dp, 0, "no \"..\" entry");
	}
	rawent_get(ump, (uint8_t *)bp->b_data + re.re_reclen, &dd);
	d = (void *)((uint8_t *)bp->b_data + re.re_reclen);
	if (dd.re_namlen != 2 || memcmp((uint8_t *)d + EXT2_DIRHDRSIZ, "..",
	    2) != 0) {
		brelse(bp, 0);
		return ext2fs_dir_bad(dp, 0, "no \"..\" entry");
	}
	d->d_ino = e2le32((uint32_t)parent);
	if (kind == E2DB_LEAF)
		block_write(dp, bp);
	else
		dxnode_write(dp, bp, 32);
	ext2fs_imodified(dp, IN_CHANGE | IN_UPDATE);
	return 0;
}

/*
 * Write the first block of new directory ip: "." and "..".  The
 * directory gets its first block here.
 */
int
ext2fs_dirinit(struct e2inode *ip, ino_t parent)
{
	struct e2mount *ump = ip->i_ump;
	uint32_t len = block_space(ump);
	struct buf *bp;
	uint64_t blk;
	uint8_t *p;
	int error;

	if ((error = ext2fs_balloc(ip, 0, ump->em_bsize, E2BA_METADATA)) != 0)
		return error;
	ext2fs_setsize(ip, ump->em_bsize);
	E2TOV(ip)->v_size = (off_t)ip->i_size;
	if ((error = ext2fs_bmap_lbn(ip, 0, &blk, NULL)) != 0)
		return error;
	if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
		return error;
	p = bp->b_data;
	memset(p, 0, ump->em_bsize);
	entry_write(ip, p, (uint32_t)ip->i_number, EXT2_DIRSIZ(1), DT_DIR,
	    ".", 1);
	entry_write(ip, p + EXT2_DIRSIZ(1), (uint32_t)parent,
	    len - EXT2_DIRSIZ(1), DT_DIR, "..", 2);
	block_write(ip, bp);
	return 0;
}

static int
empty_cb(void *arg, const struct e2_dent *de)
{
	bool *emptyp = arg;

	if (de->de_index < 2)
		return 0;
	*emptyp = false;
	return E2_SCAN_STOP;
}

/* Does directory dp hold nothing but "." and ".."? */
int
ext2fs_dirempty(struct e2inode *dp, bool *emptyp)
{
	*emptyp = true;
	return ext2fs_dirscan(dp, 0, empty_cb, emptyp);
}

/*
 * Dropping a hash tree index.
 */

/* Rewrite hash tree node lbn (and, above the leaves, its children). */
static int
dx_flatten(struct e2inode *dp, uint64_t lbn, int levels)
{
	struct e2mount *ump = dp->i_ump;
	const struct ext2_dx_entry *ents;
	uint32_t count, i, len, countoff = lbn == 0 ? 32 : 8;
	uint64_t *kids = NULL, blk;
	size_t sz = 0;
	struct buf *bp;
	int error = 0, kind;

	if ((error = ext2fs_dir_readblk(dp, lbn, &bp, &len, &kind)) != 0)
		return error;
	if (kind == E2DB_LEAF) {
		brelse(bp, 0);
		return ext2fs_dir_bad(dp, (off_t)(lbn << ump->em_bshift),
		    "hash tree node expected");
	}
	ents = (const void *)((uint8_t *)bp->b_data + countoff);
	count = e2le16(((const struct ext2_dx_countlimit *)(const void *)
	    ents)->cl_count);
	if (countoff + (uint64_t)count * sizeof(*ents) > ump->em_bsize) {
		brelse(bp, 0);
		return ext2fs_dir_bad(dp, (off_t)(lbn << ump->em_bshift),
		    "bad hash tree node counts");
	}
	if (levels > 0 && count > 0) {
		sz = count * sizeof(*kids);
		if ((kids = kmem_alloc(sz)) == NULL) {
			brelse(bp, 0);
			return ENOMEM;
		}
		for (i = 0; i < count; i++)
			kids[i] = e2le32(ents[i].de_block) & 0x0fffffff;
	}
	if (lbn == 0) {
		struct rawent re;

		/* Keep "." and "..": ".." now spans the block. */
		rawent_get(ump, bp->b_data, &re);
		if (re.re_reclen != EXT2_DIRSIZ(1)) {
			brelse(bp, 0);
			if (kids != NULL)
				kmem_free(kids, sz);
			return ext2fs_dir_bad(dp, 0, "bad hash tree root");
		}
		memset((uint8_t *)bp->b_data + 24, 0, ump->em_bsize - 24);
		ext2fs_reclen_set(ump, (uint8_t *)bp->b_data + re.re_reclen,
		    block_space(ump) - re.re_reclen);
	} else {
		block_clear(dp, bp->b_data, block_space(ump));
	}
	block_write(dp, bp);
	for (i = 0; kids != NULL && i < count && error == 0; i++) {
		blk = kids[i];
		if (blk == 0 || blk >= dp->i_size >> ump->em_bshift)
			continue;
		error = dx_flatten(dp, blk, levels - 1);
	}
	if (kids != NULL)
		kmem_free(kids, sz);
	return error;
}

/*
 * Turn hash tree directory dp into a linear one: index blocks become
 * ordinary ones (block 0 keeping "." and ".."), EXT2_INDEX_FL goes.
 */
int
ext2fs_dx_drop(struct e2inode *dp)
{
	const struct ext2_dx_rootinfo *ri;
	struct buf *bp;
	uint32_t len;
	int error, kind, levels;

	if ((error = ext2fs_dir_readblk(dp, 0, &bp, &len, &kind)) != 0)
		return error;
	ri = (const void *)((uint8_t *)bp->b_data + 24);
	levels = ri->ri_levels;
	brelse(bp, 0);
	if (levels > 2)
		return ext2fs_dir_bad(dp, 0, "bad hash tree root");
	if ((error = dx_flatten(dp, 0, levels)) != 0)
		return error;
	dp->i_flags &= ~EXT2_INDEX_FL;
	ext2fs_imodified(dp, IN_CHANGE);
	ext2fs_dirhash_free(dp);
	return 0;
}
