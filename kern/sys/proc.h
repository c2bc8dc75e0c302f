/*
 * proc.h: processes and credentials.  A process here is what a libukfs
 * handle runs as: a root directory (the mount's private chroot), a current
 * directory, credentials (superuser unless the caller set others) and a
 * table of open files.  Processes are created by the system-call layer and
 * used under the kernel lock.
 */
#ifndef _KERN_SYS_PROC_H_
#define _KERN_SYS_PROC_H_

#include "param.h"

struct vattr;
struct vnode;

struct kauth_cred {
	uid_t		cr_uid;
	gid_t		cr_gid;
	int		cr_ngroups;
	gid_t		cr_groups[NGROUPS_MAX];
};

struct file {
	int		f_count;	/* descriptors referring to it */
	int		f_flag;		/* FREAD, FWRITE, FAPPEND */
	struct vnode	*f_vp;
	off_t		f_offset;	/* or directory cookie */
};

/* f_flag */
#define FREAD		0x0001
#define FWRITE		0x0002
#define FAPPEND		0x0008

struct proc {
	struct kauth_cred p_cred;
	struct vnode	*p_rdir;	/* root (chroot) */
	struct vnode	*p_cdir;	/* current directory */
	struct file	**p_files;	/* descriptor table */
	int		p_nfiles;	/* slots in p_files */
	int		p_pid;
};

#define NOFILE_MAX	4096		/* descriptors per process */

extern struct proc *proc0;

int	proc_create(struct proc **);
int	vfs_proc0_init(void);
void	vfs_proc0_fini(void);
void	proc_destroy(struct proc *);
int	fd_alloc(struct proc *, struct file *, int *);
int	fd_get(struct proc *, int, struct file **);
int	fd_close(struct proc *, int);
bool	cred_superuser(const struct kauth_cred *);
bool	cred_groupmember(const struct kauth_cred *, gid_t);
int	vaccess(const struct vattr *, int, const struct kauth_cred *);

/* vaccess() modes */
#define VREAD		0x04
#define VWRITE		0x02
#define VEXEC		0x01

#endif /* !_KERN_SYS_PROC_H_ */
