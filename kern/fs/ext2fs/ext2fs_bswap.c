/*
 * ext2fs_bswap.c: decoding and encoding the fields of on-disk inodes.
 *
 * The inode stays in its on-disk form (e2inode.i_raw, little-endian);
 * this file is the one place that knows how its split fields go
 * together: 32-bit owners in two 16-bit halves, sizes and block counts
 * with high words whose meaning depends on features and flags, times of
 * a 32-bit second count extended by two epoch bits and nanoseconds in
 * the large inode, device numbers in two encodings, and the "fast"
 * symbolic link or inline data in i_block.
 */
#include "../../sys/param.h"
#include "../../sys/systm.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

#define EPOCH_MASK	3u
#define NSEC_MAX	999999999

/* Does the file type of mode keep 64 bits of size? */
static bool
size_is64(const struct e2mount *ump, mode_t mode)
{
	if ((mode & S_IFMT) == S_IFREG)
		return true;
	return (mode & S_IFMT) == S_IFDIR &&
	    E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_LARGEDIR);
}

/* Decode the fields kept in struct e2inode from i_raw. */
void
ext2fs_din_decode(struct e2inode *ip)
{
	struct e2mount *ump = ip->i_ump;
	struct ext2_dinode *dp = E2DIN(ip);
	uint64_t blocks;

	ip->i_mode = e2le16(dp->i_mode);
	ip->i_nlink = e2le16(dp->i_links_count);
	ip->i_uid = e2le16(dp->i_uid) |
	    (uint32_t)e2le16(dp->i_uid_high) << 16;
	ip->i_gid = e2le16(dp->i_gid) |
	    (uint32_t)e2le16(dp->i_gid_high) << 16;
	ip->i_size = e2le32(dp->i_size);
	if (size_is64(ump, ip->i_mode))
		ip->i_size |= (uint64_t)e2le32(dp->i_size_high) << 32;
	ip->i_flags = e2le32(dp->i_flags);
	ip->i_gen = e2le32(dp->i_generation);
	blocks = e2le32(dp->i_blocks);
	if (E2HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_HUGE_FILE) && !ump->em_hurd) {
		blocks |= (uint64_t)e2le16(dp->i_blocks_high) << 32;
		if (ip->i_flags & EXT4_HUGE_FILE_FL)
			blocks <<= ump->em_fsbtodb;
	}
	ip->i_blocks = blocks;
	ip->i_xattrblk = e2le32(dp->i_file_acl);
	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_64BIT) && !ump->em_hurd)
		ip->i_xattrblk |= (uint64_t)e2le16(dp->i_file_acl_high) << 32;
}

/*
 * Encode the fields of struct e2inode into i_raw.  The block count goes
 * in 512-byte units while it fits, else (huge_file) in blocks with
 * EXT4_HUGE_FILE_FL.
 */
void
ext2fs_din_encode(struct e2inode *ip)
{
	struct e2mount *ump = ip->i_ump;
	struct ext2_dinode *dp = E2DIN(ip);
	uint64_t blocks = ip->i_blocks;

	dp->i_mode = e2le16((uint16_t)ip->i_mode);
	dp->i_links_count = e2le16((uint16_t)ip->i_nlink);
	dp->i_uid = e2le16((uint16_t)ip->i_uid);
	dp->i_gid = e2le16((uint16_t)ip->i_gid);
	dp->i_uid_high = e2le16((uint16_t)(ip->i_uid >> 16));
	dp->i_gid_high = e2le16((uint16_t)(ip->i_gid >> 16));
	dp->i_size = e2le32((uint32_t)ip->i_size);
	if (size_is64(ump, ip->i_mode))
		dp->i_size_high = e2le32((uint32_t)(ip->i_size >> 32));
	ip->i_flags &= ~EXT4_HUGE_FILE_FL;
	if (E2HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_HUGE_FILE) && !ump->em_hurd) {
		if (blocks >= (1ull << 48)) {
			ip->i_flags |= EXT4_HUGE_FILE_FL;
			blocks >>= ump->em_fsbtodb;
		}
		dp->i_blocks_high = e2le16((uint16_t)(blocks >> 32));
	}
	dp->i_blocks = e2le32((uint32_t)blocks);
	dp->i_flags = e2le32(ip->i_flags);
	dp->i_generation = e2le32(ip->i_gen);
	dp->i_file_acl = e2le32((uint32_t)ip->i_xattrblk);
	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_64BIT) && !ump->em_hurd)
		dp->i_file_acl_high = e2le16((uint16_t)(ip->i_xattrblk >> 32));
}

