/*
 * fsu_newfs: make a new file system in an image file, as NetBSD's newfs
 * does, without privileges; or the smallest one that holds a host tree,
 * an archive or an mtree manifest (-F).
 *
 *	fsu_newfs [-t fstype] [-p partition] [-v] [-N] [-q] [-B be|le]
 *	    [-b block-size] [-f frag-size] [-i bytes-per-inode] [-J size=MiB]
 *	    [-L label] [-m free-space] [-n inodes] [-O format | -O features]
 *	    [-o time|space] [-s size | -F source [-e space] [-E inodes]] image
 *
 * -t ext2, ext3 and ext4 are the kernel's ext2fs with type=...; -O with a
 * number is the format (UFS 1 or 2, FAT 12, 16 or 32), otherwise mke2fs's
 * feature list (name,^name,...), passed on as features=name:^name.
 *
 * The file system is made by the kernel (ukfs_newfs); this program only
 * turns the options into the type's option string and, with -F, describes
 * the contents to fit (newfs_content.c).
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsu.h"
#include "newfs.h"
#include "ukfs.h"

static const char usage_line[] =
    "usage: fsu_newfs [-t fstype] [-p partition] [-v] [-N] [-q] "
    "[-B be|le] [-b block-size]\n"
    "                 [-f frag-size] [-i bytes-per-inode] [-J size=MiB] "
    "[-L label]\n"
    "                 [-m free-space] [-n inodes] "
    "[-O 1|2|12|16|32 | -O [^]feature,...]\n"
    "                 [-o time|space] "
    "[-s size | -F source [-e space] [-E inodes]] image\n";

struct newfs_opts {
	const char	*no_fstype;
	const char	*no_part;
	const char	*no_image;
	const char	*no_source;	/* -F */
	int		 no_dryrun;	/* -N */
	int		 no_quiet;	/* -q */
	int		 no_inodes;	/* -E given */
	uint64_t	 no_size;	/* -s, bytes */
	char		 no_kopts[512];	/* the type's options */
	char		 no_feats[256];	/* -O features, ':'-separated */
	int		 no_jsize;	/* -J given */
	struct ukfs_newfs no_un;
};

static void
usage(void)
{
	fputs(usage_line, stderr);
	exit(1);
}

/*
 * A size: a number with an optional suffix, b (bytes), s (sectors), k,
 * m, g, t; plain numbers are in units of unit bytes.  -1 on error.
 */
int64_t
newfs_parse_size(const char *s, uint64_t unit)
{
	unsigned long long v;
	uint64_t mul = unit;
	char *end;

	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'b': case 'B': mul = 1; end++; break;
	case 's': case 'S': mul = 512; end++; break;
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 't': case 'T': mul = 1ULL << 40; end++; break;
	default:
		return -1;
	}
	if (*end != '\0' || (mul != 0 && v > (uint64_t)INT64_MAX / mul))
		return -1;
	return (int64_t)(v * mul);
}

/* A number or a percentage ("10%"); -1 on error. */
static int64_t
parse_amount(const char *s, uint64_t unit, unsigned *pctp)
{
	size_t len = strlen(s);
	char buf[32];
	int64_t v;

	*pctp = 0;
	if (len > 1 && len < sizeof(buf) && s[len - 1] == '%') {
		memcpy(buf, s, len - 1);
		buf[len - 1] = '\0';
		v = newfs_parse_size(buf, 1);
		if (v < 0 || v >= 100)
			return -1;
		*pctp = (unsigned)v;
		return 0;
	}
	return newfs_parse_size(s, unit);
}

/* Append "key=value" to the type's options. */
static void
kopt(struct newfs_opts *no, const char *key, const char *val)
{
	size_t len = strlen(no->no_kopts);
	int n;

	n = snprintf(no->no_kopts + len, sizeof(no->no_kopts) - len, "%s%s=%s",
	    len > 0 ? "," : "", key, val);
	if (n < 0 || (size_t)n >= sizeof(no->no_kopts) - len) {
		fprintf(stderr, "fsu_newfs: too many options\n");
		exit(1);
	}
}

