/*
 * t_ffs_hostile.c: libukfs on crafted FFS images and under injected I/O
 * errors, for what the programs cannot reach (ukfs_sync) or cannot
 * observe precisely.  The command-level cases are in
 * tests/cmd/t_hostile.sh.
 *
 * Images are made by makefs and patched with tests/ffs/h_ffsimg.py
 * (found through FSU_SRC in env.sh); faults are injected at one point
 * with FSU_BLKFAIL_WRITE (blk.h).  Each case runs with the journal (a
 * failed command leaves the image as it was: compared byte for byte) and
 * without (FSU_JOURNAL=off: the file system is left not clean, so a
 * read-write mount is refused with EROFS).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../ukfs/ukfs.h"
#include "../common/h_util.h"

static char srcdir[1200];

/* FSU_SRC from env.sh beside us (or the environment). */
static void
find_src(const atf_tc_t *tc)
{
	const char *v = getenv("FSU_SRC");
	char path[1200], line[1200];
	FILE *f;

	if (v != NULL && *v != '\0') {
		snprintf(srcdir, sizeof(srcdir), "%s", v);
		return;
	}
	snprintf(path, sizeof(path), "%s/../env.sh",
	    atf_tc_get_config_var_wd(tc, "srcdir", "."));
	ATF_REQUIRE_MSG((f = fopen(path, "r")) != NULL, "no %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "FSU_SRC=", 8) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(srcdir, sizeof(srcdir), "%s", line + 8);
	}
	fclose(f);
	ATF_REQUIRE_MSG(srcdir[0] != '\0', "FSU_SRC not in %s", path);
	if (!h_have("python3"))
		atf_tc_skip("python3 is needed to patch the images");
}

static void
clear_faults(void)
{
	unsetenv("RUMP_BLKFAIL");
	unsetenv("FSU_BLKFAIL_NTH");
	unsetenv("FSU_BLKFAIL_WRITE");
	unsetenv("FSU_BLKFAIL_SYNC");
	unsetenv("FSU_BLKFAIL_OFFSET");
}

/* With the journal (on) or without (off). */
static bool
journal_mode(int i)
{
	setenv("FSU_JOURNAL", i == 0 ? "on" : "off", 1);
	return i == 0;
}

/* An 8 MiB UFS2 image "img" of directory src (made empty if absent). */
static void
mkimg(const atf_tc_t *tc, const char *opts)
{
	find_src(tc);
	clear_faults();
	h_run("rm -f img img.fsu-journal && mkdir -p src && makefs -t ffs "
	    "-s 8m -o version=2%s%s img src >makefs.out 2>&1",
	    opts[0] != '\0' ? "," : "", opts);
}

static bool is_clean(void);

/*
 * After a release that failed: with the journal, img is still before;
 * without, it is not clean.
 */
static void
after_failure(bool journal)
{
	if (journal)
		h_run("cmp img before");
	else
		ATF_REQUIRE_MSG(!is_clean(), "the image is marked clean");
}

/* Run h_ffsimg.py on img with the given arguments; its number, if any. */
static long long
ffsimg(const char *fmt, ...)
{
	char args[512], cmd[2048], out[64] = "";
	long long v = -1;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "python3 '%s/tests/ffs/h_ffsimg.py' img %s",
	    srcdir, args);
	ATF_REQUIRE((f = popen(cmd, "r")) != NULL);
	if (fgets(out, sizeof(out), f) != NULL)
		v = strtoll(out, NULL, 10);
	ATF_REQUIRE_EQ_MSG(pclose(f), 0, "failed: %s", cmd);
	return v;
}

/* Inode number of path in img (through a read-only mount). */
static long long
inum(const char *path)
{
	struct ukfs *fs;
	struct stat st;

	fs = ukfs_mount("ffs", "img", NULL, UKFS_RDONLY, NULL);
	ATF_REQUIRE_MSG(fs != NULL, "mount: %s", strerror(errno));
	ATF_REQUIRE_EQ(ukfs_stat(fs, path, &st), 0);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
	return (long long)st.st_ino;
}

