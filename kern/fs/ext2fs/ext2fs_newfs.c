/*
 * ext2fs_newfs.c: making a new, empty ext2, ext3 or ext4 file system on
 * a device (the vfs_newfs operation, used by fsu_newfs -t ext2fs, ext2,
 * ext3 or ext4).
 *
 * Options (sys/newfs.h), with mke2fs's defaults:
 *
 *	type=T		ext2 (the default), ext3 or ext4: the features below
 *	features=L	features set (name) or cleared (^name) over the
 *			type's, ':'-separated, named as mke2fs names them
 *	jsize=N		journal size in MiB (by the file system's size as
 *			mke2fs chooses: 1024 blocks below 32768 blocks, 4096
 *			below 256 Ki, 8192 below 512 Ki, 16384 below 4 Mi,
 *			then doubling every doubling up to 262144)
 *	bsize=N		block size, 1024, 2048 or 4096 (1024 below 512 MiB,
 *			else 4096)
 *	density=N	bytes per inode (8192 below 3 MiB, 4096 below
 *			512 MiB, else 16384)
 *	inodes=N	at least N inodes (overrides density)
 *	minfree=N	percent of the blocks reserved for root (5)
 *	label=NAME	volume name, up to 16 bytes
 *
 * Features by type: ext2 is revision 1 with filetype, sparse_super,
 * large_file and extra_isize; ext3 adds has_journal and dir_index; ext4
 * adds extent, huge_file, dir_nlink, 64bit and metadata_csum (Debian's
 * mke2fs.conf less what this driver does not write: resize_inode and
 * ext_attr; flex_bg is off by default and, when asked for, only the
 * flag is set, the tables staying in their groups).  uninit_bg may be
 * asked for instead of metadata_csum.  Inodes are 256 bytes (times with
 * nanoseconds).
 *
 * Layout of each group of 8 * bsize blocks: in the groups sparse_super
 * keeps (0, 1 and the powers of 3, 5 and 7; all without it) a copy of
 * the superblock and the group descriptors (32 bytes each, 64 with
 * 64bit), then the block bitmap, the inode bitmap and the inode table.
 * A last group too small to hold its own tables and some data is left
 * out, as mke2fs does.  Inodes 1 to 10 are reserved; the root directory
 * is inode 2 and lost+found inode 11, one block each, in group 0 after
 * its inode table.  The journal is inode 8: its blocks are taken in
 * order from the data area of the middle group onwards (so contiguous
 * unless it crosses a group's tables), mapped by extents (with extent;
 * a depth 1 tree when it has more than 4 runs) or by indirect blocks
 * taken in line with the data; block 0 holds a JBD2 version 2
 * superblock saying the journal is empty (s_start 0), the rest is zeros;
 * the superblock keeps a copy of the inode's i_block and size
 * (s_jnl_blocks).  As mke2fs 1.47 does, the journal has no features
 * (jbd2 checksums are turned on by the first kernel mount).
 *
 * With metadata_csum every checksum is set: superblock, descriptors,
 * bitmaps, the inodes written (1 to 11, the reserved ones empty), the
 * directory blocks of / and lost+found (with their tails) and the
 * journal's extent blocks; the descriptors say how many inodes at the
 * end of each table were never used, as the driver keeps them.
 *
 * The UUID and the hash seed are random, or with SOURCE_DATE_EPOCH set
 * derived from the parameters, so that the same command makes the same
 * bytes; the journal's UUID is the file system's.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/newfs.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_dir.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

#define NF_ISIZE	256
#define NF_FIRSTINO	11
#define NF_LPFINO	11
#define NF_CHUNK	(64 * 1024)
#define NF_JMINBLOCKS	1024		/* smallest journal */
#define NF_JMAXBLOCKS	10240000	/* largest journal */
#define NF_JFSMIN	2048		/* smallest file system with one */
#define NF_FLEXLOG	4		/* flex_bg: 16 groups */

/* JBD2 superblock (big-endian fields). */
#define JBD2_MAGIC		0xc03b3998u
#define JBD2_SUPERBLOCK_V2	4
#define JSB_BLOCKSIZE		0x0c
#define JSB_MAXLEN		0x10
#define JSB_FIRST		0x14
#define JSB_SEQUENCE		0x18
#define JSB_START		0x1c
#define JSB_UUID		0x30
#define JSB_NR_USERS		0x40

static const char *const ext2fs_newfs_opts[] = {
	"bsize", "density", "inodes", "minfree", "label", "type", "features",
	"jsize", NULL
};

#define F_COMPAT	0
#define F_INCOMPAT	1
#define F_ROCOMPAT	2

/* The features fsu_newfs makes, by mke2fs's names. */
static const struct e2feat {
	const char	*f_name;
	int		f_set;		/* F_* */
	uint32_t	f_bit;
} e2feats[] = {
	{ "has_journal",	F_COMPAT,	EXT2F_COMPAT_HAS_JOURNAL },
	{ "dir_index",		F_COMPAT,	EXT2F_COMPAT_DIR_INDEX },
	{ "filetype",		F_INCOMPAT,	EXT2F_INCOMPAT_FILETYPE },
	{ "extent",		F_INCOMPAT,	EXT2F_INCOMPAT_EXTENTS },
	{ "extents",		F_INCOMPAT,	EXT2F_INCOMPAT_EXTENTS },
	{ "64bit",		F_INCOMPAT,	EXT2F_INCOMPAT_64BIT },
	{ "flex_bg",		F_INCOMPAT,	EXT2F_INCOMPAT_FLEX_BG },
	{ "sparse_super",	F_ROCOMPAT,	EXT2F_ROCOMPAT_SPARSE_SUPER },
	{ "large_file",		F_ROCOMPAT,	EXT2F_ROCOMPAT_LARGE_FILE },
	{ "huge_file",		F_ROCOMPAT,	EXT2F_ROCOMPAT_HUGE_FILE },
	{ "uninit_bg",		F_ROCOMPAT,	EXT2F_ROCOMPAT_GDT_CSUM },
	{ "dir_nlink",		F_ROCOMPAT,	EXT2F_ROCOMPAT_DIR_NLINK },
	{ "extra_isize",	F_ROCOMPAT,	EXT2F_ROCOMPAT_EXTRA_ISIZE },
	{ "metadata_csum",	F_ROCOMPAT,	EXT2F_ROCOMPAT_METADATA_CSUM },
	{ NULL, 0, 0 }
};

/* Features e2fsprogs knows that fsu_newfs does not make. */
static const char *const e2feats_no[] = {
	"resize_inode", "ext_attr", "meta_bg", "inline_data", "large_dir",
	"bigalloc", "quota", "project", "encrypt", "casefold", "mmp",
	"sparse_super2", "journal_dev", "metadata_csum_seed", "ea_inode",
	"orphan_file", "fast_commit", "stable_inodes", "verity",
	"dir_prealloc", "imagic_inodes", "lazy_bg", "snapshot_bitmap",
	"compression", "dirdata", "replica", "read-only", "shared_blocks",
	"needs_recovery", "orphan_present", "encoding", "uninit_groups",
	NULL
};

/* The features of each type. */
#define FEAT_EXT2_IN	EXT2F_INCOMPAT_FILETYPE
#define FEAT_EXT2_RO	(EXT2F_ROCOMPAT_SPARSE_SUPER |			\
	EXT2F_ROCOMPAT_LARGE_FILE | EXT2F_ROCOMPAT_EXTRA_ISIZE)
#define FEAT_EXT3_CO	(EXT2F_COMPAT_HAS_JOURNAL | EXT2F_COMPAT_DIR_INDEX)
#define FEAT_EXT4_IN	(FEAT_EXT2_IN | EXT2F_INCOMPAT_EXTENTS |	\
	EXT2F_INCOMPAT_64BIT)
#define FEAT_EXT4_RO	(FEAT_EXT2_RO | EXT2F_ROCOMPAT_HUGE_FILE |	\
	EXT2F_ROCOMPAT_DIR_NLINK | EXT2F_ROCOMPAT_METADATA_CSUM)

