/*
 * fsu_chown: change the owner and group of files in a file system image,
 * with the options of BSD chown(8).  See chown_common.c.
 */
#include "fsu.h"
#include "chown_common.h"

static int
chown_main(struct ukfs *fs, int argc, char **argv)
{
	return chown_run(fs, argc, argv, 0);
}

const struct fsu_prog fsu_chown_prog = {
	.fp_name = "chown",
	.fp_flags = 0,
	.fp_usage = "[-R] [-h] [-v] owner[:group] file ...\n"
	    "       fsu_chown [-t fstype] [-o mntopts] [-p partition] [-v] "
	    "image [-R] [-h] [-v] :group file ...",
	.fp_main = chown_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_chown_prog, argc, argv);
}
#endif
