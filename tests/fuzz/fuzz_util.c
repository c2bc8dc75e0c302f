/*
 * fuzz_util.c: the image file, mounting, the tree walk and the leak check
 * that the fuzz targets share.
 *
 * Speed matters (libFuzzer wants thousands of inputs a second), so the
 * kernel is booted once per process and kept booted by a handle on its
 * root file system; each input is written into one image file, in a
 * directory of its own under $FUZZ_TMPDIR or $TMPDIR (make fuzz uses
 * /dev/shm), and mounted by its name and released.  The name is real,
 * not a descriptor's /proc path, because a read-write mount keeps its
 * journal beside the image; the journal is removed before each input, so
 * that none is recovered into the next.  After each release the
 * kernel must hold exactly the memory it held before the input (less
 * what its caches keep for reuse), and the process no more descriptors:
 * anything more is a leak, and the target aborts so that libFuzzer keeps
 * the input.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../kern/sys.h"
#include "../../ukfs/ukfs.h"
#include "fuzz.h"

#ifdef EFTYPE
#define NOT_RECOGNISED	EFTYPE
#else
#define NOT_RECOGNISED	EMEDIUMTYPE	/* what libukfs gives on Linux */
#endif

static struct ukfs *root_handle;
static uint64_t mem_base;	/* kernel memory used before the input */
static int fd_base;		/* lowest free descriptor then */
int fuzz_trace;			/* FUZZ_TRACE: say what is done */
int fuzz_mounted;		/* this input mounted */
static int image_fd = -1;
static char image_dir[4096];
static char image_path[4200];

