/*
 * ffs_fit.c: how large a new FFS must be to hold given contents (the
 * size-to-fit mode of fsu_newfs), and how many inodes it needs.
 *
 * The contents are a list of entries (sys.h, struct knewfs_ent): entry 0
 * is the root directory, every other one names its parent, which comes
 * before it.  For a candidate size the layout is computed as newfs would
 * make it, and the fragments the contents take are counted the way the
 * driver allocates them:
 *
 *  - a file of at most UFS_NDADDR blocks: whole blocks, then its last
 *    partial block as a run of fragments; a larger one: whole blocks and
 *    its indirect (pointer) blocks;
 *  - a directory: its entries packed into DIRBLKSIZ chunks in the order
 *    given (how the driver appends them), stored like a file;
 *  - a symbolic link shorter than fs_maxsymlinklen: nothing; a longer
 *    one: a file of its length; devices, fifos and sockets: nothing;
 *  - a hard link (KNEWFS_LINK): only its directory entry.
 *
 * The runs of fragments (the last blocks of small files) do not pack
 * perfectly: a run goes into a partly used block with a long enough
 * free run, else breaks up a whole block.  The loss is estimated by
 * playing the runs, in the order given, against counts of free runs,
 * once taking the smallest run that fits and once the largest; the worse
 * of the two is used, plus a margin for what the simulation cannot see
 * (each group allocates on its own, a directory's last block moves as it
 * grows, other orders of arrival).  The size chosen is the smallest
 * whose data area holds all that, the free space asked for and the
 * minfree reserve; its inode count is what the entries use plus the free
 * inodes asked for.  Without an explicit minfree, the fit uses 0 (as
 * makefs does), and without an explicit density, only the inodes needed.
 */
#include "../../sys/param.h"
#include "../../sys/kmem.h"
#include "../../sys/newfs.h"
#include "../../sys/systm.h"
#include "../../sys.h"
#include "dinode.h"
#include "dir.h"
#include "fs.h"
#include "ffs_extern.h"

#define FIT_MINSIZE	(64 * 1024)		/* first size tried */
#define FIT_MAXSIZE	((uint64_t)1 << 50)	/* last size tried */
#define FIT_UNIT	4096			/* sizes are multiples */

/* What the entries need, independent of the layout. */
struct fitset {
	const struct knewfs_ent	*ft_ent;
	size_t			 ft_nent;
	uint32_t		*ft_chunks;	/* chunks of each dir */
	int64_t			 ft_inodes;	/* with 0 and 1 */
};

/* Fragments a file of size bytes takes: whole blocks, tail, indirects. */
static void
file_frags(const struct ffs_nfgeom *g, uint64_t size, int64_t *fullp,
    int64_t *tailp)
{
	int64_t nblk = (int64_t)howmany(size, (uint64_t)g->g_bsize), n, span;
	int64_t nindir = g->g_bsize / (g->g_ufs2 ? 8 : 4), ind = 0;
	int level;

	*tailp = 0;
	if (nblk <= UFS_NDADDR) {
		*fullp = (int64_t)(size / (uint64_t)g->g_bsize) * g->g_frag;
		*tailp = howmany((int64_t)(size % (uint64_t)g->g_bsize),
		    g->g_fsize);
		return;
	}
	/*
	 * Indirect blocks: a level-L tree maps up to nindir^L blocks and
	 * holds howmany(cover, nindir^k) pointer blocks at each k = 1..L.
	 */
	n = nblk - UFS_NDADDR;
	for (level = 1, span = nindir; level <= UFS_NIADDR && n > 0; level++) {
		int64_t cover = MIN(n, span), s;

		for (s = nindir;; s *= nindir) {
			ind += howmany(cover, s);
			if (s == span)
				break;
		}
		n -= cover;
		span *= nindir;
	}
	*fullp = (nblk + ind) * g->g_frag;
}

/*
 * Play the fragment runs against counts of free runs: bestfit takes the
 * smallest free run that holds a tail, else the largest.  Returns the
 * free fragments left in partly used blocks.
 */
static int64_t
tails_play(int frag, const int64_t *tails, size_t ntails, bool bestfit)
{
	int64_t cnt[MAXFRAG + 1], waste = 0;
	size_t i;
	int k, r;

	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < ntails; i++) {
		k = (int)tails[i];
		r = -1;
		if (bestfit) {
			for (r = k; r < frag && cnt[r] == 0; r++)
				continue;
		} else {
			for (r = frag - 1; r >= k && cnt[r] == 0; r--)
				continue;
			if (r < k)
				r = frag;
		}
		if (r < frag)
			cnt[r]--;
		else
			r = frag;	/* a whole block is broken up */
		if (r - k > 0)
			cnt[r - k]++;
	}
	for (r = 1; r < frag; r++)
		waste += cnt[r] * r;
	return waste;
}

