/*
 * vfs_syscalls.c: the system calls (kern/sys.h).
 *
 * Each call takes the kernel lock, does its work through namei and the
 * vnode operations, and on the way out trims the vnode cache (the one
 * point where reclaiming vnodes, which writes to disk, is safe).  Access
 * checks use the process's credentials: the superuser passes them all but
 * the execute bits.
 */
#include "../sys/param.h"
#include "../sys/buf.h"
#include "../sys/fsck.h"
#include "../sys/genfs.h"
#include "../sys/init.h"
#include "../sys/kmem.h"
#include "../sys/lock.h"
#include "../sys/mount.h"
#include "../sys/namei.h"
#include "../sys/proc.h"
#include "../sys/systm.h"
#include "../sys/uio.h"
#include "../sys/vnode.h"
#include "../dev/blk.h"
#include "../sys.h"

#define KPROC(kp)	((struct proc *)(void *)(kp))

struct proc *proc0;		/* the kernel's own process */

static void
sys_enter(void)
{
	kernel_lock_enter();
}

static int
sys_exit(int error)
{
	vcache_trim();
	kernel_lock_exit();
	return error;
}

static int make_node(struct kproc *, const char *, enum vtype, uint32_t,
    dev_t, const char *);

/* The kernel's process, and the directories of its root file system. */
int
vfs_proc0_init(void)
{
	int error;

	if ((error = proc_create(&proc0)) != 0)
		return error;
	if ((error = make_node((struct kproc *)(void *)proc0, "/dev", VDIR,
	    0755, 0, NULL)) != 0 ||
	    (error = make_node((struct kproc *)(void *)proc0, "/mnt", VDIR,
	    0755, 0, NULL)) != 0) {
		proc_destroy(proc0);
		proc0 = NULL;
	}
	return error;
}

void
vfs_proc0_fini(void)
{
	proc_destroy(proc0);
	proc0 = NULL;
}

int
ksys_boot(void)
{
	return kern_boot();
}

void
ksys_halt(void)
{
	kern_halt();
}

void
ksys_kstats(struct kstats *ks)
{
	struct kmem_stats km;
	struct pagestats ps;
	struct bufstats bs;

	memset(ks, 0, sizeof(*ks));
	sys_enter();
	kmem_getstats(&km);
	page_getstats(&ps);
	buf_getstats(&bs);
	ks->ks_mem_inuse = km.ks_inuse;
	ks->ks_mem_peak = km.ks_peak;
	ks->ks_mem_limit = km.ks_limit;
	ks->ks_mem_idle = ps.ps_idlebytes + vcache_idlebytes();
	ks->ks_vnodes = vcache_count();
	ks->ks_pages = ps.ps_resident;
	ks->ks_pages_peak = ps.ps_peak;
	ks->ks_page_hits = ps.ps_hits;
	ks->ks_page_reads = ps.ps_reads;
	ks->ks_page_writes = ps.ps_written;
	ks->ks_page_direct = ps.ps_direct;
	ks->ks_buf_bytes = bs.bs_bytes;
	ks->ks_buf_hits = bs.bs_hits;
	ks->ks_buf_misses = bs.bs_misses;
	kernel_lock_exit();
}

/* The -v statistics of the caches, on the console. */
void
ksys_printstats(void)
{
	struct kstats ks;

	ksys_kstats(&ks);
	kprintf("kernel: memory %llu bytes in use, %llu peak, limit %llu\n"
	    "kernel: vnodes %llu; pages %llu resident (%llu peak), "
	    "%llu hits, %llu read, %llu written\n"
	    "kernel: buffers %llu bytes, %llu hits, %llu misses\n",
	    (unsigned long long)ks.ks_mem_inuse,
	    (unsigned long long)ks.ks_mem_peak,
	    (unsigned long long)ks.ks_mem_limit,
	    (unsigned long long)ks.ks_vnodes, (unsigned long long)ks.ks_pages,
	    (unsigned long long)ks.ks_pages_peak,
	    (unsigned long long)ks.ks_page_hits,
	    (unsigned long long)ks.ks_page_reads,
	    (unsigned long long)ks.ks_page_writes,
	    (unsigned long long)ks.ks_buf_bytes,
	    (unsigned long long)ks.ks_buf_hits,
	    (unsigned long long)ks.ks_buf_misses);
}

int
ksys_proc_create(struct kproc **kpp)
{
	struct proc *p;
	int error;

	sys_enter();
	if ((error = proc_create(&p)) == 0)
		*kpp = (struct kproc *)(void *)p;
	return sys_exit(error);
}

void
ksys_proc_destroy(struct kproc *kp)
{
	sys_enter();
	proc_destroy(KPROC(kp));
	(void)sys_exit(0);
}

