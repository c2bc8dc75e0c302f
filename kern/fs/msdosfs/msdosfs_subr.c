/*
 * msdosfs_subr.c: pure helpers of the FAT driver: checking a boot sector
 * and deriving the volume's geometry from it.  Nothing here does I/O.
 *
 * Boot sector checks.  Every number the driver computes with comes from
 * here, checked in 64-bit arithmetic before first use, so that no later
 * shift, division or offset can go wrong on a hostile image: the jump
 * instruction and the 0x55AA signature (together they keep partition
 * tables and other boot code from passing for a FAT volume), bytes per
 * sector (512 to 4096, a power of two, a multiple of the device's
 * sector), sectors per cluster (a power of two up to 128, clusters of at
 * most 64 KiB), reserved sectors, number of FATs, the media byte, the
 * total sector count (16 or 32 bits, and inside the device), the FAT size
 * (large enough for every cluster), the root directory entries.  The FAT
 * type is decided by the count of data clusters as the specification
 * says (fewer than 4085: FAT12, fewer than 65525: FAT16, else FAT32),
 * and the layout must agree with it: FAT12/16 have a root directory
 * region and a 16-bit FAT size, FAT32 neither, but a root cluster inside
 * the volume and version 0.
 */
#include "../../sys/param.h"
#include "../../sys/systm.h"
#include "bpb.h"
#include "denode.h"
#include "direntry.h"
#include "fat.h"
#include "msdosfs_extern.h"

#define MSDOSFS_MAXCSIZE	65536
#define MSDOSFS_FATBLK		4096	/* bytes per FAT buffer (FAT16/32) */

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

static int
bad(char *why, size_t whylen, const char *fmt, unsigned long long v)
{
	snprintf(why, whylen, fmt, v);
	return EFTYPE;
}

/* The fields every FAT type shares.  Fills the sizes in *g. */
struct bpb_geom {
	uint32_t	bps, spc, rsvd, nfats, rootent, fatsz, fatsz16;
	uint64_t	totsec, rootsecs, datasec;
	uint32_t	nclust;
};

static int
bpb_common(const uint8_t *bs, uint64_t devsize, uint32_t secsize,
    struct bpb_geom *g, char *why, size_t whylen)
{
	uint32_t tot16 = msdosfs_rd16(bs + BPB_TOTSEC16);
	uint64_t meta;

	if (!((bs[BS_JMPBOOT] == 0xeb && bs[BS_JMPBOOT + 2] == 0x90) ||
	    bs[BS_JMPBOOT] == 0xe9) || bs[BS_SIGNATURE] != 0x55 ||
	    bs[BS_SIGNATURE + 1] != 0xaa)
		return EFTYPE;		/* not a FAT boot sector: say nothing */
	g->bps = msdosfs_rd16(bs + BPB_BYTSPERSEC);
	if (g->bps < 512 || g->bps > 4096 || !powerof2(g->bps))
		return bad(why, whylen, "%llu bytes per sector", g->bps);
	if (secsize == 0 || g->bps % secsize != 0)
		return bad(why, whylen, "sectors of %llu bytes on a device "
		    "with larger sectors", g->bps);
	g->spc = bs[BPB_SECPERCLUS];
	if (g->spc == 0 || !powerof2(g->spc) ||
	    (uint64_t)g->spc * g->bps > MSDOSFS_MAXCSIZE)
		return bad(why, whylen, "%llu sectors per cluster", g->spc);
	g->rsvd = msdosfs_rd16(bs + BPB_RSVDSECCNT);
	if (g->rsvd == 0)
		return bad(why, whylen, "%llu reserved sectors", g->rsvd);
	g->nfats = bs[BPB_NUMFATS];
	if (g->nfats == 0 || g->nfats > 16)
		return bad(why, whylen, "%llu FATs", g->nfats);
	if (bs[BPB_MEDIA] != 0xf0 && bs[BPB_MEDIA] < 0xf8)
		return bad(why, whylen, "media byte %#llx", bs[BPB_MEDIA]);
	g->totsec = tot16 != 0 ? tot16 : msdosfs_rd32(bs + BPB_TOTSEC32);
	if (g->totsec == 0 || g->totsec * g->bps > devsize)
		return bad(why, whylen, "%llu sectors, more than the device "
		    "holds", g->totsec);
	g->fatsz16 = msdosfs_rd16(bs + BPB_FATSZ16);
	g->fatsz = g->fatsz16 != 0 ? g->fatsz16 :
	    msdosfs_rd32(bs + BPB32_FATSZ32);
	if (g->fatsz == 0)
		return bad(why, whylen, "FATs of %llu sectors", 0);
	g->rootent = msdosfs_rd16(bs + BPB_ROOTENTCNT);
	g->rootsecs = howmany((uint64_t)g->rootent * DE_SIZE, g->bps);
	meta = g->rsvd + (uint64_t)g->nfats * g->fatsz + g->rootsecs;
	if (meta >= g->totsec)
		return bad(why, whylen, "no room for data after %llu sectors "
		    "of FATs and root directory", meta);
	g->datasec = g->totsec - meta;
	if (g->datasec / g->spc == 0 || g->datasec / g->spc > FAT32_MAXCLUSTERS)
		return bad(why, whylen, "%llu data clusters",
		    g->datasec / g->spc);
	g->nclust = (uint32_t)(g->datasec / g->spc);
	return 0;
}

