/*
 * fsu_chgrp: change the group of files in a file system image, with the
 * options of BSD chgrp(1).  See ../fsu_chown/chown_common.c.
 */
#include "fsu.h"
#include "../fsu_chown/chown_common.h"

static int
chgrp_main(struct ukfs *fs, int argc, char **argv)
{
	return chown_run(fs, argc, argv, 1);
}

const struct fsu_prog fsu_chgrp_prog = {
	.fp_name = "chgrp",
	.fp_flags = 0,
	.fp_usage = "[-R] [-h] [-v] group file ...",
	.fp_main = chgrp_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_chgrp_prog, argc, argv);
}
#endif
