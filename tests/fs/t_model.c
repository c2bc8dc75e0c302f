/*
 * t_model.c: model-based tests of file system write support through
 * libukfs, over the table of file systems (tests/common/fstab).
 *
 * A seeded random sequence of operations (create, append, overwrite,
 * sparse writes far out, truncate both ways, mkdir, rename of files and
 * directories across directories, link, symlink, remove, rmdir, chmod,
 * chown, utimes) is applied both to a directory of the host, the model,
 * and to an image made by the file system's own third-party tool (the
 * row's "make" column: makefs for FFS).  Every operation must succeed or
 * fail alike on both.  The image is mounted once per batch of
 * operations; after each batch it is released, the row's independent
 * checker (ffs_check.py, e2fsck -fn, fsck.fat -n) must find it
 * consistent, and at the next mount the whole tree must read back as the
 * host's: names, types, modes, owners, link counts, sizes, symbolic link
 * targets, contents, and the modification times that were set
 * explicitly.  What a row cannot hold (its features: links, symlinks,
 * owners, modes, nanosecond times, holes) is neither done nor compared.
 * A missing checker skips the case with the reason; it never passes.
 *
 * A new file system adds its rows to tests/common/fstab and a MODEL_TC
 * line (and DIND_TC where it has indirect blocks) below.
 *
 * The seed is printed with every failure, and each run writes its
 * operations to ops.log in the work directory.  Knobs for debugging, in
 * the environment: MODEL_SEED and MODEL_OPS override the seed and the
 * number of operations of the model cases; MODEL_PARANOID compares the
 * whole tree after every operation (through the caches);
 * MODEL_FAULTROUNDS sets the rounds of the fault case.
 *
 * Other cases reuse the machinery: a file growing through double indirect
 * blocks, a directory of 20,000 entries filled and emptied (timed, to
 * catch quadratic behaviour), writing until the image is full, and
 * random operations under injected I/O errors (RUMP_BLKFAIL), which must
 * fail cleanly and leave an image a later mount can read without
 * crashing.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../ukfs/ukfs.h"
#include "../common/h_util.h"

#ifndef SEEK_DATA
#define SEEK_DATA	3	/* Linux, FreeBSD, Solaris; glibc hides it */
#endif

#define MIB		(1024 * 1024)
#define NDADDR		12
#define BATCH		100
#define MAXENTS		600	/* the tree is kept about this small */
#define BUFSZ		(1024 * 1024)
#define MAXPATH		900	/* paths stay below the kernel's 1024 */

/* One node of the host tree, as last scanned. */
struct ent {
	char		*e_path;	/* "/a/b", relative to the root */
	mode_t		e_type;		/* S_IFREG, S_IFDIR, S_IFLNK */
	ino_t		e_ino;		/* host inode */
	off_t		e_size;
	blkcnt_t	e_blocks;
	nlink_t		e_nlink;
};

struct model {
	uint64_t	m_seed;
	uint64_t	m_rng;
	unsigned	m_opno;
	FILE		*m_log;
	struct ukfs	*m_fs;		/* mounted image, or NULL */
	bool		m_faults;	/* image errors are expected */
	bool		m_root;		/* may chown on the host */
	const char	*m_row;		/* row of tests/common/fstab */
	char		m_fstype[32];	/* its fstype */
	char		m_checker[32];	/* its checker */
	unsigned	m_feat;		/* its features, F_* */
	int		m_ptrsize;	/* 4 or 8 (ind4, ind8), else 0 */
	int		m_bsize;
	uint64_t	m_budget;	/* bytes of data kept at most */
	struct ent	*m_ents;
	size_t		m_nents;
	size_t		m_cap;
	ino_t		*m_mtimes;	/* host inodes with an explicit mtime */
	size_t		m_nmtimes;
	unsigned	m_ierrs;	/* image errors seen (fault mode) */
	uint8_t		*m_buf;		/* BUFSZ bytes each */
	uint8_t		*m_buf2;
};

/* Row features (tests/common/fstab). */
#define F_OWNERS	0x01
#define F_MODES		0x02
#define F_LINKS		0x04
#define F_SYMLINKS	0x08
#define F_NSEC		0x10
#define F_SPARSE	0x20

#define HAS(m, f)	(((m)->m_feat & (f)) != 0)

static char fstab_sh[1200];	/* sh command prefix running fstab.sh */

#define MFAIL(m, ...) do {						\
	char msg_[1024];						\
	snprintf(msg_, sizeof(msg_), __VA_ARGS__);			\
	atf_tc_fail("seed %llu, op %u: %s", (unsigned long long)	\
	    (m)->m_seed, (m)->m_opno, msg_);				\
} while (0)

/* ------------------------------------------------------------- plumbing */

static uint64_t
rnd(struct model *m)
{
	uint64_t z = (m->m_rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint64_t
rndn(struct model *m, uint64_t n)
{
	return n == 0 ? 0 : rnd(m) % n;
}

static uint64_t
envnum(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? strtoull(v, NULL, 0) : def;
}

/*
 * Take FSU_SRC and FFS_CHECK from the env.sh beside the test programs
 * (unless the environment has them), and find tests/common/fstab.sh.
 */
static void
load_env(const atf_tc_t *tc)
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

/* One field of the row, by running fstab.sh. */
static void
row_field(const char *row, const char *field, char *buf, size_t len)
{
	char cmd[1400];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s field '%s' %s", fstab_sh, row, field);
	ATF_REQUIRE((p = popen(cmd, "r")) != NULL);
	if (fgets(buf, (int)len, p) == NULL)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (pclose(p) != 0 || buf[0] == '\0')
		atf_tc_fail("no row '%s' in tests/common/fstab", row);
}

static bool
has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = list; (p = strstr(p, w)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' ||
		    p[n] == '\0'))
			return true;
	return false;
}

static void
row_load(struct model *m, const char *row)
{
	char feat[512];

	m->m_row = row;
	row_field(row, "fstype", m->m_fstype, sizeof(m->m_fstype));
	row_field(row, "checker", m->m_checker, sizeof(m->m_checker));
	row_field(row, "features", feat, sizeof(feat));
	m->m_feat = (has_word(feat, "owners") ? F_OWNERS : 0) |
	    (has_word(feat, "modes") ? F_MODES : 0) |
	    (has_word(feat, "links") ? F_LINKS : 0) |
	    (has_word(feat, "symlinks") ? F_SYMLINKS : 0) |
	    (has_word(feat, "nsec") ? F_NSEC : 0) |
	    (has_word(feat, "sparse") ? F_SPARSE : 0);
	m->m_ptrsize = has_word(feat, "ind4") ? 4 :
	    has_word(feat, "ind8") ? 8 : 0;
}

/*
 * Run the row's checker on img: 0 consistent, 1 not, 77 the checker is
 * missing.  The first lines of its report go to *out (may be NULL).
 */
static int
run_checker(struct model *m, const char *img, char *out, size_t outlen)
{
	char cmd[2048];
	FILE *f;
	size_t n = 0;
	int rv;

	snprintf(cmd, sizeof(cmd), "%s check '%s' '%s' >check.msg 2>&1",
	    fstab_sh, m->m_row, img);
	rv = system(cmd);
	rv = WIFEXITED(rv) ? WEXITSTATUS(rv) : 1;
	if (out != NULL && outlen > 0) {
		out[0] = '\0';
		if ((f = fopen("check.msg", "r")) != NULL) {
			n = fread(out, 1, outlen - 1, f);
			out[n] = '\0';
			fclose(f);
		}
	}
	return rv == 0 ? 0 : rv == 77 ? 77 : 1;
}

static void
require_checker(struct model *m, const char *img)
{
	char out[600];

	switch (run_checker(m, img, out, sizeof(out))) {
	case 0:
		return;
	case 77:
		out[strcspn(out, "\n")] = '\0';
		atf_tc_skip("%s", out);
		break;
	default:
		MFAIL(m, "%s: %s", m->m_checker, out);
	}
}

/*
 * An image of the row, of size MiB, holding nothing: made by the row's
 * third-party tool (FFS rows leave 64 KiB of slack after the file
 * system: ffs_check.py reads a slow symbolic link's data as a whole
 * block even when it is a fragment run, which passes the end of the
 * image when the run is in the last fragments of the file system).
 */
static void
mkimg(struct model *m, const char *img, int mib)
{
	h_run("rm -rf empty.d && mkdir empty.d && %s mkimg '%s' '%s' %d "
	    "empty.d >mkimg.out 2>&1", fstab_sh, m->m_row, img, mib);
}

static void
model_mount(struct model *m, const char *img)
{
	m->m_fs = ukfs_mount(m->m_fstype, img, NULL, 0, NULL);
	if (m->m_fs == NULL)
		MFAIL(m, "mount %s: %s", img, strerror(errno));
}

