/*
 * ffs_inode.c: in-core inodes: loading one from its inode block, and
 * freeing it when its vnode is reclaimed.
 *
 * Inode ino lives in cylinder group ino / fs_ipg, in the inode table that
 * starts at fragment fs_iblkno of the group, fs_inopb inodes per block.
 * The whole inode block is read through the buffer cache, so a directory
 * listing that stats its entries reads each inode block once.  The
 * dinode is decoded into the in-core inode and the buffer released at
 * once; the inode remembers where it came from for a later write.
 *
 * Checks on load: the inode number must name a real inode (not 0, not the
 * whiteout inode 1, below fs_ncg * fs_ipg); a free inode (mode 0) is
 * ENOENT; a mode of no known type, a file larger than the block map can
 * address, or a directory larger than 2 GiB (directory offsets are 32-bit)
 * is EIO with a console message; so, on a read-write mount, is a link
 * count below what any inode reached through a name must have.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "dinode.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

#define FFS_MAXDIRSIZE	0x7fffffff

static int
inode_bad(struct ufsmount *ump, ino_t ino, const char *what)
{
	kprintf("ffs: %s: inode %llu: %s\n", ump->um_devname,
	    (unsigned long long)ino, what);
	return EIO;
}

/* Copy the fields every operation uses out of the decoded dinode. */
static void
inode_setfields(struct inode *ip)
{
	struct ufsmount *ump = ip->i_ump;

	if (ump->um_ufs2) {
		struct ufs2_dinode *dp = &ip->i_din.ffs2;

		ip->i_mode = dp->di_mode;
		ip->i_nlink = dp->di_nlink;
		ip->i_uid = dp->di_uid;
		ip->i_gid = dp->di_gid;
		ip->i_size = dp->di_size;
		ip->i_flags = dp->di_flags;
		ip->i_gen = (uint32_t)dp->di_gen;
		return;
	}
	ip->i_mode = ip->i_din.ffs1.di_mode;
	ip->i_nlink = ip->i_din.ffs1.di_nlink;
	ip->i_uid = ump->um_oldids ? ip->i_din.ffs1.di_ouid :
	    ip->i_din.ffs1.di_uid;
	ip->i_gid = ump->um_oldids ? ip->i_din.ffs1.di_ogid :
	    ip->i_din.ffs1.di_gid;
	ip->i_size = ip->i_din.ffs1.di_size;
	ip->i_flags = ip->i_din.ffs1.di_flags;
	ip->i_gen = (uint32_t)ip->i_din.ffs1.di_gen;
}

/* Is the freshly decoded inode usable?  0, ENOENT (free) or EIO. */
static int
inode_check(struct inode *ip)
{
	struct ufsmount *ump = ip->i_ump;
	enum vtype type;

	if (ip->i_mode == 0)
		return ENOENT;
	type = vtype_from_mode(ip->i_mode);
	if (type == VBAD) {
		kprintf("ffs: %s: inode %llu: unknown file type in mode "
		    "%#o\n", ump->um_devname,
		    (unsigned long long)ip->i_number, (unsigned)ip->i_mode);
		return EIO;
	}
	if ((type == VREG || type == VLNK) &&
	    ip->i_size > ump->um_maxfilesize)
		return inode_bad(ump, ip->i_number, "size beyond what the "
		    "block map can address");
	if (type == VDIR && ip->i_size > FFS_MAXDIRSIZE)
		return inode_bad(ump, ip->i_number, "directory too large");
	/*
	 * Writing trusts the link count: the last link gone, the inode and
	 * its blocks are freed.  An inode that a name leads to has a link;
	 * a directory has two ("." and its name).  Reading does not care.
	 */
	if (!ump->um_rdonly && ip->i_nlink < (type == VDIR ? 2 : 1))
		return ffs_corrupt(ump, "inode %llu: link count %d is too low",
		    (unsigned long long)ip->i_number, ip->i_nlink);
	return 0;
}

/*
 * Read inode ino of mount ump into a new in-core inode, returned in *ipp
 * for the caller to attach to a vnode (and free with ffs_inode_free).
 */
