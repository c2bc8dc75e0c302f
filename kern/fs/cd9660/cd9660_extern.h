/*
 * cd9660_extern.h: in-core state of the ISO 9660 driver (read-only) and
 * the functions its files share.
 *
 * File numbers.  A file is keyed by the byte offset on the volume of a
 * directory record that describes it, which loadvnode reads back:
 *   - a directory by the offset of its own "." record, that is its first
 *     sector times 2048, so the number is the same whether it is reached
 *     through its parent, its own "." or a child's ".." (and, for a Rock
 *     Ridge relocated directory, through the CL entry that stands for it);
 *   - anything else by the offset of its (first) record in its parent.
 * A "." record is always the first record of a directory's extent, so the
 * two kinds never collide.  Numbers are stable for as long as the image
 * does not change.
 */
#ifndef _KERN_FS_CD9660_EXTERN_H_
#define _KERN_FS_CD9660_EXTERN_H_

#include "../../sys/param.h"
#include "../../sys/ktypes.h"
#include "../../sys/vnode.h"

struct buf;
struct mount;
struct uio;

#define CD9660_MAXEXT	4096	/* extents of one multi-extent file */
#define CD9660_MAXCE	16	/* continuation areas of one record */

struct iso_mnt {
	struct vnode	*im_devvp;
	struct mount	*im_mountp;
	char		im_devname[64];
	uint64_t	im_nsec;	/* sectors readable: volume and device */
	uint32_t	im_volsize;	/* sectors the volume says it has */
	uint32_t	im_rootext;	/* root directory's first sector */
	uint32_t	im_rootsize;
	bool		im_rr;		/* Rock Ridge in use */
	uint8_t		im_rrskip;	/* SP's bytes skipped per area */
	bool		im_joliet;	/* Joliet tree in use (no Rock Ridge) */
	uint32_t	im_jext;	/* Joliet root directory */
	uint32_t	im_jsize;
};

struct iso_extent {
	uint32_t	ie_start;	/* first sector of the data */
	uint64_t	ie_len;		/* bytes */
};

/* What a directory record (and its Rock Ridge entries) says. */
struct iso_rec {
	uint64_t	ir_devoff;	/* where the record is */
	uint32_t	ir_extent;	/* data: first sector (XAR skipped) */
	uint32_t	ir_size;
	uint8_t		ir_flags;
	bool		ir_interleaved;
	enum vtype	ir_type;
	mode_t		ir_mode;	/* permission bits */
	nlink_t		ir_nlink;
	uid_t		ir_uid;
	gid_t		ir_gid;
	dev_t		ir_rdev;
	struct ktimespec ir_mtime, ir_atime, ir_ctime, ir_btime;
	bool		ir_relocated;	/* RE: shown only through its CL */
	uint32_t	ir_cl;		/* CL: the directory's sector, or 0 */
	uint32_t	ir_pl;		/* PL: the real parent's sector, or 0 */
	char		ir_name[NAME_MAX + 1];
	size_t		ir_namelen;
	char		*ir_link;	/* SL target, kmem_strndup'd, or NULL */
	size_t		ir_linklen;
};

struct iso_node {
	struct iso_mnt	*i_mnt;
	struct vnode	*i_vnode;
	ino_t		i_key;
	struct iso_rec	i_rec;		/* of the first record */
	uint64_t	i_size;		/* of all extents */
	struct iso_extent *i_ext;
	uint32_t	i_next;
};

#define VFSTOISO(mp)	((struct iso_mnt *)(mp)->mnt_data)
#define VTOI(vp)	((struct iso_node *)(vp)->v_data)

/* cd9660_subr.c */
uint32_t cd9660_rd32(const uint8_t *);
uint16_t cd9660_rd16(const uint8_t *);
int	cd9660_both32(const uint8_t *, uint32_t *);
void	cd9660_time7(const uint8_t *, struct ktimespec *);
void	cd9660_time17(const uint8_t *, struct ktimespec *);
size_t	cd9660_isoname(const uint8_t *, size_t, bool, char *);
size_t	cd9660_jolietname(const uint8_t *, size_t, char *);
int	cd9660_bad(struct iso_mnt *, uint64_t, const char *);
int	cd9660_bread(struct iso_mnt *, uint64_t, struct buf **);

/* cd9660_rrip.c */
int	cd9660_rrip(struct iso_mnt *, const uint8_t *, size_t, struct iso_rec *,
	    bool);
int	cd9660_rrip_sp(const uint8_t *, size_t, uint8_t *);

/* cd9660_inode.c */
int	cd9660_rec_parse(struct iso_mnt *, const uint8_t *, size_t, uint64_t,
	    struct iso_rec *, bool);
void	cd9660_rec_free(struct iso_rec *);
int	cd9660_node_load(struct iso_mnt *, ino_t, struct iso_node **);
void	cd9660_node_free(struct iso_node *);
ino_t	cd9660_rec_key(const struct iso_rec *);

/* cd9660_lookup.c */
int	cd9660_lookup(struct vnode *, const char *, size_t, struct vnode **);
int	cd9660_readdir(struct vnode *, struct uio *, bool *);

/* cd9660_bmap.c */
int	cd9660_bmap(struct vnode *, daddr_t, daddr_t *, int *);

extern const struct vnodeops cd9660_vnodeops;

#endif /* !_KERN_FS_CD9660_EXTERN_H_ */
