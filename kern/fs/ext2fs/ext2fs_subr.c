/*
 * ext2fs_subr.c: pure helpers of the ext2fs driver: checking a
 * superblock and deriving the geometry from it, feature names, where the
 * superblock copies and group descriptors live, the htree name hashes,
 * and generation numbers.  Nothing here does I/O.
 *
 * Superblock checks.  Every value the driver computes with is checked
 * before first use, in 64-bit arithmetic, so that no later shift,
 * division, multiplication or array index can go wrong on a hostile
 * image: the block size and its shift, the group geometry against the
 * block and inode counts and the device size, the inode size, the
 * descriptor size and table, the first inode, and (with metadata_csum)
 * the superblock's own checksum.  Features are judged by the caller.
 */
#include "../../sys/param.h"
#include "../../sys/systm.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_dir.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

#define SB_BAD(...) do {						\
	snprintf(why, whylen, __VA_ARGS__);				\
	return EFTYPE;							\
} while (/* CONSTCOND */ 0)

static bool
ispow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* Block size, revision, inode size, first inode. */
static int
sb_check_basic(const struct ext2_sb *sb, struct e2mount *ump, char *why,
    size_t whylen)
{
	uint32_t rev = e2le32(sb->s_rev_level), lbs, isize;

	if (rev > 1)
		SB_BAD("unknown revision %u", rev);
	lbs = e2le32(sb->s_log_block_size);
	if (lbs > EXT2_MAXBSHIFT - EXT2_MINBSHIFT)
		SB_BAD("block size 1024 << %u is larger than 64 KiB", lbs);
	ump->em_bshift = EXT2_MINBSHIFT + (int)lbs;
	ump->em_bsize = 1u << ump->em_bshift;
	ump->em_fsbtodb = ump->em_bshift - DEV_BSHIFT;
	ump->em_nindir = ump->em_bsize / 4;
	ump->em_compat = rev == 0 ? 0 : e2le32(sb->s_feature_compat);
	ump->em_incompat = rev == 0 ? 0 : e2le32(sb->s_feature_incompat);
	ump->em_rocompat = rev == 0 ? 0 : e2le32(sb->s_feature_ro_compat);
	if (rev == 0) {
		ump->em_isize = EXT2_GOOD_OLD_ISIZE;
		ump->em_firstino = EXT2_GOOD_OLD_FIRST_INO;
		return 0;
	}
	isize = e2le16(sb->s_inode_size);
	if (isize < EXT2_GOOD_OLD_ISIZE || isize > ump->em_bsize ||
	    !ispow2(isize))
		SB_BAD("inode size %u is not a power of two in 128..%u",
		    isize, ump->em_bsize);
	ump->em_isize = isize;
	ump->em_firstino = e2le32(sb->s_first_ino);
	if (ump->em_firstino < EXT2_GOOD_OLD_FIRST_INO)
		SB_BAD("first inode %u is below %u", ump->em_firstino,
		    EXT2_GOOD_OLD_FIRST_INO);
	return 0;
}

