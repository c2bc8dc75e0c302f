/*
 * ukfs.c: libukfs over the kernel's system-call layer (kern/sys.h).
 *
 * A handle is a kernel process whose root is the mount point of its
 * image, /mnt/N in the kernel's root file system, where N is the number
 * of the image's block device /dev/ukfsN.  Releasing a handle unmounts,
 * detaches the device and, with the last handle, halts the kernel.
 *
 * This file converts between host and kernel conventions: host O_* flags,
 * lseek whence values, struct stat, device numbers and errno.  It does
 * nothing else.
 */
#define _GNU_SOURCE		/* SEEK_DATA, SEEK_HOLE */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kern/sys.h"
#include "../lib/hyp.h"
#include "ukfs.h"

struct ukfs {
	struct kproc	*uk_proc;
	char		 uk_dev[32];	/* "/dev/ukfsN"; "" for the root */
	char		 uk_mnt[32];	/* "/mnt/N" */
	char		 uk_fstype[32];
	int		 uk_flags;
};

struct ukfs_dir {
	struct ukfs	*ud_fs;
	int		 ud_fd;
	size_t		 ud_len;	/* bytes in ud_buf */
	size_t		 ud_pos;	/* next record */
	char		 ud_buf[8192];
};

static pthread_mutex_t ukfs_lock = PTHREAD_MUTEX_INITIALIZER;
static int ukfs_handles;

/* Kernel error to -1/errno. */
static int
kret(int kerr)
{
	if (kerr == 0)
		return 0;
	errno = hyp_errno_to_host(kerr);
	return -1;
}

int
ukfs_init(void)
{
	return kret(ksys_boot());
}

static int
kflags_open(int flags)
{
	int k;

	switch (flags & O_ACCMODE) {
	case O_RDONLY:	k = KO_RDONLY; break;
	case O_WRONLY:	k = KO_WRONLY; break;
	default:	k = KO_RDWR; break;
	}
	if (flags & O_APPEND)
		k |= KO_APPEND;
	if (flags & O_CREAT)
		k |= KO_CREAT;
	if (flags & O_TRUNC)
		k |= KO_TRUNC;
	if (flags & O_EXCL)
		k |= KO_EXCL;
	if (flags & O_NOFOLLOW)
		k |= KO_NOFOLLOW;
	if (flags & O_DIRECTORY)
		k |= KO_DIRECTORY;
	return k;
}

/* BSD device number (major 12 bits at 8, minor split) to host, and back. */
static dev_t
dev_tohost(uint64_t d)
{
	uint32_t maj = (uint32_t)((d & 0x000fff00) >> 8);
	uint32_t min = (uint32_t)(((d & 0xfff00000) >> 12) | (d & 0xff));

	return makedev(maj, min);
}

static uint64_t
dev_fromhost(dev_t d)
{
	uint64_t maj = major(d), min = minor(d);

	return ((maj << 8) & 0x000fff00) | ((min << 12) & 0xfff00000) |
	    (min & 0xff);
}

static void
kstat_to_stat(const struct kstat *ks, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)ks->st_dev;
	st->st_ino = (ino_t)ks->st_ino;
	st->st_mode = (mode_t)ks->st_mode;
	st->st_nlink = (nlink_t)ks->st_nlink;
	st->st_uid = ks->st_uid;
	st->st_gid = ks->st_gid;
	st->st_rdev = dev_tohost(ks->st_rdev);
	st->st_size = (off_t)ks->st_size;
	st->st_blocks = (blkcnt_t)ks->st_blocks;
	st->st_blksize = (blksize_t)ks->st_blksize;
	st->st_atim.tv_sec = (time_t)ks->st_atim.tv_sec;
	st->st_atim.tv_nsec = ks->st_atim.tv_nsec;
	st->st_mtim.tv_sec = (time_t)ks->st_mtim.tv_sec;
	st->st_mtim.tv_nsec = ks->st_mtim.tv_nsec;
	st->st_ctim.tv_sec = (time_t)ks->st_ctim.tv_sec;
	st->st_ctim.tv_nsec = ks->st_ctim.tv_nsec;
}

