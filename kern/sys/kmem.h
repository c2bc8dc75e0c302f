/*
 * kmem.h: kernel memory.  Every allocation is accounted; when RUMP_MEMLIMIT
 * is set, an allocation that would pass the limit first asks the caches
 * (buffer cache, page cache, vnode cache) to give back clean memory through
 * the registered reclaim hooks, and fails with NULL if that is not enough.
 * There is no sleeping allocation: callers check for NULL and return
 * ENOMEM.  Sizes must be passed back to kmem_free().
 */
#ifndef _KERN_SYS_KMEM_H_
#define _KERN_SYS_KMEM_H_

#include "ktypes.h"

void	*kmem_alloc(size_t);
void	*kmem_zalloc(size_t);
void	kmem_free(void *, size_t);
char	*kmem_strndup(const char *, size_t);
void	kmem_strfree(char *);

/*
 * A reclaim hook frees up to the given number of bytes of clean cached
 * memory and returns how many it freed.  Hooks run inside kmem_alloc(), so
 * they must not allocate, sleep or write to disk.
 */
typedef size_t (*kmem_reclaim_fn)(size_t);
void	kmem_reclaim_register(kmem_reclaim_fn);

struct kmem_stats {
	uint64_t	ks_inuse;	/* bytes allocated now */
	uint64_t	ks_peak;	/* highest ks_inuse seen */
	uint64_t	ks_limit;	/* RUMP_MEMLIMIT, 0 if none */
	uint64_t	ks_allocs;	/* successful allocations */
	uint64_t	ks_fails;	/* allocations refused */
	uint64_t	ks_reclaims;	/* times the hooks were run */
};
void	kmem_getstats(struct kmem_stats *);
uint64_t kmem_limit(void);
int	kmem_init(void);
void	kmem_fini(void);

#endif /* !_KERN_SYS_KMEM_H_ */