struct e2geom {
	uint32_t	g_bsize;
	uint64_t	g_blocks;	/* s_blocks_count */
	uint32_t	g_first;	/* s_first_data_block */
	uint32_t	g_bpg;
	uint32_t	g_ngroups;
	uint32_t	g_ipg;
	uint32_t	g_itblocks;	/* inode table blocks per group */
	uint32_t	g_gdtblocks;
	uint32_t	g_descsize;	/* 32, or 64 with 64bit */
	uint32_t	g_minfree;
	uint32_t	g_compat;
	uint32_t	g_incompat;
	uint32_t	g_rocompat;
	uint64_t	g_jblocks;	/* journal blocks; 0: none */
	bool		g_nojournal;	/* the type's journal left out */
	const char	*g_type;	/* "ext2", "ext3", "ext4" */
	char		g_label[16];
};

#define G_HAS(g, set, f)	(((g)->set & (f)) != 0)
#define G_EXTENTS(g)	G_HAS(g, g_incompat, EXT2F_INCOMPAT_EXTENTS)
#define G_CSUM(g)	G_HAS(g, g_rocompat, EXT2F_ROCOMPAT_METADATA_CSUM)
#define G_GDTCSUM(g)	(G_CSUM(g) || G_HAS(g, g_rocompat,		\
	EXT2F_ROCOMPAT_GDT_CSUM))

/*
 * Where the blocks go: each group uses a prefix of its blocks (tables,
 * then what was taken from it in order).
 */
struct e2lay {
	uint32_t	*l_used;	/* blocks used at the start of groups */
	uint32_t	*l_pre;		/* the same before the journal */
	uint32_t	l_cur;		/* group the next block comes from */
	uint64_t	l_rootblk;
	uint64_t	l_lpfblk;
	uint64_t	l_free;		/* blocks left free */
	uint32_t	l_jblock[EXT2_NBLOCKS];	/* journal's i_block (LE) */
	uint64_t	l_jmeta;	/* its mapping blocks */
	uint64_t	l_jsb;		/* block of its superblock */
};

/* Writing: the device and the checksum parameters (NULL: lay out only). */
struct e2wr {
	struct vnode	*w_devvp;
	struct e2mount	*w_cm;		/* seeds, sizes, features */
	uint8_t		*w_ind[3];	/* indirect blocks being filled */
	uint8_t		*w_blk;		/* one block */
};

static int
e2_num(const char *opts, const char *key, uint64_t max, uint64_t *vp)
{
	char buf[32], *p;
	uint64_t v = 0;
	int error;

	if ((error = vfs_getopt(opts, key, buf, sizeof(buf))) != 0)
		return error == ENAMETOOLONG ? EINVAL : error;
	for (p = buf; *p >= '0' && *p <= '9' && v <= max; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (p == buf || *p != '\0' || v > max) {
		kprintf("newfs: bad %s \"%s\"\n", key, buf);
		return EINVAL;
	}
	*vp = v;
	return 0;
}

/* Does group n hold a copy of the superblock? */
static bool
has_super(const struct e2geom *g, uint32_t n)
{
	uint32_t p, k;

	if (n <= 1 || !G_HAS(g, g_rocompat, EXT2F_ROCOMPAT_SPARSE_SUPER))
		return true;
	for (p = 3; p <= 7; p += 2) {
		for (k = p; k < n; k *= p)
			;
		if (k == n)
			return true;
	}
	return false;
}

/* First block of group g, and its block count. */
static uint64_t
grp_start(const struct e2geom *g, uint32_t n)
{
	return g->g_first + (uint64_t)n * g->g_bpg;
}

static uint32_t
grp_blocks(const struct e2geom *g, uint32_t n)
{
	uint64_t left = g->g_blocks - grp_start(g, n);

	return (uint32_t)MIN(left, (uint64_t)g->g_bpg);
}

/* Blocks of group n before its data: copies, bitmaps, inode table. */
static uint32_t
grp_meta(const struct e2geom *g, uint32_t n)
{
	return (has_super(g, n) ? 1 + g->g_gdtblocks : 0) + 2 + g->g_itblocks;
}

/* Messages of e2geom, unless it is only trying sizes (fit). */
#define E2MSG(...)	do { if (!quiet) kprintf(__VA_ARGS__); } while (0)

/*
 * The type and the features: *jaskedp says a journal was asked for by
 * name (not only by the type).
 */
static int
e2_features(const char *opts, bool quiet, struct e2geom *g, bool *jaskedp)
{
	char type[8], list[256], name[24];
	const char *p, *e;
	const struct e2feat *f;
	uint32_t *set;
	size_t len;
	bool neg;
	int error, i;

	*jaskedp = false;
	g->g_type = "ext2";
	g->g_compat = 0;
	g->g_incompat = FEAT_EXT2_IN;
	g->g_rocompat = FEAT_EXT2_RO;
	if ((error = vfs_getopt(opts, "type", type, sizeof(type))) == 0) {
		if (strcmp(type, "ext3") == 0) {
			g->g_type = "ext3";
			g->g_compat = FEAT_EXT3_CO;
		} else if (strcmp(type, "ext4") == 0) {
			g->g_type = "ext4";
			g->g_compat = FEAT_EXT3_CO;
			g->g_incompat = FEAT_EXT4_IN;
			g->g_rocompat = FEAT_EXT4_RO;
		} else if (strcmp(type, "ext2") != 0) {
			E2MSG("newfs: the type is ext2, ext3 or ext4, not "
			    "\"%s\"\n", type);
			return EINVAL;
		}
	} else if (error != ENOENT) {
		E2MSG("newfs: the type is ext2, ext3 or ext4\n");
		return EINVAL;
	}
	if ((error = vfs_getopt(opts, "features", list, sizeof(list))) ==
	    ENOENT)
		return 0;
	if (error != 0) {
		E2MSG("newfs: too many features\n");
		return EINVAL;
	}
	for (p = list; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(p, ':')) == NULL)
			e = p + strlen(p);
		if (e == p)
			continue;
		neg = *p == '^';
		len = (size_t)(e - p) - neg;
		if (len == 0 || len >= sizeof(name)) {
			E2MSG("newfs: bad ext2 feature \"%.*s\"\n",
			    (int)(e - p), p);
			return EINVAL;
		}
		memcpy(name, p + neg, len);
		name[len] = '\0';
		for (f = e2feats; f->f_name != NULL; f++)
			if (strcmp(f->f_name, name) == 0)
				break;
		if (f->f_name == NULL) {
			for (i = 0; e2feats_no[i] != NULL; i++)
				if (strcmp(e2feats_no[i], name) == 0)
					break;
			if (e2feats_no[i] != NULL)
				E2MSG("newfs: fsu_newfs does not make the "
				    "ext2 feature \"%s\"\n", name);
			else
				E2MSG("newfs: unknown ext2 feature \"%s\"\n",
				    name);
			return EINVAL;
		}
		set = f->f_set == F_COMPAT ? &g->g_compat :
		    f->f_set == F_INCOMPAT ? &g->g_incompat : &g->g_rocompat;
		if (neg)
			*set &= ~f->f_bit;
		else
			*set |= f->f_bit;
		if (f->f_bit == EXT2F_COMPAT_HAS_JOURNAL &&
		    f->f_set == F_COMPAT)
			*jaskedp = !neg;
	}
	return 0;
}

/* Check the feature combination (after the features are read). */
static int
e2_featcheck(bool quiet, struct e2geom *g)
{
	if (G_HAS(g, g_incompat, EXT2F_INCOMPAT_64BIT) && !G_EXTENTS(g)) {
		E2MSG("newfs: the ext2 feature 64bit needs extent\n");
		return EINVAL;
	}
	/* metadata_csum supersedes the older group checksums. */
	if (G_CSUM(g))
		g->g_rocompat &= ~EXT2F_ROCOMPAT_GDT_CSUM;
	return 0;
}

/* mke2fs's journal size (blocks) for a file system of n blocks. */
static uint64_t
journal_default(uint64_t n)
{
	uint64_t j = 16384, lim = 4096 * 1024;

	if (n < 32768)
		return 1024;
	if (n < 256 * 1024)
		return 4096;
	if (n < 512 * 1024)
		return 8192;
	while (n >= lim && j < 262144) {
		j *= 2;
		lim *= 2;
	}
	return j;
}

/* The journal's size, once the geometry is known. */
static int
e2_journal_size(const char *opts, bool quiet, bool jasked, bool fit,
    struct e2geom *g)
{
	uint64_t mib, max;
	int error;

