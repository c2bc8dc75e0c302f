/*
 * part.h: partition tables: MBR (with extended and logical partitions),
 * GPT (header and entry-array CRC32 checked; the backup header is used
 * when the primary is bad) and BSD disklabels.
 *
 * part_scan() reads through a callback, so it works on a blkdev or on a
 * buffer in a test, and never trusts a field before checking it: every
 * entry is clipped against the disk size and rejected when it lies
 * outside.
 */
#ifndef _KERN_DEV_PART_H_
#define _KERN_DEV_PART_H_

#include "../sys/ktypes.h"

#define PART_MAXENT	128

/* Schemes. */
#define PART_NONE	0
#define PART_MBR	1
#define PART_GPT	2
#define PART_DISKLABEL	3

struct part_entry {
	int		pe_scheme;	/* PART_MBR, PART_GPT, PART_DISKLABEL */
	int		pe_index;	/* MBR/GPT: 1..N; disklabel: 0 = 'a' */
	uint64_t	pe_offset;	/* bytes from the start of the disk */
	uint64_t	pe_size;	/* bytes */
	uint8_t		pe_mbrtype;	/* MBR system id */
	uint8_t		pe_fstype;	/* disklabel p_fstype */
	uint8_t		pe_typeguid[16]; /* GPT partition type GUID */
	char		pe_name[72];	/* GPT name in UTF-8, or "" */
};

struct part_table {
	int		pt_scheme;	/* the outer table found */
	int		pt_count;
	bool		pt_gpt_backup;	/* the GPT backup header was used */
	struct part_entry pt_ent[PART_MAXENT];
};

/* Read len bytes at byte offset off; returns 0 or an error number. */
typedef int (*part_read_fn)(void *, uint64_t, void *, size_t);

int	part_scan(part_read_fn, void *, uint64_t, uint32_t,
	    struct part_table *);
int	part_find(const struct part_table *, const char *,
	    const struct part_entry **);
const char *part_typename(const struct part_entry *);
uint32_t part_crc32(uint32_t, const void *, size_t);

#endif /* !_KERN_DEV_PART_H_ */
