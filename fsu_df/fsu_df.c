/*
 * fsu_df: display the free space of the file system in an image, with
 * the options and the output of BSD df(1): one line for the image (or
 * one per file operand, all of them on the one file system).
 *
 * The numbers come from ukfs_statvfs(): the file system's own totals
 * (for FFS the superblock's summary, kept current by every writer).
 * Used space is the data area less the free space; the capacity is used
 * space over used plus available, rounded up, as POSIX asks.
 */
#include <sys/types.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "ukfs.h"

#define DF_USAGE	"[-hikP] [file ...]"

struct df_opts {
	int		 do_human;	/* -h */
	int		 do_inodes;	/* -i */
	int		 do_posix;	/* -P */
	uint64_t	 do_blocksize;	/* bytes per unit */
	char		 do_header[32];	/* "512-blocks", "1K-blocks", ... */
};

/* The percentage part/whole, rounded up; 100 for an empty whole. */
static unsigned
percent(uint64_t part, uint64_t whole)
{
	if (whole == 0)
		return part == 0 ? 0 : 100;
	return (unsigned)((part * 100 + whole - 1) / whole);
}

/* "512-blocks", "1K-blocks", "2M-blocks" (-P: bytes, "1024-blocks"). */
static void
make_header(struct df_opts *o)
{
	uint64_t bs = o->do_blocksize;

	if (o->do_posix || bs < 1024 || bs % 1024 != 0)
		snprintf(o->do_header, sizeof(o->do_header), "%ju-blocks",
		    (uintmax_t)bs);
	else if (bs % (1024 * 1024) != 0)
		snprintf(o->do_header, sizeof(o->do_header), "%juK-blocks",
		    (uintmax_t)(bs / 1024));
	else if (bs % (1024 * 1024 * 1024) != 0)
		snprintf(o->do_header, sizeof(o->do_header), "%juM-blocks",
		    (uintmax_t)(bs / (1024 * 1024)));
	else
		snprintf(o->do_header, sizeof(o->do_header), "%juG-blocks",
		    (uintmax_t)(bs / (1024 * 1024 * 1024)));
}

/* A number of fragments as the options show it. */
static void
amount(const struct df_opts *o, uint64_t frags, uint64_t frsize, char *buf,
    size_t len)
{
	uint64_t bytes = frags * frsize;

	if (o->do_human)
		fsu_humanize(buf, len, bytes);
	else
		snprintf(buf, len, "%ju", (uintmax_t)((bytes +
		    o->do_blocksize - 1) / o->do_blocksize));
}

static void
print_header(const struct df_opts *o, int namew)
{
	if (o->do_posix) {
		printf("Filesystem %s Used Available Capacity Mounted on\n",
		    o->do_header);
		return;
	}
	printf("%-*s %10s %10s %10s %%Cap", namew, "Filesystem",
	    o->do_human ? "Size" : o->do_header, "Used", "Avail");
	if (o->do_inodes)
		printf(" %8s %8s %%iCap", "iUsed", "iAvail");
	printf(" Mounted on\n");
}

static void
print_line(const struct df_opts *o, const struct statvfs *sv, int namew)
{
	char total[32], used[32], avail[32];
	uint64_t u, iu;

	u = sv->f_blocks > sv->f_bfree ? sv->f_blocks - sv->f_bfree : 0;
	amount(o, sv->f_blocks, sv->f_frsize, total, sizeof(total));
	amount(o, u, sv->f_frsize, used, sizeof(used));
	amount(o, sv->f_bavail, sv->f_frsize, avail, sizeof(avail));
	if (o->do_posix) {
		printf("%s %s %s %s %u%% /\n", fsu_image_name(), total, used,
		    avail, percent(u, u + sv->f_bavail));
		return;
	}
	printf("%-*s %10s %10s %10s %3u%%", namew, fsu_image_name(), total,
	    used, avail, percent(u, u + sv->f_bavail));
	if (o->do_inodes) {
		iu = sv->f_files > sv->f_ffree ? sv->f_files - sv->f_ffree : 0;
		printf(" %8ju %8ju %4u%%", (uintmax_t)iu,
		    (uintmax_t)sv->f_ffree, percent(iu, sv->f_files));
	}
	printf(" /\n");
}

static void
df_options(int argc, char **argv, struct df_opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));
	o->do_blocksize = fsu_getblocksize();
	while ((ch = getopt(argc, argv, "+hikP")) != -1) {
		switch (ch) {
		case 'h':
			o->do_human = 1;
			break;
		case 'i':
			o->do_inodes = 1;
			break;
		case 'k':
			o->do_human = 0;
			o->do_blocksize = 1024;
			break;
		case 'P':
			o->do_posix = 1;
			break;
		default:
			fsu_usage();
		}
	}
	if (o->do_posix) {
		/* POSIX: 512-byte units, or 1024 with -k; no -h, no -i. */
		if (o->do_blocksize != 1024)
			o->do_blocksize = 512;
		o->do_human = o->do_inodes = 0;
	}
	make_header(o);
}

static int
df_main(struct ukfs *fs, int argc, char **argv)
{
	static char root[] = "/";
	static char *noargs[] = { root, NULL };
	struct df_opts o;
	struct statvfs sv;
	int namew, rv = 0, header = 0;

	df_options(argc, argv, &o);
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = noargs;
	}
	namew = (int)strlen(fsu_image_name());
	if (namew < 10)
		namew = 10;
	for (; argc > 0; argc--, argv++) {
		if (argv[0][0] == '\0' ||
		    ukfs_statvfs(fs, argv[0], &sv) == -1) {
			if (argv[0][0] == '\0')
				errno = ENOENT;
			fsu_warn("%s", argv[0]);
			rv = 1;
			continue;
		}
		if (!header++)
			print_header(&o, namew);
		print_line(&o, &sv, namew);
	}
	return rv;
}

const struct fsu_prog fsu_df_prog = {
	.fp_name = "df",
	.fp_flags = FSU_RDONLY,
	.fp_usage = DF_USAGE,
	.fp_main = df_main,
};

#ifndef FSU_BATCH
int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_df_prog, argc, argv);
}
#endif
