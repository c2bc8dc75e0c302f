/*
 * fsu_ecp, fsu_get, fsu_put: copy files between the host and a file
 * system image.
 *
 *	fsu_get ... image [-L] [-p] [-R] [-v] image-path ... host-path
 *	fsu_put ... image [-L] [-p] [-R] [-v] host-path ... image-path
 *	fsu_ecp ... image [-I image2] [-L] [-p] [-R] [-v] source ... target
 *
 * One program under three names (hard links to one binary); the name it
 * runs under picks the direction.  fsu_ecp takes it from the operands:
 * the paths in the image are written with a leading ':' (":" alone is
 * the root), those in the second image (-I) with "::", and the sources
 * are all in one place, the target in another: a copy to the host (as
 * fsu_get), into an image (as fsu_put), or from one image into the
 * other (ecp_xfer.c), both mounted at once.
 *
 * As with cp(1), when the target is an existing directory each source
 * is copied into it under its last component (a source whose last
 * component is "/", "." or ".." is copied into the target directory
 * itself); otherwise there must be one source, copied to the target.
 * The image is mounted once for the whole run, read-only for a copy to
 * the host.  ecp_get.c and ecp_put.c do the copies; each goes on with
 * the next operand after an error, and the exit status is 1 if anything
 * failed.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecp.h"
#include "fsu.h"

#define ECP_OPTIONS	"[-L] [-p] [-R] [-v]"

enum ecp_dir { ECP_GET, ECP_PUT, ECP_XFER };

/* Where an operand of fsu_ecp is. */
#define AT_HOST		0
#define AT_IMAGE	1	/* ":path" */
#define AT_IMAGE2	2	/* "::path", in the -I image */

static int
place_of(const char *arg)
{
	return arg[0] != ':' ? AT_HOST : arg[1] == ':' ? AT_IMAGE2 : AT_IMAGE;
}

/* The last component of path; NULL for "/", "." and "..". */
static char *
last_name(const char *path)
{
	char *name;

	if ((name = fsu_basename(path)) == NULL)
		fsu_err(1, NULL);
	if (strcmp(name, "/") == 0 || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		free(name);
		return NULL;
	}
	return name;
}

/* The directory part of path ("." or "/" when it has none). */
static char *
parent_of(const char *path)
{
	size_t len = strlen(path);
	char *dir;

	while (len > 1 && path[len - 1] == '/')
		len--;
	while (len > 0 && path[len - 1] != '/')
		len--;
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len == 0)
		return strdup(path[0] == '/' ? "/" : ".");
	if ((dir = malloc(len + 1)) != NULL) {
		memcpy(dir, path, len);
		dir[len] = '\0';
	}
	return dir;
}

/* "dir/name", or dir when name is NULL. */
static char *
join(const char *dir, const char *name)
{
	struct ecp_path ep;

	memset(&ep, 0, sizeof(ep));
	if (ecp_path_set(&ep, 0, dir) == -1 ||
	    ecp_path_set(&ep, ep.ep_len, name) == -1)
		fsu_err(1, NULL);
	return ep.ep_buf;
}

/* Copy image paths argv[0..argc-2] to host path argv[argc-1]. */
static int
run_get(struct ecp *e, int argc, char **argv)
{
	const char *target = argv[argc - 1];
	struct stat st;
	char *name, *dir, *dst;
	int fd, rv = 0, i;

	if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
		if ((fd = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
		    -1) {
			fsu_warn("%s", target);
			return 1;
		}
		for (i = 0; i < argc - 1; i++) {
			name = last_name(argv[i]);
			dst = join(target, name);
			rv |= ecp_get(e, argv[i], dst, fd, name);
			free(dst);
			free(name);
		}
	} else {
		if (argc > 2) {
			errno = ENOTDIR;
			fsu_warn("%s", target);
			return 1;
		}
		if ((dir = parent_of(target)) == NULL ||
		    (name = fsu_basename(target)) == NULL)
			fsu_err(1, NULL);
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
		    -1) {
			fsu_warn("%s", dir);
			free(name);
			free(dir);
			return 1;
		}
		rv = ecp_get(e, argv[0], target, fd, name);
		free(name);
		free(dir);
	}
	(void)close(fd);
	return rv;
}

