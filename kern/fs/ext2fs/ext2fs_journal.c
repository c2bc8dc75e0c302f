/*
 * ext2fs_journal.c: metadata reads, and replaying the ext3/ext4 journal
 * in memory for a read-only mount.
 *
 * Every metadata block the driver reads goes through ext2fs_bread(),
 * which reads it through the buffer cache and, when the journal was
 * replayed at mount, lays the journal's newer copy over it.  Regular
 * file data is read around the page cache for such mounts (see
 * ext2fs_vnops.c), so data blocks in the journal (data=journal) are seen
 * too.  Nothing is ever written: the image keeps its journal, and a
 * read-write mount of it is refused (e2fsck, or a kernel mount, replays it).
 *
 * The journal (JBD2, big-endian) lives in the journal inode's blocks:
 * block 0 is its superblock, then a circular log from s_first to
 * s_maxlen.  Replay follows the log from s_start, transaction s_sequence:
 * a descriptor block lists (in tags) the file system blocks whose new
 * contents follow it in the log; a revoke block lists blocks whose
 * earlier copies must not be replayed; a commit block ends a
 * transaction.  The log ends at the first block that is not the next
 * expected one (wrong magic or sequence).  Three passes, as the format
 * requires: find the last committed transaction; collect revocations;
 * take, in order, every logged block of every committed transaction that
 * no revocation at that transaction or later covers (a later copy
 * replaces an earlier one).  With journal checksums (v2, v3) descriptor,
 * revoke and commit blocks and every logged block are verified; a
 * mismatch, a tag naming a block outside the file system, or anything
 * else malformed refuses the mount with a message.  Journals on another
 * device and fast commits are refused.
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

#define JBD2_MAGIC		0xc03b3998u
#define JBD2_DESCRIPTOR		1
#define JBD2_COMMIT		2
#define JBD2_SUPERBLOCK_V1	3
#define JBD2_SUPERBLOCK_V2	4
#define JBD2_REVOKE		5

#define JBD2_INCOMPAT_REVOKE	0x01
#define JBD2_INCOMPAT_64BIT	0x02
#define JBD2_INCOMPAT_ASYNC	0x04
#define JBD2_INCOMPAT_CSUM_V2	0x08
#define JBD2_INCOMPAT_CSUM_V3	0x10
#define JBD2_INCOMPAT_FASTCOMMIT 0x20
#define JBD2_INCOMPAT_KNOWN	(JBD2_INCOMPAT_REVOKE | JBD2_INCOMPAT_64BIT | \
	JBD2_INCOMPAT_ASYNC | JBD2_INCOMPAT_CSUM_V2 | JBD2_INCOMPAT_CSUM_V3)

#define JBD2_FLAG_ESCAPE	0x1	/* the block started with the magic */
#define JBD2_FLAG_SAME_UUID	0x2	/* no UUID follows the tag */
#define JBD2_FLAG_LAST_TAG	0x8

/* Journal superblock fields (byte offsets, big-endian). */
#define JSB_BLOCKSIZE	0x0c
#define JSB_MAXLEN	0x10
#define JSB_FIRST	0x14
#define JSB_SEQUENCE	0x18
#define JSB_START	0x1c
#define JSB_INCOMPAT	0x28
#define JSB_UUID	0x30
#define JSB_CHECKSUM	0xfc
#define JSB_SIZE	1024

#define COMMIT_CHKSUM	16	/* h_chksum[0] in a commit block */
#define REVOKE_COUNT	12	/* r_count: bytes used, header included */

/* One replayed block. */
struct jent {
	uint64_t	je_blk;		/* file system block; 0: free slot */
	uint32_t	je_seq;		/* transaction it came from */
	uint8_t		*je_data;
};

/* One revocation: a block and the latest transaction revoking it. */
struct jrev {
	uint64_t	jr_blk;
	uint32_t	jr_seq;
};

