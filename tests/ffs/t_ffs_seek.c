/*
 * t_ffs_seek.c: SEEK_DATA and SEEK_HOLE (ukfs_lseek) on FFS files whose
 * holes are known: files written at chosen blocks through libukfs on
 * makefs images (UFS1, UFS2, big-endian, 4 KiB and 32 KiB blocks), asked
 * while the data is still in the caches and again after a remount, when
 * the answers come from the block map on the disk.
 */
#define _GNU_SOURCE		/* SEEK_DATA, SEEK_HOLE */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../ukfs/ukfs.h"
#include "../common/h_util.h"

#define KIB	1024LL
#define MIB	(1024 * KIB)
#define GIB	(1024 * MIB)

static struct ukfs *
mnt(int flags)
{
	struct ukfs *fs;

	fs = ukfs_mount("ffs", "img", NULL, flags, NULL);
	ATF_REQUIRE_MSG(fs != NULL, "mount: %s", strerror(errno));
	return fs;
}

static void
umnt(struct ukfs *fs)
{
	ATF_REQUIRE_EQ_MSG(ukfs_release(fs, 0), 0, "release: %s",
	    strerror(errno));
}

static void
mkimg(const char *opts)
{
	h_run("rm -rf empty.d && mkdir empty.d && makefs -t ffs -s 16m %s "
	    "img empty.d >makefs.out 2>&1", opts);
}

static void
wr(struct ukfs *fs, const char *path, off_t off, size_t len)
{
	char *buf;

	ATF_REQUIRE((buf = malloc(len)) != NULL);
	memset(buf, 'd', len);
	ATF_REQUIRE_EQ_MSG(ukfs_write(fs, path, off, buf, len), (ssize_t)len,
	    "write %zu at %lld: %s", len, (long long)off, strerror(errno));
	free(buf);
}

/* lseek(path, off, whence) gives want (or fails with ENXIO: want -1). */
static void
seek_is(struct ukfs *fs, const char *path, off_t off, int whence,
    off_t want)
{
	const char *w = whence == SEEK_DATA ? "SEEK_DATA" : "SEEK_HOLE";
	off_t got;
	int fd;

	ATF_REQUIRE((fd = ukfs_open(fs, path, O_RDONLY, 0)) != -1);
	errno = 0;
	got = ukfs_lseek(fs, fd, off, whence);
	if (want == -1)
		ATF_CHECK_MSG(got == -1 && errno == ENXIO, "%s %s %lld: "
		    "%lld (%s), expected ENXIO", path, w, (long long)off,
		    (long long)got, strerror(errno));
	else
		ATF_CHECK_MSG(got == want, "%s %s %lld: %lld (%s), expected "
		    "%lld", path, w, (long long)off, (long long)got,
		    strerror(errno), (long long)want);
	if (want != -1 && got == want)
		ATF_CHECK_EQ(ukfs_lseek(fs, fd, 0, SEEK_CUR), want);
	ATF_REQUIRE_EQ(ukfs_close(fs, fd), 0);
}

/*
 * /f has data in blocks 0, 10, 48 and 2048..2050 (direct, single and
 * single or double indirect), then a long hole and its last block; /full
 * has no hole, /empty no byte.  bs is the block size.
 */
static void
make_files(struct ukfs *fs, off_t bs)
{
	ATF_REQUIRE_EQ(ukfs_create(fs, "/f", 0644), 0);
	wr(fs, "/f", 0, 100);
	wr(fs, "/f", 10 * bs, (size_t)bs);
	wr(fs, "/f", 48 * bs + bs / 2, 10);
	wr(fs, "/f", 2048 * bs, (size_t)(3 * bs));
	ATF_REQUIRE_EQ(ukfs_truncate(fs, "/f", 16384 * bs), 0);
	ATF_REQUIRE_EQ(ukfs_create(fs, "/full", 0644), 0);
	wr(fs, "/full", 0, 10000);
	ATF_REQUIRE_EQ(ukfs_create(fs, "/empty", 0644), 0);
	ATF_REQUIRE_EQ(ukfs_mkdir(fs, "/dir", 0755), 0);
}

