/*
 * direntry.h: on-disk directory entries of a FAT volume.
 *
 * A directory is an array of 32-byte slots.  A short (8.3) entry names a
 * file: 11 bytes of name in the OEM code page, padded with spaces, its
 * attributes, times, first cluster and size.  A long (VFAT) name is kept
 * in up to 20 slots right before its short entry, 13 UTF-16 units each,
 * last part first: the first slot carries LFN_LAST | n, the others n-1
 * down to 1, and every one the checksum of the short name it belongs to.
 * Free slots start with SLOT_DELETED; the first slot starting with
 * SLOT_EMPTY ends the directory (everything after it is free too).
 *
 * Source: Microsoft's "FAT: General Overview of On-Disk Format" (1.03),
 * section 6 (directory entries), section 7 (long names).
 */
#ifndef _KERN_FS_MSDOSFS_DIRENTRY_H_
#define _KERN_FS_MSDOSFS_DIRENTRY_H_

#define DE_SIZE			32	/* bytes per slot */
#define DE_SHIFT		5

/* Section 6: the short entry. */
#define DE_NAME			0	/* 11: 8 + 3, space padded */
#define DE_ATTR			11	/* 1: ATTR_* */
#define DE_NTRES		12	/* 1: NTRES_* case of the name */
#define DE_CTIMETENTH		13	/* 1: creation time, 10 ms units, 0-199 */
#define DE_CTIME		14	/* 2: creation time */
#define DE_CDATE		16	/* 2: creation date */
#define DE_ADATE		18	/* 2: last access date */
#define DE_CLUSTHI		20	/* 2: first cluster, high half (FAT32) */
#define DE_MTIME		22	/* 2: last write time */
#define DE_MDATE		24	/* 2: last write date */
#define DE_CLUSTLO		26	/* 2: first cluster, low half */
#define DE_FILESIZE		28	/* 4: bytes; 0 for directories */

#define ATTR_READONLY		0x01
#define ATTR_HIDDEN		0x02
#define ATTR_SYSTEM		0x04
#define ATTR_VOLUME		0x08
#define ATTR_DIRECTORY		0x10
#define ATTR_ARCHIVE		0x20
#define ATTR_LONGNAME		0x0f	/* RO|HIDDEN|SYSTEM|VOLUME: a VFAT slot */
#define ATTR_LONGNAME_MASK	0x3f

/* DE_NTRES: Windows NT keeps the case of an 8.3 name here. */
#define NTRES_LCBASE		0x08	/* base name in lower case */
#define NTRES_LCEXT		0x10	/* extension in lower case */

/* First byte of DE_NAME. */
#define SLOT_EMPTY		0x00	/* free, and the end of the directory */
#define SLOT_E5			0x05	/* the name starts with byte 0xE5 */
#define SLOT_DELETED		0xe5	/* free */

/*
 * Times (section 6.3): bits 15-11 hours, 10-5 minutes, 4-0 seconds / 2.
 * Dates: bits 15-9 years since 1980, 8-5 month 1-12, 4-0 day 1-31.
 */
#define DT_2SECS_SHIFT		0
#define DT_MINUTES_SHIFT	5
#define DT_HOURS_SHIFT		11
#define DD_DAY_SHIFT		0
#define DD_MONTH_SHIFT		5
#define DD_YEAR_SHIFT		9

/* Section 7: a long name slot. */
#define LFN_ORD			0	/* 1: sequence number, LFN_LAST on the last */
#define LFN_NAME1		1	/* 10: units 1-5 */
#define LFN_ATTR		11	/* 1: ATTR_LONGNAME */
#define LFN_TYPE		12	/* 1: 0 */
#define LFN_CHKSUM		13	/* 1: of the short name */
#define LFN_NAME2		14	/* 12: units 6-11 */
#define LFN_FSTCLUSLO		26	/* 2: 0 */
#define LFN_NAME3		28	/* 4: units 12-13 */

#define LFN_LAST		0x40
#define LFN_ORDMASK		0x1f
#define LFN_CHARS		13	/* UTF-16 units per slot */
#define LFN_MAXLEN		255	/* UTF-16 units in a long name */
#define LFN_MAXSLOTS		20	/* howmany(255, 13) */

#define FAT_MAXDIRSIZE		(65536 * DE_SIZE)	/* entries per directory */

#endif /* !_KERN_FS_MSDOSFS_DIRENTRY_H_ */
