/*
 * fuzz_fsck.c: the checker's target.  The input is a whole image of
 * FUZZ_FSTYPE.  It is checked and repaired as `fsu_fsck -fy' would
 * (ukfs_fsck, UKFS_FSCK_YES and FORCE).  When the repair says the file
 * system is consistent at its end, three things must hold, or the target
 * aborts and libFuzzer keeps the input:
 *
 *  - a second check that changes nothing (`fsu_fsck -fn') finds no
 *    problem: one repair is enough;
 *  - the repaired image mounts read-write and takes a new directory and
 *    a file of a few blocks, and its release succeeds;
 *  - after those writes the check still finds nothing.
 *
 * Between the steps the kernel must give back its memory and the process
 * its descriptors.  A check that fails (an image the checker cannot
 * repair) is fine, as long as it fails cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../ukfs/ukfs.h"
#include "fuzz.h"

#ifdef FUZZ_LIBFUZZER
size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t len, size_t max, unsigned seed)
{
	if (len == 0)
		return LLVMFuzzerMutate(data, len, max);
	return fuzz_mutate_image(data, len, seed);
}
#endif

/* The checker's lines: kept quiet unless FUZZ_TRACE asks for them. */
static void
fsck_line(void *arg, const char *line)
{
	const char *step = arg;

	if (fuzz_trace)
		fprintf(stderr, "fuzz: fsck %s: %s\n", step, line);
}

/* Check path in mode; -1 when the check itself failed. */
static int
check(const char *path, int mode, const char *step, struct ukfs_fsck *uf)
{
	int rv;

	memset(uf, 0, sizeof(*uf));
	uf->uf_mode = mode;
	uf->uf_flags = UKFS_FSCK_FORCE;
	uf->uf_print = fsck_line;
	uf->uf_arg = (void *)(uintptr_t)step;
	rv = ukfs_fsck(FUZZ_FSTYPE, path, NULL, UKFS_NOLOCK, uf);
	fuzz_leakcheck();
	return rv;
}

/* Problems the check after a repair must not find. */
static void
must_be_clean(const char *path, const char *after)
{
	struct ukfs_fsck uf;

	if (check(path, UKFS_FSCK_NOWRITE, after, &uf) == -1 ||
	    uf.uf_found != 0 || !uf.uf_clean) {
		fprintf(stderr, "fuzz: after %s the check finds %llu "
		    "problem(s)%s (FUZZ_TRACE=1 shows them)\n", after,
		    (unsigned long long)uf.uf_found, uf.uf_clean ? "" :
		    ", not clean");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char text[] = "written after the repair\n";
	struct ukfs_fsck uf;
	struct ukfs *fs;
	const char *path;
	char buf[3 * 4096];
	size_t i;

	path = fuzz_image(data, len, fuzz_minsize(FUZZ_FSTYPE));
	if (check(path, UKFS_FSCK_YES, "repair", &uf) == -1 || !uf.uf_clean)
		return 0;
	fuzz_mounted = 1;
	must_be_clean(path, "the repair");

	if ((fs = fuzz_mount(path, FUZZ_FSTYPE, 0)) == NULL) {
		perror("fuzz: the repaired image does not mount read-write");
		abort();
	}
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = text[i % (sizeof(text) - 1)];
	if (ukfs_mkdir(fs, "/fuzz-fsck-dir", 0755) == -1 ||
	    ukfs_create(fs, "/fuzz-fsck-dir/f", 0644) == -1 ||
	    ukfs_write(fs, "/fuzz-fsck-dir/f", 0, buf, sizeof(buf)) !=
	    (ssize_t)sizeof(buf)) {
		/* A full image may refuse; the release must still be clean. */
		if (fuzz_trace)
			perror("fuzz: writing to the repaired image");
	}
	if (fuzz_release(fs) == -1) {
		perror("fuzz: releasing the repaired image after writes");
		abort();
	}
	must_be_clean(path, "the repair and writes");
	return 0;
}
