/*
 * part.c: partition table scanner for GPT, MBR (with the EBR chain of
 * logical partitions) and BSD disklabels.
 *
 * part_scan() reads whole sectors through the caller's callback into one
 * sector buffer on its own stack and decodes every field with explicit
 * little- or big-endian decoders; nothing on disk is trusted before it is
 * checked against the disk size.  The order of detection is:
 *
 *   1. A valid MBR signature with a protective entry (type 0xEE) announces
 *	a GPT.  The primary header (LBA 1) and its entry array are checked
 *	(signature, header size, header CRC32, my_lba, usable range, entry
 *	size and count, array placement, array CRC32).  If either is bad,
 *	the backup header is tried, first at the primary's alternate_lba
 *	when the primary header itself was good, then at the last LBA.  If
 *	no copy is good, part_scan() fails with EFTYPE: the disk says it
 *	has a GPT, and guessing from the protective MBR would be wrong.
 *   2. Otherwise a sane MBR: signature 0x55AA, every status byte 0x00 or
 *	0x80, every used entry starting inside the disk after sector 0.
 *	One insane entry makes the whole sector "not an MBR" (a FAT boot
 *	sector also ends in 0x55AA), and so does a sector with no used entry
 *	at all.  Extended partitions (0x05, 0x0F, 0x85) are listed under
 *	their primary index, as sfdisk does, and their EBR chain is followed:
 *	logical partitions are numbered 5, 6, ... in chain order, as Linux
 *	does.  The chain is cut at MBR_MAXEBR links, at an EBR seen before,
 *	at a link outside the extended partition, and at an EBR without the
 *	0x55AA signature.
 *   3. BSD disklabels: inside the first MBR partition of type 0xA9
 *	(NetBSD), 0xA6 (OpenBSD) or 0xA5 (FreeBSD) that holds one in its
 *	sector 1, else in sector 1 of the disk (NetBSD/i386 LABELSECTOR 1).
 *	The sector is searched at every 4-byte-aligned offset for the magic
 *	in either byte order; d_secsize must be the disk's sector size.
 *	Offsets are from the start of the disk, except in FreeBSD slices
 *	(see dl_add()).  Label entries are added after the MBR ones;
 *	pt_scheme is PART_DISKLABEL only when the label is the sole table.
 *	GPT disks are not searched for labels.
 *
 * Entries whose extent does not lie inside the disk (or inside the GPT
 * usable area, or inside their extended partition) are rejected, not
 * clipped: a partial file system is worse than none.  A rejected entry
 * still uses up its index, so the numbers of the others stay the ones
 * Linux and sfdisk show.  Disklabel entries are 'a'..'p' (index 0..15);
 * later slots of a label with up to DL_MAXPART are not listed.  When more
 * than PART_MAXENT entries are found, the rest are ignored.  Errors:
 * EINVAL for bad arguments, EFTYPE for a GPT with no good copy, or the
 * error the read callback returned; *pt is then empty.
 */
#include "../sys/param.h"
#include "../sys/systm.h"
#include "part.h"

#define PART_MINSECSIZE	512
#define PART_MAXSECSIZE	4096

/*
 * MBR (IBM PC boot sector), sector 0 and every EBR:
 *   446  4 entries of 16 bytes
 *   510  signature 0x55 0xAA
 * Entry: 0 status (1), 1 CHS first (3), 4 system id (1), 5 CHS last (3),
 * 8 first LBA (4, le), 12 sector count (4, le).  CHS fields are ignored.
 */
#define MBR_PART_OFF	446
#define MBR_PART_SIZE	16
#define MBR_NPART	4
#define MBR_SIG_OFF	510
#define MBR_MAXEBR	128	/* longest EBR chain followed */
#define MBR_FIRSTLOG	5	/* index of the first logical partition */

#define MBR_TYPE_EXT	0x05
#define MBR_TYPE_EXTLBA	0x0f
#define MBR_TYPE_LINEXT	0x85
#define MBR_TYPE_FREEBSD 0xa5
#define MBR_TYPE_OPENBSD 0xa6
#define MBR_TYPE_NETBSD	0xa9
#define MBR_TYPE_GPT	0xee

struct mbr_ent {
	uint8_t		me_status;
	uint8_t		me_type;
	uint32_t	me_start;	/* sectors */
	uint32_t	me_size;	/* sectors */
};

