/*
 * bpb.h: the on-disk boot sector of a FAT volume (its BIOS Parameter
 * Block) and the FAT32 FSInfo sector, as byte offsets.  Everything is
 * little-endian and read with the decoders in msdosfs_extern.h, never by
 * casting a structure over the buffer (the fields are not aligned).
 *
 * Source: Microsoft's "FAT: General Overview of On-Disk Format" (1.03),
 * section 3 (boot sector and BPB) and section 5 (FSInfo).
 */
#ifndef _KERN_FS_MSDOSFS_BPB_H_
#define _KERN_FS_MSDOSFS_BPB_H_

/* Section 3.1: the fields common to FAT12, FAT16 and FAT32. */
#define BS_JMPBOOT		0	/* 3: 0xEB ?? 0x90 or 0xE9 ?? ?? */
#define BS_OEMNAME		3	/* 8 */
#define BPB_BYTSPERSEC		11	/* 2: 512, 1024, 2048 or 4096 */
#define BPB_SECPERCLUS		13	/* 1: 1, 2, 4, ... 128 */
#define BPB_RSVDSECCNT		14	/* 2: not 0 */
#define BPB_NUMFATS		16	/* 1: usually 2 */
#define BPB_ROOTENTCNT		17	/* 2: FAT12/16 root entries; FAT32: 0 */
#define BPB_TOTSEC16		19	/* 2: or 0 and BPB_TOTSEC32 */
#define BPB_MEDIA		21	/* 1: 0xF0, 0xF8..0xFF */
#define BPB_FATSZ16		22	/* 2: sectors per FAT; FAT32: 0 */
#define BPB_SECPERTRK		24	/* 2 */
#define BPB_NUMHEADS		26	/* 2 */
#define BPB_HIDDSEC		28	/* 4 */
#define BPB_TOTSEC32		32	/* 4 */

/* Section 3.2: FAT12 and FAT16 from offset 36. */
#define BS16_DRVNUM		36	/* 1 */
#define BS16_STATE		37	/* 1: bit 0, "dirty" (Windows NT, Linux) */
#define BS16_BOOTSIG		38	/* 1: 0x29 when the next three exist */
#define BS16_VOLID		39	/* 4 */
#define BS16_VOLLAB		43	/* 11 */
#define BS16_FILSYSTYPE		54	/* 8: informational only */

/* Section 3.3: FAT32 from offset 36. */
#define BPB32_FATSZ32		36	/* 4: sectors per FAT */
#define BPB32_EXTFLAGS		40	/* 2: bit 7 mirroring off, 0-3 active */
#define BPB32_FSVER		42	/* 2: 0 */
#define BPB32_ROOTCLUS		44	/* 4: first cluster of the root */
#define BPB32_FSINFO		48	/* 2: sector of FSInfo (usually 1) */
#define BPB32_BKBOOTSEC		50	/* 2: copy of the boot sector (6) */
#define BS32_DRVNUM		64	/* 1 */
#define BS32_STATE		65	/* 1: as BS16_STATE */
#define BS32_BOOTSIG		66	/* 1 */
#define BS32_VOLID		67	/* 4 */
#define BS32_VOLLAB		71	/* 11 */
#define BS32_FILSYSTYPE		82	/* 8 */

#define BS_SIGNATURE		510	/* 2: 0x55 0xAA */
#define BS_STATE_DIRTY		0x01

#define BPB_EXT_NOMIRROR	0x0080
#define BPB_EXT_ACTIVEMASK	0x000f

/* Section 5: the FSInfo sector. */
#define FSI_LEADSIG		0	/* 4: 0x41615252 */
#define FSI_STRUCSIG		484	/* 4: 0x61417272 */
#define FSI_FREE_COUNT		488	/* 4: free clusters, 0xFFFFFFFF unknown */
#define FSI_NXT_FREE		492	/* 4: where to look, 0xFFFFFFFF unknown */
#define FSI_TRAILSIG		508	/* 4: 0xAA550000 */
#define FSI_SIZE		512	/* bytes that matter */

#define FSI_LEADSIG_VAL		0x41615252u
#define FSI_STRUCSIG_VAL	0x61417272u
#define FSI_TRAILSIG_VAL	0xaa550000u
#define FSI_UNKNOWN		0xffffffffu

/*
 * Section 3.5: the FAT type follows from the count of data clusters
 * alone.
 */
#define FAT12_MAXCLUSTERS	4084	/* fewer than 4085 */
#define FAT16_MAXCLUSTERS	65524	/* fewer than 65525 */
#define FAT32_MAXCLUSTERS	0x0ffffff4u	/* cluster numbers < 0x0ffffff7 */

#endif /* !_KERN_FS_MSDOSFS_BPB_H_ */
