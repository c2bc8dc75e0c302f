/*
 * vfs_lookup.c: path name lookup (namei), see namei.h for the contract.
 *
 * The path is copied into a work buffer.  Components are taken one at a
 * time from the current directory vnode dp (referenced).  A symbolic link
 * met on the way is read into a second buffer and the rest of the path is
 * appended to its target, which then replaces the work buffer; an
 * absolute target restarts from the process's root.  ".." at the
 * process's root stays there, which is what keeps a chroot closed; ".."
 * at the root of a mounted file system first steps back to the directory
 * it covers.  Going down, a directory with a file system mounted on it is
 * replaced by that file system's root.
 */
#include "../sys/param.h"
#include "../sys/kmem.h"
#include "../sys/mount.h"
#include "../sys/namei.h"
#include "../sys/proc.h"
#include "../sys/systm.h"
#include "../sys/uio.h"
#include "../sys/vnode.h"

struct lookupstate {
	char	*buf;		/* the remaining path, MAXPATHLEN bytes */
	char	*lnk;		/* link target buffer, MAXPATHLEN bytes */
	char	*cp;		/* next component */
	int	nlinks;		/* symlinks followed */
};

void
namei_init(struct nameidata *ndp, struct proc *p, const char *path,
    enum namei_op op, int flags)
{
	memset(ndp, 0, sizeof(*ndp));
	ndp->ni_path = path;
	ndp->ni_op = op;
	ndp->ni_flags = flags;
	ndp->ni_proc = p;
}

void
namei_release(struct nameidata *ndp)
{
	if (ndp->ni_vp != NULL)
		vrele(ndp->ni_vp);
	if (ndp->ni_dvp != NULL)
		vrele(ndp->ni_dvp);
	ndp->ni_vp = ndp->ni_dvp = NULL;
}

/* Replace *dpp by the root of whatever is mounted on it, repeatedly. */
static int
cross_down(struct vnode **vpp)
{
	struct vnode *vp = *vpp, *rvp;
	int error;

	while (vp->v_type == VDIR && vp->v_mountedhere != NULL) {
		error = vp->v_mountedhere->mnt_op->vfs_root(vp->v_mountedhere,
		    &rvp);
		if (error != 0)
			return error;
		vrele(vp);
		vp = rvp;
	}
	*vpp = vp;
	return 0;
}

