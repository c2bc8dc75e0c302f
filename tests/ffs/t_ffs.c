/*
 * t_ffs.c: the FFS driver (kern/fs/ffs) through libukfs.
 *
 * Images are made at test time by makefs from trees the tests build in
 * their work directories, and what the driver shows (attributes, file
 * contents, directory listings, symbolic links, device numbers) is
 * compared with the host's view of the same tree.  Features makefs cannot
 * produce (holes, files past 4 GiB, sockets, file flags, the old
 * directory format) and every corruption are made by patching image
 * bytes, located with the small superblock and inode reader below, which
 * knows both byte orders and both inode formats.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../kern/sys.h"
#include "../../ukfs/ukfs.h"
#include "../common/h_util.h"

#ifdef EFTYPE
#define E_FTYPE		EFTYPE
#else
#define E_FTYPE		EMEDIUMTYPE	/* what libukfs maps EFTYPE to */
#endif

#define MIB		(1024 * 1024)

#define REQUIRE_ERRNO(call, e) do {					\
	errno = 0;							\
	ATF_REQUIRE_MSG((call) == -1, "%s did not fail", #call);	\
	ATF_REQUIRE_MSG(errno == (e), "%s: errno %d (%s), expected %d",	\
	    #call, errno, strerror(errno), (e));			\
} while (0)

/* ------------------------------------------------------- building trees */

static void
mkpattern(const char *path, size_t size, uint64_t seed)
{
	static uint8_t buf[64 * 1024];
	size_t off, n;
	FILE *f;

	ATF_REQUIRE_MSG((f = fopen(path, "w")) != NULL, "create %s", path);
	for (off = 0; off < size; off += n) {
		n = size - off < sizeof(buf) ? size - off : sizeof(buf);
		h_fill(buf, n, seed, off);
		ATF_REQUIRE(fwrite(buf, 1, n, f) == n);
	}
	ATF_REQUIRE(fclose(f) == 0);
}

static void
mkdirp(const char *path, mode_t mode)
{
	ATF_REQUIRE_MSG(mkdir(path, mode) == 0, "mkdir %s: %s", path,
	    strerror(errno));
	ATF_REQUIRE(chmod(path, mode) == 0);
}

static void
settime(const char *path, time_t t)
{
	struct timeval tv[2] = { { t, 0 }, { t, 0 } };

	ATF_REQUIRE(lutimes(path, tv) == 0);
}

/* A symbolic link whose target is len characters. */
static void
mklink(const char *dir, size_t len)
{
	char target[1024], path[256];
	size_t i;

	for (i = 0; i < len; i++)
		target[i] = (char)('a' + i % 26);
	target[len] = '\0';
	snprintf(path, sizeof(path), "%s/link%zu", dir, len);
	ATF_REQUIRE(symlink(target, path) == 0);
}

/*
 * The standard tree: files of awkward sizes (one needing an indirect
 * block at any block size), nested and empty directories, symbolic links
 * on both sides of the fast-symlink limits, hard links, a fifo, devices
 * (when mknod is allowed), odd modes and owners, fixed times, and a
 * 255-byte name.
 */
static void
mktree(const char *root)
{
	static const size_t sizes[] = { 0, 1, 100, 511, 512, 4095, 4096,
	    4097, 12345, 65537, 200000, MIB + 7 };
	static const size_t links[] = { 1, 10, 59, 60, 61, 119, 120, 121,
	    200, 1000 };
	char path[1024], name[256];
	size_t i;

	mkdirp(root, 0755);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "%s/f_%zu", root, sizes[i]);
		mkpattern(path, sizes[i], i + 1);
	}
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		mklink(root, links[i]);
	snprintf(path, sizeof(path), "%s/d1", root);
	mkdirp(path, 0750);
	snprintf(path, sizeof(path), "%s/d1/d2", root);
	mkdirp(path, 0700);
	snprintf(path, sizeof(path), "%s/d1/d2/d3", root);
	mkdirp(path, 0755);
	snprintf(path, sizeof(path), "%s/d1/d2/d3/leaf", root);
	mkpattern(path, 3000, 99);
	snprintf(path, sizeof(path), "%s/empty", root);
	mkdirp(path, 0755);
	snprintf(path, sizeof(path), "%s/sticky", root);
	mkdirp(path, 01777);
	snprintf(path, sizeof(path), "%s/f_100", root);
	snprintf(name, sizeof(name), "%s/hardlink", root);
	ATF_REQUIRE(link(path, name) == 0);
	snprintf(name, sizeof(name), "%s/d1/hardlink2", root);
	ATF_REQUIRE(link(path, name) == 0);
	snprintf(path, sizeof(path), "%s/fifo", root);
	ATF_REQUIRE(mkfifo(path, 0640) == 0);
	snprintf(path, sizeof(path), "%s/cdev", root);
	(void)mknod(path, S_IFCHR | 0620, makedev(5, 1));
	snprintf(path, sizeof(path), "%s/bdev", root);
	(void)mknod(path, S_IFBLK | 0660, makedev(8, 300));
	snprintf(path, sizeof(path), "%s/f_1", root);
	ATF_REQUIRE(chmod(path, 04755) == 0);
	snprintf(path, sizeof(path), "%s/f_0", root);
	ATF_REQUIRE(chmod(path, 0) == 0);
	snprintf(path, sizeof(path), "%s/f_511", root);
	(void)chown(path, 1234, 5678);
	settime(path, 1234567890);
	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(path, sizeof(path), "%s/%s", root, name);
	mkpattern(path, 77, 7);
	snprintf(path, sizeof(path), "%s/d1/d2", root);
	settime(path, 1000000000);
}

/*
 * makefs -t ffs with the given options, quiet.  Its size estimate is
 * tight (or short, with large blocks), so ask for some slack.
 */
static void
mkimg(const char *img, const char *opts, const char *src)
{
	h_run("makefs -t ffs -M 1m -b 20%% -f 20%% %s %s %s >makefs.out 2>&1",
	    opts, img, src);
}

static struct ukfs *
mnt(const char *img)
{
	struct ukfs *fs;

	fs = ukfs_mount("ffs", img, NULL, UKFS_RDONLY, NULL);
	ATF_REQUIRE_MSG(fs != NULL, "mount %s: %s", img, strerror(errno));
	return fs;
}

static void
umnt(struct ukfs *fs)
{
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
}

/* ------------------------------------------------ comparing with the host */

