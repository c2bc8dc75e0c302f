/*
 * ecp.h: what the parts of fsu_ecp (fsu_get, fsu_put) share.
 */
#ifndef _FSU_ECP_ECP_H_
#define _FSU_ECP_ECP_H_

#include <sys/types.h>
#include <sys/stat.h>

#include <stdint.h>

#include "ukfs.h"

#define ECP_BUFSIZE	(1024 * 1024)	/* one read or write */

/* A growing path, for messages and for the hard-link table. */
struct ecp_path {
	char		*ep_buf;
	size_t		 ep_len;
	size_t		 ep_cap;
};

/* The state of one run. */
struct ecp {
	struct ukfs	*e_fs;		/* the image written to or read */
	struct ukfs	*e_sfs;		/* xfer: the image read */
	int		 e_Lflag;	/* follow symbolic links */
	int		 e_pflag;	/* owners and flags too */
	int		 e_Rflag;	/* recursive */
	int		 e_vflag;	/* name each copy */
	char		*e_buf;		/* ECP_BUFSIZE bytes */
	struct ecp_links *e_links;	/* files with several links */
	struct ecp_path	 e_src;		/* source of the entry */
	struct ecp_path	 e_dst;		/* target of the entry */
	struct ecp_path	 e_rel;		/* target, from the target directory */
	struct stat	*e_dirs;	/* put: directories being copied */
	size_t		 e_ndirs, e_capdirs;
};

/*
 * ecp_get.c: copy image path src (shown as target dst) into host
 * directory fd as name.
 */
int	ecp_get(struct ecp *, const char *, const char *, int, const char *);
/* ecp_put.c: copy host path src into the image's directory dir as name. */
int	ecp_put(struct ecp *, const char *, const char *, const char *);
/*
 * ecp_xfer.c: copy path src of image e_sfs into directory dir of image
 * e_fs as name.
 */
int	ecp_xfer(struct ecp *, const char *, const char *, const char *);

/* ecp_links.c: (device, inode) -> path of the first copy. */
struct ecp_links *ecp_links_new(void);
const char *ecp_links_find(struct ecp_links *, uint64_t, uint64_t);
int	ecp_links_add(struct ecp_links *, uint64_t, uint64_t, const char *);
void	ecp_links_free(struct ecp_links *);

/* ecp_util.c */
int	ecp_path_set(struct ecp_path *, size_t, const char *);
void	ecp_path_free(struct ecp_path *);
void	ecp_copied(struct ecp *);
int	ecp_host_getflags(int, uint32_t *);
int	ecp_host_setflags(int, uint32_t);

#endif /* !_FSU_ECP_ECP_H_ */
