/*
 * t_jrnl.c: the journal layer (kern/dev/jrnl.c) on a patterned host file,
 * below any file system: what reads see during a transaction, what the
 * image holds after a commit and after an abort, ordered-mode writes,
 * recovery after a simulated power cut at every host write, a journal
 * of another image, and the read-only view of a hot journal.  Also the
 * CRC-32C the journal's checksums use.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../kern/dev/blk.h"
#include "../../kern/dev/jrnl.h"
#include "../../kern/sys/init.h"
#include "../../lib/hyp.h"
#include "../common/h_util.h"

#define IMG		"img"
#define JNL		"img" JRNL_SUFFIX
#define IMGSIZE		(1024 * 1024)
#define OLD		1	/* pattern seed of the image */
#define NEW		2	/* pattern seed of what is written */
#define NWRITES		(sizeof(writes) / sizeof(writes[0]))

uint32_t crc32c(uint32_t, const void *, size_t);
uint32_t crc32c_sw(uint32_t, const void *, size_t);

/* The writes of the transactions below: offset and length, in bytes. */
static const struct {
	uint64_t	off;
	size_t		len;
} writes[] = {
	{ 512 * 1000, 512 },		/* one sector inside a unit */
	{ 8192, 4096 },			/* one whole unit */
	{ 6144, 4096 },			/* two halves, overlapping the last */
	{ 100 * 1024, 64 * 1024 },	/* many units */
	{ IMGSIZE - 1024, 1024 },	/* the device's last bytes */
	{ 102 * 1024, 512 },		/* again inside the big one */
};

static void
env_clear(void)
{
	unsetenv("FSU_JOURNAL");
	unsetenv("FSU_CRASH_AFTER");
	unsetenv("FSU_BLKFAIL_NTH");
	unsetenv("RUMP_BLKFAIL");
}

