/*
 * kern_init.c: the boot table and halt.
 *
 * Order matters and is written down once, here: memory accounting first
 * (everything allocates), then the kernel lock, then the subsystems in
 * dependency order.  Nothing is preallocated: each subsystem sets up only
 * what it needs to answer its first request, so booting costs
 * microseconds.  Halt walks the table backwards.
 */
#include "sys/param.h"
#include "sys/init.h"
#include "sys/kmem.h"
#include "sys/lock.h"
#include "sys/systm.h"
#include "sys/buf.h"
#include "sys/genfs.h"
#include "sys/mount.h"
#include "sys/proc.h"
#include "sys/vnode.h"
#include "dev/blk.h"

extern struct kmutex kernel_lock;


static int
kern_lock_init(void)
{
	return mutex_init(&kernel_lock);
}

static void
kern_lock_fini(void)
{
	mutex_destroy(&kernel_lock);
}

static int
kern_verbose_init(void)
{
	char buf[16];

	kernel_verbose = kparam_get("RUMP_VERBOSE", buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0' && buf[0] != '0';
	return 0;
}

static const struct boot_step {
	const char	*bs_name;
	int		(*bs_init)(void);
	void		(*bs_fini)(void);
} boot_table[] = {
	{ "verbose",	kern_verbose_init,	NULL },
	{ "kmem",	kmem_init,		kmem_fini },
	{ "blk",	blk_init,		NULL },
	{ "kernel_lock", kern_lock_init,	kern_lock_fini },
	{ "vcache",	vfs_vnode_init,		vfs_vnode_fini },
	{ "bufcache",	bufinit,		buffini },
	{ "pagecache",	vfs_page_init,		vfs_page_fini },
	{ "vfs",	vfs_init,		vfs_fini },
	{ "proc0",	vfs_proc0_init,		vfs_proc0_fini },
};

static int boot_done;		/* number of steps completed */
static bool booted;

int
kern_boot(void)
{
	int error, i;

	if (booted)
		return 0;
	for (i = 0; i < (int)__arraycount(boot_table); i++) {
		error = boot_table[i].bs_init();
		if (error != 0) {
			kprintf("kernel: boot step %s failed (error %d)\n",
			    boot_table[i].bs_name, error);
			boot_done = i;
			kern_halt();
			return error;
		}
	}
	boot_done = i;
	booted = true;
	kverbose("kernel: booted\n");
	return 0;
}

void
kern_halt(void)
{
	int i;

	for (i = boot_done - 1; i >= 0; i--)
		if (boot_table[i].bs_fini != NULL)
			boot_table[i].bs_fini();
	boot_done = 0;
	booted = false;
}

bool
kern_booted(void)
{
	return booted;
}
