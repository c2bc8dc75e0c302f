/*
 * t_part.c: partition table scanning (kern/dev/part.c).  MBR and GPT
 * images are made at test time by sfdisk and sgdisk, FAT boot sectors by
 * mkfs.fat; disklabels, EBR chains and hostile tables are written byte by
 * byte here.  The scanner reads through pread(2) on the image file, or
 * through a memory buffer for the fuzz case.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../kern/dev/part.h"
#include "../../lib/hyp_errno.h"
#include "../common/h_util.h"

#define MIB		(1024 * 1024)
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define DL_MAGIC	0x82564557U

#define GUID_EFI	"C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
#define GUID_LINUX	"0FC63DAF-8483-4772-8E79-3D69D8477DE4"
#define GUID_SWAP	"0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"
#define GUID_NBSDFFS	"49F48D5A-B10E-11DC-B99B-0019D1879648"

/* ------------------------------------------------------------- helpers */

static void
put16(uint8_t *p, uint16_t v, bool be)
{
	p[be ? 1 : 0] = (uint8_t)v;
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v, bool be)
{
	int i;

	for (i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v, false);
	put32(p + 4, (uint32_t)(v >> 32), false);
}

static uint16_t
get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* A whole image in memory. */
struct img {
	uint8_t	*buf;
	size_t	 size;
	uint32_t secsize;	/* reads must be whole aligned sectors */
	int	 nreads;
	uint64_t failfrom;	/* reads at or past this offset fail */
};

static int
mem_read(void *arg, uint64_t off, void *buf, size_t len)
{
	struct img *im = arg;

	im->nreads++;
	ATF_CHECK_EQ(len, im->secsize);
	ATF_CHECK_EQ(off % im->secsize, 0);
	if (off >= im->failfrom)
		return HYP_EIO;
	if (off > im->size || len > im->size - off)
		return HYP_EIO;
	memcpy(buf, im->buf + off, len);
	return 0;
}

static int
file_read(void *arg, uint64_t off, void *buf, size_t len)
{
	int fd = *(int *)arg;

	if (pread(fd, buf, len, (off_t)off) != (ssize_t)len)
		return HYP_EIO;
	return 0;
}

static void
load(const char *path, struct img *im, uint32_t secsize)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY);
	ATF_REQUIRE_MSG(fd != -1, "cannot open %s", path);
	ATF_REQUIRE(fstat(fd, &st) == 0);
	im->size = (size_t)st.st_size;
	im->buf = malloc(im->size);
	ATF_REQUIRE(im->buf != NULL);
	ATF_REQUIRE(pread(fd, im->buf, im->size, 0) == (ssize_t)im->size);
	close(fd);
	im->secsize = secsize;
	im->nreads = 0;
	im->failfrom = UINT64_MAX;
}

static void
store(const char *path, const struct img *im)
{
	int fd;

	fd = open(path, O_WRONLY);
	ATF_REQUIRE(fd != -1);
	ATF_REQUIRE(pwrite(fd, im->buf, im->size, 0) == (ssize_t)im->size);
	close(fd);
}

/* Whatever the image, the table must describe only bytes of the disk. */
static void
check_sane(const struct part_table *pt, uint64_t disksize)
{
	const struct part_entry *pe;
	int i;

	ATF_REQUIRE(pt->pt_count >= 0 && pt->pt_count <= PART_MAXENT);
	for (i = 0; i < pt->pt_count; i++) {
		pe = &pt->pt_ent[i];
		ATF_REQUIRE(pe->pe_size > 0);
		ATF_REQUIRE(pe->pe_offset < disksize);
		ATF_REQUIRE(pe->pe_size <= disksize - pe->pe_offset);
		ATF_REQUIRE(memchr(pe->pe_name, '\0',
		    sizeof(pe->pe_name)) != NULL);
		ATF_REQUIRE(part_typename(pe) != NULL);
	}
}

/* Scan an image file through pread. */
static int
scan_file(const char *path, uint32_t secsize, struct part_table *pt)
{
	struct stat st;
	int fd, error;

	fd = open(path, O_RDONLY);
	ATF_REQUIRE_MSG(fd != -1, "cannot open %s", path);
	ATF_REQUIRE(fstat(fd, &st) == 0);
	error = part_scan(file_read, &fd, (uint64_t)st.st_size, secsize, pt);
	close(fd);
	check_sane(pt, (uint64_t)st.st_size);
	if (error != 0)
		ATF_REQUIRE_EQ(pt->pt_count, 0);
	return error;
}

static int
scan_mem(struct img *im, struct part_table *pt)
{
	int error;

	error = part_scan(mem_read, im, im->size, im->secsize, pt);
	check_sane(pt, im->size);
	return error;
}

/* The entry spec must exist; returns it. */
static const struct part_entry *
find(const struct part_table *pt, const char *spec)
{
	const struct part_entry *pe = NULL;
	int error;

	error = part_find(pt, spec, &pe);
	ATF_REQUIRE_MSG(error == 0, "part_find(\"%s\") = %d", spec, error);
	ATF_REQUIRE(pe != NULL);
	return pe;
}

static void
check_ent(const struct part_table *pt, const char *spec, int scheme,
    uint64_t off, uint64_t size, const char *type)
{
	const struct part_entry *pe = find(pt, spec);

	ATF_CHECK_EQ_MSG(pe->pe_scheme, scheme, "%s: scheme %d", spec,
	    pe->pe_scheme);
	ATF_CHECK_EQ_MSG(pe->pe_offset, off, "%s: offset %ju, want %ju", spec,
	    (uintmax_t)pe->pe_offset, (uintmax_t)off);
	ATF_CHECK_EQ_MSG(pe->pe_size, size, "%s: size %ju, want %ju", spec,
	    (uintmax_t)pe->pe_size, (uintmax_t)size);
	ATF_CHECK_STREQ_MSG(part_typename(pe), type, "%s: type", spec);
}

static int
find_err(const struct part_table *pt, const char *spec)
{
	const struct part_entry *pe = NULL;

	return part_find(pt, spec, &pe);
}

/* An MBR entry in slot (0..3) of sec; also sets the signature. */
static void
mbr_set(uint8_t *sec, int slot, uint8_t status, uint8_t type, uint32_t start,
    uint32_t size)
{
	uint8_t *p = sec + 446 + 16 * slot;

	p[0] = status;
	p[4] = type;
	put32(p + 8, start, false);
	put32(p + 12, size, false);
	sec[510] = 0x55;
	sec[511] = 0xaa;
}

/* A fresh zeroed image of nsect sectors in memory. */
static void
img_new(struct img *im, uint32_t secsize, uint64_t nsect)
{
	im->size = (size_t)(secsize * nsect);
	im->buf = calloc(1, im->size);
	ATF_REQUIRE(im->buf != NULL);
	im->secsize = secsize;
	im->nreads = 0;
	im->failfrom = UINT64_MAX;
}

static uint8_t *
sect(struct img *im, uint64_t lba)
{
	ATF_REQUIRE((lba + 1) * im->secsize <= im->size);
	return im->buf + lba * im->secsize;
}

/* Write im to path (so that the scan goes through pread) and scan it. */
static int
scan_via_file(struct img *im, struct part_table *pt)
{
	h_mkfile("img", im->size);
	store("img", im);
	return scan_file("img", im->secsize, pt);
}

struct dlpart {
	int		letter;
	uint32_t	offset;
	uint32_t	size;
	uint8_t		fstype;
};

/*
 * Write a disklabel with npart slots at p (byte order be, sector size
 * secsize) holding the given partitions, with a correct checksum.
 */
