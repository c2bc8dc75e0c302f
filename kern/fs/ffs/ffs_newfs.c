/*
 * ffs_newfs.c: making a new, empty Fast File System on a device (the
 * vfs_newfs operation, used by fsu_newfs).
 *
 * Options (sys/newfs.h), with the defaults of NetBSD's newfs for the
 * size of the file system:
 *
 *	format=1|2	UFS1 or UFS2 (default 2)
 *	bsize=N		block size, 4096..65536 (4 KiB below 20 MiB,
 *			8 KiB below 1000 MiB, 16 KiB below 128 GiB, else
 *			32 KiB)
 *	fsize=N		fragment size, bsize/8..bsize (default bsize/8)
 *	density=N	bytes of data space per inode (default 4 * fsize)
 *	inodes=N	at least N inodes in all (overrides density)
 *	minfree=N	percent of the blocks kept free (default 5)
 *	optim=time|space  allocation preference (time if minfree >= 5)
 *	order=be|le	byte order (default the host's)
 *	label=NAME	volume name (fs_volname, up to 31 bytes)
 *
 * Layout.  The fragments are split into ncg groups of fpg fragments, as
 * equal as the fragment count allows, the last possibly shorter.  In
 * each group: a backup superblock at fs_sblkno (the first block boundary
 * after the primary superblock's place, so that in group 0 the boot area
 * and the primary come first), the group header and its maps in one
 * block at fs_cblkno, the inode table from fs_iblkno, and data from
 * fs_dblkno; in the groups after the first the fragments before
 * fs_sblkno are data too.  fpg is the largest that keeps a group's header
 * and maps (inode map, fragment map, cluster map and summary; for UFS1
 * the one-cylinder rotational tables) within one block, with the inodes
 * the density asks for.  The cylinder summary area follows the inode
 * table of group 0, then the root directory's one fragment.
 *
 * UFS1 is written with one cylinder per group and one rotational
 * position (dynamic tables), the 4.4BSD inode format and the 64-bit
 * copies of the summary fields in use (FS_FLAGS_UPDATED).  UFS2 groups
 * initialise two blocks of inodes; the driver initialises more as it
 * needs them (cg_initediblk).
 *
 * What newfs writes: every group's backup superblock, header and maps,
 * the initialised inode blocks (only the root's when the device already
 * reads as zeros), the summary area, the root directory and its inode,
 * and the primary superblock last.  The root directory is owned by
 * 0:0, mode 0755.  Times are "now" (clamped by SOURCE_DATE_EPOCH); with
 * SOURCE_DATE_EPOCH set the file system id and the generation numbers
 * depend only on the parameters, so the same command makes the same
 * bytes.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/newfs.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "dinode.h"
#include "dir.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

#define MiB		(1024 * 1024LL)
#define NF_MAXCONTIG	16		/* FS_MAXCONTIG */
#define NF_IOSIZE	65536		/* bytes of a cluster at most */
#define NF_UFS1_MAXIPG	0x7fff		/* cg_old_niblk: 16 bits */
#define NF_UFS2_INITED	2		/* inode blocks made per group */

#define isset(a, i)	(((a)[(i) >> 3] >> ((i) & 7)) & 1)
#define setbit(a, i)	((a)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))

static const char *const newfs_opts[] = {
	"format", "bsize", "fsize", "density", "inodes", "minfree", "optim",
	"order", "label", NULL
};

/* Read a decimal option; ENOENT if absent. */
static int
opt_num(const char *opts, const char *key, int64_t min, int64_t max,
    int64_t *vp)
{
	char buf[32], *p;
	uint64_t v = 0;
	int error;

	if ((error = vfs_getopt(opts, key, buf, sizeof(buf))) != 0)
		return error == ENAMETOOLONG ? EINVAL : error;
	for (p = buf; *p >= '0' && *p <= '9'; p++) {
		if (v > (uint64_t)INT64_MAX / 10)
			break;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == buf || *p != '\0' || v < (uint64_t)min || v > (uint64_t)max) {
		kprintf("newfs: bad %s \"%s\"\n", key, buf);
		return EINVAL;
	}
	*vp = (int64_t)v;
	return 0;
}

/* Parse the options into np (defaults: 0 or -1 where noted). */
static int
params_parse(const char *opts, struct ffs_nfparams *np)
{
	char buf[MAXVOLLEN + 1];
	int64_t v;
	int error;

	memset(np, 0, sizeof(*np));
	np->np_format = 2;
	np->np_minfree = -1;
	np->np_optim = -1;
	if (opts == NULL)
		opts = "";
	if ((error = vfs_checkopts(opts, newfs_opts)) != 0)
		return error;
#define NUMOPT(key, min, max, field) do {				\
	if ((error = opt_num(opts, key, min, max, &v)) == 0)		\
		np->field = v;						\
	else if (error != ENOENT)					\
		return error;						\
} while (/* CONSTCOND */ 0)
	NUMOPT("format", 1, 2, np_format);
	NUMOPT("bsize", 1, MAXBSIZE, np_bsize);
	NUMOPT("fsize", 1, MAXBSIZE, np_fsize);
	NUMOPT("density", 1, INT32_MAX, np_density);
	NUMOPT("inodes", 1, UINT32_MAX, np_inodes);
	NUMOPT("minfree", 0, 99, np_minfree);