struct e2_replay {
	struct e2inode	*jr_jip;	/* the journal inode */
	uint32_t	jr_maxlen;
	uint32_t	jr_first;
	uint32_t	jr_incompat;
	uint32_t	jr_tagsize;
	uint32_t	jr_csumseed;
	uint32_t	jr_endseq;	/* first transaction not committed */
	struct jent	*jr_ents;	/* open addressing, by je_blk */
	uint32_t	jr_nents;
	uint32_t	jr_cap;		/* power of two */
	struct jrev	*jr_revs;
	uint32_t	jr_nrevs;
	uint32_t	jr_revcap;
	uint8_t		*jr_buf;	/* one journal block */
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int
jbad(struct e2mount *ump, const char *what)
{
	kprintf("ext2fs: %s: journal: %s; it cannot be replayed (run "
	    "e2fsck)\n", ump->em_devname, what);
	return EFTYPE;
}

static uint32_t
hashblk(uint64_t b)
{
	uint64_t h = b * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(h ^ (h >> 32));
}

/* The slot of block b in the replay table (its own, or a free one). */
static struct jent *
ent_slot(struct e2_replay *jr, uint64_t b)
{
	uint32_t i = hashblk(b) & (jr->jr_cap - 1);

	while (jr->jr_ents[i].je_blk != 0 && jr->jr_ents[i].je_blk != b)
		i = (i + 1) & (jr->jr_cap - 1);
	return &jr->jr_ents[i];
}

static int
ent_grow(struct e2mount *ump, struct e2_replay *jr)
{
	struct jent *old = jr->jr_ents, *e;
	uint32_t ocap = jr->jr_cap, i;

	jr->jr_cap = ocap == 0 ? 64 : 2 * ocap;
	if ((jr->jr_ents = kmem_zalloc(jr->jr_cap * sizeof(*e))) == NULL) {
		jr->jr_ents = old;
		jr->jr_cap = ocap;
		return ENOMEM;
	}
	for (i = 0; i < ocap; i++)
		if (old[i].je_blk != 0)
			*ent_slot(jr, old[i].je_blk) = old[i];
	if (old != NULL)
		kmem_free(old, ocap * sizeof(*old));
	(void)ump;
	return 0;
}

/* Record data (a journal block's copy) as the contents of block b. */
static int
ent_put(struct e2mount *ump, struct e2_replay *jr, uint64_t b, uint32_t seq,
    const uint8_t *data, bool escaped)
{
	struct jent *e;
	int error;

	if (2 * (jr->jr_nents + 1) > jr->jr_cap &&
	    (error = ent_grow(ump, jr)) != 0)
		return error;
	e = ent_slot(jr, b);
	if (e->je_blk == 0) {
		if ((e->je_data = kmem_alloc(ump->em_bsize)) == NULL)
			return ENOMEM;
		e->je_blk = b;
		jr->jr_nents++;
	}
	e->je_seq = seq;
	memcpy(e->je_data, data, ump->em_bsize);
	if (escaped) {
		e->je_data[0] = (uint8_t)(JBD2_MAGIC >> 24);
		e->je_data[1] = (uint8_t)(JBD2_MAGIC >> 16);
		e->je_data[2] = (uint8_t)(JBD2_MAGIC >> 8);
		e->je_data[3] = (uint8_t)JBD2_MAGIC;
	}
	return 0;
}

/* The latest transaction revoking block b, or -1. */
static int64_t
rev_get(struct e2_replay *jr, uint64_t b)
{
	uint32_t i;

	for (i = 0; i < jr->jr_nrevs; i++)
		if (jr->jr_revs[i].jr_blk == b)
			return jr->jr_revs[i].jr_seq;
	return -1;
}

static int
rev_put(struct e2_replay *jr, uint64_t b, uint32_t seq)
{
	struct jrev *n;
	uint32_t i, cap;

	for (i = 0; i < jr->jr_nrevs; i++) {
		if (jr->jr_revs[i].jr_blk == b) {
			if ((int32_t)(seq - jr->jr_revs[i].jr_seq) > 0)
				jr->jr_revs[i].jr_seq = seq;
			return 0;
		}
	}
	if (jr->jr_nrevs == jr->jr_revcap) {
		cap = jr->jr_revcap == 0 ? 64 : 2 * jr->jr_revcap;
		if ((n = kmem_alloc(cap * sizeof(*n))) == NULL)
			return ENOMEM;
		if (jr->jr_revs != NULL) {
			memcpy(n, jr->jr_revs, jr->jr_nrevs * sizeof(*n));
			kmem_free(jr->jr_revs, jr->jr_revcap * sizeof(*n));
		}
		jr->jr_revs = n;
		jr->jr_revcap = cap;
	}
	jr->jr_revs[jr->jr_nrevs].jr_blk = b;
	jr->jr_revs[jr->jr_nrevs++].jr_seq = seq;
	return 0;
}

/* Read journal block lb into jr_buf. */
static int
jread(struct e2mount *ump, struct e2_replay *jr, uint32_t lb)
{
	uint64_t blk;
	struct buf *bp;
	int error;

	if ((error = ext2fs_bmap_lbn(jr->jr_jip, lb, &blk, NULL)) != 0)
		return error;
	if (blk == 0)
		return jbad(ump, "a hole in the journal");
	if ((error = bread(ump->em_devvp, E2FSBTODB(ump, blk),
	    (int)ump->em_bsize, &bp)) != 0)
		return error;
	memcpy(jr->jr_buf, bp->b_data, ump->em_bsize);
	brelse(bp, 0);
	return 0;
}

static bool
has_csum(const struct e2_replay *jr)
{
	return (jr->jr_incompat & (JBD2_INCOMPAT_CSUM_V2 |
	    JBD2_INCOMPAT_CSUM_V3)) != 0;
}

/* crc32c of a journal block with the 4 bytes at off taken as zero. */
static uint32_t
jblock_csum(const struct e2mount *ump, const struct e2_replay *jr,
    const uint8_t *blk, uint32_t off)
{
	uint32_t zero = 0, c;

	c = ext2fs_crc32c(jr->jr_csumseed, blk, off);
	c = ext2fs_crc32c(c, &zero, 4);
	return ext2fs_crc32c(c, blk + off + 4, ump->em_bsize - off - 4);
}

/* The next position in the circular log. */
static uint32_t
jnext(const struct e2_replay *jr, uint32_t pos)
{
	return pos + 1 >= jr->jr_maxlen ? jr->jr_first : pos + 1;
}

/* A tag: block number, flags, checksum. */
struct jtag {
	uint64_t	t_blk;
	uint32_t	t_flags;
	uint32_t	t_csum;
};

static void
tag_get(const struct e2_replay *jr, const uint8_t *p, struct jtag *t)
{
	bool b64 = (jr->jr_incompat & JBD2_INCOMPAT_64BIT) != 0;

	t->t_blk = be32(p);
	if (jr->jr_incompat & JBD2_INCOMPAT_CSUM_V3) {
		t->t_flags = be32(p + 4);
		if (b64)
			t->t_blk |= (uint64_t)be32(p + 8) << 32;
		t->t_csum = be32(p + 12);
	} else {
		t->t_csum = be16(p + 4);
		t->t_flags = be16(p + 6);
		if (b64)
			t->t_blk |= (uint64_t)be32(p + 8) << 32;
	}
}

enum jpass { PASS_SCAN, PASS_REVOKE, PASS_REPLAY };

/*
 * Handle the descriptor block in jr_buf at position pos of transaction
 * seq: in the replay pass take its blocks; *posp moves past its data.
 */
static int
do_descriptor(struct e2mount *ump, struct e2_replay *jr, enum jpass pass,
    uint32_t seq, uint32_t *posp)
{
	uint32_t end = ump->em_bsize - (has_csum(jr) ? 4 : 0), off = 12, c;
	uint32_t pos = *posp, n = 0;
	uint8_t *desc = NULL;
	int64_t r;
	struct jtag t;
	bool last = false;
	int error = 0;

	if (has_csum(jr) && be32(jr->jr_buf + end) !=
	    jblock_csum(ump, jr, jr->jr_buf, end))
		return jbad(ump, "bad descriptor block checksum");
	if (pass == PASS_REPLAY) {
		/* The tags are needed while the data blocks are read. */
		if ((desc = kmem_alloc(ump->em_bsize)) == NULL)
			return ENOMEM;
		memcpy(desc, jr->jr_buf, ump->em_bsize);
	}
	while (!last && off + jr->jr_tagsize <= end) {
		tag_get(jr, (desc != NULL ? desc : jr->jr_buf) + off, &t);
		last = (t.t_flags & JBD2_FLAG_LAST_TAG) != 0;
		off += jr->jr_tagsize + ((t.t_flags & JBD2_FLAG_SAME_UUID) ?
		    0 : 16);
		pos = jnext(jr, pos);
		n++;
		if (pass != PASS_REPLAY || (int32_t)(seq - jr->jr_endseq) >= 0)
			continue;
		if (!ext2fs_blkok(ump, t.t_blk, 1)) {
			error = jbad(ump, "a logged block outside the file "
			    "system");
			break;
		}
		if ((error = jread(ump, jr, pos)) != 0)
			break;
		if (has_csum(jr)) {
			c = ext2fs_crc32c(jr->jr_csumseed,
			    (const uint8_t[4]){ seq >> 24, seq >> 16, seq >> 8,
			    seq }, 4);
			c = ext2fs_crc32c(c, jr->jr_buf, ump->em_bsize);
			if ((jr->jr_incompat & JBD2_INCOMPAT_CSUM_V3) ?
			    t.t_csum != c : t.t_csum != (c & 0xffff)) {
				error = jbad(ump, "bad logged block checksum");
				break;
			}
		}
		r = rev_get(jr, t.t_blk);
		if (r >= 0 && (int32_t)((uint32_t)r - seq) >= 0)
			continue; /* revoked at this transaction or later */
		if ((error = ent_put(ump, jr, t.t_blk, seq, jr->jr_buf,
		    (t.t_flags & JBD2_FLAG_ESCAPE) != 0)) != 0)
			break;
	}
	if (desc != NULL)
		kmem_free(desc, ump->em_bsize);
	if (error == 0 && n == 0)
		error = jbad(ump, "a descriptor block without tags");
	*posp = pos;
	return error;
}

/* The revoke block in jr_buf of transaction seq. */
static int
do_revoke(struct e2mount *ump, struct e2_replay *jr, uint32_t seq)
{
	uint32_t end = ump->em_bsize - (has_csum(jr) ? 4 : 0), n, off;
	uint32_t rsize = (jr->jr_incompat & JBD2_INCOMPAT_64BIT) ? 8 : 4;
	uint64_t b;
	int error;

	if (has_csum(jr) && be32(jr->jr_buf + end) !=
	    jblock_csum(ump, jr, jr->jr_buf, end))
		return jbad(ump, "bad revoke block checksum");
	n = be32(jr->jr_buf + REVOKE_COUNT);
	if (n < 16 || n > end)
		return jbad(ump, "bad revoke block count");
	for (off = 16; off + rsize <= n; off += rsize) {
		b = rsize == 8 ? (uint64_t)be32(jr->jr_buf + off) << 32 |
		    be32(jr->jr_buf + off + 4) : be32(jr->jr_buf + off);
		if ((error = rev_put(jr, b, seq)) != 0)
			return error;
	}
	return 0;
}

/* One pass over the log from start at transaction seq. */
static int
log_pass(struct e2mount *ump, struct e2_replay *jr, enum jpass pass,
    uint32_t start, uint32_t seq)
{
	uint32_t pos = start, steps, type;
	int error;

	for (steps = 0; steps < jr->jr_maxlen; steps++) {
		if (pass != PASS_SCAN && seq == jr->jr_endseq)
			return 0;
		if ((error = jread(ump, jr, pos)) != 0)
			return error;
		if (be32(jr->jr_buf) != JBD2_MAGIC ||
		    be32(jr->jr_buf + 8) != seq)
			break;		/* the end of the log */
		type = be32(jr->jr_buf + 4);
		if (type == JBD2_DESCRIPTOR) {
			if ((error = do_descriptor(ump, jr, pass, seq,
			    &pos)) != 0)
				return error;
		} else if (type == JBD2_REVOKE) {
			if (pass == PASS_REVOKE &&
			    (error = do_revoke(ump, jr, seq)) != 0)
				return error;
		} else if (type == JBD2_COMMIT) {
			if (has_csum(jr) && be32(jr->jr_buf + COMMIT_CHKSUM) !=
			    jblock_csum(ump, jr, jr->jr_buf, COMMIT_CHKSUM)) {
				if (pass != PASS_SCAN)
					return jbad(ump, "bad commit block "
					    "checksum");
				break;	/* an uncommitted last transaction */
			}
			seq++;
		} else {
			break;
		}
		pos = jnext(jr, pos);
	}
	if (pass == PASS_SCAN)
		jr->jr_endseq = seq;
	return 0;
}

/* Read and check the journal superblock; *startp 0 means clean. */
static int
jsb_read(struct e2mount *ump, struct e2_replay *jr, uint32_t *startp,
    uint32_t *seqp)
{
	uint8_t *sb = jr->jr_buf;
	uint32_t type, nblocks, c;
	int error;

	if ((error = jread(ump, jr, 0)) != 0)
		return error;
	type = be32(sb + 4);
	if (be32(sb) != JBD2_MAGIC || (type != JBD2_SUPERBLOCK_V1 &&
	    type != JBD2_SUPERBLOCK_V2))
		return jbad(ump, "bad superblock");
	jr->jr_incompat = type == JBD2_SUPERBLOCK_V2 ?
	    be32(sb + JSB_INCOMPAT) : 0;
	if (jr->jr_incompat & ~JBD2_INCOMPAT_KNOWN)
		return jbad(ump, (jr->jr_incompat & JBD2_INCOMPAT_FASTCOMMIT) ?
		    "fast commits are not supported" : "unknown features");
	nblocks = (uint32_t)MIN(jr->jr_jip->i_size >> ump->em_bshift,
	    (uint64_t)UINT32_MAX);
	jr->jr_maxlen = be32(sb + JSB_MAXLEN);
	jr->jr_first = be32(sb + JSB_FIRST);
	if (be32(sb + JSB_BLOCKSIZE) != ump->em_bsize ||
	    jr->jr_maxlen > nblocks || jr->jr_first == 0 ||
	    jr->jr_first >= jr->jr_maxlen)
		return jbad(ump, "bad geometry");
	jr->jr_csumseed = ext2fs_crc32c(~0u, sb + JSB_UUID, 16);
	if (has_csum(jr)) {
		c = ext2fs_crc32c(~0u, sb, JSB_CHECKSUM);
		c = ext2fs_crc32c(c, (const uint8_t[4]){ 0 }, 4);
		c = ext2fs_crc32c(c, sb + JSB_CHECKSUM + 4, JSB_SIZE -
		    JSB_CHECKSUM - 4);
		if (be32(sb + JSB_CHECKSUM) != c)
			return jbad(ump, "bad superblock checksum");
	}
	if (jr->jr_incompat & JBD2_INCOMPAT_CSUM_V3)
		jr->jr_tagsize = 16;
	else
		jr->jr_tagsize = ((jr->jr_incompat & JBD2_INCOMPAT_CSUM_V2) ?
		    14 : 12) - ((jr->jr_incompat & JBD2_INCOMPAT_64BIT) ? 0 :
		    4);
	*startp = be32(sb + JSB_START);
	*seqp = be32(sb + JSB_SEQUENCE);
	if (*startp != 0 && (*startp < jr->jr_first ||
	    *startp >= jr->jr_maxlen))
		return jbad(ump, "bad start of the log");
	return 0;
}

/*
 * Replay the journal of ump in memory: afterwards ext2fs_bread() shows
 * the logged blocks.  Only for read-only mounts.
 */
int
ext2fs_journal_replay(struct e2mount *ump)
{
	struct e2_replay *jr;
	uint32_t ino = e2le32(ump->em_sb.s_journal_inum), start, seq;
	int error;

	if (!ump->em_rdonly) {
		kprintf("ext2fs: %s: the journal needs recovery (run e2fsck, "
		    "or mount it read-only); read-write mount refused\n",
		    ump->em_devname);
		return EROFS;
	}
	if (ino == 0 || E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_JOURNAL_DEV))
		return jbad(ump, "it is on another device");
	if ((jr = kmem_zalloc(sizeof(*jr))) == NULL)
		return ENOMEM;
	ump->em_replay = jr;
	if ((jr->jr_buf = kmem_alloc(ump->em_bsize)) == NULL) {
		error = ENOMEM;
		goto fail;
	}
	if ((error = ext2fs_inode_load(ump, ino, E2IL_RESERVED,
	    &jr->jr_jip)) != 0) {
		if (error == ENOENT)
			error = jbad(ump, "no journal inode");
		goto fail;
	}
	if ((error = jsb_read(ump, jr, &start, &seq)) != 0)
		goto fail;
	if (start != 0 &&
	    ((error = log_pass(ump, jr, PASS_SCAN, start, seq)) != 0 ||
	    (error = log_pass(ump, jr, PASS_REVOKE, start, seq)) != 0 ||
	    (error = log_pass(ump, jr, PASS_REPLAY, start, seq)) != 0))
		goto fail;
	kprintf("ext2fs: %s: the journal needs recovery; %u blocks of %u "
	    "transactions replayed in memory (the image is not changed)\n",
	    ump->em_devname, jr->jr_nents, start == 0 ? 0 :
	    jr->jr_endseq - seq);
	return 0;
fail:
	ext2fs_journal_free(ump);
	return error;
}

