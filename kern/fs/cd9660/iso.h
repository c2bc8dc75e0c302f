/*
 * iso.h: the on-disk format of ISO 9660 (ECMA-119) as this driver reads
 * it: volume descriptors, directory records, and the System Use entries
 * of SUSP / Rock Ridge (RRIP 1.10/1.12).  Offsets are in bytes from the
 * start of each structure; "both-endian" fields hold the value twice,
 * little-endian first.
 */
#ifndef _KERN_FS_CD9660_ISO_H_
#define _KERN_FS_CD9660_ISO_H_

#define ISO_SECSIZE		2048	/* the only logical block size read */
#define ISO_SECSHIFT		11
#define ISO_VD_FIRST		16	/* first volume descriptor, in sectors */
#define ISO_VD_MAX		64	/* descriptors looked at, at most */

/* Volume descriptor. */
#define ISO_VD_TYPE		0
#define ISO_VD_ID		1	/* "CD001" */
#define ISO_VD_VERSION		6
#define ISO_VD_BOOT		0
#define ISO_VD_PRIMARY		1
#define ISO_VD_SUPPLEMENTARY	2
#define ISO_VD_TERMINATOR	255
#define ISO_PVD_VOLSIZE		80	/* both-endian 32: sectors */
#define ISO_SVD_ESCAPES		88	/* 32 bytes: Joliet "%/@" "%/C" "%/E" */
#define ISO_PVD_BLKSIZE		128	/* both-endian 16 */
#define ISO_PVD_ROOT		156	/* the root's directory record */

/* Directory record. */
#define ISO_DR_LEN		0
#define ISO_DR_XARLEN		1
#define ISO_DR_EXTENT		2	/* both-endian 32 */
#define ISO_DR_SIZE		10	/* both-endian 32 */
#define ISO_DR_DATE		18	/* 7 bytes */
#define ISO_DR_FLAGS		25
#define ISO_DR_UNITSIZE		26
#define ISO_DR_GAP		27
#define ISO_DR_NAMELEN		32
#define ISO_DR_NAME		33
#define ISO_DR_MINLEN		34	/* 33 bytes and a name of one */

#define ISO_FL_HIDDEN		0x01
#define ISO_FL_DIR		0x02
#define ISO_FL_ASSOC		0x04
#define ISO_FL_MULTI		0x80	/* another extent follows */

/* SUSP / RRIP entries: signature (2), length, version, data. */
#define SUSP_HDR		4

#endif /* !_KERN_FS_CD9660_ISO_H_ */