static struct ukfs *
handle_new(int flags)
{
	struct ukfs *fs;
	int error;

	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return NULL;
	fs->uk_flags = flags;
	pthread_mutex_lock(&ukfs_lock);
	error = ksys_boot();
	if (error == 0 && (error = ksys_proc_create(&fs->uk_proc)) == 0)
		ukfs_handles++;
	pthread_mutex_unlock(&ukfs_lock);
	if (error != 0) {
		free(fs);
		(void)kret(error);
		return NULL;
	}
	return fs;
}

static void
handle_free(struct ukfs *fs)
{
	ksys_proc_destroy(fs->uk_proc);
	pthread_mutex_lock(&ukfs_lock);
	if (--ukfs_handles == 0)
		ksys_halt();
	pthread_mutex_unlock(&ukfs_lock);
	free(fs);
}

/* Attach the image, mount it on /mnt/N and make that the handle's root. */
static int
do_mount(struct ukfs *fs, const char *fstype, const char *image,
    const char *part, int flags, const char *opts)
{
	int kd = 0, error;

	if (flags & UKFS_RDONLY)
		kd |= KDISK_RDONLY;
	if (!(flags & UKFS_NOLOCK))
		kd |= KDISK_LOCK;
	if (flags & UKFS_LOCKWAIT)
		kd |= KDISK_LOCKWAIT;
	if (flags & UKFS_NOMMAP)
		kd |= KDISK_NOMMAP;
	if (flags & UKFS_NOJOURNAL)
		kd |= KDISK_NOJOURNAL;
	if (flags & UKFS_JOURNALDATA)
		kd |= KDISK_JFULL;
	error = ksys_disk_attach(image, part, kd, fs->uk_dev,
	    sizeof(fs->uk_dev));
	if (error != 0)
		return error;
	snprintf(fs->uk_mnt, sizeof(fs->uk_mnt), "/mnt/%s",
	    fs->uk_dev + strlen("/dev/ukfs"));
	error = ksys_mkdir(fs->uk_proc, fs->uk_mnt, 0755);
	if (error == 0) {
		error = ksys_mount(fs->uk_proc, fstype, fs->uk_dev, fs->uk_mnt,
		    (flags & UKFS_RDONLY) ? KMNT_RDONLY : 0, opts,
		    fs->uk_fstype, sizeof(fs->uk_fstype));
		if (error == 0)
			error = ksys_chroot(fs->uk_proc, fs->uk_mnt);
		if (error != 0)
			(void)ksys_rmdir(fs->uk_proc, fs->uk_mnt);
	}
	if (error != 0) {
		(void)ksys_disk_detach(fs->uk_dev, KDISK_ABORT);
		fs->uk_dev[0] = '\0';
	}
	return error;
}

