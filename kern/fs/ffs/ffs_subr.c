/*
 * ffs_subr.c: pure helpers of the FFS driver: recognising and checking a
 * superblock, and the size and address checks every block map and
 * directory operation relies on.  Nothing here does I/O.
 *
 * Superblock checks.  Everything the driver computes with is checked
 * before first use, so that no later shift, division, multiplication or
 * array index can go wrong on a hostile image: block and fragment sizes
 * and their shifts and masks, inode and pointer counts per block, the
 * cylinder group geometry against the file system and device sizes, the
 * layout inside a group, the summary area, and the few format fields
 * (symlink length, inode format) that change how inodes are read.
 * Fields only allocation uses are checked at a read-write mount
 * (ffs_sb_validate_rw), the cylinder groups when first used (ffs_alloc.c).
 * ffs_blkok() is the one test of a block pointer: inside the file system,
 * inside one block, and not metadata.
 */
#include "../../sys/param.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "dinode.h"
#include "dir.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

/*
 * Which FFS superblock, if any, are the SBLOCKSIZE bytes at raw?  Sets
 * *ufs2p and *swapp (the magic is stored in the other byte order) and
 * returns 0, or EFTYPE.
 */
int
ffs_sb_magic(const void *raw, bool *ufs2p, bool *swapp)
{
	uint32_t m;

	m = ffs_rd32((const uint8_t *)raw + offsetof(struct fs, fs_magic),
	    false);
	if (m == FS_UFS1_MAGIC || m == FS_UFS2_MAGIC) {
		*swapp = false;
	} else {
		m = __builtin_bswap32(m);
		if (m != FS_UFS1_MAGIC && m != FS_UFS2_MAGIC)
			return EFTYPE;
		*swapp = true;
	}
	*ufs2p = m == FS_UFS2_MAGIC;
	return 0;
}

/*
 * Fold the UFS1 compatibility fields into the 64-bit ones of an in-core
 * superblock.  A UFS1 superblock that predates FS_FLAGS_UPDATED keeps its
 * size, data size, summary address, totals and flags only in the old
 * 32-bit fields; later ones keep both, and the 64-bit copies are the
 * ones kept current.  Afterwards the rest of the driver uses fs_size,
 * fs_dsize, fs_csaddr, fs_cstotal and fs_flags for both formats.
 */
void
ffs_sb_normalize(struct fs *fs)
{
	if (fs->fs_magic != FS_UFS1_MAGIC)
		return;
	if ((fs->fs_old_flags & FS_FLAGS_UPDATED) && fs->fs_size != 0)
		return;
	fs->fs_size = fs->fs_old_size;
	fs->fs_dsize = fs->fs_old_dsize;
	fs->fs_csaddr = fs->fs_old_csaddr;
	fs->fs_cstotal.cs_ndir = fs->fs_old_cstotal.cs_ndir;
	fs->fs_cstotal.cs_nbfree = fs->fs_old_cstotal.cs_nbfree;
	fs->fs_cstotal.cs_nifree = fs->fs_old_cstotal.cs_nifree;
	fs->fs_cstotal.cs_nffree = fs->fs_old_cstotal.cs_nffree;
	fs->fs_flags = fs->fs_old_flags;
}

static int
ilog2(uint64_t x)
{
	int n = 0;

	while (x > 1) {
		x >>= 1;
		n++;
	}
	return n;
}

#define SB_BAD(...) do {						\
	snprintf(why, whylen, __VA_ARGS__);				\
	return EFTYPE;							\
} while (/* CONSTCOND */ 0)

