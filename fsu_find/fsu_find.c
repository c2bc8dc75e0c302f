/*
 * fsu_find: walk file hierarchies of a file system image and evaluate an
 * expression for each file, with the primaries and the output of BSD
 * find(1), but no -exec: programs of the host are not run on files of
 * the image.
 *
 *	fsu_find image [-H | -L | -P] [-dx] path ... [expression]
 *
 * Each path is walked with fsu_walk(), which never enters a directory
 * twice (a corrupt image that links a directory from two places costs
 * time linear in its directories, with a message naming the second
 * link).  Entries are visited in the order of their directories, before
 * their contents, or after them with -d, -depth or -delete.  The image is
 * mounted read-only unless -delete is among the arguments.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"
#include "find.h"

#define FIND_USAGE	"[-H | -L | -P] [-dx] path ... [expression]"
#define OUTBUF_SIZE	(64 * 1024)

struct find_opts find_opt;

/* One run of the walk over an operand. */
struct find_run {
	struct node	*fr_expr;
	dev_t		 fr_dev;	/* the operand's device (-x) */
	char		*fr_opname;	/* the operand's last component */
	int		 fr_failed;
};

/* Evaluate the expression for the entry; sets *prunep for -prune. */
static void
evaluate(struct ukfs *fs, struct find_run *r, struct fsu_walk_ent *we,
    int *prunep)
{
	struct find_ctx c;

	if (find_opt.fo_mindepth >= 0 && we->we_depth < find_opt.fo_mindepth)
		return;
	memset(&c, 0, sizeof(c));
	c.fc_fs = fs;
	c.fc_we = we;
	c.fc_name = we->we_depth == 0 ? r->fr_opname : we->we_name;
	(void)find_eval(r->fr_expr, &c);
	if (c.fc_failed)
		r->fr_failed = 1;
	if (c.fc_prune && prunep != NULL)
		*prunep = 1;
}

static int
find_visit(struct ukfs *fs, struct fsu_walk_ent *we, void *arg)
{
	struct find_run *r = arg;
	int skip, prune = 0;

	switch (we->we_info) {
	case FSU_W_ERR:
		fflush(stdout);
		fsu_walk_warn(we);
		r->fr_failed = 1;
		return 0;
	case FSU_W_DP:
		if (find_opt.fo_depth)
			evaluate(fs, r, we, NULL);
		return 0;
	case FSU_W_D:
		if (we->we_depth == 0)
			r->fr_dev = we->we_st.st_dev;
		skip = (find_opt.fo_maxdepth >= 0 &&
		    we->we_depth >= find_opt.fo_maxdepth) ||
		    (find_opt.fo_xdev && we->we_st.st_dev != r->fr_dev);
		if (!find_opt.fo_depth || skip)
			evaluate(fs, r, we, &prune);
		return skip || (prune && !find_opt.fo_depth) ?
		    FSU_WALK_SKIP : 0;
	default:
		evaluate(fs, r, we, NULL);
		return 0;
	}
}

/* The options before the paths. */
static int
find_options(int argc, char **argv)
{
	int ch;

	find_opt.fo_walkflags = FSU_WALK_NOSTAT;
	while ((ch = getopt(argc, argv, "+HLPdx")) != -1) {
		switch (ch) {
		case 'H':
			find_opt.fo_walkflags = FSU_WALK_NOSTAT |
			    FSU_WALK_FOLLOW | FSU_WALK_SLNONE;
			break;
		case 'L':
			find_opt.fo_walkflags = FSU_WALK_NOSTAT |
			    FSU_WALK_LOGICAL | FSU_WALK_SLNONE;
			break;
		case 'P':
			find_opt.fo_walkflags = FSU_WALK_NOSTAT;
			break;
		case 'd':
			find_opt.fo_depth = 1;
			break;
		case 'x':
			find_opt.fo_xdev = 1;
			break;
		default:
			fsu_usage();
		}
	}
	return optind;
}

/* Does the argument start the expression rather than name a path? */
static int
is_expression(const char *arg)
{
	return arg[0] == '-' || strcmp(arg, "!") == 0 ||
	    strcmp(arg, "(") == 0;
}

static int
find_main(struct ukfs *fs, int argc, char **argv)
{
	struct find_run r;
	int i, npaths, rv = 0;

	memset(&find_opt, 0, sizeof(find_opt));
	find_opt.fo_mindepth = find_opt.fo_maxdepth = -1;
	find_opt.fo_now = time(NULL);
	i = find_options(argc, argv);
	for (npaths = 0; i + npaths < argc && !is_expression(argv[i +
	    npaths]); npaths++)
		continue;
	if (npaths == 0)
		fsu_usage();
	memset(&r, 0, sizeof(r));
	r.fr_expr = find_parse(fs, argc - i - npaths, argv + i + npaths);
	if (!fsu_inbatch())
		setvbuf(stdout, NULL, _IOFBF, OUTBUF_SIZE);
	tzset();
	for (; npaths > 0; npaths--, i++) {
		if (argv[i][0] == '\0') {
			errno = ENOENT;
			fsu_warn("%s", argv[i]);
			rv = 1;
			continue;
		}
		if ((r.fr_opname = fsu_basename(argv[i])) == NULL)
			fsu_err(1, NULL);
		r.fr_failed = 0;
		rv |= fsu_walk(fs, argv[i], find_opt.fo_walkflags, find_visit,
		    &r) != 0 || r.fr_failed;
		free(r.fr_opname);
	}
	find_free(r.fr_expr);
	return rv;
}

const struct fsu_prog fsu_find_prog = {
	.fp_name = "find",
	.fp_flags = 0,
	.fp_usage = FIND_USAGE,
	.fp_main = find_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	struct ukfs *fs;
	int i, flags = FSU_RDONLY;

	/* Only -delete changes the image. */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-delete") == 0)
			flags = 0;
	fs = fsu_mount(&argc, &argv, flags, FIND_USAGE);
	fsu_exit(find_main(fs, argc, argv));
}
#endif