struct ukfs *
ukfs_mount(const char *fstype, const char *image, const char *part,
    int flags, const char *opts)
{
	struct ukfs *fs;
	int error;

	if (image == NULL || (fstype != NULL &&
	    strcmp(fstype, "auto") == 0))
		fstype = NULL;
	if (image == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((fs = handle_new(flags)) == NULL)
		return NULL;
	if ((error = do_mount(fs, fstype, image, part, flags, opts)) != 0) {
		handle_free(fs);
		(void)kret(error);
		return NULL;
	}
	return fs;
}

/* A handle on the kernel's own root file system. */
struct ukfs *
ukfs_rootfs(void)
{
	struct ukfs *fs;

	if ((fs = handle_new(0)) != NULL)
		snprintf(fs->uk_fstype, sizeof(fs->uk_fstype), "rootfs");
	return fs;
}

/*
 * Unmount from a fresh process (the handle's own holds the mount's root),
 * forcing it if a clean unmount fails, then detach the device, which
 * commits the image's transaction: or discards it, with
 * UKFS_RELFLAG_ABORT or when the unmount failed.  The first error is
 * reported.
 */
int
ukfs_release(struct ukfs *fs, int flags)
{
	struct kproc *kp = NULL;
	int error = 0, e;

	if (fs->uk_dev[0] != '\0') {
		ksys_proc_destroy(fs->uk_proc);
		if ((error = ksys_proc_create(&kp)) != 0) {
			free(fs);
			return kret(error);
		}
		fs->uk_proc = kp;
		error = ksys_unmount(kp, fs->uk_mnt,
		    (flags & UKFS_RELFLAG_FORCE) ? KMNT_FORCE : 0);
		if (error != 0 && ksys_unmount(kp, fs->uk_mnt, KMNT_FORCE) ==
		    0 && error == HYP_EBUSY)
			error = 0;
		(void)ksys_rmdir(kp, fs->uk_mnt);
		if (fs->uk_flags & UKFS_VERBOSE) {
			ksys_printstats();
			(void)ksys_disk_stats(fs->uk_dev);
		}
		e = ksys_disk_detach(fs->uk_dev, (error != 0 ||
		    (flags & UKFS_RELFLAG_ABORT)) ? KDISK_ABORT : 0);
		error = error != 0 ? error : e;
	}
	handle_free(fs);
	return kret(error);
}

/*
 * Check (and repair, as uf says) the file system of type fstype (NULL:
 * detect it) in image (partition part, or NULL), which is not mounted.
 * flags: UKFS_NOLOCK, UKFS_LOCKWAIT, UKFS_NOMMAP.  The image is opened
 * read-only for UKFS_FSCK_NOWRITE, and locked as a writer otherwise.
 */
int
ukfs_fsck(const char *fstype, const char *image, const char *part,
    int flags, struct ukfs_fsck *uf)
{
	struct ukfs *fs;
	struct kfsck kf;
	int kd = 0, error, e;

	if (image == NULL || uf == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (fstype != NULL && (fstype[0] == '\0' ||
	    strcmp(fstype, "auto") == 0))
		fstype = NULL;
	if ((fs = handle_new(flags)) == NULL)
		return -1;
	if (uf->uf_mode == UKFS_FSCK_NOWRITE)
		kd |= KDISK_RDONLY;
	if (!(flags & UKFS_NOLOCK))
		kd |= KDISK_LOCK;
	if (flags & UKFS_LOCKWAIT)
		kd |= KDISK_LOCKWAIT;
	if (flags & UKFS_NOMMAP)
		kd |= KDISK_NOMMAP;
	error = ksys_disk_attach(image, part, kd, fs->uk_dev,
	    sizeof(fs->uk_dev));
	if (error == 0) {
		memset(&kf, 0, sizeof(kf));
		kf.kf_mode = uf->uf_mode;
		kf.kf_flags = uf->uf_flags;
		kf.kf_print = uf->uf_print;
		kf.kf_arg = uf->uf_arg;
		error = ksys_fsck(fs->uk_proc, fstype, fs->uk_dev, &kf);
		uf->uf_found = kf.kf_found;
		uf->uf_fixed = kf.kf_fixed;
		uf->uf_files = kf.kf_files;
		uf->uf_frags = kf.kf_frags;
		uf->uf_skipped = kf.kf_skipped;
		uf->uf_modified = kf.kf_modified;
		uf->uf_clean = kf.kf_clean;
		/* The repairs are one transaction: none if the check failed. */
		e = ksys_disk_detach(fs->uk_dev, error != 0 ? KDISK_ABORT : 0);
		error = error != 0 ? error : e;
		fs->uk_dev[0] = '\0';
	}
	handle_free(fs);
	return kret(error);
}

const char *
ukfs_fstype(const struct ukfs *fs)
{
	return fs->uk_fstype;
}

int
ukfs_partitions(const char *image, struct ukfs_part *parts, int max)
{
	struct kpartinfo *kp;
	int error, n, i;

	if (max < 0 || (kp = calloc((size_t)(max > 0 ? max : 1),
	    sizeof(*kp))) == NULL) {
		errno = max < 0 ? EINVAL : ENOMEM;
		return -1;
	}
	pthread_mutex_lock(&ukfs_lock);
	error = ksys_boot();
	if (error == 0)
		error = ksys_disk_partitions(image, kp, max, &n);
	if (ukfs_handles == 0)
		ksys_halt();
	pthread_mutex_unlock(&ukfs_lock);
	for (i = 0; error == 0 && i < n && i < max; i++) {
		memset(&parts[i], 0, sizeof(parts[i]));
		memcpy(parts[i].up_name, kp[i].kp_name, sizeof(kp[i].kp_name));
		memcpy(parts[i].up_scheme, kp[i].kp_scheme,
		    sizeof(kp[i].kp_scheme));
		memcpy(parts[i].up_type, kp[i].kp_type, sizeof(kp[i].kp_type));
		memcpy(parts[i].up_fstype, kp[i].kp_fstype,
		    sizeof(kp[i].kp_fstype));
		memcpy(parts[i].up_label, kp[i].kp_label,
		    sizeof(kp[i].kp_label));
		parts[i].up_offset = kp[i].kp_offset;
		parts[i].up_size = kp[i].kp_size;
	}
	free(kp);
	if (error != 0)
		return kret(error);
	return n;
}

int
ukfs_register_file(const char *key, const char *hostpath, int flags)
{
	int kd = 0, error;

	if (flags & UKFS_RDONLY)
		kd |= KDISK_RDONLY;
	if (flags & UKFS_NOMMAP)
		kd |= KDISK_NOMMAP;
	pthread_mutex_lock(&ukfs_lock);
	error = ksys_boot();
	pthread_mutex_unlock(&ukfs_lock);
	if (error == 0)
		error = ksys_etfs_register(key, hostpath, kd);
	return kret(error);
}

int
ukfs_setcred(struct ukfs *fs, uid_t uid, gid_t gid, int ngroups,
    const gid_t *groups)
{
	uint32_t g[16];
	int i;

	if (ngroups < 0 || ngroups > 16) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < ngroups; i++)
		g[i] = groups[i];
	return kret(ksys_setcred(fs->uk_proc, uid, gid, ngroups, g));
}

int
ukfs_sync(struct ukfs *fs)
{
	(void)fs;
	return kret(ksys_sync());
}

int
ukfs_chdir(struct ukfs *fs, const char *path)
{
	return kret(ksys_chdir(fs->uk_proc, path));
}

int
ukfs_stat(struct ukfs *fs, const char *path, struct stat *st)
{
	struct kstat ks;
	int error;

	if ((error = ksys_stat(fs->uk_proc, path, 0, &ks)) == 0)
		kstat_to_stat(&ks, st);
	return kret(error);
}

int
ukfs_lstat(struct ukfs *fs, const char *path, struct stat *st)
{
	struct kstat ks;
	int error;

	error = ksys_stat(fs->uk_proc, path, KAT_SYMLINK_NOFOLLOW, &ks);
	if (error == 0)
		kstat_to_stat(&ks, st);
	return kret(error);
}

int
ukfs_xstat(struct ukfs *fs, const char *path, int nofollow,
    struct ukfs_stat *us)
{
	struct kstat ks;
	int error;

	error = ksys_stat(fs->uk_proc, path,
	    nofollow ? KAT_SYMLINK_NOFOLLOW : 0, &ks);
	if (error != 0)
		return kret(error);
	memset(us, 0, sizeof(*us));
	us->us_ino = ks.st_ino;
	us->us_mode = ks.st_mode;
	us->us_nlink = ks.st_nlink;
	us->us_uid = ks.st_uid;
	us->us_gid = ks.st_gid;
	us->us_rdev = dev_tohost(ks.st_rdev);
	us->us_size = ks.st_size;
	us->us_blocks = ks.st_blocks;
	us->us_blksize = ks.st_blksize;
	us->us_flags = ks.st_flags;
	us->us_gen = ks.st_gen;
	us->us_atime = ks.st_atim.tv_sec;
	us->us_atimensec = ks.st_atim.tv_nsec;
	us->us_mtime = ks.st_mtim.tv_sec;
	us->us_mtimensec = ks.st_mtim.tv_nsec;
	us->us_ctime = ks.st_ctim.tv_sec;
	us->us_ctimensec = ks.st_ctim.tv_nsec;
	us->us_birthtime = ks.st_birthtim.tv_sec;
	us->us_birthtimensec = ks.st_birthtim.tv_nsec;
	return 0;
}

/* Open path, transfer at off, close: the path-based read and write. */
static ssize_t
path_rw(struct ukfs *fs, const char *path, off_t off, void *buf, size_t len,
    int write)
{
	size_t done = 0;
	int fd, error, e;

	error = ksys_open(fs->uk_proc, path, write ? KO_WRONLY | KO_CREAT :
	    KO_RDONLY, 0666, &fd);
	if (error != 0)
		return kret(error);
	error = write ? ksys_pwrite(fs->uk_proc, fd, buf, len, off, &done) :
	    ksys_pread(fs->uk_proc, fd, buf, len, off, &done);
	e = ksys_close(fs->uk_proc, fd);
	if (error == 0)
		error = e;
	if (error != 0)
		return kret(error);
	return (ssize_t)done;
}

ssize_t
ukfs_read(struct ukfs *fs, const char *path, off_t off, void *buf,
    size_t len)
{
	return path_rw(fs, path, off, buf, len, 0);
}

ssize_t
ukfs_write(struct ukfs *fs, const char *path, off_t off, const void *buf,
    size_t len)
{
	return path_rw(fs, path, off, (void *)(uintptr_t)buf, len, 1);
}

int
ukfs_create(struct ukfs *fs, const char *path, mode_t mode)
{
	int fd, error;

	error = ksys_open(fs->uk_proc, path, KO_WRONLY | KO_CREAT | KO_EXCL,
	    mode, &fd);
	if (error == 0)
		error = ksys_close(fs->uk_proc, fd);
	return kret(error);
}

int
ukfs_mknod(struct ukfs *fs, const char *path, mode_t mode, dev_t dev)
{
	return kret(ksys_mknod(fs->uk_proc, path, mode, dev_fromhost(dev)));
}

int
ukfs_mkfifo(struct ukfs *fs, const char *path, mode_t mode)
{
	return kret(ksys_mknod(fs->uk_proc, path, S_IFIFO | (mode & 07777),
	    0));
}

int
ukfs_mkdir(struct ukfs *fs, const char *path, mode_t mode)
{
	return kret(ksys_mkdir(fs->uk_proc, path, mode));
}

int
ukfs_remove(struct ukfs *fs, const char *path)
{
	return kret(ksys_unlink(fs->uk_proc, path));
}

int
ukfs_rmdir(struct ukfs *fs, const char *path)
{
	return kret(ksys_rmdir(fs->uk_proc, path));
}

int
ukfs_link(struct ukfs *fs, const char *from, const char *to)
{
	return kret(ksys_link(fs->uk_proc, from, to));
}

int
ukfs_symlink(struct ukfs *fs, const char *target, const char *path)
{
	return kret(ksys_symlink(fs->uk_proc, target, path));
}

ssize_t
ukfs_readlink(struct ukfs *fs, const char *path, char *buf, size_t len)
{
	size_t done;
	int error;

	if ((error = ksys_readlink(fs->uk_proc, path, buf, len, &done)) != 0)
		return kret(error);
	return (ssize_t)done;
}

int
ukfs_rename(struct ukfs *fs, const char *from, const char *to)
{
	return kret(ksys_rename(fs->uk_proc, from, to));
}

int
ukfs_chmod(struct ukfs *fs, const char *path, mode_t mode)
{
	return kret(ksys_chmod(fs->uk_proc, path, mode, 0));
}

int
ukfs_lchmod(struct ukfs *fs, const char *path, mode_t mode)
{
	return kret(ksys_chmod(fs->uk_proc, path, mode, KAT_SYMLINK_NOFOLLOW));
}

int
ukfs_chown(struct ukfs *fs, const char *path, uid_t uid, gid_t gid)
{
	return kret(ksys_chown(fs->uk_proc, path, uid, gid, 0));
}

int
ukfs_lchown(struct ukfs *fs, const char *path, uid_t uid, gid_t gid)
{
	return kret(ksys_chown(fs->uk_proc, path, uid, gid,
	    KAT_SYMLINK_NOFOLLOW));
}

int
ukfs_chflags(struct ukfs *fs, const char *path, uint32_t flags)
{
	return kret(ksys_chflags(fs->uk_proc, path, flags, 0));
}

int
ukfs_lchflags(struct ukfs *fs, const char *path, uint32_t flags)
{
	return kret(ksys_chflags(fs->uk_proc, path, flags,
	    KAT_SYMLINK_NOFOLLOW));
}

static int
utimes_common(struct ukfs *fs, const char *path, const struct timeval *tv,
    int kflags)
{
	struct ktimespec ts[2];
	int i;

	if (tv == NULL)
		return kret(ksys_utimens(fs->uk_proc, path, NULL, kflags));
	for (i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000) {
			errno = EINVAL;
			return -1;
		}
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = (int32_t)(tv[i].tv_usec * 1000);
	}
	return kret(ksys_utimens(fs->uk_proc, path, ts, kflags));
}