/* Where each time lives: the seconds, and the extra word (or -1). */
static void
time_fields(int which, size_t *secoff, size_t *extoff, size_t *extend)
{
	switch (which) {
	case E2T_ATIME:
		*secoff = offsetof(struct ext2_dinode, i_atime);
		*extoff = offsetof(struct ext2_dinode, i_atime_extra);
		*extend = EXT2_EXTRA_END(i_atime_extra);
		break;
	case E2T_MTIME:
		*secoff = offsetof(struct ext2_dinode, i_mtime);
		*extoff = offsetof(struct ext2_dinode, i_mtime_extra);
		*extend = EXT2_EXTRA_END(i_mtime_extra);
		break;
	case E2T_CTIME:
		*secoff = offsetof(struct ext2_dinode, i_ctime);
		*extoff = offsetof(struct ext2_dinode, i_ctime_extra);
		*extend = EXT2_EXTRA_END(i_ctime_extra);
		break;
	default:
		*secoff = offsetof(struct ext2_dinode, i_crtime);
		*extoff = offsetof(struct ext2_dinode, i_crtime_extra);
		*extend = EXT2_EXTRA_END(i_crtime_extra);
		break;
	}
}

static uint32_t
raw32(const struct e2inode *ip, size_t off)
{
	uint32_t v;

	memcpy(&v, ip->i_raw + off, sizeof(v));
	return e2le32(v);
}

static void
setraw32(struct e2inode *ip, size_t off, uint32_t v)
{
	v = e2le32(v);
	memcpy(ip->i_raw + off, &v, sizeof(v));
}

/* Bytes of large-inode fields ip has room for. */
static size_t
extra_isize(const struct e2inode *ip)
{
	if (ip->i_ump->em_isize <= EXT2_GOOD_OLD_ISIZE)
		return 0;
	return e2le16(E2DIN(ip)->i_extra_isize);
}

/*
 * A time of ip (E2T_*).  The birth time, and the nanoseconds and epoch
 * bits of the others, exist only in large inodes with room for them.
 */
bool
ext2fs_din_gettime(const struct e2inode *ip, int which, struct ktimespec *ts)
{
	size_t secoff, extoff, extend;
	uint32_t extra;
	bool hasextra;

	time_fields(which, &secoff, &extoff, &extend);
	hasextra = extra_isize(ip) >= extend;
	ts->tv_sec = 0;
	ts->tv_nsec = 0;
	if (which == E2T_BIRTHTIME && !hasextra)
		return false;
	ts->tv_sec = (int32_t)raw32(ip, secoff);
	if (hasextra) {
		extra = raw32(ip, extoff);
		ts->tv_sec += (int64_t)(extra & EPOCH_MASK) << 32;
		ts->tv_nsec = (int32_t)(extra >> 2);
		if (ts->tv_nsec > NSEC_MAX)
			ts->tv_nsec = 0;
	}
	return true;
}

void
ext2fs_din_settime(struct e2inode *ip, int which, const struct ktimespec *ts)
{
	size_t secoff, extoff, extend;
	uint32_t epoch;

	time_fields(which, &secoff, &extoff, &extend);
	if (extra_isize(ip) < extend) {
		if (which != E2T_BIRTHTIME)
			setraw32(ip, secoff, (uint32_t)ts->tv_sec);
		return;
	}
	setraw32(ip, secoff, (uint32_t)ts->tv_sec);
	epoch = (uint32_t)((ts->tv_sec - (int32_t)ts->tv_sec) >> 32) &
	    EPOCH_MASK;
	setraw32(ip, extoff, epoch | (uint32_t)ts->tv_nsec << 2);
}

/* Word i of i_block. */
uint32_t
ext2fs_din_block(const struct e2inode *ip, int i)
{
	return e2le32(E2DIN(ip)->i_block[i]);
}

void
ext2fs_din_setblock(struct e2inode *ip, int i, uint32_t v)
{
	E2DIN(ip)->i_block[i] = e2le32(v);
	ip->i_flag |= IN_MODIFIED;
}

/*
 * The device number of a device node, in the kernel's encoding (which is
 * also the "new" on-disk one): the old 8:8 encoding in i_block[0] when it
 * is not zero, else the new one in i_block[1].
 */
dev_t
ext2fs_din_rdev(const struct e2inode *ip)
{
	uint32_t old = ext2fs_din_block(ip, 0);

	if (old != 0)
		return makedev((old >> 8) & 0xff, old & 0xff);
	return (dev_t)ext2fs_din_block(ip, 1);
}

void
ext2fs_din_setrdev(struct e2inode *ip, dev_t dev)
{
	uint32_t maj = major(dev), min = minor(dev);

	if (maj < 256 && min < 256) {
		ext2fs_din_setblock(ip, 0, maj << 8 | min);
		ext2fs_din_setblock(ip, 1, 0);
	} else {
		ext2fs_din_setblock(ip, 0, 0);
		ext2fs_din_setblock(ip, 1, (uint32_t)makedev(maj, min));
	}
	ext2fs_din_setblock(ip, 2, 0);
}

/* i_block as bytes: a fast symlink's target, or inline data. */
const uint8_t *
ext2fs_din_iblock(const struct e2inode *ip)
{
	return ip->i_raw + offsetof(struct ext2_dinode, i_block);
}

uint8_t *
ext2fs_din_iblock_w(struct e2inode *ip)
{
	ip->i_flag |= IN_MODIFIED;
	return ip->i_raw + offsetof(struct ext2_dinode, i_block);
}
