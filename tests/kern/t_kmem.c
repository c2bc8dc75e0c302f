/*
 * t_kmem.c: kernel memory accounting and the RUMP_MEMLIMIT limit.
 */
#include <stdlib.h>

#include <atf-c.h>

#include "../../kern/sys/init.h"
#include "../../kern/sys/kmem.h"

static size_t reclaim_asked;
static void *reclaim_victim;
static size_t reclaim_victim_size;

/* A cache with one block it is willing to give back. */
static size_t
test_reclaim(size_t want)
{
	size_t got;

	reclaim_asked += want;
	if (reclaim_victim == NULL)
		return 0;
	kmem_free(reclaim_victim, reclaim_victim_size);
	got = reclaim_victim_size;
	reclaim_victim = NULL;
	return got;
}

ATF_TC(accounting);
ATF_TC_HEAD(accounting, tc)
{
	atf_tc_set_md_var(tc, "descr", "kmem counts what is allocated and "
	    "freed, and tracks the peak");
}
ATF_TC_BODY(accounting, tc)
{
	struct kmem_stats ks0, ks;
	void *a, *b;

	unsetenv("RUMP_MEMLIMIT");
	ATF_REQUIRE_EQ(kern_boot(), 0);
	kmem_getstats(&ks0);
	a = kmem_alloc(1000);
	b = kmem_zalloc(3000);
	ATF_REQUIRE(a != NULL && b != NULL);
	ATF_REQUIRE_EQ(((char *)b)[2999], 0);
	kmem_getstats(&ks);
	ATF_REQUIRE_EQ(ks.ks_inuse - ks0.ks_inuse, 4000);
	ATF_REQUIRE(ks.ks_peak >= ks0.ks_inuse + 4000);
	kmem_free(a, 1000);
	kmem_free(b, 3000);
	kmem_getstats(&ks);
	ATF_REQUIRE_EQ(ks.ks_inuse, ks0.ks_inuse);
	ATF_REQUIRE_EQ(ks.ks_limit, 0);
	kern_halt();
}

ATF_TC(limit);
ATF_TC_HEAD(limit, tc)
{
	atf_tc_set_md_var(tc, "descr", "RUMP_MEMLIMIT refuses allocations "
	    "past the limit after asking the reclaim hooks");
}
ATF_TC_BODY(limit, tc)
{
	struct kmem_stats ks;
	void *a, *b;

	setenv("RUMP_MEMLIMIT", "2m", 1);
	ATF_REQUIRE_EQ(kern_boot(), 0);
	kmem_getstats(&ks);
	ATF_REQUIRE_EQ(ks.ks_limit, 2 * 1024 * 1024);
	kmem_reclaim_register(test_reclaim);

	a = kmem_alloc(1536 * 1024);
	ATF_REQUIRE(a != NULL);
	/* Over the limit, and nothing to reclaim: refused. */
	b = kmem_alloc(1024 * 1024);
	ATF_REQUIRE(b == NULL);
	ATF_REQUIRE(reclaim_asked >= 1024 * 1024);
	kmem_getstats(&ks);
	ATF_REQUIRE(ks.ks_fails >= 1);

	/* The hook gives a back: the same request now succeeds. */
	reclaim_victim = a;
	reclaim_victim_size = 1536 * 1024;
	b = kmem_alloc(1024 * 1024);
	ATF_REQUIRE(b != NULL);
	ATF_REQUIRE(reclaim_victim == NULL);
	kmem_free(b, 1024 * 1024);
	kern_halt();
}

ATF_TC(badlimit);
ATF_TC_HEAD(badlimit, tc)
{
	atf_tc_set_md_var(tc, "descr", "a malformed RUMP_MEMLIMIT makes boot "
	    "fail instead of being ignored");
}
ATF_TC_BODY(badlimit, tc)
{
	setenv("RUMP_MEMLIMIT", "12q", 1);
	ATF_REQUIRE(kern_boot() != 0);
	setenv("RUMP_MEMLIMIT", "0", 1);
	ATF_REQUIRE(kern_boot() != 0);
	setenv("RUMP_MEMLIMIT", "64k", 1);
	ATF_REQUIRE_EQ(kern_boot(), 0);
	kern_halt();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, accounting);
	ATF_TP_ADD_TC(tp, limit);
	ATF_TP_ADD_TC(tp, badlimit);
	return atf_no_error();
}