/* Block, group and inode counts against each other and the device. */
static int
sb_check_groups(const struct ext2_sb *sb, struct e2mount *ump,
    uint64_t devsize, char *why, size_t whylen)
{
	uint64_t nblocks, ngroups, ninodes, bpg, cpg, ipg, first;
	uint32_t lcs;

	nblocks = e2le32(sb->s_blocks_count_lo);
	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_64BIT))
		nblocks |= (uint64_t)e2le32(sb->s_blocks_count_hi) << 32;
	first = e2le32(sb->s_first_data_block);
	bpg = e2le32(sb->s_blocks_per_group);
	ipg = e2le32(sb->s_inodes_per_group);
	ump->em_clshift = 0;
	if (E2HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_BIGALLOC)) {
		lcs = e2le32(sb->s_log_cluster_size);
		if (lcs < e2le32(sb->s_log_block_size) ||
		    lcs > EXT2_MAXBSHIFT - EXT2_MINBSHIFT + 16)
			SB_BAD("bad cluster size 1024 << %u", lcs);
		ump->em_clshift = lcs - e2le32(sb->s_log_block_size);
		cpg = e2le32(sb->s_clusters_per_group);
		if (cpg == 0 || cpg > 8ull * ump->em_bsize ||
		    cpg << ump->em_clshift != bpg)
			SB_BAD("bad clusters per group %llu",
			    (unsigned long long)cpg);
	}
	if (first != (ump->em_bsize == 1024 && ump->em_clshift == 0 ? 1 : 0))
		SB_BAD("first data block %llu does not suit %u-byte blocks",
		    (unsigned long long)first, ump->em_bsize);
	if (bpg < 8 || (ump->em_clshift == 0 && bpg > 8ull * ump->em_bsize) ||
	    bpg % 8 != 0)
		SB_BAD("bad blocks per group %llu", (unsigned long long)bpg);
	if (ipg < 1 || ipg > 8ull * ump->em_bsize)
		SB_BAD("bad inodes per group %llu", (unsigned long long)ipg);
	if (nblocks <= first + 1 || nblocks > (UINT64_MAX >> 1) >>
	    ump->em_bshift)
		SB_BAD("bad block count %llu", (unsigned long long)nblocks);
	if (devsize != 0 && nblocks << ump->em_bshift > devsize)
		SB_BAD("file system of %llu bytes is larger than the device "
		    "(%llu bytes; truncated image?)",
		    (unsigned long long)(nblocks << ump->em_bshift),
		    (unsigned long long)devsize);
	ngroups = howmany(nblocks - first, bpg);
	ninodes = ngroups * ipg;
	if (ngroups > UINT32_MAX || ninodes > UINT32_MAX)
		SB_BAD("%llu groups of %llu inodes overflow inode numbers",
		    (unsigned long long)ngroups, (unsigned long long)ipg);
	if (e2le32(sb->s_inodes_count) != ninodes)
		SB_BAD("inode count %u is not %llu groups of %llu",
		    e2le32(sb->s_inodes_count), (unsigned long long)ngroups,
		    (unsigned long long)ipg);
	if (ump->em_firstino >= ninodes)
		SB_BAD("first inode %u beyond the %llu inodes",
		    ump->em_firstino, (unsigned long long)ninodes);
	ump->em_nblocks = nblocks;
	ump->em_firstdata = (uint32_t)first;
	ump->em_bpg = (uint32_t)bpg;
	ump->em_ipg = (uint32_t)ipg;
	ump->em_ngroups = (uint32_t)ngroups;
	ump->em_ninodes = (uint32_t)ninodes;
	ump->em_ipb = ump->em_bsize / ump->em_isize;
	ump->em_itblocks = (uint32_t)howmany(ipg, ump->em_ipb);
	if (ump->em_itblocks >= bpg && ump->em_clshift == 0 &&
	    !E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_FLEX_BG))
		SB_BAD("inode table of %u blocks fills a group of %llu",
		    ump->em_itblocks, (unsigned long long)bpg);
	return 0;
}

/* Group descriptor size and table. */
static int
sb_check_gdt(const struct ext2_sb *sb, struct e2mount *ump, char *why,
    size_t whylen)
{
	uint64_t gdtblocks, rsv;
	uint32_t ds = EXT2_GD_MINSIZE;

	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_64BIT)) {
		ds = e2le16(sb->s_desc_size);
		if (ds < EXT2_GD_MINSIZE64 || ds > EXT2_GD_MAXSIZE ||
		    !ispow2(ds) || ds > ump->em_bsize)
			SB_BAD("bad group descriptor size %u", ds);
	}
	ump->em_descsize = ds;
	ump->em_descperblk = ump->em_bsize / ds;
	gdtblocks = howmany((uint64_t)ump->em_ngroups, ump->em_descperblk);
	ump->em_gdtblocks = (uint32_t)gdtblocks;
	rsv = E2HAS_COMPAT(ump, EXT2F_COMPAT_RESIZE_INODE) ?
	    e2le16(sb->s_reserved_gdt_blocks) : 0;
	if (rsv > ump->em_nindir)
		SB_BAD("%llu reserved descriptor blocks",
		    (unsigned long long)rsv);
	if (E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_META_BG)) {
		if (e2le32(sb->s_first_meta_bg) > gdtblocks)
			SB_BAD("first meta group %u beyond the %llu "
			    "descriptor blocks", e2le32(sb->s_first_meta_bg),
			    (unsigned long long)gdtblocks);
		return 0;
	}
	if (ump->em_firstdata + 1 + gdtblocks + rsv > ump->em_nblocks ||
	    1 + gdtblocks + rsv > ump->em_bpg)
		SB_BAD("%llu descriptor blocks do not fit in group 0",
		    (unsigned long long)gdtblocks);
	return 0;
}

