/*
 * t_pagecache.c: the page cache, exercised through a host file registered
 * in the root file system (its data goes through genfs and the block
 * device): files far larger than RUMP_MEMLIMIT written and read back,
 * unaligned and random access against a model, and both block device
 * paths.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../kern/sys.h"
#include "../../ukfs/ukfs.h"
#include "../common/h_util.h"

#define MiB	(1024 * 1024)

/* Write the whole file through the kernel in pieces of odd sizes. */
static void
write_pattern(struct ukfs *fs, int fd, uint64_t size, uint64_t seed)
{
	static const size_t sizes[] = { 4096, 1 * MiB, 777, 65536 + 3, 8192 };
	uint64_t off = 0;
	char *buf = malloc(2 * MiB);
	size_t n;
	int i = 0;

	ATF_REQUIRE(buf != NULL);
	while (off < size) {
		n = sizes[i++ % 5];
		if (n > size - off)
			n = (size_t)(size - off);
		h_fill(buf, n, seed, off);
		ATF_REQUIRE_EQ(ukfs_fd_pwrite(fs, fd, buf, n, (off_t)off),
		    (ssize_t)n);
		off += n;
	}
	free(buf);
}

static void
check_pattern_kernel(struct ukfs *fs, int fd, uint64_t size, uint64_t seed)
{
	char *buf = malloc(MiB + 13);
	uint64_t off = 0;
	ssize_t n;
	long long bad;

	ATF_REQUIRE(buf != NULL);
	ATF_REQUIRE_EQ(ukfs_lseek(fs, fd, 0, SEEK_SET), 0);
	while ((n = ukfs_fd_read(fs, fd, buf, MiB + 13)) > 0) {
		bad = h_check(buf, (size_t)n, seed, off);
		ATF_REQUIRE_MSG(bad < 0, "kernel read differs at %llu",
		    (unsigned long long)off + (unsigned long long)bad);
		off += (uint64_t)n;
	}
	ATF_REQUIRE_EQ(n, 0);
	ATF_REQUIRE_EQ(off, size);
	free(buf);
}

static void
check_pattern_host(const char *path, uint64_t size, uint64_t seed)
{
	char *buf = malloc(MiB);
	uint64_t off;
	ssize_t n;
	int fd;

	ATF_REQUIRE(buf != NULL);
	ATF_REQUIRE((fd = open(path, O_RDONLY)) != -1);
	for (off = 0; off < size; off += (uint64_t)n) {
		n = pread(fd, buf, MiB, (off_t)off);
		ATF_REQUIRE(n > 0);
		ATF_REQUIRE_MSG(h_check(buf, (size_t)n, seed, off) < 0,
		    "host file differs near %llu", (unsigned long long)off);
	}
	close(fd);
	free(buf);
}

static void
big_file(int flags)
{
	struct kstats ks;
	struct ukfs *fs;
	struct stat st;
	int fd;

	setenv("RUMP_MEMLIMIT", "4m", 1);
	h_mkfile("host.img", 64 * MiB);
	ATF_REQUIRE_EQ(ukfs_register_file("/big", "host.img", flags), 0);
	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/big", &st), 0);
	ATF_REQUIRE_EQ(st.st_size, 64 * MiB);
	ATF_REQUIRE((fd = ukfs_open(fs, "/big", O_RDWR, 0)) >= 0);
	write_pattern(fs, fd, 64 * MiB, 7);
	ATF_REQUIRE_EQ(ukfs_fsync(fs, fd), 0);
	check_pattern_host("host.img", 64 * MiB, 7);
	check_pattern_kernel(fs, fd, 64 * MiB, 7);
	ksys_kstats(&ks);
	ATF_REQUIRE_MSG(ks.ks_mem_peak <= 4 * MiB, "peak %llu",
	    (unsigned long long)ks.ks_mem_peak);
	ATF_REQUIRE(ks.ks_pages_peak * 4096 <= 4 * MiB);
	/* The file cannot grow past the host file. */
	errno = 0;
	ATF_REQUIRE_EQ(ukfs_fd_pwrite(fs, fd, "x", 1, 64 * MiB), -1);
	ATF_REQUIRE_EQ(errno, ENOSPC);
	ATF_REQUIRE_EQ(ukfs_close(fs, fd), 0);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
	unsetenv("RUMP_MEMLIMIT");
}

ATF_TC(limit_mmap);
ATF_TC_HEAD(limit_mmap, tc)
{
	atf_tc_set_md_var(tc, "descr", "a 64 MiB file written and read back "
	    "through a 4 MiB RUMP_MEMLIMIT, mmap windows");
}
ATF_TC_BODY(limit_mmap, tc)
{
	big_file(0);
}

ATF_TC(limit_pread);
ATF_TC_HEAD(limit_pread, tc)
{
	atf_tc_set_md_var(tc, "descr", "a 64 MiB file written and read back "
	    "through a 4 MiB RUMP_MEMLIMIT, pread/pwrite path");
}
ATF_TC_BODY(limit_pread, tc)
{
	big_file(UKFS_NOMMAP);
}

