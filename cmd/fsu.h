/*
 * fsu.h: what every fsu_* program shares: the common options and the
 * mount of the image (fsu_mount), messages in the err(3) style that also
 * release the image before exiting, and small helpers.
 *
 * Command line of every program:
 *	fsu_PROG [-t fstype] [-o mntopts] [-p partition] [-v] image
 *	    [PROG options] [operands]
 * FSU_DEVICE (the image, which is then not given as an operand),
 * FSU_TYPE and FSU_MNTOPTS supply defaults for the image, -t and -o.
 */
#ifndef _CMD_FSU_H_
#define _CMD_FSU_H_

#include <sys/types.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "ukfs.h"

/* fsu_mount() flags. */
#define FSU_RDONLY	0x01	/* the program only reads the image */
#define FSU_JOURNALDATA	0x02	/* journal new file data too (fsu_batch) */

/*
 * A program's body, callable on an image already mounted, so that
 * fsu_batch runs every program in one process.  fp_main(fs, argc, argv)
 * gets argv[0] and the program's own options and operands (optind reset
 * for getopt), resets whatever state it keeps, and returns the exit
 * status (or ends with fsu_exit, fsu_err, fsu_errx or fsu_usage, which
 * come back to the batch instead of exiting).
 */
struct fsu_prog {
	const char	*fp_name;	/* "mkdir" for fsu_mkdir */
	int		 fp_flags;	/* fsu_mount() flags */
	const char	*fp_usage;	/* the program's part of the usage */
	int		(*fp_main)(struct ukfs *, int, char **);
};

/* main() of a program: mount the image, run fp_main, release, exit. */
void	fsu_prog_main(const struct fsu_prog *, int, char **)
	    __attribute__((__noreturn__));
/*
 * Run a program on an image mounted already (fsu_batch); messages are
 * prefixed with label.  Returns the exit status.
 */
int	fsu_prog_run(const struct fsu_prog *, struct ukfs *, int, char **,
	    const char *);
/* Running under fsu_prog_run? */
int	fsu_inbatch(void);
/* Release the image with nothing applied (UKFS_RELFLAG_ABORT). */
void	fsu_discard(void);

/*
 * Parse the common options and the image operand from *argcp and *argvp,
 * mount the image and return the handle.  On return argv[0] is still the
 * program name and the rest are the program's own options and operands,
 * ready for getopt(3) (optind has been reset).  usage is the program's
 * part of the usage line.  Exits with a message on any failure.
 */
struct ukfs *fsu_mount(int *, char ***, int, const char *);

/* The same options without the mount (fsu_fsck). */
struct fsu_target {
	const char	*ft_fstype;	/* -t, or NULL to detect */
	const char	*ft_image;
	const char	*ft_part;	/* -p or img%part%, or NULL */
	const char	*ft_opts;	/* -o, or NULL */
};
void	fsu_options(int *, char ***, const char *, struct fsu_target *);
void	fsu_open_failed(const struct fsu_target *, int)
	    __attribute__((__noreturn__));

/*
 * Mount a second image (-I of fsu_ecp, fsu_cmp, fsu_diff), type
 * detected; released by fsu_exit() too.  Exits on failure.
 */
struct ukfs *fsu_mount_second(const char *, int);

/* Sync, unmount and release; returns 0, or 1 after printing the error. */
int	fsu_unmount(struct ukfs *);

/* Print the usage line (program name, common options, usage) and exit 1. */
void	fsu_usage(void) __attribute__((__noreturn__));

/* The image mounted by fsu_mount(), as given (without %partition%). */
const char *fsu_image_name(void);

/* Messages: "prog: msg[: strerror]" on stderr. */
const char *fsu_progname(void);
void	fsu_warn(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
void	fsu_warnx(const char *, ...) __attribute__((__format__(__printf__, 1, 2)));
/* Like err(3)/errx(3), but release the mounted image first. */
void	fsu_err(int, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3), __noreturn__));
void	fsu_errx(int, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3), __noreturn__));
/* Release the image and exit with status. */
void	fsu_exit(int) __attribute__((__noreturn__));

/*
 * fsu_mode.c: file modes in octal or symbolic (chmod(1)) form.  Parse
 * once with the umask to use for clauses without a who, then apply to
 * the old mode (type bits included, for X) of each file; returns the
 * new permission bits.  fsu_mode_parse returns NULL with errno EINVAL
 * for a bad mode.
 */
