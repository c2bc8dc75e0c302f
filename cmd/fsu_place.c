/*
 * fsu_place.c: the operands of the programs that work across the host
 * and images (fsu_cmp, fsu_diff; fsu_ecp writes them the same way).
 *
 *	:path		a path in the image (":" alone is its root)
 *	::path		a path in the second image, given with -I
 *	anything else	a path on the host
 *
 * The calls below take the file system a path is on: a libukfs handle,
 * or NULL for the host, so a program reads files and directories the
 * same way wherever they are.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"

/*
 * Where operand arg is: sets *fsp (NULL for the host) and returns the
 * path there.  fs is the image, fs2 the second image (or NULL when -I
 * was not given: "::" is then an error, reported and exited on with
 * status fsu_errstatus).
 */
const char *
fsu_place(const char *arg, struct ukfs *fs, struct ukfs *fs2,
    struct ukfs **fsp)
{
	if (arg[0] != ':') {
		*fsp = NULL;
		return arg;
	}
	if (arg[1] == ':') {
		if (fs2 == NULL)
			fsu_errx(fsu_errstatus, "%s: a path in a second image "
			    "needs -I image", arg);
		*fsp = fs2;
		return arg[2] != '\0' ? arg + 2 : "/";
	}
	*fsp = fs;
	return arg[1] != '\0' ? arg + 1 : "/";
}

int
fsu_place_lstat(struct ukfs *fs, const char *path, struct stat *st)
{
	return fs != NULL ? ukfs_lstat(fs, path, st) : lstat(path, st);
}

int
fsu_place_stat(struct ukfs *fs, const char *path, struct stat *st)
{
	return fs != NULL ? ukfs_stat(fs, path, st) : stat(path, st);
}

/* Open a file for reading (a symbolic link is followed). */
int
fsu_place_open(struct ukfs *fs, const char *path)
{
	if (fs != NULL)
		return ukfs_open(fs, path, O_RDONLY, 0);
	if (strcmp(path, "-") == 0)
		return dup(STDIN_FILENO);
	return open(path, O_RDONLY | O_CLOEXEC);
}

ssize_t
fsu_place_read(struct ukfs *fs, int fd, void *buf, size_t len)
{
	ssize_t n;

	if (fs != NULL)
		return ukfs_fd_read(fs, fd, buf, len);
	do
		n = read(fd, buf, len);
	while (n == -1 && errno == EINTR);
	return n;
}

void
fsu_place_close(struct ukfs *fs, int fd)
{
	if (fs != NULL)
		(void)ukfs_close(fs, fd);
	else
		(void)close(fd);
}

/* The target of a symbolic link, NUL-terminated in buf[len]. */
ssize_t
fsu_place_readlink(struct ukfs *fs, const char *path, char *buf, size_t len)
{
	ssize_t n;

	n = fs != NULL ? ukfs_readlink(fs, path, buf, len - 1) :
	    readlink(path, buf, len - 1);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The BSD file flags of a file (the host's are not compared: 0). */
int
fsu_place_flags(struct ukfs *fs, const char *path, uint32_t *flagsp)
{
	struct ukfs_stat us;

	*flagsp = 0;
	if (fs == NULL)
		return 0;
	if (ukfs_xstat(fs, path, 1, &us) == -1)
		return -1;
	*flagsp = us.us_flags;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add a copy of name to the list; -1 when out of memory. */
static int
list_add(char ***vp, size_t *np, size_t *capp, const char *name)
{
	char **v;

	if (*np == *capp) {
		*capp = *capp == 0 ? 64 : *capp * 2;
		if ((v = realloc(*vp, *capp * sizeof(*v))) == NULL)
			return -1;
		*vp = v;
	}
	if (((*vp)[*np] = strdup(name)) == NULL)
		return -1;
	(*np)++;
	return 0;
}

/*
 * The names in directory path but "." and "..", sorted (strcmp), in a
 * NULL-terminated array freed by fsu_place_freelist; NULL with errno on
 * failure.  A name read from an image that no directory may hold
 * (empty, with a '/', cut short by a NUL) makes the list fail with
 * EINVAL: it cannot be named.
 */
char **
fsu_place_list(struct ukfs *fs, const char *path, size_t *np)
{
	struct ukfs_dirent *ude;
	struct ukfs_dir *ud = NULL;
	struct dirent *de;
	DIR *d = NULL;
	char **v = NULL;
	const char *name;
	size_t n = 0, cap = 0;
	int error = 0;

	if (fs != NULL ? (ud = ukfs_opendir(fs, path)) == NULL :
	    (d = opendir(path)) == NULL)
		return NULL;
	for (;;) {
		errno = 0;
		if (fs != NULL) {
			if ((ude = ukfs_readdir(ud)) == NULL)
				break;
			name = ude->d_name;
			if (strlen(name) != ude->d_namlen || name[0] == '\0' ||
			    strchr(name, '/') != NULL) {
				error = EINVAL;
				continue;
			}
		} else {
			if ((de = readdir(d)) == NULL)
				break;
			name = de->d_name;
		}
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (list_add(&v, &n, &cap, name) == -1) {
			error = ENOMEM;
			break;
		}
	}
	if (error == 0)
		error = errno;
	if (fs != NULL)
		(void)ukfs_closedir(ud);
	else
		(void)closedir(d);
	if (error == 0 && list_add(&v, &n, &cap, "") == -1)
		error = ENOMEM;
	if (error != 0) {
		while (n > 0)
			free(v[--n]);
		free(v);
		errno = error;
		return NULL;
	}
	free(v[n - 1]);
	v[n - 1] = NULL;
	n--;
	qsort(v, n, sizeof(*v), name_cmp);
	*np = n;
	return v;
}

void
fsu_place_freelist(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}
