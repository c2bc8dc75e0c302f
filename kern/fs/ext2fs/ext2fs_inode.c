/*
 * ext2fs_inode.c: in-core inodes: loading one from its inode table,
 * writing it back, truncating it, inline data, and releasing its
 * extended attribute block.
 *
 * Inode ino lives in group (ino - 1) / s_inodes_per_group, at index
 * (ino - 1) % s_inodes_per_group of the inode table the group's
 * descriptor points at.  The whole table block is read through the
 * buffer cache, so listing a directory reads each inode block once.
 *
 * Checks on load: the number must name an inode that is not reserved
 * (the root excepted, and reserved ones for the journal); an inode of an
 * uninitialised part of the table, or with no links, is free (ENOENT); with
 * metadata_csum the checksum must match; the mode must be of a known
 * type, the flags must suit the features (extents, inline data), an
 * extent tree root must be sound, and the size must be addressable.
 * Failures are EIO with a console message naming the inode.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "ext2fs.h"
#include "ext2fs_dinode.h"
#include "ext2fs_dir.h"
#include "ext2fs_inode.h"
#include "ext2fs_extern.h"

#define E2_MAXDIRSIZE	0xffffffffULL	/* without largedir */

int
ext2fs_inode_bad(struct e2mount *ump, ino_t ino, const char *what)
{
	kprintf("ext2fs: %s: inode %llu: %s\n", ump->em_devname,
	    (unsigned long long)ino, what);
	return EIO;
}

/* Largest size a file of ip's kind may reach. */
uint64_t
ext2fs_maxfilesize(const struct e2inode *ip)
{
	struct e2mount *ump = ip->i_ump;
	uint64_t max;

	max = e2_isextents(ip) ? ump->em_maxextsize : ump->em_maxmapsize;
	if (e2le32(ump->em_sb.s_rev_level) == 0)
		max = MIN(max, (uint64_t)INT32_MAX);
	return max;
}

/* Is the freshly read inode usable?  0, ENOENT (free) or EIO. */
static int
inode_check(struct e2inode *ip)
{
	struct e2mount *ump = ip->i_ump;
	enum vtype type;
	int error;

	if (ip->i_mode == 0 || ip->i_nlink == 0)
		return ENOENT;
	if (E2HAS_CSUM(ump) && !ext2fs_inode_csum_ok(ump, ip->i_number,
	    ip->i_raw))
		return ext2fs_inode_bad(ump, ip->i_number,
		    "bad inode checksum");
	if (ump->em_isize > EXT2_GOOD_OLD_ISIZE &&
	    (e2le16(E2DIN(ip)->i_extra_isize) > ump->em_isize -
	    EXT2_GOOD_OLD_ISIZE || (e2le16(E2DIN(ip)->i_extra_isize) & 3)))
		return ext2fs_inode_bad(ump, ip->i_number,
		    "bad i_extra_isize");
	type = vtype_from_mode(ip->i_mode);
	if (type == VBAD) {
		kprintf("ext2fs: %s: inode %llu: unknown file type in mode "
		    "%#o\n", ump->em_devname,
		    (unsigned long long)ip->i_number, (unsigned)ip->i_mode);
		return EIO;
	}
	if (e2_isextents(ip) && (!E2HAS_INCOMPAT(ump,
	    EXT2F_INCOMPAT_EXTENTS) || e2_isinline(ip)))
		return ext2fs_inode_bad(ump, ip->i_number,
		    "extent flag without the extent feature");
	if (e2_isinline(ip) && !E2HAS_INCOMPAT(ump,
	    EXT2F_INCOMPAT_INLINE_DATA))
		return ext2fs_inode_bad(ump, ip->i_number,
		    "inline data flag without the inline_data feature");
	if (e2_isextents(ip) && (type == VREG || type == VDIR ||
	    type == VLNK) && (error = ext2fs_ext_check_root(ip)) != 0)
		return error;
	if ((type == VREG || type == VLNK) &&
	    ip->i_size > ext2fs_maxfilesize(ip) && !e2_isinline(ip))
		return ext2fs_inode_bad(ump, ip->i_number,
		    "size beyond what the block map can address");
	if (type == VDIR && ip->i_size > E2_MAXDIRSIZE)
		return ext2fs_inode_bad(ump, ip->i_number,
		    "directory too large");
	if (ip->i_xattrblk != 0 && !ext2fs_blkok(ump, ip->i_xattrblk, 1))
		return ext2fs_inode_bad(ump, ip->i_number,
		    "extended attribute block outside the file system");
	return 0;
}

