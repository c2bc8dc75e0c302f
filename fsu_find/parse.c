/*
 * parse.c: the expression of fsu_find, parsed into a tree.
 *
 *	expr	::= and [-o and] ...		(-or too)
 *	and	::= unary [[-a] unary] ...	(-and too)
 *	unary	::= ! unary | ( expr ) | primary	(-not too)
 *
 * Primaries that are options (-d, -depth, -maxdepth, -mindepth, -xdev)
 * set find_opt when parsed and are always true where they stand.  When
 * no primary prints or deletes, the whole expression is followed by an
 * implicit -print, as POSIX asks.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "find.h"

#define PR_ARG		0x01	/* takes an argument */
#define PR_OUTPUT	0x02	/* prints or deletes: no implicit -print */

typedef void (*find_parsefn)(struct ukfs *, struct node *, const char *);

struct primary {
	const char	*pr_name;
	int		 pr_flags;
	find_parsefn	 pr_parse;
	find_evalfn	 pr_eval;
};

/* The parser's position in the arguments. */
struct parser {
	struct ukfs	*p_fs;
	char		**p_argv;
	int		 p_argc;
	int		 p_pos;
};

static struct node *parse_or(struct parser *);

static struct node *
node_new(int kind)
{
	struct node *n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		fsu_err(1, NULL);
	n->n_kind = kind;
	return n;
}

void
find_free(struct node *n)
{
	if (n == NULL)
		return;
	find_free(n->n_left);
	find_free(n->n_right);
	if (n->n_flags == FIND_CASEFOLD && n->n_kind == N_PRIM &&
	    (n->n_eval == f_name || n->n_eval == f_path))
		free((char *)(uintptr_t)n->n_str);
	free(n);
}

/*
 * A number with an optional sign: "+n" more than n, "-n" less than n,
 * "n" exactly; the letters after it (a unit) are left in *endp.
 */
static void
parse_number(struct node *n, const char *arg, char **endp)
{
	const char *s = arg;
	long long v;

	n->n_cmp = CMP_EQ;
	if (*s == '+') {
		n->n_cmp = CMP_GT;
		s++;
	} else if (*s == '-') {
		n->n_cmp = CMP_LT;
		s++;
	}
	if (*s < '0' || *s > '9')
		fsu_errx(1, "%s: %s: illegal numeric value", n->n_name, arg);
	errno = 0;
	v = strtoll(s, endp, 10);
	if (errno != 0)
		fsu_errx(1, "%s: %s: %s", n->n_name, arg, strerror(errno));
	n->n_num = v;
}

static void
parse_plain_number(struct ukfs *fs, struct node *n, const char *arg)
{
	char *end;

	(void)fs;
	parse_number(n, arg, &end);
	if (*end != '\0')
		fsu_errx(1, "%s: %s: illegal trailing characters", n->n_name,
		    arg);
}

/* A depth for -maxdepth and -mindepth: a plain number. */
static int
parse_depth(struct node *n, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    v > INT_MAX)
		fsu_errx(1, "%s: %s: illegal depth", n->n_name, arg);
	return (int)v;
}

static void
p_maxdepth(struct ukfs *fs, struct node *n, const char *arg)
{
	(void)fs;
	find_opt.fo_maxdepth = parse_depth(n, arg);
}

static void
p_mindepth(struct ukfs *fs, struct node *n, const char *arg)
{
	(void)fs;
	find_opt.fo_mindepth = parse_depth(n, arg);
}

static void
p_depth(struct ukfs *fs, struct node *n, const char *arg)
{
	(void)fs;
	(void)n;
	(void)arg;
	find_opt.fo_depth = 1;
}

static void
p_xdev(struct ukfs *fs, struct node *n, const char *arg)
{
	(void)fs;
	(void)n;
	(void)arg;
	find_opt.fo_xdev = 1;
}

static void
p_delete(struct ukfs *fs, struct node *n, const char *arg)
{
	(void)fs;
	(void)n;
	(void)arg;
	find_opt.fo_depth = 1;
	find_opt.fo_delete = 1;
}

