/*
 * chown_common.h: the body shared by fsu_chown and fsu_chgrp.
 */
#ifndef _FSU_CHOWN_CHOWN_COMMON_H_
#define _FSU_CHOWN_CHOWN_COMMON_H_

/* Run chown (ischgrp 0) or chgrp (ischgrp 1); does not return. */
void	chown_main(int, char **, int) __attribute__((__noreturn__));

#endif /* !_FSU_CHOWN_CHOWN_COMMON_H_ */
