/*
 * fuzz_rw.c: the read-write target.  The input is an image followed by
 * an operation script:
 *
 *	image bytes | script bytes | script length (2 bytes, little-endian)
 *
 * (a length larger than what precedes it takes everything but the image
 * is then empty).  The image is mounted read-write with FUZZ_FSTYPE, as
 * "fsu_put -t TYPE" would; each 6 script bytes are one operation (at most
 * FUZZ_MAXOPS): create, mkdir, write, truncate, rename, remove, link,
 * chmod, symlink, read, sync, chown/chflags/utimes, descriptor I/O,
 * rmdir, mknod.  Operations name paths from a pool that starts with what
 * the image holds and grows with what the script creates.  Then the image
 * is released (sync, unmount), mounted read-only with type detection and
 * walked.  Errors are expected; crashes, hangs and leaks are not.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "../../ukfs/ukfs.h"
#include "fuzz.h"

#ifndef FUZZ_FSTYPE
#error "FUZZ_FSTYPE names the file system (-DFUZZ_FSTYPE='\"ffs\"')"
#endif

#define FUZZ_MAXOPS	64
#define OPSIZE		6
#define POOLMAX		48
#define PATHMAX		600
#define IOMAX		(64 * 1024)

enum {
	OP_CREATE, OP_MKDIR, OP_WRITE, OP_TRUNCATE, OP_RENAME, OP_REMOVE,
	OP_LINK, OP_CHMOD, OP_SYMLINK, OP_READ, OP_SYNC, OP_ATTR, OP_FDIO,
	OP_RMDIR, OP_MKNOD, OP_COUNT
};

struct rw {
	struct ukfs	*r_fs;
	int		 r_npool;
	char		 r_pool[POOLMAX][PATHMAX];
	char		 r_name[PATHMAX];
	uint8_t		 r_buf[IOMAX];
};

static struct rw rw;

static const char *
pool(uint8_t k)
{
	return rw.r_pool[k % rw.r_npool];
}

static void
pool_add(const char *path)
{
	if (rw.r_npool < POOLMAX && strlen(path) < PATHMAX)
		memcpy(rw.r_pool[rw.r_npool++], path, strlen(path) + 1);
}

/*
 * A new name in the directory pool(dir): "n0".."n7", or now and then one
 * of 100 or 255 bytes (the longest a name may be) or one too long.
 */
static const char *
newname(uint8_t dir, uint8_t k)
{
	const char *d = pool(dir);
	char name[260];
	size_t n;

	switch (k >> 5) {
	case 6:
		n = 100;
		break;
	case 7:
		n = (k & 1) ? 255 : 256;
		break;
	default:
		n = 2;
		break;
	}
	memset(name, 'n', n);
	name[n - 1] = (char)('0' + (k & 7));
	name[n] = '\0';
	snprintf(rw.r_name, sizeof(rw.r_name), "%s/%s",
	    strcmp(d, "/") == 0 ? "" : d, name);
	return rw.r_name;
}

/* A symbolic link's target of n % 1100 + 1 bytes. */
static const char *
target(unsigned n)
{
	n = n % 1100 + 1;
	memset(rw.r_buf, 't', n);
	rw.r_buf[n / 2] = '/';
	rw.r_buf[n] = '\0';
	return (const char *)rw.r_buf;
}

/* An offset from two bytes and a shift: up to about 2^47. */
static off_t
offset(uint8_t lo, uint8_t hi, uint8_t shift)
{
	return (off_t)((uint64_t)(lo | hi << 8) << (shift & 31));
}

