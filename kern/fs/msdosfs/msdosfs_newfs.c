/*
 * msdosfs_newfs.c: making a new, empty FAT12, FAT16 or FAT32 volume on a
 * device (the vfs_newfs operation, used by fsu_newfs -t msdos).
 *
 * Options (sys/newfs.h):
 *
 *	format=12|16|32	the FAT type (default: FAT12 below 16 MiB, FAT16
 *			below 512 MiB, else FAT32, as mkfs.fat chooses)
 *	bsize=N		bytes per cluster, 512..65536, a power of two
 *			(default: Microsoft's table for the type and size)
 *	label=NAME	volume label, up to 11 characters
 *
 * Layout, with 512-byte sectors: the reserved sectors (1 for FAT12 and
 * FAT16; 32 for FAT32, with FSInfo in sector 1 and copies of the boot
 * sector and FSInfo in sectors 6 and 7), two FATs, the root directory
 * region (512 entries, or more for contents to fit; FAT12/16 only), then
 * the data clusters.  The FAT
 * size is the smallest that maps every cluster the rest of the volume
 * holds.  The type must agree with the count of clusters (Microsoft's
 * rule: fewer than 4085 is FAT12, fewer than 65525 FAT16, else FAT32);
 * a cluster size or type that cannot make that count is refused.  The
 * FAT32 root directory is cluster 2, one cluster of zeros.
 *
 * Size to fit (kn_ent without kn_size, msdosfs_fit): the smallest volume
 * whose clusters hold every regular file and directory of the entries
 * (each rounded up to whole clusters; a directory's slots as the
 * directory code makes them, msdosfs_dirops.c), the FAT12/16 root's
 * names in its fixed region, and the free space asked for.
 *
 * The volume id comes from the clock and a random number, or with
 * SOURCE_DATE_EPOCH from the parameters alone, so that the same command
 * makes the same bytes.
 *
 * Source: Microsoft's "FAT: General Overview of On-Disk Format" (1.03),
 * sections 3 to 6.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/mount.h"
#include "../../sys/newfs.h"
#include "../../sys/systm.h"
#include "../../sys/vnode.h"
#include "bpb.h"
#include "denode.h"
#include "direntry.h"
#include "fat.h"
#include "msdosfs_extern.h"

#define NF_SECSIZE	512
#define NF_ROOTENTS	512		/* FAT12/16 root directory entries */
#define NF_MAXROOTENTS	65520		/* and at most, in whole sectors */
#define NF_RSVD16	1
#define NF_RSVD32	32
#define NF_NFATS	2
#define NF_MEDIA	0xf8
#define NF_CHUNK	(64 * 1024)	/* bytes written at a time */

static const char *const msdosfs_newfs_opts[] = {
	"format", "bsize", "label", NULL
};

/* The options, parsed once. */
struct nfopts {
	int		o_type;		/* 12, 16, 32; 0: by the size */
	uint32_t	o_bsize;	/* bytes per cluster; 0: by the size */
	char		o_label[12];	/* space padded */
};

struct nfgeom {
	int		g_type;		/* 12, 16, 32 */
	uint32_t	g_spc;		/* sectors per cluster */
	uint32_t	g_rsvd;		/* reserved sectors */
	uint32_t	g_rootents;	/* root directory entries (12/16) */
	uint32_t	g_rootsecs;	/* root directory sectors (12/16) */
	uint32_t	g_fatsz;	/* sectors per FAT */
	uint64_t	g_totsec;
	uint64_t	g_clusters;	/* data clusters */
	char		g_label[12];	/* space padded */
};

