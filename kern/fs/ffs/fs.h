/*
 * fs.h: on-disk format of the BSD Fast File System (UFS1 and UFS2): the
 * superblock, the cylinder group header, and the address arithmetic that
 * both describe.
 *
 * Layout.  A file system is an array of fragments of fs_fsize bytes; a
 * block is fs_frag (1, 2, 4 or 8) fragments.  Block numbers stored on
 * disk ("fs blocks") count fragments.  The fragments are split into
 * fs_ncg cylinder groups of fs_fpg fragments.  Each group holds, from its
 * start (cgstart: the group base, staggered by fs_old_cgoffset in some
 * old UFS1 file systems), a backup superblock at fs_sblkno, the cylinder
 * group header at fs_cblkno, fs_ipg inodes from fs_iblkno, and data from
 * fs_dblkno on.  Inode n lives in group n / fs_ipg.
 *
 * The primary superblock sits at a fixed byte offset: 8192 for UFS1 (or
 * 0 on very old media), 65536 for UFS2 (262144 on some large media).  A
 * UFS2 superblock records its own offset in fs_sblockloc; some makefs
 * versions write UFS2 at 8192 and say so there, so a UFS2 superblock is
 * believed wherever fs_sblockloc names the place it was found.
 *
 * Byte order.  Every field is in the byte order of the machine that made
 * the file system.  The structures below mirror the disk exactly: fields
 * sit at their natural alignment with no padding (the static assertions
 * check every offset that matters), so a superblock is read with one
 * memcpy and converted with ffs_sb_swap() when its byte order is not the
 * host's.  Comments give each field's byte offset.
 */
#ifndef _KERN_FS_FFS_FS_H_
#define _KERN_FS_FFS_FS_H_

#include "../../sys/param.h"
#include "../../sys/systm.h"

/* Where superblocks are searched, in this order, and how much is read. */
#define SBLOCK_UFS2	65536
#define SBLOCK_UFS1	8192
#define SBLOCK_FLOPPY	0
#define SBLOCK_PIGGY	262144
#define SBLOCKSIZE	8192		/* bytes read at each location */

#define FS_UFS1_MAGIC	0x011954
#define FS_UFS2_MAGIC	0x19540119

#define MINBSIZE	4096		/* smallest block size */
#define MAXFRAG		8		/* most fragments in a block */
#define FS_MAXCONTIG	16		/* most cluster summary entries */
#define FSMAXSNAP	20		/* snapshot inodes listed */
#define MAXMNTLEN	468		/* bytes of fs_fsmnt */
#define MAXVOLLEN	32		/* bytes of fs_volname */

/* fs_old_inodefmt: where uid/gid live in a UFS1 inode. */
#define FS_42INODEFMT	(-1)		/* 16-bit ids at di_ouid/di_ogid */
#define FS_44INODEFMT	2		/* 32-bit ids at di_uid/di_gid */

/* fs_clean. */
#define FS_ISCLEAN	0x01		/* unmounted cleanly */
#define FS_WASCLEAN	0x02		/* clean when a WAPBL mount began */

/*
 * fs_flags (UFS1 without FS_FLAGS_UPDATED keeps them in the 8-bit
 * fs_old_flags).  NetBSD and FreeBSD disagree on some bits above 0x80;
 * the NetBSD meaning is listed, with FreeBSD's where it differs.
 */
#define FS_UNCLEAN	0x001		/* not clean at mount */
#define FS_DOSOFTDEP	0x002		/* soft dependencies */
#define FS_NEEDSFSCK	0x004		/* FreeBSD: run fsck before mounting */
#define FS_SUJ		0x008		/* FreeBSD: journaled soft updates */
#define FS_ACLS		0x010		/* POSIX.1e ACLs */
#define FS_MULTILABEL	0x020		/* MAC multi-label */
#define FS_GJOURNAL	0x040		/* FreeBSD gjournal */
#define FS_FLAGS_UPDATED 0x080		/* flags and 64-bit fields in use */
#define FS_DOWAPBL	0x100		/* WAPBL log (FreeBSD: NFSv4 ACLs) */
#define FS_DOQUOTA2	0x200		/* in-file-system quotas */
#define FS_TRIM		0x400		/* discard freed blocks */
#define FS_NFS4ACLS	0x800		/* NFSv4 ACLs */

/* fs_journal_version of a WAPBL log. */
#define UFS_WAPBL_VERSION	1

