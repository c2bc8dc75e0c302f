/*
 * msdosfs_bmap.c: the block map, from a file's logical clusters to
 * cluster numbers and device addresses.
 *
 * A denode keeps its chain as a sorted array of extents (runs of
 * consecutive clusters), built by msdosfs_map() with one walk of the FAT
 * the first time the chain is needed, and extended by msdosfs_addclust()
 * and cut by msdosfs_ext_cut() as the file grows and shrinks.  Mapping
 * is then a binary search, and VOP_BMAP reports the rest of the extent
 * as the run, so the page cache reads contiguous files in large pieces.
 *
 * The walk checks every cluster number before following it: it must be
 * a data cluster of the volume, and the chain must not end before the
 * size needs.  A regular file's chain is followed only as far as its
 * size needs; if it goes on after that, the rest is followed with
 * Brent's cycle detection (at most once around the volume) so that a
 * loop is EIO rather than a hang, and a merely long chain is marked
 * DE_EXCESS: its surplus is freed the first time the file is written or
 * truncated.  A directory's chain must end within FAT_MAXDIRSIZE bytes,
 * which a loop never does.
 */
#include "../../sys/param.h"
#include "../../sys/kmem.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "denode.h"
#include "direntry.h"
#include "fat.h"
#include "msdosfs_extern.h"

#define EXT_MINCAP	4

/* Device byte offset of data cluster cn. */
uint64_t
msdosfs_cn2off(const struct msdosfsmount *pmp, uint32_t cn)
{
	return pmp->pm_dataoff + ((uint64_t)(cn - CLUST_FIRST) <<
	    pmp->pm_cshift);
}

static int
chain_bad(struct denode *dep, const char *what, uint32_t cn)
{
	kprintf("msdosfs: %s: file %llu (first cluster %u): %s (cluster "
	    "%u)\n", dep->de_pmp->pm_devname, (unsigned long long)dep->de_key,
	    dep->de_start, what, cn);
	return EIO;
}

/* Append cluster pcn to the extents as logical cluster de_nclust. */
static int
ext_append(struct denode *dep, uint32_t pcn)
{
	struct msdosfs_ext *ne, *last;
	uint32_t cap;

	last = dep->de_next > 0 ? &dep->de_ext[dep->de_next - 1] : NULL;
	if (last != NULL && last->ex_pcn + last->ex_len == pcn &&
	    last->ex_len < UINT32_MAX / 2) {
		last->ex_len++;
		dep->de_nclust++;
		return 0;
	}
	if (dep->de_next == dep->de_extcap) {
		cap = MAX(EXT_MINCAP, 2 * dep->de_extcap);
		if ((ne = kmem_alloc(cap * sizeof(*ne))) == NULL)
			return ENOMEM;
		if (dep->de_ext != NULL) {
			memcpy(ne, dep->de_ext, dep->de_next * sizeof(*ne));
			kmem_free(dep->de_ext, dep->de_extcap * sizeof(*ne));
		}
		dep->de_ext = ne;
		dep->de_extcap = cap;
	}
	dep->de_ext[dep->de_next].ex_lcn = dep->de_nclust;
	dep->de_ext[dep->de_next].ex_pcn = pcn;
	dep->de_ext[dep->de_next].ex_len = 1;
	dep->de_next++;
	dep->de_nclust++;
	return 0;
}

/* Keep only logical clusters 0 .. n - 1 in the extents. */
void
msdosfs_ext_cut(struct denode *dep, uint32_t n)
{
	struct msdosfs_ext *ex;

	while (dep->de_next > 0) {
		ex = &dep->de_ext[dep->de_next - 1];
		if (ex->ex_lcn >= n) {
			dep->de_next--;
			continue;
		}
		if (ex->ex_lcn + ex->ex_len > n)
			ex->ex_len = n - ex->ex_lcn;
		break;
	}
	dep->de_nclust = MIN(dep->de_nclust, n);
}

/* The last cluster of the mapped chain, or 0. */
static uint32_t
last_pcn(const struct denode *dep)
{
	const struct msdosfs_ext *ex;

	if (dep->de_next == 0)
		return 0;
	ex = &dep->de_ext[dep->de_next - 1];
	return ex->ex_pcn + ex->ex_len - 1;
}