/* dir/name into buf; dir "/" gives "/name". */
static void
fspath(char *buf, size_t len, const char *dir, const char *name)
{
	int n;

	n = snprintf(buf, len, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" :
	    "/", name);
	ATF_REQUIRE_MSG(n >= 0 && (size_t)n < len, "path too long");
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct names {
	char	**n_v;
	size_t	n_count;
	size_t	n_cap;
};

static void
names_add(struct names *n, const char *name)
{
	if (n->n_count == n->n_cap) {
		n->n_cap = n->n_cap == 0 ? 64 : 2 * n->n_cap;
		n->n_v = realloc(n->n_v, n->n_cap * sizeof(*n->n_v));
		ATF_REQUIRE(n->n_v != NULL);
	}
	ATF_REQUIRE((n->n_v[n->n_count++] = strdup(name)) != NULL);
}

static void
names_free(struct names *n)
{
	size_t i;

	for (i = 0; i < n->n_count; i++)
		free(n->n_v[i]);
	free(n->n_v);
	memset(n, 0, sizeof(*n));
}

/* Host directory entries without "." and "..", sorted. */
static void
host_names(const char *dir, struct names *n)
{
	struct dirent *de;
	DIR *d;

	ATF_REQUIRE_MSG((d = opendir(dir)) != NULL, "opendir %s", dir);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			names_add(n, de->d_name);
	closedir(d);
	if (n->n_count > 0)
		qsort(n->n_v, n->n_count, sizeof(*n->n_v), namecmp);
}

/*
 * Entries of an image directory without "." and ".." (which must each
 * appear exactly once), sorted; no name may appear twice.
 */
static void
image_names(struct ukfs *fs, const char *dir, struct names *n)
{
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	int dots = 0, dotdots = 0;
	size_t i;

	ATF_REQUIRE_MSG((d = ukfs_opendir(fs, dir)) != NULL, "opendir %s: "
	    "%s", dir, strerror(errno));
	errno = 0;
	while ((de = ukfs_readdir(d)) != NULL) {
		ATF_REQUIRE_EQ(strlen(de->d_name), de->d_namlen);
		if (strcmp(de->d_name, ".") == 0)
			dots++;
		else if (strcmp(de->d_name, "..") == 0)
			dotdots++;
		else
			names_add(n, de->d_name);
	}
	ATF_REQUIRE_MSG(errno == 0, "readdir %s: %s", dir, strerror(errno));
	ATF_REQUIRE_EQ(ukfs_closedir(d), 0);
	ATF_REQUIRE_MSG(dots == 1 && dotdots == 1, "%s: %d \".\", %d \"..\"",
	    dir, dots, dotdots);
	if (n->n_count > 0)
		qsort(n->n_v, n->n_count, sizeof(*n->n_v), namecmp);
	for (i = 1; i < n->n_count; i++)
		ATF_REQUIRE_MSG(strcmp(n->n_v[i - 1], n->n_v[i]) != 0,
		    "%s: %s listed twice", dir, n->n_v[i]);
}

static void
compare_file(struct ukfs *fs, const char *host, const char *path)
{
	static char a[64 * 1024], b[64 * 1024];
	ssize_t na, nb;
	off_t off = 0;
	int hfd, fd;

	ATF_REQUIRE((hfd = open(host, O_RDONLY)) != -1);
	fd = ukfs_open(fs, path, O_RDONLY, 0);
	ATF_REQUIRE_MSG(fd != -1, "open %s: %s", path, strerror(errno));
	do {
		na = read(hfd, a, sizeof(a));
		nb = ukfs_fd_read(fs, fd, b, sizeof(b));
		ATF_REQUIRE_MSG(nb >= 0, "read %s: %s", path, strerror(errno));
		ATF_REQUIRE_EQ_MSG(na, nb, "%s at %lld", path, (long long)off);
		ATF_REQUIRE_MSG(memcmp(a, b, (size_t)na) == 0,
		    "%s differs in the %zd bytes at %lld", path, na,
		    (long long)off);
		off += na;
	} while (na > 0);
	close(hfd);
	ATF_REQUIRE_EQ(ukfs_close(fs, fd), 0);
}

static void
compare_link(struct ukfs *fs, const char *host, const char *path)
{
	char a[1100], b[1100];
	ssize_t na, nb;

	ATF_REQUIRE((na = readlink(host, a, sizeof(a))) > 0);
	nb = ukfs_readlink(fs, path, b, sizeof(b));
	ATF_REQUIRE_MSG(nb == na, "readlink %s: %zd, expected %zd (%s)", path,
	    nb, na, nb < 0 ? strerror(errno) : "");
	ATF_REQUIRE(memcmp(a, b, (size_t)na) == 0);
}

static void compare_tree(struct ukfs *, const char *, const char *);

/* Subdirectories of a host directory: its link count on FFS is 2 + n. */
static nlink_t
host_dirlinks(const char *dir)
{
	struct names n = { 0 };
	char path[4096];
	struct stat st;
	nlink_t links = 2;
	size_t i;

	host_names(dir, &n);
	for (i = 0; i < n.n_count; i++) {
		fspath(path, sizeof(path), dir, n.n_v[i]);
		ATF_REQUIRE(lstat(path, &st) == 0);
		if (S_ISDIR(st.st_mode))
			links++;
	}
	names_free(&n);
	return links;
}

static void
compare_node(struct ukfs *fs, const char *host, const char *path)
{
	struct stat hs, is;

	ATF_REQUIRE(lstat(host, &hs) == 0);
	ATF_REQUIRE_MSG(ukfs_lstat(fs, path, &is) == 0, "lstat %s: %s",
	    path, strerror(errno));
	ATF_REQUIRE_EQ_MSG(hs.st_mode, is.st_mode, "%s: mode %o, expected %o",
	    path, (unsigned)is.st_mode, (unsigned)hs.st_mode);
	ATF_REQUIRE_EQ_MSG(hs.st_uid, is.st_uid, "%s: uid", path);
	ATF_REQUIRE_EQ_MSG(hs.st_gid, is.st_gid, "%s: gid", path);
	ATF_REQUIRE_EQ_MSG(hs.st_mtime, is.st_mtime, "%s: mtime", path);
	ATF_REQUIRE_EQ_MSG(S_ISDIR(hs.st_mode) ? host_dirlinks(host) :
	    hs.st_nlink, is.st_nlink, "%s: nlink %u", path,
	    (unsigned)is.st_nlink);
	if (!S_ISDIR(hs.st_mode))
		ATF_REQUIRE_EQ_MSG(hs.st_size, is.st_size, "%s: size %lld",
		    path, (long long)is.st_size);
	else
		ATF_REQUIRE(is.st_size > 0 && is.st_size % 512 == 0);
	if (S_ISCHR(hs.st_mode) || S_ISBLK(hs.st_mode))
		ATF_REQUIRE_EQ_MSG(hs.st_rdev, is.st_rdev, "%s: rdev", path);
	if (S_ISREG(hs.st_mode))
		compare_file(fs, host, path);
	else if (S_ISLNK(hs.st_mode))
		compare_link(fs, host, path);
	else if (S_ISDIR(hs.st_mode))
		compare_tree(fs, host, path);
}

/* The image directory path must hold what host directory host holds. */
static void
compare_tree(struct ukfs *fs, const char *host, const char *path)
{
	struct names hn = { 0 }, in = { 0 };
	char hp[4096], ip[4096];
	size_t i;

	host_names(host, &hn);
	image_names(fs, path, &in);
	ATF_REQUIRE_EQ_MSG(hn.n_count, in.n_count, "%s: %zu entries, "
	    "expected %zu", path, in.n_count, hn.n_count);
	for (i = 0; i < hn.n_count; i++) {
		ATF_REQUIRE_STREQ(hn.n_v[i], in.n_v[i]);
		fspath(hp, sizeof(hp), host, hn.n_v[i]);
		fspath(ip, sizeof(ip), path, hn.n_v[i]);
		compare_node(fs, hp, ip);
	}
	names_free(&hn);
	names_free(&in);
}

/*
 * Build the standard tree (plus a file needing double indirect blocks
 * when dind is set), make an image with opts, mount it (by type or by
 * probing) and compare.
 */
static void
check_config(const char *opts, bool probe, bool dind)
{
	struct ukfs *fs;

	mktree("src");
	if (dind)
		mkpattern("src/dind", 4 * MIB + 600 * 1024 + 3, 42);
	mkimg("img", opts, "src");
	fs = ukfs_mount(probe ? NULL : "ffs", "img", NULL, UKFS_RDONLY, NULL);
	ATF_REQUIRE_MSG(fs != NULL, "mount: %s", strerror(errno));
	ATF_REQUIRE_STREQ(ukfs_fstype(fs), "ffs");
	compare_tree(fs, "src", "/");
	umnt(fs);
}

/* ------------------------------------------- reading and patching images */

/* Just enough of an image's geometry to find inodes and blocks. */
struct img {
	int	 im_fd;
	bool	 im_be;
	int	 im_ufs;		/* 1 or 2 */
	off_t	 im_sbloc;
	int64_t	 im_size;		/* fragments */
	uint32_t im_bsize, im_fsize, im_frag, im_fpg, im_ipg, im_iblkno;
	uint32_t im_nindir, im_isize, im_ncg;
};

static uint64_t
dec(const uint8_t *p, int n, bool be)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
	return v;
}