static void
dl_make(uint8_t *p, bool be, uint32_t secsize, int npart,
    const struct dlpart *parts, int n)
{
	size_t len = 148 + 16 * (size_t)npart, i;
	uint8_t *q;
	uint16_t sum = 0;
	int k;

	memset(p, 0, len);
	put32(p, DL_MAGIC, be);
	put16(p + 4, 4, be);			/* d_type: DTYPE_SCSI */
	memcpy(p + 8, "fsu-test", 8);		/* d_typename */
	put32(p + 40, secsize, be);		/* d_secsize */
	put32(p + 44, 32, be);			/* d_nsectors */
	put32(p + 48, 64, be);			/* d_ntracks */
	put32(p + 56, 32 * 64, be);		/* d_secpercyl */
	put16(p + 72, 3600, be);		/* d_rpm */
	put32(p + 132, DL_MAGIC, be);		/* d_magic2 */
	put16(p + 138, (uint16_t)npart, be);	/* d_npartitions */
	put32(p + 140, 8192, be);		/* d_bbsize */
	put32(p + 144, 8192, be);		/* d_sbsize */
	for (k = 0; k < n; k++) {
		q = p + 148 + 16 * (parts[k].letter - 'a');
		put32(q, parts[k].size, be);
		put32(q + 4, parts[k].offset, be);
		put32(q + 8, 2048, be);		/* p_fsize */
		q[12] = parts[k].fstype;
		q[13] = 8;			/* p_frag */
	}
	for (i = 0; i < len; i += 2)
		sum ^= get16(p + i, be);
	put16(p + 136, sum, be);
}

/* Make the checksum of the label at p right again after a change. */
static void
dl_resum(uint8_t *p, bool be)
{
	size_t len = 148 + 16 * (size_t)get16(p + 138, be), i;
	uint16_t sum = 0;

	put16(p + 136, 0, be);
	for (i = 0; i < len; i += 2)
		sum ^= get16(p + i, be);
	put16(p + 136, sum, be);
}

/* "C12A7328-F81F-..." to the mixed-endian on-disk form. */
static void
guid_parse(const char *s, uint8_t *g)
{
	uint8_t b[16];
	unsigned v;
	int i;

	for (i = 0; i < 16; i++) {
		if (*s == '-')
			s++;
		ATF_REQUIRE(sscanf(s, "%2x", &v) == 1);
		b[i] = (uint8_t)v;
		s += 2;
	}
	/* The first three fields are little-endian. */
	g[0] = b[3]; g[1] = b[2]; g[2] = b[1]; g[3] = b[0];
	g[4] = b[5]; g[5] = b[4];
	g[6] = b[7]; g[7] = b[6];
	memcpy(g + 8, b + 8, 8);
}

/*
 * Recompute the header CRC of the GPT header at lba (over 92 bytes when
 * the header size is out of range: the scanner must refuse it anyway).
 */
static void
gpt_fix_hdr(struct img *im, uint64_t lba)
{
	uint8_t *h = sect(im, lba);
	uint32_t len = get32(h + 12);

	if (len < 92 || len > im->secsize)
		len = 92;
	put32(h + 16, 0, false);
	put32(h + 16, part_crc32(0, h, len), false);
}

/* Recompute the array CRC and the header CRC of the header at lba. */
static void
gpt_fix(struct img *im, uint64_t lba)
{
	uint8_t *h = sect(im, lba);
	uint64_t entlba = get64(h + 72);
	size_t len = (size_t)get32(h + 80) * get32(h + 84);

	ATF_REQUIRE(entlba * im->secsize + len <= im->size);
	put32(h + 88, part_crc32(0, im->buf + entlba * im->secsize, len),
	    false);
	gpt_fix_hdr(im, lba);
}

struct gptpart {
	int		slot;		/* 1-based index in the array */
	const char	*type;
	uint64_t	first, last;
	const char	*name;		/* ASCII */
};

/*
 * Write a GPT with nent 128-byte entries on the nsect-sector image im:
 * protective MBR, primary header and array, backup array and header.
 */
static void
gpt_make(struct img *im, uint32_t nent, const struct gptpart *parts, int n)
{
	uint64_t nsect = im->size / im->secsize, asec, lba;
	uint8_t *e, *h;
	size_t j;
	int i, k;

	asec = ((uint64_t)nent * 128 + im->secsize - 1) / im->secsize;
	mbr_set(sect(im, 0), 0, 0, 0xee, 1,
	    (uint32_t)(nsect - 1 > 0xffffffff ? 0xffffffff : nsect - 1));
	for (k = 0; k < 2; k++) {
		lba = k == 0 ? 2 : nsect - 1 - asec;
		for (i = 0; i < n; i++) {
			e = sect(im, lba) + (size_t)(parts[i].slot - 1) * 128;
			guid_parse(parts[i].type, e);
			memset(e + 16, 0x11 * (i + 1), 16);
			put64(e + 32, parts[i].first);
			put64(e + 40, parts[i].last);
			for (j = 0; parts[i].name[j] != '\0'; j++)
				put16(e + 56 + 2 * j,
				    (uint8_t)parts[i].name[j], false);
		}
		h = sect(im, k == 0 ? 1 : nsect - 1);
		memcpy(h, "EFI PART", 8);
		put32(h + 8, 0x00010000, false);
		put32(h + 12, 92, false);
		put64(h + 24, k == 0 ? 1 : nsect - 1);
		put64(h + 32, k == 0 ? nsect - 1 : 1);
		put64(h + 40, 2 + asec);
		put64(h + 48, nsect - 2 - asec);
		memset(h + 56, 0x42, 16);
		put64(h + 72, lba);
		put32(h + 80, nent, false);
		put32(h + 84, 128, false);
		gpt_fix(im, k == 0 ? 1 : nsect - 1);
	}
}

/* The three-partition GPT made by sgdisk, loaded into im. */
static void
sgdisk_image(struct img *im)
{
	h_mkfile("gpt.img", 16 * MIB);
	h_run("sgdisk -n 1:2048:+1M -t 1:ef00 -c 1:'EFI system' "
	    "-n 2:0:+4M -t 2:8300 "
	    "-c 2:'root \xc3\xbcn\xc3\xaf\xf0\x9f\x98\x80' "
	    "-n 3:0:+2M -t 3:a902 -c 3:netbsd gpt.img >/dev/null");
	load("gpt.img", im, 512);
}

/* What sgdisk_image() holds. */
static void
check_sgdisk_table(const struct part_table *pt, bool backup)
{
	const struct part_entry *pe;

	ATF_REQUIRE_EQ(pt->pt_scheme, PART_GPT);
	ATF_REQUIRE_EQ(pt->pt_count, 3);
	ATF_CHECK_EQ(pt->pt_gpt_backup, backup);
	check_ent(pt, "1", PART_GPT, 2048 * 512, 1 * MIB, "EFI System");
	check_ent(pt, "2", PART_GPT, 4096 * 512, 4 * MIB, "Linux filesystem");
	check_ent(pt, "3", PART_GPT, 12288 * 512, 2 * MIB, "NetBSD FFS");
	ATF_CHECK_STREQ(find(pt, "1")->pe_name, "EFI system");
	ATF_CHECK_STREQ(find(pt, "2")->pe_name,
	    "root \xc3\xbcn\xc3\xaf\xf0\x9f\x98\x80");
	ATF_CHECK_STREQ(find(pt, "3")->pe_name, "netbsd");
	pe = find(pt, "2");
	/* 0FC63DAF-..., the first field little-endian. */
	ATF_CHECK_EQ(pe->pe_typeguid[0], 0xaf);
	ATF_CHECK_EQ(pe->pe_typeguid[15], 0xe4);
	ATF_CHECK_EQ(find_err(pt, "4"), HYP_ENOENT);
}

