/*
 * ecp_util.c: small helpers of fsu_ecp: growing paths, the -v line, and
 * file flags on the host.
 *
 * The host's flags: Linux has no BSD file flags but inode attributes
 * (chattr(1)); three of them mean the same thing and are mapped both
 * ways: nodump (UF_NODUMP), append-only (SF_APPEND; UF_APPEND maps to
 * it too) and immutable (SF_IMMUTABLE; UF_IMMUTABLE too).  Other flags
 * are not copied to or from the host.
 */
#include <sys/types.h>
#include <sys/ioctl.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __linux__
#include <linux/fs.h>
#endif

#include "ecp.h"
#include "fsu.h"

#define UF_NODUMP_	0x00000001
#define UF_IMMUTABLE_	0x00000002
#define UF_APPEND_	0x00000004
#define SF_IMMUTABLE_	0x00020000
#define SF_APPEND_	0x00040000

/*
 * Make the path its first len bytes followed by "/name" (no slash is
 * doubled; a NULL name only cuts).  Returns -1 with errno ENOMEM.
 */
int
ecp_path_set(struct ecp_path *ep, size_t len, const char *name)
{
	size_t nlen = name != NULL ? strlen(name) : 0, need;
	char *p;

	need = len + 1 + nlen + 1;
	if (need > ep->ep_cap) {
		if ((p = realloc(ep->ep_buf, need * 2)) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		ep->ep_buf = p;
		ep->ep_cap = need * 2;
	}
	if (nlen > 0 && len > 0 && ep->ep_buf[len - 1] != '/')
		ep->ep_buf[len++] = '/';
	if (nlen > 0)
		memcpy(ep->ep_buf + len, name, nlen);
	ep->ep_len = len + nlen;
	ep->ep_buf[ep->ep_len] = '\0';
	return 0;
}

void
ecp_path_free(struct ecp_path *ep)
{
	free(ep->ep_buf);
	memset(ep, 0, sizeof(*ep));
}

/* -v: "source -> target". */
void
ecp_copied(struct ecp *e)
{
	if (e->e_vflag)
		printf("%s -> %s\n", e->e_src.ep_buf, e->e_dst.ep_buf);
}

/* The BSD flags of host descriptor fd (0 where the host has none). */
int
ecp_host_getflags(int fd, uint32_t *flagsp)
{
#ifdef FS_IOC_GETFLAGS
	int attr = 0;

	*flagsp = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &attr) == -1)
		return errno == ENOTTY || errno == EOPNOTSUPP ||
		    errno == EINVAL ? 0 : -1;
	if (attr & FS_NODUMP_FL)
		*flagsp |= UF_NODUMP_;
	if (attr & FS_APPEND_FL)
		*flagsp |= SF_APPEND_;
	if (attr & FS_IMMUTABLE_FL)
		*flagsp |= SF_IMMUTABLE_;
#else
	(void)fd;
	*flagsp = 0;
#endif
	return 0;
}

/* Give host descriptor fd the flags it can have of BSD flags. */
int
ecp_host_setflags(int fd, uint32_t flags)
{
#ifdef FS_IOC_SETFLAGS
	int attr = 0, nattr;

	if ((flags & (UF_NODUMP_ | UF_APPEND_ | SF_APPEND_ | UF_IMMUTABLE_ |
	    SF_IMMUTABLE_)) == 0)
		return 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &attr) == -1)
		return -1;
	nattr = attr & ~(FS_NODUMP_FL | FS_APPEND_FL | FS_IMMUTABLE_FL);
	if (flags & UF_NODUMP_)
		nattr |= FS_NODUMP_FL;
	if (flags & (UF_APPEND_ | SF_APPEND_))
		nattr |= FS_APPEND_FL;
	if (flags & (UF_IMMUTABLE_ | SF_IMMUTABLE_))
		nattr |= FS_IMMUTABLE_FL;
	if (nattr != attr && ioctl(fd, FS_IOC_SETFLAGS, &nattr) == -1)
		return -1;
#else
	(void)fd;
	if (flags != 0) {
		errno = EOPNOTSUPP;
		return -1;
	}
#endif
	return 0;
}
