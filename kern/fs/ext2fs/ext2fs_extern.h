/*
 * ext2fs_extern.h: functions shared between the files of the ext2fs
 * driver, grouped by the file that defines them.
 */
#ifndef _KERN_FS_EXT2FS_EXT2FS_EXTERN_H_
#define _KERN_FS_EXT2FS_EXT2FS_EXTERN_H_

#include "../../sys/param.h"
#include "../../sys/mount.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"

struct buf;
struct e2inode;
struct e2mount;
struct ext2_dx_tail;
struct ext2_gd;
struct ext2_sb;

/*
 * A directory entry as the scanner hands it out: decoded, validated, its
 * name still in the directory block (not NUL-terminated).
 */
struct e2_dent {
	off_t		de_off;		/* byte offset in the directory */
	uint32_t	de_ino;
	uint32_t	de_reclen;
	uint8_t		de_type;	/* DT_*; DT_UNKNOWN without filetype */
	uint8_t		de_namlen;
	int		de_index;	/* 0 ".", 1 "..", 2 any later entry */
	const char	*de_name;
};

/* A path through a directory's hash tree (ext2fs_dx_findleaf). */
struct e2_dxframe {
	uint64_t	df_lbn;		/* the index block */
	uint32_t	df_at;		/* entry followed */
	uint32_t	df_count;	/* entries in the block */
	uint32_t	df_countoff;	/* byte offset of count/limit */
};

struct e2_dxpath {
	int		dp_levels;	/* index blocks on the path */
	int		dp_version;	/* hash algorithm */
	uint32_t	dp_hash;	/* of the name looked for */
	uint64_t	dp_leaf;	/* leaf block found */
	struct e2_dxframe dp_frames[3];
};

/* Callback of ext2fs_dirscan: 0 to go on, E2_SCAN_STOP, or an error. */
typedef int (*e2_dirscan_fn)(void *, const struct e2_dent *);
#define E2_SCAN_STOP	(-1)

/* Times of an inode (ext2fs_din_gettime). */
#define E2T_ATIME	0
#define E2T_MTIME	1
#define E2T_CTIME	2
#define E2T_BIRTHTIME	3

/* ext2fs_balloc() flags. */
#define E2BA_METADATA	0x01	/* directory or symlink data: buffer cache */

/* ext2fs_inode_load() flags. */
#define E2IL_RESERVED	0x01	/* a reserved inode may be loaded */

/* What ext2fs_dir_readblk found. */
#define E2DB_LEAF	0	/* ordinary entries (usable bytes in *lenp) */
#define E2DB_DXROOT	1	/* htree root */
#define E2DB_DXNODE	2	/* htree interior node */

/* ext2fs_alloc.c */
int	ext2fs_gd_get(struct e2mount *, uint32_t, struct buf **,
	    struct ext2_gd **);
void	ext2fs_gd_put(struct e2mount *, uint32_t, struct buf *,
	    struct ext2_gd *, bool);
uint64_t ext2fs_gd_itable(const struct e2mount *, const struct ext2_gd *);
uint32_t ext2fs_gd_itable_unused(const struct e2mount *,
	    const struct ext2_gd *);
int	ext2fs_blkalloc(struct e2inode *, uint64_t, bool, uint64_t *);
int	ext2fs_blkfree(struct e2inode *, uint64_t, uint64_t);
int	ext2fs_blkfree_meta(struct e2mount *, uint64_t, uint64_t);
int	ext2fs_valloc(struct e2inode *, mode_t, ino_t *);
int	ext2fs_vfree(struct e2mount *, ino_t, mode_t);
int	ext2fs_flush_groups(struct e2mount *);
bool	ext2fs_blkok(const struct e2mount *, uint64_t, uint64_t);

/* ext2fs_bmap.c */
int	ext2fs_bmap_lbn(struct e2inode *, uint64_t, uint64_t *, uint32_t *);
int	ext2fs_bmap(struct vnode *, daddr_t, daddr_t *, int *);
int	ext2fs_balloc(struct e2inode *, off_t, size_t, int);
int	ext2fs_map_truncate(struct e2inode *, uint64_t);

