/*
 * fsu_inoset.c: a set of files, by device and inode number, for the
 * programs that count a file with several links once (fsu_du) or pair
 * hard links (fsu_diff).  Open addressing with linear probing in a
 * power-of-two table kept at most half full; entries are never removed,
 * so adding n files costs O(n) on average.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>

#include "fsu.h"

struct ino_slot {
	uint64_t	 is_dev;
	uint64_t	 is_ino;
	int		 is_used;
};

struct fsu_inoset {
	struct ino_slot	*in_slots;
	size_t		 in_nslots;
	size_t		 in_count;
};

static struct ino_slot *
ino_slot(struct ino_slot *slots, size_t n, uint64_t dev, uint64_t ino)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ULL ^ dev * 0xc2b2ae3d27d4eb4fULL;
	size_t i = (size_t)(h ^ (h >> 29)) & (n - 1);

	while (slots[i].is_used &&
	    (slots[i].is_dev != dev || slots[i].is_ino != ino))
		i = (i + 1) & (n - 1);
	return &slots[i];
}

struct fsu_inoset *
fsu_inoset_new(void)
{
	return calloc(1, sizeof(struct fsu_inoset));
}

void
fsu_inoset_free(struct fsu_inoset *s)
{
	if (s == NULL)
		return;
	free(s->in_slots);
	free(s);
}

/* Add (dev, ino): 1 when it is new, 0 when the set held it, -1 ENOMEM. */
int
fsu_inoset_add(struct fsu_inoset *s, uint64_t dev, uint64_t ino)
{
	struct ino_slot *slots, *e;
	size_t n, i;

	if ((s->in_count + 1) * 2 > s->in_nslots) {
		n = s->in_nslots == 0 ? 64 : s->in_nslots * 2;
		if ((slots = calloc(n, sizeof(*slots))) == NULL)
			return -1;
		for (i = 0; i < s->in_nslots; i++)
			if (s->in_slots[i].is_used)
				*ino_slot(slots, n, s->in_slots[i].is_dev,
				    s->in_slots[i].is_ino) = s->in_slots[i];
		free(s->in_slots);
		s->in_slots = slots;
		s->in_nslots = n;
	}
	e = ino_slot(s->in_slots, s->in_nslots, dev, ino);
	if (e->is_used)
		return 0;
	e->is_dev = dev;
	e->is_ino = ino;
	e->is_used = 1;
	s->in_count++;
	return 1;
}