/* Look up one component in dp; handles ".", ".." and mount points. */
static int
lookup_one(struct nameidata *ndp, struct vnode **dpp, const char *name,
    size_t len, struct vnode **vpp)
{
	struct proc *p = ndp->ni_proc;
	struct vnode *dp = *dpp, *vp;
	struct vattr va;
	int error;

	if (dp->v_type != VDIR)
		return ENOTDIR;
	if ((error = VOP_GETATTR(dp, &va)) != 0)
		return error;
	if ((error = vaccess(&va, VEXEC, &p->p_cred)) != 0)
		return error;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if (dp == p->p_rdir) {
			vref(dp);
			*vpp = dp;
			return 0;
		}
		while ((dp->v_vflag & VV_ROOT) && dp->v_mount != NULL &&
		    dp->v_mount->mnt_vnodecovered != NULL) {
			vp = dp->v_mount->mnt_vnodecovered;
			vref(vp);
			vrele(dp);
			*dpp = dp = vp;
			if (dp == p->p_rdir) {
				vref(dp);
				*vpp = dp;
				return 0;
			}
		}
	}
	/* "." is the directory itself, in every file system. */
	if (len == 1 && name[0] == '.') {
		vref(dp);
		vp = dp;
	} else if ((error = VOP_LOOKUP(dp, name, len, &vp)) != 0)
		return error;
	if ((error = cross_down(&vp)) != 0) {
		vrele(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

/*
 * Read symlink vp and splice its target in front of the rest of the path
 * (ls->cp).  On return ls->cp points at the new path.
 */
static int
follow_link(struct lookupstate *ls, struct vnode *vp)
{
	struct kiovec iov;
	struct uio uio;
	size_t tlen, rlen;
	int error;

	if (++ls->nlinks > MAXSYMLINKS)
		return ELOOP;
	uio_setup(&uio, &iov, ls->lnk, MAXPATHLEN, 0, UIO_READ);
	if ((error = VOP_READLINK(vp, &uio)) != 0)
		return error;
	tlen = MAXPATHLEN - uio.uio_resid;
	if (tlen == 0)
		return ENOENT;
	rlen = strlen(ls->cp);
	if (tlen + (rlen > 0 ? 1 + rlen : 0) >= MAXPATHLEN)
		return ENAMETOOLONG;
	if (rlen > 0) {
		ls->lnk[tlen] = '/';
		memcpy(ls->lnk + tlen + 1, ls->cp, rlen);
		tlen += 1 + rlen;
	}
	ls->lnk[tlen] = '\0';
	memcpy(ls->buf, ls->lnk, tlen + 1);
	ls->cp = ls->buf;
	return 0;
}

static bool
isdotdot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.');
}

/* The last component has been looked up (vp, or NULL if absent). */
static int
lookup_last(struct nameidata *ndp, struct vnode *dp, struct vnode *vp,
    const char *name, size_t len)
{
	if (ndp->ni_op == NAMEI_LOOKUP) {
		if (ndp->ni_trailslash && vp->v_type != VDIR) {
			vrele(vp);
			vrele(dp);
			return ENOTDIR;
		}
		vrele(dp);
		ndp->ni_vp = vp;
		return 0;
	}
	if (isdotdot(name, len)) {
		if (vp != NULL)
			vrele(vp);
		vrele(dp);
		return EINVAL;
	}
	if (vp != NULL && ndp->ni_trailslash && vp->v_type != VDIR) {
		vrele(vp);
		vrele(dp);
		return ENOTDIR;
	}
	memcpy(ndp->ni_name, name, len);
	ndp->ni_name[len] = '\0';
	ndp->ni_namelen = len;
	ndp->ni_dvp = dp;
	ndp->ni_vp = vp;
	return 0;
}

static int
namei_walk(struct nameidata *ndp, struct lookupstate *ls)
{
	struct proc *p = ndp->ni_proc;
	struct vnode *dp, *vp;
	const char *name;
	size_t len;
	bool last;
	int error;

	dp = ls->cp[0] == '/' ? p->p_rdir : p->p_cdir;
	vref(dp);
	for (;;) {
		while (*ls->cp == '/')
			ls->cp++;
		if (*ls->cp == '\0') {
			/* The path named a directory ("/", "a/.."). */
			if (ndp->ni_op != NAMEI_LOOKUP) {
				vrele(dp);
				return ndp->ni_op == NAMEI_CREATE ? EEXIST :
				    EBUSY;
			}
			ndp->ni_vp = dp;
			return 0;
		}
		name = ls->cp;
		while (*ls->cp != '\0' && *ls->cp != '/')
			ls->cp++;
		len = (size_t)(ls->cp - name);
		if (len > NAME_MAX) {
			vrele(dp);
			return ENAMETOOLONG;
		}
		ndp->ni_trailslash = false;
		while (*ls->cp == '/') {
			ls->cp++;
			ndp->ni_trailslash = true;
		}
		last = *ls->cp == '\0';
		error = lookup_one(ndp, &dp, name, len, &vp);
		if (error == ENOENT && last && (ndp->ni_op == NAMEI_CREATE ||
		    ndp->ni_op == NAMEI_RENAME) && !isdotdot(name, len))
			return lookup_last(ndp, dp, NULL, name, len);
		if (error != 0) {
			vrele(dp);
			return error;
		}
		if (vp->v_type == VLNK && (!last ||
		    (ndp->ni_flags & NAMEI_FOLLOW) || ndp->ni_trailslash)) {
			/* Splice the link: name lies in ls->buf, copy it out
			 * of the way first by rebuilding from ls->cp. */
			if (ndp->ni_trailslash && last)
				ls->cp[0] = '\0';
			error = follow_link(ls, vp);
			vrele(vp);
			if (error != 0) {
				vrele(dp);
				return error;
			}
			if (ls->cp[0] == '/') {
				vrele(dp);
				dp = p->p_rdir;
				vref(dp);
			}
			if (last && ndp->ni_trailslash) {
				/* "link/" names the link's target dir. */
				size_t l = strlen(ls->cp);

				if (l + 1 >= MAXPATHLEN) {
					vrele(dp);
					return ENAMETOOLONG;
				}
				ls->cp[l] = '/';
				ls->cp[l + 1] = '\0';
			}
			continue;
		}
		if (last)
			return lookup_last(ndp, dp, vp, name, len);
		vrele(dp);
		dp = vp;
	}
}

int
namei(struct nameidata *ndp)
{
	struct lookupstate ls;
	size_t len;
	int error;

	KASSERT(ndp->ni_proc != NULL);
	ndp->ni_vp = ndp->ni_dvp = NULL;
	len = strnlen(ndp->ni_path, MAXPATHLEN);
	if (len == 0)
		return ENOENT;
	if (len >= MAXPATHLEN)
		return ENAMETOOLONG;
	if ((ls.buf = kmem_alloc(2 * MAXPATHLEN)) == NULL)
		return ENOMEM;
	ls.lnk = ls.buf + MAXPATHLEN;
	memcpy(ls.buf, ndp->ni_path, len + 1);
	ls.cp = ls.buf;
	ls.nlinks = 0;
	error = namei_walk(ndp, &ls);
	kmem_free(ls.buf, 2 * MAXPATHLEN);
	return error;
}
