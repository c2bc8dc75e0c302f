/*
 * ukfs.h: libukfs, file system images in user space.
 *
 * libukfs boots an embedded kernel inside the calling process, attaches a
 * disk image (a host file, or one partition of it) as a block device,
 * mounts the file system on it in a private root, and offers file
 * operations inside that root.  No host mount, no privileges.  See
 * ukfs(3).
 *
 * Every call returns -1 (or NULL) with errno set on failure.  Several
 * images may be mounted at once; calls from several threads are
 * serialised by the kernel.
 */
#ifndef _UKFS_H_
#define _UKFS_H_

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct stat;
struct statvfs;
struct timespec;
struct timeval;

struct ukfs;
struct ukfs_dir;

#define UKFS_VERSION		1

/* ukfs_mount() flags. */
#define UKFS_RDONLY		0x0001	/* open the image read-only */
#define UKFS_NOLOCK		0x0002	/* no advisory lock on the image */
#define UKFS_LOCKWAIT		0x0004	/* wait for the image lock */
#define UKFS_NOMMAP		0x0008	/* pread/pwrite instead of mmap */
#define UKFS_VERBOSE		0x0010	/* statistics on stderr at release */
#define UKFS_NOJOURNAL		0x0020	/* no journal: not all-or-nothing */
#define UKFS_JOURNALDATA	0x0040	/* journal new file data too */

/* ukfs_release() flags. */
#define UKFS_RELFLAG_FORCE	0x0001	/* unmount even if busy */
#define UKFS_RELFLAG_ABORT	0x0002	/* discard every change: none applied */

/* Extended attributes of a file (ukfs_xstat). */
struct ukfs_stat {
	uint64_t	us_ino;
	uint32_t	us_mode;
	uint32_t	us_nlink;
	uint32_t	us_uid;
	uint32_t	us_gid;
	dev_t		us_rdev;	/* host encoding */
	int64_t		us_size;
	int64_t		us_blocks;	/* 512-byte units */
	uint32_t	us_blksize;
	uint32_t	us_flags;	/* BSD file flags (chflags) */
	uint32_t	us_gen;
	int64_t		us_atime, us_mtime, us_ctime, us_birthtime;
	long		us_atimensec, us_mtimensec, us_ctimensec,
			us_birthtimensec;
};

/* A directory entry (ukfs_getdents, ukfs_readdir). */
struct ukfs_dirent {
	uint64_t	d_ino;
	uint16_t	d_reclen;	/* record length, multiple of 8 */
	uint16_t	d_namlen;
	uint8_t		d_type;		/* DT_* */
	char		d_name[];	/* NUL-terminated */
};

/* A partition of an image (ukfs_partitions). */
struct ukfs_part {
	char		up_name[24];	/* what ukfs_mount takes: "3", "e" */
	char		up_scheme[12];	/* "mbr", "gpt", "disklabel" */
	char		up_type[32];	/* partition type */
	char		up_fstype[16];	/* file system found, or "" */
	char		up_label[72];	/* GPT partition name */
	uint64_t	up_offset;	/* bytes */
	uint64_t	up_size;	/* bytes */
};

/*
 * Checking an image that is not mounted (ukfs_fsck): uf_mode and uf_flags
 * in, one line per problem through uf_print, the results out.
 */
#define UKFS_FSCK_NOWRITE	0	/* change nothing (-n) */
#define UKFS_FSCK_PREEN		1	/* fix what is safe (-p) */
#define UKFS_FSCK_YES		2	/* fix everything possible (-y) */
#define UKFS_FSCK_FORCE		0x01	/* check even if marked clean */
#define UKFS_FSCK_DEBUG		0x02	/* say what each pass does */

struct ukfs_fsck {
	int		uf_mode;
	int		uf_flags;
	void		(*uf_print)(void *, const char *);
	void		*uf_arg;
	uint64_t	uf_found;	/* problems found */
	uint64_t	uf_fixed;	/* of which fixed */
	uint64_t	uf_files;	/* inodes in use */
	uint64_t	uf_frags;	/* fragments (blocks) in use */
	int		uf_skipped;	/* marked clean, not checked */
	int		uf_modified;	/* the image was changed */
	int		uf_clean;	/* consistent (and so marked) at the end */
};

/* Life cycle. */
int		 ukfs_init(void);
struct ukfs	*ukfs_mount(const char *, const char *, const char *, int,
		    const char *);
