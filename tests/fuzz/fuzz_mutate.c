/*
 * fuzz_mutate.c: a mutator for image inputs, used under libFuzzer only
 * (the targets' LLVMFuzzerCustomMutator call it).
 *
 * libFuzzer's own mutations insert and erase bytes, which moves every
 * structure of an image off its place so that nothing mounts, and pick
 * positions uniformly, which on a mostly empty image hits zeros and file
 * contents.  This mutator keeps the image's size and layout and aims at
 * sectors that look like metadata: non-zero, and the more so the more of
 * their 32-bit words (in either byte order) hold small numbers, which
 * text and most file data do not.  There it flips bits, sets
 * bytes, moves a 16-, 32- or 64-bit word of either byte order by a small
 * amount or sets it to a boundary value, copies a word from another
 * non-zero place, zeroes a range, or lets libFuzzer mutate a small window
 * in place.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"

#define SECTOR		512
#define TRIES		64

static uint64_t rnd_state;

static uint64_t
rnd(void)
{
	uint64_t x = rnd_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rnd_state = x;
}

static size_t
below(size_t n)
{
	return n == 0 ? 0 : (size_t)(rnd() % n);
}

/*
 * How much a sector looks like metadata, 0 (all zeros) to len / 4 + 1:
 * one, plus one for each 32-bit word that is a small non-zero number in
 * either byte order (a count, a size, a block or inode number, a mode).
 */
static size_t
sector_weight(const uint8_t *p, size_t len)
{
	size_t i, w = 0, used = 0;
	uint32_t le, be;

	for (i = 0; i + 4 <= len; i += 4) {
		le = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
		    (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
		be = (uint32_t)p[i + 3] | (uint32_t)p[i + 2] << 8 |
		    (uint32_t)p[i + 1] << 16 | (uint32_t)p[i] << 24;
		if (le != 0)
			used = 1;
		if (le != 0 && (le < (1u << 20) || be < (1u << 20)))
			w++;
	}
	for (; i < len && !used; i++)
		used = p[i] != 0;
	return used ? w + 1 : 0;
}

/*
 * A position in a sector chosen with a probability that grows with its
 * weight (by rejection: a sector of weight w is kept with probability
 * w / (SECTOR / 4 + 1)), or in any non-zero sector, or anywhere.
 */
static size_t
position(const uint8_t *data, size_t size)
{
	size_t nsect = (size + SECTOR - 1) / SECTOR, s, len, w, any = SIZE_MAX;
	int i;

	for (i = 0; i < TRIES; i++) {
		s = below(nsect);
		len = size - s * SECTOR < SECTOR ? size - s * SECTOR : SECTOR;
		if ((w = sector_weight(data + s * SECTOR, len)) == 0)
			continue;
		if (any == SIZE_MAX)
			any = s * SECTOR + below(len);
		if (below(SECTOR / 4 + 1) < w)
			return s * SECTOR + below(len);
	}
	return any != SIZE_MAX ? any : below(size);
}

static uint64_t
word_get(const uint8_t *p, int n, int be)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
	return v;
}

static void
word_put(uint8_t *p, int n, int be, uint64_t v)
{
	int i;

	for (i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
interesting(int n, size_t size)
{
	uint64_t top = n == 8 ? UINT64_MAX : (1ULL << (8 * n)) - 1;

	switch (below(10)) {
	case 0:	return 0;
	case 1:	return 1;
	case 2:	return top;			/* -1 */
	case 3:	return top >> 1;		/* largest positive */
	case 4:	return (top >> 1) + 1;		/* most negative */
	case 5:	return (uint64_t)1 << below((size_t)(8 * n));
	case 6:	return size / SECTOR;		/* the image in sectors */
	case 7:	return size;
	case 8:	return below(64);
	default: return (uint64_t)below(size) & top;
	}
}

static void
mutate_one(uint8_t *data, size_t size)
{
	size_t pos = position(data, size), from, len;
	int n = 2 << below(3), be = (int)below(2);
	uint64_t v;

	switch (below(7)) {
	case 0:
		data[pos] ^= (uint8_t)(1 << below(8));
		return;
	case 1:
		data[pos] = (uint8_t)rnd();
		return;
	case 2:
	case 3:
		pos &= ~(size_t)(n - 1);
		if (pos + (size_t)n > size)
			return;
		v = word_get(data + pos, n, be);
		if (below(2))
			v += (uint64_t)below(33) - 16;
		else
			v = interesting(n, size);
		word_put(data + pos, n, be, v);
		return;
	case 4:
		pos &= ~(size_t)(n - 1);
		from = position(data, size) & ~(size_t)(n - 1);
		if (pos + (size_t)n <= size && from + (size_t)n <= size)
			memmove(data + pos, data + from, (size_t)n);
		return;
	case 5:
		len = 4 + below(61);
		if (pos + len > size)
			len = size - pos;
		memset(data + pos, 0, len);
		return;
	default:
		len = 16 + below(49);
		if (pos + len > size)
			len = size - pos;
		if (len > 0)
			(void)LLVMFuzzerMutate(data + pos, len, len);
		return;
	}
}

size_t
fuzz_mutate_image(uint8_t *data, size_t size, unsigned seed)
{
	int i, n;

	rnd_state = 0x9e3779b97f4a7c15ULL ^ seed;
	if (size == 0)
		return 0;
	n = 1 + (int)below(4);
	for (i = 0; i < n; i++)
		mutate_one(data, size);
	return size;
}
