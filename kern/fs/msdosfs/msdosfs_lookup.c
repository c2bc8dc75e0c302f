/*
 * msdosfs_lookup.c: directories: the entry scanner, the name index,
 * lookup (with "..", which FAT records only as a first cluster), and
 * readdir.
 *
 * Scanning.  msdosfs_dirscan() is the one place that reads directory
 * entries.  It walks the 32-byte slots from a start offset through the
 * buffer cache (a sector at a time in the FAT12/16 root region, a
 * cluster at a time elsewhere) until the end-of-directory slot or the
 * end of the chain.  Free slots, volume labels and long-name slots are
 * not entries; long-name slots are gathered (ordinals counting down from
 * the one marked last, all with the same checksum) and belong to the
 * short entry right after them if its checksum matches.  Orphan or
 * broken long-name slots are ignored, and the short name is used.  "."
 * and ".." count only as the first and second slot of a subdirectory;
 * such names anywhere else, and short names that cannot be shown (see
 * msdosfs_conv.c), are skipped.  The callback runs with a directory
 * buffer held: it must not read directory blocks or load a vnode.
 *
 * Index.  The first lookup in a directory builds an index of it with
 * one scan: an open-addressing table of (hash of the case-folded long
 * name, slot offsets) and one of (short name, slot offsets), kept with
 * the denode and changed with every entry added or removed.  A lookup
 * probes the long table (candidates are verified by re-reading their
 * entry) and then, if the name can be read as an 8.3 name, the short
 * table.  The short table is also what makes short names for new files
 * unique without reading the directory, and the index remembers where
 * the directory ends and where free slots may be, so that filling a
 * directory costs time linear in its size.
 *
 * Readdir cookies are slot offsets.  The root has no "." and ".."
 * entries on disk; its cookies 0 and 32 give them, and its slots are at
 * cookie - 64.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"
#include "denode.h"
#include "direntry.h"
#include "fat.h"
#include "msdosfs_extern.h"

#define IX_MINSLOTS	64
#define IX_TOMB		UINT32_MAX
#define ROOT_COOKIE0	64	/* root slots start at this cookie */

static const uint8_t dot_name[11] = ".          ";
static const uint8_t dotdot_name[11] = "..         ";

/* Long name slots gathered for the next short entry. */
struct lfnstate {
	uint16_t	ls_units[LFN_MAXSLOTS * LFN_CHARS];
	int		ls_count;	/* slots of the name */
	int		ls_next;	/* ordinal expected next, 0 complete */
	uint8_t		ls_chksum;
	uint32_t	ls_first;	/* offset of its first slot */
	bool		ls_active;
};

/* State of one scan. */
struct scanstate {
	struct lfnstate	ss_lfn;
	char		ss_name[NAME_MAX + 1];
	struct msdosfs_dent ss_de;
};

/*
 * Read the block of directory dp holding offset off: *pp points at the
 * slot, *availp is the bytes of the block from there.
 */
int
msdosfs_dirblk(struct denode *dp, uint32_t off, struct buf **bpp,
    uint8_t **pp, uint32_t *availp)
{
	struct msdosfsmount *pmp = dp->de_pmp;
	uint64_t devoff;
	uint32_t pcn;
	int error;

	if (off >= dp->de_size)
		return EIO;
	if (dp->de_flag & DE_FIXEDROOT) {
		devoff = pmp->pm_rootoff + off;
	} else {
		if ((error = msdosfs_map(dp)) != 0 ||
		    (error = msdosfs_pcn(dp, off >> pmp->pm_cshift, &pcn,
		    NULL)) != 0)
			return error;
		devoff = msdosfs_cn2off(pmp, pcn) + (off & (pmp->pm_csize - 1));
	}
	if ((error = msdosfs_entblk(pmp, devoff, bpp, pp)) != 0)
		return error;
	*availp = (uint32_t)((*bpp)->b_bcount - (*pp - (uint8_t *)(*bpp)->b_data));
	return 0;
}

