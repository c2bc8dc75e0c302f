/*
 * fuzz_read.c: the read target.  The input is a whole image; it is
 * mounted read-only with type detection and partitions, as fsu_ls would,
 * and the whole tree is walked: stat and lstat of every entry, readlink
 * of every symbolic link, the start and the end of every file.  The
 * release must give back every byte of kernel memory.
 *
 * Built once per file system (fuzz_read_ffs, fuzz_read_ext2fs, ...):
 * the code is the same, each has its own seeds and corpus.
 */
#include <stddef.h>
#include <stdint.h>

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ukfs *fs;
	const char *path;

	path = fuzz_image(data, len, fuzz_minsize(FUZZ_FSTYPE));
	if ((fs = fuzz_mount(path, NULL, UKFS_RDONLY)) == NULL)
		return 0;
	fuzz_walk(fs);
	(void)fuzz_release(fs);
	return 0;
}