int
ffs_inode_load(struct ufsmount *ump, ino_t ino, struct inode **ipp)
{
	struct fs *fs = ump->um_fs;
	struct inode *ip;
	struct buf *bp;
	int64_t fsba;
	int error;

	if (ino < UFS_ROOTINO || ino >= ump->um_maxino)
		return inode_bad(ump, ino, "inode number out of range");
	fsba = ffs_ino_to_fsba(fs, ino);
	if (fsba <= 0 || fsba > fs->fs_size - fs->fs_frag)
		return inode_bad(ump, ino, "inode block outside the file "
		    "system");
	if ((ip = kmem_zalloc(sizeof(*ip))) == NULL)
		return ENOMEM;
	ip->i_ump = ump;
	ip->i_fs = fs;
	ip->i_number = ino;
	ip->i_dblkno = ffs_fsbtodb(fs, fsba);
	ip->i_doff = ffs_ino_to_fsbo(fs, ino) * ump->um_isize;
	if ((error = bread(ump->um_devvp, ip->i_dblkno, fs->fs_bsize,
	    &bp)) != 0) {
		kmem_free(ip, sizeof(*ip));
		return error;
	}
	ffs_dinode_decode(ump, (uint8_t *)bp->b_data + ip->i_doff,
	    &ip->i_din);
	brelse(bp, 0);
	inode_setfields(ip);
	if ((error = inode_check(ip)) != 0) {
		kmem_free(ip, sizeof(*ip));
		return error;
	}
	*ipp = ip;
	return 0;
}

/* Free an in-core inode and what hangs off it. */
void
ffs_inode_free(struct inode *ip)
{
	ffs_dirhash_free(ip);
	kmem_free(ip, sizeof(*ip));
}

/* Stamp the times the inode's IN_ACCESS/IN_CHANGE/IN_UPDATE ask for. */
void
ffs_itimes(struct inode *ip)
{
	struct ktimespec now;

	if ((ip->i_flag & IN_TIMES) == 0)
		return;
	vfs_timestamp(&now);
	if (ip->i_ump->um_ufs2) {
		struct ufs2_dinode *dp = &ip->i_din.ffs2;

		if (ip->i_flag & IN_ACCESS) {
			dp->di_atime = now.tv_sec;
			dp->di_atimensec = now.tv_nsec;
		}
		if (ip->i_flag & IN_UPDATE) {
			dp->di_mtime = now.tv_sec;
			dp->di_mtimensec = now.tv_nsec;
		}
		if (ip->i_flag & IN_CHANGE) {
			dp->di_ctime = now.tv_sec;
			dp->di_ctimensec = now.tv_nsec;
		}
	} else {
		struct ufs1_dinode *dp = &ip->i_din.ffs1;

		if (ip->i_flag & IN_ACCESS) {
			dp->di_atime = (int32_t)now.tv_sec;
			dp->di_atimensec = now.tv_nsec;
		}
		if (ip->i_flag & IN_UPDATE) {
			dp->di_mtime = (int32_t)now.tv_sec;
			dp->di_mtimensec = now.tv_nsec;
		}
		if (ip->i_flag & IN_CHANGE) {
			dp->di_ctime = (int32_t)now.tv_sec;
			dp->di_ctimensec = now.tv_nsec;
		}
	}
	ip->i_flag = (ip->i_flag & ~IN_TIMES) | IN_MODIFIED;
}

/*
 * Copy the fields kept in struct inode back into the dinode (they are
 * changed there first by the vnode operations).
 */
static void
inode_putfields(struct inode *ip)
{
	struct ufsmount *ump = ip->i_ump;

	if (ump->um_ufs2) {
		struct ufs2_dinode *dp = &ip->i_din.ffs2;

		dp->di_mode = (uint16_t)ip->i_mode;
		dp->di_nlink = (int16_t)ip->i_nlink;
		dp->di_uid = ip->i_uid;
		dp->di_gid = ip->i_gid;
		dp->di_size = ip->i_size;
		dp->di_flags = ip->i_flags;
		dp->di_gen = (int32_t)ip->i_gen;
		return;
	}
	ip->i_din.ffs1.di_mode = (uint16_t)ip->i_mode;
	ip->i_din.ffs1.di_nlink = (int16_t)ip->i_nlink;
	if (ump->um_oldids) {
		ip->i_din.ffs1.di_ouid = (uint16_t)ip->i_uid;
		ip->i_din.ffs1.di_ogid = (uint16_t)ip->i_gid;
	} else {
		ip->i_din.ffs1.di_uid = ip->i_uid;
		ip->i_din.ffs1.di_gid = ip->i_gid;
	}
	ip->i_din.ffs1.di_size = ip->i_size;
	ip->i_din.ffs1.di_flags = ip->i_flags;
	ip->i_din.ffs1.di_gen = (int32_t)ip->i_gen;
}