static void
mkimg(const char *path, uint64_t seed)
{
	static char buf[IMGSIZE];
	int fd;

	h_fill(buf, sizeof(buf), seed, 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ATF_REQUIRE(fd != -1);
	ATF_REQUIRE_EQ(pwrite(fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	close(fd);
	(void)unlink(JNL);
}

static struct blkdev *
attach(int flags)
{
	struct blkdev *bd = NULL;

	ATF_REQUIRE_EQ(blk_attach(IMG, flags | BLK_LOCK, 0, 0, 0, &bd), 0);
	return bd;
}

/*
 * What the device should read at byte off after writes[0..n): the NEW
 * pattern where one of them wrote, OLD elsewhere.
 */
static uint8_t
expect(uint64_t off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (off >= writes[i].off && off < writes[i].off + writes[i].len)
			return h_pattern(NEW, off);
	return h_pattern(OLD, off);
}

/* Compare bytes read from the device (or the host file) with expect(). */
static void
check_buf(const uint8_t *buf, size_t n, const char *what)
{
	uint64_t off;

	for (off = 0; off < IMGSIZE; off++)
		ATF_REQUIRE_MSG(buf[off] == expect(off, n), "%s: byte %llu "
		    "after %zu writes", what, (unsigned long long)off, n);
}

static void
check_dev(struct blkdev *bd, size_t n)
{
	static uint8_t buf[IMGSIZE];
	size_t done;
	uint64_t off;

	/* In pieces that start and end inside units, and all at once. */
	for (off = 0; off < IMGSIZE; off += 3 * 4096 + 512) {
		size_t len = (size_t)(IMGSIZE - off < 3 * 4096 + 512 ?
		    IMGSIZE - off : 3 * 4096 + 512);

		ATF_REQUIRE_EQ(blk_read(bd, off, buf + off, len, &done), 0);
		ATF_REQUIRE_EQ(done, len);
	}
	check_buf(buf, n, "pieces");
	ATF_REQUIRE_EQ(blk_read(bd, 0, buf, IMGSIZE, &done), 0);
	check_buf(buf, n, "whole");
}

static void
check_host(size_t n)
{
	static uint8_t buf[IMGSIZE];
	int fd;

	fd = open(IMG, O_RDONLY);
	ATF_REQUIRE(fd != -1);
	ATF_REQUIRE_EQ(pread(fd, buf, IMGSIZE, 0), IMGSIZE);
	close(fd);
	check_buf(buf, n, "host file");
}

static void
write_one(struct blkdev *bd, size_t i)
{
	static uint8_t buf[64 * 1024];
	size_t done;

	h_fill(buf, writes[i].len, NEW, writes[i].off);
	ATF_REQUIRE_EQ(blk_write(bd, writes[i].off, buf, writes[i].len, 0,
	    &done), 0);
	ATF_REQUIRE_EQ(done, writes[i].len);
}

/* The whole transaction: every write, then commit or abort. */
static void
transaction(bool abort)
{
	struct blkdev *bd;
	struct jrnl *j;
	size_t i;

	bd = attach(0);
	ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), 0);
	ATF_REQUIRE(j != NULL);
	for (i = 0; i < NWRITES; i++) {
		write_one(bd, i);
		check_dev(bd, i + 1);
	}
	check_host(0);
	ATF_REQUIRE_EQ(jrnl_close(j, abort), 0);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
}

ATF_TC(crc32c_values);
ATF_TC_HEAD(crc32c_values, tc)
{
	atf_tc_set_md_var(tc, "descr", "CRC-32C of known strings; the "
	    "processor's instruction and the tables agree, in pieces too");
}
ATF_TC_BODY(crc32c_values, tc)
{
	static uint8_t buf[4096 + 7];
	uint32_t a;
	size_t n, i;

	ATF_REQUIRE_EQ(crc32c(0, "123456789", 9), 0xE3069283U);
	ATF_REQUIRE_EQ(crc32c_sw(0, "123456789", 9), 0xE3069283U);
	memset(buf, 0, 32);
	ATF_REQUIRE_EQ(crc32c(0, buf, 32), 0x8A9136AAU);
	memset(buf, 0xff, 32);
	ATF_REQUIRE_EQ(crc32c(0, buf, 32), 0x62A8AB43U);
	ATF_REQUIRE_EQ(crc32c(0, buf, 0), 0);
	h_fill(buf, sizeof(buf), 9, 0);
	for (n = 0; n < 300; n++) {
		for (i = 0; i < 7; i++) {
			a = crc32c(0, buf + i, n);
			ATF_REQUIRE_EQ(a, crc32c_sw(0, buf + i, n));
			ATF_REQUIRE_EQ(a, crc32c(crc32c(0, buf + i, n / 3),
			    buf + i + n / 3, n - n / 3));
		}
	}
	ATF_REQUIRE_EQ(crc32c(0, buf, 4096), crc32c_sw(0, buf, 4096));
}

ATF_TC(overlay_abort);
ATF_TC_HEAD(overlay_abort, tc)
{
	atf_tc_set_md_var(tc, "descr", "during a transaction reads see every "
	    "write and the image is untouched; an abort leaves it so");
}
ATF_TC_BODY(overlay_abort, tc)
{
	env_clear();
	mkimg(IMG, OLD);
	ATF_REQUIRE_EQ(kern_boot(), 0);
	transaction(true);
	check_host(0);
	kern_halt();
}

ATF_TC(overlay_commit);
ATF_TC_HEAD(overlay_commit, tc)
{
	atf_tc_set_md_var(tc, "descr", "a commit writes every change to the "
	    "image and leaves an empty journal (or none with "
	    "FSU_JOURNAL=remove)");
}
ATF_TC_BODY(overlay_commit, tc)
{
	struct stat st;

	env_clear();
	mkimg(IMG, OLD);
	ATF_REQUIRE_EQ(kern_boot(), 0);
	transaction(false);
	check_host(NWRITES);
	ATF_REQUIRE_EQ(stat(JNL, &st), 0);
	/* A new transaction on it: an empty journal is no journal. */
	mkimg(IMG, OLD);
	transaction(false);
	check_host(NWRITES);
	setenv("FSU_JOURNAL", "remove", 1);
	mkimg(IMG, OLD);
	transaction(false);
	check_host(NWRITES);
	ATF_REQUIRE_EQ(stat(JNL, &st), -1);
	kern_halt();
}

/* Write len bytes of pattern seed at off, BLK_BULK or not. */
static void
write_at(struct blkdev *bd, uint64_t off, size_t len, uint64_t seed,
    bool bulk)
{
	static uint8_t buf[65536];
	struct kiovec iov;
	size_t done;

	h_fill(buf, len, seed, off);
	iov.iov_base = buf;
	iov.iov_len = len;
	ATF_REQUIRE_EQ(blk_rw(bd, BLK_WRITE | (bulk ? BLK_BULK : 0), off,
	    &iov, 1, &done), 0);
	ATF_REQUIRE_EQ(done, len);
}

/* Does the host file hold pattern seed at [off, off + len)? */
static bool
host_has(int fd, uint64_t off, size_t len, uint64_t seed)
{
	static uint8_t buf[65536];

	ATF_REQUIRE_EQ(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	return h_check(buf, len, seed, off) == -1;
}

ATF_TC(ordered);
ATF_TC_HEAD(ordered, tc)
{
	atf_tc_set_md_var(tc, "descr", "ordered mode: a large write into "
	    "blocks allocated in the transaction goes to the image at once, "
	    "and every such write after it; not if they were freed in it or "
	    "their unit is journaled already");
}
ATF_TC_BODY(ordered, tc)
{
	static uint8_t buf[4096];
	struct blkdev *bd;
	struct jrnl *j;
	size_t done;
	int fd;

	env_clear();
	mkimg(IMG, OLD);
	ATF_REQUIRE_EQ(kern_boot(), 0);
	bd = attach(0);
	ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON | JRNL_ORDERED, &j), 0);
	fd = open(IMG, O_RDONLY);
	ATF_REQUIRE(fd != -1);
	/* Fresh but small, and nothing went to the image yet: journaled. */
	blk_txn_alloc(bd, 65536, 65536);
	write_at(bd, 65536, 4096, NEW, false);
	ATF_REQUIRE(host_has(fd, 65536, 4096, OLD));
	/* Fresh and large: straight to the image. */
	write_at(bd, 69632, 12288, NEW, true);
	ATF_REQUIRE(host_has(fd, 69632, 12288, NEW));
	/* Now small ones too. */
	write_at(bd, 81920, 4096, NEW, false);
	ATF_REQUIRE(host_has(fd, 81920, 4096, NEW));
	/* Partly outside the fresh range: journaled. */
	write_at(bd, 126976, 8192, NEW, true);
	ATF_REQUIRE(host_has(fd, 126976, 8192, OLD));
	/* Its first unit is journaled now: that one is no longer direct. */
	write_at(bd, 126976, 4096, 3, true);
	ATF_REQUIRE(host_has(fd, 126976, 4096, OLD));
	/* Freed and allocated again in the transaction: journaled. */
	blk_txn_alloc(bd, 196608, 8192);
	blk_txn_free(bd, 196608, 4096);
	blk_txn_alloc(bd, 196608, 4096);
	write_at(bd, 200704, 4096, NEW, true);
	ATF_REQUIRE(host_has(fd, 200704, 4096, NEW));
	write_at(bd, 196608, 4096, NEW, true);
	ATF_REQUIRE(host_has(fd, 196608, 4096, OLD));
	/* Reads see all of it; the commit applies the rest. */
	ATF_REQUIRE_EQ(blk_read(bd, 126976, buf, 4096, &done), 0);
	ATF_REQUIRE_EQ(h_check(buf, 4096, 3, 126976), -1);
	ATF_REQUIRE_EQ(jrnl_close(j, false), 0);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	ATF_REQUIRE(host_has(fd, 65536, 4096, NEW));
	ATF_REQUIRE(host_has(fd, 126976, 4096, 3));
	ATF_REQUIRE(host_has(fd, 131072, 4096, NEW));
	ATF_REQUIRE(host_has(fd, 196608, 8192, NEW));
	close(fd);
	kern_halt();
}

