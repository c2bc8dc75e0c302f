/*
 * msdosfs_conv.c: conversions between what a FAT volume stores and what
 * the VFS sees: names and times.  Nothing here does I/O.
 *
 * Long names are UTF-16 on the volume and UTF-8 above the VFS.  A long
 * name that is not valid UTF-16 (an unpaired surrogate), holds a NUL or a
 * '/', or does not fit NAME_MAX bytes in UTF-8, is not shown: the short
 * name is used instead, so every name shown can be looked up again.
 *
 * Short names are 11 bytes in the OEM code page; this driver reads them
 * in code page 850 (what mtools and dosfstools use by default) and shows
 * them with the case Windows NT keeps in the entry (NTRES_LCBASE and
 * NTRES_LCEXT).  Names are compared without regard to case, as Windows
 * does: both sides are folded with msdosfs_upcase(), which knows ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic.
 *
 * Making a short name for a new file (section 7.4 of the specification):
 * a name that is a valid 8.3 name, with each of its two parts in one
 * case, is stored as a short name alone, its lower-case parts marked in
 * NTRES (so "readme.txt" is README.TXT with both bits and no long name).
 * Any other name gets a long name and a short "basis" name, upper-cased,
 * spaces and leading periods dropped, characters a short name cannot hold
 * (and all non-ASCII ones: the driver writes short names in ASCII only)
 * replaced with '_', the part before the first period cut to 8 and the
 * part after the last one to 3; the caller then appends a numeric tail
 * "~1" to "~4", and after that, as Windows does, keeps the first two
 * characters and adds four hexadecimal digits of a hash of the long name
 * ("LO1F3A~1"), so that many similar names never need a long search.
 *
 * Times: a FAT time is a local time (wall clock) with 2-second
 * resolution (creation times add hundredths) from 1980 to 2107.  It is
 * read and written as the host's local time at that moment (its TZ and
 * zone files), or as UTC plus a fixed offset given with the gmtoff mount
 * option.  Times outside the range are stored as its nearest end.
 */
#include "../../sys/param.h"
#include "../../sys/systm.h"
#include "denode.h"
#include "direntry.h"
#include "msdosfs_extern.h"

/* Code page 850, bytes 0x80 to 0xff. */
static const uint16_t cp850[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
	0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
	0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
	0x00ff, 0x00d6, 0x00dc, 0x00f8, 0x00a3, 0x00d8, 0x00d7, 0x0192,
	0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
	0x00bf, 0x00ae, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00c1, 0x00c2, 0x00c0,
	0x00a9, 0x2563, 0x2551, 0x2557, 0x255d, 0x00a2, 0x00a5, 0x2510,
	0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x00e3, 0x00c3,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x00a4,
	0x00f0, 0x00d0, 0x00ca, 0x00cb, 0x00c8, 0x0131, 0x00cd, 0x00ce,
	0x00cf, 0x2518, 0x250c, 0x2588, 0x2584, 0x00a6, 0x00cc, 0x2580,
	0x00d3, 0x00df, 0x00d4, 0x00d2, 0x00f5, 0x00d5, 0x00b5, 0x00fe,
	0x00de, 0x00da, 0x00db, 0x00d9, 0x00fd, 0x00dd, 0x00af, 0x00b4,
	0x00ad, 0x00b1, 0x2017, 0x00be, 0x00b6, 0x00a7, 0x00f7, 0x00b8,
	0x00b0, 0x00a8, 0x00b7, 0x00b9, 0x00b3, 0x00b2, 0x25a0, 0x00a0,
};

/* Specials a short name may hold besides letters and digits. */
static const char sfn_specials[] = "!#$%&'()-@^_`{}~";
/* Characters no long name may hold (and those below 0x20). */
static const char lfn_invalid[] = "\"*/:<>?\\|";

static bool
isin(uint16_t c, const char *set)
{
	return c != 0 && c < 0x80 && strchr(set, (int)c) != NULL;
}

/*
 * Decode len bytes of UTF-8 at s into at most LFN_MAXLEN UTF-16 units at
 * u.  EINVAL for malformed UTF-8, ENAMETOOLONG for too many units.
 */
