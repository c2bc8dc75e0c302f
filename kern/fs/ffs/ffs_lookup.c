/*
 * ffs_lookup.c: directories: the entry scanner, lookup, readdir and the
 * directory name hash.
 *
 * Scanning.  ffs_dirscan() is the one place that reads directory
 * entries.  It reads the directory's blocks through the buffer cache
 * (block lbn is ffs_blksize() bytes, a fragment run at the end of a small
 * directory), walks each DIRBLKSIZ chunk entry by entry, and checks every
 * entry before anyone sees it: d_reclen non-zero, a multiple of 4, inside
 * the chunk and large enough for the name; the name 1..255 bytes with no
 * NUL or '/'; d_ino below fs_ncg * fs_ipg.  The first bad entry ends the
 * scan with EIO and a console message.  A hole in a directory or a size
 * that is not a whole number of chunks is corruption too.  Empty slots
 * (d_ino 0) and whiteouts (d_ino 1) are skipped; "." and ".." anywhere
 * but as the first and second entry are corruption (EIO).  The callback
 * runs with a directory buffer held: it must not read the same block or
 * load a vnode.
 *
 * Readdir cookies are byte offsets in the directory.  A cookie that is
 * not on an entry boundary (a stale or made-up seek) is handled by
 * scanning its chunk from the start and resuming at the first entry at or
 * after it.
 *
 * Directory hash.  A lookup in a directory of more than
 * FFS_DIRHASH_MINSIZE bytes builds, once, an open-addressing table of
 * (name hash, entry offset) pairs with one scan of the directory, kept in
 * the inode (kmem-accounted) until the vnode is reclaimed.  Later lookups
 * probe the table and re-read only the candidate entries, each verified
 * through the scanner (so a stale or colliding slot is harmless).  If
 * building fails (no memory, or a corrupt entry), the directory is
 * searched linearly from then on.  Writers must call ffs_dirhash_free()
 * when they change a directory.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"
#include "dinode.h"
#include "dir.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

#define FFS_DIRHASH_MINSIZE	(5 * DIRBLKSIZ)
#define FFS_DIRHASH_MINSLOTS	256

struct dirhash_slot {
	uint32_t	ds_hash;
	uint32_t	ds_off;		/* entry offset + 1; 0: empty slot */
};

struct ffs_dirhash {
	uint32_t	dh_nslots;	/* power of two */
	uint32_t	dh_count;	/* live entries */
	uint32_t	dh_ntomb;	/* slots of removed entries */
	struct dirhash_slot *dh_slots;
	uint16_t	*dh_free;	/* free bytes of each chunk */
	uint32_t	dh_nchunks;
	uint32_t	dh_freecap;
	uint32_t	dh_hint;	/* where the last room was found */
};

/* State of one scan: where it is, and what it has seen. */
struct dirscan {
	struct inode	*ds_ip;
	off_t		ds_start;	/* first offset handed out */
	int		ds_index;	/* entries seen in chunk 0 */
};

static int
dir_bad(struct inode *dp, off_t off, const char *what)
{
	kprintf("ffs: %s: directory inode %llu, offset %lld: %s\n",
	    dp->i_ump->um_devname, (unsigned long long)dp->i_number,
	    (long long)off, what);
	return EIO;
}

/* Check the entry at de, with room bytes left in its chunk. */
static int
dirent_check(struct inode *dp, const struct ffs_dent *de, uint32_t room)
{
	if (de->de_reclen == 0 || (de->de_reclen & 3) != 0 ||
	    de->de_reclen > room)
		return dir_bad(dp, de->de_off, "bad record length");
	if (de->de_namlen > FFS_MAXNAMLEN ||
	    de->de_reclen < FFS_DIRSIZ(de->de_namlen))
		return dir_bad(dp, de->de_off, "bad name length");
	if (de->de_ino == 0)
		return 0;
	if (de->de_ino >= dp->i_ump->um_maxino)
		return dir_bad(dp, de->de_off, "inode number out of range");
	if (de->de_namlen == 0 ||
	    memchr(de->de_name, '\0', de->de_namlen) != NULL ||
	    memchr(de->de_name, '/', de->de_namlen) != NULL)
		return dir_bad(dp, de->de_off, "bad name");
	return 0;
}