/* Take long name slot p at offset off. */
static void
lfn_slot(struct lfnstate *ls, const uint8_t *p, uint32_t off)
{
	int ord = p[LFN_ORD] & LFN_ORDMASK, base, i;

	if (p[LFN_ORD] & LFN_LAST) {
		if (ord == 0 || ord > LFN_MAXSLOTS) {
			ls->ls_active = false;
			return;
		}
		ls->ls_active = true;
		ls->ls_count = ls->ls_next = ord;
		ls->ls_chksum = p[LFN_CHKSUM];
		ls->ls_first = off;
	} else if (!ls->ls_active || ord != ls->ls_next || ord == 0 ||
	    p[LFN_CHKSUM] != ls->ls_chksum) {
		ls->ls_active = false;
		return;
	}
	base = (ord - 1) * LFN_CHARS;
	for (i = 0; i < 5; i++)
		ls->ls_units[base + i] = msdosfs_rd16(p + LFN_NAME1 + 2 * i);
	for (i = 0; i < 6; i++)
		ls->ls_units[base + 5 + i] = msdosfs_rd16(p + LFN_NAME2 + 2 * i);
	for (i = 0; i < 2; i++)
		ls->ls_units[base + 11 + i] = msdosfs_rd16(p + LFN_NAME3 +
		    2 * i);
	ls->ls_next = ord - 1;
}

/*
 * The long name gathered for short entry p, if it is complete and
 * belongs to p: its length in units, else 0.
 */
static size_t
lfn_done(struct lfnstate *ls, const uint8_t *p)
{
	size_t n, i;

	if (!ls->ls_active || ls->ls_next != 0 ||
	    msdosfs_lfn_chksum(p) != ls->ls_chksum)
		return 0;
	n = (size_t)ls->ls_count * LFN_CHARS;
	for (i = 0; i < n; i++)
		if (ls->ls_units[i] == 0)
			break;
	return i <= LFN_MAXLEN ? i : 0;
}

/*
 * Decode short entry p at offset off (device offset devoff) into ss_de.
 * False if it is not to be shown.
 */
static bool
dent_make(struct denode *dp, struct scanstate *ss, const uint8_t *p,
    uint32_t off, uint64_t devoff)
{
	struct msdosfs_dent *de = &ss->ss_de;
	struct lfnstate *ls = &ss->ss_lfn;
	size_t n = lfn_done(ls, p);
	bool isroot = (dp->de_flag & DE_ROOT) != 0;

	ls->ls_active = false;
	memset(de, 0, sizeof(*de));
	de->de_off = off;
	de->de_devoff = devoff;
	de->de_raw = p;
	de->de_first = off;
	if (memcmp(p, dot_name, 11) == 0 || memcmp(p, dotdot_name, 11) == 0) {
		if (isroot || off != (p[1] == '.' ? DE_SIZE : 0) ||
		    (p[DE_ATTR] & ATTR_DIRECTORY) == 0)
			return false;
		de->de_dot = p[1] == '.' ? 2 : 1;
		de->de_name = (const char *)p;
		de->de_namlen = (size_t)de->de_dot;
		de->de_nslots = 1;
		return true;
	}
	if (n > 0 && msdosfs_utf16_to_utf8(ls->ls_units, n, ss->ss_name,
	    NAME_MAX, &de->de_namlen)) {
		de->de_first = ls->ls_first;
		de->de_lfn = ls->ls_units;
		de->de_lfnlen = n;
	} else if (!msdosfs_sfn_show(p, p[DE_NTRES], ss->ss_name,
	    &de->de_namlen)) {
		return false;
	}
	de->de_name = ss->ss_name;
	de->de_nslots = (off - de->de_first) / DE_SIZE + 1;
	return true;
}

/*
 * Call fn(arg, entry) for every entry of directory dp at or after slot
 * offset start, in order, until fn returns non-zero.  Returns 0 at the
 * end of the directory or when fn returned MSDOSFS_SCAN_STOP, else the
 * error.  *endp (endp may be NULL) gets the offset of the end-of-
 * directory slot, or the directory size, if the scan got there.
 */
int
msdosfs_dirscan(struct denode *dp, uint32_t start, msdosfs_scan_fn fn,
    void *arg, uint32_t *endp)
{
	struct scanstate ss;
	uint32_t off = start & ~(uint32_t)(DE_SIZE - 1), avail;
	struct buf *bp;
	uint8_t *p;
	uint64_t devoff;
	int error = 0;

	if ((error = msdosfs_map(dp)) != 0)
		return error;
	ss.ss_lfn.ls_active = false;
	while (error == 0 && off < dp->de_size) {
		if ((error = msdosfs_dirblk(dp, off, &bp, &p, &avail)) != 0)
			return error;
		devoff = (uint64_t)bp->b_blkno * DEV_BSIZE +
		    (uint64_t)(p - (uint8_t *)bp->b_data);
		for (; error == 0 && avail >= DE_SIZE && off < dp->de_size;
		    p += DE_SIZE, off += DE_SIZE, devoff += DE_SIZE,
		    avail -= DE_SIZE) {
			if (p[DE_NAME] == SLOT_EMPTY) {
				brelse(bp, 0);
				if (endp != NULL)
					*endp = off;
				return 0;
			}
			if (p[DE_NAME] == SLOT_DELETED) {
				ss.ss_lfn.ls_active = false;
			} else if ((p[DE_ATTR] & ATTR_LONGNAME_MASK) ==
			    ATTR_LONGNAME) {
				lfn_slot(&ss.ss_lfn, p, off);
			} else if (p[DE_ATTR] & ATTR_VOLUME) {
				ss.ss_lfn.ls_active = false;
			} else if (dent_make(dp, &ss, p, off, devoff)) {
				error = fn(arg, &ss.ss_de);
			}
		}
		brelse(bp, 0);
	}
	if (error == MSDOSFS_SCAN_STOP)
		return 0;
	if (error == 0 && endp != NULL)
		*endp = dp->de_size;
	return error;
}