static int
nf_num(const char *opts, const char *key, uint64_t *vp)
{
	char buf[32], *p;
	uint64_t v = 0;
	int error;

	if ((error = vfs_getopt(opts, key, buf, sizeof(buf))) != 0)
		return error == ENAMETOOLONG ? EINVAL : error;
	for (p = buf; *p >= '0' && *p <= '9' && v < UINT32_MAX; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (p == buf || *p != '\0') {
		kprintf("newfs: bad %s \"%s\"\n", key, buf);
		return EINVAL;
	}
	*vp = v;
	return 0;
}

/* Microsoft's default cluster size (sectors) for a type and size. */
static uint32_t
default_spc(int type, uint64_t totsec)
{
	uint64_t mb = totsec / 2048;

	switch (type) {
	case 12:
		return 1;
	case 16:
		return mb < 16 ? 2 : mb < 128 ? 4 : mb < 256 ? 8 : mb < 512 ?
		    16 : mb < 1024 ? 32 : 64;
	default:
		return mb < 260 ? 1 : mb < 8192 ? 8 : mb < 16384 ? 16 :
		    mb < 32768 ? 32 : 64;
	}
}

/* The FAT size and cluster count for g's type, cluster size and size. */
static int
layout(struct nfgeom *g)
{
	uint64_t meta, clusters, need, fatsz = 1;
	int i;

	g->g_rsvd = g->g_type == 32 ? NF_RSVD32 : NF_RSVD16;
	g->g_rootsecs = g->g_type == 32 ? 0 :
	    howmany(g->g_rootents * DE_SIZE, NF_SECSIZE);
	for (i = 0; i < 64; i++) {
		meta = g->g_rsvd + NF_NFATS * fatsz + g->g_rootsecs;
		if (meta >= g->g_totsec)
			return ENOSPC;
		clusters = (g->g_totsec - meta) / g->g_spc;
		need = howmany((clusters + 2) * (uint64_t)g->g_type, 8 *
		    NF_SECSIZE);
		if (need <= fatsz)
			break;
		fatsz = need;
	}
	if (i == 64 || fatsz > UINT32_MAX)
		return EINVAL;
	meta = g->g_rsvd + NF_NFATS * fatsz + g->g_rootsecs;
	g->g_fatsz = (uint32_t)fatsz;
	g->g_clusters = (g->g_totsec - meta) / g->g_spc;
	return 0;
}

static uint64_t
max_clusters(int type)
{
	return type == 12 ? FAT12_MAXCLUSTERS : type == 16 ?
	    FAT16_MAXCLUSTERS : FAT32_MAXCLUSTERS;
}

/* Does the cluster count make the type it is meant to? */
static bool
type_fits(const struct nfgeom *g)
{
	switch (g->g_type) {
	case 12:
		return g->g_clusters >= 1 &&
		    g->g_clusters <= FAT12_MAXCLUSTERS;
	case 16:
		return g->g_clusters > FAT12_MAXCLUSTERS &&
		    g->g_clusters <= FAT16_MAXCLUSTERS;
	default:
		return g->g_clusters > FAT16_MAXCLUSTERS &&
		    g->g_clusters <= FAT32_MAXCLUSTERS;
	}
}

/* The options format, bsize and label, with their messages. */
static int
nf_opts(const struct knewfs *kn, struct nfopts *o)
{
	const char *opts = kn->kn_opts != NULL ? kn->kn_opts : "";
	char label[32];
	uint64_t v;
	size_t i, n;
	int error;

	memset(o, 0, sizeof(*o));
	if ((error = vfs_checkopts(opts, msdosfs_newfs_opts)) != 0) {
		kprintf("newfs: msdos takes the options format, bsize and "
		    "label\n");
		return error;
	}
	if ((error = nf_num(opts, "format", &v)) == 0) {
		if (v != 12 && v != 16 && v != 32) {
			kprintf("newfs: the FAT type is 12, 16 or 32\n");
			return EINVAL;
		}
		o->o_type = (int)v;
	} else if (error != ENOENT)
		return error;
	if ((error = nf_num(opts, "bsize", &v)) == 0) {
		if (v < NF_SECSIZE || v > 65536 || (v & (v - 1)) != 0) {
			kprintf("newfs: cluster size %llu is not a power of "
			    "two from 512 to 65536\n", (unsigned long long)v);
			return EINVAL;
		}
		o->o_bsize = (uint32_t)v;
	} else if (error != ENOENT)
		return error;
	memset(o->o_label, ' ', 11);
	if ((error = vfs_getopt(opts, "label", label, sizeof(label))) == 0) {
		n = strlen(label);
		if (n == 0 || n > 11) {
			kprintf("newfs: a FAT label has 1 to 11 characters\n");
			return EINVAL;
		}
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)label[i];

			if (c >= 'a' && c <= 'z')
				c = (unsigned char)(c - 'a' + 'A');
			if (c < 0x20 || c >= 0x7f || strchr("\"*+,./:;<=>?[\\]|",
			    c) != NULL) {
				kprintf("newfs: a FAT label cannot hold "
				    "\"%c\"\n", label[i]);
				return EINVAL;
			}
			o->o_label[i] = (char)c;
		}
	} else if (error != ENOENT)
		return error;
	else
		memcpy(o->o_label, "NO NAME    ", 11);
	o->o_label[11] = '\0';
	return 0;
}

