/*
 * hyp_file.c: host files for the kernel's block device: open, size, pread
 * and pwrite (plain and vectored), fsync, mmap windows, advisory locks.
 *
 * Every function returns 0 or a kernel error number; short transfers are
 * retried until the request is complete, end of file or an error.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h>
#endif

#include "hyp.h"

int
hyp_open(const char *path, int flags, int *fdp)
{
	int fd, oflags;

	oflags = (flags & HYP_O_RDWR) ? O_RDWR : O_RDONLY;
	oflags |= O_CLOEXEC;
	if ((flags & (HYP_O_RDWR | HYP_O_CREAT)) == (HYP_O_RDWR | HYP_O_CREAT))
		oflags |= O_CREAT;
	do {
		fd = open(path, oflags, 0666);
	} while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return hyp_errno_from_host(errno);
	*fdp = fd;
	return 0;
}

int
hyp_close(int fd)
{
	if (close(fd) == -1 && errno != EINTR)
		return hyp_errno_from_host(errno);
	return 0;
}

/*
 * Size and type of an open host file.  Block and character devices report
 * their media size through the host's ioctl where it has one.
 */
int
hyp_fileinfo(int fd, uint64_t *sizep, int *typep)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return hyp_errno_from_host(errno);
	if (S_ISREG(st.st_mode)) {
		*typep = HYP_FT_REG;
		*sizep = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode)) {
		*typep = S_ISBLK(st.st_mode) ? HYP_FT_BLK : HYP_FT_CHR;
		*sizep = 0;
#ifdef BLKGETSIZE64
		{
			uint64_t sz;

			if (ioctl(fd, BLKGETSIZE64, &sz) == 0)
				*sizep = sz;
		}
#endif
		if (*sizep == 0) {
			off_t end = lseek(fd, 0, SEEK_END);

			if (end > 0)
				*sizep = (uint64_t)end;
		}
	} else {
		*typep = HYP_FT_OTHER;
		*sizep = 0;
	}
	return 0;
}

static int
check_off(uint64_t off, size_t len)
{
	if (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off)
		return HYP_EINVAL;
	return 0;
}

int
hyp_pread(int fd, void *buf, size_t len, uint64_t off, size_t *donep)
{
	size_t done = 0;
	ssize_t n;
	int error;

	if ((error = check_off(off, len)) != 0)
		return error;
	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			*donep = done;
			return hyp_errno_from_host(errno);
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*donep = done;
	return 0;
}

int
hyp_pwrite(int fd, const void *buf, size_t len, uint64_t off, size_t *donep)
{
	size_t done = 0;
	ssize_t n;
	int error;

	if ((error = check_off(off, len)) != 0)
		return error;
	while (done < len) {
		n = pwrite(fd, (const char *)buf + done, len - done,
		    (off_t)(off + done));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			*donep = done;
			return hyp_errno_from_host(errno);
		}
		if (n == 0) {
			*donep = done;
			return HYP_EIO;
		}
		done += (size_t)n;
	}
	*donep = done;
	return 0;
}

/*
 * Vectored transfers.  A short transfer falls back to the plain calls for
 * the remainder, one vector element at a time.
 */
static int
hyp_rwv(int fd, const struct hyp_iovec *hiov, int cnt, uint64_t off,
    size_t *donep, int write)
{
	struct iovec iov[64];
	size_t total = 0, done, skip, part;
	ssize_t n;
	int i, error;

	if (cnt <= 0 || cnt > 64)
		return HYP_EINVAL;
	for (i = 0; i < cnt; i++) {
		iov[i].iov_base = hiov[i].iov_base;
		iov[i].iov_len = hiov[i].iov_len;
		total += hiov[i].iov_len;
	}
	if ((error = check_off(off, total)) != 0)
		return error;
	do {
		n = write ? pwritev(fd, iov, cnt, (off_t)off) :
		    preadv(fd, iov, cnt, (off_t)off);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		*donep = 0;
		return hyp_errno_from_host(errno);
	}
	done = (size_t)n;
	if (done == total || (!write && n == 0)) {
		*donep = done;
		return 0;
	}
	/* Finish a short transfer element by element. */
	skip = done;
	for (i = 0; i < cnt; i++) {
		if (skip >= hiov[i].iov_len) {
			skip -= hiov[i].iov_len;
			continue;
		}
		error = write ?
		    hyp_pwrite(fd, (char *)hiov[i].iov_base + skip,
		    hiov[i].iov_len - skip, off + done, &part) :
		    hyp_pread(fd, (char *)hiov[i].iov_base + skip,
		    hiov[i].iov_len - skip, off + done, &part);
		done += part;
		if (error != 0 || part < hiov[i].iov_len - skip)
			break;
		skip = 0;
	}
	*donep = done;
	return error;
}

int
hyp_preadv(int fd, const struct hyp_iovec *iov, int cnt, uint64_t off,
    size_t *donep)
{
	return hyp_rwv(fd, iov, cnt, off, donep, 0);
}

int
hyp_pwritev(int fd, const struct hyp_iovec *iov, int cnt, uint64_t off,
    size_t *donep)
{
	return hyp_rwv(fd, iov, cnt, off, donep, 1);
}

