/*
 * ext2fs_csum.c: metadata checksums of ext4 (metadata_csum, crc32c) and
 * the older group descriptor checksum (uninit_bg, crc16).
 *
 * Both CRCs are the reflected forms, run without the final inversion, as
 * the format defines them: crc32c (polynomial 0x1edc6f41) seeded with the
 * file system's checksum seed (crc32c of the UUID from ~0, or
 * s_checksum_seed with csum_seed), and crc16 (polynomial 0x8005) seeded
 * with crc16 of the UUID from ~0.  What each checksum covers:
 *
 *   superblock	crc32c(~0, bytes 0..0x3fc)
 *   group desc	crc32c(seed, group number, descriptor with the checksum
 *		field zeroed) & 0xffff; crc16 likewise without metadata_csum
 *   bitmaps	crc32c(seed, the bitmap's first bits/8 bytes), in the
 *		descriptor (low 16 bits, and the high 16 with 64-byte
 *		descriptors)
 *   inode	crc32c(seed, inode number, generation, the inode with both
 *		checksum fields zeroed); the high half only if the large
 *		inode has room for i_checksum_hi
 *   extent blk	crc32c(inode seed, header and eh_max entries)
 *   dir block	crc32c(inode seed, the block up to its 12-byte tail)
 *   dx node	crc32c(inode seed, the block up to the count entries, the
 *		tail with its checksum zeroed)
 *   xattr blk	crc32c(seed, block number (64-bit), the block with
 *		h_checksum zeroed)
 *
 * The inode seed is crc32c(seed, inode number, generation).
 */
#include "../../sys/param.h"
#include "../../sys/systm.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_dir.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

#define CRC32C_POLY	0x82f63b78u	/* reflected 0x1edc6f41 */
#define CRC16_POLY	0xa001u		/* reflected 0x8005 */

static uint32_t crc32c_tab[8][256];
static uint16_t crc16_tab[256];
static bool crc_ready;

static void
crc_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		crc32c_tab[0][i] = c;
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ CRC16_POLY : c >> 1;
		crc16_tab[i] = (uint16_t)c;
	}
	for (i = 0; i < 256; i++) {
		c = crc32c_tab[0][i];
		for (k = 1; k < 8; k++) {
			c = crc32c_tab[0][c & 0xff] ^ (c >> 8);
			crc32c_tab[k][i] = c;
		}
	}
	crc_ready = true;
}

/* crc32c of len bytes at buf, continuing from crc (no inversions). */
uint32_t
ext2fs_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t lo, hi;

	if (!crc_ready)
		crc_init();
	/* Eight bytes at a time (slicing by 8). */
	while (len >= 8) {
		lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
		hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
		    (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
		crc = crc32c_tab[7][lo & 0xff] ^
		    crc32c_tab[6][(lo >> 8) & 0xff] ^
		    crc32c_tab[5][(lo >> 16) & 0xff] ^
		    crc32c_tab[4][lo >> 24] ^
		    crc32c_tab[3][hi & 0xff] ^
		    crc32c_tab[2][(hi >> 8) & 0xff] ^
		    crc32c_tab[1][(hi >> 16) & 0xff] ^
		    crc32c_tab[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len-- > 0)
		crc = crc32c_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

static uint32_t
crc32c_le32(uint32_t crc, uint32_t v)
{
	uint32_t le = e2le32(v);

	return ext2fs_crc32c(crc, &le, sizeof(le));
}

static uint16_t
crc16(uint16_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc_ready)
		crc_init();
	while (len-- > 0)
		crc = (uint16_t)(crc16_tab[(crc ^ *p++) & 0xff] ^ (crc >> 8));
	return crc;
}

/* The checksum seed of a superblock. */
uint32_t
ext2fs_csum_seed(const struct ext2_sb *sb)
{
	if (e2le32(sb->s_feature_incompat) & EXT2F_INCOMPAT_CSUM_SEED)
		return e2le32(sb->s_checksum_seed);
	return ext2fs_crc32c(~0u, sb->s_uuid, sizeof(sb->s_uuid));
}

uint32_t
ext2fs_sb_csum(const struct ext2_sb *sb)
{
	return ext2fs_crc32c(~0u, sb, offsetof(struct ext2_sb, s_checksum));
}

/* Checksum of group descriptor gd of group g (metadata_csum or crc16). */
uint16_t
ext2fs_gd_csum(const struct e2mount *ump, uint32_t g, const void *gd)
{
	const size_t off = offsetof(struct ext2_gd, bg_checksum);
	const uint8_t *p = gd;
	uint16_t zero = 0, c16;
	uint32_t c, le = e2le32(g);

	if (E2HAS_CSUM(ump)) {
		c = crc32c_le32(ump->em_csumseed, g);
		c = ext2fs_crc32c(c, p, off);
		c = ext2fs_crc32c(c, &zero, sizeof(zero));
		if (ump->em_descsize > off + 2)
			c = ext2fs_crc32c(c, p + off + 2,
			    ump->em_descsize - off - 2);
		return (uint16_t)(c & 0xffff);
	}
	c16 = crc16(0xffff, ump->em_sb.s_uuid, sizeof(ump->em_sb.s_uuid));
	c16 = crc16(c16, &le, sizeof(le));
	c16 = crc16(c16, p, off);
	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_64BIT) &&
	    ump->em_descsize > off + 2)
		c16 = crc16(c16, p + off + 2, ump->em_descsize - off - 2);
	return c16;
}