static bool
isdot(const struct ffs_dent *de)
{
	return de->de_namlen == 1 && de->de_name[0] == '.';
}

static bool
isdotdot(const struct ffs_dent *de)
{
	return de->de_namlen == 2 && de->de_name[0] == '.' &&
	    de->de_name[1] == '.';
}

/*
 * Should a valid entry be handed to the callback?  An entry named "." or
 * ".." anywhere but first and second is corruption (it would let a name
 * lead outside its directory): EIO.
 */
static int
dirent_visible(struct dirscan *ds, struct ffs_dent *de, bool *visp)
{
	de->de_index = 2;
	if (de->de_off < DIRBLKSIZ && ds->ds_index < 2)
		de->de_index = ds->ds_index++;
	*visp = false;
	if (de->de_ino == 0 || de->de_ino == UFS_WINO)
		return 0;
	if ((isdot(de) && de->de_index != 0) ||
	    (isdotdot(de) && de->de_index != 1))
		return dir_bad(ds->ds_ip, de->de_off, "misplaced \".\" or "
		    "\"..\" entry");
	*visp = de->de_off >= ds->ds_start;
	return 0;
}

/* Scan the chunk at directory offset off, held at p. */
static int
scan_chunk(struct dirscan *ds, const uint8_t *p, off_t off,
    ffs_dirscan_fn fn, void *arg)
{
	struct ffs_dent de;
	uint32_t pos;
	bool visible;
	int error;

	for (pos = 0; pos < DIRBLKSIZ; pos += de.de_reclen) {
		de.de_off = off + pos;
		if (DIRBLKSIZ - pos < DIRHDRSIZ)
			return dir_bad(ds->ds_ip, de.de_off, "truncated entry");
		ffs_dirent_decode(ds->ds_ip->i_ump, p + pos, &de);
		if ((error = dirent_check(ds->ds_ip, &de,
		    DIRBLKSIZ - pos)) != 0)
			return error;
		if ((error = dirent_visible(ds, &de, &visible)) != 0)
			return error;
		if (!visible)
			continue;
		if (de.de_type > DT_WHT)
			de.de_type = DT_UNKNOWN;
		if ((error = fn(arg, &de)) != 0)
			return error;
	}
	return 0;
}

/* Read directory block lbn of dp (all of it that the size covers). */
int
ffs_dir_readblk(struct inode *dp, daddr_t lbn, struct buf **bpp, int64_t *lenp)
{
	struct fs *fs = dp->i_fs;
	int64_t blk;
	int error;

	if ((error = ffs_bmap_lbn(dp, lbn, &blk, NULL)) != 0)
		return error;
	if (blk == 0)
		return dir_bad(dp, (off_t)lbn << fs->fs_bshift, "hole");
	*lenp = ffs_blksize(fs, dp->i_size, lbn);
	return bread(dp->i_ump->um_devvp, ffs_fsbtodb(fs, blk), (int)*lenp,
	    bpp);
}

/*
 * Call fn(arg, entry) for every entry of directory dp at or after offset
 * start, in order, until fn returns non-zero.  Returns 0 at the end of
 * the directory or when fn returned FFS_SCAN_STOP, otherwise the error.
 */
int
ffs_dirscan(struct inode *dp, off_t start, ffs_dirscan_fn fn, void *arg)
{
	struct fs *fs = dp->i_fs;
	off_t off = start & ~(off_t)(DIRBLKSIZ - 1), size = (off_t)dp->i_size;
	struct dirscan ds = { dp, start, 0 };
	struct buf *bp;
	int64_t len, boff;
	int error = 0;

	while (error == 0 && off < size) {
		if ((error = ffs_dir_readblk(dp, off >> fs->fs_bshift, &bp,
		    &len)) != 0)
			break;
		for (boff = off & (fs->fs_bsize - 1); error == 0 &&
		    boff < len && off < size; boff += DIRBLKSIZ,
		    off += DIRBLKSIZ) {
			if (size - off < DIRBLKSIZ)
				error = dir_bad(dp, off, "directory size not "
				    "a multiple of the chunk size");
			else
				error = scan_chunk(&ds, (uint8_t *)bp->b_data +
				    boff, off, fn, arg);
		}
		brelse(bp, 0);
	}
	return error == FFS_SCAN_STOP ? 0 : error;
}

