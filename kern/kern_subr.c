/*
 * kern_subr.c: console messages, panic, parameters from the environment,
 * clocks (with the SOURCE_DATE_EPOCH clamp) and random numbers.
 */
#include "sys/param.h"
#include "sys/systm.h"
#include "../lib/hyp.h"

int kernel_verbose;

void
kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	hyp_console_write(buf, (size_t)n);
}

void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void
kverbose(const char *fmt, ...)
{
	va_list ap;

	if (!kernel_verbose)
		return;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	kprintf("panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	hyp_abort();
}

int
kparam_get(const char *name, char *buf, size_t len)
{
	return hyp_getenv(name, buf, len);
}

/*
 * A number from the environment: decimal, with an optional k, m or g
 * suffix (powers of 1024).  EINVAL for anything else or an overflow.
 */
int
kparam_getnum(const char *name, uint64_t *vp)
{
	char buf[64], *p;
	uint64_t v = 0, mul = 1;
	int error;

	if ((error = kparam_get(name, buf, sizeof(buf))) != 0)
		return error == ENAMETOOLONG ? EINVAL : error;
	p = buf;
	if (*p < '0' || *p > '9')
		return EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 'k': case 'K':
		mul = 1024;
		p++;
		break;
	case 'm': case 'M':
		mul = 1024 * 1024;
		p++;
		break;
	case 'g': case 'G':
		mul = 1024 * 1024 * 1024;
		p++;
		break;
	}
	if (*p != '\0' || (v != 0 && v > UINT64_MAX / mul))
		return EINVAL;
	*vp = v * mul;
	return 0;
}

void
getnanotime(struct ktimespec *ts)
{
	int64_t sec;
	long nsec;

	if (hyp_clock_gettime(HYP_CLOCK_REALTIME, &sec, &nsec) != 0) {
		sec = 0;
		nsec = 0;
	}
	ts->tv_sec = sec;
	ts->tv_nsec = (int32_t)nsec;
}

/*
 * SOURCE_DATE_EPOCH: when set, no time the kernel writes is later than it,
 * so that images built twice from the same input are identical.
 */
static struct {
	bool	checked;
	bool	set;
	int64_t	epoch;
} sde;

static void
sde_check(void)
{
	uint64_t v;

	if (sde.checked)
		return;
	sde.checked = true;
	if (kparam_getnum("SOURCE_DATE_EPOCH", &v) == 0 &&
	    v <= (uint64_t)INT64_MAX) {
		sde.set = true;
		sde.epoch = (int64_t)v;
	}
}

void
kclock_clamp(struct ktimespec *ts)
{
	sde_check();
	if (sde.set && ts->tv_sec >= sde.epoch) {
		ts->tv_sec = sde.epoch;
		ts->tv_nsec = 0;
	}
}

/* Is SOURCE_DATE_EPOCH set (reproducible output wanted)? */
bool
kclock_reproducible(void)
{
	sde_check();
	return sde.set;
}

/*
 * Seconds east of UTC of the host's local time at UTC time t, for file
 * systems that store local times (FAT); 0 if the host cannot tell.
 */
int32_t
kclock_gmtoff(int64_t t)
{
	int32_t off;

	if (hyp_gmtoff(t, &off) != 0 || off < -24 * 3600 || off > 24 * 3600)
		return 0;
	return off;
}

/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar. */
int64_t
kclock_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of day z since 1970-01-01 (the inverse of kclock_days). */
void
kclock_civil(int64_t z, int64_t *yp, int *mp, int *dp)
{
	int64_t era, doe, yoe, doy, mp0;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp0 = (5 * doy + 2) / 153;
	*dp = (int)(doy - (153 * mp0 + 2) / 5 + 1);
	*mp = (int)(mp0 < 10 ? mp0 + 3 : mp0 - 9);
	*yp = yoe + era * 400 + (*mp <= 2);
}

/* The time stamp a file system writes for "now". */
void
vfs_timestamp(struct ktimespec *ts)
{
	getnanotime(ts);
	kclock_clamp(ts);
}

/*
 * Random numbers for generation numbers and identifiers: a xorshift
 * generator seeded once from the host's random source, so that creating
 * thousands of files costs no system call each.  Not for secrets.
 */
static uint64_t krand_state;

uint32_t
karc4random(void)
{
	uint64_t x = __atomic_load_n(&krand_state, __ATOMIC_RELAXED);

	if (x == 0 && (hyp_getrandom(&x, sizeof(x)) != 0 || x == 0))
		x = 0x9e3779b97f4a7c15ULL;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	__atomic_store_n(&krand_state, x, __ATOMIC_RELAXED);
	return (uint32_t)(x >> 32);
}