int
hyp_fsync(int fd)
{
	if (fsync(fd) == -1 && errno != EINVAL && errno != EROFS)
		return hyp_errno_from_host(errno);
	return 0;
}

int
hyp_mmap(int fd, uint64_t off, size_t len, int prot, void **addrp)
{
	void *p;
	int hprot = 0;

	if (prot & HYP_PROT_READ)
		hprot |= PROT_READ;
	if (prot & HYP_PROT_WRITE)
		hprot |= PROT_WRITE;
	if (check_off(off, len) != 0)
		return HYP_EINVAL;
	p = mmap(NULL, len, hprot, MAP_SHARED, fd, (off_t)off);
	if (p == MAP_FAILED)
		return hyp_errno_from_host(errno);
	*addrp = p;
	return 0;
}

/* Synchronously flush a byte range of a mapping; the range is widened to
 * whole host pages as msync requires. */
int
hyp_msync(void *addr, size_t len)
{
	uintptr_t start, end, pg;

	pg = (uintptr_t)hyp_pagesize();
	start = (uintptr_t)addr & ~(pg - 1);
	end = ((uintptr_t)addr + len + pg - 1) & ~(pg - 1);
	if (msync((void *)start, end - start, MS_SYNC) == -1)
		return hyp_errno_from_host(errno);
	return 0;
}

int
hyp_munmap(void *addr, size_t len)
{
	if (munmap(addr, len) == -1)
		return hyp_errno_from_host(errno);
	return 0;
}

int
hyp_flock(int fd, int mode)
{
	int op = 0;

	if (mode & HYP_LOCK_SH)
		op = LOCK_SH;
	else if (mode & HYP_LOCK_EX)
		op = LOCK_EX;
	else if (mode & HYP_LOCK_UN)
		op = LOCK_UN;
	else
		return HYP_EINVAL;
	if (mode & HYP_LOCK_NB)
		op |= LOCK_NB;
	while (flock(fd, op) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			return HYP_EAGAIN;
		return hyp_errno_from_host(errno);
	}
	return 0;
}

size_t
hyp_pagesize(void)
{
	static size_t pagesize;

	if (pagesize == 0)
		pagesize = (size_t)sysconf(_SC_PAGESIZE);
	return pagesize;
}

int
hyp_create(const char *path, uint32_t mode, int *fdp)
{
	int fd;

	do {
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
		    (mode_t)(mode & 0777));
	} while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return hyp_errno_from_host(errno);
	/* The bits asked for, whatever the umask. */
	(void)fchmod(fd, (mode_t)(mode & 0777));
	*fdp = fd;
	return 0;
}

int
hyp_unlink(const char *path)
{
	if (unlink(path) == -1)
		return hyp_errno_from_host(errno);
	return 0;
}

/* fsync the directory that holds path ("." for a name without a slash). */
int
hyp_fsync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t len;
	int fd, error = 0;

	if (slash == NULL) {
		strcpy(dir, ".");
	} else {
		len = slash == path ? 1 : (size_t)(slash - path);
		if (len >= sizeof(dir))
			return HYP_ENAMETOOLONG;
		memcpy(dir, path, len);
		dir[len] = '\0';
	}
	do {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return hyp_errno_from_host(errno);
	if (fsync(fd) == -1 && errno != EINVAL && errno != EROFS)
		error = hyp_errno_from_host(errno);
	(void)close(fd);
	return error;
}

int
hyp_realpath(const char *path, char *buf, size_t len)
{
	char *p;
	size_t n;

	if ((p = realpath(path, NULL)) == NULL)
		return hyp_errno_from_host(errno);
	n = strlen(p);
	if (n >= len) {
		free(p);
		return HYP_ENAMETOOLONG;
	}
	memcpy(buf, p, n + 1);
	free(p);
	return 0;
}

int
hyp_filemode(int fd, uint32_t *modep)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return hyp_errno_from_host(errno);
	*modep = (uint32_t)(st.st_mode & 07777);
	return 0;
}

/*
 * Start writing back what the host caches of [off, off + len) of a file,
 * without waiting for it: a later fdatasync then has less to wait for.
 * A hint only; hosts without sync_file_range do nothing.
 */
int
hyp_writeback(int fd, uint64_t off, uint64_t len)
{
#ifdef SYNC_FILE_RANGE_WRITE
	if (off > INT64_MAX || len > INT64_MAX - off)
		return HYP_EINVAL;
	(void)sync_file_range(fd, (off_t)off, (off_t)len,
	    SYNC_FILE_RANGE_WRITE);
#else
	(void)fd; (void)off; (void)len;
#endif
	return 0;
}

int
hyp_fdatasync(int fd)
{
	if (fdatasync(fd) == -1 && errno != EINVAL && errno != EROFS)
		return hyp_errno_from_host(errno);
	return 0;
}

int
hyp_ftruncate(int fd, uint64_t size)
{
	if (size > (uint64_t)INT64_MAX)
		return HYP_EINVAL;
	while (ftruncate(fd, (off_t)size) == -1) {
		if (errno != EINTR)
			return hyp_errno_from_host(errno);
	}
	return 0;
}
