/*
 * ls.h: what the files of fsu_ls share: the options, one listed entry,
 * a listing (the entries printed together, with their column widths
 * computed over all of them), and the helpers of util.c, cmp.c and
 * print.c.
 */
#ifndef _FSU_LS_LS_H_
#define _FSU_LS_LS_H_

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Output formats (-1, -C, -x, -l). */
#define FMT_ONE		0
#define FMT_COLUMNS	1
#define FMT_ACROSS	2
#define FMT_LONG	3
#define FMT_NUL		4	/* -0: paths, each ended by a NUL */
#define FMT_JSON	5	/* --json: one object per entry */

/* Sort keys. */
#define SORT_NAME	0
#define SORT_TIME	1	/* -t */
#define SORT_SIZE	2	/* -S */
#define SORT_NONE	3	/* -f */

/* Which time -l shows and -t sorts by. */
#define TIME_MODIFY	0
#define TIME_CHANGE	1	/* -c */
#define TIME_ACCESS	2	/* -u */

/* Which entries of a directory are shown. */
#define SHOW_VISIBLE	0	/* names not starting with '.' */
#define SHOW_ALMOST	1	/* -A: all but . and .. */
#define SHOW_ALL	2	/* -a, -f */

struct ls_opts {
	int	o_format;	/* FMT_* */
	int	o_sort;		/* SORT_* */
	int	o_time;		/* TIME_* */
	int	o_show;		/* SHOW_* */
	int	o_dirplain;	/* -d: directories as plain entries */
	int	o_classify;	/* -F: suffix by type */
	int	o_slash;	/* -p: '/' after directories */
	int	o_human;	/* -h: human-readable sizes */
	int	o_inode;	/* -i */
	int	o_numeric;	/* -n: numeric owner and group */
	int	o_flags;	/* -o: file flags in the long format */
	int	o_recurse;	/* -R */
	int	o_reverse;	/* -r */
	int	o_blocks;	/* -s: allocated blocks per entry */
	int	o_fulltime;	/* -T */
	int	o_nonprint;	/* show non-printable characters as '?' */
	uint64_t o_blocksize;	/* bytes per block shown by -s and total */
	int	o_termwidth;	/* columns of the output for -C and -x */
	time_t	o_now;		/* reference for the six-month rule */
};

extern struct ls_opts ls_opt;

/*
 * One entry of a listing.  Without e_stat only e_name, e_ino and the type
 * bits of e_mode (from the directory entry) are valid.
 */
struct ls_entry {
	const char	*e_name;	/* as shown */
	const char	*e_target;	/* symlink target (-l), or NULL */
	const char	*e_xstat;	/* --json, -lo: a struct ukfs_stat's bytes */
	uint64_t	 e_ino;
	int64_t		 e_size;
	int64_t		 e_blocks;	/* 512-byte units */
	struct timespec	 e_time;	/* the time of -c/-u/mtime */
	dev_t		 e_rdev;
	uint32_t	 e_nlink;
	uint32_t	 e_uid;
	uint32_t	 e_gid;
	mode_t		 e_mode;
	int		 e_stat;	/* the stat fields are valid */
};

/*
 * Entries printed together; l_dir: a directory's contents (total line),
 * whose path (as shown) is l_path.
 */
struct ls_listing {
	struct ls_entry	**l_ents;
	size_t		 l_n;
	int		 l_dir;
	const char	*l_path;
};

/* A string arena: many small strings freed at once. */
struct ls_arena {
	struct ls_chunk	*a_head;
};

/* util.c */
const char	*ls_username(uint32_t);
const char	*ls_groupname(uint32_t);
void		 ls_timestr(char *, size_t, const struct timespec *);
size_t		 ls_namewidth(const char *);
size_t		 ls_putname(const char *);
char		*ls_arena_strdup(struct ls_arena *, const char *, size_t);
void		 ls_arena_free(struct ls_arena *);
void		*ls_xmalloc(size_t);
void		*ls_xreallocarray(void *, size_t, size_t);

/* cmp.c */
void		 ls_sort(struct ls_entry **, size_t);

/* print.c */
void		 ls_print(const struct ls_listing *);

#endif /* !_FSU_LS_LS_H_ */