struct fsu_mode;
struct fsu_mode *fsu_mode_parse(const char *, mode_t);
mode_t	fsu_mode_apply(const struct fsu_mode *, mode_t);
void	fsu_mode_free(struct fsu_mode *);
mode_t	fsu_umask(void);

/*
 * fsu_walk.c: walk the tree below an operand without following symbolic
 * links (but the operand with FSU_WALK_FOLLOW, and every one with
 * FSU_WALK_LOGICAL).  Directories are visited before (FSU_W_D) and after
 * (FSU_W_DP) their entries, other files once (FSU_W_F); errors come as
 * FSU_W_ERR with we_errno (EINVAL for a name no directory may hold, ELOOP
 * for a directory inside itself, EMLINK for a directory linked from a
 * second entry: no directory is entered twice, see fsu_dirset below).
 * Calls on the entry use we_accpath (relative to the working directory
 * the walk set up); messages use we_path.  The callback returns 0, or
 * FSU_WALK_SKIP (at FSU_W_D: do not descend) and/or FSU_WALK_FAIL;
 * fsu_walk returns FSU_WALK_FAIL if any callback did.
 *
 * With FSU_WALK_NOSTAT, files that are not directories may be visited
 * with we_statok 0: we_st holds only the type and the inode number (from
 * the directory entry) until fsu_walk_stat() fills it.  fsu_walk_warn()
 * prints the message of an FSU_W_ERR visit.
 */
#define FSU_WALK_FOLLOW		0x01
#define FSU_WALK_LOGICAL	0x02
#define FSU_WALK_NOSTAT		0x04
#define FSU_WALK_SLNONE		0x08	/* a dangling link followed: itself */

#define FSU_W_F		1	/* not a directory */
#define FSU_W_D		2	/* directory, before its entries */
#define FSU_W_DP	3	/* directory, after its entries */
#define FSU_W_ERR	4	/* error: we_errno */

#define FSU_WALK_SKIP	0x01
#define FSU_WALK_FAIL	0x02

struct fsu_walk_ent {
	const char	*we_path;	/* path from the operand */
	const char	*we_accpath;	/* path to use for calls */
	const char	*we_name;	/* last component */
	struct stat	 we_st;		/* lstat (stat for a followed link) */
	int		 we_statok;	/* we_st is complete */
	int		 we_info;	/* FSU_W_* */
	int		 we_errno;	/* FSU_W_ERR */
	int		 we_depth;	/* 0 for the operand */
};
typedef int (*fsu_walk_fn)(struct ukfs *, struct fsu_walk_ent *, void *);
int	fsu_walk(struct ukfs *, const char *, int, fsu_walk_fn, void *);
int	fsu_walk_stat(struct ukfs *, struct fsu_walk_ent *);
void	fsu_walk_warn(const struct fsu_walk_ent *);

/*
 * fsu_dirset.c: the directories a walk has met, so that none is entered
 * twice through hard links (a corrupt image) nor inside itself.
 * fsu_dirset_enter(set, dir, parent, parent's serial, name, &serial)
 * before entering dir, reached through entry name of parent (NULL for an
 * operand or through a symbolic link): 0 and the visit's serial, or
 * ELOOP, EMLINK, ENOMEM; fsu_dirset_leave() when the walk leaves it.
 */
struct fsu_dirset;
struct fsu_dirset *fsu_dirset_new(void);
void	fsu_dirset_free(struct fsu_dirset *);
int	fsu_dirset_enter(struct fsu_dirset *, const struct stat *,
	    const struct stat *, uint64_t, const char *, uint64_t *);
void	fsu_dirset_leave(struct fsu_dirset *, const struct stat *);

/*
 * fsu_inoset.c: a set of files by (device, inode): fsu_inoset_add
 * returns 1 for a file not in the set yet, 0 for one that was, -1 when
 * out of memory.
 */
struct fsu_inoset;
struct fsu_inoset *fsu_inoset_new(void);
void	fsu_inoset_free(struct fsu_inoset *);
int	fsu_inoset_add(struct fsu_inoset *, uint64_t, uint64_t);

/*
 * fsu_place.c: operands ":path" (in the image), "::path" (in the second
 * image, -I) and host paths, and calls that take the file system a path
 * is on (NULL: the host).
 */
const char *fsu_place(const char *, struct ukfs *, struct ukfs *,
	    struct ukfs **);