/* ------------------------------------------------------------- cases */

ATF_TC(crc32);
ATF_TC_HEAD(crc32, tc)
{
	atf_tc_set_md_var(tc, "descr", "part_crc32 is the IEEE CRC-32, "
	    "usable incrementally");
}
ATF_TC_BODY(crc32, tc)
{
	const char *s = "123456789";
	uint32_t crc;

	ATF_CHECK_EQ(part_crc32(0, s, 9), 0xcbf43926U);
	ATF_CHECK_EQ(part_crc32(0, s, 0), 0);
	crc = part_crc32(0, s, 4);
	ATF_CHECK_EQ(part_crc32(crc, s + 4, 5), 0xcbf43926U);
	ATF_CHECK_EQ(part_crc32(0, "a", 1), 0xe8b7be43U);
	ATF_CHECK_EQ(part_crc32(0, "The quick brown fox jumps over the lazy "
	    "dog", 43), 0x414fa339U);
}

ATF_TC(args);
ATF_TC_HEAD(args, tc)
{
	atf_tc_set_md_var(tc, "descr", "bad arguments, tiny and blank "
	    "disks, and read errors");
}
ATF_TC_BODY(args, tc)
{
	struct part_table pt;
	struct img im;

	img_new(&im, 512, 64);
	ATF_CHECK_EQ(part_scan(mem_read, &im, im.size, 1000, &pt),
	    HYP_EINVAL);
	ATF_CHECK_EQ(part_scan(mem_read, &im, im.size, 256, &pt),
	    HYP_EINVAL);
	ATF_CHECK_EQ(part_scan(mem_read, &im, im.size, 8192, &pt),
	    HYP_EINVAL);
	ATF_CHECK_EQ(part_scan(NULL, &im, im.size, 512, &pt), HYP_EINVAL);
	ATF_CHECK_EQ(part_scan(mem_read, &im, im.size, 512, NULL),
	    HYP_EINVAL);

	/* Blank disk: no table, no error. */
	ATF_CHECK_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);
	ATF_CHECK_EQ(pt.pt_count, 0);

	/* One sector: too small for anything, nothing read. */
	im.nreads = 0;
	ATF_CHECK_EQ(part_scan(mem_read, &im, 512, 512, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);
	ATF_CHECK_EQ(im.nreads, 0);

	/* The callback's error comes back. */
	mbr_set(sect(&im, 0), 0, 0x80, 0x83, 8, 16);
	im.failfrom = 0;
	ATF_CHECK_EQ(scan_mem(&im, &pt), HYP_EIO);
	ATF_CHECK_EQ(pt.pt_count, 0);
	im.failfrom = UINT64_MAX;
	ATF_CHECK_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_MBR);
	ATF_CHECK_EQ(pt.pt_count, 1);
	free(im.buf);
}

ATF_TC(mbr_sfdisk);
ATF_TC_HEAD(mbr_sfdisk, tc)
{
	atf_tc_set_md_var(tc, "descr", "an MBR made by sfdisk: two "
	    "primaries, an extended partition and two logical ones");
	atf_tc_set_md_var(tc, "require.progs", "sfdisk");
}
ATF_TC_BODY(mbr_sfdisk, tc)
{
	struct part_table pt;

	h_mkfile("mbr.img", 32 * MIB);
	h_run("printf 'label: dos\\nunit: sectors\\n\\n"
	    "start=2048, size=8192, type=83, bootable\\n"
	    "start=10240, size=4096, type=c\\n"
	    "start=14336, size=40960, type=5\\n"
	    "start=16384, size=8192, type=83\\n"
	    "start=26624, size=4096, type=82\\n' | "
	    "sfdisk mbr.img >/dev/null");
	/* The table sfdisk reads back is the one asked for. */
	h_run("sfdisk -d mbr.img | grep -q 'mbr.img6 : start=       26624, "
	    "size=        4096, type=82'");

	ATF_REQUIRE_EQ(scan_file("mbr.img", 512, &pt), 0);
	ATF_REQUIRE_EQ(pt.pt_scheme, PART_MBR);
	ATF_REQUIRE_EQ(pt.pt_count, 5);
	ATF_CHECK(!pt.pt_gpt_backup);
	check_ent(&pt, "1", PART_MBR, 2048 * 512ULL, 8192 * 512ULL, "Linux");
	check_ent(&pt, "2", PART_MBR, 10240 * 512ULL, 4096 * 512ULL,
	    "FAT32 (LBA)");
	check_ent(&pt, "3", PART_MBR, 14336 * 512ULL, 40960 * 512ULL,
	    "Extended");
	check_ent(&pt, "5", PART_MBR, 16384 * 512ULL, 8192 * 512ULL, "Linux");
	check_ent(&pt, "6", PART_MBR, 26624 * 512ULL, 4096 * 512ULL,
	    "Linux swap");
	ATF_CHECK_EQ(find(&pt, "6")->pe_mbrtype, 0x82);
	ATF_CHECK_EQ(find(&pt, "05")->pe_index, 5);
	ATF_CHECK_EQ(find_err(&pt, "4"), HYP_ENOENT);
	ATF_CHECK_EQ(find_err(&pt, "7"), HYP_ENOENT);
	ATF_CHECK_EQ(find_err(&pt, "0"), HYP_ENOENT);
	ATF_CHECK_EQ(find_err(&pt, "99999999999999999999"), HYP_ENOENT);
	ATF_CHECK_EQ(find_err(&pt, "a"), HYP_ENOENT);
	ATF_CHECK_EQ(find_err(&pt, ""), HYP_EINVAL);
	ATF_CHECK_EQ(find_err(&pt, "5a"), HYP_EINVAL);
	ATF_CHECK_EQ(find_err(&pt, "-1"), HYP_EINVAL);
	ATF_CHECK_EQ(find_err(&pt, "q"), HYP_EINVAL);
	ATF_CHECK_EQ(find_err(&pt, "A"), HYP_EINVAL);
	ATF_CHECK_EQ(find_err(&pt, "ab"), HYP_EINVAL);
	ATF_CHECK_EQ(find_err(&pt, "DISKLABEL:3"), HYP_EINVAL);
	ATF_CHECK_EQ(find_err(&pt, "DISKLABEL:"), HYP_EINVAL);
	ATF_CHECK_EQ(find_err(&pt, "MBR:1"), HYP_EINVAL);
}

ATF_TC(gpt_sgdisk);
ATF_TC_HEAD(gpt_sgdisk, tc)
{
	atf_tc_set_md_var(tc, "descr", "a GPT made by sgdisk with three "
	    "named partitions of different types");
	atf_tc_set_md_var(tc, "require.progs", "sgdisk");
}
ATF_TC_BODY(gpt_sgdisk, tc)
{
	struct part_table pt;
	struct img im;

	sgdisk_image(&im);
	ATF_REQUIRE_EQ(scan_file("gpt.img", 512, &pt), 0);
	check_sgdisk_table(&pt, false);
	/* sgdisk agrees about partition 2. */
	h_run("sgdisk -i 2 gpt.img | grep -q '^First sector: 4096 '");
	h_run("sgdisk -i 2 gpt.img | grep -q '^Last sector: 12287 '");
	free(im.buf);
}

