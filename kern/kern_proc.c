/*
 * kern_proc.c: processes (root and current directory, credentials, open
 * files) and credential checks.  A new process runs as the superuser with
 * the kernel's root as both its root and current directory.
 */
#include "sys/param.h"
#include "sys/kmem.h"
#include "sys/mount.h"
#include "sys/proc.h"
#include "sys/systm.h"
#include "sys/vnode.h"

static int nextpid = 1;

int
proc_create(struct proc **pp)
{
	struct proc *p;

	KASSERT(rootvnode != NULL);
	if ((p = kmem_zalloc(sizeof(*p))) == NULL)
		return ENOMEM;
	p->p_rdir = rootvnode;
	p->p_cdir = rootvnode;
	vref(rootvnode);
	vref(rootvnode);
	p->p_pid = nextpid++;
	*pp = p;
	return 0;
}

/* Close every descriptor, drop the directories, free the process. */
void
proc_destroy(struct proc *p)
{
	int fd;

	for (fd = 0; fd < p->p_nfiles; fd++)
		if (p->p_files[fd] != NULL)
			(void)fd_close(p, fd);
	if (p->p_files != NULL)
		kmem_free(p->p_files, (size_t)p->p_nfiles *
		    sizeof(*p->p_files));
	vrele(p->p_cdir);
	vrele(p->p_rdir);
	kmem_free(p, sizeof(*p));
}

/* Install fp at the lowest free descriptor, growing the table. */
int
fd_alloc(struct proc *p, struct file *fp, int *fdp)
{
	struct file **nf;
	int fd, n;

	for (fd = 0; fd < p->p_nfiles; fd++)
		if (p->p_files[fd] == NULL)
			goto found;
	if (p->p_nfiles >= NOFILE_MAX)
		return EMFILE;
	n = p->p_nfiles == 0 ? 16 : MIN(p->p_nfiles * 2, NOFILE_MAX);
	if ((nf = kmem_zalloc((size_t)n * sizeof(*nf))) == NULL)
		return ENOMEM;
	if (p->p_files != NULL) {
		memcpy(nf, p->p_files, (size_t)p->p_nfiles * sizeof(*nf));
		kmem_free(p->p_files, (size_t)p->p_nfiles * sizeof(*nf));
	}
	p->p_files = nf;
	fd = p->p_nfiles;
	p->p_nfiles = n;
found:
	p->p_files[fd] = fp;
	*fdp = fd;
	return 0;
}

int
fd_get(struct proc *p, int fd, struct file **fpp)
{
	if (fd < 0 || fd >= p->p_nfiles || p->p_files[fd] == NULL)
		return EBADF;
	*fpp = p->p_files[fd];
	return 0;
}

int
fd_close(struct proc *p, int fd)
{
	struct file *fp;
	int error;

	if ((error = fd_get(p, fd, &fp)) != 0)
		return error;
	p->p_files[fd] = NULL;
	if (--fp->f_count == 0) {
		vrele(fp->f_vp);
		kmem_free(fp, sizeof(*fp));
	}
	return 0;
}

bool
cred_superuser(const struct kauth_cred *cred)
{
	return cred->cr_uid == 0;
}

bool
cred_groupmember(const struct kauth_cred *cred, gid_t gid)
{
	int i;

	if (cred->cr_gid == gid)
		return true;
	for (i = 0; i < cred->cr_ngroups; i++)
		if (cred->cr_groups[i] == gid)
			return true;
	return false;
}
