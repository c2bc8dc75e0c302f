/*
 * ext2fs.h: on-disk superblock and group descriptors of the second
 * extended file system and its successors ext3 and ext4.
 *
 * Everything on disk is little-endian; the structures mirror the disk
 * exactly and their fields are read and written through e2le16/32/64
 * (identity on a little-endian host).  Offsets are those of the kernel's
 * ext4 documentation ("The Super Block", "Block Group Descriptors").
 *
 * Geometry.  The file system is s_blocks_count blocks of 1024 <<
 * s_log_block_size bytes.  Block s_first_data_block (1 for 1 KiB blocks,
 * else 0) starts group 0; each group is s_blocks_per_group blocks with a
 * block bitmap, an inode bitmap and s_inodes_per_group inodes in an
 * inode table, wherever its descriptor says (flex_bg packs those of
 * several groups together).  The superblock is always at byte 1024, with
 * backup copies in some groups (all of them, or with sparse_super groups
 * 0, 1 and powers of 3, 5 and 7, or with sparse_super2 the two groups in
 * s_backup_bgs); the group descriptor table follows each copy (or, with
 * meta_bg, is spread over the first, second and last group of each meta
 * group).
 */
#ifndef _KERN_FS_EXT2FS_EXT2FS_H_
#define _KERN_FS_EXT2FS_EXT2FS_H_

#include "../../sys/param.h"
#include "../../sys/systm.h"

/* Little-endian conversion, both ways. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define e2le16(x)	__builtin_bswap16((uint16_t)(x))
#define e2le32(x)	__builtin_bswap32((uint32_t)(x))
#define e2le64(x)	__builtin_bswap64((uint64_t)(x))
#else
#define e2le16(x)	((uint16_t)(x))
#define e2le32(x)	((uint32_t)(x))
#define e2le64(x)	((uint64_t)(x))
#endif

#define EXT2_SBOFF		1024		/* superblock byte offset */
#define EXT2_SBSIZE		1024
#define EXT2_MAGIC		0xef53
#define EXT2_MINBSHIFT		10		/* 1 KiB blocks */
#define EXT2_MAXBSHIFT		16		/* 64 KiB blocks */

/* Reserved inode numbers. */
#define EXT2_BADBLKINO		1
#define EXT2_ROOTINO		2
#define EXT2_RESIZEINO		7
#define EXT2_JOURNALINO		8
#define EXT2_GOOD_OLD_FIRST_INO	11
#define EXT2_GOOD_OLD_ISIZE	128

