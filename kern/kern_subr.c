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