static bool
clust_ok(const struct msdosfsmount *pmp, uint32_t cn)
{
	return cn >= CLUST_FIRST && cn <= pmp->pm_maxclust;
}

/*
 * The chain goes on after cluster cn, its last needed one: follow the
 * rest.  0 with DE_EXCESS set if it ends, EIO if it loops or breaks.
 */
static int
map_tail(struct denode *dep, uint32_t cn)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	uint32_t tort = cn, hare = cn, v, steps, power = 1, lam = 0;
	int error;

	for (steps = 0; steps <= pmp->pm_ncluster; steps++) {
		if ((error = msdosfs_fat_get(pmp, hare, &v)) != 0)
			return error;
		if (msdosfs_fat_iseof(pmp, v)) {
			if (steps > 0)
				dep->de_flag |= DE_EXCESS;
			return 0;
		}
		if (!clust_ok(pmp, v))
			return chain_bad(dep, "chain runs into a free, bad or "
			    "out of range cluster", hare);
		hare = v;
		if (hare == tort)
			return chain_bad(dep, "cluster chain loops", hare);
		if (++lam == power) {
			tort = hare;
			power *= 2;
			lam = 0;
		}
	}
	return chain_bad(dep, "cluster chain loops", hare);
}

/*
 * Walk the chain of dep from its first cluster into the extents: for a
 * directory to its end (at most FAT_MAXDIRSIZE bytes), for a file as
 * far as its size needs (then map_tail).  Sets the size of a directory.
 */
int
msdosfs_map(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	bool isdir = (dep->de_attr & ATTR_DIRECTORY) != 0;
	uint64_t need, limit;
	uint32_t cn = dep->de_start, v;
	int error;

	if (dep->de_flag & (DE_MAPPED | DE_FIXEDROOT))
		return 0;
	limit = MAX(FAT_MAXDIRSIZE >> pmp->pm_cshift, 1);
	need = isdir ? limit : howmany((uint64_t)dep->de_size, pmp->pm_csize);
	if (need == 0) {
		if (cn != 0)
			dep->de_flag |= DE_EXCESS;
		dep->de_flag |= DE_MAPPED;
		return 0;
	}
	if (need > pmp->pm_ncluster && !isdir)
		return chain_bad(dep, "size larger than the volume", cn);
	for (;;) {
		if (!clust_ok(pmp, cn))
			return chain_bad(dep, "chain runs into a free, bad or "
			    "out of range cluster", cn);
		if ((error = ext_append(dep, cn)) != 0)
			return error;
		if ((error = msdosfs_fat_get(pmp, cn, &v)) != 0)
			return error;
		if (dep->de_nclust == need && !isdir) {
			if (!msdosfs_fat_iseof(pmp, v) &&
			    (error = map_tail(dep, cn)) != 0)
				return error;
			break;
		}
		if (msdosfs_fat_iseof(pmp, v)) {
			if (isdir)
				break;
			return chain_bad(dep, "cluster chain shorter than the "
			    "file size", cn);
		}
		if (dep->de_nclust == need)
			return chain_bad(dep, "directory too large, or its "
			    "cluster chain loops", cn);
		cn = v;
	}
	if (isdir)
		dep->de_size = dep->de_nclust << pmp->pm_cshift;
	dep->de_flag |= DE_MAPPED;
	return 0;
}

/*
 * Cluster of logical cluster lcn of dep (mapped), and in *runp (may be
 * NULL) how many clusters after it follow contiguously.
 */
int
msdosfs_pcn(struct denode *dep, uint32_t lcn, uint32_t *pcnp, uint32_t *runp)
{
	uint32_t lo = 0, hi = dep->de_next, mid;
	const struct msdosfs_ext *ex;

	if (lcn >= dep->de_nclust)
		return EIO;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (dep->de_ext[mid].ex_lcn <= lcn)
			lo = mid;
		else
			hi = mid;
	}
	ex = &dep->de_ext[lo];
	*pcnp = ex->ex_pcn + (lcn - ex->ex_lcn);
	if (runp != NULL)
		*runp = ex->ex_len - (lcn - ex->ex_lcn) - 1;
	return 0;
}

