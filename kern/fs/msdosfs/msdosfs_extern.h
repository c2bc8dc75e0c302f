/*
 * msdosfs_extern.h: functions shared between the files of the FAT
 * driver, grouped by the file that defines them, and the little-endian
 * decoders every file uses.
 */
#ifndef _KERN_FS_MSDOSFS_MSDOSFS_EXTERN_H_
#define _KERN_FS_MSDOSFS_MSDOSFS_EXTERN_H_

#include "../../sys/param.h"
#include "../../sys/mount.h"
#include "../../sys/uio.h"
#include "../../sys/vnode.h"

struct buf;
struct denode;
struct msdosfsmount;

static inline uint16_t
msdosfs_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t
msdosfs_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	    ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline void
msdosfs_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
msdosfs_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/*
 * A directory entry as the scanner hands it out: its short entry still
 * in the directory buffer, its name decoded.
 */
struct msdosfs_dent {
	uint32_t	de_first;	/* directory offset of its first slot */
	uint32_t	de_off;		/* directory offset of the short entry */
	uint32_t	de_nslots;	/* slots, long name ones included */
	uint64_t	de_devoff;	/* device offset of the short entry */
	const uint8_t	*de_raw;	/* the short entry, DE_SIZE bytes */
	const char	*de_name;	/* UTF-8, not NUL-terminated */
	size_t		de_namlen;
	const uint16_t	*de_lfn;	/* the long name, or NULL */
	size_t		de_lfnlen;	/* its UTF-16 units */
	int		de_dot;		/* 1 ".", 2 "..", else 0 */
};

/* Callback of msdosfs_dirscan: 0 to go on, MSDOSFS_SCAN_STOP, or an error. */
typedef int (*msdosfs_scan_fn)(void *, const struct msdosfs_dent *);
#define MSDOSFS_SCAN_STOP	(-1)

/* What msdosfs_sfn_make made of a name. */
#define SFN_PLAIN	0	/* an 8.3 name: no long name needed */
#define SFN_LONG	1	/* a basis name: a long name and a tail needed */

/* msdosfs_alloc.c */
int	msdosfs_fat_get(struct msdosfsmount *, uint32_t, uint32_t *);
int	msdosfs_fat_set(struct msdosfsmount *, uint32_t, uint32_t);
bool	msdosfs_fat_iseof(const struct msdosfsmount *, uint32_t);
int	msdosfs_clust_alloc(struct msdosfsmount *, uint32_t, uint32_t *);
int	msdosfs_chain_free(struct msdosfsmount *, uint32_t, bool);
int	msdosfs_fat_mirror(struct msdosfsmount *);
int	msdosfs_fat_countfree(struct msdosfsmount *, uint32_t *);
int	msdosfs_fat_getclean(struct msdosfsmount *, bool *);
int	msdosfs_fat_setclean(struct msdosfsmount *, bool);
int	msdosfs_fsinfo_write(struct msdosfsmount *);

/* msdosfs_bmap.c */
uint64_t msdosfs_cn2off(const struct msdosfsmount *, uint32_t);
int	msdosfs_map(struct denode *);
int	msdosfs_pcn(struct denode *, uint32_t, uint32_t *, uint32_t *);
int	msdosfs_addclust(struct denode *, uint32_t *);
void	msdosfs_ext_cut(struct denode *, uint32_t);
int	msdosfs_chain_cut(struct denode *, uint32_t);
int	msdosfs_bmap(struct vnode *, daddr_t, daddr_t *, int *);

/* msdosfs_conv.c */
int	msdosfs_utf8_to_utf16(const char *, size_t, uint16_t *, size_t *);
bool	msdosfs_utf16_to_utf8(const uint16_t *, size_t, char *, size_t,
	    size_t *);
uint16_t msdosfs_upcase(uint16_t);
uint32_t msdosfs_namehash(const uint16_t *, size_t);
bool	msdosfs_sfn_show(const uint8_t *, uint8_t, char *, size_t *);
bool	msdosfs_sfn_key(const uint16_t *, size_t, uint8_t *);
int	msdosfs_lfn_check(const uint16_t *, size_t);
int	msdosfs_sfn_make(const uint16_t *, size_t, uint8_t *, uint8_t *);
void	msdosfs_sfn_tail(const uint8_t *, uint32_t, uint8_t *);
void	msdosfs_sfn_hashed(const uint8_t *, const uint16_t *, size_t,
	    uint32_t, uint8_t *);