int
msdosfs_utf8_to_utf16(const char *s, size_t len, uint16_t *u, size_t *np)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + len;
	uint32_t c, min;
	size_t n = 0;
	int more;

	while (p < end) {
		c = *p++;
		if (c < 0x80) {
			more = 0, min = 0;
		} else if ((c & 0xe0) == 0xc0) {
			c &= 0x1f, more = 1, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			c &= 0x0f, more = 2, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			c &= 0x07, more = 3, min = 0x10000;
		} else {
			return EINVAL;
		}
		if (end - p < more)
			return EINVAL;
		for (; more > 0; more--, p++) {
			if ((*p & 0xc0) != 0x80)
				return EINVAL;
			c = (c << 6) | (*p & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return EINVAL;
		if (n + (c >= 0x10000 ? 2 : 1) > LFN_MAXLEN)
			return ENAMETOOLONG;
		if (c >= 0x10000) {
			c -= 0x10000;
			u[n++] = (uint16_t)(0xd800 | (c >> 10));
			u[n++] = (uint16_t)(0xdc00 | (c & 0x3ff));
		} else {
			u[n++] = (uint16_t)c;
		}
	}
	*np = n;
	return 0;
}

/* Append code point c as UTF-8 to out (room outlen); false if it is full. */
static bool
put_utf8(uint32_t c, char *out, size_t outlen, size_t *lenp)
{
	uint8_t b[4];
	size_t n, i;

	if (c < 0x80) {
		b[0] = (uint8_t)c, n = 1;
	} else if (c < 0x800) {
		b[0] = (uint8_t)(0xc0 | (c >> 6)), n = 2;
	} else if (c < 0x10000) {
		b[0] = (uint8_t)(0xe0 | (c >> 12)), n = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | (c >> 18)), n = 4;
	}
	for (i = 1; i < n; i++)
		b[i] = (uint8_t)(0x80 | ((c >> (6 * (n - 1 - i))) & 0x3f));
	if (*lenp + n > outlen)
		return false;
	memcpy(out + *lenp, b, n);
	*lenp += n;
	return true;
}

/*
 * Encode n UTF-16 units as UTF-8 into out (room outlen).  False if the
 * units are not valid UTF-16, hold a NUL or '/', or do not fit.
 */
bool
msdosfs_utf16_to_utf8(const uint16_t *u, size_t n, char *out, size_t outlen,
    size_t *lenp)
{
	uint32_t c;
	size_t i;

	*lenp = 0;
	for (i = 0; i < n; i++) {
		c = u[i];
		if (c == 0 || c == '/')
			return false;
		if (c < 0x80 && *lenp < outlen) {	/* most names */
			out[(*lenp)++] = (char)c;
			continue;
		}
		if (c >= 0xdc00 && c <= 0xdfff)
			return false;
		if (c >= 0xd800 && c <= 0xdbff) {
			if (i + 1 == n || u[i + 1] < 0xdc00 ||
			    u[i + 1] > 0xdfff)
				return false;
			c = 0x10000 + ((c - 0xd800) << 10) + (u[++i] - 0xdc00);
		}
		if (!put_utf8(c, out, outlen, lenp))
			return false;
	}
	return true;
}

/* The upper case of c, for comparing names (see the header comment). */
uint16_t
msdosfs_upcase(uint16_t c)
{
	if (c < 0x80)
		return c >= 'a' && c <= 'z' ? (uint16_t)(c - 0x20) : c;
	if (c >= 0xe0 && c <= 0xfe && c != 0xf7)
		return (uint16_t)(c - 0x20);
	if (c == 0xff)
		return 0x178;
	if ((c >= 0x100 && c <= 0x12f) || (c >= 0x132 && c <= 0x137) ||
	    (c >= 0x14a && c <= 0x177))
		return (uint16_t)(c & ~1u);
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return (c & 1) ? c : (uint16_t)(c - 1);
	if ((c >= 0x3b1 && c <= 0x3c1) || (c >= 0x3c3 && c <= 0x3cb))
		return (uint16_t)(c - 0x20);
	if (c >= 0x430 && c <= 0x44f)
		return (uint16_t)(c - 0x20);
	if (c >= 0x450 && c <= 0x45f)
		return (uint16_t)(c - 0x50);
	return c;
}

/* FNV-1a of the folded units of a name. */
uint32_t
msdosfs_namehash(const uint16_t *u, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;
	uint16_t c;

	for (i = 0; i < n; i++) {
		c = msdosfs_upcase(u[i]);
		h = (h ^ (c & 0xff)) * 16777619u;
		h = (h ^ (c >> 8)) * 16777619u;
	}
	return h;
}