/*
 * GPT header (UEFI 2.10, section 5.3.2), LBA 1 and the last LBA:
 *   0 signature "EFI PART" (8), 8 revision (4), 12 header size (4),
 *   16 header CRC32 (4), 20 reserved (4), 24 my_lba (8), 32 alternate_lba
 *   (8), 40 first usable LBA (8), 48 last usable LBA (8), 56 disk GUID
 *   (16), 72 entry array LBA (8), 80 entry count (4), 84 entry size (4),
 *   88 entry array CRC32 (4); 92 bytes.
 * GPT entry (section 5.3.3):
 *   0 type GUID (16), 16 unique GUID (16), 32 first LBA (8), 40 last LBA
 *   (8, inclusive), 48 attributes (8), 56 name (72, UTF-16LE).
 */
#define GPT_HDR_MINSIZE	92
#define GPT_HDR_CRC_OFF	16
#define GPT_ENT_MINSIZE	128
#define GPT_NAME_OFF	56
#define GPT_NAME_UNITS	36
#define GPT_MAXARRAY	(1024 * 1024)	/* largest array accepted */

struct gpt_hdr {
	uint64_t	gh_mylba;
	uint64_t	gh_altlba;
	uint64_t	gh_first;	/* first usable LBA */
	uint64_t	gh_last;	/* last usable LBA */
	uint64_t	gh_entlba;
	uint32_t	gh_nent;
	uint32_t	gh_entsz;
	uint32_t	gh_entcrc;
};

/*
 * BSD disklabel (NetBSD sys/sys/disklabel.h):
 *   0 d_magic (4), 40 d_secsize (4), 132 d_magic2 (4), 136 d_checksum
 *   (2), 138 d_npartitions (2), 148 d_partitions[], 16 bytes each:
 *   0 p_size (4), 4 p_offset (4), 8 p_fsize (4), 12 p_fstype (1),
 *   13 p_frag (1), 14 p_cpg (2).
 * The checksum makes the XOR of all 16-bit words from d_magic to the end
 * of d_partitions[d_npartitions] zero.
 */
#define DL_MAGIC	0x82564557U
#define DL_SECSIZE_OFF	40
#define DL_MAGIC2_OFF	132
#define DL_NPART_OFF	138
#define DL_PART_OFF	148
#define DL_PART_SIZE	16
#define DL_MAXPART	22	/* what fits in a 512-byte sector */
#define DL_NLETTERS	16	/* 'a'..'p' are listed */
#define DL_LABELSECTOR	1

/* State of one part_scan() call. */
struct part_scan {
	part_read_fn	ps_read;
	void		*ps_arg;
	uint64_t	ps_nsect;	/* whole sectors on the disk */
	uint32_t	ps_secsize;
	struct part_table *ps_pt;
};

static uint16_t
le16dec(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32dec(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64dec(const uint8_t *p)
{
	return (uint64_t)le32dec(p) | (uint64_t)le32dec(p + 4) << 32;
}

static uint32_t
be32dec(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), 4 bits a step. */
static const uint32_t crc32_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
	0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
	0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

/*
 * Continue the CRC-32 crc (0 to start) over len bytes of buf, in the
 * zlib convention: part_crc32(part_crc32(0, a, n), b, m) is the CRC of
 * a followed by b.
 */
uint32_t
part_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len-- > 0) {
		crc ^= *p++;
		crc = (crc >> 4) ^ crc32_nibble[crc & 0xf];
		crc = (crc >> 4) ^ crc32_nibble[crc & 0xf];
	}
	return ~crc;
}

/* Read sector lba into buf, which holds ps_secsize bytes. */
static int
readsec(struct part_scan *ps, uint64_t lba, uint8_t *buf)
{
	if (lba >= ps->ps_nsect)
		return EFTYPE;
	return (*ps->ps_read)(ps->ps_arg, lba * ps->ps_secsize, buf,
	    ps->ps_secsize);
}

/* Whether [start, start + size) is non-empty and inside [lo, hi). */
static bool
extent_inside(uint64_t start, uint64_t size, uint64_t lo, uint64_t hi)
{
	return size > 0 && start >= lo && start < hi && size <= hi - start;
}

/*
 * Append an entry covering sectors [start, start + size); NULL (and a
 * message) when the table is full.
 */
static struct part_entry *
part_add(struct part_scan *ps, int scheme, int index, uint64_t start,
    uint64_t size)
{
	struct part_table *pt = ps->ps_pt;
	struct part_entry *pe;

	if (pt->pt_count >= PART_MAXENT) {
		kverbose("part: more than %d partitions, ignoring the rest\n",
		    PART_MAXENT);
		return NULL;
	}
	pe = &pt->pt_ent[pt->pt_count++];
	memset(pe, 0, sizeof(*pe));
	pe->pe_scheme = scheme;
	pe->pe_index = index;
	pe->pe_offset = start * ps->ps_secsize;
	pe->pe_size = size * ps->ps_secsize;
	return pe;
}