/* The parts that depend on the type: root directory, FAT32 fields. */
static int
bpb_typed(const uint8_t *bs, const struct bpb_geom *g,
    struct msdosfsmount *pmp, char *why, size_t whylen)
{
	uint32_t ext, fsinfo;

	if (pmp->pm_fattype != 32) {
		if (g->fatsz16 == 0)
			return bad(why, whylen, "a FAT32 layout but %llu "
			    "clusters (FAT16 by the count)", g->nclust);
		if (g->rootent == 0)
			return bad(why, whylen, "no root directory entries "
			    "with %llu clusters", g->nclust);
		pmp->pm_rootsize = (uint32_t)(g->rootsecs * g->bps);
		return 0;
	}
	if (g->fatsz16 != 0 || g->rootent != 0)
		return bad(why, whylen, "a FAT12/16 layout but %llu clusters "
		    "(FAT32 by the count)", g->nclust);
	if (msdosfs_rd16(bs + BPB32_FSVER) != 0)
		return bad(why, whylen, "FAT32 version %#llx",
		    msdosfs_rd16(bs + BPB32_FSVER));
	pmp->pm_rootclust = msdosfs_rd32(bs + BPB32_ROOTCLUS);
	if (pmp->pm_rootclust < CLUST_FIRST ||
	    pmp->pm_rootclust > pmp->pm_maxclust)
		return bad(why, whylen, "root cluster %llu outside the volume",
		    pmp->pm_rootclust);
	ext = msdosfs_rd16(bs + BPB32_EXTFLAGS);
	if (ext & BPB_EXT_NOMIRROR) {
		pmp->pm_mirror = false;
		pmp->pm_activefat = ext & BPB_EXT_ACTIVEMASK;
		if (pmp->pm_activefat >= pmp->pm_nfats)
			return bad(why, whylen, "active FAT %llu of too few",
			    pmp->pm_activefat);
	}
	fsinfo = msdosfs_rd16(bs + BPB32_FSINFO);
	if (fsinfo != 0 && fsinfo < g->rsvd)
		pmp->pm_fsinfo = fsinfo;
	return 0;
}

/*
 * Check the boot sector bs of a device of devsize bytes with sectors of
 * secsize bytes, and fill the geometry of pmp.  EFTYPE if it is not a
 * usable FAT volume; why then says what was wrong, or is empty when it
 * does not look like a FAT boot sector at all.
 */
int
msdosfs_bpb_parse(const uint8_t *bs, uint64_t devsize, uint32_t secsize,
    struct msdosfsmount *pmp, char *why, size_t whylen)
{
	struct bpb_geom g;
	uint64_t need;
	int error;

	why[0] = '\0';
	if ((error = bpb_common(bs, devsize, secsize, &g, why, whylen)) != 0)
		return error;
	pmp->pm_bps = g.bps;
	pmp->pm_csize = g.bps * g.spc;
	pmp->pm_cshift = ilog2(pmp->pm_csize);
	pmp->pm_nfats = g.nfats;
	pmp->pm_ncluster = g.nclust;
	pmp->pm_maxclust = g.nclust + 1;
	pmp->pm_media = bs[BPB_MEDIA];
	pmp->pm_mirror = true;
	if (g.nclust <= FAT12_MAXCLUSTERS) {
		pmp->pm_fattype = 12;
		pmp->pm_fatmask = FAT12_MASK;
		need = howmany((uint64_t)(g.nclust + 2) * 3, 2);
	} else if (g.nclust <= FAT16_MAXCLUSTERS) {
		pmp->pm_fattype = 16;
		pmp->pm_fatmask = FAT16_MASK;
		need = (uint64_t)(g.nclust + 2) * 2;
	} else {
		pmp->pm_fattype = 32;
		pmp->pm_fatmask = FAT32_MASK;
		need = (uint64_t)(g.nclust + 2) * 4;
	}
	pmp->pm_fatoff = (uint64_t)g.rsvd * g.bps;
	pmp->pm_fatsize = (uint64_t)g.fatsz * g.bps;
	if (need > pmp->pm_fatsize)
		return bad(why, whylen, "FATs of %llu bytes, too small for "
		    "the clusters", pmp->pm_fatsize);
	pmp->pm_fatused = roundup(need, g.bps);
	pmp->pm_fatblk = pmp->pm_fattype == 12 ? (uint32_t)pmp->pm_fatused :
	    (uint32_t)MIN(MSDOSFS_FATBLK, pmp->pm_fatused);
	pmp->pm_nfatblks = (uint32_t)howmany(pmp->pm_fatused, pmp->pm_fatblk);
	if ((error = bpb_typed(bs, &g, pmp, why, whylen)) != 0)
		return error;
	pmp->pm_rootoff = pmp->pm_fatoff + pmp->pm_nfats * pmp->pm_fatsize;
	pmp->pm_dataoff = pmp->pm_rootoff + pmp->pm_rootsize;
	return 0;
}

/* Is the boot sector's "dirty" bit (Windows NT, Linux) set? */
int
msdosfs_dirty_state(const uint8_t *bs, int fattype)
{
	return (bs[fattype == 32 ? BS32_STATE : BS16_STATE] &
	    BS_STATE_DIRTY) != 0;
}

/* The entry of dep must be written; flags say which times to set. */
void
msdosfs_modified(struct denode *dep, uint32_t flags)
{
	dep->de_flag |= flags | DE_MODIFIED;
}
