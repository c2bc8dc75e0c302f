/*
 * text.c: the differences of two files, line by line, in the formats of
 * diff(1): normal ("2c2", "< old", "---", "> new") or unified (-u, three
 * lines of context), or a one-line verdict for binary files and -q.
 *
 * Each file is read whole and cut into lines; equal lines get equal
 * numbers (a hash table), so the comparison is of integers.  The
 * shortest edit script is found with Myers' O((N+M)D) algorithm in its
 * linear-space form: the "middle snake" of the two sequences splits the
 * problem in two, recursively, after common prefixes and suffixes are
 * taken off.  When the edit distance grows past DIFF_HARD_D in one
 * search, the furthest point reached splits the problem instead, so the
 * script stays correct but maybe not minimal, and the time stays about
 * (N+M) * DIFF_HARD_D whatever the files hold.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diff.h"

#define CONTEXT		3	/* lines of context of -u */
#define DIFF_HARD_D	4096
#define BINARY_PEEK	8192	/* a NUL in these first bytes: binary */

struct line {
	const char	*l_ptr;
	size_t		 l_len;		/* without the newline */
	uint32_t	 l_id;
	int		 l_noeol;	/* the last line, without newline */
};

struct text {
	char		*t_data;
	size_t		 t_size;
	struct line	*t_lines;
	long		 t_n;
	int		 t_noeol;	/* the last line has no newline */
	char		*t_chg;		/* t_n flags: line deleted/inserted */
};

/* The state of one comparison. */
struct dctx {
	const uint32_t	*c_a, *c_b;	/* line ids */
	char		*c_da, *c_db;	/* changed lines */
	long		*c_vf, *c_vb;	/* diagonals, offset by c_off */
	long		 c_off;
};

/* Read a whole file into t; 0, or -1 with errno. */
static int
read_all(const struct diff_side *s, struct text *t)
{
	size_t cap = 65536;
	ssize_t n;
	char *p;
	int fd;

	memset(t, 0, sizeof(*t));
	if ((fd = fsu_place_open(s->ds_fs, s->ds_path)) == -1)
		return -1;
	if ((t->t_data = malloc(cap)) == NULL)
		goto fail;
	for (;;) {
		if (t->t_size == cap) {
			cap *= 2;
			if ((p = realloc(t->t_data, cap)) == NULL)
				goto fail;
			t->t_data = p;
		}
		n = fsu_place_read(s->ds_fs, fd, t->t_data + t->t_size,
		    cap - t->t_size);
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		t->t_size += (size_t)n;
	}
	fsu_place_close(s->ds_fs, fd);
	return 0;
fail:
	n = errno;
	fsu_place_close(s->ds_fs, fd);
	free(t->t_data);
	t->t_data = NULL;
	errno = (int)n;
	return -1;
}

static int
is_binary(const struct text *t)
{
	size_t n = t->t_size < BINARY_PEEK ? t->t_size : BINARY_PEEK;

	return memchr(t->t_data, '\0', n) != NULL;
}

/* Cut the data into lines. */
static int
split_lines(struct text *t)
{
	size_t pos = 0, cap = 0;
	const char *nl;
	struct line *l;

	while (pos < t->t_size) {
		if ((size_t)t->t_n == cap) {
			cap = cap == 0 ? 1024 : cap * 2;
			if ((l = realloc(t->t_lines, cap * sizeof(*l))) == NULL)
				return -1;
			t->t_lines = l;
		}
		l = &t->t_lines[t->t_n++];
		l->l_ptr = t->t_data + pos;
		nl = memchr(l->l_ptr, '\n', t->t_size - pos);
		l->l_len = nl != NULL ? (size_t)(nl - l->l_ptr) :
		    t->t_size - pos;
		pos += l->l_len + (nl != NULL);
		t->t_noeol = l->l_noeol = nl == NULL;
	}
	return 0;
}

static uint64_t
line_hash(const struct line *l)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < l->l_len; i++)
		h = (h ^ (unsigned char)l->l_ptr[i]) * 0x100000001b3ULL;
	return h ^ (uint64_t)l->l_noeol;
}

/*
 * Number the lines of both files: equal lines, equal ids (a last line
 * without a newline equals no line with one).  Open addressing over the
 * distinct lines, compared in full on a hash match.
 */