/*
 * The geometry of a volume of size bytes with rootents root entries
 * (FAT12/16).  The cluster size asked for, or the default; without a
 * type asked for, the default type for the size moves to the one the
 * count of clusters makes, and a root directory too large for FAT12/16
 * makes FAT32.  Errors: ENOSPC when the size is too small for the type,
 * EFBIG when too large, EINVAL otherwise; quiet says no message.
 */
static int
nf_geom(const struct nfopts *o, uint64_t size, uint64_t rootents,
    bool quiet, struct nfgeom *g)
{
	bool typed = o->o_type != 0, up = false;
	uint32_t bsize = o->o_bsize;
	int error = 0, i;

	memset(g, 0, sizeof(*g));
	memcpy(g->g_label, o->o_label, sizeof(g->g_label));
	g->g_totsec = size / NF_SECSIZE;
	if (g->g_totsec > UINT32_MAX) {
		if (!quiet)
			kprintf("newfs: a FAT volume has at most 2^32 - 1 "
			    "sectors\n");
		return EFBIG;
	}
	g->g_type = typed ? o->o_type : g->g_totsec < 16 * 2048 ? 12 :
	    g->g_totsec < 512 * 2048 ? 16 : 32;
	g->g_rootents = (uint32_t)MIN(rootents, NF_MAXROOTENTS);
	if (g->g_type != 32 && rootents > NF_MAXROOTENTS) {
		if (typed) {
			if (!quiet)
				kprintf("newfs: the root directory needs %llu "
				    "entries, more than FAT%d has there\n",
				    (unsigned long long)rootents, g->g_type);
			return EFBIG;
		}
		g->g_type = 32;
		up = true;
	}
	g->g_spc = bsize != 0 ? bsize / NF_SECSIZE :
	    default_spc(g->g_type, g->g_totsec);
	for (i = 0; i < 64; i++) {
		if ((error = layout(g)) != 0)
			break;
		if (type_fits(g))
			return 0;
		error = g->g_clusters > max_clusters(g->g_type) ? EFBIG :
		    ENOSPC;
		if (!typed && bsize == 0 && g->g_type == 12 &&
		    g->g_clusters > FAT12_MAXCLUSTERS && g->g_spc < 64) {
			g->g_spc *= 2;
			continue;
		}
		/* A cluster size asked for: the type its count makes. */
		if (!typed && bsize != 0 && g->g_type != 32 &&
		    g->g_clusters > max_clusters(g->g_type)) {
			g->g_type = g->g_type == 12 ? 16 : 32;
			up = true;
			continue;
		}
		if (!typed && !up && g->g_type == 32 &&
		    g->g_clusters <= FAT16_MAXCLUSTERS) {
			g->g_type = 16;
			if (bsize == 0)
				g->g_spc = default_spc(16, g->g_totsec);
			continue;
		}
		if (!typed && !up && g->g_type == 16 &&
		    g->g_clusters <= FAT12_MAXCLUSTERS) {
			g->g_type = 12;
			continue;
		}
		if (!typed && g->g_type == 16 && bsize == 0 &&
		    g->g_clusters > FAT16_MAXCLUSTERS && g->g_spc < 128) {
			g->g_spc *= 2;
			continue;
		}
		if (typed && bsize == 0 && g->g_clusters > FAT12_MAXCLUSTERS &&
		    g->g_type == 12 && g->g_spc < 128) {
			g->g_spc *= 2;
			continue;
		}
		if (typed && bsize == 0 && g->g_type == 16 &&
		    g->g_clusters > FAT16_MAXCLUSTERS && g->g_spc < 128) {
			g->g_spc *= 2;
			continue;
		}
		if (typed && bsize == 0 && g->g_spc > 1 &&
		    ((g->g_type == 16 && g->g_clusters <= FAT12_MAXCLUSTERS) ||
		    (g->g_type == 32 && g->g_clusters <= FAT16_MAXCLUSTERS))) {
			g->g_spc /= 2;
			continue;
		}
		break;
	}
	if (error == 0 || error == EINVAL)
		error = EINVAL;
	if (!quiet)
		kprintf("newfs: %llu bytes with %u-byte clusters make no FAT%d "
		    "volume (%llu clusters)\n", (unsigned long long)size,
		    g->g_spc * NF_SECSIZE, g->g_type,
		    (unsigned long long)g->g_clusters);
	return error;
}

