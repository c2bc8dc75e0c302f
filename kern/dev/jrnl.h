/*
 * jrnl.h: the journal, a layer stacked on a block device (blk.h) that
 * makes all the writes between attach and detach one transaction: the
 * image shows either none of them or all of them, whatever happens to the
 * process or the machine in between.  See kern/dev/JOURNAL.md for the
 * design and the format of the journal file.
 *
 * Use, by the code that attaches images (kern/vfs/vfs_disk.c):
 *
 *	blk_attach(path, flags, ..., &bd);
 *	jrnl_open(bd, jflags, &j);	recovery; j is NULL without a layer
 *	... the file system reads and writes bd ...
 *	jrnl_close(j, abort);		commit (or discard), unstack, free
 *	blk_detach(bd);
 *
 * jrnl_open() first deals with a journal left beside the image by an
 * earlier process: a committed one is applied (read-write device) or
 * read through (read-only device); one that never committed is
 * discarded; one that does not belong to the image is refused with
 * EBADMSG and a message.  Then, for a writable device with JRNL_ON, it
 * stacks a transaction layer on bd.
 */
#ifndef _KERN_DEV_JRNL_H_
#define _KERN_DEV_JRNL_H_

#include "../sys/ktypes.h"

struct blkdev;
struct jrnl;

/* jrnl_open() flags. */
#define JRNL_ON		0x01	/* journal the writes of this attach */
#define JRNL_ORDERED	0x02	/* new file data may go to the image at once */

/* Suffix of the journal file's name, after the image's real path. */
#define JRNL_SUFFIX	".fsu-journal"

struct jrnl_stats {
	uint64_t	js_records;	/* units journaled */
	uint64_t	js_rewrites;	/* of a unit already journaled */
	uint64_t	js_bytes;	/* bytes written to the journal file */
	uint64_t	js_direct;	/* bytes of new data written in place */
	uint64_t	js_jreads;	/* reads served from the journal file */
	uint64_t	js_applied;	/* units written to the image */
};

int	jrnl_open(struct blkdev *, int, struct jrnl **);
int	jrnl_close(struct jrnl *, bool);
struct jrnl *jrnl_of(const struct blkdev *);
void	jrnl_getstats(const struct jrnl *, struct jrnl_stats *);
void	jrnl_printstats(const struct jrnl *);
int	jrnl_path(const struct blkdev *, char *, size_t);

#endif /* !_KERN_DEV_JRNL_H_ */
