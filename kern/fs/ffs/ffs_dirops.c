/*
 * ffs_dirops.c: changing directories: entering a name, removing one,
 * pointing one at another inode, the two entries of a new directory, and
 * the emptiness test.
 *
 * Space.  Every entry of a chunk may carry slack after its name; an
 * empty slot (d_ino 0) can only be the first entry of a chunk.  A chunk's
 * free space is the sum of all of that; a new entry of DIRSIZ(namlen)
 * bytes fits in a chunk whose free space is at least that.  It goes into
 * the slack of one entry when one is big enough, otherwise the chunk is
 * compacted first (the entries slid to its start, all the free space
 * after the last one).  A directory with no chunk that fits grows by one
 * chunk.  Large directories know their chunks' free space from the
 * directory hash; small ones are scanned.
 *
 * Removing an entry gives its bytes to the entry before it in the chunk,
 * or, for the first entry of a chunk, leaves an empty slot.
 *
 * The chunks are read and written through the buffer cache; every change
 * is a delayed write of the directory block, and keeps the directory
 * hash in step.  Callers hold the inode numbers right: link counts and
 * the inodes themselves are theirs to update.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "dinode.h"
#include "dir.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

/* A raw entry header inside a chunk, host byte order. */
struct rawent {
	uint32_t	re_ino;
	uint16_t	re_reclen;
	uint16_t	re_namlen;
};

static void
rawent_get(const struct ufsmount *ump, const uint8_t *p, struct rawent *re)
{
	re->re_ino = ffs_rd32(p, ump->um_swap);
	re->re_reclen = ffs_rd16(p + 4, ump->um_swap);
	re->re_namlen = ump->um_newdirfmt ? p[7] : ffs_rd16(p + 6,
	    ump->um_swap);
}

static void
set_reclen(const struct ufsmount *ump, uint8_t *p, uint16_t reclen)
{
	ffs_wr16(p + 4, reclen, ump->um_swap);
}

/* Write a whole entry (header, name, NUL and padding) at p. */
static void
entry_write(const struct ufsmount *ump, uint8_t *p, uint32_t ino,
    uint16_t reclen, uint8_t type, const char *name, size_t len)
{
	size_t need = FFS_DIRSIZ(len);

	ffs_wr32(p, ino, ump->um_swap);
	ffs_wr16(p + 4, reclen, ump->um_swap);
	if (ump->um_newdirfmt) {
		p[6] = type;
		p[7] = (uint8_t)len;
	} else {
		ffs_wr16(p + 6, (uint16_t)len, ump->um_swap);
	}
	memcpy(p + DIRHDRSIZ, name, len);
	memset(p + DIRHDRSIZ + len, 0, need - DIRHDRSIZ - len);
}

/* Bytes an entry uses: its name's record, or nothing for an empty slot. */
static uint32_t
entry_used(const struct rawent *re)
{
	return re->re_ino == 0 ? 0 : FFS_DIRSIZ(re->re_namlen);
}

/* Free bytes of a chunk that ffs_dirscan has checked. */
uint32_t
ffs_chunk_free(const struct ufsmount *ump, const uint8_t *chunk)
{
	struct rawent re;
	uint32_t pos, free = 0;

	for (pos = 0; pos < DIRBLKSIZ; pos += re.re_reclen) {
		rawent_get(ump, chunk + pos, &re);
		if (re.re_reclen == 0)
			break;		/* cannot happen in a checked chunk */
		free += re.re_reclen - entry_used(&re);
	}
	return free;
}

/*
 * Read the block holding directory offset off; *chunkp points at the
 * chunk in it.
 */
static int
chunk_read(struct inode *dp, off_t off, struct buf **bpp, uint8_t **chunkp)
{
	struct fs *fs = dp->i_fs;
	off_t boff = off & (fs->fs_bsize - 1) & ~(off_t)(DIRBLKSIZ - 1);
	int64_t len;
	int error;

	error = ffs_dir_readblk(dp, off >> fs->fs_bshift, bpp, &len);
	if (error != 0)
		return error;
	if (boff + DIRBLKSIZ > len) {
		brelse(*bpp, 0);
		return EIO;
	}
	*chunkp = (uint8_t *)(*bpp)->b_data + boff;
	return 0;
}

/*
 * Slide the entries of a chunk to its start, so that all its free space
 * follows the last entry.  Moved entries are re-keyed in the hash.
 */
static void
chunk_compact(struct inode *dp, uint8_t *chunk, off_t base)
{
	const struct ufsmount *ump = dp->i_ump;
	uint32_t pos, to = 0, last = 0, used;
	struct rawent re;
	uint8_t tmp[DIRBLKSIZ];

	memcpy(tmp, chunk, DIRBLKSIZ);
	for (pos = 0; pos < DIRBLKSIZ; pos += re.re_reclen) {
		rawent_get(ump, tmp + pos, &re);
		if ((used = entry_used(&re)) == 0)
			continue;
		memmove(chunk + to, tmp + pos, used);
		set_reclen(ump, chunk + to, (uint16_t)used);
		if (to != pos)
			ffs_dirhash_move(dp, (const char *)tmp + pos + DIRHDRSIZ,
			    re.re_namlen, base + pos, base + to);
		last = to;
		to += used;
	}
	if (to == 0) {
		/* No live entry: one empty slot spans the chunk. */
		entry_write(ump, chunk, 0, DIRBLKSIZ, 0, "", 0);
		return;
	}
	set_reclen(ump, chunk + last, (uint16_t)(DIRBLKSIZ - last));
	memset(chunk + to, 0, DIRBLKSIZ - to);
}