/* ------------------------------------------------------- size to fit */

/*
 * What a FAT volume holds of the entries: directories and regular files,
 * each once.  Hard links, symbolic links, device nodes, fifos and sockets
 * cannot be made on FAT (fsu_put and fsu_tar fail them and write
 * nothing), so they take no room.
 */
static bool
fit_held(const struct knewfs_ent *ke)
{
	return !(ke->ke_flags & KNEWFS_LINK) &&
	    (ke->ke_type == DT_DIR || ke->ke_type == DT_REG);
}

/*
 * Directory slots a name of namlen bytes takes at most: the short entry
 * and a long name of 13 UTF-16 units a slot (UTF-8 never has fewer bytes
 * than UTF-16 units).
 */
static uint64_t
fit_slots(uint16_t namlen)
{
	return 1 + howmany((uint64_t)namlen, LFN_CHARS);
}

/*
 * The root directory entries the entries of kn need on FAT12/16: the
 * label's and the names in the root, in whole sectors, at least the
 * usual 512 (all of them, as mkfs.fat -r does).  *skipped gets the count
 * of entries FAT cannot hold.
 */
static uint64_t
fit_rootents(const struct knewfs *kn, size_t *skipped)
{
	uint64_t slots = 1;
	size_t i, n = 0;

	for (i = 1; i < kn->kn_nent; i++) {
		if (!fit_held(&kn->kn_ent[i]))
			n++;
		else if (kn->kn_ent[i].ke_parent == 0)
			slots += fit_slots(kn->kn_ent[i].ke_namlen);
	}
	if (skipped != NULL)
		*skipped = n;
	return MAX(NF_ROOTENTS, roundup(slots, NF_SECSIZE / DE_SIZE));
}

struct fitc {
	uint64_t	*fc_slots;	/* per directory entry */
	uint64_t	 fc_need[8];	/* clusters, root aside, by log2 spc */
	bool		 fc_known[8];
};

