/*
 * uio.h: descriptions of kernel memory to copy to or from.  The kernel and
 * its caller share one address space, so "user" buffers are plain kernel
 * addresses and uiomove() is a memcpy.
 */
#ifndef _KERN_SYS_UIO_H_
#define _KERN_SYS_UIO_H_

#include "param.h"

enum uio_rw { UIO_READ, UIO_WRITE };

struct uio {
	struct kiovec	*uio_iov;	/* remaining vectors */
	int		 uio_iovcnt;
	off_t		 uio_offset;	/* file offset, or directory cookie */
	size_t		 uio_resid;	/* bytes left to move */
	enum uio_rw	 uio_rw;	/* UIO_READ: kernel data to buffer */
};

int	uiomove(void *, size_t, struct uio *);
void	uio_setup(struct uio *, struct kiovec *, void *, size_t, off_t,
	    enum uio_rw);

#endif /* !_KERN_SYS_UIO_H_ */
