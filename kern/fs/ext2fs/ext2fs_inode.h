/*
 * ext2fs_inode.h: in-core state of the ext2/ext3/ext4 driver: the mount
 * (e2mount) and the inode behind each vnode (e2inode).
 *
 * An e2mount lives from a successful vfs_mount to vfs_unmount.  It keeps
 * the superblock as read from the disk (em_sb, little-endian, patched in
 * place by a writer and written back whole) and the geometry derived from
 * it once it has been validated, so the rest of the driver computes with
 * checked host-order values only.  Group descriptors are not kept: they
 * are read through the buffer cache when needed (ext2fs_gd_get).
 *
 * An e2inode lives from vfs_loadvnode to VOP_RECLAIM of its vnode.  It
 * keeps the whole on-disk inode (i_raw, s_inode_size bytes, so fields
 * this driver does not know survive a rewrite) and where it came from,
 * with the fields every operation needs decoded into host order; those
 * copies are the authority while the vnode lives and are encoded back by
 * ext2fs_update.
 */
#ifndef _KERN_FS_EXT2FS_EXT2FS_INODE_H_
#define _KERN_FS_EXT2FS_EXT2FS_INODE_H_

#include "../../sys/param.h"
#include "../../sys/mount.h"
#include "../../sys/vnode.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"

struct e2_dirhash;
struct e2_replay;

struct e2mount {
	struct mount	*em_mountp;
	struct vnode	*em_devvp;	/* the block device */
	char		em_devname[64];	/* for messages */
	struct ext2_sb	em_sb;		/* superblock as on disk */

	/* Geometry, validated at mount. */
	uint32_t	em_bsize;	/* block size */
	int		em_bshift;	/* log2(em_bsize) */
	int		em_fsbtodb;	/* em_bshift - DEV_BSHIFT */
	uint64_t	em_nblocks;	/* blocks in the file system */
	uint32_t	em_firstdata;	/* first block of group 0 */
	uint32_t	em_bpg;		/* blocks per group */
	uint32_t	em_ipg;		/* inodes per group */
	uint32_t	em_ngroups;
	uint32_t	em_ninodes;	/* em_ngroups * em_ipg */
	uint32_t	em_firstino;	/* first non-reserved inode */
	uint32_t	em_isize;	/* inode size */
	uint32_t	em_ipb;		/* inodes per block */
	uint32_t	em_itblocks;	/* inode table blocks per group */
	uint32_t	em_descsize;	/* group descriptor size */
	uint32_t	em_descperblk;
	uint32_t	em_gdtblocks;	/* blocks of descriptors */
	uint32_t	em_nindir;	/* block numbers per indirect block */
	uint32_t	em_clshift;	/* log2(blocks per cluster), bigalloc */
	uint32_t	em_compat;
	uint32_t	em_incompat;
	uint32_t	em_rocompat;
	uint32_t	em_csumseed;	/* metadata_csum seed */
	uint32_t	em_hashseed[4];	/* htree hash seed */
	bool		em_hashunsigned; /* EXT2_FLAGS_UNSIGNED_HASH */
	uint8_t		em_defhash;	/* s_def_hash_version */
	uint16_t	em_extra_isize;	/* i_extra_isize of new inodes */
	bool		em_hurd;	/* Hurd's osd2 inode layout */
	uint64_t	em_maxmapsize;	/* largest block-mapped file */
	uint64_t	em_maxextsize;	/* largest extent-mapped file */

	/* State. */
	bool		em_rdonly;
	bool		em_unclean;	/* s_state without VALID_FS, or ERROR */
	bool		em_recover;	/* journal needs recovery */
	struct e2_replay *em_replay;	/* journal replayed in memory */

