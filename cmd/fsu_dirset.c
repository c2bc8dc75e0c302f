/*
 * fsu_dirset.c: the directories a recursive walk has met, so that no
 * directory is entered twice through hard links.
 *
 * In a sound file system every directory has exactly one entry naming it
 * (besides its own "." and its children's ".."), so a walk that does not
 * follow symbolic links meets each directory once.  A corrupt image may
 * link a directory from two entries, or from inside itself; walking
 * every path then costs time exponential in the depth (a chain of 32
 * directories each linked twice from its parent has 2^32 paths) or never
 * ends.  The set keeps, for each directory (device and inode), the first
 * entry that named it (the parent's inode and the name), the visit of
 * the parent in which it was met, and whether the walk is inside it now.
 *
 * fsu_dirset_enter() is asked before a walk enters a directory:
 *  - a directory the walk is inside already is a cycle: ELOOP;
 *  - a directory reached through an entry (not through a symbolic link,
 *    not as an operand) is entered when the set has not met it through
 *    an entry yet, or when that entry is the same (parent and name) and
 *    the parent is being walked again (reached anew through a symbolic
 *    link, with -L); any other entry naming it is a second link: EMLINK;
 *  - a directory reached through a symbolic link or as an operand is
 *    entered unless it is a cycle, as BSD's tools do with -L.
 * So without -L each directory inode is entered at most once, and with
 * -L a directory is walked again only as often as symbolic links lead
 * to it: the cost of a walk is linear in the number of directory inodes
 * plus what the symbolic links ask for.
 *
 * Each visit of a directory gets a serial number (fsu_dirset_enter
 * returns it), which the caller passes back as the parent's when it
 * meets the directory's entries.  Open addressing with linear probing,
 * a power-of-two number of slots kept at most half full; entries are
 * never removed.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fsu.h"

struct dirset_slot {
	uint64_t	 ds_dev;
	uint64_t	 ds_ino;
	uint64_t	 ds_pino;	/* parent of the first entry */
	uint64_t	 ds_pserial;	/* the parent's visit then */
	char		*ds_name;	/* name of that entry, or NULL */
	int		 ds_used;
	int		 ds_inside;	/* the walk is inside it */
};

struct fsu_dirset {
	struct dirset_slot *dr_slots;
	size_t		 dr_nslots;	/* power of two */
	size_t		 dr_count;
	uint64_t	 dr_serial;	/* last visit number given */
};

#define DIRSET_MINSLOTS	64

static size_t
dirset_hash(uint64_t dev, uint64_t ino)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ULL ^ dev * 0xc2b2ae3d27d4eb4fULL;

	return (size_t)(h ^ (h >> 29));
}

/* The slot of (dev, ino), or the empty slot where it would go. */
static struct dirset_slot *
dirset_slot(struct dirset_slot *slots, size_t nslots, uint64_t dev,
    uint64_t ino)
{
	size_t i = dirset_hash(dev, ino) & (nslots - 1);

	while (slots[i].ds_used &&
	    (slots[i].ds_dev != dev || slots[i].ds_ino != ino))
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

static int
dirset_grow(struct fsu_dirset *ds)
{
	struct dirset_slot *slots;
	size_t n, i;

	n = ds->dr_nslots == 0 ? DIRSET_MINSLOTS : ds->dr_nslots * 2;
	if ((slots = calloc(n, sizeof(*slots))) == NULL)
		return -1;
	for (i = 0; i < ds->dr_nslots; i++)
		if (ds->dr_slots[i].ds_used)
			*dirset_slot(slots, n, ds->dr_slots[i].ds_dev,
			    ds->dr_slots[i].ds_ino) = ds->dr_slots[i];
	free(ds->dr_slots);
	ds->dr_slots = slots;
	ds->dr_nslots = n;
	return 0;
}

struct fsu_dirset *
fsu_dirset_new(void)
{
	return calloc(1, sizeof(struct fsu_dirset));
}

void
fsu_dirset_free(struct fsu_dirset *ds)
{
	size_t i;

	if (ds == NULL)
		return;
	for (i = 0; i < ds->dr_nslots; i++)
		free(ds->dr_slots[i].ds_name);
	free(ds->dr_slots);
	free(ds);
}

/* Remember the entry (parent pst in its visit pserial, name) of s. */
static int
dirset_entry(struct dirset_slot *s, const struct stat *pst,
    uint64_t pserial, const char *name)
{
	if (s->ds_name == NULL && (s->ds_name = strdup(name)) == NULL)
		return ENOMEM;
	s->ds_pino = (uint64_t)pst->st_ino;
	s->ds_pserial = pserial;
	return 0;
}

/*
 * May the walk enter directory st?  pst is the directory holding the
 * entry name that led to it, in the parent's visit pserial; pst is NULL
 * for an operand or a directory reached through a symbolic link.
 * Returns 0 and the new visit's serial in *serialp, or ELOOP, EMLINK or
 * ENOMEM (then nothing changed).  fsu_dirset_leave() ends the visit.
 */
int
fsu_dirset_enter(struct fsu_dirset *ds, const struct stat *st,
    const struct stat *pst, uint64_t pserial, const char *name,
    uint64_t *serialp)
{
	struct dirset_slot *s;
	int error;

	if ((ds->dr_count + 1) * 2 > ds->dr_nslots && dirset_grow(ds) == -1)
		return ENOMEM;
	s = dirset_slot(ds->dr_slots, ds->dr_nslots, (uint64_t)st->st_dev,
	    (uint64_t)st->st_ino);
	if (s->ds_used && s->ds_inside)
		return ELOOP;
	if (!s->ds_used) {
		memset(s, 0, sizeof(*s));
		if (pst != NULL && (error = dirset_entry(s, pst, pserial,
		    name)) != 0)
			return error;
		s->ds_dev = (uint64_t)st->st_dev;
		s->ds_ino = (uint64_t)st->st_ino;
		s->ds_used = 1;
		ds->dr_count++;
	} else if (pst != NULL) {
		if (s->ds_name == NULL) {
			if ((error = dirset_entry(s, pst, pserial, name)) != 0)
				return error;
		} else if (s->ds_pino != (uint64_t)pst->st_ino ||
		    s->ds_pserial == pserial || strcmp(s->ds_name, name) != 0)
			return EMLINK;
		s->ds_pserial = pserial;
	}
	s->ds_inside = 1;
	*serialp = ++ds->dr_serial;
	return 0;
}

/* The walk left directory st (entered with fsu_dirset_enter). */
void
fsu_dirset_leave(struct fsu_dirset *ds, const struct stat *st)
{
	struct dirset_slot *s;

	if (ds->dr_nslots == 0)
		return;
	s = dirset_slot(ds->dr_slots, ds->dr_nslots, (uint64_t)st->st_dev,
	    (uint64_t)st->st_ino);
	if (s->ds_used)
		s->ds_inside = 0;
}
