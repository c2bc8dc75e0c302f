/*
 * ffs_fsck.c: check and repair an FFS that is not mounted (fsu_fsck).
 *
 * The checker works like the BSD fsck_ffs, in passes over the device,
 * reading cylinder groups and inode tables in block order:
 *
 *  1  every inode: its type, size and block pointers.  Each pointer must
 *     lie in the data area of the file system (never in the boot area, a
 *     superblock, a cylinder group header, an inode table or the summary
 *     area), and each fragment may belong to one file only: the first
 *     claim (lowest inode) keeps it, a later one is a duplicate.  The
 *     blocks each inode holds must match its di_blocks.
 *  2  every directory: its chunks and entries, "." and "..", the inodes
 *     entries name (in range, allocated, of the type d_type says).
 *     References to every inode are counted.
 *  3  connectivity: every directory reaches the root through the entries
 *     that name it, and its ".." names that parent.
 *  4  link counts: di_nlink against the entries counted; unreferenced
 *     inodes are cleared (no data) or put into /lost+found.
 *  5  the cylinder groups' inode, fragment and cluster maps, fragment and
 *     cluster summaries and counts, the summary area and the superblock
 *     totals are computed from what passes 1-4 found and compared.
 *
 * Memory is one small record per inode and one bit per fragment, plus a
 * record per directory.  Repairs that change what pass 1 would find
 * (clearing an inode, cutting a file at a duplicate or bad block) make
 * the check start again from pass 1, a bounded number of times; the
 * other repairs are made in place.  Pass 5 rewrites what it finds wrong
 * from the computed state, so maps and counts are always rebuilt from
 * what is allocated.  The clean flag is set at the end only when no
 * problem is left, after everything else is on the device.
 */

#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/fsck.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "../../dev/blk.h"
#include "dinode.h"
#include "dir.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

#include <stdarg.h>

/* Per-inode state. */
#define IS_FREE		0
#define IS_FILE		1	/* allocated, not a directory */
#define IS_DIR		2	/* allocated directory */

/* is_flags */
#define IF_BAD		0x01	/* a block pointer is unusable: clear */
#define IF_CUT		0x02	/* cut at is_cut (duplicate or bad block) */
#define IF_REACHED	0x04	/* pass 3: connected to the root */

struct istate {
	uint8_t		is_state;
	uint8_t		is_type;	/* mode >> 12 */
	uint8_t		is_flags;
	int16_t		is_nlink;	/* di_nlink */
	uint32_t	is_refs;	/* entries naming it */
	int64_t		is_cut;		/* first logical block to drop */
};

struct dinfo {
	uint32_t	d_ino;
	uint32_t	d_parent;	/* first directory naming it, or 0 */
	uint32_t	d_dotdot;	/* what its ".." says, or 0 */
	uint32_t	d_nparents;
	uint32_t	d_first;	/* survey: first directory naming it */
	uint32_t	d_chosen;	/* the one that keeps its entry */
	bool		d_named_by_dotdot; /* survey: its ".." names it */
};

/* Survey of pass 2: a directory entry naming a directory. */
struct dlink {
	uint32_t	l_parent;
	uint32_t	l_child;
};

/* How a problem may be fixed. */
#define FIX_PREEN	1	/* in -p and -y */
#define FIX_YES		2	/* in -y only */

#define MAXRUNS		4	/* pass 1 restarts at most this often */
#define MAXREPORT	2000	/* messages at most, then a count */
#define MAXDIRSIZE	(1ULL << 31)

struct fck {
	struct ufsmount	*k_ump;
	struct fs	*k_fs;
	struct fsck_args *k_fa;
	int		k_mode;
	uint64_t	k_maxino;
	struct istate	*k_ist;
	uint8_t		*k_used;	/* one bit per fragment: claimed */
	size_t		k_usedlen;
	struct dinfo	*k_dirs;	/* sorted by inode */
	size_t		k_ndirs, k_dircap;
	uint32_t	*k_inited;	/* per group: inodes initialised */
	bool		*k_cgbad;	/* per group: header unusable */
	uint64_t	k_nclaimed;
	uint64_t	k_reported;
	bool		k_restart;	/* pass 1 must run again */
	bool		k_unfixed;	/* a problem was left */
	bool		k_ioerror;
	uint64_t	k_found;	/* problems found in this round */
	bool		k_survey;	/* pass 2 survey: silent, no fixes */
	struct dlink	*k_links;	/* survey results */
	size_t		k_nlinks, k_linkcap;
	uint8_t		*k_blk;		/* one block of scratch */
	uint32_t	k_lfino;	/* lost+found, or 0 */
};

/* ------------------------------------------------------------ messages */

static void
say(struct fck *k, const char *fmt, ...) __printflike(2, 3);

static void
say(struct fck *k, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (k->k_fa->fa_print != NULL)
		k->k_fa->fa_print(k->k_fa->fa_arg, msg);
}

/*
 * A problem: report it and say whether to fix it.  how is FIX_PREEN or
 * FIX_YES; 0 for one that is never fixed.
 */
static bool
problem(struct fck *k, int how, const char *fmt, ...) __printflike(3, 4);