/* ------------------------------------------------------------ disklabel */

static uint16_t
dl16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : le16dec(p);
}

static uint32_t
dl32(const uint8_t *p, bool be)
{
	return be ? be32dec(p) : le32dec(p);
}

/*
 * Whether a valid disklabel starts at byte off of the sector sec; sets
 * *bep to its byte order.
 */
static bool
dl_check(const struct part_scan *ps, const uint8_t *sec, size_t off,
    bool *bep)
{
	size_t len, i;
	uint16_t npart, sum;
	bool be;

	if (off + DL_PART_OFF > ps->ps_secsize)
		return false;
	if (le32dec(sec + off) == DL_MAGIC)
		be = false;
	else if (be32dec(sec + off) == DL_MAGIC)
		be = true;
	else
		return false;
	if (dl32(sec + off + DL_MAGIC2_OFF, be) != DL_MAGIC)
		return false;
	npart = dl16(sec + off + DL_NPART_OFF, be);
	len = DL_PART_OFF + (size_t)npart * DL_PART_SIZE;
	if (npart > DL_MAXPART || off + len > ps->ps_secsize)
		return false;
	/* The XOR is zero in either byte order or in neither. */
	sum = 0;
	for (i = 0; i < len; i += 2)
		sum ^= le16dec(sec + off + i);
	if (sum != 0)
		return false;
	if (dl32(sec + off + DL_SECSIZE_OFF, be) != ps->ps_secsize)
		return false;
	*bep = be;
	return true;
}

/*
 * Add the partitions of the label at byte off of sec.  slice is the
 * first sector of the MBR partition holding the label (0 for a label in
 * sector 1 of the disk).  NetBSD and OpenBSD store offsets from the start
 * of the disk; FreeBSD labels in a 0xA5 slice may store them from the
 * start of the slice: if any used partition starts before the slice,
 * all offsets of that label are taken as relative to it.
 */
static void
dl_add(struct part_scan *ps, const uint8_t *sec, size_t off, bool be,
    uint64_t slice, uint8_t slicetype)
{
	const uint8_t *p, *parts = sec + off + DL_PART_OFF;
	struct part_entry *pe;
	uint64_t base = 0;
	uint32_t size, start;
	int i, npart;

	npart = MIN(dl16(sec + off + DL_NPART_OFF, be), DL_NLETTERS);
	for (i = 0; i < npart && slicetype == MBR_TYPE_FREEBSD; i++) {
		p = parts + i * DL_PART_SIZE;
		if (dl32(p, be) != 0 && dl32(p + 4, be) < slice)
			base = slice;
	}
	for (i = 0; i < npart; i++) {
		p = parts + i * DL_PART_SIZE;
		size = dl32(p, be);
		start = dl32(p + 4, be);
		if (size == 0)
			continue;
		if (!extent_inside(base + start, size, 0, ps->ps_nsect)) {
			kverbose("part: disklabel partition %c outside the "
			    "disk, ignored\n", 'a' + i);
			continue;
		}
		pe = part_add(ps, PART_DISKLABEL, i, base + start, size);
		if (pe == NULL)
			return;
		pe->pe_fstype = p[12];
	}
}

/*
 * Look for a disklabel in sector DL_LABELSECTOR of the area starting at
 * sector slice (of type slicetype, 0 for the whole disk) and add its
 * partitions.  *foundp tells whether one was found.
 */
static int
dl_scan(struct part_scan *ps, uint8_t *sec, uint64_t slice,
    uint8_t slicetype, bool *foundp)
{
	size_t off;
	int error;
	bool be;

	*foundp = false;
	if (slice + DL_LABELSECTOR >= ps->ps_nsect)
		return 0;
	if ((error = readsec(ps, slice + DL_LABELSECTOR, sec)) != 0)
		return error;
	for (off = 0; off + DL_PART_OFF <= ps->ps_secsize; off += 4) {
		if (!dl_check(ps, sec, off, &be))
			continue;
		dl_add(ps, sec, off, be, slice, slicetype);
		*foundp = true;
		return 0;
	}
	return 0;
}

/* ------------------------------------------------------------------ MBR */

static void
mbr_decode(const uint8_t *sec, int i, struct mbr_ent *me)
{
	const uint8_t *p = sec + MBR_PART_OFF + i * MBR_PART_SIZE;

	me->me_status = p[0];
	me->me_type = p[4];
	me->me_start = le32dec(p + 8);
	me->me_size = le32dec(p + 12);
}

