/*
 * h_util.c: helpers shared by the C test programs.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "h_util.h"

const char *
h_mkfile(const char *path, uint64_t size)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE_MSG(fd != -1, "cannot create %s", path);
	ATF_REQUIRE(ftruncate(fd, (off_t)size) == 0);
	close(fd);
	return path;
}

void
h_run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rv;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rv = system(cmd);
	ATF_REQUIRE_MSG(rv == 0, "command failed (%d): %s", rv, cmd);
}

/* A cheap 64-bit mix of (seed, offset / 8), sliced into bytes. */
uint8_t
h_pattern(uint64_t seed, uint64_t off)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL ^ (off >> 3);

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (uint8_t)(x >> ((off & 7) * 8));
}

void
h_fill(void *buf, size_t len, uint64_t seed, uint64_t off)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = h_pattern(seed, off + i);
}

long long
h_check(const void *buf, size_t len, uint64_t seed, uint64_t off)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != h_pattern(seed, off + i))
			return (long long)i;
	return -1;
}

int
h_have(const char *prog)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/*
 * libatf-c itself leaks the test-case list it builds when a program is
 * asked for it (t_foo -l, the first thing kyua does), which makes every
 * test program "broken" under LeakSanitizer (make check SANITIZE=1).
 * That leak is not ours to fix: tell LeakSanitizer to ignore leaks made
 * by the libatf-c functions that build the list (by name, not the whole
 * library: a test body runs under libatf-c frames, and its leaks must
 * still be reported), and not to print the suppressions it used (kyua
 * rejects a test-case list that writes to stderr).
 * Without the sanitizer these functions are never called.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:atf_tp_get_tcs\n"
	    "leak:atf_map_init_charpp\n"
	    "leak:atf_map_insert\n"
	    "leak:atf_list_init\n"
	    "leak:atf_list_append\n";
}

const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}
