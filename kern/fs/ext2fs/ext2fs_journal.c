/*
 * ext2fs_journal.c: metadata reads, and the ext3/ext4 journal.
 *
 * Every metadata block the driver reads goes through ext2fs_bread(),
 * which reads it through the buffer cache and, when the journal was
 * replayed in memory at mount, lays the journal's newer copy over it.
 *
 * Journal replay is not implemented yet: a file system whose journal
 * needs recovery is refused (read-only mounts included) with a message
 * saying so.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

/* The replayed copy of block blk, or NULL. */
const void *
ext2fs_journal_block(struct e2mount *ump, uint64_t blk)
{
	(void)ump;
	(void)blk;
	return NULL;
}

/* Read file system block blk (metadata) through the buffer cache. */
int
ext2fs_bread(struct e2mount *ump, uint64_t blk, struct buf **bpp)
{
	const void *j;
	int error;

	if ((error = bread(ump->em_devvp, E2FSBTODB(ump, blk),
	    (int)ump->em_bsize, bpp)) != 0)
		return error;
	if (ump->em_replay != NULL &&
	    (j = ext2fs_journal_block(ump, blk)) != NULL)
		memcpy((*bpp)->b_data, j, ump->em_bsize);
	return 0;
}

/* Replay the journal in memory (read-only mounts). */
int
ext2fs_journal_replay(struct e2mount *ump)
{
	kprintf("ext2fs: %s: the journal needs recovery, which this driver "
	    "does not do (run e2fsck)\n", ump->em_devname);
	return EFTYPE;
}

void
ext2fs_journal_free(struct e2mount *ump)
{
	ump->em_replay = NULL;
}