int
ukfs_utimes(struct ukfs *fs, const char *path, const struct timeval *tv)
{
	return utimes_common(fs, path, tv, 0);
}

int
ukfs_lutimes(struct ukfs *fs, const char *path, const struct timeval *tv)
{
	return utimes_common(fs, path, tv, KAT_SYMLINK_NOFOLLOW);
}

/* ts[0] access, ts[1] modification; UTIME_NOW and UTIME_OMIT work. */
int
ukfs_utimens(struct ukfs *fs, const char *path, const struct timespec *ts,
    int nofollow)
{
	struct ktimespec k[2];
	int i;

	if (ts == NULL)
		return kret(ksys_utimens(fs->uk_proc, path, NULL,
		    nofollow ? KAT_SYMLINK_NOFOLLOW : 0));
	for (i = 0; i < 2; i++) {
		k[i].tv_sec = ts[i].tv_sec;
		if (ts[i].tv_nsec == UTIME_NOW)
			k[i].tv_nsec = KUTIME_NOW;
		else if (ts[i].tv_nsec == UTIME_OMIT)
			k[i].tv_nsec = KUTIME_OMIT;
		else
			k[i].tv_nsec = (int32_t)ts[i].tv_nsec;
	}
	return kret(ksys_utimens(fs->uk_proc, path, k,
	    nofollow ? KAT_SYMLINK_NOFOLLOW : 0));
}