static void
swapbytes(char *a, char *b, size_t sz)
{
	char t;

	while (sz-- > 0) {
		t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

static void
siftdown(char *base, size_t root, size_t n, size_t sz,
    int (*cmp)(const void *, const void *))
{
	size_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n &&
		    cmp(base + child * sz, base + (child + 1) * sz) < 0)
			child++;
		if (cmp(base + root * sz, base + child * sz) >= 0)
			return;
		swapbytes(base + root * sz, base + child * sz, sz);
		root = child;
	}
}

/* Heap sort: in place, O(n log n), no allocation, not stable. */
void
ksort(void *base, size_t n, size_t sz, int (*cmp)(const void *, const void *))
{
	char *b = base;
	size_t i;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		siftdown(b, i, n, sz, cmp);
	for (i = n - 1; i > 0; i--) {
		swapbytes(b, b + i * sz, sz);
		siftdown(b, 0, i, sz, cmp);
	}
}

/*
 * CRC-32C (Castagnoli, the polynomial 0x1EDC6F41 in reflected form
 * 0x82F63B78), as iSCSI, ext4 and btrfs use it; crc32c(0, "123456789", 9)
 * is 0xE3069283.  With the SSE4.2 crc32 instruction where the processor
 * has it; otherwise eight bytes per step from eight tables, which are
 * computed on the first call.  crc is the value of the bytes before (0 to
 * start), so a buffer can be checksummed in pieces.
 */
static uint32_t crc32c_tab[8][256];
static bool crc32c_ready;
static int crc32c_hw;		/* 0 unknown, 1 yes, -1 no */

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>

__attribute__((__target__("sse4.2")))
static uint32_t
crc32c_sse42(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = ~crc, w;

	while (len > 0 && ((uintptr_t)p & 7) != 0) {
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
		len--;
	}
	while (len >= 8) {
		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
		p += 8;
		len -= 8;
	}
	while (len > 0) {
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
		len--;
	}
	return ~(uint32_t)c;
}

static bool
crc32c_hwprobe(void)
{
	unsigned a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) != 0 && (c & bit_SSE4_2) != 0;
}
#else
static uint32_t
crc32c_sse42(uint32_t crc, const uint8_t *p, size_t len)
{
	return crc;
}

static bool
crc32c_hwprobe(void)
{
	return false;
}
#endif

static void
crc32c_init(void)
{
	uint32_t c;
	int i, j;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ ((c & 1) ? 0x82F63B78U : 0);
		crc32c_tab[0][i] = c;
	}
	for (i = 0; i < 256; i++) {
		c = crc32c_tab[0][i];
		for (j = 1; j < 8; j++) {
			c = (c >> 8) ^ crc32c_tab[0][c & 0xff];
			crc32c_tab[j][i] = c;
		}
	}
	__atomic_store_n(&crc32c_ready, true, __ATOMIC_RELEASE);
}

uint32_t
crc32c(uint32_t crc, const void *buf, size_t len)
{
	int hw = __atomic_load_n(&crc32c_hw, __ATOMIC_RELAXED);

	if (hw == 0) {
		hw = crc32c_hwprobe() ? 1 : -1;
		__atomic_store_n(&crc32c_hw, hw, __ATOMIC_RELAXED);
	}
	if (hw > 0)
		return crc32c_sse42(crc, buf, len);
	return crc32c_sw(crc, buf, len);
}

/* The same with the tables, whatever the processor (and for the tests). */
uint32_t
crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t w;

	if (!__atomic_load_n(&crc32c_ready, __ATOMIC_ACQUIRE))
		crc32c_init();
	crc = ~crc;
	while (len > 0 && ((uintptr_t)p & 7) != 0) {
		crc = (crc >> 8) ^ crc32c_tab[0][(crc ^ *p++) & 0xff];
		len--;
	}
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (len >= 8) {
		memcpy(&w, p, 8);
		w ^= crc;
		crc = crc32c_tab[7][w & 0xff] ^
		    crc32c_tab[6][(w >> 8) & 0xff] ^
		    crc32c_tab[5][(w >> 16) & 0xff] ^
		    crc32c_tab[4][(w >> 24) & 0xff] ^
		    crc32c_tab[3][(w >> 32) & 0xff] ^
		    crc32c_tab[2][(w >> 40) & 0xff] ^
		    crc32c_tab[1][(w >> 48) & 0xff] ^
		    crc32c_tab[0][w >> 56];
		p += 8;
		len -= 8;
	}
#else
	(void)w;
#endif
	while (len > 0) {
		crc = (crc >> 8) ^ crc32c_tab[0][(crc ^ *p++) & 0xff];
		len--;
	}
	return ~crc;
}