uint8_t	msdosfs_lfn_chksum(const uint8_t *);
void	msdosfs_unix2dos(struct msdosfsmount *, const struct ktimespec *,
	    uint16_t *, uint16_t *, uint8_t *);
void	msdosfs_dos2unix(struct msdosfsmount *, uint16_t, uint16_t,
	    uint8_t, struct ktimespec *);

/* msdosfs_newfs.c */
struct newfs_args;
int	msdosfs_newfs(struct vnode *, struct newfs_args *);

/* msdosfs_dirops.c */
int	msdosfs_direnter(struct denode *, const char *, size_t,
	    const uint8_t *, uint64_t *);
int	msdosfs_dirremove(struct denode *, const char *, size_t, ino_t);
int	msdosfs_dirinit(struct msdosfsmount *, uint32_t, const uint8_t *,
	    uint32_t);
int	msdosfs_dir_grow(struct denode *);
int	msdosfs_dirsetparent(struct denode *, uint32_t);
int	msdosfs_dirempty(struct denode *, bool *);

/* msdosfs_inode.c */
int	msdosfs_denode_load(struct msdosfsmount *, ino_t, struct denode **);
void	msdosfs_denode_free(struct denode *);
void	msdosfs_entry_encode(const struct denode *, uint8_t *);
int	msdosfs_update(struct denode *);
int	msdosfs_truncate(struct denode *, uint32_t);
int	msdosfs_entblk(struct msdosfsmount *, uint64_t, struct buf **,
	    uint8_t **);

/* msdosfs_lookup.c */
int	msdosfs_dirscan(struct denode *, uint32_t, msdosfs_scan_fn, void *,
	    uint32_t *);
int	msdosfs_dirblk(struct denode *, uint32_t, struct buf **, uint8_t **,
	    uint32_t *);
int	msdosfs_dir_find(struct denode *, const char *, size_t,
	    struct msdosfs_dent *);
int	msdosfs_index_get(struct denode *);
void	msdosfs_index_free(struct denode *);
void	msdosfs_index_add(struct denode *, const struct msdosfs_dent *);
void	msdosfs_index_remove(struct denode *, const struct msdosfs_dent *);
bool	msdosfs_index_hasshort(struct denode *, const uint8_t *);
int	msdosfs_index_room(struct denode *, uint32_t, uint32_t *);
bool	msdosfs_index_used(struct denode *, uint32_t, uint32_t);
int	msdosfs_dir_devoff(struct denode *, uint32_t, uint64_t *);
int	msdosfs_dirmap_set(struct msdosfsmount *, uint32_t, ino_t);
void	msdosfs_dirmap_clear(struct msdosfsmount *, uint32_t);
void	msdosfs_dirmap_free(struct msdosfsmount *);
int	msdosfs_lookup(struct vnode *, const char *, size_t, struct vnode **);
int	msdosfs_readdir(struct vnode *, struct uio *, bool *);

/* msdosfs_namei.c */
int	msdosfs_create(struct vnode *, const char *, size_t,
	    const struct vattr *, struct vnode **);
int	msdosfs_mkdir(struct vnode *, const char *, size_t,
	    const struct vattr *, struct vnode **);
int	msdosfs_symlink(struct vnode *, const char *, size_t,
	    const struct vattr *, const char *, struct vnode **);
int	msdosfs_link(struct vnode *, struct vnode *, const char *, size_t);
int	msdosfs_remove(struct vnode *, struct vnode *, const char *, size_t);
int	msdosfs_rmdir(struct vnode *, struct vnode *, const char *, size_t);
int	msdosfs_rename(struct vnode *, struct vnode *, const char *, size_t,
	    struct vnode *, struct vnode *, const char *, size_t);

/* msdosfs_subr.c */
int	msdosfs_bpb_parse(const uint8_t *, uint64_t, uint32_t,
	    struct msdosfsmount *, char *, size_t);
int	msdosfs_dirty_state(const uint8_t *, int);
void	msdosfs_modified(struct denode *, uint32_t);

/* msdosfs_vnops.c */
extern const struct vnodeops msdosfs_vnodeops;
extern const struct genfs_ops msdosfs_genfsops;

/* msdosfs_vfsops.c */
extern const struct vfsops msdosfs_vfsops;

#endif /* !_KERN_FS_MSDOSFS_MSDOSFS_EXTERN_H_ */