static bool
mbr_signed(const uint8_t *sec)
{
	return sec[MBR_SIG_OFF] == 0x55 && sec[MBR_SIG_OFF + 1] == 0xaa;
}

static bool
mbr_used(const struct mbr_ent *me)
{
	return me->me_type != 0 && me->me_size != 0;
}

static bool
mbr_extended(uint8_t type)
{
	return type == MBR_TYPE_EXT || type == MBR_TYPE_EXTLBA ||
	    type == MBR_TYPE_LINEXT;
}

static bool
mbr_bsd(uint8_t type)
{
	return type == MBR_TYPE_NETBSD || type == MBR_TYPE_OPENBSD ||
	    type == MBR_TYPE_FREEBSD;
}

/*
 * Whether the four primary entries look like a partition table: status
 * bytes 0x00 or 0x80, used entries starting inside the disk after the
 * MBR, and at least one used entry.
 */
static bool
mbr_sane(const struct part_scan *ps, const struct mbr_ent *me)
{
	int i, nused = 0;

	for (i = 0; i < MBR_NPART; i++) {
		if (me[i].me_status != 0x00 && me[i].me_status != 0x80)
			return false;
		if (!mbr_used(&me[i]))
			continue;
		if (me[i].me_start == 0 || me[i].me_start >= ps->ps_nsect)
			return false;
		nused++;
	}
	return nused > 0;
}

/* Add one MBR partition unless it runs past the end of the disk. */
static struct part_entry *
mbr_add(struct part_scan *ps, int index, uint64_t start, uint64_t size,
    uint64_t lo, uint64_t hi, uint8_t type)
{
	struct part_entry *pe;

	if (!extent_inside(start, size, lo, hi)) {
		kverbose("part: MBR partition %d outside the disk or its "
		    "extended partition, ignored\n", index);
		return NULL;
	}
	pe = part_add(ps, PART_MBR, index, start, size);
	if (pe != NULL)
		pe->pe_mbrtype = type;
	return pe;
}

/*
 * Follow the EBR chain of the extended partition [ext, ext + extsize)
 * and add its logical partitions, numbered from *nextp.  In each EBR the
 * first entry is the logical partition, relative to that EBR, and the
 * second links to the next EBR, relative to the extended partition.
 */
static int
mbr_chain(struct part_scan *ps, uint8_t *sec, uint64_t ext, uint64_t extsize,
    int *nextp)
{
	uint64_t seen[MBR_MAXEBR], ebr = ext;
	struct mbr_ent log, link;
	int n, i, error;

	for (n = 0; n < MBR_MAXEBR; n++) {
		for (i = 0; i < n; i++) {
			if (seen[i] == ebr) {
				kverbose("part: EBR chain loops\n");
				return 0;
			}
		}
		seen[n] = ebr;
		if ((error = readsec(ps, ebr, sec)) != 0)
			return error;
		if (!mbr_signed(sec))
			return 0;
		mbr_decode(sec, 0, &log);
		mbr_decode(sec, 1, &link);
		if (mbr_used(&log) && !mbr_extended(log.me_type)) {
			(void)mbr_add(ps, *nextp, ebr + log.me_start,
			    log.me_size, ebr + 1, ext + extsize, log.me_type);
			(*nextp)++;
		}
		if (!mbr_used(&link) || !mbr_extended(link.me_type))
			return 0;
		if (link.me_start == 0 || link.me_start >= extsize) {
			kverbose("part: EBR link outside the extended "
			    "partition\n");
			return 0;
		}
		ebr = ext + link.me_start;
	}
	kverbose("part: EBR chain longer than %d, cut\n", MBR_MAXEBR);
	return 0;
}

/*
 * Add the primary partitions me[], the logical ones of every extended
 * partition, then the disklabel of the first BSD partition that has one
 * (or of the disk).
 */
static int
mbr_scan(struct part_scan *ps, uint8_t *sec, const struct mbr_ent *me)
{
	struct part_table *pt = ps->ps_pt;
	struct part_entry *pe;
	int i, n, next = MBR_FIRSTLOG, error;
	bool found = false;

	pt->pt_scheme = PART_MBR;
	for (i = 0; i < MBR_NPART; i++) {
		if (!mbr_used(&me[i]))
			continue;
		pe = mbr_add(ps, i + 1, me[i].me_start, me[i].me_size, 1,
		    ps->ps_nsect, me[i].me_type);
		if (pe == NULL || !mbr_extended(me[i].me_type))
			continue;
		error = mbr_chain(ps, sec, me[i].me_start, me[i].me_size,
		    &next);
		if (error != 0)
			return error;
	}
	n = pt->pt_count;
	for (i = 0; i < n && !found; i++) {
		pe = &pt->pt_ent[i];
		if (!mbr_bsd(pe->pe_mbrtype))
			continue;
		error = dl_scan(ps, sec, pe->pe_offset / ps->ps_secsize,
		    pe->pe_mbrtype, &found);
		if (error != 0)
			return error;
	}
	if (!found)
		return dl_scan(ps, sec, 0, 0, &found);
	return 0;
}

