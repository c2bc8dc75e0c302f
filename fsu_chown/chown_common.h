/*
 * chown_common.h: the body shared by fsu_chown and fsu_chgrp.
 */
#ifndef _FSU_CHOWN_CHOWN_COMMON_H_
#define _FSU_CHOWN_CHOWN_COMMON_H_

struct ukfs;

/* Run chown (ischgrp 0) or chgrp (ischgrp 1); the exit status. */
int	chown_run(struct ukfs *, int, char **, int);

#endif /* !_FSU_CHOWN_CHOWN_COMMON_H_ */
