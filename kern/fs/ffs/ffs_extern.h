/*
 * ffs_extern.h: functions shared between the files of the FFS driver,
 * grouped by the file that defines them.
 */
#ifndef _KERN_FS_FFS_FFS_EXTERN_H_
#define _KERN_FS_FFS_FFS_EXTERN_H_

#include "../../sys/param.h"
#include "../../sys/mount.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"

struct buf;
struct cg;
struct fs;
struct inode;
struct ufs1_dinode;
struct ufs2_dinode;
struct ufsmount;
union ffs_dinode;

/*
 * A directory entry as the scanner hands it out: decoded, validated, its
 * name still in the directory block (not NUL-terminated).
 */
struct ffs_dent {
	off_t		de_off;		/* byte offset in the directory */
	uint32_t	de_ino;
	uint16_t	de_reclen;
	uint8_t		de_type;	/* DT_*; DT_UNKNOWN in the old format */
	uint16_t	de_namlen;	/* as stored; checked by the scanner */
	int		de_index;	/* 0 ".", 1 "..", 2 any later entry */
	const char	*de_name;
};

/* Callback of ffs_dirscan: 0 to go on, FFS_SCAN_STOP, or an error. */
typedef int (*ffs_dirscan_fn)(void *, const struct ffs_dent *);
#define FFS_SCAN_STOP	(-1)

/* ffs_bmap.c */
int	ffs_bmap_lbn(struct inode *, daddr_t, int64_t *, int *);
int	ffs_bmap(struct vnode *, daddr_t, daddr_t *, int *);

/* ffs_bswap.c */
uint16_t ffs_rd16(const void *, bool);
uint32_t ffs_rd32(const void *, bool);
uint64_t ffs_rd64(const void *, bool);
void	ffs_sb_swap(struct fs *);
void	ffs_cg_swap(struct cg *);
void	ffs_dinode1_swap(struct ufs1_dinode *);
void	ffs_dinode2_swap(struct ufs2_dinode *);
void	ffs_sb_decode(const void *, struct fs *, bool);
void	ffs_dinode_decode(const struct ufsmount *, const void *,
	    union ffs_dinode *);
int64_t	ffs_indir_get(const struct ufsmount *, const void *, uint32_t);
void	ffs_dirent_decode(const struct ufsmount *, const void *,
	    struct ffs_dent *);
void	ffs_symlink_target(const struct inode *, char *);

/* ffs_subr.c */
int	ffs_sb_magic(const void *, bool *, bool *);
void	ffs_sb_normalize(struct fs *);
int	ffs_sb_validate(const struct fs *, int64_t, uint64_t, char *, size_t);
uint64_t ffs_maxfilesize(const struct fs *);
int64_t	ffs_blksize(const struct fs *, uint64_t, daddr_t);
bool	ffs_blkok(const struct fs *, int64_t, int64_t);
uint32_t ffs_namehash(const char *, size_t);

/* ffs_inode.c */
int	ffs_inode_load(struct ufsmount *, ino_t, struct inode **);
void	ffs_inode_free(struct inode *);

/* ffs_lookup.c */
int	ffs_dirscan(struct inode *, off_t, ffs_dirscan_fn, void *);
int	ffs_lookup(struct vnode *, const char *, size_t, struct vnode **);
int	ffs_readdir(struct vnode *, struct uio *, bool *);
void	ffs_dirhash_free(struct inode *);

/* ffs_vnops.c */
extern const struct vnodeops ffs_vnodeops;
extern const struct vnodeops ffs_specops;

/* ffs_vfsops.c */
extern const struct vfsops ffs_vfsops;

#endif /* !_KERN_FS_FFS_FFS_EXTERN_H_ */