/* Remove what is beside the image (journals), and with all the image. */
static void
image_clean(int all)
{
	char path[4400];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(image_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    (!all && strcmp(de->d_name, "image") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", image_dir, de->d_name);
		(void)unlink(path);
	}
	closedir(d);
}

static void
image_remove(void)
{
	image_clean(1);
	(void)rmdir(image_dir);
}

static void
image_open(void)
{
	const char *dir;

	if ((dir = getenv("FUZZ_TMPDIR")) == NULL || dir[0] == '\0')
		dir = getenv("TMPDIR");
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	snprintf(image_dir, sizeof(image_dir), "%s/fsu-fuzz.XXXXXX", dir);
	if (mkdtemp(image_dir) == NULL) {
		perror(image_dir);
		abort();
	}
	snprintf(image_path, sizeof(image_path), "%s/image", image_dir);
	image_fd = open(image_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	if (image_fd == -1) {
		perror(image_path);
		abort();
	}
	atexit(image_remove);
}

/* Kernel memory in use, less what the caches keep for reuse. */
static uint64_t
mem_used(void)
{
	struct kstats ks;

	ksys_kstats(&ks);
	return ks.ks_mem_inuse - ks.ks_mem_idle;
}

/* The lowest free descriptor number: higher if one was leaked. */
static int
lowest_fd(void)
{
	int fd;

	if ((fd = dup(image_fd)) != -1)
		close(fd);
	return fd;
}

void
fuzz_boot(void)
{
	if (root_handle != NULL)
		return;
	if ((root_handle = ukfs_rootfs()) == NULL) {
		perror("fuzz: ukfs_rootfs");
		abort();
	}
	fuzz_trace = getenv("FUZZ_TRACE") != NULL;
	image_open();
}

#ifdef FUZZ_LIBFUZZER
/*
 * Under libFuzzer (linked with --wrap=hyp_console_write) the kernel's
 * messages about each bad image would drown libFuzzer's: they are
 * dropped unless FUZZ_VERBOSE is set, but a panic is printed.
 */
void	__real_hyp_console_write(const char *, size_t);
void	__wrap_hyp_console_write(const char *, size_t);

void
__wrap_hyp_console_write(const char *buf, size_t len)
{
	static int loud = -1;

	if (loud == -1)
		loud = getenv("FUZZ_VERBOSE") != NULL;
	if (len >= 6 && memcmp(buf, "panic:", 6) == 0)
		loud = 1;
	if (loud)
		__real_hyp_console_write(buf, len);
}
#endif

int
LLVMFuzzerInitialize(int *argcp, char ***argvp)
{
	(void)argcp;
	(void)argvp;
	fuzz_boot();
	return 0;
}

const char *
fuzz_image(const uint8_t *data, size_t len, size_t minsize)
{
	size_t done;
	ssize_t n;

	fuzz_boot();
	mem_base = mem_used();
	fd_base = lowest_fd();
	fuzz_mounted = 0;
	image_clean(0);
	/*
	 * Not truncated to zero first: ext4 then writes the data back when
	 * the kernel closes the file, at every input.
	 */
	if (ftruncate(image_fd, (off_t)len) == -1) {
		perror("fuzz: image file");
		abort();
	}
	for (done = 0; done < len; done += (size_t)n) {
		n = pwrite(image_fd, data + done, len - done, (off_t)done);
		if (n <= 0) {
			perror("fuzz: image file");
			abort();
		}
	}
	if (len < minsize && ftruncate(image_fd, (off_t)minsize) == -1) {
		perror("fuzz: image file");
		abort();
	}
	return image_path;
}

struct ukfs *
fuzz_mount(const char *path, const char *fstype, int flags)
{
	struct ukfs_part parts[8];
	struct ukfs *fs;

	fs = ukfs_mount(fstype, path, NULL, flags | UKFS_NOLOCK, NULL);
	if (fs != NULL)
		fuzz_mounted = 1;
	if (fuzz_trace)
		fprintf(stderr, "fuzz: mount %s: %s\n", fs != NULL ?
		    ukfs_fstype(fs) : "failed", fs != NULL ? "" :
		    strerror(errno));
	if (fs == NULL && errno == NOT_RECOGNISED)
		/* What the programs do next: list the partitions. */
		(void)ukfs_partitions(path, parts, 8);
	return fs;
}

void
fuzz_leakcheck(void)
{
	uint64_t used;
	int fd;

	if ((used = mem_used()) != mem_base) {
		fprintf(stderr, "fuzz: kernel memory: %llu bytes in use after "
		    "the release, %llu before the mount: leak\n",
		    (unsigned long long)used, (unsigned long long)mem_base);
		abort();
	}
	if ((fd = lowest_fd()) != fd_base) {
		fprintf(stderr, "fuzz: lowest free descriptor %d after the "
		    "release, %d before the mount: leak\n", fd, fd_base);
		abort();
	}
}

int
fuzz_release(struct ukfs *fs)
{
	int rv;

	rv = ukfs_release(fs, 0);
	fuzz_leakcheck();
	return rv;
}

/* ----------------------------------------------------------------- walk */

struct walk {
	struct ukfs	*w_fs;
	int		 w_entries;
	char		 w_buf[64 * 1024];
};

/* Follow the data extents (SEEK_DATA, SEEK_HOLE); read where each starts. */
static void
walk_extents(struct walk *w, int fd)
{
	off_t off = 0, data, hole;
	int i;

	for (i = 0; i < FUZZ_MAXEXTENTS; i++) {
		if ((data = ukfs_lseek(w->w_fs, fd, off, SEEK_DATA)) == -1 ||
		    (hole = ukfs_lseek(w->w_fs, fd, data, SEEK_HOLE)) == -1)
			break;
		if (data < off || hole <= data) {
			fprintf(stderr, "fuzz: SEEK_DATA %lld gave %lld, "
			    "SEEK_HOLE then %lld\n", (long long)off,
			    (long long)data, (long long)hole);
			abort();
		}
		(void)ukfs_fd_pread(w->w_fs, fd, w->w_buf, 512, data);
		off = hole;
	}
}

static void
walk_read(struct walk *w, const char *path, const struct stat *st)
{
	off_t off, end;
	ssize_t n;
	int fd;

	if ((fd = ukfs_open(w->w_fs, path, O_RDONLY, 0)) == -1)
		return;
	for (off = 0; off < FUZZ_READHEAD; off += n) {
		n = ukfs_fd_read(w->w_fs, fd, w->w_buf, sizeof(w->w_buf));
		if (n <= 0)
			break;
	}
	if (st->st_size > FUZZ_READHEAD) {
		end = st->st_size;
		for (off = end - FUZZ_READTAIL; off < end; off += n) {
			n = ukfs_fd_pread(w->w_fs, fd, w->w_buf,
			    sizeof(w->w_buf), off);
			if (n <= 0)
				break;
		}
	}
	walk_extents(w, fd);
	(void)ukfs_lseek(w->w_fs, fd, 0, SEEK_END);
	(void)ukfs_close(w->w_fs, fd);
}

static void
walk_dir(struct walk *w, char *path, size_t len, int depth)
{
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	struct stat st;
	size_t n;

	if ((d = ukfs_opendir(w->w_fs, len == 0 ? "/" : path)) == NULL)
		return;
	while ((de = ukfs_readdir(d)) != NULL) {
		if (++w->w_entries > FUZZ_MAXENTRIES)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n = strlen(de->d_name);
		if (len + 1 + n + 1 > 1024)
			continue;
		path[len] = '/';
		memcpy(path + len + 1, de->d_name, n + 1);
		if (ukfs_lstat(w->w_fs, path, &st) == 0) {
			if (fuzz_trace)
				fprintf(stderr, "fuzz: %s mode %o size %lld\n",
				    path, (unsigned)st.st_mode,
				    (long long)st.st_size);
			if (S_ISLNK(st.st_mode))
				(void)ukfs_readlink(w->w_fs, path, w->w_buf,
				    sizeof(w->w_buf));
			else if (S_ISREG(st.st_mode))
				walk_read(w, path, &st);
			else if (S_ISDIR(st.st_mode) && depth < FUZZ_MAXDEPTH)
				walk_dir(w, path, len + 1 + n, depth + 1);
		}
		(void)ukfs_stat(w->w_fs, path, &st);	/* follows links */
		path[len] = '\0';
	}
	(void)ukfs_closedir(d);
}

void
fuzz_walk(struct ukfs *fs)
{
	static struct walk w;
	struct statvfs sv;
	struct stat st;
	char path[1024];

	w.w_fs = fs;
	w.w_entries = 0;
	(void)ukfs_statvfs(fs, "/", &sv);
	(void)ukfs_stat(fs, "/", &st);
	path[0] = '\0';
	walk_dir(&w, path, 0, 0);
}