/* ---------------------------------------------------------- the index */

struct ix_long {
	uint32_t	il_hash;
	uint32_t	il_first;
	uint32_t	il_off1;	/* short entry offset + 1; 0 empty */
};

struct ix_short {
	uint8_t		is_name[11];
	uint8_t		is_live;	/* 0 empty, 1 live, 2 removed */
	uint32_t	is_off;
	uint32_t	is_first;
};

struct msdosfs_dirindex {
	struct ix_long	*di_long;
	uint32_t	di_nlong, di_clong, di_tlong;	/* slots, live, tombs */
	struct ix_short	*di_short;
	uint32_t	di_nshort, di_cshort, di_tshort;
	uint32_t	di_end;		/* end-of-directory slot, or size */
	uint32_t	di_hint;	/* no free slot before this */
};

static uint32_t
shorthash(const uint8_t *name)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 11; i++)
		h = (h ^ name[i]) * 16777619u;
	return h;
}

void
msdosfs_index_free(struct denode *dp)
{
	struct msdosfs_dirindex *di = dp->de_index;

	if (di == NULL)
		return;
	if (di->di_long != NULL)
		kmem_free(di->di_long, di->di_nlong * sizeof(*di->di_long));
	if (di->di_short != NULL)
		kmem_free(di->di_short, di->di_nshort * sizeof(*di->di_short));
	kmem_free(di, sizeof(*di));
	dp->de_index = NULL;
}

static void
long_put(struct ix_long *t, uint32_t n, uint32_t hash, uint32_t first,
    uint32_t off1)
{
	uint32_t i = hash & (n - 1);

	while (t[i].il_off1 != 0)
		i = (i + 1) & (n - 1);
	t[i].il_hash = hash;
	t[i].il_first = first;
	t[i].il_off1 = off1;
}

static void
short_put(struct ix_short *t, uint32_t n, const uint8_t *name, uint32_t off,
    uint32_t first)
{
	uint32_t i = shorthash(name) & (n - 1);

	while (t[i].is_live != 0)
		i = (i + 1) & (n - 1);
	memcpy(t[i].is_name, name, 11);
	t[i].is_live = 1;
	t[i].is_off = off;
	t[i].is_first = first;
}

/* Rehash the long table to be at most a quarter full; ENOMEM. */
static int
long_grow(struct msdosfs_dirindex *di)
{
	uint32_t n = IX_MINSLOTS, i;
	struct ix_long *nt;

	while (n < 4 * (di->di_clong + 1))
		n *= 2;
	if ((nt = kmem_zalloc(n * sizeof(*nt))) == NULL)
		return ENOMEM;
	for (i = 0; i < di->di_nlong; i++)
		if (di->di_long[i].il_off1 != 0 &&
		    di->di_long[i].il_off1 != IX_TOMB)
			long_put(nt, n, di->di_long[i].il_hash,
			    di->di_long[i].il_first, di->di_long[i].il_off1);
	if (di->di_long != NULL)
		kmem_free(di->di_long, di->di_nlong * sizeof(*nt));
	di->di_long = nt;
	di->di_nlong = n;
	di->di_tlong = 0;
	return 0;
}

static int
short_grow(struct msdosfs_dirindex *di)
{
	uint32_t n = IX_MINSLOTS, i;
	struct ix_short *nt;

	while (n < 4 * (di->di_cshort + 1))
		n *= 2;
	if ((nt = kmem_zalloc(n * sizeof(*nt))) == NULL)
		return ENOMEM;
	for (i = 0; i < di->di_nshort; i++)
		if (di->di_short[i].is_live == 1)
			short_put(nt, n, di->di_short[i].is_name,
			    di->di_short[i].is_off, di->di_short[i].is_first);
	if (di->di_short != NULL)
		kmem_free(di->di_short, di->di_nshort * sizeof(*nt));
	di->di_short = nt;
	di->di_nshort = n;
	di->di_tshort = 0;
	return 0;
}