/*
 * Write the in-core inode into its inode block (a delayed write) if it
 * changed.
 */
int
ffs_update(struct inode *ip)
{
	struct ufsmount *ump = ip->i_ump;
	struct buf *bp;
	int error;

	ffs_itimes(ip);
	if ((ip->i_flag & IN_MODIFIED) == 0 || ump->um_rdonly)
		return 0;
	inode_putfields(ip);
	if ((error = bread(ump->um_devvp, ip->i_dblkno, ip->i_fs->fs_bsize,
	    &bp)) != 0)
		return error;
	ffs_dinode_encode(ump, &ip->i_din, (uint8_t *)bp->b_data + ip->i_doff);
	bdwrite(bp);
	ip->i_flag &= ~IN_MODIFIED;
	return 0;
}

/* Is ffs_update needed? */
void
ffs_imodified(struct inode *ip, uint32_t flags)
{
	ip->i_flag |= flags | IN_MODIFIED;
}

/*
 * Truncation.  Everything past the new last logical block is freed:
 * direct blocks, and whole subtrees of indirect blocks (read to find
 * their children, then freed), with partly kept indirect blocks rewritten
 * with the freed pointers cleared.  If the new last block is a direct
 * block, it keeps only the fragments the new size needs.
 */

/* Free the subtree under indirect block blk of the given level, whole. */
static int
ind_free(struct inode *ip, int level, int64_t blk)
{
	struct ufsmount *ump = ip->i_ump;
	struct fs *fs = ip->i_fs;
	struct buf *bp;
	int64_t *kids = NULL, child;
	uint32_t i, n = (uint32_t)fs->fs_nindir;
	size_t sz = (size_t)n * sizeof(*kids);
	int error = 0, e;

	if (!ffs_blkok(fs, blk, fs->fs_frag))
		return ffs_corrupt(ump, "inode %llu: indirect block %lld is "
		    "outside the file system or in its metadata",
		    (unsigned long long)ip->i_number, (long long)blk);
	/* Copy the pointers out: freeing invalidates the buffer. */
	if ((kids = kmem_alloc(sz)) == NULL)
		return ENOMEM;
	if ((error = bread(ump->um_devvp, ffs_fsbtodb(fs, blk), fs->fs_bsize,
	    &bp)) != 0) {
		kmem_free(kids, sz);
		return error;
	}
	for (i = 0; i < n; i++)
		kids[i] = ffs_indir_get(ump, bp->b_data, i);
	brelse(bp, 0);
	for (i = 0; i < n; i++) {
		if ((child = kids[i]) == 0)
			continue;
		e = level > 0 ? ind_free(ip, level - 1, child) :
		    ffs_blkfree(ip, child, fs->fs_bsize);
		error = error != 0 ? error : e;
	}
	kmem_free(kids, sz);
	e = ffs_blkfree(ip, blk, fs->fs_bsize);
	return error != 0 ? error : e;
}

/*
 * Indirect block blk of the given level covers logical blocks from base
 * on; free what lies past lastlbn under it.  *gonep says whether blk
 * itself was freed (all of it was past lastlbn).
 */
static int
ind_trunc(struct inode *ip, int level, int64_t blk, int64_t base,
    int64_t lastlbn, bool *gonep)
{
	struct ufsmount *ump = ip->i_ump;
	struct fs *fs = ip->i_fs;
	uint64_t span = 1;
	int64_t child, cbase;
	uint32_t i, first;
	struct buf *bp;
	bool gone;
	int error, l;

	*gonep = false;
	if (base > lastlbn) {
		*gonep = true;
		return ind_free(ip, level, blk);
	}
	for (l = 0; l < level; l++)
		span *= (uint64_t)fs->fs_nindir;
	if (!ffs_blkok(fs, blk, fs->fs_frag))
		return ffs_corrupt(ump, "inode %llu: indirect block %lld is "
		    "outside the file system or in its metadata",
		    (unsigned long long)ip->i_number, (long long)blk);
	first = (uint32_t)((uint64_t)(lastlbn - base) / span);
	if ((error = bread(ump->um_devvp, ffs_fsbtodb(fs, blk), fs->fs_bsize,
	    &bp)) != 0)
		return error;
	for (i = first; i < (uint32_t)fs->fs_nindir && error == 0; i++) {
		cbase = base + (int64_t)(i * span);
		if ((child = ffs_indir_get(ump, bp->b_data, i)) == 0)
			continue;
		if (level == 0) {
			if (cbase <= lastlbn)
				continue;
			error = ffs_blkfree(ip, child, fs->fs_bsize);
			gone = true;
		} else {
			/* Releasing bp while descending is not needed: the
			 * children are other blocks. */
			error = ind_trunc(ip, level - 1, child, cbase, lastlbn,
			    &gone);
		}
		if (error == 0 && gone)
			ffs_indir_set(ump, bp->b_data, i, 0);
	}
	bdwrite(bp);
	return error;
}

