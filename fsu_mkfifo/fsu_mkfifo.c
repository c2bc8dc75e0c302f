/*
 * fsu_mkfifo: make FIFOs in a file system image, as BSD mkfifo(1) does.
 * The mode is 0666 less the umask, or the -m mode (octal or symbolic
 * relative to a=rw), which is set after the creation.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

static int
mkfifo_main(struct ukfs *fs, int argc, char **argv)
{
	struct fsu_mode *m = NULL;
	mode_t mode;
	int ch, rv = 0;

	while ((ch = getopt(argc, argv, "+m:")) != -1) {
		switch (ch) {
		case 'm':
			fsu_mode_free(m);
			if ((m = fsu_mode_parse(optarg, fsu_umask())) == NULL)
				fsu_errx(1, "invalid file mode: %s", optarg);
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		fsu_usage();
	mode = m != NULL ? fsu_mode_apply(m, S_IFIFO | 0666) :
	    0666 & ~fsu_umask();
	for (; argc > 0; argc--, argv++) {
		if (ukfs_mkfifo(fs, argv[0], mode & 0777) == -1 ||
		    (m != NULL && ukfs_chmod(fs, argv[0], mode) == -1)) {
			fsu_warn("%s", argv[0]);
			rv = 1;
		}
	}
	fsu_mode_free(m);
	return rv;
}

const struct fsu_prog fsu_mkfifo_prog = {
	.fp_name = "mkfifo",
	.fp_flags = 0,
	.fp_usage = "[-m mode] name ...",
	.fp_main = mkfifo_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_mkfifo_prog, argc, argv);
}
#endif