/* Enter entry de into the index; ENOMEM. */
static int
index_insert(struct msdosfs_dirindex *di, const struct msdosfs_dent *de)
{
	int error;

	if (2 * (di->di_cshort + di->di_tshort + 1) > di->di_nshort &&
	    (error = short_grow(di)) != 0)
		return error;
	short_put(di->di_short, di->di_nshort, de->de_raw, de->de_off,
	    de->de_first);
	di->di_cshort++;
	if (de->de_lfn == NULL)
		return 0;
	if (2 * (di->di_clong + di->di_tlong + 1) > di->di_nlong &&
	    (error = long_grow(di)) != 0)
		return error;
	long_put(di->di_long, di->di_nlong, msdosfs_namehash(de->de_lfn,
	    de->de_lfnlen), de->de_first, de->de_off + 1);
	di->di_clong++;
	return 0;
}

static int
index_build_cb(void *arg, const struct msdosfs_dent *de)
{
	if (de->de_dot != 0)
		return 0;
	return index_insert(arg, de);
}

/* Make sure directory dp has its index (built with one scan). */
int
msdosfs_index_get(struct denode *dp)
{
	struct msdosfs_dirindex *di;
	int error;

	if (dp->de_index != NULL)
		return 0;
	if ((di = kmem_zalloc(sizeof(*di))) == NULL)
		return ENOMEM;
	if ((error = long_grow(di)) == 0 && (error = short_grow(di)) == 0)
		error = msdosfs_dirscan(dp, 0, index_build_cb, di, &di->di_end);
	dp->de_index = di;
	if (error != 0)
		msdosfs_index_free(dp);
	return error;
}

/* Keep the index of dp in step with a new entry; ENOMEM drops it. */
void
msdosfs_index_add(struct denode *dp, const struct msdosfs_dent *de)
{
	if (dp->de_index != NULL && index_insert(dp->de_index, de) != 0)
		msdosfs_index_free(dp);
}

/* ... and with an entry removed. */
void
msdosfs_index_remove(struct denode *dp, const struct msdosfs_dent *de)
{
	struct msdosfs_dirindex *di = dp->de_index;
	uint32_t i, h;

	if (di == NULL)
		return;
	for (i = shorthash(de->de_raw) & (di->di_nshort - 1);
	    di->di_short[i].is_live != 0; i = (i + 1) & (di->di_nshort - 1)) {
		if (di->di_short[i].is_live == 1 &&
		    di->di_short[i].is_off == de->de_off) {
			di->di_short[i].is_live = 2;
			di->di_cshort--;
			di->di_tshort++;
			break;
		}
	}
	if (de->de_lfn != NULL) {
		h = msdosfs_namehash(de->de_lfn, de->de_lfnlen);
		for (i = h & (di->di_nlong - 1); di->di_long[i].il_off1 != 0;
		    i = (i + 1) & (di->di_nlong - 1)) {
			if (di->di_long[i].il_off1 == de->de_off + 1) {
				di->di_long[i].il_off1 = IX_TOMB;
				di->di_clong--;
				di->di_tlong++;
				break;
			}
		}
	}
	di->di_hint = MIN(di->di_hint, de->de_first);
}

/* Is short name sfn taken in dp (which has its index)? */
bool
msdosfs_index_hasshort(struct denode *dp, const uint8_t *sfn)
{
	struct msdosfs_dirindex *di = dp->de_index;
	uint32_t i;

	for (i = shorthash(sfn) & (di->di_nshort - 1);
	    di->di_short[i].is_live != 0; i = (i + 1) & (di->di_nshort - 1))
		if (di->di_short[i].is_live == 1 &&
		    memcmp(di->di_short[i].is_name, sfn, 11) == 0)
			return true;
	return false;
}

/*
 * Find n consecutive free slots in dp (which has its index): *offp is
 * the first, or UINT32_MAX when the directory must grow.  Slots from the
 * end-of-directory slot on are all free.
 */
