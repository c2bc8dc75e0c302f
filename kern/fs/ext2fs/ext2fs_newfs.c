/*
 * ext2fs_newfs.c: making a new, empty ext2 file system on a device (the
 * vfs_newfs operation, used by fsu_newfs -t ext2fs).
 *
 * Options (sys/newfs.h), with mke2fs's defaults:
 *
 *	bsize=N		block size, 1024, 2048 or 4096 (1024 below 512 MiB,
 *			else 4096)
 *	density=N	bytes per inode (8192 below 3 MiB, 4096 below
 *			512 MiB, else 16384)
 *	inodes=N	at least N inodes (overrides density)
 *	minfree=N	percent of the blocks reserved for root (5)
 *	label=NAME	volume name, up to 16 bytes
 *
 * The file system is revision 1 with the features filetype,
 * sparse_super, large_file and extra_isize, 256-byte inodes (times with
 * nanoseconds), no journal and no checksums: what every ext2, ext3 and
 * ext4 driver mounts.  Layout of each group of 8 * bsize blocks: in the
 * groups sparse_super keeps (0, 1 and the powers of 3, 5 and 7) a copy of
 * the superblock and the group descriptors, then the block bitmap, the
 * inode bitmap and the inode table.  A last group too small to hold its
 * own tables and some data is left out, as mke2fs does.  Inodes 1 to 10
 * are reserved; the root directory is inode 2 and lost+found inode 11,
 * one block each, in group 0 after its inode table.
 *
 * The UUID and the hash seed are random, or with SOURCE_DATE_EPOCH set
 * derived from the parameters, so that the same command makes the same
 * bytes.
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
#include "ext2fs_extern.h"

#define NF_ISIZE	256
#define NF_FIRSTINO	11
#define NF_LPFINO	11
#define NF_CHUNK	(64 * 1024)
#define NF_GDSIZE	32		/* descriptors without 64bit */

static const char *const ext2fs_newfs_opts[] = {
	"bsize", "density", "inodes", "minfree", "label", NULL
};