#undef NUMOPT
	if ((error = vfs_getopt(opts, "optim", buf, sizeof(buf))) == 0) {
		if (strcmp(buf, "time") == 0)
			np->np_optim = 0;
		else if (strcmp(buf, "space") == 0)
			np->np_optim = 1;
		else
			return EINVAL;
	}
	if ((error = vfs_getopt(opts, "order", buf, sizeof(buf))) == 0) {
		if (strcmp(buf, "be") != 0 && strcmp(buf, "le") != 0)
			return EINVAL;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		np->np_swap = strcmp(buf, "le") == 0;
#else
		np->np_swap = strcmp(buf, "be") == 0;
#endif
	}
	error = vfs_getopt(opts, "label", np->np_label, sizeof(np->np_label));
	if (error == ENAMETOOLONG) {
		kprintf("newfs: the label is longer than %d bytes\n",
		    MAXVOLLEN - 1);
		return EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------ geometry */

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

/* Block and fragment sizes: given, or NetBSD's defaults for the size. */
static int
geom_sizes(const struct ffs_nfparams *np, uint64_t bytes, bool quiet,
    int32_t *bsizep, int32_t *fsizep)
{
	int32_t bsize = (int32_t)np->np_bsize, fsize = (int32_t)np->np_fsize;

	if (bsize == 0 && fsize == 0) {
		if (bytes < 20 * MiB)
			bsize = 4096;
		else if (bytes < 1000 * MiB)
			bsize = 8192;
		else if (bytes < 128 * 1024 * MiB)
			bsize = 16384;
		else
			bsize = 32768;
	} else if (bsize == 0) {
		bsize = MAX(MIN(fsize * MAXFRAG, MAXBSIZE), MINBSIZE);
	}
	if (fsize == 0)
		fsize = MAX(bsize / MAXFRAG, DEV_BSIZE);
	if (bsize < MINBSIZE || bsize > MAXBSIZE || !powerof2(bsize)) {
		if (!quiet)
			kprintf("newfs: block size %d is not a power of two "
			    "in %d..%d\n", bsize, MINBSIZE, MAXBSIZE);
		return EINVAL;
	}
	if (fsize < DEV_BSIZE || fsize > bsize || !powerof2(fsize) ||
	    bsize / fsize > MAXFRAG) {
		if (!quiet)
			kprintf("newfs: fragment size %d is not a power of "
			    "two in %d..%d\n", fsize, MAX(bsize / MAXFRAG,
			    DEV_BSIZE), bsize);
		return EINVAL;
	}
	*bsizep = bsize;
	*fsizep = fsize;
	return 0;
}

/* Bytes of a group's header and maps for fpg fragments, ipg inodes. */
static int64_t
geom_mapsize(const struct ffs_nfgeom *g, int64_t fpg, int64_t ipg)
{
	int64_t next;

	next = (int64_t)sizeof(struct cg) + (g->g_ufs2 ? 0 : 4 + 2);
	next += howmany(ipg, 8) + howmany(fpg, 8);
	if (g->g_contig > 0)
		next = roundup(next - 4, 4) + (g->g_contig + 1) * 4 +
		    howmany(fpg / g->g_frag, 8);
	return next;
}

/* Inodes of a group of fpg fragments, from the density. */
static int64_t
geom_ipg(const struct ffs_nfgeom *g, int64_t fpg)
{
	int64_t n = howmany(fpg * g->g_fsize, g->g_density);

	return roundup(MAX(n, 1), g->g_inopb);
}

/* Do fpg fragments with ipg inodes make a possible group? */
static bool
geom_groupok(const struct ffs_nfgeom *g, int64_t fpg, int64_t ipg)
{
	if (ipg > (g->g_ufs2 ? INT32_MAX : NF_UFS1_MAXIPG))
		return false;
	if (geom_mapsize(g, fpg, ipg) > g->g_bsize)
		return false;
	/* Metadata, then at least one data block. */
	return g->g_iblkno + ipg / g->g_inopb * g->g_frag + g->g_frag <= fpg;
}

/*
 * The largest group the density allows: its maps fill at most a block.
 * 0 if no group is possible (the density asks for more inodes than a
 * group can hold).
 */
static int64_t
geom_maxfpg(const struct ffs_nfgeom *g)
{
	int64_t fpg;

	fpg = rounddown((int64_t)g->g_bsize * 8, g->g_frag);
	for (; fpg >= g->g_frag; fpg -= g->g_frag)
		if (geom_groupok(g, fpg, geom_ipg(g, fpg)))
			return fpg;
	return 0;
}

/* Split nfrags into groups; the inode count as the density or mininodes. */
static int
geom_groups(struct ffs_nfgeom *g, int64_t nfrags, int64_t mininodes)
{
	int64_t maxfpg, ncg, fpg, ipg, last;

	if ((maxfpg = geom_maxfpg(g)) == 0) {
		if (!g->g_quiet)
			kprintf("newfs: %lld bytes per inode is too dense "
			    "for %d-byte blocks\n", (long long)g->g_density,
			    g->g_bsize);
		return EINVAL;
	}
	for (ncg = howmany(nfrags, maxfpg);; ncg++) {
		fpg = roundup(howmany(nfrags, ncg), g->g_frag);
		if (fpg < g->g_iblkno + 2 * g->g_frag)
			goto out_small;
		ipg = geom_ipg(g, fpg);
		if (mininodes > ncg * ipg)
			ipg = roundup(howmany(mininodes, ncg), g->g_inopb);
		if (!geom_groupok(g, fpg, ipg))
			continue;
		last = nfrags - (ncg - 1) * fpg;
		if (last <= 0)
			goto out_small;
		if (last < g->g_iblkno + ipg / g->g_inopb * g->g_frag +
		    g->g_frag) {
			/* The last group cannot hold its own metadata. */
			if (ncg == 1)
				goto out_small;
			nfrags = (ncg - 1) * fpg;
			ncg = howmany(nfrags, maxfpg) - 1;
			continue;
		}
		break;
	}
	if (ncg * ipg > UINT32_MAX) {
		if (!g->g_quiet)
			kprintf("newfs: too many inodes (%lld)\n",
			    (long long)(ncg * ipg));
		return EINVAL;
	}
	g->g_nfrags = nfrags;
	g->g_ncg = ncg;
	g->g_fpg = fpg;
	g->g_ipg = ipg;
	return 0;
out_small:
	if (!g->g_quiet)
		kprintf("newfs: %lld bytes are too few for a file system "
		    "with %d-byte blocks\n", (long long)(nfrags * g->g_fsize),
		    g->g_bsize);
	return EINVAL;
}

/*
 * Compute the geometry of a file system of bytes bytes (rounded down to
 * whole blocks) with at least mininodes inodes (0: as the density says).
 * Says why it cannot unless quiet.
 */
int
ffs_newfs_geom(const struct ffs_nfparams *np, uint64_t bytes,
    int64_t mininodes, bool quiet, struct ffs_nfgeom *g)
{
	int64_t nfrags, csbytes;
	int error;

	memset(g, 0, sizeof(*g));
	if (bytes > (uint64_t)INT64_MAX / 2)
		return EFBIG;
	g->g_quiet = quiet;
	if ((error = geom_sizes(np, bytes, quiet, &g->g_bsize,
	    &g->g_fsize)) != 0)
		return error;
	g->g_ufs2 = np->np_format == 2;
	g->g_frag = g->g_bsize / g->g_fsize;
	g->g_inopb = g->g_bsize / (g->g_ufs2 ? 256 : 128);
	g->g_density = np->np_density != 0 ? np->np_density :
	    4 * (int64_t)g->g_fsize;
	g->g_contig = MIN(MAX(NF_IOSIZE / g->g_bsize, 1), NF_MAXCONTIG);
	g->g_sbloc = g->g_ufs2 ? SBLOCK_UFS2 : SBLOCK_UFS1;
	g->g_sblkno = roundup(howmany(g->g_sbloc + SBLOCKSIZE, g->g_fsize),
	    g->g_frag);
	g->g_cblkno = g->g_sblkno + roundup(howmany(SBLOCKSIZE, g->g_fsize),
	    g->g_frag);
	g->g_iblkno = g->g_cblkno + g->g_frag;
	nfrags = rounddown((int64_t)(bytes / (uint64_t)g->g_fsize), g->g_frag);
	if (!g->g_ufs2 && nfrags > INT32_MAX)
		nfrags = rounddown((int64_t)INT32_MAX, g->g_frag);
	if (np->np_inodes > mininodes)
		mininodes = np->np_inodes;
	if ((error = geom_groups(g, nfrags, mininodes)) != 0)
		return error;
	g->g_dblkno = g->g_iblkno + g->g_ipg / g->g_inopb * g->g_frag;
	g->g_cgsize = (int32_t)roundup(geom_mapsize(g, g->g_fpg, g->g_ipg),
	    g->g_fsize);
	csbytes = roundup(g->g_ncg * (int64_t)sizeof(struct csum),
	    g->g_fsize);
	g->g_cssize = csbytes;
	g->g_csfrags = csbytes / g->g_fsize;
	/* Group 0 holds the summary area and the root directory too. */
	if (g->g_dblkno + g->g_csfrags + 1 > MIN(g->g_fpg, g->g_nfrags)) {
		if (!g->g_quiet)
			kprintf("newfs: the first cylinder group has no "
			    "room for the summary area\n");
		return EINVAL;
	}
	g->g_dsize = g->g_nfrags - g->g_sblkno -
	    g->g_ncg * (g->g_dblkno - g->g_sblkno) - g->g_csfrags;
	return 0;
}

/* --------------------------------------------------------- superblock */

/* The identifier and time of a new file system. */
static void
sb_stamp(const struct ffs_nfgeom *g, struct ktimespec *now, int32_t id[2])
{
	uint32_t h;

	vfs_timestamp(now);
	if (!kclock_reproducible()) {
		id[0] = (int32_t)now->tv_sec;
		id[1] = (int32_t)karc4random();
		return;
	}
	/* Only what the command asked for, so the same one makes the same. */
	h = ffs_namehash((const char *)g, sizeof(*g));
	id[0] = (int32_t)now->tv_sec;
	id[1] = (int32_t)(h & 0x7fffffff);
}

/* Fill a superblock (host byte order) for geometry g. */
static void
sb_build(const struct ffs_nfparams *np, const struct ffs_nfgeom *g,
    const struct ktimespec *now, const int32_t id[2], struct fs *fs)
{
	memset(fs, 0, sizeof(*fs));
	fs->fs_sblkno = (int32_t)g->g_sblkno;
	fs->fs_cblkno = (int32_t)g->g_cblkno;
	fs->fs_iblkno = (int32_t)g->g_iblkno;
	fs->fs_dblkno = (int32_t)g->g_dblkno;
	fs->fs_ncg = (int32_t)g->g_ncg;
	fs->fs_bsize = g->g_bsize;
	fs->fs_fsize = g->g_fsize;
	fs->fs_frag = g->g_frag;
	fs->fs_minfree = np->np_minfree >= 0 ? (int32_t)np->np_minfree : 5;
	fs->fs_optim = np->np_optim >= 0 ? (int32_t)np->np_optim :
	    fs->fs_minfree >= 5 ? 0 : 1;
	fs->fs_bmask = ~(g->g_bsize - 1);
	fs->fs_fmask = ~(g->g_fsize - 1);
	fs->fs_bshift = ilog2((uint64_t)g->g_bsize);
	fs->fs_fshift = ilog2((uint64_t)g->g_fsize);
	fs->fs_fragshift = ilog2((uint64_t)g->g_frag);
	fs->fs_fsbtodb = fs->fs_fshift - DEV_BSHIFT;
	fs->fs_maxcontig = g->g_contig;
	fs->fs_nindir = g->g_bsize / (g->g_ufs2 ? 8 : 4);
	fs->fs_maxbpg = fs->fs_nindir;
	fs->fs_inopb = g->g_inopb;
	fs->fs_sbsize = (int32_t)MIN(roundup((int64_t)sizeof(struct fs),
	    g->g_fsize), SBLOCKSIZE);
	fs->fs_id[0] = id[0];
	fs->fs_id[1] = id[1];
	fs->fs_cssize = (int32_t)g->g_cssize;
	fs->fs_cgsize = g->g_cgsize;
	fs->fs_ipg = (int32_t)g->g_ipg;
	fs->fs_fpg = (int32_t)g->g_fpg;
	fs->fs_clean = FS_ISCLEAN;
	fs->fs_old_flags = FS_FLAGS_UPDATED;
	memcpy(fs->fs_volname, np->np_label, sizeof(fs->fs_volname));
	fs->fs_maxbsize = g->g_bsize;
	fs->fs_sblockloc = g->g_sbloc;
	fs->fs_time = now->tv_sec;
	fs->fs_size = g->g_nfrags;
	fs->fs_dsize = g->g_dsize;
	fs->fs_csaddr = g->g_dblkno;
	fs->fs_avgfilesize = 16384;
	fs->fs_avgfpdir = 64;
	fs->fs_contigsumsize = g->g_contig;
	fs->fs_maxsymlinklen = g->g_ufs2 ? UFS2_SYMLINKAREA : UFS1_SYMLINKAREA;
	fs->fs_old_inodefmt = FS_44INODEFMT;
	fs->fs_qbmask = g->g_bsize - 1;
	fs->fs_qfmask = g->g_fsize - 1;
	fs->fs_magic = g->g_ufs2 ? FS_UFS2_MAGIC : FS_UFS1_MAGIC;
	fs->fs_maxfilesize = ffs_maxfilesize(fs);
	if (g->g_ufs2)
		return;
	/* UFS1: one cylinder per group, and the 32-bit copies. */
	fs->fs_old_time = (int32_t)now->tv_sec;
	fs->fs_old_size = (int32_t)g->g_nfrags;
	fs->fs_old_dsize = (int32_t)g->g_dsize;
	fs->fs_old_csaddr = (int32_t)g->g_dblkno;
	fs->fs_old_cgmask = -1;
	fs->fs_old_rps = 60;
	fs->fs_old_nspf = g->g_fsize / DEV_BSIZE;
	fs->fs_old_interleave = 1;
	fs->fs_old_cpg = 1;
	fs->fs_old_spc = (int32_t)(g->g_fpg * fs->fs_old_nspf);
	fs->fs_old_nsect = fs->fs_old_spc;
	fs->fs_old_npsect = fs->fs_old_spc;
	fs->fs_old_ncyl = (int32_t)g->g_ncg;
	fs->fs_old_postblformat = 1;
	fs->fs_old_nrpos = 1;
}

/* Set the totals of the superblock (both copies for UFS1). */
static void
sb_totals(struct fs *fs, const struct csum_total *t)
{
	fs->fs_cstotal = *t;
	if (fs->fs_magic != FS_UFS1_MAGIC)
		return;
	fs->fs_old_cstotal.cs_ndir = (int32_t)t->cs_ndir;
	fs->fs_old_cstotal.cs_nbfree = (int32_t)t->cs_nbfree;
	fs->fs_old_cstotal.cs_nifree = (int32_t)t->cs_nifree;
	fs->fs_old_cstotal.cs_nffree = (int32_t)t->cs_nffree;
}

/* ---------------------------------------------------------- writing */

/* What a new file system is being written with. */
struct nfw {
	struct vnode		*w_devvp;
	const struct ffs_nfgeom	*w_g;
	struct fs		 w_fs;		/* host byte order */
	bool			 w_swap;
	bool			 w_zeroed;
	struct ktimespec	 w_now;
	struct csum		*w_csp;		/* per group, host order */
	struct csum_total	 w_total;
	int64_t			 w_rootblk;	/* where "/" is */
};

/* Write len bytes at byte off of the device (multiples of DEV_BSIZE). */
static int
nfw_write(struct nfw *w, int64_t off, const void *data, size_t len)
{
	struct buf *bp;
	int error;

	error = getblk(w->w_devvp, off / DEV_BSIZE, (int)len, &bp);
	if (error != 0)
		return error;
	memcpy(bp->b_data, data, len);
	error = bwrite(bp);
	binval(w->w_devvp, off / DEV_BSIZE, (int)len);
	return error;
}

/* Byte offset of fragment f. */
static int64_t
fbytes(const struct nfw *w, int64_t f)
{
	return f * w->w_g->g_fsize;
}

/* A superblock in the disk's byte order, SBLOCKSIZE bytes. */
static void
sb_encode(const struct nfw *w, uint8_t *buf)
{
	struct fs tmp = w->w_fs;

	memset(buf, 0, SBLOCKSIZE);
	if (w->w_swap)
		ffs_sb_swap(&tmp);
	memcpy(buf, &tmp, sizeof(tmp));
}

/* Is fragment f of group c in use when the file system is new? */
static bool
frag_used(const struct nfw *w, uint32_t c, int64_t f)
{
	const struct ffs_nfgeom *g = w->w_g;

	if (c == 0)
		return f < g->g_dblkno + g->g_csfrags + 1;
	return f >= g->g_sblkno && f < g->g_dblkno;
}

/* Count the free runs and blocks of a group's maps into cg. */
static void
cg_count(const struct nfw *w, struct cg *cg, const uint8_t *freem,
    uint8_t *clmap, uint8_t *clsum)
{
	const struct ffs_nfgeom *g = w->w_g;
	int64_t b, run = 0, nfree, r, j;
	int32_t sum[NF_MAXCONTIG + 1];

	memset(sum, 0, sizeof(sum));
	for (b = 0; b < cg->cg_ndblk; b += g->g_frag) {
		for (nfree = 0, j = 0; j < g->g_frag && b + j < cg->cg_ndblk;
		    j++)
			nfree += isset(freem, b + j);
		if (nfree == g->g_frag) {
			cg->cg_cs.cs_nbfree++;
			setbit(clmap, b / g->g_frag);
			run++;
			continue;
		}
		cg->cg_cs.cs_nffree += (int32_t)nfree;
		for (j = 0, r = 0; j <= g->g_frag; j++) {
			if (j < g->g_frag && b + j < cg->cg_ndblk &&
			    isset(freem, b + j)) {
				r++;
			} else {
				if (r > 0)
					cg->cg_frsum[r]++;
				r = 0;
			}
		}
		if (run > 0)
			sum[MIN(run, g->g_contig)]++;
		run = 0;
	}
	if (run > 0)
		sum[MIN(run, g->g_contig)]++;
	for (j = 1; j <= g->g_contig; j++)
		ffs_wr32(clsum + 4 * j, (uint32_t)sum[j], w->w_swap);
}

/* Build group c's header and maps into blk (a zeroed block). */
static void
cg_build(struct nfw *w, uint32_t c, uint8_t *blk)
{
	const struct ffs_nfgeom *g = w->w_g;
	struct cg cg;
	int64_t f, i;
	uint8_t *iused, *freem;

	memset(&cg, 0, sizeof(cg));
	cg.cg_magic = CG_MAGIC;
	cg.cg_cgx = (int32_t)c;
	cg.cg_ndblk = (int32_t)MIN(g->g_fpg, g->g_nfrags - c * g->g_fpg);
	cg.cg_time = w->w_now.tv_sec;
	if (g->g_ufs2) {
		cg.cg_niblk = (int32_t)g->g_ipg;
		cg.cg_initediblk = (int32_t)MIN(g->g_ipg,
		    NF_UFS2_INITED * g->g_inopb);
		cg.cg_iusedoff = (int32_t)sizeof(struct cg);
	} else {
		cg.cg_old_time = (int32_t)w->w_now.tv_sec;
		cg.cg_old_ncyl = 1;
		cg.cg_old_niblk = (int16_t)g->g_ipg;
		cg.cg_old_btotoff = (int32_t)sizeof(struct cg);
		cg.cg_old_boff = cg.cg_old_btotoff + 4;
		cg.cg_iusedoff = cg.cg_old_boff + 2;
	}
	cg.cg_freeoff = cg.cg_iusedoff + (int32_t)howmany(g->g_ipg, 8);
	cg.cg_nextfreeoff = cg.cg_freeoff + (int32_t)howmany(g->g_fpg, 8);
	cg.cg_clustersumoff = (int32_t)roundup(cg.cg_nextfreeoff - 4, 4);
	cg.cg_clusteroff = cg.cg_clustersumoff + (g->g_contig + 1) * 4;
	cg.cg_nextfreeoff = cg.cg_clusteroff +
	    (int32_t)howmany(g->g_fpg / g->g_frag, 8);
	cg.cg_nclusterblks = cg.cg_ndblk / g->g_frag;
	iused = blk + cg.cg_iusedoff;
	freem = blk + cg.cg_freeoff;
	cg.cg_cs.cs_nifree = (int32_t)g->g_ipg;
	if (c == 0) {
		for (i = 0; i <= UFS_ROOTINO; i++)
			setbit(iused, i);
		cg.cg_cs.cs_nifree -= UFS_ROOTINO + 1;
		cg.cg_cs.cs_ndir = 1;
	}
	for (f = 0; f < cg.cg_ndblk; f++)
		if (!frag_used(w, c, f))
			setbit(freem, f);
	cg_count(w, &cg, freem, blk + cg.cg_clusteroff,
	    blk + cg.cg_clustersumoff);
	w->w_csp[c] = cg.cg_cs;
	w->w_total.cs_ndir += cg.cg_cs.cs_ndir;
	w->w_total.cs_nbfree += cg.cg_cs.cs_nbfree;
	w->w_total.cs_nifree += cg.cg_cs.cs_nifree;
	w->w_total.cs_nffree += cg.cg_cs.cs_nffree;
	if (w->w_swap)
		ffs_cg_swap(&cg);
	memcpy(blk, &cg, sizeof(cg));
}

/* Fill an inode block of group c starting at index idx with free inodes. */
static void
ino_block(const struct nfw *w, uint32_t c, int64_t idx, uint8_t *blk)
{
	const struct ffs_nfgeom *g = w->w_g;
	uint64_t ino = (uint64_t)c * (uint64_t)g->g_ipg + (uint64_t)idx;
	size_t isize = g->g_ufs2 ? 256 : 128;
	uint32_t gen;
	int i;

	memset(blk, 0, (size_t)g->g_bsize);
	for (i = 0; i < g->g_inopb; i++) {
		gen = ffs_newgen(ino + (uint64_t)i, 0);
		ffs_wr32(blk + (size_t)i * isize + (g->g_ufs2 ?
		    offsetof(struct ufs2_dinode, di_gen) :
		    offsetof(struct ufs1_dinode, di_gen)), gen, w->w_swap);
	}
}

/* The root directory's inode, at its place in an inode block. */
static void
root_inode(const struct nfw *w, uint8_t *blk)
{
	const struct ffs_nfgeom *g = w->w_g;
	uint32_t gen = ffs_newgen(UFS_ROOTINO, 0);
	mode_t mode = S_IFDIR | 0755;
	struct ufs1_dinode d1;
	struct ufs2_dinode d2;

	if (g->g_ufs2) {
		memset(&d2, 0, sizeof(d2));
		d2.di_mode = (uint16_t)mode;
		d2.di_nlink = 2;
		d2.di_size = DIRBLKSIZ;
		d2.di_blocks = (uint64_t)g->g_fsize / DEV_BSIZE;
		d2.di_atime = d2.di_mtime = d2.di_ctime = d2.di_birthtime =
		    w->w_now.tv_sec;
		d2.di_atimensec = d2.di_mtimensec = d2.di_ctimensec =
		    d2.di_birthnsec = w->w_now.tv_nsec;
		d2.di_gen = (int32_t)gen;
		d2.di_db[0] = w->w_rootblk;
		if (w->w_swap)
			ffs_dinode2_swap(&d2);
		memcpy(blk + UFS_ROOTINO * sizeof(d2), &d2, sizeof(d2));
		return;
	}
	memset(&d1, 0, sizeof(d1));
	d1.di_mode = (uint16_t)mode;
	d1.di_nlink = 2;
	d1.di_size = DIRBLKSIZ;
	d1.di_blocks = (uint32_t)(g->g_fsize / DEV_BSIZE);
	d1.di_atime = d1.di_mtime = d1.di_ctime = (int32_t)w->w_now.tv_sec;
	d1.di_atimensec = d1.di_mtimensec = d1.di_ctimensec = w->w_now.tv_nsec;
	d1.di_gen = (int32_t)gen;
	d1.di_db[0] = (int32_t)w->w_rootblk;
	if (w->w_swap)
		ffs_dinode1_swap(&d1);
	memcpy(blk + UFS_ROOTINO * sizeof(d1), &d1, sizeof(d1));
}

/* Put a directory entry at p (new format: UFS2, or UFS1 with fast links). */
static void
dirent_put(const struct nfw *w, uint8_t *p, uint32_t ino, uint16_t reclen,
    const char *name)
{
	size_t len = strlen(name);

	ffs_wr32(p, ino, w->w_swap);
	ffs_wr16(p + 4, reclen, w->w_swap);
	p[6] = DT_DIR;
	p[7] = (uint8_t)len;
	memcpy(p + DIRHDRSIZ, name, len);
}

/* Write group c: backup superblock, header and maps, inode blocks. */
static int
cg_write(struct nfw *w, uint32_t c, uint8_t *blk)
{
	const struct ffs_nfgeom *g = w->w_g;
	int64_t start = (int64_t)c * g->g_fpg, idx, inited;
	int error;

	sb_encode(w, blk);
	if ((error = nfw_write(w, fbytes(w, start + g->g_sblkno), blk,
	    SBLOCKSIZE)) != 0)
		return error;
	memset(blk, 0, (size_t)g->g_bsize);
	cg_build(w, c, blk);
	if ((error = nfw_write(w, fbytes(w, start + g->g_cblkno), blk,
	    (size_t)g->g_bsize)) != 0)
		return error;
	inited = g->g_ufs2 ? MIN(g->g_ipg, NF_UFS2_INITED * g->g_inopb) :
	    g->g_ipg;
	for (idx = 0; idx < inited; idx += g->g_inopb) {
		if (w->w_zeroed && !(c == 0 && idx == 0))
			break;
		ino_block(w, c, idx, blk);
		if (c == 0 && idx == 0)
			root_inode(w, blk);
		error = nfw_write(w, fbytes(w, start + g->g_iblkno + idx /
		    g->g_inopb * g->g_frag), blk, (size_t)g->g_bsize);
		if (error != 0)
			return error;
	}
	return 0;
}

/* The summary area, the root directory, and the primary superblock. */
static int
fs_finish(struct nfw *w, uint8_t *blk)
{
	const struct ffs_nfgeom *g = w->w_g;
	uint8_t *cs;
	int64_t i;
	int error;

	if ((cs = kmem_zalloc((size_t)g->g_cssize)) == NULL)
		return ENOMEM;
	for (i = 0; i < g->g_ncg; i++) {
		ffs_wr32(cs + 16 * i, (uint32_t)w->w_csp[i].cs_ndir, w->w_swap);
		ffs_wr32(cs + 16 * i + 4, (uint32_t)w->w_csp[i].cs_nbfree,
		    w->w_swap);
		ffs_wr32(cs + 16 * i + 8, (uint32_t)w->w_csp[i].cs_nifree,
		    w->w_swap);
		ffs_wr32(cs + 16 * i + 12, (uint32_t)w->w_csp[i].cs_nffree,
		    w->w_swap);
	}
	error = 0;
	for (i = 0; i < g->g_csfrags && error == 0; i += g->g_frag)
		error = nfw_write(w, fbytes(w, g->g_dblkno + i),
		    cs + i * g->g_fsize,
		    (size_t)(MIN(g->g_frag, g->g_csfrags - i) * g->g_fsize));
	kmem_free(cs, (size_t)g->g_cssize);
	if (error != 0)
		return error;
	memset(blk, 0, (size_t)g->g_fsize);
	dirent_put(w, blk, UFS_ROOTINO, 12, ".");
	dirent_put(w, blk + 12, UFS_ROOTINO, DIRBLKSIZ - 12, "..");
	error = nfw_write(w, fbytes(w, w->w_rootblk), blk, (size_t)g->g_fsize);
	if (error != 0)
		return error;
	sb_totals(&w->w_fs, &w->w_total);
	sb_encode(w, blk);
	return nfw_write(w, g->g_sbloc, blk, SBLOCKSIZE);
}

/* Describe the file system made (as newfs does). */
static void
describe(const struct newfs_args *na, const struct ffs_nfgeom *g)
{
	uint64_t bytes = (uint64_t)g->g_nfrags * (uint64_t)g->g_fsize;
	uint64_t cgbytes = (uint64_t)g->g_fpg * (uint64_t)g->g_fsize;

	newfs_print(na, "%llu.%02llu MiB (%llu sectors) UFS%d, block size "
	    "%d, fragment size %d", (unsigned long long)(bytes / MiB),
	    (unsigned long long)(bytes % MiB * 100 / MiB),
	    (unsigned long long)(bytes / DEV_BSIZE), g->g_ufs2 ? 2 : 1,
	    g->g_bsize, g->g_fsize);
	newfs_print(na, "using %lld cylinder groups of %llu.%02llu MiB, %lld "
	    "blocks, %lld inodes", (long long)g->g_ncg,
	    (unsigned long long)(cgbytes / MiB),
	    (unsigned long long)(cgbytes % MiB * 100 / MiB),
	    (long long)(g->g_fpg / g->g_frag), (long long)g->g_ipg);
}

/* Results: the size, space and inodes of the new file system. */
static void
results(struct newfs_args *na, const struct ffs_nfgeom *g)
{
	struct knewfs *kn = na->na_kn;

	kn->kn_fssize = (uint64_t)g->g_nfrags * (uint64_t)g->g_fsize;
	/* Everything but the root directory's fragment. */
	kn->kn_avail = (uint64_t)(g->g_dsize - 1) * (uint64_t)g->g_fsize;
	kn->kn_files = (uint64_t)(g->g_ncg * g->g_ipg) - UFS_ROOTINO - 1;
}

static int
newfs_write(struct vnode *devvp, struct newfs_args *na,
    const struct ffs_nfparams *np, const struct ffs_nfgeom *g)
{
	struct nfw w;
	uint8_t *blk;
	int32_t id[2];
	uint32_t c;
	int error;

	memset(&w, 0, sizeof(w));
	w.w_devvp = devvp;
	w.w_g = g;
	w.w_swap = np->np_swap;
	w.w_zeroed = na->na_zeroed;
	w.w_rootblk = g->g_dblkno + g->g_csfrags;
	sb_stamp(g, &w.w_now, id);
	sb_build(np, g, &w.w_now, id, &w.w_fs);
	w.w_csp = kmem_zalloc((size_t)g->g_ncg * sizeof(*w.w_csp));
	blk = kmem_alloc((size_t)MAX(g->g_bsize, SBLOCKSIZE));
	if (w.w_csp == NULL || blk == NULL) {
		error = ENOMEM;
		goto out;
	}
	error = 0;
	for (c = 0; c < (uint32_t)g->g_ncg && error == 0; c++)
		error = cg_write(&w, c, blk);
	if (error == 0)
		error = fs_finish(&w, blk);
out:
	if (blk != NULL)
		kmem_free(blk, (size_t)MAX(g->g_bsize, SBLOCKSIZE));
	if (w.w_csp != NULL)
		kmem_free(w.w_csp, (size_t)g->g_ncg * sizeof(*w.w_csp));
	return error;
}

/*
 * vfs_newfs: make a new FFS on devvp (kn_size bytes), or with devvp NULL
 * plan one: its geometry, or with entries and no size, the smallest that
 * holds them (ffs_fit.c).
 */
int
ffs_newfs(struct vnode *devvp, struct newfs_args *na)
{
	struct knewfs *kn = na->na_kn;
	struct ffs_nfparams np;
	struct ffs_nfgeom g;
	int64_t mininodes = 0;
	int error;

	if ((error = params_parse(kn->kn_opts, &np)) != 0)
		return error;
	if (kn->kn_ent != NULL) {
		error = ffs_fit(&np, na, &mininodes);
		if (error != 0 || (devvp == NULL && kn->kn_size == 0))
			return error;
	}
	if (kn->kn_size == 0)
		return EINVAL;
	if ((error = ffs_newfs_geom(&np, kn->kn_size, mininodes, false,
	    &g)) != 0)
		return error;
	results(na, &g);
	if (devvp == NULL) {
		describe(na, &g);
		return 0;
	}
	if ((error = newfs_write(devvp, na, &np, &g)) != 0)
		return error;
	describe(na, &g);
	return 0;
}