static void
model_release(struct model *m)
{
	int rv = ukfs_release(m->m_fs, 0);

	m->m_fs = NULL;
	if (rv != 0)
		MFAIL(m, "release: %s", strerror(errno));
}

static void
hpath(char *buf, size_t len, const char *path)
{
	int n = snprintf(buf, len, "host%s", path);

	ATF_REQUIRE_MSG(n >= 0 && (size_t)n < len, "path too long");
}

static void
logop(struct model *m, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
logop(struct model *m, const char *fmt, ...)
{
	va_list ap;

	if (m->m_log == NULL)
		return;
	fprintf(m->m_log, "%u: ", m->m_opno);
	va_start(ap, fmt);
	vfprintf(m->m_log, fmt, ap);
	va_end(ap);
	fputc('\n', m->m_log);
	fflush(m->m_log);
}

/*
 * The host call and the image call gave eh and ei (0 or errno): they
 * must agree, unless image errors are expected.
 */
static void
agree(struct model *m, const char *what, const char *path, int eh, int ei)
{
	if (ei != 0 && m->m_faults) {
		m->m_ierrs++;
		return;
	}
	if (eh != ei)
		MFAIL(m, "%s %s: host says %s, image says %s", what, path,
		    eh == 0 ? "ok" : strerror(eh), ei == 0 ? "ok" :
		    strerror(ei));
}

#define HCALL(call)	((call) == -1 ? errno : 0)
#define ICALL(call)	((call) == -1 ? errno : 0)

/* -------------------------------------------------------- the host tree */

static void
ents_clear(struct model *m)
{
	size_t i;

	for (i = 0; i < m->m_nents; i++)
		free(m->m_ents[i].e_path);
	m->m_nents = 0;
}

static void
ents_add(struct model *m, const char *path, const struct stat *st)
{
	struct ent *e;

	if (m->m_nents == m->m_cap) {
		m->m_cap = m->m_cap == 0 ? 256 : 2 * m->m_cap;
		m->m_ents = realloc(m->m_ents, m->m_cap * sizeof(*m->m_ents));
		ATF_REQUIRE(m->m_ents != NULL);
	}
	e = &m->m_ents[m->m_nents++];
	ATF_REQUIRE((e->e_path = strdup(path)) != NULL);
	e->e_type = st->st_mode & S_IFMT;
	e->e_ino = st->st_ino;
	e->e_size = st->st_size;
	e->e_blocks = st->st_blocks;
	e->e_nlink = st->st_nlink;
}

static void
scan_dir(struct model *m, const char *path)
{
	char hp[4096], sub[4096];
	struct dirent *d;
	struct stat st;
	DIR *dir;

	hpath(hp, sizeof(hp), path);
	ATF_REQUIRE_MSG((dir = opendir(hp)) != NULL, "opendir %s", hp);
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", strcmp(path, "/") == 0 ?
		    "" : path, d->d_name);
		hpath(hp, sizeof(hp), sub);
		ATF_REQUIRE(lstat(hp, &st) == 0);
		ents_add(m, sub, &st);
		if (S_ISDIR(st.st_mode))
			scan_dir(m, sub);
	}
	closedir(dir);
}

static void
rescan(struct model *m)
{
	struct stat st;

	ents_clear(m);
	ATF_REQUIRE(lstat("host", &st) == 0);
	ents_add(m, "/", &st);
	scan_dir(m, "/");
}

/* A random entry of the given type (0: any but the root), or NULL. */
static struct ent *
pick(struct model *m, mode_t type)
{
	size_t i, n = 0, k;

	for (i = 0; i < m->m_nents; i++)
		if (((type == 0 && i > 0) || m->m_ents[i].e_type == type) &&
		    strlen(m->m_ents[i].e_path) <= MAXPATH)
			n++;
	if (n == 0)
		return NULL;
	k = rndn(m, n);
	for (i = 0; i < m->m_nents; i++)
		if (((type == 0 && i > 0) || m->m_ents[i].e_type == type) &&
		    strlen(m->m_ents[i].e_path) <= MAXPATH && k-- == 0)
			return &m->m_ents[i];
	return NULL;
}

/* Data blocks the host tree holds, in bytes. */
static uint64_t
tree_bytes(struct model *m)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < m->m_nents; i++)
		if (m->m_ents[i].e_type == S_IFREG)
			sum += (uint64_t)m->m_ents[i].e_blocks * 512;
	return sum;
}

static void
mtime_forget(struct model *m, ino_t ino)
{
	size_t i;

	for (i = 0; i < m->m_nmtimes; i++) {
		if (m->m_mtimes[i] == ino) {
			m->m_mtimes[i] = m->m_mtimes[--m->m_nmtimes];
			return;
		}
	}
}

static void
mtime_remember(struct model *m, ino_t ino)
{
	mtime_forget(m, ino);
	m->m_mtimes = realloc(m->m_mtimes, (m->m_nmtimes + 1) *
	    sizeof(*m->m_mtimes));
	ATF_REQUIRE(m->m_mtimes != NULL);
	m->m_mtimes[m->m_nmtimes++] = ino;
}

static bool
mtime_known(const struct model *m, ino_t ino)
{
	size_t i;

	for (i = 0; i < m->m_nmtimes; i++)
		if (m->m_mtimes[i] == ino)
			return true;
	return false;
}

/* The directory part of path, in buf. */
static void
parent_of(const char *path, char *buf, size_t len)
{
	const char *s = strrchr(path, '/');

	if (s == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(s - path), path);
}

/* The directory's entries change: its mtime is no longer known. */
static void
dir_touched(struct model *m, const char *dir)
{
	char hp[4096];
	struct stat st;

	hpath(hp, sizeof(hp), dir);
	if (lstat(hp, &st) == 0)
		mtime_forget(m, st.st_ino);
}

/*
 * An entry was made or removed at path: its directory's mtime changes,
 * and a host inode number may be in use again.
 */
static void
parent_touched(struct model *m, const char *path)
{
	char dir[4096];

	parent_of(path, dir, sizeof(dir));
	dir_touched(m, dir);
	dir_touched(m, path);
}

/*
 * A name for a new entry in directory dir: from a small pool, so that
 * names collide now and then, and sometimes long.
 */
