/*
 * namei.h: path name lookup.
 *
 * namei() resolves ni_path relative to the process's current directory
 * (or its root for absolute paths): "." and ".." (".." never leaves the
 * process's root, and crosses back over mount points), symbolic links (at
 * most MAXSYMLINKS, else ELOOP; the last one followed only with FOLLOW),
 * mount points, and trailing slashes (the last component must then be a
 * directory, or be created as one).  ENAMETOOLONG for a component over
 * NAME_MAX bytes or a path of MAXPATHLEN bytes or more.
 *
 * On success, for NAMEI_LOOKUP ni_vp is the referenced result; for
 * NAMEI_CREATE, NAMEI_DELETE and NAMEI_RENAME ni_dvp is the referenced
 * parent, ni_vp the referenced last component or NULL when it does not
 * exist, and ni_name/ni_namelen the last component (EINVAL when that is
 * "." or ".."; the root itself has no parent).  namei_release() drops
 * whatever references the result holds.
 */
#ifndef _KERN_SYS_NAMEI_H_
#define _KERN_SYS_NAMEI_H_

#include "param.h"

struct proc;
struct vnode;

enum namei_op { NAMEI_LOOKUP, NAMEI_CREATE, NAMEI_DELETE, NAMEI_RENAME };

/* ni_flags */
#define NAMEI_FOLLOW	0x01	/* follow a symbolic link at the end */

struct nameidata {
	/* In. */
	const char	*ni_path;
	enum namei_op	 ni_op;
	int		 ni_flags;
	struct proc	*ni_proc;
	/* Out. */
	struct vnode	*ni_dvp;
	struct vnode	*ni_vp;
	char		 ni_name[NAME_MAX + 1];
	size_t		 ni_namelen;
	bool		 ni_trailslash;	/* the path ended in '/' */
};

int	namei(struct nameidata *);
void	namei_release(struct nameidata *);
void	namei_init(struct nameidata *, struct proc *, const char *,
	    enum namei_op, int);

#endif /* !_KERN_SYS_NAMEI_H_ */
