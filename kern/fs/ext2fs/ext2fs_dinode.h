/*
 * ext2fs_dinode.h: on-disk inodes and extent trees of ext2, ext3 and
 * ext4.
 *
 * An inode is s_inode_size bytes (128 in revision 0; a power of two from
 * 128 to the block size in revision 1).  The first 128 bytes are the
 * classic inode; larger inodes add i_extra_isize bytes of ext4 fields
 * (nanoseconds and epoch bits of the times, the birth time, the high
 * half of the checksum), then in-inode extended attributes.
 *
 * i_block (60 bytes) holds, depending on the inode:
 *  - 12 direct, 1 single, 1 double and 1 triple indirect 32-bit block
 *    numbers (block-mapped files, ext2 and ext3);
 *  - the root of an extent tree (EXT4_EXTENTS_FL): a 12-byte header and
 *    4 entries of 12 bytes;
 *  - the target of a symbolic link shorter than 60 bytes ("fast");
 *  - the first 60 bytes of the data (EXT4_INLINE_DATA_FL), the rest in
 *    the "system.data" extended attribute;
 *  - the device number of a device node (old encoding in i_block[0],
 *    new one in i_block[1]).
 *
 * Extent tree.  Every node starts with a header (magic 0xf30a, entries,
 * capacity, depth).  Depth 0 nodes hold extents: a run of up to 32768
 * logical blocks mapped to consecutive physical blocks; a length above
 * 32768 marks an uninitialised extent (allocated, reads as zeros) of
 * length - 32768.  Other nodes hold index entries: the first logical
 * block covered by a child, and the child's block.  Entries are sorted by
 * logical block.  With metadata_csum, a tree block ends (after eh_max
 * entries) with a crc32c tail.
 */
#ifndef _KERN_FS_EXT2FS_EXT2FS_DINODE_H_
#define _KERN_FS_EXT2FS_EXT2FS_DINODE_H_

#include "../../sys/param.h"
#include "../../sys/systm.h"

#define EXT2_NDADDR		12	/* direct block pointers */
#define EXT2_NIADDR		3	/* single, double, triple indirect */
#define EXT2_NBLOCKS		(EXT2_NDADDR + EXT2_NIADDR)
#define EXT2_IBLOCK_SIZE	(EXT2_NBLOCKS * 4)	/* 60 bytes */
#define EXT2_MAXSYMLINKLEN	EXT2_IBLOCK_SIZE	/* fast: shorter */

struct ext2_dinode {
	uint16_t i_mode;		/* 0x00 */
	uint16_t i_uid;			/* 0x02: low 16 bits */
	uint32_t i_size;		/* 0x04: low 32 bits */
	uint32_t i_atime;		/* 0x08 */
	uint32_t i_ctime;		/* 0x0c */
	uint32_t i_mtime;		/* 0x10 */
	uint32_t i_dtime;		/* 0x14: deletion time */
	uint16_t i_gid;			/* 0x18: low 16 bits */
	uint16_t i_links_count;		/* 0x1a */
	uint32_t i_blocks;		/* 0x1c: low 32 bits */
	uint32_t i_flags;		/* 0x20: EXT2_*_FL */
	uint32_t i_version;		/* 0x24: osd1 */
	uint32_t i_block[EXT2_NBLOCKS];	/* 0x28 */
	uint32_t i_generation;		/* 0x64 */
	uint32_t i_file_acl;		/* 0x68: xattr block, low bits */
	uint32_t i_size_high;		/* 0x6c */
	uint32_t i_faddr;		/* 0x70 */
	uint16_t i_blocks_high;		/* 0x74: osd2 (Linux layout) */
	uint16_t i_file_acl_high;	/* 0x76 */
	uint16_t i_uid_high;		/* 0x78 */
	uint16_t i_gid_high;		/* 0x7a */
	uint16_t i_checksum_lo;		/* 0x7c */
	uint16_t i_reserved;		/* 0x7e */
	/* Large inodes: i_extra_isize bytes of the following are valid. */
	uint16_t i_extra_isize;		/* 0x80 */
	uint16_t i_checksum_hi;		/* 0x82 */
	uint32_t i_ctime_extra;		/* 0x84: nsec << 2 | epoch */
	uint32_t i_mtime_extra;		/* 0x88 */
	uint32_t i_atime_extra;		/* 0x8c */
	uint32_t i_crtime;		/* 0x90: birth time */
	uint32_t i_crtime_extra;	/* 0x94 */
	uint32_t i_version_hi;		/* 0x98 */
	uint32_t i_projid;		/* 0x9c */
};

CTASSERT(offsetof(struct ext2_dinode, i_block) == 0x28);
CTASSERT(offsetof(struct ext2_dinode, i_generation) == 0x64);
CTASSERT(offsetof(struct ext2_dinode, i_checksum_lo) == 0x7c);
CTASSERT(offsetof(struct ext2_dinode, i_extra_isize) == 0x80);
CTASSERT(offsetof(struct ext2_dinode, i_crtime) == 0x90);
CTASSERT(sizeof(struct ext2_dinode) == 0xa0);