/* The size of directory i in bytes. */
static uint64_t
dir_bytes(const struct fitset *ft, size_t i)
{
	return (uint64_t)ft->ft_chunks[i] * DIRBLKSIZ;
}

/*
 * Fragments the entries take in a file system of geometry g, with the
 * estimated loss and margin.  ENOMEM possible.
 */
static int
fit_need(const struct fitset *ft, const struct ffs_nfgeom *g, int64_t *needp)
{
	const struct knewfs_ent *e;
	int64_t *tails, ntails = 0, full, tail, total = 0, sumtails = 0;
	int64_t moving = 0, w1, w2;
	uint64_t bytes;
	size_t i;

	if ((tails = kmem_alloc(ft->ft_nent * sizeof(*tails))) == NULL)
		return ENOMEM;
	for (i = 0; i < ft->ft_nent; i++) {
		e = &ft->ft_ent[i];
		if (e->ke_flags & KNEWFS_LINK)
			continue;
		switch (e->ke_type) {
		case DT_DIR:
			bytes = dir_bytes(ft, i);
			if (ft->ft_chunks[i] > 1 &&
			    bytes < (uint64_t)UFS_NDADDR * (uint64_t)g->g_bsize)
				moving++;
			break;
		case DT_REG:
			bytes = e->ke_size;
			break;
		case DT_LNK:
			bytes = e->ke_size < (uint64_t)(g->g_ufs2 ?
			    UFS2_SYMLINKAREA : UFS1_SYMLINKAREA) ? 0 :
			    e->ke_size;
			break;
		default:
			bytes = 0;
			break;
		}
		file_frags(g, bytes, &full, &tail);
		total += full;
		if (tail > 0) {
			tails[ntails++] = tail;
			sumtails += tail;
		}
	}
	w1 = tails_play(g->g_frag, tails, (size_t)ntails, true);
	w2 = tails_play(g->g_frag, tails, (size_t)ntails, false);
	kmem_free(tails, ft->ft_nent * sizeof(*tails));
	total += sumtails + MAX(w1, w2);
	/* The margin: groups, moving directories, other orders. */
	total += g->g_ncg * 2 * g->g_frag + moving * (g->g_frag - 1) +
	    sumtails / 32 + g->g_frag;
	*needp = total;
	return 0;
}

/* Inodes for the entries plus the free ones asked for. */
static int64_t
fit_inodes(const struct fitset *ft, const struct knewfs *kn)
{
	uint64_t n = (uint64_t)ft->ft_inodes + kn->kn_freefiles;

	if (kn->kn_freefpct > 0)
		n = howmany(n * 100, 100 - (uint64_t)kn->kn_freefpct);
	return (int64_t)MIN(n, (uint64_t)UINT32_MAX);
}

/* Does a file system of bytes bytes hold the entries? */
static int
fit_try(const struct ffs_nfparams *np, const struct fitset *ft,
    const struct knewfs *kn, uint64_t bytes, struct ffs_nfgeom *g,
    bool *fitp)
{
	int64_t need, want, reserve;
	int error;

	*fitp = false;
	if (ffs_newfs_geom(np, bytes, fit_inodes(ft, kn), true, g) != 0)
		return 0;	/* too small for a file system at all */
	if ((error = fit_need(ft, g, &need)) != 0)
		return error;
	reserve = g->g_dsize * np->np_minfree / 100;
	want = howmany((int64_t)MIN(kn->kn_freebytes, (uint64_t)INT64_MAX / 2),
	    g->g_fsize);
	want += g->g_nfrags * (int64_t)kn->kn_freepct / 100;
	*fitp = need + reserve + want <= g->g_dsize;
	return 0;
}