/* Cylinder summary, one per group in the summary area at fs_csaddr. */
struct csum {
	int32_t	cs_ndir;		/*  0: directories */
	int32_t	cs_nbfree;		/*  4: free blocks */
	int32_t	cs_nifree;		/*  8: free inodes */
	int32_t	cs_nffree;		/* 12: free fragments */
};

/* The 64-bit totals of the whole file system. */
struct csum_total {
	int64_t	cs_ndir;		/*  0 */
	int64_t	cs_nbfree;		/*  8 */
	int64_t	cs_nifree;		/* 16 */
	int64_t	cs_nffree;		/* 24 */
	int64_t	cs_numclusters;		/* 32: unused */
	int64_t	cs_spare[3];		/* 40 */
};

/*
 * The superblock, 1376 bytes (fs_sbsize bytes are written, up to
 * SBLOCKSIZE; the tail is zero).  "old_" fields are UFS1 only.  In UFS1
 * without FS_FLAGS_UPDATED, fs_old_size/dsize/csaddr/cstotal are the
 * authoritative copies; otherwise the 64-bit fields are.
 */
struct fs {
	int32_t	fs_firstfield;		/*    0: historic list link */
	int32_t	fs_unused_1;		/*    4 */
	int32_t	fs_sblkno;		/*    8: backup superblock in a cg */
	int32_t	fs_cblkno;		/*   12: cg header in a cg */
	int32_t	fs_iblkno;		/*   16: inode table in a cg */
	int32_t	fs_dblkno;		/*   20: first data fragment in a cg */
	int32_t	fs_old_cgoffset;	/*   24: cg stagger per group */
	int32_t	fs_old_cgmask;		/*   28: groups sharing a stagger */
	int32_t	fs_old_time;		/*   32: last written */
	int32_t	fs_old_size;		/*   36: fragments in the fs */
	int32_t	fs_old_dsize;		/*   40: data fragments */
	int32_t	fs_ncg;			/*   44: cylinder groups */
	int32_t	fs_bsize;		/*   48: block size, bytes */
	int32_t	fs_fsize;		/*   52: fragment size, bytes */
	int32_t	fs_frag;		/*   56: fragments per block */
	int32_t	fs_minfree;		/*   60: % of blocks kept free */
	int32_t	fs_old_rotdelay;	/*   64 */
	int32_t	fs_old_rps;		/*   68 */
	int32_t	fs_bmask;		/*   72: ~(bsize - 1) */
	int32_t	fs_fmask;		/*   76: ~(fsize - 1) */
	int32_t	fs_bshift;		/*   80: log2(bsize) */
	int32_t	fs_fshift;		/*   84: log2(fsize) */
	int32_t	fs_maxcontig;		/*   88: allocation tuning */
	int32_t	fs_maxbpg;		/*   92: allocation tuning */
	int32_t	fs_fragshift;		/*   96: log2(frag) */
	int32_t	fs_fsbtodb;		/*  100: log2(fsize / DEV_BSIZE) */
	int32_t	fs_sbsize;		/*  104: bytes of superblock written */
	int32_t	fs_spare1[2];		/*  108 */
	int32_t	fs_nindir;		/*  116: pointers per indirect block */
	int32_t	fs_inopb;		/*  120: inodes per block */
	int32_t	fs_old_nspf;		/*  124 */
	int32_t	fs_optim;		/*  128: allocation tuning */
	int32_t	fs_old_npsect;		/*  132 */
	int32_t	fs_old_interleave;	/*  136 */
	int32_t	fs_old_trackskew;	/*  140 */
	int32_t	fs_id[2];		/*  144: file system id */
	int32_t	fs_old_csaddr;		/*  152: summary area, fragment */
	int32_t	fs_cssize;		/*  156: summary area, bytes */
	int32_t	fs_cgsize;		/*  160: cg header and maps, bytes */
	int32_t	fs_spare2;		/*  164 */
	int32_t	fs_old_nsect;		/*  168 */
	int32_t	fs_old_spc;		/*  172 */
	int32_t	fs_old_ncyl;		/*  176 */
	int32_t	fs_old_cpg;		/*  180: cylinders per group */
	int32_t	fs_ipg;			/*  184: inodes per group */
	int32_t	fs_fpg;			/*  188: fragments per group */
	struct csum fs_old_cstotal;	/*  192: totals (UFS1) */
	int8_t	fs_fmod;		/*  208: in-core: modified */
	int8_t	fs_clean;		/*  209: FS_ISCLEAN, FS_WASCLEAN */
	int8_t	fs_ronly;		/*  210: in-core: read-only */
	uint8_t	fs_old_flags;		/*  211: 8-bit flags (UFS1) */
	uint8_t	fs_fsmnt[MAXMNTLEN];	/*  212: last mount point */
	uint8_t	fs_volname[MAXVOLLEN];	/*  680: volume name */
	uint64_t fs_swuid;		/*  712 */
	int32_t	fs_pad;			/*  720 */
	int32_t	fs_cgrotor;		/*  724 */
	int32_t	fs_ocsp[32];		/*  728: in-core pointers, padding */
	int32_t	fs_old_cpc;		/*  856 */
	int32_t	fs_maxbsize;		/*  860: largest extent */
	uint8_t	fs_journal_version;	/*  864: WAPBL (NetBSD) */
	uint8_t	fs_journal_location;	/*  865: WAPBL log placement */
	uint8_t	fs_journal_reserved[2];	/*  866 */
	uint32_t fs_journal_flags;	/*  868 */
	uint64_t fs_journallocs[4];	/*  872: WAPBL log position */
	uint32_t fs_quota_magic;	/*  904 */
	uint8_t	fs_quota_flags;		/*  908 */
	uint8_t	fs_quota_reserved[3];	/*  909 */
	uint64_t fs_quotafile[2];	/*  912 */
	int64_t	fs_sparecon64[9];	/*  928 */
	int64_t	fs_sblockloc;		/* 1000: byte offset of this block */
	struct csum_total fs_cstotal;	/* 1008: totals */
	int64_t	fs_time;		/* 1072: last written */
	int64_t	fs_size;		/* 1080: fragments in the fs */
	int64_t	fs_dsize;		/* 1088: data fragments */
	int64_t	fs_csaddr;		/* 1096: summary area, fragment */
	int64_t	fs_pendingblocks;	/* 1104: soft updates */
	int32_t	fs_pendinginodes;	/* 1112: soft updates */
	int32_t	fs_snapinum[FSMAXSNAP];	/* 1116: snapshot inodes */
	int32_t	fs_avgfilesize;		/* 1196: allocation tuning */
	int32_t	fs_avgfpdir;		/* 1200: allocation tuning */
	int32_t	fs_save_cgsize;		/* 1204 */
	int32_t	fs_sparecon32[26];	/* 1208 */
	uint32_t fs_flags;		/* 1312: FS_* flags */
	int32_t	fs_contigsumsize;	/* 1316: cluster summary entries */
	int32_t	fs_maxsymlinklen;	/* 1320: longest in-inode symlink */
	int32_t	fs_old_inodefmt;	/* 1324: FS_42INODEFMT/FS_44INODEFMT */
	uint64_t fs_maxfilesize;	/* 1328: largest file, bytes */
	int64_t	fs_qbmask;		/* 1336: bsize - 1 */
	int64_t	fs_qfmask;		/* 1344: fsize - 1 */
	int32_t	fs_state;		/* 1352 */
	int32_t	fs_old_postblformat;	/* 1356: rotational table format */
	int32_t	fs_old_nrpos;		/* 1360 */
	int32_t	fs_spare5[2];		/* 1364 */
	int32_t	fs_magic;		/* 1372: FS_UFS1_MAGIC, FS_UFS2_MAGIC */
};

