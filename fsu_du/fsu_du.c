/*
 * fsu_du: display disk usage of files in a file system image, with the
 * options and the output of BSD du(1).
 *
 * Each operand is walked with fsu_walk(), which never enters a
 * directory twice.  The blocks (st_blocks, 512-byte units) of a
 * directory and everything below it are summed on the way back up: a
 * stack of sums, one per level of the walk.  A file with several links
 * is counted once, the first time the walk meets it (a set of inodes
 * over the whole run, as BSD du keeps).  Lines are printed in the order
 * of the walk: a directory after its entries.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

#define DU_USAGE \
	"[-H | -L | -P] [-a | -s | -d depth] [-c] [-h | -k | -m] [-Ax] " \
	"[file ...]"

struct du_opts {
	int		 do_walkflags;	/* -H -L -P */
	int		 do_all;	/* -a */
	int		 do_maxdepth;	/* -d, -s; -1: no limit */
	int		 do_total;	/* -c */
	int		 do_human;	/* -h */
	int		 do_apparent;	/* -A */
	int		 do_xdev;	/* -x */
	uint64_t	 do_blocksize;	/* bytes per unit printed */
};

/* The state of a run over all operands. */
struct du_run {
	struct du_opts	 dr_o;
	int64_t		*dr_sums;	/* per level: the open directory */
	size_t		 dr_cap;
	struct fsu_inoset *dr_links;	/* files with links, counted */
	dev_t		 dr_dev;	/* the operand's device (-x) */
	int64_t		 dr_total;	/* -c */
	int		 dr_failed;
};

/* The 512-byte blocks a file counts for. */
static int64_t
du_blocks(const struct du_run *r, const struct stat *st)
{
	if (r->dr_o.do_apparent)
		return st->st_size > 0 ? (st->st_size + 511) / 512 : 0;
	return st->st_blocks > 0 ? st->st_blocks : 0;
}

static void
du_print(const struct du_run *r, int64_t blocks, const char *path)
{
	char buf[16];
	uint64_t bytes = (uint64_t)blocks * 512;

	if (r->dr_o.do_human) {
		fsu_humanize(buf, sizeof(buf), bytes);
		printf("%s\t%s\n", buf, path);
	} else
		printf("%ju\t%s\n", (uintmax_t)((bytes + r->dr_o.do_blocksize -
		    1) / r->dr_o.do_blocksize), path);
}

/* The sum of the directory at depth: make room for it. */
static int64_t *
du_level(struct du_run *r, size_t depth)
{
	size_t ncap;
	int64_t *p;

	if (depth >= r->dr_cap) {
		ncap = r->dr_cap == 0 ? 32 : r->dr_cap * 2;
		while (ncap <= depth)
			ncap *= 2;
		if ((p = realloc(r->dr_sums, ncap * sizeof(*p))) == NULL)
			fsu_err(1, NULL);
		r->dr_sums = p;
		r->dr_cap = ncap;
	}
	return &r->dr_sums[depth];
}

/* Add blocks to the directory holding an entry at depth (or the total). */
static void
du_add(struct du_run *r, int depth, int64_t blocks)
{
	if (depth > 0)
		*du_level(r, (size_t)depth - 1) += blocks;
	else
		r->dr_total += blocks;
}

static int
shown(const struct du_run *r, int depth)
{
	return r->dr_o.do_maxdepth < 0 || depth <= r->dr_o.do_maxdepth;
}

