/*
 * ktypes.h: the kernel's basic types that are safe to share with host
 * code.  Interface headers that tests and libukfs include next to host
 * headers (kern/sys.h, kern/dev/blk.h, kern/dev/part.h) use only this;
 * param.h adds the BSD type names and constants for kernel code.
 */
#ifndef _KERN_SYS_KTYPES_H_
#define _KERN_SYS_KTYPES_H_

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A piece of memory to transfer to or from. */
struct kiovec {
	void	*iov_base;
	size_t	 iov_len;
};

/* Time as the kernel keeps it. */
struct ktimespec {
	int64_t	tv_sec;
	int32_t	tv_nsec;
};

#endif /* !_KERN_SYS_KTYPES_H_ */
