/*
 * errno.h: kernel error numbers (BSD numbering, from lib/hyp_errno.h).
 * Kernel functions return 0 or one of these; the global errno of the host
 * is never used inside the kernel.
 */
#ifndef _KERN_SYS_ERRNO_H_
#define _KERN_SYS_ERRNO_H_

#include "../../lib/hyp_errno.h"

#define EPERM		HYP_EPERM
#define ENOENT		HYP_ENOENT
#define ESRCH		HYP_ESRCH
#define EINTR		HYP_EINTR
#define EIO		HYP_EIO
#define ENXIO		HYP_ENXIO
#define E2BIG		HYP_E2BIG
#define EBADF		HYP_EBADF
#define EDEADLK		HYP_EDEADLK
#define ENOMEM		HYP_ENOMEM
#define EACCES		HYP_EACCES
#define EFAULT		HYP_EFAULT
#define ENOTBLK		HYP_ENOTBLK
#define EBUSY		HYP_EBUSY
#define EEXIST		HYP_EEXIST
#define EXDEV		HYP_EXDEV
#define ENODEV		HYP_ENODEV
#define ENOTDIR		HYP_ENOTDIR
#define EISDIR		HYP_EISDIR
#define EINVAL		HYP_EINVAL
#define ENFILE		HYP_ENFILE
#define EMFILE		HYP_EMFILE
#define ENOTTY		HYP_ENOTTY
#define ETXTBSY		HYP_ETXTBSY
#define EFBIG		HYP_EFBIG
#define ENOSPC		HYP_ENOSPC
#define ESPIPE		HYP_ESPIPE
#define EROFS		HYP_EROFS
#define EMLINK		HYP_EMLINK
#define EPIPE		HYP_EPIPE
#define EDOM		HYP_EDOM
#define ERANGE		HYP_ERANGE
#define EAGAIN		HYP_EAGAIN
#define EOPNOTSUPP	HYP_EOPNOTSUPP
#define ELOOP		HYP_ELOOP
#define ENAMETOOLONG	HYP_ENAMETOOLONG
#define ENOTEMPTY	HYP_ENOTEMPTY
#define EDQUOT		HYP_EDQUOT
#define ESTALE		HYP_ESTALE
#define ENOSYS		HYP_ENOSYS
#define EFTYPE		HYP_EFTYPE
#define EOVERFLOW	HYP_EOVERFLOW
#define ETIMEDOUT	HYP_ETIMEDOUT
#define ENOTSUP		HYP_ENOTSUP
#define EBADMSG		HYP_EBADMSG

#endif /* !_KERN_SYS_ERRNO_H_ */