/* Check the entries and count what does not depend on the layout. */
static int
fitset_init(const struct knewfs *kn, struct fitset *ft)
{
	const struct knewfs_ent *e;
	uint16_t *fill;
	uint32_t p;
	size_t i, sz;

	memset(ft, 0, sizeof(*ft));
	ft->ft_ent = kn->kn_ent;
	ft->ft_nent = kn->kn_nent;
	if (kn->kn_nent == 0 || kn->kn_nent > UINT32_MAX ||
	    kn->kn_ent[0].ke_type != DT_DIR ||
	    (kn->kn_ent[0].ke_flags & KNEWFS_LINK) || kn->kn_freepct >= 100 ||
	    kn->kn_freefpct >= 100)
		return EINVAL;
	ft->ft_chunks = kmem_zalloc(kn->kn_nent * sizeof(*ft->ft_chunks));
	fill = kmem_zalloc(kn->kn_nent * sizeof(*fill));
	if (ft->ft_chunks == NULL || fill == NULL)
		goto out_nomem;
	ft->ft_chunks[0] = 1;
	fill[0] = 2 * FFS_DIRSIZ(2);
	ft->ft_inodes = UFS_ROOTINO + 1;
	for (i = 1; i < kn->kn_nent; i++) {
		e = &kn->kn_ent[i];
		p = e->ke_parent;
		if (p >= i || kn->kn_ent[p].ke_type != DT_DIR ||
		    (kn->kn_ent[p].ke_flags & KNEWFS_LINK) ||
		    e->ke_namlen == 0 || e->ke_namlen > FFS_MAXNAMLEN ||
		    ((e->ke_flags & KNEWFS_LINK) && e->ke_type == DT_DIR)) {
			kprintf("newfs: entry %zu of the contents is not "
			    "valid\n", i);
			goto out_inval;
		}
		if (e->ke_type == DT_DIR) {
			ft->ft_chunks[i] = 1;
			fill[i] = 2 * FFS_DIRSIZ(2);
		}
		if (!(e->ke_flags & KNEWFS_LINK))
			ft->ft_inodes++;
		sz = FFS_DIRSIZ(e->ke_namlen);
		if (fill[p] + sz > DIRBLKSIZ) {
			ft->ft_chunks[p]++;
			fill[p] = (uint16_t)sz;
		} else {
			fill[p] = (uint16_t)(fill[p] + sz);
		}
	}
	kmem_free(fill, kn->kn_nent * sizeof(*fill));
	return 0;
out_nomem:
	if (fill != NULL)
		kmem_free(fill, kn->kn_nent * sizeof(*fill));
	if (ft->ft_chunks != NULL)
		kmem_free(ft->ft_chunks, kn->kn_nent * sizeof(*ft->ft_chunks));
	return ENOMEM;
out_inval:
	kmem_free(fill, kn->kn_nent * sizeof(*fill));
	kmem_free(ft->ft_chunks, kn->kn_nent * sizeof(*ft->ft_chunks));
	return EINVAL;
}

/* The smallest size (a multiple of FIT_UNIT) that holds the entries. */
static int
fit_search(const struct ffs_nfparams *np, const struct fitset *ft,
    const struct knewfs *kn, uint64_t *sizep)
{
	struct ffs_nfgeom g;
	uint64_t lo = 0, hi = FIT_MINSIZE, mid, fssize;
	bool fit;
	int error;

	for (;;) {
		if ((error = fit_try(np, ft, kn, hi, &g, &fit)) != 0)
			return error;
		if (fit)
			break;
		lo = hi;
		if (hi >= FIT_MAXSIZE)
			return EFBIG;
		hi = roundup(hi + hi / 4, FIT_UNIT);
	}
	/* lo does not fit (or is 0), hi does. */
	while (hi - lo > FIT_UNIT) {
		mid = rounddown(lo + (hi - lo) / 2, FIT_UNIT);
		if ((error = fit_try(np, ft, kn, mid, &g, &fit)) != 0)
			return error;
		if (fit)
			hi = mid;
		else
			lo = mid;
	}
	/* Cut the image to the file system if that still fits. */
	if ((error = fit_try(np, ft, kn, hi, &g, &fit)) != 0)
		return error;
	fssize = (uint64_t)g.g_nfrags * (uint64_t)g.g_fsize;
	if ((error = fit_try(np, ft, kn, fssize, &g, &fit)) != 0)
		return error;
	*sizep = fit ? fssize : hi;
	return 0;
}

/*
 * The fit: adjust the parameters for it (minfree 0 and only the inodes
 * needed, unless given), set *mininodesp, and with kn_size 0 choose the
 * size into kn_size.
 */
int
ffs_fit(struct ffs_nfparams *np, struct newfs_args *na, int64_t *mininodesp)
{
	struct knewfs *kn = na->na_kn;
	struct fitset ft;
	int error;

	if (np->np_minfree < 0)
		np->np_minfree = 0;
	if (np->np_density == 0)
		np->np_density = INT32_MAX;
	if ((error = fitset_init(kn, &ft)) != 0)
		return error;
	*mininodesp = fit_inodes(&ft, kn);
	error = 0;
	if (kn->kn_size == 0)
		error = fit_search(np, &ft, kn, &kn->kn_size);
	kmem_free(ft.ft_chunks, ft.ft_nent * sizeof(*ft.ft_chunks));
	return error;
}