int	fsu_place_lstat(struct ukfs *, const char *, struct stat *);
int	fsu_place_stat(struct ukfs *, const char *, struct stat *);
int	fsu_place_open(struct ukfs *, const char *);
ssize_t	fsu_place_read(struct ukfs *, int, void *, size_t);
void	fsu_place_close(struct ukfs *, int);
ssize_t	fsu_place_readlink(struct ukfs *, const char *, char *, size_t);
int	fsu_place_flags(struct ukfs *, const char *, uint32_t *);
char	**fsu_place_list(struct ukfs *, const char *, size_t *);
void	fsu_place_freelist(char **);

/* fsu_util.c */
/* Print the prompt on stderr and read an answer; 1 for yes. */
int	fsu_prompt(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
/* "dir/last component of path", malloc'ed; NULL on failure. */
char	*fsu_path_in_dir(const char *, const char *);
int	fsu_into_dir(const char *, const char *,
	    int (*)(const char *, const char *));
int	fsu_targets(int, char **, int, int (*)(const char *, const char *));
/* The last component of path (trailing slashes ignored), malloc'ed. */
char	*fsu_basename(const char *);
/* The next run of non-zero FSU_HOLE_GRAIN pieces of a buffer (holes). */
#define FSU_HOLE_GRAIN	4096
size_t	fsu_data_run(const char *, size_t, size_t *);
/*
 * Whether a file described by st holds fewer blocks than its size needs
 * (it has holes); without overflow, whatever a corrupt inode says.
 */
int	fsu_sparse(const struct stat *);
/*
 * The next extent of data of image descriptor fd at or after off, in a
 * file of size bytes, found with SEEK_DATA and SEEK_HOLE: [*datap,
 * *endp).  Returns 1, 0 when only holes are left, -1 (errno) on error.
 */
int	fsu_next_data(struct ukfs *, int, off_t, off_t, off_t *, off_t *);

extern int fsu_verbose;		/* -v given */
/*
 * The exit status of usage errors and of a failed mount: 1, or 2 for
 * the programs whose status 1 means a difference (fsu_cmp, fsu_diff);
 * set it before fsu_mount().
 */
extern int fsu_errstatus;

/*
 * fsu_fmt.c: output shared by several programs.  fsu_modestr: the ten
 * characters of ls -l into s[11]; fsu_humanize: a size in four
 * characters or fewer (1.5K, 23M); fsu_username/fsu_groupname: the
 * host's name of an id or NULL, looked up once; fsu_getblocksize: the
 * BLOCKSIZE variable in bytes; BSD file flags by name and as the list of
 * names fflagstostr(3) prints.
 */
#define FSU_UF_NODUMP		0x00000001
#define FSU_UF_IMMUTABLE	0x00000002
#define FSU_UF_APPEND		0x00000004
#define FSU_UF_OPAQUE		0x00000008
#define FSU_SF_ARCHIVED		0x00010000
#define FSU_SF_IMMUTABLE	0x00020000
#define FSU_SF_APPEND		0x00040000
#define FSU_FLAGSTR_MAX		64	/* every name, commas, NUL */

char	 fsu_typechar(mode_t);
void	 fsu_modestr(mode_t, char *);
void	 fsu_humanize(char *, size_t, uint64_t);
const char *fsu_username(uint32_t);
const char *fsu_groupname(uint32_t);
uint64_t fsu_getblocksize(void);
int	 fsu_flag_byname(const char *, uint32_t *);
void	 fsu_flagstostr(uint32_t, char *, size_t);

/*
 * fsu_json.c: one JSON object per file on one line (name, path, type,
 * mode, ..., times in nanoseconds, target, device numbers); bytes that
 * are not UTF-8 are written as \udc80..\udcff (see fsu_json.c).
 */
void	 fsu_json_string(FILE *, const char *);
void	 fsu_json_entry(FILE *, const char *, const char *,
	    const struct ukfs_stat *, const char *);

/*
 * fsu_attr.c: an attribute change (mode, owner, flags) applied to
 * operands with the -R -h -v options of chmod, chown and chflags.
 * fa_change(accpath, path, st, nofollow) changes one file (accpath is the
 * path to use, path the one to print) and returns 0 or 1 after a message.
 */
struct fsu_attr {
	int	(*fa_change)(const char *, const char *, const struct stat *,
		    int);
	int	fa_rflag;	/* -R */
	int	fa_hflag;	/* -h */
	int	fa_vflag;	/* -v */
	int	fa_links;	/* change links inside trees even without -h */
};
int	fsu_attr_options(int, char **, int, struct fsu_attr *);
int	fsu_attr_apply(struct ukfs *, const struct fsu_attr *, const char *);

#endif /* !_CMD_FSU_H_ */