struct ext2_sb {
	uint32_t s_inodes_count;	/* 0x000 */
	uint32_t s_blocks_count_lo;	/* 0x004 */
	uint32_t s_r_blocks_count_lo;	/* 0x008: reserved for root */
	uint32_t s_free_blocks_count_lo; /* 0x00c */
	uint32_t s_free_inodes_count;	/* 0x010 */
	uint32_t s_first_data_block;	/* 0x014 */
	uint32_t s_log_block_size;	/* 0x018: block size 1024 << n */
	uint32_t s_log_cluster_size;	/* 0x01c: bigalloc */
	uint32_t s_blocks_per_group;	/* 0x020 */
	uint32_t s_clusters_per_group;	/* 0x024 */
	uint32_t s_inodes_per_group;	/* 0x028 */
	uint32_t s_mtime;		/* 0x02c: last mount */
	uint32_t s_wtime;		/* 0x030: last write */
	uint16_t s_mnt_count;		/* 0x034 */
	uint16_t s_max_mnt_count;	/* 0x036 */
	uint16_t s_magic;		/* 0x038: EXT2_MAGIC */
	uint16_t s_state;		/* 0x03a: EXT2_VALID_FS ... */
	uint16_t s_errors;		/* 0x03c */
	uint16_t s_minor_rev_level;	/* 0x03e */
	uint32_t s_lastcheck;		/* 0x040 */
	uint32_t s_checkinterval;	/* 0x044 */
	uint32_t s_creator_os;		/* 0x048 */
	uint32_t s_rev_level;		/* 0x04c: 0 or 1 */
	uint16_t s_def_resuid;		/* 0x050 */
	uint16_t s_def_resgid;		/* 0x052 */
	/* Revision 1 (dynamic) only. */
	uint32_t s_first_ino;		/* 0x054: first ordinary inode */
	uint16_t s_inode_size;		/* 0x058 */
	uint16_t s_block_group_nr;	/* 0x05a: group of this copy */
	uint32_t s_feature_compat;	/* 0x05c */
	uint32_t s_feature_incompat;	/* 0x060 */
	uint32_t s_feature_ro_compat;	/* 0x064 */
	uint8_t	s_uuid[16];		/* 0x068 */
	char	s_volume_name[16];	/* 0x078 */
	char	s_last_mounted[64];	/* 0x088 */
	uint32_t s_algorithm_usage_bitmap; /* 0x0c8 */
	uint8_t	s_prealloc_blocks;	/* 0x0cc */
	uint8_t	s_prealloc_dir_blocks;	/* 0x0cd */
	uint16_t s_reserved_gdt_blocks;	/* 0x0ce: for resize_inode */
	uint8_t	s_journal_uuid[16];	/* 0x0d0 */
	uint32_t s_journal_inum;	/* 0x0e0 */
	uint32_t s_journal_dev;		/* 0x0e4 */
	uint32_t s_last_orphan;		/* 0x0e8: orphan inode list */
	uint32_t s_hash_seed[4];	/* 0x0ec: htree hash seed */
	uint8_t	s_def_hash_version;	/* 0x0fc */
	uint8_t	s_jnl_backup_type;	/* 0x0fd */
	uint16_t s_desc_size;		/* 0x0fe: group descriptor bytes */
	uint32_t s_default_mount_opts;	/* 0x100 */
	uint32_t s_first_meta_bg;	/* 0x104 */
	uint32_t s_mkfs_time;		/* 0x108 */
	uint32_t s_jnl_blocks[17];	/* 0x10c */
	uint32_t s_blocks_count_hi;	/* 0x150: 64bit */
	uint32_t s_r_blocks_count_hi;	/* 0x154 */
	uint32_t s_free_blocks_count_hi; /* 0x158 */
	uint16_t s_min_extra_isize;	/* 0x15c */
	uint16_t s_want_extra_isize;	/* 0x15e */
	uint32_t s_flags;		/* 0x160: EXT2_FLAGS_* */
	uint16_t s_raid_stride;		/* 0x164 */
	uint16_t s_mmp_interval;	/* 0x166 */
	uint64_t s_mmp_block;		/* 0x168 */
	uint32_t s_raid_stripe_width;	/* 0x170 */
	uint8_t	s_log_groups_per_flex;	/* 0x174 */
	uint8_t	s_checksum_type;	/* 0x175: 1 = crc32c */
	uint8_t	s_encryption_level;	/* 0x176 */
	uint8_t	s_reserved_pad;		/* 0x177 */
	uint64_t s_kbytes_written;	/* 0x178 */
	uint32_t s_snapshot_inum;	/* 0x180 */
	uint32_t s_snapshot_id;		/* 0x184 */
	uint64_t s_snapshot_r_blocks_count; /* 0x188 */
	uint32_t s_snapshot_list;	/* 0x190 */
	uint32_t s_error_count;		/* 0x194 */
	uint32_t s_first_error_time;	/* 0x198 */
	uint32_t s_first_error_ino;	/* 0x19c */
	uint64_t s_first_error_block;	/* 0x1a0 */
	uint8_t	s_first_error_func[32];	/* 0x1a8 */
	uint32_t s_first_error_line;	/* 0x1c8 */
	uint32_t s_last_error_time;	/* 0x1cc */
	uint32_t s_last_error_ino;	/* 0x1d0 */
	uint32_t s_last_error_line;	/* 0x1d4 */
	uint64_t s_last_error_block;	/* 0x1d8 */
	uint8_t	s_last_error_func[32];	/* 0x1e0 */
	uint8_t	s_mount_opts[64];	/* 0x200 */
	uint32_t s_usr_quota_inum;	/* 0x240 */
	uint32_t s_grp_quota_inum;	/* 0x244 */
	uint32_t s_overhead_clusters;	/* 0x248 */
	uint32_t s_backup_bgs[2];	/* 0x24c: sparse_super2 */
	uint8_t	s_encrypt_algos[4];	/* 0x254 */
	uint8_t	s_encrypt_pw_salt[16];	/* 0x258 */
	uint32_t s_lpf_ino;		/* 0x268 */
	uint32_t s_prj_quota_inum;	/* 0x26c */
	uint32_t s_checksum_seed;	/* 0x270: csum_seed */
	uint8_t	s_time_hi[8];		/* 0x274: high bytes of times */
	uint16_t s_encoding;		/* 0x27c: casefold */
	uint16_t s_encoding_flags;	/* 0x27e */
	uint32_t s_orphan_file_inum;	/* 0x280 */
	uint32_t s_reserved[94];	/* 0x284 */
	uint32_t s_checksum;		/* 0x3fc: crc32c of 0..0x3fc */
};

