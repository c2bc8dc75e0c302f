/*
 * hyp_thread.c: host threads, mutexes, reader/writer locks and condition
 * variables behind opaque handles.  The kernel builds its own lock types
 * (ownership, assertions) on these.  Initialisation can fail (ENOMEM);
 * the other operations cannot fail on a correct caller and abort when the
 * host reports a misuse, since that is a kernel bug.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "hyp.h"

struct hyp_mutex {
	pthread_mutex_t	hm_mtx;
};

struct hyp_rwlock {
	pthread_rwlock_t hr_rw;
};

struct hyp_cond {
	pthread_cond_t	hc_cv;
};

struct hyp_thread {
	pthread_t	ht_thread;
};

static void
check(int rv)
{
	if (rv != 0)
		hyp_abort();
}

int
hyp_mutex_init(struct hyp_mutex **mp)
{
	struct hyp_mutex *m;
	int rv;

	if ((m = malloc(sizeof(*m))) == NULL)
		return HYP_ENOMEM;
	if ((rv = pthread_mutex_init(&m->hm_mtx, NULL)) != 0) {
		free(m);
		return hyp_errno_from_host(rv);
	}
	*mp = m;
	return 0;
}

void
hyp_mutex_destroy(struct hyp_mutex *m)
{
	check(pthread_mutex_destroy(&m->hm_mtx));
	free(m);
}

void
hyp_mutex_enter(struct hyp_mutex *m)
{
	check(pthread_mutex_lock(&m->hm_mtx));
}

int
hyp_mutex_tryenter(struct hyp_mutex *m)
{
	int rv = pthread_mutex_trylock(&m->hm_mtx);

	if (rv == EBUSY)
		return 0;
	check(rv);
	return 1;
}

void
hyp_mutex_exit(struct hyp_mutex *m)
{
	check(pthread_mutex_unlock(&m->hm_mtx));
}

int
hyp_rw_init(struct hyp_rwlock **rwp)
{
	struct hyp_rwlock *rw;
	int rv;

	if ((rw = malloc(sizeof(*rw))) == NULL)
		return HYP_ENOMEM;
	if ((rv = pthread_rwlock_init(&rw->hr_rw, NULL)) != 0) {
		free(rw);
		return hyp_errno_from_host(rv);
	}
	*rwp = rw;
	return 0;
}

void
hyp_rw_destroy(struct hyp_rwlock *rw)
{
	check(pthread_rwlock_destroy(&rw->hr_rw));
	free(rw);
}

void
hyp_rw_enter(struct hyp_rwlock *rw, int write)
{
	check(write ? pthread_rwlock_wrlock(&rw->hr_rw) :
	    pthread_rwlock_rdlock(&rw->hr_rw));
}

int
hyp_rw_tryenter(struct hyp_rwlock *rw, int write)
{
	int rv;

	rv = write ? pthread_rwlock_trywrlock(&rw->hr_rw) :
	    pthread_rwlock_tryrdlock(&rw->hr_rw);
	if (rv == EBUSY)
		return 0;
	check(rv);
	return 1;
}

void
hyp_rw_exit(struct hyp_rwlock *rw)
{
	check(pthread_rwlock_unlock(&rw->hr_rw));
}

int
hyp_cond_init(struct hyp_cond **cvp)
{
	struct hyp_cond *cv;
	pthread_condattr_t attr;
	int rv;

	if ((cv = malloc(sizeof(*cv))) == NULL)
		return HYP_ENOMEM;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	rv = pthread_cond_init(&cv->hc_cv, &attr);
	pthread_condattr_destroy(&attr);
	if (rv != 0) {
		free(cv);
		return hyp_errno_from_host(rv);
	}
	*cvp = cv;
	return 0;
}

void
hyp_cond_destroy(struct hyp_cond *cv)
{
	check(pthread_cond_destroy(&cv->hc_cv));
	free(cv);
}

void
hyp_cond_wait(struct hyp_cond *cv, struct hyp_mutex *m)
{
	check(pthread_cond_wait(&cv->hc_cv, &m->hm_mtx));
}

/* Wait at most sec seconds plus nsec nanoseconds; HYP_ETIMEDOUT when the
 * time ran out. */
int
hyp_cond_timedwait(struct hyp_cond *cv, struct hyp_mutex *m, int64_t sec,
    long nsec)
{
	struct timespec ts;
	int rv;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)sec;
	ts.tv_nsec += nsec;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	rv = pthread_cond_timedwait(&cv->hc_cv, &m->hm_mtx, &ts);
	if (rv == ETIMEDOUT)
		return HYP_ETIMEDOUT;
	check(rv);
	return 0;
}

void
hyp_cond_signal(struct hyp_cond *cv)
{
	check(pthread_cond_signal(&cv->hc_cv));
}

void
hyp_cond_broadcast(struct hyp_cond *cv)
{
	check(pthread_cond_broadcast(&cv->hc_cv));
}

int
hyp_thread_create(void *(*fn)(void *), void *arg, struct hyp_thread **tp)
{
	struct hyp_thread *t;
	int rv;

	if ((t = malloc(sizeof(*t))) == NULL)
		return HYP_ENOMEM;
	if ((rv = pthread_create(&t->ht_thread, NULL, fn, arg)) != 0) {
		free(t);
		return hyp_errno_from_host(rv);
	}
	*tp = t;
	return 0;
}

int
hyp_thread_join(struct hyp_thread *t, void **retp)
{
	int rv;

	rv = pthread_join(t->ht_thread, retp);
	free(t);
	return rv == 0 ? 0 : hyp_errno_from_host(rv);
}

uint64_t
hyp_thread_self(void)
{
	return (uint64_t)(uintptr_t)pthread_self();
}

void
hyp_yield(void)
{
	sched_yield();
}
