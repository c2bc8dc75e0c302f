/*
 * hyp_misc.c: memory, clocks, environment parameters, randomness, the
 * console (the host's standard error) and abort.
 */
#define _GNU_SOURCE
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hyp.h"

void *
hyp_malloc(size_t size)
{
	return malloc(size);
}

void
hyp_free(void *p, size_t size)
{
	(void)size;
	free(p);
}

int
hyp_clock_gettime(int which, int64_t *secp, long *nsecp)
{
	struct timespec ts;
	clockid_t id;

	id = which == HYP_CLOCK_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME;
	if (clock_gettime(id, &ts) == -1)
		return hyp_errno_from_host(errno);
	*secp = (int64_t)ts.tv_sec;
	*nsecp = ts.tv_nsec;
	return 0;
}

/*
 * The offset of the host's local time from UTC at time t (the TZ
 * variable and the host's zone files decide), in seconds east.
 */
int
hyp_gmtoff(int64_t t, int32_t *offp)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if ((int64_t)tt != t || localtime_r(&tt, &tm) == NULL)
		return HYP_EINVAL;
	*offp = (int32_t)tm.tm_gmtoff;
	return 0;
}

/* Copy the value of an environment variable; ENOENT when it is unset,
 * ENAMETOOLONG when the buffer is too small. */
int
hyp_getenv(const char *name, char *buf, size_t len)
{
	const char *v;
	size_t n;

	if ((v = getenv(name)) == NULL)
		return HYP_ENOENT;
	n = strlen(v);
	if (n >= len)
		return HYP_ENAMETOOLONG;
	memcpy(buf, v, n + 1);
	return 0;
}

int
hyp_getrandom(void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = getrandom((char *)buf + done, len - done, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return hyp_errno_from_host(errno);
		}
		done += (size_t)n;
	}
	return 0;
}

/* Kernel messages go to standard error, never to standard output, which
 * belongs to the program's data. */
void
hyp_console_write(const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDERR_FILENO, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

void
hyp_abort(void)
{
	abort();
}

void
hyp_crash(void)
{
	_exit(HYP_CRASH_STATUS);
}