/* Hash, checksum and inode format details. */
static int
sb_check_format(const struct ext2_sb *sb, struct e2mount *ump, char *why,
    size_t whylen)
{
	uint16_t want;
	int i;

	if (E2HAS_CSUM(ump)) {
		if (sb->s_checksum_type != EXT2_CRC32C_CHKSUM)
			SB_BAD("unknown checksum type %u", sb->s_checksum_type);
		if (e2le32(sb->s_checksum) != ext2fs_sb_csum(sb))
			SB_BAD("bad superblock checksum");
		ump->em_csumseed = ext2fs_csum_seed(sb);
	}
	for (i = 0; i < 4; i++)
		ump->em_hashseed[i] = e2le32(sb->s_hash_seed[i]);
	ump->em_defhash = sb->s_def_hash_version;
	ump->em_hashunsigned = (e2le32(sb->s_flags) &
	    EXT2_FLAGS_UNSIGNED_HASH) != 0;
	ump->em_hurd = e2le32(sb->s_creator_os) == EXT2_OS_HURD;
	/* Room in new large inodes for the ext4 fields this driver writes. */
	want = EXT2_EXTRA_ISIZE_DEF;
	if (E2HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_EXTRA_ISIZE)) {
		want = MAX(want, e2le16(sb->s_want_extra_isize));
		want = MAX(want, e2le16(sb->s_min_extra_isize));
	}
	if (ump->em_isize > EXT2_GOOD_OLD_ISIZE)
		ump->em_extra_isize = (uint16_t)MIN(want & ~3u,
		    ump->em_isize - EXT2_GOOD_OLD_ISIZE);
	return 0;
}

/*
 * Largest files the two block maps address and i_blocks can count (in
 * 512-byte units, 48 bits with huge_file; the margin leaves room for the
 * map's own blocks).
 */
static void
sb_maxsizes(struct e2mount *ump)
{
	uint64_t n = ump->em_nindir, blocks, limit;

	if (E2HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_HUGE_FILE))
		limit = ((1ull << 48) - 1) >> ump->em_fsbtodb;
	else
		limit = (uint64_t)UINT32_MAX >> ump->em_fsbtodb;
	limit -= (limit >> 8) + 4;
	blocks = EXT2_NDADDR + n + n * n + n * n * n;
	blocks = MIN(MIN(blocks, (uint64_t)UINT32_MAX), limit);
	ump->em_maxmapsize = blocks << ump->em_bshift;
	blocks = MIN((uint64_t)UINT32_MAX, limit);
	ump->em_maxextsize = blocks << ump->em_bshift;
}

/*
 * Check the superblock sb (as on disk) for a device of devsize bytes (0:
 * unknown) and fill ump's geometry from it.  Returns 0, or EFTYPE with
 * the first problem described in why.
 */
int
ext2fs_sb_validate(const struct ext2_sb *sb, uint64_t devsize,
    struct e2mount *ump, char *why, size_t whylen)
{
	int error;

	if (e2le16(sb->s_magic) != EXT2_MAGIC)
		SB_BAD("bad magic number %#x", e2le16(sb->s_magic));
	if ((error = sb_check_basic(sb, ump, why, whylen)) != 0 ||
	    (error = sb_check_groups(sb, ump, devsize, why, whylen)) != 0 ||
	    (error = sb_check_gdt(sb, ump, why, whylen)) != 0 ||
	    (error = sb_check_format(sb, ump, why, whylen)) != 0)
		return error;
	sb_maxsizes(ump);
	return 0;
}

