/*
 * cd9660_subr.c: small conversions of the ISO 9660 driver: integers,
 * both-endian fields, the two date formats, and file names (ISO 9660
 * names shown in lower case without their ";version" and without the
 * dot of an empty extension, as NetBSD shows them; Joliet's UCS-2
 * big-endian names converted to UTF-8).
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/systm.h"
#include "iso.h"
#include "cd9660_extern.h"

uint32_t
cd9660_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint16_t
cd9660_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* A both-endian 32-bit field: EIO unless its halves agree. */
int
cd9660_both32(const uint8_t *p, uint32_t *vp)
{
	uint32_t be = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 |
	    (uint32_t)p[6] << 8 | (uint32_t)p[7];

	*vp = cd9660_rd32(p);
	return *vp == be ? 0 : EIO;
}

static void
mktime_iso(int64_t y, int mo, int d, int h, int mi, int s, int8_t off,
    int32_t nsec, struct ktimespec *ts)
{
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    s > 60 || off < -48 || off > 52) {
		ts->tv_sec = 0;
		ts->tv_nsec = 0;
		return;
	}
	ts->tv_sec = kclock_days(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    s - (int64_t)off * 15 * 60;
	ts->tv_nsec = nsec;
}

/* The 7-byte date of a directory record (and of a short TF entry). */
void
cd9660_time7(const uint8_t *p, struct ktimespec *ts)
{
	mktime_iso(1900 + p[0], p[1], p[2], p[3], p[4], p[5], (int8_t)p[6],
	    0, ts);
}

static int
digits(const uint8_t *p, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

/* The 17-byte date of a volume descriptor (and of a long TF entry). */
void
cd9660_time17(const uint8_t *p, struct ktimespec *ts)
{
	int y = digits(p, 4), mo = digits(p + 4, 2), d = digits(p + 6, 2);
	int h = digits(p + 8, 2), mi = digits(p + 10, 2);
	int s = digits(p + 12, 2), cs = digits(p + 14, 2);

	if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || cs < 0) {
		ts->tv_sec = 0;
		ts->tv_nsec = 0;
		return;
	}
	mktime_iso(y, mo, d, h, mi, s, (int8_t)p[16], cs * 10000000, ts);
}

/*
 * An ISO 9660 file identifier as shown: lower case, ";version" dropped,
 * a trailing '.' (empty extension) dropped.  out holds NAME_MAX + 1;
 * returns the length (0: nothing left, the caller refuses the record).
 */
size_t
cd9660_isoname(const uint8_t *p, size_t len, bool isdir, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len && n < NAME_MAX; i++) {
		uint8_t c = p[i];

		if (c == ';' && !isdir)
			break;
		if (c == '\0' || c == '/')
			c = '_';
		out[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	if (n > 1 && out[n - 1] == '.' && !isdir)
		n--;
	out[n] = '\0';
	return n;
}

/* A Joliet name (UCS-2/UTF-16 big-endian) in UTF-8, ";1" dropped. */
size_t
cd9660_jolietname(const uint8_t *p, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i + 1 < len; i += 2) {
		uint32_t c = (uint32_t)p[i] << 8 | p[i + 1];

		if (c == ';')
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 3 < len) {
			uint32_t c2 = (uint32_t)p[i + 2] << 8 | p[i + 3];

			if (c2 >= 0xdc00 && c2 < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (c2 - 0xdc00);
				i += 2;
			}
		}
		if (c == 0 || c == '/' || (c >= 0xd800 && c < 0xe000))
			c = '_';
		if (c < 0x80) {
			if (n + 1 > NAME_MAX)
				break;
			out[n++] = (char)c;
		} else if (c < 0x800) {
			if (n + 2 > NAME_MAX)
				break;
			out[n++] = (char)(0xc0 | c >> 6);
			out[n++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			if (n + 3 > NAME_MAX)
				break;
			out[n++] = (char)(0xe0 | c >> 12);
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			if (n + 4 > NAME_MAX)
				break;
			out[n++] = (char)(0xf0 | c >> 18);
			out[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[n] = '\0';
	return n;
}

/* Report a corrupt record or area at byte devoff; EIO. */
int
cd9660_bad(struct iso_mnt *imp, uint64_t devoff, const char *what)
{
	kprintf("cd9660: %s: corrupt image at byte %llu: %s\n",
	    imp->im_devname, (unsigned long long)devoff, what);
	return EIO;
}

/* Read sector sec (checked against the volume) into a buffer. */
int
cd9660_bread(struct iso_mnt *imp, uint64_t sec, struct buf **bpp)
{
	if (sec >= imp->im_nsec)
		return cd9660_bad(imp, sec * ISO_SECSIZE,
		    "sector beyond the end of the volume");
	return bread(imp->im_devvp, (daddr_t)(sec * (ISO_SECSIZE /
	    DEV_BSIZE)), ISO_SECSIZE, bpp);
}