static bool
vproblem(struct fck *k, int how, const char *fmt, va_list ap)
{
	char msg[400];
	const char *what;
	bool fix;

	if (k->k_survey)
		return false;
	fix = how != 0 && ((k->k_mode == FSCK_PREEN && how == FIX_PREEN) ||
	    k->k_mode == FSCK_YES);
	k->k_fa->fa_found++;
	k->k_found++;
	if (fix)
		k->k_fa->fa_fixed++;
	else
		k->k_unfixed = true;
	if (k->k_reported++ >= MAXREPORT) {
		if (k->k_reported == MAXREPORT + 1)
			say(k, "too many problems; no more are listed");
		return fix;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (k->k_mode == FSCK_NOWRITE)
		what = "";
	else if (fix)
		what = " (fixed)";
	else if (k->k_mode == FSCK_PREEN && how == FIX_YES)
		what = " (not fixed in preen mode: run with -y)";
	else
		what = " (not fixed)";
	say(k, "%s%s", msg, what);
	return fix;
}

static bool
problem(struct fck *k, int how, const char *fmt, ...)
{
	va_list ap;
	bool fix;

	va_start(ap, fmt);
	fix = vproblem(k, how, fmt, ap);
	va_end(ap);
	return fix;
}

static void
debug(struct fck *k, const char *fmt, ...) __printflike(2, 3);

static void
debug(struct fck *k, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if ((k->k_fa->fa_flags & FSCK_DEBUG) == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say(k, "%s", msg);
}

/* ---------------------------------------------------------- device I/O */

static int
rd(struct fck *k, int64_t frag, int len, struct buf **bpp)
{
	int error;

	error = bread(k->k_ump->um_devvp, ffs_fsbtodb(k->k_fs, frag), len,
	    bpp);
	if (error != 0) {
		k->k_ioerror = true;
		say(k, "cannot read fragment %lld (%d bytes): error %d",
		    (long long)frag, len, error);
	}
	return error;
}

static int
wr(struct fck *k, struct buf *bp)
{
	int error = bwrite(bp);

	k->k_fa->fa_modified = true;
	if (error != 0) {
		k->k_ioerror = true;
		say(k, "cannot write: error %d", error);
	}
	return error;
}

/* --------------------------------------------------------- the layout */

static inline uint32_t
frag_cg(const struct fs *fs, int64_t f)
{
	return (uint32_t)(f / fs->fs_fpg);
}

/*
 * Is fragment f file system metadata: the boot area and superblock, a
 * group's backup superblock, header and inode table, or the summary
 * area?
 */
static bool
is_meta(const struct fs *fs, int64_t f)
{
	uint32_t c = frag_cg(fs, f);
	int64_t lo, hi;

	lo = c == 0 ? 0 : ffs_cgstart(fs, c) + fs->fs_sblkno;
	hi = ffs_cgstart(fs, c) + fs->fs_dblkno;
	if (f >= lo && f < hi)
		return true;
	return f >= fs->fs_csaddr && f < fs->fs_csaddr +
	    howmany((int64_t)fs->fs_cssize, fs->fs_fsize);
}

static inline bool
used_test(const struct fck *k, int64_t f)
{
	return (k->k_used[f >> 3] >> (f & 7)) & 1;
}

static inline void
used_set(struct fck *k, int64_t f)
{
	k->k_used[f >> 3] |= (uint8_t)(1 << (f & 7));
}

/* ----------------------------------------------------------- inodes */

static inline int64_t
din_db(const struct fck *k, const union ffs_dinode *d, int i)
{
	return k->k_ump->um_ufs2 ? d->ffs2.di_db[i] : d->ffs1.di_db[i];
}

static inline int64_t
din_ib(const struct fck *k, const union ffs_dinode *d, int i)
{
	return k->k_ump->um_ufs2 ? d->ffs2.di_ib[i] : d->ffs1.di_ib[i];
}

static inline void
din_setdb(const struct fck *k, union ffs_dinode *d, int i, int64_t v)
{
	if (k->k_ump->um_ufs2)
		d->ffs2.di_db[i] = v;
	else
		d->ffs1.di_db[i] = (int32_t)v;
}

static inline void
din_setib(const struct fck *k, union ffs_dinode *d, int i, int64_t v)
{
	if (k->k_ump->um_ufs2)
		d->ffs2.di_ib[i] = v;
	else
		d->ffs1.di_ib[i] = (int32_t)v;
}

static inline uint64_t
din_blocks(const struct fck *k, const union ffs_dinode *d)
{
	return k->k_ump->um_ufs2 ? d->ffs2.di_blocks : d->ffs1.di_blocks;
}

static inline void
din_setblocks(const struct fck *k, union ffs_dinode *d, uint64_t v)
{
	if (k->k_ump->um_ufs2)
		d->ffs2.di_blocks = v;
	else
		d->ffs1.di_blocks = (uint32_t)v;
}

static inline uint64_t
din_size(const struct fck *k, const union ffs_dinode *d)
{
	return k->k_ump->um_ufs2 ? d->ffs2.di_size : d->ffs1.di_size;
}

static inline void
din_setsize(const struct fck *k, union ffs_dinode *d, uint64_t v)
{
	if (k->k_ump->um_ufs2)
		d->ffs2.di_size = v;
	else
		d->ffs1.di_size = v;
}

static inline uint16_t
din_mode(const struct fck *k, const union ffs_dinode *d)
{
	return k->k_ump->um_ufs2 ? d->ffs2.di_mode : d->ffs1.di_mode;
}

static inline int16_t
din_nlink(const struct fck *k, const union ffs_dinode *d)
{
	return k->k_ump->um_ufs2 ? d->ffs2.di_nlink : d->ffs1.di_nlink;
}

static inline void
din_setnlink(const struct fck *k, union ffs_dinode *d, int16_t v)
{
	if (k->k_ump->um_ufs2)
		d->ffs2.di_nlink = v;
	else
		d->ffs1.di_nlink = v;
}

/* Read inode ino into *d. */
static int
iget(struct fck *k, uint64_t ino, union ffs_dinode *d)
{
	struct fs *fs = k->k_fs;
	struct buf *bp;
	int error;

	if ((error = rd(k, ffs_ino_to_fsba(fs, ino), fs->fs_bsize, &bp)) != 0)
		return error;
	ffs_dinode_decode(k->k_ump, (uint8_t *)bp->b_data +
	    (size_t)ffs_ino_to_fsbo(fs, ino) * k->k_ump->um_isize, d);
	brelse(bp, 0);
	return 0;
}

/* Write *d as inode ino. */
static int
iput(struct fck *k, uint64_t ino, const union ffs_dinode *d)
{
	struct fs *fs = k->k_fs;
	struct buf *bp;
	int error;

	if ((error = rd(k, ffs_ino_to_fsba(fs, ino), fs->fs_bsize, &bp)) != 0)
		return error;
	ffs_dinode_encode(k->k_ump, d, (uint8_t *)bp->b_data +
	    (size_t)ffs_ino_to_fsbo(fs, ino) * k->k_ump->um_isize);
	return wr(k, bp);
}

/* Clear inode ino on the device (it becomes free). */
static int
iclear(struct fck *k, uint64_t ino)
{
	union ffs_dinode d;

	memset(&d, 0, sizeof(d));
	k->k_ist[ino].is_state = IS_FREE;
	return iput(k, ino, &d);
}

/* ---------------------------------------------------- the block walk */

/*
 * A walk over the blocks of one inode.  For each pointer the visitor
 * says what to do; the walk reads indirect blocks it is allowed into.
 */
struct walk {
	struct fck	*w_k;
	uint64_t	w_ino;
	uint64_t	w_size;
	int64_t		w_nblocks;	/* logical blocks the size covers */
	bool		w_claim;	/* pass 1: claim the fragments */
	bool		w_quiet;	/* problems were reported in pass 1 */
	uint64_t	w_frags;	/* fragments held */
	int64_t		w_cut;		/* first bad logical block, or -1 */
	bool		w_bad;		/* a pointer was unusable */
	bool		w_past;		/* a pointer lies past the end */
	/* Data blocks, for directories and slow symbolic links. */
	int		(*w_data)(struct walk *, int64_t, int64_t, int);
	void		*w_arg;
};

static void wprob(struct walk *, const char *, ...) __printflike(2, 3);

/* Fragments of logical block lbn of a file of the walk's size. */
static int
lbn_frags(const struct walk *w, int64_t lbn)
{
	const struct fs *fs = w->w_k->k_fs;
	uint64_t end = (uint64_t)(lbn + 1) * (uint64_t)fs->fs_bsize;

	if (lbn >= UFS_NDADDR || w->w_size >= end)
		return fs->fs_frag;
	return (int)howmany(w->w_size - (uint64_t)lbn * (uint64_t)fs->fs_bsize,
	    (uint64_t)fs->fs_fsize);
}

/*
 * Claim nfr fragments at blk for the walk's inode.  0 if they are fine,
 * 1 if the address is unusable, 2 if a fragment was claimed before.
 */
static int
claim(struct walk *w, int64_t blk, int nfr, int64_t lbn, const char *what)
{
	struct fck *k = w->w_k;
	struct fs *fs = k->k_fs;
	int64_t f;
	int i;

	if (blk <= 0 || nfr <= 0 || blk > fs->fs_size - nfr) {
		wprob(w, "inode %llu: %s (logical block %lld) at "
		    "fragment %lld lies outside the file system",
		    (unsigned long long)w->w_ino, what, (long long)lbn,
		    (long long)blk);
		return 1;
	}
	if (blk % fs->fs_frag + nfr > fs->fs_frag) {
		wprob(w, "inode %llu: %s (logical block %lld): %d fragments "
		    "at fragment %lld cross a block boundary",
		    (unsigned long long)w->w_ino, what, (long long)lbn, nfr,
		    (long long)blk);
		return 1;
	}
	for (i = 0; i < nfr; i++)
		if (is_meta(fs, blk + i)) {
			wprob(w, "inode %llu: %s (logical block %lld) at "
			    "fragment %lld lies in the metadata of cylinder "
			    "group %u", (unsigned long long)w->w_ino, what,
			    (long long)lbn, (long long)blk,
			    frag_cg(fs, blk + i));
			return 1;
		}
	if (!w->w_claim)
		return 0;
	for (i = 0; i < nfr; i++) {
		f = blk + i;
		if (used_test(k, f)) {
			wprob(w, "inode %llu: %s (logical block %lld) at "
			    "fragment %lld is also claimed by another file "
			    "(duplicate block)", (unsigned long long)w->w_ino,
			    what, (long long)lbn, (long long)f);
			/* Take back what this call claimed. */
			while (i-- > 0) {
				k->k_used[(blk + i) >> 3] &=
				    (uint8_t)~(1 << ((blk + i) & 7));
				k->k_nclaimed--;
			}
			return 2;
		}
		used_set(k, f);
		k->k_nclaimed++;
	}
	return 0;
}

/* A problem of the walk's inode, reported when the walk is not quiet. */
static void
wprob(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	if (w->w_quiet)
		return;
	va_start(ap, fmt);
	(void)vproblem(w->w_k, 0, fmt, ap);
	va_end(ap);
}

static void
walk_fail(struct walk *w, int64_t lbn)
{
	w->w_bad = true;
	if (w->w_cut < 0 || lbn < w->w_cut)
		w->w_cut = lbn;
}

/* Walk an indirect block of the given level covering lbn0 onwards. */
static void
walk_ind(struct walk *w, int64_t blk, int level, int64_t lbn0, int64_t span)
{
	struct fck *k = w->w_k;
	struct fs *fs = k->k_fs;
	struct buf *bp;
	int64_t p, lbn, sub = span / fs->fs_nindir;
	uint8_t *copy;
	uint32_t i;

	if (claim(w, blk, fs->fs_frag, lbn0, "indirect block") != 0) {
		walk_fail(w, lbn0);
		return;
	}
	w->w_frags += (uint64_t)fs->fs_frag;
	if (rd(k, blk, fs->fs_bsize, &bp) != 0) {
		walk_fail(w, lbn0);
		return;
	}
	if ((copy = kmem_alloc((size_t)fs->fs_bsize)) == NULL) {
		brelse(bp, 0);
		walk_fail(w, lbn0);
		return;
	}
	memcpy(copy, bp->b_data, (size_t)fs->fs_bsize);
	brelse(bp, 0);
	for (i = 0; i < (uint32_t)fs->fs_nindir; i++) {
		if ((p = ffs_indir_get(k->k_ump, copy, i)) == 0)
			continue;
		lbn = lbn0 + (int64_t)i * sub;
		if (lbn >= w->w_nblocks) {
			if (!w->w_past)
				wprob(w, "inode %llu: indirect block %lld "
				    "points past the end of the file (logical "
				    "block %lld, size %llu)",
				    (unsigned long long)w->w_ino,
				    (long long)blk, (long long)lbn,
				    (unsigned long long)w->w_size);
			w->w_past = true;
			walk_fail(w, lbn);
			continue;
		}
		if (level > 1) {
			walk_ind(w, p, level - 1, lbn, sub);
			continue;
		}
		if (claim(w, p, fs->fs_frag, lbn, "data block") != 0) {
			walk_fail(w, lbn);
			continue;
		}
		w->w_frags += (uint64_t)fs->fs_frag;
		if (w->w_data != NULL && w->w_data(w, lbn, p, fs->fs_frag) != 0)
			break;
	}
	kmem_free(copy, (size_t)fs->fs_bsize);
}

/* Walk every block of inode d. */
static void
walk_inode(struct walk *w, const union ffs_dinode *d)
{
	struct fck *k = w->w_k;
	struct fs *fs = k->k_fs;
	int64_t p, lbn0, span;
	int i, level, nfr;

	w->w_size = din_size(k, d);
	w->w_nblocks = (int64_t)howmany(w->w_size, (uint64_t)fs->fs_bsize);
	w->w_frags = 0;
	w->w_cut = -1;
	w->w_bad = w->w_past = false;
	for (i = 0; i < UFS_NDADDR; i++) {
		if ((p = din_db(k, d, i)) == 0)
			continue;
		if (i >= w->w_nblocks) {
			if (!w->w_past)
				wprob(w, "inode %llu: direct pointer %d "
				    "(%lld) lies past the end of the file "
				    "(size %llu)", (unsigned long long)w->w_ino,
				    i, (long long)p,
				    (unsigned long long)w->w_size);
			w->w_past = true;
			walk_fail(w, i);
			continue;
		}
		nfr = lbn_frags(w, i);
		if (claim(w, p, nfr, i, "data block") != 0) {
			walk_fail(w, i);
			continue;
		}
		w->w_frags += (uint64_t)nfr;
		if (w->w_data != NULL && w->w_data(w, i, p, nfr) != 0)
			return;
	}
	lbn0 = UFS_NDADDR;
	span = 1;
	for (level = 1; level <= UFS_NIADDR; level++) {
		span *= fs->fs_nindir;
		if ((p = din_ib(k, d, level - 1)) != 0) {
			if (lbn0 >= w->w_nblocks) {
				if (!w->w_past)
					wprob(w, "inode %llu: level %d "
					    "indirect pointer (%lld) lies past "
					    "the end of the file (size %llu)",
					    (unsigned long long)w->w_ino, level,
					    (long long)p,
					    (unsigned long long)w->w_size);
				w->w_past = true;
				walk_fail(w, lbn0);
			} else {
				walk_ind(w, p, level, lbn0, span);
			}
		}
		lbn0 += span;
		if (lbn0 > (int64_t)1 << 52)
			break;
	}
	if (k->k_ump->um_ufs2 && (d->ffs2.di_extsize != 0 ||
	    d->ffs2.di_extb[0] != 0 || d->ffs2.di_extb[1] != 0)) {
		for (i = 0; i < UFS_NXADDR; i++) {
			int64_t part = (int64_t)d->ffs2.di_extsize -
			    (int64_t)i * fs->fs_bsize;

			if ((p = d->ffs2.di_extb[i]) == 0)
				continue;
			if (part <= 0) {
				wprob(w, "inode %llu: extended attribute "
				    "pointer %d lies past di_extsize",
				    (unsigned long long)w->w_ino, i);
				walk_fail(w, 0);
				continue;
			}
			nfr = part >= fs->fs_bsize ? fs->fs_frag :
			    (int)howmany(part, fs->fs_fsize);
			if (claim(w, p, nfr, -1, "extended attribute block")
			    != 0) {
				walk_fail(w, 0);
				continue;
			}
			w->w_frags += (uint64_t)nfr;
		}
	}
}

/*
 * Cut the file at logical block cut: pointers to it and beyond are
 * dropped (their blocks become free when the maps are rebuilt), the size
 * shrinks to cut blocks.  Indirect blocks straddling the cut are
 * rewritten; one that is itself unusable is dropped whole, with its
 * range.
 */
static int
cut_ind(struct fck *k, int64_t blk, int level, int64_t lbn0, int64_t span,
    int64_t cut, bool *dropme)
{
	struct fs *fs = k->k_fs;
	struct buf *bp;
	int64_t p, lbn, sub = span / fs->fs_nindir;
	uint32_t i;
	bool changed = false, drop;
	int error;

	*dropme = false;
	if (blk <= 0 || blk > fs->fs_size - fs->fs_frag || is_meta(fs, blk) ||
	    lbn0 >= cut) {
		*dropme = true;
		return 0;
	}
	if ((error = rd(k, blk, fs->fs_bsize, &bp)) != 0) {
		*dropme = true;
		return 0;
	}
	for (i = 0; i < (uint32_t)fs->fs_nindir; i++) {
		if ((p = ffs_indir_get(k->k_ump, bp->b_data, i)) == 0)
			continue;
		lbn = lbn0 + (int64_t)i * sub;
		drop = lbn >= cut;
		if (!drop && level > 1 && lbn + sub > cut) {
			brelse(bp, 0);
			error = cut_ind(k, p, level - 1, lbn, sub, cut, &drop);
			if (error != 0)
				return error;
			if ((error = rd(k, blk, fs->fs_bsize, &bp)) != 0)
				return error;
		}
		if (drop) {
			ffs_indir_set(k->k_ump, bp->b_data, i, 0);
			changed = true;
		}
	}
	if (changed)
		return wr(k, bp);
	brelse(bp, 0);
	return 0;
}

static int
cut_inode(struct fck *k, uint64_t ino, int64_t cut)
{
	struct fs *fs = k->k_fs;
	union ffs_dinode d;
	int64_t lbn0 = UFS_NDADDR, span = 1, p;
	uint64_t size;
	int i, level, error;
	bool drop;

	if ((error = iget(k, ino, &d)) != 0)
		return error;
	if (cut < 0)
		cut = 0;
	for (i = 0; i < UFS_NDADDR; i++)
		if (i >= cut)
			din_setdb(k, &d, i, 0);
	for (level = 1; level <= UFS_NIADDR; level++) {
		span *= fs->fs_nindir;
		if ((p = din_ib(k, &d, level - 1)) != 0) {
			if (lbn0 >= cut) {
				din_setib(k, &d, level - 1, 0);
			} else if (lbn0 + span > cut) {
				error = cut_ind(k, p, level, lbn0, span, cut,
				    &drop);
				if (error != 0)
					return error;
				if (drop)
					din_setib(k, &d, level - 1, 0);
			}
		}
		lbn0 += span;
		if (lbn0 > (int64_t)1 << 52)
			break;
	}
	if (k->k_ump->um_ufs2) {
		d.ffs2.di_extsize = 0;
		d.ffs2.di_extb[0] = d.ffs2.di_extb[1] = 0;
	}
	size = (uint64_t)cut * (uint64_t)fs->fs_bsize;
	if (din_size(k, &d) > size)
		din_setsize(k, &d, size);
	return iput(k, ino, &d);
}

/* ------------------------------------------------------------- pass 1 */

static const char *
type_name(unsigned t)
{
	switch (t << 12) {
	case S_IFREG:	return "file";
	case S_IFDIR:	return "directory";
	case S_IFLNK:	return "symbolic link";
	case S_IFCHR:	return "character device";
	case S_IFBLK:	return "block device";
	case S_IFIFO:	return "fifo";
	case S_IFSOCK:	return "socket";
	default:	return "unknown";
	}
}

static int
dir_add(struct fck *k, uint64_t ino)
{
	struct dinfo *n;
	size_t cap;

	if (k->k_ndirs == k->k_dircap) {
		cap = k->k_dircap == 0 ? 256 : 2 * k->k_dircap;
		if ((n = kmem_zalloc(cap * sizeof(*n))) == NULL)
			return ENOMEM;
		if (k->k_dirs != NULL) {
			memcpy(n, k->k_dirs, k->k_ndirs * sizeof(*n));
			kmem_free(k->k_dirs, k->k_dircap * sizeof(*n));
		}
		k->k_dirs = n;
		k->k_dircap = cap;
	}
	memset(&k->k_dirs[k->k_ndirs], 0, sizeof(k->k_dirs[0]));
	k->k_dirs[k->k_ndirs++].d_ino = (uint32_t)ino;
	return 0;
}

static struct dinfo *
dir_find(struct fck *k, uint64_t ino)
{
	size_t lo = 0, hi = k->k_ndirs, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (k->k_dirs[mid].d_ino == ino)
			return &k->k_dirs[mid];
		if (k->k_dirs[mid].d_ino < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Is the symbolic link target (len bytes at p) usable? */
static bool
target_ok(const uint8_t *p, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		if (p[i] == '\0')
			return false;
	return true;
}

/* Data of a slow symbolic link: check it has no NUL. */
static int
symlink_data(struct walk *w, int64_t lbn, int64_t blk, int nfr)
{
	struct fck *k = w->w_k;
	struct buf *bp;
	uint64_t n;
	bool *ok = w->w_arg;

	if (lbn != 0 || rd(k, blk, nfr * k->k_fs->fs_fsize, &bp) != 0)
		return 0;
	n = MIN(w->w_size, (uint64_t)nfr * (uint64_t)k->k_fs->fs_fsize);
	*ok = target_ok(bp->b_data, n);
	brelse(bp, 0);
	return 0;
}

/* Check one allocated inode; d is its dinode. */
static int
check_inode(struct fck *k, uint64_t ino, union ffs_dinode *d)
{
	struct fs *fs = k->k_fs;
	struct istate *is = &k->k_ist[ino];
	uint16_t mode = din_mode(k, d);
	uint64_t size = din_size(k, d), sectors;
	unsigned t = mode >> 12;
	struct walk w;
	bool changed = false, symok = true;
	int i;

	is->is_type = (uint8_t)t;
	is->is_nlink = din_nlink(k, d);
	is->is_state = (mode & S_IFMT) == S_IFDIR ? IS_DIR : IS_FILE;
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR:
	case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		break;
	default:
		if (problem(k, FIX_YES, "inode %llu: unknown file type "
		    "(mode %#o)", (unsigned long long)ino, mode)) {
			k->k_restart = true;
			return iclear(k, ino);
		}
		is->is_state = IS_FILE;
		return 0;
	}
	if (size > k->k_ump->um_maxfilesize ||
	    ((mode & S_IFMT) == S_IFDIR && size > MAXDIRSIZE)) {
		if (problem(k, FIX_YES, "inode %llu: size %llu is too large "
		    "for a %s", (unsigned long long)ino,
		    (unsigned long long)size, type_name(t))) {
			k->k_restart = true;
			return iclear(k, ino);
		}
		return 0;
	}
	if ((mode & S_IFMT) == S_IFCHR || (mode & S_IFMT) == S_IFBLK ||
	    (mode & S_IFMT) == S_IFIFO || (mode & S_IFMT) == S_IFSOCK) {
		bool bad = size != 0 || din_blocks(k, d) != 0;

		for (i = (mode & S_IFMT) == S_IFCHR ||
		    (mode & S_IFMT) == S_IFBLK ? 1 : 0; i < UFS_NDADDR; i++)
			bad |= din_db(k, d, i) != 0;
		for (i = 0; i < UFS_NIADDR; i++)
			bad |= din_ib(k, d, i) != 0;
		if (bad && problem(k, FIX_YES, "inode %llu: %s has a size, "
		    "blocks or block pointers", (unsigned long long)ino,
		    type_name(t))) {
			for (i = (mode & S_IFMT) == S_IFCHR ||
			    (mode & S_IFMT) == S_IFBLK ? 1 : 0;
			    i < UFS_NDADDR; i++)
				din_setdb(k, d, i, 0);
			for (i = 0; i < UFS_NIADDR; i++)
				din_setib(k, d, i, 0);
			din_setsize(k, d, 0);
			din_setblocks(k, d, 0);
			return iput(k, ino, d);
		}
		return 0;
	}
	if ((mode & S_IFMT) == S_IFLNK && k->k_ump->um_maxsymlinklen > 0 &&
	    size < k->k_ump->um_maxsymlinklen) {
		/* A fast symbolic link: the target is in the inode. */
		uint8_t raw[UFS2_SYMLINKAREA];
		const void *area = k->k_ump->um_ufs2 ?
		    (const void *)d->ffs2.di_db : (const void *)d->ffs1.di_db;

		memcpy(raw, area, k->k_ump->um_symlinkarea);
		if (k->k_ump->um_swap) {
			/* The area holds bytes; undo the pointer swap. */
			ffs_dinode_encode(k->k_ump, d, k->k_blk);
			memcpy(raw, k->k_blk + (k->k_ump->um_ufs2 ? 112 : 40),
			    k->k_ump->um_symlinkarea);
		}
		if (size == 0 || din_blocks(k, d) != 0 ||
		    !target_ok(raw, size))
			problem(k, 0, "inode %llu: fast symbolic link (size "
			    "%llu) is empty, holds blocks or has a NUL in its "
			    "target", (unsigned long long)ino,
			    (unsigned long long)size);
		return 0;
	}
	if ((mode & S_IFMT) == S_IFDIR && (size == 0 ||
	    size % DIRBLKSIZ != 0)) {
		if (problem(k, FIX_YES, "inode %llu: directory size %llu is "
		    "not a positive multiple of %d", (unsigned long long)ino,
		    (unsigned long long)size, DIRBLKSIZ) &&
		    size >= DIRBLKSIZ) {
			/* Keep the whole chunks; the walk sees the new size. */
			size = size / DIRBLKSIZ * DIRBLKSIZ;
			din_setsize(k, d, size);
			changed = true;
		}
	}
	memset(&w, 0, sizeof(w));
	w.w_k = k;
	w.w_ino = ino;
	w.w_claim = true;
	if ((mode & S_IFMT) == S_IFLNK) {
		w.w_data = symlink_data;
		w.w_arg = &symok;
	}
	walk_inode(&w, d);
	if (w.w_bad || w.w_past) {
		/* Keep what comes before the first bad block. */
		if (w.w_bad && problem(k, FIX_YES, "inode %llu: %s cut at "
		    "logical block %lld, where its bad or duplicate blocks "
		    "begin", (unsigned long long)ino, type_name(t),
		    (long long)w.w_cut)) {
			is->is_flags |= IF_CUT;
			is->is_cut = w.w_cut;
			k->k_restart = true;
		}
		return changed ? iput(k, ino, d) : 0;
	}
	if ((mode & S_IFMT) == S_IFLNK && (size == 0 || size >= MAXPATHLEN ||
	    !symok))
		problem(k, 0, "inode %llu: slow symbolic link of size %llu is "
		    "empty, too long or has a NUL in its target",
		    (unsigned long long)ino, (unsigned long long)size);
	sectors = w.w_frags * (uint64_t)(fs->fs_fsize / DEV_BSIZE);
	if (din_blocks(k, d) != sectors && problem(k, FIX_PREEN, "inode "
	    "%llu: di_blocks is %llu, but it holds %llu sectors",
	    (unsigned long long)ino, (unsigned long long)din_blocks(k, d),
	    (unsigned long long)sectors)) {
		din_setblocks(k, d, sectors);
		changed = true;
	}
	if ((mode & S_IFMT) == S_IFDIR && dir_add(k, ino) != 0)
		return ENOMEM;
	return changed ? iput(k, ino, d) : 0;
}

/* Read one cylinder group's header and check what pass 1 needs. */
static int
read_cg(struct fck *k, uint32_t c, struct buf **bpp, struct cg *cg)
{
	struct fs *fs = k->k_fs;
	int error;

	error = rd(k, ffs_cgstart(fs, c) + fs->fs_cblkno,
	    (int)ffs_fragroundup(fs, fs->fs_cgsize), bpp);
	if (error != 0)
		return error;
	memcpy(cg, (*bpp)->b_data, sizeof(*cg));
	if (k->k_ump->um_swap)
		ffs_cg_swap(cg);
	return 0;
}

/* The layout of the maps in a group, as newfs makes it. */
struct cglayout {
	int64_t		l_iused, l_free, l_clsum, l_cl, l_next;
	int64_t		l_ndblk;
	bool		l_rot;		/* UFS1 rotational tables kept */
};

static void cg_layout_at(const struct fck *, uint32_t, int64_t,
    struct cglayout *);

static void
cg_layout(const struct fck *k, uint32_t c, struct cglayout *l)
{
	const struct fs *fs = k->k_fs;
	int64_t rot = 0;

	/*
	 * UFS1 groups start with rotational tables nothing reads any more;
	 * when the superblock's cylinder counts would not leave room for
	 * the maps, the group is laid out without them (offsets 0).
	 */
	if (!k->k_ump->um_ufs2 && fs->fs_old_cpg > 0)
		rot = (int64_t)fs->fs_old_cpg * 4 + (int64_t)fs->fs_old_cpg *
		    MAX(fs->fs_old_nrpos, 1) * 2;
	cg_layout_at(k, c, (int64_t)sizeof(struct cg) + rot, l);
	l->l_rot = rot > 0 && l->l_next <= fs->fs_cgsize;
	if (rot > 0 && !l->l_rot)
		cg_layout_at(k, c, (int64_t)sizeof(struct cg), l);
}

static void
cg_layout_at(const struct fck *k, uint32_t c, int64_t base,
    struct cglayout *l)
{
	const struct fs *fs = k->k_fs;

	l->l_rot = false;
	l->l_ndblk = MIN((int64_t)fs->fs_fpg, fs->fs_size - ffs_cgbase(fs, c));
	l->l_iused = base;
	l->l_free = base + howmany((int64_t)fs->fs_ipg, 8);
	l->l_next = l->l_free + howmany((int64_t)fs->fs_fpg, 8);
	l->l_clsum = l->l_cl = 0;
	if (fs->fs_contigsumsize > 0) {
		l->l_clsum = roundup(l->l_next - 4, 4);
		l->l_cl = l->l_clsum + ((int64_t)fs->fs_contigsumsize + 1) * 4;
		l->l_next = l->l_cl + howmany((int64_t)fs->fs_fpg / fs->fs_frag, 8);
	}
}

/*
 * Is group c's header usable as it is?  Exactly what a read-write mount
 * requires of it before allocating there (ffs_cg_check, ffs_alloc.c).
 */
static bool
cg_ok(struct fck *k, uint32_t c, const struct cg *cg, bool quiet)
{
	const char *why;

	if ((why = ffs_cg_check(k->k_ump, c, cg)) == NULL)
		return true;
	if (!quiet)
		problem(k, FIX_YES, "cylinder group %u: %s; its header and "
		    "maps are rebuilt", c, why);
	return false;
}

static int
pass1(struct fck *k)
{
	struct fs *fs = k->k_fs;
	struct cg cg;
	struct buf *bp;
	union ffs_dinode d;
	uint64_t ino, n, i, inopb = (uint64_t)fs->fs_inopb;
	uint32_t c;
	int64_t f, lo, hi;
	int error;
	uint8_t *tbl;

	memset(k->k_used, 0, k->k_usedlen);
	memset(k->k_ist, 0, k->k_maxino * sizeof(*k->k_ist));
	k->k_ndirs = 0;
	k->k_nclaimed = 0;
	/* Metadata is in use. */
	for (c = 0; c < (uint32_t)fs->fs_ncg; c++) {
		lo = c == 0 ? 0 : ffs_cgstart(fs, c) + fs->fs_sblkno;
		hi = MIN(ffs_cgstart(fs, c) + fs->fs_dblkno,
		    MIN(ffs_cgbase(fs, c) + fs->fs_fpg, fs->fs_size));
		for (f = lo; f < hi; f++)
			used_set(k, f);
	}
	for (f = fs->fs_csaddr; f < fs->fs_csaddr + howmany((int64_t)fs->fs_cssize,
	    fs->fs_fsize) && f < fs->fs_size; f++)
		used_set(k, f);
	for (c = 0; c < (uint32_t)fs->fs_ncg; c++) {
		if ((error = read_cg(k, c, &bp, &cg)) != 0)
			return error;
		brelse(bp, 0);
		k->k_cgbad[c] = !cg_ok(k, c, &cg, true);
		n = (uint64_t)fs->fs_ipg;
		if (k->k_ump->um_ufs2 && !k->k_cgbad[c])
			n = (uint64_t)cg.cg_initediblk;
		k->k_inited[c] = (uint32_t)n;
		for (i = 0; i < n; i += inopb) {
			ino = (uint64_t)c * (uint64_t)fs->fs_ipg + i;
			error = rd(k, ffs_ino_to_fsba(fs, ino), fs->fs_bsize,
			    &bp);
			if (error != 0)
				return error;
			tbl = k->k_blk + (size_t)fs->fs_bsize;
			memcpy(tbl, bp->b_data, (size_t)fs->fs_bsize);
			brelse(bp, 0);
			for (; ino < (uint64_t)c * (uint64_t)fs->fs_ipg + i +
			    inopb && ino < (uint64_t)c * fs->fs_ipg + n; ino++) {
				if (ino < UFS_ROOTINO)
					continue;
				ffs_dinode_decode(k->k_ump, tbl + (size_t)(ino %
				    inopb) * k->k_ump->um_isize, &d);
				if (din_mode(k, &d) == 0) {
					bool junk = din_size(k, &d) != 0;
					int j;

					for (j = 0; j < UFS_NDADDR; j++)
						junk |= din_db(k, &d, j) != 0;
					for (j = 0; j < UFS_NIADDR; j++)
						junk |= din_ib(k, &d, j) != 0;
					if (junk && problem(k, FIX_PREEN,
					    "inode %llu: unallocated (mode 0) "
					    "but has a size or block pointers",
					    (unsigned long long)ino) &&
					    (error = iclear(k, ino)) != 0)
						return error;
					continue;
				}
				if ((error = check_inode(k, ino, &d)) != 0)
					return error;
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------- pass 2 */

struct dscan {
	struct fck	*s_k;
	struct dinfo	*s_dir;
	uint64_t	s_nentry;	/* entries seen, empty slots included */
	bool		s_dot, s_dotdot;
};

/* Encode a directory entry at p. */
static void
dent_put(const struct ufsmount *ump, uint8_t *p, uint32_t ino,
    uint16_t reclen, uint8_t type, const char *name, size_t namlen)
{
	ffs_wr32(p, ino, ump->um_swap);
	ffs_wr16(p + 4, reclen, ump->um_swap);
	if (ump->um_newdirfmt) {
		p[6] = type;
		p[7] = (uint8_t)namlen;
	} else {
		ffs_wr16(p + 6, (uint16_t)namlen, ump->um_swap);
	}
	memcpy(p + DIRHDRSIZ, name, namlen);
	memset(p + DIRHDRSIZ + namlen, 0, FFS_DIRSIZ(namlen) - DIRHDRSIZ -
	    namlen);
}

static uint8_t
dtype_of(unsigned t)
{
	return (uint8_t)t;	/* DT_* is the mode's type field */
}

/*
 * Check the entries of one chunk; fixes are made in the chunk, and
 * *dirty says whether to write it.
 */
static void
scan_chunk(struct dscan *s, uint8_t *chunk, off_t off, bool *dirty)
{
	struct fck *k = s->s_k;
	const struct ufsmount *ump = k->k_ump;
	struct dinfo *dp = s->s_dir, *cd;
	struct ffs_dent de;
	struct istate *is;
	uint32_t pos = 0, prev = 0;
	bool have_prev = false, remove;
	uint64_t dino = dp->d_ino;

	while (pos < DIRBLKSIZ) {
		uint32_t left = DIRBLKSIZ - pos;

		if (left < DIRHDRSIZ) {
			problem(k, 0, "directory %llu offset %lld: truncated "
			    "entry at the end of a chunk",
			    (unsigned long long)dino, (long long)(off + pos));
			return;
		}
		ffs_dirent_decode(ump, chunk + pos, &de);
		if (de.de_reclen == 0 || de.de_reclen % 4 != 0 ||
		    de.de_reclen > left || de.de_namlen > FFS_MAXNAMLEN ||
		    de.de_reclen < FFS_DIRSIZ(de.de_namlen)) {
			if (problem(k, FIX_YES, "directory %llu offset %lld: "
			    "corrupt entry (record length %u, name length "
			    "%u); the rest of the chunk is emptied",
			    (unsigned long long)dino, (long long)(off + pos),
			    de.de_reclen, de.de_namlen)) {
				if (have_prev) {
					ffs_wr16(chunk + prev + 4,
					    (uint16_t)(pos - prev + left),
					    ump->um_swap);
				} else {
					memset(chunk + pos, 0, DIRHDRSIZ);
					ffs_wr16(chunk + pos + 4,
					    (uint16_t)left, ump->um_swap);
				}
				*dirty = true;
			}
			return;
		}
		remove = false;
		if (s->s_nentry == 0 && off == 0 && pos == 0) {
			/* "." */
			if (de.de_namlen != 1 || de.de_name[0] != '.' ||
			    de.de_ino != dino) {
				if (problem(k, FIX_YES, "directory %llu: first "
				    "entry is not \".\" naming itself",
				    (unsigned long long)dino) &&
				    de.de_reclen >= FFS_DIRSIZ(1)) {
					dent_put(ump, chunk, (uint32_t)dino,
					    de.de_reclen, DT_DIR, ".", 1);
					*dirty = true;
					k->k_ist[dino].is_refs++;
				}
			} else {
				k->k_ist[dino].is_refs++;
			}
			s->s_dot = true;
			goto next;
		}
		if (s->s_nentry == 1 && off == 0) {
			/* ".." */
			if (de.de_namlen != 2 || de.de_name[0] != '.' ||
			    de.de_name[1] != '.' || de.de_ino == 0) {
				problem(k, 0, "directory %llu: second entry is "
				    "not \"..\"", (unsigned long long)dino);
			} else if (de.de_ino >= k->k_maxino ||
			    k->k_ist[de.de_ino].is_state != IS_DIR) {
				/* Rewritten in pass 3 to the real parent. */
				dp->d_dotdot = 0;
			} else {
				dp->d_dotdot = de.de_ino;
				k->k_ist[de.de_ino].is_refs++;
			}
			s->s_dotdot = true;
			goto next;
		}
		if (de.de_ino == 0)
			goto next;
		if ((de.de_namlen == 1 && de.de_name[0] == '.') ||
		    (de.de_namlen == 2 && de.de_name[0] == '.' &&
		    de.de_name[1] == '.')) {
			remove = problem(k, FIX_YES, "directory %llu offset "
			    "%lld: extra \"%.*s\" entry",
			    (unsigned long long)dino, (long long)(off + pos),
			    de.de_namlen, de.de_name);
			goto drop;
		}
		if (de.de_ino == UFS_WINO)
			goto next;
		if (de.de_ino >= k->k_maxino) {
			remove = problem(k, FIX_YES, "directory %llu: entry "
			    "\"%.*s\" names inode %u, out of range",
			    (unsigned long long)dino, de.de_namlen,
			    de.de_name, de.de_ino);
			goto drop;
		}
		is = &k->k_ist[de.de_ino];
		if (is->is_state == IS_FREE) {
			remove = problem(k, FIX_YES, "directory %llu: entry "
			    "\"%.*s\" names unallocated inode %u",
			    (unsigned long long)dino, de.de_namlen,
			    de.de_name, de.de_ino);
			goto drop;
		}
		if (ump->um_newdirfmt && de.de_type != dtype_of(is->is_type)) {
			if (problem(k, FIX_PREEN, "directory %llu: entry "
			    "\"%.*s\" has type %u, but inode %u is a %s",
			    (unsigned long long)dino, de.de_namlen,
			    de.de_name, de.de_type, de.de_ino,
			    type_name(is->is_type))) {
				chunk[pos + 6] = dtype_of(is->is_type);
				*dirty = true;
			}
		}
		if (is->is_state == IS_DIR && k->k_survey) {
			if (k->k_nlinks == k->k_linkcap) {
				size_t cap = k->k_linkcap == 0 ? 256 :
				    2 * k->k_linkcap;
				struct dlink *n = kmem_alloc(cap * sizeof(*n));

				if (n == NULL)
					goto next;
				if (k->k_links != NULL) {
					memcpy(n, k->k_links, k->k_nlinks *
					    sizeof(*n));
					kmem_free(k->k_links, k->k_linkcap *
					    sizeof(*n));
				}
				k->k_links = n;
				k->k_linkcap = cap;
			}
			k->k_links[k->k_nlinks].l_parent = (uint32_t)dino;
			k->k_links[k->k_nlinks++].l_child = de.de_ino;
			goto next;
		}
		if (is->is_state == IS_DIR) {
			cd = dir_find(k, de.de_ino);
			if (de.de_ino == UFS_ROOTINO || (cd != NULL &&
			    (cd->d_nparents > 0 || cd->d_chosen != dino))) {
				remove = problem(k, FIX_YES, "directory %llu: "
				    "entry \"%.*s\" is a second link to "
				    "directory %u", (unsigned long long)dino,
				    de.de_namlen, de.de_name, de.de_ino);
				if (remove)
					goto drop;
			} else if (cd != NULL) {
				cd->d_parent = (uint32_t)dino;
				cd->d_nparents++;
			}
		}
		is->is_refs++;
		goto next;
drop:
		if (remove) {
			if (have_prev) {
				ffs_wr16(chunk + prev + 4, (uint16_t)(pos +
				    de.de_reclen - prev), ump->um_swap);
				pos += de.de_reclen;
				s->s_nentry++;
				*dirty = true;
				continue;
			}
			ffs_wr32(chunk + pos, 0, ump->um_swap);
			*dirty = true;
		}
next:
		prev = pos;
		have_prev = true;
		pos += de.de_reclen;
		s->s_nentry++;
	}
}

static int
dir_block(struct walk *w, int64_t lbn, int64_t blk, int nfr)
{
	struct dscan *s = w->w_arg;
	struct fck *k = s->s_k;
	struct fs *fs = k->k_fs;
	struct buf *bp;
	uint64_t len = (uint64_t)nfr * (uint64_t)fs->fs_fsize, co;
	uint64_t limit;
	bool dirty = false;

	if (rd(k, blk, (int)len, &bp) != 0)
		return 0;
	limit = MIN(len, w->w_size - (uint64_t)lbn * (uint64_t)fs->fs_bsize);
	for (co = 0; co + DIRBLKSIZ <= limit; co += DIRBLKSIZ)
		scan_chunk(s, (uint8_t *)bp->b_data + co, (off_t)((uint64_t)lbn *
		    (uint64_t)fs->fs_bsize + co), &dirty);
	if (dirty)
		(void)wr(k, bp);
	else
		brelse(bp, 0);
	return 0;
}

/*
 * Pass 2 reads the directories twice.  The survey (silent, changing
 * nothing) learns each directory's ".." and every entry naming a
 * directory, so that a directory named twice keeps the entry in the
 * directory its ".." names, whichever is scanned first; then the real
 * scan checks, counts and repairs.
 */
static int scan_dirs(struct fck *);

static int
pass2(struct fck *k)
{
	struct dinfo *dp;
	size_t i;
	uint64_t ino;
	int error;

	k->k_survey = true;
	k->k_nlinks = 0;
	error = scan_dirs(k);
	k->k_survey = false;
	if (error != 0)
		return error;
	for (i = 0; i < k->k_nlinks; i++) {
		if ((dp = dir_find(k, k->k_links[i].l_child)) == NULL)
			continue;
		if (dp->d_first == 0)
			dp->d_first = k->k_links[i].l_parent;
		if (dp->d_dotdot == k->k_links[i].l_parent)
			dp->d_named_by_dotdot = true;
	}
	for (i = 0; i < k->k_ndirs; i++) {
		dp = &k->k_dirs[i];
		dp->d_chosen = dp->d_named_by_dotdot ? dp->d_dotdot :
		    dp->d_first;
		dp->d_parent = dp->d_dotdot = dp->d_nparents = 0;
	}
	for (ino = 0; ino < k->k_maxino; ino++)
		k->k_ist[ino].is_refs = 0;
	return scan_dirs(k);
}

static int
scan_dirs(struct fck *k)
{
	union ffs_dinode d;
	struct walk w;
	struct dscan s;
	size_t i;
	int error;

	for (i = 0; i < k->k_ndirs; i++) {
		if ((error = iget(k, k->k_dirs[i].d_ino, &d)) != 0)
			return error;
		memset(&s, 0, sizeof(s));
		s.s_k = k;
		s.s_dir = &k->k_dirs[i];
		memset(&w, 0, sizeof(w));
		w.w_k = k;
		w.w_ino = k->k_dirs[i].d_ino;
		w.w_quiet = true;
		w.w_data = dir_block;
		w.w_arg = &s;
		walk_inode(&w, &d);
		if (!s.s_dot || !s.s_dotdot)
			problem(k, 0, "directory %u: has no \".\" or \"..\" "
			    "entry", k->k_dirs[i].d_ino);
	}
	return 0;
}

/* ------------------------------------------------- lost+found and pass 3 */

/*
 * Find a free inode (in a group where it is initialised) or a free block
 * in what pass 1 found, for lost+found.
 */
static uint64_t
find_free_inode(struct fck *k)
{
	uint64_t ino;

	for (ino = UFS_ROOTINO + 1; ino < k->k_maxino; ino++)
		if (k->k_ist[ino].is_state == IS_FREE &&
		    ino % (uint64_t)k->k_fs->fs_ipg <
		    k->k_inited[ino / (uint64_t)k->k_fs->fs_ipg])
			return ino;
	return 0;
}

static int64_t
find_free_block(struct fck *k)
{
	struct fs *fs = k->k_fs;
	int64_t b;
	int i;

	for (b = 0; b + fs->fs_frag <= fs->fs_size; b += fs->fs_frag) {
		for (i = 0; i < fs->fs_frag; i++)
			if (used_test(k, b + i) || is_meta(fs, b + i))
				break;
		if (i == fs->fs_frag)
			return b;
	}
	return -1;
}

/*
 * Add entry name -> ino (type t) to directory dino, in a free slot of
 * its blocks; ENOSPC if there is none (directories are not grown here,
 * except lost+found, which is made with room).
 */
struct addent {
	struct fck	*a_k;
	uint32_t	a_ino;
	uint8_t		a_type;
	const char	*a_name;
	size_t		a_namlen;
	bool		a_done;
};

static int
addent_block(struct walk *w, int64_t lbn, int64_t blk, int nfr)
{
	struct addent *a = w->w_arg;
	struct fck *k = a->a_k;
	const struct ufsmount *ump = k->k_ump;
	struct fs *fs = k->k_fs;
	struct buf *bp;
	struct ffs_dent de;
	uint64_t len = (uint64_t)nfr * (uint64_t)fs->fs_fsize, co, limit;
	uint32_t pos, need = FFS_DIRSIZ(a->a_namlen), have;
	uint8_t *chunk;

	if (rd(k, blk, (int)len, &bp) != 0)
		return 1;
	limit = MIN(len, w->w_size - (uint64_t)lbn * (uint64_t)fs->fs_bsize);
	for (co = 0; co + DIRBLKSIZ <= limit; co += DIRBLKSIZ) {
		chunk = (uint8_t *)bp->b_data + co;
		for (pos = 0; pos < DIRBLKSIZ; pos += de.de_reclen) {
			ffs_dirent_decode(ump, chunk + pos, &de);
			if (de.de_reclen == 0 || pos + de.de_reclen > DIRBLKSIZ)
				break;
			have = de.de_ino == 0 ? 0 : FFS_DIRSIZ(de.de_namlen);
			if (de.de_ino == 0 && (lbn != 0 || co != 0 || pos > 12)
			    && de.de_reclen >= need) {
				dent_put(ump, chunk + pos, a->a_ino,
				    de.de_reclen, a->a_type, a->a_name,
				    a->a_namlen);
				a->a_done = true;
			} else if (de.de_ino != 0 &&
			    de.de_reclen >= have + need) {
				ffs_wr16(chunk + pos + 4, (uint16_t)have,
				    ump->um_swap);
				dent_put(ump, chunk + pos + have, a->a_ino,
				    (uint16_t)(de.de_reclen - have), a->a_type,
				    a->a_name, a->a_namlen);
				a->a_done = true;
			}
			if (a->a_done) {
				(void)wr(k, bp);
				return 1;
			}
		}
	}
	brelse(bp, 0);
	return 0;
}

static int
dir_addent(struct fck *k, uint64_t dino, const char *name, uint64_t ino,
    unsigned type)
{
	union ffs_dinode d;
	struct addent a;
	struct walk w;
	int error;

	if ((error = iget(k, dino, &d)) != 0)
		return error;
	memset(&a, 0, sizeof(a));
	a.a_k = k;
	a.a_ino = (uint32_t)ino;
	a.a_type = dtype_of(type);
	a.a_name = name;
	a.a_namlen = strlen(name);
	memset(&w, 0, sizeof(w));
	w.w_k = k;
	w.w_ino = dino;
	w.w_quiet = true;
	w.w_data = addent_block;
	w.w_arg = &a;
	walk_inode(&w, &d);
	return a.a_done ? 0 : ENOSPC;
}

/* Look name up in the root directory: its inode, or 0. */
struct lookent {
	struct fck	*l_k;
	const char	*l_name;
	uint32_t	l_ino;
};

static int
look_block(struct walk *w, int64_t lbn, int64_t blk, int nfr)
{
	struct lookent *l = w->w_arg;
	struct fck *k = l->l_k;
	struct fs *fs = k->k_fs;
	struct buf *bp;
	struct ffs_dent de;
	uint64_t len = (uint64_t)nfr * (uint64_t)fs->fs_fsize, co, limit;
	uint32_t pos;
	size_t n = strlen(l->l_name);

	if (rd(k, blk, (int)len, &bp) != 0)
		return 1;
	limit = MIN(len, w->w_size - (uint64_t)lbn * (uint64_t)fs->fs_bsize);
	for (co = 0; co + DIRBLKSIZ <= limit && l->l_ino == 0;
	    co += DIRBLKSIZ)
		for (pos = 0; pos < DIRBLKSIZ; pos += de.de_reclen) {
			ffs_dirent_decode(k->k_ump, (uint8_t *)bp->b_data + co +
			    pos, &de);
			if (de.de_reclen == 0 || pos + de.de_reclen > DIRBLKSIZ)
				break;
			if (de.de_ino != 0 && de.de_namlen == n &&
			    memcmp(de.de_name, l->l_name, n) == 0) {
				l->l_ino = de.de_ino;
				break;
			}
		}
	brelse(bp, 0);
	return l->l_ino != 0;
}

static uint32_t
root_lookup(struct fck *k, const char *name)
{
	union ffs_dinode d;
	struct lookent l;
	struct walk w;

	if (iget(k, UFS_ROOTINO, &d) != 0)
		return 0;
	l.l_k = k;
	l.l_name = name;
	l.l_ino = 0;
	memset(&w, 0, sizeof(w));
	w.w_k = k;
	w.w_ino = UFS_ROOTINO;
	w.w_quiet = true;
	w.w_data = look_block;
	w.w_arg = &l;
	walk_inode(&w, &d);
	return l.l_ino;
}

/* Find /lost+found, or make it: one block, mode 0700. */
static int
get_lostfound(struct fck *k)
{
	struct fs *fs = k->k_fs;
	union ffs_dinode d;
	struct ktimespec now;
	struct buf *bp;
	uint64_t ino;
	int64_t blk;
	uint32_t off;
	int error, i;

	if (k->k_lfino != 0)
		return 0;
	ino = root_lookup(k, "lost+found");
	if (ino != 0 && ino < k->k_maxino &&
	    k->k_ist[ino].is_state == IS_DIR) {
		k->k_lfino = (uint32_t)ino;
		return 0;
	}
	if (ino != 0) {
		say(k, "/lost+found is not a directory; cannot reconnect");
		return ENOTDIR;
	}
	if ((ino = find_free_inode(k)) == 0 ||
	    (blk = find_free_block(k)) < 0) {
		say(k, "no room to make /lost+found");
		return ENOSPC;
	}
	/* Its block: ".", ".." and room. */
	if ((error = getblk(k->k_ump->um_devvp, ffs_fsbtodb(fs, blk),
	    fs->fs_bsize, &bp)) != 0)
		return error;
	memset(bp->b_data, 0, (size_t)fs->fs_bsize);
	for (off = 0; off < (uint32_t)fs->fs_bsize; off += DIRBLKSIZ) {
		uint8_t *c = (uint8_t *)bp->b_data + off;

		if (off == 0) {
			dent_put(k->k_ump, c, (uint32_t)ino, FFS_DIRSIZ(1),
			    DT_DIR, ".", 1);
			dent_put(k->k_ump, c + FFS_DIRSIZ(1), UFS_ROOTINO,
			    DIRBLKSIZ - FFS_DIRSIZ(1), DT_DIR, "..", 2);
		} else {
			ffs_wr16(c + 4, DIRBLKSIZ, k->k_ump->um_swap);
		}
	}
	if ((error = wr(k, bp)) != 0)
		return error;
	memset(&d, 0, sizeof(d));
	vfs_timestamp(&now);
	if (k->k_ump->um_ufs2) {
		d.ffs2.di_mode = S_IFDIR | 0700;
		d.ffs2.di_nlink = 2;
		d.ffs2.di_size = (uint64_t)fs->fs_bsize;
		d.ffs2.di_blocks = (uint64_t)fs->fs_bsize / DEV_BSIZE;
		d.ffs2.di_db[0] = blk;
		d.ffs2.di_atime = d.ffs2.di_mtime = d.ffs2.di_ctime =
		    d.ffs2.di_birthtime = now.tv_sec;
		d.ffs2.di_gen = (int32_t)ffs_newgen(ino, 0);
	} else {
		d.ffs1.di_mode = S_IFDIR | 0700;
		d.ffs1.di_nlink = 2;
		d.ffs1.di_size = (uint64_t)fs->fs_bsize;
		d.ffs1.di_blocks = (uint32_t)(fs->fs_bsize / DEV_BSIZE);
		d.ffs1.di_db[0] = (int32_t)blk;
		d.ffs1.di_atime = d.ffs1.di_mtime = d.ffs1.di_ctime =
		    (int32_t)now.tv_sec;
		d.ffs1.di_gen = (int32_t)ffs_newgen(ino, 0);
	}
	if ((error = iput(k, ino, &d)) != 0)
		return error;
	if ((error = dir_addent(k, UFS_ROOTINO, "lost+found", ino,
	    S_IFDIR >> 12)) != 0) {
		say(k, "no room in / for lost+found");
		(void)iclear(k, ino);
		return error;
	}
	for (i = 0; i < fs->fs_frag; i++)
		used_set(k, blk + i);
	k->k_nclaimed += (uint64_t)fs->fs_frag;
	k->k_ist[ino].is_state = IS_DIR;
	k->k_ist[ino].is_type = S_IFDIR >> 12;
	k->k_ist[ino].is_nlink = 2;
	k->k_ist[ino].is_refs = 2;	/* its entry in / and its "." */
	k->k_ist[UFS_ROOTINO].is_refs++;	/* its ".." */
	if ((error = dir_add(k, ino)) != 0)
		return error;
	/* dir_add appends: keep the array sorted. */
	for (i = (int)k->k_ndirs - 1; i > 0 &&
	    k->k_dirs[i - 1].d_ino > k->k_dirs[i].d_ino; i--) {
		struct dinfo t = k->k_dirs[i];

		k->k_dirs[i] = k->k_dirs[i - 1];
		k->k_dirs[i - 1] = t;
	}
	dir_find(k, ino)->d_parent = UFS_ROOTINO;
	dir_find(k, ino)->d_nparents = 1;
	dir_find(k, ino)->d_dotdot = UFS_ROOTINO;
	k->k_lfino = (uint32_t)ino;
	say(k, "made /lost+found (inode %llu)", (unsigned long long)ino);
	return 0;
}

/* Point the ".." of directory dino at parent. */
struct dotdot {
	struct fck	*t_k;
	uint32_t	t_parent;
	bool		t_done;
};

static int
dotdot_block(struct walk *w, int64_t lbn, int64_t blk, int nfr)
{
	struct dotdot *t = w->w_arg;
	struct fck *k = t->t_k;
	struct buf *bp;
	struct ffs_dent de;

	if (lbn != 0 || rd(k, blk, nfr * k->k_fs->fs_fsize, &bp) != 0)
		return 1;
	ffs_dirent_decode(k->k_ump, bp->b_data, &de);
	if (de.de_reclen < DIRBLKSIZ && de.de_reclen >= FFS_DIRSIZ(1) &&
	    de.de_reclen % 4 == 0) {
		uint8_t *p = (uint8_t *)bp->b_data + de.de_reclen;
		uint16_t rl = (uint16_t)(DIRBLKSIZ - de.de_reclen);

		ffs_dirent_decode(k->k_ump, p, &de);
		if (de.de_reclen >= FFS_DIRSIZ(2) && de.de_reclen <= rl)
			rl = de.de_reclen;
		if (rl >= FFS_DIRSIZ(2)) {
			dent_put(k->k_ump, p, t->t_parent, rl, DT_DIR, "..", 2);
			t->t_done = true;
		}
	}
	if (t->t_done)
		(void)wr(k, bp);
	else
		brelse(bp, 0);
	return 1;
}

static int
set_dotdot(struct fck *k, uint64_t dino, uint32_t parent)
{
	union ffs_dinode d;
	struct dotdot t;
	struct walk w;
	int error;

	if ((error = iget(k, dino, &d)) != 0)
		return error;
	t.t_k = k;
	t.t_parent = parent;
	t.t_done = false;
	memset(&w, 0, sizeof(w));
	w.w_k = k;
	w.w_ino = dino;
	w.w_quiet = true;
	w.w_data = dotdot_block;
	w.w_arg = &t;
	walk_inode(&w, &d);
	return t.t_done ? 0 : EIO;
}

/* Put inode ino (a directory if dir) into lost+found as "#ino". */
static int
reconnect(struct fck *k, uint64_t ino, bool dir)
{
	struct dinfo *dp;
	char name[32];
	int error;

	if ((error = get_lostfound(k)) != 0)
		return error;
	snprintf(name, sizeof(name), "#%llu", (unsigned long long)ino);
	error = dir_addent(k, k->k_lfino, name, ino, k->k_ist[ino].is_type);
	if (error != 0) {
		say(k, "no room in /lost+found for inode %llu",
		    (unsigned long long)ino);
		return error;
	}
	k->k_ist[ino].is_refs++;
	if (dir) {
		dp = dir_find(k, ino);
		if (dp->d_dotdot != 0 && dp->d_dotdot < k->k_maxino &&
		    k->k_ist[dp->d_dotdot].is_refs > 0)
			k->k_ist[dp->d_dotdot].is_refs--;
		if ((error = set_dotdot(k, ino, k->k_lfino)) != 0)
			return error;
		dp->d_parent = dp->d_dotdot = k->k_lfino;
		dp->d_nparents = 1;
		k->k_ist[k->k_lfino].is_refs++;
	}
	return 0;
}

/* Does directory dp reach the root through its parents? */
static bool
connected(struct fck *k, struct dinfo *dp)
{
	struct dinfo *p = dp;
	size_t steps;

	for (steps = 0; steps <= k->k_ndirs; steps++) {
		if (p->d_ino == UFS_ROOTINO ||
		    (k->k_ist[p->d_ino].is_flags & IF_REACHED)) {
			/* Mark the chain reached. */
			for (p = dp; p->d_ino != UFS_ROOTINO &&
			    !(k->k_ist[p->d_ino].is_flags & IF_REACHED);
			    p = dir_find(k, p->d_parent))
				k->k_ist[p->d_ino].is_flags |= IF_REACHED;
			return true;
		}
		if (p->d_parent == 0 || (p = dir_find(k, p->d_parent)) == NULL)
			return false;
	}
	return false;	/* a cycle */
}

static int
pass3(struct fck *k)
{
	struct dinfo *dp;
	size_t i;

	dp = dir_find(k, UFS_ROOTINO);
	if (dp == NULL) {
		problem(k, 0, "root inode %d is not an allocated directory",
		    UFS_ROOTINO);
		return EIO;
	}
	k->k_ist[UFS_ROOTINO].is_flags |= IF_REACHED;
	if (dp->d_dotdot != UFS_ROOTINO && problem(k, FIX_YES, "root "
	    "directory: \"..\" is %u, not %d", dp->d_dotdot, UFS_ROOTINO)) {
		if (set_dotdot(k, UFS_ROOTINO, UFS_ROOTINO) != 0) {
			k->k_unfixed = true;
		} else {
			if (dp->d_dotdot != 0 &&
			    k->k_ist[dp->d_dotdot].is_refs > 0)
				k->k_ist[dp->d_dotdot].is_refs--;
			k->k_ist[UFS_ROOTINO].is_refs++;
			dp->d_dotdot = UFS_ROOTINO;
		}
	}
	for (i = 0; i < k->k_ndirs; i++) {
		dp = &k->k_dirs[i];
		if (dp->d_ino == UFS_ROOTINO)
			continue;
		if (!connected(k, dp)) {
			if (problem(k, FIX_YES, "directory %u is not "
			    "connected to the root; reconnected to "
			    "/lost+found", dp->d_ino)) {
				/* Break the cycle or orphan at this one. */
				if (dp->d_parent != 0 &&
				    k->k_ist[dp->d_ino].is_refs > 0)
					dp->d_nparents = 0;
				uint32_t dino = dp->d_ino;

				if (reconnect(k, dino, true) != 0)
					k->k_unfixed = true;
				else
					(void)connected(k, dir_find(k, dino));
			}
			continue;
		}
		if (dp->d_dotdot != dp->d_parent && problem(k, FIX_YES,
		    "directory %u: \"..\" is %u, but its parent is %u",
		    dp->d_ino, dp->d_dotdot, dp->d_parent)) {
			if (set_dotdot(k, dp->d_ino, dp->d_parent) != 0) {
				k->k_unfixed = true;
				continue;
			}
			if (dp->d_dotdot != 0 &&
			    k->k_ist[dp->d_dotdot].is_refs > 0)
				k->k_ist[dp->d_dotdot].is_refs--;
			k->k_ist[dp->d_parent].is_refs++;
			dp->d_dotdot = dp->d_parent;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- pass 4 */

static int
pass4(struct fck *k)
{
	struct istate *is;
	union ffs_dinode d;
	uint64_t ino;
	int error;

	for (ino = UFS_ROOTINO; ino < k->k_maxino; ino++) {
		is = &k->k_ist[ino];
		if (is->is_state == IS_FREE)
			continue;
		if (is->is_refs == 0 && is->is_state == IS_FILE) {
			if ((error = iget(k, ino, &d)) != 0)
				return error;
			if (din_size(k, &d) == 0 && din_blocks(k, &d) == 0) {
				if (problem(k, FIX_PREEN, "inode %llu (%s) is "
				    "unreferenced and empty; cleared",
				    (unsigned long long)ino,
				    type_name(is->is_type))) {
					if ((error = iclear(k, ino)) != 0)
						return error;
				}
				continue;
			}
			if (problem(k, FIX_PREEN, "inode %llu (%s, %llu bytes) "
			    "is unreferenced; reconnected to /lost+found",
			    (unsigned long long)ino, type_name(is->is_type),
			    (unsigned long long)din_size(k, &d)) &&
			    reconnect(k, ino, false) != 0)
				k->k_unfixed = true;
		}
		if ((uint32_t)(int32_t)is->is_nlink == is->is_refs)
			continue;
		if (is->is_refs == 0)
			continue;	/* an unconnected directory, reported */
		if (problem(k, FIX_PREEN, "inode %llu (%s): link count %d, "
		    "but %u entries name it", (unsigned long long)ino,
		    type_name(is->is_type), is->is_nlink, is->is_refs)) {
			if ((error = iget(k, ino, &d)) != 0)
				return error;
			din_setnlink(k, &d, (int16_t)is->is_refs);
			is->is_nlink = (int16_t)is->is_refs;
			if ((error = iput(k, ino, &d)) != 0)
				return error;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- pass 5 */

static inline bool
bit(const uint8_t *map, int64_t i)
{
	return (map[i >> 3] >> (i & 7)) & 1;
}

static inline void
setbit_to(uint8_t *map, int64_t i, bool v)
{
	if (v)
		map[i >> 3] |= (uint8_t)(1 << (i & 7));
	else
		map[i >> 3] &= (uint8_t)~(1 << (i & 7));
}

/*
 * Build group c's maps and counts from the computed state into cgblk (a
 * copy of the group block, host-order header at cg); return whether it
 * differs from what is on the device.
 */
static bool
build_cg(struct fck *k, uint32_t c, uint8_t *blk, struct cg *cg,
    struct csum *cs, bool rebuild)
{
	struct fs *fs = k->k_fs;
	struct cglayout l;
	int64_t base = ffs_cgbase(fs, c), b, f, run;
	uint64_t ino0 = (uint64_t)c * (uint64_t)fs->fs_ipg, i;
	int32_t frsum[MAXFRAG], *clsum = NULL;
	int32_t nclsum = fs->fs_contigsumsize;
	uint8_t *iused, *freem, *clmap = NULL;
	int j, nfree;
	bool differ = false;
	struct csum want;

	cg_layout(k, c, &l);
	if (rebuild) {
		memset(blk, 0, (size_t)fs->fs_cgsize);
		memset(cg, 0, sizeof(*cg));
		cg->cg_magic = CG_MAGIC;
		cg->cg_cgx = (int32_t)c;
		cg->cg_ndblk = (int32_t)l.l_ndblk;
		cg->cg_iusedoff = (int32_t)l.l_iused;
		cg->cg_freeoff = (int32_t)l.l_free;
		cg->cg_nextfreeoff = (int32_t)l.l_next;
		if (nclsum > 0) {
			cg->cg_clustersumoff = (int32_t)l.l_clsum;
			cg->cg_clusteroff = (int32_t)l.l_cl;
			cg->cg_nclusterblks = (int32_t)(l.l_ndblk / fs->fs_frag);
		}
		if (k->k_ump->um_ufs2) {
			cg->cg_niblk = fs->fs_ipg;
			cg->cg_initediblk = fs->fs_ipg;
		} else {
			int32_t cpg = MAX(fs->fs_old_cpg, 1);
			int32_t fpc = MAX(fs->fs_fpg / cpg, 1);

			cg->cg_old_niblk = (int16_t)fs->fs_ipg;
			if (l.l_rot) {
				cg->cg_old_btotoff = (int32_t)sizeof(struct cg);
				cg->cg_old_boff = (int32_t)sizeof(struct cg) +
				    cpg * 4;
			}
			cg->cg_old_ncyl = (int16_t)(c == (uint32_t)fs->fs_ncg -
			    1 ? howmany(l.l_ndblk, fpc) : cpg);
		}
		differ = true;
	}
	iused = blk + cg->cg_iusedoff;
	freem = blk + cg->cg_freeoff;
	if (nclsum > 0) {
		clsum = kmem_zalloc(((size_t)nclsum + 1) * sizeof(*clsum));
		clmap = blk + cg->cg_clusteroff;
		if (clsum == NULL)
			return false;
	}
	memset(&want, 0, sizeof(want));
	memset(frsum, 0, sizeof(frsum));
	for (i = 0; i < (uint64_t)fs->fs_ipg; i++) {
		bool u = ino0 + i < UFS_ROOTINO ||
		    k->k_ist[ino0 + i].is_state != IS_FREE;

		if (bit(iused, (int64_t)i) != u) {
			differ = true;
			setbit_to(iused, (int64_t)i, u);
		}
		if (!u)
			want.cs_nifree++;
		else if (k->k_ist[ino0 + i].is_state == IS_DIR)
			want.cs_ndir++;
	}
	for (f = 0; f < fs->fs_fpg; f++) {
		bool fr = f < l.l_ndblk && !used_test(k, base + f);

		if (bit(freem, f) != fr) {
			differ = true;
			setbit_to(freem, f, fr);
		}
	}
	run = 0;
	for (b = 0; b < l.l_ndblk; b += fs->fs_frag) {
		nfree = 0;
		for (j = 0; j < fs->fs_frag && b + j < l.l_ndblk; j++)
			nfree += bit(freem, b + j);
		if (nfree == fs->fs_frag) {
			want.cs_nbfree++;
			run++;
		} else {
			want.cs_nffree += nfree;
			for (j = 0; j < fs->fs_frag && b + j < l.l_ndblk;) {
				int r = 0;

				while (j < fs->fs_frag && b + j < l.l_ndblk &&
				    bit(freem, b + j)) {
					r++;
					j++;
				}
				if (r > 0 && r < MAXFRAG)
					frsum[r]++;
				while (j < fs->fs_frag && b + j < l.l_ndblk &&
				    !bit(freem, b + j))
					j++;
			}
			if (run > 0 && nclsum > 0)
				clsum[MIN(run, nclsum)]++;
			run = 0;
		}
		if (nclsum > 0 && b / fs->fs_frag < l.l_ndblk / fs->fs_frag) {
			bool cf = nfree == fs->fs_frag;

			if (bit(clmap, b / fs->fs_frag) != cf) {
				differ = true;
				setbit_to(clmap, b / fs->fs_frag, cf);
			}
		}
	}
	if (nclsum > 0) {
		if (run > 0)
			clsum[MIN(run, nclsum)]++;
		for (b = l.l_ndblk / fs->fs_frag; b < fs->fs_fpg / fs->fs_frag;
		    b++)
			if (bit(clmap, b)) {
				differ = true;
				setbit_to(clmap, b, false);
			}
		for (j = 1; j <= nclsum; j++) {
			uint8_t *p = blk + cg->cg_clustersumoff + 4 * j;

			if ((int32_t)ffs_rd32(p, k->k_ump->um_swap) !=
			    clsum[j]) {
				differ = true;
				ffs_wr32(p, (uint32_t)clsum[j],
				    k->k_ump->um_swap);
			}
		}
		kmem_free(clsum, ((size_t)nclsum + 1) * sizeof(*clsum));
	}
	for (j = 0; j < MAXFRAG; j++)
		if (cg->cg_frsum[j] != frsum[j]) {
			differ = true;
			cg->cg_frsum[j] = frsum[j];
		}
	if (memcmp(&cg->cg_cs, &want, sizeof(want)) != 0) {
		differ = true;
		cg->cg_cs = want;
	}
	*cs = want;
	return differ;
}

static int
pass5(struct fck *k)
{
	struct fs *fs = k->k_fs;
	struct csum_total tot;
	struct buf *bp;
	struct cg cg;
	uint32_t c;
	int error;
	bool rebuild, differ, sumdiff = false;
	uint8_t *blk;

	if ((blk = kmem_alloc((size_t)fs->fs_cgsize)) == NULL)
		return ENOMEM;
	memset(&tot, 0, sizeof(tot));
	for (c = 0; c < (uint32_t)fs->fs_ncg; c++) {
		if ((error = read_cg(k, c, &bp, &cg)) != 0)
			goto out;
		memcpy(blk, bp->b_data, (size_t)fs->fs_cgsize);
		brelse(bp, 0);
		rebuild = !cg_ok(k, c, &cg, false);
		if (rebuild && k->k_mode != FSCK_YES) {
			/* Reported; count what the group should say. */
			struct csum cs;
			uint8_t *scratch = kmem_zalloc((size_t)fs->fs_cgsize);
			struct cg cg2;

			if (scratch == NULL) {
				error = ENOMEM;
				goto out;
			}
			(void)build_cg(k, c, scratch, &cg2, &cs, true);
			kmem_free(scratch, (size_t)fs->fs_cgsize);
			k->k_ump->um_csp[c] = cs;
		} else {
			differ = build_cg(k, c, blk, &cg, &k->k_ump->um_csp[c],
			    rebuild);
			if (differ && !rebuild && problem(k, FIX_PREEN,
			    "cylinder group %u: inode, fragment or cluster "
			    "maps or counts are wrong", c))
				rebuild = true;
			if (rebuild && differ) {
				if (k->k_ump->um_swap)
					ffs_cg_swap(&cg);
				memcpy(blk, &cg, sizeof(cg));
				error = rd(k, ffs_cgstart(fs, c) +
				    fs->fs_cblkno, (int)ffs_fragroundup(fs,
				    fs->fs_cgsize), &bp);
				if (error != 0)
					goto out;
				memcpy(bp->b_data, blk, (size_t)fs->fs_cgsize);
				if ((error = wr(k, bp)) != 0)
					goto out;
			}
		}
		tot.cs_ndir += k->k_ump->um_csp[c].cs_ndir;
		tot.cs_nbfree += k->k_ump->um_csp[c].cs_nbfree;
		tot.cs_nifree += k->k_ump->um_csp[c].cs_nifree;
		tot.cs_nffree += k->k_ump->um_csp[c].cs_nffree;
	}
	/* The summary area and the superblock totals. */
	{
		struct csum *disk = kmem_zalloc((size_t)fs->fs_ncg *
		    sizeof(*disk));
		struct csum *mine = k->k_ump->um_csp;

		if (disk == NULL) {
			error = ENOMEM;
			goto out;
		}
		k->k_ump->um_csp = disk;
		error = ffs_csum_read(k->k_ump);
		k->k_ump->um_csp = mine;
		if (error == 0 && memcmp(disk, mine, (size_t)fs->fs_ncg *
		    sizeof(*disk)) != 0)
			sumdiff = true;
		kmem_free(disk, (size_t)fs->fs_ncg * sizeof(*disk));
		if (error != 0) {
			k->k_ioerror = true;
			goto out;
		}
	}
	if (sumdiff)
		problem(k, FIX_PREEN, "summary area (fragment %lld): group "
		    "counts are wrong", (long long)fs->fs_csaddr);
	if (tot.cs_ndir != fs->fs_cstotal.cs_ndir ||
	    tot.cs_nbfree != fs->fs_cstotal.cs_nbfree ||
	    tot.cs_nifree != fs->fs_cstotal.cs_nifree ||
	    tot.cs_nffree != fs->fs_cstotal.cs_nffree)
		problem(k, FIX_PREEN, "superblock: totals are wrong (%lld "
		    "directories, %lld free blocks, %lld free inodes, %lld "
		    "free fragments; should be %lld, %lld, %lld, %lld)",
		    (long long)fs->fs_cstotal.cs_ndir,
		    (long long)fs->fs_cstotal.cs_nbfree,
		    (long long)fs->fs_cstotal.cs_nifree,
		    (long long)fs->fs_cstotal.cs_nffree,
		    (long long)tot.cs_ndir, (long long)tot.cs_nbfree,
		    (long long)tot.cs_nifree, (long long)tot.cs_nffree);
	fs->fs_cstotal.cs_ndir = tot.cs_ndir;
	fs->fs_cstotal.cs_nbfree = tot.cs_nbfree;
	fs->fs_cstotal.cs_nifree = tot.cs_nifree;
	fs->fs_cstotal.cs_nffree = tot.cs_nffree;
	error = 0;
out:
	kmem_free(blk, (size_t)fs->fs_cgsize);
	return error;
}

/* ------------------------------------------------------------ driver */

static void
fck_free(struct fck *k)
{
	if (k->k_ist != NULL)
		kmem_free(k->k_ist, k->k_maxino * sizeof(*k->k_ist));
	if (k->k_used != NULL)
		kmem_free(k->k_used, k->k_usedlen);
	if (k->k_dirs != NULL)
		kmem_free(k->k_dirs, k->k_dircap * sizeof(*k->k_dirs));
	if (k->k_inited != NULL)
		kmem_free(k->k_inited, (size_t)k->k_fs->fs_ncg *
		    sizeof(*k->k_inited));
	if (k->k_cgbad != NULL)
		kmem_free(k->k_cgbad, (size_t)k->k_fs->fs_ncg);
	if (k->k_blk != NULL)
		kmem_free(k->k_blk, 2 * (size_t)k->k_fs->fs_bsize);
	if (k->k_links != NULL)
		kmem_free(k->k_links, k->k_linkcap * sizeof(*k->k_links));
}

/* Apply the cuts pass 1 asked for; true if any was made. */
static int
apply_cuts(struct fck *k)
{
	uint64_t ino;
	int error;

	for (ino = UFS_ROOTINO; ino < k->k_maxino; ino++)
		if (k->k_ist[ino].is_flags & IF_CUT)
			if ((error = cut_inode(k, ino, k->k_ist[ino].is_cut)) !=
			    0)
				return error;
	return 0;
}

int
ffs_fsck(struct vnode *devvp, struct fsck_args *fa)
{
	struct ufsmount *ump = NULL;
	struct fck k;
	struct fs *fs;
	struct cglayout lay;
	char why[200];
	int error, run, round;
	uint64_t ino;

	memset(&k, 0, sizeof(k));
	fa->fa_found = fa->fa_fixed = fa->fa_files = fa->fa_frags = 0;
	fa->fa_skipped = fa->fa_modified = fa->fa_clean = false;
	if ((error = ffs_ump_create(devvp, &ump)) != 0)
		return error;
	fs = ump->um_fs;
	k.k_ump = ump;
	k.k_fs = fs;
	k.k_fa = fa;
	k.k_mode = fa->fa_mode;
	if (ump->um_wapbl) {
		say(&k, "the file system has a WAPBL log, which this checker "
		    "cannot replay");
		error = EOPNOTSUPP;
		goto out;
	}
	/*
	 * What a read-write mount needs of the superblock (the summary area
	 * apart from the metadata, cluster and group sizes, ...) is not
	 * something this checker rebuilds: an image that fails it is not
	 * declared repaired.
	 */
	if (ffs_sb_validate_rw(fs, ump->um_sbloc, why, sizeof(why)) != 0) {
		(void)problem(&k, 0, "superblock: %s", why);
		say(&k, "the superblock cannot be repaired here");
		goto out;	/* error 0, not clean: exit status 8 */
	}
	cg_layout(&k, 0, &lay);
	if (lay.l_next > fs->fs_cgsize) {
		(void)problem(&k, 0, "superblock: the maps of a cylinder "
		    "group (%lld bytes) do not fit in its block of %d",
		    (long long)lay.l_next, fs->fs_cgsize);
		say(&k, "the superblock cannot be repaired here");
		goto out;	/* error 0, not clean: exit status 8 */
	}
	if (k.k_mode == FSCK_PREEN && !ump->um_unclean &&
	    !(fa->fa_flags & FSCK_FORCE)) {
		say(&k, "file system is clean; not checking");
		fa->fa_skipped = true;
		fa->fa_clean = true;
		goto out;
	}
	k.k_maxino = ump->um_maxino;
	k.k_usedlen = (size_t)howmany(fs->fs_size, 8);
	k.k_ist = kmem_zalloc(k.k_maxino * sizeof(*k.k_ist));
	k.k_used = kmem_zalloc(k.k_usedlen);
	k.k_inited = kmem_zalloc((size_t)fs->fs_ncg * sizeof(*k.k_inited));
	k.k_cgbad = kmem_zalloc((size_t)fs->fs_ncg);
	k.k_blk = kmem_alloc(2 * (size_t)fs->fs_bsize);
	ump->um_csp = kmem_zalloc((size_t)fs->fs_ncg * sizeof(*ump->um_csp));
	if (k.k_ist == NULL || k.k_used == NULL || k.k_inited == NULL ||
	    k.k_cgbad == NULL || k.k_blk == NULL || ump->um_csp == NULL) {
		say(&k, "not enough memory for %llu inodes",
		    (unsigned long long)k.k_maxino);
		error = ENOMEM;
		goto out;
	}
	if (ump->um_unclean)
		(void)problem(&k, FIX_PREEN, "file system is not marked clean");
	for (round = 0; ; round++) {
	k.k_found = 0;
	k.k_lfino = 0;
	k.k_unfixed = false;
	fa->fa_files = 0;
	for (run = 0; ; run++) {
		k.k_restart = false;
		debug(&k, "** phase 1: inodes and their blocks");
		if ((error = pass1(&k)) != 0)
			goto out;
		if (k.k_restart && run < MAXRUNS && k.k_mode != FSCK_NOWRITE) {
			if ((error = apply_cuts(&k)) != 0)
				goto out;
			debug(&k, "** repairs changed the inodes: again");
			continue;
		}
		break;
	}
	debug(&k, "** phase 2: directories");
	if ((error = pass2(&k)) != 0)
		goto out;
	debug(&k, "** phase 3: connectivity");
	if ((error = pass3(&k)) != 0)
		goto out;
	debug(&k, "** phase 4: link counts");
	if ((error = pass4(&k)) != 0)
		goto out;
	debug(&k, "** phase 5: cylinder groups and summaries");
	if ((error = pass5(&k)) != 0)
		goto out;
	for (ino = UFS_ROOTINO; ino < k.k_maxino; ino++)
		if (k.k_ist[ino].is_state != IS_FREE)
			fa->fa_files++;
	fa->fa_frags = k.k_nclaimed;
	/*
	 * Repairs can uncover more (a directory put into lost+found still
	 * named by an entry of the cycle it was in): check again, until a
	 * round finds nothing, a few times at most.
	 */
	if (k.k_mode == FSCK_NOWRITE || k.k_found == 0 || k.k_ioerror ||
	    round == 2)
		break;
	/*
	 * The summaries and totals as this round made them, with the file
	 * system still marked not clean, so that the next round compares
	 * against them.
	 */
	if ((error = bflush(devvp)) != 0 ||
	    (error = ffs_sbupdate(ump, false)) != 0 ||
	    (error = bflush(devvp)) != 0)
		goto out;
	fa->fa_modified = true;
	debug(&k, "** repairs were made: checking again");
	}
	if (k.k_mode == FSCK_NOWRITE) {
		fa->fa_clean = fa->fa_found == 0;
		goto out;
	}
	fa->fa_clean = !k.k_unfixed && !k.k_ioerror;
	if (fa->fa_found > 0 && !fa->fa_clean)
		say(&k, "problems are left: the file system stays marked not "
		    "clean");
	if (fa->fa_modified || fa->fa_found > 0 ||
	    (fa->fa_clean && ump->um_unclean)) {
		/*
		 * Everything else first and durable (a barrier), then the
		 * summaries and the superblock with the clean flag.
		 */
		if ((error = bflush(devvp)) == 0)
			error = blk_sync(devvp->v_blkdev);
		if (error == 0)
			error = ffs_sbupdate(ump, fa->fa_clean);
		fa->fa_modified = true;
		if (error == 0)
			error = bflush(devvp);
		if (error == 0)
			error = blk_sync(devvp->v_blkdev);
	}
out:
	fck_free(&k);
	if (ump != NULL)
		ffs_ump_free(ump);
	return error;
}