/*
 * Where inode ino is: the table block and the offset in it.  ENOENT for
 * an inode of an uninitialised part of the table.
 */
int
ext2fs_inode_locate(struct e2mount *ump, ino_t ino, uint64_t *blkp,
    uint32_t *offp)
{
	uint32_t g = (uint32_t)((ino - 1) / ump->em_ipg);
	uint32_t idx = (uint32_t)((ino - 1) % ump->em_ipg);
	struct ext2_gd *gd;
	struct buf *bp;
	int error;

	if ((error = ext2fs_gd_get(ump, g, &bp, &gd)) != 0)
		return error;
	*blkp = ext2fs_gd_itable(ump, gd) + idx / ump->em_ipb;
	*offp = (idx % ump->em_ipb) * ump->em_isize;
	/* An uninitialised part of the table holds no inode. */
	if (E2HAS_GDTCSUM(ump) && ((e2le16(gd->bg_flags) &
	    EXT2_BG_INODE_UNINIT) ||
	    idx >= ump->em_ipg - ext2fs_gd_itable_unused(ump, gd)))
		error = ENOENT;
	ext2fs_gd_put(ump, g, bp, gd, false);
	return error;
}

/*
 * Read inode ino of mount ump into a new in-core inode, returned in *ipp
 * for the caller to attach to a vnode (and free with ext2fs_inode_free).
 * Reserved inodes other than the root are refused unless flags has
 * E2IL_RESERVED.
 */
int
ext2fs_inode_load(struct e2mount *ump, ino_t ino, int flags,
    struct e2inode **ipp)
{
	struct e2inode *ip;
	struct buf *bp;
	uint64_t blk;
	uint32_t off;
	int error;

	if (ino < 1 || ino > ump->em_ninodes)
		return ext2fs_inode_bad(ump, ino, "inode number out of range");
	if (ino < ump->em_firstino && ino != EXT2_ROOTINO &&
	    (flags & E2IL_RESERVED) == 0)
		return ext2fs_inode_bad(ump, ino, "reserved inode");
	if ((error = ext2fs_inode_locate(ump, ino, &blk, &off)) != 0)
		return error;
	if ((ip = kmem_zalloc(sizeof(*ip))) == NULL)
		return ENOMEM;
	if ((ip->i_raw = kmem_alloc(ump->em_isize)) == NULL) {
		kmem_free(ip, sizeof(*ip));
		return ENOMEM;
	}
	ip->i_ump = ump;
	ip->i_number = ino;
	ip->i_dblkno = E2FSBTODB(ump, blk);
	ip->i_doff = off;
	if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
		goto fail;
	memcpy(ip->i_raw, (uint8_t *)bp->b_data + off, ump->em_isize);
	brelse(bp, 0);
	ext2fs_din_decode(ip);
	if ((error = inode_check(ip)) != 0)
		goto fail;
	ip->i_csumseed = ext2fs_inode_seed(ump, ino, ip->i_gen);
	*ipp = ip;
	return 0;
fail:
	kmem_free(ip->i_raw, ump->em_isize);
	kmem_free(ip, sizeof(*ip));
	return error;
}

/* Free an in-core inode and what hangs off it. */
void
ext2fs_inode_free(struct e2inode *ip)
{
	ext2fs_dirhash_free(ip);
	kmem_free(ip->i_raw, ip->i_ump->em_isize);
	kmem_free(ip, sizeof(*ip));
}

