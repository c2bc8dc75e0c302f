/*
 * param.h: basic kernel types, limits and helper macros.  Everything in
 * kern/ starts by including this header; it pulls in only freestanding C
 * headers and the kernel's error numbers.
 */
#ifndef _KERN_SYS_PARAM_H_
#define _KERN_SYS_PARAM_H_

#include "ktypes.h"
#include "errno.h"

typedef int64_t		daddr_t;	/* device address, DEV_BSIZE units */
typedef int64_t		off_t;		/* byte offset in a file */
typedef uint64_t	ino_t;		/* inode number */
typedef uint32_t	mode_t;
typedef uint32_t	uid_t;
typedef uint32_t	gid_t;
typedef uint64_t	dev_t;
typedef uint32_t	nlink_t;

#define DEV_BSHIFT	9
#define DEV_BSIZE	(1 << DEV_BSHIFT)	/* units of daddr_t */
#define PAGE_SHIFT	12
#define PAGE_SIZE	(1 << PAGE_SHIFT)	/* page cache granule */
#define PAGE_MASK	(PAGE_SIZE - 1)
#define MAXPATHLEN	1024		/* including the terminating NUL */
#define NAME_MAX	255		/* bytes in a path component */
#define MAXSYMLINKS	32		/* symlinks followed by one lookup */
#define MAXBSIZE	65536		/* largest file system block */
#define MAXPHYS		(1024 * 1024)	/* largest single transfer */
#define NGROUPS_MAX	16

#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define howmany(x, y)	(((x) + ((y) - 1)) / (y))
#define roundup(x, y)	((((x) + ((y) - 1)) / (y)) * (y))
#define rounddown(x, y)	(((x) / (y)) * (y))
#define powerof2(x)	((((x) - 1) & (x)) == 0)
#define __arraycount(a)	(sizeof(a) / sizeof((a)[0]))
#define __unused	__attribute__((__unused__))
#define __printflike(f, a) __attribute__((__format__(__printf__, f, a)))
#define __dead		__attribute__((__noreturn__))
#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* File types and permission bits in a mode (the historical values). */
#define S_IFMT		0170000
#define S_IFIFO		0010000
#define S_IFCHR		0020000
#define S_IFDIR		0040000
#define S_IFBLK		0060000
#define S_IFREG		0100000
#define S_IFLNK		0120000
#define S_IFSOCK	0140000
#define S_IFWHT		0160000
#define S_ISUID		0004000
#define S_ISGID		0002000
#define S_ISVTX		0001000
#define ALLPERMS	0007777
#define ACCESSPERMS	0000777

/* File flags (chflags), as in BSD. */
#define UF_NODUMP	0x00000001
#define UF_IMMUTABLE	0x00000002
#define UF_APPEND	0x00000004
#define UF_OPAQUE	0x00000008
#define SF_ARCHIVED	0x00010000
#define SF_IMMUTABLE	0x00020000
#define SF_APPEND	0x00040000
#define IMMUTABLE	(UF_IMMUTABLE | SF_IMMUTABLE)
#define APPEND		(UF_APPEND | SF_APPEND)

/* Device numbers (NetBSD encoding, as stored by BSD file systems). */
#define major(d)	((uint32_t)((((d) & 0x000fff00) >> 8)))
#define minor(d)	((uint32_t)((((d) & 0xfff00000) >> 12) | \
			    (((d) & 0x000000ff) >> 0)))
#define makedev(x, y)	((dev_t)((((dev_t)(x) << 8) & 0x000fff00) | \
			    (((dev_t)(y) << 12) & 0xfff00000) | \
			    (((dev_t)(y) << 0) & 0x000000ff)))

/* Directory entry types. */
#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12
#define DT_WHT		14

#endif /* !_KERN_SYS_PARAM_H_ */