	g->g_jblocks = 0;
	error = e2_num(opts, "jsize", 1ULL << 30, &mib);
	if (error != 0 && error != ENOENT)
		return error;
	if (!G_HAS(g, g_compat, EXT2F_COMPAT_HAS_JOURNAL)) {
		if (error == 0) {
			E2MSG("newfs: a journal size (-J) without the "
			    "feature has_journal\n");
			return EINVAL;
		}
		return 0;
	}
	if (g->g_blocks < NF_JFSMIN) {
		if (jasked || error == 0 || fit) {
			E2MSG("newfs: %llu blocks are too few for a journal "
			    "(%u at least)\n", (unsigned long long)g->g_blocks,
			    NF_JFSMIN);
			return EINVAL;
		}
		g->g_compat &= ~EXT2F_COMPAT_HAS_JOURNAL;
		g->g_nojournal = true;
		return 0;
	}
	if (error == ENOENT) {
		g->g_jblocks = journal_default(g->g_blocks);
		return 0;
	}
	g->g_jblocks = mib * (1024 * 1024 / g->g_bsize);
	max = MIN((uint64_t)NF_JMAXBLOCKS, g->g_blocks / 2);
	if (g->g_jblocks < NF_JMINBLOCKS || g->g_jblocks > max) {
		E2MSG("newfs: the journal has %u to %llu blocks of %u bytes "
		    "here (half the file system at most), not %llu MiB\n",
		    NF_JMINBLOCKS, (unsigned long long)max, g->g_bsize,
		    (unsigned long long)mib);
		return EINVAL;
	}
	return 0;
}

static int
e2geom(const struct knewfs *kn, uint64_t fitinodes, bool quiet,
    struct e2geom *g)
{
	const char *opts = kn->kn_opts != NULL ? kn->kn_opts : "";
	uint64_t v, density, inodes = 0, size = kn->kn_size, ipb, last;
	char label_unused[2];
	bool jasked;
	int error;

	memset(g, 0, sizeof(*g));
	if ((error = vfs_checkopts(opts, ext2fs_newfs_opts)) != 0) {
		E2MSG("newfs: ext2fs takes the options type, features (-O), "
		    "jsize (-J), bsize, density (-i), inodes (-n), minfree "
		    "(-m) and label (-L)\n");
		return error;
	}
	if ((error = e2_features(opts, quiet, g, &jasked)) != 0 ||
	    (error = e2_featcheck(quiet, g)) != 0)
		return error;
	g->g_descsize = G_HAS(g, g_incompat, EXT2F_INCOMPAT_64BIT) ?
	    EXT2_GD_MINSIZE64 : EXT2_GD_MINSIZE;
	g->g_bsize = size < 512 * 1024 * 1024ULL ? 1024 : 4096;
	if ((error = e2_num(opts, "bsize", 65536, &v)) == 0) {
		if (v != 1024 && v != 2048 && v != 4096) {
			E2MSG("newfs: ext2 block size is 1024, 2048 or "
			    "4096\n");
			return EINVAL;
		}
		g->g_bsize = (uint32_t)v;
	} else if (error != ENOENT)
		return error;
	density = size < 3 * 1024 * 1024 ? 8192 : size < 512 * 1024 *
	    1024ULL ? 4096 : 16384;
	if ((error = e2_num(opts, "density", 1ULL << 30, &density)) != 0 &&
	    error != ENOENT)
		return error;
	if (density < g->g_bsize && density < 1024) {
		E2MSG("newfs: at most one inode per 1024 bytes\n");
		return EINVAL;
	}
	if ((error = e2_num(opts, "inodes", UINT32_MAX, &inodes)) != 0 &&
	    error != ENOENT)
		return error;
	if (fitinodes != 0) {
		/* Fit: the inodes needed, or more if the options say so. */
		if (vfs_getopt(opts, "density", label_unused, 2) == ENOENT)
			inodes = MAX(inodes, fitinodes);
		else
			inodes = MAX(inodes, MAX(fitinodes, size / density));
	}
	g->g_minfree = fitinodes != 0 ? 0 : 5;
	if ((error = e2_num(opts, "minfree", 50, &v)) == 0)
		g->g_minfree = (uint32_t)v;
	else if (error != ENOENT)
		return error;
	memset(g->g_label, 0, sizeof(g->g_label));
	if ((error = vfs_getopt(opts, "label", g->g_label,
	    sizeof(g->g_label))) == ENAMETOOLONG) {
		/* 16 bytes exactly fill the field without a NUL. */
		char buf[17];

		if (vfs_getopt(opts, "label", buf, sizeof(buf)) != 0) {
			E2MSG("newfs: an ext2 label has at most 16 bytes\n");
			return EINVAL;
		}
		memcpy(g->g_label, buf, 16);
	} else if (error != 0 && error != ENOENT)
		return error;

	g->g_blocks = size / g->g_bsize;
	if (g->g_blocks > UINT32_MAX &&
	    !G_HAS(g, g_incompat, EXT2F_INCOMPAT_64BIT)) {
		E2MSG("newfs: ext2 without 64bit has at most 2^32 blocks\n");
		return EINVAL;
	}
	if (g->g_blocks > (1ULL << 48)) {
		E2MSG("newfs: an ext4 file system has at most 2^48 blocks\n");
		return EINVAL;
	}
	g->g_first = g->g_bsize == 1024 ? 1 : 0;
	g->g_bpg = 8 * g->g_bsize;
	ipb = g->g_bsize / NF_ISIZE;
	for (;;) {
		if (g->g_blocks <= g->g_first + 16) {
			E2MSG("newfs: %llu bytes are too few for an ext2 "
			    "file system\n", (unsigned long long)size);
			return EINVAL;
		}
		g->g_ngroups = (uint32_t)howmany(g->g_blocks - g->g_first,
		    (uint64_t)g->g_bpg);
		g->g_gdtblocks = (uint32_t)howmany((uint64_t)g->g_ngroups *
		    g->g_descsize, g->g_bsize);
		v = inodes != 0 ? inodes :
		    (uint64_t)g->g_blocks * g->g_bsize / density;
		v = MAX(v, (uint64_t)NF_FIRSTINO + 5);
		v = howmany(v, g->g_ngroups);
		v = roundup(v, MAX(ipb, 8));
		if (v > 8ULL * g->g_bsize) {
			E2MSG("newfs: too many inodes for the groups of "
			    "%u blocks\n", g->g_bpg);
			return EINVAL;
		}
		g->g_ipg = (uint32_t)v;
		g->g_itblocks = (uint32_t)(v / ipb);
		/* A last group without room for some data is dropped. */
		last = grp_blocks(g, g->g_ngroups - 1);
		if (g->g_ngroups > 1 && last < grp_meta(g, g->g_ngroups - 1) +
		    50) {
			g->g_blocks = grp_start(g, g->g_ngroups - 1);
			continue;
		}
		if (last < grp_meta(g, g->g_ngroups - 1) + 4) {
			E2MSG("newfs: %llu bytes are too few for an ext2 "
			    "file system\n", (unsigned long long)size);
			return EINVAL;
		}
		break;
	}
	if ((uint64_t)g->g_ipg * g->g_ngroups > UINT32_MAX) {
		E2MSG("newfs: too many inodes\n");
		return EINVAL;
	}
	return e2_journal_size(opts, quiet, jasked, fitinodes != 0, g);
}

static int
e2_write(struct vnode *devvp, uint64_t off, const void *data, size_t len)
{
	struct buf *bp;
	int error;

	error = getblk(devvp, (daddr_t)(off / DEV_BSIZE), (int)len, &bp);
	if (error != 0)
		return error;
	memcpy(bp->b_data, data, len);
	error = bwrite(bp);
	binval(devvp, (daddr_t)(off / DEV_BSIZE), (int)len);
	return error;
}

static int
e2_zero(struct vnode *devvp, uint64_t off, uint64_t len, const uint8_t *z)
{
	uint64_t n;
	int error;

	while (len > 0) {
		n = MIN(len, (uint64_t)NF_CHUNK);
		if ((error = e2_write(devvp, off, z, (size_t)n)) != 0)
			return error;
		off += n;
		len -= n;
	}
	return 0;
}