/* The clusters of the entries but the root for spc sectors a cluster. */
static uint64_t
fit_clusters(const struct knewfs *kn, struct fitc *fc, uint32_t spc)
{
	const struct knewfs_ent *ke = kn->kn_ent;
	uint64_t csize = (uint64_t)spc * NF_SECSIZE, n = 0;
	unsigned l = 0;
	size_t i;

	while ((1u << l) < spc)
		l++;
	if (fc->fc_known[l])
		return fc->fc_need[l];
	for (i = 1; i < kn->kn_nent; i++) {
		if (!fit_held(&ke[i]))
			continue;
		if (ke[i].ke_type == DT_REG)
			n += howmany(ke[i].ke_size, csize);
		else	/* "." and "..", the names; at least one cluster */
			n += howmany((fc->fc_slots[i] + 2) * DE_SIZE, csize);
	}
	fc->fc_need[l] = n;
	fc->fc_known[l] = true;
	return n;
}

/* The clusters a volume of geometry g needs to hold the entries. */
static uint64_t
fit_need(const struct knewfs *kn, struct fitc *fc, const struct nfgeom *g)
{
	uint64_t csize = (uint64_t)g->g_spc * NF_SECSIZE, n, freeb;

	n = fit_clusters(kn, fc, g->g_spc);
	if (g->g_type == 32)
		n += MAX(1, howmany(fc->fc_slots[0] * DE_SIZE, csize));
	freeb = kn->kn_freebytes + g->g_totsec * NF_SECSIZE * kn->kn_freepct /
	    100;
	return n + howmany(freeb, csize);
}

/*
 * Size to fit: the smallest size whose volume holds the entries of kn
 * with the free space asked for, in kn->kn_size.  For each size tried the
 * geometry is the one that size makes (the type and cluster size asked
 * for, or the defaults for the size), exactly as the volume will be
 * made; if it does not hold the entries, the next size tried is the
 * least that would with that geometry.  The defaults' cluster size only
 * shrinks as the size grows where the default type changes (16 MiB to
 * FAT16, 512 MiB to FAT32): those sizes are tried on the way.
 */
static int
msdosfs_fit(struct knewfs *kn)
{
	static const uint64_t steps[] = { 16 * 2048, 512 * 2048 };
	const struct knewfs_ent *ke = kn->kn_ent;
	struct nfopts o;
	struct nfgeom g;
	struct fitc fc;
	uint64_t sec, next, need, fatsz, rootents;
	size_t i;
	int error, tries;

	if (kn->kn_nent == 0 || ke[0].ke_type != DT_DIR)
		return EINVAL;
	if (kn->kn_freefiles != 0 || kn->kn_freefpct != 0) {
		kprintf("newfs: FAT has no inodes to leave free\n");
		return EINVAL;
	}
	if ((error = nf_opts(kn, &o)) != 0)
		return error;
	memset(&fc, 0, sizeof(fc));
	fc.fc_slots = kmem_zalloc(kn->kn_nent * sizeof(*fc.fc_slots));
	fc.fc_slots[0] = 1;		/* the label */
	for (i = 1; i < kn->kn_nent; i++) {
		if (ke[i].ke_parent >= i ||
		    ke[ke[i].ke_parent].ke_type != DT_DIR) {
			error = EINVAL;
			goto out;
		}
		if (!fit_held(&ke[i]))
			continue;
		if (ke[i].ke_type == DT_REG && ke[i].ke_size > UINT32_MAX) {
			kprintf("newfs: a file of %llu bytes: FAT files hold "
			    "at most 4 GiB - 1\n",
			    (unsigned long long)ke[i].ke_size);
			error = EFBIG;
			goto out;
		}
		fc.fc_slots[ke[i].ke_parent] += fit_slots(ke[i].ke_namlen);
	}
	rootents = fit_rootents(kn, NULL);

	/* From the bare data in 512-byte clusters, upwards. */
	sec = fit_clusters(kn, &fc, 1) + 4;
	for (tries = 0; tries < 100000; tries++) {
		error = nf_geom(&o, sec * NF_SECSIZE, rootents, true, &g);
		if (error == EFBIG)
			break;
		if (error != 0) {
			/* Too small for the type: a little larger. */
			sec += MAX(1, sec / 1024);
			continue;
		}
		need = fit_need(kn, &fc, &g);
		if (g.g_clusters >= need) {
			kn->kn_size = sec * NF_SECSIZE;
			error = 0;
			goto out;
		}
		fatsz = howmany((need + 2) * (uint64_t)g.g_type, 8 *
		    NF_SECSIZE);
		next = g.g_rsvd + NF_NFATS * fatsz + g.g_rootsecs +
		    need * g.g_spc;
		if (next <= sec)
			next = sec + g.g_spc;
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
			if (sec < steps[i] && next > steps[i])
				next = steps[i];
		sec = next;
	}
	if (o.o_type != 0)
		kprintf("newfs: the contents do not fit a FAT%d volume\n",
		    o.o_type);
	error = EFBIG;
out:
	kmem_free(fc.fc_slots, kn->kn_nent * sizeof(*fc.fc_slots));
	return error;
}

