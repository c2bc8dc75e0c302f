/*
 * fsu_mode.c: file modes as chmod(1) takes them, octal ("755", "4711")
 * or symbolic ("u+x,go-w", "a=rX", "o=u", "+t").
 *
 * A mode string is parsed once into an array of operations, then applied
 * to the old mode of each file.  The symbolic grammar is the POSIX one:
 *
 *	mode	::= clause [, clause] ...
 *	clause	::= [who ...] action ...
 *	action	::= op [perm ...] | op copy
 *	who	::= u | g | o | a
 *	op	::= + | - | =
 *	perm	::= r | w | x | X | s | t
 *	copy	::= u | g | o
 *
 * Semantics, as in BSD:
 * - Without a who, the operation acts on all bits, but the bits set in
 *   the umask given at parse time are neither added nor removed; "="
 *   still clears everything first.
 * - u covers the set-user-ID bit and the owner's rwx, g the set-group-ID
 *   bit and the group's rwx, o the others' rwx; a (or no who) also covers
 *   the sticky bit.
 * - s sets the set-ID bits of the classes named; t sets the sticky bit.
 *   Both are ignored when the who is "o" alone.
 * - X means execute/search if the file is a directory or if any execute
 *   bit is set in the mode as changed by the operations before it.
 * - A copy takes the rwx bits one class has in the current mode and
 *   gives them to the classes named.
 *
 * The functions here use nothing but the host C library, so a unit test
 * can drive them without an image.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsu.h"

#define ALLBITS		(S_ISUID | S_ISGID | S_ISVTX | S_IRWXU | S_IRWXG | \
			    S_IRWXO)
#define CLASS_U		(S_ISUID | S_IRWXU)
#define CLASS_G		(S_ISGID | S_IRWXG)
#define CLASS_O		(S_IRWXO)
#define ALL_R		(S_IRUSR | S_IRGRP | S_IROTH)
#define ALL_W		(S_IWUSR | S_IWGRP | S_IWOTH)
#define ALL_X		(S_IXUSR | S_IXGRP | S_IXOTH)

/* One operation: "who op perms" with a single op. */
struct mode_op {
	char	mo_op;		/* '+', '-', '=' */
	char	mo_copy;	/* 'u', 'g', 'o' or '\0' */
	char	mo_cond_x;	/* X given */
	mode_t	mo_affect;	/* bits the who covers */
	mode_t	mo_mask;	/* bits the umask lets through */
	mode_t	mo_perm;	/* r, w, x, s, t as mode bits */
};

struct fsu_mode {
	int		 fm_absolute;	/* octal: fm_value replaces the mode */
	mode_t		 fm_value;
	size_t		 fm_nops;
	struct mode_op	*fm_ops;
};

/* The bits who letters cover; 0 when none was given. */
static mode_t
who_bits(const char **sp, int *onlyo)
{
	const char *s = *sp;
	mode_t who = 0;

	*onlyo = 1;
	for (;; s++) {
		if (*s == 'u')
			who |= CLASS_U;
		else if (*s == 'g')
			who |= CLASS_G;
		else if (*s == 'o')
			who |= CLASS_O;
		else if (*s == 'a')
			who |= ALLBITS;
		else
			break;
		if (*s != 'o')
			*onlyo = 0;
	}
	*sp = s;
	return who;
}

/* The perm letters after an op into op; returns the rest of the string. */
static const char *
perm_bits(const char *s, struct mode_op *op, int nowho, int onlyo)
{
	if (*s == 'u' || *s == 'g' || *s == 'o') {
		op->mo_copy = *s;
		return s + 1;
	}
	for (;; s++) {
		switch (*s) {
		case 'r':
			op->mo_perm |= ALL_R;
			break;
		case 'w':
			op->mo_perm |= ALL_W;
			break;
		case 'x':
			op->mo_perm |= ALL_X;
			break;
		case 'X':
			op->mo_cond_x = 1;
			break;
		case 's':
			if (nowho || !onlyo)
				op->mo_perm |= S_ISUID | S_ISGID;
			break;
		case 't':
			if (nowho || !onlyo) {
				op->mo_perm |= S_ISVTX;
				op->mo_affect |= S_ISVTX;
			}
			break;
		default:
			return s;
		}
	}
}