/* ------------------------------------------------------------------ GPT */

/*
 * Read the GPT header in sector lba and check it; *okp says whether it is
 * good.  Returns only I/O errors.
 */
static int
gpt_read_hdr(struct part_scan *ps, uint8_t *sec, uint64_t lba,
    struct gpt_hdr *gh, bool *okp)
{
	static const uint8_t zero[4];
	uint64_t nsec, n = ps->ps_nsect;
	uint32_t hsize, crc;
	int error;

	*okp = false;
	if ((error = readsec(ps, lba, sec)) != 0)
		return error;
	if (memcmp(sec, "EFI PART", 8) != 0)
		return 0;
	hsize = le32dec(sec + 12);
	if (hsize < GPT_HDR_MINSIZE || hsize > ps->ps_secsize)
		return 0;
	crc = part_crc32(0, sec, GPT_HDR_CRC_OFF);
	crc = part_crc32(crc, zero, sizeof(zero));
	crc = part_crc32(crc, sec + GPT_HDR_CRC_OFF + 4,
	    hsize - GPT_HDR_CRC_OFF - 4);
	if (crc != le32dec(sec + GPT_HDR_CRC_OFF))
		return 0;
	gh->gh_mylba = le64dec(sec + 24);
	gh->gh_altlba = le64dec(sec + 32);
	gh->gh_first = le64dec(sec + 40);
	gh->gh_last = le64dec(sec + 48);
	gh->gh_entlba = le64dec(sec + 72);
	gh->gh_nent = le32dec(sec + 80);
	gh->gh_entsz = le32dec(sec + 84);
	gh->gh_entcrc = le32dec(sec + 88);
	if (gh->gh_mylba != lba || gh->gh_first < 2 ||
	    gh->gh_first > gh->gh_last || gh->gh_last >= n ||
	    (lba >= gh->gh_first && lba <= gh->gh_last))
		return 0;
	if (gh->gh_entsz < GPT_ENT_MINSIZE || gh->gh_entsz > ps->ps_secsize ||
	    !powerof2(gh->gh_entsz))
		return 0;
	if (gh->gh_nent == 0 ||
	    gh->gh_nent > GPT_MAXARRAY / gh->gh_entsz)
		return 0;
	/* The array lies in the disk, off the header and the usable area. */
	nsec = howmany((uint64_t)gh->gh_nent * gh->gh_entsz, ps->ps_secsize);
	if (!extent_inside(gh->gh_entlba, nsec, 2, n) ||
	    (lba >= gh->gh_entlba && lba < gh->gh_entlba + nsec) ||
	    (gh->gh_entlba <= gh->gh_last &&
	    gh->gh_entlba + nsec > gh->gh_first))
		return 0;
	*okp = true;
	return 0;
}