static int
number_lines(struct text *a, struct text *b)
{
	const struct line **tab, *e;
	struct text *t;
	size_t size = 64, i, slot, n;
	uint64_t h;
	uint32_t next = 0;
	long j;

	n = (size_t)a->t_n + (size_t)b->t_n;
	while (size < n * 2)
		size *= 2;
	if ((tab = calloc(size, sizeof(*tab))) == NULL)
		return -1;
	for (i = 0; i < 2; i++) {
		t = i == 0 ? a : b;
		for (j = 0; j < t->t_n; j++) {
			h = line_hash(&t->t_lines[j]);
			for (slot = (size_t)h & (size - 1);
			    (e = tab[slot]) != NULL; slot = (slot + 1) &
			    (size - 1))
				if (e->l_len == t->t_lines[j].l_len &&
				    e->l_noeol == t->t_lines[j].l_noeol &&
				    memcmp(e->l_ptr, t->t_lines[j].l_ptr,
				    e->l_len) == 0)
					break;
			if (e == NULL) {
				t->t_lines[j].l_id = next++;
				tab[slot] = &t->t_lines[j];
			} else
				t->t_lines[j].l_id = e->l_id;
		}
	}
	free(tab);
	return 0;
}

/*
 * The middle snake of a[a0,a1) and b[b0,b1) (both not empty, first and
 * last lines different): its start (*sx, *sy) and end (*ex, *ey).  Past
 * DIFF_HARD_D, the furthest point a forward path reached, as an empty
 * snake.
 */
static void
middle_snake(struct dctx *c, long a0, long a1, long b0, long b1, long *sx,
    long *sy, long *ex, long *ey)
{
	long n = a1 - a0, m = b1 - b0, delta = n - m, d, k, x, y, x0, y0;
	long *vf = c->c_vf + c->c_off, *vb = c->c_vb + c->c_off, best, bk;
	int odd = (delta & 1) != 0;

	vf[1] = vb[1] = 0;
	for (d = 0;; d++) {
		for (k = -d; k <= d; k += 2) {
			x = k == -d || (k != d && vf[k - 1] < vf[k + 1]) ?
			    vf[k + 1] : vf[k - 1] + 1;
			y = x - k;
			x0 = x;
			y0 = y;
			while (x < n && y < m &&
			    c->c_a[a0 + x] == c->c_b[b0 + y]) {
				x++;
				y++;
			}
			vf[k] = x;
			if (odd && delta - k >= -(d - 1) &&
			    delta - k <= d - 1 && x + vb[delta - k] >= n) {
				*sx = a0 + x0;
				*sy = b0 + y0;
				*ex = a0 + x;
				*ey = b0 + y;
				return;
			}
		}
		for (k = -d; k <= d; k += 2) {
			x = k == -d || (k != d && vb[k - 1] < vb[k + 1]) ?
			    vb[k + 1] : vb[k - 1] + 1;
			y = x - k;
			x0 = x;
			y0 = y;
			while (x < n && y < m &&
			    c->c_a[a1 - 1 - x] == c->c_b[b1 - 1 - y]) {
				x++;
				y++;
			}
			vb[k] = x;
			if (!odd && delta - k >= -d && delta - k <= d &&
			    x + vf[delta - k] >= n) {
				*sx = a1 - x;
				*sy = b1 - y;
				*ex = a1 - x0;
				*ey = b1 - y0;
				return;
			}
		}
		if (d < DIFF_HARD_D)
			continue;
		/* Too costly: split at the furthest forward point. */
		best = -1;
		bk = 0;
		for (k = -d; k <= d; k += 2) {
			x = vf[k] < n ? vf[k] : n;
			y = x - k;
			if (y < 0 || y > m || x + y <= best || x + y >= n + m)
				continue;
			best = x + y;
			bk = k;
		}
		if (best < 1) {
			/* No point inside: take one line of a out. */
			*sx = *ex = a0 + 1;
			*sy = *ey = b0;
			return;
		}
		x = vf[bk] < n ? vf[bk] : n;
		*sx = *ex = a0 + x;
		*sy = *ey = b0 + x - bk;
		return;
	}
}

/* Mark the lines of a[a0,a1) deleted and b[b0,b1) inserted, minimally. */
static void
compare_seq(struct dctx *c, long a0, long a1, long b0, long b1)
{
	long sx, sy, ex, ey;

	while (a0 < a1 && b0 < b1 && c->c_a[a0] == c->c_b[b0]) {
		a0++;
		b0++;
	}
	while (a0 < a1 && b0 < b1 && c->c_a[a1 - 1] == c->c_b[b1 - 1]) {
		a1--;
		b1--;
	}
	if (a0 == a1 || b0 == b1) {
		if (a1 > a0)
			memset(c->c_da + a0, 1, (size_t)(a1 - a0));
		if (b1 > b0)
			memset(c->c_db + b0, 1, (size_t)(b1 - b0));
		return;
	}
	middle_snake(c, a0, a1, b0, b1, &sx, &sy, &ex, &ey);
	compare_seq(c, a0, sx, b0, sy);
	compare_seq(c, ex, a1, ey, b1);
}