ATF_TC(ordered_small);
ATF_TC_HEAD(ordered_small, tc)
{
	atf_tc_set_md_var(tc, "descr", "ordered mode: small writes into "
	    "new blocks are journaled until 256 KiB of them were, then go to "
	    "the image");
}
ATF_TC_BODY(ordered_small, tc)
{
	struct blkdev *bd;
	struct jrnl *j;
	uint64_t off;
	int fd, journaled = 0;

	env_clear();
	mkimg(IMG, OLD);
	ATF_REQUIRE_EQ(kern_boot(), 0);
	bd = attach(0);
	ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON | JRNL_ORDERED, &j), 0);
	fd = open(IMG, O_RDONLY);
	ATF_REQUIRE(fd != -1);
	blk_txn_alloc(bd, 0, IMGSIZE);
	for (off = 0; off < 512 * 1024; off += 8192) {
		write_at(bd, off, 8192, NEW, false);
		if (host_has(fd, off, 8192, OLD))
			journaled++;
		else
			ATF_REQUIRE(host_has(fd, off, 8192, NEW));
	}
	ATF_REQUIRE_EQ_MSG(journaled, 256 / 8, "%d journaled", journaled);
	ATF_REQUIRE_EQ(jrnl_close(j, false), 0);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	ATF_REQUIRE(host_has(fd, 0, 65536, NEW));
	close(fd);
	kern_halt();
}