/* The geometry of the volume kn asks for, with its messages. */
static int
geom(const struct knewfs *kn, struct nfgeom *g)
{
	struct nfopts o;
	int error;

	if ((error = nf_opts(kn, &o)) != 0)
		return error;
	error = nf_geom(&o, kn->kn_size, kn->kn_ent != NULL ?
	    fit_rootents(kn, NULL) : NF_ROOTENTS, false, g);
	return error != 0 ? EINVAL : 0;
}

/* Write len bytes at sector sec. */
static int
nf_write(struct vnode *devvp, uint64_t sec, const void *data, size_t len)
{
	struct buf *bp;
	int error;

	error = getblk(devvp, (daddr_t)sec, (int)len, &bp);
	if (error != 0)
		return error;
	memcpy(bp->b_data, data, len);
	error = bwrite(bp);
	binval(devvp, (daddr_t)sec, (int)len);
	return error;
}

/* Zero nsec sectors from sector sec. */
static int
nf_zero(struct vnode *devvp, uint64_t sec, uint64_t nsec, uint8_t *zeros)
{
	uint64_t n;
	int error;

	while (nsec > 0) {
		n = MIN(nsec, NF_CHUNK / NF_SECSIZE);
		if ((error = nf_write(devvp, sec, zeros, n * NF_SECSIZE)) != 0)
			return error;
		sec += n;
		nsec -= n;
	}
	return 0;
}

