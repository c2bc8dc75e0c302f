/*
 * fsu_batch: run many commands on a file system image in one process,
 * one mount and one transaction.
 *
 *	fsu_batch [-t fstype] [-o mntopts] [-p partition] [-v] image [-k] [-x]
 *	    [file]
 *
 * The commands come from file (standard input without it), one per line,
 * with the names and options of the programs, without "fsu_" and without
 * the image: "mkdir -p /a/b", "put -R dir /x", "write /f < host.txt".
 * Words are split and quoted as by sh(1), without any expansion: blanks
 * separate words, '...' quotes everything, "..." everything but \, which
 * escapes $ ` " \ and a newline, and \ outside quotes escapes the next
 * character; a backslash-newline joins two lines; # starts a comment; ;
 * separates commands on one line.  Redirections: < file (standard input
 * of the command from a host file), <<WORD and <<-WORD (a here-document:
 * the lines up to WORD, with leading tabs removed for <<-), > file and
 * >> file (standard output to a host file).  A command's standard input
 * is empty otherwise.
 *
 * The whole input is read and parsed before anything runs, so a syntax
 * error changes nothing.  Then the commands run in order on one mount.
 * The first that fails (exit status not 0) stops the batch, and nothing
 * of it is applied: the image's journal transaction is discarded, and the
 * image is left byte for byte as it was.  With -k the batch goes on after
 * a failure and applies what succeeded.  -x prints each command on
 * standard error before it runs.  Messages name the line:
 * "fsu_batch: line 7: mkdir: /a: File exists".
 *
 * The journal holds new file data too (UKFS_JOURNALDATA), so that a
 * failing batch writes nothing at all to the image.
 */
#ifdef __linux__
#define _GNU_SOURCE
#endif
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <stdio_ext.h>
#endif

#include "fsu.h"
#include "ukfs.h"

extern const struct fsu_prog fsu_cat_prog, fsu_chflags_prog,
    fsu_chgrp_prog, fsu_chmod_prog, fsu_chown_prog, fsu_cmp_prog,
    fsu_cp_prog, fsu_df_prog, fsu_diff_prog, fsu_du_prog, fsu_ecp_prog,
    fsu_find_prog, fsu_get_prog, fsu_ln_prog, fsu_ls_prog, fsu_mkdir_prog,
    fsu_mkfifo_prog, fsu_mknod_prog, fsu_mv_prog, fsu_put_prog,
    fsu_rm_prog, fsu_rmdir_prog, fsu_stat_prog, fsu_touch_prog,
    fsu_write_prog;

static const struct fsu_prog *const progs[] = {
	&fsu_cat_prog, &fsu_chflags_prog, &fsu_chgrp_prog, &fsu_chmod_prog,
	&fsu_chown_prog, &fsu_cmp_prog, &fsu_cp_prog, &fsu_df_prog,
	&fsu_diff_prog, &fsu_du_prog, &fsu_ecp_prog, &fsu_find_prog,
	&fsu_get_prog, &fsu_ln_prog, &fsu_ls_prog, &fsu_mkdir_prog,
	&fsu_mkfifo_prog, &fsu_mknod_prog, &fsu_mv_prog, &fsu_put_prog,
	&fsu_rm_prog, &fsu_rmdir_prog, &fsu_stat_prog, &fsu_touch_prog,
	&fsu_write_prog,
};

/* One command of the batch. */
struct bcmd {
	int		 bc_line;	/* where it starts */
	int		 bc_argc;
	char		**bc_argv;	/* NULL-terminated */
	char		*bc_in;		/* < file */
	char		*bc_out;	/* > or >> file */
	int		 bc_append;	/* >> */
	const char	*bc_doc;	/* here-document (in the input) */
	size_t		 bc_doclen;
	int		 bc_hasdoc;
	char		*bc_delim;	/* while parsing: its delimiter */
	int		 bc_striptabs;	/* <<- */
};

/* The parser's state over the whole input. */
struct parser {
	const char	*p_buf;
	size_t		 p_len;
	size_t		 p_pos;
	int		 p_line;
	struct bcmd	*p_cmds;
	size_t		 p_ncmds, p_capcmds;
};

static int xflag;