void
ext2fs_journal_free(struct e2mount *ump)
{
	struct e2_replay *jr = ump->em_replay;
	uint32_t i;

	if (jr == NULL)
		return;
	for (i = 0; i < jr->jr_cap; i++)
		if (jr->jr_ents[i].je_blk != 0)
			kmem_free(jr->jr_ents[i].je_data, ump->em_bsize);
	if (jr->jr_ents != NULL)
		kmem_free(jr->jr_ents, jr->jr_cap * sizeof(*jr->jr_ents));
	if (jr->jr_revs != NULL)
		kmem_free(jr->jr_revs, jr->jr_revcap * sizeof(*jr->jr_revs));
	if (jr->jr_jip != NULL)
		ext2fs_inode_free(jr->jr_jip);
	if (jr->jr_buf != NULL)
		kmem_free(jr->jr_buf, ump->em_bsize);
	kmem_free(jr, sizeof(*jr));
	ump->em_replay = NULL;
}

/* The replayed copy of block blk, or NULL. */
const void *
ext2fs_journal_block(struct e2mount *ump, uint64_t blk)
{
	struct e2_replay *jr = ump->em_replay;
	struct jent *e;

	if (jr == NULL || jr->jr_nents == 0 || blk == 0)
		return NULL;
	e = ent_slot(jr, blk);
	return e->je_blk == blk ? e->je_data : NULL;
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
