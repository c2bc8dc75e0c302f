/*
 * fsu.h: what every fsu_* program shares: the common options and the
 * mount of the image (fsu_mount), messages in the err(3) style that also
 * release the image before exiting, and small helpers.
 *
 * Command line of every program:
 *	fsu_PROG [-t fstype] [-o mntopts] [-p partition] [-v] image
 *	    [PROG options] [operands]
 * FSU_DEVICE (the image, which is then not given as an operand),
 * FSU_TYPE and FSU_MNTOPTS supply defaults for the image, -t and -o.
 */
#ifndef _CMD_FSU_H_
#define _CMD_FSU_H_

#include <stdarg.h>
#include <stdio.h>

#include "ukfs.h"

/* fsu_mount() flags. */
#define FSU_RDONLY	0x01	/* the program only reads the image */

/*
 * Parse the common options and the image operand from *argcp and *argvp,
 * mount the image and return the handle.  On return argv[0] is still the
 * program name and the rest are the program's own options and operands,
 * ready for getopt(3) (optind has been reset).  usage is the program's
 * part of the usage line.  Exits with a message on any failure.
 */
struct ukfs *fsu_mount(int *, char ***, int, const char *);

/* Sync, unmount and release; returns 0, or 1 after printing the error. */
int	fsu_unmount(struct ukfs *);

/* Print the usage line (program name, common options, usage) and exit 1. */
void	fsu_usage(void) __attribute__((__noreturn__));

/* Messages: "prog: msg[: strerror]" on stderr. */
const char *fsu_progname(void);
void	fsu_warn(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	fsu_warnx(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
/* Like err(3)/errx(3), but release the mounted image first. */
void	fsu_err(int, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3), __noreturn__));
void	fsu_errx(int, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3), __noreturn__));
/* Release the image and exit with status. */
void	fsu_exit(int) __attribute__((__noreturn__));

extern int fsu_verbose;		/* -v given */

#endif /* !_CMD_FSU_H_ */