/* Convert one code point to UTF-8 in u[4]; returns the length. */
static size_t
utf8_encode(uint32_t c, uint8_t *u)
{
	if (c < 0x80) {
		u[0] = (uint8_t)c;
		return 1;
	}
	if (c < 0x800) {
		u[0] = (uint8_t)(0xc0 | c >> 6);
		u[1] = (uint8_t)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		u[0] = (uint8_t)(0xe0 | c >> 12);
		u[1] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
		u[2] = (uint8_t)(0x80 | (c & 0x3f));
		return 3;
	}
	u[0] = (uint8_t)(0xf0 | c >> 18);
	u[1] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
	u[2] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
	u[3] = (uint8_t)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * Convert the UTF-16LE name of GPT_NAME_UNITS units at p into UTF-8 in
 * out[len], stopping at a NUL unit.  Unpaired surrogates become U+FFFD; a
 * character that does not fit whole ends the name.
 */
static void
gpt_name(const uint8_t *p, char *out, size_t len)
{
	uint8_t u[4];
	uint32_t c, lo;
	size_t i, o = 0, n;

	for (i = 0; i < GPT_NAME_UNITS; i++) {
		c = le16dec(p + 2 * i);
		if (c == 0)
			break;
		lo = i + 1 < GPT_NAME_UNITS ? le16dec(p + 2 * i + 2) : 0;
		if (c >= 0xd800 && c <= 0xdbff && lo >= 0xdc00 &&
		    lo <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c <= 0xdfff)
			c = 0xfffd;
		n = utf8_encode(c, u);
		if (o + n >= len)
			break;
		memcpy(out + o, u, n);
		o += n;
	}
	out[o] = '\0';
}

/* Add the GPT entry at p, number index, if it is used and sane. */
static void
gpt_add(struct part_scan *ps, const struct gpt_hdr *gh, const uint8_t *p,
    int index)
{
	static const uint8_t nullguid[16];
	struct part_entry *pe;
	uint64_t first, last;

	if (memcmp(p, nullguid, sizeof(nullguid)) == 0)
		return;
	first = le64dec(p + 32);
	last = le64dec(p + 40);
	if (first > last || first < gh->gh_first || last > gh->gh_last) {
		kverbose("part: GPT partition %d outside the usable area, "
		    "ignored\n", index);
		return;
	}
	pe = part_add(ps, PART_GPT, index, first, last - first + 1);
	if (pe == NULL)
		return;
	memcpy(pe->pe_typeguid, p, sizeof(pe->pe_typeguid));
	gpt_name(p + GPT_NAME_OFF, pe->pe_name, sizeof(pe->pe_name));
}

/*
 * Read the entry array of the good header gh, add its entries and check
 * its CRC; on a mismatch the entries are taken back and *okp is false.
 */
static int
gpt_read_entries(struct part_scan *ps, uint8_t *sec,
    const struct gpt_hdr *gh, bool *okp)
{
	struct part_table *pt = ps->ps_pt;
	uint64_t left, lba = gh->gh_entlba;
	uint32_t crc = 0, i, off, chunk, index = 1;
	int error;

	*okp = false;
	left = (uint64_t)gh->gh_nent * gh->gh_entsz;
	for (; left > 0; lba++, left -= chunk) {
		if ((error = readsec(ps, lba, sec)) != 0)
			return error;
		chunk = (uint32_t)MIN(left, ps->ps_secsize);
		crc = part_crc32(crc, sec, chunk);
		for (off = 0; off < chunk; off += gh->gh_entsz)
			gpt_add(ps, gh, sec + off, (int)index++);
	}
	if (crc != gh->gh_entcrc) {
		for (i = 0; i < (uint32_t)pt->pt_count; i++)
			memset(&pt->pt_ent[i], 0, sizeof(pt->pt_ent[i]));
		pt->pt_count = 0;
		return 0;
	}
	*okp = true;
	return 0;
}

/* Try the GPT header at lba and its array; *okp says whether both are good. */
static int
gpt_try(struct part_scan *ps, uint8_t *sec, uint64_t lba,
    struct gpt_hdr *gh, bool *okp)
{
	int error;

	error = gpt_read_hdr(ps, sec, lba, gh, okp);
	if (error != 0 || !*okp)
		return error;
	return gpt_read_entries(ps, sec, gh, okp);
}

/* Read the GPT announced by a protective MBR, falling back to the backup. */
static int
gpt_scan(struct part_scan *ps, uint8_t *sec)
{
	struct gpt_hdr gh;
	uint64_t last = ps->ps_nsect - 1, alt = 0;
	int error;
	bool ok, hdrok;

	if ((error = gpt_read_hdr(ps, sec, 1, &gh, &hdrok)) != 0)
		return error;
	if (hdrok) {
		if ((error = gpt_read_entries(ps, sec, &gh, &ok)) != 0)
			return error;
		if (ok)
			goto out_found;
		alt = gh.gh_altlba;
		kverbose("part: bad primary GPT entry array\n");
	} else
		kverbose("part: bad primary GPT header\n");
	ps->ps_pt->pt_gpt_backup = true;
	if (alt > 1 && alt < last) {
		if ((error = gpt_try(ps, sec, alt, &gh, &ok)) != 0)
			return error;
		if (ok)
			goto out_found;
	}
	if ((error = gpt_try(ps, sec, last, &gh, &ok)) != 0)
		return error;
	if (ok)
		goto out_found;
	kverbose("part: no good GPT header\n");
	return EFTYPE;

out_found:
	ps->ps_pt->pt_scheme = PART_GPT;
	return 0;
}

/* ------------------------------------------------------------ interface */

static int
scan(struct part_scan *ps, uint8_t *sec)
{
	struct mbr_ent me[MBR_NPART];
	int i, error;
	bool found;

	if ((error = readsec(ps, 0, sec)) != 0)
		return error;
	if (mbr_signed(sec)) {
		for (i = 0; i < MBR_NPART; i++)
			mbr_decode(sec, i, &me[i]);
		for (i = 0; i < MBR_NPART; i++)
			if (me[i].me_type == MBR_TYPE_GPT)
				return gpt_scan(ps, sec);
		if (mbr_sane(ps, me))
			return mbr_scan(ps, sec, me);
	}
	if ((error = dl_scan(ps, sec, 0, 0, &found)) != 0)
		return error;
	if (found)
		ps->ps_pt->pt_scheme = PART_DISKLABEL;
	return 0;
}

/*
 * Find the partition tables of a disk of disksize bytes and secsize-byte
 * sectors, reading through read(arg, ...), and fill in *pt.  A disk with
 * no table gives PART_NONE and no entries; on error *pt is empty too.
 */
int
part_scan(part_read_fn read, void *arg, uint64_t disksize, uint32_t secsize,
    struct part_table *pt)
{
	uint8_t sec[PART_MAXSECSIZE];
	struct part_scan ps;
	int error;

	if (pt == NULL)
		return EINVAL;
	memset(pt, 0, sizeof(*pt));
	pt->pt_scheme = PART_NONE;
	if (read == NULL || secsize < PART_MINSECSIZE ||
	    secsize > PART_MAXSECSIZE || !powerof2(secsize))
		return EINVAL;
	ps.ps_read = read;
	ps.ps_arg = arg;
	ps.ps_nsect = disksize / secsize;
	ps.ps_secsize = secsize;
	ps.ps_pt = pt;
	if (ps.ps_nsect < 2)
		return 0;
	error = scan(&ps, sec);
	if (error != 0) {
		memset(pt, 0, sizeof(*pt));
		pt->pt_scheme = PART_NONE;
	}
	return error;
}

/* Whether spec is a single disklabel letter. */
static bool
dl_letter(const char *spec)
{
	return spec[0] >= 'a' && spec[0] < 'a' + DL_NLETTERS &&
	    spec[1] == '\0';
}

/*
 * Find the entry named by spec: a decimal MBR/GPT index ("3"), or a
 * disklabel letter 'a'..'p', bare or as "DISKLABEL:e".  EINVAL for any
 * other spec, ENOENT when the table has no such entry.
 */
int
part_find(const struct part_table *pt, const char *spec,
    const struct part_entry **pep)
{
	static const char dlprefix[] = "DISKLABEL:";
	const struct part_entry *pe;
	int i, index = 0;
	bool label, big = false;

	if (pt == NULL || spec == NULL || pep == NULL)
		return EINVAL;
	if (strncmp(spec, dlprefix, sizeof(dlprefix) - 1) == 0) {
		spec += sizeof(dlprefix) - 1;
		if (!dl_letter(spec))
			return EINVAL;
	}
	if (dl_letter(spec)) {
		label = true;
		index = spec[0] - 'a';
	} else if (spec[0] >= '0' && spec[0] <= '9') {
		label = false;
		for (; *spec >= '0' && *spec <= '9'; spec++) {
			if (index > 100000)
				big = true;
			else
				index = index * 10 + (*spec - '0');
		}
		if (*spec != '\0')
			return EINVAL;
		if (big)
			return ENOENT;
	} else
		return EINVAL;
	for (i = 0; i < pt->pt_count && i < PART_MAXENT; i++) {
		pe = &pt->pt_ent[i];
		if (pe->pe_index == index &&
		    (pe->pe_scheme == PART_DISKLABEL) == label) {
			*pep = pe;
			return 0;
		}
	}
	return ENOENT;
}

/* GPT partition types, by GUID in its usual text form. */
static const struct {
	const char	*gt_guid;
	const char	*gt_name;
} gpt_types[] = {
	{ "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System" },
	{ "21686148-6449-6E6F-744E-656564454649", "BIOS boot" },
	{ "024DEE41-33E7-11D3-9D69-0008C781F39F", "MBR partition scheme" },
	{ "E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "Microsoft reserved" },
	{ "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data" },
	{ "DE94BBA4-06D1-4D40-A16A-BFD50179D6AC", "Windows recovery" },
	{ "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem" },
	{ "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap" },
	{ "E6D6D379-F507-44C2-A23C-238F2A3DF928", "Linux LVM" },
	{ "A19D880F-05FC-4D3B-A006-743F0F84911E", "Linux RAID" },
	{ "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "Linux root (x86-64)" },
	{ "933AC7E1-2EB4-4F13-B844-0E14E2AEF915", "Linux home" },
	{ "83BD6B9D-7F41-11DC-BE0B-001560B84F0F", "FreeBSD boot" },
	{ "516E7CB4-6ECF-11D6-8FF8-00022D09712B", "FreeBSD disklabel" },
	{ "516E7CB5-6ECF-11D6-8FF8-00022D09712B", "FreeBSD swap" },
	{ "516E7CB6-6ECF-11D6-8FF8-00022D09712B", "FreeBSD UFS" },
	{ "516E7CBA-6ECF-11D6-8FF8-00022D09712B", "FreeBSD ZFS" },
	{ "49F48D32-B10E-11DC-B99B-0019D1879648", "NetBSD swap" },
	{ "49F48D5A-B10E-11DC-B99B-0019D1879648", "NetBSD FFS" },
	{ "49F48D82-B10E-11DC-B99B-0019D1879648", "NetBSD LFS" },
	{ "49F48DAA-B10E-11DC-B99B-0019D1879648", "NetBSD RAID" },
	{ "2DB519C4-B10F-11DC-B99B-0019D1879648", "NetBSD concatenated" },
	{ "2DB519EC-B10F-11DC-B99B-0019D1879648", "NetBSD encrypted" },
	{ "824CC7A0-36A8-11E3-890A-952519AD3F61", "OpenBSD data" },
	{ "48465300-0000-11AA-AA11-00306543ECAC", "Apple HFS+" },
	{ "7C3457EF-0000-11AA-AA11-00306543ECAC", "Apple APFS" },
};

/* MBR system ids. */
static const struct {
	uint8_t		mt_type;
	const char	*mt_name;
} mbr_types[] = {
	{ 0x01, "FAT12" },
	{ 0x04, "FAT16 <32M" },
	{ 0x05, "Extended" },
	{ 0x06, "FAT16" },
	{ 0x07, "NTFS/exFAT" },
	{ 0x0b, "FAT32" },
	{ 0x0c, "FAT32 (LBA)" },
	{ 0x0e, "FAT16 (LBA)" },
	{ 0x0f, "Extended (LBA)" },
	{ 0x82, "Linux swap" },
	{ 0x83, "Linux" },
	{ 0x85, "Linux extended" },
	{ 0x8e, "Linux LVM" },
	{ 0xa5, "FreeBSD" },
	{ 0xa6, "OpenBSD" },
	{ 0xa9, "NetBSD" },
	{ 0xee, "GPT" },
	{ 0xef, "EFI System" },
	{ 0xfd, "Linux RAID" },
};

/* Disklabel p_fstype values (NetBSD FS_*), indexed by value. */
static const char *const dl_fstypes[] = {
	"unused", "swap", "Version 6", "Version 7", "System V", "4.1BSD",
	"Eighth Edition", "4.2BSD", "MSDOS", "4.4LFS", "unknown", "HPFS",
	"ISO9660", "boot", "ADOS", "HFS", "FILECORE", "ext2fs", "NTFS",
	"RAID", "ccd", "jfs", "Apple UFS", "vinum", "UDF", "SysVBFS", "EFS",
	"NiLFS", "cgd",
};

/* The text form of a GUID stored in the mixed-endian GPT layout. */
static void
guid_text(const uint8_t *g, char *buf, size_t len)
{
	snprintf(buf, len, "%08X-%04X-%04X-%02X%02X-"
	    "%02X%02X%02X%02X%02X%02X", le32dec(g), le16dec(g + 4),
	    le16dec(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14],
	    g[15]);
}

/* A short human name for the type of pe; "unknown" when there is none. */
const char *
part_typename(const struct part_entry *pe)
{
	char guid[40];
	size_t i;

	if (pe == NULL)
		return "unknown";
	switch (pe->pe_scheme) {
	case PART_GPT:
		guid_text(pe->pe_typeguid, guid, sizeof(guid));
		for (i = 0; i < __arraycount(gpt_types); i++)
			if (strcmp(guid, gpt_types[i].gt_guid) == 0)
				return gpt_types[i].gt_name;
		break;
	case PART_MBR:
		for (i = 0; i < __arraycount(mbr_types); i++)
			if (pe->pe_mbrtype == mbr_types[i].mt_type)
				return mbr_types[i].mt_name;
		break;
	case PART_DISKLABEL:
		if (pe->pe_fstype < __arraycount(dl_fstypes))
			return dl_fstypes[pe->pe_fstype];
		break;
	}
	return "unknown";
}