static void
setbit8(uint8_t *map, uint32_t i)
{
	map[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * Layout.  lay_init() gives each group its tables; lay_alloc() then
 * hands out the next free block from group l_cur onwards, wrapping.
 */
static void
lay_free(const struct e2geom *g, struct e2lay *l)
{
	if (l->l_used != NULL)
		kmem_free(l->l_used, (size_t)g->g_ngroups * sizeof(uint32_t));
	if (l->l_pre != NULL)
		kmem_free(l->l_pre, (size_t)g->g_ngroups * sizeof(uint32_t));
	l->l_used = l->l_pre = NULL;
}

static int
lay_init(const struct e2geom *g, struct e2lay *l)
{
	uint32_t n;

	memset(l, 0, sizeof(*l));
	l->l_used = kmem_zalloc((size_t)g->g_ngroups * sizeof(uint32_t));
	l->l_pre = kmem_zalloc((size_t)g->g_ngroups * sizeof(uint32_t));
	if (l->l_used == NULL || l->l_pre == NULL)
		return ENOMEM;
	for (n = 0; n < g->g_ngroups; n++)
		l->l_used[n] = grp_meta(g, n);
	return 0;
}

static int
lay_alloc(const struct e2geom *g, struct e2lay *l, uint64_t *bp)
{
	uint32_t tries;

	for (tries = 0; tries <= g->g_ngroups; tries++) {
		if (l->l_used[l->l_cur] < grp_blocks(g, l->l_cur)) {
			*bp = grp_start(g, l->l_cur) + l->l_used[l->l_cur]++;
			return 0;
		}
		l->l_cur = (l->l_cur + 1) % g->g_ngroups;
	}
	return ENOSPC;
}

/* Write block b (one block of data) unless only laying out. */
static int
lay_put(const struct e2geom *g, struct e2wr *w, uint64_t b, const void *data)
{
	if (w == NULL)
		return 0;
	return e2_write(w->w_devvp, b * g->g_bsize, data, g->g_bsize);
}

/*
 * The journal mapped by indirect blocks, each taken just before the
 * first block it maps (so data and indirect blocks alternate, in order).
 * ind[k] is the current indirect block of level k (0: single, 1:
 * double, 2: triple), its contents in w_ind[k] while writing.
 */
static int
jnl_blockmap(const struct e2geom *g, struct e2lay *l, struct e2wr *w)
{
	uint64_t apb = g->g_bsize / 4, n = g->g_jblocks, lb, r, b, span;
	int j;
	uint64_t ind[3] = { 0, 0, 0 };
	uint32_t *slot;
	int lvl, k, error = 0;

	for (lb = 0; lb < n && error == 0; lb++) {
		if (lb < EXT2_NDADDR) {
			if ((error = lay_alloc(g, l, &b)) == 0)
				l->l_jblock[lb] = e2le32((uint32_t)b);
			if (lb == 0)
				l->l_jsb = b;
			continue;
		}
		r = lb - EXT2_NDADDR;
		lvl = 1;
		if (r >= apb) {
			r -= apb;
			lvl = 2;
			if (r >= apb * apb) {
				r -= apb * apb;
				lvl = 3;
			}
		}
		/* New indirect blocks beginning at r, the top one first. */
		for (k = lvl - 1; k >= 0 && error == 0; k--) {
			for (span = apb, j = 0; j < k; j++)
				span *= apb;
			if (r % span != 0)
				continue;
			if (ind[k] != 0 && w != NULL) {
				error = lay_put(g, w, ind[k], w->w_ind[k]);
				memset(w->w_ind[k], 0, g->g_bsize);
			}
			if (error == 0)
				error = lay_alloc(g, l, &ind[k]);
			l->l_jmeta++;
			if (k == lvl - 1)
				l->l_jblock[EXT2_NDADDR + k] =
				    e2le32((uint32_t)ind[k]);
			else if (w != NULL) {
				slot = (uint32_t *)(void *)w->w_ind[k + 1];
				slot[(r / span) % apb] =
				    e2le32((uint32_t)ind[k]);
			}
		}
		if (error == 0 && (error = lay_alloc(g, l, &b)) == 0 &&
		    w != NULL) {
			slot = (uint32_t *)(void *)w->w_ind[0];
			slot[r % apb] = e2le32((uint32_t)b);
		}
	}
	for (k = 0; k < 3 && error == 0; k++)
		if (ind[k] != 0 && w != NULL)
			error = lay_put(g, w, ind[k], w->w_ind[k]);
	return error;
}

struct jrun {
	uint32_t	r_lb;		/* first logical block */
	uint32_t	r_len;
	uint64_t	r_pb;		/* first physical block */
};

static void
put_extent(struct ext4_extent *ex, const struct jrun *r)
{
	ex->ee_block = e2le32(r->r_lb);
	ex->ee_len = e2le16((uint16_t)r->r_len);
	ex->ee_start_hi = e2le16((uint16_t)(r->r_pb >> 32));
	ex->ee_start_lo = e2le32((uint32_t)r->r_pb);
}

/*
 * The journal mapped by extents: the runs of blocks in order, in the
 * inode if there are at most 4, else in up to 4 leaf blocks taken after
 * the data.
 */
static int
jnl_extents(const struct e2geom *g, struct e2lay *l, struct e2wr *w)
{
	const uint32_t leafmax = (g->g_bsize -
	    sizeof(struct ext4_extent_header)) / sizeof(struct ext4_extent);
	struct ext4_extent_header *eh = (void *)l->l_jblock, *leh;
	struct ext4_extent_idx *ei;
	struct ext4_extent_tail *et;
	struct ext4_extent *ex;
	struct jrun *runs, *r;
	uint64_t cap, b, lb, leaf;
	uint32_t nr = 0, nleaves, i, j, k;
	int error = 0;

	/* A run per group crossed, and per 32768 blocks. */
	cap = MIN((uint64_t)g->g_ngroups + 1, g->g_jblocks) +
	    g->g_jblocks / EXT4_EXT_INIT_MAXLEN + 1;
	if ((runs = kmem_zalloc((size_t)cap * sizeof(*runs))) == NULL)
		return ENOMEM;
	for (lb = 0; lb < g->g_jblocks && error == 0; lb++) {
		if ((error = lay_alloc(g, l, &b)) != 0)
			break;
		r = &runs[nr - (nr > 0)];
		if (nr > 0 && r->r_pb + r->r_len == b &&
		    r->r_len < EXT4_EXT_INIT_MAXLEN) {
			r->r_len++;
			continue;
		}
		if (nr == cap) {
			error = EFBIG;
			break;
		}
		runs[nr].r_lb = (uint32_t)lb;
		runs[nr].r_len = 1;
		runs[nr++].r_pb = b;
	}
	if (error != 0)
		goto out;
	l->l_jsb = runs[0].r_pb;
	eh->eh_magic = e2le16(EXT4_EXT_MAGIC);
	eh->eh_max = e2le16(EXT4_EXT_ROOTMAX);
	if (nr <= EXT4_EXT_ROOTMAX) {
		eh->eh_entries = e2le16((uint16_t)nr);
		for (i = 0; i < nr; i++)
			put_extent((struct ext4_extent *)(eh + 1) + i,
			    &runs[i]);
		goto out;
	}
	nleaves = howmany(nr, leafmax);
	if (nleaves > EXT4_EXT_ROOTMAX) {
		error = EFBIG;
		goto out;
	}
	eh->eh_entries = e2le16((uint16_t)nleaves);
	eh->eh_depth = e2le16(1);
	for (i = 0, j = 0; i < nleaves && error == 0; i++) {
		if ((error = lay_alloc(g, l, &leaf)) != 0)
			break;
		l->l_jmeta++;
		ei = (struct ext4_extent_idx *)(eh + 1) + i;
		ei->ei_block = e2le32(runs[j].r_lb);
		ei->ei_leaf_lo = e2le32((uint32_t)leaf);
		ei->ei_leaf_hi = e2le16((uint16_t)(leaf >> 32));
		if (w == NULL) {
			j += leafmax;
			continue;
		}
		memset(w->w_blk, 0, g->g_bsize);
		leh = (void *)w->w_blk;
		leh->eh_magic = e2le16(EXT4_EXT_MAGIC);
		leh->eh_max = e2le16((uint16_t)leafmax);
		ex = (struct ext4_extent *)(leh + 1);
		for (k = 0; k < leafmax && j < nr; k++, j++)
			put_extent(&ex[k], &runs[j]);
		leh->eh_entries = e2le16((uint16_t)k);
		if (G_CSUM(g)) {
			et = (void *)(ex + leafmax);
			et->et_checksum = e2le32(ext2fs_extent_csum(
			    ext2fs_inode_seed(w->w_cm, EXT2_JOURNALINO, 0),
			    w->w_blk));
		}
		error = lay_put(g, w, leaf, w->w_blk);
	}
out:
	kmem_free(runs, (size_t)cap * sizeof(*runs));
	return error;
}

/* The journal: its blocks, its map, its superblock. */
static int
lay_journal(const struct e2geom *g, struct e2lay *l, struct e2wr *w,
    const uint8_t *uuid)
{
	uint8_t *jsb;
	int error;

	memcpy(l->l_pre, l->l_used, (size_t)g->g_ngroups * sizeof(uint32_t));
	if (g->g_jblocks == 0)
		return 0;
	l->l_cur = g->g_ngroups / 2;
	if (G_EXTENTS(g))
		error = jnl_extents(g, l, w);
	else
		error = jnl_blockmap(g, l, w);
	if (error != 0 || w == NULL)
		return error;
	jsb = w->w_blk;
	memset(jsb, 0, g->g_bsize);
	put_be32(jsb, JBD2_MAGIC);
	put_be32(jsb + 4, JBD2_SUPERBLOCK_V2);
	put_be32(jsb + JSB_BLOCKSIZE, g->g_bsize);
	put_be32(jsb + JSB_MAXLEN, (uint32_t)g->g_jblocks);
	put_be32(jsb + JSB_FIRST, 1);
	put_be32(jsb + JSB_SEQUENCE, 1);
	put_be32(jsb + JSB_START, 0);
	memcpy(jsb + JSB_UUID, uuid, 16);
	put_be32(jsb + JSB_NR_USERS, 1);
	return lay_put(g, w, l->l_jsb, jsb);
}

/*
 * Lay out (and with w write the journal of) the file system: tables,
 * the two directories' blocks, the journal; l_free what is left.
 */
static int
e2_layout(const struct e2geom *g, struct e2lay *l, struct e2wr *w,
    const uint8_t *uuid)
{
	uint32_t n;
	int error;

	if ((error = lay_init(g, l)) != 0 ||
	    (error = lay_alloc(g, l, &l->l_rootblk)) != 0 ||
	    (error = lay_alloc(g, l, &l->l_lpfblk)) != 0 ||
	    (error = lay_journal(g, l, w, uuid)) != 0)
		return error;
	for (n = 0; n < g->g_ngroups; n++)
		l->l_free += grp_blocks(g, n) - l->l_used[n];
	return 0;
}

/* A directory or journal inode's common fields. */
static void
new_inode(struct ext2_dinode *di, uint16_t mode, uint16_t nlink,
    uint64_t size, uint64_t blocks, uint32_t bsize,
    const struct ktimespec *now)
{
	uint64_t sectors = blocks * (bsize / 512);

	memset(di, 0, sizeof(*di));
	di->i_mode = e2le16(mode);
	di->i_size = e2le32((uint32_t)size);
	di->i_size_high = e2le32((uint32_t)(size >> 32));
	di->i_atime = di->i_ctime = di->i_mtime = di->i_crtime =
	    e2le32((uint32_t)now->tv_sec);
	di->i_atime_extra = di->i_ctime_extra = di->i_mtime_extra =
	    di->i_crtime_extra = e2le32(((uint32_t)now->tv_nsec << 2) |
	    (uint32_t)(((uint64_t)now->tv_sec - INT32_MIN) >> 32 & 3));
	di->i_links_count = e2le16(nlink);
	di->i_blocks = e2le32((uint32_t)sectors);
	di->i_blocks_high = e2le16((uint16_t)(sectors >> 32));
	di->i_extra_isize = e2le16(EXT2_EXTRA_ISIZE_DEF);
}

/* A directory inode of one block. */
static void
dir_inode(const struct e2geom *g, struct ext2_dinode *di, uint16_t mode,
    uint16_t nlink, uint64_t blk, const struct ktimespec *now)
{
	struct ext4_extent_header *eh = (void *)di->i_block;
	struct jrun r = { 0, 1, blk };

	new_inode(di, mode, nlink, g->g_bsize, 1, g->g_bsize, now);
	if (!G_EXTENTS(g)) {
		di->i_block[0] = e2le32((uint32_t)blk);
		return;
	}
	di->i_flags = e2le32(EXT4_EXTENTS_FL);
	eh->eh_magic = e2le16(EXT4_EXT_MAGIC);
	eh->eh_entries = e2le16(1);
	eh->eh_max = e2le16(EXT4_EXT_ROOTMAX);
	put_extent((struct ext4_extent *)(eh + 1), &r);
}

/* A directory entry at off of a block; returns the next offset. */
static uint32_t
dirent_put(const struct e2geom *g, uint8_t *blk, uint32_t off, uint32_t ino,
    const char *name, uint16_t reclen)
{
	struct ext2_dirent d;
	size_t n = strlen(name);

	d.d_ino = e2le32(ino);
	d.d_reclen = e2le16(reclen);
	d.d_namlen = (uint8_t)n;
	d.d_type = G_HAS(g, g_incompat, EXT2F_INCOMPAT_FILETYPE) ?
	    EXT2_FT_DIR : 0;
	memcpy(blk + off, &d, sizeof(d));
	memcpy(blk + off + sizeof(d), name, n);
	return off + reclen;
}

/* With metadata_csum, the checksum tail of directory block blk of ino. */
static void
dirtail_put(const struct e2geom *g, const struct e2mount *cm, uint8_t *blk,
    uint32_t ino)
{
	struct ext2_dirtail *t;

	if (!G_CSUM(g))
		return;
	t = (void *)(blk + g->g_bsize - EXT2_DIRTAIL_SIZE);
	memset(t, 0, sizeof(*t));
	t->det_reclen = e2le16(EXT2_DIRTAIL_SIZE);
	t->det_ft = EXT2_FT_DIR_CSUM;
	t->det_checksum = e2le32(ext2fs_dirblk_csum(ext2fs_inode_seed(cm, ino,
	    0), blk, g->g_bsize));
}

/* Blocks of a block-mapped file of size bytes, indirect blocks too. */
static uint64_t
file_blocks(uint64_t size, uint32_t bsize)
{
	uint64_t n = howmany(size, bsize), apb = bsize / 4, t = n, left;

	if (n <= EXT2_NDADDR)
		return n;
	left = n - EXT2_NDADDR;
	t++;				/* single indirect */
	if (left <= apb)
		return t;
	left -= apb;
	t += 1 + howmany(MIN(left, apb * apb), apb);	/* double */
	if (left <= apb * apb)
		return t;
	left -= apb * apb;
	return t + 1 + howmany(howmany(left, apb), apb) + howmany(left, apb);
}

/*
 * Blocks of a file of n data blocks in at most ext extents (extent
 * mapped): a tree of leaves below index blocks once the inode's 4 do
 * not hold them.
 */
static uint64_t
extent_blocks(uint64_t n, uint64_t ext, uint32_t bsize)
{
	uint64_t per = (bsize - sizeof(struct ext4_extent_header)) /
	    sizeof(struct ext4_extent), t = n, level = ext;

	while (level > EXT4_EXT_ROOTMAX) {
		level = howmany(level, per);
		t += level;
	}
	return t;
}

/*
 * What a file of size bytes takes, counted either way (a directory
 * grown a block at a time may have an extent per block; a file written
 * at once one per group it crosses, and one per 32768 blocks).
 */
static uint64_t
fit_blocks(const struct e2geom *g, uint64_t size, bool dir)
{
	uint64_t n = howmany(size, g->g_bsize), ext;

	if (!G_EXTENTS(g))
		return file_blocks(size, g->g_bsize);
	ext = dir ? n : 2 + n / (g->g_bpg / 2) + n / EXT4_EXT_INIT_MAXLEN;
	return MAX(extent_blocks(n, MIN(n, ext), g->g_bsize),
	    file_blocks(size, g->g_bsize));
}

/* Fit: the inodes the entries need, with the free ones asked for. */
static uint64_t
fit_inodes(const struct knewfs *kn)
{
	uint64_t n = NF_FIRSTINO;
	size_t i;

	for (i = 1; i < kn->kn_nent; i++)
		if (!(kn->kn_ent[i].ke_flags & KNEWFS_LINK))
			n++;
	n += kn->kn_freefiles;
	return n + n * kn->kn_freefpct / 100;
}

/* Fit: the data blocks of the entries of kn at geometry g. */
static uint64_t
fit_need(const struct knewfs *kn, const struct e2geom *g,
    const uint64_t *dirbytes)
{
	const struct knewfs_ent *ke = kn->kn_ent;
	uint32_t bs = g->g_bsize;
	uint64_t need = 0;
	size_t i;

	for (i = 0; i < kn->kn_nent; i++) {
		if (ke[i].ke_flags & KNEWFS_LINK)
			continue;
		if (ke[i].ke_type == DT_DIR)
			need += fit_blocks(g, MAX(1, howmany(dirbytes[i] + 24,
			    bs - EXT2_DIRSIZ(255) - EXT2_DIRTAIL_SIZE)) *
			    (uint64_t)bs, true);
		else if (ke[i].ke_type == DT_REG ||
		    (ke[i].ke_type == DT_LNK &&
		    ke[i].ke_size >= EXT2_MAXSYMLINKLEN))
			need += fit_blocks(g, ke[i].ke_size, false);
	}
	return need + howmany(kn->kn_freebytes, bs);
}

/*
 * Size to fit: the smallest size whose file system holds the entries of
 * kn with the free space and inodes asked for, minfree 0 unless given,
 * in kn->kn_size.  Directories are counted as blocks of entries, each
 * block leaving room for the largest entry unused; files with their
 * indirect blocks or extent tree; symbolic links of 60 bytes or more as
 * files.  The journal and the tables are the layout's.
 */
static int
ext2fs_fit(struct knewfs *kn)
{
	const struct knewfs_ent *ke = kn->kn_ent;
	struct e2geom g;
	struct e2lay l;
	uint64_t *dirbytes, need = 0, inodes = 0, want, size, prev = 0;
	uint32_t bsize = 0;
	size_t i;
	int error, tries;
	char buf[8];

	if (kn->kn_nent == 0 || ke[0].ke_type != DT_DIR)
		return EINVAL;
	/* The options are checked once, aloud. */
	kn->kn_size = 1ULL << 30;
	if ((error = e2geom(kn, 0, false, &g)) != 0) {
		kn->kn_size = 0;
		return error;
	}
	if ((dirbytes = kmem_zalloc(kn->kn_nent * sizeof(*dirbytes))) ==
	    NULL) {
		kn->kn_size = 0;
		return ENOMEM;
	}
	for (i = 1; i < kn->kn_nent; i++) {
		if (ke[i].ke_parent >= i) {
			kmem_free(dirbytes, kn->kn_nent * sizeof(*dirbytes));
			return EINVAL;
		}
		dirbytes[ke[i].ke_parent] += EXT2_DIRSIZ(ke[i].ke_namlen);
	}
	dirbytes[0] += EXT2_DIRSIZ(10);		/* lost+found */
	inodes = fit_inodes(kn);
	if (vfs_getopt(kn->kn_opts, "bsize", buf, sizeof(buf)) == 0)
		bsize = (uint32_t)(buf[0] == '1' ? 1024 : buf[0] == '2' ?
		    2048 : 4096);
	/* The block size by the first estimate, as mke2fs would choose. */
	for (tries = 0; tries < 2; tries++) {
		g.g_bsize = bsize != 0 ? bsize : tries == 0 ? 1024 : 4096;
		g.g_bpg = 8 * g.g_bsize;
		need = fit_need(kn, &g, dirbytes);
		if (bsize != 0 || (need * 1024 < 512 * 1024 * 1024ULL &&
		    tries == 0)) {
			bsize = g.g_bsize;
			break;
		}
	}
	if (bsize == 0)
		bsize = 4096;
	/* Grow from the bare data until the data area holds it. */
	size = (need + 8) * bsize;
	for (tries = 0; tries < 10000; tries++) {
		size = roundup(size, bsize);
		kn->kn_size = size;
		error = e2geom(kn, inodes, true, &g);
		if (error == 0 && g.g_bsize != bsize)
			error = EINVAL;
		if (error == 0) {
			need = fit_need(kn, &g, dirbytes);
			error = e2_layout(&g, &l, NULL, NULL);
			lay_free(&g, &l);
			if (error == ENOMEM)
				break;
		}
		if (error == 0) {
			want = need + g.g_blocks * (kn->kn_freepct +
			    g.g_minfree) / 100;
			if (l.l_free >= want && g.g_blocks * bsize == size) {
				kmem_free(dirbytes, kn->kn_nent *
				    sizeof(*dirbytes));
				return 0;
			}
			if (l.l_free >= want) {
				/* A last group was dropped: grow past it. */
				size += (uint64_t)g.g_bpg * bsize / 8;
				continue;
			}
			size += MAX((want - l.l_free) * bsize, 8ULL * bsize);
		} else {
			size += 16 * (uint64_t)bsize;
		}
		if (size > (1ULL << 48) * bsize || size < prev)
			break;
		prev = size;
	}
	kmem_free(dirbytes, kn->kn_nent * sizeof(*dirbytes));
	kn->kn_size = 0;
	return error == ENOMEM ? ENOMEM : EFBIG;
}

/* The feature names of g, for the listing. */
static void
feat_list(const struct e2geom *g, char *buf, size_t len)
{
	const struct e2feat *f;
	const uint32_t *set;
	size_t off = 0;

	buf[0] = '\0';
	for (f = e2feats; f->f_name != NULL && off < len; f++) {
		set = f->f_set == F_COMPAT ? &g->g_compat :
		    f->f_set == F_INCOMPAT ? &g->g_incompat : &g->g_rocompat;
		if ((*set & f->f_bit) == 0 || strcmp(f->f_name, "extents") == 0)
			continue;
		snprintf(buf + off, len - off, "%s%s", off > 0 ? " " : "",
		    f->f_name);
		off += strlen(buf + off);
	}
}

/* The superblock (without its group number and checksum). */
static void
sb_fill(const struct e2geom *g, const struct e2lay *l, struct ext2_sb *sb,
    const struct ktimespec *now, const uint32_t *seed, uint64_t freeinos)
{
	uint64_t rblocks = g->g_blocks * g->g_minfree / 100;
	uint32_t i;

	sb->s_inodes_count = e2le32(g->g_ipg * g->g_ngroups);
	sb->s_blocks_count_lo = e2le32((uint32_t)g->g_blocks);
	sb->s_r_blocks_count_lo = e2le32((uint32_t)rblocks);
	sb->s_free_blocks_count_lo = e2le32((uint32_t)l->l_free);
	if (G_HAS(g, g_incompat, EXT2F_INCOMPAT_64BIT)) {
		sb->s_blocks_count_hi = e2le32((uint32_t)(g->g_blocks >> 32));
		sb->s_r_blocks_count_hi = e2le32((uint32_t)(rblocks >> 32));
		sb->s_free_blocks_count_hi = e2le32((uint32_t)(l->l_free >>
		    32));
		sb->s_desc_size = e2le16((uint16_t)g->g_descsize);
	}
	sb->s_free_inodes_count = e2le32((uint32_t)freeinos);
	sb->s_first_data_block = e2le32(g->g_first);
	sb->s_log_block_size = e2le32(g->g_bsize == 1024 ? 0 :
	    g->g_bsize == 2048 ? 1 : 2);
	sb->s_log_cluster_size = sb->s_log_block_size;
	sb->s_blocks_per_group = e2le32(g->g_bpg);
	sb->s_clusters_per_group = e2le32(g->g_bpg);
	sb->s_inodes_per_group = e2le32(g->g_ipg);
	sb->s_wtime = sb->s_lastcheck = sb->s_mkfs_time =
	    e2le32((uint32_t)now->tv_sec);
	sb->s_max_mnt_count = e2le16(0xffff);
	sb->s_magic = e2le16(EXT2_MAGIC);
	sb->s_state = e2le16(EXT2_VALID_FS);
	sb->s_errors = e2le16(1);		/* continue */
	sb->s_rev_level = e2le32(1);
	sb->s_first_ino = e2le32(NF_FIRSTINO);
	sb->s_inode_size = e2le16(NF_ISIZE);
	sb->s_feature_compat = e2le32(g->g_compat);
	sb->s_feature_incompat = e2le32(g->g_incompat);
	sb->s_feature_ro_compat = e2le32(g->g_rocompat);
	for (i = 0; i < 4; i++)
		memcpy(sb->s_uuid + 4 * i, &seed[i], 4);
	sb->s_uuid[6] = (uint8_t)((sb->s_uuid[6] & 0x0f) | 0x40);
	sb->s_uuid[8] = (uint8_t)((sb->s_uuid[8] & 0x3f) | 0x80);
	memcpy(sb->s_volume_name, g->g_label, sizeof(sb->s_volume_name));
	for (i = 0; i < 4; i++)
		sb->s_hash_seed[i] = e2le32(seed[3 - i] ^ 0x9e3779b9u);
	if (G_HAS(g, g_compat, EXT2F_COMPAT_DIR_INDEX)) {
		sb->s_def_hash_version = 1;		/* half_md4 */
		sb->s_flags = e2le32(EXT2_FLAGS_SIGNED_HASH);
	}
	if (G_HAS(g, g_rocompat, EXT2F_ROCOMPAT_EXTRA_ISIZE)) {
		sb->s_min_extra_isize = e2le16(EXT2_EXTRA_ISIZE_DEF);
		sb->s_want_extra_isize = e2le16(EXT2_EXTRA_ISIZE_DEF);
	}
	if (G_HAS(g, g_incompat, EXT2F_INCOMPAT_FLEX_BG))
		sb->s_log_groups_per_flex = NF_FLEXLOG;
	if (G_CSUM(g))
		sb->s_checksum_type = EXT2_CRC32C_CHKSUM;
	if (g->g_jblocks != 0) {
		sb->s_journal_inum = e2le32(EXT2_JOURNALINO);
		sb->s_jnl_backup_type = 1;		/* i_block copy */
		memcpy(sb->s_jnl_blocks, l->l_jblock, sizeof(l->l_jblock));
		sb->s_jnl_blocks[15] = e2le32((uint32_t)((g->g_jblocks *
		    g->g_bsize) >> 32));
		sb->s_jnl_blocks[16] = e2le32((uint32_t)(g->g_jblocks *
		    g->g_bsize));
	}
}

/* The checksum parameters of superblock sb, as a mount would have them. */
static struct e2mount *
csum_mount(const struct e2geom *g, const struct ext2_sb *sb)
{
	struct e2mount *cm = kmem_zalloc(sizeof(*cm));

	if (cm == NULL)
		return NULL;
	cm->em_sb = *sb;
	cm->em_bsize = g->g_bsize;
	cm->em_isize = NF_ISIZE;
	cm->em_descsize = g->g_descsize;
	cm->em_compat = g->g_compat;
	cm->em_incompat = g->g_incompat;
	cm->em_rocompat = g->g_rocompat;
	cm->em_csumseed = ext2fs_csum_seed(sb);
	return cm;
}

/*
 * Group n's descriptor, and its bitmaps written (with their checksums
 * in the descriptor).
 */
static int
group_write(const struct e2geom *g, const struct e2lay *l,
    const struct e2wr *w, uint32_t n, struct ext2_gd *gd, bool zeroed,
    const uint8_t *zeros)
{
	uint64_t start = grp_start(g, n), off, bb, ib, it;
	uint32_t b, i, free, c;
	uint8_t *blk = w->w_blk;
	int error;

	off = start + (has_super(g, n) ? 1 + g->g_gdtblocks : 0);
	bb = off;
	ib = off + 1;
	it = off + 2;
	memset(gd, 0, sizeof(*gd));
	gd->bg_block_bitmap_lo = e2le32((uint32_t)bb);
	gd->bg_inode_bitmap_lo = e2le32((uint32_t)ib);
	gd->bg_inode_table_lo = e2le32((uint32_t)it);
	gd->bg_block_bitmap_hi = e2le32((uint32_t)(bb >> 32));
	gd->bg_inode_bitmap_hi = e2le32((uint32_t)(ib >> 32));
	gd->bg_inode_table_hi = e2le32((uint32_t)(it >> 32));
	free = grp_blocks(g, n) - l->l_used[n];
	gd->bg_free_blocks_count_lo = e2le16((uint16_t)free);
	gd->bg_free_blocks_count_hi = e2le16((uint16_t)(free >> 16));
	free = g->g_ipg - (n == 0 ? NF_FIRSTINO : 0);
	gd->bg_free_inodes_count_lo = e2le16((uint16_t)free);
	gd->bg_free_inodes_count_hi = e2le16((uint16_t)(free >> 16));
	gd->bg_used_dirs_count_lo = e2le16(n == 0 ? 2 : 0);
	if (G_GDTCSUM(g)) {
		/* The tables are zeros; inodes past these never used. */
		gd->bg_flags = e2le16(EXT2_BG_INODE_ZEROED);
		gd->bg_itable_unused_lo = e2le16((uint16_t)free);
		gd->bg_itable_unused_hi = e2le16((uint16_t)(free >> 16));
	}

	/* The block bitmap: what the group uses, padding past its end. */
	memset(blk, 0, g->g_bsize);
	for (b = 0; b < l->l_used[n]; b++)
		setbit8(blk, b);
	for (b = grp_blocks(g, n); b < g->g_bpg; b++)
		setbit8(blk, b);
	if (G_CSUM(g)) {
		c = ext2fs_bitmap_csum(w->w_cm, blk, g->g_bpg);
		gd->bg_block_bitmap_csum_lo = e2le16((uint16_t)c);
		if (g->g_descsize >= EXT2_GD_MINSIZE64)
			gd->bg_block_bitmap_csum_hi = e2le16((uint16_t)(c >>
			    16));
	}
	if ((error = e2_write(w->w_devvp, bb * g->g_bsize, blk,
	    g->g_bsize)) != 0)
		return error;
	/* The inode bitmap: the reserved inodes, padding. */
	memset(blk, 0, g->g_bsize);
	if (n == 0)
		for (i = 0; i < NF_FIRSTINO; i++)
			setbit8(blk, i);
	for (i = g->g_ipg; i < 8 * g->g_bsize; i++)
		setbit8(blk, i);
	if (G_CSUM(g)) {
		c = ext2fs_bitmap_csum(w->w_cm, blk, g->g_ipg);
		gd->bg_inode_bitmap_csum_lo = e2le16((uint16_t)c);
		if (g->g_descsize >= EXT2_GD_MINSIZE64)
			gd->bg_inode_bitmap_csum_hi = e2le16((uint16_t)(c >>
			    16));
	}
	if ((error = e2_write(w->w_devvp, ib * g->g_bsize, blk,
	    g->g_bsize)) != 0)
		return error;
	if (!zeroed)
		error = e2_zero(w->w_devvp, it * g->g_bsize,
		    (uint64_t)g->g_itblocks * g->g_bsize, zeros);
	if (G_GDTCSUM(g))
		gd->bg_checksum = e2le16(ext2fs_gd_csum(w->w_cm, n, gd));
	return error;
}

/*
 * The directories' blocks and inodes 1 to 11 (at the start of group 0's
 * inode table, gd0).
 */
static int
root_write(const struct e2geom *g, const struct e2lay *l,
    const struct e2wr *w, const struct ext2_gd *gd0,
    const struct ktimespec *now)
{
	uint64_t it = ((uint64_t)e2le32(gd0->bg_inode_table_hi) << 32 |
	    e2le32(gd0->bg_inode_table_lo)) * g->g_bsize;
	size_t itlen = roundup(NF_FIRSTINO * NF_ISIZE, g->g_bsize);
	uint32_t off, csumend = G_CSUM(g) ? EXT2_DIRTAIL_SIZE : 0, ino;
	uint8_t *blk = w->w_blk, *inos;
	struct ext2_dinode di;
	int error;

	memset(blk, 0, g->g_bsize);
	off = dirent_put(g, blk, 0, EXT2_ROOTINO, ".", 12);
	off = dirent_put(g, blk, off, EXT2_ROOTINO, "..", 12);
	(void)dirent_put(g, blk, off, NF_LPFINO, "lost+found",
	    (uint16_t)(g->g_bsize - 24 - csumend));
	dirtail_put(g, w->w_cm, blk, EXT2_ROOTINO);
	if ((error = e2_write(w->w_devvp, l->l_rootblk * g->g_bsize, blk,
	    g->g_bsize)) != 0)
		return error;
	memset(blk, 0, g->g_bsize);
	off = dirent_put(g, blk, 0, NF_LPFINO, ".", 12);
	(void)dirent_put(g, blk, off, EXT2_ROOTINO, "..",
	    (uint16_t)(g->g_bsize - 12 - csumend));
	dirtail_put(g, w->w_cm, blk, NF_LPFINO);
	if ((error = e2_write(w->w_devvp, l->l_lpfblk * g->g_bsize, blk,
	    g->g_bsize)) != 0)
		return error;

	if ((inos = kmem_zalloc(itlen)) == NULL)
		return ENOMEM;
	dir_inode(g, &di, 040755, 3, l->l_rootblk, now);
	memcpy(inos + (EXT2_ROOTINO - 1) * NF_ISIZE, &di, sizeof(di));
	dir_inode(g, &di, 040700, 2, l->l_lpfblk, now);
	memcpy(inos + (NF_LPFINO - 1) * NF_ISIZE, &di, sizeof(di));
	if (g->g_jblocks != 0) {
		new_inode(&di, 0100600, 1, g->g_jblocks * g->g_bsize,
		    g->g_jblocks + l->l_jmeta, g->g_bsize, now);
		if (G_EXTENTS(g))
			di.i_flags = e2le32(EXT4_EXTENTS_FL);
		memcpy(di.i_block, l->l_jblock, sizeof(di.i_block));
		memcpy(inos + (EXT2_JOURNALINO - 1) * NF_ISIZE, &di,
		    sizeof(di));
	}
	/* Every inode here carries its checksum, the empty ones too. */
	if (G_CSUM(g))
		for (ino = 1; ino <= NF_FIRSTINO; ino++)
			ext2fs_inode_csum_set(w->w_cm, ino, inos +
			    (ino - 1) * NF_ISIZE);
	error = e2_write(w->w_devvp, it, inos, itlen);
	kmem_free(inos, itlen);
	return error;
}

int
ext2fs_newfs(struct vnode *devvp, struct newfs_args *na)
{
	struct knewfs *kn = na->na_kn;
	struct ext2_sb *sb;
	struct ext2_gd *gds;
	struct ktimespec now;
	struct e2geom g;
	struct e2lay l, lw;
	struct e2wr w;
	uint8_t *zeros, *gdt;
	uint64_t freeinos, start, off;
	uint32_t n, i, seed[4];
	char feats[200];
	int error = 0;

	if (kn->kn_ent != NULL && kn->kn_size == 0) {
		if ((error = ext2fs_fit(kn)) != 0)
			return error;
		if (devvp == NULL && kn->kn_print == NULL)
			return 0;	/* only the size was asked for */
	}
	if ((error = e2geom(kn, kn->kn_ent != NULL ? fit_inodes(kn) : 0,
	    false, &g)) != 0)
		return error;
	if ((error = e2_layout(&g, &l, NULL, NULL)) != 0) {
		lay_free(&g, &l);
		if (error == ENOMEM)
			return error;
		kprintf("newfs: %s for a journal of %llu blocks\n",
		    error == ENOSPC ? "no room" : "too many pieces",
		    (unsigned long long)g.g_jblocks);
		return EINVAL;
	}
	kn->kn_fssize = g.g_blocks * g.g_bsize;
	kn->kn_files = (uint64_t)g.g_ipg * g.g_ngroups - NF_FIRSTINO;
	kn->kn_avail = l.l_free * g.g_bsize;
	newfs_print(na, "%.2f MiB (%llu blocks of %u bytes) %s, %u groups",
	    (double)kn->kn_fssize / (1024 * 1024),
	    (unsigned long long)g.g_blocks, g.g_bsize, g.g_type,
	    g.g_ngroups);
	newfs_print(na, "%u inodes per group, %u blocks of inode table",
	    g.g_ipg, g.g_itblocks);
	if (g.g_nojournal)
		newfs_print(na, "no journal: %llu blocks are too few (%u at "
		    "least)", (unsigned long long)g.g_blocks, NF_JFSMIN);
	if (g.g_jblocks != 0)
		newfs_print(na, "journal of %llu blocks (%.2f MiB)",
		    (unsigned long long)g.g_jblocks,
		    (double)(g.g_jblocks * g.g_bsize) / (1024 * 1024));
	feat_list(&g, feats, sizeof(feats));
	newfs_print(na, "features: %s", feats);
	if (devvp == NULL) {
		lay_free(&g, &l);
		return 0;
	}

	vfs_timestamp(&now);
	if (kclock_reproducible()) {
		seed[0] = (uint32_t)g.g_blocks * 2654435761u;
		seed[1] = g.g_ipg * 40503u ^ g.g_bsize;
		seed[2] = (uint32_t)now.tv_sec;
		seed[3] = g.g_ngroups * 2246822519u ^ g.g_minfree;
	} else {
		for (i = 0; i < 4; i++)
			seed[i] = karc4random();
	}

	memset(&w, 0, sizeof(w));
	w.w_devvp = devvp;
	w.w_blk = kmem_zalloc(g.g_bsize);
	for (i = 0; i < 3; i++)
		w.w_ind[i] = kmem_zalloc(g.g_bsize);
	zeros = kmem_zalloc(NF_CHUNK);
	gdt = kmem_zalloc((size_t)g.g_gdtblocks * g.g_bsize);
	gds = kmem_zalloc((size_t)g.g_ngroups * sizeof(*gds));
	sb = kmem_zalloc(sizeof(*sb));
	if (w.w_blk == NULL || w.w_ind[0] == NULL || w.w_ind[1] == NULL ||
	    w.w_ind[2] == NULL || zeros == NULL || gdt == NULL ||
	    gds == NULL || sb == NULL) {
		error = ENOMEM;
		goto out;
	}
	freeinos = (uint64_t)g.g_ipg * g.g_ngroups - NF_FIRSTINO;
	sb_fill(&g, &l, sb, &now, seed, freeinos);
	if ((w.w_cm = csum_mount(&g, sb)) == NULL) {
		error = ENOMEM;
		goto out;
	}

	/* The descriptors and bitmaps, then the copies of both. */
	for (n = 0; error == 0 && n < g.g_ngroups; n++) {
		error = group_write(&g, &l, &w, n, &gds[n], na->na_zeroed,
		    zeros);
		memcpy(gdt + (size_t)n * g.g_descsize, &gds[n], g.g_descsize);
	}
	for (n = 0; error == 0 && n < g.g_ngroups; n++) {
		if (!has_super(&g, n))
			continue;
		start = grp_start(&g, n);
		if (!na->na_zeroed)
			error = e2_zero(devvp, start * g.g_bsize, g.g_bsize,
			    zeros);
		sb->s_block_group_nr = e2le16((uint16_t)n);
		if (G_CSUM(&g))
			sb->s_checksum = e2le32(ext2fs_sb_csum(sb));
		off = n == 0 ? EXT2_SBOFF : start * g.g_bsize;
		if (error == 0)
			error = e2_write(devvp, off, sb, sizeof(*sb));
		if (error == 0)
			error = e2_write(devvp, (start + 1) * g.g_bsize, gdt,
			    (size_t)g.g_gdtblocks * g.g_bsize);
	}

	/* The journal's blocks cleared, then written as laid out. */
	for (n = 0; error == 0 && !na->na_zeroed && n < g.g_ngroups; n++)
		if (l.l_used[n] > l.l_pre[n])
			error = e2_zero(devvp, (grp_start(&g, n) +
			    l.l_pre[n]) * g.g_bsize, (uint64_t)(l.l_used[n] -
			    l.l_pre[n]) * g.g_bsize, zeros);
	if (error == 0) {
		error = e2_layout(&g, &lw, &w, sb->s_uuid);
		if (error == 0 && (lw.l_free != l.l_free ||
		    memcmp(lw.l_jblock, l.l_jblock, sizeof(l.l_jblock)) != 0))
			error = EIO;	/* cannot happen: the same steps */
		lay_free(&g, &lw);
	}
	if (error == 0)
		error = root_write(&g, &l, &w, &gds[0], &now);

out:
	if (w.w_cm != NULL)
		kmem_free(w.w_cm, sizeof(*w.w_cm));
	if (sb != NULL)
		kmem_free(sb, sizeof(*sb));
	if (gds != NULL)
		kmem_free(gds, (size_t)g.g_ngroups * sizeof(*gds));
	if (gdt != NULL)
		kmem_free(gdt, (size_t)g.g_gdtblocks * g.g_bsize);
	if (zeros != NULL)
		kmem_free(zeros, NF_CHUNK);
	for (i = 0; i < 3; i++)
		if (w.w_ind[i] != NULL)
			kmem_free(w.w_ind[i], g.g_bsize);
	if (w.w_blk != NULL)
		kmem_free(w.w_blk, g.g_bsize);
	lay_free(&g, &l);
	return error;
}