/* The lower case of c: the character msdosfs_upcase() takes to c. */
static uint16_t
downcase(uint16_t c)
{
	static const uint16_t delta[] = { 0x20, 1, 0x50 };
	size_t i;

	if (c == 0x178)
		return 0xff;
	for (i = 0; i < __arraycount(delta); i++)
		if (c + delta[i] <= 0xffff &&
		    msdosfs_upcase((uint16_t)(c + delta[i])) == c)
			return (uint16_t)(c + delta[i]);
	return c;
}

/* A short name byte as a code point, in the case NTRES asks for. */
static uint32_t
sfn_char(uint8_t b, bool lower)
{
	uint16_t c = b >= 0x80 ? cp850[b - 0x80] : b;

	return lower ? downcase(c) : c;
}

/*
 * The name to show for short entry raw (11 bytes) with NTRES bits ntres,
 * as UTF-8 into out (room for at least 3 * 12 bytes).  False for a name
 * that cannot be shown: empty, or holding control characters or '/'.
 */
bool
msdosfs_sfn_show(const uint8_t *raw, uint8_t ntres, char *out, size_t *lenp)
{
	uint8_t name[11];
	int blen = 8, elen = 3, i;

	memcpy(name, raw, 11);
	if (name[0] == SLOT_E5)
		name[0] = SLOT_DELETED;
	while (blen > 0 && name[blen - 1] == ' ')
		blen--;
	while (elen > 0 && name[8 + elen - 1] == ' ')
		elen--;
	if (blen == 0)
		return false;
	for (i = 0; i < 11; i++)
		if (name[i] < 0x20 || name[i] == '/')
			return false;
	*lenp = 0;
	for (i = 0; i < blen; i++)
		(void)put_utf8(sfn_char(name[i], ntres & NTRES_LCBASE), out,
		    36, lenp);
	if (elen > 0)
		(void)put_utf8('.', out, 36, lenp);
	for (i = 0; i < elen; i++)
		(void)put_utf8(sfn_char(name[8 + i], ntres & NTRES_LCEXT),
		    out, 36, lenp);
	return true;
}

/* The OEM byte of code point c, upper-cased; 0 if there is none. */
static uint8_t
oem_byte(uint16_t c)
{
	int i;

	c = msdosfs_upcase(c);
	if (c < 0x80)
		return (uint8_t)c;
	for (i = 0; i < 128; i++)
		if (cp850[i] == c)
			return (uint8_t)(0x80 + i);
	return 0;
}

/* May OEM byte b be in a short name? */
static bool
sfn_valid(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
	    b >= 0x80 || b == ' ' || isin(b, sfn_specials);
}

/*
 * The 11-byte short name a lookup of name u (n units) would match, if
 * the name can be read as one at all (case does not matter).
 */
bool
msdosfs_sfn_key(const uint16_t *u, size_t n, uint8_t *sfn)
{
	size_t i, dot = n, k;
	uint8_t b;

	memset(sfn, ' ', 11);
	if (n == 0 || u[0] == '.' || u[0] == ' ' || u[n - 1] == ' ')
		return false;
	for (i = 0; i < n; i++)
		if (u[i] == '.') {
			if (dot != n)
				return false;
			dot = i;
		}
	if (dot > 8 || (dot < n && (n - dot - 1 == 0 || n - dot - 1 > 3)))
		return false;
	for (i = 0, k = 0; i < n; i++) {
		if (i == dot) {
			k = 8;
			continue;
		}
		if ((b = oem_byte(u[i])) == 0 || !sfn_valid(b))
			return false;
		sfn[k++] = b;
	}
	if (sfn[0] == SLOT_DELETED)
		sfn[0] = SLOT_E5;
	return true;
}

/*
 * May name u (n units) be the long name of a new entry?  EINVAL for a
 * character no FAT name holds, or a name ending in a period or space
 * (Windows would silently drop those).
 */
int
msdosfs_lfn_check(const uint16_t *u, size_t n)
{
	size_t i;

	if (n == 0 || u[n - 1] == '.' || u[n - 1] == ' ')
		return EINVAL;
	for (i = 0; i < n; i++)
		if (u[i] < 0x20 || isin(u[i], lfn_invalid))
			return EINVAL;
	return 0;
}