/* Stamp the times the inode's IN_ACCESS/IN_CHANGE/IN_UPDATE ask for. */
void
ext2fs_itimes(struct e2inode *ip)
{
	struct ktimespec now;

	if ((ip->i_flag & IN_TIMES) == 0)
		return;
	vfs_timestamp(&now);
	if (ip->i_flag & IN_ACCESS)
		ext2fs_din_settime(ip, E2T_ATIME, &now);
	if (ip->i_flag & IN_UPDATE)
		ext2fs_din_settime(ip, E2T_MTIME, &now);
	if (ip->i_flag & IN_CHANGE)
		ext2fs_din_settime(ip, E2T_CTIME, &now);
	ip->i_flag = (ip->i_flag & ~IN_TIMES) | IN_MODIFIED;
}

void
ext2fs_imodified(struct e2inode *ip, uint32_t flags)
{
	ip->i_flag |= flags | IN_MODIFIED;
}

void
ext2fs_setsize(struct e2inode *ip, uint64_t size)
{
	ip->i_size = size;
	ip->i_flag |= IN_MODIFIED;
}

/* Add (or, negative, take away) n file system blocks held by ip. */
void
ext2fs_addblocks(struct e2inode *ip, int64_t n)
{
	uint64_t units;

	if (n >= 0) {
		ip->i_blocks += (uint64_t)n << ip->i_ump->em_fsbtodb;
	} else {
		/* A count that would go below 0 was wrong on disk. */
		units = (uint64_t)-n << ip->i_ump->em_fsbtodb;
		ip->i_blocks = units > ip->i_blocks ? 0 : ip->i_blocks - units;
	}
	ip->i_flag |= IN_MODIFIED;
}

/*
 * Write the in-core inode into its table block (a delayed write) if it
 * changed, with its checksum.
 */
int
ext2fs_update(struct e2inode *ip)
{
	struct e2mount *ump = ip->i_ump;
	struct buf *bp;
	int error;

	ext2fs_itimes(ip);
	if ((ip->i_flag & IN_MODIFIED) == 0 || ump->em_rdonly)
		return 0;
	ext2fs_din_encode(ip);
	if (E2HAS_CSUM(ump))
		ext2fs_inode_csum_set(ump, ip->i_number, ip->i_raw);
	if ((error = bread(ump->em_devvp, ip->i_dblkno, (int)ump->em_bsize,
	    &bp)) != 0)
		return error;
	memcpy((uint8_t *)bp->b_data + ip->i_doff, ip->i_raw, ump->em_isize);
	bdwrite(bp);
	ip->i_flag &= ~IN_MODIFIED;
	return 0;
}

/*
 * Inline data.  The first 60 bytes live in i_block, the rest in the
 * value of the "system.data" extended attribute in the inode body.  The
 * two pieces are returned as pointers into i_raw (the second may be
 * empty); EIO if the attribute area is malformed.
 */
int
ext2fs_inline_get(struct e2inode *ip, const uint8_t **p1, size_t *n1,
    const uint8_t **p2, size_t *n2)
{
	struct e2mount *ump = ip->i_ump;
	const struct ext2_xattr_entry *e;
	const uint8_t *area, *end;
	uint32_t magic, voff, vsize;
	size_t extra;

	*p1 = ext2fs_din_iblock(ip);
	*n1 = EXT2_IBLOCK_SIZE;
	*p2 = NULL;
	*n2 = 0;
	if (ump->em_isize <= EXT2_GOOD_OLD_ISIZE)
		return 0;
	extra = e2le16(E2DIN(ip)->i_extra_isize);
	area = ip->i_raw + EXT2_GOOD_OLD_ISIZE + extra;
	end = ip->i_raw + ump->em_isize;
	if (area + 4 > end)
		return 0;
	memcpy(&magic, area, 4);
	if (e2le32(magic) != EXT2_XATTR_MAGIC)
		return 0;
	area += 4;
	for (e = (const void *)area; (const uint8_t *)e + 4 <= end;
	    e = (const void *)((const uint8_t *)e + EXT2_XATTR_ENTRY_SIZE +
	    EXT2_XATTR_PAD(e->e_name_len))) {
		if (*(const uint32_t *)(const void *)e == 0)
			return 0;	/* end of the entries */
		if ((const uint8_t *)e + EXT2_XATTR_ENTRY_SIZE +
		    e->e_name_len > end)
			break;
		if (e->e_name_index != EXT2_XATTR_INDEX_SYSTEM ||
		    e->e_name_len != 4 ||
		    memcmp((const uint8_t *)e + EXT2_XATTR_ENTRY_SIZE, "data",
		    4) != 0)
			continue;
		voff = e2le16(e->e_value_offs);
		vsize = e2le32(e->e_value_size);
		if (e->e_value_inum != 0 || voff > (size_t)(end - area) ||
		    vsize > (size_t)(end - area) - voff)
			break;
		*p2 = area + voff;
		*n2 = vsize;
		return 0;
	}
	return ext2fs_inode_bad(ump, ip->i_number,
	    "malformed in-inode extended attributes");
}

