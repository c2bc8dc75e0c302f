/*
 * kern_kmem.c: accounted kernel memory with the RUMP_MEMLIMIT limit.
 *
 * The counters are updated with atomic operations so that code running
 * outside the kernel lock (the block device) may allocate too.  When an
 * allocation would exceed the limit, the reclaim hooks registered by the
 * caches are asked for the missing bytes (plus some slack, so that a
 * streaming workload does not call them on every page) and the allocation
 * is retried once.
 */
#include "sys/param.h"
#include "sys/kmem.h"
#include "sys/systm.h"
#include "../lib/hyp.h"

#define KMEM_MAXHOOKS	8
#define KMEM_SLACK	(256 * 1024)

static struct {
	uint64_t	inuse;
	uint64_t	peak;
	uint64_t	limit;
	uint64_t	allocs;
	uint64_t	fails;
	uint64_t	reclaims;
	kmem_reclaim_fn	hooks[KMEM_MAXHOOKS];
	int		nhooks;
} kmem;

int
kmem_init(void)
{
	uint64_t lim;
	int error;

	error = kparam_getnum("RUMP_MEMLIMIT", &lim);
	if (error == ENOENT)
		return 0;
	if (error != 0 || lim == 0) {
		kprintf("kernel: RUMP_MEMLIMIT: invalid value\n");
		return EINVAL;
	}
	if (lim < 1024 * 1024)
		kprintf("kernel: warning: RUMP_MEMLIMIT %llu bytes is below "
		    "1 MiB\n", (unsigned long long)lim);
	kmem.limit = lim;
	kverbose("kernel: memory limit %llu bytes\n",
	    (unsigned long long)lim);
	return 0;
}

void
kmem_fini(void)
{
	if (kmem.inuse != 0)
		kverbose("kernel: %llu bytes still allocated at halt\n",
		    (unsigned long long)kmem.inuse);
	kmem.nhooks = 0;
}

void
kmem_reclaim_register(kmem_reclaim_fn fn)
{
	int i;

	for (i = 0; i < kmem.nhooks; i++)
		if (kmem.hooks[i] == fn)
			return;
	KASSERT(kmem.nhooks < KMEM_MAXHOOKS);
	kmem.hooks[kmem.nhooks++] = fn;
}

static bool
kmem_charge(size_t size)
{
	uint64_t now, peak;

	now = __atomic_add_fetch(&kmem.inuse, size, __ATOMIC_RELAXED);
	if (kmem.limit != 0 && now > kmem.limit) {
		__atomic_sub_fetch(&kmem.inuse, size, __ATOMIC_RELAXED);
		return false;
	}
	peak = __atomic_load_n(&kmem.peak, __ATOMIC_RELAXED);
	while (now > peak && !__atomic_compare_exchange_n(&kmem.peak, &peak,
	    now, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		continue;
	return true;
}

static void
kmem_reclaim(size_t want)
{
	size_t got = 0;
	int i;

	__atomic_add_fetch(&kmem.reclaims, 1, __ATOMIC_RELAXED);
	for (i = 0; i < kmem.nhooks && got < want; i++)
		got += kmem.hooks[i](want - got);
}

void *
kmem_alloc(size_t size)
{
	void *p;

	KASSERT(size > 0);
	if (!kmem_charge(size)) {
		kmem_reclaim(size + KMEM_SLACK);
		if (!kmem_charge(size)) {
			__atomic_add_fetch(&kmem.fails, 1, __ATOMIC_RELAXED);
			return NULL;
		}
	}
	if ((p = hyp_malloc(size)) == NULL) {
		__atomic_sub_fetch(&kmem.inuse, size, __ATOMIC_RELAXED);
		__atomic_add_fetch(&kmem.fails, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	__atomic_add_fetch(&kmem.allocs, 1, __ATOMIC_RELAXED);
	return p;
}

void *
kmem_zalloc(size_t size)
{
	void *p;

	if ((p = kmem_alloc(size)) != NULL)
		memset(p, 0, size);
	return p;
}

void
kmem_free(void *p, size_t size)
{
	if (p == NULL)
		return;
	KASSERT(size > 0);
	KASSERTMSG(__atomic_load_n(&kmem.inuse, __ATOMIC_RELAXED) >= size,
	    "kmem_free: freeing %zu bytes, only %llu in use", size,
	    (unsigned long long)kmem.inuse);
	__atomic_sub_fetch(&kmem.inuse, size, __ATOMIC_RELAXED);
	hyp_free(p, size);
}

char *
kmem_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p;

	if ((p = kmem_alloc(len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
kmem_strfree(char *s)
{
	if (s != NULL)
		kmem_free(s, strlen(s) + 1);
}

void
kmem_getstats(struct kmem_stats *ks)
{
	ks->ks_inuse = __atomic_load_n(&kmem.inuse, __ATOMIC_RELAXED);
	ks->ks_peak = __atomic_load_n(&kmem.peak, __ATOMIC_RELAXED);
	ks->ks_limit = kmem.limit;
	ks->ks_allocs = kmem.allocs;
	ks->ks_fails = kmem.fails;
	ks->ks_reclaims = kmem.reclaims;
}

uint64_t
kmem_limit(void)
{
	return kmem.limit;
}