/* In a child: the transaction with FSU_CRASH_AFTER=n; its exit status. */
static int
crash_run(int n)
{
	char v[16];
	pid_t pid;
	int st;

	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		snprintf(v, sizeof(v), "%d", n);
		setenv("FSU_CRASH_AFTER", v, 1);
		if (kern_boot() != 0)
			_exit(2);
		transaction(false);
		_exit(0);
	}
	ATF_REQUIRE_EQ(waitpid(pid, &st, 0), pid);
	ATF_REQUIRE(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Which state (0 before, n after) a device shows; fails on any other. */
static size_t
state_of(struct blkdev *bd)
{
	static uint8_t buf[IMGSIZE];
	size_t done, n = NWRITES;

	ATF_REQUIRE_EQ(blk_read(bd, 0, buf, IMGSIZE, &done), 0);
	if (h_check(buf, IMGSIZE, OLD, 0) == -1)
		return 0;
	check_buf(buf, n, "after a crash");
	return n;
}

ATF_TC(crash_every_write);
ATF_TC_HEAD(crash_every_write, tc)
{
	atf_tc_set_md_var(tc, "descr", "a power cut after each host write or "
	    "sync of a transaction leaves the state before or after it, for "
	    "a reader and after a writer's recovery");
}
ATF_TC_BODY(crash_every_write, tc)
{
	struct blkdev *bd;
	struct jrnl *j;
	size_t s1, s2;
	int n, rv, nbefore = 0, nafter = 0;

	env_clear();
	for (n = 0;; n++) {
		mkimg(IMG, OLD);
		rv = crash_run(n);
		if (rv == 0)
			break;
		ATF_REQUIRE_EQ_MSG(rv, HYP_CRASH_STATUS, "n %d: status %d", n,
		    rv);
		ATF_REQUIRE_EQ(kern_boot(), 0);
		/* A reader: through the journal, writing nothing. */
		bd = attach(BLK_RDONLY);
		ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), 0);
		s1 = state_of(bd);
		ATF_REQUIRE_EQ(jrnl_close(j, false), 0);
		ATF_REQUIRE_EQ(blk_detach(bd), 0);
		/* A writer: recovery, then the same state on the host. */
		bd = attach(0);
		ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), 0);
		s2 = state_of(bd);
		ATF_REQUIRE_EQ(jrnl_close(j, false), 0);
		ATF_REQUIRE_EQ(blk_detach(bd), 0);
		kern_halt();
		ATF_REQUIRE_EQ_MSG(s1, s2, "n %d: reader %zu, writer %zu", n,
		    s1, s2);
		check_host(s2);
		if (s2 == 0)
			nbefore++;
		else
			nafter++;
	}
	check_host(NWRITES);
	printf("%d crash points: %d before, %d after\n", n, nbefore, nafter);
	ATF_REQUIRE(nbefore > 0 && nafter > 0);
}

/* Leave a committed, unapplied journal: a crash right after the commit. */
static void
make_hot(void)
{
	struct blkdev *bd;
	struct jrnl *j;
	size_t s;
	int n;

	for (n = 0;; n++) {
		mkimg(IMG, OLD);
		ATF_REQUIRE_EQ(crash_run(n), HYP_CRASH_STATUS);
		ATF_REQUIRE_EQ(kern_boot(), 0);
		bd = attach(BLK_RDONLY);
		ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), 0);
		s = state_of(bd);
		ATF_REQUIRE_EQ(jrnl_close(j, false), 0);
		ATF_REQUIRE_EQ(blk_detach(bd), 0);
		kern_halt();
		if (s != 0)
			break;
	}
	check_host(0);
}

ATF_TC(readonly_view);
ATF_TC_HEAD(readonly_view, tc)
{
	atf_tc_set_md_var(tc, "descr", "a read-only device with a hot "
	    "journal reads through it and changes neither file; a writer "
	    "then applies it");
}
ATF_TC_BODY(readonly_view, tc)
{
	struct blkdev *bd;
	struct jrnl *j;
	struct stat st1, st2;
	uint8_t b[512];
	size_t done;

	env_clear();
	make_hot();
	ATF_REQUIRE_EQ(stat(JNL, &st1), 0);
	ATF_REQUIRE_EQ(chmod(IMG, 0444), 0);
	ATF_REQUIRE_EQ(kern_boot(), 0);
	bd = attach(BLK_RDONLY);
	ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), 0);
	ATF_REQUIRE(j != NULL);
	ATF_REQUIRE_EQ(state_of(bd), NWRITES);
	ATF_REQUIRE(blk_write(bd, 0, b, sizeof(b), 0, &done) != 0);
	ATF_REQUIRE_EQ(jrnl_close(j, false), 0);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	check_host(0);
	ATF_REQUIRE_EQ(stat(JNL, &st2), 0);
	ATF_REQUIRE_EQ(st1.st_size, st2.st_size);
	ATF_REQUIRE_EQ(st1.st_mtime, st2.st_mtime);
	ATF_REQUIRE_EQ(chmod(IMG, 0644), 0);
	bd = attach(0);
	ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), 0);
	ATF_REQUIRE_EQ(jrnl_close(j, false), 0);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	check_host(NWRITES);
	kern_halt();
}