/* A numeric option: a size with suffixes, passed on in bytes. */
static void
kopt_size(struct newfs_opts *no, const char *key, const char *arg,
    const char *what)
{
	char buf[32];
	int64_t v;

	if ((v = newfs_parse_size(arg, 1)) <= 0) {
		fprintf(stderr, "fsu_newfs: bad %s \"%s\"\n", what, arg);
		exit(1);
	}
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	kopt(no, key, buf);
}

/*
 * -O name,^name,...: features (mke2fs's names) set or cleared, gathered
 * from every -O and passed on ':'-separated.
 */
static void
feature_opt(struct newfs_opts *no, const char *arg)
{
	size_t len = strlen(no->no_feats), n = strlen(arg), i;

	if (n == 0 || strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789_^,-")
	    != n) {
		fprintf(stderr, "fsu_newfs: bad feature list \"%s\" (names "
		    "as mke2fs's, ^ to clear, separated by commas)\n", arg);
		exit(1);
	}
	if (len + n + 2 > sizeof(no->no_feats)) {
		fprintf(stderr, "fsu_newfs: too many features\n");
		exit(1);
	}
	if (len > 0)
		no->no_feats[len++] = ':';
	for (i = 0; i <= n; i++)
		no->no_feats[len + i] = arg[i] == ',' ? ':' : arg[i];
}

/* -J size=N: the journal's size in MiB, as mke2fs takes it. */
static void
journal_opt(struct newfs_opts *no, const char *arg)
{
	int64_t v = -1;

	if (strncmp(arg, "size=", 5) == 0)
		v = newfs_parse_size(arg + 5, 1);
	if (v <= 0 || strspn(arg + 5, "0123456789") != strlen(arg + 5)) {
		fprintf(stderr, "fsu_newfs: the journal option is size=N (N "
		    "MiB), not \"%s\"\n", arg);
		exit(1);
	}
	kopt(no, "jsize", arg + 5);
	no->no_jsize = 1;
}

