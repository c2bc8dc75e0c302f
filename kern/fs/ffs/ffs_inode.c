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
 * is EIO with a console message.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
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
