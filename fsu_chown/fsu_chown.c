/*
 * fsu_chown: change the owner and group of files in a file system image,
 * with the options of BSD chown(8).  See chown_common.c.
 */
#include "chown_common.h"

int
main(int argc, char **argv)
{
	chown_main(argc, argv, 0);
}
