/*
 * dinode.h: on-disk inodes of the Fast File System.
 *
 * UFS1 inodes are 128 bytes with 32-bit block pointers and times; UFS2
 * inodes are 256 bytes with 64-bit pointers and times, a birth time and
 * room for extended attribute blocks.  Both point at their data through
 * UFS_NDADDR direct block pointers and UFS_NIADDR indirect ones (single,
 * double, triple); a pointer of 0 is a hole.  The pointers are fragment
 * addresses: every block is whole except that the last block of a small
 * file (one that needs no indirect block) may be a run of fragments.
 *
 * The pointer area (di_db and di_ib) has two other uses: a symbolic link
 * shorter than fs_maxsymlinklen keeps its target there ("fast" symlink),
 * and a character or block device keeps its device number in di_db[0]
 * (BSD encoding, see makedev in param.h).
 *
 * As with fs.h, the structures mirror the disk exactly and are converted
 * from the file system's byte order by ffs_bswap.c.
 */
#ifndef _KERN_FS_FFS_DINODE_H_
#define _KERN_FS_FFS_DINODE_H_

#include "../../sys/param.h"
#include "../../sys/systm.h"

#define UFS_NDADDR	12		/* direct block pointers */
#define UFS_NIADDR	3		/* indirect block pointers */
#define UFS_NXADDR	2		/* UFS2 extended attribute blocks */

#define UFS_WINO	1		/* whiteout entries' inode number */
#define UFS_ROOTINO	2		/* the root directory */

/* Bytes of the pointer area, where a fast symlink keeps its target. */
#define UFS1_SYMLINKAREA	((UFS_NDADDR + UFS_NIADDR) * 4)
#define UFS2_SYMLINKAREA	((UFS_NDADDR + UFS_NIADDR) * 8)

struct ufs1_dinode {
	uint16_t di_mode;		/*   0: type and permissions */
	int16_t	di_nlink;		/*   2: links */
	uint16_t di_ouid;		/*   4: owner (FS_42INODEFMT) */
	uint16_t di_ogid;		/*   6: group (FS_42INODEFMT) */
	uint64_t di_size;		/*   8: bytes */
	int32_t	di_atime;		/*  16: access time, seconds */
	int32_t	di_atimensec;		/*  20 */
	int32_t	di_mtime;		/*  24: modification time */
	int32_t	di_mtimensec;		/*  28 */
	int32_t	di_ctime;		/*  32: change time */
	int32_t	di_ctimensec;		/*  36 */
	int32_t	di_db[UFS_NDADDR];	/*  40: direct blocks */
	int32_t	di_ib[UFS_NIADDR];	/*  88: indirect blocks */
	uint32_t di_flags;		/* 100: chflags(2) flags */
	uint32_t di_blocks;		/* 104: DEV_BSIZE units held */
	int32_t	di_gen;			/* 108: generation number */
	uint32_t di_uid;		/* 112: owner (FS_44INODEFMT) */
	uint32_t di_gid;		/* 116: group (FS_44INODEFMT) */
	uint64_t di_modrev;		/* 120: NFSv4 change count */
};

struct ufs2_dinode {
	uint16_t di_mode;		/*   0: type and permissions */
	int16_t	di_nlink;		/*   2: links */
	uint32_t di_uid;		/*   4: owner */
	uint32_t di_gid;		/*   8: group */
	uint32_t di_blksize;		/*  12: unused */
	uint64_t di_size;		/*  16: bytes */
	uint64_t di_blocks;		/*  24: DEV_BSIZE units held */
	int64_t	di_atime;		/*  32: access time, seconds */
	int64_t	di_mtime;		/*  40: modification time */
	int64_t	di_ctime;		/*  48: change time */
	int64_t	di_birthtime;		/*  56: creation time */
	int32_t	di_mtimensec;		/*  64 */
	int32_t	di_atimensec;		/*  68 */
	int32_t	di_ctimensec;		/*  72 */
	int32_t	di_birthnsec;		/*  76 */
	int32_t	di_gen;			/*  80: generation number */
	uint32_t di_kernflags;		/*  84 */
	uint32_t di_flags;		/*  88: chflags(2) flags */
	uint32_t di_extsize;		/*  92: extended attribute bytes */
	int64_t	di_extb[UFS_NXADDR];	/*  96: extended attribute blocks */
	int64_t	di_db[UFS_NDADDR];	/* 112: direct blocks */
	int64_t	di_ib[UFS_NIADDR];	/* 208: indirect blocks */
	uint64_t di_modrev;		/* 232: NFSv4 change count */
	uint32_t di_freelink;		/* 240: FreeBSD unlinked list */
	uint32_t di_ckhash;		/* 244: FreeBSD check hash */
	uint32_t di_spare[2];		/* 248 */
};

CTASSERT(offsetof(struct ufs1_dinode, di_db) == 40);
CTASSERT(offsetof(struct ufs1_dinode, di_flags) == 100);
CTASSERT(offsetof(struct ufs1_dinode, di_uid) == 112);
CTASSERT(sizeof(struct ufs1_dinode) == 128);
CTASSERT(offsetof(struct ufs2_dinode, di_size) == 16);
CTASSERT(offsetof(struct ufs2_dinode, di_birthtime) == 56);
CTASSERT(offsetof(struct ufs2_dinode, di_flags) == 88);
CTASSERT(offsetof(struct ufs2_dinode, di_db) == 112);
CTASSERT(offsetof(struct ufs2_dinode, di_ib) == 208);
CTASSERT(sizeof(struct ufs2_dinode) == 256);

#endif /* !_KERN_FS_FFS_DINODE_H_ */
