/*
 * cmp.c: the orders of fsu_ls.  By name (bytes, as strcmp), by time
 * (newest first) or by size (largest first), ties broken by name; -r
 * reverses the whole order, -f leaves the entries as they came.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "ls.h"

static int
byname(const struct ls_entry *a, const struct ls_entry *b)
{
	return strcmp(a->e_name, b->e_name);
}

static int
bytime(const struct ls_entry *a, const struct ls_entry *b)
{
	if (a->e_time.tv_sec != b->e_time.tv_sec)
		return a->e_time.tv_sec > b->e_time.tv_sec ? -1 : 1;
	if (a->e_time.tv_nsec != b->e_time.tv_nsec)
		return a->e_time.tv_nsec > b->e_time.tv_nsec ? -1 : 1;
	return byname(a, b);
}

static int
bysize(const struct ls_entry *a, const struct ls_entry *b)
{
	if (a->e_size != b->e_size)
		return a->e_size > b->e_size ? -1 : 1;
	return byname(a, b);
}

static int
compare(const void *pa, const void *pb)
{
	const struct ls_entry *a = *(struct ls_entry *const *)pa;
	const struct ls_entry *b = *(struct ls_entry *const *)pb;
	int r;

	switch (ls_opt.o_sort) {
	case SORT_TIME:
		r = bytime(a, b);
		break;
	case SORT_SIZE:
		r = bysize(a, b);
		break;
	default:
		r = byname(a, b);
		break;
	}
	if (ls_opt.o_reverse)
		return r < 0 ? 1 : (r > 0 ? -1 : 0);
	return r;
}

/* Put the n entries of v in the order the options ask for. */
void
ls_sort(struct ls_entry **v, size_t n)
{
	if (ls_opt.o_sort == SORT_NONE || n < 2)
		return;
	qsort(v, n, sizeof(*v), compare);
}
