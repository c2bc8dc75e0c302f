/*
 * fsu_rm: remove files of a file system image, with the options of BSD
 * rm(1).
 *
 * -R and -r remove directory trees depth first through fsu_walk(); -i
 * asks on stderr before each removal (and before descending into a
 * directory) and reads the answer from stdin; -f silences missing files
 * and cancels -i (the last of -f and -i wins); -v prints each path
 * removed.  Operands whose last component is "." or "..", and the root,
 * are refused.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

static struct ukfs *fs;
static int fflag, iflag, rflag, vflag;

/* Report a failure on path, unless -f and it is missing. */
static int
failed(const char *path, int error)
{
	if (fflag && error == ENOENT)
		return 0;
	errno = error;
	fsu_warn("%s", path);
	return 1;
}

static void
removed(const char *path)
{
	if (vflag)
		printf("%s\n", path);
}

/* Walk callback of rm -r: files and directories on the way back. */
static int
rm_visit(struct ukfs *ufs, struct fsu_walk_ent *we, void *arg)
{
	int e;

	switch (we->we_info) {
	case FSU_W_ERR:
		if (we->we_errno == ENOENT)
			return failed(we->we_path, we->we_errno) ?
			    FSU_WALK_FAIL : 0;
		fsu_walk_warn(we);
		return FSU_WALK_FAIL;
	case FSU_W_D:
		if (iflag && !fsu_prompt("examine files in directory %s? ",
		    we->we_path))
			return FSU_WALK_SKIP;
		return 0;
	case FSU_W_DP:
		if (iflag && !fsu_prompt("remove %s? ", we->we_path))
			return 0;
		e = ukfs_rmdir(ufs, we->we_accpath) == -1 ? errno : 0;
		break;
	default:
		if (iflag && !fsu_prompt("remove %s? ", we->we_path))
			return 0;
		e = ukfs_remove(ufs, we->we_accpath) == -1 ? errno : 0;
		break;
	}
	if (e != 0)
		return failed(we->we_path, e) ? FSU_WALK_FAIL : 0;
	removed(we->we_path);
	return 0;
}

/* rm without -r: anything but a directory. */
static int
rm_file(const char *path)
{
	struct stat st;

	if (ukfs_lstat(fs, path, &st) == -1)
		return failed(path, errno);
	if (S_ISDIR(st.st_mode)) {
		fsu_warnx("%s: is a directory", path);
		return 1;
	}
	if (iflag && !fsu_prompt("remove %s? ", path))
		return 0;
	if (ukfs_remove(fs, path) == -1)
		return failed(path, errno);
	removed(path);
	return 0;
}

/* May path be removed at all?  Not "/", nor a last component "." or "..". */
static int
refused(const char *path)
{
	size_t len = strlen(path), start;

	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len == 0 && path[0] == '/') {
		fsu_warnx("\"/\" may not be removed");
		return 1;
	}
	start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if ((len - start == 1 && path[start] == '.') ||
	    (len - start == 2 && path[start] == '.' &&
	    path[start + 1] == '.')) {
		fsu_warnx("\".\" and \"..\" may not be removed");
		return 1;
	}
	return 0;
}

static int
rm_main(struct ukfs *ufs, int argc, char **argv)
{
	int ch, rv = 0;

	fs = ufs;
	fflag = iflag = rflag = vflag = 0;
	while ((ch = getopt(argc, argv, "+fiRrv")) != -1) {
		switch (ch) {
		case 'f':
			fflag = 1;
			iflag = 0;
			break;
		case 'i':
			iflag = 1;
			fflag = 0;
			break;
		case 'R':
		case 'r':
			rflag = 1;
			break;
		case 'v':
			vflag = 1;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		if (fflag)
			return 0;
		fsu_usage();
	}
	for (; argc > 0; argc--, argv++) {
		if (argv[0][0] == '\0') {
			rv |= failed(argv[0], ENOENT);
			continue;
		}
		if (refused(argv[0]))
			rv = 1;
		else if (rflag)
			rv |= fsu_walk(fs, argv[0], 0, rm_visit, NULL) != 0;
		else
			rv |= rm_file(argv[0]);
	}
	return rv;
}

const struct fsu_prog fsu_rm_prog = {
	.fp_name = "rm",
	.fp_flags = 0,
	.fp_usage = "[-f | -i] [-Rrv] file ...",
	.fp_main = rm_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_rm_prog, argc, argv);
}
#endif