	/* Read-write mounts only. */
	bool		em_fmod;	/* superblock totals changed */
	bool		em_wrerror;	/* writing back failed: never clean */
	uint64_t	em_blkerrors;	/* device's failed requests at mount */
	uint64_t	em_freeblocks;	/* totals, kept current */
	uint32_t	em_freeinodes;
	uint8_t		*em_grpstate; /* GS_* of each group (ext2fs_alloc.c) */
	uint32_t	em_lastdirgrp;	/* where the last directory went */
};

#define VFSTOE2(mp)	((struct e2mount *)(mp)->mnt_data)

#define E2HAS_COMPAT(ump, f)	(((ump)->em_compat & (f)) != 0)
#define E2HAS_INCOMPAT(ump, f)	(((ump)->em_incompat & (f)) != 0)
#define E2HAS_ROCOMPAT(ump, f)	(((ump)->em_rocompat & (f)) != 0)
#define E2HAS_CSUM(ump) \
	E2HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_METADATA_CSUM)
#define E2HAS_GDTCSUM(ump)	(E2HAS_CSUM(ump) || \
	E2HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_GDT_CSUM))

struct e2inode {
	struct vnode	*i_vnode;
	struct e2mount	*i_ump;
	ino_t		i_number;
	daddr_t		i_dblkno;	/* inode table block, DEV_BSIZE units */
	uint32_t	i_doff;		/* byte offset in that block */
	uint32_t	i_flag;		/* IN_* */

	/* Decoded from i_raw. */
	mode_t		i_mode;
	int32_t		i_nlink;
	uid_t		i_uid;
	gid_t		i_gid;
	uint64_t	i_size;
	uint32_t	i_flags;	/* EXT2_*_FL */
	uint32_t	i_gen;
	uint64_t	i_blocks;	/* DEV_BSIZE units held */
	uint64_t	i_xattrblk;	/* i_file_acl */
	uint32_t	i_csumseed; /* crc32c of the number and generation */

	uint8_t		*i_raw;		/* em_isize bytes, as on disk */
	struct e2_dirhash *i_dirhash;	/* linear directory name hash */

	/* The extent last found by the extent map (bmap). */
	bool		i_ecvalid;
	uint32_t	i_eclblk;	/* first logical block */
	uint32_t	i_eclen;	/* blocks */
	uint64_t	i_ecpblk;	/* first physical block, 0: hole */
	uint64_t	i_lastalloc;	/* block allocated last (block map) */
};

/* i_flag */
#define IN_NODIRHASH	0x0001		/* building the hash failed once */
#define IN_MODIFIED	0x0002		/* the inode must be written */
#define IN_ACCESS	0x0004		/* access time to be set */
#define IN_CHANGE	0x0008		/* change time to be set */
#define IN_UPDATE	0x0010		/* modification time to be set */
#define IN_TIMES	(IN_ACCESS | IN_CHANGE | IN_UPDATE)

#define VTOE2(vp)	((struct e2inode *)(vp)->v_data)
#define E2TOV(ip)	((ip)->i_vnode)

/* The on-disk inode of ip, as a structure (the first 160 bytes). */
#define E2DIN(ip)	((struct ext2_dinode *)(void *)(ip)->i_raw)

/* Does the large inode of ip have room for field? */
#define E2_FITS(ip, field) \
	((ip)->i_ump->em_isize > EXT2_GOOD_OLD_ISIZE && \
	e2le16(E2DIN(ip)->i_extra_isize) >= EXT2_EXTRA_END(field))

/* Device addresses of file system blocks. */
#define E2FSBTODB(ump, b)	((daddr_t)(b) << (ump)->em_fsbtodb)

static inline bool
e2_isextents(const struct e2inode *ip)
{
	return (ip->i_flags & EXT4_EXTENTS_FL) != 0;
}

static inline bool
e2_isinline(const struct e2inode *ip)
{
	return (ip->i_flags & EXT4_INLINE_DATA_FL) != 0;
}

#endif /* !_KERN_FS_EXT2FS_EXT2FS_INODE_H_ */