/* ext2fs_bswap.c */
void	ext2fs_din_decode(struct e2inode *);
void	ext2fs_din_encode(struct e2inode *);
bool	ext2fs_din_gettime(const struct e2inode *, int, struct ktimespec *);
void	ext2fs_din_settime(struct e2inode *, int, const struct ktimespec *);
uint32_t ext2fs_din_block(const struct e2inode *, int);
void	ext2fs_din_setblock(struct e2inode *, int, uint32_t);
dev_t	ext2fs_din_rdev(const struct e2inode *);
void	ext2fs_din_setrdev(struct e2inode *, dev_t);
const uint8_t *ext2fs_din_iblock(const struct e2inode *);
uint8_t	*ext2fs_din_iblock_w(struct e2inode *);

/* ext2fs_csum.c */
uint32_t ext2fs_crc32c(uint32_t, const void *, size_t);
uint32_t ext2fs_csum_seed(const struct ext2_sb *);
uint32_t ext2fs_sb_csum(const struct ext2_sb *);
uint16_t ext2fs_gd_csum(const struct e2mount *, uint32_t, const void *);
uint32_t ext2fs_bitmap_csum(const struct e2mount *, const void *, uint32_t);
uint32_t ext2fs_inode_seed(const struct e2mount *, uint64_t, uint32_t);
uint32_t ext2fs_inode_csum(const struct e2mount *, uint32_t, const void *,
	    bool *);
bool	ext2fs_inode_csum_ok(const struct e2mount *, uint64_t, const void *);
void	ext2fs_inode_csum_set(const struct e2mount *, uint64_t, void *);
uint32_t ext2fs_extent_csum(uint32_t, const void *);
uint32_t ext2fs_dirblk_csum(uint32_t, const void *, uint32_t);
uint32_t ext2fs_dxnode_csum(uint32_t, const void *, uint32_t, uint32_t,
	    const struct ext2_dx_tail *);
uint32_t ext2fs_xattr_csum(const struct e2mount *, uint64_t, const void *);

/* ext2fs_dirops.c */
int	ext2fs_direnter(struct e2inode *, const char *, size_t, ino_t,
	    uint8_t);
int	ext2fs_dirremove(struct e2inode *, const char *, size_t, ino_t);
int	ext2fs_dirrewrite(struct e2inode *, const char *, size_t, ino_t,
	    uint8_t);
int	ext2fs_dirsetparent(struct e2inode *, ino_t);
int	ext2fs_dirinit(struct e2inode *, ino_t);
int	ext2fs_dirempty(struct e2inode *, bool *);
void	ext2fs_dirtail_set(struct e2inode *, uint8_t *);
uint8_t	ext2fs_dt_to_ft(uint8_t);
uint32_t ext2fs_dirblk_free(struct e2inode *, const uint8_t *, uint32_t);
int	ext2fs_dx_drop(struct e2inode *);

/* ext2fs_extents.c */
int	ext2fs_ext_check_root(struct e2inode *);
int	ext2fs_ext_lookup(struct e2inode *, uint64_t, uint64_t *, uint32_t *);
int	ext2fs_ext_alloc(struct e2inode *, uint64_t, bool, uint64_t *);
int	ext2fs_ext_truncate(struct e2inode *, uint64_t);
void	ext2fs_ext_init(struct e2inode *);

/* ext2fs_inode.c */
int	ext2fs_inode_load(struct e2mount *, ino_t, int, struct e2inode **);
void	ext2fs_inode_free(struct e2inode *);
void	ext2fs_itimes(struct e2inode *);
int	ext2fs_update(struct e2inode *);
void	ext2fs_imodified(struct e2inode *, uint32_t);
void	ext2fs_setsize(struct e2inode *, uint64_t);
void	ext2fs_addblocks(struct e2inode *, int64_t);
int	ext2fs_truncate(struct e2inode *, uint64_t);
int	ext2fs_inline_get(struct e2inode *, const uint8_t **, size_t *,
	    const uint8_t **, size_t *);
int	ext2fs_xattr_release(struct e2inode *);
uint64_t ext2fs_maxfilesize(const struct e2inode *);
int	ext2fs_inode_bad(struct e2mount *, ino_t, const char *);
int	ext2fs_inode_locate(struct e2mount *, ino_t, uint64_t *, uint32_t *);