static int
du_visit(struct ukfs *fs, struct fsu_walk_ent *we, void *arg)
{
	struct du_run *r = arg;
	const struct stat *st = &we->we_st;
	int64_t blocks;
	int new;

	(void)fs;
	switch (we->we_info) {
	case FSU_W_ERR:
		fflush(stdout);
		fsu_walk_warn(we);
		r->dr_failed = 1;
		return 0;
	case FSU_W_D:
		if (we->we_depth == 0)
			r->dr_dev = st->st_dev;
		else if (r->dr_o.do_xdev && st->st_dev != r->dr_dev)
			return FSU_WALK_SKIP;
		*du_level(r, (size_t)we->we_depth) = du_blocks(r, st);
		return 0;
	case FSU_W_DP:
		blocks = *du_level(r, (size_t)we->we_depth);
		if (shown(r, we->we_depth))
			du_print(r, blocks, we->we_path);
		du_add(r, we->we_depth, blocks);
		return 0;
	default:
		if (r->dr_o.do_xdev && we->we_depth > 0 &&
		    st->st_dev != r->dr_dev)
			return 0;
		if (st->st_nlink > 1 && !S_ISDIR(st->st_mode)) {
			if ((new = fsu_inoset_add(r->dr_links,
			    (uint64_t)st->st_dev, (uint64_t)st->st_ino)) == -1)
				fsu_err(1, NULL);
			if (!new)
				return 0;
		}
		blocks = du_blocks(r, st);
		if (we->we_depth == 0 || (r->dr_o.do_all &&
		    shown(r, we->we_depth)))
			du_print(r, blocks, we->we_path);
		du_add(r, we->we_depth, blocks);
		return 0;
	}
}

static int
parse_depth(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v > INT_MAX)
		fsu_errx(1, "invalid argument to option d: %s", s);
	return (int)v;
}

static void
du_options(int argc, char **argv, struct du_opts *o)
{
	int ch, sflag = 0, dflag = 0;

	memset(o, 0, sizeof(*o));
	o->do_maxdepth = -1;
	o->do_blocksize = fsu_getblocksize();
	while ((ch = getopt(argc, argv, "+Aachkmd:sxHLP")) != -1) {
		switch (ch) {
		case 'A':
			o->do_apparent = 1;
			break;
		case 'a':
			o->do_all = 1;
			break;
		case 'c':
			o->do_total = 1;
			break;
		case 'd':
			dflag = 1;
			o->do_maxdepth = parse_depth(optarg);
			break;
		case 'h':
			o->do_human = 1;
			break;
		case 'k':
			o->do_human = 0;
			o->do_blocksize = 1024;
			break;
		case 'm':
			o->do_human = 0;
			o->do_blocksize = 1024 * 1024;
			break;
		case 's':
			sflag = 1;
			break;
		case 'x':
			o->do_xdev = 1;
			break;
		case 'H':
			o->do_walkflags = FSU_WALK_FOLLOW | FSU_WALK_SLNONE;
			break;
		case 'L':
			o->do_walkflags = FSU_WALK_LOGICAL | FSU_WALK_SLNONE;
			break;
		case 'P':
			o->do_walkflags = 0;
			break;
		default:
			fsu_usage();
		}
	}
	if ((sflag && (dflag || o->do_all)) || (dflag && o->do_all &&
	    o->do_maxdepth < 0))
		fsu_usage();
	if (sflag)
		o->do_maxdepth = 0;
}

static int
du_main(struct ukfs *fs, int argc, char **argv)
{
	static char root[] = "/";
	static char *noargs[] = { root, NULL };
	struct du_run r;
	int rv = 0;

	memset(&r, 0, sizeof(r));
	du_options(argc, argv, &r.dr_o);
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = noargs;
	}
	if ((r.dr_links = fsu_inoset_new()) == NULL)
		fsu_err(1, NULL);
	for (; argc > 0; argc--, argv++) {
		if (argv[0][0] == '\0') {
			errno = ENOENT;
			fsu_warn("%s", argv[0]);
			rv = 1;
			continue;
		}
		rv |= fsu_walk(fs, argv[0], r.dr_o.do_walkflags, du_visit,
		    &r) != 0;
	}
	if (r.dr_o.do_total)
		du_print(&r, r.dr_total, "total");
	free(r.dr_sums);
	fsu_inoset_free(r.dr_links);
	return rv | r.dr_failed;
}

const struct fsu_prog fsu_du_prog = {
	.fp_name = "du",
	.fp_flags = FSU_RDONLY,
	.fp_usage = DU_USAGE,
	.fp_main = du_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_du_prog, argc, argv);
}
#endif