int
msdosfs_index_room(struct denode *dp, uint32_t n, uint32_t *offp)
{
	struct msdosfs_dirindex *di = dp->de_index;
	uint32_t off = di->di_hint, run = 0, start = 0, avail, firstfree;
	struct buf *bp;
	uint8_t *p;
	int error;

	firstfree = di->di_end;
	while (off < di->di_end) {
		if ((error = msdosfs_dirblk(dp, off, &bp, &p, &avail)) != 0)
			return error;
		for (; avail >= DE_SIZE && off < di->di_end; p += DE_SIZE,
		    off += DE_SIZE, avail -= DE_SIZE) {
			if (p[DE_NAME] != SLOT_DELETED &&
			    p[DE_NAME] != SLOT_EMPTY) {
				run = 0;
				continue;
			}
			firstfree = MIN(firstfree, off);
			if (run++ == 0)
				start = off;
			if (run == n)
				break;
		}
		brelse(bp, 0);
		if (run == n)
			break;
	}
	di->di_hint = firstfree;
	if (run == 0)
		start = di->di_end;
	if (run == n || (uint64_t)start + (uint64_t)n * DE_SIZE <= dp->de_size)
		*offp = start;
	else
		*offp = UINT32_MAX;
	return 0;
}

/*
 * Slots [off, off + n * DE_SIZE) of dp are now in use.  True if they
 * reach past the end-of-directory slot, which must then move.
 */
bool
msdosfs_index_used(struct denode *dp, uint32_t off, uint32_t n)
{
	struct msdosfs_dirindex *di = dp->de_index;
	uint32_t end = off + n * DE_SIZE;
	bool past = false;

	if (di == NULL)
		return false;
	if (end > di->di_end) {
		di->di_end = end;
		past = true;
	}
	if (di->di_hint >= off && di->di_hint < end)
		di->di_hint = end;
	return past;
}

/* ------------------------------------------------------------- lookup */

struct verify_arg {
	const uint16_t	*va_name;
	size_t		va_len;
	uint32_t	va_off;		/* the short entry expected */
	struct msdosfs_dent *va_out;
	bool		va_found;
};

static bool
folded_equal(const uint16_t *a, size_t alen, const uint16_t *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (msdosfs_upcase(a[i]) != msdosfs_upcase(b[i]))
			return false;
	return true;
}

static int
verify_cb(void *arg, const struct msdosfs_dent *de)
{
	struct verify_arg *va = arg;

	if (de->de_off == va->va_off && de->de_lfn != NULL &&
	    folded_equal(de->de_lfn, de->de_lfnlen, va->va_name,
	    va->va_len)) {
		*va->va_out = *de;
		va->va_found = true;
	}
	return MSDOSFS_SCAN_STOP;
}

/* The device offset of slot off of directory dp. */
int
msdosfs_dir_devoff(struct denode *dp, uint32_t off, uint64_t *devoffp)
{
	struct msdosfsmount *pmp = dp->de_pmp;
	uint32_t pcn;
	int error;

	if (dp->de_flag & DE_FIXEDROOT) {
		*devoffp = pmp->pm_rootoff + off;
		return 0;
	}
	if ((error = msdosfs_pcn(dp, off >> pmp->pm_cshift, &pcn, NULL)) != 0)
		return error;
	*devoffp = msdosfs_cn2off(pmp, pcn) + (off & (pmp->pm_csize - 1));
	return 0;
}

/*
 * Find name (len bytes of UTF-8) in directory dp, case folded, by its
 * long name or its short name.  ENOENT if absent; else *de describes
 * the entry (offsets, slots; its pointers are not valid any more).
 */
int
msdosfs_dir_find(struct denode *dp, const char *name, size_t len,
    struct msdosfs_dent *de)
{
	struct msdosfs_dirindex *di;
	uint16_t u[LFN_MAXLEN];
	struct verify_arg va;
	uint8_t sfn[11];
	uint32_t h, i;
	size_t n;
	int error;