CTASSERT(sizeof(struct csum) == 16);
CTASSERT(sizeof(struct csum_total) == 64);
CTASSERT(offsetof(struct fs, fs_ncg) == 44);
CTASSERT(offsetof(struct fs, fs_nindir) == 116);
CTASSERT(offsetof(struct fs, fs_old_csaddr) == 152);
CTASSERT(offsetof(struct fs, fs_ipg) == 184);
CTASSERT(offsetof(struct fs, fs_old_cstotal) == 192);
CTASSERT(offsetof(struct fs, fs_clean) == 209);
CTASSERT(offsetof(struct fs, fs_swuid) == 712);
CTASSERT(offsetof(struct fs, fs_maxbsize) == 860);
CTASSERT(offsetof(struct fs, fs_journal_version) == 864);
CTASSERT(offsetof(struct fs, fs_sblockloc) == 1000);
CTASSERT(offsetof(struct fs, fs_size) == 1080);
CTASSERT(offsetof(struct fs, fs_snapinum) == 1116);
CTASSERT(offsetof(struct fs, fs_flags) == 1312);
CTASSERT(offsetof(struct fs, fs_maxfilesize) == 1328);
CTASSERT(offsetof(struct fs, fs_magic) == 1372);
CTASSERT(sizeof(struct fs) == 1376);