/* The image's paths, breadth first, a few levels deep. */
static void
collect(void)
{
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	char path[PATHMAX];
	int i;

	rw.r_npool = 0;
	pool_add("/");
	for (i = 0; i < rw.r_npool && rw.r_npool < POOLMAX / 2; i++) {
		if ((d = ukfs_opendir(rw.r_fs, rw.r_pool[i])) == NULL)
			continue;
		while ((de = ukfs_readdir(d)) != NULL &&
		    rw.r_npool < POOLMAX / 2) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (snprintf(path, sizeof(path), "%s/%s",
			    i == 0 ? "" : rw.r_pool[i], de->d_name) <
			    (int)sizeof(path))
				pool_add(path);
		}
		(void)ukfs_closedir(d);
	}
}

static void
op_write(const uint8_t *a)
{
	size_t len = 1 + (size_t)(a[2] * 331 + a[5]) % (IOMAX - 1);

	memset(rw.r_buf, a[5] | 1, len);
	(void)ukfs_write(rw.r_fs, pool(a[1]), offset(a[3], a[4], a[5]),
	    rw.r_buf, len);
}

static void
op_fdio(const uint8_t *a)
{
	struct stat st;
	int fd;

	fd = ukfs_open(rw.r_fs, pool(a[1]), (a[2] & 1) ? O_RDWR | O_APPEND :
	    O_RDWR | O_CREAT, 0600);
	if (fd == -1)
		return;
	memset(rw.r_buf, 'f', 4096);
	(void)ukfs_fd_pwrite(rw.r_fs, fd, rw.r_buf, 1 + a[3] * 16,
	    offset(a[4], 0, a[5]));
	(void)ukfs_fd_write(rw.r_fs, fd, rw.r_buf, a[4]);
	if (a[2] & 2)
		(void)ukfs_ftruncate(rw.r_fs, fd, offset(a[3], 0, a[5] >> 3));
	(void)ukfs_fstat(rw.r_fs, fd, &st);
	(void)ukfs_fd_pread(rw.r_fs, fd, rw.r_buf, IOMAX, 0);
	if (a[2] & 4)
		(void)ukfs_fsync(rw.r_fs, fd);
	(void)ukfs_close(rw.r_fs, fd);
}

static void
op_attr(const uint8_t *a)
{
	struct timeval tv[2];

	switch (a[2] % 3) {
	case 0:
		(void)ukfs_lchown(rw.r_fs, pool(a[1]), a[3], a[4]);
		break;
	case 1:
		/* User flags only, so later operations are not all EPERM. */
		(void)ukfs_chflags(rw.r_fs, pool(a[1]), (uint32_t)a[3] & 0x7);
		break;
	default:
		tv[0].tv_sec = tv[1].tv_sec = (time_t)offset(a[3], a[4], a[5]);
		tv[0].tv_usec = tv[1].tv_usec = a[5] * 3900;
		(void)ukfs_utimes(rw.r_fs, pool(a[1]), tv);
		break;
	}
}

