/*
 * t_ffs_write.c: regression tests of FFS write support, one case per bug
 * found by the model-based tests (tests/fs/t_model.c), each the shortest
 * sequence of operations that showed it.
 *
 * Every case works on an image made by makefs, releases it between steps
 * so that the data must come from the disk and not from the caches, and
 * requires the independent checkers (fsu_fsck -n, ffs_check.py) to pass
 * at the end; without any checker the cases are skipped, never passed.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../ukfs/ukfs.h"
#include "../common/h_util.h"

static char fstab_sh[1200];	/* sh command prefix running fstab.sh */

/*
 * Take FSU_SRC, FSU_BIN and FFS_CHECK from the env.sh beside the test
 * programs (unless the environment has them): the checkers are run by
 * tests/common/fstab.sh, as for every other test.
 */
static void
find_checker(const atf_tc_t *tc)
{
	char path[1024], line[1200], *eq;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../env.sh",
	    atf_tc_get_config_var_wd(tc, "srcdir", "."));
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if (strncmp(line, "export ", 7) == 0 ||
			    (eq = strchr(line, '=')) == NULL)
				continue;
			*eq = '\0';
			if ((strcmp(line, "FSU_SRC") == 0 ||
			    strcmp(line, "FSU_BIN") == 0 ||
			    strcmp(line, "FFS_CHECK") == 0) &&
			    getenv(line) == NULL)
				setenv(line, eq + 1, 1);
		}
		fclose(f);
	}
	if (getenv("FSU_SRC") == NULL)
		atf_tc_fail("FSU_SRC is not set and %s does not say it", path);
	snprintf(fstab_sh, sizeof(fstab_sh), "sh '%s/tests/common/fstab.sh'",
	    getenv("FSU_SRC"));
}

/*
 * The independent checkers (fsu_fsck -n, ffs_check.py) find img
 * consistent.  Without any checker the case is skipped, saying so: it
 * never passes unchecked.
 */
static void
check_img(const char *img)
{
	char cmd[1500], out[600];
	size_t n = 0;
	FILE *f;
	int rv;

	snprintf(cmd, sizeof(cmd), "%s check ufs2 '%s' >check.out 2>&1",
	    fstab_sh, img);
	rv = system(cmd);
	rv = WIFEXITED(rv) ? WEXITSTATUS(rv) : 1;
	out[0] = '\0';
	if ((f = fopen("check.out", "r")) != NULL) {
		n = fread(out, 1, sizeof(out) - 1, f);
		out[n] = '\0';
		fclose(f);
	}
	if (rv == 77) {
		out[strcspn(out, "\n")] = '\0';
		atf_tc_skip("%s", out);
	}
	ATF_REQUIRE_MSG(rv == 0, "checker: %s", out);
}

/* An empty 32 MiB image, made with makefs -o opts. */
static void
mkimg(const atf_tc_t *tc, const char *opts)
{
	find_checker(tc);
	h_run("rm -rf empty.d && mkdir empty.d && makefs -t ffs -s 32m -o %s "
	    "img empty.d >makefs.out 2>&1", opts);
}

static struct ukfs *
mnt(void)
{
	struct ukfs *fs;

	fs = ukfs_mount("ffs", "img", NULL, 0, NULL);
	ATF_REQUIRE_MSG(fs != NULL, "mount: %s", strerror(errno));
	return fs;
}

static void
umnt(struct ukfs *fs)
{
	ATF_REQUIRE_EQ_MSG(ukfs_release(fs, 0), 0, "release: %s",
	    strerror(errno));
}

/* Write len pattern bytes of stream seed at off of path. */
static void
wr(struct ukfs *fs, const char *path, off_t off, size_t len, uint64_t seed)
{
	uint8_t *buf;

	ATF_REQUIRE((buf = malloc(len)) != NULL);
	h_fill(buf, len, seed, (uint64_t)off);
	ATF_REQUIRE_EQ(ukfs_write(fs, path, off, buf, len), (ssize_t)len);
	free(buf);
}