/* ext2fs_journal.c */
int	ext2fs_journal_replay(struct e2mount *);
void	ext2fs_journal_free(struct e2mount *);
const void *ext2fs_journal_block(struct e2mount *, uint64_t);
int	ext2fs_bread(struct e2mount *, uint64_t, struct buf **);

/* ext2fs_lookup.c */
int	ext2fs_dirscan(struct e2inode *, off_t, e2_dirscan_fn, void *);
int	ext2fs_lookup(struct vnode *, const char *, size_t, struct vnode **);
int	ext2fs_readdir(struct vnode *, struct uio *, bool *);
int	ext2fs_dir_readblk(struct e2inode *, uint64_t, struct buf **,
	    uint32_t *, int *);
int	ext2fs_dir_find(struct e2inode *, const char *, size_t, uint32_t *,
	    off_t *);
int	ext2fs_dirent_check(struct e2inode *, const uint8_t *, uint32_t,
	    off_t, struct e2_dent *);
uint32_t ext2fs_reclen_get(const struct e2mount *, uint16_t);
void	ext2fs_reclen_set(const struct e2mount *, uint8_t *, uint32_t);
void	ext2fs_dirhash_free(struct e2inode *);
void	ext2fs_dirhash_add(struct e2inode *, const char *, size_t, off_t);
void	ext2fs_dirhash_remove(struct e2inode *, const char *, size_t, off_t);
void	ext2fs_dirhash_move(struct e2inode *, const char *, size_t, off_t,
	    off_t);
void	ext2fs_dirhash_setfree(struct e2inode *, uint32_t, uint32_t);
int64_t	ext2fs_dirhash_findfree(struct e2inode *, uint32_t);
bool	ext2fs_isindexed(const struct e2inode *);
int	ext2fs_dx_findleaf(struct e2inode *, const char *, size_t,
	    struct e2_dxpath *);
int	ext2fs_dir_bad(struct e2inode *, off_t, const char *);

/* ext2fs_namei.c */
int	ext2fs_create(struct vnode *, const char *, size_t,
	    const struct vattr *, struct vnode **);
int	ext2fs_mkdir(struct vnode *, const char *, size_t,
	    const struct vattr *, struct vnode **);
int	ext2fs_symlink(struct vnode *, const char *, size_t,
	    const struct vattr *, const char *, struct vnode **);
int	ext2fs_link(struct vnode *, struct vnode *, const char *, size_t);
int	ext2fs_remove(struct vnode *, struct vnode *, const char *, size_t);
int	ext2fs_rmdir(struct vnode *, struct vnode *, const char *, size_t);
int	ext2fs_rename(struct vnode *, struct vnode *, const char *, size_t,
	    struct vnode *, struct vnode *, const char *, size_t);

/* ext2fs_subr.c */
int	ext2fs_sb_validate(const struct ext2_sb *, uint64_t, struct e2mount *,
	    char *, size_t);
void	ext2fs_featnames(bool, uint32_t, char *, size_t);
bool	ext2fs_bg_has_super(const struct e2mount *, uint32_t);
uint64_t ext2fs_group_first(const struct e2mount *, uint32_t);
uint32_t ext2fs_group_nblocks(const struct e2mount *, uint32_t);
uint64_t ext2fs_gdt_block(const struct e2mount *, uint32_t);
uint32_t ext2fs_group_overhead(const struct e2mount *, uint32_t);
int	ext2fs_dirhash(const struct e2mount *, int, const char *, size_t,
	    uint32_t *, uint32_t *);
uint32_t ext2fs_newgen(uint64_t, uint32_t);

/* ext2fs_vnops.c */
extern const struct vnodeops ext2fs_vnodeops;
extern const struct vnodeops ext2fs_specops;
extern const struct genfs_ops ext2fs_genfsops;

/* ext2fs_vfsops.c */
extern const struct vfsops ext2fs_vfsops;

/* ext2fs_newfs.c */
struct newfs_args;
int	ext2fs_newfs(struct vnode *, struct newfs_args *);

#endif /* !_KERN_FS_EXT2FS_EXT2FS_EXTERN_H_ */
