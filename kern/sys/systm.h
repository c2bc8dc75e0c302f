/*
 * systm.h: kernel services every file uses: console messages, panic and
 * assertions, and the few pure libc helpers the kernel may call (mem*,
 * str*, snprintf), declared here because kern/ includes no host header.
 */
#ifndef _KERN_SYS_SYSTM_H_
#define _KERN_SYS_SYSTM_H_

#include "param.h"

void	*memcpy(void *, const void *, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	memcmp(const void *, const void *, size_t);
void	*memchr(const void *, int, size_t);
size_t	strlen(const char *);
size_t	strnlen(const char *, size_t);
int	strcmp(const char *, const char *);
int	strncmp(const char *, const char *, size_t);
char	*strchr(const char *, int);
char	*strrchr(const char *, int);
int	snprintf(char *, size_t, const char *, ...) __printflike(3, 4);
int	vsnprintf(char *, size_t, const char *, va_list);

/* -ffreestanding turns builtins off; keep them for the hot helpers. */
#define memcpy(d, s, n)		__builtin_memcpy(d, s, n)
#define memmove(d, s, n)	__builtin_memmove(d, s, n)
#define memset(d, c, n)		__builtin_memset(d, c, n)
#define memcmp(a, b, n)		__builtin_memcmp(a, b, n)
#define strlen(s)		__builtin_strlen(s)

/*
 * Console output.  printf() always reaches the console (the host's standard
 * error); it is for warnings the user must see.  kverbose() prints only
 * when RUMP_VERBOSE is set or a program asked for -v.
 */
void	kprintf(const char *, ...) __printflike(1, 2);
void	kvprintf(const char *, va_list);
void	kverbose(const char *, ...) __printflike(1, 2);
extern int kernel_verbose;

void	panic(const char *, ...) __printflike(1, 2) __dead;

#define KASSERT(e)	do {						\
	if (__builtin_expect(!(e), 0))					\
		panic("kernel assertion \"%s\" failed: file \"%s\", "	\
		    "line %d", #e, __FILE__, __LINE__);			\
} while (/* CONSTCOND */ 0)

#define KASSERTMSG(e, ...) do {						\
	if (__builtin_expect(!(e), 0))					\
		panic(__VA_ARGS__);					\
} while (/* CONSTCOND */ 0)

#define CTASSERT(e)	_Static_assert(e, #e)

/* Parameters from the environment (hyp_getenv with parsing). */
int	kparam_get(const char *, char *, size_t);
int	kparam_getnum(const char *, uint64_t *);

/* Time. */
void	getnanotime(struct ktimespec *);
void	vfs_timestamp(struct ktimespec *);
void	kclock_clamp(struct ktimespec *);
bool	kclock_reproducible(void);
int32_t	kclock_gmtoff(int64_t);
int64_t	kclock_days(int64_t, int, int);
void	kclock_civil(int64_t, int64_t *, int *, int *);

/* In-place sort (heap sort). */
void	ksort(void *, size_t, size_t, int (*)(const void *, const void *));

/* Random numbers (for generation numbers and fs ids). */
uint32_t karc4random(void);

/* CRC-32C of len bytes, continuing from crc (0 to start). */
uint32_t crc32c(uint32_t, const void *, size_t);
uint32_t crc32c_sw(uint32_t, const void *, size_t);

#endif /* !_KERN_SYS_SYSTM_H_ */