static void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n)) == NULL)
		fsu_err(1, NULL);
	return p;
}

/* Read all of fd into a NUL-terminated buffer. */
static char *
read_all(int fd, const char *name, size_t *lenp)
{
	size_t len = 0, cap = 65536;
	char *buf = xrealloc(NULL, cap);
	ssize_t n;

	for (;;) {
		if (cap - len < 2)
			buf = xrealloc(buf, cap *= 2);
		n = read(fd, buf + len, cap - len - 1);
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fsu_err(1, "%s", name);
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* ---------------------------------------------------------------- lexer */

/* A word being built. */
struct word {
	char	*w_buf;
	size_t	 w_len, w_cap;
	int	 w_any;		/* something was quoted: "" is a word */
};

static void
word_add(struct word *w, char c)
{
	if (w->w_len + 2 > w->w_cap)
		w->w_buf = xrealloc(w->w_buf, w->w_cap = w->w_cap * 2 + 32);
	w->w_buf[w->w_len++] = c;
	w->w_buf[w->w_len] = '\0';
}

static int
peek(const struct parser *p)
{
	return p->p_pos < p->p_len ? (unsigned char)p->p_buf[p->p_pos] : -1;
}

static int
next(struct parser *p)
{
	int c = peek(p);

	if (c != -1) {
		p->p_pos++;
		if (c == '\n')
			p->p_line++;
	}
	return c;
}

static int
syntax(const struct parser *p, int line, const char *what)
{
	(void)p;
	fsu_warnx("line %d: syntax error: %s", line, what);
	return -1;
}

/*
 * Read one word into w (sh quoting, no expansion).  Returns 1 with a
 * word, 0 when none starts here, -1 on a syntax error.
 */
static int
read_word(struct parser *p, struct word *w)
{
	int c, start = p->p_line;

	w->w_len = 0;
	w->w_any = 0;
	if (w->w_buf != NULL)
		w->w_buf[0] = '\0';
	for (;;) {
		c = peek(p);
		if (c == -1 || c == ' ' || c == '\t' || c == '\n' ||
		    c == ';' || c == '<' || c == '>')
			break;
		next(p);
		if (c == '\\') {
			if ((c = next(p)) == -1)
				return syntax(p, start, "\\ at the end");
			if (c != '\n')
				word_add(w, (char)c);
			w->w_any = 1;
		} else if (c == '\'') {
			w->w_any = 1;
			while ((c = next(p)) != '\'') {
				if (c == -1)
					return syntax(p, start,
					    "unterminated '");
				word_add(w, (char)c);
			}
		} else if (c == '"') {
			w->w_any = 1;
			while ((c = next(p)) != '"') {
				if (c == -1)
					return syntax(p, start,
					    "unterminated \"");
				if (c == '\\' && (peek(p) == '$' ||
				    peek(p) == '`' || peek(p) == '"' ||
				    peek(p) == '\\' || peek(p) == '\n')) {
					c = next(p);
					if (c == '\n')
						continue;
				}
				word_add(w, (char)c);
			}
		} else {
			word_add(w, (char)c);
		}
	}
	return w->w_len > 0 || w->w_any;
}

static char *
word_take(struct word *w)
{
	char *s = w->w_buf != NULL ? strdup(w->w_buf) : strdup("");

	if (s == NULL)
		fsu_err(1, NULL);
	return s;
}

/* The word after a redirection operator. */
static int
redir_word(struct parser *p, struct word *w, char **dst, const char *op)
{
	int line = p->p_line;

	while (peek(p) == ' ' || peek(p) == '\t')
		next(p);
	if (read_word(p, w) <= 0)
		return syntax(p, line, op);
	free(*dst);
	*dst = word_take(w);
	return 0;
}

/* A redirection at the parser's position (after '<' or '>'). */
static int
read_redir(struct parser *p, struct word *w, struct bcmd *bc, int c)
{
	if (c == '>') {
		bc->bc_append = peek(p) == '>';
		if (bc->bc_append)
			next(p);
		return redir_word(p, w, &bc->bc_out, "> needs a file name");
	}
	if (peek(p) != '<')
		return redir_word(p, w, &bc->bc_in, "< needs a file name");
	next(p);
	bc->bc_striptabs = peek(p) == '-';
	if (bc->bc_striptabs)
		next(p);
	bc->bc_hasdoc = 1;
	return redir_word(p, w, &bc->bc_delim, "<< needs a delimiter");
}

/*
 * The body of a here-document: the lines after the command up to the
 * delimiter line.  It stays in the input buffer unless tabs are stripped
 * (then it is copied).
 */
static int
read_heredoc(struct parser *p, struct bcmd *bc)
{
	size_t dlen = strlen(bc->bc_delim), start, end, skip;
	struct word body;

	memset(&body, 0, sizeof(body));
	start = p->p_pos;
	for (;;) {
		if (p->p_pos >= p->p_len)
			return syntax(p, bc->bc_line, "here-document without "
			    "its delimiter");
		end = p->p_pos;
		while (end < p->p_len && p->p_buf[end] != '\n')
			end++;
		skip = p->p_pos;
		if (bc->bc_striptabs)
			while (skip < end && p->p_buf[skip] == '\t')
				skip++;
		if (end - skip == dlen &&
		    memcmp(p->p_buf + skip, bc->bc_delim, dlen) == 0)
			break;
		if (bc->bc_striptabs) {
			while (skip < end)
				word_add(&body, p->p_buf[skip++]);
			word_add(&body, '\n');
		}
		p->p_pos = end < p->p_len ? end + 1 : end;
		p->p_line++;
	}
	if (bc->bc_striptabs) {
		bc->bc_doc = body.w_buf != NULL ? body.w_buf : "";
		bc->bc_doclen = body.w_len;
	} else {
		bc->bc_doc = p->p_buf + start;
		bc->bc_doclen = p->p_pos - start;
	}
	p->p_pos = end < p->p_len ? end + 1 : end;
	p->p_line++;
	return 0;
}

static void
cmd_add_arg(struct bcmd *bc, char *arg)
{
	bc->bc_argv = xrealloc(bc->bc_argv, (size_t)(bc->bc_argc + 2) *
	    sizeof(char *));
	bc->bc_argv[bc->bc_argc++] = arg;
	bc->bc_argv[bc->bc_argc] = NULL;
}

/*
 * Parse one command (up to a newline, ';' or the end).  Returns 1 with a
 * command in *bc, 0 for an empty one, -1 at the end of the input, -2 on
 * a syntax error.
 */
static int
read_cmd(struct parser *p, struct word *w, struct bcmd *bc)
{
	int c, r;

	memset(bc, 0, sizeof(*bc));
	if (peek(p) == -1)
		return -1;
	bc->bc_line = p->p_line;
	for (;;) {
		c = peek(p);
		if (c == ' ' || c == '\t') {
			next(p);
		} else if (c == '\\' && p->p_pos + 1 < p->p_len &&
		    p->p_buf[p->p_pos + 1] == '\n') {
			next(p);
			next(p);
		} else if (c == '#') {
			while (peek(p) != -1 && peek(p) != '\n')
				next(p);
		} else if (c == -1 || c == '\n' || c == ';') {
			next(p);
			break;
		} else if (c == '<' || c == '>') {
			next(p);
			if (read_redir(p, w, bc, c) != 0)
				return -2;
		} else {
			if (bc->bc_argc == 0)
				bc->bc_line = p->p_line;
			if ((r = read_word(p, w)) < 0)
				return -2;
			cmd_add_arg(bc, word_take(w));
		}
	}
	if (bc->bc_hasdoc && c == '\n' && read_heredoc(p, bc) != 0)
		return -2;
	if (bc->bc_hasdoc && c != '\n')
		return syntax(p, bc->bc_line, "<< must end its line") - 1;
	if (bc->bc_argc == 0) {
		if (bc->bc_in != NULL || bc->bc_out != NULL || bc->bc_hasdoc)
			return syntax(p, bc->bc_line, "a redirection without "
			    "a command") - 1;
		return 0;
	}
	return 1;
}

/* Parse the whole input; exits after a syntax error. */
static void
parse(struct parser *p)
{
	struct word w;
	struct bcmd bc;
	int r;

	memset(&w, 0, sizeof(w));
	while ((r = read_cmd(p, &w, &bc)) != -1) {
		if (r == -2)
			fsu_errx(1, "nothing was run");
		if (r == 0)
			continue;
		if (p->p_ncmds == p->p_capcmds)
			p->p_cmds = xrealloc(p->p_cmds, (p->p_capcmds =
			    p->p_capcmds * 2 + 64) * sizeof(*p->p_cmds));
		p->p_cmds[p->p_ncmds++] = bc;
	}
	free(w.w_buf);
}

static void
cmd_free(struct bcmd *bc)
{
	int i;

	for (i = 0; i < bc->bc_argc; i++)
		free(bc->bc_argv[i]);
	free(bc->bc_argv);
	free(bc->bc_in);
	free(bc->bc_out);
	free(bc->bc_delim);
	if (bc->bc_striptabs && bc->bc_hasdoc && bc->bc_doclen > 0)
		free((char *)(uintptr_t)bc->bc_doc);
}

/* ------------------------------------------------------------- running */

static const struct fsu_prog *
find_prog(const char *name)
{
	size_t i;

	if (strncmp(name, "fsu_", 4) == 0)
		name += 4;
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		if (strcmp(progs[i]->fp_name, name) == 0)
			return progs[i];
	return NULL;
}

/* Drop what stdio read ahead from standard input. */
static void
stdin_purge(void)
{
	clearerr(stdin);
#ifdef __GLIBC__
	__fpurge(stdin);
#elif defined(__NetBSD__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
    defined(__APPLE__)
	(void)fpurge(stdin);
#endif
}

/* Standard input of a command: a host file, a here-document, or empty. */
static int
redirect_in(const struct bcmd *bc, int docfd, const char *label)
{
	int fd;
	size_t done;
	ssize_t n;

	stdin_purge();
	if (bc->bc_in != NULL) {
		if ((fd = open(bc->bc_in, O_RDONLY | O_CLOEXEC)) == -1) {
			fprintf(stderr, "%s: %s: %s\n", label, bc->bc_in,
			    strerror(errno));
			return -1;
		}
		(void)dup2(fd, STDIN_FILENO);
		(void)close(fd);
		return 0;
	}
	if (!bc->bc_hasdoc)
		return 0;
	if (ftruncate(docfd, 0) == -1)
		goto fail;
	for (done = 0; done < bc->bc_doclen; done += (size_t)n) {
		n = pwrite(docfd, bc->bc_doc + done, bc->bc_doclen - done,
		    (off_t)done);
		if (n <= 0)
			goto fail;
	}
	if (lseek(docfd, 0, SEEK_SET) == -1)
		goto fail;
	(void)dup2(docfd, STDIN_FILENO);
	return 0;
fail:
	fprintf(stderr, "%s: here-document: %s\n", label, strerror(errno));
	return -1;
}

/* Standard output to a host file; *savep keeps the old one. */
static int
redirect_out(const struct bcmd *bc, int *savep, const char *label)
{
	int fd;

	*savep = -1;
	if (bc->bc_out == NULL)
		return 0;
	fflush(stdout);
	fd = open(bc->bc_out, O_WRONLY | O_CREAT | O_CLOEXEC |
	    (bc->bc_append ? O_APPEND : O_TRUNC), 0666);
	if (fd == -1) {
		fprintf(stderr, "%s: %s: %s\n", label, bc->bc_out,
		    strerror(errno));
		return -1;
	}
	*savep = dup(STDOUT_FILENO);
	(void)dup2(fd, STDOUT_FILENO);
	(void)close(fd);
	return 0;
}

static void
restore(int nullfd, int saveout)
{
	(void)dup2(nullfd, STDIN_FILENO);
	stdin_purge();
	if (saveout != -1) {
		fflush(stdout);
		(void)dup2(saveout, STDOUT_FILENO);
		(void)close(saveout);
	}
}

static void
trace(const struct bcmd *bc)
{
	int i;

	fprintf(stderr, "+ %d:", bc->bc_line);
	for (i = 0; i < bc->bc_argc; i++)
		fprintf(stderr, " %s", bc->bc_argv[i]);
	fputc('\n', stderr);
}

/* Run one command; its exit status. */
static int
run_cmd(struct ukfs *fs, struct bcmd *bc, int nullfd, int docfd)
{
	const struct fsu_prog *prog;
	char label[96], **argv;
	int saveout, rv;

	snprintf(label, sizeof(label), "%s: line %d: %s", fsu_progname(),
	    bc->bc_line, bc->bc_argv[0]);
	if (xflag)
		trace(bc);
	if ((prog = find_prog(bc->bc_argv[0])) == NULL) {
		fsu_warnx("line %d: %s: unknown command", bc->bc_line,
		    bc->bc_argv[0]);
		return 1;
	}
	if (redirect_in(bc, docfd, label) != 0 ||
	    redirect_out(bc, &saveout, label) != 0) {
		restore(nullfd, -1);
		return 1;
	}
	/* Programs may reorder or advance their argv: give them a copy. */
	argv = xrealloc(NULL, (size_t)(bc->bc_argc + 1) * sizeof(*argv));
	memcpy(argv, bc->bc_argv, (size_t)(bc->bc_argc + 1) * sizeof(*argv));
	rv = fsu_prog_run(prog, fs, bc->bc_argc, argv, label);
	free(argv);
	restore(nullfd, saveout);
	return rv;
}

/* Is the journal off (FSU_JOURNAL), so that a failure cannot be undone? */
static int
journal_off(void)
{
	const char *v = getenv("FSU_JOURNAL");

	return v != NULL && (strcmp(v, "off") == 0 || strcmp(v, "0") == 0 ||
	    strcmp(v, "no") == 0);
}

static int
batch_main(struct ukfs *fs, int argc, char **argv)
{
	struct parser p;
	char *input, tmpl[] = "/tmp/fsu_batch.XXXXXX";
	int ch, kflag = 0, fd, nullfd, docfd, rv = 0, failed = 0;
	size_t i, len;

	while ((ch = getopt(argc, argv, "+kx")) != -1) {
		switch (ch) {
		case 'k':
			kflag = 1;
			break;
		case 'x':
			xflag = 1;
			break;
		default:
			fsu_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		fsu_usage();
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		if ((fd = open(argv[0], O_RDONLY | O_CLOEXEC)) == -1)
			fsu_err(1, "%s", argv[0]);
		input = read_all(fd, argv[0], &len);
		(void)close(fd);
	} else {
		input = read_all(STDIN_FILENO, "stdin", &len);
	}
	memset(&p, 0, sizeof(p));
	p.p_buf = input;
	p.p_len = len;
	p.p_line = 1;
	parse(&p);
	/* Commands read an empty standard input unless redirected. */
	if ((nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		fsu_err(1, "/dev/null");
	if ((docfd = mkstemp(tmpl)) == -1)
		fsu_err(1, "%s", tmpl);
	(void)unlink(tmpl);
	(void)dup2(nullfd, STDIN_FILENO);
	for (i = 0; i < p.p_ncmds; i++) {
		if (run_cmd(fs, &p.p_cmds[i], nullfd, docfd) == 0)
			continue;
		failed++;
		if (kflag)
			continue;
		if (journal_off())
			fsu_warnx("line %d: %s failed; the batch stops, and "
			    "the lines before it stay applied "
			    "(FSU_JOURNAL=off)", p.p_cmds[i].bc_line,
			    p.p_cmds[i].bc_argv[0]);
		else
			fsu_warnx("line %d: %s failed; nothing of the batch "
			    "is applied", p.p_cmds[i].bc_line,
			    p.p_cmds[i].bc_argv[0]);
		fsu_discard();
		break;
	}
	if (failed > 0) {
		rv = 1;
		if (kflag)
			fsu_warnx("%d command%s failed; the others are "
			    "applied", failed, failed == 1 ? "" : "s");
	}
	for (i = 0; i < p.p_ncmds; i++)
		cmd_free(&p.p_cmds[i]);
	free(p.p_cmds);
	free(input);
	(void)close(docfd);
	(void)close(nullfd);
	return rv;
}

static const struct fsu_prog fsu_batch_prog = {
	.fp_name = "batch",
	.fp_flags = FSU_JOURNALDATA,
	.fp_usage = "[-k] [-x] [file]",
	.fp_main = batch_main,
};

int
main(int argc, char **argv)
{
	fsu_prog_main(&fsu_batch_prog, argc, argv);
}