int
ukfs_truncate(struct ukfs *fs, const char *path, off_t len)
{
	return kret(ksys_truncate(fs->uk_proc, path, len));
}

int
ukfs_statvfs(struct ukfs *fs, const char *path, struct statvfs *sv)
{
	struct kstatvfs ks;
	int error;

	if ((error = ksys_statvfs(fs->uk_proc, path, &ks)) != 0)
		return kret(error);
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = ks.f_bsize;
	sv->f_frsize = ks.f_frsize;
	sv->f_blocks = ks.f_blocks;
	sv->f_bfree = ks.f_bfree;
	sv->f_bavail = ks.f_bavail;
	sv->f_files = ks.f_files;
	sv->f_ffree = ks.f_ffree;
	sv->f_favail = ks.f_favail;
	sv->f_fsid = ks.f_fsid;
	sv->f_flag = (ks.f_flag & KST_RDONLY) ? ST_RDONLY : 0;
	sv->f_namemax = ks.f_namemax;
	return 0;
}

/*
 * Read directory entries of dir from cookie *off into buf; *off is
 * advanced.  Returns the bytes of records, 0 at the end.
 */
ssize_t
ukfs_getdents(struct ukfs *fs, const char *dir, off_t *off, void *buf,
    size_t len)
{
	int64_t pos;
	size_t done = 0;
	int fd, error, e;

	error = ksys_open(fs->uk_proc, dir, KO_RDONLY | KO_DIRECTORY, 0, &fd);
	if (error != 0)
		return kret(error);
	error = ksys_lseek(fs->uk_proc, fd, *off, KSEEK_SET, &pos);
	if (error == 0)
		error = ksys_getdents(fs->uk_proc, fd, buf, len, &done);
	if (error == 0)
		error = ksys_lseek(fs->uk_proc, fd, 0, KSEEK_CUR, &pos);
	e = ksys_close(fs->uk_proc, fd);
	if (error == 0)
		error = e;
	if (error != 0)
		return kret(error);
	*off = pos;
	return (ssize_t)done;
}