static void
boot_sector(const struct nfgeom *g, uint32_t volid, uint8_t *b)
{
	static const char *const fstype[] = { "FAT12   ", "FAT16   ",
	    "FAT32   " };
	const char *ft = fstype[g->g_type == 12 ? 0 : g->g_type == 16 ? 1 : 2];

	memset(b, 0, NF_SECSIZE);
	b[BS_JMPBOOT] = 0xeb;
	b[BS_JMPBOOT + 1] = g->g_type == 32 ? 0x58 : 0x3c;
	b[BS_JMPBOOT + 2] = 0x90;
	memcpy(b + BS_OEMNAME, "FSUNEWFS", 8);
	msdosfs_wr16(b + BPB_BYTSPERSEC, NF_SECSIZE);
	b[BPB_SECPERCLUS] = (uint8_t)g->g_spc;
	msdosfs_wr16(b + BPB_RSVDSECCNT, (uint16_t)g->g_rsvd);
	b[BPB_NUMFATS] = NF_NFATS;
	msdosfs_wr16(b + BPB_ROOTENTCNT, g->g_type == 32 ? 0 :
	    (uint16_t)g->g_rootents);
	if (g->g_type != 32 && g->g_totsec < 65536)
		msdosfs_wr16(b + BPB_TOTSEC16, (uint16_t)g->g_totsec);
	else
		msdosfs_wr32(b + BPB_TOTSEC32, (uint32_t)g->g_totsec);
	b[BPB_MEDIA] = NF_MEDIA;
	if (g->g_type != 32)
		msdosfs_wr16(b + BPB_FATSZ16, (uint16_t)g->g_fatsz);
	msdosfs_wr16(b + BPB_SECPERTRK, 32);
	msdosfs_wr16(b + BPB_NUMHEADS, 64);
	if (g->g_type == 32) {
		msdosfs_wr32(b + BPB32_FATSZ32, g->g_fatsz);
		msdosfs_wr32(b + BPB32_ROOTCLUS, CLUST_FIRST);
		msdosfs_wr16(b + BPB32_FSINFO, 1);
		msdosfs_wr16(b + BPB32_BKBOOTSEC, 6);
		b[BS32_DRVNUM] = 0x80;
		b[BS32_BOOTSIG] = 0x29;
		msdosfs_wr32(b + BS32_VOLID, volid);
		memcpy(b + BS32_VOLLAB, g->g_label, 11);
		memcpy(b + BS32_FILSYSTYPE, ft, 8);
	} else {
		b[BS16_DRVNUM] = 0x80;
		b[BS16_BOOTSIG] = 0x29;
		msdosfs_wr32(b + BS16_VOLID, volid);
		memcpy(b + BS16_VOLLAB, g->g_label, 11);
		memcpy(b + BS16_FILSYSTYPE, ft, 8);
	}
	/* No boot code: a jump to "int 18h" (boot the next device). */
	b[g->g_type == 32 ? 90 : 62] = 0xcd;
	b[(g->g_type == 32 ? 90 : 62) + 1] = 0x18;
	b[BS_SIGNATURE] = 0x55;
	b[BS_SIGNATURE + 1] = 0xaa;
}