/*
 * Cylinder group header, at fragment cgstart + fs_cblkno of each group;
 * the inode map, fragment map and cluster maps follow at the offsets it
 * gives, all within fs_cgsize bytes.
 */
#define CG_MAGIC	0x090255

struct cg {
	int32_t	cg_firstfield;		/*   0: historic list link */
	int32_t	cg_magic;		/*   4: CG_MAGIC */
	int32_t	cg_old_time;		/*   8: last written (UFS1) */
	int32_t	cg_cgx;			/*  12: this group's number */
	int16_t	cg_old_ncyl;		/*  16: cylinders (UFS1) */
	int16_t	cg_old_niblk;		/*  18: inodes (UFS1) */
	int32_t	cg_ndblk;		/*  20: fragments in this group */
	struct csum cg_cs;		/*  24: this group's summary */
	int32_t	cg_rotor;		/*  40: last block allocated */
	int32_t	cg_frotor;		/*  44: last fragment allocated */
	int32_t	cg_irotor;		/*  48: last inode allocated */
	int32_t	cg_frsum[MAXFRAG];	/*  52: free runs of each length */
	int32_t	cg_old_btotoff;		/*  84: rotational tables (UFS1) */
	int32_t	cg_old_boff;		/*  88 */
	int32_t	cg_iusedoff;		/*  92: inode bitmap */
	int32_t	cg_freeoff;		/*  96: free fragment bitmap */
	int32_t	cg_nextfreeoff;		/* 100: end of the maps */
	int32_t	cg_clustersumoff;	/* 104: cluster summary */
	int32_t	cg_clusteroff;		/* 108: free cluster bitmap */
	int32_t	cg_nclusterblks;	/* 112: blocks in the cluster map */
	int32_t	cg_niblk;		/* 116: inodes (UFS2) */
	int32_t	cg_initediblk;		/* 120: inodes initialised (UFS2) */
	int32_t	cg_sparecon32[3];	/* 124 */
	int64_t	cg_time;		/* 136: last written (UFS2) */
	int64_t	cg_sparecon64[3];	/* 144 */
};

CTASSERT(offsetof(struct cg, cg_cs) == 24);
CTASSERT(offsetof(struct cg, cg_iusedoff) == 92);
CTASSERT(offsetof(struct cg, cg_initediblk) == 120);
CTASSERT(offsetof(struct cg, cg_time) == 136);
CTASSERT(sizeof(struct cg) == 168);

/*
 * Address arithmetic.  These take a superblock that ffs_sb_validate()
 * accepted, so shifts and masks are known to be sane.
 */

/* Fragment address to device address (DEV_BSIZE units). */
static inline daddr_t
ffs_fsbtodb(const struct fs *fs, int64_t b)
{
	return (daddr_t)(b << fs->fs_fsbtodb);
}

/* First fragment of cylinder group c (before any stagger). */
static inline int64_t
ffs_cgbase(const struct fs *fs, uint32_t c)
{
	return (int64_t)fs->fs_fpg * c;
}

/* Where group c's metadata starts: staggered in some old UFS1. */
static inline int64_t
ffs_cgstart(const struct fs *fs, uint32_t c)
{
	if (fs->fs_magic == FS_UFS2_MAGIC)
		return ffs_cgbase(fs, c);
	return ffs_cgbase(fs, c) + (int64_t)fs->fs_old_cgoffset *
	    (int64_t)(c & ~(uint32_t)fs->fs_old_cgmask);
}

/* Fragment address of the inode block holding inode ino. */
static inline int64_t
ffs_ino_to_fsba(const struct fs *fs, uint64_t ino)
{
	uint32_t c = (uint32_t)(ino / (uint32_t)fs->fs_ipg);
	uint64_t inblk = (ino % (uint32_t)fs->fs_ipg) / (uint32_t)fs->fs_inopb;

	return ffs_cgstart(fs, c) + fs->fs_iblkno +
	    (int64_t)(inblk << fs->fs_fragshift);
}

/* Index of inode ino within its inode block. */
static inline uint32_t
ffs_ino_to_fsbo(const struct fs *fs, uint64_t ino)
{
	return (uint32_t)(ino % (uint32_t)fs->fs_inopb);
}

/* Bytes of a fragment-rounded length. */
static inline int64_t
ffs_fragroundup(const struct fs *fs, int64_t size)
{
	return (size + fs->fs_fsize - 1) & ~((int64_t)fs->fs_fsize - 1);
}

#endif /* !_KERN_FS_FFS_FS_H_ */