ATF_TC(gpt_backup_header);
ATF_TC_HEAD(gpt_backup_header, tc)
{
	atf_tc_set_md_var(tc, "descr", "a damaged primary GPT header makes "
	    "the scan use the backup header at the last LBA");
	atf_tc_set_md_var(tc, "require.progs", "sgdisk");
}
ATF_TC_BODY(gpt_backup_header, tc)
{
	struct part_table pt;
	struct img im;

	sgdisk_image(&im);
	im.buf[512 + 60] ^= 0x01;	/* a bit of the disk GUID */
	store("gpt.img", &im);
	ATF_REQUIRE_EQ(scan_file("gpt.img", 512, &pt), 0);
	check_sgdisk_table(&pt, true);

	/* A good CRC over a wrong my_lba is no better. */
	im.buf[512 + 60] ^= 0x01;
	put64(im.buf + 512 + 24, 2);
	gpt_fix_hdr(&im, 1);
	store("gpt.img", &im);
	ATF_REQUIRE_EQ(scan_file("gpt.img", 512, &pt), 0);
	check_sgdisk_table(&pt, true);

	/* No signature at all. */
	memset(im.buf + 512, 0, 8);
	store("gpt.img", &im);
	ATF_REQUIRE_EQ(scan_file("gpt.img", 512, &pt), 0);
	check_sgdisk_table(&pt, true);
	free(im.buf);
}

ATF_TC(gpt_backup_array);
ATF_TC_HEAD(gpt_backup_array, tc)
{
	atf_tc_set_md_var(tc, "descr", "a damaged primary GPT entry array "
	    "makes the scan use the backup header and array");
	atf_tc_set_md_var(tc, "require.progs", "sgdisk");
}
ATF_TC_BODY(gpt_backup_array, tc)
{
	struct part_table pt;
	struct img im;

	sgdisk_image(&im);
	im.buf[1024 + 56] ^= 0x20;	/* "EFI system" -> "eFI system" */
	store("gpt.img", &im);
	ATF_REQUIRE_EQ(scan_file("gpt.img", 512, &pt), 0);
	check_sgdisk_table(&pt, true);

	/* An unused entry is covered by the CRC as well. */
	im.buf[1024 + 56] ^= 0x20;
	im.buf[1024 + 100 * 128] = 0x01;
	store("gpt.img", &im);
	ATF_REQUIRE_EQ(scan_file("gpt.img", 512, &pt), 0);
	check_sgdisk_table(&pt, true);
	free(im.buf);
}

ATF_TC(gpt_both_bad);
ATF_TC_HEAD(gpt_both_bad, tc)
{
	atf_tc_set_md_var(tc, "descr", "a GPT whose primary and backup are "
	    "both damaged is an error, not a table");
	atf_tc_set_md_var(tc, "require.progs", "sgdisk");
}
ATF_TC_BODY(gpt_both_bad, tc)
{
	struct part_table pt;
	struct img im;
	uint64_t last;

	sgdisk_image(&im);
	last = im.size / 512 - 1;

	/* Both headers. */
	im.buf[512 + 60] ^= 0x01;
	im.buf[last * 512 + 60] ^= 0x01;
	store("gpt.img", &im);
	ATF_CHECK_EQ(scan_file("gpt.img", 512, &pt), HYP_EFTYPE);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);
	ATF_CHECK_EQ(pt.pt_count, 0);
	free(im.buf);

	/* Both arrays. */
	sgdisk_image(&im);
	im.buf[1024 + 56] ^= 0x20;
	im.buf[(last - 32) * 512 + 56] ^= 0x20;
	store("gpt.img", &im);
	ATF_CHECK_EQ(scan_file("gpt.img", 512, &pt), HYP_EFTYPE);
	ATF_CHECK_EQ(pt.pt_count, 0);

	/* Primary array and backup header. */
	im.buf[(last - 32) * 512 + 56] ^= 0x20;
	im.buf[last * 512 + 60] ^= 0x01;
	store("gpt.img", &im);
	ATF_CHECK_EQ(scan_file("gpt.img", 512, &pt), HYP_EFTYPE);
	ATF_CHECK_EQ(pt.pt_count, 0);
	free(im.buf);
}

ATF_TC(gpt_hostile);
ATF_TC_HEAD(gpt_hostile, tc)
{
	atf_tc_set_md_var(tc, "descr", "GPT headers with absurd entry "
	    "counts and sizes or arrays outside the disk, with valid CRCs, "
	    "are refused");
	atf_tc_set_md_var(tc, "require.progs", "sgdisk");
}
ATF_TC_BODY(gpt_hostile, tc)
{
	static const struct {
		size_t		off;
		int		width;
		uint64_t	val;
	} bad[] = {
		{ 80, 4, 0xffffffff },		/* entry count */
		{ 80, 4, 0x10000000 },
		{ 80, 4, 0 },
		{ 84, 4, 0xffffff80 },		/* entry size */
		{ 84, 4, 64 },
		{ 84, 4, 136 },
		{ 84, 4, 1024 },		/* larger than a sector */
		{ 72, 8, 0xffffffffffffff00ULL },	/* array LBA */
		{ 72, 8, 32760 },		/* array runs off the end */
		{ 72, 8, 0 },			/* array over the MBR */
		{ 72, 8, 100 },			/* array, usable area */
		{ 12, 4, 91 },			/* header size */
		{ 12, 4, 513 },
		{ 12, 4, 0xffffffff },
		{ 48, 8, 40000 },		/* last usable LBA */
		{ 40, 8, 1 },			/* first usable LBA */
		{ 40, 8, 32735 },		/* first > last */
	};
	struct part_table pt;
	struct img im;
	uint64_t last;
	size_t i;

	for (i = 0; i < NITEMS(bad); i++) {
		sgdisk_image(&im);
		last = im.size / 512 - 1;
		if (bad[i].width == 4)
			put32(im.buf + 512 + bad[i].off, (uint32_t)bad[i].val,
			    false);
		else
			put64(im.buf + 512 + bad[i].off, bad[i].val);
		gpt_fix_hdr(&im, 1);
		store("gpt.img", &im);
		ATF_REQUIRE_EQ_MSG(scan_file("gpt.img", 512, &pt), 0,
		    "case %zu", i);
		check_sgdisk_table(&pt, true);

		/* The same damage in the backup: no GPT at all. */
		if (bad[i].width == 4)
			put32(im.buf + last * 512 + bad[i].off,
			    (uint32_t)bad[i].val, false);
		else
			put64(im.buf + last * 512 + bad[i].off, bad[i].val);
		gpt_fix_hdr(&im, last);
		store("gpt.img", &im);
		ATF_CHECK_EQ_MSG(scan_file("gpt.img", 512, &pt), HYP_EFTYPE,
		    "case %zu", i);
		free(im.buf);
	}
}

