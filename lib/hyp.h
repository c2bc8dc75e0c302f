/*
 * hyp.h: the hypercall interface, the whole contract between the embedded
 * kernel (kern/) and the host it runs on.
 *
 * Rules of this interface:
 *  - It includes only freestanding C headers, so kern/ can include it
 *    without pulling in any host header.
 *  - Every call that can fail returns an error number from the kernel's
 *    error space (HYP_E*, see hyp_errno.h), 0 on success; results come back
 *    through pointers.  Host errno values never cross this boundary.
 *  - No host structure layout crosses it either: sizes are uint64_t, times
 *    are seconds plus nanoseconds, locks are opaque pointers.
 *
 * The implementation (lib/hyp_*.c) is the only code in the project that
 * calls the host operating system on the kernel's behalf.
 */
#ifndef _LIB_HYP_H_
#define _LIB_HYP_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "hyp_errno.h"

#define HYP_VERSION	1

/* Files: open flags. */
#define HYP_O_RDONLY	0x0001
#define HYP_O_RDWR	0x0002
#define HYP_O_CREAT	0x0004	/* with HYP_O_RDWR: create if missing */

/* Host file types reported by hyp_fileinfo(). */
#define HYP_FT_OTHER	0
#define HYP_FT_REG	1
#define HYP_FT_BLK	2
#define HYP_FT_CHR	3

/* hyp_mmap() protection. */
#define HYP_PROT_READ	0x1
#define HYP_PROT_WRITE	0x2

/* hyp_flock() modes. */
#define HYP_LOCK_SH	0x1
#define HYP_LOCK_EX	0x2
#define HYP_LOCK_UN	0x4
#define HYP_LOCK_NB	0x8

struct hyp_iovec {
	void	*iov_base;
	size_t	 iov_len;
};

int	hyp_open(const char *, int, int *);
int	hyp_close(int);
int	hyp_fileinfo(int, uint64_t *, int *);
int	hyp_pread(int, void *, size_t, uint64_t, size_t *);
int	hyp_pwrite(int, const void *, size_t, uint64_t, size_t *);
int	hyp_preadv(int, const struct hyp_iovec *, int, uint64_t, size_t *);
int	hyp_pwritev(int, const struct hyp_iovec *, int, uint64_t, size_t *);
int	hyp_fsync(int);
int	hyp_mmap(int, uint64_t, size_t, int, void **);
int	hyp_msync(void *, size_t);
int	hyp_munmap(void *, size_t);
int	hyp_flock(int, int);
size_t	hyp_pagesize(void);

/*
 * Files beside an image (the journal): create a new file exclusively
 * with the given permission bits (the umask does not apply), make its data durable (fdatasync),
 * set its size, remove one, make a file's directory
 * entry durable (fsync of the directory holding the path), the
 * canonical absolute path of a file (symbolic links resolved), and the
 * permission bits of an open file.
 */
int	hyp_create(const char *, uint32_t, int *);
int	hyp_fdatasync(int);
int	hyp_writeback(int, uint64_t, uint64_t);
int	hyp_ftruncate(int, uint64_t);
int	hyp_unlink(const char *);
int	hyp_fsync_dir(const char *);
int	hyp_realpath(const char *, char *, size_t);
int	hyp_filemode(int, uint32_t *);

/* Memory: plain host memory; the kernel does its own accounting. */
void	*hyp_malloc(size_t);
void	hyp_free(void *, size_t);

/* Threads and synchronisation. */
struct hyp_mutex;
struct hyp_rwlock;
struct hyp_cond;
struct hyp_thread;

int	hyp_mutex_init(struct hyp_mutex **);
void	hyp_mutex_destroy(struct hyp_mutex *);
void	hyp_mutex_enter(struct hyp_mutex *);
int	hyp_mutex_tryenter(struct hyp_mutex *);
void	hyp_mutex_exit(struct hyp_mutex *);

int	hyp_rw_init(struct hyp_rwlock **);
void	hyp_rw_destroy(struct hyp_rwlock *);
void	hyp_rw_enter(struct hyp_rwlock *, int);
int	hyp_rw_tryenter(struct hyp_rwlock *, int);
void	hyp_rw_exit(struct hyp_rwlock *);

int	hyp_cond_init(struct hyp_cond **);
void	hyp_cond_destroy(struct hyp_cond *);
void	hyp_cond_wait(struct hyp_cond *, struct hyp_mutex *);
int	hyp_cond_timedwait(struct hyp_cond *, struct hyp_mutex *, int64_t,
	    long);
void	hyp_cond_signal(struct hyp_cond *);
void	hyp_cond_broadcast(struct hyp_cond *);

int	hyp_thread_create(void *(*)(void *), void *, struct hyp_thread **);
int	hyp_thread_join(struct hyp_thread *, void **);
uint64_t hyp_thread_self(void);
void	hyp_yield(void);

/* Clocks. */
#define HYP_CLOCK_REALTIME	0
#define HYP_CLOCK_MONOTONIC	1
int	hyp_clock_gettime(int, int64_t *, long *);
/* Seconds east of UTC of the host's local time zone at a UTC time. */
int	hyp_gmtoff(int64_t, int32_t *);

/* Parameters, randomness, console, death. */
int	hyp_getenv(const char *, char *, size_t);
int	hyp_getrandom(void *, size_t);
void	hyp_console_write(const char *, size_t);
void	hyp_abort(void) __attribute__((__noreturn__));

/*
 * A simulated power cut (the crash test hook of the block device): end
 * the process at once, with no clean-up and no buffered output, and exit
 * status HYP_CRASH_STATUS.
 */
#define HYP_CRASH_STATUS	99
void	hyp_crash(void) __attribute__((__noreturn__));

/* Error translation, used by libukfs at the API boundary. */
int	hyp_errno_to_host(int);
int	hyp_errno_from_host(int);

#endif /* !_LIB_HYP_H_ */
