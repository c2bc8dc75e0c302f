/*
 * inode.h: in-core state of the Fast File System: the mount (ufsmount)
 * and the inode behind each vnode.
 *
 * A ufsmount lives from a successful vfs_mount to vfs_unmount.  It keeps
 * the superblock twice: decoded into host byte order (um_fs, with the
 * UFS1 compatibility fields folded in, see ffs_sb_normalize) and as read
 * from the disk (um_sbraw, fs_sbsize bytes), so that a writer can update
 * fields in place and write the block back in the disk's byte order.
 *
 * An inode lives from vfs_loadvnode to VOP_RECLAIM of its vnode.  It
 * keeps the whole dinode decoded into host byte order (i_din) and where
 * it came from (i_dblkno, i_doff), with the fields every operation needs
 * copied out.  A directory inode may carry a name hash (i_dirhash) built
 * on its first lookup; it is freed with the inode.
 */
#ifndef _KERN_FS_FFS_INODE_H_
#define _KERN_FS_FFS_INODE_H_

#include "../../sys/param.h"
#include "../../sys/mount.h"
#include "../../sys/vnode.h"
#include "dinode.h"
#include "fs.h"

struct ffs_dirhash;

struct ufsmount {
	struct mount	*um_mountp;
	struct vnode	*um_devvp;	/* the block device */
	struct fs	*um_fs;		/* superblock, host byte order */
	void		*um_sbraw;	/* superblock as on disk */
	uint32_t	um_sbrawsize;	/* fs_sbsize */
	int64_t		um_sbloc;	/* byte offset of the superblock */
	bool		um_swap;	/* disk byte order is not the host's */
	bool		um_ufs2;
	bool		um_newdirfmt;	/* entries carry d_type */
	bool		um_oldids;	/* FS_42INODEFMT: 16-bit uid/gid */
	bool		um_unclean;	/* fs_clean not set */
	bool		um_wapbl;	/* a WAPBL log may need replaying */
	uint32_t	um_isize;	/* dinode bytes: 128 or 256 */
	uint32_t	um_maxsymlinklen; /* fast symlinks are shorter */
	uint32_t	um_symlinkarea;	/* bytes of the dinode pointer area */
	uint64_t	um_maxino;	/* fs_ncg * fs_ipg */
	uint64_t	um_maxfilesize;	/* what the block map can address */
	char		um_devname[64];	/* for messages */
	/* Read-write mounts only. */
	struct csum	*um_csp;	/* per-group summaries, host order */
	uint8_t		*um_cgstate;	/* per group: CG_UNCHECKED, ... */
	bool		um_fmod;	/* superblock or summaries changed */
	bool		um_rdonly;
};

/* um_cgstate: has the group been checked (ffs_alloc.c, cg_verify)? */
#define CG_UNCHECKED	0
#define CG_CHECKED	1		/* its maps agree with its counts */
#define CG_BAD		2		/* refused (and said so) */

#define VFSTOUFS(mp)	((struct ufsmount *)(mp)->mnt_data)

union ffs_dinode {
	struct ufs1_dinode ffs1;
	struct ufs2_dinode ffs2;
};

struct inode {
	struct vnode	*i_vnode;
	struct ufsmount	*i_ump;
	struct fs	*i_fs;
	ino_t		i_number;
	daddr_t		i_dblkno;	/* inode block, DEV_BSIZE units */
	uint32_t	i_doff;		/* byte offset in that fs block */
	uint32_t	i_flag;		/* IN_* */

	/* Copied from the dinode. */
	mode_t		i_mode;
	int32_t		i_nlink;
	uid_t		i_uid;
	gid_t		i_gid;
	uint64_t	i_size;
	uint32_t	i_flags;	/* chflags(2) flags */
	uint32_t	i_gen;

	union ffs_dinode i_din;		/* the dinode, host byte order */
	struct ffs_dirhash *i_dirhash;	/* directory name hash, or NULL */
};

/* i_flag */
#define IN_NODIRHASH	0x0001		/* building the hash failed once */
#define IN_MODIFIED	0x0002		/* the dinode must be written */
#define IN_ACCESS	0x0004		/* access time to be set */
#define IN_CHANGE	0x0008		/* change time to be set */
#define IN_UPDATE	0x0010		/* modification time to be set */
#define IN_TIMES	(IN_ACCESS | IN_CHANGE | IN_UPDATE)

#define VTOI(vp)	((struct inode *)(vp)->v_data)
#define ITOV(ip)	((ip)->i_vnode)

/* Direct block pointer i of ip, whatever the inode format. */
static inline int64_t
ffs_ip_db(const struct inode *ip, int i)
{
	return ip->i_ump->um_ufs2 ? ip->i_din.ffs2.di_db[i] :
	    ip->i_din.ffs1.di_db[i];
}

/* Indirect block pointer i (0 single, 1 double, 2 triple) of ip. */
static inline int64_t
ffs_ip_ib(const struct inode *ip, int i)
{
	return ip->i_ump->um_ufs2 ? ip->i_din.ffs2.di_ib[i] :
	    ip->i_din.ffs1.di_ib[i];
}

/* DEV_BSIZE units held by ip. */
static inline uint64_t
ffs_ip_blocks(const struct inode *ip)
{
	return ip->i_ump->um_ufs2 ? ip->i_din.ffs2.di_blocks :
	    ip->i_din.ffs1.di_blocks;
}

/*
 * Setters of dinode fields, whatever the inode format; they keep the
 * copies in struct inode in step and mark the inode modified.
 */
static inline void
ffs_ip_setdb(struct inode *ip, int i, int64_t v)
{
	if (ip->i_ump->um_ufs2)
		ip->i_din.ffs2.di_db[i] = v;
	else
		ip->i_din.ffs1.di_db[i] = (int32_t)v;
	ip->i_flag |= IN_MODIFIED;
}

static inline void
ffs_ip_setib(struct inode *ip, int i, int64_t v)
{
	if (ip->i_ump->um_ufs2)
		ip->i_din.ffs2.di_ib[i] = v;
	else
		ip->i_din.ffs1.di_ib[i] = (int32_t)v;
	ip->i_flag |= IN_MODIFIED;
}

/* Add (or, negative, take away) DEV_BSIZE units held. */
static inline void
ffs_ip_addblocks(struct inode *ip, int64_t n)
{
	if (ip->i_ump->um_ufs2)
		ip->i_din.ffs2.di_blocks += (uint64_t)n;
	else
		ip->i_din.ffs1.di_blocks += (uint32_t)n;
	ip->i_flag |= IN_MODIFIED;
}

#endif /* !_KERN_FS_FFS_INODE_H_ */