ATF_TC(gpt_entries);
ATF_TC_HEAD(gpt_entries, tc)
{
	atf_tc_set_md_var(tc, "descr", "GPT entries outside the usable area "
	    "are dropped without renumbering the others; names with odd "
	    "UTF-16 are converted safely; 4096-byte sectors work");
}
ATF_TC_BODY(gpt_entries, tc)
{
	static const struct gptpart parts[] = {
		{ 1, GUID_LINUX, 64, 127, "one" },
		{ 2, GUID_SWAP, 100, 50, "backwards" },
		{ 3, GUID_LINUX, 10, 200, "before first usable" },
		{ 4, GUID_LINUX, 300, 5000, "past last usable" },
		{ 7, GUID_SWAP, 128, 255, "seven" },
		{ 128, GUID_EFI, 256, 257, "last slot" },
	};
	static const struct gptpart parts4k[] = {
		{ 1, GUID_LINUX, 256, 511, "linux" },
		{ 2, GUID_SWAP, 512, 1023, "swap" },
		{ 3, GUID_NBSDFFS, 1024, 2043, "too far" },
	};
	struct part_table pt;
	const struct part_entry *pe;
	struct img im;
	uint8_t *e;
	int i;

	img_new(&im, 512, 2048);
	gpt_make(&im, 128, parts, NITEMS(parts));
	ATF_REQUIRE_EQ(scan_via_file(&im, &pt), 0);
	ATF_REQUIRE_EQ(pt.pt_scheme, PART_GPT);
	ATF_REQUIRE_EQ(pt.pt_count, 3);
	check_ent(&pt, "1", PART_GPT, 64 * 512, 64 * 512, "Linux filesystem");
	check_ent(&pt, "7", PART_GPT, 128 * 512, 128 * 512, "Linux swap");
	check_ent(&pt, "128", PART_GPT, 256 * 512, 2 * 512, "EFI System");
	ATF_CHECK_STREQ(find(&pt, "128")->pe_name, "last slot");
	for (i = 2; i <= 4; i++)
		ATF_CHECK_EQ(find_err(&pt, i == 2 ? "2" : i == 3 ? "3" : "4"),
		    HYP_ENOENT);

	/*
	 * Names: a lone low surrogate, a high surrogate without its low
	 * half, then 36 three-byte characters that cannot all fit.
	 */
	e = sect(&im, 2);
	memset(e + 56, 0, 72);
	put16(e + 56, 'x', false);
	put16(e + 58, 0xdc00, false);
	put16(e + 60, 0xd800, false);
	put16(e + 62, 'y', false);
	put16(e + 64, 0xd83d, false);	/* U+1F600, a proper pair */
	put16(e + 66, 0xde00, false);
	e = sect(&im, 2) + 6 * 128;
	for (i = 0; i < 36; i++)
		put16(e + 56 + 2 * i, 0x20ac, false);	/* euro sign */
	e = sect(&im, 2) + 127 * 128;
	for (i = 0; i < 36; i++)
		put16(e + 56 + 2 * i, 'A' + i % 26, false);
	put16(e + 56 + 70, 0xd800, false);	/* half a pair at the end */
	gpt_fix(&im, 1);
	ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
	ATF_REQUIRE(!pt.pt_gpt_backup);
	ATF_CHECK_STREQ(find(&pt, "1")->pe_name,
	    "x\xef\xbf\xbd\xef\xbf\xbdy\xf0\x9f\x98\x80");
	pe = find(&pt, "7");
	ATF_CHECK_EQ(strlen(pe->pe_name), 69);	/* 23 whole euro signs */
	for (i = 0; i < 69; i += 3)
		ATF_CHECK(memcmp(pe->pe_name + i, "\xe2\x82\xac", 3) == 0);
	pe = find(&pt, "128");
	ATF_CHECK_EQ(strlen(pe->pe_name), 38);
	ATF_CHECK(memcmp(pe->pe_name, "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHI"
	    "\xef\xbf\xbd", 38) == 0);
	free(im.buf);

	/* 4096-byte sectors: a 4-sector array, offsets in 4K units. */
	img_new(&im, 4096, 2048);
	gpt_make(&im, 128, parts4k, NITEMS(parts4k));
	ATF_REQUIRE_EQ(scan_via_file(&im, &pt), 0);
	ATF_REQUIRE_EQ(pt.pt_scheme, PART_GPT);
	ATF_REQUIRE_EQ(pt.pt_count, 2);
	check_ent(&pt, "1", PART_GPT, 256 * 4096, 256 * 4096,
	    "Linux filesystem");
	check_ent(&pt, "2", PART_GPT, 512 * 4096, 512 * 4096, "Linux swap");
	/* Read as 512-byte sectors it is no GPT: the header is not at LBA 1. */
	im.secsize = 512;
	ATF_CHECK_EQ(scan_mem(&im, &pt), HYP_EFTYPE);
	free(im.buf);
}

ATF_TC(disklabel);
ATF_TC_HEAD(disklabel, tc)
{
	atf_tc_set_md_var(tc, "descr", "a BSD disklabel in sector 1 of a "
	    "disk, in either byte order and at any aligned offset");
}
ATF_TC_BODY(disklabel, tc)
{
	static const struct dlpart parts[] = {
		{ 'a', 64, 1024, 7 },		/* 4.2BSD */
		{ 'b', 1088, 512, 1 },		/* swap */
		{ 'e', 1600, 400, 8 },		/* MSDOS */
	};
	static const uint32_t secsizes[] = { 512, 4096 };
	struct part_table pt;
	struct img im;
	size_t off, s;
	uint32_t ss;
	int be;

	for (s = 0; s < NITEMS(secsizes); s++)
	for (be = 0; be < 2; be++)
	for (off = 0; off <= 64; off += 64) {
		ss = secsizes[s];
		img_new(&im, ss, 2048);
		dl_make(sect(&im, 1) + off, be, ss, 5, parts, 3);
		ATF_REQUIRE_EQ_MSG(scan_via_file(&im, &pt), 0, "ss %u be %d "
		    "off %zu", ss, be, off);
		ATF_REQUIRE_EQ_MSG(pt.pt_scheme, PART_DISKLABEL, "ss %u be %d "
		    "off %zu", ss, be, off);
		ATF_REQUIRE_EQ(pt.pt_count, 3);
		check_ent(&pt, "a", PART_DISKLABEL, 64ULL * ss, 1024ULL * ss,
		    "4.2BSD");
		check_ent(&pt, "b", PART_DISKLABEL, 1088ULL * ss, 512ULL * ss,
		    "swap");
		check_ent(&pt, "e", PART_DISKLABEL, 1600ULL * ss, 400ULL * ss,
		    "MSDOS");
		ATF_CHECK_EQ(find(&pt, "DISKLABEL:e")->pe_index, 4);
		ATF_CHECK_EQ(find(&pt, "e")->pe_fstype, 8);
		ATF_CHECK_EQ(find_err(&pt, "c"), HYP_ENOENT);
		ATF_CHECK_EQ(find_err(&pt, "DISKLABEL:c"), HYP_ENOENT);
		ATF_CHECK_EQ(find_err(&pt, "1"), HYP_ENOENT);
		ATF_CHECK_EQ(find_err(&pt, "DISKLABEL:ee"), HYP_EINVAL);
		free(im.buf);
	}
}

ATF_TC(disklabel_bad);
ATF_TC_HEAD(disklabel_bad, tc)
{
	atf_tc_set_md_var(tc, "descr", "disklabels with a bad checksum, a "
	    "bad magic2, too many partitions, the wrong sector size or "
	    "partitions outside the disk");
}
ATF_TC_BODY(disklabel_bad, tc)
{
	static const struct dlpart parts[] = {
		{ 'a', 64, 1024, 7 },
		{ 'b', 1088, 512, 1 },
		{ 'e', 1600, 400, 8 },
	};
	static const struct dlpart outside[] = {
		{ 'a', 64, 1024, 7 },
		{ 'b', 1088, 961, 1 },		/* one sector too long */
		{ 'd', 0xfffffff0, 0x20, 7 },	/* wraps around */
		{ 'e', 1600, 400, 8 },
	};
	struct part_table pt;
	struct img im;
	uint8_t *l;

	img_new(&im, 512, 2048);
	l = sect(&im, 1);

	dl_make(l, false, 512, 5, parts, 3);
	l[8] ^= 1;			/* d_typename, under the checksum */
	ATF_CHECK_EQ(scan_via_file(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);
	ATF_CHECK_EQ(pt.pt_count, 0);

	dl_make(l, false, 512, 5, parts, 3);
	l[148 + 4 * 16 + 4] ^= 1;	/* p_offset of 'e' */
	ATF_CHECK_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);

	dl_make(l, false, 512, 5, parts, 3);
	put32(l + 132, 0x12345678, false);	/* d_magic2 */
	dl_resum(l, false);
	ATF_CHECK_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);

	/* 23 partitions do not fit in a 512-byte sector with the header. */
	dl_make(l, false, 512, 22, parts, 3);
	ATF_CHECK_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_DISKLABEL);
	memset(l, 0, 512);
	dl_make(l, false, 512, 23, parts, 0);
	ATF_CHECK_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);

	/* A 4096-byte label read as a 512-byte disk. */
	memset(l, 0, 512);
	dl_make(l, false, 4096, 5, parts, 3);
	ATF_CHECK_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);

	/* Partitions outside the disk are dropped, the rest stays. */
	memset(l, 0, 512);
	dl_make(l, false, 512, 5, outside, 4);
	ATF_CHECK_EQ(scan_via_file(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_DISKLABEL);
	ATF_CHECK_EQ(pt.pt_count, 2);
	find(&pt, "a");
	find(&pt, "e");
	ATF_CHECK_EQ(find_err(&pt, "b"), HYP_ENOENT);
	ATF_CHECK_EQ(find_err(&pt, "d"), HYP_ENOENT);

	/* A label at an odd offset is not found (NetBSD looks at 4n). */
	memset(l, 0, 512);
	dl_make(l + 2, false, 512, 5, parts, 3);
	ATF_CHECK_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);
	free(im.buf);
}