ATF_TC(random_access);
ATF_TC_HEAD(random_access, tc)
{
	atf_tc_set_md_var(tc, "descr", "random unaligned reads and writes "
	    "match a model of the file, with a 1 MiB memory limit");
}
ATF_TC_BODY(random_access, tc)
{
	const size_t size = 8 * MiB;
	char *model, *buf;
	struct ukfs *fs;
	unsigned seed = 12345;
	size_t off, n;
	int fd, i;

	setenv("RUMP_MEMLIMIT", "1m", 1);
	model = calloc(1, size);
	buf = malloc(256 * 1024);
	ATF_REQUIRE(model != NULL && buf != NULL);
	h_mkfile("host.img", size);
	ATF_REQUIRE_EQ(ukfs_register_file("/f", "host.img", 0), 0);
	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	ATF_REQUIRE((fd = ukfs_open(fs, "/f", O_RDWR, 0)) >= 0);
	srandom(seed);
	for (i = 0; i < 3000; i++) {
		off = (size_t)random() % size;
		n = 1 + (size_t)random() % (i % 10 == 0 ? 200000 : 5000);
		if (n > size - off)
			n = size - off;
		if (random() % 2) {
			h_fill(buf, n, (uint64_t)i, off);
			memcpy(model + off, buf, n);
			ATF_REQUIRE_EQ(ukfs_fd_pwrite(fs, fd, buf, n,
			    (off_t)off), (ssize_t)n);
		} else {
			ATF_REQUIRE_EQ(ukfs_fd_pread(fs, fd, buf, n,
			    (off_t)off), (ssize_t)n);
			ATF_REQUIRE_MSG(memcmp(buf, model + off, n) == 0,
			    "step %d: read at %zu differs", i, off);
		}
	}
	ATF_REQUIRE_EQ(ukfs_close(fs, fd), 0);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
	/* After release, the host file holds exactly the model. */
	{
		int hfd = open("host.img", O_RDONLY);
		char *host = malloc(size);

		ATF_REQUIRE(hfd != -1 && host != NULL);
		ATF_REQUIRE_EQ(pread(hfd, host, size, 0), (ssize_t)size);
		ATF_REQUIRE(memcmp(host, model, size) == 0);
		close(hfd);
		free(host);
	}
	free(model);
	free(buf);
}

ATF_TC(direct_read);
ATF_TC_HEAD(direct_read, tc)
{
	atf_tc_set_md_var(tc, "descr", "large reads of uncached ranges go "
	    "around the page cache, and never past pages that are cached or "
	    "dirty");
}
ATF_TC_BODY(direct_read, tc)
{
	const size_t size = 8 * MiB;
	struct kstats ks0, ks1;
	struct ukfs *fs;
	char *buf;
	int fd, hfd;

	buf = malloc(size);
	ATF_REQUIRE(buf != NULL);
	h_fill(buf, size, 3, 0);
	ATF_REQUIRE((hfd = open("host.img", O_RDWR | O_CREAT, 0644)) != -1);
	ATF_REQUIRE_EQ(pwrite(hfd, buf, size, 0), (ssize_t)size);
	close(hfd);
	ATF_REQUIRE_EQ(ukfs_register_file("/f", "host.img", 0), 0);
	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	ATF_REQUIRE((fd = ukfs_open(fs, "/f", O_RDWR, 0)) >= 0);
	/* Dirty one page in the middle, then read everything at once. */
	ATF_REQUIRE_EQ(ukfs_fd_pwrite(fs, fd, "XYZ", 3, 4 * MiB + 100), 3);
	memset(buf, 0, size);
	ksys_kstats(&ks0);
	ATF_REQUIRE_EQ(ukfs_fd_pread(fs, fd, buf, size, 0), (ssize_t)size);
	ksys_kstats(&ks1);
	ATF_REQUIRE(memcmp(buf + 4 * MiB + 100, "XYZ", 3) == 0);
	ATF_REQUIRE(h_check(buf, 4 * MiB + 100, 3, 0) < 0);
	ATF_REQUIRE(h_check(buf + 4 * MiB + 103, size - 4 * MiB - 103, 3,
	    4 * MiB + 103) < 0);
	ATF_REQUIRE_EQ(ks1.ks_page_direct, ks0.ks_page_direct);
	/* Written back: the file is clean, a big read goes direct. */
	ATF_REQUIRE_EQ(ukfs_fsync(fs, fd), 0);
	ATF_REQUIRE_EQ(ukfs_close(fs, fd), 0);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
	ATF_REQUIRE_EQ(ukfs_register_file("/f", "host.img", 0), 0);
	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	ATF_REQUIRE((fd = ukfs_open(fs, "/f", O_RDONLY, 0)) >= 0);
	memset(buf, 0, size);
	ksys_kstats(&ks0);
	ATF_REQUIRE_EQ(ukfs_fd_pread(fs, fd, buf, size, 0), (ssize_t)size);
	ksys_kstats(&ks1);
	ATF_REQUIRE_EQ(ks1.ks_page_direct - ks0.ks_page_direct, size / 4096);
	ATF_REQUIRE(memcmp(buf + 4 * MiB + 100, "XYZ", 3) == 0);
	ATF_REQUIRE(h_check(buf, 4 * MiB + 100, 3, 0) < 0);
	ATF_REQUIRE_EQ(ukfs_close(fs, fd), 0);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
	free(buf);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, direct_read);
	ATF_TP_ADD_TC(tp, limit_mmap);
	ATF_TP_ADD_TC(tp, limit_pread);
	ATF_TP_ADD_TC(tp, random_access);
	return atf_no_error();
}