static void
newname(struct model *m, const char *dir, char *buf, size_t len)
{
	char name[256];
	unsigned k = (unsigned)rndn(m, 40);
	size_t n, i;

	switch (rndn(m, 10)) {
	case 0:
		/* A long name, 100..255 bytes. */
		n = 100 + (size_t)rndn(m, 156);
		for (i = 0; i < n; i++)
			name[i] = (char)('a' + (k + i) % 26);
		name[n] = '\0';
		break;
	case 1:
		snprintf(name, sizeof(name), "%u", k);
		break;
	default:
		snprintf(name, sizeof(name), "n%u_%.*s", k, (int)(k % 13),
		    "abcdefghijklm");
		break;
	}
	snprintf(buf, len, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
}

/* Would a node at path, or anything under it, have too long a path? */
static bool
too_long(struct model *m, const char *path, const char *moved)
{
	size_t i, n = moved != NULL ? strlen(moved) : 0, deepest = 0, l;

	if (strlen(path) > MAXPATH)
		return true;
	if (moved == NULL)
		return false;
	for (i = 0; i < m->m_nents; i++) {
		l = strlen(m->m_ents[i].e_path);
		if (l > n && strncmp(m->m_ents[i].e_path, moved, n) == 0 &&
		    m->m_ents[i].e_path[n] == '/' && l - n > deepest)
			deepest = l - n;
	}
	return strlen(path) + deepest > MAXPATH;
}

/* ------------------------------------------------------------ operations */

/* A data length for a write. */
static size_t
wlen(struct model *m)
{
	switch (rndn(m, 10)) {
	case 0: case 1: case 2: case 3:
		return 1 + (size_t)rndn(m, 600);
	case 4: case 5: case 6:
		return 1 + (size_t)rndn(m, 3 * (uint64_t)m->m_bsize);
	case 7: case 8:
		return 1 + (size_t)rndn(m, 256 * 1024);
	default:
		return 1 + (size_t)rndn(m, MIB);
	}
}

/* Write len pattern bytes of stream s at off, to both. */
static void
do_write(struct model *m, const char *path, off_t off, size_t len,
    uint64_t s)
{
	char hp[4096];
	ssize_t w;
	int fd, eh = 0, ei = 0;

	logop(m, "write %s off %lld len %zu seed %llu", path, (long long)off,
	    len, (unsigned long long)s);
	h_fill(m->m_buf, len, s, 0);
	hpath(hp, sizeof(hp), path);
	if ((fd = open(hp, O_WRONLY)) == -1)
		eh = errno;
	else {
		if ((w = pwrite(fd, m->m_buf, len, off)) != (ssize_t)len)
			eh = w == -1 ? errno : EIO;
		close(fd);
	}
	w = ukfs_write(m->m_fs, path, off, m->m_buf, len);
	if (w != (ssize_t)len)
		ei = w == -1 ? errno : EIO;
	agree(m, "write", path, eh, ei);
}

/* Compare one regular file's contents, host and image. */
static void
compare_data(struct model *m, const char *path, off_t size)
{
	char hp[4096];
	off_t off, dend, hend;
	ssize_t r;
	size_t n;
	int fd;

	hpath(hp, sizeof(hp), path);
	ATF_REQUIRE_MSG((fd = open(hp, O_RDONLY)) != -1, "open %s: %s", hp,
	    strerror(errno));
	for (off = 0; off < size; off = hend) {
		/* Large sparse files: only the data extents, and samples. */
		if (size > 16 * MIB) {
			dend = lseek(fd, off, SEEK_DATA);
			if (dend == -1)
				dend = size;
			if (dend > off) {
				/* A hole: spot-check that it reads zero. */
				n = 512;
				r = ukfs_read(m->m_fs, path, off + (dend - off)
				    / 2, m->m_buf2, n);
				if (r != (ssize_t)n)
					MFAIL(m, "read %s in a hole: %zd", path,
					    r);
				memset(m->m_buf, 0, n);
				if (memcmp(m->m_buf, m->m_buf2, n) != 0)
					MFAIL(m, "%s: hole near %lld is not "
					    "zero", path, (long long)off);
				if (dend >= size)
					break;
				off = dend;
			}
		}
		n = (size_t)(size - off < BUFSZ ? size - off : BUFSZ);
		hend = off + (off_t)n;
		r = pread(fd, m->m_buf, n, off);
		ATF_REQUIRE(r == (ssize_t)n);
		r = ukfs_read(m->m_fs, path, off, m->m_buf2, n);
		if (r != (ssize_t)n)
			MFAIL(m, "read %s at %lld: %zd (%s)", path,
			    (long long)off, r, r == -1 ? strerror(errno) : "");
		if (memcmp(m->m_buf, m->m_buf2, n) != 0) {
			size_t i;

			for (i = 0; m->m_buf[i] == m->m_buf2[i]; i++)
				continue;
			close(fd);
			MFAIL(m, "%s differs at byte %lld (host %#x, image "
			    "%#x)", path, (long long)(off + (off_t)i),
			    m->m_buf[i], m->m_buf2[i]);
		}
	}
	close(fd);
}

static void
op_create(struct model *m)
{
	struct ent *d = pick(m, S_IFDIR);
	char path[4096], hp[4096];
	mode_t mode = 0600 | (mode_t)rndn(m, 0200);
	int fd, eh = 0;

	newname(m, d->e_path, path, sizeof(path));
	if (too_long(m, path, NULL))
		return;
	logop(m, "create %s %o", path, (unsigned)mode);
	hpath(hp, sizeof(hp), path);
	if ((fd = open(hp, O_WRONLY | O_CREAT | O_EXCL, mode)) == -1)
		eh = errno;
	else
		close(fd);
	agree(m, "create", path, eh, ICALL(ukfs_create(m->m_fs, path,
	    mode)));
	if (eh == 0) {
		parent_touched(m, path);
		if (rndn(m, 2) == 0)
			do_write(m, path, 0, wlen(m), rnd(m));
	}
}

/* Write to a file: append, overwrite inside, or far out (holes). */
static void
op_write(struct model *m, int how)
{
	struct ent *f = pick(m, S_IFREG);
	uint64_t far[3], nind = m->m_ptrsize == 0 ? 0 :
	    (uint64_t)m->m_bsize / (uint64_t)m->m_ptrsize;
	off_t off;
	size_t len;

	if (f == NULL)
		return;
	len = wlen(m);
	if (tree_bytes(m) + len > m->m_budget)
		len = 1 + (size_t)rndn(m, 512);
	switch (how) {
	case 0:
		off = f->e_size;
		break;
	case 1:
		off = (off_t)rndn(m, (uint64_t)f->e_size + 1);
		break;
	default:
		if (nind == 0) {
			/*
			 * No indirect blocks: far out, beyond the end
			 * (megabytes where holes cost nothing, else a few
			 * blocks).
			 */
			off = f->e_size + (off_t)(HAS(m, F_SPARSE) ?
			    rndn(m, 64 * (uint64_t)MIB) :
			    rndn(m, 8 * (uint64_t)m->m_bsize));
			len = 1 + (size_t)rndn(m, 3 * (uint64_t)m->m_bsize);
			break;
		}
		/* Around where single, double, triple indirect blocks start. */
		far[0] = NDADDR;
		far[1] = NDADDR + nind;
		far[2] = NDADDR + nind + nind * nind;
		off = (off_t)(far[rndn(m, (uint64_t)m->m_bsize * far[2] <
		    (8ULL << 30) ? 3 : 2)] * (uint64_t)m->m_bsize);
		off += (off_t)rndn(m, 2 * (uint64_t)m->m_bsize) -
		    m->m_bsize;
		len = 1 + (size_t)rndn(m, 3 * (uint64_t)m->m_bsize);
		break;
	}
	do_write(m, f->e_path, off, len, rnd(m));
	mtime_forget(m, f->e_ino);
}

static void
op_truncate(struct model *m)
{
	struct ent *f = pick(m, S_IFREG);
	char hp[4096];
	off_t len;

	if (f == NULL)
		return;
	switch (rndn(m, 4)) {
	case 0:
		len = 0;
		break;
	case 1:
		len = (off_t)rndn(m, (uint64_t)f->e_size + 1);
		break;
	case 2:
		len = f->e_size + (off_t)rndn(m, 3 * (uint64_t)m->m_bsize);
		break;
	default:
		len = (off_t)rndn(m, 20 * (uint64_t)m->m_bsize);
		break;
	}
	logop(m, "truncate %s %lld", f->e_path, (long long)len);
	hpath(hp, sizeof(hp), f->e_path);
	agree(m, "truncate", f->e_path, HCALL(truncate(hp, len)),
	    ICALL(ukfs_truncate(m->m_fs, f->e_path, len)));
	mtime_forget(m, f->e_ino);
}

static void
op_mkdir(struct model *m)
{
	struct ent *d = pick(m, S_IFDIR);
	char path[4096], hp[4096];
	mode_t mode = 0700 | (mode_t)rndn(m, 0100);
	int eh;

	newname(m, d->e_path, path, sizeof(path));
	if (too_long(m, path, NULL))
		return;
	logop(m, "mkdir %s %o", path, (unsigned)mode);
	hpath(hp, sizeof(hp), path);
	eh = HCALL(mkdir(hp, mode));
	agree(m, "mkdir", path, eh, ICALL(ukfs_mkdir(m->m_fs, path, mode)));
	if (eh == 0)
		parent_touched(m, path);
}

/* Is a equal to b or an ancestor of it? */
static bool
is_under(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (strcmp(a, "/") == 0)
		return true;
	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

static void
op_rename(struct model *m, bool dirs)
{
	struct ent *s, *d, *t;
	char to[4096], hf[4096], ht[4096];
	struct stat st;
	int eh;

	s = dirs ? pick(m, S_IFDIR) : pick(m, rndn(m, 4) == 0 ? S_IFLNK :
	    S_IFREG);
	if (s == NULL || strcmp(s->e_path, "/") == 0)
		return;
	if (rndn(m, 3) == 0 && (t = pick(m, s->e_type)) != NULL &&
	    strcmp(t->e_path, "/") != 0) {
		/* Onto an existing node of the same type. */
		snprintf(to, sizeof(to), "%s", t->e_path);
	} else {
		d = pick(m, S_IFDIR);
		newname(m, d->e_path, to, sizeof(to));
	}
	if ((dirs && is_under(s->e_path, to)) || is_under(to, s->e_path))
		return;		/* into itself or onto an ancestor: errors
				   that Linux and BSD spell differently */
	if (too_long(m, to, dirs ? s->e_path : NULL))
		return;
	logop(m, "rename %s %s", s->e_path, to);
	hpath(hf, sizeof(hf), s->e_path);
	hpath(ht, sizeof(ht), to);
	if (lstat(ht, &st) == 0)
		mtime_forget(m, st.st_ino);	/* it may be replaced */
	eh = HCALL(rename(hf, ht));
	agree(m, "rename", s->e_path, eh, ICALL(ukfs_rename(m->m_fs,
	    s->e_path, to)));
	if (eh == 0) {
		parent_touched(m, s->e_path);
		parent_touched(m, to);
		if (dirs)
			dir_touched(m, to);	/* its ".." changed */
	}
}

static void
op_link(struct model *m)
{
	struct ent *f = pick(m, S_IFREG), *d = pick(m, S_IFDIR);
	char to[4096], hf[4096], ht[4096];
	int eh;

	if (f == NULL)
		return;
	newname(m, d->e_path, to, sizeof(to));
	if (too_long(m, to, NULL))
		return;
	logop(m, "link %s %s", f->e_path, to);
	hpath(hf, sizeof(hf), f->e_path);
	hpath(ht, sizeof(ht), to);
	eh = HCALL(link(hf, ht));
	agree(m, "link", to, eh, ICALL(ukfs_link(m->m_fs, f->e_path, to)));
	if (eh == 0)
		parent_touched(m, to);
}

static void
op_symlink(struct model *m)
{
	static const size_t lens[] = { 1, 2, 10, 59, 60, 61, 119, 120, 121,
	    200, 511, 512, 513, 1000, 1023 };
	struct ent *d = pick(m, S_IFDIR);
	char path[4096], hp[4096], target[1100];
	size_t len = lens[rndn(m, sizeof(lens) / sizeof(lens[0]))], i;
	uint64_t s = rnd(m);
	int eh;

	for (i = 0; i < len; i++)
		target[i] = (char)('A' + (s + i * 7) % 58);
	for (i = 0; i < len; i++)
		if (target[i] == '\\' || target[i] == '`')
			target[i] = '/';
	target[len] = '\0';
	newname(m, d->e_path, path, sizeof(path));
	if (too_long(m, path, NULL))
		return;
	logop(m, "symlink %s -> %s", path, target);
	hpath(hp, sizeof(hp), path);
	eh = HCALL(symlink(target, hp));
	agree(m, "symlink", path, eh, ICALL(ukfs_symlink(m->m_fs, target,
	    path)));
	if (eh == 0)
		parent_touched(m, path);
}

static void
op_remove(struct model *m)
{
	struct ent *f = pick(m, rndn(m, 4) == 0 ? S_IFLNK : S_IFREG);
	char hp[4096];
	int eh;

	if (f == NULL)
		return;
	logop(m, "remove %s", f->e_path);
	hpath(hp, sizeof(hp), f->e_path);
	eh = HCALL(unlink(hp));
	agree(m, "remove", f->e_path, eh, ICALL(ukfs_remove(m->m_fs,
	    f->e_path)));
	if (eh == 0)
		parent_touched(m, f->e_path);
	if (eh == 0)
		mtime_forget(m, f->e_ino);
}

static void
op_rmdir(struct model *m)
{
	struct ent *d = pick(m, S_IFDIR);
	char hp[4096];
	int eh;

	if (d == NULL || strcmp(d->e_path, "/") == 0)
		return;
	logop(m, "rmdir %s", d->e_path);
	hpath(hp, sizeof(hp), d->e_path);
	eh = HCALL(rmdir(hp));
	if (eh == EEXIST)
		eh = ENOTEMPTY;		/* both are allowed; BSD says this */
	agree(m, "rmdir", d->e_path, eh, ICALL(ukfs_rmdir(m->m_fs,
	    d->e_path)));
	if (eh == 0)
		parent_touched(m, d->e_path);
	if (eh == 0)
		mtime_forget(m, d->e_ino);
}

static void
op_chmod(struct model *m)
{
	struct ent *e = pick(m, rndn(m, 3) == 0 ? S_IFDIR : S_IFREG);
	char hp[4096];
	mode_t mode;

	if (e == NULL)
		return;
	mode = (mode_t)rndn(m, 01000) | (rndn(m, 4) == 0 ? 01000 : 0);
	if (e->e_type == S_IFDIR)
		mode |= 0700;		/* the host walks the tree */
	logop(m, "chmod %s %o", e->e_path, (unsigned)mode);
	hpath(hp, sizeof(hp), e->e_path);
	agree(m, "chmod", e->e_path, HCALL(chmod(hp, mode)),
	    ICALL(ukfs_chmod(m->m_fs, e->e_path, mode)));
}

static void
op_chown(struct model *m)
{
	struct ent *e = pick(m, 0);
	uid_t uid = (uid_t)rndn(m, 70000);
	gid_t gid = (gid_t)rndn(m, 70000);
	char hp[4096];

	if (e == NULL || !m->m_root)
		return;
	logop(m, "lchown %s %u %u", e->e_path, (unsigned)uid, (unsigned)gid);
	hpath(hp, sizeof(hp), e->e_path);
	agree(m, "chown", e->e_path, HCALL(lchown(hp, uid, gid)),
	    ICALL(ukfs_lchown(m->m_fs, e->e_path, uid, gid)));
}

static void
op_utimes(struct model *m)
{
	struct ent *e = pick(m, rndn(m, 8) == 0 ? 0 : S_IFREG);
	struct timeval tv[2];
	char hp[4096];
	int eh;

	if (e == NULL)
		return;
	tv[0].tv_sec = (time_t)(1000000000 + rndn(m, 800000000));
	tv[0].tv_usec = (suseconds_t)rndn(m, 1000000);
	tv[1].tv_sec = (time_t)(1000000000 + rndn(m, 800000000));
	tv[1].tv_usec = (suseconds_t)rndn(m, 1000000);
	if (!HAS(m, F_NSEC)) {
		/* Whole even seconds: what FAT's 2-second times hold. */
		tv[0].tv_sec &= ~(time_t)1;
		tv[1].tv_sec &= ~(time_t)1;
		tv[0].tv_usec = tv[1].tv_usec = 0;
	}
	logop(m, "lutimes %s %lld.%06ld", e->e_path, (long long)tv[1].tv_sec,
	    (long)tv[1].tv_usec);
	hpath(hp, sizeof(hp), e->e_path);
	eh = HCALL(lutimes(hp, tv));
	agree(m, "utimes", e->e_path, eh, ICALL(ukfs_lutimes(m->m_fs,
	    e->e_path, tv)));
	if (eh == 0)
		mtime_remember(m, e->e_ino);
}

/* Read a file back through the same mount (the caches). */
static void
op_readback(struct model *m)
{
	struct ent *f = pick(m, S_IFREG);

	if (f == NULL || m->m_faults)
		return;
	logop(m, "readback %s", f->e_path);
	compare_data(m, f->e_path, f->e_size);
}

static void compare_ent(struct model *, const struct ent *);

/* One random operation. */
static void
model_step(struct model *m)
{
	bool big = m->m_nents > MAXENTS;
	unsigned r = (unsigned)rndn(m, 100);

	m->m_opno++;
	if (r < (big ? 2u : 12u))
		op_create(m);
	else if (r < 22)
		op_write(m, 0);
	else if (r < 32)
		op_write(m, 1);
	else if (r < 34)
		op_write(m, 2);
	else if (r < 42)
		op_truncate(m);
	else if (r < (big ? 43u : 48u))
		op_mkdir(m);
	else if (r < 55)
		op_rename(m, false);
	else if (r < 59)
		op_rename(m, true);
	else if (r < 64) {
		if (HAS(m, F_LINKS))
			op_link(m);
	} else if (r < (big ? 65u : 70u)) {
		if (HAS(m, F_SYMLINKS))
			op_symlink(m);
	}
	else if (r < 80)
		op_remove(m);
	else if (r < 86)
		op_rmdir(m);
	else if (r < 90) {
		if (HAS(m, F_MODES))
			op_chmod(m);
	} else if (r < 93) {
		if (HAS(m, F_OWNERS))
			op_chown(m);
	}
	else if (r < 97)
		op_utimes(m);
	else
		op_readback(m);
	rescan(m);
	if (getenv("MODEL_PARANOID") != NULL && !m->m_faults) {
		size_t i;

		for (i = 0; i < m->m_nents; i++)
			compare_ent(m, &m->m_ents[i]);
	}
}

/* ------------------------------------------------------------ comparison */

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in image directory path, sorted, without "." and "..". */
static size_t
image_names(struct model *m, const char *path, char ***namesp)
{
	struct ukfs_dirent *de;
	struct ukfs_dir *dir;
	char **v = NULL;
	size_t n = 0;

	if ((dir = ukfs_opendir(m->m_fs, path)) == NULL)
		MFAIL(m, "opendir %s in the image: %s", path, strerror(errno));
	while ((de = ukfs_readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		ATF_REQUIRE(v != NULL);
		ATF_REQUIRE((v[n++] = strdup(de->d_name)) != NULL);
	}
	ukfs_closedir(dir);
	if (n > 0)
		qsort(v, n, sizeof(*v), strpcmp);
	*namesp = v;
	return n;
}

static void
compare_dir(struct model *m, const char *path)
{
	char **in, hp[4096], **hn = NULL;
	struct dirent *d;
	size_t ni, nh = 0, i;
	DIR *dir;

	ni = image_names(m, path, &in);
	hpath(hp, sizeof(hp), path);
	ATF_REQUIRE((dir = opendir(hp)) != NULL);
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		hn = realloc(hn, (nh + 1) * sizeof(*hn));
		ATF_REQUIRE(hn != NULL);
		ATF_REQUIRE((hn[nh++] = strdup(d->d_name)) != NULL);
	}
	closedir(dir);
	if (nh > 0)
		qsort(hn, nh, sizeof(*hn), strpcmp);
	for (i = 0; i < ni && i < nh; i++)
		if (strcmp(in[i], hn[i]) != 0)
			break;
	if (i < ni || i < nh)
		MFAIL(m, "directory %s: image has %zu names, host %zu; first "
		    "difference: image \"%.40s\", host \"%.40s\"", path, ni, nh,
		    i < ni ? in[i] : "", i < nh ? hn[i] : "");
	for (i = 0; i < ni; i++)
		free(in[i]);
	for (i = 0; i < nh; i++)
		free(hn[i]);
	free(in);
	free(hn);
}

/* Subdirectories of host directory entry e (for its expected nlink). */
static nlink_t
subdirs(struct model *m, const struct ent *e)
{
	size_t i, n = strlen(e->e_path);
	nlink_t k = 0;
	const char *p;

	for (i = 0; i < m->m_nents; i++) {
		p = m->m_ents[i].e_path;
		if (m->m_ents[i].e_type != S_IFDIR || i == 0)
			continue;
		if (strcmp(e->e_path, "/") == 0) {
			if (strchr(p + 1, '/') == NULL)
				k++;
		} else if (strncmp(p, e->e_path, n) == 0 && p[n] == '/' &&
		    strchr(p + n + 1, '/') == NULL) {
			k++;
		}
	}
	return k;
}

static void
compare_ent(struct model *m, const struct ent *e)
{
	char hp[4096], ht[1100], it[1100];
	struct stat hs, is;
	ssize_t hl, il;
	nlink_t nlink;

	hpath(hp, sizeof(hp), e->e_path);
	ATF_REQUIRE(lstat(hp, &hs) == 0);
	if (ukfs_lstat(m->m_fs, e->e_path, &is) != 0)
		MFAIL(m, "lstat %s in the image: %s", e->e_path,
		    strerror(errno));
	if ((hs.st_mode & S_IFMT) != (is.st_mode & S_IFMT) ||
	    (S_ISLNK(hs.st_mode) || !HAS(m, F_MODES) ? 0 :
	    (hs.st_mode & 07777) != (is.st_mode & 07777)))
		MFAIL(m, "%s: mode %o in the image, %o on the host", e->e_path,
		    (unsigned)is.st_mode, (unsigned)hs.st_mode);
	if (m->m_root && HAS(m, F_OWNERS) && (hs.st_uid != is.st_uid || hs.st_gid != is.st_gid))
		MFAIL(m, "%s: owner %u:%u in the image, %u:%u on the host",
		    e->e_path, (unsigned)is.st_uid, (unsigned)is.st_gid,
		    (unsigned)hs.st_uid, (unsigned)hs.st_gid);
	nlink = S_ISDIR(hs.st_mode) ? 2 + subdirs(m, e) : hs.st_nlink;
	if (HAS(m, F_LINKS) && is.st_nlink != nlink)
		MFAIL(m, "%s: %u links in the image, %u expected", e->e_path,
		    (unsigned)is.st_nlink, (unsigned)nlink);
	if (!S_ISDIR(hs.st_mode) && hs.st_size != is.st_size)
		MFAIL(m, "%s: size %lld in the image, %lld on the host",
		    e->e_path, (long long)is.st_size, (long long)hs.st_size);
	if (mtime_known(m, hs.st_ino) &&
	    (hs.st_mtim.tv_sec != is.st_mtim.tv_sec ||
	    hs.st_mtim.tv_nsec != is.st_mtim.tv_nsec))
		MFAIL(m, "%s (inode %llu): mtime %lld.%09ld in the image, "
		    "%lld.%09ld on the host", e->e_path,
		    (unsigned long long)is.st_ino, (long long)is.st_mtim.tv_sec,
		    is.st_mtim.tv_nsec, (long long)hs.st_mtim.tv_sec,
		    hs.st_mtim.tv_nsec);
	if (S_ISLNK(hs.st_mode)) {
		hl = readlink(hp, ht, sizeof(ht));
		il = ukfs_readlink(m->m_fs, e->e_path, it, sizeof(it));
		if (hl != il || il < 0 || memcmp(ht, it, (size_t)hl) != 0)
			MFAIL(m, "%s: symbolic link target differs (%zd, %zd "
			    "bytes)", e->e_path, il, hl);
	} else if (S_ISREG(hs.st_mode)) {
		compare_data(m, e->e_path, hs.st_size);
	} else if (S_ISDIR(hs.st_mode)) {
		compare_dir(m, e->e_path);
	}
}

/*
 * Names that share a host inode share an image inode, and names that do
 * not, do not.
 */
static void
compare_identity(struct model *m)
{
	ino_t *ino;
	struct stat st;
	size_t i, j;

	ATF_REQUIRE((ino = calloc(m->m_nents, sizeof(*ino))) != NULL);
	for (i = 0; i < m->m_nents; i++) {
		if (ukfs_lstat(m->m_fs, m->m_ents[i].e_path, &st) != 0)
			MFAIL(m, "lstat %s: %s", m->m_ents[i].e_path,
			    strerror(errno));
		ino[i] = st.st_ino;
	}
	for (i = 0; i < m->m_nents; i++)
		for (j = i + 1; j < m->m_nents; j++)
			if ((ino[i] == ino[j]) !=
			    (m->m_ents[i].e_ino == m->m_ents[j].e_ino))
				MFAIL(m, "%s and %s: image inodes %llu and "
				    "%llu, host inodes %llu and %llu",
				    m->m_ents[i].e_path, m->m_ents[j].e_path,
				    (unsigned long long)ino[i],
				    (unsigned long long)ino[j],
				    (unsigned long long)m->m_ents[i].e_ino,
				    (unsigned long long)m->m_ents[j].e_ino);
	free(ino);
}

static void
compare_all(struct model *m)
{
	size_t i;

	rescan(m);
	compare_identity(m);
	for (i = 0; i < m->m_nents; i++)
		compare_ent(m, &m->m_ents[i]);
}

/* --------------------------------------------------------------- runs */

static void
model_init(struct model *m, const atf_tc_t *tc, const char *row,
    uint64_t seed)
{
	memset(m, 0, sizeof(*m));
	load_env(tc);
	row_load(m, row);
	m->m_seed = envnum("MODEL_SEED", seed);
	m->m_rng = m->m_seed;
	m->m_root = geteuid() == 0;
	m->m_budget = 8 * MIB;
	ATF_REQUIRE((m->m_buf = malloc(BUFSZ)) != NULL);
	ATF_REQUIRE((m->m_buf2 = malloc(BUFSZ)) != NULL);
	ATF_REQUIRE((m->m_log = fopen("ops.log", "w")) != NULL);
	fprintf(m->m_log, "seed %llu\n", (unsigned long long)m->m_seed);
	umask(0);
	h_run("rm -rf host && mkdir host");
}

static void
model_fini(struct model *m)
{
	ents_clear(m);
	free(m->m_ents);
	free(m->m_mtimes);
	free(m->m_buf);
	free(m->m_buf2);
	if (m->m_log != NULL)
		fclose(m->m_log);
}

/* The host root takes the image root's attributes. */
static void
model_syncroot(struct model *m)
{
	struct stat st;

	ATF_REQUIRE(ukfs_lstat(m->m_fs, "/", &st) == 0);
	ATF_REQUIRE(chmod("host", st.st_mode & 07777) == 0);
	if (m->m_root && HAS(m, F_OWNERS))
		ATF_REQUIRE(chown("host", st.st_uid, st.st_gid) == 0);
}

static void
model_geometry(struct model *m)
{
	struct statvfs sv;

	ATF_REQUIRE(ukfs_statvfs(m->m_fs, "/", &sv) == 0);
	m->m_bsize = (int)sv.f_bsize;
}

/*
 * nops random operations on an image made with the given makefs options,
 * in batches, each checked and compared.
 */
static void
model_run(const atf_tc_t *tc, const char *row, uint64_t seed, unsigned nops)
{
	struct model m;
	unsigned i;

	model_init(&m, tc, row, seed);
	mkimg(&m, "img", 32);
	nops = (unsigned)envnum("MODEL_OPS", nops);
	model_mount(&m, "img");
	model_syncroot(&m);
	model_geometry(&m);
	rescan(&m);
	for (i = 0; i < nops; i++) {
		model_step(&m);
		if ((i + 1) % BATCH != 0 && i + 1 != nops)
			continue;
		model_release(&m);
		require_checker(&m, "img");
		model_mount(&m, "img");
		compare_all(&m);
	}
	model_release(&m);
	model_fini(&m);
}

/* name: the test case; row: of tests/common/fstab. */
#define MODEL_TC(name, row, seed, nops)					\
ATF_TC(name);								\
ATF_TC_HEAD(name, tc)							\
{									\
	atf_tc_set_md_var(tc, "descr", "random operations on " row	\
	    " match a host directory");					\
	atf_tc_set_md_var(tc, "timeout", "600");			\
}									\
ATF_TC_BODY(name, tc)							\
{									\
	model_run(tc, row, seed, nops);					\
}

MODEL_TC(model_ufs1_4k, "ufs1-4k", 1, 3000)
MODEL_TC(model_ufs2_4k, "ufs2-4k", 2, 3000)
MODEL_TC(model_ufs2_be_16k, "ufs2-be-16k", 3, 3000)
MODEL_TC(model_ufs1_be_32k, "ufs1-be-32k", 4, 2500)
MODEL_TC(model_ufs2_32k, "ufs2-32k", 5, 2500)
MODEL_TC(model_ufs2_64k, "ufs2-64k", 6, 2000)
MODEL_TC(model_ufs1_64k, "ufs1-64k", 7, 2000)
MODEL_TC(model_ext2, "ext2", 21, 2000)
MODEL_TC(model_ext2_4k, "ext2-4k", 22, 2000)
MODEL_TC(model_ext3, "ext3", 23, 2000)
MODEL_TC(model_ext4, "ext4", 24, 2000)
MODEL_TC(model_ext4_4k, "ext4-4k", 25, 2000)
MODEL_TC(model_ext4_csum64, "ext4-csum64", 26, 2000)
MODEL_TC(model_ext4_uninit, "ext4-uninit", 27, 2000)
MODEL_TC(model_fat12, "fat12", 41, 2000)
MODEL_TC(model_fat16, "fat16", 42, 2000)
MODEL_TC(model_fat32, "fat32", 43, 2000)

/* ------------------------------------------------ double indirect growth */

/*
 * The space the image uses: from the checker's report where it says
 * ("OK: ufsN, X inodes used, Y frags used": Y), else -1.
 */
static long long
checker_frags(struct model *m)
{
	char line[256], *p;
	FILE *f;
	long long v = -1;

	if (strcmp(m->m_checker, "ffs_check") != 0 ||
	    (f = fopen("fstab_check.out", "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) != NULL &&
	    (p = strstr(line, "used, ")) != NULL)
		v = strtoll(p + 6, NULL, 10);
	fclose(f);
	return v;
}

/*
 * A file grows by appends through the direct, single indirect and into
 * the double indirect blocks (all data where that fits the image, else
 * a hole up to a megabyte before the boundary), is cut back into the
 * single indirect range, grows again, and is removed: every step checked
 * and compared, and at the end the image uses what it used at the start.
 */
static void
dind_run(const atf_tc_t *tc, const char *row)
{
	struct model m;
	uint64_t nind, dstart, from, end, off;
	long long frags0;
	char hp[64];
	size_t len;
	int fd, step;

	model_init(&m, tc, row, 11);
	ATF_REQUIRE_MSG(m.m_ptrsize != 0, "row %s has no indirect blocks "
	    "(ind4 or ind8)", row);
	mkimg(&m, "img", 64);
	require_checker(&m, "img");
	frags0 = checker_frags(&m);
	model_mount(&m, "img");
	model_syncroot(&m);
	model_geometry(&m);
	nind = (uint64_t)m.m_bsize / (uint64_t)m.m_ptrsize;
	dstart = (NDADDR + nind) * (uint64_t)m.m_bsize;
	end = dstart + 3 * (uint64_t)m.m_bsize + 1234;
	from = dstart <= 24 * MIB ? 0 : dstart - MIB;
	hpath(hp, sizeof(hp), "/big");
	ATF_REQUIRE((fd = open(hp, O_CREAT | O_WRONLY, 0644)) != -1);
	close(fd);
	ATF_REQUIRE(ukfs_create(m.m_fs, "/big", 0644) == 0);
	if (from > 0)
		do_write(&m, "/big", 0, 100000, rnd(&m));
	for (off = from, step = 0; off < end; off += len, step++) {
		len = (size_t)(1 + rndn(&m, 3 * (uint64_t)m.m_bsize));
		if (off + len > end)
			len = (size_t)(end - off);
		do_write(&m, "/big", (off_t)off, len, rnd(&m));
		if (step % 400 == 399) {
			model_release(&m);
			require_checker(&m, "img");
			model_mount(&m, "img");
			compare_all(&m);
		}
	}
	model_release(&m);
	require_checker(&m, "img");
	model_mount(&m, "img");
	compare_all(&m);
	/* Into the single indirect range and back out. */
	ATF_REQUIRE(truncate(hp, (off_t)(dstart - 5 * (uint64_t)m.m_bsize -
	    77)) == 0);
	ATF_REQUIRE(ukfs_truncate(m.m_fs, "/big", (off_t)(dstart - 5 *
	    (uint64_t)m.m_bsize - 77)) == 0);
	model_release(&m);
	require_checker(&m, "img");
	model_mount(&m, "img");
	compare_all(&m);
	do_write(&m, "/big", (off_t)(dstart + 7 * (uint64_t)m.m_bsize),
	    5000, rnd(&m));
	model_release(&m);
	require_checker(&m, "img");
	model_mount(&m, "img");
	compare_all(&m);
	ATF_REQUIRE(unlink(hp) == 0);
	ATF_REQUIRE(ukfs_remove(m.m_fs, "/big") == 0);
	model_release(&m);
	require_checker(&m, "img");
	if (frags0 >= 0)
		ATF_REQUIRE_EQ_MSG(checker_frags(&m), frags0, "frags used: "
		    "%lld after removing the file, %lld before creating it",
		    checker_frags(&m), frags0);
	model_fini(&m);
}

#define DIND_TC(name, row)						\
ATF_TC(name);								\
ATF_TC_HEAD(name, tc)							\
{									\
	atf_tc_set_md_var(tc, "descr", "a file grows through double "	\
	    "indirect blocks, shrinks and goes (" row ")");		\
	atf_tc_set_md_var(tc, "timeout", "600");			\
}									\
ATF_TC_BODY(name, tc)							\
{									\
	dind_run(tc, row);						\
}

DIND_TC(dind_ufs1_4k, "ufs1-4k")
DIND_TC(dind_ufs2_be_4k, "ufs2-be-4k")
DIND_TC(dind_ufs2_16k, "ufs2-16k")
DIND_TC(dind_ufs1_be_32k, "ufs1-be-32k")
DIND_TC(dind_ufs2_64k, "ufs2-64k")
DIND_TC(dind_ext2, "ext2")
DIND_TC(dind_ext3_4k, "ext3-4k")

/* ------------------------------------------------------- a big directory */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define BIGDIR_N	20000

/*
 * Time each quarter of a loop over the BIGDIR_N names of a directory;
 * the last quarter may not be much slower than the first (quadratic
 * behaviour would make it about seven times slower).
 */
static void
bigdir_phase(struct model *m, const char *what, int op)
{
	double q[4], t0 = now(), t;
	char path[64], hp[80];
	int i, fd;

	for (i = 0; i < BIGDIR_N; i++) {
		snprintf(path, sizeof(path), "/d/entry-%d%s", i,
		    i % 3 == 0 ? "-with-a-longer-name" : "");
		hpath(hp, sizeof(hp), path);
		if (op == 0) {
			ATF_REQUIRE((fd = open(hp, O_CREAT | O_WRONLY,
			    0644)) != -1);
			close(fd);
			if (ukfs_create(m->m_fs, path, 0644) != 0)
				MFAIL(m, "create %s: %s", path,
				    strerror(errno));
		} else {
			ATF_REQUIRE(unlink(hp) == 0);
			if (ukfs_remove(m->m_fs, path) != 0)
				MFAIL(m, "remove %s: %s", path,
				    strerror(errno));
		}
		if (i % (BIGDIR_N / 4) == BIGDIR_N / 4 - 1) {
			t = now();
			q[i / (BIGDIR_N / 4)] = t - t0;
			t0 = t;
		}
	}
	printf("%s %d entries: quarters %.3f %.3f %.3f %.3f s\n", what,
	    BIGDIR_N, q[0], q[1], q[2], q[3]);
	if (q[0] + q[1] + q[2] + q[3] > 60)
		MFAIL(m, "%s %d entries took %.1f s", what, BIGDIR_N,
		    q[0] + q[1] + q[2] + q[3]);
	if (q[3] > 4 * q[0] + 0.5)
		MFAIL(m, "%s: the last quarter took %.3f s, the first %.3f s",
		    what, q[3], q[0]);
}

static void
bigdir_run(const atf_tc_t *tc, const char *row, int mib)
{
	struct model m;
	char **names;
	size_t n, i;

	model_init(&m, tc, row, 12);
	mkimg(&m, "img", mib);
	model_mount(&m, "img");
	model_syncroot(&m);
	ATF_REQUIRE(mkdir("host/d", 0755) == 0);
	ATF_REQUIRE(ukfs_mkdir(m.m_fs, "/d", 0755) == 0);
	bigdir_phase(&m, "create", 0);
	model_release(&m);
	require_checker(&m, "img");
	model_mount(&m, "img");
	n = image_names(&m, "/d", &names);
	ATF_REQUIRE_EQ_MSG(n, (size_t)BIGDIR_N, "%zu entries listed", n);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	compare_all(&m);
	bigdir_phase(&m, "remove", 1);
	model_release(&m);
	require_checker(&m, "img");
	model_mount(&m, "img");
	n = image_names(&m, "/d", &names);
	ATF_REQUIRE_EQ_MSG(n, (size_t)0, "%zu entries left", n);
	free(names);
	compare_all(&m);
	model_release(&m);
	model_fini(&m);
}

/* mib: an image size with inodes for BIGDIR_N files. */
#define BIGDIR_TC(name, row, mib)					\
ATF_TC(name);								\
ATF_TC_HEAD(name, tc)							\
{									\
	atf_tc_set_md_var(tc, "descr", "a directory of 20,000 entries is "\
	    "filled and emptied in time linear in its size (" row ")");	\
	atf_tc_set_md_var(tc, "timeout", "600");			\
}									\
ATF_TC_BODY(name, tc)							\
{									\
	bigdir_run(tc, row, mib);					\
}

BIGDIR_TC(bigdir, "ufs2-16k", 96)
BIGDIR_TC(bigdir_fat32, "fat32", 64)

/* ---------------------------------------------------------- a full image */

/*
 * Append len bytes to path until the image is full.  The host gets what
 * the image took (the image's new size tells), so the model stays in
 * step.  Returns the image's error: 0 or ENOSPC (anything else fails).
 */
static int
append_full(struct model *m, const char *path, size_t len)
{
	struct stat st, st2;
	char hp[4096];
	ssize_t w;
	int fd, e = 0;

	ATF_REQUIRE(ukfs_stat(m->m_fs, path, &st) == 0);
	h_fill(m->m_buf, len, (uint64_t)st.st_size + 7, 0);
	w = ukfs_write(m->m_fs, path, st.st_size, m->m_buf, len);
	if (w != (ssize_t)len)
		e = w == -1 ? errno : ENOSPC;
	if (e != 0 && e != ENOSPC)
		MFAIL(m, "append to %s: %s", path, strerror(e));
	ATF_REQUIRE(ukfs_stat(m->m_fs, path, &st2) == 0);
	if (st2.st_size < st.st_size)
		MFAIL(m, "%s shrank from %lld to %lld bytes", path,
		    (long long)st.st_size, (long long)st2.st_size);
	if (st2.st_size == st.st_size)
		return e;
	hpath(hp, sizeof(hp), path);
	ATF_REQUIRE((fd = open(hp, O_WRONLY)) != -1);
	ATF_REQUIRE(pwrite(fd, m->m_buf, (size_t)(st2.st_size - st.st_size),
	    st.st_size) == st2.st_size - st.st_size);
	ATF_REQUIRE(fstat(fd, &st) == 0);
	close(fd);
	mtime_forget(m, st.st_ino);
	return e;
}

static void
full_run(const atf_tc_t *tc, const char *row, unsigned seed)
{
	struct model m;
	char path[64], hp[80];
	unsigned i, nfull;
	int fd;

	model_init(&m, tc, row, seed);
	mkimg(&m, "img", 8);
	m.m_budget = 3 * MIB;
	model_mount(&m, "img");
	model_syncroot(&m);
	model_geometry(&m);
	rescan(&m);
	/* Things that were there before. */
	for (i = 0; i < 150; i++)
		model_step(&m);
	model_release(&m);
	require_checker(&m, "img");
	model_mount(&m, "img");
	compare_all(&m);
	/* One big file, then small files, until nothing fits. */
	ATF_REQUIRE((fd = open("host/full", O_CREAT | O_WRONLY,
	    0644)) != -1);
	close(fd);
	ATF_REQUIRE(ukfs_create(m.m_fs, "/full", 0644) == 0);
	while (append_full(&m, "/full", BUFSZ) == 0)
		continue;
	for (i = 0, nfull = 0; nfull < 20 && i < 5000; i++) {
		snprintf(path, sizeof(path), "/small%u", i);
		hpath(hp, sizeof(hp), path);
		if (ukfs_create(m.m_fs, path, 0644) != 0) {
			ATF_REQUIRE_EQ_MSG(errno, ENOSPC, "create %s: "
			    "%s", path, strerror(errno));
			nfull++;
			continue;
		}
		ATF_REQUIRE((fd = open(hp, O_CREAT | O_WRONLY,
		    0644)) != -1);
		close(fd);
		if (append_full(&m, path, 1 + (size_t)rndn(&m,
		    2 * (uint64_t)m.m_bsize)) != 0)
			nfull++;
	}
	ATF_REQUIRE_MSG(nfull > 0, "the image never filled up");
	model_release(&m);
	require_checker(&m, "img");
	model_mount(&m, "img");
	compare_all(&m);
	/* Growing anything now fails cleanly. */
	rescan(&m);
	for (i = 0; i < 60; i++) {
		struct ent *f = pick(&m, S_IFREG);

		(void)append_full(&m, f->e_path, 1 + (size_t)rndn(&m,
		    3 * (uint64_t)m.m_bsize));
	}
	model_release(&m);
	require_checker(&m, "img");
	model_mount(&m, "img");
	compare_all(&m);
	/* Room again. */
	ATF_REQUIRE(unlink("host/full") == 0);
	ATF_REQUIRE(ukfs_remove(m.m_fs, "/full") == 0);
	rescan(&m);
	for (i = 0; i < 100; i++)
		model_step(&m);
	model_release(&m);
	require_checker(&m, "img");
	model_mount(&m, "img");
	compare_all(&m);
	model_release(&m);
	model_fini(&m);
}

#define FULL_TC(name, row, seed)					\
ATF_TC(name);								\
ATF_TC_HEAD(name, tc)							\
{									\
	atf_tc_set_md_var(tc, "descr", "writing until the image is full "\
	    "fails with ENOSPC and loses nothing that was there (" row ")");\
	atf_tc_set_md_var(tc, "timeout", "600");			\
}									\
ATF_TC_BODY(name, tc)							\
{									\
	full_run(tc, row, seed);					\
}

FULL_TC(full_ufs2_4k, "ufs2-4k", 13)
FULL_TC(full_ufs1_be_32k, "ufs1-be-32k", 14)
FULL_TC(full_ufs2_64k, "ufs2-64k", 15)
FULL_TC(full_ext2, "ext2", 31)
FULL_TC(full_ext4_4k, "ext4-4k", 32)
FULL_TC(full_ext4_csum64, "ext4-csum64", 33)
FULL_TC(full_fat12, "fat12", 44)
FULL_TC(full_fat16, "fat16", 45)

/* ------------------------------------------------------ injected faults */

/* Read everything in the image; errors are fine, crashes are not. */
static void
walk_all(struct ukfs *fs, const char *dir, uint8_t *buf, int depth)
{
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	struct stat st;
	char path[4096], target[1100];
	off_t off;
	ssize_t r;

	if (depth > 64 || (d = ukfs_opendir(fs, dir)) == NULL)
		return;
	while ((de = ukfs_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s",
		    strcmp(dir, "/") == 0 ? "" : dir, de->d_name) >=
		    sizeof(path))
			continue;
		if (ukfs_lstat(fs, path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk_all(fs, path, buf, depth + 1);
		else if (S_ISLNK(st.st_mode))
			(void)ukfs_readlink(fs, path, target, sizeof(target));
		else if (S_ISREG(st.st_mode))
			for (off = 0; off < st.st_size && off < 64 * MIB;
			    off += r)
				if ((r = ukfs_read(fs, path, off, buf,
				    BUFSZ)) <= 0)
					break;
	}
	ukfs_closedir(d);
}

/*
 * Run fn in a child with stderr to errfile and a time limit; its exit
 * status, or -signal if it was killed.
 */
static int
in_child(void (*fn)(void *), void *arg, const char *errfile)
{
	pid_t pid;
	int st, fd;

	fflush(stdout);
	fflush(stderr);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		fd = open(errfile, O_CREAT | O_TRUNC | O_WRONLY, 0644);
		if (fd != -1)
			dup2(fd, 2);
		alarm(120);
		fn(arg);
		_exit(0);
	}
	ATF_REQUIRE(waitpid(pid, &st, 0) == pid);
	if (WIFSIGNALED(st))
		return -WTERMSIG(st);
	return WEXITSTATUS(st);
}

struct faultrun {
	struct model	*fr_m;
	unsigned	fr_rate;
	uint64_t	fr_seed;
	unsigned	fr_nops;
};

/*
 * In the child: random operations with faults injected.  Exits 0 if
 * nothing failed, 1 if an operation or the release reported an error,
 * 2 if the mount failed.
 */
static void
fault_ops(void *arg)
{
	struct faultrun *fr = arg;
	struct model *m = fr->fr_m;
	char v[32];
	unsigned i;

	snprintf(v, sizeof(v), "%u", fr->fr_rate);
	setenv("RUMP_BLKFAIL", v, 1);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)fr->fr_seed);
	setenv("RUMP_BLKFAIL_SEED", v, 1);
	m->m_faults = true;
	m->m_ierrs = 0;
	if ((m->m_fs = ukfs_mount(m->m_fstype, "fimg", NULL, 0, NULL)) ==
	    NULL)
		_exit(2);
	m->m_rng = fr->fr_seed;
	for (i = 0; i < fr->fr_nops; i++)
		model_step(m);
	if (ukfs_release(m->m_fs, 0) != 0)
		m->m_ierrs++;
	_exit(m->m_ierrs > 0 ? 1 : 0);
}

/*
 * In the child: mount without faults and read everything.  Exits 3 if
 * the image was clean (it mounted read-write), 0 if it was not (it
 * mounted read-only), 2 if it did not mount.
 */
static void
fault_readall(void *arg)
{
	struct model *m = arg;
	struct ukfs *fs;
	int rv = 3;

	unsetenv("RUMP_BLKFAIL");
	if ((fs = ukfs_mount(m->m_fstype, "fimg", NULL, 0, NULL)) == NULL) {
		rv = 0;
		fs = ukfs_mount(m->m_fstype, "fimg", NULL, UKFS_RDONLY, NULL);
	}
	if (fs == NULL)
		_exit(2);
	walk_all(fs, "/", m->m_buf, 0);
	(void)ukfs_release(fs, 0);
	_exit(rv);
}

/* Does file name contain s? */
static bool
file_has(const char *name, const char *s)
{
	char line[1024];
	bool found = false;
	FILE *f;

	if ((f = fopen(name, "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, s) != NULL;
	fclose(f);
	return found;
}

static void
faults_run(const atf_tc_t *tc, const char *row)
{
	static const unsigned rates[] = { 5, 30, 100, 400 };
	struct faultrun fr;
	struct model m;
	unsigned i, nrounds, nfailed = 0, nclean = 0, nok = 0;
	int rv, rv2;

	model_init(&m, tc, row, 14);
	mkimg(&m, "img", 16);
	m.m_budget = 4 * MIB;
	model_mount(&m, "img");
	model_syncroot(&m);
	model_geometry(&m);
	rescan(&m);
	for (i = 0; i < 300; i++)
		model_step(&m);
	model_release(&m);
	require_checker(&m, "img");
	nrounds = (unsigned)envnum("MODEL_FAULTROUNDS", 60);
	for (i = 0; i < nrounds; i++) {
		h_run("cp img fimg && rm -rf fhost && cp -a host fhost");
		fr.fr_m = &m;
		fr.fr_rate = rates[i % (sizeof(rates) / sizeof(rates[0]))];
		fr.fr_seed = m.m_seed * 1000 + i;
		fr.fr_nops = 60;
		rv = in_child(fault_ops, &fr, "fault.err");
		if (rv < 0)
			atf_tc_fail("round %u (RUMP_BLKFAIL=%u RUMP_BLKFAIL_SEED="
			    "%llu): killed by signal %d", i, fr.fr_rate,
			    (unsigned long long)fr.fr_seed, -rv);
		if (rv == 0 && file_has("fault.err", "injected I/O error"))
			atf_tc_fail("round %u (RUMP_BLKFAIL=%u RUMP_BLKFAIL_SEED="
			    "%llu): an I/O error was injected but every "
			    "operation and the release succeeded", i,
			    fr.fr_rate, (unsigned long long)fr.fr_seed);
		nfailed += rv != 0;
		rv = in_child(fault_readall, &m, "read.err");
		if (rv < 0 || rv == 2)
			atf_tc_fail("round %u (RUMP_BLKFAIL=%u RUMP_BLKFAIL_SEED="
			    "%llu): reading the image afterwards: %s %d", i,
			    fr.fr_rate, (unsigned long long)fr.fr_seed,
			    rv < 0 ? "killed by signal" : "mount failed",
			    rv < 0 ? -rv : 0);
		rv2 = run_checker(&m, "fimg", NULL, 0);
		if (rv2 == 77)
			atf_tc_skip("the checker %s is missing", m.m_checker);
		if (rv2 == 0)
			nok++;
		else if (rv == 3)
			atf_tc_fail("round %u (RUMP_BLKFAIL=%u RUMP_BLKFAIL_SEED="
			    "%llu): the image is marked clean but its checker "
			    "finds it inconsistent", i, fr.fr_rate,
			    (unsigned long long)fr.fr_seed);
		nclean += rv == 3;
		/* Restore the host tree the failed operations changed. */
		h_run("rm -rf host && mv fhost host");
	}
	printf("%u rounds: %u saw errors; afterwards %u consistent by "
	    "%s, %u marked clean\n", nrounds, nfailed, nok, m.m_checker,
	    nclean);
	model_fini(&m);
}

#define FAULTS_TC(name, row)						\
ATF_TC(name);								\
ATF_TC_HEAD(name, tc)							\
{									\
	atf_tc_set_md_var(tc, "descr", "operations under injected I/O "	\
	    "errors fail cleanly, and the image still mounts and reads ("\
	    row ")");							\
	atf_tc_set_md_var(tc, "timeout", "900");			\
}									\
ATF_TC_BODY(name, tc)							\
{									\
	faults_run(tc, row);						\
}

FAULTS_TC(faults, "ufs2-4k")
FAULTS_TC(faults_ext4, "ext4")
FAULTS_TC(faults_fat16, "fat16")

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, model_ufs1_4k);
	ATF_TP_ADD_TC(tp, model_ufs2_4k);
	ATF_TP_ADD_TC(tp, model_ufs2_be_16k);
	ATF_TP_ADD_TC(tp, model_ufs1_be_32k);
	ATF_TP_ADD_TC(tp, model_ufs2_32k);
	ATF_TP_ADD_TC(tp, model_ufs2_64k);
	ATF_TP_ADD_TC(tp, model_ufs1_64k);
	ATF_TP_ADD_TC(tp, model_ext2);
	ATF_TP_ADD_TC(tp, model_ext2_4k);
	ATF_TP_ADD_TC(tp, model_ext3);
	ATF_TP_ADD_TC(tp, model_ext4);
	ATF_TP_ADD_TC(tp, model_ext4_4k);
	ATF_TP_ADD_TC(tp, model_ext4_csum64);
	ATF_TP_ADD_TC(tp, model_ext4_uninit);
	ATF_TP_ADD_TC(tp, model_fat12);
	ATF_TP_ADD_TC(tp, model_fat16);
	ATF_TP_ADD_TC(tp, model_fat32);
	ATF_TP_ADD_TC(tp, dind_ufs1_4k);
	ATF_TP_ADD_TC(tp, dind_ufs2_be_4k);
	ATF_TP_ADD_TC(tp, dind_ufs2_16k);
	ATF_TP_ADD_TC(tp, dind_ufs1_be_32k);
	ATF_TP_ADD_TC(tp, dind_ufs2_64k);
	ATF_TP_ADD_TC(tp, dind_ext2);
	ATF_TP_ADD_TC(tp, dind_ext3_4k);
	ATF_TP_ADD_TC(tp, bigdir);
	ATF_TP_ADD_TC(tp, bigdir_fat32);
	ATF_TP_ADD_TC(tp, full_ufs2_4k);
	ATF_TP_ADD_TC(tp, full_ufs1_be_32k);
	ATF_TP_ADD_TC(tp, full_ufs2_64k);
	ATF_TP_ADD_TC(tp, full_ext2);
	ATF_TP_ADD_TC(tp, full_ext4_4k);
	ATF_TP_ADD_TC(tp, full_ext4_csum64);
	ATF_TP_ADD_TC(tp, faults);
	ATF_TP_ADD_TC(tp, faults_ext4);
	ATF_TP_ADD_TC(tp, full_fat12);
	ATF_TP_ADD_TC(tp, full_fat16);
	ATF_TP_ADD_TC(tp, faults_fat16);
	return atf_no_error();
}