/*
 * Put the entry into a chunk known to have room; returns its offset in
 * the chunk.
 */
static uint32_t
chunk_insert(struct inode *dp, uint8_t *chunk, off_t base, uint32_t ino,
    uint8_t type, const char *name, size_t len)
{
	const struct ufsmount *ump = dp->i_ump;
	uint32_t need = FFS_DIRSIZ(len), pos, used;
	struct rawent re;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (pos = 0; pos < DIRBLKSIZ; pos += re.re_reclen) {
			rawent_get(ump, chunk + pos, &re);
			used = entry_used(&re);
			if (re.re_reclen - used < need)
				continue;
			if (used == 0) {
				entry_write(ump, chunk + pos, ino, re.re_reclen,
				    type, name, len);
				return pos;
			}
			set_reclen(ump, chunk + pos, (uint16_t)used);
			entry_write(ump, chunk + pos + used, ino,
			    (uint16_t)(re.re_reclen - used), type, name, len);
			return pos + used;
		}
		chunk_compact(dp, chunk, base);
	}
	panic("ffs: chunk_insert: no room after compaction");
}

/* Find a chunk of dp with need bytes free by scanning; -1 if none. */
static int
find_room_scan(struct inode *dp, uint32_t need, off_t *offp)
{
	struct buf *bp;
	uint8_t *chunk;
	off_t off;
	int error;

	for (off = 0; off < (off_t)dp->i_size; off += DIRBLKSIZ) {
		if ((error = chunk_read(dp, off, &bp, &chunk)) != 0)
			return error;
		if (ffs_chunk_free(dp->i_ump, chunk) >= need) {
			brelse(bp, 0);
			*offp = off;
			return 0;
		}
		brelse(bp, 0);
	}
	*offp = -1;
	return 0;
}

/* Add an empty chunk at the end of directory dp; its offset in *offp. */
static int
dir_grow(struct inode *dp, off_t *offp)
{
	const struct ufsmount *ump = dp->i_ump;
	off_t off = (off_t)dp->i_size;
	struct buf *bp;
	uint8_t *chunk;
	int error;

	if (off + DIRBLKSIZ > 0x7fffffff)
		return EFBIG;
	if ((error = ffs_balloc(dp, off, DIRBLKSIZ, BA_METADATA)) != 0)
		return error;
	ITOV(dp)->v_size = (off_t)dp->i_size;
	if ((error = chunk_read(dp, off, &bp, &chunk)) != 0)
		return error;
	memset(chunk, 0, DIRBLKSIZ);
	entry_write(ump, chunk, 0, DIRBLKSIZ, 0, "", 0);
	bdwrite(bp);
	ffs_dirhash_setfree(dp, (uint32_t)(off / DIRBLKSIZ), DIRBLKSIZ);
	*offp = off;
	return 0;
}

/*
 * Enter name (len bytes) for inode ino of type (DT_*) into directory dp.
 * The caller has checked that the name is not there.
 */
int
ffs_direnter(struct inode *dp, const char *name, size_t len, ino_t ino,
    uint8_t type)
{
	uint32_t need = FFS_DIRSIZ(len), pos;
	struct buf *bp;
	uint8_t *chunk;
	int64_t found;
	off_t off;
	int error;

	KASSERT(len > 0 && len <= FFS_MAXNAMLEN);
	found = ffs_dirhash_findfree(dp, need);
	if (found == -2) {
		if ((error = find_room_scan(dp, need, &off)) != 0)
			return error;
	} else {
		off = found < 0 ? -1 : (off_t)found * DIRBLKSIZ;
	}
	if (off < 0 && (error = dir_grow(dp, &off)) != 0)
		return error;
	if ((error = chunk_read(dp, off, &bp, &chunk)) != 0)
		return error;
	if (ffs_chunk_free(dp->i_ump, chunk) < need) {
		brelse(bp, 0);
		return EIO;	/* the free-space record was wrong */
	}
	pos = chunk_insert(dp, chunk, off, (uint32_t)ino, type, name, len);
	ffs_dirhash_setfree(dp, (uint32_t)(off / DIRBLKSIZ),
	    ffs_chunk_free(dp->i_ump, chunk));
	bdwrite(bp);
	ffs_dirhash_add(dp, name, len, off + pos);
	ffs_imodified(dp, IN_CHANGE | IN_UPDATE);
	return 0;
}

/*
 * Remove the entry name from directory dp; it must refer to inode ino
 * (EIO otherwise: the directory changed under the caller, or is corrupt).
 */