/* Block and fragment sizes, their shifts and masks, per-block counts. */
static int
sb_check_sizes(const struct fs *fs, char *why, size_t whylen)
{
	bool ufs2 = fs->fs_magic == FS_UFS2_MAGIC;
	int32_t isize = ufs2 ? 256 : 128, psize = ufs2 ? 8 : 4;

	if (fs->fs_bsize < MINBSIZE || fs->fs_bsize > MAXBSIZE ||
	    !powerof2(fs->fs_bsize))
		SB_BAD("block size %d is not a power of two in %d..%d",
		    fs->fs_bsize, MINBSIZE, MAXBSIZE);
	if (fs->fs_fsize < DEV_BSIZE || fs->fs_fsize > fs->fs_bsize ||
	    !powerof2(fs->fs_fsize) || fs->fs_bsize / fs->fs_fsize > MAXFRAG)
		SB_BAD("fragment size %d does not suit block size %d",
		    fs->fs_fsize, fs->fs_bsize);
	if (fs->fs_frag != fs->fs_bsize / fs->fs_fsize)
		SB_BAD("fs_frag %d is not bsize/fsize", fs->fs_frag);
	if (fs->fs_bshift != ilog2((uint64_t)fs->fs_bsize) ||
	    fs->fs_fshift != ilog2((uint64_t)fs->fs_fsize) ||
	    fs->fs_fragshift != ilog2((uint64_t)fs->fs_frag) ||
	    fs->fs_fsbtodb != fs->fs_fshift - DEV_BSHIFT)
		SB_BAD("inconsistent shifts (bshift %d, fshift %d, "
		    "fragshift %d, fsbtodb %d)", fs->fs_bshift, fs->fs_fshift,
		    fs->fs_fragshift, fs->fs_fsbtodb);
	if (fs->fs_bmask != ~(fs->fs_bsize - 1) ||
	    fs->fs_fmask != ~(fs->fs_fsize - 1))
		SB_BAD("inconsistent masks (bmask %#x, fmask %#x)",
		    (unsigned)fs->fs_bmask, (unsigned)fs->fs_fmask);
	if (fs->fs_inopb != fs->fs_bsize / isize)
		SB_BAD("fs_inopb %d is not %d", fs->fs_inopb,
		    fs->fs_bsize / isize);
	if (fs->fs_nindir != fs->fs_bsize / psize)
		SB_BAD("fs_nindir %d is not %d", fs->fs_nindir,
		    fs->fs_bsize / psize);
	return 0;
}

/* Cylinder group counts and sizes against each other and the device. */
static int
sb_check_groups(const struct fs *fs, uint64_t devsize, char *why,
    size_t whylen)
{
	if (fs->fs_ncg < 1 || fs->fs_ipg < 1 || fs->fs_fpg < fs->fs_frag)
		SB_BAD("empty geometry (ncg %d, ipg %d, fpg %d)", fs->fs_ncg,
		    fs->fs_ipg, fs->fs_fpg);
	if (fs->fs_fpg % fs->fs_frag != 0 || fs->fs_ipg % fs->fs_inopb != 0)
		SB_BAD("fpg %d / ipg %d not multiples of frag / inopb",
		    fs->fs_fpg, fs->fs_ipg);
	if ((uint64_t)fs->fs_ncg * (uint64_t)fs->fs_ipg > UINT32_MAX)
		SB_BAD("%d groups of %d inodes overflow inode numbers",
		    fs->fs_ncg, fs->fs_ipg);
	if (fs->fs_size < 1 || fs->fs_size > INT64_MAX >> fs->fs_fshift ||
	    (fs->fs_magic == FS_UFS1_MAGIC && fs->fs_size > INT32_MAX))
		SB_BAD("bad size %lld", (long long)fs->fs_size);
	if ((uint64_t)fs->fs_ncg !=
	    howmany((uint64_t)fs->fs_size, (uint64_t)fs->fs_fpg))
		SB_BAD("%d cylinder groups of %d fragments do not make %lld",
		    fs->fs_ncg, fs->fs_fpg, (long long)fs->fs_size);
	if (devsize != 0 && (uint64_t)fs->fs_size << fs->fs_fshift > devsize)
		SB_BAD("file system of %llu bytes is larger than the device "
		    "(%llu bytes; truncated image?)",
		    (unsigned long long)fs->fs_size << fs->fs_fshift,
		    (unsigned long long)devsize);
	if (fs->fs_dsize < 1 || fs->fs_dsize > fs->fs_size)
		SB_BAD("bad data size %lld", (long long)fs->fs_dsize);
	return 0;
}