static void
parse_args(int argc, char **argv, struct newfs_opts *no)
{
	struct ukfs_newfs *un = &no->no_un;
	int ch, pow2;
	int64_t v;

	memset(no, 0, sizeof(*no));
	no->no_fstype = "ffs";
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		fputs(usage_line, stdout);
		exit(0);
	}
	opterr = 1;
	while ((ch = getopt(argc, argv,
	    "B:b:E:e:F:f:i:J:L:m:Nn:O:o:p:qs:t:v")) != -1) {
		switch (ch) {
		case 'B':
			if (strcmp(optarg, "be") != 0 &&
			    strcmp(optarg, "le") != 0) {
				fprintf(stderr, "fsu_newfs: byte order is be "
				    "or le, not \"%s\"\n", optarg);
				exit(1);
			}
			kopt(no, "order", optarg);
			break;
		case 'b':
		case 'f':
			v = newfs_parse_size(optarg, 1);
			pow2 = v > 0 && (v & (v - 1)) == 0;
			if (!pow2 || v < 512 || v > 65536) {
				fprintf(stderr, "fsu_newfs: %s size \"%s\" is "
				    "not a power of two from 512 to 65536\n",
				    ch == 'b' ? "block" : "fragment", optarg);
				exit(1);
			}
			kopt_size(no, ch == 'b' ? "bsize" : "fsize", optarg,
			    "size");
			break;
		case 'E':
			v = parse_amount(optarg, 1, &un->un_freefpct);
			if (v < 0) {
				fprintf(stderr, "fsu_newfs: bad free inode "
				    "count \"%s\"\n", optarg);
				exit(1);
			}
			un->un_freefiles = (uint64_t)v;
			no->no_inodes = 1;
			break;
		case 'e':
			v = parse_amount(optarg, 1, &un->un_freepct);
			if (v < 0) {
				fprintf(stderr, "fsu_newfs: bad free space "
				    "\"%s\"\n", optarg);
				exit(1);
			}
			un->un_freebytes = (uint64_t)v;
			break;
		case 'F':
			no->no_source = optarg;
			break;
		case 'i':
			kopt_size(no, "density", optarg, "bytes per inode");
			break;
		case 'J':
			journal_opt(no, optarg);
			break;
		case 'L':
			if (strlen(optarg) > 31 || strchr(optarg, ',') !=
			    NULL) {
				fprintf(stderr, "fsu_newfs: the label must be "
				    "at most 31 bytes, without commas\n");
				exit(1);
			}
			kopt(no, "label", optarg);
			break;
		case 'm':
			v = newfs_parse_size(optarg, 1);
			if (v < 0 || v > 99) {
				fprintf(stderr, "fsu_newfs: free space "
				    "\"%s\" is not a percentage from 0 to "
				    "99\n", optarg);
				exit(1);
			}
			kopt(no, "minfree", optarg);
			break;
		case 'N':
			no->no_dryrun = 1;
			break;
		case 'n':
			kopt_size(no, "inodes", optarg, "inode count");
			break;
		case 'O':
			/* The type checks the value: 1|2, 12|16|32. */
			if (optarg[0] < '0' || optarg[0] > '9') {
				feature_opt(no, optarg);
				break;
			}
			if (strspn(optarg, "0123456789") != strlen(optarg) ||
			    strlen(optarg) > 2) {
				fprintf(stderr, "fsu_newfs: format is 1 or 2 "
				    "(UFS1, UFS2), or 12, 16 or 32 (FAT), not "
				    "\"%s\"\n", optarg);
				exit(1);
			}
			kopt(no, "format", optarg);
			break;
		case 'o':
			if (strcmp(optarg, "time") != 0 &&
			    strcmp(optarg, "space") != 0) {
				fprintf(stderr, "fsu_newfs: optimization is "
				    "time or space, not \"%s\"\n", optarg);
				exit(1);
			}
			kopt(no, "optim", optarg);
			break;
		case 'p':
			no->no_part = optarg;
			break;
		case 'q':
			no->no_quiet = 1;
			break;
		case 's':
			v = newfs_parse_size(optarg, 512);
			if (v <= 0) {
				fprintf(stderr, "fsu_newfs: bad size \"%s\"\n",
				    optarg);
				exit(1);
			}
			no->no_size = (uint64_t)v & ~(uint64_t)511;
			break;
		case 't':
			no->no_fstype = optarg;
			if (strcmp(optarg, "ext2") == 0 ||
			    strcmp(optarg, "ext3") == 0 ||
			    strcmp(optarg, "ext4") == 0) {
				no->no_fstype = "ext2fs";
				kopt(no, "type", optarg);
			}
			break;
		case 'v':
			fsu_verbose = 1;
			break;
		default:
			usage();
		}
	}
	if ((no->no_feats[0] != '\0' || no->no_jsize) &&
	    strcmp(no->no_fstype, "ext2fs") != 0) {
		fprintf(stderr, "fsu_newfs: -O features and -J are for ext2, "
		    "ext3 and ext4\n");
		exit(1);
	}
	if (no->no_feats[0] != '\0')
		kopt(no, "features", no->no_feats);
	argc -= optind;
	argv += optind;
	if (argc == 1)
		no->no_image = argv[0];
	else if (argc == 0 && (no->no_image = getenv("FSU_DEVICE")) == NULL &&
	    !no->no_dryrun)
		usage();
	else if (argc > 1)
		usage();
	if (no->no_source != NULL && no->no_size != 0) {
		fprintf(stderr, "fsu_newfs: -s and -F exclude each other\n");
		exit(1);
	}
	if (no->no_source == NULL && (un->un_freebytes != 0 ||
	    un->un_freepct != 0 || no->no_inodes)) {
		fprintf(stderr, "fsu_newfs: -e and -E go with -F\n");
		exit(1);
	}
	if (strcmp(no->no_fstype, "msdos") == 0 && no->no_inodes) {
		fprintf(stderr, "fsu_newfs: -E does not apply to msdos (FAT "
		    "has no inodes)\n");
		exit(1);
	}
}