	if ((error = msdosfs_utf8_to_utf16(name, len, u, &n)) != 0)
		return error == EINVAL ? ENOENT : error;
	if ((error = msdosfs_index_get(dp)) != 0)
		return error;
	di = dp->de_index;
	h = msdosfs_namehash(u, n);
	for (i = h & (di->di_nlong - 1); di->di_long[i].il_off1 != 0;
	    i = (i + 1) & (di->di_nlong - 1)) {
		if (di->di_long[i].il_hash != h ||
		    di->di_long[i].il_off1 == IX_TOMB)
			continue;
		va.va_name = u;
		va.va_len = n;
		va.va_off = di->di_long[i].il_off1 - 1;
		va.va_out = de;
		va.va_found = false;
		if ((error = msdosfs_dirscan(dp, di->di_long[i].il_first,
		    verify_cb, &va, NULL)) != 0)
			return error;
		if (va.va_found)
			goto found;
	}
	if (!msdosfs_sfn_key(u, n, sfn))
		return ENOENT;
	for (i = shorthash(sfn) & (di->di_nshort - 1);
	    di->di_short[i].is_live != 0; i = (i + 1) & (di->di_nshort - 1)) {
		if (di->di_short[i].is_live == 1 &&
		    memcmp(di->di_short[i].is_name, sfn, 11) == 0) {
			memset(de, 0, sizeof(*de));
			de->de_off = di->di_short[i].is_off;
			de->de_first = di->di_short[i].is_first;
			de->de_nslots = (de->de_off - de->de_first) / DE_SIZE +
			    1;
			if ((error = msdosfs_dir_devoff(dp, de->de_off,
			    &de->de_devoff)) != 0)
				return error;
			goto found;
		}
	}
	return ENOENT;
found:
	de->de_raw = NULL;
	de->de_name = NULL;
	de->de_lfn = NULL;
	return 0;
}

/* ------------------------------------------------ ".." and first clusters */

struct dirmap_slot {
	uint32_t	dm_clust;	/* 0 empty, 1 removed */
	ino_t		dm_key;
};

struct msdosfs_dirmap {
	struct dirmap_slot *dm_slots;
	uint32_t	dm_n, dm_count, dm_tombs;
};

static uint32_t
clusthash(uint32_t c)
{
	return c * 0x9e3779b1u;
}

static int
dirmap_grow(struct msdosfs_dirmap *dm)
{
	struct dirmap_slot *ns;
	uint32_t n = IX_MINSLOTS, i, j;

	while (n < 4 * (dm->dm_count + 1))
		n *= 2;
	if ((ns = kmem_zalloc(n * sizeof(*ns))) == NULL)
		return ENOMEM;
	for (i = 0; i < dm->dm_n; i++) {
		if (dm->dm_slots[i].dm_clust < CLUST_FIRST)
			continue;
		for (j = clusthash(dm->dm_slots[i].dm_clust) & (n - 1);
		    ns[j].dm_clust != 0; j = (j + 1) & (n - 1))
			continue;
		ns[j] = dm->dm_slots[i];
	}
	if (dm->dm_slots != NULL)
		kmem_free(dm->dm_slots, dm->dm_n * sizeof(*ns));
	dm->dm_slots = ns;
	dm->dm_n = n;
	dm->dm_tombs = 0;
	return 0;
}

static struct dirmap_slot *
dirmap_find(struct msdosfsmount *pmp, uint32_t clust)
{
	struct msdosfs_dirmap *dm = pmp->pm_dirmap;
	uint32_t i;

	if (dm == NULL || dm->dm_n == 0)
		return NULL;
	for (i = clusthash(clust) & (dm->dm_n - 1); dm->dm_slots[i].dm_clust !=
	    0; i = (i + 1) & (dm->dm_n - 1))
		if (dm->dm_slots[i].dm_clust == clust)
			return &dm->dm_slots[i];
	return NULL;
}

/* Remember that the directory starting at clust has key key. */
int
msdosfs_dirmap_set(struct msdosfsmount *pmp, uint32_t clust, ino_t key)
{
	struct msdosfs_dirmap *dm = pmp->pm_dirmap;
	struct dirmap_slot *s;
	uint32_t i;
	int error;

	if ((s = dirmap_find(pmp, clust)) != NULL) {
		s->dm_key = key;
		return 0;
	}
	if (dm == NULL) {
		if ((dm = kmem_zalloc(sizeof(*dm))) == NULL)
			return ENOMEM;
		pmp->pm_dirmap = dm;
	}
	if (2 * (dm->dm_count + dm->dm_tombs + 1) > dm->dm_n &&
	    (error = dirmap_grow(dm)) != 0)
		return error;
	for (i = clusthash(clust) & (dm->dm_n - 1); dm->dm_slots[i].dm_clust >=
	    CLUST_FIRST; i = (i + 1) & (dm->dm_n - 1))
		continue;
	if (dm->dm_slots[i].dm_clust == 1)
		dm->dm_tombs--;
	dm->dm_slots[i].dm_clust = clust;
	dm->dm_slots[i].dm_key = key;
	dm->dm_count++;
	return 0;
}

void
msdosfs_dirmap_clear(struct msdosfsmount *pmp, uint32_t clust)
{
	struct dirmap_slot *s;

	if ((s = dirmap_find(pmp, clust)) != NULL) {
		s->dm_clust = 1;
		pmp->pm_dirmap->dm_count--;
		pmp->pm_dirmap->dm_tombs++;
	}
}