/* Where things are inside a cylinder group. */
static int
sb_check_layout(const struct fs *fs, char *why, size_t whylen)
{
	uint64_t stagger, m;

	if (!(0 < fs->fs_sblkno && fs->fs_sblkno < fs->fs_cblkno &&
	    fs->fs_cblkno < fs->fs_iblkno && fs->fs_iblkno < fs->fs_dblkno &&
	    fs->fs_dblkno <= fs->fs_fpg))
		SB_BAD("bad group layout (sblkno %d, cblkno %d, iblkno %d, "
		    "dblkno %d, fpg %d)", fs->fs_sblkno, fs->fs_cblkno,
		    fs->fs_iblkno, fs->fs_dblkno, fs->fs_fpg);
	if ((uint64_t)(fs->fs_dblkno - fs->fs_iblkno) <
	    (uint64_t)(fs->fs_ipg / fs->fs_inopb) << fs->fs_fragshift)
		SB_BAD("inode table too small for %d inodes", fs->fs_ipg);
	if (fs->fs_magic == FS_UFS1_MAGIC && fs->fs_old_cgoffset != 0) {
		m = ~(uint32_t)fs->fs_old_cgmask;
		stagger = (uint64_t)MIN(m, (uint64_t)fs->fs_ncg - 1);
		if (fs->fs_old_cgoffset < 0 || stagger * (uint64_t)
		    fs->fs_old_cgoffset + (uint64_t)fs->fs_dblkno >
		    (uint64_t)fs->fs_fpg)
			SB_BAD("bad group stagger (cgoffset %d, cgmask %#x)",
			    fs->fs_old_cgoffset, (unsigned)fs->fs_old_cgmask);
	}
	if (fs->fs_cgsize <= (int32_t)sizeof(struct cg) || fs->fs_cgsize >
	    (int64_t)(fs->fs_iblkno - fs->fs_cblkno) * fs->fs_fsize)
		SB_BAD("bad cylinder group size %d", fs->fs_cgsize);
	return 0;
}

/* The cylinder summary area: one struct csum per group, inside the fs. */
static int
sb_check_summary(const struct fs *fs, char *why, size_t whylen)
{
	int64_t need = (int64_t)fs->fs_ncg * (int64_t)sizeof(struct csum);

	if (fs->fs_cssize < need || fs->fs_csaddr < 0 || fs->fs_csaddr >
	    fs->fs_size - howmany((int64_t)fs->fs_cssize, fs->fs_fsize))
		SB_BAD("bad summary area (csaddr %lld, cssize %d)",
		    (long long)fs->fs_csaddr, fs->fs_cssize);
	return 0;
}

/* Format details that change how inodes and directories are read. */
static int
sb_check_format(const struct fs *fs, char *why, size_t whylen)
{
	int32_t area = fs->fs_magic == FS_UFS2_MAGIC ? UFS2_SYMLINKAREA :
	    UFS1_SYMLINKAREA;

	if (fs->fs_sbsize < (int32_t)sizeof(struct fs) ||
	    fs->fs_sbsize > SBLOCKSIZE)
		SB_BAD("bad superblock size %d", fs->fs_sbsize);
	if (fs->fs_maxsymlinklen < 0 || fs->fs_maxsymlinklen > area)
		SB_BAD("bad fs_maxsymlinklen %d", fs->fs_maxsymlinklen);
	if (fs->fs_magic == FS_UFS1_MAGIC &&
	    fs->fs_old_inodefmt > FS_44INODEFMT)
		SB_BAD("unknown inode format %d", fs->fs_old_inodefmt);
	if (fs->fs_minfree < 0 || fs->fs_minfree > 99)
		SB_BAD("bad fs_minfree %d", fs->fs_minfree);
	return 0;
}