struct ukfs	*ukfs_rootfs(void);
int		 ukfs_release(struct ukfs *, int);
const char	*ukfs_fstype(const struct ukfs *);
int		 ukfs_partitions(const char *, struct ukfs_part *, int);
int		 ukfs_fsck(const char *, const char *, const char *, int,
		    struct ukfs_fsck *);
int		 ukfs_register_file(const char *, const char *, int);
int		 ukfs_setcred(struct ukfs *, uid_t, gid_t, int, const gid_t *);
int		 ukfs_sync(struct ukfs *);
int		 ukfs_chdir(struct ukfs *, const char *);

/* Paths. */
int		 ukfs_stat(struct ukfs *, const char *, struct stat *);
int		 ukfs_lstat(struct ukfs *, const char *, struct stat *);
int		 ukfs_xstat(struct ukfs *, const char *, int,
		    struct ukfs_stat *);
ssize_t		 ukfs_read(struct ukfs *, const char *, off_t, void *,
		    size_t);
ssize_t		 ukfs_write(struct ukfs *, const char *, off_t, const void *,
		    size_t);
int		 ukfs_create(struct ukfs *, const char *, mode_t);
int		 ukfs_mknod(struct ukfs *, const char *, mode_t, dev_t);
int		 ukfs_mkfifo(struct ukfs *, const char *, mode_t);
int		 ukfs_mkdir(struct ukfs *, const char *, mode_t);
int		 ukfs_remove(struct ukfs *, const char *);
int		 ukfs_rmdir(struct ukfs *, const char *);
int		 ukfs_link(struct ukfs *, const char *, const char *);
int		 ukfs_symlink(struct ukfs *, const char *, const char *);
ssize_t		 ukfs_readlink(struct ukfs *, const char *, char *, size_t);
int		 ukfs_rename(struct ukfs *, const char *, const char *);
int		 ukfs_chmod(struct ukfs *, const char *, mode_t);
int		 ukfs_lchmod(struct ukfs *, const char *, mode_t);
int		 ukfs_chown(struct ukfs *, const char *, uid_t, gid_t);
int		 ukfs_lchown(struct ukfs *, const char *, uid_t, gid_t);
int		 ukfs_chflags(struct ukfs *, const char *, uint32_t);
int		 ukfs_lchflags(struct ukfs *, const char *, uint32_t);
int		 ukfs_utimes(struct ukfs *, const char *,
		    const struct timeval *);
int		 ukfs_lutimes(struct ukfs *, const char *,
		    const struct timeval *);
int		 ukfs_utimens(struct ukfs *, const char *,
		    const struct timespec *, int);
int		 ukfs_truncate(struct ukfs *, const char *, off_t);
int		 ukfs_statvfs(struct ukfs *, const char *, struct statvfs *);
ssize_t		 ukfs_getdents(struct ukfs *, const char *, off_t *, void *,
		    size_t);

/* Directories. */
struct ukfs_dir	*ukfs_opendir(struct ukfs *, const char *);
struct ukfs_dirent *ukfs_readdir(struct ukfs_dir *);
int		 ukfs_closedir(struct ukfs_dir *);

/*
 * Descriptors (host O_* flags).  ukfs_lseek() takes SEEK_DATA and
 * SEEK_HOLE too: holes are found through the file system's block map.
 */
int		 ukfs_open(struct ukfs *, const char *, int, mode_t);
int		 ukfs_close(struct ukfs *, int);
ssize_t		 ukfs_fd_read(struct ukfs *, int, void *, size_t);
ssize_t		 ukfs_fd_write(struct ukfs *, int, const void *, size_t);
ssize_t		 ukfs_fd_pread(struct ukfs *, int, void *, size_t, off_t);
ssize_t		 ukfs_fd_pwrite(struct ukfs *, int, const void *, size_t,
		    off_t);
off_t		 ukfs_lseek(struct ukfs *, int, off_t, int);
int		 ukfs_fstat(struct ukfs *, int, struct stat *);
int		 ukfs_fsync(struct ukfs *, int);
int		 ukfs_ftruncate(struct ukfs *, int, off_t);
int		 ukfs_fchmod(struct ukfs *, int, mode_t);
int		 ukfs_fchown(struct ukfs *, int, uid_t, gid_t);
ssize_t		 ukfs_fd_getdents(struct ukfs *, int, void *, size_t);

#ifdef __cplusplus
}
#endif

#endif /* !_UKFS_H_ */
