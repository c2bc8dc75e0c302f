/*
 * dir.h: on-disk directory entries of the Fast File System.
 *
 * A directory is a file whose data is split into DIRBLKSIZ-byte chunks;
 * no entry crosses a chunk boundary.  Each chunk is a chain of
 * variable-length entries whose d_reclen fields add up to DIRBLKSIZ: an
 * entry is an 8-byte header, the name, a NUL, and padding to a multiple
 * of 4.  Free space is kept by making d_reclen larger than the entry
 * needs; an entry with d_ino 0 is an empty slot (only possible at the
 * start of a chunk, or in a damaged directory).  The first two entries
 * of every directory are "." and "..".
 *
 * Two header formats exist.  The 4.4BSD ("new") format splits the old
 * 16-bit name length into a type byte (DT_*) and an 8-bit length; it is
 * used by UFS2 and by UFS1 with fs_maxsymlinklen > 0.  The 4.2BSD ("old")
 * format has a 16-bit d_namlen and no type.  In a big-endian old entry
 * the high byte of d_namlen sits where d_type would be, so the two read
 * alike there.
 */
#ifndef _KERN_FS_FFS_DIR_H_
#define _KERN_FS_FFS_DIR_H_

#include "../../sys/param.h"
#include "../../sys/systm.h"

#define DIRBLKSIZ	512		/* chunk size */
#define FFS_MAXNAMLEN	255		/* bytes in a name */

/* 4.4BSD entry header, followed by the name. */
struct direct {
	uint32_t d_ino;			/* 0: inode, 0 for an empty slot */
	uint16_t d_reclen;		/* 4: bytes to the next entry */
	uint8_t	d_type;			/* 6: DT_* */
	uint8_t	d_namlen;		/* 7: name length */
	char	d_name[FFS_MAXNAMLEN + 1]; /* 8: NUL-terminated name */
};

/* 4.2BSD entry header, followed by the name. */
struct odirect {
	uint32_t d_ino;			/* 0 */
	uint16_t d_reclen;		/* 4 */
	uint16_t d_namlen;		/* 6: name length */
	char	d_name[FFS_MAXNAMLEN + 1]; /* 8 */
};

#define DIRHDRSIZ	8		/* bytes before the name */

CTASSERT(offsetof(struct direct, d_name) == DIRHDRSIZ);
CTASSERT(offsetof(struct odirect, d_name) == DIRHDRSIZ);

/* Smallest d_reclen that holds a name of namlen bytes and its NUL. */
#define FFS_DIRSIZ(namlen)	(DIRHDRSIZ + (((namlen) + 1 + 3) & ~3))

#endif /* !_KERN_FS_FFS_DIR_H_ */