/* Find the changed lines of a and b (t_chg). */
static int
diff_lines(struct text *a, struct text *b)
{
	struct dctx c;
	uint32_t *ia, *ib;
	long i, size = a->t_n + b->t_n + 3;
	int rv = -1;

	memset(&c, 0, sizeof(c));
	ia = malloc(((size_t)a->t_n + 1) * sizeof(*ia));
	ib = malloc(((size_t)b->t_n + 1) * sizeof(*ib));
	a->t_chg = calloc((size_t)a->t_n + 1, 1);
	b->t_chg = calloc((size_t)b->t_n + 1, 1);
	c.c_vf = malloc(((size_t)size * 2 + 2) * sizeof(long));
	c.c_vb = malloc(((size_t)size * 2 + 2) * sizeof(long));
	if (ia == NULL || ib == NULL || a->t_chg == NULL || b->t_chg == NULL ||
	    c.c_vf == NULL || c.c_vb == NULL)
		goto out;
	for (i = 0; i < a->t_n; i++)
		ia[i] = a->t_lines[i].l_id;
	for (i = 0; i < b->t_n; i++)
		ib[i] = b->t_lines[i].l_id;
	c.c_a = ia;
	c.c_b = ib;
	c.c_da = a->t_chg;
	c.c_db = b->t_chg;
	c.c_off = size;
	compare_seq(&c, 0, a->t_n, 0, b->t_n);
	rv = 0;
out:
	free(ia);
	free(ib);
	free(c.c_vf);
	free(c.c_vb);
	return rv;
}

/* One change: lines [a0,a1) of a replaced by [b0,b1) of b. */
struct change {
	long	ch_a0, ch_a1, ch_b0, ch_b1;
};

/* The next change at or after (*ip, *jp); 0 when there is none. */
static int
next_change(const struct text *a, const struct text *b, long *ip, long *jp,
    struct change *ch)
{
	long i = *ip, j = *jp;

	while (i < a->t_n && j < b->t_n && !a->t_chg[i] && !b->t_chg[j]) {
		i++;
		j++;
	}
	if (i >= a->t_n && j >= b->t_n)
		return 0;
	ch->ch_a0 = i;
	ch->ch_b0 = j;
	while (i < a->t_n && a->t_chg[i])
		i++;
	while (j < b->t_n && b->t_chg[j])
		j++;
	ch->ch_a1 = i;
	ch->ch_b1 = j;
	*ip = i;
	*jp = j;
	return 1;
}

static void
put_line(char mark, const struct text *t, long i)
{
	const struct line *l = &t->t_lines[i];

	putchar(mark);
	if (mark == '<' || mark == '>')
		putchar(' ');
	fwrite(l->l_ptr, 1, l->l_len, stdout);
	putchar('\n');
	if (i == t->t_n - 1 && t->t_noeol)
		fputs("\\ No newline at end of file\n", stdout);
}

/* "first,last" of lines [l0,l1) (1-based), or the one line. */
static void
put_range(long l0, long l1)
{
	if (l1 - l0 > 1)
		printf("%ld,%ld", l0 + 1, l1);
	else if (l1 > l0)
		printf("%ld", l0 + 1);
	else
		printf("%ld", l0);
}

static void
normal_format(const struct text *a, const struct text *b)
{
	struct change ch;
	long i = 0, j = 0, k;

	while (next_change(a, b, &i, &j, &ch)) {
		put_range(ch.ch_a0, ch.ch_a1);
		putchar(ch.ch_a1 == ch.ch_a0 ? 'a' : ch.ch_b1 == ch.ch_b0 ?
		    'd' : 'c');
		put_range(ch.ch_b0, ch.ch_b1);
		putchar('\n');
		for (k = ch.ch_a0; k < ch.ch_a1; k++)
			put_line('<', a, k);
		if (ch.ch_a1 > ch.ch_a0 && ch.ch_b1 > ch.ch_b0)
			fputs("---\n", stdout);
		for (k = ch.ch_b0; k < ch.ch_b1; k++)
			put_line('>', b, k);
	}
}

/* "-start,len" of a unified hunk (len 1 is left out). */
static void
put_urange(char sign, long l0, long l1)
{
	long len = l1 - l0;

	if (len == 1)
		printf(" %c%ld", sign, l0 + 1);
	else
		printf(" %c%ld,%ld", sign, len == 0 ? l0 : l0 + 1, len);
}

