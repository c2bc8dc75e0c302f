/*
 * h_mounted.c: run a shell command while an image is mounted read-write.
 *
 *	h_mounted image path command
 *
 * Mounts image read-write through libukfs without the journal (so the
 * driver's writes reach the image file at once), writes a short file at
 * path, runs command with sh -c, then releases the image.  Exits with the
 * command's status, or 2 if mounting, writing or releasing failed.  The
 * FAT tests use it to look at the volume's dirty flag while it is mounted.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ukfs.h"

int
main(int argc, char **argv)
{
	static const char data[] = "written while mounted\n";
	struct ukfs *fs;
	int status, rv;

	if (argc != 4) {
		fprintf(stderr, "usage: h_mounted image path command\n");
		return 2;
	}
	if (ukfs_init() != 0) {
		perror("h_mounted: ukfs_init");
		return 2;
	}
	fs = ukfs_mount(NULL, argv[1], NULL, UKFS_NOJOURNAL | UKFS_NOMMAP,
	    NULL);
	if (fs == NULL) {
		perror(argv[1]);
		return 2;
	}
	if (ukfs_create(fs, argv[2], 0644) != 0 ||
	    ukfs_write(fs, argv[2], 0, data, sizeof(data) - 1) !=
	    (ssize_t)(sizeof(data) - 1) || ukfs_sync(fs) != 0) {
		perror(argv[2]);
		ukfs_release(fs, 0);
		return 2;
	}
	fflush(stdout);
	status = system(argv[3]);
	rv = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : 2;
	if (ukfs_release(fs, 0) != 0) {
		perror("h_mounted: ukfs_release");
		return 2;
	}
	return rv;
}