/*
 * Fields only writing uses, checked when a mount is read-write: the
 * cluster summary (its length sizes the array cluster accounting writes
 * into each group block), maxcontig, the group block against the block
 * size (it is one buffer), where the primary superblock and the summary
 * area lie (inside the metadata of group 0, in no group's metadata,
 * respectively), so that block allocation and freeing can rely on them.
 */
static int
sb_check_rw(const struct fs *fs, int64_t loc, char *why, size_t whylen)
{
	int64_t csend, lo, hi;
	uint32_t c, clast;

	if (fs->fs_contigsumsize < 0 || fs->fs_contigsumsize > FS_MAXCONTIG)
		SB_BAD("fs_contigsumsize %d is not in 0..%d",
		    fs->fs_contigsumsize, FS_MAXCONTIG);
	if (fs->fs_maxcontig < 0 ||
	    fs->fs_maxcontig > fs->fs_fpg >> fs->fs_fragshift)
		SB_BAD("fs_maxcontig %d is not in 0..%d", fs->fs_maxcontig,
		    fs->fs_fpg >> fs->fs_fragshift);
	if (fs->fs_cgsize > fs->fs_bsize)
		SB_BAD("cylinder group size %d is larger than a block (%d)",
		    fs->fs_cgsize, fs->fs_bsize);
	if (loc + SBLOCKSIZE > (int64_t)fs->fs_sblkno << fs->fs_fshift)
		SB_BAD("the superblock at byte %lld is not before the first "
		    "group's backup (fragment %d)", (long long)loc,
		    fs->fs_sblkno);
	csend = fs->fs_csaddr + howmany((int64_t)fs->fs_cssize, fs->fs_fsize);
	clast = (uint32_t)((csend - 1) / fs->fs_fpg);
	for (c = (uint32_t)(fs->fs_csaddr / fs->fs_fpg); c <= clast; c++) {
		lo = c == 0 ? 0 : ffs_cgstart(fs, c) + fs->fs_sblkno;
		hi = ffs_cgstart(fs, c) + fs->fs_dblkno;
		if (fs->fs_csaddr < hi && csend > lo)
			SB_BAD("summary area (fragments %lld..%lld) overlaps "
			    "the metadata of cylinder group %u",
			    (long long)fs->fs_csaddr, (long long)csend - 1, c);
	}
	return 0;
}

#undef SB_BAD

/*
 * Check what a read-write mount needs beyond ffs_sb_validate() of the
 * superblock found at byte loc.  Returns 0, or EROFS (the file system is
 * still fine to read) with the first problem described in why.
 */
int
ffs_sb_validate_rw(const struct fs *fs, int64_t loc, char *why,
    size_t whylen)
{
	return sb_check_rw(fs, loc, why, whylen) != 0 ? EROFS : 0;
}

/*
 * Check a decoded, normalised superblock for a device of devsize bytes
 * (0: unknown).  Returns 0, or EFTYPE with the first problem described
 * in why.
 */
int
ffs_sb_validate(const struct fs *fs, int64_t loc, uint64_t devsize,
    char *why, size_t whylen)
{
	int error;

	if (fs->fs_magic == FS_UFS2_MAGIC && fs->fs_sblockloc != loc) {
		snprintf(why, whylen, "fs_sblockloc puts this UFS2 "
		    "superblock at %lld (a backup copy?)",
		    (long long)fs->fs_sblockloc);
		return EFTYPE;
	}
	if ((error = sb_check_sizes(fs, why, whylen)) != 0 ||
	    (error = sb_check_groups(fs, devsize, why, whylen)) != 0 ||
	    (error = sb_check_layout(fs, why, whylen)) != 0 ||
	    (error = sb_check_summary(fs, why, whylen)) != 0 ||
	    (error = sb_check_format(fs, why, whylen)) != 0)
		return error;
	return 0;
}