/* Bytes [off, off + len) of path are the pattern of seed (or zero). */
static void
expect(struct ukfs *fs, const char *path, off_t off, size_t len,
    uint64_t seed, bool zero)
{
	uint8_t *buf;
	long long bad = -1;
	size_t i;

	ATF_REQUIRE((buf = malloc(len)) != NULL);
	ATF_REQUIRE_EQ(ukfs_read(fs, path, off, buf, len), (ssize_t)len);
	if (zero) {
		for (i = 0; i < len && bad < 0; i++)
			if (buf[i] != 0)
				bad = (long long)i;
	} else {
		bad = h_check(buf, len, seed, (uint64_t)off);
	}
	free(buf);
	ATF_REQUIRE_MSG(bad < 0, "%s: byte %lld is wrong (expected %s)",
	    path, (long long)off + bad, zero ? "zero" : "the pattern");
}

static void
expect_size(struct ukfs *fs, const char *path, off_t size)
{
	struct stat st;

	ATF_REQUIRE(ukfs_stat(fs, path, &st) == 0);
	ATF_REQUIRE_EQ_MSG(st.st_size, size, "%s: size %lld, expected %lld",
	    path, (long long)st.st_size, (long long)size);
}

/*
 * A file cut in the middle of a sector, then grown again inside that
 * sector: the bytes past the cut read as zeros, although the disk still
 * holds the old ones (the page cache read the whole sector and kept them).
 */