void
msdosfs_dirmap_free(struct msdosfsmount *pmp)
{
	struct msdosfs_dirmap *dm = pmp->pm_dirmap;

	if (dm == NULL)
		return;
	if (dm->dm_slots != NULL)
		kmem_free(dm->dm_slots, dm->dm_n * sizeof(*dm->dm_slots));
	kmem_free(dm, sizeof(*dm));
	pmp->pm_dirmap = NULL;
}

/* The first cluster named by short entry p. */
static uint32_t
entry_start(const struct msdosfsmount *pmp, const uint8_t *p)
{
	uint32_t c = msdosfs_rd16(p + DE_CLUSTLO);

	if (pmp->pm_fattype == 32)
		c |= (uint32_t)msdosfs_rd16(p + DE_CLUSTHI) << 16;
	return c;
}

/* Is first cluster c (of a ".." entry) the root? */
static bool
is_rootclust(const struct msdosfsmount *pmp, uint32_t c)
{
	return c == 0 || (pmp->pm_fattype == 32 && c == pmp->pm_rootclust);
}

/*
 * The first cluster the ".." entry of the directory starting at cluster
 * c names (the directory's second slot).
 */
static int
dotdot_clust(struct msdosfsmount *pmp, uint32_t c, uint32_t *pcp)
{
	struct buf *bp;
	uint8_t *p;
	int error;

	if (c < CLUST_FIRST || c > pmp->pm_maxclust)
		return EIO;
	if ((error = msdosfs_entblk(pmp, msdosfs_cn2off(pmp, c) + DE_SIZE,
	    &bp, &p)) != 0)
		return error;
	if (memcmp(p, dotdot_name, 11) != 0 ||
	    (p[DE_ATTR] & ATTR_DIRECTORY) == 0) {
		brelse(bp, 0);
		kprintf("msdosfs: %s: directory at cluster %u has no \"..\" "
		    "entry\n", pmp->pm_devname, c);
		return EIO;
	}
	*pcp = entry_start(pmp, p);
	brelse(bp, 0);
	return 0;
}

struct findclust_arg {
	uint32_t	fa_clust;
	const struct msdosfsmount *fa_pmp;
	ino_t		fa_key;
};

static int
findclust_cb(void *arg, const struct msdosfs_dent *de)
{
	struct findclust_arg *fa = arg;

	if (de->de_dot == 0 && (de->de_raw[DE_ATTR] & ATTR_DIRECTORY) &&
	    entry_start(fa->fa_pmp, de->de_raw) == fa->fa_clust) {
		fa->fa_key = (ino_t)(de->de_devoff >> DE_SHIFT);
		return MSDOSFS_SCAN_STOP;
	}
	return 0;
}

/*
 * The key of the directory whose first cluster is c (not the root): from
 * the map, or by finding its entry in its parent, which its ".." names.
 */
static int
dir_key(struct msdosfsmount *pmp, uint32_t c, ino_t *keyp)
{
	struct findclust_arg fa = { c, pmp, 0 };
	struct dirmap_slot *s;
	struct denode *gp;
	uint32_t gc;
	int error;

	if ((s = dirmap_find(pmp, c)) != NULL) {
		*keyp = s->dm_key;
		return 0;
	}
	if ((error = dotdot_clust(pmp, c, &gc)) != 0)
		return error;
	if ((gp = kmem_zalloc(sizeof(*gp))) == NULL)
		return ENOMEM;
	gp->de_pmp = pmp;
	gp->de_key = MSDOSFS_ROOTINO;
	gp->de_attr = ATTR_DIRECTORY;
	if (is_rootclust(pmp, gc) && pmp->pm_fattype != 32) {
		gp->de_flag = DE_ROOT | DE_FIXEDROOT | DE_MAPPED;
		gp->de_size = pmp->pm_rootsize;
	} else {
		gp->de_flag = is_rootclust(pmp, gc) ? DE_ROOT : 0;
		gp->de_start = is_rootclust(pmp, gc) ? pmp->pm_rootclust : gc;
	}
	error = msdosfs_dirscan(gp, 0, findclust_cb, &fa, NULL);
	msdosfs_denode_free(gp);
	if (error == 0 && fa.fa_key == 0) {
		kprintf("msdosfs: %s: directory at cluster %u is not in its "
		    "parent\n", pmp->pm_devname, c);
		error = EIO;
	}
	if (error == 0) {
		*keyp = fa.fa_key;
		(void)msdosfs_dirmap_set(pmp, c, fa.fa_key);
	}
	return error;
}

