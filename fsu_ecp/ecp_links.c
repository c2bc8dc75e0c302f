/*
 * ecp_links.c: the hard-link table of fsu_ecp.
 *
 * A file with more than one link is copied once; the table maps its
 * source (device, inode) to the path of that first copy, and the other
 * names are made links to it.  Open addressing with linear probing, a
 * power-of-two number of slots, grown to keep the load under one half;
 * entries are never removed.  Lookups and insertions are O(1) on
 * average, so a tree is copied in time linear in its entries.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ecp.h"

struct link_slot {
	uint64_t	 ls_dev;
	uint64_t	 ls_ino;
	char		*ls_path;	/* NULL: empty slot */
};

struct ecp_links {
	struct link_slot *el_slots;
	size_t		 el_nslots;	/* power of two */
	size_t		 el_count;
};

#define LINKS_MINSLOTS	64

static size_t
link_hash(uint64_t dev, uint64_t ino)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ULL ^ dev * 0xc2b2ae3d27d4eb4fULL;

	return (size_t)(h ^ (h >> 29));
}

/* The slot of (dev, ino), or the empty slot where it would go. */
static struct link_slot *
link_slot(struct link_slot *slots, size_t nslots, uint64_t dev,
    uint64_t ino)
{
	size_t i = link_hash(dev, ino) & (nslots - 1);

	while (slots[i].ls_path != NULL &&
	    (slots[i].ls_dev != dev || slots[i].ls_ino != ino))
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

struct ecp_links *
ecp_links_new(void)
{
	return calloc(1, sizeof(struct ecp_links));
}

const char *
ecp_links_find(struct ecp_links *el, uint64_t dev, uint64_t ino)
{
	if (el->el_count == 0)
		return NULL;
	return link_slot(el->el_slots, el->el_nslots, dev, ino)->ls_path;
}

static int
links_grow(struct ecp_links *el)
{
	struct link_slot *slots, *s;
	size_t n, i;

	n = el->el_nslots == 0 ? LINKS_MINSLOTS : el->el_nslots * 2;
	if ((slots = calloc(n, sizeof(*slots))) == NULL)
		return -1;
	for (i = 0; i < el->el_nslots; i++) {
		if (el->el_slots[i].ls_path == NULL)
			continue;
		s = link_slot(slots, n, el->el_slots[i].ls_dev,
		    el->el_slots[i].ls_ino);
		*s = el->el_slots[i];
	}
	free(el->el_slots);
	el->el_slots = slots;
	el->el_nslots = n;
	return 0;
}

/* Remember path as the copy of (dev, ino); an existing entry stays. */
int
ecp_links_add(struct ecp_links *el, uint64_t dev, uint64_t ino,
    const char *path)
{
	struct link_slot *s;
	char *p;

	if ((el->el_count + 1) * 2 > el->el_nslots && links_grow(el) == -1)
		return -1;
	s = link_slot(el->el_slots, el->el_nslots, dev, ino);
	if (s->ls_path != NULL)
		return 0;
	if ((p = strdup(path)) == NULL)
		return -1;
	s->ls_dev = dev;
	s->ls_ino = ino;
	s->ls_path = p;
	el->el_count++;
	return 0;
}

void
ecp_links_free(struct ecp_links *el)
{
	size_t i;

	if (el == NULL)
		return;
	for (i = 0; i < el->el_nslots; i++)
		free(el->el_slots[i].ls_path);
	free(el->el_slots);
	free(el);
}
