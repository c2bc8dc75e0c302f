/*
 * h_util.h: helpers shared by the C test programs: scratch files, running
 * host tools, filling and checking patterned data.
 */
#ifndef _TESTS_COMMON_H_UTIL_H_
#define _TESTS_COMMON_H_UTIL_H_

#include <stddef.h>
#include <stdint.h>

/* Create a file of the given size (sparse) and return its path. */
const char *h_mkfile(const char *, uint64_t);
/* Run a shell command; fail the test case if it exits non-zero. */
void	h_run(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
/* Deterministic pattern: byte at offset off of stream seed. */
uint8_t	h_pattern(uint64_t, uint64_t);
void	h_fill(void *, size_t, uint64_t, uint64_t);
/* Offset of the first byte that differs from the pattern, or -1. */
long long h_check(const void *, size_t, uint64_t, uint64_t);
/* Whether a program is on PATH. */
int	h_have(const char *);

#endif