/* Largest file the block map of a valid superblock can address, bytes. */
uint64_t
ffs_maxfilesize(const struct fs *fs)
{
	uint64_t blocks = UFS_NDADDR, span = 1;
	int i;

	for (i = 0; i < UFS_NIADDR; i++) {
		span *= (uint64_t)fs->fs_nindir;
		blocks += span;
	}
	if (blocks > (uint64_t)INT64_MAX >> fs->fs_bshift)
		return INT64_MAX;
	return (blocks << fs->fs_bshift) - 1;
}

/*
 * Bytes of logical block lbn of a file of the given size: a whole block,
 * except that the block holding the end of a file small enough to have
 * no indirect blocks is only as many fragments as the data needs.
 */
int64_t
ffs_blksize(const struct fs *fs, uint64_t size, daddr_t lbn)
{
	uint64_t off = size & (uint64_t)(fs->fs_bsize - 1);

	if (lbn < UFS_NDADDR && (uint64_t)lbn == size >> fs->fs_bshift &&
	    off != 0)
		return ffs_fragroundup(fs, (int64_t)off);
	return fs->fs_bsize;
}

/*
 * May nfrags fragments starting at blk be file data or an indirect
 * block?  They must lie inside the file system and inside one block
 * (fragments never straddle a block boundary, and a whole block is
 * block-aligned), and be no metadata: not the boot area and superblock
 * (group 0 before its data), not a group's backup superblock, header or
 * inode table, not the summary area.  A pointer into those, followed,
 * would read metadata as file data, and freed or written, destroy it.
 */
bool
ffs_blkok(const struct fs *fs, int64_t blk, int64_t nfrags)
{
	int64_t end = blk + nfrags, start, lo, hi;
	uint32_t c;

	if (!(blk > 0 && nfrags > 0 && blk < fs->fs_size &&
	    nfrags <= fs->fs_size - blk &&
	    (blk & (fs->fs_frag - 1)) + nfrags <= fs->fs_frag))
		return false;
	/* One block: one group (fs_fpg is a multiple of fs_frag). */
	c = (uint32_t)(blk / fs->fs_fpg);
	start = ffs_cgstart(fs, c);
	lo = c == 0 ? 0 : start + fs->fs_sblkno;
	hi = start + fs->fs_dblkno;
	if (blk < hi && end > lo)
		return false;
	lo = fs->fs_csaddr;
	hi = lo + howmany((int64_t)fs->fs_cssize, fs->fs_fsize);
	return !(blk < hi && end > lo);
}

/* Hash of a name for the directory hash (32-bit FNV-1a). */
uint32_t
ffs_namehash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 16777619u;
	}
	return h;
}

/*
 * Generation number for a new use of inode ino whose old one was old:
 * random, or, when reproducible output is wanted (SOURCE_DATE_EPOCH),
 * derived from the inode number and the old value.  Never 0.
 */
uint32_t
ffs_newgen(uint64_t ino, uint32_t old)
{
	uint32_t g;

	if (!kclock_reproducible())
		g = karc4random();
	else
		g = old + (uint32_t)(ino * 2654435761u) + 1;
	g &= 0x7fffffff;
	return g != 0 ? g : 1;
}

/*
 * Damage found in a mounted file system: say what (one line, after the
 * device's name) and tell the VFS (vfs_damaged): the command's changes
 * are discarded, or without the journal the file system is not marked
 * clean, and the unmount fails, so that the command reports it even when
 * the operation that met it had nobody to tell (VOP_INACTIVE).  Returns
 * EIO for the caller to pass on.
 */
int
ffs_corrupt(struct ufsmount *ump, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("ffs: %s: %s\n", ump->um_devname, msg);
	if (ump->um_mountp != NULL)
		vfs_damaged(ump->um_mountp);
	return EIO;
}
