/*
 * fsu_write: copy standard input into a file of a file system image.
 * The file is created (mode 0666 less the umask) if it does not exist and
 * truncated, or appended to with -a.  Data is streamed in constant
 * memory.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

#define WRITE_BUFSIZE	(256 * 1024)

/* Write all of buf to descriptor fd of the image. */
static int
write_all(struct ukfs *fs, int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = ukfs_fd_write(fs, fd, p, len)) == -1)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Copy standard input to fd until end of input; 0 or 1 after a message. */
static int
copy_stdin(struct ukfs *fs, int fd, const char *path, char *buf)
{
	ssize_t n;

	for (;;) {
		n = read(STDIN_FILENO, buf, WRITE_BUFSIZE);
		if (n == 0)
			return 0;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fsu_warn("stdin");
			return 1;
		}
		if (write_all(fs, fd, buf, (size_t)n) == -1) {
			fsu_warn("%s", path);
			return 1;
		}
	}
}

static int
write_main(struct ukfs *fs, int argc, char **argv)
{
	char *buf;
	int ch, aflag = 0, fd, flags, rv;

	while ((ch = getopt(argc, argv, "+a")) != -1) {
		switch (ch) {
		case 'a':
			aflag = 1;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		fsu_usage();
	if ((buf = malloc(WRITE_BUFSIZE)) == NULL)
		fsu_err(1, NULL);
	flags = O_WRONLY | O_CREAT | (aflag ? O_APPEND : O_TRUNC);
	if ((fd = ukfs_open(fs, argv[0], flags, 0666 & ~fsu_umask())) == -1) {
		fsu_warn("%s", argv[0]);
		free(buf);
		return 1;
	}
	rv = copy_stdin(fs, fd, argv[0], buf);
	if (ukfs_close(fs, fd) == -1) {
		fsu_warn("%s", argv[0]);
		rv = 1;
	}
	free(buf);
	return rv;
}

const struct fsu_prog fsu_write_prog = {
	.fp_name = "write",
	.fp_flags = 0,
	.fp_usage = "[-a] file",
	.fp_main = write_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_write_prog, argc, argv);
}
#endif