#undef SB_BAD

/* Feature names, for messages. */
struct featname {
	uint32_t	fn_bit;
	const char	*fn_name;
};

static const struct featname incompat_names[] = {
	{ EXT2F_INCOMPAT_COMPRESSION,	"compression" },
	{ EXT2F_INCOMPAT_FILETYPE,	"filetype" },
	{ EXT2F_INCOMPAT_RECOVER,	"needs_recovery" },
	{ EXT2F_INCOMPAT_JOURNAL_DEV,	"journal_dev" },
	{ EXT2F_INCOMPAT_META_BG,	"meta_bg" },
	{ EXT2F_INCOMPAT_EXTENTS,	"extent" },
	{ EXT2F_INCOMPAT_64BIT,		"64bit" },
	{ EXT2F_INCOMPAT_MMP,		"mmp" },
	{ EXT2F_INCOMPAT_FLEX_BG,	"flex_bg" },
	{ EXT2F_INCOMPAT_EA_INODE,	"ea_inode" },
	{ EXT2F_INCOMPAT_DIRDATA,	"dirdata" },
	{ EXT2F_INCOMPAT_CSUM_SEED,	"metadata_csum_seed" },
	{ EXT2F_INCOMPAT_LARGEDIR,	"large_dir" },
	{ EXT2F_INCOMPAT_INLINE_DATA,	"inline_data" },
	{ EXT2F_INCOMPAT_ENCRYPT,	"encrypt" },
	{ EXT2F_INCOMPAT_CASEFOLD,	"casefold" },
	{ 0, NULL }
};

static const struct featname rocompat_names[] = {
	{ EXT2F_ROCOMPAT_SPARSE_SUPER,	"sparse_super" },
	{ EXT2F_ROCOMPAT_LARGE_FILE,	"large_file" },
	{ EXT2F_ROCOMPAT_BTREE_DIR,	"btree_dir" },
	{ EXT2F_ROCOMPAT_HUGE_FILE,	"huge_file" },
	{ EXT2F_ROCOMPAT_GDT_CSUM,	"uninit_bg" },
	{ EXT2F_ROCOMPAT_DIR_NLINK,	"dir_nlink" },
	{ EXT2F_ROCOMPAT_EXTRA_ISIZE,	"extra_isize" },
	{ EXT2F_ROCOMPAT_HAS_SNAPSHOT,	"snapshot" },
	{ EXT2F_ROCOMPAT_QUOTA,		"quota" },
	{ EXT2F_ROCOMPAT_BIGALLOC,	"bigalloc" },
	{ EXT2F_ROCOMPAT_METADATA_CSUM,	"metadata_csum" },
	{ EXT2F_ROCOMPAT_REPLICA,	"replica" },
	{ EXT2F_ROCOMPAT_READONLY,	"read-only" },
	{ EXT2F_ROCOMPAT_PROJECT,	"project" },
	{ EXT2F_ROCOMPAT_SHARED_BLOCKS,	"shared_blocks" },
	{ EXT2F_ROCOMPAT_VERITY,	"verity" },
	{ EXT2F_ROCOMPAT_ORPHAN_PRESENT, "orphan_present" },
	{ 0, NULL }
};

/*
 * Write the names of the feature bits in mask (incompat or ro_compat
 * set) into buf, comma separated; unknown bits as FEATURE_I<n> or
 * FEATURE_R<n> as e2fsprogs shows them.
 */