/* Free the clusters past what the size needs (DE_EXCESS). */
static int
excess_free(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	uint32_t last, next;
	int error;

	if ((dep->de_flag & DE_EXCESS) == 0)
		return 0;
	if (dep->de_nclust == 0) {
		error = msdosfs_chain_free(pmp, dep->de_start, false);
		dep->de_start = 0;
		msdosfs_modified(dep, 0);
	} else {
		last = last_pcn(dep);
		if ((error = msdosfs_fat_get(pmp, last, &next)) != 0)
			return error;
		error = msdosfs_fat_set(pmp, last, CLUST_EOF(pmp->pm_fatmask));
		if (error == 0 && clust_ok(pmp, next))
			error = msdosfs_chain_free(pmp, next, false);
	}
	dep->de_flag &= ~DE_EXCESS;
	return error;
}

/*
 * Add a cluster at the end of the chain of dep (mapped), after its last
 * one if that is free; *pcnp gets it.  The new cluster is marked as the
 * end of the chain before the chain is linked to it.
 */
int
msdosfs_addclust(struct denode *dep, uint32_t *pcnp)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	uint32_t last, cn;
	int error;

	if ((error = msdosfs_map(dep)) != 0 ||
	    (error = excess_free(dep)) != 0)
		return error;
	last = last_pcn(dep);
	if ((error = msdosfs_clust_alloc(pmp, last != 0 ? last + 1 : 0,
	    &cn)) != 0)
		return error;
	if ((error = ext_append(dep, cn)) != 0) {
		(void)msdosfs_chain_free(pmp, cn, false);
		return error;
	}
	if (last == 0) {
		dep->de_start = cn;
		msdosfs_modified(dep, 0);
	} else if ((error = msdosfs_fat_set(pmp, last, cn)) != 0) {
		msdosfs_ext_cut(dep, dep->de_nclust - 1);
		(void)msdosfs_chain_free(pmp, cn, false);
		return error;
	}
	*pcnp = cn;
	return 0;
}

/*
 * Free every cluster of dep from logical cluster n on (mapped).  The
 * chain is cut first (the new last cluster marked as the end), then the
 * rest freed.
 */
int
msdosfs_chain_cut(struct denode *dep, uint32_t n)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	bool isdir = (dep->de_attr & ATTR_DIRECTORY) != 0;
	uint32_t first, prev;
	int error;

	if ((error = msdosfs_map(dep)) != 0 ||
	    (error = excess_free(dep)) != 0)
		return error;
	if (n >= dep->de_nclust)
		return 0;
	if ((error = msdosfs_pcn(dep, n, &first, NULL)) != 0)
		return error;
	if (n == 0) {
		dep->de_start = 0;
		msdosfs_modified(dep, 0);
	} else {
		if ((error = msdosfs_pcn(dep, n - 1, &prev, NULL)) != 0)
			return error;
		error = msdosfs_fat_set(pmp, prev, CLUST_EOF(pmp->pm_fatmask));
		if (error != 0)
			return error;
	}
	msdosfs_ext_cut(dep, n);
	return msdosfs_chain_free(pmp, first, isdir);
}

/* VOP_BMAP: logical cluster lbn to device blocks (DEV_BSIZE units). */
int
msdosfs_bmap(struct vnode *vp, daddr_t lbn, daddr_t *pbnp, int *runp)
{
	struct denode *dep = VTODE(vp);
	uint32_t pcn, run;
	int error;

	if (lbn < 0 || (dep->de_flag & DE_FIXEDROOT))
		return EINVAL;
	if ((error = msdosfs_map(dep)) != 0)
		return error;
	if ((uint64_t)lbn >= dep->de_nclust) {
		*pbnp = BMAP_HOLE;
		if (runp != NULL)
			*runp = 0;
		return 0;
	}
	if ((error = msdosfs_pcn(dep, (uint32_t)lbn, &pcn, &run)) != 0)
		return error;
	*pbnp = (daddr_t)(msdosfs_cn2off(dep->de_pmp, pcn) / DEV_BSIZE);
	if (runp != NULL)
		*runp = (int)MIN(run, (uint32_t)INT32_MAX);
	return 0;
}
