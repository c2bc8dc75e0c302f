/*
 * hyp_errno.h: the kernel's error numbers.
 *
 * The embedded kernel has an error space of its own, numbered as in
 * 4.4BSD/NetBSD, so that its code reads like any BSD kernel and does not
 * depend on the host's numbering.  lib/hyp_errno.c translates host errors
 * into this space, and libukfs translates back at the API boundary.
 * Freestanding: no includes.
 */
#ifndef _LIB_HYP_ERRNO_H_
#define _LIB_HYP_ERRNO_H_

#define HYP_EPERM		1	/* Operation not permitted */
#define HYP_ENOENT		2	/* No such file or directory */
#define HYP_ESRCH		3	/* No such process */
#define HYP_EINTR		4	/* Interrupted system call */
#define HYP_EIO			5	/* Input/output error */
#define HYP_ENXIO		6	/* Device not configured */
#define HYP_E2BIG		7	/* Argument list too long */
#define HYP_ENOEXEC		8	/* Exec format error */
#define HYP_EBADF		9	/* Bad file descriptor */
#define HYP_ECHILD		10	/* No child processes */
#define HYP_EDEADLK		11	/* Resource deadlock avoided */
#define HYP_ENOMEM		12	/* Cannot allocate memory */
#define HYP_EACCES		13	/* Permission denied */
#define HYP_EFAULT		14	/* Bad address */
#define HYP_ENOTBLK		15	/* Block device required */
#define HYP_EBUSY		16	/* Device busy */
#define HYP_EEXIST		17	/* File exists */
#define HYP_EXDEV		18	/* Cross-device link */
#define HYP_ENODEV		19	/* Operation not supported by device */
#define HYP_ENOTDIR		20	/* Not a directory */
#define HYP_EISDIR		21	/* Is a directory */
#define HYP_EINVAL		22	/* Invalid argument */
#define HYP_ENFILE		23	/* Too many open files in system */
#define HYP_EMFILE		24	/* Too many open files */
#define HYP_ENOTTY		25	/* Inappropriate ioctl for device */
#define HYP_ETXTBSY		26	/* Text file busy */
#define HYP_EFBIG		27	/* File too large */
#define HYP_ENOSPC		28	/* No space left on device */
#define HYP_ESPIPE		29	/* Illegal seek */
#define HYP_EROFS		30	/* Read-only file system */
#define HYP_EMLINK		31	/* Too many links */
#define HYP_EPIPE		32	/* Broken pipe */
#define HYP_EDOM		33	/* Numerical argument out of domain */
#define HYP_ERANGE		34	/* Result too large */
#define HYP_EAGAIN		35	/* Resource temporarily unavailable */
#define HYP_EOPNOTSUPP		45	/* Operation not supported */
#define HYP_ELOOP		62	/* Too many levels of symbolic links */
#define HYP_ENAMETOOLONG	63	/* File name too long */
#define HYP_ENOTEMPTY		66	/* Directory not empty */
#define HYP_EDQUOT		69	/* Disc quota exceeded */
#define HYP_ESTALE		70	/* Stale NFS file handle */
#define HYP_ENOSYS		78	/* Function not implemented */
#define HYP_EFTYPE		79	/* Inappropriate file type or format */
#define HYP_EOVERFLOW		84	/* Value too large to be stored */
#define HYP_ETIMEDOUT		60	/* Operation timed out */
#define HYP_ENOTSUP		86	/* Not supported */
#define HYP_EBADMSG		88	/* Bad or unusable message (journal) */

#endif /* !_LIB_HYP_ERRNO_H_ */