struct ukfs_dir *
ukfs_opendir(struct ukfs *fs, const char *path)
{
	struct ukfs_dir *d;
	int error;

	if ((d = malloc(sizeof(*d))) == NULL)
		return NULL;
	d->ud_fs = fs;
	d->ud_len = d->ud_pos = 0;
	error = ksys_open(fs->uk_proc, path, KO_RDONLY | KO_DIRECTORY, 0,
	    &d->ud_fd);
	if (error != 0) {
		free(d);
		(void)kret(error);
		return NULL;
	}
	return d;
}

/* The next entry, or NULL at the end (errno 0) or on error (errno set). */
struct ukfs_dirent *
ukfs_readdir(struct ukfs_dir *d)
{
	struct ukfs_dirent *de;
	int error;

	if (d->ud_pos >= d->ud_len) {
		error = ksys_getdents(d->ud_fs->uk_proc, d->ud_fd, d->ud_buf,
		    sizeof(d->ud_buf), &d->ud_len);
		d->ud_pos = 0;
		if (error != 0) {
			d->ud_len = 0;
			(void)kret(error);
			return NULL;
		}
		if (d->ud_len == 0) {
			errno = 0;
			return NULL;
		}
	}
	de = (struct ukfs_dirent *)(void *)(d->ud_buf + d->ud_pos);
	d->ud_pos += de->d_reclen;
	return de;
}