/* Is img marked clean?  (A read-write mount is refused if not.) */
static bool
is_clean(void)
{
	struct ukfs *fs;

	clear_faults();
	if ((fs = ukfs_mount("ffs", "img", NULL, 0, NULL)) == NULL) {
		ATF_REQUIRE_EQ_MSG(errno, EROFS, "mount: %s", strerror(errno));
		return false;
	}
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
	return true;
}

/*
 * A write-back that fails at sync is reported by ukfs_sync and again by
 * the release: the data it carried is gone, so the file system is not
 * marked clean and the release cannot succeed either.
 */
ATF_TC(sync_error);
ATF_TC_HEAD(sync_error, tc)
{
	atf_tc_set_md_var(tc, "descr", "a write error at sync fails "
	    "ukfs_sync, then the release, and leaves the image not clean");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(sync_error, tc)
{
	struct ukfs *fs;
	bool journal;
	int i;

	for (i = 0; i < 2; i++) {
		mkimg(tc, "");
		h_run("cp img before");
		journal = journal_mode(i);
		/* Without the journal, the mount writes "not clean" first. */
		setenv("FSU_BLKFAIL_WRITE", journal ? "1" : "2", 1);
		fs = ukfs_mount("ffs", "img", NULL, 0, NULL);
		ATF_REQUIRE_MSG(fs != NULL, "mount: %s", strerror(errno));
		ATF_REQUIRE_EQ(ukfs_mkdir(fs, "/a", 0755), 0);
		ATF_REQUIRE_EQ(ukfs_sync(fs), -1);
		ATF_REQUIRE_EQ(errno, EIO);
		/* Later writes work; the loss is still reported. */
		ATF_REQUIRE_EQ(ukfs_mkdir(fs, "/b", 0755), 0);
		ATF_REQUIRE_EQ(ukfs_sync(fs), 0);
		ATF_REQUIRE_EQ_MSG(ukfs_release(fs, 0), -1,
		    "the release succeeded");
		ATF_REQUIRE_EQ(errno, EIO);
		after_failure(journal);
	}
}

/*
 * A double indirect block that lists itself, met while truncating into
 * the range it maps: the truncation holds the block while it walks down
 * into its children, one of which is the same block.  That was an
 * assertion in the buffer cache ("already busy"); now it is EIO.
 */
ATF_TC(truncate_loop);
ATF_TC_HEAD(truncate_loop, tc)
{
	atf_tc_set_md_var(tc, "descr", "truncating a file whose double "
	    "indirect block lists itself fails with EIO, not an assertion");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(truncate_loop, tc)
{
	struct ukfs *fs;
	long long ino, ib;
	bool journal;
	int i;

	find_src(tc);
	h_run("mkdir -p src && head -c %d /dev/zero >src/big", 600 * 4096);
	for (i = 0; i < 2; i++) {
		mkimg(tc, "bsize=4096,fsize=512");
		journal = journal_mode(i);
		ino = inum("/big");
		ib = ffsimg("ino %lld ib1", ino);
		ATF_REQUIRE(ib > 0);
		(void)ffsimg("ind %lld 0=%lld", ib, ib);
		h_run("cp img before");
		fs = ukfs_mount("ffs", "img", NULL, 0, NULL);
		ATF_REQUIRE_MSG(fs != NULL, "mount: %s", strerror(errno));
		/* Keep 530 blocks: 18 under the double indirect block. */
		ATF_REQUIRE_EQ(ukfs_truncate(fs, "/big", 530 * 4096), -1);
		ATF_REQUIRE_EQ(errno, EIO);
		ATF_REQUIRE_EQ(ukfs_release(fs, 0), -1);
		after_failure(journal);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, sync_error);
	ATF_TP_ADD_TC(tp, truncate_loop);
	return atf_no_error();
}