static void
op_run(const uint8_t *a)
{
	const char *p;

	errno = 0;
	if (fuzz_trace)
		fprintf(stderr, "fuzz: op %d %s %d %d %d %d", a[0] % OP_COUNT,
		    pool(a[1]), a[2], a[3], a[4], a[5]);
	switch (a[0] % OP_COUNT) {
	case OP_CREATE:
		p = newname(a[1], a[2]);
		if (ukfs_create(rw.r_fs, p, 0644) == 0)
			pool_add(p);
		break;
	case OP_MKDIR:
		p = newname(a[1], a[2]);
		if (ukfs_mkdir(rw.r_fs, p, 0755) == 0)
			pool_add(p);
		break;
	case OP_WRITE:
		op_write(a);
		break;
	case OP_TRUNCATE:
		(void)ukfs_truncate(rw.r_fs, pool(a[1]),
		    offset(a[2], a[3], a[4]));
		break;
	case OP_RENAME:
		p = (a[3] & 1) ? pool(a[2]) : newname(a[2], a[4]);
		if (ukfs_rename(rw.r_fs, pool(a[1]), p) == 0 && p == rw.r_name)
			pool_add(p);
		break;
	case OP_REMOVE:
		(void)ukfs_remove(rw.r_fs, pool(a[1]));
		break;
	case OP_LINK:
		p = newname(a[2], a[3]);
		if (ukfs_link(rw.r_fs, pool(a[1]), p) == 0)
			pool_add(p);
		break;
	case OP_CHMOD:
		(void)ukfs_chmod(rw.r_fs, pool(a[1]), (mode_t)(a[2] |
		    a[3] << 8) & 07777);
		break;
	case OP_SYMLINK:
		p = newname(a[1], a[2]);
		if (ukfs_symlink(rw.r_fs, (a[3] & 1) ? pool(a[4]) :
		    target(a[4] | a[5] << 8), p) == 0)
			pool_add(p);
		break;
	case OP_READ:
		(void)ukfs_read(rw.r_fs, pool(a[1]), offset(a[2], a[3], a[4]),
		    rw.r_buf, IOMAX);
		break;
	case OP_SYNC:
		(void)ukfs_sync(rw.r_fs);
		break;
	case OP_ATTR:
		op_attr(a);
		break;
	case OP_FDIO:
		op_fdio(a);
		break;
	case OP_RMDIR:
		(void)ukfs_rmdir(rw.r_fs, pool(a[1]));
		break;
	case OP_MKNOD:
		p = newname(a[1], a[2]);
		if (((a[3] & 1) ? ukfs_mkfifo(rw.r_fs, p, 0644) :
		    ukfs_mknod(rw.r_fs, p, S_IFCHR | 0600, a[4])) == 0)
			pool_add(p);
		break;
	}
	if (fuzz_trace)
		fprintf(stderr, ": %s\n", strerror(errno));
}

/* Split an input: *lenp becomes the image's length, the script's. */
static size_t
split(const uint8_t *data, size_t *lenp)
{
	size_t len = *lenp, slen = 0;

	if (len >= 2) {
		len -= 2;
		slen = (size_t)data[len] | (size_t)data[len + 1] << 8;
		if (slen > len)
			slen = len;
		len -= slen;
	}
	*lenp = len;
	return slen;
}

#ifdef FUZZ_LIBFUZZER
/*
 * The image is mutated in place (fuzz_mutate.c), the script by libFuzzer
 * (it may grow or shrink); the length after it is rewritten.
 */
size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t len, size_t max, unsigned seed)
{
	size_t ilen = len, slen, room;

	slen = split(data, &ilen);
	if (ilen > 0 && seed % 3 != 0) {
		(void)fuzz_mutate_image(data, ilen, seed);
		return len;
	}
	if (ilen + 2 >= max)
		return len;
	room = max - ilen - 2;
	if (room > FUZZ_MAXOPS * OPSIZE * 2)
		room = FUZZ_MAXOPS * OPSIZE * 2;
	if (slen > room)
		slen = room;
	slen = LLVMFuzzerMutate(data + ilen, slen, room);
	if (slen > room)
		slen = room;
	data[ilen + slen] = (uint8_t)slen;
	data[ilen + slen + 1] = (uint8_t)(slen >> 8);
	return ilen + slen + 2;
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const uint8_t *script;
	const char *path;
	size_t slen, i;

	slen = split(data, &len);
	script = data + len;
	path = fuzz_image(data, len, fuzz_minsize(FUZZ_FSTYPE));
	if ((rw.r_fs = fuzz_mount(path, FUZZ_FSTYPE, 0)) == NULL)
		return 0;
	collect();
	for (i = 0; i + OPSIZE <= slen && i < FUZZ_MAXOPS * OPSIZE;
	    i += OPSIZE)
		op_run(script + i);
	(void)fuzz_release(rw.r_fs);
	if ((rw.r_fs = fuzz_mount(path, NULL, UKFS_RDONLY)) == NULL)
		return 0;
	fuzz_walk(rw.r_fs);
	(void)fuzz_release(rw.r_fs);
	return 0;
}
