/*
 * msdosfs_inode.c: denodes: loading one from its directory entry, writing
 * the entry back, truncation, and freeing a denode when its vnode is
 * reclaimed.
 *
 * A denode is loaded by key (see denode.h): the key names the device
 * offset of a short entry, whose block (a sector of the FAT12/16 root
 * region, or a whole cluster elsewhere: the same buffers the directory
 * code reads) is read through the buffer cache.  The entry must be a
 * live short entry inside a directory area of the volume; a first
 * cluster outside the volume is EIO.  A directory's chain is walked at
 * once (its size is the chain's); a file's only when it is first read or
 * written.
 *
 * The fields a writer changes are kept in the denode and written into
 * the entry by msdosfs_update() (a delayed write of the directory block),
 * which also stamps the times DE_UPDATE and DE_ACCESS ask for.  A removed
 * file has no entry any more and is never written.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "denode.h"
#include "direntry.h"
#include "fat.h"
#include "msdosfs_extern.h"

/*
 * Read the directory block holding device offset devoff (32-byte
 * aligned): a sector of the FAT12/16 root region, or the cluster.
 * *pp points at the slot.
 */
int
msdosfs_entblk(struct msdosfsmount *pmp, uint64_t devoff, struct buf **bpp,
    uint8_t **pp)
{
	uint64_t start;
	uint32_t len;
	int error;

	if ((devoff & (DE_SIZE - 1)) != 0)
		return EIO;
	if (devoff >= pmp->pm_rootoff &&
	    devoff < pmp->pm_rootoff + pmp->pm_rootsize) {
		start = rounddown(devoff - pmp->pm_rootoff, pmp->pm_bps) +
		    pmp->pm_rootoff;
		len = pmp->pm_bps;
	} else if (devoff >= pmp->pm_dataoff && devoff < pmp->pm_dataoff +
	    ((uint64_t)pmp->pm_ncluster << pmp->pm_cshift)) {
		start = rounddown(devoff - pmp->pm_dataoff, pmp->pm_csize) +
		    pmp->pm_dataoff;
		len = pmp->pm_csize;
	} else {
		return EIO;
	}
	if ((error = bread(pmp->pm_devvp, (daddr_t)(start / DEV_BSIZE),
	    (int)len, bpp)) != 0)
		return error;
	*pp = (uint8_t *)(*bpp)->b_data + (devoff - start);
	return 0;
}

/* The root directory, which has no entry. */
static int
root_init(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;

	dep->de_attr = ATTR_DIRECTORY;
	dep->de_flag = DE_ROOT;
	dep->de_mdate = dep->de_cdate = dep->de_adate = 1 << DD_DAY_SHIFT |
	    1 << DD_MONTH_SHIFT;
	if (pmp->pm_fattype != 32) {
		dep->de_flag |= DE_FIXEDROOT;
		dep->de_size = pmp->pm_rootsize;
		return 0;
	}
	dep->de_start = pmp->pm_rootclust;
	return msdosfs_map(dep);
}

/* Copy the fields of short entry p into dep. */
static void
entry_decode(struct denode *dep, const uint8_t *p)
{
	dep->de_attr = p[DE_ATTR];
	dep->de_ctenth = p[DE_CTIMETENTH];
	dep->de_ctime = msdosfs_rd16(p + DE_CTIME);
	dep->de_cdate = msdosfs_rd16(p + DE_CDATE);
	dep->de_adate = msdosfs_rd16(p + DE_ADATE);
	dep->de_mtime = msdosfs_rd16(p + DE_MTIME);
	dep->de_mdate = msdosfs_rd16(p + DE_MDATE);
	dep->de_start = msdosfs_rd16(p + DE_CLUSTLO);
	if (dep->de_pmp->pm_fattype == 32)
		dep->de_start |= (uint32_t)msdosfs_rd16(p + DE_CLUSTHI) << 16;
	dep->de_size = msdosfs_rd32(p + DE_FILESIZE);
}

/* Write the fields of dep into short entry p (the name is left alone). */
void
msdosfs_entry_encode(const struct denode *dep, uint8_t *p)
{
	p[DE_ATTR] = dep->de_attr;
	p[DE_CTIMETENTH] = dep->de_ctenth;
	msdosfs_wr16(p + DE_CTIME, dep->de_ctime);
	msdosfs_wr16(p + DE_CDATE, dep->de_cdate);
	msdosfs_wr16(p + DE_ADATE, dep->de_adate);
	msdosfs_wr16(p + DE_CLUSTHI, dep->de_pmp->pm_fattype == 32 ?
	    (uint16_t)(dep->de_start >> 16) : 0);
	msdosfs_wr16(p + DE_MTIME, dep->de_mtime);
	msdosfs_wr16(p + DE_MDATE, dep->de_mdate);
	msdosfs_wr16(p + DE_CLUSTLO, (uint16_t)dep->de_start);
	msdosfs_wr32(p + DE_FILESIZE, (dep->de_attr & ATTR_DIRECTORY) ? 0 :
	    dep->de_size);
}