/* Print the hunk of changes v[0..n), with context. */
static void
put_hunk(const struct text *a, const struct text *b, const struct change *v,
    size_t n)
{
	long a0, a1, b0, b1, i, j;
	size_t c;

	a0 = v[0].ch_a0 > CONTEXT ? v[0].ch_a0 - CONTEXT : 0;
	b0 = v[0].ch_b0 - (v[0].ch_a0 - a0);
	a1 = v[n - 1].ch_a1 + CONTEXT < a->t_n ? v[n - 1].ch_a1 + CONTEXT :
	    a->t_n;
	b1 = v[n - 1].ch_b1 + (a1 - v[n - 1].ch_a1);
	fputs("@@", stdout);
	put_urange('-', a0, a1);
	put_urange('+', b0, b1);
	fputs(" @@\n", stdout);
	i = a0;
	j = b0;
	for (c = 0; c < n; c++) {
		for (; i < v[c].ch_a0; i++, j++)
			put_line(' ', a, i);
		for (; i < v[c].ch_a1; i++)
			put_line('-', a, i);
		for (; j < v[c].ch_b1; j++)
			put_line('+', b, j);
	}
	for (; i < a1; i++)
		put_line(' ', a, i);
}

static void
put_header(const char *mark, const struct diff_side *s)
{
	char date[64], zone[16];
	struct tm tm;
	time_t t = s->ds_st.st_mtim.tv_sec;

	if (localtime_r(&t, &tm) == NULL) {
		printf("%s %s\n", mark, s->ds_name);
		return;
	}
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	printf("%s %s\t%s.%09ld %s\n", mark, s->ds_name, date,
	    (long)s->ds_st.st_mtim.tv_nsec, zone);
}

static int
unified_format(const struct text *a, const struct text *b,
    const struct diff_side *sa, const struct diff_side *sb)
{
	struct change *v = NULL, ch, *p;
	size_t n = 0, cap = 0;
	long i = 0, j = 0;

	put_header("---", sa);
	put_header("+++", sb);
	while (next_change(a, b, &i, &j, &ch)) {
		if (n > 0 && ch.ch_a0 - v[n - 1].ch_a1 > 2 * CONTEXT) {
			put_hunk(a, b, v, n);
			n = 0;
		}
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((p = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				return -1;
			}
			v = p;
		}
		v[n++] = ch;
	}
	if (n > 0)
		put_hunk(a, b, v, n);
	free(v);
	return 0;
}

static void
text_free(struct text *t)
{
	free(t->t_data);
	free(t->t_lines);
	free(t->t_chg);
}

/*
 * Compare regular files a and b and print their differences in format
 * fmt (header, when not NULL, first: "diff -r a b").  Returns
 * DIFF_SAME, DIFF_DIFFER or DIFF_TROUBLE (after a message).
 */
int
diff_text(const struct diff_side *a, const struct diff_side *b, int fmt,
    const char *header)
{
	struct text ta, tb;
	int rv = DIFF_DIFFER;

	if (read_all(a, &ta) == -1) {
		fsu_warn("%s", a->ds_name);
		return DIFF_TROUBLE;
	}
	if (read_all(b, &tb) == -1) {
		fsu_warn("%s", b->ds_name);
		text_free(&ta);
		return DIFF_TROUBLE;
	}
	if (ta.t_size == tb.t_size && memcmp(ta.t_data, tb.t_data,
	    ta.t_size) == 0)
		rv = DIFF_SAME;
	else if (fmt == FMT_BRIEF)
		printf("Files %s and %s differ\n", a->ds_name, b->ds_name);
	else if (is_binary(&ta) || is_binary(&tb))
		printf("Binary files %s and %s differ\n", a->ds_name,
		    b->ds_name);
	else if (split_lines(&ta) == -1 || split_lines(&tb) == -1 ||
	    number_lines(&ta, &tb) == -1 || diff_lines(&ta, &tb) == -1) {
		fsu_warn("%s", a->ds_name);
		rv = DIFF_TROUBLE;
	} else {
		if (header != NULL)
			printf("%s\n", header);
		if (fmt == FMT_UNIFIED) {
			if (unified_format(&ta, &tb, a, b) == -1) {
				fsu_warn("%s", a->ds_name);
				rv = DIFF_TROUBLE;
			}
		} else
			normal_format(&ta, &tb);
	}
	text_free(&ta);
	text_free(&tb);
	return rv;
}