CTASSERT(offsetof(struct ext2_sb, s_magic) == 0x38);
CTASSERT(offsetof(struct ext2_sb, s_first_ino) == 0x54);
CTASSERT(offsetof(struct ext2_sb, s_uuid) == 0x68);
CTASSERT(offsetof(struct ext2_sb, s_journal_inum) == 0xe0);
CTASSERT(offsetof(struct ext2_sb, s_hash_seed) == 0xec);
CTASSERT(offsetof(struct ext2_sb, s_desc_size) == 0xfe);
CTASSERT(offsetof(struct ext2_sb, s_blocks_count_hi) == 0x150);
CTASSERT(offsetof(struct ext2_sb, s_flags) == 0x160);
CTASSERT(offsetof(struct ext2_sb, s_mmp_block) == 0x168);
CTASSERT(offsetof(struct ext2_sb, s_log_groups_per_flex) == 0x174);
CTASSERT(offsetof(struct ext2_sb, s_first_error_block) == 0x1a0);
CTASSERT(offsetof(struct ext2_sb, s_backup_bgs) == 0x24c);
CTASSERT(offsetof(struct ext2_sb, s_checksum_seed) == 0x270);
CTASSERT(offsetof(struct ext2_sb, s_orphan_file_inum) == 0x280);
CTASSERT(offsetof(struct ext2_sb, s_checksum) == 0x3fc);
CTASSERT(sizeof(struct ext2_sb) == EXT2_SBSIZE);

/* s_state */
#define EXT2_VALID_FS		0x0001	/* unmounted cleanly */
#define EXT2_ERROR_FS		0x0002	/* errors detected */
#define EXT3_ORPHAN_FS		0x0004	/* orphans being recovered */

/* s_flags */
#define EXT2_FLAGS_SIGNED_HASH	 0x0001
#define EXT2_FLAGS_UNSIGNED_HASH 0x0002

/* s_creator_os */
#define EXT2_OS_HURD		1

/* Compatible features: ignorable by a reader and a writer. */
#define EXT2F_COMPAT_DIRPREALLOC	0x0001
#define EXT2F_COMPAT_IMAGIC_INODES	0x0002
#define EXT2F_COMPAT_HAS_JOURNAL	0x0004
#define EXT2F_COMPAT_EXT_ATTR		0x0008
#define EXT2F_COMPAT_RESIZE_INODE	0x0010
#define EXT2F_COMPAT_DIR_INDEX		0x0020
#define EXT2F_COMPAT_LAZY_BG		0x0040
#define EXT2F_COMPAT_EXCLUDE_BITMAP	0x0100
#define EXT2F_COMPAT_SPARSE_SUPER2	0x0200
#define EXT2F_COMPAT_FAST_COMMIT	0x0400
#define EXT2F_COMPAT_STABLE_INODES	0x0800
#define EXT2F_COMPAT_ORPHAN_FILE	0x1000

/* Incompatible features: a driver that does not know one must not mount. */
#define EXT2F_INCOMPAT_COMPRESSION	0x00001
#define EXT2F_INCOMPAT_FILETYPE		0x00002
#define EXT2F_INCOMPAT_RECOVER		0x00004	/* journal needs replay */
#define EXT2F_INCOMPAT_JOURNAL_DEV	0x00008
#define EXT2F_INCOMPAT_META_BG		0x00010
#define EXT2F_INCOMPAT_EXTENTS		0x00040
#define EXT2F_INCOMPAT_64BIT		0x00080
#define EXT2F_INCOMPAT_MMP		0x00100
#define EXT2F_INCOMPAT_FLEX_BG		0x00200
#define EXT2F_INCOMPAT_EA_INODE		0x00400
#define EXT2F_INCOMPAT_DIRDATA		0x01000
#define EXT2F_INCOMPAT_CSUM_SEED	0x02000
#define EXT2F_INCOMPAT_LARGEDIR		0x04000
#define EXT2F_INCOMPAT_INLINE_DATA	0x08000
#define EXT2F_INCOMPAT_ENCRYPT		0x10000
#define EXT2F_INCOMPAT_CASEFOLD		0x20000

/* Read-only compatible features: without knowing one, only read. */
#define EXT2F_ROCOMPAT_SPARSE_SUPER	0x00001
#define EXT2F_ROCOMPAT_LARGE_FILE	0x00002
#define EXT2F_ROCOMPAT_BTREE_DIR	0x00004
#define EXT2F_ROCOMPAT_HUGE_FILE	0x00008
#define EXT2F_ROCOMPAT_GDT_CSUM		0x00010
#define EXT2F_ROCOMPAT_DIR_NLINK	0x00020
#define EXT2F_ROCOMPAT_EXTRA_ISIZE	0x00040
#define EXT2F_ROCOMPAT_HAS_SNAPSHOT	0x00080
#define EXT2F_ROCOMPAT_QUOTA		0x00100
#define EXT2F_ROCOMPAT_BIGALLOC		0x00200
#define EXT2F_ROCOMPAT_METADATA_CSUM	0x00400
#define EXT2F_ROCOMPAT_REPLICA		0x00800
#define EXT2F_ROCOMPAT_READONLY		0x01000
#define EXT2F_ROCOMPAT_PROJECT		0x02000
#define EXT2F_ROCOMPAT_SHARED_BLOCKS	0x04000
#define EXT2F_ROCOMPAT_VERITY		0x08000
#define EXT2F_ROCOMPAT_ORPHAN_PRESENT	0x10000