void
ext2fs_featnames(bool incompat, uint32_t mask, char *buf, size_t len)
{
	const struct featname *fn = incompat ? incompat_names : rocompat_names;
	size_t off = 0;
	int bit, i, n;

	buf[0] = '\0';
	for (bit = 0; bit < 32 && off < len; bit++) {
		if ((mask & (1u << bit)) == 0)
			continue;
		for (i = 0; fn[i].fn_name != NULL; i++)
			if (fn[i].fn_bit == (1u << bit))
				break;
		if (fn[i].fn_name != NULL)
			n = snprintf(buf + off, len - off, "%s%s",
			    off > 0 ? ", " : "", fn[i].fn_name);
		else
			n = snprintf(buf + off, len - off, "%sFEATURE_%c%d",
			    off > 0 ? ", " : "", incompat ? 'I' : 'R', bit);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/* Is n a power of b (n > 0)? */
static bool
ispowerof(uint32_t n, uint32_t b)
{
	while (n > 1 && n % b == 0)
		n /= b;
	return n == 1;
}

/* Does group g hold a copy of the superblock (and descriptors)? */
bool
ext2fs_bg_has_super(const struct e2mount *ump, uint32_t g)
{
	if (g == 0)
		return true;
	if (E2HAS_COMPAT(ump, EXT2F_COMPAT_SPARSE_SUPER2))
		return g == e2le32(ump->em_sb.s_backup_bgs[0]) ||
		    g == e2le32(ump->em_sb.s_backup_bgs[1]);
	if (!E2HAS_ROCOMPAT(ump, EXT2F_ROCOMPAT_SPARSE_SUPER))
		return true;
	return g == 1 || ispowerof(g, 3) || ispowerof(g, 5) ||
	    ispowerof(g, 7);
}

/* First block of group g. */
uint64_t
ext2fs_group_first(const struct e2mount *ump, uint32_t g)
{
	return ump->em_firstdata + (uint64_t)g * ump->em_bpg;
}

/* Blocks in group g (the last one may be short). */
uint32_t
ext2fs_group_nblocks(const struct e2mount *ump, uint32_t g)
{
	uint64_t first = ext2fs_group_first(ump, g);

	return (uint32_t)MIN((uint64_t)ump->em_bpg, ump->em_nblocks - first);
}

/* Block holding group descriptor block number i (of em_gdtblocks). */
uint64_t
ext2fs_gdt_block(const struct e2mount *ump, uint32_t i)
{
	uint64_t g;
	uint32_t first = e2le32(ump->em_sb.s_first_meta_bg);

	if (!E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_META_BG) || i < first)
		return ump->em_firstdata + 1 + (uint64_t)i;
	g = (uint64_t)i * ump->em_descperblk;
	return ext2fs_group_first(ump, (uint32_t)g) +
	    (ext2fs_bg_has_super(ump, (uint32_t)g) ? 1 : 0) +
	    (g == 0 && ump->em_firstdata == 0 && ump->em_bsize == 1024 ? 1 :
	    0);
}

/*
 * Blocks at the start of group g taken by the superblock copy, the
 * descriptors and the reserved descriptor blocks (none without a copy).
 */
uint32_t
ext2fs_group_overhead(const struct e2mount *ump, uint32_t g)
{
	uint32_t n = 0, dpb = ump->em_descperblk;
	uint32_t firstmeta = e2le32(ump->em_sb.s_first_meta_bg);
	bool metabg = E2HAS_INCOMPAT(ump, EXT2F_INCOMPAT_META_BG);

	if (ext2fs_bg_has_super(ump, g)) {
		n = 1;
		if (metabg)
			n += firstmeta;
		else
			n += ump->em_gdtblocks + (E2HAS_COMPAT(ump,
			    EXT2F_COMPAT_RESIZE_INODE) ?
			    e2le16(ump->em_sb.s_reserved_gdt_blocks) : 0);
	}
	/* meta_bg: one descriptor block in the first, second and last. */
	if (metabg && g / dpb >= firstmeta && (g % dpb == 0 ||
	    g % dpb == 1 || g % dpb == dpb - 1))
		n++;
	if (g == 0 && ump->em_firstdata == 0 && ump->em_bsize == 1024)
		n++;	/* bigalloc with 1 KiB blocks: the boot block */
	return n;
}

/*
 * Htree name hashes.  Each algorithm folds the name into 32-bit words
 * (str2words), widening each byte signed or unsigned, then mixes them
 * into a four-word state that starts as the seed (or the MD4 initial
 * state when the seed is zero).  The major hash has bit 0 cleared (that
 * bit marks collision continuations in the index).
 */

#define HASH_ROL(x, n)	(((x) << (n)) | ((x) >> (32 - (n))))

static int
hashbyte(const char *name, size_t i, bool usigned)
{
	return usigned ? (int)(uint8_t)name[i] : (int)(int8_t)name[i];
}

/* Fold up to 4 * nwords bytes of name into words, padded with the length. */
static void
str2words(const char *name, size_t len, uint32_t *words, int nwords,
    bool usigned)
{
	uint32_t pad, val;
	size_t i;
	int n = nwords;

	pad = (uint32_t)len | ((uint32_t)len << 8);
	pad |= pad << 16;
	val = pad;
	if (len > (size_t)nwords * 4)
		len = (size_t)nwords * 4;
	for (i = 0; i < len; i++) {
		val = (uint32_t)hashbyte(name, i, usigned) + (val << 8);
		if (i % 4 == 3) {
			*words++ = val;
			val = pad;
			n--;
		}
	}
	if (--n >= 0)
		*words++ = val;
	while (--n >= 0)
		*words++ = pad;
}

#define MD4_F(x, y, z)	((z) ^ ((x) & ((y) ^ (z))))
#define MD4_G(x, y, z)	(((x) & (y)) + (((x) ^ (y)) & (z)))
#define MD4_H(x, y, z)	((x) ^ (y) ^ (z))
#define MD4_STEP(f, a, b, c, d, x, s) \
	((a) += f(b, c, d) + (x), (a) = HASH_ROL(a, s))

/* Three rounds of MD4 on eight words; only buf[1] and buf[2] are used. */
static void
halfmd4(uint32_t buf[4], const uint32_t in[8])
{
	const uint32_t k2 = 0x5a827999u, k3 = 0x6ed9eba1u;
	uint32_t a = buf[0], b = buf[1], c = buf[2], d = buf[3];

	MD4_STEP(MD4_F, a, b, c, d, in[0], 3);
	MD4_STEP(MD4_F, d, a, b, c, in[1], 7);
	MD4_STEP(MD4_F, c, d, a, b, in[2], 11);
	MD4_STEP(MD4_F, b, c, d, a, in[3], 19);
	MD4_STEP(MD4_F, a, b, c, d, in[4], 3);
	MD4_STEP(MD4_F, d, a, b, c, in[5], 7);
	MD4_STEP(MD4_F, c, d, a, b, in[6], 11);
	MD4_STEP(MD4_F, b, c, d, a, in[7], 19);

	MD4_STEP(MD4_G, a, b, c, d, in[1] + k2, 3);
	MD4_STEP(MD4_G, d, a, b, c, in[3] + k2, 5);
	MD4_STEP(MD4_G, c, d, a, b, in[5] + k2, 9);
	MD4_STEP(MD4_G, b, c, d, a, in[7] + k2, 13);
	MD4_STEP(MD4_G, a, b, c, d, in[0] + k2, 3);
	MD4_STEP(MD4_G, d, a, b, c, in[2] + k2, 5);
	MD4_STEP(MD4_G, c, d, a, b, in[4] + k2, 9);
	MD4_STEP(MD4_G, b, c, d, a, in[6] + k2, 13);

	MD4_STEP(MD4_H, a, b, c, d, in[3] + k3, 3);
	MD4_STEP(MD4_H, d, a, b, c, in[7] + k3, 9);
	MD4_STEP(MD4_H, c, d, a, b, in[2] + k3, 11);
	MD4_STEP(MD4_H, b, c, d, a, in[6] + k3, 15);
	MD4_STEP(MD4_H, a, b, c, d, in[1] + k3, 3);
	MD4_STEP(MD4_H, d, a, b, c, in[5] + k3, 9);
	MD4_STEP(MD4_H, c, d, a, b, in[0] + k3, 11);
	MD4_STEP(MD4_H, b, c, d, a, in[4] + k3, 15);

	buf[0] += a;
	buf[1] += b;
	buf[2] += c;
	buf[3] += d;
}

/* Sixteen rounds of TEA, the name words as the key. */
static void
tea(uint32_t buf[4], const uint32_t in[4])
{
	uint32_t sum = 0, b0 = buf[0], b1 = buf[1];
	int n;

	for (n = 0; n < 16; n++) {
		sum += 0x9e3779b9u;
		b0 += ((b1 << 4) + in[0]) ^ (b1 + sum) ^ ((b1 >> 5) + in[1]);
		b1 += ((b0 << 4) + in[2]) ^ (b0 + sum) ^ ((b0 >> 5) + in[3]);
	}
	buf[0] += b0;
	buf[1] += b1;
}

static uint32_t
legacy_hash(const char *name, size_t len, bool usigned)
{
	uint32_t h, h0 = 0x12a3fe2du, h1 = 0x37abe8f9u;
	size_t i;

	for (i = 0; i < len; i++) {
		h = h1 + (h0 ^ (uint32_t)(hashbyte(name, i, usigned) *
		    7152373));
		if (h & 0x80000000u)
			h -= 0x7fffffffu;
		h1 = h0;
		h0 = h;
	}
	return h0 << 1;
}

/*
 * Hash name (len bytes) with algorithm version (EXT2_HASH_*, the
 * unsigned variants included) and the file system's seed.  Returns
 * EINVAL for an unknown version.
 */
int
ext2fs_dirhash(const struct e2mount *ump, int version, const char *name,
    size_t len, uint32_t *hashp, uint32_t *minorp)
{
	uint32_t buf[4], in[8], hash, minor = 0;
	bool usigned = false;
	size_t off;
	int i;

	buf[0] = 0x67452301u;
	buf[1] = 0xefcdab89u;
	buf[2] = 0x98badcfeu;
	buf[3] = 0x10325476u;
	for (i = 0; i < 4; i++)
		if (ump->em_hashseed[i] != 0)
			break;
	if (i < 4)
		memcpy(buf, ump->em_hashseed, sizeof(buf));
	switch (version) {
	case EXT2_HASH_LEGACY_UNSIGNED:
		usigned = true;
		/* FALLTHROUGH */
	case EXT2_HASH_LEGACY:
		hash = legacy_hash(name, len, usigned);
		break;
	case EXT2_HASH_HALF_MD4_UNSIGNED:
		usigned = true;
		/* FALLTHROUGH */
	case EXT2_HASH_HALF_MD4:
		for (off = 0; off == 0 || off < len; off += 32) {
			str2words(name + off, len - MIN(off, len), in, 8,
			    usigned);
			halfmd4(buf, in);
			if (len <= off + 32)
				break;
		}
		hash = buf[1];
		minor = buf[2];
		break;
	case EXT2_HASH_TEA_UNSIGNED:
		usigned = true;
		/* FALLTHROUGH */
	case EXT2_HASH_TEA:
		for (off = 0; off == 0 || off < len; off += 16) {
			str2words(name + off, len - MIN(off, len), in, 4,
			    usigned);
			tea(buf, in);
			if (len <= off + 16)
				break;
		}
		hash = buf[0];
		minor = buf[1];
		break;
	default:
		return EINVAL;
	}
	hash &= ~1u;
	if (hash == (0x7fffffffu << 1))
		hash = (0x7fffffffu - 1) << 1;
	*hashp = hash;
	if (minorp != NULL)
		*minorp = minor;
	return 0;
}

/*
 * Generation number for a new use of inode ino whose old one was old:
 * random, or, when reproducible output is wanted (SOURCE_DATE_EPOCH),
 * derived from the inode number and the old value.
 */
uint32_t
ext2fs_newgen(uint64_t ino, uint32_t old)
{
	if (!kclock_reproducible())
		return karc4random();
	return old + (uint32_t)(ino * 2654435761u) + 1;
}
