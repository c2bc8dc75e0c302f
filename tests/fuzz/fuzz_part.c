/*
 * fuzz_part.c: the partition table parser alone (kern/dev/part.c), no
 * kernel boot.  The input is the start of a disk; it is scanned with
 * 512-byte and with 4096-byte sectors, the way the block device reads
 * (whole aligned sectors, EIO past the end).  Every entry found must lie
 * inside the disk, every name must be a terminated string, and each of
 * the selectors a user may give with -p must either be refused or find
 * an entry of the table: otherwise the target aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kern/dev/part.h"
#include "../../lib/hyp_errno.h"
#include "fuzz.h"

struct disk {
	const uint8_t	*d_data;
	size_t		 d_len;
	uint32_t	 d_secsize;
};

static int
disk_read(void *arg, uint64_t off, void *buf, size_t len)
{
	const struct disk *d = arg;

	if (len == 0 || len % d->d_secsize != 0 || off % d->d_secsize != 0) {
		fprintf(stderr, "fuzz_part: unaligned read of %zu bytes at "
		    "%llu\n", len, (unsigned long long)off);
		abort();
	}
	if (off > d->d_len || len > d->d_len - off)
		return HYP_EIO;
	memcpy(buf, d->d_data + off, len);
	return 0;
}

static void
check_table(const struct part_table *pt, uint64_t disksize)
{
	static const char *const specs[] = { "1", "2", "4", "5", "9", "128",
	    "a", "c", "e", "p", "0", "", "-1", "z", "1a", "99999999999",
	    "DISKLABEL:e", "DISKLABEL:3" };
	const struct part_entry *pe;
	size_t i;
	int k;

	if (pt->pt_count < 0 || pt->pt_count > PART_MAXENT)
		abort();
	for (k = 0; k < pt->pt_count; k++) {
		pe = &pt->pt_ent[k];
		if (pe->pe_offset > disksize ||
		    pe->pe_size > disksize - pe->pe_offset) {
			fprintf(stderr, "fuzz_part: entry %d (%llu, %llu) "
			    "outside the disk (%llu bytes)\n", k,
			    (unsigned long long)pe->pe_offset,
			    (unsigned long long)pe->pe_size,
			    (unsigned long long)disksize);
			abort();
		}
		if (memchr(pe->pe_name, '\0', sizeof(pe->pe_name)) == NULL)
			abort();
		if (strlen(part_typename(pe)) > 64)
			abort();
	}
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		if (part_find(pt, specs[i], &pe) == 0 &&
		    (pe < pt->pt_ent || pe >= pt->pt_ent + pt->pt_count))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct part_table pt;
	static const uint32_t secsizes[] = { 512, 4096 };
	struct disk d;
	size_t i;

	d.d_data = data;
	for (i = 0; i < sizeof(secsizes) / sizeof(secsizes[0]); i++) {
		d.d_secsize = secsizes[i];
		d.d_len = len - len % d.d_secsize;
		memset(&pt, 0, sizeof(pt));
		if (part_scan(disk_read, &d, d.d_len, d.d_secsize, &pt) == 0)
			check_table(&pt, d.d_len);
	}
	(void)part_crc32(0, data, len);
	return 0;
}