/* The key of the parent of directory dp. */
static int
parent_key(struct denode *dp, ino_t *keyp)
{
	struct msdosfsmount *pmp = dp->de_pmp;
	uint32_t pc;
	int error;

	if (dp->de_flag & DE_ROOT) {
		*keyp = MSDOSFS_ROOTINO;
		return 0;
	}
	if ((error = dotdot_clust(pmp, dp->de_start, &pc)) != 0)
		return error;
	if (is_rootclust(pmp, pc)) {
		*keyp = MSDOSFS_ROOTINO;
		return 0;
	}
	return dir_key(pmp, pc, keyp);
}

/*
 * VOP_LOOKUP.  The entry is found with no vnode loaded and no buffer
 * held; then its vnode is got by key.
 */
int
msdosfs_lookup(struct vnode *dvp, const char *name, size_t len,
    struct vnode **vpp)
{
	struct denode *dp = VTODE(dvp);
	struct msdosfs_dent de;
	ino_t key;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if ((error = parent_key(dp, &key)) != 0)
			return error;
	} else {
		if ((error = msdosfs_dir_find(dp, name, len, &de)) != 0)
			return error;
		key = (ino_t)(de.de_devoff >> DE_SHIFT);
	}
	if ((error = vcache_get(dvp->v_mount, key, vpp)) == ENOENT)
		error = EIO;	/* the index or the map pointed at nothing */
	return error;
}

/* ------------------------------------------------------------ readdir */

struct readdir_arg {
	struct uio	*ra_uio;
	struct denode	*ra_dp;
	ino_t		ra_parent;
	uint32_t	ra_cookie0;	/* cookie of slot 0 */
	bool		ra_full;
};

static int
readdir_put(struct readdir_arg *ra, ino_t ino, const char *name, size_t len,
    uint8_t type, off_t next)
{
	int error;

	error = vfs_dirent_put(ra->ra_uio, ino, name, len, type, &ra->ra_full);
	if (error != 0)
		return error;
	if (ra->ra_full)
		return MSDOSFS_SCAN_STOP;
	ra->ra_uio->uio_offset = next;
	return 0;
}

static int
readdir_cb(void *arg, const struct msdosfs_dent *de)
{
	struct readdir_arg *ra = arg;
	ino_t ino = (ino_t)(de->de_devoff >> DE_SHIFT);

	if (de->de_dot == 1)
		ino = ra->ra_dp->de_key;
	else if (de->de_dot == 2)
		ino = ra->ra_parent;
	return readdir_put(ra, ino, de->de_name, de->de_namlen,
	    (de->de_raw[DE_ATTR] & ATTR_DIRECTORY) ? DT_DIR : DT_REG,
	    (off_t)ra->ra_cookie0 + de->de_off + DE_SIZE);
}

/* VOP_READDIR: cookies are slot offsets (see the header comment). */
int
msdosfs_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	struct denode *dp = VTODE(vp);
	struct readdir_arg ra = { uio, dp, MSDOSFS_ROOTINO, 0, false };
	off_t off = uio->uio_offset;
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (off < 0)
		return EINVAL;
	*eofp = false;
	if (dp->de_flag & DE_ROOT) {
		ra.ra_cookie0 = ROOT_COOKIE0;
		if (off == 0 && (error = readdir_put(&ra, dp->de_key, ".", 1,
		    DT_DIR, DE_SIZE)) != 0)
			return error == MSDOSFS_SCAN_STOP ? 0 : error;
		if (uio->uio_offset == DE_SIZE && (error = readdir_put(&ra,
		    dp->de_key, "..", 2, DT_DIR, ROOT_COOKIE0)) != 0)
			return error == MSDOSFS_SCAN_STOP ? 0 : error;
		off = MAX(uio->uio_offset, ROOT_COOKIE0) - ROOT_COOKIE0;
	} else if (off <= DE_SIZE &&
	    (error = parent_key(dp, &ra.ra_parent)) != 0) {
		return error;
	}
	if (off >= dp->de_size) {
		*eofp = true;
		return 0;
	}
	error = msdosfs_dirscan(dp, (uint32_t)off, readdir_cb, &ra, NULL);
	if (error == 0 && !ra.ra_full) {
		uio->uio_offset = (off_t)ra.ra_cookie0 + dp->de_size;
		*eofp = true;
	}
	return error;
}
