/*
 * ffs_bswap.c: conversion of FFS metadata between the file system's byte
 * order and the host's.
 *
 * A file system is in the byte order of the machine that made it; the
 * superblock magic tells which (ffs_sb_magic).  Structures that mirror
 * the disk (superblock, cylinder group header, dinodes) are copied with
 * memcpy and then swapped field by field when the orders differ.  Each
 * structure is described by a table of byte ranges holding fields of one
 * width; swapping is its own inverse, so the same tables serve to encode
 * when writing.  Directory entry headers and indirect block pointers are
 * read in place with ffs_rd16/32/64.
 */
#include "../../sys/param.h"
#include "../../sys/systm.h"
#include "dinode.h"
#include "dir.h"
#include "fs.h"
#include "inode.h"
#include "ffs_extern.h"

/* Bytes [sr_start, sr_end) of a structure hold fields sr_width wide. */
struct swaprange {
	uint16_t	sr_start;
	uint16_t	sr_end;
	uint8_t		sr_width;
};

#define RANGE(st, from, to, w) \
	{ offsetof(st, from), offsetof(st, to), w }
#define RANGE_END(st, from, w) \
	{ offsetof(st, from), sizeof(st), w }

static const struct swaprange fs_ranges[] = {
	RANGE(struct fs, fs_firstfield, fs_fmod, 4),
	RANGE(struct fs, fs_swuid, fs_pad, 8),
	RANGE(struct fs, fs_pad, fs_journal_version, 4),
	RANGE(struct fs, fs_journal_flags, fs_journallocs, 4),
	RANGE(struct fs, fs_journallocs, fs_quota_magic, 8),
	RANGE(struct fs, fs_quota_magic, fs_quota_flags, 4),
	RANGE(struct fs, fs_quotafile, fs_pendinginodes, 8),
	RANGE(struct fs, fs_pendinginodes, fs_maxfilesize, 4),
	RANGE(struct fs, fs_maxfilesize, fs_state, 8),
	RANGE_END(struct fs, fs_state, 4),
};

static const struct swaprange cg_ranges[] = {
	RANGE(struct cg, cg_firstfield, cg_old_ncyl, 4),
	RANGE(struct cg, cg_old_ncyl, cg_ndblk, 2),
	RANGE(struct cg, cg_ndblk, cg_time, 4),
	RANGE_END(struct cg, cg_time, 8),
};

static const struct swaprange dinode1_ranges[] = {
	RANGE(struct ufs1_dinode, di_mode, di_size, 2),
	RANGE(struct ufs1_dinode, di_size, di_atime, 8),
	RANGE(struct ufs1_dinode, di_atime, di_modrev, 4),
	RANGE_END(struct ufs1_dinode, di_modrev, 8),
};

static const struct swaprange dinode2_ranges[] = {
	RANGE(struct ufs2_dinode, di_mode, di_uid, 2),
	RANGE(struct ufs2_dinode, di_uid, di_size, 4),
	RANGE(struct ufs2_dinode, di_size, di_mtimensec, 8),
	RANGE(struct ufs2_dinode, di_mtimensec, di_extb, 4),
	RANGE(struct ufs2_dinode, di_extb, di_freelink, 8),
	RANGE_END(struct ufs2_dinode, di_freelink, 4),
};

static void
swap_one(uint8_t *p, int width)
{
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (width) {
	case 2:
		memcpy(&v16, p, 2);
		v16 = __builtin_bswap16(v16);
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(&v32, p, 4);
		v32 = __builtin_bswap32(v32);
		memcpy(p, &v32, 4);
		break;
	default:
		KASSERT(width == 8);
		memcpy(&v64, p, 8);
		v64 = __builtin_bswap64(v64);
		memcpy(p, &v64, 8);
		break;
	}
}

static void
swap_ranges(void *base, const struct swaprange *r, size_t n)
{
	uint8_t *p = base;
	size_t i, off;

	for (i = 0; i < n; i++) {
		KASSERT((r[i].sr_end - r[i].sr_start) % r[i].sr_width == 0);
		for (off = r[i].sr_start; off < r[i].sr_end;
		    off += r[i].sr_width)
			swap_one(p + off, r[i].sr_width);
	}
}

