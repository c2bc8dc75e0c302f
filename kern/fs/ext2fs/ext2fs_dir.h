/*
 * ext2fs_dir.h: on-disk directories of ext2, ext3 and ext4.
 *
 * A directory is a file of whole blocks; each block is a chain of
 * variable-length entries whose rec_len add up to the block size (no
 * entry crosses a block).  An entry is an 8-byte header, the name, and
 * padding to a multiple of 4; an entry with inode 0 is unused space.  With
 * the filetype feature the high byte of the old 16-bit name length holds
 * the file type (EXT2_FT_*).  The first block starts with "." and "..".
 * With 64 KiB blocks a rec_len of 65536 does not fit in 16 bits and is
 * stored as 65535 (or 0).
 *
 * metadata_csum: each ordinary block ends with a 12-byte fake entry
 * (inode 0, rec_len 12, name_len 0, file type 0xde) holding a crc32c of
 * the block before it.
 *
 * Hash trees (dir_index, EXT2_INDEX_FL).  Block 0 holds "." and a ".."
 * whose rec_len spans the block; behind them is the dx root: an info
 * header (hash version, depth) and a sorted array of (hash, block)
 * entries whose first slot holds the array's limit and count instead of a
 * hash.  Interior index blocks are a fake empty entry spanning the block
 * followed by the same array.  Leaves are ordinary directory blocks
 * holding the names whose hash falls between their entry's hash and the
 * next; a hash with bit 0 set marks a leaf that continues a run of equal
 * hashes from the leaf before.  With metadata_csum, index blocks give up
 * one array slot to an 8-byte tail holding their crc32c.
 */
#ifndef _KERN_FS_EXT2FS_EXT2FS_DIR_H_
#define _KERN_FS_EXT2FS_EXT2FS_DIR_H_

#include "../../sys/param.h"
#include "../../sys/systm.h"

#define EXT2_MAXNAMLEN		255
#define EXT2_DIRHDRSIZ		8

struct ext2_dirent {
	uint32_t d_ino;			/* 0: inode, 0 for unused space */
	uint16_t d_reclen;		/* 4: bytes to the next entry */
	uint8_t	d_namlen;		/* 6: name length */
	uint8_t	d_type;			/* 7: EXT2_FT_* (filetype feature) */
	/* 8: name */
};

CTASSERT(sizeof(struct ext2_dirent) == EXT2_DIRHDRSIZ);

/* Smallest rec_len of an entry with a name of namlen bytes. */
#define EXT2_DIRSIZ(namlen)	((EXT2_DIRHDRSIZ + (namlen) + 3) & ~3)

/* d_type values. */
#define EXT2_FT_UNKNOWN		0
#define EXT2_FT_REG_FILE	1
#define EXT2_FT_DIR		2
#define EXT2_FT_CHRDEV		3
#define EXT2_FT_BLKDEV		4
#define EXT2_FT_FIFO		5
#define EXT2_FT_SOCK		6
#define EXT2_FT_SYMLINK		7
#define EXT2_FT_MAX		8
#define EXT2_FT_DIR_CSUM	0xde	/* the checksum tail */

/* The checksum tail of a directory block. */
struct ext2_dirtail {
	uint32_t det_zero1;		/* 0: inode 0 */
	uint16_t det_reclen;		/* 4: 12 */
	uint8_t	det_zero2;		/* 6: name length 0 */
	uint8_t	det_ft;			/* 7: EXT2_FT_DIR_CSUM */
	uint32_t det_checksum;		/* 8 */
};

#define EXT2_DIRTAIL_SIZE	12
CTASSERT(sizeof(struct ext2_dirtail) == EXT2_DIRTAIL_SIZE);

/* Hash tree. */
struct ext2_dx_rootinfo {		/* at byte 24 of block 0 */
	uint32_t ri_reserved;		/* 0: 0 */
	uint8_t	ri_hash_version;	/* 4: EXT2_HASH_* */
	uint8_t	ri_info_length;		/* 5: 8 */
	uint8_t	ri_levels;		/* 6: index levels below the root */
	uint8_t	ri_flags;		/* 7 */
};

struct ext2_dx_countlimit {		/* in the first entry's hash slot */
	uint16_t cl_limit;
	uint16_t cl_count;
};

struct ext2_dx_entry {
	uint32_t de_hash;
	uint32_t de_block;		/* logical block in the directory */
};

struct ext2_dx_tail {
	uint32_t dt_reserved;
	uint32_t dt_checksum;
};

CTASSERT(sizeof(struct ext2_dx_rootinfo) == 8);
CTASSERT(sizeof(struct ext2_dx_entry) == 8);
CTASSERT(sizeof(struct ext2_dx_tail) == 8);

#define EXT2_DX_ROOT_ENTRIES	32	/* byte offset of the root's array */
#define EXT2_DX_NODE_ENTRIES	8	/* of an interior node's array */
#define EXT2_DX_MAXLEVELS	2	/* levels below the root */
#define EXT2_DX_MAXLEVELS_LARGE	3	/* with largedir */

/* Hash versions. */
#define EXT2_HASH_LEGACY		0
#define EXT2_HASH_HALF_MD4		1
#define EXT2_HASH_TEA			2
#define EXT2_HASH_LEGACY_UNSIGNED	3	/* in core only */
#define EXT2_HASH_HALF_MD4_UNSIGNED	4
#define EXT2_HASH_TEA_UNSIGNED		5
#define EXT2_HASH_SIPHASH		6

#endif /* !_KERN_FS_EXT2FS_EXT2FS_DIR_H_ */
