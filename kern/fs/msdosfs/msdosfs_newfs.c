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
 * region (512 entries; FAT12/16 only), then the data clusters.  The FAT
 * size is the smallest that maps every cluster the rest of the volume
 * holds.  The type must agree with the count of clusters (Microsoft's
 * rule: fewer than 4085 is FAT12, fewer than 65525 FAT16, else FAT32);
 * a cluster size or type that cannot make that count is refused.  The
 * FAT32 root directory is cluster 2, one cluster of zeros.
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
#define NF_RSVD16	1
#define NF_RSVD32	32
#define NF_NFATS	2
#define NF_MEDIA	0xf8
#define NF_CHUNK	(64 * 1024)	/* bytes written at a time */

static const char *const msdosfs_newfs_opts[] = {
	"format", "bsize", "label", NULL
};

struct nfgeom {
	int		g_type;		/* 12, 16, 32 */
	uint32_t	g_spc;		/* sectors per cluster */
	uint32_t	g_rsvd;		/* reserved sectors */
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
	    NF_ROOTENTS * DE_SIZE / NF_SECSIZE;
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

static int
geom(const struct knewfs *kn, struct nfgeom *g)
{
	const char *opts = kn->kn_opts != NULL ? kn->kn_opts : "";
	char label[32];
	uint64_t v, bsize = 0;
	bool typed = false;
	size_t i, n;
	int error;

	memset(g, 0, sizeof(*g));
	if ((error = vfs_checkopts(opts, msdosfs_newfs_opts)) != 0) {
		kprintf("newfs: msdos takes the options format, bsize and "
		    "label\n");
		return error;
	}
	g->g_totsec = kn->kn_size / NF_SECSIZE;
	if (g->g_totsec > UINT32_MAX) {
		kprintf("newfs: a FAT volume has at most 2^32 - 1 sectors\n");
		return EINVAL;
	}
	g->g_type = g->g_totsec < 16 * 2048 ? 12 : g->g_totsec < 512 * 2048 ?
	    16 : 32;
	if ((error = nf_num(opts, "format", &v)) == 0) {
		if (v != 12 && v != 16 && v != 32) {
			kprintf("newfs: the FAT type is 12, 16 or 32\n");
			return EINVAL;
		}
		g->g_type = (int)v;
		typed = true;
	} else if (error != ENOENT)
		return error;
	if ((error = nf_num(opts, "bsize", &bsize)) == 0) {
		if (bsize < NF_SECSIZE || bsize > 65536 ||
		    (bsize & (bsize - 1)) != 0) {
			kprintf("newfs: cluster size %llu is not a power of "
			    "two from 512 to 65536\n", (unsigned long long)bsize);
			return EINVAL;
		}
	} else if (error != ENOENT)
		return error;
	memset(g->g_label, ' ', 11);
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
			g->g_label[i] = (char)c;
		}
	} else if (error != ENOENT)
		return error;
	else
		memcpy(g->g_label, "NO NAME    ", 11);
	g->g_label[11] = '\0';

	/*
	 * The cluster size asked for, or the default; without a type
	 * asked for, the default type for the size may move to the one
	 * the count of clusters makes.
	 */
	g->g_spc = bsize != 0 ? (uint32_t)(bsize / NF_SECSIZE) :
	    default_spc(g->g_type, g->g_totsec);
	for (;;) {
		if ((error = layout(g)) != 0)
			break;
		if (type_fits(g))
			return 0;
		if (!typed && bsize == 0 && g->g_type == 12 &&
		    g->g_clusters > FAT12_MAXCLUSTERS && g->g_spc < 64) {
			g->g_spc *= 2;
			continue;
		}
		if (!typed && g->g_type == 32 &&
		    g->g_clusters <= FAT16_MAXCLUSTERS) {
			g->g_type = 16;
			if (bsize == 0)
				g->g_spc = default_spc(16, g->g_totsec);
			continue;
		}
		if (!typed && g->g_type == 16 &&
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
		error = EINVAL;
		break;
	}
	kprintf("newfs: %llu bytes with %u-byte clusters make no FAT%d "
	    "volume (%llu clusters)\n", (unsigned long long)kn->kn_size,
	    g->g_spc * NF_SECSIZE, g->g_type,
	    (unsigned long long)g->g_clusters);
	return EINVAL;
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
	msdosfs_wr16(b + BPB_ROOTENTCNT, g->g_type == 32 ? 0 : NF_ROOTENTS);
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

	if (kn->kn_ent != NULL && kn->kn_size == 0)
		return EOPNOTSUPP;	/* no fit yet */
	if ((error = geom(kn, &g)) != 0)
		return error;
	kn->kn_fssize = g.g_totsec * NF_SECSIZE;
	kn->kn_avail = (g.g_clusters - (g.g_type == 32 ? 1 : 0)) * g.g_spc *
	    NF_SECSIZE;
	kn->kn_files = g.g_type == 32 ? 0 : NF_ROOTENTS;
	newfs_print(na, "%.2f MiB (%llu sectors) FAT%d, cluster size %u",
	    (double)kn->kn_fssize / (1024 * 1024),
	    (unsigned long long)g.g_totsec, g.g_type, g.g_spc * NF_SECSIZE);
	newfs_print(na, "%llu clusters, %u sectors per FAT, %d FATs",
	    (unsigned long long)g.g_clusters, g.g_fatsz, NF_NFATS);
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