/* -name, -path and their case-blind forms (-iname, -ipath). */
static void
p_pattern(struct ukfs *fs, struct node *n, const char *arg)
{
	char *lower;
	size_t i;

	(void)fs;
	n->n_str = arg;
	if (n->n_name[1] != 'i')
		return;
	if ((lower = strdup(arg)) == NULL)
		fsu_err(1, NULL);
	for (i = 0; lower[i] != '\0'; i++)
		lower[i] = (char)tolower((unsigned char)lower[i]);
	n->n_str = lower;
	n->n_flags = FIND_CASEFOLD;
}

static void
p_type(struct ukfs *fs, struct node *n, const char *arg)
{
	(void)fs;
	if (arg[0] == '\0' || arg[1] != '\0' ||
	    strchr("bcdflps", arg[0]) == NULL)
		fsu_errx(1, "%s: %s: unknown type", n->n_name, arg);
	n->n_flags = arg[0];
}

/*
 * -size n[ckMGTP]: in 512-byte blocks, rounded up, or in bytes (c), or
 * in units of 1024^k (k, M, G, T, P), rounded up.
 */
static void
p_size(struct ukfs *fs, struct node *n, const char *arg)
{
	static const char units[] = "kMGTP";
	const char *u;
	char *end;

	(void)fs;
	parse_number(n, arg, &end);
	n->n_unit = 512;
	if (*end == 'c')
		n->n_unit = 1;
	else if (*end != '\0' && (u = strchr(units, *end)) != NULL)
		n->n_unit = (int64_t)1 << (10 * (u - units + 1));
	else if (*end != '\0')
		fsu_errx(1, "%s: %s: illegal trailing characters", n->n_name,
		    arg);
	if (*end != '\0' && end[1] != '\0')
		fsu_errx(1, "%s: %s: illegal trailing characters", n->n_name,
		    arg);
}

/* -[acm]time n, -[acm]min n: the time, and days or minutes. */
static void
p_time(struct ukfs *fs, struct node *n, const char *arg)
{
	parse_plain_number(fs, n, arg);
	n->n_flags = n->n_name[1];
	n->n_unit = strstr(n->n_name, "min") != NULL ? 60 : 86400;
}

/* -newer file: the modification time of a file of the image. */
static void
p_newer(struct ukfs *fs, struct node *n, const char *arg)
{
	struct stat st;

	if ((find_opt.fo_walkflags & FSU_WALK_LOGICAL ? ukfs_stat(fs, arg,
	    &st) : ukfs_lstat(fs, arg, &st)) == -1)
		fsu_err(1, "%s: %s", n->n_name, arg);
	n->n_time = st.st_mtim;
}