/* Copy host paths argv[0..argc-2] to image path argv[argc-1]. */
static int
run_put(struct ecp *e, int argc, char **argv)
{
	const char *target = argv[argc - 1];
	struct stat st;
	char *name, *dir;
	int rv = 0, i;

	if (ukfs_stat(e->e_fs, target, &st) == 0 && S_ISDIR(st.st_mode)) {
		for (i = 0; i < argc - 1; i++) {
			name = last_name(argv[i]);
			rv |= ecp_put(e, argv[i], target, name);
			free(name);
		}
		return rv;
	}
	if (argc > 2) {
		errno = ENOTDIR;
		fsu_warn("%s", target);
		return 1;
	}
	if ((dir = parent_of(target)) == NULL ||
	    (name = fsu_basename(target)) == NULL)
		fsu_err(1, NULL);
	rv = ecp_put(e, argv[0], dir, name);
	free(name);
	free(dir);
	return rv;
}

/* Copy image paths argv[0..argc-2] of e_sfs to path argv[argc-1] of e_fs. */
static int
run_xfer(struct ecp *e, int argc, char **argv)
{
	const char *target = argv[argc - 1];
	struct stat st;
	char *name, *dir;
	int rv = 0, i;

	if (ukfs_stat(e->e_fs, target, &st) == 0 && S_ISDIR(st.st_mode)) {
		for (i = 0; i < argc - 1; i++) {
			name = last_name(argv[i]);
			rv |= ecp_xfer(e, argv[i], target, name);
			free(name);
		}
		return rv;
	}
	if (argc > 2) {
		errno = ENOTDIR;
		fsu_err(1, "%s", target);
	}
	if ((dir = parent_of(target)) == NULL ||
	    (name = fsu_basename(target)) == NULL)
		fsu_err(1, NULL);
	rv = ecp_xfer(e, argv[0], dir, name);
	free(name);
	free(dir);
	return rv;
}

/* fsu_ecp: a copy into the first image when the target is ":path". */
static enum ecp_dir
guess_direction(int argc, char **argv)
{
	return argc > 1 && place_of(argv[argc - 1]) == AT_IMAGE ? ECP_PUT :
	    ECP_GET;
}

/*
 * fsu_ecp: the sources must be in one place and the target in another;
 * strip the ':' and "::" (alone, they are the root).  Sets the images
 * read (e_sfs) and written (e_fs) and returns the direction.
 */
static enum ecp_dir
sort_operands(struct ecp *e, struct ukfs *fs, struct ukfs *fs2, int argc,
    char **argv)
{
	int i, p, from = place_of(argv[0]), to = place_of(argv[argc - 1]);

	for (i = 0; i < argc; i++) {
		p = place_of(argv[i]);
		if (i < argc - 1 && p != from) {
			fsu_warnx("the sources must all be on the host, all "
			    "in the image (:path) or all in the second image "
			    "(::path)");
			fsu_usage();
		}
		argv[i] += p;
		if (p != AT_HOST && argv[i][0] == '\0')
			argv[i] = "/";
	}
	if (from == to) {
		fsu_warnx("the sources and the target must be in different "
		    "places%s", from == AT_HOST ? "" :
		    " (fsu_cp copies inside an image)");
		fsu_usage();
	}
	if ((from == AT_IMAGE2 || to == AT_IMAGE2) && fs2 == NULL)
		fsu_errx(1, "::paths are in a second image, given with -I");
	e->e_sfs = from == AT_IMAGE ? fs : fs2;
	e->e_fs = to == AT_IMAGE ? fs : to == AT_IMAGE2 ? fs2 :
	    e->e_sfs;
	if (from == AT_HOST)
		return ECP_PUT;
	return to == AT_HOST ? ECP_GET : ECP_XFER;
}

/* Room for a descriptor per directory level of deep trees. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * Copy in direction dir (ecp: fsu_ecp, paths in the image start with
 * ':'); the exit status.
 */
