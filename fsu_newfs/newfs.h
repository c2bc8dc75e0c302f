/*
 * newfs.h: the parts of fsu_newfs.
 */
#ifndef _FSU_NEWFS_NEWFS_H_
#define _FSU_NEWFS_NEWFS_H_

#include <stddef.h>
#include <stdint.h>

#include "ukfs.h"

/* What -F describes: entry 0 is the root directory (ukfs_newfs). */
struct newfs_content {
	struct ukfs_newfs_ent	*nc_ent;
	size_t			 nc_count;
	size_t			 nc_cap;
};

/* newfs_content.c */
int	newfs_content_load(const char *, struct newfs_content *);
void	newfs_content_free(struct newfs_content *);

/* fsu_newfs.c */
int64_t	newfs_parse_size(const char *, uint64_t);
int	newfs_main(int, char **);

#endif /* !_FSU_NEWFS_NEWFS_H_ */
