/*
 * fsu_chgrp: change the group of files in a file system image, with the
 * options of BSD chgrp(1).  See ../fsu_chown/chown_common.c.
 */
#include "../fsu_chown/chown_common.h"

int
main(int argc, char **argv)
{
	chown_main(argc, argv, 1);
}