int
ukfs_closedir(struct ukfs_dir *d)
{
	int error;

	error = ksys_close(d->ud_fs->uk_proc, d->ud_fd);
	free(d);
	return kret(error);
}

int
ukfs_open(struct ukfs *fs, const char *path, int flags, mode_t mode)
{
	int fd, error;

	error = ksys_open(fs->uk_proc, path, kflags_open(flags), mode, &fd);
	if (error != 0)
		return kret(error);
	return fd;
}

int
ukfs_close(struct ukfs *fs, int fd)
{
	return kret(ksys_close(fs->uk_proc, fd));
}

static ssize_t
kret_size(int error, size_t done)
{
	if (error != 0)
		return kret(error);
	return (ssize_t)done;
}

ssize_t
ukfs_fd_read(struct ukfs *fs, int fd, void *buf, size_t len)
{
	size_t done = 0;
	int error;

	error = ksys_read(fs->uk_proc, fd, buf, len, &done);
	return kret_size(error, done);
}

ssize_t
ukfs_fd_write(struct ukfs *fs, int fd, const void *buf, size_t len)
{
	size_t done = 0;
	int error;

	error = ksys_write(fs->uk_proc, fd, buf, len, &done);
	return kret_size(error, done);
}

ssize_t
ukfs_fd_pread(struct ukfs *fs, int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	int error;

	error = ksys_pread(fs->uk_proc, fd, buf, len, off, &done);
	return kret_size(error, done);
}

ssize_t
ukfs_fd_pwrite(struct ukfs *fs, int fd, const void *buf, size_t len,
    off_t off)
{
	size_t done = 0;
	int error;

	error = ksys_pwrite(fs->uk_proc, fd, buf, len, off, &done);
	return kret_size(error, done);
}

off_t
ukfs_lseek(struct ukfs *fs, int fd, off_t off, int whence)
{
	int64_t pos;
	int kw, error;

	switch (whence) {
	case SEEK_SET:	kw = KSEEK_SET; break;
	case SEEK_CUR:	kw = KSEEK_CUR; break;
	case SEEK_END:	kw = KSEEK_END; break;
#ifdef SEEK_DATA
	case SEEK_DATA:	kw = KSEEK_DATA; break;
	case SEEK_HOLE:	kw = KSEEK_HOLE; break;
#endif
	default:
		errno = EINVAL;
		return -1;
	}
	if ((error = ksys_lseek(fs->uk_proc, fd, off, kw, &pos)) != 0)
		return kret(error);
	return (off_t)pos;
}

int
ukfs_fstat(struct ukfs *fs, int fd, struct stat *st)
{
	struct kstat ks;
	int error;

	if ((error = ksys_fstat(fs->uk_proc, fd, &ks)) == 0)
		kstat_to_stat(&ks, st);
	return kret(error);
}

int
ukfs_fsync(struct ukfs *fs, int fd)
{
	return kret(ksys_fsync(fs->uk_proc, fd));
}

int
ukfs_ftruncate(struct ukfs *fs, int fd, off_t len)
{
	return kret(ksys_ftruncate(fs->uk_proc, fd, len));
}

int
ukfs_fchmod(struct ukfs *fs, int fd, mode_t mode)
{
	return kret(ksys_fchmod(fs->uk_proc, fd, mode));
}

int
ukfs_fchown(struct ukfs *fs, int fd, uid_t uid, gid_t gid)
{
	return kret(ksys_fchown(fs->uk_proc, fd, uid, gid));
}

ssize_t
ukfs_fd_getdents(struct ukfs *fs, int fd, void *buf, size_t len)
{
	size_t done = 0;
	int error;

	error = ksys_getdents(fs->uk_proc, fd, buf, len, &done);
	return kret_size(error, done);
}