static void
print_line(void *arg, const char *line)
{
	const struct newfs_opts *no = arg;

	if (!no->no_quiet)
		printf("%s: %s\n", no->no_image != NULL ? no->no_image : "-",
		    line);
}

/* Why ukfs_newfs failed, in words. */
static void
newfs_failed(const struct newfs_opts *no, int e)
{
	const char *img = no->no_image != NULL ? no->no_image : "-";

	if (e == ENODEV)
		fprintf(stderr, "fsu_newfs: unknown file system type \"%s\"\n",
		    no->no_fstype);
	else if (e == EOPNOTSUPP && no->no_source != NULL)
		fprintf(stderr, "fsu_newfs: -F is not available for %s yet: "
		    "give the size with -s\n", no->no_fstype);
	else if (e == EOPNOTSUPP)
		fprintf(stderr, "fsu_newfs: making %s file systems is not "
		    "supported\n", no->no_fstype);
	else if (e == EBUSY)
		fprintf(stderr, "fsu_newfs: %s: image is busy (another "
		    "command is using it)\n", img);
	else if (e == EFBIG && no->no_source != NULL)
		fprintf(stderr, "fsu_newfs: %s: the contents of %s are too "
		    "large for a file system\n", img, no->no_source);
	else if (e == EFBIG && no->no_part == NULL)
		fprintf(stderr, "fsu_newfs: %s: the host cannot hold an image "
		    "that large\n", img);
	else if (e == EFBIG)
		fprintf(stderr, "fsu_newfs: %s: the file system does not fit "
		    "in the partition\n", img);
	else if (e == EINVAL && no->no_size == 0 && no->no_source == NULL)
		fprintf(stderr, "fsu_newfs: %s: give the size with -s (the "
		    "image is empty or too small)\n", img);
	else if (e == EINVAL)
		fprintf(stderr, "fsu_newfs: %s: these parameters make no "
		    "file system (see above)\n", img);
	else if (e == ENOENT && no->no_part != NULL)
		fprintf(stderr, "fsu_newfs: %s: no partition %s\n", img,
		    no->no_part);
	else
		fprintf(stderr, "fsu_newfs: %s: %s\n", img, strerror(e));
}

/* The program, callable with its arguments. */
int
newfs_main(int argc, char **argv)
{
	struct newfs_opts no;
	struct newfs_content nc;
	struct ukfs_newfs *un = &no.no_un;
	int flags = 0, existed, e;

	parse_args(argc, argv, &no);
	memset(&nc, 0, sizeof(nc));
	if (no.no_source != NULL) {
		if (newfs_content_load(no.no_source, &nc) != 0)
			return 1;
		un->un_ent = nc.nc_ent;
		un->un_nent = nc.nc_count;
	}
	un->un_size = no.no_size;
	un->un_opts = no.no_kopts;
	un->un_print = print_line;
	un->un_arg = &no;
	if (no.no_dryrun)
		un->un_flags |= UKFS_NEWFS_DRYRUN;
	if (fsu_verbose)
		flags |= UKFS_VERBOSE;
	/* An image this command creates is removed again if it fails. */
	existed = no.no_image == NULL || no.no_dryrun ||
	    access(no.no_image, F_OK) == 0 || errno != ENOENT;
	if (ukfs_newfs(no.no_fstype, no.no_image, no.no_part, flags, un) ==
	    -1) {
		e = errno;
		if (!existed)
			(void)unlink(no.no_image);
		newfs_failed(&no, e);
		newfs_content_free(&nc);
		return 1;
	}
	if (no.no_source != NULL && !no.no_quiet)
		printf("%s: %" PRIu64 " bytes for the %zu entries of %s\n",
		    no.no_image != NULL ? no.no_image : "-", un->un_fssize,
		    nc.nc_count - 1, no.no_source);
	newfs_content_free(&nc);
	fflush(stdout);
	if (ferror(stdout)) {
		fprintf(stderr, "fsu_newfs: stdout: write error\n");
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	return newfs_main(argc, argv);
}
