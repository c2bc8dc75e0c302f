/*
 * sys.h: the kernel's system-call layer, the only kernel interface libukfs
 * uses.  It includes nothing but ktypes.h, so host code can include it
 * beside its own headers: every type and constant here has a k or K prefix.
 *
 * Conventions: every call returns 0 or a kernel error number (lib/
 * hyp_errno.h numbering); results come back through pointers.  Each call
 * takes the kernel lock for its duration, so calls from several threads
 * are serialised.  Paths are resolved in the given process's root and
 * current directory.
 */
#ifndef _KERN_SYS_H_
#define _KERN_SYS_H_

#include "sys/ktypes.h"

struct kproc;

/* Open flags (BSD values). */
#define KO_RDONLY	0x00000000
#define KO_WRONLY	0x00000001
#define KO_RDWR		0x00000002
#define KO_ACCMODE	0x00000003
#define KO_APPEND	0x00000008
#define KO_NOFOLLOW	0x00000100
#define KO_CREAT	0x00000200
#define KO_TRUNC	0x00000400
#define KO_EXCL		0x00000800
#define KO_DIRECTORY	0x00200000

/* lseek whence. */
#define KSEEK_SET	0
#define KSEEK_CUR	1
#define KSEEK_END	2
#define KSEEK_DATA	3	/* the next byte of data at or after off */
#define KSEEK_HOLE	4	/* the next hole (or end of file) from off */

/* Time values for ksys_utimens. */
#define KUTIME_NOW	((int32_t)((1 << 30) - 1))
#define KUTIME_OMIT	((int32_t)((1 << 30) - 2))

/* Flags for calls that may or may not follow a final symbolic link. */
#define KAT_SYMLINK_NOFOLLOW	0x01

struct kstat {
	uint64_t	st_dev;
	uint64_t	st_ino;
	uint32_t	st_mode;	/* S_IF* type and permission bits */
	uint32_t	st_nlink;
	uint32_t	st_uid;
	uint32_t	st_gid;
	uint64_t	st_rdev;	/* BSD encoding: major 12, minor 20 */
	int64_t		st_size;
	int64_t		st_blocks;	/* 512-byte units */
	uint32_t	st_blksize;
	uint32_t	st_flags;	/* chflags(2) flags */
	uint32_t	st_gen;
	struct ktimespec st_atim;
	struct ktimespec st_mtim;
	struct ktimespec st_ctim;
	struct ktimespec st_birthtim;
};

struct kstatvfs {
	uint32_t	f_bsize;	/* block size */
	uint32_t	f_frsize;	/* fragment size */
	uint32_t	f_iosize;	/* preferred I/O size */
	uint64_t	f_blocks;	/* in f_frsize units */
	uint64_t	f_bfree;
	uint64_t	f_bavail;
	uint64_t	f_files;
	uint64_t	f_ffree;
	uint64_t	f_favail;
	uint64_t	f_fsid;
	uint32_t	f_flag;		/* KST_RDONLY */
	uint32_t	f_namemax;
	char		f_fstypename[32];
	char		f_mntonname[256];
	char		f_mntfromname[256];
};
#define KST_RDONLY	0x01

/*
 * Directory entries as ksys_getdents returns them: records of d_reclen
 * bytes (a multiple of 8), the name NUL-terminated.
 */
struct kdirent {
	uint64_t	d_fileno;
	uint16_t	d_reclen;
	uint16_t	d_namlen;
	uint8_t		d_type;		/* DT_* (BSD values) */
	char		d_name[];	/* d_namlen bytes and a NUL */
};
#define KDIRENT_HDRSIZE		13
#define KDIRENT_RECLEN(namlen)	(((KDIRENT_HDRSIZE + (namlen) + 1) + 7) & ~7)

/* A partition of an image, as ksys_disk_partitions reports it. */
struct kpartinfo {
	char		kp_name[24];	/* what -p takes: "3", "e" */
	char		kp_scheme[12];	/* "mbr", "gpt", "disklabel" */
	char		kp_type[32];	/* partition type, human readable */
	char		kp_fstype[16];	/* file system found, or "" */
	char		kp_label[72];	/* GPT partition name */
	uint64_t	kp_offset;	/* bytes */
	uint64_t	kp_size;
};

/* ksys_disk_attach flags. */
#define KDISK_RDONLY	0x01
#define KDISK_LOCK	0x02	/* advisory lock on the image file */
#define KDISK_LOCKWAIT	0x04	/* wait for that lock */
#define KDISK_NOMMAP	0x08	/* pread/pwrite only */
#define KDISK_VERBOSE	0x10	/* print statistics at detach */
#define KDISK_NOJOURNAL	0x20	/* writes go to the image as they come */
#define KDISK_JFULL	0x40	/* journal new file data too (no ordered mode) */

/* ksys_disk_detach flags. */
#define KDISK_ABORT	0x01	/* discard the transaction: nothing applied */

/* ksys_mount flags. */
#define KMNT_RDONLY	0x01
#define KMNT_FORCE	0x02	/* unmount even when busy */