/* Read a field of the file system's byte order from p. */
uint16_t
ffs_rd16(const void *p, bool swap)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? __builtin_bswap16(v) : v;
}

uint32_t
ffs_rd32(const void *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? __builtin_bswap32(v) : v;
}

uint64_t
ffs_rd64(const void *p, bool swap)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? __builtin_bswap64(v) : v;
}

/* Swap every multi-byte field of a superblock, in place. */
void
ffs_sb_swap(struct fs *fs)
{
	swap_ranges(fs, fs_ranges, __arraycount(fs_ranges));
}

/* Swap the fields of a cylinder group header (not its maps). */
void
ffs_cg_swap(struct cg *cg)
{
	swap_ranges(cg, cg_ranges, __arraycount(cg_ranges));
}

void
ffs_dinode1_swap(struct ufs1_dinode *dp)
{
	swap_ranges(dp, dinode1_ranges, __arraycount(dinode1_ranges));
}

void
ffs_dinode2_swap(struct ufs2_dinode *dp)
{
	swap_ranges(dp, dinode2_ranges, __arraycount(dinode2_ranges));
}

/* Superblock from its on-disk bytes to host byte order. */
void
ffs_sb_decode(const void *raw, struct fs *fs, bool swap)
{
	memcpy(fs, raw, sizeof(*fs));
	if (swap)
		ffs_sb_swap(fs);
}

/* Dinode of mount ump from its on-disk bytes to host byte order. */
void
ffs_dinode_decode(const struct ufsmount *ump, const void *raw,
    union ffs_dinode *din)
{
	if (ump->um_ufs2) {
		memcpy(&din->ffs2, raw, sizeof(din->ffs2));
		if (ump->um_swap)
			ffs_dinode2_swap(&din->ffs2);
	} else {
		memcpy(&din->ffs1, raw, sizeof(din->ffs1));
		if (ump->um_swap)
			ffs_dinode1_swap(&din->ffs1);
	}
}

/* Pointer idx of an indirect block, host byte order. */
int64_t
ffs_indir_get(const struct ufsmount *ump, const void *blk, uint32_t idx)
{
	const uint8_t *p = blk;

	if (ump->um_ufs2)
		return (int64_t)ffs_rd64(p + (size_t)idx * 8, ump->um_swap);
	return (int32_t)ffs_rd32(p + (size_t)idx * 4, ump->um_swap);
}

/*
 * Header of the directory entry at p (at least DIRHDRSIZ bytes), in
 * either entry format; nothing is checked here.
 */
void
ffs_dirent_decode(const struct ufsmount *ump, const void *p,
    struct ffs_dent *de)
{
	const uint8_t *b = p;

	de->de_ino = ffs_rd32(b, ump->um_swap);
	de->de_reclen = ffs_rd16(b + 4, ump->um_swap);
	if (ump->um_newdirfmt) {
		de->de_type = b[6];
		de->de_namlen = b[7];
	} else {
		de->de_type = DT_UNKNOWN;
		de->de_namlen = ffs_rd16(b + 6, ump->um_swap);
	}
	de->de_name = (const char *)b + DIRHDRSIZ;
}

/*
 * Copy the target of fast symbolic link ip, as stored on disk, into buf
 * (um_symlinkarea bytes).  The decoder swapped the pointer area as
 * pointers; the target is bytes, so that is undone here.
 */
void
ffs_symlink_target(const struct inode *ip, char *buf)
{
	const struct ufsmount *ump = ip->i_ump;
	size_t w = ump->um_ufs2 ? 8 : 4, off;

	if (ump->um_ufs2)
		memcpy(buf, ip->i_din.ffs2.di_db, UFS2_SYMLINKAREA);
	else
		memcpy(buf, ip->i_din.ffs1.di_db, UFS1_SYMLINKAREA);
	if (!ump->um_swap)
		return;
	for (off = 0; off < ump->um_symlinkarea; off += w)
		swap_one((uint8_t *)buf + off, (int)w);
}