/* Is part [from, to) of u an 8.3 part in one case?  *lowerp: lower. */
static bool
plain_part(const uint16_t *u, size_t from, size_t to, bool *lowerp)
{
	bool upper = false, lower = false;
	size_t i;
	uint16_t c;

	for (i = from; i < to; i++) {
		c = u[i];
		if (c >= 'a' && c <= 'z')
			lower = true;
		else if (c >= 'A' && c <= 'Z')
			upper = true;
		else if (!((c >= '0' && c <= '9') || isin(c, sfn_specials)))
			return false;
	}
	*lowerp = lower;
	return !(upper && lower);
}

/* The basis name of a name that needs a long one (section 7.4). */
static void
sfn_basis(const uint16_t *u, size_t n, uint8_t *sfn)
{
	size_t i = 0, last = n, k;
	uint8_t b;

	memset(sfn, ' ', 11);
	while (i < n && (u[i] == '.' || u[i] == ' '))
		i++;
	for (k = i; k < n; k++)
		if (u[k] == '.')
			last = k;
	for (k = 0; i < n && u[i] != '.' && k < 8; i++) {
		if (u[i] == ' ')
			continue;
		b = u[i] < 0x80 ? oem_byte(u[i]) : '_';
		sfn[k++] = sfn_valid(b) ? b : '_';
	}
	if (k == 0)
		sfn[0] = '_';
	for (i = last + 1, k = 8; last < n && i < n && k < 11; i++) {
		if (u[i] == ' ' || u[i] == '.')
			continue;
		b = u[i] < 0x80 ? oem_byte(u[i]) : '_';
		sfn[k++] = sfn_valid(b) ? b : '_';
	}
}

/*
 * The short name for a new entry named u (n units, checked by
 * msdosfs_lfn_check): SFN_PLAIN with the name in sfn and its case bits
 * in *ntresp, or SFN_LONG with a basis name in sfn.
 */
int
msdosfs_sfn_make(const uint16_t *u, size_t n, uint8_t *sfn, uint8_t *ntresp)
{
	size_t dot = n, i;
	bool lbase, lext = false;

	*ntresp = 0;
	for (i = 0; i < n; i++)
		if (u[i] == '.') {
			if (dot != n)
				break;
			dot = i;
		}
	if (i == n && dot >= 1 && dot <= 8 &&
	    (dot == n || n - dot - 1 <= 3) &&
	    plain_part(u, 0, dot, &lbase) &&
	    (dot == n || plain_part(u, dot + 1, n, &lext)) &&
	    msdosfs_sfn_key(u, n, sfn)) {
		*ntresp = (lbase ? NTRES_LCBASE : 0) | (lext ? NTRES_LCEXT : 0);
		return SFN_PLAIN;
	}
	sfn_basis(u, n, sfn);
	return SFN_LONG;
}

/* basis with the numeric tail "~n" (n < 1000000) into out. */
void
msdosfs_sfn_tail(const uint8_t *basis, uint32_t n, uint8_t *out)
{
	char tail[8];
	size_t tl, bl = 8;

	tl = (size_t)snprintf(tail, sizeof(tail), "~%u", (unsigned)n);
	while (bl > 0 && basis[bl - 1] == ' ')
		bl--;
	if (bl + tl > 8)
		bl = 8 - tl;
	memcpy(out, basis, 11);
	memset(out + bl, ' ', 8 - bl);
	memcpy(out + bl, tail, tl);
}

/*
 * A basis of the first two characters of basis and four hexadecimal
 * digits of a hash of the long name u and seed, into out.
 */
void
msdosfs_sfn_hashed(const uint8_t *basis, const uint16_t *u, size_t n,
    uint32_t seed, uint8_t *out)
{
	static const char hex[] = "0123456789ABCDEF";
	uint32_t h = msdosfs_namehash(u, n) ^ (seed * 0x9e3779b9u);
	size_t bl = basis[1] == ' ' ? 1 : 2;
	int i;

	h ^= h >> 16;
	memcpy(out, basis, 11);
	memset(out + bl, ' ', 8 - bl);
	for (i = 0; i < 4; i++)
		out[bl + (size_t)i] = (uint8_t)hex[(h >> (12 - 4 * i)) & 0xf];
}