static int
ecp_run(struct ukfs *fs, int argc, char **argv, enum ecp_dir dir, int ecp)
{
	struct ecp e;
	struct ukfs *fs2 = NULL;
	const char *image2 = NULL;
	int ch, rv;

	memset(&e, 0, sizeof(e));
	e.e_fs = fs;
	while ((ch = getopt(argc, argv, ecp ? "+I:LpRv" : "+LpRv")) != -1) {
		switch (ch) {
		case 'I':
			image2 = optarg;
			break;
		case 'L':
			e.e_Lflag = 1;
			break;
		case 'p':
			e.e_pflag = 1;
			break;
		case 'R':
			e.e_Rflag = 1;
			break;
		case 'v':
			e.e_vflag = 1;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		fsu_usage();
	if (image2 != NULL)
		fs2 = fsu_mount_second(image2, place_of(argv[argc - 1]) ==
		    AT_IMAGE2 ? 0 : FSU_RDONLY);
	if (ecp)
		dir = sort_operands(&e, fs, fs2, argc, argv);
	if ((e.e_buf = malloc(ECP_BUFSIZE)) == NULL ||
	    (e.e_links = ecp_links_new()) == NULL)
		fsu_err(1, NULL);
	raise_fd_limit();
	if (dir == ECP_GET) {
		/* The modes of the copies are the image's (restored in batch). */
		(void)umask(0);
		rv = run_get(&e, argc, argv);
	} else if (dir == ECP_XFER)
		rv = run_xfer(&e, argc, argv);
	else
		rv = run_put(&e, argc, argv);
	ecp_links_free(e.e_links);
	ecp_path_free(&e.e_src);
	ecp_path_free(&e.e_dst);
	ecp_path_free(&e.e_rel);
	free(e.e_dirs);
	free(e.e_buf);
	return rv;
}

static int
get_main(struct ukfs *fs, int argc, char **argv)
{
	return ecp_run(fs, argc, argv, ECP_GET, 0);
}

static int
put_main(struct ukfs *fs, int argc, char **argv)
{
	return ecp_run(fs, argc, argv, ECP_PUT, 0);
}

static int
ecp_main(struct ukfs *fs, int argc, char **argv)
{
	int i;

	/* The operands after the options decide the direction. */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0' &&
	    strcmp(argv[i], "--") != 0; i++)
		continue;
	return ecp_run(fs, argc, argv, guess_direction(argc - i, argv + i),
	    1);
}

const struct fsu_prog fsu_get_prog = {
	.fp_name = "get",
	.fp_flags = FSU_RDONLY,
	.fp_usage = ECP_OPTIONS " image-path ... host-path",
	.fp_main = get_main,
};

const struct fsu_prog fsu_put_prog = {
	.fp_name = "put",
	.fp_flags = 0,
	.fp_usage = ECP_OPTIONS " host-path ... image-path",
	.fp_main = put_main,
};

const struct fsu_prog fsu_ecp_prog = {
	.fp_name = "ecp",
	.fp_flags = 0,
	.fp_usage = "[-I image2] " ECP_OPTIONS " [:[:]]source ... [:[:]]target",
	.fp_main = ecp_main,
};

#ifndef FSU_BATCH
/* The name the program runs under picks the direction. */
int
main(int argc, char **argv)
{
	const struct fsu_prog *p;
	const char *prog;
	struct ukfs *fs;
	int flags;

	prog = (prog = strrchr(argv[0], '/')) != NULL ? prog + 1 : argv[0];
	if (strcmp(prog, "fsu_get") == 0)
		fsu_prog_main(&fsu_get_prog, argc, argv);
	if (strcmp(prog, "fsu_put") == 0)
		fsu_prog_main(&fsu_put_prog, argc, argv);
	p = &fsu_ecp_prog;
	flags = guess_direction(argc, argv) == ECP_GET ? FSU_RDONLY : 0;
	fs = fsu_mount(&argc, &argv, flags, p->fp_usage);
	fsu_exit(ecp_run(fs, argc, argv, guess_direction(argc, argv), 1));
}
#endif