/* Lookup by scanning. */

struct lookup_arg {
	const char	*la_name;
	size_t		la_len;
	off_t		la_off;		/* -1: any offset; else only this one */
	uint32_t	la_ino;		/* result, 0 if not found */
	off_t		la_found;	/* offset of the entry found */
};

static int
lookup_cb(void *arg, const struct ffs_dent *de)
{
	struct lookup_arg *la = arg;

	if (la->la_off >= 0 && de->de_off != la->la_off)
		return FFS_SCAN_STOP;	/* no entry starts at la_off */
	if (de->de_namlen == la->la_len &&
	    memcmp(de->de_name, la->la_name, la->la_len) == 0) {
		la->la_ino = de->de_ino;
		la->la_found = de->de_off;
		return FFS_SCAN_STOP;
	}
	return la->la_off >= 0 ? FFS_SCAN_STOP : 0;
}

/* The ".." entry: the second entry of the directory. */
static int
dotdot_cb(void *arg, const struct ffs_dent *de)
{
	uint32_t *inop = arg;

	if (de->de_index == 1 && isdotdot(de))
		*inop = de->de_ino;
	return de->de_index >= 1 ? FFS_SCAN_STOP : 0;
}

/* The directory hash. */

#define DH_TOMB		UINT32_MAX	/* ds_off of a removed entry */

