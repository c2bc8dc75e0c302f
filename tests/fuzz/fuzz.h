/*
 * fuzz.h: what the fuzz targets share (fuzz_util.c).
 *
 * Every target defines LLVMFuzzerTestOneInput().  Built with clang and
 * -fsanitize=fuzzer it is driven by libFuzzer; built with any compiler
 * and linked with replay_main.c it runs over the files named on its
 * command line (the regression corpus and the generated seeds in make
 * check).  The file-system targets are compiled once per file system,
 * with FUZZ_FSTYPE naming it ("ffs", "ext2fs", ...).
 */
#ifndef _TESTS_FUZZ_FUZZ_H_
#define _TESTS_FUZZ_FUZZ_H_

#include <stddef.h>
#include <stdint.h>

struct ukfs;

/* Limits of one walk, so that a hostile tree stays fast. */
#define FUZZ_MAXDEPTH	16		/* directory levels */
#define FUZZ_MAXENTRIES	2048		/* entries visited */
#define FUZZ_READHEAD	(256 * 1024)	/* bytes read from a file's start */
#define FUZZ_READTAIL	(16 * 1024)	/* and from before its end */
#define FUZZ_MAXEXTENTS	32		/* data extents followed */

extern int fuzz_trace;		/* FUZZ_TRACE set: print what is done */
extern int fuzz_mounted;	/* the input has mounted (fuzz_mount) */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);
size_t	LLVMFuzzerCustomMutator(uint8_t *, size_t, size_t, unsigned int);
size_t	LLVMFuzzerMutate(uint8_t *, size_t, size_t);

/*
 * Under libFuzzer: mutate an image in place, keeping its size, mostly in
 * its non-zero sectors (fuzz_mutate.c).  Returns the size.
 */
size_t	fuzz_mutate_image(uint8_t *, size_t, unsigned int);

/*
 * Boot the kernel once for the process and keep it booted (a handle on
 * its root file system).  Idempotent; fuzz_image() calls it.
 */
void	fuzz_boot(void);

/*
 * Put the image bytes into the process's image file (in a directory of
 * its own under $FUZZ_TMPDIR, $TMPDIR or /tmp, removed at exit) and
 * return its path, which ukfs_mount() takes.  The contents are replaced
 * on every call, and a journal left beside the image is removed.  A
 * file shorter than minsize bytes is extended with zeros to minsize.
 */
const char *fuzz_image(const uint8_t *, size_t, size_t);

/*
 * The smallest FAT32 volume has 65,525 clusters (32 MiB of 512-byte
 * clusters), mostly zeros; an input that size makes libFuzzer copy and
 * compare 32 MiB per run (a few runs a second).  FAT inputs are therefore
 * images cut after their last non-zero sector (seeds_msdos.sh), which
 * the targets extend with zeros to FUZZ_FAT_MINSIZE: the same volume, a
 * few hundred KiB of input.
 */
#define FUZZ_FAT_MINSIZE	((size_t)48 << 20)

static inline size_t
fuzz_minsize(const char *fstype)
{
	return fstype[0] == 'm' && fstype[1] == 's' ? FUZZ_FAT_MINSIZE : 0;
}

/*
 * Mount the image at path as the programs do: fstype NULL detects the
 * type; without a partition, a partitioned image's one file system is
 * found; when nothing is recognised the partitions are listed, as the
 * programs' error message does.  flags are UKFS_* (UKFS_RDONLY).  NULL if
 * the image does not mount.
 */
struct ukfs *fuzz_mount(const char *, const char *, int);

/* Walk the whole tree: stat, readlink, read every file and directory. */
void	fuzz_walk(struct ukfs *);

/*
 * Release the handle, then check that the kernel gave back every byte
 * the image used (abort otherwise: a leak at unmount).
 */
int	fuzz_release(struct ukfs *);

/*
 * Abort unless the kernel holds the memory it held before the input and
 * the process no more descriptors (what fuzz_release checks).
 */
void	fuzz_leakcheck(void);

#endif /* !_TESTS_FUZZ_FUZZ_H_ */