/* What this driver reads (incompat) and writes (incompat, ro_compat). */
#define EXT2F_INCOMPAT_READ	(EXT2F_INCOMPAT_FILETYPE |		\
	EXT2F_INCOMPAT_RECOVER | EXT2F_INCOMPAT_META_BG |		\
	EXT2F_INCOMPAT_EXTENTS | EXT2F_INCOMPAT_64BIT |			\
	EXT2F_INCOMPAT_MMP | EXT2F_INCOMPAT_FLEX_BG |			\
	EXT2F_INCOMPAT_EA_INODE | EXT2F_INCOMPAT_CSUM_SEED |		\
	EXT2F_INCOMPAT_LARGEDIR | EXT2F_INCOMPAT_INLINE_DATA)
#define EXT2F_INCOMPAT_WRITE	(EXT2F_INCOMPAT_FILETYPE |		\
	EXT2F_INCOMPAT_META_BG | EXT2F_INCOMPAT_EXTENTS |		\
	EXT2F_INCOMPAT_64BIT | EXT2F_INCOMPAT_FLEX_BG |			\
	EXT2F_INCOMPAT_CSUM_SEED | EXT2F_INCOMPAT_LARGEDIR |		\
	EXT2F_INCOMPAT_INLINE_DATA)
#define EXT2F_ROCOMPAT_WRITE	(EXT2F_ROCOMPAT_SPARSE_SUPER |		\
	EXT2F_ROCOMPAT_LARGE_FILE | EXT2F_ROCOMPAT_HUGE_FILE |		\
	EXT2F_ROCOMPAT_GDT_CSUM | EXT2F_ROCOMPAT_DIR_NLINK |		\
	EXT2F_ROCOMPAT_EXTRA_ISIZE | EXT2F_ROCOMPAT_METADATA_CSUM)

/*
 * A block group descriptor: 32 bytes, or s_desc_size (at least 64) with
 * the 64bit feature, which adds the high halves.
 */
struct ext2_gd {
	uint32_t bg_block_bitmap_lo;	/* 0x00 */
	uint32_t bg_inode_bitmap_lo;	/* 0x04 */
	uint32_t bg_inode_table_lo;	/* 0x08 */
	uint16_t bg_free_blocks_count_lo; /* 0x0c */
	uint16_t bg_free_inodes_count_lo; /* 0x0e */
	uint16_t bg_used_dirs_count_lo;	/* 0x10 */
	uint16_t bg_flags;		/* 0x12: EXT2_BG_* */
	uint32_t bg_exclude_bitmap_lo;	/* 0x14 */
	uint16_t bg_block_bitmap_csum_lo; /* 0x18 */
	uint16_t bg_inode_bitmap_csum_lo; /* 0x1a */
	uint16_t bg_itable_unused_lo;	/* 0x1c: never used inodes at end */
	uint16_t bg_checksum;		/* 0x1e */
	/* 64bit only. */
	uint32_t bg_block_bitmap_hi;	/* 0x20 */
	uint32_t bg_inode_bitmap_hi;	/* 0x24 */
	uint32_t bg_inode_table_hi;	/* 0x28 */
	uint16_t bg_free_blocks_count_hi; /* 0x2c */
	uint16_t bg_free_inodes_count_hi; /* 0x2e */
	uint16_t bg_used_dirs_count_hi;	/* 0x30 */
	uint16_t bg_itable_unused_hi;	/* 0x32 */
	uint32_t bg_exclude_bitmap_hi;	/* 0x34 */
	uint16_t bg_block_bitmap_csum_hi; /* 0x38 */
	uint16_t bg_inode_bitmap_csum_hi; /* 0x3a */
	uint32_t bg_reserved;		/* 0x3c */
};

CTASSERT(offsetof(struct ext2_gd, bg_checksum) == 0x1e);
CTASSERT(offsetof(struct ext2_gd, bg_block_bitmap_hi) == 0x20);
CTASSERT(sizeof(struct ext2_gd) == 64);

#define EXT2_GD_MINSIZE		32
#define EXT2_GD_MINSIZE64	64
#define EXT2_GD_MAXSIZE		1024

/* bg_flags */
#define EXT2_BG_INODE_UNINIT	0x0001	/* inode bitmap not initialised */
#define EXT2_BG_BLOCK_UNINIT	0x0002	/* block bitmap not initialised */
#define EXT2_BG_INODE_ZEROED	0x0004	/* inode table zeroed */

/* s_checksum_type */
#define EXT2_CRC32C_CHKSUM	1

#endif /* !_KERN_FS_EXT2FS_EXT2FS_H_ */