static int
add_op(struct fsu_mode *m, const struct mode_op *op)
{
	struct mode_op *n;

	n = realloc(m->fm_ops, (m->fm_nops + 1) * sizeof(*n));
	if (n == NULL)
		return -1;
	m->fm_ops = n;
	m->fm_ops[m->fm_nops++] = *op;
	return 0;
}

/* Parse one clause at *sp; returns 0, or -1 with errno set. */
static int
parse_clause(struct fsu_mode *m, const char **sp, mode_t umask)
{
	struct mode_op op;
	const char *s = *sp;
	mode_t who;
	int onlyo, nowho;

	who = who_bits(&s, &onlyo);
	nowho = who == 0;
	if (*s != '+' && *s != '-' && *s != '=') {
		errno = EINVAL;
		return -1;
	}
	while (*s == '+' || *s == '-' || *s == '=') {
		memset(&op, 0, sizeof(op));
		op.mo_op = *s++;
		op.mo_affect = nowho ? ALLBITS : who;
		op.mo_mask = nowho ? (ALLBITS & ~umask) : ALLBITS;
		s = perm_bits(s, &op, nowho, onlyo);
		if (add_op(m, &op) == -1)
			return -1;
	}
	*sp = s;
	return 0;
}

static int
parse_octal(struct fsu_mode *m, const char *s)
{
	char *end;
	unsigned long v;

	if (strspn(s, "01234567") != strlen(s)) {
		errno = EINVAL;
		return -1;
	}
	v = strtoul(s, &end, 8);
	if (v > ALLBITS) {
		errno = EINVAL;
		return -1;
	}
	m->fm_absolute = 1;
	m->fm_value = (mode_t)v;
	return 0;
}

struct fsu_mode *
fsu_mode_parse(const char *str, mode_t umask)
{
	struct fsu_mode *m;
	const char *s = str;
	int error = 0;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if (*s >= '0' && *s <= '7') {
		if (parse_octal(m, s) == -1)
			goto fail;
		return m;
	}
	for (;;) {
		if (parse_clause(m, &s, umask) == -1)
			goto fail;
		if (*s == '\0')
			break;
		if (*s != ',' || s[1] == '\0') {
			errno = EINVAL;
			goto fail;
		}
		s++;
	}
	return m;
fail:
	error = errno;
	fsu_mode_free(m);
	errno = error;
	return NULL;
}

/* The rwx bits of class c in mode, given to all three classes. */
static mode_t
copy_bits(mode_t mode, char c)
{
	mode_t b;

	if (c == 'u')
		b = (mode & S_IRWXU) >> 6;
	else if (c == 'g')
		b = (mode & S_IRWXG) >> 3;
	else
		b = mode & S_IRWXO;
	return b << 6 | b << 3 | b;
}

static mode_t
apply_op(const struct mode_op *op, mode_t mode, int isdir)
{
	mode_t v;

	if (op->mo_copy != '\0')
		v = copy_bits(mode, op->mo_copy);
	else
		v = op->mo_perm;
	if (op->mo_cond_x && (isdir || (mode & ALL_X)))
		v |= ALL_X;
	v &= op->mo_affect & op->mo_mask;
	switch (op->mo_op) {
	case '+':
		mode |= v;
		break;
	case '-':
		mode &= ~v;
		break;
	default:
		mode = (mode & ~op->mo_affect) | v;
		break;
	}
	return mode;
}

/*
 * The new permission bits for a file whose mode (with its type bits, for
 * X) is old.  The type bits are not returned.
 */
mode_t
fsu_mode_apply(const struct fsu_mode *m, mode_t old)
{
	mode_t mode = old & ALLBITS;
	size_t i;

	if (m->fm_absolute)
		return m->fm_value;
	for (i = 0; i < m->fm_nops; i++)
		mode = apply_op(&m->fm_ops[i], mode, S_ISDIR(old));
	return mode & ALLBITS;
}

void
fsu_mode_free(struct fsu_mode *m)
{
	if (m == NULL)
		return;
	free(m->fm_ops);
	free(m);
}

/* The process's umask, read without changing it for long. */
mode_t
fsu_umask(void)
{
	mode_t m;

	m = umask(0);
	(void)umask(m);
	return m;
}