/*
 * ksys_fsck: check (and repair) the file system on a device that is not
 * mounted.  kf_mode and kf_flags as FSCK_* in sys/fsck.h; each problem
 * is one line through kf_print; the results come back in the rest.
 */
#define KFSCK_NOWRITE	0	/* -n */
#define KFSCK_PREEN	1	/* -p */
#define KFSCK_YES	2	/* -y */
#define KFSCK_FORCE	0x01	/* -f */
#define KFSCK_DEBUG	0x02	/* -d */

struct kfsck {
	int		kf_mode;
	int		kf_flags;
	void		(*kf_print)(void *, const char *);
	void		*kf_arg;
	uint64_t	kf_found;	/* problems found */
	uint64_t	kf_fixed;	/* of which fixed */
	uint64_t	kf_files;	/* inodes in use */
	uint64_t	kf_frags;	/* fragments in use */
	int		kf_skipped;	/* marked clean, not checked */
	int		kf_modified;	/* the image was changed */
	int		kf_clean;	/* consistent at the end */
};

/* Kernel counters (ksys_kstats). */
struct kstats {
	uint64_t	ks_mem_inuse;	/* kernel memory, bytes */
	uint64_t	ks_mem_peak;
	uint64_t	ks_mem_limit;	/* RUMP_MEMLIMIT, 0 if none */
	uint64_t	ks_mem_idle;	/* kept for reuse by the caches */
	uint64_t	ks_vnodes;	/* vnodes cached */
	uint64_t	ks_pages;	/* page cache pages resident */
	uint64_t	ks_pages_peak;
	uint64_t	ks_page_hits;
	uint64_t	ks_page_reads;
	uint64_t	ks_page_writes;
	uint64_t	ks_page_direct;	/* pages read around the cache */
	uint64_t	ks_buf_bytes;	/* buffer cache bytes */
	uint64_t	ks_buf_hits;
	uint64_t	ks_buf_misses;
};

/* Kernel life cycle. */
int	ksys_boot(void);
void	ksys_halt(void);
void	ksys_kstats(struct kstats *);
void	ksys_printstats(void);

/* Processes. */
int	ksys_proc_create(struct kproc **);
void	ksys_proc_destroy(struct kproc *);
int	ksys_setcred(struct kproc *, uint32_t, uint32_t, int,
	    const uint32_t *);
int	ksys_chdir(struct kproc *, const char *);
int	ksys_chroot(struct kproc *, const char *);

/* Disks: images as block devices in /dev, and mounts. */
int	ksys_disk_attach(const char *, const char *, int, char *, size_t);
int	ksys_disk_detach(const char *, int);
int	ksys_disk_partitions(const char *, struct kpartinfo *, int, int *);
int	ksys_disk_stats(const char *);
int	ksys_mount(struct kproc *, const char *, const char *, const char *,
	    int, const char *, char *, size_t);
int	ksys_unmount(struct kproc *, const char *, int);
int	ksys_fsck(struct kproc *, const char *, const char *,
	    struct kfsck *);
int	ksys_etfs_register(const char *, const char *, int);
int	ksys_sync(void);

/* Files and descriptors. */
int	ksys_open(struct kproc *, const char *, int, uint32_t, int *);
int	ksys_close(struct kproc *, int);
int	ksys_read(struct kproc *, int, void *, size_t, size_t *);
int	ksys_write(struct kproc *, int, const void *, size_t, size_t *);
int	ksys_pread(struct kproc *, int, void *, size_t, int64_t, size_t *);
int	ksys_pwrite(struct kproc *, int, const void *, size_t, int64_t,
	    size_t *);
int	ksys_lseek(struct kproc *, int, int64_t, int, int64_t *);
int	ksys_fstat(struct kproc *, int, struct kstat *);
int	ksys_fsync(struct kproc *, int);
int	ksys_ftruncate(struct kproc *, int, int64_t);
int	ksys_fchmod(struct kproc *, int, uint32_t);
int	ksys_fchown(struct kproc *, int, uint32_t, uint32_t);
int	ksys_getdents(struct kproc *, int, void *, size_t, size_t *);

/* Paths. */
int	ksys_stat(struct kproc *, const char *, int, struct kstat *);
int	ksys_mkdir(struct kproc *, const char *, uint32_t);
int	ksys_rmdir(struct kproc *, const char *);
int	ksys_unlink(struct kproc *, const char *);
int	ksys_rename(struct kproc *, const char *, const char *);
int	ksys_link(struct kproc *, const char *, const char *);
int	ksys_symlink(struct kproc *, const char *, const char *);
int	ksys_readlink(struct kproc *, const char *, char *, size_t, size_t *);
int	ksys_mknod(struct kproc *, const char *, uint32_t, uint64_t);
int	ksys_chmod(struct kproc *, const char *, uint32_t, int);
int	ksys_chown(struct kproc *, const char *, uint32_t, uint32_t, int);
int	ksys_chflags(struct kproc *, const char *, uint32_t, int);
int	ksys_utimens(struct kproc *, const char *, const struct ktimespec *,
	    int);
int	ksys_truncate(struct kproc *, const char *, int64_t);
int	ksys_statvfs(struct kproc *, const char *, struct kstatvfs *);

#endif /* !_KERN_SYS_H_ */