ATF_TC(regrow_same_sector);
ATF_TC_HEAD(regrow_same_sector, tc)
{
	atf_tc_set_md_var(tc, "descr", "bytes past a truncation read as zero "
	    "when the file grows again in the same sector");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(regrow_same_sector, tc)
{
	struct ukfs *fs;

	mkimg(tc, "version=2,bsize=32768,fsize=4096");
	fs = mnt();
	ATF_REQUIRE(ukfs_create(fs, "/f", 0644) == 0);
	wr(fs, "/f", 0, 130000, 1);
	umnt(fs);
	fs = mnt();
	ATF_REQUIRE(ukfs_truncate(fs, "/f", 83186) == 0);
	umnt(fs);
	fs = mnt();
	ATF_REQUIRE(ukfs_truncate(fs, "/f", 83400) == 0);
	expect_size(fs, "/f", 83400);
	expect(fs, "/f", 83186, 83400 - 83186, 0, true);
	umnt(fs);
	fs = mnt();
	expect(fs, "/f", 0, 83186, 1, false);
	expect(fs, "/f", 83186, 83400 - 83186, 0, true);
	umnt(fs);
	check_img("img");
}

/*
 * A file whose last block is partial grows into the next block: the last
 * block becomes whole, and all of it past the old end of file must be
 * written as zeros, not only the pages up to the old end.
 */
ATF_TC(regrow_next_block);
ATF_TC_HEAD(regrow_next_block, tc)
{
	atf_tc_set_md_var(tc, "descr", "growing past a partial last block "
	    "writes the rest of that block as zeros");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(regrow_next_block, tc)
{
	struct ukfs *fs;

	mkimg(tc, "version=1,bsize=32768,fsize=4096");
	fs = mnt();
	ATF_REQUIRE(ukfs_create(fs, "/f", 0644) == 0);
	wr(fs, "/f", 0, 130000, 1);
	ATF_REQUIRE(ukfs_create(fs, "/g", 0644) == 0);
	wr(fs, "/g", 0, 1000, 2);
	umnt(fs);
	fs = mnt();
	/* Block 2 keeps 5 of its 8 fragments, then becomes whole again. */
	ATF_REQUIRE(ukfs_truncate(fs, "/f", 83186) == 0);
	ATF_REQUIRE(ukfs_truncate(fs, "/f", 130000) == 0);
	expect(fs, "/f", 83186, 130000 - 83186, 0, true);
	umnt(fs);
	fs = mnt();
	expect(fs, "/f", 0, 83186, 1, false);
	expect(fs, "/f", 83186, 130000 - 83186, 0, true);
	/* The same by writing after a hole, with the file cold. */
	ATF_REQUIRE(ukfs_truncate(fs, "/g", 700) == 0);
	umnt(fs);
	fs = mnt();
	wr(fs, "/g", 100000, 10, 3);
	expect_size(fs, "/g", 100010);
	umnt(fs);
	fs = mnt();
	expect(fs, "/g", 0, 700, 2, false);
	expect(fs, "/g", 700, 100000 - 700, 0, true);
	expect(fs, "/g", 100000, 10, 3, false);
	umnt(fs);
	check_img("img");
}

/*
 * A sparse file cut down to a size inside a hole: the new last block
 * must get storage (zeros), or the next write into it or past it leaves
 * a fragment run shorter than the file size says, and a write-back with
 * no block under a dirty page.
 */
ATF_TC(truncate_into_hole);
ATF_TC_HEAD(truncate_into_hole, tc)
{
	atf_tc_set_md_var(tc, "descr", "truncating a sparse file to a size "
	    "inside a hole keeps the image consistent");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(truncate_into_hole, tc)
{
	struct ukfs *fs;

	mkimg(tc, "version=2,bsize=32768,fsize=4096");
	fs = mnt();
	ATF_REQUIRE(ukfs_create(fs, "/f", 0644) == 0);
	wr(fs, "/f", 0, 1000, 1);
	ATF_REQUIRE(ukfs_truncate(fs, "/f", 378697) == 0);
	ATF_REQUIRE(ukfs_truncate(fs, "/f", 242184) == 0);
	ATF_REQUIRE(ukfs_create(fs, "/g", 0644) == 0);
	wr(fs, "/g", 0, 5000, 2);
	ATF_REQUIRE(ukfs_truncate(fs, "/g", 5000000) == 0);
	ATF_REQUIRE(ukfs_truncate(fs, "/g", 3000000) == 0);
	umnt(fs);
	check_img("img");
	fs = mnt();
	wr(fs, "/f", 240000, 10, 3);
	wr(fs, "/g", 2999000, 10, 4);
	umnt(fs);
	check_img("img");
	fs = mnt();
	wr(fs, "/f", 400000, 10, 5);
	wr(fs, "/g", 4000000, 10, 6);
	umnt(fs);
	check_img("img");
	fs = mnt();
	expect_size(fs, "/f", 400010);
	expect(fs, "/f", 0, 1000, 1, false);
	expect(fs, "/f", 1000, 240000 - 1000, 0, true);
	expect(fs, "/f", 240000, 10, 3, false);
	expect(fs, "/f", 240010, 400000 - 240010, 0, true);
	expect(fs, "/f", 400000, 10, 5, false);
	expect_size(fs, "/g", 4000010);
	expect(fs, "/g", 0, 5000, 2, false);
	expect(fs, "/g", 5000, 2999000 - 5000, 0, true);
	expect(fs, "/g", 2999000, 10, 4, false);
	expect(fs, "/g", 2999010, 4000000 - 2999010, 0, true);
	umnt(fs);
}

/*
 * On a full file system a write that can write nothing fails with ENOSPC
 * and leaves the file alone, its modification time included.
 */
ATF_TC(enospc_keeps_mtime);
ATF_TC_HEAD(enospc_keeps_mtime, tc)
{
	atf_tc_set_md_var(tc, "descr", "a write failing with ENOSPC leaves "
	    "the file's times alone");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(enospc_keeps_mtime, tc)
{
	struct timeval tv[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	static uint8_t buf[65536];
	struct ukfs *fs;
	struct stat st;
	off_t off;

	mkimg(tc, "version=2,bsize=4096,fsize=512");
	fs = mnt();
	ATF_REQUIRE(ukfs_create(fs, "/f", 0644) == 0);
	wr(fs, "/f", 0, 4096, 1);
	ATF_REQUIRE(ukfs_utimes(fs, "/f", tv) == 0);
	ATF_REQUIRE(ukfs_create(fs, "/fill", 0644) == 0);
	for (off = 0; ukfs_write(fs, "/fill", off, buf, sizeof(buf)) ==
	    (ssize_t)sizeof(buf); off += (off_t)sizeof(buf))
		continue;
	while (ukfs_write(fs, "/fill", off, buf, 512) == 512)
		off += 512;
	ATF_REQUIRE_EQ(errno, ENOSPC);
	ATF_REQUIRE_EQ(ukfs_write(fs, "/f", 4096, buf, 4096), -1);
	ATF_REQUIRE_EQ(errno, ENOSPC);
	ATF_REQUIRE(ukfs_stat(fs, "/f", &st) == 0);
	ATF_REQUIRE_EQ(st.st_mtime, 1000000000);
	umnt(fs);
	fs = mnt();
	ATF_REQUIRE(ukfs_stat(fs, "/f", &st) == 0);
	ATF_REQUIRE_EQ(st.st_mtime, 1000000000);
	ATF_REQUIRE_EQ(st.st_size, 4096);
	expect(fs, "/f", 0, 4096, 1, false);
	umnt(fs);
	check_img("img");
}

/*
 * Operations and the release under injected I/O errors.  Writing the
 * file system back at unmount failed: the failed unmount left the mount
 * without its state, and the forced unmount that libukfs tries next
 * crashed; a retry that succeeded marked the file system clean although
 * writes had been lost; and an operation cut short by an error (an inode
 * freed whose blocks could not all be read) was followed by a successful
 * release that marked the damaged file system clean.  Now nothing
 * crashes, and an image marked clean passes the checker.
 */
static void
release_under_faults(unsigned seed)
{
	static uint8_t buf[40 * 5000];
	char v[32];
	struct ukfs *fs;
	int i, rv;

	setenv("RUMP_BLKFAIL", "300", 1);
	snprintf(v, sizeof(v), "%u", seed);
	setenv("RUMP_BLKFAIL_SEED", v, 1);
	if ((fs = ukfs_mount("ffs", "fimg", NULL, 0, NULL)) == NULL)
		_exit(2);
	memset(buf, 'x', sizeof(buf));
	for (i = 0, rv = 0; i < 40; i++) {
		snprintf(v, sizeof(v), "/f%d", i);
		if (ukfs_create(fs, v, 0644) != 0 || ukfs_write(fs, v, 0, buf,
		    100 + 5000 * (size_t)i) == -1)
			rv = 1;
		snprintf(v, sizeof(v), "/d%d", i);
		if (ukfs_mkdir(fs, v, 0755) != 0)
			rv = 1;
	}
	for (i = 0; i < 40; i += 2) {
		snprintf(v, sizeof(v), "/f%d", i);
		if (ukfs_remove(fs, v) != 0)
			rv = 1;
	}
	if (ukfs_release(fs, 0) != 0)
		rv = 1;
	_exit(rv);
}

ATF_TC(unmount_write_error);
ATF_TC_HEAD(unmount_write_error, tc)
{
	atf_tc_set_md_var(tc, "descr", "after I/O errors, a release does not "
	    "crash and an image marked clean is consistent");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(unmount_write_error, tc)
{
	struct ukfs *fs;
	unsigned seed, nfailed = 0;
	int st;
	pid_t pid;

	mkimg(tc, "version=2,density=4096,bsize=4096,fsize=512");
	for (seed = 1; seed <= 100; seed++) {
		h_run("cp img fimg");
		ATF_REQUIRE((pid = fork()) != -1);
		if (pid == 0) {
			alarm(60);
			release_under_faults(seed);
		}
		ATF_REQUIRE(waitpid(pid, &st, 0) == pid);
		ATF_REQUIRE_MSG(WIFEXITED(st), "seed %u: killed by signal %d",
		    seed, WTERMSIG(st));
		if (WEXITSTATUS(st) != 1)
			continue;
		nfailed++;
		/* Marked clean only if it is consistent. */
		if ((fs = ukfs_mount("ffs", "fimg", NULL, 0, NULL)) != NULL) {
			umnt(fs);
			check_img("fimg");
		}
		fs = ukfs_mount("ffs", "fimg", NULL, UKFS_RDONLY, NULL);
		ATF_REQUIRE_MSG(fs != NULL, "seed %u: mount: %s", seed,
		    strerror(errno));
		umnt(fs);
	}
	ATF_REQUIRE_MSG(nfailed >= 5, "only %u runs saw errors", nfailed);
}

/*
 * An image with one whole free block and no free fragments.  A file of
 * one fragment is written past its first block (or ftruncated there): its
 * last block is first grown to a whole block, which moves it into the
 * free block, and then the fragments for the next block cannot be had.
 * The growth used to stay (the inode holding a whole block its size does
 * not cover), and the moved block's data was never written (the file's
 * old bytes read back as garbage).
 */
static void
fill_but_one_block(struct ukfs *fs)
{
	static uint8_t buf[65536];
	char p[32];
	off_t off = 0;
	int i;

	ATF_REQUIRE(ukfs_create(fs, "/b", 0644) == 0);
	wr(fs, "/b", 0, 4096, 9);
	ATF_REQUIRE(ukfs_create(fs, "/big", 0644) == 0);
	while (ukfs_write(fs, "/big", off, buf, sizeof(buf)) ==
	    (ssize_t)sizeof(buf))
		off += (off_t)sizeof(buf);
	while (ukfs_write(fs, "/big", off, buf, 4096) == 4096)
		off += 4096;
	for (i = 0;; i++) {
		snprintf(p, sizeof(p), "/s%d", i);
		if (ukfs_create(fs, p, 0644) != 0 ||
		    ukfs_write(fs, p, 0, buf, 1) != 1)
			break;
	}
	ATF_REQUIRE(ukfs_remove(fs, "/b") == 0);
}

ATF_TC(enospc_after_grow);
ATF_TC_HEAD(enospc_after_grow, tc)
{
	atf_tc_set_md_var(tc, "descr", "ENOSPC after a partial last block was "
	    "grown leaves the file and the image as they were");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(enospc_after_grow, tc)
{
	static uint8_t buf[900];
	struct ukfs *fs;
	int how;

	for (how = 0; how < 2; how++) {
		mkimg(tc, "version=2,density=4096,bsize=4096,fsize=512");
		h_run("truncate -s +64k img");
		fs = mnt();
		ATF_REQUIRE(ukfs_create(fs, "/a", 0644) == 0);
		wr(fs, "/a", 0, 100, 1);
		fill_but_one_block(fs);
		umnt(fs);
		fs = mnt();
		if (how == 0) {
			/* 4200 + 900: the next block needs two fragments. */
			ATF_REQUIRE_EQ(ukfs_write(fs, "/a", 4200, buf, 900),
			    -1);
			ATF_REQUIRE_EQ(errno, ENOSPC);
		} else {
			/* 4096 + 1000: the next block needs two fragments. */
			wr(fs, "/a", 100, 900, 2);
			ATF_REQUIRE_EQ(ukfs_truncate(fs, "/a", 5096), -1);
			ATF_REQUIRE_EQ(errno, ENOSPC);
		}
		umnt(fs);
		check_img("img");
		fs = mnt();
		expect_size(fs, "/a", how == 0 ? 100 : 1000);
		expect(fs, "/a", 0, 100, 1, false);
		if (how == 1)
			expect(fs, "/a", 100, 900, 2, false);
		umnt(fs);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, regrow_same_sector);
	ATF_TP_ADD_TC(tp, regrow_next_block);
	ATF_TP_ADD_TC(tp, truncate_into_hole);
	ATF_TP_ADD_TC(tp, enospc_keeps_mtime);
	ATF_TP_ADD_TC(tp, unmount_write_error);
	ATF_TP_ADD_TC(tp, enospc_after_grow);
	return atf_no_error();
}