int
ffs_dirremove(struct inode *dp, const char *name, size_t len, ino_t ino)
{
	const struct ufsmount *ump = dp->i_ump;
	uint32_t found, pos, prev = 0, epos;
	struct rawent re;
	struct buf *bp;
	uint8_t *chunk;
	off_t off, base;
	int error;

	if ((error = ffs_dir_find(dp, name, len, &found, &off)) != 0)
		return error;
	if (found == 0)
		return ENOENT;
	if (found != ino)
		return EIO;
	base = off & ~(off_t)(DIRBLKSIZ - 1);
	epos = (uint32_t)(off - base);
	if ((error = chunk_read(dp, base, &bp, &chunk)) != 0)
		return error;
	for (pos = 0; pos < epos; pos += re.re_reclen) {
		rawent_get(ump, chunk + pos, &re);
		prev = pos;
	}
	rawent_get(ump, chunk + epos, &re);
	if (epos == 0) {
		ffs_wr32(chunk, 0, ump->um_swap);	/* an empty slot */
	} else {
		struct rawent pre;

		rawent_get(ump, chunk + prev, &pre);
		set_reclen(ump, chunk + prev, (uint16_t)(pre.re_reclen +
		    re.re_reclen));
	}
	ffs_dirhash_remove(dp, name, len, off);
	ffs_dirhash_setfree(dp, (uint32_t)(base / DIRBLKSIZ),
	    ffs_chunk_free(ump, chunk));
	bdwrite(bp);
	ffs_imodified(dp, IN_CHANGE | IN_UPDATE);
	return 0;
}

/* Point the existing entry name of dp at inode ino of type instead. */
int
ffs_dirrewrite(struct inode *dp, const char *name, size_t len, ino_t ino,
    uint8_t type)
{
	const struct ufsmount *ump = dp->i_ump;
	uint32_t found;
	struct buf *bp;
	uint8_t *chunk;
	off_t off;
	int error;

	if ((error = ffs_dir_find(dp, name, len, &found, &off)) != 0)
		return error;
	if (found == 0)
		return ENOENT;
	if ((error = chunk_read(dp, off, &bp, &chunk)) != 0)
		return error;
	chunk += off & (DIRBLKSIZ - 1);
	ffs_wr32(chunk, (uint32_t)ino, ump->um_swap);
	if (ump->um_newdirfmt)
		chunk[6] = type;
	bdwrite(bp);
	ffs_imodified(dp, IN_CHANGE | IN_UPDATE);
	return 0;
}

/* Point the ".." of directory dp at inode parent. */
int
ffs_dirsetparent(struct inode *dp, ino_t parent)
{
	const struct ufsmount *ump = dp->i_ump;
	struct rawent re;
	struct buf *bp;
	uint8_t *chunk;
	int error;

	if ((error = chunk_read(dp, 0, &bp, &chunk)) != 0)
		return error;
	struct rawent dd;

	rawent_get(ump, chunk, &re);
	if (re.re_reclen >= DIRBLKSIZ || re.re_reclen < FFS_DIRSIZ(1)) {
		brelse(bp, 0);
		return EIO;
	}
	rawent_get(ump, chunk + re.re_reclen, &dd);
	if (dd.re_namlen != 2 || chunk[re.re_reclen + DIRHDRSIZ] != '.') {
		brelse(bp, 0);
		return EIO;
	}
	ffs_wr32(chunk + re.re_reclen, (uint32_t)parent, ump->um_swap);
	bdwrite(bp);
	ffs_imodified(dp, IN_CHANGE | IN_UPDATE);
	return 0;
}

/*
 * Write the first chunk of new directory ip: "." and "..".  The
 * directory gets its first fragments here.
 */
int
ffs_dirinit(struct inode *ip, ino_t parent)
{
	const struct ufsmount *ump = ip->i_ump;
	struct buf *bp;
	uint8_t *chunk;
	int error;

	if ((error = ffs_balloc(ip, 0, DIRBLKSIZ, BA_METADATA)) != 0)
		return error;
	ITOV(ip)->v_size = (off_t)ip->i_size;
	if ((error = chunk_read(ip, 0, &bp, &chunk)) != 0)
		return error;
	entry_write(ump, chunk, (uint32_t)ip->i_number, FFS_DIRSIZ(1), DT_DIR,
	    ".", 1);
	entry_write(ump, chunk + FFS_DIRSIZ(1), (uint32_t)parent,
	    DIRBLKSIZ - FFS_DIRSIZ(1), DT_DIR, "..", 2);
	bdwrite(bp);
	return 0;
}

static int
empty_cb(void *arg, const struct ffs_dent *de)
{
	bool *emptyp = arg;

	if (de->de_index < 2)
		return 0;
	*emptyp = false;
	return FFS_SCAN_STOP;
}

/* Does directory dp hold nothing but "." and ".."? */
int
ffs_dirempty(struct inode *dp, bool *emptyp)
{
	*emptyp = true;
	return ffs_dirscan(dp, 0, empty_cb, emptyp);
}
