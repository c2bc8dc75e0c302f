/*
 * denode.h: in-core state of the FAT driver: the mount (msdosfsmount)
 * and the node behind each vnode (denode).
 *
 * An msdosfsmount lives from a successful vfs_mount to vfs_unmount.  It
 * holds the volume's geometry, derived once from the boot sector and
 * checked (msdosfs_bpb_parse), the mount options, and for read-write
 * mounts the free-cluster count, the next-free hint and a map of which
 * blocks of the first FAT changed (they are copied into the other FATs
 * at sync).
 *
 * File numbers.  A FAT file has no inode: a denode is keyed by where its
 * short directory entry is, the entry's byte offset on the volume divided
 * by 32, which no two files share and which loadvnode can read back.
 * The root, which has no entry, is MSDOSFS_ROOTINO.  A directory reached
 * through a child's ".." (which names only its first cluster) is found
 * through pm_dirmap, a map from first cluster to key that every loaded or
 * created directory enters, or else by searching the grandparent.  A
 * rename moves the entry and the vnode is rekeyed; a removed file still
 * open gets a key of its own (MSDOSFS_ORPHAN bit) until it is freed.
 *
 * A denode lives from vfs_loadvnode to VOP_RECLAIM.  It keeps the fields
 * of its entry, and the cluster chain as a list of extents (runs of
 * consecutive clusters), built by walking the FAT once (checked: no
 * loop, no cluster outside the volume, as long as the size needs) and
 * kept in step by allocation and truncation, so mapping a file offset is
 * a binary search.  A directory keeps an index of its names
 * (msdosfs_lookup.c) from its first lookup until the denode goes.
 */
#ifndef _KERN_FS_MSDOSFS_DENODE_H_
#define _KERN_FS_MSDOSFS_DENODE_H_

#include "../../sys/param.h"
#include "../../sys/mount.h"
#include "../../sys/vnode.h"

#define MSDOSFS_ROOTINO		1
#define MSDOSFS_ORPHAN		(1ULL << 62)	/* keys of removed files */

struct msdosfs_dirindex;
struct msdosfs_dirmap;

struct msdosfsmount {
	struct mount	*pm_mountp;
	struct vnode	*pm_devvp;
	char		pm_devname[64];	/* for messages */

	/* Geometry, checked at mount; byte offsets on the device. */
	uint32_t	pm_bps;		/* bytes per sector */
	uint32_t	pm_csize;	/* bytes per cluster */
	int		pm_cshift;	/* log2(pm_csize) */
	int		pm_fattype;	/* 12, 16 or 32 */
	uint32_t	pm_fatmask;	/* FAT12_MASK, ... */
	uint32_t	pm_nfats;
	uint64_t	pm_fatoff;	/* first FAT */
	uint64_t	pm_fatsize;	/* bytes of one FAT */
	uint64_t	pm_fatused;	/* bytes of it that hold entries */
	uint32_t	pm_fatblk;	/* bytes per FAT buffer */
	uint32_t	pm_activefat;	/* the FAT read (mirroring off) */
	bool		pm_mirror;	/* all FATs are kept alike */
	uint64_t	pm_rootoff;	/* FAT12/16: the root directory */
	uint32_t	pm_rootsize;	/* its bytes */
	uint32_t	pm_rootclust;	/* FAT32: its first cluster */
	uint64_t	pm_dataoff;	/* cluster 2 */
	uint32_t	pm_ncluster;	/* data clusters */
	uint32_t	pm_maxclust;	/* the last: pm_ncluster + 1 */
	uint32_t	pm_fsinfo;	/* FSInfo sector, 0 for none or bad */
	uint8_t		pm_media;

	/* Mount options. */
	uid_t		pm_uid;
	gid_t		pm_gid;
	mode_t		pm_mask;	/* permissions of files */
	mode_t		pm_dirmask;	/* permissions of directories */
	bool		pm_gmtoff_set;	/* times are UTC + pm_gmtoff, */
	int32_t		pm_gmtoff;	/* else the host's local time */

	/* State. */
	bool		pm_rdonly;
	bool		pm_unclean;	/* not released cleanly last time */
	bool		pm_wrerror;	/* writing back failed: leave dirty */
	bool		pm_fmod;	/* FSInfo to write */
	uint64_t	pm_blkerrors;	/* device's failed requests at mount */
	uint32_t	pm_freecount;	/* free clusters; UINT32_MAX unknown */
	uint32_t	pm_nxtfree;	/* where the next search starts */
	uint8_t		*pm_fatdirty;	/* blocks of FAT 0 to copy, a bit each */
	uint32_t	pm_nfatblks;
	uint64_t	pm_orphans;	/* keys handed to removed files */
	struct msdosfs_dirmap *pm_dirmap;
};

#define VFSTOMSDOSFS(mp)	((struct msdosfsmount *)(mp)->mnt_data)

/* A run of clusters of a chain: lcn ex_lcn is cluster ex_pcn, and so on. */
struct msdosfs_ext {
	uint32_t	ex_lcn;
	uint32_t	ex_pcn;
	uint32_t	ex_len;
};

struct denode {
	struct vnode	*de_vnode;
	struct msdosfsmount *de_pmp;
	ino_t		de_key;		/* as above */
	uint64_t	de_entoff;	/* device offset of the short entry */
	uint32_t	de_flag;	/* DE_* */

	/* From the short entry. */
	uint8_t		de_attr;	/* ATTR_* */
	uint8_t		de_ctenth;
	uint16_t	de_ctime, de_cdate, de_adate, de_mtime, de_mdate;
	uint32_t	de_start;	/* first cluster, 0 for none */
	uint32_t	de_size;	/* bytes; directories: of the chain */

	/* The chain as extents, lcn 0 .. de_nclust - 1. */
	struct msdosfs_ext *de_ext;
	uint32_t	de_next;	/* extents used */
	uint32_t	de_extcap;	/* extents allocated */
	uint32_t	de_nclust;	/* clusters mapped */

	struct msdosfs_dirindex *de_index;	/* directories, or NULL */
};

/* de_flag */
#define DE_ROOT		0x0001		/* the root directory */
#define DE_FIXEDROOT	0x0002		/* FAT12/16 root: no clusters */
#define DE_MAPPED	0x0004		/* de_ext holds the chain */
#define DE_MODIFIED	0x0008		/* the entry must be written */
#define DE_UPDATE	0x0010		/* set the write time */
#define DE_ACCESS	0x0020		/* set the access date */
#define DE_REMOVED	0x0040		/* no entry any more: free at inactive */
#define DE_EXCESS	0x0080		/* the chain is longer than the size */

#define VTODE(vp)	((struct denode *)(vp)->v_data)
#define DETOV(dep)	((dep)->de_vnode)

#endif /* !_KERN_FS_MSDOSFS_DENODE_H_ */