ATF_TC(disklabel_mbr);
ATF_TC_HEAD(disklabel_mbr, tc)
{
	atf_tc_set_md_var(tc, "descr", "a disklabel inside a NetBSD (0xA9) "
	    "MBR partition made by sfdisk, and inside FreeBSD (0xA5) slices "
	    "with absolute and relative offsets");
	atf_tc_set_md_var(tc, "require.progs", "sfdisk");
}
ATF_TC_BODY(disklabel_mbr, tc)
{
	static const struct dlpart nb[] = {
		{ 'a', 4096, 8192, 7 },
		{ 'b', 12288, 2048, 1 },
		{ 'c', 4096, 28672, 0 },
		{ 'd', 0, 65536, 0 },
		{ 'e', 14336, 4096, 17 },
	};
	static const struct dlpart fbrel[] = {
		{ 'a', 16, 1024, 7 },
		{ 'c', 0, 4096, 0 },
	};
	static const struct dlpart fbabs[] = {
		{ 'a', 2048 + 16, 1024, 7 },
		{ 'c', 2048, 4096, 0 },
	};
	struct part_table pt;
	struct img im;

	h_mkfile("nb.img", 32 * MIB);
	h_run("printf 'label: dos\\nunit: sectors\\n\\n"
	    "start=2048, size=2048, type=83\\n"
	    "start=4096, size=28672, type=a9\\n' | "
	    "sfdisk nb.img >/dev/null");
	load("nb.img", &im, 512);
	dl_make(sect(&im, 4096 + 1), false, 512, 16, nb, 5);
	store("nb.img", &im);
	ATF_REQUIRE_EQ(scan_file("nb.img", 512, &pt), 0);
	ATF_REQUIRE_EQ(pt.pt_scheme, PART_MBR);
	ATF_REQUIRE_EQ(pt.pt_count, 7);
	check_ent(&pt, "1", PART_MBR, 2048 * 512, 2048 * 512, "Linux");
	check_ent(&pt, "2", PART_MBR, 4096 * 512, 28672 * 512, "NetBSD");
	check_ent(&pt, "a", PART_DISKLABEL, 4096 * 512, 8192 * 512, "4.2BSD");
	check_ent(&pt, "DISKLABEL:b", PART_DISKLABEL, 12288 * 512, 2048 * 512,
	    "swap");
	check_ent(&pt, "c", PART_DISKLABEL, 4096 * 512, 28672 * 512,
	    "unused");
	check_ent(&pt, "d", PART_DISKLABEL, 0, 65536ULL * 512, "unused");
	check_ent(&pt, "e", PART_DISKLABEL, 14336 * 512, 4096 * 512,
	    "ext2fs");
	free(im.buf);

	/* FreeBSD offsets below the slice start are slice-relative... */
	img_new(&im, 512, 8192);
	mbr_set(sect(&im, 0), 0, 0x80, 0xa5, 2048, 4096);
	dl_make(sect(&im, 2048 + 1), false, 512, 8, fbrel, 2);
	ATF_REQUIRE_EQ(scan_via_file(&im, &pt), 0);
	ATF_REQUIRE_EQ(pt.pt_scheme, PART_MBR);
	ATF_REQUIRE_EQ(pt.pt_count, 3);
	check_ent(&pt, "1", PART_MBR, 2048 * 512, 4096 * 512, "FreeBSD");
	check_ent(&pt, "a", PART_DISKLABEL, (2048 + 16) * 512, 1024 * 512,
	    "4.2BSD");
	check_ent(&pt, "c", PART_DISKLABEL, 2048 * 512, 4096 * 512, "unused");

	/* ... and absolute ones are taken as they are. */
	memset(sect(&im, 2048 + 1), 0, 512);
	dl_make(sect(&im, 2048 + 1), true, 512, 8, fbabs, 2);
	ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
	ATF_REQUIRE_EQ(pt.pt_count, 3);
	check_ent(&pt, "a", PART_DISKLABEL, (2048 + 16) * 512, 1024 * 512,
	    "4.2BSD");
	check_ent(&pt, "c", PART_DISKLABEL, 2048 * 512, 4096 * 512, "unused");

	/* An MBR without a BSD partition: the label in disk sector 1. */
	memset(sect(&im, 2048 + 1), 0, 512);
	mbr_set(sect(&im, 0), 0, 0x00, 0x83, 2048, 4096);
	dl_make(sect(&im, 1), false, 512, 8, fbabs, 2);
	ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
	ATF_REQUIRE_EQ(pt.pt_scheme, PART_MBR);
	ATF_REQUIRE_EQ(pt.pt_count, 3);
	check_ent(&pt, "a", PART_DISKLABEL, (2048 + 16) * 512, 1024 * 512,
	    "4.2BSD");
	free(im.buf);
}

