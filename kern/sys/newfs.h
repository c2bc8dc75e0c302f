/*
 * newfs.h: making a new file system on a device, and sizing one to fit
 * given contents.
 *
 * A file system type that can create itself sets vfs_newfs in its
 * vfsops.  vfs_newfs(devvp, na) lays a new, empty file system on the
 * device vnode devvp, which is not mounted; with devvp NULL nothing is
 * written and the layout is only computed (a dry run, or choosing a
 * size).  What is asked and what comes back are in the struct knewfs of
 * the system call (sys.h):
 *
 *	kn_size		bytes of the device to use.  With kn_ent set and
 *			kn_size 0, the type chooses the smallest size whose
 *			file system holds those entries with kn_freebytes
 *			(+ kn_freepct % of the size) free and kn_freefiles
 *			(+ kn_freefpct % of the inodes) inodes free, and
 *			puts it there.
 *	kn_opts		the type's own options, "key=value" pairs separated
 *			by commas; unknown keys are refused (EINVAL).
 *	kn_print	one line at a time describing the file system made.
 *	kn_fssize, kn_avail, kn_files	the results.
 *
 * na_zeroed says the device reads as zeros (a file just made), so the
 * type need not clear its tables.  The generic part (vfs_newfs() in
 * vfs_mount.c) sizes and clears a whole image file first.
 */
#ifndef _KERN_SYS_NEWFS_H_
#define _KERN_SYS_NEWFS_H_

#include "param.h"
#include "../sys.h"

struct newfs_args {
	struct knewfs	*na_kn;		/* the request and its results */
	bool		 na_zeroed;	/* the device reads as zeros */
};

/* Print a line through kn_print (nothing if there is none). */
void	newfs_print(const struct newfs_args *, const char *, ...)
	    __printflike(2, 3);

#endif /* !_KERN_SYS_NEWFS_H_ */