int
msdosfs_newfs(struct vnode *devvp, struct newfs_args *na)
{
	struct knewfs *kn = na->na_kn;
	struct ktimespec now;
	struct nfgeom g;
	uint8_t *buf, *zeros;
	uint64_t fat0, sec;
	uint32_t volid;
	unsigned i;
	int error;

	if (kn->kn_ent != NULL && kn->kn_size == 0) {
		if ((error = msdosfs_fit(kn)) != 0)
			return error;
		if (devvp == NULL && kn->kn_print == NULL)
			return 0;	/* only the size was asked for */
	}
	if ((error = geom(kn, &g)) != 0)
		return error;
	kn->kn_fssize = g.g_totsec * NF_SECSIZE;
	kn->kn_avail = (g.g_clusters - (g.g_type == 32 ? 1 : 0)) * g.g_spc *
	    NF_SECSIZE;
	kn->kn_files = g.g_type == 32 ? 0 : g.g_rootents;
	newfs_print(na, "%.2f MiB (%llu sectors) FAT%d, cluster size %u",
	    (double)kn->kn_fssize / (1024 * 1024),
	    (unsigned long long)g.g_totsec, g.g_type, g.g_spc * NF_SECSIZE);
	if (g.g_type == 32)
		newfs_print(na, "%llu clusters, %u sectors per FAT, %d FATs",
		    (unsigned long long)g.g_clusters, g.g_fatsz, NF_NFATS);
	else
		newfs_print(na, "%llu clusters, %u sectors per FAT, %d FATs, "
		    "%u root directory entries",
		    (unsigned long long)g.g_clusters, g.g_fatsz, NF_NFATS,
		    g.g_rootents);
	if (kn->kn_ent != NULL) {
		size_t skipped;

		(void)fit_rootents(kn, &skipped);
		if (skipped > 0)
			newfs_print(na, "%zu entries not counted: FAT holds no "
			    "hard links, symbolic links, devices or fifos",
			    skipped);
	}
	if (devvp == NULL)
		return 0;

	vfs_timestamp(&now);
	if (kclock_reproducible())
		volid = (uint32_t)(g.g_totsec * 2654435761u) ^
		    (uint32_t)now.tv_sec ^ (g.g_spc << 24) ^ (uint32_t)g.g_type;
	else
		volid = (uint32_t)now.tv_sec ^ karc4random();
	buf = kmem_zalloc(NF_SECSIZE);
	zeros = kmem_zalloc(NF_CHUNK);

	/* Reserved sectors, FATs and the root directory (region) zeroed. */
	fat0 = g.g_rsvd;
	sec = fat0 + (uint64_t)NF_NFATS * g.g_fatsz + g.g_rootsecs;
	if (g.g_type == 32)
		sec += g.g_spc;		/* the root directory's cluster */
	if (!na->na_zeroed)
		error = nf_zero(devvp, 0, sec, zeros);
	else
		error = nf_zero(devvp, 0, g.g_rsvd, zeros);

	/* The first FAT sector of each FAT: media, end mark, the root. */
	for (i = 0; error == 0 && i < NF_NFATS; i++) {
		memset(buf, 0, NF_SECSIZE);
		if (g.g_type == 12) {
			buf[0] = NF_MEDIA;
			buf[1] = 0xff;
			buf[2] = 0xff;
		} else if (g.g_type == 16) {
			msdosfs_wr16(buf, 0xff00 | NF_MEDIA);
			msdosfs_wr16(buf + 2, 0xffff);
		} else {
			msdosfs_wr32(buf, 0x0fffff00u | NF_MEDIA);
			msdosfs_wr32(buf + 4, 0x0fffffffu);
			msdosfs_wr32(buf + 8, 0x0fffffffu);	/* root */
		}
		error = nf_write(devvp, fat0 + (uint64_t)i * g.g_fatsz, buf,
		    NF_SECSIZE);
	}

	/* The label as the root directory's first entry. */
	if (error == 0 && memcmp(g.g_label, "NO NAME    ", 11) != 0) {
		struct msdosfsmount *pmp;
		uint16_t t, d;

		/* A mount with no options: local time, as mounts default. */
		pmp = kmem_zalloc(sizeof(*pmp));
		memset(buf, 0, NF_SECSIZE);
		memcpy(buf + DE_NAME, g.g_label, 11);
		buf[DE_ATTR] = ATTR_VOLUME;
		msdosfs_unix2dos(pmp, &now, &d, &t, NULL);
		kmem_free(pmp, sizeof(*pmp));
		msdosfs_wr16(buf + DE_MTIME, t);
		msdosfs_wr16(buf + DE_MDATE, d);
		error = nf_write(devvp, fat0 + (uint64_t)NF_NFATS * g.g_fatsz,
		    buf, NF_SECSIZE);
	}

	if (error == 0 && g.g_type == 32) {
		/* FSInfo and its copy; the boot sector's copy. */
		memset(buf, 0, NF_SECSIZE);
		msdosfs_wr32(buf + FSI_LEADSIG, FSI_LEADSIG_VAL);
		msdosfs_wr32(buf + FSI_STRUCSIG, FSI_STRUCSIG_VAL);
		msdosfs_wr32(buf + FSI_FREE_COUNT,
		    (uint32_t)(g.g_clusters - 1));
		msdosfs_wr32(buf + FSI_NXT_FREE, CLUST_FIRST + 1);
		msdosfs_wr32(buf + FSI_TRAILSIG, FSI_TRAILSIG_VAL);
		error = nf_write(devvp, 1, buf, NF_SECSIZE);
		if (error == 0)
			error = nf_write(devvp, 7, buf, NF_SECSIZE);
		boot_sector(&g, volid, buf);
		if (error == 0)
			error = nf_write(devvp, 6, buf, NF_SECSIZE);
	}
	/* The boot sector last. */
	if (error == 0) {
		boot_sector(&g, volid, buf);
		error = nf_write(devvp, 0, buf, NF_SECSIZE);
	}
	kmem_free(zeros, NF_CHUNK);
	kmem_free(buf, NF_SECSIZE);
	return error;
}