/* Section 7.2: the checksum long name slots carry of their short name. */
uint8_t
msdosfs_lfn_chksum(const uint8_t *sfn)
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) ? 0x80 : 0) + (sum >> 1) + sfn[i]);
	return sum;
}

/*
 * The host's offset from UTC at time t, asked once per 15 minutes of
 * time: since 1980 every zone's offsets and transitions are whole
 * quarter hours, so the offset is constant within each aligned quarter
 * hour.  The last answer is kept in pm_tzcache (bucket + 1 above bit 20,
 * offset + 2^19 below; one word, so threads see a consistent pair).
 */
static int32_t
host_offset(struct msdosfsmount *pmp, int64_t t)
{
	uint64_t b, c;
	int32_t off;

	if (t < 0 || t >= ((int64_t)1 << 37))
		return kclock_gmtoff(t);
	b = (uint64_t)(t / 900) + 1;
	c = __atomic_load_n(&pmp->pm_tzcache, __ATOMIC_RELAXED);
	if ((c >> 20) == b)
		return (int32_t)(c & 0xfffff) - 0x80000;
	off = kclock_gmtoff(t);
	__atomic_store_n(&pmp->pm_tzcache, (b << 20) |
	    (uint64_t)(off + 0x80000), __ATOMIC_RELAXED);
	return off;
}

/* Seconds to add to UTC for the volume's local time at UTC time t. */
static int32_t
utc_offset(struct msdosfsmount *pmp, int64_t t)
{
	return pmp->pm_gmtoff_set ? pmp->pm_gmtoff : host_offset(pmp, t);
}

void
msdosfs_unix2dos(struct msdosfsmount *pmp, const struct ktimespec *ts,
    uint16_t *datep, uint16_t *timep, uint8_t *tenthp)
{
	int64_t t = ts->tv_sec + utc_offset(pmp, ts->tv_sec), days, secs, y;
	int m, d, nsec = ts->tv_nsec;

	days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	secs = t - days * 86400;
	kclock_civil(days, &y, &m, &d);
	if (y < 1980) {
		y = 1980, m = 1, d = 1, secs = 0, nsec = 0;
	} else if (y > 2107) {
		y = 2107, m = 12, d = 31, secs = 86399, nsec = 999999999;
	}
	*datep = (uint16_t)(((y - 1980) << DD_YEAR_SHIFT) |
	    (m << DD_MONTH_SHIFT) | (d << DD_DAY_SHIFT));
	*timep = (uint16_t)(((secs / 3600) << DT_HOURS_SHIFT) |
	    ((secs / 60 % 60) << DT_MINUTES_SHIFT) |
	    ((secs % 60 / 2) << DT_2SECS_SHIFT));
	if (tenthp != NULL)
		*tenthp = (uint8_t)((secs % 2) * 100 + nsec / 10000000);
}

/*
 * The time of date and time (and tenth, hundredths of a second, or 0);
 * fields out of range are taken as their nearest valid value.
 */
void
msdosfs_dos2unix(struct msdosfsmount *pmp, uint16_t date, uint16_t time,
    uint8_t tenth, struct ktimespec *ts)
{
	int m = (date >> DD_MONTH_SHIFT) & 0xf, d = date & 0x1f;
	int h = time >> DT_HOURS_SHIFT, mi = (time >> DT_MINUTES_SHIFT) & 0x3f;
	int s = (time & 0x1f) * 2;
	int64_t local, t;
	int32_t off;

	m = m < 1 ? 1 : m > 12 ? 12 : m;
	d = d < 1 ? 1 : d;
	h = h > 23 ? 23 : h;
	mi = mi > 59 ? 59 : mi;
	s = s > 58 ? 58 : s;
	if (tenth >= 200)
		tenth = 0;
	local = kclock_days(1980 + (date >> DD_YEAR_SHIFT), m, d) *
	    86400 + h * 3600 + mi * 60 + s + tenth / 100;
	if (pmp->pm_gmtoff_set) {
		t = local - pmp->pm_gmtoff;
	} else {
		/* The offset in force at the result, found in two steps. */
		off = host_offset(pmp, local);
		t = local - off;
		if (host_offset(pmp, t) != off)
			t = local - host_offset(pmp, t);
	}
	ts->tv_sec = t;
	ts->tv_nsec = (tenth % 100) * 10000000;
}