ATF_TC(ebr_chain);
ATF_TC_HEAD(ebr_chain, tc)
{
	atf_tc_set_md_var(tc, "descr", "hand-made EBR chains: a loop, a "
	    "self link, links and logical partitions out of bounds, a chain "
	    "longer than the table; 512- and 4096-byte sectors");
}
ATF_TC_BODY(ebr_chain, tc)
{
	static const uint32_t secsizes[] = { 512, 4096 };
	struct part_table pt;
	struct img im;
	uint32_t ss;
	size_t s;
	int i;

	for (s = 0; s < NITEMS(secsizes); s++) {
		ss = secsizes[s];
		img_new(&im, ss, 4096);
		mbr_set(sect(&im, 0), 0, 0x00, 0x83, 64, 64);
		mbr_set(sect(&im, 0), 1, 0x00, 0x0f, 2048, 2048);
		/* A -> B -> C -> B. */
		mbr_set(sect(&im, 2048), 0, 0, 0x83, 1, 10);
		mbr_set(sect(&im, 2048), 1, 0, 0x05, 100, 20);
		mbr_set(sect(&im, 2148), 0, 0, 0x83, 1, 10);
		mbr_set(sect(&im, 2148), 1, 0, 0x05, 200, 20);
		mbr_set(sect(&im, 2248), 0, 0, 0x83, 1, 10);
		mbr_set(sect(&im, 2248), 1, 0, 0x05, 100, 20);
		ATF_REQUIRE_EQ(scan_via_file(&im, &pt), 0);
		ATF_REQUIRE_EQ(pt.pt_scheme, PART_MBR);
		ATF_REQUIRE_EQ(pt.pt_count, 5);
		check_ent(&pt, "2", PART_MBR, 2048ULL * ss, 2048ULL * ss,
		    "Extended (LBA)");
		check_ent(&pt, "5", PART_MBR, 2049ULL * ss, 10ULL * ss,
		    "Linux");
		check_ent(&pt, "6", PART_MBR, 2149ULL * ss, 10ULL * ss,
		    "Linux");
		check_ent(&pt, "7", PART_MBR, 2249ULL * ss, 10ULL * ss,
		    "Linux");

		/* A link to the chain's own start. */
		mbr_set(sect(&im, 2048), 1, 0, 0x05, 0, 20);
		ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
		ATF_REQUIRE_EQ(pt.pt_count, 3);
		find(&pt, "5");

		/*
		 * B's logical partition leaves the extended partition: it is
		 * dropped but keeps its number; C's link leaves the disk.
		 */
		mbr_set(sect(&im, 2048), 1, 0, 0x05, 100, 20);
		mbr_set(sect(&im, 2148), 0, 0, 0x83, 1, 2000);
		mbr_set(sect(&im, 2248), 1, 0, 0x05, 0xfffffff0, 20);
		ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
		ATF_REQUIRE_EQ(pt.pt_count, 4);
		find(&pt, "5");
		ATF_CHECK_EQ(find_err(&pt, "6"), HYP_ENOENT);
		check_ent(&pt, "7", PART_MBR, 2249ULL * ss, 10ULL * ss,
		    "Linux");

		/* An EBR without signature ends the chain. */
		sect(&im, 2148)[510] = 0;
		ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
		ATF_REQUIRE_EQ(pt.pt_count, 3);

		/* A read error in the chain is reported. */
		sect(&im, 2148)[510] = 0x55;
		im.failfrom = 2148ULL * ss;
		ATF_CHECK_EQ(scan_mem(&im, &pt), HYP_EIO);
		ATF_CHECK_EQ(pt.pt_count, 0);
		im.failfrom = UINT64_MAX;
		free(im.buf);

		/* 300 EBRs in a row: cut, and never past PART_MAXENT. */
		img_new(&im, ss, 4096);
		mbr_set(sect(&im, 0), 0, 0x00, 0x05, 1024, 3000);
		for (i = 0; i < 300; i++) {
			mbr_set(sect(&im, 1024 + 4 * i), 0, 0, 0x83, 1, 2);
			mbr_set(sect(&im, 1024 + 4 * i), 1, 0, 0x05,
			    4 * (i + 1), 4);
		}
		im.nreads = 0;
		ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
		ATF_CHECK_EQ(pt.pt_count, PART_MAXENT);
		ATF_CHECK(im.nreads <= 1 + 128 + 1);
		find(&pt, "131");
		ATF_CHECK_EQ(find_err(&pt, "132"), HYP_ENOENT);
		free(im.buf);
	}
}

ATF_TC(mbr_hostile);
ATF_TC_HEAD(mbr_hostile, tc)
{
	atf_tc_set_md_var(tc, "descr", "MBR entries past the end of the "
	    "disk, bad status bytes, a sector with no used entry");
}
ATF_TC_BODY(mbr_hostile, tc)
{
	struct part_table pt;
	struct img im;
	uint8_t *m;

	img_new(&im, 512, 2048);
	m = sect(&im, 0);

	/* Ends past the disk: that entry is dropped. */
	mbr_set(m, 0, 0x80, 0x83, 64, 512);
	mbr_set(m, 1, 0x00, 0x83, 1024, 1025);
	mbr_set(m, 3, 0x00, 0x07, 1024, 1024);
	ATF_REQUIRE_EQ(scan_via_file(&im, &pt), 0);
	ATF_REQUIRE_EQ(pt.pt_scheme, PART_MBR);
	ATF_REQUIRE_EQ(pt.pt_count, 2);
	check_ent(&pt, "1", PART_MBR, 64 * 512, 512 * 512, "Linux");
	check_ent(&pt, "4", PART_MBR, 1024 * 512, 1024 * 512, "NTFS/exFAT");
	ATF_CHECK_EQ(find_err(&pt, "2"), HYP_ENOENT);

	/* Wraps around 2^32 sectors: dropped as well. */
	mbr_set(m, 1, 0x00, 0x83, 1024, 0xffffffff);
	ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
	ATF_REQUIRE_EQ(pt.pt_count, 2);

	/* Starts past the disk: not an MBR. */
	mbr_set(m, 1, 0x00, 0x83, 4096, 10);
	ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);
	ATF_CHECK_EQ(pt.pt_count, 0);

	/* Starts at sector 0: not an MBR. */
	mbr_set(m, 1, 0x00, 0x83, 0, 10);
	ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);

	/* A status byte other than 0x00 and 0x80, even in an empty slot. */
	mbr_set(m, 1, 0x00, 0x00, 0, 0);
	ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_MBR);
	m[446 + 2 * 16] = 0x01;
	ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);

	/* Signature but no used entry (type 0, or size 0). */
	memset(m, 0, 512);
	mbr_set(m, 0, 0x00, 0x00, 64, 512);
	mbr_set(m, 1, 0x00, 0x83, 64, 0);
	ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);

	/* No signature. */
	mbr_set(m, 0, 0x80, 0x83, 64, 512);
	m[511] = 0;
	ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
	ATF_CHECK_EQ(pt.pt_scheme, PART_NONE);

	/* A protective MBR with no GPT behind it is an error. */
	memset(m, 0, 512);
	mbr_set(m, 0, 0x00, 0xee, 1, 2047);
	ATF_CHECK_EQ(scan_mem(&im, &pt), HYP_EFTYPE);
	free(im.buf);
}

ATF_TC(fat_boot_sector);
ATF_TC_HEAD(fat_boot_sector, tc)
{
	atf_tc_set_md_var(tc, "descr", "the boot sector of a FAT file "
	    "system made by mkfs.fat (also with its fake MBR entry starting "
	    "at sector 0) is not taken for an MBR");
	atf_tc_set_md_var(tc, "require.progs", "mkfs.fat");
}
ATF_TC_BODY(fat_boot_sector, tc)
{
	static const char *const opts[] = { "-F 12", "-F 16", "-F 32",
	    "-F 16 --mbr=y" };
	struct part_table pt;
	struct img im;
	size_t i;

	for (i = 0; i < NITEMS(opts); i++) {
		unlink("fat.img");
		if (i == 3 && system("mkfs.fat --help 2>&1 | "
		    "grep -q -e --mbr") != 0)
			break;
		h_run("mkfs.fat -C %s fat.img 40960 >/dev/null", opts[i]);
		load("fat.img", &im, 512);
		ATF_REQUIRE(im.buf[510] == 0x55 && im.buf[511] == 0xaa);
		ATF_REQUIRE_EQ(scan_file("fat.img", 512, &pt), 0);
		ATF_CHECK_EQ_MSG(pt.pt_scheme, PART_NONE, "%s", opts[i]);
		ATF_CHECK_EQ_MSG(pt.pt_count, 0, "%s", opts[i]);

		/* Boot code that runs into the table area. */
		memcpy(im.buf + 446, im.buf + 62, 64);
		ATF_REQUIRE_EQ(scan_mem(&im, &pt), 0);
		ATF_CHECK_EQ_MSG(pt.pt_scheme, PART_NONE, "%s", opts[i]);
		free(im.buf);
	}
}