static void
check_files(struct ukfs *fs, off_t bs)
{
	struct stat st;

	seek_is(fs, "/f", 0, SEEK_DATA, 0);
	seek_is(fs, "/f", 50, SEEK_DATA, 50);
	seek_is(fs, "/f", 0, SEEK_HOLE, bs);
	seek_is(fs, "/f", 99, SEEK_HOLE, bs);
	seek_is(fs, "/f", bs, SEEK_HOLE, bs);
	seek_is(fs, "/f", bs, SEEK_DATA, 10 * bs);
	seek_is(fs, "/f", bs + 1, SEEK_DATA, 10 * bs);
	seek_is(fs, "/f", 10 * bs, SEEK_HOLE, 11 * bs);
	seek_is(fs, "/f", 11 * bs, SEEK_DATA, 48 * bs);
	seek_is(fs, "/f", 48 * bs + 7, SEEK_DATA, 48 * bs + 7);
	seek_is(fs, "/f", 48 * bs, SEEK_HOLE, 49 * bs);
	seek_is(fs, "/f", 49 * bs, SEEK_DATA, 2048 * bs);
	seek_is(fs, "/f", 2048 * bs + 1, SEEK_HOLE, 2051 * bs);
	seek_is(fs, "/f", 2051 * bs, SEEK_HOLE, 2051 * bs);
	/* FFS allocates the last block of a file, even grown by truncate. */
	seek_is(fs, "/f", 2051 * bs, SEEK_DATA, 16383 * bs);
	seek_is(fs, "/f", 16383 * bs - 1, SEEK_HOLE, 16383 * bs - 1);
	seek_is(fs, "/f", 16384 * bs - 1, SEEK_DATA, 16384 * bs - 1);
	seek_is(fs, "/f", 16384 * bs - 1, SEEK_HOLE, 16384 * bs);
	seek_is(fs, "/f", 16384 * bs, SEEK_DATA, -1);
	seek_is(fs, "/f", 16384 * bs, SEEK_HOLE, -1);
	seek_is(fs, "/f", -1, SEEK_DATA, -1);
	seek_is(fs, "/f", -1, SEEK_HOLE, -1);
	seek_is(fs, "/full", 0, SEEK_DATA, 0);
	seek_is(fs, "/full", 0, SEEK_HOLE, 10000);
	seek_is(fs, "/full", 9999, SEEK_HOLE, 10000);
	seek_is(fs, "/full", 10000, SEEK_DATA, -1);
	seek_is(fs, "/empty", 0, SEEK_DATA, -1);
	seek_is(fs, "/empty", 0, SEEK_HOLE, -1);
	/* Not a regular file: all data. */
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/dir", &st), 0);
	seek_is(fs, "/dir", 0, SEEK_DATA, 0);
	seek_is(fs, "/dir", 0, SEEK_HOLE, st.st_size);
}

static void
seek_test(const char *opts, off_t bs)
{
	struct ukfs *fs;

	mkimg(opts);
	fs = mnt(0);
	make_files(fs, bs);
	check_files(fs, bs);		/* from the caches */
	umnt(fs);
	fs = mnt(UKFS_RDONLY);
	check_files(fs, bs);		/* from the disk */
	umnt(fs);
}

#define SEEK_TC(name, descr, opts, bs)					\
ATF_TC(name);								\
ATF_TC_HEAD(name, tc)							\
{									\
	atf_tc_set_md_var(tc, "descr", descr);				\
	atf_tc_set_md_var(tc, "require.progs", "makefs");		\
}									\
ATF_TC_BODY(name, tc)							\
{									\
	seek_test(opts, bs);						\
}

SEEK_TC(ufs1_4k, "SEEK_DATA and SEEK_HOLE find the known holes of files "
    "on UFS1 with 4 KiB blocks", "-o version=1,bsize=4096,fsize=512", 4096)
SEEK_TC(ufs2_4k, "SEEK_DATA and SEEK_HOLE find the known holes of files "
    "on UFS2 with 4 KiB blocks", "-o version=2,bsize=4096,fsize=512", 4096)
SEEK_TC(ufs2_be_32k, "SEEK_DATA and SEEK_HOLE find the known holes of "
    "files on big-endian UFS2 with 32 KiB blocks",
    "-B be -o version=2,bsize=32768,fsize=4096", 32768)
SEEK_TC(ufs1_be_8k, "SEEK_DATA and SEEK_HOLE find the known holes of "
    "files on big-endian UFS1 with 8 KiB blocks",
    "-B be -o version=1,bsize=8192,fsize=1024", 8192)

/* A 20 GiB file with two data blocks, through three levels of indirect. */
static void
huge_test(const char *opts)
{
	struct ukfs *fs;
	struct stat st;
	int pass;

	mkimg(opts);
	fs = mnt(0);
	ATF_REQUIRE_EQ(ukfs_create(fs, "/big", 0644), 0);
	ATF_REQUIRE_EQ(ukfs_truncate(fs, "/big", 20 * GIB), 0);
	wr(fs, "/big", 7 * GIB + 5, 3);
	wr(fs, "/big", 20 * GIB - 3, 3);
	for (pass = 0; pass < 2; pass++) {
		ATF_REQUIRE_EQ(ukfs_stat(fs, "/big", &st), 0);
		ATF_CHECK_EQ(st.st_size, 20 * GIB);
		ATF_CHECK_MSG(st.st_blocks < 1024, "%lld blocks",
		    (long long)st.st_blocks);
		seek_is(fs, "/big", 0, SEEK_DATA, 7 * GIB);
		seek_is(fs, "/big", 7 * GIB, SEEK_HOLE, 7 * GIB + 4096);
		seek_is(fs, "/big", 7 * GIB + 4096, SEEK_DATA,
		    20 * GIB - 4096);
		seek_is(fs, "/big", 20 * GIB - 4096, SEEK_HOLE, 20 * GIB);
		seek_is(fs, "/big", 0, SEEK_HOLE, 0);
		umnt(fs);
		fs = mnt(UKFS_RDONLY);
	}
	umnt(fs);
}

