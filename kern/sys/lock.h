/*
 * lock.h: kernel locks built on the hypercall primitives.
 *
 * kmutex and krwlock record their owner so that KASSERT(mutex_owned(m))
 * and misuse (releasing a lock one does not hold, recursion) are caught.
 * kcondvar waits on a kmutex and keeps the owner record correct across
 * the wait.
 *
 * The kernel runs one thread at a time in its system-call layer: every
 * entry takes the kernel lock (kernel_lock_enter) and leaves it on return.
 * The finer locks protect state that is used outside the kernel lock, such
 * as the block device's windows and statistics.
 */
#ifndef _KERN_SYS_LOCK_H_
#define _KERN_SYS_LOCK_H_

#include "param.h"

struct hyp_mutex;
struct hyp_rwlock;
struct hyp_cond;

struct kmutex {
	struct hyp_mutex *mtx_hyp;
	uint64_t	mtx_owner;	/* host thread id, 0 if free */
};

struct krwlock {
	struct hyp_rwlock *rw_hyp;
	uint64_t	rw_writer;	/* host thread id of the writer */
	int		rw_readers;
};

struct kcondvar {
	struct hyp_cond	*cv_hyp;
};

#define RW_READER	0
#define RW_WRITER	1

int	mutex_init(struct kmutex *);
void	mutex_destroy(struct kmutex *);
void	mutex_enter(struct kmutex *);
int	mutex_tryenter(struct kmutex *);
void	mutex_exit(struct kmutex *);
bool	mutex_owned(const struct kmutex *);

int	rw_init(struct krwlock *);
void	rw_destroy(struct krwlock *);
void	rw_enter(struct krwlock *, int);
int	rw_tryenter(struct krwlock *, int);
void	rw_exit(struct krwlock *);
bool	rw_write_held(const struct krwlock *);

int	cv_init(struct kcondvar *);
void	cv_destroy(struct kcondvar *);
void	cv_wait(struct kcondvar *, struct kmutex *);
int	cv_timedwait(struct kcondvar *, struct kmutex *, int64_t);
void	cv_signal(struct kcondvar *);
void	cv_broadcast(struct kcondvar *);

/* The kernel lock: held by the one thread running in the kernel. */
void	kernel_lock_enter(void);
void	kernel_lock_exit(void);
bool	kernel_lock_held(void);

#endif /* !_KERN_SYS_LOCK_H_ */