static int
entry_bad(struct msdosfsmount *pmp, ino_t key, const char *what)
{
	kprintf("msdosfs: %s: file %llu: %s\n", pmp->pm_devname,
	    (unsigned long long)key, what);
	return EIO;
}

/* Load the file whose short entry is at device offset key * 32. */
static int
entry_load(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct buf *bp;
	uint8_t *p;
	int error;

	if (dep->de_key >= MSDOSFS_ORPHAN)
		return ENOENT;
	dep->de_entoff = (uint64_t)dep->de_key << DE_SHIFT;
	if ((error = msdosfs_entblk(pmp, dep->de_entoff, &bp, &p)) != 0)
		return error == EIO ? entry_bad(pmp, dep->de_key, "no "
		    "directory entry there") : error;
	if (p[DE_NAME] == SLOT_EMPTY || p[DE_NAME] == SLOT_DELETED ||
	    (p[DE_ATTR] & ATTR_LONGNAME_MASK) == ATTR_LONGNAME ||
	    (p[DE_ATTR] & ATTR_VOLUME)) {
		brelse(bp, 0);
		return ENOENT;
	}
	if (p[DE_NAME] == '.') {
		brelse(bp, 0);
		return entry_bad(pmp, dep->de_key, "a \".\" or \"..\" entry");
	}
	entry_decode(dep, p);
	brelse(bp, 0);
	if (dep->de_start != 0 && (dep->de_start < CLUST_FIRST ||
	    dep->de_start > pmp->pm_maxclust))
		return entry_bad(pmp, dep->de_key, "first cluster outside the "
		    "volume");
	if (dep->de_attr & ATTR_DIRECTORY) {
		if (dep->de_start == 0)
			return entry_bad(pmp, dep->de_key, "directory without "
			    "a cluster");
		return msdosfs_map(dep);
	}
	return 0;
}

/*
 * Load the denode of key into a new denode, returned in *depp for the
 * caller to attach to a vnode (and free with msdosfs_denode_free).
 */
int
msdosfs_denode_load(struct msdosfsmount *pmp, ino_t key,
    struct denode **depp)
{
	struct denode *dep;
	int error;

	if ((dep = kmem_zalloc(sizeof(*dep))) == NULL)
		return ENOMEM;
	dep->de_pmp = pmp;
	dep->de_key = key;
	error = key == MSDOSFS_ROOTINO ? root_init(dep) : entry_load(dep);
	if (error != 0) {
		msdosfs_denode_free(dep);
		return error;
	}
	*depp = dep;
	return 0;
}

void
msdosfs_denode_free(struct denode *dep)
{
	msdosfs_index_free(dep);
	if (dep->de_ext != NULL)
		kmem_free(dep->de_ext, dep->de_extcap * sizeof(*dep->de_ext));
	kmem_free(dep, sizeof(*dep));
}

/*
 * Stamp the times asked for and write the entry of dep (a delayed
 * write) if it changed.  The root and removed files have no entry.
 */
int
msdosfs_update(struct denode *dep)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	struct ktimespec now;
	struct buf *bp;
	uint8_t *p;
	int error;

	if (pmp->pm_rdonly || (dep->de_flag & (DE_ROOT | DE_REMOVED))) {
		dep->de_flag &= ~(DE_MODIFIED | DE_UPDATE | DE_ACCESS);
		return 0;
	}
	if (dep->de_flag & (DE_UPDATE | DE_ACCESS)) {
		vfs_timestamp(&now);
		if (dep->de_flag & DE_UPDATE) {
			msdosfs_unix2dos(pmp, &now, &dep->de_mdate,
			    &dep->de_mtime, NULL);
			if ((dep->de_attr & ATTR_DIRECTORY) == 0)
				dep->de_attr |= ATTR_ARCHIVE;
		}
		if (dep->de_flag & DE_ACCESS)
			msdosfs_unix2dos(pmp, &now, &dep->de_adate,
			    &(uint16_t){ 0 }, NULL);
		dep->de_flag = (dep->de_flag & ~(DE_UPDATE | DE_ACCESS)) |
		    DE_MODIFIED;
	}
	if ((dep->de_flag & DE_MODIFIED) == 0)
		return 0;
	if ((error = msdosfs_entblk(pmp, dep->de_entoff, &bp, &p)) != 0)
		return error;
	msdosfs_entry_encode(dep, p);
	bdwrite(bp);
	dep->de_flag &= ~DE_MODIFIED;
	return 0;
}

/* Cut regular file dep to length bytes (not more than its size). */
int
msdosfs_truncate(struct denode *dep, uint32_t length)
{
	struct msdosfsmount *pmp = dep->de_pmp;
	int error;

	KASSERT(length <= dep->de_size);
	error = msdosfs_chain_cut(dep, (uint32_t)howmany((uint64_t)length,
	    pmp->pm_csize));
	dep->de_size = length;
	msdosfs_modified(dep, DE_UPDATE);
	return error;
}
