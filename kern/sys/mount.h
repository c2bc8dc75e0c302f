/*
 * mount.h: mounted file systems and the file system switch.
 *
 * A file system type registers a struct vfsops (vfs_init.c).  Mounting
 * (vfs_mount.c) opens the device vnode's block device, asks the type's
 * vfs_mount to read and check its superblock, and attaches the new mount
 * on top of a directory vnode (v_mountedhere).  When no type is given,
 * every registered type's vfs_probe is tried in turn on the device and the
 * first that recognises it is used.
 *
 * vfs_loadvnode(mp, vp, ino) is called by the vnode cache to fill a fresh
 * vnode for inode ino: v_type, v_op, v_gop, v_data and v_size; it fails
 * with an error (ENOENT for a free inode, EIO/EFTYPE for a corrupt one)
 * and the cache then frees the vnode.
 *
 * The clean flag is the VFS's business, the same for every file system
 * (vfs_mount.c): a file system with a flag that says "consistent, no
 * check needed" provides vfs_setclean(mp, clean), which writes that flag
 * (through the buffer cache) and nothing else, and reports what the
 * flag said at mount by refusing a read-write mount of a file system
 * that is not clean.  vfs_sync writes everything else the file system
 * keeps in memory; vfs_unmount only frees the file system's state.
 */
#ifndef _KERN_SYS_MOUNT_H_
#define _KERN_SYS_MOUNT_H_

#include "param.h"
#include "queue.h"

struct kstatvfs;
struct mount;
struct vnode;

struct vnodeops;
struct fsck_args;

/*
 * vfs_fsck (may be NULL): check and repair the file system on an opened
 * device that is not mounted (sys/fsck.h).
 */
struct vfsops {
	const char	*vfs_name;
	const struct vnodeops *const *vfs_opv;	/* NULL-terminated */
	int	(*vfs_probe)(struct vnode *);
	int	(*vfs_mount)(struct mount *, struct vnode *, const char *);
	int	(*vfs_unmount)(struct mount *, int);
	int	(*vfs_root)(struct mount *, struct vnode **);
	int	(*vfs_statvfs)(struct mount *, struct kstatvfs *);
	int	(*vfs_sync)(struct mount *, int);
	int	(*vfs_loadvnode)(struct mount *, struct vnode *, ino_t);
	int	(*vfs_fsck)(struct vnode *, struct fsck_args *);
	int	(*vfs_setclean)(struct mount *, bool);	/* may be NULL */
};

struct mount {
	const struct vfsops *mnt_op;
	struct vnode	*mnt_vnodecovered;	/* directory mounted on */
	struct vnode	*mnt_devvp;		/* device, or NULL */
	void		*mnt_data;		/* file system's private data */
	int		mnt_flag;		/* MNT_* */
	int		mnt_bshift;		/* log2 of VOP_BMAP block size */
	int		mnt_wrerror;		/* data lost at write-back */
	bool		mnt_damaged;		/* left inconsistent by an error */
	uint64_t	mnt_blkerrors;		/* device's failed requests */
	uint32_t	mnt_bufrefused;		/* devvp's v_bufrefused */
	uint64_t	mnt_fsid;
	TAILQ_HEAD(, vnode) mnt_vnodes;		/* every vnode of this mount */
	TAILQ_ENTRY(mount) mnt_list;
	char		mnt_fromname[64];	/* device path */
	char		mnt_onname[MAXPATHLEN];	/* mount point path */
};

/* mnt_flag */
#define MNT_RDONLY	0x0001	/* read-only */
#define MNT_NOATIME	0x0002	/* do not update access times */
#define MNT_SYNCHRONOUS	0x0004	/* write everything synchronously */
#define MNT_FORCE	0x0100	/* unmount: even with files in use */

/* vfs_sync() waitfor */
#define MNT_WAIT	1
#define MNT_NOWAIT	2

extern struct vnode *rootvnode;	/* root of the kernel's namespace */

int	vfs_register(const struct vfsops *);
const struct vfsops *vfs_getopsbyname(const char *);
int	vfs_gettype(int, const struct vfsops **);
bool	vfs_vnodeops_complete(const struct vnodeops *);
int	vfs_init(void);
void	vfs_fini(void);
int	vfs_mount_at(struct vnode *, struct vnode *, const char *, int,
	    const char *, struct mount **);
int	vfs_unmount(struct mount *, int);
int	vfs_sync(struct mount *);
int	vfs_syncall(void);
void	vfs_unmountall(void);
int	vfs_probe(struct vnode *, const struct vfsops **);
int	vfs_fsck(struct vnode *, const char *, struct fsck_args *);
void	vfs_mountlist_add(struct mount *);
void	vfs_mountlist_remove(struct mount *);
void	vfs_damaged(struct mount *);

#endif /* !_KERN_SYS_MOUNT_H_ */
