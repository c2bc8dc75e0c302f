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
#include "fs.h"

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

/* ffs_balloc() flags. */
#define BA_METADATA	0x01	/* directory or symlink data: buffer cache */

/* ffs_alloc.c */
int	ffs_alloc(struct inode *, int64_t, int, int64_t *);
int	ffs_realloccg(struct inode *, int64_t, int64_t, int, int, bool,
	    int64_t *);
int	ffs_blkfree(struct inode *, int64_t, int);
int	ffs_valloc(struct inode *, mode_t, ino_t *);
int	ffs_vfree(struct ufsmount *, ino_t, mode_t);
int64_t	ffs_blkpref(const struct inode *, int64_t);

/* ffs_balloc.c */
int	ffs_balloc(struct inode *, off_t, size_t, int);

/* ffs_bmap.c */
int	ffs_bmap_lbn(struct inode *, daddr_t, int64_t *, int *);
int	ffs_bmap(struct vnode *, daddr_t, daddr_t *, int *);

/* ffs_bswap.c */
uint16_t ffs_rd16(const void *, bool);
uint32_t ffs_rd32(const void *, bool);
uint64_t ffs_rd64(const void *, bool);
void	ffs_wr16(void *, uint16_t, bool);
void	ffs_wr32(void *, uint32_t, bool);
void	ffs_wr64(void *, uint64_t, bool);
void	ffs_indir_set(const struct ufsmount *, void *, uint32_t, int64_t);
void	ffs_dinode_encode(const struct ufsmount *, const union ffs_dinode *,
	    void *);
void	ffs_symlink_store(struct inode *, const char *, size_t);
void	ffs_sb_swap(struct fs *);
void	ffs_cg_swap(struct cg *);
const char *ffs_cg_check(const struct ufsmount *, uint32_t,
	    const struct cg *);
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
int	ffs_sb_validate_rw(const struct fs *, int64_t, char *, size_t);
uint64_t ffs_maxfilesize(const struct fs *);
int64_t	ffs_blksize(const struct fs *, uint64_t, daddr_t);
bool	ffs_blkok(const struct fs *, int64_t, int64_t);
uint32_t ffs_namehash(const char *, size_t);
uint32_t ffs_newgen(uint64_t, uint32_t);
int	ffs_corrupt(struct ufsmount *, const char *, ...) __printflike(2, 3);

/* ffs_dirops.c */
uint32_t ffs_chunk_free(const struct ufsmount *, const uint8_t *);
int	ffs_direnter(struct inode *, const char *, size_t, ino_t, uint8_t);
int	ffs_dirremove(struct inode *, const char *, size_t, ino_t);
int	ffs_dirrewrite(struct inode *, const char *, size_t, ino_t, uint8_t);
int	ffs_dirsetparent(struct inode *, ino_t);
int	ffs_dirinit(struct inode *, ino_t);
int	ffs_dirempty(struct inode *, bool *);

/* ffs_fsck.c */
struct fsck_args;
int	ffs_fsck(struct vnode *, struct fsck_args *);

/* ffs_vfsops.c */
int	ffs_ump_create(struct vnode *, struct ufsmount **);
void	ffs_ump_free(struct ufsmount *);
int	ffs_csum_read(struct ufsmount *);
int	ffs_sbupdate(struct ufsmount *, bool);

/* ffs_inode.c */
int	ffs_inode_load(struct ufsmount *, ino_t, struct inode **);
void	ffs_inode_free(struct inode *);
void	ffs_itimes(struct inode *);
int	ffs_update(struct inode *);
void	ffs_imodified(struct inode *, uint32_t);
int	ffs_truncate(struct inode *, uint64_t);

/* ffs_lookup.c */
int	ffs_dirscan(struct inode *, off_t, ffs_dirscan_fn, void *);
int	ffs_lookup(struct vnode *, const char *, size_t, struct vnode **);
int	ffs_readdir(struct vnode *, struct uio *, bool *);
int	ffs_dir_readblk(struct inode *, daddr_t, struct buf **, int64_t *);
int	ffs_dir_find(struct inode *, const char *, size_t, uint32_t *,
	    off_t *);
void	ffs_dirhash_free(struct inode *);
void	ffs_dirhash_add(struct inode *, const char *, size_t, off_t);
void	ffs_dirhash_remove(struct inode *, const char *, size_t, off_t);
void	ffs_dirhash_move(struct inode *, const char *, size_t, off_t, off_t);
void	ffs_dirhash_setfree(struct inode *, uint32_t, uint32_t);
int64_t	ffs_dirhash_findfree(struct inode *, uint32_t);

/* ffs_namei.c */
int	ffs_create(struct vnode *, const char *, size_t, const struct vattr *,
	    struct vnode **);
int	ffs_mkdir(struct vnode *, const char *, size_t, const struct vattr *,
	    struct vnode **);
int	ffs_symlink(struct vnode *, const char *, size_t, const struct vattr *,
	    const char *, struct vnode **);
int	ffs_link(struct vnode *, struct vnode *, const char *, size_t);
int	ffs_remove(struct vnode *, struct vnode *, const char *, size_t);
int	ffs_rmdir(struct vnode *, struct vnode *, const char *, size_t);
int	ffs_rename(struct vnode *, struct vnode *, const char *, size_t,
	    struct vnode *, struct vnode *, const char *, size_t);

/* ffs_newfs.c: what the options ask for, and the layout made from it. */
struct newfs_args;

struct ffs_nfparams {
	int64_t		np_format;	/* 1 or 2 */
	int64_t		np_bsize;	/* 0: default for the size */
	int64_t		np_fsize;	/* 0: default */
	int64_t		np_density;	/* bytes per inode; 0: 4 * fsize */
	int64_t		np_inodes;	/* at least this many; 0: density */
	int64_t		np_minfree;	/* percent; -1: default */
	int64_t		np_optim;	/* 0 time, 1 space, -1 default */
	bool		np_swap;	/* not the host's byte order */
	char		np_label[MAXVOLLEN];
};

struct ffs_nfgeom {
	bool		g_ufs2;
	bool		g_quiet;	/* no messages */
	int32_t		g_bsize, g_fsize, g_frag, g_inopb, g_contig;
	int32_t		g_cgsize;
	int64_t		g_density;
	int64_t		g_sbloc;	/* byte offset of the superblock */
	int64_t		g_sblkno, g_cblkno, g_iblkno, g_dblkno;
	int64_t		g_nfrags;	/* fs_size */
	int64_t		g_ncg, g_fpg, g_ipg;
	int64_t		g_cssize, g_csfrags;
	int64_t		g_dsize;
};

int	ffs_newfs_geom(const struct ffs_nfparams *, uint64_t, int64_t, bool,
	    struct ffs_nfgeom *);
int	ffs_newfs(struct vnode *, struct newfs_args *);

/* ffs_fit.c */
int	ffs_fit(struct ffs_nfparams *, struct newfs_args *, int64_t *);

/* ffs_vnops.c */
extern const struct vnodeops ffs_vnodeops;
extern const struct vnodeops ffs_specops;
extern const struct genfs_ops ffs_genfsops;

/* ffs_vfsops.c */
extern const struct vfsops ffs_vfsops;

#endif /* !_KERN_FS_FFS_FFS_EXTERN_H_ */
