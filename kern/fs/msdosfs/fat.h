/*
 * fat.h: values in the File Allocation Table.
 *
 * Entry n of the table belongs to cluster n; data clusters are numbered
 * from 2 to count + 1.  An entry holds 0 (free), the next cluster of the
 * chain, the bad-cluster mark, or an end-of-chain mark.  FAT12 entries
 * are 12 bits packed two in three bytes, FAT16 16 bits, FAT32 32 bits of
 * which the low 28 are the value (the high 4 are kept as found).
 * Entries 0 and 1 are reserved: entry 0 holds the media byte, entry 1 an
 * end mark whose top bits on FAT16 and FAT32 say whether the volume was
 * released cleanly and without hard errors.
 *
 * Source: Microsoft's "FAT: General Overview of On-Disk Format" (1.03),
 * section 4.
 */
#ifndef _KERN_FS_MSDOSFS_FAT_H_
#define _KERN_FS_MSDOSFS_FAT_H_

#define CLUST_FREE		0
#define CLUST_FIRST		2	/* first data cluster */

#define FAT12_MASK		0x00000fffu
#define FAT16_MASK		0x0000ffffu
#define FAT32_MASK		0x0fffffffu

/* Relative to the type's mask: the bad mark and the first end mark. */
#define CLUST_BAD(mask)		((mask) - 8)	/* 0x?FF7 */
#define CLUST_EOFMIN(mask)	((mask) - 7)	/* 0x?FF8 .. 0x?FFF */
#define CLUST_EOF(mask)		(mask)		/* what we write */

/* Entry 1: "clean shutdown" and "no hard error" bits. */
#define FAT16_CLEANBIT		0x8000u
#define FAT16_HARDERRBIT	0x4000u
#define FAT32_CLEANBIT		0x08000000u
#define FAT32_HARDERRBIT	0x04000000u

#endif /* !_KERN_FS_MSDOSFS_FAT_H_ */
