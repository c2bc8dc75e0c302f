/*
 * fsck.h: checking and repairing a file system that is not mounted.
 *
 * A file system type that can check itself sets vfs_fsck in its vfsops.
 * The checker reads the device in block order, never mounts it, and
 * reports each problem through fa_print as one line naming the inode,
 * block or group.  What it may change depends on fa_mode:
 *
 *	FSCK_NOWRITE	-n: change nothing
 *	FSCK_PREEN	-p: fix only what is safe without asking (counts,
 *			maps, link counts, unreferenced inodes, clean flag)
 *	FSCK_YES	-y: fix everything it can
 *
 * FSCK_FORCE (-f) checks a file system marked clean in preen mode, which
 * otherwise skips it.  The results come back in the fa_* counters.
 */
#ifndef _KERN_SYS_FSCK_H_
#define _KERN_SYS_FSCK_H_

#include "param.h"

#define FSCK_NOWRITE	0
#define FSCK_PREEN	1
#define FSCK_YES	2

/* fa_flags */
#define FSCK_FORCE	0x01	/* check even when marked clean */
#define FSCK_DEBUG	0x02	/* say what each pass does */

struct fsck_args {
	int		fa_mode;	/* FSCK_NOWRITE, _PREEN, _YES */
	int		fa_flags;	/* FSCK_FORCE, FSCK_DEBUG */
	void		(*fa_print)(void *, const char *);
	void		*fa_arg;
	/* Results. */
	uint64_t	fa_found;	/* problems found */
	uint64_t	fa_fixed;	/* of which fixed */
	uint64_t	fa_files;	/* inodes in use */
	uint64_t	fa_frags;	/* fragments in use */
	bool		fa_skipped;	/* marked clean, not checked */
	bool		fa_modified;	/* the image was changed */
	bool		fa_clean;	/* consistent at the end (and marked) */
};

#endif /* !_KERN_SYS_FSCK_H_ */