int
ksys_setcred(struct kproc *kp, uint32_t uid, uint32_t gid, int ngroups,
    const uint32_t *groups)
{
	struct kauth_cred *cr = &KPROC(kp)->p_cred;
	int i;

	if (ngroups < 0 || ngroups > NGROUPS_MAX)
		return EINVAL;
	sys_enter();
	cr->cr_uid = uid;
	cr->cr_gid = gid;
	cr->cr_ngroups = ngroups;
	for (i = 0; i < ngroups; i++)
		cr->cr_groups[i] = groups[i];
	return sys_exit(0);
}

static int
lookup(struct proc *p, const char *path, int flags, struct vnode **vpp)
{
	struct nameidata nd;
	int error;

	namei_init(&nd, p, path, NAMEI_LOOKUP, flags);
	if ((error = namei(&nd)) != 0)
		return error;
	*vpp = nd.ni_vp;
	return 0;
}

static int
change_dir(struct kproc *kp, const char *path, bool root)
{
	struct proc *p = KPROC(kp);
	struct vnode *vp, **slot;
	struct vattr va;
	int error;

	sys_enter();
	if ((error = lookup(p, path, NAMEI_FOLLOW, &vp)) != 0)
		return sys_exit(error);
	if (vp->v_type != VDIR)
		error = ENOTDIR;
	else if ((error = VOP_GETATTR(vp, &va)) == 0)
		error = vaccess(&va, VEXEC, &p->p_cred);
	if (error != 0) {
		vrele(vp);
		return sys_exit(error);
	}
	slot = root ? &p->p_rdir : &p->p_cdir;
	vrele(*slot);
	*slot = vp;
	if (root) {
		/* A new root is also the new current directory. */
		vref(vp);
		vrele(p->p_cdir);
		p->p_cdir = vp;
	}
	return sys_exit(0);
}

int
ksys_chdir(struct kproc *kp, const char *path)
{
	return change_dir(kp, path, false);
}

int
ksys_chroot(struct kproc *kp, const char *path)
{
	return change_dir(kp, path, true);
}

/* Mounts. */

int
ksys_mount(struct kproc *kp, const char *fstype, const char *devpath,
    const char *dir, int flags, const char *opts, char *typebuf,
    size_t typelen)
{
	struct proc *p = KPROC(kp);
	struct vnode *devvp, *dvp;
	struct mount *mp;
	int error, mflags = 0;

	sys_enter();
	if ((error = lookup(p, devpath, NAMEI_FOLLOW, &devvp)) != 0)
		return sys_exit(error);
	if ((error = lookup(p, dir, NAMEI_FOLLOW, &dvp)) != 0) {
		vrele(devvp);
		return sys_exit(error);
	}
	if (flags & KMNT_RDONLY)
		mflags |= MNT_RDONLY;
	error = vfs_mount_at(dvp, devvp, fstype, mflags, opts, &mp);
	if (error == 0) {
		snprintf(mp->mnt_onname, sizeof(mp->mnt_onname), "%s", dir);
		snprintf(mp->mnt_fromname, sizeof(mp->mnt_fromname), "%s",
		    devpath);
		if (typebuf != NULL)
			snprintf(typebuf, typelen, "%s",
			    mp->mnt_op->vfs_name);
	}
	vrele(dvp);
	vrele(devvp);
	return sys_exit(error);
}

int
ksys_fsck(struct kproc *kp, const char *fstype, const char *devpath,
    struct kfsck *kf)
{
	struct fsck_args fa;
	struct vnode *devvp;
	int error;

	CTASSERT(KFSCK_NOWRITE == FSCK_NOWRITE && KFSCK_PREEN == FSCK_PREEN &&
	    KFSCK_YES == FSCK_YES && KFSCK_FORCE == FSCK_FORCE &&
	    KFSCK_DEBUG == FSCK_DEBUG);
	sys_enter();
	if ((error = lookup(KPROC(kp), devpath, NAMEI_FOLLOW, &devvp)) != 0)
		return sys_exit(error);
	memset(&fa, 0, sizeof(fa));
	fa.fa_mode = kf->kf_mode;
	fa.fa_flags = kf->kf_flags;
	fa.fa_print = kf->kf_print;
	fa.fa_arg = kf->kf_arg;
	error = vfs_fsck(devvp, fstype, &fa);
	vrele(devvp);
	kf->kf_found = fa.fa_found;
	kf->kf_fixed = fa.fa_fixed;
	kf->kf_files = fa.fa_files;
	kf->kf_frags = fa.fa_frags;
	kf->kf_skipped = fa.fa_skipped;
	kf->kf_modified = fa.fa_modified;
	kf->kf_clean = fa.fa_clean;
	return sys_exit(error);
}

int
ksys_unmount(struct kproc *kp, const char *dir, int flags)
{
	struct vnode *vp;
	struct mount *mp;
	int error;

	sys_enter();
	if ((error = lookup(KPROC(kp), dir, NAMEI_FOLLOW, &vp)) != 0)
		return sys_exit(error);
	mp = vp->v_mount;
	if ((vp->v_vflag & VV_ROOT) == 0 || mp == NULL ||
	    mp->mnt_vnodecovered == NULL) {
		vrele(vp);
		return sys_exit(EINVAL);
	}
	vrele(vp);
	vcache_trim();
	error = vfs_unmount(mp, (flags & KMNT_FORCE) ? MNT_FORCE : 0);
	return sys_exit(error);
}