/* Bytes of i_extra_isize that cover a field of the large inode. */
#define EXT2_EXTRA_END(field) \
	(offsetof(struct ext2_dinode, field) + \
	sizeof(((struct ext2_dinode *)0)->field) - EXT2_GOOD_OLD_ISIZE)
#define EXT2_EXTRA_ISIZE_DEF	(sizeof(struct ext2_dinode) - \
	EXT2_GOOD_OLD_ISIZE)

/* i_flags */
#define EXT2_SECRM_FL		0x00000001
#define EXT2_UNRM_FL		0x00000002
#define EXT2_COMPR_FL		0x00000004
#define EXT2_SYNC_FL		0x00000008
#define EXT2_IMMUTABLE_FL	0x00000010
#define EXT2_APPEND_FL		0x00000020
#define EXT2_NODUMP_FL		0x00000040
#define EXT2_NOATIME_FL		0x00000080
#define EXT2_INDEX_FL		0x00001000	/* htree directory */
#define EXT2_JOURNAL_DATA_FL	0x00004000
#define EXT2_DIRSYNC_FL		0x00010000
#define EXT2_TOPDIR_FL		0x00020000
#define EXT4_HUGE_FILE_FL	0x00040000	/* i_blocks in fs blocks */
#define EXT4_EXTENTS_FL		0x00080000
#define EXT4_VERITY_FL		0x00100000
#define EXT4_EA_INODE_FL	0x00200000
#define EXT4_INLINE_DATA_FL	0x10000000
#define EXT4_PROJINHERIT_FL	0x20000000
#define EXT4_CASEFOLD_FL	0x40000000
#define EXT4_ENCRYPT_FL		0x00000800

/* Extent tree nodes. */
#define EXT4_EXT_MAGIC		0xf30a
#define EXT4_EXT_MAXDEPTH	5
#define EXT4_EXT_INIT_MAXLEN	32768		/* initialised extent */
#define EXT4_EXT_UNINIT_MAXLEN	(32768 - 1)

struct ext4_extent_header {
	uint16_t eh_magic;		/* 0 */
	uint16_t eh_entries;		/* 2: valid entries */
	uint16_t eh_max;		/* 4: capacity */
	uint16_t eh_depth;		/* 6: 0 for a leaf */
	uint32_t eh_generation;		/* 8 */
};

struct ext4_extent {
	uint32_t ee_block;		/* 0: first logical block */
	uint16_t ee_len;		/* 4: blocks; > 32768: uninitialised */
	uint16_t ee_start_hi;		/* 6 */
	uint32_t ee_start_lo;		/* 8 */
};

struct ext4_extent_idx {
	uint32_t ei_block;		/* 0: first logical block covered */
	uint32_t ei_leaf_lo;		/* 4: child node */
	uint16_t ei_leaf_hi;		/* 8 */
	uint16_t ei_unused;		/* 10 */
};

struct ext4_extent_tail {
	uint32_t et_checksum;
};

CTASSERT(sizeof(struct ext4_extent_header) == 12);
CTASSERT(sizeof(struct ext4_extent) == 12);
CTASSERT(sizeof(struct ext4_extent_idx) == 12);

/* Entries of the root node in i_block. */
#define EXT4_EXT_ROOTMAX	((EXT2_IBLOCK_SIZE - \
	sizeof(struct ext4_extent_header)) / sizeof(struct ext4_extent))

/* Extended attributes (only what freeing and inline data need). */
#define EXT2_XATTR_MAGIC	0xea020000
#define EXT2_XATTR_INDEX_SYSTEM	7	/* "system.data" of inline data */

struct ext2_xattr_header {		/* an xattr block */
	uint32_t h_magic;		/* 0x00 */
	uint32_t h_refcount;		/* 0x04 */
	uint32_t h_blocks;		/* 0x08: always 1 */
	uint32_t h_hash;		/* 0x0c */
	uint32_t h_checksum;		/* 0x10 */
	uint32_t h_reserved[3];		/* 0x14 */
};

struct ext2_xattr_entry {
	uint8_t	e_name_len;		/* 0x00 */
	uint8_t	e_name_index;		/* 0x01 */
	uint16_t e_value_offs;		/* 0x02 */
	uint32_t e_value_inum;		/* 0x04: ea_inode */
	uint32_t e_value_size;		/* 0x08 */
	uint32_t e_hash;		/* 0x0c */
	/* 0x10: name, padded to 4 bytes */
};

#define EXT2_XATTR_ENTRY_SIZE	16
#define EXT2_XATTR_PAD(n)	(((n) + 3) & ~3)

CTASSERT(sizeof(struct ext2_xattr_header) == 32);
CTASSERT(sizeof(struct ext2_xattr_entry) == EXT2_XATTR_ENTRY_SIZE);

#endif /* !_KERN_FS_EXT2FS_EXT2FS_DINODE_H_ */
