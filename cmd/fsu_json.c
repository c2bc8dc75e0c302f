/*
 * fsu_json.c: machine-readable descriptions of files (fsu_ls --json,
 * fsu_stat --json): one JSON object per file, on one line.
 *
 *	{"name": "passwd", "path": "/etc/passwd", "type": "file",
 *	 "mode": 420, "nlink": 1, "uid": 0, "gid": 0, "size": 1024,
 *	 "blocks": 8, "blksize": 16384, "atime_ns": ..., "mtime_ns": ...,
 *	 "ctime_ns": ..., "birthtime_ns": ..., "flags": 0, "inode": 1234,
 *	 "target": null, "major": null, "minor": null}
 *
 * type is one of file, dir, symlink, chardev, blockdev, fifo, socket,
 * unknown; mode holds the permission bits (st_mode & 07777) as a
 * number; blocks are 512-byte units; times are integers, nanoseconds
 * since the Epoch (exact: written from seconds and nanoseconds, never
 * through floating point); flags are the BSD file flags as a number;
 * target is a symbolic link's target, else null; major and minor are a
 * device's numbers, else null.
 *
 * Names are bytes.  Valid UTF-8 is written as it is (with '"', '\' and
 * control characters escaped); every byte that is not part of a valid
 * UTF-8 sequence (0x80 to 0xff) is written as the escape \udc80 to
 * \udcff, a lone low surrogate that valid UTF-8 never holds.  The
 * original bytes come back by turning each such code point into its
 * byte, as Python's "surrogateescape" error handler does:
 * s.encode("utf-8", "surrogateescape").
 */
#include <sys/types.h>
#include <sys/stat.h>
#if defined(__linux__) || defined(__GLIBC__)
#include <sys/sysmacros.h>
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fsu.h"

/*
 * The length of the valid UTF-8 sequence at s (n bytes left), or 0 when
 * the byte at s does not start one: no overlong forms, no surrogates,
 * nothing above U+10FFFF.
 */
static size_t
utf8_seqlen(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	cp = s[0] & (0xff >> (len + 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* A JSON string of the bytes of s (see above for bytes not UTF-8). */
void
fsu_json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), len;

	putc('"', f);
	while (n > 0) {
		len = utf8_seqlen(s, n);
		if (len == 0) {
			fprintf(f, "\\udc%02x", s[0]);
			len = 1;
		} else if (s[0] == '"' || s[0] == '\\') {
			putc('\\', f);
			putc(s[0], f);
		} else if (s[0] == '\n')
			fputs("\\n", f);
		else if (s[0] == '\t')
			fputs("\\t", f);
		else if (s[0] < 0x20 || s[0] == 0x7f)
			fprintf(f, "\\u%04x", s[0]);
		else
			fwrite(s, 1, len, f);
		s += len;
		n -= len;
	}
	putc('"', f);
}

/* Nanoseconds since the Epoch, written from sec and nsec exactly. */
static void
json_time(FILE *f, const char *key, int64_t sec, long nsec)
{
	uint64_t whole;

	if (nsec < 0 || nsec >= 1000000000L)
		nsec = 0;
	fprintf(f, ", \"%s\": ", key);
	if (sec >= 0) {
		if (sec == 0)
			fprintf(f, "%ld", nsec);
		else
			fprintf(f, "%jd%09ld", (intmax_t)sec, nsec);
		return;
	}
	/* sec * 10^9 + nsec < 0: print its magnitude after a '-'. */
	whole = (uint64_t)-(sec + 1);
	nsec = 1000000000L - nsec;
	if (nsec == 1000000000L) {
		whole++;
		nsec = 0;
	}
	if (whole == 0)
		fprintf(f, "-%ld", nsec);
	else
		fprintf(f, "-%ju%09ld", (uintmax_t)whole, nsec);
}

static const char *
json_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "dir";
	case S_IFLNK:
		return "symlink";
	case S_IFCHR:
		return "chardev";
	case S_IFBLK:
		return "blockdev";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	default:
		return "unknown";
	}
}

/*
 * One object for a file: its last component name, its path, its
 * attributes us and, for a symbolic link, its target (or NULL).
 */
void
fsu_json_entry(FILE *f, const char *name, const char *path,
    const struct ukfs_stat *us, const char *target)
{
	int dev = S_ISCHR(us->us_mode) || S_ISBLK(us->us_mode);

	fputs("{\"name\": ", f);
	fsu_json_string(f, name);
	fputs(", \"path\": ", f);
	fsu_json_string(f, path);
	fprintf(f, ", \"type\": \"%s\", \"mode\": %u, \"nlink\": %u, "
	    "\"uid\": %u, \"gid\": %u, \"size\": %jd, \"blocks\": %jd, "
	    "\"blksize\": %u", json_type(us->us_mode),
	    (unsigned)(us->us_mode & 07777), us->us_nlink, us->us_uid,
	    us->us_gid, (intmax_t)us->us_size, (intmax_t)us->us_blocks,
	    us->us_blksize);
	json_time(f, "atime_ns", us->us_atime, us->us_atimensec);
	json_time(f, "mtime_ns", us->us_mtime, us->us_mtimensec);
	json_time(f, "ctime_ns", us->us_ctime, us->us_ctimensec);
	json_time(f, "birthtime_ns", us->us_birthtime, us->us_birthtimensec);
	fprintf(f, ", \"flags\": %u, \"inode\": %ju, \"target\": ",
	    us->us_flags, (uintmax_t)us->us_ino);
	if (target != NULL)
		fsu_json_string(f, target);
	else
		fputs("null", f);
	if (dev)
		fprintf(f, ", \"major\": %u, \"minor\": %u}\n",
		    (unsigned)major(us->us_rdev), (unsigned)minor(us->us_rdev));
	else
		fputs(", \"major\": null, \"minor\": null}\n", f);
}