static void
enc(uint8_t *p, int n, uint64_t v, bool be)
{
	int i;

	for (i = 0; i < n; i++)
		p[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
img_rd(struct img *im, off_t off, int n)
{
	uint8_t b[8];

	ATF_REQUIRE(pread(im->im_fd, b, (size_t)n, off) == n);
	return dec(b, n, im->im_be);
}

static void
img_wr(struct img *im, off_t off, int n, uint64_t v)
{
	uint8_t b[8];

	enc(b, n, v, im->im_be);
	ATF_REQUIRE(pwrite(im->im_fd, b, (size_t)n, off) == n);
}

static void
img_open(struct img *im, const char *path)
{
	static const off_t locs[] = { 65536, 8192, 0 };
	uint8_t m[4];
	size_t i;

	memset(im, 0, sizeof(*im));
	ATF_REQUIRE((im->im_fd = open(path, O_RDWR)) != -1);
	for (i = 0; i < sizeof(locs) / sizeof(locs[0]); i++) {
		if (pread(im->im_fd, m, 4, locs[i] + 1372) != 4)
			continue;
		im->im_be = dec(m, 4, true) == 0x011954 ||
		    dec(m, 4, true) == 0x19540119;
		if (dec(m, 4, im->im_be) == 0x011954)
			im->im_ufs = 1;
		else if (dec(m, 4, im->im_be) == 0x19540119)
			im->im_ufs = 2;
		else
			continue;
		im->im_sbloc = locs[i];
		break;
	}
	ATF_REQUIRE_MSG(im->im_ufs != 0, "%s: no superblock", path);
	im->im_ncg = (uint32_t)img_rd(im, im->im_sbloc + 44, 4);
	im->im_bsize = (uint32_t)img_rd(im, im->im_sbloc + 48, 4);
	im->im_fsize = (uint32_t)img_rd(im, im->im_sbloc + 52, 4);
	im->im_frag = (uint32_t)img_rd(im, im->im_sbloc + 56, 4);
	im->im_iblkno = (uint32_t)img_rd(im, im->im_sbloc + 16, 4);
	im->im_ipg = (uint32_t)img_rd(im, im->im_sbloc + 184, 4);
	im->im_fpg = (uint32_t)img_rd(im, im->im_sbloc + 188, 4);
	im->im_size = (int64_t)img_rd(im, im->im_sbloc + 1080, 8);
	im->im_isize = im->im_ufs == 2 ? 256 : 128;
	im->im_nindir = im->im_bsize / (im->im_ufs == 2 ? 8 : 4);
}

static void
img_close(struct img *im)
{
	ATF_REQUIRE(close(im->im_fd) == 0);
}

/* Byte offset of inode ino (makefs never staggers cylinder groups). */
static off_t
ino_off(struct img *im, uint64_t ino)
{
	uint64_t cg = ino / im->im_ipg;

	return (off_t)((cg * im->im_fpg + im->im_iblkno) * im->im_fsize +
	    (ino % im->im_ipg) * im->im_isize);
}

/* Offsets of dinode fields. */
#define DI_MODE(im)	0
#define DI_SIZE(im)	((im)->im_ufs == 2 ? 16 : 8)
#define DI_FLAGS(im)	((im)->im_ufs == 2 ? 88 : 100)
#define DI_GEN(im)	((im)->im_ufs == 2 ? 80 : 108)
#define DI_DB(im, i)	((im)->im_ufs == 2 ? 112 + 8 * (i) : 40 + 4 * (i))
#define DI_IB(im, i)	((im)->im_ufs == 2 ? 208 + 8 * (i) : 88 + 4 * (i))
#define PTRSIZE(im)	((im)->im_ufs == 2 ? 8 : 4)

static int64_t
ptr_rd(struct img *im, off_t off)
{
	uint64_t v = img_rd(im, off, PTRSIZE(im));

	return im->im_ufs == 2 ? (int64_t)v : (int32_t)v;
}

/* Byte offset of a fragment. */
static off_t
frag_off(struct img *im, int64_t frag)
{
	return (off_t)frag * im->im_fsize;
}

/* Inode number of path in image img. */
static uint64_t
ino_of(const char *img, const char *path)
{
	struct ukfs *fs = mnt(img);
	struct stat st;

	ATF_REQUIRE_MSG(ukfs_lstat(fs, path, &st) == 0, "lstat %s", path);
	umnt(fs);
	return (uint64_t)st.st_ino;
}

/*
 * Byte offset of the entry called name in the first block of directory
 * inode dino (4.4BSD entry format).
 */
static off_t
dirent_off(struct img *im, uint64_t dino, const char *name)
{
	off_t base = frag_off(im, ptr_rd(im, ino_off(im, dino) +
	    DI_DB(im, 0))), off;
	off_t limit = (off_t)img_rd(im, ino_off(im, dino) + DI_SIZE(im), 8);
	uint8_t hdr[8], nm[256];
	size_t len = strlen(name);

	if (limit > (off_t)im->im_bsize)
		limit = (off_t)im->im_bsize;
	for (off = 0; off < limit; off += dec(hdr + 4, 2, im->im_be)) {
		ATF_REQUIRE(pread(im->im_fd, hdr, 8, base + off) == 8);
		ATF_REQUIRE(dec(hdr + 4, 2, im->im_be) != 0);
		ATF_REQUIRE(pread(im->im_fd, nm, hdr[7], base + off + 8) ==
		    hdr[7]);
		if (dec(hdr, 4, im->im_be) != 0 && hdr[7] == len &&
		    memcmp(nm, name, len) == 0)
			return base + off;
	}
	atf_tc_fail("no entry %s in directory %llu", name,
	    (unsigned long long)dino);
	return -1;
}

/* ------------------------------------------------- formats and geometries */

#define CONFIG_TC(name, descr, opts, probe, dind)			\
ATF_TC(name);								\
ATF_TC_HEAD(name, tc)							\
{									\
	atf_tc_set_md_var(tc, "descr", descr);				\
	atf_tc_set_md_var(tc, "require.progs", "makefs");		\
}									\
ATF_TC_BODY(name, tc)							\
{									\
	check_config(opts, probe, dind);				\
}

CONFIG_TC(ufs1_default, "UFS1 with makefs defaults, found by probing, "
    "reads back as the source tree", "-o version=1", true, false)
CONFIG_TC(ufs2_default, "UFS2 (superblock at 8192) with makefs defaults "
    "reads back as the source tree", "-o version=2", false, false)
CONFIG_TC(ufs1_be, "big-endian UFS1, found by probing", "-B be -o "
    "version=1", true, false)
CONFIG_TC(ufs2_be, "big-endian UFS2", "-B be -o version=2", false, false)
CONFIG_TC(ufs1_4k, "UFS1, 4096/512 blocks, with a file needing double "
    "indirect blocks", "-o version=1,bsize=4096,fsize=512", false, true)
CONFIG_TC(ufs2_4k, "UFS2, 4096/512 blocks, with a file needing double "
    "indirect blocks", "-o version=2,bsize=4096,fsize=512", true, true)
CONFIG_TC(ufs2_be_4k, "big-endian UFS2, 4096/512 blocks, double indirect",
    "-B be -o version=2,bsize=4096,fsize=512", false, true)
CONFIG_TC(ufs1_16k, "UFS1, 16384/2048 blocks",
    "-o version=1,bsize=16384,fsize=2048", false, false)
CONFIG_TC(ufs2_16k, "UFS2, 16384/2048 blocks",
    "-o version=2,bsize=16384,fsize=2048", true, false)
CONFIG_TC(ufs1_64k, "UFS1, 65536/8192 blocks",
    "-o version=1,bsize=65536,fsize=8192", false, false)
CONFIG_TC(ufs2_be_64k, "big-endian UFS2, 65536/8192 blocks",
    "-B be -o version=2,bsize=65536,fsize=8192", true, false)

/* --------------------------------------------------- attributes and types */

static void
check_nodes(const char *opts)
{
	struct ukfs_stat us;
	struct ukfs *fs;
	struct img im;
	uint64_t ino, fino;
	off_t io;
	char buf[8];

	mkdirp("src", 0755);
	mkpattern("src/file", 5000, 3);
	ATF_REQUIRE(mkfifo("src/fifo", 0644) == 0);
	ATF_REQUIRE(mkfifo("src/sock", 0755) == 0);
	mkimg("img", opts, "src");
	ino = ino_of("img", "/sock");
	fino = ino_of("img", "/file");
	img_open(&im, "img");
	/* makefs cannot store a socket; turn the fifo into one. */
	img_wr(&im, ino_off(&im, ino) + DI_MODE(&im), 2, 0140755);
	img_wr(&im, ino_off(&im, fino) + DI_FLAGS(&im), 4, 0x00010001);
	io = ino_off(&im, fino);
	fs = mnt("img");
	ATF_REQUIRE_EQ(ukfs_xstat(fs, "/sock", 1, &us), 0);
	ATF_REQUIRE_EQ(us.us_mode, 0140755);
	REQUIRE_ERRNO(ukfs_read(fs, "/fifo", 0, buf, 1), EOPNOTSUPP);
	ATF_REQUIRE_EQ(ukfs_xstat(fs, "/file", 1, &us), 0);
	ATF_REQUIRE_EQ(us.us_ino, fino);
	ATF_REQUIRE_EQ(us.us_flags, 0x00010001);
	ATF_REQUIRE_EQ(us.us_blksize, im.im_bsize);
	ATF_REQUIRE_EQ(us.us_gen, (uint32_t)img_rd(&im, io + DI_GEN(&im), 4));
	ATF_REQUIRE_EQ((uint64_t)us.us_blocks, im.im_ufs == 2 ?
	    img_rd(&im, io + 24, 8) : img_rd(&im, io + 104, 4));
	ATF_REQUIRE(us.us_blocks * 512 >= 5000);
	if (im.im_ufs == 2)
		ATF_REQUIRE_EQ(us.us_birthtime,
		    (int64_t)img_rd(&im, io + 56, 8));
	else
		ATF_REQUIRE_EQ(us.us_birthtime, 0);
	umnt(fs);
	img_close(&im);
}

ATF_TC(nodes);
ATF_TC_HEAD(nodes, tc)
{
	atf_tc_set_md_var(tc, "descr", "sockets, fifos, file flags, "
	    "generation, block counts and birth times, UFS2 and UFS1-BE");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(nodes, tc)
{
	check_nodes("-o version=2");
	h_run("rm -rf src img");
	check_nodes("-B be -o version=1");
}

ATF_TC(devices);
ATF_TC_HEAD(devices, tc)
{
	atf_tc_set_md_var(tc, "descr", "character and block devices keep "
	    "their device numbers, hard links their link counts");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(devices, tc)
{
	struct ukfs *fs;
	struct stat st;

	mkdirp("src", 0755);
	if (mknod("src/c", S_IFCHR | 0600, makedev(200, 70000)) != 0)
		atf_tc_skip("mknod not permitted");
	ATF_REQUIRE(mknod("src/b", S_IFBLK | 0640, makedev(4095, 255)) == 0);
	mkpattern("src/f", 10, 1);
	ATF_REQUIRE(link("src/f", "src/g") == 0);
	ATF_REQUIRE(link("src/f", "src/h") == 0);
	mkimg("img", "-o version=2", "src");
	fs = mnt("img");
	ATF_REQUIRE_EQ(ukfs_lstat(fs, "/c", &st), 0);
	ATF_REQUIRE(S_ISCHR(st.st_mode));
	ATF_REQUIRE_EQ(major(st.st_rdev), 200);
	ATF_REQUIRE_EQ(minor(st.st_rdev), 70000);
	ATF_REQUIRE_EQ(ukfs_lstat(fs, "/b", &st), 0);
	ATF_REQUIRE(S_ISBLK(st.st_mode) && st.st_size == 0);
	ATF_REQUIRE_EQ(major(st.st_rdev), 4095);
	ATF_REQUIRE_EQ(minor(st.st_rdev), 255);
	ATF_REQUIRE_EQ(ukfs_lstat(fs, "/h", &st), 0);
	ATF_REQUIRE_EQ(st.st_nlink, 3);
	umnt(fs);
	compare_tree(fs = mnt("img"), "src", "/");
	umnt(fs);
}

/* ------------------------------------------------ holes and large files */

/* Expected byte at off of the patched sparse file. */
static bool
in_hole(off_t off, const off_t *holes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i += 2)
		if (off >= holes[i] && off < holes[i + 1])
			return true;
	return false;
}

static void
check_sparse(const char *opts)
{
	static uint8_t buf[3 * 4096 + 17];
	struct ukfs *fs;
	struct img im;
	off_t holes[6], size, off, io;
	uint64_t ino, bs, nind;
	int64_t l2, l1;
	ssize_t n, i;

	mkdirp("src", 0755);
	/* Direct, single and double indirect blocks at 4 KiB blocks. */
	size = (off_t)(12 + 1024 + 40) * 4096 + 100;
	mkpattern("src/sparse", (size_t)size, 5);
	mkimg("img", opts, "src");
	ino = ino_of("img", "/sparse");
	img_open(&im, "img");
	bs = im.im_bsize;
	nind = im.im_nindir;
	ATF_REQUIRE(bs == 4096 && (off_t)((12 + nind) * bs) < size);
	io = ino_off(&im, ino);
	/* Holes: direct blocks 3-4, all single indirect, one leaf entry. */
	img_wr(&im, io + DI_DB(&im, 3), PTRSIZE(&im), 0);
	img_wr(&im, io + DI_DB(&im, 4), PTRSIZE(&im), 0);
	img_wr(&im, io + DI_IB(&im, 0), PTRSIZE(&im), 0);
	l2 = ptr_rd(&im, io + DI_IB(&im, 1));
	l1 = ptr_rd(&im, frag_off(&im, l2));
	img_wr(&im, frag_off(&im, l1) + 5 * PTRSIZE(&im), PTRSIZE(&im), 0);
	holes[0] = (off_t)(3 * bs);
	holes[1] = (off_t)(5 * bs);
	holes[2] = (off_t)(12 * bs);
	holes[3] = (off_t)((12 + nind) * bs);
	holes[4] = (off_t)((12 + nind + 5) * bs);
	holes[5] = (off_t)((12 + nind + 6) * bs);
	img_close(&im);
	fs = mnt("img");
	for (off = 0; off < size; off += n) {
		n = ukfs_read(fs, "/sparse", off, buf, sizeof(buf));
		ATF_REQUIRE_MSG(n > 0, "read at %lld: %s", (long long)off,
		    strerror(errno));
		for (i = 0; i < n; i++)
			ATF_REQUIRE_MSG(buf[i] == (in_hole(off + i, holes, 6) ?
			    0 : h_pattern(5, (uint64_t)(off + i))),
			    "byte %lld", (long long)(off + i));
	}
	ATF_REQUIRE_EQ(off, size);
	umnt(fs);
}

ATF_TC(sparse);
ATF_TC_HEAD(sparse, tc)
{
	atf_tc_set_md_var(tc, "descr", "holes in the direct blocks, a "
	    "missing indirect block and a hole in a leaf read as zeros "
	    "(UFS2 and big-endian UFS1)");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(sparse, tc)
{
	check_sparse("-o version=2,bsize=4096,fsize=512");
	h_run("rm -rf src img");
	check_sparse("-B be -o version=1,bsize=4096,fsize=512");
}

/*
 * Make /huge a file of more than 5 GiB whose only data past its first
 * blocks is one block reached through the triple indirect pointer, built
 * from free blocks at the end of the file system.
 */
static void
check_huge(const char *opts)
{
	static uint8_t blk[4096], buf[4096 + 100];
	struct ukfs *fs;
	struct stat st;
	struct img im;
	uint64_t ino, nind, lbn, rel;
	int64_t b[4];
	off_t io, target;
	int i;

	mkdirp("src", 0755);
	mkpattern("src/huge", 3 * 4096, 11);
	h_run("makefs -t ffs -s 64m %s img src >makefs.out 2>&1", opts);
	ino = ino_of("img", "/huge");
	img_open(&im, "img");
	ATF_REQUIRE(im.im_ufs == 2 && im.im_bsize == 4096);
	nind = im.im_nindir;
	target = (off_t)5 * 1024 * MIB + 8192 * 3;
	lbn = (uint64_t)target / 4096;
	rel = lbn - 12 - nind - nind * nind;
	for (i = 0; i < 4; i++)		/* last blocks: free */
		b[i] = (im.im_size / im.im_frag - 1 - i) * im.im_frag;
	memset(blk, 0, sizeof(blk));
	enc(blk + 8 * (rel / (nind * nind)), 8, (uint64_t)b[1], im.im_be);
	ATF_REQUIRE(pwrite(im.im_fd, blk, 4096, frag_off(&im, b[0])) == 4096);
	memset(blk, 0, sizeof(blk));
	enc(blk + 8 * (rel / nind % nind), 8, (uint64_t)b[2], im.im_be);
	ATF_REQUIRE(pwrite(im.im_fd, blk, 4096, frag_off(&im, b[1])) == 4096);
	memset(blk, 0, sizeof(blk));
	enc(blk + 8 * (rel % nind), 8, (uint64_t)b[3], im.im_be);
	ATF_REQUIRE(pwrite(im.im_fd, blk, 4096, frag_off(&im, b[2])) == 4096);
	h_fill(blk, sizeof(blk), 12, (uint64_t)target);
	ATF_REQUIRE(pwrite(im.im_fd, blk, 4096, frag_off(&im, b[3])) == 4096);
	io = ino_off(&im, ino);
	img_wr(&im, io + DI_IB(&im, 2), 8, (uint64_t)b[0]);
	img_wr(&im, io + DI_SIZE(&im), 8, (uint64_t)target + 4096 + 50);
	img_close(&im);

	fs = mnt("img");
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/huge", &st), 0);
	ATF_REQUIRE_EQ(st.st_size, target + 4096 + 50);
	ATF_REQUIRE_EQ(ukfs_read(fs, "/huge", target - 50, buf, sizeof(buf)),
	    (ssize_t)sizeof(buf));
	for (i = 0; i < (int)sizeof(buf); i++)
		ATF_REQUIRE(buf[i] == (i < 50 || i >= 4096 + 50 ? 0 :
		    h_pattern(12, (uint64_t)(target + i - 50))));
	ATF_REQUIRE_EQ(ukfs_read(fs, "/huge", (off_t)4 * 1024 * MIB + 1,
	    buf, 100), 100);
	for (i = 0; i < 100; i++)
		ATF_REQUIRE(buf[i] == 0);
	ATF_REQUIRE_EQ(ukfs_read(fs, "/huge", 4000, buf, 200), 200);
	for (i = 0; i < 200; i++)
		ATF_REQUIRE(buf[i] == h_pattern(11, (uint64_t)(4000 + i)));
	ATF_REQUIRE_EQ(ukfs_read(fs, "/huge", target + 4096 + 50, buf, 10),
	    0);
	umnt(fs);
}

ATF_TC(huge_file);
ATF_TC_HEAD(huge_file, tc)
{
	atf_tc_set_md_var(tc, "descr", "a UFS2 file past 5 GiB with data "
	    "under its triple indirect block, both byte orders");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(huge_file, tc)
{
	check_huge("-o version=2,bsize=4096,fsize=512");
	h_run("rm -rf src img");
	check_huge("-B be -o version=2,bsize=4096,fsize=512");
}

ATF_TC(large_read);
ATF_TC_HEAD(large_read, tc)
{
	atf_tc_set_md_var(tc, "descr", "a 24 MiB file (double indirect at "
	    "8 KiB blocks) reads back intact in large and odd-sized reads");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(large_read, tc)
{
	static uint8_t buf[MIB + 333];
	struct ukfs *fs;
	off_t off;
	ssize_t n;
	int fd;

	mkdirp("src", 0755);
	mkpattern("src/big", 24 * MIB, 21);
	mkimg("img", "-o version=1", "src");
	fs = mnt("img");
	ATF_REQUIRE((fd = ukfs_open(fs, "/big", O_RDONLY, 0)) != -1);
	for (off = 0; (n = ukfs_fd_read(fs, fd, buf, sizeof(buf))) > 0;
	    off += n)
		ATF_REQUIRE_EQ_MSG(h_check(buf, (size_t)n, 21, (uint64_t)off),
		    -1, "at %lld", (long long)off);
	ATF_REQUIRE_EQ(n, 0);
	ATF_REQUIRE_EQ(off, 24 * MIB);
	ATF_REQUIRE_EQ(ukfs_close(fs, fd), 0);
	umnt(fs);
}

/* ---------------------------------------------------------- directories */

ATF_TC(big_dir);
ATF_TC_HEAD(big_dir, tc)
{
	atf_tc_set_md_var(tc, "descr", "a directory of 5000 entries: every "
	    "name is found, readdir lists each once, and lookups do not "
	    "scan the directory");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(big_dir, tc)
{
	struct kstats k0, k1;
	struct names n = { 0 };
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	struct ukfs *fs;
	struct stat st;
	char path[64];
	uint64_t *inos;
	int i, count = 0;

	mkdirp("src", 0755);
	mkdirp("src/big", 0755);
	for (i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "src/big/entry-%05d", i);
		mkpattern(path, (size_t)(i % 3), (uint64_t)i);
	}
	/* makefs gives too few inodes by itself. */
	h_run("makefs -t ffs -s 16m -o version=2,density=2048,bsize=4096,"
	    "fsize=512 img src >makefs.out 2>&1");
	fs = mnt("img");
	ATF_REQUIRE((inos = calloc(5000, sizeof(*inos))) != NULL);
	ATF_REQUIRE((d = ukfs_opendir(fs, "/big")) != NULL);
	while ((de = ukfs_readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		ATF_REQUIRE(sscanf(de->d_name, "entry-%d", &i) == 1);
		ATF_REQUIRE_MSG(i >= 0 && i < 5000 && inos[i] == 0,
		    "%s listed twice", de->d_name);
		ATF_REQUIRE_EQ(de->d_type, DT_REG);
		inos[i] = de->d_ino;
		count++;
	}
	ATF_REQUIRE_EQ(ukfs_closedir(d), 0);
	ATF_REQUIRE_EQ(count, 5000);
	ATF_REQUIRE_EQ(ukfs_lstat(fs, "/big/entry-00000", &st), 0);
	ksys_kstats(&k0);
	for (i = 4999; i >= 0; i--) {
		snprintf(path, sizeof(path), "/big/entry-%05d", i);
		ATF_REQUIRE_MSG(ukfs_lstat(fs, path, &st) == 0, "%s", path);
		ATF_REQUIRE_EQ(st.st_ino, inos[i]);
		ATF_REQUIRE_EQ(st.st_size, i % 3);
	}
	REQUIRE_ERRNO(ukfs_lstat(fs, "/big/entry-5000", &st), ENOENT);
	ksys_kstats(&k1);
	/*
	 * Buffer cache lookups per name: a linear search reads half of the
	 * directory's 25 blocks on average (about 18 in all, measured);
	 * with the hash it is one directory block, the root directory and
	 * the inode block (about 3.5).
	 */
	ATF_REQUIRE_MSG(k1.ks_buf_hits + k1.ks_buf_misses - k0.ks_buf_hits -
	    k0.ks_buf_misses < 7 * 5000, "%llu buffer lookups",
	    (unsigned long long)(k1.ks_buf_hits + k1.ks_buf_misses -
	    k0.ks_buf_hits - k0.ks_buf_misses));
	free(inos);
	image_names(fs, "/big", &n);
	ATF_REQUIRE_EQ(n.n_count, 5000);
	names_free(&n);
	umnt(fs);
}

ATF_TC(deep_tree);
ATF_TC_HEAD(deep_tree, tc)
{
	atf_tc_set_md_var(tc, "descr", "40 nested directories: long paths, "
	    "\"..\" at every level");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(deep_tree, tc)
{
	char path[1024], ipath[1024], buf[16];
	struct stat st, pst;
	struct ukfs *fs;
	size_t len;
	int i;

	snprintf(path, sizeof(path), "src");
	mkdirp(path, 0755);
	for (i = 0; i < 40; i++) {
		len = strlen(path);
		snprintf(path + len, sizeof(path) - len, "/lvl%02d", i);
		mkdirp(path, 0755);
		snprintf(ipath, sizeof(ipath), "%s/f", path);
		snprintf(buf, sizeof(buf), "level %02d", i);
		h_run("printf '%s' > %s", buf, ipath);
	}
	mkimg("img", "-o version=2", "src");
	fs = mnt("img");
	compare_tree(fs, "src", "/");
	snprintf(ipath, sizeof(ipath), "%s", path + 3);
	ATF_REQUIRE_EQ(ukfs_stat(fs, ipath, &st), 0);
	ATF_REQUIRE(S_ISDIR(st.st_mode));
	for (i = 39; i > 0; i--) {
		len = strlen(ipath);
		snprintf(ipath + len, sizeof(ipath) - len, "/..");
		ATF_REQUIRE_EQ(ukfs_stat(fs, ipath, &pst), 0);
		ATF_REQUIRE(pst.st_ino != st.st_ino);
		st = pst;
	}
	snprintf(ipath + strlen(ipath), sizeof(ipath) - strlen(ipath),
	    "/../../../lvl00/f");
	ATF_REQUIRE_EQ(ukfs_read(fs, ipath, 0, buf, sizeof(buf)), 8);
	ATF_REQUIRE(memcmp(buf, "level 00", 8) == 0);
	umnt(fs);
}

ATF_TC(long_names);
ATF_TC_HEAD(long_names, tc)
{
	atf_tc_set_md_var(tc, "descr", "255-byte names of files and "
	    "directories; 256 bytes is too long");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(long_names, tc)
{
	char dname[300], fname[256], path[1024];
	struct ukfs *fs;
	struct stat st;
	int i;

	memset(dname, 'D', 255);
	dname[255] = '\0';
	memset(fname, 'F', 255);
	fname[255] = '\0';
	mkdirp("src", 0755);
	snprintf(path, sizeof(path), "src/%s", dname);
	mkdirp(path, 0755);
	for (i = 0; i < 20; i++) {
		fname[254] = (char)('a' + i);
		snprintf(path, sizeof(path), "src/%s/%s", dname, fname);
		mkpattern(path, (size_t)i * 100, (uint64_t)i);
		snprintf(path, sizeof(path), "src/%s", fname);
		mkpattern(path, (size_t)i, (uint64_t)i);
	}
	mkimg("img", "-B be -o version=1", "src");
	fs = mnt("img");
	compare_tree(fs, "src", "/");
	dname[255] = 'D';
	dname[256] = '\0';
	snprintf(path, sizeof(path), "/%s", dname);
	REQUIRE_ERRNO(ukfs_lstat(fs, path, &st), ENAMETOOLONG);
	umnt(fs);
}

/* Names returned by getdents from cookie off on, with buffers of len. */
static void
getdents_all(struct ukfs *fs, const char *dir, off_t off, size_t len,
    struct names *n)
{
	static char buf[16384];
	struct ukfs_dirent *de;
	ssize_t got, pos;

	ATF_REQUIRE(len <= sizeof(buf));
	while ((got = ukfs_getdents(fs, dir, &off, buf, len)) > 0) {
		for (pos = 0; pos < got; pos += de->d_reclen) {
			de = (struct ukfs_dirent *)(void *)(buf + pos);
			names_add(n, de->d_name);
		}
	}
	ATF_REQUIRE_MSG(got == 0, "getdents: %s", strerror(errno));
}

ATF_TC(readdir_cookies);
ATF_TC_HEAD(readdir_cookies, tc)
{
	atf_tc_set_md_var(tc, "descr", "readdir resumes at its cookies "
	    "whatever the buffer size; a cookie inside an entry resumes at "
	    "the next one, never repeating \".\" or \"..\"");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(readdir_cookies, tc)
{
	static const size_t lens[] = { 272, 300, 512, 4096, 16384 };
	struct names ref = { 0 }, n = { 0 };
	struct ukfs *fs;
	char path[300];
	size_t i, j;

	mkdirp("src", 0755);
	mkdirp("src/d", 0755);
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "src/d/%0*zu", (int)(i % 60 + 1),
		    i);
		mkpattern(path, 1, i);
	}
	mkimg("img", "-o version=2,bsize=4096,fsize=512", "src");
	fs = mnt("img");
	getdents_all(fs, "/d", 0, 16384, &ref);
	ATF_REQUIRE_EQ(ref.n_count, 302);
	ATF_REQUIRE_STREQ(ref.n_v[0], ".");
	ATF_REQUIRE_STREQ(ref.n_v[1], "..");
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		getdents_all(fs, "/d", 0, lens[i], &n);
		ATF_REQUIRE_EQ(n.n_count, ref.n_count);
		for (j = 0; j < n.n_count; j++)
			ATF_REQUIRE_STREQ(n.n_v[j], ref.n_v[j]);
		names_free(&n);
	}
	/* "." is 12 bytes long: cookie 1 is inside it, 13 inside "..". */
	getdents_all(fs, "/d", 1, 4096, &n);
	ATF_REQUIRE_EQ(n.n_count, ref.n_count - 1);
	ATF_REQUIRE_STREQ(n.n_v[0], "..");
	names_free(&n);
	getdents_all(fs, "/d", 13, 4096, &n);
	ATF_REQUIRE_EQ(n.n_count, ref.n_count - 2);
	ATF_REQUIRE_STREQ(n.n_v[0], ref.n_v[2]);
	names_free(&n);
	getdents_all(fs, "/d", 1 << 20, 4096, &n);
	ATF_REQUIRE_EQ(n.n_count, 0);
	names_free(&n);
	names_free(&ref);
	umnt(fs);
}

/*
 * Turn the root directory of a little-endian UFS1 image into the 4.2BSD
 * entry format: 16-bit name lengths, no types, and fs_maxsymlinklen 0.
 */
static void
make_olddir(struct img *im)
{
	off_t base, off, size;
	uint8_t hdr[8];

	size = (off_t)img_rd(im, ino_off(im, 2) + DI_SIZE(im), 8);
	ATF_REQUIRE(size <= (off_t)im->im_bsize);
	base = frag_off(im, ptr_rd(im, ino_off(im, 2) + DI_DB(im, 0)));
	for (off = 0; off < size; off += dec(hdr + 4, 2, im->im_be)) {
		ATF_REQUIRE(pread(im->im_fd, hdr, 8, base + off) == 8);
		img_wr(im, base + off + 6, 2, hdr[7]);
	}
	img_wr(im, im->im_sbloc + 1320, 4, 0);
}

ATF_TC(old_dirfmt);
ATF_TC_HEAD(old_dirfmt, tc)
{
	atf_tc_set_md_var(tc, "descr", "UFS1 with 4.2BSD directory entries "
	    "(no d_type) and 16-bit inode owners");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(old_dirfmt, tc)
{
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	struct ukfs *fs;
	struct stat st;
	struct img im;
	uint64_t ino;
	int n = 0;

	mkdirp("src", 0755);
	mkpattern("src/file", 3000, 1);
	mklink("src", 10);
	mklink("src", 200);
	mkdirp("src/dir", 0700);
	mkimg("img", "-o version=1", "src");
	ino = ino_of("img", "/file");
	img_open(&im, "img");
	make_olddir(&im);
	/* 4.2BSD inodes: owners in the 16-bit fields. */
	img_wr(&im, im.im_sbloc + 1324, 4, (uint64_t)-1);
	img_wr(&im, ino_off(&im, ino) + 4, 2, 4321);
	img_wr(&im, ino_off(&im, ino) + 6, 2, 8765);
	img_close(&im);
	fs = mnt("img");
	ATF_REQUIRE((d = ukfs_opendir(fs, "/")) != NULL);
	while ((de = ukfs_readdir(d)) != NULL) {
		ATF_REQUIRE_EQ(de->d_type, DT_UNKNOWN);
		n++;
	}
	ATF_REQUIRE_EQ(ukfs_closedir(d), 0);
	ATF_REQUIRE_EQ(n, 6);
	compare_link(fs, "src/link10", "/link10");
	compare_link(fs, "src/link200", "/link200");
	compare_file(fs, "src/file", "/file");
	ATF_REQUIRE_EQ(ukfs_lstat(fs, "/file", &st), 0);
	ATF_REQUIRE_EQ(st.st_uid, 4321);
	ATF_REQUIRE_EQ(st.st_gid, 8765);
	ATF_REQUIRE_EQ(ukfs_lstat(fs, "/dir", &st), 0);
	ATF_REQUIRE(S_ISDIR(st.st_mode));
	umnt(fs);
}

/* ------------------------------------------------------ mounts and state */

ATF_TC(statvfs);
ATF_TC_HEAD(statvfs, tc)
{
	atf_tc_set_md_var(tc, "descr", "statvfs reports the geometry and "
	    "the superblock's totals");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(statvfs, tc)
{
	static const char *const opts[] = { "-o version=2,bsize=16384,"
	    "fsize=2048", "-B be -o version=1" };
	struct statvfs sv;
	struct ukfs *fs;
	struct img im;
	uint64_t nbfree, nffree, nifree, dsize;
	size_t i;

	mktree("src");
	for (i = 0; i < 2; i++) {
		mkimg("img", opts[i], "src");
		img_open(&im, "img");
		dsize = img_rd(&im, im.im_sbloc + 1088, 8);
		nbfree = img_rd(&im, im.im_sbloc + 1008 + 8, 8);
		nifree = img_rd(&im, im.im_sbloc + 1008 + 16, 8);
		nffree = img_rd(&im, im.im_sbloc + 1008 + 24, 8);
		fs = mnt("img");
		ATF_REQUIRE_EQ(ukfs_statvfs(fs, "/d1", &sv), 0);
		ATF_REQUIRE_EQ(sv.f_bsize, im.im_bsize);
		ATF_REQUIRE_EQ(sv.f_frsize, im.im_fsize);
		ATF_REQUIRE_EQ(sv.f_blocks, dsize);
		ATF_REQUIRE_EQ(sv.f_bfree, nbfree * im.im_frag + nffree);
		ATF_REQUIRE(sv.f_bavail < sv.f_bfree);
		ATF_REQUIRE_EQ(sv.f_files, (uint64_t)im.im_ncg * im.im_ipg - 2);
		ATF_REQUIRE_EQ(sv.f_ffree, nifree);
		ATF_REQUIRE_EQ(sv.f_namemax, 255);
		ATF_REQUIRE(sv.f_flag & ST_RDONLY);
		umnt(fs);
		img_close(&im);
		h_run("rm -f img");
	}
}

ATF_TC(mount_options);
ATF_TC_HEAD(mount_options, tc)
{
	atf_tc_set_md_var(tc, "descr", "read-write mounts work; ro and "
	    "noatime work and refuse every change; unknown options are "
	    "EINVAL");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(mount_options, tc)
{
	struct statvfs sv;
	struct ukfs *fs;
	struct stat st;

	mkdirp("src", 0755);
	mkpattern("src/f", 10, 1);
	mkimg("img", "-o version=2", "src");
	fs = ukfs_mount("ffs", "img", NULL, 0, NULL);
	ATF_REQUIRE_MSG(fs != NULL, "%s", strerror(errno));
	umnt(fs);
	fs = ukfs_mount(NULL, "img", NULL, 0, "rw");
	ATF_REQUIRE_MSG(fs != NULL, "%s", strerror(errno));
	umnt(fs);
	ATF_REQUIRE(ukfs_mount("ffs", "img", NULL, UKFS_RDONLY,
	    "ro,bogus") == NULL);
	ATF_REQUIRE_EQ(errno, EINVAL);
	fs = ukfs_mount("ffs", "img", NULL, 0, "ro,noatime");
	ATF_REQUIRE_MSG(fs != NULL, "%s", strerror(errno));
	ATF_REQUIRE_EQ(ukfs_statvfs(fs, "/", &sv), 0);
	ATF_REQUIRE(sv.f_flag & ST_RDONLY);
	REQUIRE_ERRNO(ukfs_create(fs, "/new", 0644), EROFS);
	REQUIRE_ERRNO(ukfs_write(fs, "/f", 0, "x", 1), EROFS);
	REQUIRE_ERRNO(ukfs_mkdir(fs, "/dir", 0755), EROFS);
	REQUIRE_ERRNO(ukfs_remove(fs, "/f"), EROFS);
	REQUIRE_ERRNO(ukfs_chmod(fs, "/f", 0600), EROFS);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/f", &st), 0);
	umnt(fs);
	fs = ukfs_mount("ffs", "img", NULL, UKFS_RDONLY, "rw");
	ATF_REQUIRE_MSG(fs != NULL, "%s", strerror(errno));
	umnt(fs);
}

ATF_TC(unclean);
ATF_TC_HEAD(unclean, tc)
{
	atf_tc_set_md_var(tc, "descr", "a file system that is not clean, or "
	    "has a WAPBL log to replay, mounts read-only only");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(unclean, tc)
{
	struct ukfs *fs;
	struct img im;
	uint64_t flags;

	mktree("src");
	mkimg("img", "-o version=2", "src");
	h_run("cp img img2");
	img_open(&im, "img");
	ATF_REQUIRE_EQ(img_rd(&im, im.im_sbloc + 209, 1), 1);
	img_wr(&im, im.im_sbloc + 209, 1, 0);
	img_close(&im);
	ATF_REQUIRE(ukfs_mount("ffs", "img", NULL, 0, NULL) == NULL);
	ATF_REQUIRE_EQ(errno, EROFS);
	compare_tree(fs = mnt("img"), "src", "/");
	umnt(fs);

	img_open(&im, "img2");
	flags = img_rd(&im, im.im_sbloc + 1312, 4);
	img_wr(&im, im.im_sbloc + 1312, 4, flags | 0x100);
	img_wr(&im, im.im_sbloc + 864, 1, 1);
	img_close(&im);
	ATF_REQUIRE(ukfs_mount("ffs", "img2", NULL, 0, NULL) == NULL);
	ATF_REQUIRE_EQ(errno, EROFS);
	compare_tree(fs = mnt("img2"), "src", "/");
	umnt(fs);
}

ATF_TC(superblock_location);
ATF_TC_HEAD(superblock_location, tc)
{
	atf_tc_set_md_var(tc, "descr", "a UFS2 superblock counts only where "
	    "fs_sblockloc puts it; a UFS1 superblock only at 8192 or 0");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(superblock_location, tc)
{
	static uint8_t sb[8192];
	struct ukfs *fs;
	struct img im;

	mkdirp("src", 0755);
	mkpattern("src/f", 10, 1);
	mkimg("img", "-o version=2", "src");
	img_open(&im, "img");
	ATF_REQUIRE_EQ(im.im_sbloc, 8192);
	ATF_REQUIRE_EQ(img_rd(&im, 8192 + 1000, 8), 8192);
	img_wr(&im, 8192 + 1000, 8, 65536);
	img_close(&im);
	ATF_REQUIRE(ukfs_mount("ffs", "img", NULL, UKFS_RDONLY, NULL) ==
	    NULL);
	ATF_REQUIRE_EQ(errno, E_FTYPE);
	ATF_REQUIRE(ukfs_mount(NULL, "img", NULL, UKFS_RDONLY, NULL) == NULL);

	/* A UFS1 superblock moved to 65536 is a backup, not a primary. */
	h_run("rm -f img");
	mkimg("img", "-o version=1,bsize=65536,fsize=8192", "src");
	img_open(&im, "img");
	ATF_REQUIRE(pread(im.im_fd, sb, sizeof(sb), 8192) == sizeof(sb));
	ATF_REQUIRE(pwrite(im.im_fd, sb, sizeof(sb), 65536) == sizeof(sb));
	memset(sb, 0, sizeof(sb));
	ATF_REQUIRE(pwrite(im.im_fd, sb, sizeof(sb), 8192) == sizeof(sb));
	img_close(&im);
	ATF_REQUIRE(ukfs_mount("ffs", "img", NULL, UKFS_RDONLY, NULL) ==
	    NULL);
	ATF_REQUIRE_EQ(errno, E_FTYPE);

	/*
	 * With 64 KiB blocks the backup superblock of group 0 is at 65536,
	 * where FreeBSD puts the primary: a backup (fs_sblockloc 8192) is
	 * refused there, a primary (fs_sblockloc 65536) found.
	 */
	h_run("rm -f img");
	mkimg("img", "-o version=2,bsize=65536,fsize=8192", "src");
	img_open(&im, "img");
	ATF_REQUIRE_EQ(img_rd(&im, 65536 + 1372, 4), 0x19540119);
	ATF_REQUIRE_EQ(img_rd(&im, 65536 + 1000, 8), 8192);
	memset(sb, 0, sizeof(sb));
	ATF_REQUIRE(pwrite(im.im_fd, sb, sizeof(sb), 8192) == sizeof(sb));
	ATF_REQUIRE(ukfs_mount(NULL, "img", NULL, UKFS_RDONLY, NULL) == NULL);
	img_wr(&im, 65536 + 1000, 8, 65536);
	img_close(&im);
	fs = ukfs_mount(NULL, "img", NULL, UKFS_RDONLY, NULL);
	ATF_REQUIRE_MSG(fs != NULL, "%s", strerror(errno));
	compare_tree(fs, "src", "/");
	umnt(fs);
}

ATF_TC(partition);
ATF_TC_HEAD(partition, tc)
{
	atf_tc_set_md_var(tc, "descr", "an FFS in an MBR partition is found "
	    "by probing the partitions");
	atf_tc_set_md_var(tc, "require.progs", "makefs sfdisk");
}
ATF_TC_BODY(partition, tc)
{
	struct ukfs_part parts[4];
	struct ukfs *fs;

	mktree("src");
	mkimg("fs.img", "-B be -o version=2", "src");
	h_run("truncate -s 64m disk && printf 'label: dos\\nstart=2048, "
	    "type=a9\\n' | sfdisk -q disk && dd if=fs.img of=disk bs=512 "
	    "seek=2048 conv=notrunc status=none");
	ATF_REQUIRE_EQ(ukfs_partitions("disk", parts, 4), 1);
	ATF_REQUIRE_STREQ(parts[0].up_fstype, "ffs");
	fs = ukfs_mount(NULL, "disk", NULL, UKFS_RDONLY, NULL);
	ATF_REQUIRE_MSG(fs != NULL, "%s", strerror(errno));
	compare_tree(fs, "src", "/");
	umnt(fs);
}

/* ------------------------------------------------------------ corruption */

/* Mount img, expecting failure with errno e. */
static void
mount_fails(const char *img, int e)
{
	errno = 0;
	ATF_REQUIRE_MSG(ukfs_mount("ffs", img, NULL, UKFS_RDONLY, NULL) ==
	    NULL, "%s mounted", img);
	ATF_REQUIRE_EQ_MSG(errno, e, "errno %d (%s)", errno, strerror(errno));
	errno = 0;
	ATF_REQUIRE(ukfs_mount(NULL, img, NULL, UKFS_RDONLY, NULL) == NULL);
	ATF_REQUIRE(errno != 0);
}

ATF_TC(truncated);
ATF_TC_HEAD(truncated, tc)
{
	atf_tc_set_md_var(tc, "descr", "a truncated image is refused at "
	    "mount");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(truncated, tc)
{
	struct stat st;

	mktree("src");
	mkimg("img", "-o version=2", "src");
	ATF_REQUIRE(stat("img", &st) == 0);
	ATF_REQUIRE(truncate("img", st.st_size / 2) == 0);
	mount_fails("img", E_FTYPE);
	ATF_REQUIRE(truncate("img", 12288) == 0);
	mount_fails("img", E_FTYPE);
	ATF_REQUIRE(truncate("img", 0) == 0);
	mount_fails("img", EINVAL);	/* an empty device, refused by blk */
}

/* Walk a possibly damaged image, tolerating errors; count the steps. */
static void
walk(struct ukfs *fs, const char *dir, int depth, int *budget)
{
	static char buf[256 * 1024];
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	char path[4096];
	struct stat st;

	if (depth > 10 || --*budget < 0 ||
	    (d = ukfs_opendir(fs, dir)) == NULL)
		return;
	while ((de = ukfs_readdir(d)) != NULL && *budget > 0) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		--*budget;
		fspath(path, sizeof(path), dir, de->d_name);
		if (ukfs_lstat(fs, path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(fs, path, depth + 1, budget);
		else if (S_ISREG(st.st_mode))
			(void)ukfs_read(fs, path, 0, buf, sizeof(buf));
		else if (S_ISLNK(st.st_mode))
			(void)ukfs_readlink(fs, path, buf, 2000);
	}
	(void)ukfs_closedir(d);
}

/* Mount a damaged image if the driver accepts it, and walk it. */
static void
try_walk(const char *img)
{
	struct statvfs sv;
	struct ukfs *fs;
	int budget = 400;

	if ((fs = ukfs_mount("ffs", img, NULL, UKFS_RDONLY, NULL)) == NULL) {
		ATF_REQUIRE_MSG(errno == E_FTYPE || errno == EIO,
		    "mount: %s", strerror(errno));
		return;
	}
	(void)ukfs_statvfs(fs, "/", &sv);
	walk(fs, "/", 0, &budget);
	umnt(fs);
}

ATF_TC(bad_superblock);
ATF_TC_HEAD(bad_superblock, tc)
{
	atf_tc_set_md_var(tc, "descr", "garbage superblocks are refused "
	    "with EFTYPE; random damage to single fields never crashes");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(bad_superblock, tc)
{
	static const struct { int off, width; uint64_t v; } bad[] = {
		{ 48, 4, 3000 }, { 48, 4, 131072 }, { 52, 4, 65536 },
		{ 52, 4, 256 }, { 56, 4, 4 }, { 80, 4, 12 }, { 100, 4, 2 },
		{ 44, 4, 0 }, { 44, 4, 1000 }, { 184, 4, 0 },
		{ 184, 4, 0x7fffffff }, { 188, 4, 3 }, { 16, 4, 0 },
		{ 20, 4, 1 }, { 120, 4, 7 }, { 116, 4, 100 }, { 104, 4, 100 },
		{ 1320, 4, 121 }, { 1320, 4, 0xffffffff }, { 1080, 8, 0 },
		{ 1080, 8, 1ULL << 40 }, { 156, 4, 0 }, { 1096, 8, 1 << 30 },
		{ 60, 4, 100 }, { 160, 4, 0 },
	};
	static uint8_t orig[1376], sb[1376];
	struct img im;
	size_t i;
	int k, off;

	mktree("src");
	mkimg("img", "-o version=2", "src");
	img_open(&im, "img");
	ATF_REQUIRE(pread(im.im_fd, orig, sizeof(orig), im.im_sbloc) ==
	    sizeof(orig));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		img_wr(&im, im.im_sbloc + bad[i].off, bad[i].width, bad[i].v);
		errno = 0;
		ATF_REQUIRE_MSG(ukfs_mount("ffs", "img", NULL, UKFS_RDONLY,
		    NULL) == NULL, "field at %d = %#llx accepted", bad[i].off,
		    (unsigned long long)bad[i].v);
		ATF_REQUIRE_EQ(errno, E_FTYPE);
		ATF_REQUIRE(pwrite(im.im_fd, orig, sizeof(orig),
		    im.im_sbloc) == sizeof(orig));
	}
	/* Random values in random fields (the magic kept). */
	srandom(1);
	for (k = 0; k < 300; k++) {
		memcpy(sb, orig, sizeof(sb));
		off = (int)(random() % (1372 / 4)) * 4;
		enc(sb + off, 4, (uint64_t)random() >> (random() % 32),
		    im.im_be);
		ATF_REQUIRE(pwrite(im.im_fd, sb, sizeof(sb), im.im_sbloc) ==
		    sizeof(sb));
		try_walk("img");
	}
	/* Pure garbage. */
	for (i = 0; i < sizeof(sb); i++)
		sb[i] = (uint8_t)random();
	ATF_REQUIRE(pwrite(im.im_fd, sb, sizeof(sb), im.im_sbloc) ==
	    sizeof(sb));
	img_close(&im);
	mount_fails("img", E_FTYPE);
}

/* A fresh copy of image src, open for patching, and the copy's name. */
static const char *
copy_img(struct img *im, const char *src, int n)
{
	static char name[32];

	snprintf(name, sizeof(name), "copy%d", n);
	h_run("cp %s %s", src, name);
	img_open(im, name);
	return name;
}

static void
check_bad_dirent(const char *opts)
{
	static const struct { int off, width; uint64_t v; } bad[] = {
		{ 0, 4, 0x7ffffff0 },	/* inode out of range */
		{ 4, 2, 3 },		/* record length not a multiple of 4 */
		{ 4, 2, 0 },		/* zero record length */
		{ 4, 2, 600 },		/* record past the chunk */
		{ 7, 1, 200 },		/* name longer than the record */
		{ 8, 1, '/' },		/* '/' in a name */
	};
	char buf[4];
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	struct ukfs *fs;
	struct stat st;
	struct img im;
	const char *img;
	size_t i;

	mkdirp("src", 0755);
	mkdirp("src/dir", 0755);
	mkpattern("src/dir/victim", 10, 1);
	mkpattern("src/dir/after", 10, 2);
	mkimg("img", opts, "src");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		img = copy_img(&im, "img", (int)i);
		img_wr(&im, dirent_off(&im, ino_of(img, "/dir"), "victim") +
		    bad[i].off, bad[i].width, bad[i].v);
		img_close(&im);
		fs = mnt(img);
		REQUIRE_ERRNO(ukfs_lstat(fs, "/dir/victim", &st), EIO);
		ATF_REQUIRE((d = ukfs_opendir(fs, "/dir")) != NULL);
		errno = 0;
		while ((de = ukfs_readdir(d)) != NULL)
			continue;
		ATF_REQUIRE_EQ_MSG(errno, EIO, "case %zu: readdir: %s", i,
		    strerror(errno));
		ATF_REQUIRE_EQ(ukfs_closedir(d), 0);
		ATF_REQUIRE_EQ(ukfs_read(fs, "/f_missing", 0, buf, 1), -1);
		umnt(fs);
	}
	/* An entry naming a free inode. */
	img = copy_img(&im, "img", 99);
	img_wr(&im, dirent_off(&im, ino_of(img, "/dir"), "victim"), 4,
	    im.im_ipg - 1);
	img_close(&im);
	fs = mnt(img);
	REQUIRE_ERRNO(ukfs_lstat(fs, "/dir/victim", &st), EIO);
	ATF_REQUIRE_EQ(ukfs_lstat(fs, "/dir/after", &st), 0);
	umnt(fs);
}

ATF_TC(bad_dirent);
ATF_TC_HEAD(bad_dirent, tc)
{
	atf_tc_set_md_var(tc, "descr", "a damaged directory entry makes "
	    "lookup and readdir fail with EIO (UFS1 and big-endian UFS2)");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(bad_dirent, tc)
{
	check_bad_dirent("-o version=1");
	h_run("rm -rf src img copy*");
	check_bad_dirent("-B be -o version=2");
}

/* Read /name at off: must fail with EIO, or succeed; never hang. */
static void
read_at(struct ukfs *fs, const char *name, off_t off, bool mustfail)
{
	static char buf[8192];
	ssize_t n;

	errno = 0;
	n = ukfs_read(fs, name, off, buf, sizeof(buf));
	if (mustfail)
		ATF_REQUIRE_MSG(n == -1 && errno == EIO, "read %s at %lld: "
		    "%zd (%s)", name, (long long)off, n, strerror(errno));
	else
		ATF_REQUIRE_MSG(n > 0 || errno == EIO, "read %s at %lld: %s",
		    name, (long long)off, strerror(errno));
}

ATF_TC(bad_indirect);
ATF_TC_HEAD(bad_indirect, tc)
{
	atf_tc_set_md_var(tc, "descr", "block pointers outside the file "
	    "system fail with EIO; indirect blocks that point at themselves "
	    "are read without looping");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(bad_indirect, tc)
{
	struct ukfs *fs;
	struct img im;
	const char *img;
	uint64_t ino;
	int64_t x, y;
	off_t io, bs;

	mkdirp("src", 0755);
	mkpattern("src/big", (12 + 512 + 20) * 4096, 1);
	mkimg("img", "-o version=2,bsize=4096,fsize=512", "src");
	ino = ino_of("img", "/big");
	bs = 4096;

	img = copy_img(&im, "img", 1);
	io = ino_off(&im, ino);
	x = ptr_rd(&im, io + DI_IB(&im, 0));
	y = ptr_rd(&im, io + DI_IB(&im, 1));
	img_wr(&im, frag_off(&im, x), 8, (uint64_t)x);	/* leaf -> itself */
	img_wr(&im, frag_off(&im, x) + 8, 8, 0x7ffffff0);	/* outside */
	img_wr(&im, frag_off(&im, y), 8, (uint64_t)y);	/* level 2 -> itself */
	img_wr(&im, io + DI_DB(&im, 1), 8, (uint64_t)im.im_size + 64);
	img_wr(&im, io + DI_DB(&im, 2), 8, 3);	/* fragment 3: boot area */
	img_close(&im);
	fs = mnt(img);
	read_at(fs, "/big", 0, false);
	read_at(fs, "/big", bs, true);
	read_at(fs, "/big", 12 * bs, false);
	read_at(fs, "/big", 13 * bs, true);
	read_at(fs, "/big", (12 + 512) * bs, false);
	read_at(fs, "/big", (12 + 512 + 3) * bs, false);
	umnt(fs);

	img = copy_img(&im, "img", 2);
	io = ino_off(&im, ino);
	img_wr(&im, io + DI_IB(&im, 0), 8, (uint64_t)-4096);
	img_wr(&im, io + DI_IB(&im, 1), 8, (uint64_t)im.im_size);
	img_close(&im);
	fs = mnt(img);
	read_at(fs, "/big", 0, false);
	read_at(fs, "/big", 12 * bs, true);
	read_at(fs, "/big", (12 + 512) * bs, true);
	umnt(fs);
}

ATF_TC(bad_inode);
ATF_TC_HEAD(bad_inode, tc)
{
	atf_tc_set_md_var(tc, "descr", "an inode of unknown type, a free "
	    "inode, or an impossible size fail with EIO");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(bad_inode, tc)
{
	static const struct { int field; uint64_t v; } bad[] = {
		{ 0, 0170644 },		/* no such type */
		{ 0, 0000644 },		/* no type at all */
		{ 0, 0 },		/* free */
		{ 1, 1ULL << 62 },	/* size */
	};
	struct ukfs *fs;
	struct stat st;
	struct img im;
	const char *img;
	uint64_t ino, dino;
	size_t i;

	mkdirp("src", 0755);
	mkdirp("src/dir", 0755);
	mkpattern("src/victim", 10, 1);
	mkimg("img", "-o version=2", "src");
	ino = ino_of("img", "/victim");
	dino = ino_of("img", "/dir");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		img = copy_img(&im, "img", (int)i);
		if (bad[i].field == 0)
			img_wr(&im, ino_off(&im, ino), 2, bad[i].v);
		else
			img_wr(&im, ino_off(&im, ino) + DI_SIZE(&im), 8,
			    bad[i].v);
		/* A directory with a size that is not whole chunks. */
		img_wr(&im, ino_off(&im, dino) + DI_SIZE(&im), 8, 700);
		img_close(&im);
		fs = mnt(img);
		REQUIRE_ERRNO(ukfs_lstat(fs, "/victim", &st), EIO);
		REQUIRE_ERRNO(ukfs_lstat(fs, "/dir/x", &st), EIO);
		ATF_REQUIRE_EQ(ukfs_lstat(fs, "/dir", &st), 0);
		umnt(fs);
	}
}

ATF_TC(fuzz_metadata);
ATF_TC_HEAD(fuzz_metadata, tc)
{
	atf_tc_set_md_var(tc, "descr", "random damage to inode tables and "
	    "directory blocks never crashes or hangs the driver");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(fuzz_metadata, tc)
{
	static const char *const opts[] = { "-o version=2",
	    "-B be -o version=1,bsize=4096,fsize=512" };
	struct img im;
	const char *img;
	off_t itab, dirblk, span, off;
	int i, j, k;

	mktree("src");
	srandom(7);
	for (i = 0; i < 2; i++) {
		mkimg("img", opts[i], "src");
		img_open(&im, "img");
		itab = frag_off(&im, im.im_iblkno);
		span = (off_t)im.im_isize * 64;
		dirblk = frag_off(&im, ptr_rd(&im, ino_off(&im, 2) +
		    DI_DB(&im, 0)));
		img_close(&im);
		for (k = 0; k < 60; k++) {
			img = copy_img(&im, "img", k);
			for (j = 0; j < 12; j++) {
				off = (j & 1 ? dirblk + random() % 1024 :
				    itab + random() % span);
				img_wr(&im, off, 1, (uint64_t)random());
			}
			img_close(&im);
			try_walk(img);
			h_run("rm -f %s", img);
		}
		h_run("rm -f img");
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ufs1_default);
	ATF_TP_ADD_TC(tp, ufs2_default);
	ATF_TP_ADD_TC(tp, ufs1_be);
	ATF_TP_ADD_TC(tp, ufs2_be);
	ATF_TP_ADD_TC(tp, ufs1_4k);
	ATF_TP_ADD_TC(tp, ufs2_4k);
	ATF_TP_ADD_TC(tp, ufs2_be_4k);
	ATF_TP_ADD_TC(tp, ufs1_16k);
	ATF_TP_ADD_TC(tp, ufs2_16k);
	ATF_TP_ADD_TC(tp, ufs1_64k);
	ATF_TP_ADD_TC(tp, ufs2_be_64k);
	ATF_TP_ADD_TC(tp, nodes);
	ATF_TP_ADD_TC(tp, devices);
	ATF_TP_ADD_TC(tp, sparse);
	ATF_TP_ADD_TC(tp, huge_file);
	ATF_TP_ADD_TC(tp, large_read);
	ATF_TP_ADD_TC(tp, big_dir);
	ATF_TP_ADD_TC(tp, deep_tree);
	ATF_TP_ADD_TC(tp, long_names);
	ATF_TP_ADD_TC(tp, readdir_cookies);
	ATF_TP_ADD_TC(tp, old_dirfmt);
	ATF_TP_ADD_TC(tp, statvfs);
	ATF_TP_ADD_TC(tp, mount_options);
	ATF_TP_ADD_TC(tp, unclean);
	ATF_TP_ADD_TC(tp, superblock_location);
	ATF_TP_ADD_TC(tp, partition);
	ATF_TP_ADD_TC(tp, truncated);
	ATF_TP_ADD_TC(tp, bad_superblock);
	ATF_TP_ADD_TC(tp, bad_dirent);
	ATF_TP_ADD_TC(tp, bad_indirect);
	ATF_TP_ADD_TC(tp, bad_inode);
	ATF_TP_ADD_TC(tp, fuzz_metadata);
	return atf_no_error();
}