ATF_TC(typename);
ATF_TC_HEAD(typename, tc)
{
	atf_tc_set_md_var(tc, "descr", "part_typename for GPT GUIDs, MBR "
	    "system ids and disklabel fstypes");
}
ATF_TC_BODY(typename, tc)
{
	static const struct {
		const char	*guid;
		const char	*name;
	} gpt[] = {
		{ GUID_EFI, "EFI System" },
		{ "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7",
		    "Microsoft basic data" },
		{ GUID_LINUX, "Linux filesystem" },
		{ GUID_SWAP, "Linux swap" },
		{ "516E7CB6-6ECF-11D6-8FF8-00022D09712B", "FreeBSD UFS" },
		{ "83BD6B9D-7F41-11DC-BE0B-001560B84F0F", "FreeBSD boot" },
		{ GUID_NBSDFFS, "NetBSD FFS" },
		{ "21686148-6449-6E6F-744E-656564454649", "BIOS boot" },
		{ "00000000-0000-0000-0000-000000000001", "unknown" },
	};
	static const struct {
		uint8_t		type;
		const char	*name;
	} mbr[] = {
		{ 0x01, "FAT12" }, { 0x06, "FAT16" }, { 0x0b, "FAT32" },
		{ 0x0c, "FAT32 (LBA)" }, { 0x07, "NTFS/exFAT" },
		{ 0x83, "Linux" }, { 0x82, "Linux swap" },
		{ 0xa5, "FreeBSD" }, { 0xa6, "OpenBSD" }, { 0xa9, "NetBSD" },
		{ 0x05, "Extended" }, { 0xee, "GPT" }, { 0x42, "unknown" },
	};
	static const struct {
		uint8_t		type;
		const char	*name;
	} dl[] = {
		{ 0, "unused" }, { 1, "swap" }, { 7, "4.2BSD" },
		{ 8, "MSDOS" }, { 12, "ISO9660" }, { 17, "ext2fs" },
		{ 200, "unknown" },
	};
	struct part_entry pe;
	size_t i;

	memset(&pe, 0, sizeof(pe));
	pe.pe_scheme = PART_GPT;
	for (i = 0; i < NITEMS(gpt); i++) {
		guid_parse(gpt[i].guid, pe.pe_typeguid);
		ATF_CHECK_STREQ(part_typename(&pe), gpt[i].name);
	}
	pe.pe_scheme = PART_MBR;
	for (i = 0; i < NITEMS(mbr); i++) {
		pe.pe_mbrtype = mbr[i].type;
		ATF_CHECK_STREQ(part_typename(&pe), mbr[i].name);
	}
	pe.pe_scheme = PART_DISKLABEL;
	for (i = 0; i < NITEMS(dl); i++) {
		pe.pe_fstype = dl[i].type;
		ATF_CHECK_STREQ(part_typename(&pe), dl[i].name);
	}
	pe.pe_scheme = PART_NONE;
	ATF_CHECK_STREQ(part_typename(&pe), "unknown");
}

/* Flip random bits in the sectors that hold tables; scan must survive. */
static void
fuzz(struct img *pristine, int expect, int rounds, uint32_t seed,
    bool fixgpt, uint64_t extra)
{
	struct part_table pt;
	struct img im;
	uint64_t nsect = pristine->size / pristine->secsize, lba;
	int r, k, n, found = 0, same = 0;

	ATF_REQUIRE_EQ(scan_mem(pristine, &pt), 0);
	ATF_REQUIRE_EQ(pt.pt_count, expect);
	srandom(seed);
	im = *pristine;
	im.buf = malloc(im.size);
	ATF_REQUIRE(im.buf != NULL);
	for (r = 0; r < rounds; r++) {
		memcpy(im.buf, pristine->buf, im.size);
		n = 1 + (int)(random() % 8);
		for (k = 0; k < n; k++) {
			lba = (uint64_t)random() % 40;
			switch (random() % 3) {
			case 0:
				lba = nsect - 1 - lba;
				break;
			case 1:
				lba = extra + lba % 4;
				break;
			}
			im.buf[lba * im.secsize +
			    (uint64_t)random() % im.secsize] ^=
			    (uint8_t)(1 << (random() % 8));
		}
		if (fixgpt && get32(im.buf + 512 + 80) <= 256 &&
		    get32(im.buf + 512 + 84) == 128 &&
		    get64(im.buf + 512 + 72) < 40)
			gpt_fix(&im, 1);
		if (scan_mem(&im, &pt) == 0 && pt.pt_count > 0)
			found++;
		if (pt.pt_count == expect)
			same++;
	}
	printf("seed %#x: %d of %d rounds found a table, %d with all "
	    "%d entries\n", seed, found, rounds, same, expect);
	free(im.buf);
}

ATF_TC(fuzz);
ATF_TC_HEAD(fuzz, tc)
{
	atf_tc_set_md_var(tc, "descr", "randomly damaged MBR, EBR, GPT and "
	    "disklabel sectors never make the scan crash or describe bytes "
	    "outside the disk");
	atf_tc_set_md_var(tc, "require.progs", "sfdisk sgdisk");
}
ATF_TC_BODY(fuzz, tc)
{
	static const struct dlpart parts[] = {
		{ 'a', 2048, 1024, 7 },
		{ 'e', 3072, 400, 8 },
	};
	struct img im;
	uint32_t seed = 0x5eed;

	h_mkfile("f.img", 2 * MIB);
	h_run("sgdisk -a 8 -n 1:40:+100K -n 2:0:+200K -c 2:name "
	    "-n 3:0:+300K f.img >/dev/null");
	load("f.img", &im, 512);
	fuzz(&im, 3, 3000, seed, false, 0);
	fuzz(&im, 3, 3000, seed + 1, true, 0);
	free(im.buf);

	h_mkfile("f.img", 2 * MIB);
	h_run("printf 'label: dos\\nunit: sectors\\n\\n"
	    "start=4, size=8, type=83\\n"
	    "start=12, size=30, type=5\\n"
	    "start=14, size=4, type=83\\n"
	    "start=20, size=4, type=83\\n"
	    "start=26, size=4, type=83\\n"
	    "start=2048, size=2048, type=a9\\n' | "
	    "sfdisk f.img >/dev/null");
	load("f.img", &im, 512);
	dl_make(sect(&im, 2049), false, 512, 8, parts, 2);
	fuzz(&im, 8, 3000, seed + 2, false, 2048);
	free(im.buf);

	img_new(&im, 512, 4096);
	dl_make(sect(&im, 1), false, 512, 8, parts, 2);
	fuzz(&im, 2, 3000, seed + 3, false, 0);
	free(im.buf);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, crc32);
	ATF_TP_ADD_TC(tp, args);
	ATF_TP_ADD_TC(tp, mbr_sfdisk);
	ATF_TP_ADD_TC(tp, gpt_sgdisk);
	ATF_TP_ADD_TC(tp, gpt_backup_header);
	ATF_TP_ADD_TC(tp, gpt_backup_array);
	ATF_TP_ADD_TC(tp, gpt_both_bad);
	ATF_TP_ADD_TC(tp, gpt_hostile);
	ATF_TP_ADD_TC(tp, gpt_entries);
	ATF_TP_ADD_TC(tp, disklabel);
	ATF_TP_ADD_TC(tp, disklabel_bad);
	ATF_TP_ADD_TC(tp, disklabel_mbr);
	ATF_TP_ADD_TC(tp, ebr_chain);
	ATF_TP_ADD_TC(tp, mbr_hostile);
	ATF_TP_ADD_TC(tp, fat_boot_sector);
	ATF_TP_ADD_TC(tp, typename);
	ATF_TP_ADD_TC(tp, fuzz);
	return atf_no_error();
}
