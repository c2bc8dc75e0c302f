/*
 * rootfs.h: in-core nodes of the root file system.
 */
#ifndef _KERN_FS_ROOTFS_ROOTFS_H_
#define _KERN_FS_ROOTFS_ROOTFS_H_

#include "../../sys/param.h"
#include "../../sys/queue.h"
#include "../../sys/vnode.h"

struct blkdev;

struct rootfs_dirent {
	TAILQ_ENTRY(rootfs_dirent) rd_entries;
	struct rootfs_node *rd_node;
	uint16_t	rd_namelen;
	char		rd_name[];
};

struct rootfs_node {
	LIST_ENTRY(rootfs_node) rn_hash;	/* by rn_ino */
	ino_t		rn_ino;
	enum vtype	rn_type;
	mode_t		rn_mode;		/* permission bits */
	nlink_t		rn_nlink;
	uid_t		rn_uid;
	gid_t		rn_gid;
	uint32_t	rn_flags;
	dev_t		rn_rdev;
	uint32_t	rn_gen;
	struct ktimespec rn_atime, rn_mtime, rn_ctime, rn_birthtime;
	struct vnode	*rn_vnode;		/* while loaded */
	/* VDIR */
	struct rootfs_node *rn_parent;
	TAILQ_HEAD(, rootfs_dirent) rn_dir;
	uint32_t	rn_nentries;
	/* VREG: data in memory, or a host file (etfs) */
	uint8_t		*rn_data;
	size_t		rn_size;
	size_t		rn_cap;
	struct blkdev	*rn_etfs;
	/* VLNK */
	char		*rn_target;
};

#define VTORN(vp)	((struct rootfs_node *)(vp)->v_data)

int	rootfs_etfs_attach(struct vnode *, struct blkdev *);

#endif /* !_KERN_FS_ROOTFS_ROOTFS_H_ */