void
ffs_dirhash_free(struct inode *dp)
{
	struct ffs_dirhash *dh = dp->i_dirhash;

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

/*
 * Rehash into a table at most half full of live entries (removed
 * entries are dropped); ENOMEM on failure.
 */
static int
dirhash_grow(struct ffs_dirhash *dh)
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

/* Enter one name at directory offset off. */
static int
dirhash_insert(struct ffs_dirhash *dh, const char *name, size_t len,
    off_t off)
{
	int error;

	if (2 * (dh->dh_count + dh->dh_ntomb + 1) > dh->dh_nslots &&
	    (error = dirhash_grow(dh)) != 0)
		return error;
	dirhash_put(dh->dh_slots, dh->dh_nslots, ffs_namehash(name, len),
	    (uint32_t)off + 1);
	dh->dh_count++;
	return 0;
}

static int
dirhash_add_cb(void *arg, const struct ffs_dent *de)
{
	if (de->de_index < 2)
		return 0;	/* "." and ".." are looked up directly */
	return dirhash_insert(arg, de->de_name, de->de_namlen, de->de_off);
}

/* Make room for the free-space counts of n chunks. */
static int
dirhash_chunks(struct ffs_dirhash *dh, uint32_t n)
{
	uint16_t *nf;
	uint32_t cap;

	if (n <= dh->dh_freecap) {
		dh->dh_nchunks = MAX(dh->dh_nchunks, n);
		return 0;
	}
	cap = MAX(n, 2 * dh->dh_freecap);
	if ((nf = kmem_zalloc(cap * sizeof(*nf))) == NULL)
		return ENOMEM;
	if (dh->dh_free != NULL) {
		memcpy(nf, dh->dh_free, dh->dh_nchunks * sizeof(*nf));
		kmem_free(dh->dh_free, dh->dh_freecap * sizeof(*nf));
	}
	dh->dh_free = nf;
	dh->dh_freecap = cap;
	dh->dh_nchunks = n;
	return 0;
}

/* Free bytes of every chunk of directory dp, into the hash. */
static int
dirhash_countfree(struct inode *dp, struct ffs_dirhash *dh)
{
	struct fs *fs = dp->i_fs;
	off_t off, size = (off_t)dp->i_size;
	struct buf *bp;
	int64_t len, boff;
	int error;

	if ((error = dirhash_chunks(dh, (uint32_t)(size / DIRBLKSIZ))) != 0)
		return error;
	for (off = 0; off < size;) {
		if ((error = ffs_dir_readblk(dp, off >> fs->fs_bshift, &bp,
		    &len)) != 0)
			return error;
		for (boff = off & (fs->fs_bsize - 1); boff < len &&
		    off < size; boff += DIRBLKSIZ, off += DIRBLKSIZ)
			dh->dh_free[off / DIRBLKSIZ] = (uint16_t)
			    ffs_chunk_free(dp->i_ump, (uint8_t *)bp->b_data +
			    boff);
		brelse(bp, 0);
	}
	return 0;
}

/* Build the hash of directory dp; on failure dp is marked to do without. */
static void
dirhash_build(struct inode *dp)
{
	struct ffs_dirhash *dh;
	int error = ENOMEM;

	if ((dh = kmem_zalloc(sizeof(*dh))) != NULL) {
		dh->dh_nslots = FFS_DIRHASH_MINSLOTS;
		dh->dh_slots = kmem_zalloc(dh->dh_nslots *
		    sizeof(*dh->dh_slots));
		if (dh->dh_slots == NULL)
			kmem_free(dh, sizeof(*dh));
		else
			error = 0;
	}
	if (error == 0) {
		dp->i_dirhash = dh;
		error = ffs_dirscan(dp, 0, dirhash_add_cb, dh);
	}
	if (error == 0)
		error = dirhash_countfree(dp, dh);
	if (error != 0) {
		ffs_dirhash_free(dp);
		dp->i_flag |= IN_NODIRHASH;
	}
}

/* The slot of the entry name at offset off, or NULL. */
static struct dirhash_slot *
dirhash_slot(struct ffs_dirhash *dh, const char *name, size_t len, off_t off)
{
	uint32_t hash = ffs_namehash(name, len), i;

	for (i = hash & (dh->dh_nslots - 1); dh->dh_slots[i].ds_off != 0;
	    i = (i + 1) & (dh->dh_nslots - 1))
		if (dh->dh_slots[i].ds_hash == hash &&
		    dh->dh_slots[i].ds_off == (uint32_t)off + 1)
			return &dh->dh_slots[i];
	return NULL;
}

/*
 * Look name up through the hash; *inop is 0 if it is not there, else
 * *offp is the entry's offset.
 */
static int
dirhash_lookup(struct inode *dp, const char *name, size_t len,
    uint32_t *inop, off_t *offp)
{
	struct ffs_dirhash *dh = dp->i_dirhash;
	uint32_t hash = ffs_namehash(name, len), i;
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
		la.la_ino = 0;
		if ((error = ffs_dirscan(dp, la.la_off, lookup_cb, &la)) != 0)
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
ffs_dir_find(struct inode *dp, const char *name, size_t len, uint32_t *inop,
    off_t *offp)
{
	struct lookup_arg la;
	int error;

	if (dp->i_dirhash == NULL && (dp->i_flag & IN_NODIRHASH) == 0 &&
	    dp->i_size >= FFS_DIRHASH_MINSIZE)
		dirhash_build(dp);
	if (dp->i_dirhash != NULL)
		return dirhash_lookup(dp, name, len, inop, offp);
	la.la_name = name;
	la.la_len = len;
	la.la_off = -1;
	la.la_ino = 0;
	la.la_found = -1;
	error = ffs_dirscan(dp, 0, lookup_cb, &la);
	*inop = la.la_ino;
	*offp = la.la_found;
	return error;
}

/*
 * Keep the hash of a directory being changed in step.  A failure (no
 * memory) drops the hash; it is rebuilt by the next lookup.
 */
void
ffs_dirhash_add(struct inode *dp, const char *name, size_t len, off_t off)
{
	if (dp->i_dirhash != NULL &&
	    dirhash_insert(dp->i_dirhash, name, len, off) != 0)
		ffs_dirhash_free(dp);
}

void
ffs_dirhash_remove(struct inode *dp, const char *name, size_t len, off_t off)
{
	struct ffs_dirhash *dh = dp->i_dirhash;
	struct dirhash_slot *slot;

	if (dh == NULL)
		return;
	if ((slot = dirhash_slot(dh, name, len, off)) == NULL) {
		ffs_dirhash_free(dp);
		return;
	}
	slot->ds_off = DH_TOMB;
	dh->dh_count--;
	dh->dh_ntomb++;
}

void
ffs_dirhash_move(struct inode *dp, const char *name, size_t len, off_t from,
    off_t to)
{
	struct dirhash_slot *slot;

	if (dp->i_dirhash == NULL)
		return;
	if ((slot = dirhash_slot(dp->i_dirhash, name, len, from)) == NULL)
		ffs_dirhash_free(dp);
	else
		slot->ds_off = (uint32_t)to + 1;
}

/* Record that chunk i of dp now has free bytes of room. */
void
ffs_dirhash_setfree(struct inode *dp, uint32_t i, uint32_t free)
{
	struct ffs_dirhash *dh = dp->i_dirhash;

	if (dh == NULL)
		return;
	if (i >= dh->dh_nchunks && dirhash_chunks(dh, i + 1) != 0) {
		ffs_dirhash_free(dp);
		return;
	}
	dh->dh_free[i] = (uint16_t)free;
}

/*
 * A chunk of dp with at least need bytes free (the first at or after the
 * one that last had room): its index, -1 if there is none, -2 if dp has
 * no hash to tell.
 */
int64_t
ffs_dirhash_findfree(struct inode *dp, uint32_t need)
{
	struct ffs_dirhash *dh = dp->i_dirhash;
	uint32_t i, n;

	if (dh == NULL)
		return -2;
	/* From where room was last found, so filling a directory is O(1). */
	for (n = 0; n < dh->dh_nchunks; n++) {
		i = (dh->dh_hint + n) % dh->dh_nchunks;
		if (dh->dh_free[i] >= need) {
			dh->dh_hint = i;
			return i;
		}
	}
	return -1;
}

/*
 * VOP_LOOKUP.  The entry is found with no vnode loaded; the buffer is
 * released before the inode is, as the buffer cache requires.
 */
int
ffs_lookup(struct vnode *dvp, const char *name, size_t len,
    struct vnode **vpp)
{
	struct inode *dp = VTOI(dvp);
	uint32_t ino = 0;
	off_t off;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if ((error = ffs_dirscan(dp, 0, dotdot_cb, &ino)) != 0)
			return error;
		if (ino == 0)
			return dir_bad(dp, 0, "no \"..\" entry");
	} else if (len > FFS_MAXNAMLEN) {
		return ENAMETOOLONG;
	} else {
		if ((error = ffs_dir_find(dp, name, len, &ino, &off)) != 0)
			return error;
		if (ino == 0)
			return ENOENT;
	}
	error = vcache_get(dvp->v_mount, ino, vpp);
	if (error == ENOENT) {
		kprintf("ffs: %s: directory inode %llu: entry \"%.*s\" "
		    "refers to free inode %u\n", dp->i_ump->um_devname,
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
readdir_cb(void *arg, const struct ffs_dent *de)
{
	struct readdir_arg *ra = arg;
	int error;

	error = vfs_dirent_put(ra->ra_uio, de->de_ino, de->de_name,
	    de->de_namlen, de->de_type, &ra->ra_full);
	if (error != 0)
		return error;
	if (ra->ra_full)
		return FFS_SCAN_STOP;
	ra->ra_uio->uio_offset = de->de_off + de->de_reclen;
	return 0;
}

/* VOP_READDIR: cookies are byte offsets of entries. */
int
ffs_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	struct inode *dp = VTOI(vp);
	struct readdir_arg ra = { uio, false };
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	*eofp = false;
	error = ffs_dirscan(dp, uio->uio_offset, readdir_cb, &ra);
	if (error == 0 && !ra.ra_full) {
		if (uio->uio_offset < (off_t)dp->i_size)
			uio->uio_offset = (off_t)dp->i_size;
		*eofp = true;
	}
	return error;
}
