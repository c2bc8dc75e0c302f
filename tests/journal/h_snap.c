/*
 * h_snap.c: the state of an image as the journal tests compare it, one
 * line per file, sorted by path:
 *
 *	path type mode uid gid nlink size flags mtime [-> target | #hash]
 *
 * type is one of - d l b c p s; mode is octal; the hash is FNV-1a (64
 * bits) of a regular file's bytes.  The image is mounted through libukfs:
 * read-only, or with -w read-write (which finishes or discards what a
 * journal holds, like any writing command) and released without a
 * change.  Exit status 0, or 1 after a message.
 *
 *	h_snap [-w] image
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../ukfs/ukfs.h"

static struct ukfs *fs;
static char **lines;
static size_t nlines, caplines;

static char
type_char(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFDIR:	return 'd';
	case S_IFLNK:	return 'l';
	case S_IFBLK:	return 'b';
	case S_IFCHR:	return 'c';
	case S_IFIFO:	return 'p';
	case S_IFSOCK:	return 's';
	default:	return '-';
	}
}

static void
fail(const char *what, const char *path)
{
	fprintf(stderr, "h_snap: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void
add_line(char *s)
{
	if (nlines == caplines) {
		caplines = caplines == 0 ? 256 : caplines * 2;
		if ((lines = realloc(lines, caplines * sizeof(*lines))) ==
		    NULL)
			fail("realloc", "");
	}
	lines[nlines++] = s;
}

/* FNV-1a of the file's bytes. */
static uint64_t
hash_file(const char *path, int64_t size)
{
	static char buf[65536];
	uint64_t h = 0xcbf29ce484222325ULL;
	off_t off = 0;
	ssize_t n, i;

	while (off < size) {
		n = ukfs_read(fs, path, off, buf, sizeof(buf));
		if (n == -1)
			fail("read", path);
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			h ^= (unsigned char)buf[i];
			h *= 0x100000001b3ULL;
		}
		off += n;
	}
	return h;
}

static void
snap(const char *path)
{
	struct ukfs_stat us;
	struct ukfs_dir *d;
	struct ukfs_dirent *de;
	char tail[1100], *line, *child;
	ssize_t n;

	if (ukfs_xstat(fs, path, 1, &us) == -1)
		fail("stat", path);
	tail[0] = '\0';
	if (S_ISLNK(us.us_mode)) {
		strcpy(tail, " -> ");
		n = ukfs_readlink(fs, path, tail + 4, 1024);
		if (n == -1)
			fail("readlink", path);
		tail[4 + n] = '\0';
	} else if (S_ISREG(us.us_mode)) {
		snprintf(tail, sizeof(tail), " #%016llx",
		    (unsigned long long)hash_file(path, us.us_size));
	}
	if (asprintf(&line, "%s %c %04o %u %u %u %lld %x %lld%s", path,
	    type_char(us.us_mode), (unsigned)(us.us_mode & 07777),
	    us.us_uid, us.us_gid, us.us_nlink, (long long)us.us_size,
	    us.us_flags, (long long)us.us_mtime, tail) == -1)
		fail("asprintf", path);
	add_line(line);
	if (!S_ISDIR(us.us_mode))
		return;
	if ((d = ukfs_opendir(fs, path)) == NULL)
		fail("opendir", path);
	while ((de = ukfs_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (asprintf(&child, "%s%s%s", path, strcmp(path, "/") == 0 ?
		    "" : "/", de->d_name) == -1)
			fail("asprintf", path);
		snap(child);
		free(child);
	}
	ukfs_closedir(d);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	int ch, flags = UKFS_RDONLY;
	size_t i;

	while ((ch = getopt(argc, argv, "w")) != -1) {
		switch (ch) {
		case 'w':
			flags = 0;
			break;
		default:
			fprintf(stderr, "usage: h_snap [-w] image\n");
			return 1;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: h_snap [-w] image\n");
		return 1;
	}
	if ((fs = ukfs_mount(NULL, argv[optind], NULL, flags, NULL)) == NULL)
		fail("mount", argv[optind]);
	snap("/");
	if (ukfs_release(fs, 0) == -1)
		fail("release", argv[optind]);
	if (nlines > 0)
		qsort(lines, nlines, sizeof(*lines), cmp);
	for (i = 0; i < nlines; i++) {
		printf("%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return 0;
}