ATF_TC(foreign);
ATF_TC_HEAD(foreign, tc)
{
	atf_tc_set_md_var(tc, "descr", "a hot journal beside another image "
	    "(other contents, or another size) is refused with EBADMSG and "
	    "changes nothing; a torn one is discarded");
}
ATF_TC_BODY(foreign, tc)
{
	struct blkdev *bd;
	struct jrnl *j;
	struct stat st;

	env_clear();
	make_hot();
	h_run("cp %s hot.jnl", JNL);
	/* Other contents. */
	mkimg(IMG, 7);
	h_run("cp hot.jnl %s", JNL);
	ATF_REQUIRE_EQ(kern_boot(), 0);
	bd = attach(0);
	ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), HYP_EBADMSG);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	bd = attach(BLK_RDONLY);
	ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), HYP_EBADMSG);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	h_run("cmp -s hot.jnl %s", JNL);
	/* Another size. */
	mkimg(IMG, OLD);
	h_run("cp hot.jnl %s && truncate -s 2m %s", JNL, IMG);
	bd = attach(0);
	ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), HYP_EBADMSG);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	/* Torn: the commit record is missing.  Discarded, image as before. */
	mkimg(IMG, OLD);
	h_run("head -c $(($(stat -c %%s hot.jnl) - 64)) hot.jnl >%s", JNL);
	bd = attach(0);
	ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), 0);
	ATF_REQUIRE_EQ(state_of(bd), 0);
	ATF_REQUIRE_EQ(jrnl_close(j, false), 0);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	check_host(0);
	/* A torn header too. */
	h_run("head -c 100 hot.jnl >%s", JNL);
	bd = attach(0);
	ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), 0);
	ATF_REQUIRE_EQ(jrnl_close(j, false), 0);
	ATF_REQUIRE_EQ(blk_detach(bd), 0);
	check_host(0);
	ATF_REQUIRE_EQ(stat(JNL, &st), 0);
	kern_halt();
}

ATF_TC(eio_every_request);
ATF_TC_HEAD(eio_every_request, tc)
{
	atf_tc_set_md_var(tc, "descr", "an I/O error at any request of a "
	    "transaction that fails it leaves the image as it was");
}
ATF_TC_BODY(eio_every_request, tc)
{
	static uint8_t buf[64 * 1024];
	struct blkdev *bd;
	struct jrnl *j;
	char v[16];
	size_t i, done;
	int n, error, failed;

	env_clear();
	for (n = 1;; n++) {
		mkimg(IMG, OLD);
		snprintf(v, sizeof(v), "%d", n);
		setenv("FSU_BLKFAIL_NTH", v, 1);
		ATF_REQUIRE_EQ(kern_boot(), 0);
		bd = attach(0);
		ATF_REQUIRE_EQ(jrnl_open(bd, JRNL_ON, &j), 0);
		failed = 0;
		for (i = 0; i < NWRITES; i++) {
			h_fill(buf, writes[i].len, NEW, writes[i].off);
			if (blk_write(bd, writes[i].off, buf, writes[i].len,
			    0, &done) != 0)
				failed = 1;
		}
		error = jrnl_close(j, failed != 0);
		ATF_REQUIRE_EQ(blk_detach(bd), 0);
		kern_halt();
		unsetenv("FSU_BLKFAIL_NTH");
		if (!failed && error == 0) {
			check_host(NWRITES);
			break;
		}
		check_host(0);
	}
	ATF_REQUIRE(n > (int)NWRITES);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, crc32c_values);
	ATF_TP_ADD_TC(tp, overlay_abort);
	ATF_TP_ADD_TC(tp, overlay_commit);
	ATF_TP_ADD_TC(tp, ordered);
	ATF_TP_ADD_TC(tp, ordered_small);
	ATF_TP_ADD_TC(tp, crash_every_write);
	ATF_TP_ADD_TC(tp, readonly_view);
	ATF_TP_ADD_TC(tp, foreign);
	ATF_TP_ADD_TC(tp, eio_every_request);
	return 0;
}
