/*
 * stat.h: what the files of fsu_stat share: the options that affect
 * output, one file's record, and the format interpreter of format.c.
 */
#ifndef _FSU_STAT_STAT_H_
#define _FSU_STAT_STAT_H_

#include <sys/types.h>

#include "ukfs.h"

#define STAT_TARGET_MAX	4096	/* longest symbolic link target shown */

struct stat_opts {
	const char	*so_timefmt;	/* strftime(3) format of dates */
	int		 so_nonl;	/* -n: no newline added */
	int		 so_quiet;	/* -q: no message on failure */
};

/* One operand as fsu_stat found it. */
struct stat_file {
	const char	*sf_name;	/* as given */
	struct ukfs_stat sf_us;		/* the image's attributes */
	dev_t		 sf_dev;	/* st_dev */
	int		 sf_fn;		/* its number among the operands */
};

/* format.c */
void	stat_check_format(const char *);
int	stat_output(struct ukfs *, const struct stat_opts *,
	    const struct stat_file *, const char *);

#endif /* !_FSU_STAT_STAT_H_ */