/* Checksum of a bitmap of nbits bits. */
uint32_t
ext2fs_bitmap_csum(const struct e2mount *ump, const void *map, uint32_t nbits)
{
	return ext2fs_crc32c(ump->em_csumseed, map, nbits / 8);
}

/* The per-inode seed: crc32c(seed, number, generation). */
uint32_t
ext2fs_inode_seed(const struct e2mount *ump, uint64_t ino, uint32_t gen)
{
	return crc32c_le32(crc32c_le32(ump->em_csumseed, (uint32_t)ino), gen);
}

/*
 * Checksum of the on-disk inode raw (em_isize bytes) whose seed is seed.
 * *hasthi says whether the inode has room for the high 16 bits.
 */
uint32_t
ext2fs_inode_csum(const struct e2mount *ump, uint32_t seed, const void *raw,
    bool *haship)
{
	const struct ext2_dinode *dp = raw;
	const uint8_t *p = raw;
	size_t lo = offsetof(struct ext2_dinode, i_checksum_lo);
	size_t hi = offsetof(struct ext2_dinode, i_checksum_hi);
	uint16_t zero = 0;
	uint32_t c;
	bool hashi;

	c = ext2fs_crc32c(seed, p, lo);
	c = ext2fs_crc32c(c, &zero, sizeof(zero));
	c = ext2fs_crc32c(c, p + lo + 2, EXT2_GOOD_OLD_ISIZE - lo - 2);
	hashi = false;
	if (ump->em_isize > EXT2_GOOD_OLD_ISIZE) {
		hashi = e2le16(dp->i_extra_isize) >=
		    EXT2_EXTRA_END(i_checksum_hi);
		c = ext2fs_crc32c(c, p + EXT2_GOOD_OLD_ISIZE,
		    hi - EXT2_GOOD_OLD_ISIZE);
		if (hashi) {
			c = ext2fs_crc32c(c, &zero, sizeof(zero));
			c = ext2fs_crc32c(c, p + hi + 2,
			    ump->em_isize - hi - 2);
		} else {
			c = ext2fs_crc32c(c, p + hi, ump->em_isize - hi);
		}
	}
	if (haship != NULL)
		*haship = hashi;
	return c;
}

/* Does the on-disk inode raw of inode ino carry a good checksum? */
bool
ext2fs_inode_csum_ok(const struct e2mount *ump, uint64_t ino, const void *raw)
{
	const struct ext2_dinode *dp = raw;
	uint32_t c, stored;
	bool hashi;

	c = ext2fs_inode_csum(ump, ext2fs_inode_seed(ump, ino,
	    e2le32(dp->i_generation)), raw, &hashi);
	stored = e2le16(dp->i_checksum_lo);
	if (hashi)
		stored |= (uint32_t)e2le16(dp->i_checksum_hi) << 16;
	else
		c &= 0xffff;
	return c == stored;
}

/* Store the checksum of on-disk inode raw of inode ino. */
void
ext2fs_inode_csum_set(const struct e2mount *ump, uint64_t ino, void *raw)
{
	struct ext2_dinode *dp = raw;
	uint32_t c;
	bool hashi;

	c = ext2fs_inode_csum(ump, ext2fs_inode_seed(ump, ino,
	    e2le32(dp->i_generation)), raw, &hashi);
	dp->i_checksum_lo = e2le16((uint16_t)(c & 0xffff));
	if (hashi)
		dp->i_checksum_hi = e2le16((uint16_t)(c >> 16));
}

/* Extent tree block: header and eh_max entries (eh_max checked). */
uint32_t
ext2fs_extent_csum(uint32_t iseed, const void *blk)
{
	const struct ext4_extent_header *eh = blk;

	return ext2fs_crc32c(iseed, blk, sizeof(*eh) +
	    (size_t)e2le16(eh->eh_max) * sizeof(struct ext4_extent));
}

/* Directory leaf block of bsize bytes: everything before its tail. */
uint32_t
ext2fs_dirblk_csum(uint32_t iseed, const void *blk, uint32_t bsize)
{
	return ext2fs_crc32c(iseed, blk, bsize - EXT2_DIRTAIL_SIZE);
}

/*
 * htree node: countoff is the byte offset of its count/limit, count its
 * entries, tail where its tail is.
 */
uint32_t
ext2fs_dxnode_csum(uint32_t iseed, const void *blk, uint32_t countoff,
    uint32_t count, const struct ext2_dx_tail *tail)
{
	uint32_t c, zero = 0;

	c = ext2fs_crc32c(iseed, blk, countoff +
	    count * sizeof(struct ext2_dx_entry));
	c = ext2fs_crc32c(c, &tail->dt_reserved, sizeof(tail->dt_reserved));
	return ext2fs_crc32c(c, &zero, sizeof(zero));
}

/* Extended attribute block number blkno of bsize bytes. */
uint32_t
ext2fs_xattr_csum(const struct e2mount *ump, uint64_t blkno, const void *blk)
{
	const uint8_t *p = blk;
	size_t off = offsetof(struct ext2_xattr_header, h_checksum);
	uint64_t le = e2le64(blkno);
	uint32_t c, zero = 0;

	c = ext2fs_crc32c(ump->em_csumseed, &le, sizeof(le));
	c = ext2fs_crc32c(c, p, off);
	c = ext2fs_crc32c(c, &zero, sizeof(zero));
	return ext2fs_crc32c(c, p + off + 4, ump->em_bsize - off - 4);
}