/*
 * Drop ip's reference to its extended attribute block: the block is
 * freed with its last reference, else written back with one fewer.
 */
int
ext2fs_xattr_release(struct e2inode *ip)
{
	struct e2mount *ump = ip->i_ump;
	struct ext2_xattr_header *h;
	uint64_t blk = ip->i_xattrblk;
	struct buf *bp;
	uint32_t refs;
	int error;

	if (blk == 0)
		return 0;
	if ((error = ext2fs_bread(ump, blk, &bp)) != 0)
		return error;
	h = bp->b_data;
	refs = e2le32(h->h_refcount);
	if (e2le32(h->h_magic) != EXT2_XATTR_MAGIC ||
	    e2le32(h->h_blocks) != 1 || refs == 0 || (E2HAS_CSUM(ump) &&
	    e2le32(h->h_checksum) != ext2fs_xattr_csum(ump, blk, h))) {
		brelse(bp, 0);
		return ext2fs_inode_bad(ump, ip->i_number,
		    "bad extended attribute block");
	}
	ip->i_xattrblk = 0;
	ip->i_flag |= IN_MODIFIED;
	if (refs == 1) {
		brelse(bp, 0);
		return ext2fs_blkfree(ip, blk, 1);
	}
	h->h_refcount = e2le32(refs - 1);
	if (E2HAS_CSUM(ump))
		h->h_checksum = e2le32(ext2fs_xattr_csum(ump, blk, h));
	bdwrite(bp);
	ext2fs_addblocks(ip, -1);
	return 0;
}

/* Does ip hold its data in i_block with no blocks (fast symlink)? */
static bool
isfastlink(const struct e2inode *ip)
{
	uint64_t xblocks = ip->i_xattrblk != 0 ?
	    (uint64_t)1 << ip->i_ump->em_fsbtodb : 0;

	return (ip->i_mode & S_IFMT) == S_IFLNK && !e2_isinline(ip) &&
	    ip->i_blocks <= xblocks;
}

/*
 * Cut ip to length bytes (not more than its size), freeing its blocks.
 * Device nodes and fast symbolic links keep data in i_block, which is
 * cleared; an inline-data file can only be cut to nothing.
 */
int
ext2fs_truncate(struct e2inode *ip, uint64_t length)
{
	uint64_t nblocks;
	int error;

	KASSERT(length <= ip->i_size);
	switch (ip->i_mode & S_IFMT) {
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		memset(ext2fs_din_iblock_w(ip), 0, EXT2_IBLOCK_SIZE);
		ext2fs_setsize(ip, 0);
		return 0;
	}
	if (isfastlink(ip) || e2_isinline(ip)) {
		if (length != 0 && e2_isinline(ip))
			return EOPNOTSUPP;
		memset(ext2fs_din_iblock_w(ip), 0, EXT2_IBLOCK_SIZE);
		ext2fs_setsize(ip, length);
		ext2fs_imodified(ip, IN_CHANGE | IN_UPDATE);
		return 0;
	}
	nblocks = howmany(length, (uint64_t)ip->i_ump->em_bsize);
	ip->i_ecvalid = false;
	if (e2_isextents(ip))
		error = ext2fs_ext_truncate(ip, nblocks);
	else
		error = ext2fs_map_truncate(ip, nblocks);
	ext2fs_setsize(ip, length);
	ext2fs_imodified(ip, IN_CHANGE | IN_UPDATE);
	return error;
}