ATF_TC(huge_ufs1);
ATF_TC_HEAD(huge_ufs1, tc)
{
	atf_tc_set_md_var(tc, "descr", "a 20 GiB UFS1 file of two data "
	    "blocks: SEEK_DATA and SEEK_HOLE skip the holes under missing "
	    "indirect blocks");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(huge_ufs1, tc)
{
	huge_test("-o version=1,bsize=4096,fsize=512");
}

ATF_TC(huge_ufs2);
ATF_TC_HEAD(huge_ufs2, tc)
{
	atf_tc_set_md_var(tc, "descr", "a 20 GiB UFS2 file of two data "
	    "blocks (a triple indirect block): SEEK_DATA and SEEK_HOLE skip "
	    "the holes under missing indirect blocks");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(huge_ufs2, tc)
{
	huge_test("-o version=2,bsize=4096,fsize=512");
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/*
 * Set the size of inode ino of the little-endian UFS2 image "img" (as
 * makefs makes it: groups not staggered) to size.
 */
static void
patch_size(uint64_t ino, uint64_t size)
{
	uint8_t sb[2048], v[8];
	uint64_t off, ipg, fpg;
	int fd, i;

	ATF_REQUIRE((fd = open("img", O_RDWR)) != -1);
	for (i = 0; i < 2; i++) {
		ATF_REQUIRE(pread(fd, sb, sizeof(sb), i == 0 ? 65536 : 8192) ==
		    (ssize_t)sizeof(sb));
		if (get32(sb + 1372) == 0x19540119)
			break;
	}
	ATF_REQUIRE_MSG(i < 2, "no UFS2 superblock");
	ipg = get32(sb + 184);
	fpg = get32(sb + 188);
	off = ((ino / ipg) * fpg + get32(sb + 16)) * get32(sb + 52) +
	    (ino % ipg) * 256 + 16;
	for (i = 0; i < 8; i++)
		v[i] = (uint8_t)(size >> (8 * i));
	ATF_REQUIRE(pwrite(fd, v, 8, (off_t)off) == 8);
	ATF_REQUIRE(close(fd) == 0);
}

ATF_TC(corrupt_size);
ATF_TC_HEAD(corrupt_size, tc)
{
	atf_tc_set_md_var(tc, "descr", "a file of one block whose size "
	    "(corrupt) is 512 GiB, up to the triple indirect block: "
	    "SEEK_DATA and SEEK_HOLE skip the missing subtrees");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(corrupt_size, tc)
{
	const off_t huge = (off_t)1 << 39;
	struct ukfs *fs;
	struct stat st;

	mkimg("-o version=2,bsize=4096,fsize=512");
	fs = mnt(0);
	ATF_REQUIRE_EQ(ukfs_create(fs, "/f", 0644), 0);
	wr(fs, "/f", 0, 4096);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/f", &st), 0);
	umnt(fs);
	patch_size((uint64_t)st.st_ino, (uint64_t)huge);
	fs = mnt(UKFS_RDONLY);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/f", &st), 0);
	ATF_REQUIRE_EQ(st.st_size, huge);
	seek_is(fs, "/f", 0, SEEK_DATA, 0);
	seek_is(fs, "/f", 0, SEEK_HOLE, 4096);
	seek_is(fs, "/f", 4096, SEEK_DATA, -1);
	seek_is(fs, "/f", huge / 2, SEEK_DATA, -1);
	seek_is(fs, "/f", huge / 2, SEEK_HOLE, huge / 2);
	seek_is(fs, "/f", huge - 1, SEEK_HOLE, huge - 1);
	umnt(fs);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, corrupt_size);
	ATF_TP_ADD_TC(tp, ufs1_4k);
	ATF_TP_ADD_TC(tp, ufs2_4k);
	ATF_TP_ADD_TC(tp, ufs2_be_32k);
	ATF_TP_ADD_TC(tp, ufs1_be_8k);
	ATF_TP_ADD_TC(tp, huge_ufs1);
	ATF_TP_ADD_TC(tp, huge_ufs2);
	return atf_no_error();
}
