/*
 * kern_lock.c: kernel mutexes, reader/writer locks and condition variables
 * over the hypercall primitives, with owner tracking for assertions, and
 * the kernel lock that serialises the system-call layer.
 */
#include "sys/param.h"
#include "sys/lock.h"
#include "sys/systm.h"
#include "../lib/hyp.h"

/*
 * The owner field is read without the lock by the assertions (only the
 * owner itself can have stored its own id there), so it is accessed
 * atomically.
 */
static uint64_t
owner_get(const struct kmutex *m)
{
	return __atomic_load_n(&m->mtx_owner, __ATOMIC_RELAXED);
}

static void
owner_set(struct kmutex *m, uint64_t v)
{
	__atomic_store_n(&m->mtx_owner, v, __ATOMIC_RELAXED);
}

int
mutex_init(struct kmutex *m)
{
	m->mtx_owner = 0;
	return hyp_mutex_init(&m->mtx_hyp);
}

void
mutex_destroy(struct kmutex *m)
{
	KASSERT(owner_get(m) == 0);
	hyp_mutex_destroy(m->mtx_hyp);
	m->mtx_hyp = NULL;
}

void
mutex_enter(struct kmutex *m)
{
	uint64_t self = hyp_thread_self();

	KASSERTMSG(owner_get(m) != self, "mutex_enter: recursion on %p",
	    (void *)m);
	hyp_mutex_enter(m->mtx_hyp);
	owner_set(m, self);
}

int
mutex_tryenter(struct kmutex *m)
{
	if (!hyp_mutex_tryenter(m->mtx_hyp))
		return 0;
	owner_set(m, hyp_thread_self());
	return 1;
}

void
mutex_exit(struct kmutex *m)
{
	KASSERTMSG(owner_get(m) == hyp_thread_self(),
	    "mutex_exit: %p not owned by this thread", (void *)m);
	owner_set(m, 0);
	hyp_mutex_exit(m->mtx_hyp);
}

bool
mutex_owned(const struct kmutex *m)
{
	return owner_get(m) == hyp_thread_self();
}

int
rw_init(struct krwlock *rw)
{
	rw->rw_writer = 0;
	rw->rw_readers = 0;
	return hyp_rw_init(&rw->rw_hyp);
}

void
rw_destroy(struct krwlock *rw)
{
	KASSERT(rw->rw_writer == 0 && rw->rw_readers == 0);
	hyp_rw_destroy(rw->rw_hyp);
	rw->rw_hyp = NULL;
}

void
rw_enter(struct krwlock *rw, int op)
{
	KASSERTMSG(rw->rw_writer != hyp_thread_self(),
	    "rw_enter: recursion on %p", (void *)rw);
	hyp_rw_enter(rw->rw_hyp, op == RW_WRITER);
	if (op == RW_WRITER)
		rw->rw_writer = hyp_thread_self();
	else
		__atomic_add_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED);
}

int
rw_tryenter(struct krwlock *rw, int op)
{
	if (!hyp_rw_tryenter(rw->rw_hyp, op == RW_WRITER))
		return 0;
	if (op == RW_WRITER)
		rw->rw_writer = hyp_thread_self();
	else
		__atomic_add_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED);
	return 1;
}

void
rw_exit(struct krwlock *rw)
{
	if (rw->rw_writer != 0) {
		KASSERTMSG(rw->rw_writer == hyp_thread_self(),
		    "rw_exit: %p write-held by another thread", (void *)rw);
		rw->rw_writer = 0;
	} else {
		KASSERTMSG(rw->rw_readers > 0, "rw_exit: %p not held",
		    (void *)rw);
		__atomic_sub_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED);
	}
	hyp_rw_exit(rw->rw_hyp);
}

bool
rw_write_held(const struct krwlock *rw)
{
	return rw->rw_writer == hyp_thread_self();
}

int
cv_init(struct kcondvar *cv)
{
	return hyp_cond_init(&cv->cv_hyp);
}

void
cv_destroy(struct kcondvar *cv)
{
	hyp_cond_destroy(cv->cv_hyp);
	cv->cv_hyp = NULL;
}

void
cv_wait(struct kcondvar *cv, struct kmutex *m)
{
	KASSERT(mutex_owned(m));
	owner_set(m, 0);
	hyp_cond_wait(cv->cv_hyp, m->mtx_hyp);
	owner_set(m, hyp_thread_self());
}

/* Wait at most the given number of milliseconds; ETIMEDOUT if it ran out. */
int
cv_timedwait(struct kcondvar *cv, struct kmutex *m, int64_t ms)
{
	int error;

	KASSERT(mutex_owned(m));
	owner_set(m, 0);
	error = hyp_cond_timedwait(cv->cv_hyp, m->mtx_hyp, ms / 1000,
	    (long)(ms % 1000) * 1000000L);
	owner_set(m, hyp_thread_self());
	return error;
}

void
cv_signal(struct kcondvar *cv)
{
	hyp_cond_signal(cv->cv_hyp);
}

void
cv_broadcast(struct kcondvar *cv)
{
	hyp_cond_broadcast(cv->cv_hyp);
}

/*
 * The kernel lock.  It is created by the boot table (kern_init.c) and
 * taken by every system call.  It does not recurse: kernel code never
 * re-enters the system-call layer.
 */
struct kmutex kernel_lock;

void
kernel_lock_enter(void)
{
	mutex_enter(&kernel_lock);
}

void
kernel_lock_exit(void)
{
	mutex_exit(&kernel_lock);
}

bool
kernel_lock_held(void)
{
	return kernel_lock.mtx_hyp != NULL && mutex_owned(&kernel_lock);
}
