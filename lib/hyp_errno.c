/*
 * hyp_errno.c: translation between host error numbers and the kernel's
 * (hyp_errno.h).  Errors the host does not know map to the closest one it
 * has; unknown host errors become EIO inside the kernel.
 */
#include <errno.h>

#include "hyp.h"

static const struct {
	int	kern;
	int	host;
} errtab[] = {
	{ HYP_EPERM, EPERM },		{ HYP_ENOENT, ENOENT },
	{ HYP_ESRCH, ESRCH },		{ HYP_EINTR, EINTR },
	{ HYP_EIO, EIO },		{ HYP_ENXIO, ENXIO },
	{ HYP_E2BIG, E2BIG },		{ HYP_ENOEXEC, ENOEXEC },
	{ HYP_EBADF, EBADF },		{ HYP_ECHILD, ECHILD },
	{ HYP_EDEADLK, EDEADLK },	{ HYP_ENOMEM, ENOMEM },
	{ HYP_EACCES, EACCES },		{ HYP_EFAULT, EFAULT },
	{ HYP_ENOTBLK, ENOTBLK },	{ HYP_EBUSY, EBUSY },
	{ HYP_EEXIST, EEXIST },		{ HYP_EXDEV, EXDEV },
	{ HYP_ENODEV, ENODEV },		{ HYP_ENOTDIR, ENOTDIR },
	{ HYP_EISDIR, EISDIR },		{ HYP_EINVAL, EINVAL },
	{ HYP_ENFILE, ENFILE },		{ HYP_EMFILE, EMFILE },
	{ HYP_ENOTTY, ENOTTY },		{ HYP_ETXTBSY, ETXTBSY },
	{ HYP_EFBIG, EFBIG },		{ HYP_ENOSPC, ENOSPC },
	{ HYP_ESPIPE, ESPIPE },		{ HYP_EROFS, EROFS },
	{ HYP_EMLINK, EMLINK },		{ HYP_EPIPE, EPIPE },
	{ HYP_EDOM, EDOM },		{ HYP_ERANGE, ERANGE },
	{ HYP_EAGAIN, EAGAIN },		{ HYP_EOPNOTSUPP, EOPNOTSUPP },
	{ HYP_ELOOP, ELOOP },		{ HYP_ENAMETOOLONG, ENAMETOOLONG },
	{ HYP_ENOTEMPTY, ENOTEMPTY },	{ HYP_EDQUOT, EDQUOT },
	{ HYP_ESTALE, ESTALE },		{ HYP_ENOSYS, ENOSYS },
	{ HYP_EOVERFLOW, EOVERFLOW },	{ HYP_ETIMEDOUT, ETIMEDOUT },
	{ HYP_ENOTSUP, ENOTSUP },	{ HYP_EBADMSG, EBADMSG },
#ifdef EFTYPE
	{ HYP_EFTYPE, EFTYPE },
#else
	/* Linux has no EFTYPE: "Wrong medium type" says the same thing. */
	{ HYP_EFTYPE, EMEDIUMTYPE },
#endif
};

int
hyp_errno_to_host(int kerr)
{
	size_t i;

	if (kerr == 0)
		return 0;
	for (i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].kern == kerr)
			return errtab[i].host;
	return EIO;
}

int
hyp_errno_from_host(int herr)
{
	size_t i;

	if (herr == 0)
		return 0;
	for (i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].host == herr)
			return errtab[i].kern;
	return HYP_EIO;
}
