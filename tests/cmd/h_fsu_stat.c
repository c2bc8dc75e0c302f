/*
 * h_fsu_stat.c: print what the shell tests of the programs check about
 * files of an image, one line per file:
 *
 *	path type mode uid gid nlink size flags rdev mtime atime [-> target]
 *
 * type is one of - d l b c p s; mode is octal (permission bits only);
 * flags is hexadecimal; rdev is "major,minor" for devices and "-"
 * otherwise; times are seconds since the Epoch.
 *
 *	h_fsu_stat image path ...	the paths given
 *	h_fsu_stat -R image path	path and everything below it, sorted
 *	h_fsu_stat -c image path	the contents of a regular file
 *
 * The image is mounted read-only through libukfs.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ukfs.h"

static struct ukfs *fs;

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

static int
print_one(const char *path)
{
	struct ukfs_stat us;
	char target[1025], rdev[32];
	ssize_t n;

	if (ukfs_xstat(fs, path, 1, &us) == -1) {
		fprintf(stderr, "h_fsu_stat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (S_ISBLK(us.us_mode) || S_ISCHR(us.us_mode))
		snprintf(rdev, sizeof(rdev), "%u,%u", major(us.us_rdev),
		    minor(us.us_rdev));
	else
		snprintf(rdev, sizeof(rdev), "-");
	printf("%s %c %04o %u %u %u %lld %x %s %lld %lld", path,
	    type_char(us.us_mode), (unsigned)(us.us_mode & 07777),
	    us.us_uid, us.us_gid, us.us_nlink, (long long)us.us_size,
	    us.us_flags, rdev, (long long)us.us_mtime,
	    (long long)us.us_atime);
	if (S_ISLNK(us.us_mode)) {
		n = ukfs_readlink(fs, path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		printf(" -> %s", target);
	}
	printf("\n");
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Print path, then its entries (sorted), depth first. */
static int
print_tree(const char *path)
{
	struct ukfs_dir *d;
	struct ukfs_dirent *de;
	struct stat st;
	char **names = NULL, *child;
	size_t n = 0, i, len;
	int rv;

	rv = print_one(path);
	if (ukfs_lstat(fs, path, &st) == -1 || !S_ISDIR(st.st_mode))
		return rv;
	if ((d = ukfs_opendir(fs, path)) == NULL)
		return 1;
	while ((de = ukfs_readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(de->d_name);
	}
	ukfs_closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		len = strlen(path) + strlen(names[i]) + 2;
		if ((child = malloc(len)) == NULL)
			exit(2);
		snprintf(child, len, "%s%s%s", path,
		    path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
		rv |= print_tree(child);
		free(child);
		free(names[i]);
	}
	free(names);
	return rv;
}

static int
print_contents(const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd;

	if ((fd = ukfs_open(fs, path, O_RDONLY, 0)) == -1)
		return 1;
	while ((n = ukfs_fd_read(fs, fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	ukfs_close(fs, fd);
	return n < 0;
}

int
main(int argc, char **argv)
{
	int mode = 0, rv = 0, i;

	if (argc > 1 && (strcmp(argv[1], "-R") == 0 ||
	    strcmp(argv[1], "-c") == 0)) {
		mode = argv[1][1];
		argc--;
		argv++;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: h_fsu_stat [-R | -c] image path ...\n");
		return 2;
	}
	if ((fs = ukfs_mount(NULL, argv[1], NULL, UKFS_RDONLY, NULL)) ==
	    NULL) {
		fprintf(stderr, "h_fsu_stat: %s: %s\n", argv[1],
		    strerror(errno));
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (mode == 'R')
			rv |= print_tree(argv[i]);
		else if (mode == 'c')
			rv |= print_contents(argv[i]);
		else
			rv |= print_one(argv[i]);
	}
	fflush(stdout);
	if (ukfs_release(fs, 0) == -1)
		rv = 1;
	return rv;
}