int
ksys_sync(void)
{
	int error;

	sys_enter();
	error = vfs_syncall();
	return sys_exit(error);
}

/* Files. */

static bool
vn_rdonly(const struct vnode *vp)
{
	return vp->v_mount != NULL && (vp->v_mount->mnt_flag & MNT_RDONLY);
}

static int
vn_access(struct proc *p, struct vnode *vp, int mode)
{
	struct vattr va;
	int error;

	if ((mode & VWRITE) && vn_rdonly(vp))
		return EROFS;
	if ((error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	if ((mode & VWRITE) && (va.va_flags & (IMMUTABLE | APPEND)) &&
	    !((va.va_flags & APPEND) && !(va.va_flags & IMMUTABLE) &&
	    mode == (VWRITE | FAPPEND)))
		return EPERM;
	return vaccess(&va, mode & (VREAD | VWRITE | VEXEC), &p->p_cred);
}

/* Set up a vattr for a new node of the given mode. */
static void
vattr_new(struct proc *p, struct vattr *va, enum vtype type, mode_t mode,
    dev_t rdev)
{
	memset(va, 0, sizeof(*va));
	va->va_type = type;
	va->va_mode = mode & ALLPERMS;
	va->va_uid = p->p_cred.cr_uid;
	va->va_gid = p->p_cred.cr_gid;
	va->va_rdev = rdev;
}

/* May p add or remove entries of directory dvp? */
static int
dir_writable(struct proc *p, struct vnode *dvp)
{
	return vn_access(p, dvp, VWRITE | VEXEC);
}

static int
open_create(struct proc *p, const char *path, int flags, mode_t mode,
    struct vnode **vpp)
{
	struct nameidata nd;
	struct vattr va;
	int error;

	namei_init(&nd, p, path, NAMEI_CREATE,
	    (flags & (KO_EXCL | KO_NOFOLLOW)) ? 0 : NAMEI_FOLLOW);
	if ((error = namei(&nd)) != 0)
		return error;
	if (nd.ni_vp != NULL) {
		if (flags & KO_EXCL)
			error = EEXIST;
		else if (nd.ni_vp->v_type == VLNK)
			error = ELOOP;		/* KO_NOFOLLOW */
		if (error == 0) {
			*vpp = nd.ni_vp;
			nd.ni_vp = NULL;
		}
		namei_release(&nd);
		return error;
	}
	if (nd.ni_trailslash)
		error = EISDIR;
	else if ((error = dir_writable(p, nd.ni_dvp)) == 0) {
		vattr_new(p, &va, VREG, mode, 0);
		error = VOP_CREATE(nd.ni_dvp, nd.ni_name, nd.ni_namelen, &va,
		    vpp);
	}
	namei_release(&nd);
	return error;
}

static int
open_check(struct proc *p, struct vnode *vp, int flags, int fflag)
{
	int mode = 0;

	if ((flags & KO_DIRECTORY) && vp->v_type != VDIR)
		return ENOTDIR;
	if (vp->v_type == VLNK)
		return ELOOP;
	if (vp->v_type == VDIR && (fflag & FWRITE))
		return EISDIR;
	if (vp->v_type != VREG && vp->v_type != VDIR)
		return EOPNOTSUPP;
	if (fflag & FREAD)
		mode |= VREAD;
	if (fflag & FWRITE)
		mode |= VWRITE;
	if ((fflag & (FWRITE | FAPPEND)) == (FWRITE | FAPPEND) &&
	    !(flags & KO_TRUNC))
		mode |= FAPPEND;
	return vn_access(p, vp, mode);
}

static int
vn_truncate(struct vnode *vp, off_t len)
{
	struct vattr va;

	memset(&va, 0, sizeof(va));
	va.va_mask = VA_SIZE;
	va.va_size = len;
	return VOP_SETATTR(vp, &va);
}

int
ksys_open(struct kproc *kp, const char *path, int flags, uint32_t mode,
    int *fdp)
{
	struct proc *p = KPROC(kp);
	struct vnode *vp;
	struct file *fp;
	int error, fflag;

	switch (flags & KO_ACCMODE) {
	case KO_RDONLY:	fflag = FREAD; break;
	case KO_WRONLY:	fflag = FWRITE; break;
	case KO_RDWR:	fflag = FREAD | FWRITE; break;
	default:	return EINVAL;
	}
	if (flags & KO_APPEND)
		fflag |= FAPPEND;
	sys_enter();
	if (flags & KO_CREAT)
		error = open_create(p, path, flags, mode, &vp);
	else
		error = lookup(p, path, (flags & KO_NOFOLLOW) ? 0 :
		    NAMEI_FOLLOW, &vp);
	if (error != 0)
		return sys_exit(error);
	error = open_check(p, vp, flags, fflag);
	if (error == 0 && (flags & KO_TRUNC) && (fflag & FWRITE) &&
	    vp->v_type == VREG)
		error = vn_truncate(vp, 0);
	if (error == 0 && (fp = kmem_zalloc(sizeof(*fp))) == NULL)
		error = ENOMEM;
	if (error != 0) {
		vrele(vp);
		return sys_exit(error);
	}
	fp->f_count = 1;
	fp->f_flag = fflag;
	fp->f_vp = vp;
	if ((error = fd_alloc(p, fp, fdp)) != 0) {
		vrele(vp);
		kmem_free(fp, sizeof(*fp));
	}
	return sys_exit(error);
}

int
ksys_close(struct kproc *kp, int fd)
{
	int error;

	sys_enter();
	error = fd_close(KPROC(kp), fd);
	return sys_exit(error);
}

static int
fd_rw(struct proc *p, int fd, void *buf, size_t len, off_t off, bool useoff,
    enum uio_rw rw, size_t *donep)
{
	struct kiovec iov;
	struct uio uio;
	struct file *fp;
	int error, ioflag = 0;

	if ((error = fd_get(p, fd, &fp)) != 0)
		return error;
	if ((fp->f_flag & (rw == UIO_READ ? FREAD : FWRITE)) == 0)
		return EBADF;
	if (fp->f_vp->v_type == VDIR)
		return EISDIR;
	if (useoff && off < 0)
		return EINVAL;
	if (rw == UIO_WRITE && (fp->f_flag & FAPPEND))
		ioflag |= IO_APPEND;
	uio_setup(&uio, &iov, buf, len, useoff ? off : fp->f_offset, rw);
	error = rw == UIO_READ ? VOP_READ(fp->f_vp, &uio, ioflag) :
	    VOP_WRITE(fp->f_vp, &uio, ioflag);
	*donep = len - uio.uio_resid;
	if (*donep > 0)
		error = 0;	/* report what was moved; the error recurs */
	if (!useoff)
		fp->f_offset = uio.uio_offset;
	return error;
}

int
ksys_read(struct kproc *kp, int fd, void *buf, size_t len, size_t *donep)
{
	int error;

	sys_enter();
	error = fd_rw(KPROC(kp), fd, buf, len, 0, false, UIO_READ, donep);
	return sys_exit(error);
}

int
ksys_write(struct kproc *kp, int fd, const void *buf, size_t len,
    size_t *donep)
{
	int error;

	sys_enter();
	error = fd_rw(KPROC(kp), fd, (void *)(uintptr_t)buf, len, 0, false,
	    UIO_WRITE, donep);
	return sys_exit(error);
}

int
ksys_pread(struct kproc *kp, int fd, void *buf, size_t len, int64_t off,
    size_t *donep)
{
	int error;

	sys_enter();
	error = fd_rw(KPROC(kp), fd, buf, len, off, true, UIO_READ, donep);
	return sys_exit(error);
}

int
ksys_pwrite(struct kproc *kp, int fd, const void *buf, size_t len,
    int64_t off, size_t *donep)
{
	int error;

	sys_enter();
	error = fd_rw(KPROC(kp), fd, (void *)(uintptr_t)buf, len, off, true,
	    UIO_WRITE, donep);
	return sys_exit(error);
}

int
ksys_lseek(struct kproc *kp, int fd, int64_t off, int whence,
    int64_t *newp)
{
	struct file *fp;
	struct vattr va;
	int64_t base;
	int error;

	sys_enter();
	if ((error = fd_get(KPROC(kp), fd, &fp)) != 0)
		return sys_exit(error);
	switch (whence) {
	case KSEEK_SET:
		base = 0;
		break;
	case KSEEK_CUR:
		base = fp->f_offset;
		break;
	case KSEEK_END:
		if ((error = VOP_GETATTR(fp->f_vp, &va)) != 0)
			return sys_exit(error);
		base = va.va_size;
		break;
	case KSEEK_DATA:
	case KSEEK_HOLE:
		error = vn_seekhole(fp->f_vp, off, whence == KSEEK_HOLE,
		    &base);
		if (error != 0)
			return sys_exit(error);
		fp->f_offset = *newp = base;
		return sys_exit(0);
	default:
		return sys_exit(EINVAL);
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return sys_exit(EINVAL);
	fp->f_offset = base + off;
	*newp = fp->f_offset;
	return sys_exit(0);
}

static void
vattr_to_kstat(const struct vattr *va, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = va->va_fsid;
	st->st_ino = va->va_fileid;
	st->st_mode = vtype_to_ifmt(va->va_type) | (va->va_mode & ALLPERMS);
	st->st_nlink = va->va_nlink;
	st->st_uid = va->va_uid;
	st->st_gid = va->va_gid;
	st->st_rdev = va->va_rdev;
	st->st_size = va->va_size;
	st->st_blocks = (int64_t)(va->va_bytes / 512);
	st->st_blksize = va->va_blocksize;
	st->st_flags = va->va_flags;
	st->st_gen = va->va_gen;
	st->st_atim = va->va_atime;
	st->st_mtim = va->va_mtime;
	st->st_ctim = va->va_ctime;
	st->st_birthtim = va->va_birthtime;
}

static int
vn_stat(struct vnode *vp, struct kstat *st)
{
	struct vattr va;
	int error;

	if ((error = VOP_GETATTR(vp, &va)) != 0)
		return error;
	vattr_to_kstat(&va, st);
	return 0;
}

int
ksys_fstat(struct kproc *kp, int fd, struct kstat *st)
{
	struct file *fp;
	int error;

	sys_enter();
	if ((error = fd_get(KPROC(kp), fd, &fp)) == 0)
		error = vn_stat(fp->f_vp, st);
	return sys_exit(error);
}

int
ksys_stat(struct kproc *kp, const char *path, int flags, struct kstat *st)
{
	struct vnode *vp;
	int error;

	sys_enter();
	error = lookup(KPROC(kp), path, (flags & KAT_SYMLINK_NOFOLLOW) ? 0 :
	    NAMEI_FOLLOW, &vp);
	if (error == 0) {
		error = vn_stat(vp, st);
		vrele(vp);
	}
	return sys_exit(error);
}

/* Flush a vnode's data and metadata to the device and make it durable. */
static int
vn_fsync(struct vnode *vp)
{
	struct mount *mp = vp->v_mount;
	int error;

	if (vn_rdonly(vp))
		return 0;
	error = VOP_FSYNC(vp, FSYNC_WAIT);
	if (error == 0 && mp != NULL && mp->mnt_devvp != NULL) {
		error = bflush(mp->mnt_devvp);
		if (error == 0)
			error = blk_sync(mp->mnt_devvp->v_blkdev);
	}
	return error;
}

int
ksys_fsync(struct kproc *kp, int fd)
{
	struct file *fp;
	int error;

	sys_enter();
	if ((error = fd_get(KPROC(kp), fd, &fp)) == 0)
		error = vn_fsync(fp->f_vp);
	return sys_exit(error);
}

static int
vn_settrunc(struct proc *p, struct vnode *vp, int64_t len)
{
	int error;

	if (len < 0)
		return EINVAL;
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if ((error = vn_access(p, vp, VWRITE)) != 0)
		return error;
	return vn_truncate(vp, len);
}

int
ksys_ftruncate(struct kproc *kp, int fd, int64_t len)
{
	struct file *fp;
	int error;

	sys_enter();
	if ((error = fd_get(KPROC(kp), fd, &fp)) != 0)
		return sys_exit(error);
	if ((fp->f_flag & FWRITE) == 0)
		return sys_exit(EINVAL);
	error = vn_settrunc(KPROC(kp), fp->f_vp, len);
	return sys_exit(error);
}

int
ksys_truncate(struct kproc *kp, const char *path, int64_t len)
{
	struct vnode *vp;
	int error;

	sys_enter();
	if ((error = lookup(KPROC(kp), path, NAMEI_FOLLOW, &vp)) != 0)
		return sys_exit(error);
	error = vn_settrunc(KPROC(kp), vp, len);
	vrele(vp);
	return sys_exit(error);
}

int
ksys_getdents(struct kproc *kp, int fd, void *buf, size_t len,
    size_t *donep)
{
	struct kiovec iov;
	struct uio uio;
	struct file *fp;
	bool eof;
	int error;

	sys_enter();
	if ((error = fd_get(KPROC(kp), fd, &fp)) != 0)
		return sys_exit(error);
	if (fp->f_vp->v_type != VDIR)
		return sys_exit(ENOTDIR);
	if (len < KDIRENT_RECLEN(NAME_MAX))
		return sys_exit(EINVAL);
	uio_setup(&uio, &iov, buf, len, fp->f_offset, UIO_READ);
	error = VOP_READDIR(fp->f_vp, &uio, &eof);
	*donep = len - uio.uio_resid;
	fp->f_offset = uio.uio_offset;
	return sys_exit(error);
}

/* Attribute changes. */

/* Only the owner or the superuser may change a node's attributes. */
static int
vn_owner(struct proc *p, struct vnode *vp, struct vattr *va)
{
	int error;

	if (vn_rdonly(vp))
		return EROFS;
	if ((error = VOP_GETATTR(vp, va)) != 0)
		return error;
	if (!cred_superuser(&p->p_cred) && p->p_cred.cr_uid != va->va_uid)
		return EPERM;
	return 0;
}

static int
vn_setattr_checked(struct proc *p, struct vnode *vp, struct vattr *nva)
{
	struct vattr va;
	int error;

	if ((error = vn_owner(p, vp, &va)) != 0)
		return error;
	if ((va.va_flags & IMMUTABLE) && !(nva->va_mask == VA_FLAGS))
		return EPERM;
	if ((nva->va_mask & (VA_UID | VA_GID)) &&
	    !cred_superuser(&p->p_cred) &&
	    ((nva->va_mask & VA_UID) && nva->va_uid != va.va_uid))
		return EPERM;
	if ((nva->va_mask & VA_FLAGS) && !cred_superuser(&p->p_cred) &&
	    ((nva->va_flags ^ va.va_flags) & 0xffff0000))
		return EPERM;	/* system flags are the superuser's */
	return VOP_SETATTR(vp, nva);
}

static int
path_setattr(struct kproc *kp, const char *path, int flags,
    struct vattr *va)
{
	struct vnode *vp;
	int error;

	sys_enter();
	error = lookup(KPROC(kp), path, (flags & KAT_SYMLINK_NOFOLLOW) ? 0 :
	    NAMEI_FOLLOW, &vp);
	if (error != 0)
		return sys_exit(error);
	error = vn_setattr_checked(KPROC(kp), vp, va);
	vrele(vp);
	return sys_exit(error);
}

static int
fd_setattr(struct kproc *kp, int fd, struct vattr *va)
{
	struct file *fp;
	int error;

	sys_enter();
	if ((error = fd_get(KPROC(kp), fd, &fp)) == 0)
		error = vn_setattr_checked(KPROC(kp), fp->f_vp, va);
	return sys_exit(error);
}

static void
va_chmod(struct vattr *va, uint32_t mode)
{
	memset(va, 0, sizeof(*va));
	va->va_mask = VA_MODE;
	va->va_mode = mode & ALLPERMS;
}

static void
va_chown(struct vattr *va, uint32_t uid, uint32_t gid)
{
	memset(va, 0, sizeof(*va));
	if (uid != (uint32_t)-1) {
		va->va_mask |= VA_UID;
		va->va_uid = uid;
	}
	if (gid != (uint32_t)-1) {
		va->va_mask |= VA_GID;
		va->va_gid = gid;
	}
}

int
ksys_chmod(struct kproc *kp, const char *path, uint32_t mode, int flags)
{
	struct vattr va;

	va_chmod(&va, mode);
	return path_setattr(kp, path, flags, &va);
}

int
ksys_fchmod(struct kproc *kp, int fd, uint32_t mode)
{
	struct vattr va;

	va_chmod(&va, mode);
	return fd_setattr(kp, fd, &va);
}

int
ksys_chown(struct kproc *kp, const char *path, uint32_t uid, uint32_t gid,
    int flags)
{
	struct vattr va;

	va_chown(&va, uid, gid);
	if (va.va_mask == 0)
		return ksys_stat(kp, path, flags, &(struct kstat){ 0 });
	return path_setattr(kp, path, flags, &va);
}

int
ksys_fchown(struct kproc *kp, int fd, uint32_t uid, uint32_t gid)
{
	struct vattr va;

	va_chown(&va, uid, gid);
	return fd_setattr(kp, fd, &va);
}

int
ksys_chflags(struct kproc *kp, const char *path, uint32_t fl, int flags)
{
	struct vattr va;

	memset(&va, 0, sizeof(va));
	va.va_mask = VA_FLAGS;
	va.va_flags = fl;
	return path_setattr(kp, path, flags, &va);
}

int
ksys_utimens(struct kproc *kp, const char *path, const struct ktimespec *ts,
    int flags)
{
	struct ktimespec now;
	struct vattr va;

	vfs_timestamp(&now);
	memset(&va, 0, sizeof(va));
	if (ts == NULL || ts[0].tv_nsec != KUTIME_OMIT) {
		va.va_mask |= VA_ATIME;
		va.va_atime = ts == NULL || ts[0].tv_nsec == KUTIME_NOW ? now :
		    ts[0];
	}
	if (ts == NULL || ts[1].tv_nsec != KUTIME_OMIT) {
		va.va_mask |= VA_MTIME;
		va.va_mtime = ts == NULL || ts[1].tv_nsec == KUTIME_NOW ? now :
		    ts[1];
	}
	if ((va.va_mask & VA_ATIME) && (va.va_atime.tv_nsec < 0 ||
	    va.va_atime.tv_nsec >= 1000000000))
		return EINVAL;
	if ((va.va_mask & VA_MTIME) && (va.va_mtime.tv_nsec < 0 ||
	    va.va_mtime.tv_nsec >= 1000000000))
		return EINVAL;
	if (va.va_mask & VA_ATIME)
		kclock_clamp(&va.va_atime);
	if (va.va_mask & VA_MTIME)
		kclock_clamp(&va.va_mtime);
	return path_setattr(kp, path, flags, &va);
}

/* Name space changes. */

static int
make_node(struct kproc *kp, const char *path, enum vtype type,
    uint32_t mode, dev_t rdev, const char *target)
{
	struct proc *p = KPROC(kp);
	struct nameidata nd;
	struct vattr va;
	struct vnode *vp;
	int error;

	sys_enter();
	namei_init(&nd, p, path, NAMEI_CREATE, 0);
	if ((error = namei(&nd)) != 0)
		return sys_exit(error);
	if (nd.ni_vp != NULL)
		error = EEXIST;
	else if (nd.ni_trailslash && type != VDIR)
		error = ENOENT;
	else
		error = dir_writable(p, nd.ni_dvp);
	if (error == 0) {
		vattr_new(p, &va, type, mode, rdev);
		if (type == VDIR)
			error = VOP_MKDIR(nd.ni_dvp, nd.ni_name,
			    nd.ni_namelen, &va, &vp);
		else if (type == VLNK)
			error = VOP_SYMLINK(nd.ni_dvp, nd.ni_name,
			    nd.ni_namelen, &va, target, &vp);
		else
			error = VOP_CREATE(nd.ni_dvp, nd.ni_name,
			    nd.ni_namelen, &va, &vp);
		if (error == 0)
			vrele(vp);
	}
	namei_release(&nd);
	return sys_exit(error);
}

int
ksys_mkdir(struct kproc *kp, const char *path, uint32_t mode)
{
	return make_node(kp, path, VDIR, mode, 0, NULL);
}

int
ksys_mknod(struct kproc *kp, const char *path, uint32_t mode, uint64_t dev)
{
	enum vtype type;

	type = (mode & S_IFMT) == 0 ? VREG : vtype_from_mode(mode);
	if (type == VDIR || type == VLNK || type == VBAD)
		return EINVAL;
	return make_node(kp, path, type, mode,
	    type == VCHR || type == VBLK ? dev : 0, NULL);
}

int
ksys_symlink(struct kproc *kp, const char *target, const char *path)
{
	size_t len = strnlen(target, MAXPATHLEN);

	if (len == 0)
		return ENOENT;
	if (len >= MAXPATHLEN)
		return ENAMETOOLONG;
	return make_node(kp, path, VLNK, ACCESSPERMS, 0, target);
}

int
ksys_readlink(struct kproc *kp, const char *path, char *buf, size_t len,
    size_t *donep)
{
	struct kiovec iov;
	struct uio uio;
	struct vnode *vp;
	int error;

	sys_enter();
	if ((error = lookup(KPROC(kp), path, 0, &vp)) != 0)
		return sys_exit(error);
	if (vp->v_type != VLNK) {
		vrele(vp);
		return sys_exit(EINVAL);
	}
	uio_setup(&uio, &iov, buf, len, 0, UIO_READ);
	error = VOP_READLINK(vp, &uio);
	*donep = len - uio.uio_resid;
	vrele(vp);
	return sys_exit(error);
}

static int
remove_node(struct kproc *kp, const char *path, bool dir)
{
	struct proc *p = KPROC(kp);
	struct nameidata nd;
	struct vnode *vp;
	int error;

	sys_enter();
	namei_init(&nd, p, path, NAMEI_DELETE, 0);
	if ((error = namei(&nd)) != 0)
		return sys_exit(error);
	vp = nd.ni_vp;
	if (vp == NULL)
		error = ENOENT;
	else if (dir && vp->v_type != VDIR)
		error = ENOTDIR;
	else if (!dir && vp->v_type == VDIR)
		error = EISDIR;
	else if (vp->v_vflag & VV_ROOT)
		error = EBUSY;
	else if (vp->v_mount != nd.ni_dvp->v_mount)
		error = EBUSY;
	else
		error = dir_writable(p, nd.ni_dvp);
	if (error == 0)
		error = dir ? VOP_RMDIR(nd.ni_dvp, vp, nd.ni_name,
		    nd.ni_namelen) : VOP_REMOVE(nd.ni_dvp, vp, nd.ni_name,
		    nd.ni_namelen);
	namei_release(&nd);
	return sys_exit(error);
}

int
ksys_unlink(struct kproc *kp, const char *path)
{
	return remove_node(kp, path, false);
}

int
ksys_rmdir(struct kproc *kp, const char *path)
{
	return remove_node(kp, path, true);
}

int
ksys_link(struct kproc *kp, const char *from, const char *to)
{
	struct proc *p = KPROC(kp);
	struct nameidata nd;
	struct vnode *vp;
	int error;

	sys_enter();
	if ((error = lookup(p, from, 0, &vp)) != 0)
		return sys_exit(error);
	namei_init(&nd, p, to, NAMEI_CREATE, 0);
	if (vp->v_type == VDIR)
		error = EPERM;
	else if ((error = namei(&nd)) == 0) {
		if (nd.ni_vp != NULL)
			error = EEXIST;
		else if (nd.ni_trailslash)
			error = ENOENT;
		else if (nd.ni_dvp->v_mount != vp->v_mount)
			error = EXDEV;
		else if ((error = dir_writable(p, nd.ni_dvp)) == 0)
			error = VOP_LINK(nd.ni_dvp, vp, nd.ni_name,
			    nd.ni_namelen);
		namei_release(&nd);
	}
	vrele(vp);
	return sys_exit(error);
}

/*
 * Is directory vp an ancestor of (or equal to) directory dvp?  Walks ".."
 * from dvp up to the root of their file system.  A walk that cannot end
 * there (".." naming the directory itself or something not a directory,
 * or a chain deeper than ANCESTOR_MAXDEPTH, which on a corrupt file
 * system is a loop) fails closed with EIO: answering "no" would let a
 * rename move a directory under itself.
 */
#define ANCESTOR_MAXDEPTH	4096

static int
is_ancestor(struct vnode *vp, struct vnode *dvp, bool *resultp)
{
	struct vnode *cur = dvp, *up;
	const char *why = NULL;
	int error = 0, depth = 0;

	vref(cur);
	*resultp = false;
	for (;;) {
		if (cur == vp) {
			*resultp = true;
			break;
		}
		if (cur->v_vflag & VV_ROOT)
			break;
		if (++depth > ANCESTOR_MAXDEPTH) {
			why = "is deeper than the limit or loops";
			break;
		}
		if ((error = VOP_LOOKUP(cur, "..", 2, &up)) != 0)
			break;
		if (up == cur || up->v_type != VDIR) {
			why = up == cur ? "names a directory itself" :
			    "names something not a directory";
			vrele(up);
			break;
		}
		vrele(cur);
		cur = up;
	}
	if (why != NULL) {
		kprintf("vfs: rename: the \"..\" chain above directory %llu "
		    "%s (corrupt file system?)\n",
		    (unsigned long long)cur->v_key, why);
		error = EIO;
	}
	vrele(cur);
	return error;
}

static int
rename_check(struct proc *p, struct nameidata *fnd, struct nameidata *tnd)
{
	struct vnode *fvp = fnd->ni_vp, *tvp = tnd->ni_vp;
	bool anc;
	int error;

	if (fvp == NULL)
		return ENOENT;
	if (fnd->ni_dvp->v_mount != tnd->ni_dvp->v_mount ||
	    fvp->v_mount != fnd->ni_dvp->v_mount)
		return EXDEV;
	if ((fvp->v_vflag & VV_ROOT) || (tvp != NULL &&
	    (tvp->v_vflag & VV_ROOT)))
		return EBUSY;
	if (tvp != NULL && fvp->v_type == VDIR && tvp->v_type != VDIR)
		return ENOTDIR;
	if (tvp != NULL && fvp->v_type != VDIR && tvp->v_type == VDIR)
		return EISDIR;
	if ((tnd->ni_trailslash || fnd->ni_trailslash) &&
	    fvp->v_type != VDIR)
		return ENOTDIR;
	if (fvp->v_type == VDIR) {
		if ((error = is_ancestor(fvp, tnd->ni_dvp, &anc)) != 0)
			return error;
		if (anc)
			return EINVAL;
	}
	if ((error = dir_writable(p, fnd->ni_dvp)) != 0)
		return error;
	return dir_writable(p, tnd->ni_dvp);
}

int
ksys_rename(struct kproc *kp, const char *from, const char *to)
{
	struct proc *p = KPROC(kp);
	struct nameidata fnd, tnd;
	int error;

	sys_enter();
	namei_init(&fnd, p, from, NAMEI_DELETE, 0);
	if ((error = namei(&fnd)) != 0)
		return sys_exit(error);
	namei_init(&tnd, p, to, NAMEI_RENAME, 0);
	if ((error = namei(&tnd)) != 0) {
		namei_release(&fnd);
		return sys_exit(error);
	}
	error = rename_check(p, &fnd, &tnd);
	if (error == 0 && fnd.ni_vp == tnd.ni_vp)
		goto out;	/* the same file: nothing to do */
	if (error == 0)
		error = VOP_RENAME(fnd.ni_dvp, fnd.ni_vp, fnd.ni_name,
		    fnd.ni_namelen, tnd.ni_dvp, tnd.ni_vp, tnd.ni_name,
		    tnd.ni_namelen);
out:
	namei_release(&tnd);
	namei_release(&fnd);
	return sys_exit(error);
}

int
ksys_statvfs(struct kproc *kp, const char *path, struct kstatvfs *sf)
{
	struct vnode *vp;
	struct mount *mp;
	int error;

	sys_enter();
	if ((error = lookup(KPROC(kp), path, NAMEI_FOLLOW, &vp)) != 0)
		return sys_exit(error);
	mp = vp->v_mount;
	if (mp == NULL)
		error = EIO;
	else if ((error = mp->mnt_op->vfs_statvfs(mp, sf)) == 0) {
		sf->f_fsid = mp->mnt_fsid;
		if (mp->mnt_flag & MNT_RDONLY)
			sf->f_flag |= KST_RDONLY;
		snprintf(sf->f_mntonname, sizeof(sf->f_mntonname), "%s",
		    mp->mnt_onname);
		snprintf(sf->f_mntfromname, sizeof(sf->f_mntfromname), "%s",
		    mp->mnt_fromname);
	}
	vrele(vp);
	return sys_exit(error);
}