struct e2geom {
	uint32_t	g_bsize;
	uint64_t	g_blocks;	/* s_blocks_count */
	uint32_t	g_first;	/* s_first_data_block */
	uint32_t	g_bpg;
	uint32_t	g_ngroups;
	uint32_t	g_ipg;
	uint32_t	g_itblocks;	/* inode table blocks per group */
	uint32_t	g_gdtblocks;
	uint32_t	g_minfree;
	char		g_label[16];
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

/* Does group g hold a copy of the superblock (sparse_super)? */
static bool
has_super(uint32_t g)
{
	uint32_t p, n;

	if (g <= 1)
		return true;
	for (p = 3; p <= 7; p += 2) {
		for (n = p; n < g; n *= p)
			;
		if (n == g)
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
	return (has_super(n) ? 1 + g->g_gdtblocks : 0) + 2 + g->g_itblocks;
}

/* Messages of e2geom, unless it is only trying sizes (fit). */
#define E2MSG(...)	do { if (!quiet) kprintf(__VA_ARGS__); } while (0)

static int
e2geom(const struct knewfs *kn, uint64_t fitinodes, bool quiet,
    struct e2geom *g)
{
	const char *opts = kn->kn_opts != NULL ? kn->kn_opts : "";
	uint64_t v, density, inodes = 0, size = kn->kn_size, ipb, last;
	char label_unused[2];
	int error;

	memset(g, 0, sizeof(*g));
	if ((error = vfs_checkopts(opts, ext2fs_newfs_opts)) != 0) {
		E2MSG("newfs: ext2fs takes the options bsize, density "
		    "(-i), inodes (-n), minfree (-m) and label (-L)\n");
		return error;
	}
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
	if (g->g_blocks > UINT32_MAX) {
		E2MSG("newfs: ext2 without 64bit has at most 2^32 blocks\n");
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
		    NF_GDSIZE, g->g_bsize);
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
	return 0;
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

/* A directory inode of one block. */
static void
dir_inode(struct ext2_dinode *di, uint16_t mode, uint16_t nlink,
    uint32_t blk, uint32_t bsize, const struct ktimespec *now, uint32_t gen)
{
	memset(di, 0, sizeof(*di));
	di->i_mode = e2le16(mode);
	di->i_size = e2le32(bsize);
	di->i_atime = di->i_ctime = di->i_mtime = di->i_crtime =
	    e2le32((uint32_t)now->tv_sec);
	di->i_atime_extra = di->i_ctime_extra = di->i_mtime_extra =
	    di->i_crtime_extra = e2le32(((uint32_t)now->tv_nsec << 2) |
	    (uint32_t)(((uint64_t)now->tv_sec - INT32_MIN) >> 32 & 3));
	di->i_links_count = e2le16(nlink);
	di->i_blocks = e2le32(bsize / 512);
	di->i_block[0] = e2le32(blk);
	di->i_generation = e2le32(gen);
	di->i_extra_isize = e2le16(EXT2_EXTRA_ISIZE_DEF);
}

/* A directory entry at off of a block; returns the next offset. */
static uint32_t
dirent_put(uint8_t *blk, uint32_t off, uint32_t ino, const char *name,
    uint16_t reclen)
{
	struct ext2_dirent d;
	size_t n = strlen(name);

	d.d_ino = e2le32(ino);
	d.d_reclen = e2le16(reclen);
	d.d_namlen = (uint8_t)n;
	d.d_type = EXT2_FT_DIR;
	memcpy(blk + off, &d, sizeof(d));
	memcpy(blk + off + sizeof(d), name, n);
	return off + reclen;
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

/*
 * Size to fit: the smallest size whose file system holds the entries of
 * kn with the free space and inodes asked for, minfree 0 unless given,
 * in kn->kn_size.  Directories are counted as blocks of entries, each
 * block leaving room for the largest entry unused; files with their
 * indirect blocks; symbolic links of 60 bytes or more as files.
 */
static int
ext2fs_fit(struct knewfs *kn)
{
	const struct knewfs_ent *ke = kn->kn_ent;
	struct e2geom g;
	uint64_t *dirbytes, need, inodes = 0, freeb, want, size, prev = 0;
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
	dirbytes = kmem_zalloc(kn->kn_nent * sizeof(*dirbytes));
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
		uint32_t bs = bsize != 0 ? bsize : tries == 0 ? 1024 : 4096;

		need = 0;
		for (i = 0; i < kn->kn_nent; i++) {
			if (ke[i].ke_flags & KNEWFS_LINK)
				continue;
			if (ke[i].ke_type == DT_DIR)
				need += MAX(1, howmany(dirbytes[i] + 24,
				    bs - EXT2_DIRSIZ(255)));
			else if (ke[i].ke_type == DT_REG ||
			    (ke[i].ke_type == DT_LNK &&
			    ke[i].ke_size >= EXT2_MAXSYMLINKLEN))
				need += file_blocks(ke[i].ke_size, bs);
		}
		need += howmany(kn->kn_freebytes, bs);
		if (bsize != 0 || (need * 1024 < 512 * 1024 * 1024ULL &&
		    tries == 0)) {
			bsize = bs;
			break;
		}
	}
	kmem_free(dirbytes, kn->kn_nent * sizeof(*dirbytes));
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
			freeb = 0;
			for (i = 0; i < g.g_ngroups; i++)
				freeb += grp_blocks(&g, (uint32_t)i) -
				    grp_meta(&g, (uint32_t)i);
			freeb -= 2;		/* / and lost+found */
			want = need + g.g_blocks * (kn->kn_freepct +
			    g.g_minfree) / 100;
			if (freeb >= want && g.g_blocks * bsize == size)
				return 0;
			if (freeb >= want) {
				/* A last group was dropped: grow past it. */
				size += (uint64_t)g.g_bpg * bsize / 8;
				continue;
			}
			size += MAX((want - freeb) * bsize, 8ULL * bsize);
		} else {
			size += 16 * (uint64_t)bsize;
		}
		if (size > (uint64_t)UINT32_MAX * bsize || size < prev)
			break;
		prev = size;
	}
	kn->kn_size = 0;
	return EFBIG;
}

int
ext2fs_newfs(struct vnode *devvp, struct newfs_args *na)
{
	struct knewfs *kn = na->na_kn;
	struct ext2_dinode di;
	struct ext2_sb *sb;
	struct ext2_gd *gds, *gd;
	struct ktimespec now;
	struct e2geom g;
	uint8_t *blk, *zeros, *gdt;
	uint64_t freeblks = 0, freeinos = 0, used, start, off;
	uint32_t n, i, b, rootblk = 0, lpfblk = 0, seed[4];
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
	kn->kn_fssize = g.g_blocks * g.g_bsize;
	kn->kn_files = (uint64_t)g.g_ipg * g.g_ngroups - NF_FIRSTINO;
	newfs_print(na, "%.2f MiB (%llu blocks of %u bytes) ext2, %u groups",
	    (double)kn->kn_fssize / (1024 * 1024),
	    (unsigned long long)g.g_blocks, g.g_bsize, g.g_ngroups);
	newfs_print(na, "%u inodes per group, %u blocks of inode table",
	    g.g_ipg, g.g_itblocks);
	for (n = 0; n < g.g_ngroups; n++)
		freeblks += grp_blocks(&g, n) - grp_meta(&g, n);
	kn->kn_avail = (freeblks - 2) * g.g_bsize;
	if (devvp == NULL)
		return 0;
	freeblks = 0;

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

	blk = kmem_zalloc(g.g_bsize);
	zeros = kmem_zalloc(NF_CHUNK);
	gdt = kmem_zalloc((size_t)g.g_gdtblocks * g.g_bsize);
	gds = kmem_zalloc((size_t)g.g_ngroups * sizeof(*gds));
	sb = kmem_zalloc(sizeof(*sb));

	/* The descriptors, and what each group has free. */
	for (n = 0; n < g.g_ngroups; n++) {
		gd = &gds[n];
		start = grp_start(&g, n);
		off = start + (has_super(n) ? 1 + g.g_gdtblocks : 0);
		gd->bg_block_bitmap_lo = e2le32((uint32_t)off);
		gd->bg_inode_bitmap_lo = e2le32((uint32_t)off + 1);
		gd->bg_inode_table_lo = e2le32((uint32_t)off + 2);
		used = grp_meta(&g, n);
		if (n == 0) {
			rootblk = (uint32_t)(start + used);
			lpfblk = rootblk + 1;
			used += 2;
		}
		gd->bg_free_blocks_count_lo = e2le16((uint16_t)(grp_blocks(&g,
		    n) - used));
		gd->bg_free_inodes_count_lo = e2le16((uint16_t)(g.g_ipg -
		    (n == 0 ? NF_FIRSTINO : 0)));
		gd->bg_used_dirs_count_lo = e2le16(n == 0 ? 2 : 0);
		freeblks += grp_blocks(&g, n) - used;
		freeinos += g.g_ipg - (n == 0 ? NF_FIRSTINO : 0);
		memcpy(gdt + (size_t)n * NF_GDSIZE, gd, NF_GDSIZE);
	}

	/* The superblock. */
	sb->s_inodes_count = e2le32(g.g_ipg * g.g_ngroups);
	sb->s_blocks_count_lo = e2le32((uint32_t)g.g_blocks);
	sb->s_r_blocks_count_lo = e2le32((uint32_t)(g.g_blocks *
	    g.g_minfree / 100));
	sb->s_free_blocks_count_lo = e2le32((uint32_t)freeblks);
	sb->s_free_inodes_count = e2le32((uint32_t)freeinos);
	sb->s_first_data_block = e2le32(g.g_first);
	sb->s_log_block_size = e2le32(g.g_bsize == 1024 ? 0 :
	    g.g_bsize == 2048 ? 1 : 2);
	sb->s_log_cluster_size = sb->s_log_block_size;
	sb->s_blocks_per_group = e2le32(g.g_bpg);
	sb->s_clusters_per_group = e2le32(g.g_bpg);
	sb->s_inodes_per_group = e2le32(g.g_ipg);
	sb->s_wtime = sb->s_lastcheck = sb->s_mkfs_time =
	    e2le32((uint32_t)now.tv_sec);
	sb->s_max_mnt_count = e2le16(0xffff);
	sb->s_magic = e2le16(EXT2_MAGIC);
	sb->s_state = e2le16(EXT2_VALID_FS);
	sb->s_errors = e2le16(1);		/* continue */
	sb->s_rev_level = e2le32(1);
	sb->s_first_ino = e2le32(NF_FIRSTINO);
	sb->s_inode_size = e2le16(NF_ISIZE);
	sb->s_feature_incompat = e2le32(EXT2F_INCOMPAT_FILETYPE);
	sb->s_feature_ro_compat = e2le32(EXT2F_ROCOMPAT_SPARSE_SUPER |
	    EXT2F_ROCOMPAT_LARGE_FILE | EXT2F_ROCOMPAT_EXTRA_ISIZE);
	for (i = 0; i < 4; i++)
		memcpy(sb->s_uuid + 4 * i, &seed[i], 4);
	sb->s_uuid[6] = (uint8_t)((sb->s_uuid[6] & 0x0f) | 0x40);
	sb->s_uuid[8] = (uint8_t)((sb->s_uuid[8] & 0x3f) | 0x80);
	memcpy(sb->s_volume_name, g.g_label, sizeof(sb->s_volume_name));
	for (i = 0; i < 4; i++)
		sb->s_hash_seed[i] = e2le32(seed[3 - i] ^ 0x9e3779b9u);
	sb->s_min_extra_isize = e2le16(EXT2_EXTRA_ISIZE_DEF);
	sb->s_want_extra_isize = e2le16(EXT2_EXTRA_ISIZE_DEF);

	for (n = 0; error == 0 && n < g.g_ngroups; n++) {
		start = grp_start(&g, n);
		gd = &gds[n];
		/* The copies of the superblock and the descriptors. */
		if (has_super(n)) {
			if (!na->na_zeroed)
				error = e2_zero(devvp, start * g.g_bsize,
				    g.g_bsize, zeros);
			sb->s_block_group_nr = e2le16((uint16_t)n);
			off = n == 0 ? EXT2_SBOFF : start * g.g_bsize;
			if (error == 0)
				error = e2_write(devvp, off, sb, sizeof(*sb));
			if (error == 0)
				error = e2_write(devvp, (start + 1) *
				    g.g_bsize, gdt, (size_t)g.g_gdtblocks *
				    g.g_bsize);
		}
		/* The block bitmap: the group's tables, padding past it. */
		memset(blk, 0, g.g_bsize);
		used = grp_meta(&g, n) + (n == 0 ? 2 : 0);
		for (b = 0; b < used; b++)
			setbit8(blk, b);
		for (b = grp_blocks(&g, n); b < g.g_bpg; b++)
			setbit8(blk, b);
		if (error == 0)
			error = e2_write(devvp, (uint64_t)e2le32(
			    gd->bg_block_bitmap_lo) * g.g_bsize, blk,
			    g.g_bsize);
		/* The inode bitmap: the reserved inodes, padding. */
		memset(blk, 0, g.g_bsize);
		if (n == 0)
			for (i = 0; i < NF_FIRSTINO; i++)
				setbit8(blk, i);
		for (i = g.g_ipg; i < 8 * g.g_bsize; i++)
			setbit8(blk, i);
		if (error == 0)
			error = e2_write(devvp, (uint64_t)e2le32(
			    gd->bg_inode_bitmap_lo) * g.g_bsize, blk,
			    g.g_bsize);
		if (error == 0 && !na->na_zeroed)
			error = e2_zero(devvp, (uint64_t)e2le32(
			    gd->bg_inode_table_lo) * g.g_bsize,
			    (uint64_t)g.g_itblocks * g.g_bsize, zeros);
	}

	/* The root directory and lost+found. */
	if (error == 0) {
		uint64_t it = (uint64_t)e2le32(gds[0].bg_inode_table_lo) *
		    g.g_bsize;

		memset(blk, 0, g.g_bsize);
		off = dirent_put(blk, 0, EXT2_ROOTINO, ".", 12);
		off = dirent_put(blk, (uint32_t)off, EXT2_ROOTINO, "..", 12);
		(void)dirent_put(blk, (uint32_t)off, NF_LPFINO, "lost+found",
		    (uint16_t)(g.g_bsize - 24));
		error = e2_write(devvp, (uint64_t)rootblk * g.g_bsize, blk,
		    g.g_bsize);
		memset(blk, 0, g.g_bsize);
		off = dirent_put(blk, 0, NF_LPFINO, ".", 12);
		(void)dirent_put(blk, (uint32_t)off, EXT2_ROOTINO, "..",
		    (uint16_t)(g.g_bsize - 12));
		if (error == 0)
			error = e2_write(devvp, (uint64_t)lpfblk * g.g_bsize,
			    blk, g.g_bsize);
		/* Inodes 2 and 11, in their 512-byte sectors. */
		memset(blk, 0, 512);
		dir_inode(&di, 040755, 3, rootblk, g.g_bsize, &now, 0);
		memcpy(blk + NF_ISIZE, &di, sizeof(di));	/* inode 2 */
		if (error == 0)
			error = e2_write(devvp, it, blk, 512);
		memset(blk, 0, 512);
		dir_inode(&di, 040700, 2, lpfblk, g.g_bsize, &now, 0);
		memcpy(blk + ((NF_LPFINO - 1) % 2) * NF_ISIZE, &di,
		    sizeof(di));
		if (error == 0)
			error = e2_write(devvp, it + (NF_LPFINO - 1) / 2 *
			    512, blk, 512);
	}
	kmem_free(sb, sizeof(*sb));
	kmem_free(gds, (size_t)g.g_ngroups * sizeof(*gds));
	kmem_free(gdt, (size_t)g.g_gdtblocks * g.g_bsize);
	kmem_free(zeros, NF_CHUNK);
	kmem_free(blk, g.g_bsize);
	return error;
}