/* -user and -group: a name of the host's databases, or a number. */
static void
p_user(struct ukfs *fs, struct node *n, const char *arg)
{
	struct passwd *pw;
	char *end;

	(void)fs;
	n->n_cmp = CMP_EQ;
	if ((pw = getpwnam(arg)) != NULL) {
		n->n_num = pw->pw_uid;
		return;
	}
	n->n_num = strtoll(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0')
		fsu_errx(1, "%s: %s: no such user", n->n_name, arg);
}

static void
p_group(struct ukfs *fs, struct node *n, const char *arg)
{
	struct group *gr;
	char *end;

	(void)fs;
	n->n_cmp = CMP_EQ;
	if ((gr = getgrnam(arg)) != NULL) {
		n->n_num = gr->gr_gid;
		return;
	}
	n->n_num = strtoll(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0')
		fsu_errx(1, "%s: %s: no such group", n->n_name, arg);
}

/*
 * -perm [-|+|/]mode: octal or symbolic (applied to 0, without the
 * umask).  n_flags: '-' all bits of the mode set, '+' any of them,
 * 0 exactly these.
 */
static void
p_perm(struct ukfs *fs, struct node *n, const char *arg)
{
	struct fsu_mode *m;
	const char *s = arg;

	(void)fs;
	if (*s == '-' || *s == '+' || *s == '/') {
		n->n_flags = *s == '-' ? '-' : '+';
		s++;
	}
	if ((m = fsu_mode_parse(s, 0)) == NULL)
		fsu_errx(1, "%s: %s: illegal mode string", n->n_name, arg);
	n->n_num = fsu_mode_apply(m, 0) & 07777;
	fsu_mode_free(m);
}

static void
p_refuse(struct ukfs *fs, struct node *n, const char *arg)
{
	(void)fs;
	(void)arg;
	fsu_errx(1, "%s: not provided: programs of the host are not run on "
	    "files of an image (see BUGS in fsu_find(1))", n->n_name);
}

static const struct primary primaries[] = {
	{ "-amin",	PR_ARG,		p_time,		f_time },
	{ "-atime",	PR_ARG,		p_time,		f_time },
	{ "-cmin",	PR_ARG,		p_time,		f_time },
	{ "-ctime",	PR_ARG,		p_time,		f_time },
	{ "-d",		0,		p_depth,	f_always },
	{ "-delete",	PR_OUTPUT,	p_delete,	f_delete },
	{ "-depth",	0,		p_depth,	f_always },
	{ "-empty",	0,		NULL,		f_empty },
	{ "-exec",	0,		p_refuse,	NULL },
	{ "-execdir",	0,		p_refuse,	NULL },
	{ "-false",	0,		NULL,		f_never },
	{ "-gid",	PR_ARG,		parse_plain_number, f_gid },
	{ "-group",	PR_ARG,		p_group,	f_gid },
	{ "-iname",	PR_ARG,		p_pattern,	f_name },
	{ "-inum",	PR_ARG,		parse_plain_number, f_inum },
	{ "-ipath",	PR_ARG,		p_pattern,	f_path },
	{ "-links",	PR_ARG,		parse_plain_number, f_links },
	{ "-ls",	PR_OUTPUT,	NULL,		f_ls },
	{ "-maxdepth",	PR_ARG,		p_maxdepth,	f_always },
	{ "-mindepth",	PR_ARG,		p_mindepth,	f_always },
	{ "-mmin",	PR_ARG,		p_time,		f_time },
	{ "-mtime",	PR_ARG,		p_time,		f_time },
	{ "-name",	PR_ARG,		p_pattern,	f_name },
	{ "-newer",	PR_ARG,		p_newer,	f_newer },
	{ "-nogroup",	0,		NULL,		f_nogroup },
	{ "-nouser",	0,		NULL,		f_nouser },
	{ "-ok",	0,		p_refuse,	NULL },
	{ "-okdir",	0,		p_refuse,	NULL },
	{ "-path",	PR_ARG,		p_pattern,	f_path },
	{ "-perm",	PR_ARG,		p_perm,		f_perm },
	{ "-print",	PR_OUTPUT,	NULL,		f_print },
	{ "-print0",	PR_OUTPUT,	NULL,		f_print0 },
	{ "-prune",	0,		NULL,		f_prune },
	{ "-size",	PR_ARG,		p_size,		f_size },
	{ "-true",	0,		NULL,		f_always },
	{ "-type",	PR_ARG,		p_type,		f_type },
	{ "-uid",	PR_ARG,		parse_plain_number, f_uid },
	{ "-user",	PR_ARG,		p_user,		f_uid },
	{ "-xdev",	0,		p_xdev,		f_always },
};

static const struct primary *
find_primary(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(primaries) / sizeof(primaries[0]); i++)
		if (strcmp(primaries[i].pr_name, name) == 0)
			return &primaries[i];
	return NULL;
}

static const char *
peek(struct parser *p)
{
	return p->p_pos < p->p_argc ? p->p_argv[p->p_pos] : NULL;
}

static struct node *
parse_primary(struct parser *p)
{
	const struct primary *pr;
	const char *tok = p->p_argv[p->p_pos++], *arg = NULL;
	struct node *n;

	if ((pr = find_primary(tok)) == NULL)
		fsu_errx(1, "%s: unknown primary or operator", tok);
	n = node_new(N_PRIM);
	n->n_name = pr->pr_name;
	n->n_eval = pr->pr_eval;
	if (pr->pr_flags & PR_ARG) {
		if ((arg = peek(p)) == NULL)
			fsu_errx(1, "%s: requires additional arguments", tok);
		p->p_pos++;
	}
	if (pr->pr_parse != NULL)
		pr->pr_parse(p->p_fs, n, arg);
	if (pr->pr_flags & PR_OUTPUT)
		find_opt.fo_output = 1;
	return n;
}

static struct node *
parse_unary(struct parser *p)
{
	const char *tok = peek(p);
	struct node *n;

	if (tok == NULL)
		return NULL;
	if (strcmp(tok, "!") == 0 || strcmp(tok, "-not") == 0) {
		p->p_pos++;
		n = node_new(N_NOT);
		if ((n->n_left = parse_unary(p)) == NULL)
			fsu_errx(1, "%s: no following expression", tok);
		return n;
	}
	if (strcmp(tok, "(") == 0) {
		p->p_pos++;
		if ((n = parse_or(p)) == NULL)
			fsu_errx(1, "(: empty inner expression");
		tok = peek(p);
		if (tok == NULL || strcmp(tok, ")") != 0)
			fsu_errx(1, "(: missing closing ')'");
		p->p_pos++;
		return n;
	}
	if (strcmp(tok, ")") == 0 || strcmp(tok, "-o") == 0 ||
	    strcmp(tok, "-or") == 0 || strcmp(tok, "-a") == 0 ||
	    strcmp(tok, "-and") == 0)
		return NULL;
	return parse_primary(p);
}

static struct node *
join(int kind, struct node *l, struct node *r)
{
	struct node *n = node_new(kind);

	n->n_left = l;
	n->n_right = r;
	return n;
}

static struct node *
parse_and(struct parser *p)
{
	struct node *l, *r;
	const char *tok;
	int explicit;

	if ((l = parse_unary(p)) == NULL)
		return NULL;
	for (;;) {
		tok = peek(p);
		explicit = tok != NULL && (strcmp(tok, "-a") == 0 ||
		    strcmp(tok, "-and") == 0);
		if (explicit)
			p->p_pos++;
		if ((r = parse_unary(p)) == NULL) {
			if (explicit)
				fsu_errx(1, "%s: no following expression",
				    tok);
			return l;
		}
		l = join(N_AND, l, r);
	}
}

static struct node *
parse_or(struct parser *p)
{
	struct node *l, *r;
	const char *tok;

	if ((l = parse_and(p)) == NULL) {
		tok = peek(p);
		if (tok != NULL && (strcmp(tok, "-o") == 0 ||
		    strcmp(tok, "-or") == 0 || strcmp(tok, "-a") == 0 ||
		    strcmp(tok, "-and") == 0))
			fsu_errx(1, "%s: no expression before %s", tok, tok);
		return NULL;
	}
	while ((tok = peek(p)) != NULL && (strcmp(tok, "-o") == 0 ||
	    strcmp(tok, "-or") == 0)) {
		p->p_pos++;
		if ((r = parse_and(p)) == NULL)
			fsu_errx(1, "%s: no following expression", tok);
		l = join(N_OR, l, r);
	}
	return l;
}

/*
 * Parse the expression argv[0..argc) (maybe empty); the tree returned
 * includes the implicit -print.
 */
struct node *
find_parse(struct ukfs *fs, int argc, char **argv)
{
	struct parser p;
	struct node *root, *print;

	memset(&p, 0, sizeof(p));
	p.p_fs = fs;
	p.p_argv = argv;
	p.p_argc = argc;
	root = parse_or(&p);
	if (p.p_pos < argc) {
		if (strcmp(argv[p.p_pos], ")") == 0)
			fsu_errx(1, "): no beginning '('");
		fsu_errx(1, "%s: unexpected", argv[p.p_pos]);
	}
	if (find_opt.fo_output)
		return root;
	print = node_new(N_PRIM);
	print->n_name = "-print";
	print->n_eval = f_print;
	return root != NULL ? join(N_AND, root, print) : print;
}
