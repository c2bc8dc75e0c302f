/*
 * find.h: what the files of fsu_find share: the expression tree, the
 * global options, and the functions of parse.c, eval.c and ls.c.
 *
 * An expression is parsed into a tree of nodes: operators (and, or,
 * not) and primaries, each primary with its parsed argument.  Every
 * file the walk visits is evaluated against the tree, left to right,
 * with the usual short cuts.
 */
#ifndef _FSU_FIND_FIND_H_
#define _FSU_FIND_FIND_H_

#include <sys/types.h>
#include <sys/stat.h>

#include <stdint.h>
#include <time.h>

#include "fsu.h"

/* Node kinds. */
#define N_AND		1
#define N_OR		2
#define N_NOT		3
#define N_PRIM		4

/* -iname, -ipath: n_str is lower case, compare the name so. */
#define FIND_CASEFOLD	1

/* How a number compares: "+n", "-n" or "n". */
#define CMP_GT		1
#define CMP_LT		2
#define CMP_EQ		3

struct find_ctx;
struct node;

typedef int (*find_evalfn)(struct node *, struct find_ctx *);

struct node {
	int		 n_kind;	/* N_* */
	struct node	*n_left;	/* operands of N_AND, N_OR, N_NOT */
	struct node	*n_right;
	const char	*n_name;	/* the primary, for messages */
	find_evalfn	 n_eval;	/* N_PRIM */
	/* Arguments of primaries. */
	const char	*n_str;		/* a pattern */
	int		 n_flags;	/* fnmatch(3) flags, -perm kind, ... */
	int		 n_cmp;		/* CMP_* */
	int64_t		 n_num;		/* a number */
	int64_t		 n_unit;	/* -size, -mtime: its unit */
	struct timespec	 n_time;	/* -newer */
};

/* Options that hold for the whole run (and primaries that set them). */
struct find_opts {
	int		 fo_walkflags;	/* FSU_WALK_* of -H, -L, -P */
	int		 fo_depth;	/* -d, -depth, -delete: post-order */
	int		 fo_xdev;	/* -x, -xdev */
	int		 fo_mindepth;	/* -mindepth, or -1 */
	int		 fo_maxdepth;	/* -maxdepth, or -1 */
	int		 fo_delete;	/* -delete is present */
	int		 fo_output;	/* a primary prints (no -print added) */
	time_t		 fo_now;	/* when the run started */
};

/* The file being evaluated. */
struct find_ctx {
	struct ukfs		*fc_fs;
	struct fsu_walk_ent	*fc_we;
	const char		*fc_name;	/* last component */
	int			 fc_prune;	/* -prune was true */
	int			 fc_failed;	/* an error was reported */
};

extern struct find_opts find_opt;

/* parse.c */
struct node	*find_parse(struct ukfs *, int, char **);
void		 find_free(struct node *);

/* eval.c */
int		 find_eval(struct node *, struct find_ctx *);
int		 find_stat(struct find_ctx *);

/* eval.c: the primaries */
int	f_always(struct node *, struct find_ctx *);
int	f_never(struct node *, struct find_ctx *);
int	f_name(struct node *, struct find_ctx *);
int	f_path(struct node *, struct find_ctx *);
int	f_type(struct node *, struct find_ctx *);
int	f_size(struct node *, struct find_ctx *);
int	f_time(struct node *, struct find_ctx *);
int	f_newer(struct node *, struct find_ctx *);
int	f_uid(struct node *, struct find_ctx *);
int	f_gid(struct node *, struct find_ctx *);
int	f_nouser(struct node *, struct find_ctx *);
int	f_nogroup(struct node *, struct find_ctx *);
int	f_perm(struct node *, struct find_ctx *);
int	f_links(struct node *, struct find_ctx *);
int	f_inum(struct node *, struct find_ctx *);
int	f_empty(struct node *, struct find_ctx *);
int	f_prune(struct node *, struct find_ctx *);
int	f_print(struct node *, struct find_ctx *);
int	f_print0(struct node *, struct find_ctx *);
int	f_ls(struct node *, struct find_ctx *);
int	f_delete(struct node *, struct find_ctx *);

/* ls.c */
void	find_printlong(struct find_ctx *);

#endif /* !_FSU_FIND_FIND_H_ */