/* Shrink the fragment run of direct block lbn to fit size bytes. */
static int
trunc_lastfrags(struct inode *ip, daddr_t lbn, uint64_t osize, uint64_t nsize)
{
	struct fs *fs = ip->i_fs;
	int64_t bno = ffs_ip_db(ip, (int)lbn);
	int oldlen = (int)ffs_blksize(fs, osize, lbn);
	int newlen = (int)ffs_blksize(fs, nsize, lbn);

	if (bno == 0 || newlen >= oldlen)
		return 0;
	return ffs_blkfree(ip, bno + (newlen >> fs->fs_fshift),
	    oldlen - newlen);
}

static void
set_size(struct inode *ip, uint64_t size)
{
	ip->i_size = size;
	if (ip->i_ump->um_ufs2)
		ip->i_din.ffs2.di_size = size;
	else
		ip->i_din.ffs1.di_size = size;
	ip->i_flag |= IN_MODIFIED | IN_CHANGE | IN_UPDATE;
}

/*
 * Cut ip to length bytes (not more than its size), freeing its blocks.
 * Fast symbolic links keep their target in the inode: only the pointer
 * area is cleared.
 */
int
ffs_truncate(struct inode *ip, uint64_t length)
{
	struct fs *fs = ip->i_fs;
	uint64_t osize = ip->i_size, nindir = (uint64_t)fs->fs_nindir;
	int64_t lastlbn, base = UFS_NDADDR, blk;
	uint64_t span = 1;
	int error = 0, e, i, level;
	bool gone;

	KASSERT(length <= osize);
	if ((ip->i_mode & S_IFMT) == S_IFCHR ||
	    (ip->i_mode & S_IFMT) == S_IFBLK) {
		/* di_db[0] holds the device number, not a block. */
		ffs_ip_setdb(ip, 0, 0);
		set_size(ip, 0);
		return 0;
	}
	if ((ip->i_mode & S_IFMT) == S_IFLNK && ffs_ip_blocks(ip) == 0) {
		ffs_symlink_store(ip, "", 0);
		set_size(ip, length);
		return 0;
	}
	lastlbn = length == 0 ? -1 : (int64_t)((length - 1) >> fs->fs_bshift);
	for (level = 0; level < UFS_NIADDR; level++) {
		span *= nindir;
		if ((blk = ffs_ip_ib(ip, level)) != 0 &&
		    base + (int64_t)span - 1 > lastlbn) {
			e = ind_trunc(ip, level, blk, base, lastlbn, &gone);
			if (e == 0 && gone)
				ffs_ip_setib(ip, level, 0);
			error = error != 0 ? error : e;
		}
		base += (int64_t)span;
	}
	for (i = UFS_NDADDR - 1; i > lastlbn; i--) {
		if ((blk = ffs_ip_db(ip, i)) == 0)
			continue;
		e = ffs_blkfree(ip, blk, (int)ffs_blksize(fs, osize, i));
		if (e == 0)
			ffs_ip_setdb(ip, i, 0);
		error = error != 0 ? error : e;
	}
	if (error == 0 && lastlbn >= 0 && lastlbn < UFS_NDADDR)
		error = trunc_lastfrags(ip, lastlbn, osize, length);
	set_size(ip, length);
	/*
	 * Cut short, the file may keep blocks past its new end or end in
	 * a hole: the file system needs fsck, and is not marked clean.
	 */
	if (error != 0 && ip->i_ump->um_mountp != NULL)
		vfs_damaged(ip->i_ump->um_mountp);
	return error;
}
