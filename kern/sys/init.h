/*
 * init.h: boot and halt.  kern_boot() runs one ordered table of subsystem
 * initialisers; kern_halt() runs their finalisers in reverse order, so
 * that every subsystem is torn down after everything that depends on it.
 * Booting twice without a halt in between is a no-op that returns 0.
 */
#ifndef _KERN_SYS_INIT_H_
#define _KERN_SYS_INIT_H_

#include "ktypes.h"

int	kern_boot(void);
void	kern_halt(void);
bool	kern_booted(void);

#endif /* !_KERN_SYS_INIT_H_ */
