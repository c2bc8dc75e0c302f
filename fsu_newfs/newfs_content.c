/*
 * newfs_content.c: what fsu_newfs -F fits: the entries of a host
 * directory tree, of an archive or of an mtree manifest, as the list
 * ukfs_newfs takes (entry 0 the root, every entry after its directory).
 *
 * A host tree is walked as fsu_put -R copies it: the contents of the
 * directory become the root's, each directory's entries in the order of
 * their names, symbolic links not followed, a file with several links
 * counted once.  An archive or a manifest is read with libarchive (any
 * format and compression it knows; an mtree manifest takes its sizes from
 * size= or from the files it names, as bsdtar does); names lose a leading
 * "/" and "./", directories an archive leaves out are added, and entries
 * with ".." are left out as fsu_tar leaves them out.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newfs.h"

/* A table of names (archives) or of (device, inode) pairs (trees). */
struct ctable {
	char		**ct_key;	/* names, or NULL */
	uint64_t	*ct_dev, *ct_ino;
	size_t		*ct_val;
	size_t		 ct_size;	/* slots, a power of two */
	size_t		 ct_used;
};

static uint64_t
hash_bytes(const void *p, size_t len, uint64_t h)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int
ct_grow(struct ctable *ct, int named)
{
	struct ctable n;
	size_t i, j;

	memset(&n, 0, sizeof(n));
	n.ct_size = ct->ct_size == 0 ? 1024 : ct->ct_size * 2;
	n.ct_val = calloc(n.ct_size, sizeof(*n.ct_val));
	if (named)
		n.ct_key = calloc(n.ct_size, sizeof(*n.ct_key));
	n.ct_dev = calloc(n.ct_size, sizeof(*n.ct_dev));
	n.ct_ino = calloc(n.ct_size, sizeof(*n.ct_ino));
	if (n.ct_val == NULL || (named && n.ct_key == NULL) ||
	    n.ct_dev == NULL || n.ct_ino == NULL) {
		free(n.ct_val);
		free(n.ct_key);
		free(n.ct_dev);
		free(n.ct_ino);
		return -1;
	}
	for (i = 0; i < ct->ct_size; i++) {
		if (ct->ct_val[i] == 0)
			continue;
		j = (size_t)(named ? hash_bytes(ct->ct_key[i],
		    strlen(ct->ct_key[i]), 14695981039346656037ULL) :
		    hash_bytes(&ct->ct_ino[i], 8, hash_bytes(&ct->ct_dev[i], 8,
		    14695981039346656037ULL)));
		for (j &= n.ct_size - 1; n.ct_val[j] != 0;
		    j = (j + 1) & (n.ct_size - 1))
			continue;
		n.ct_val[j] = ct->ct_val[i];
		if (named)
			n.ct_key[j] = ct->ct_key[i];
		n.ct_dev[j] = ct->ct_dev[i];
		n.ct_ino[j] = ct->ct_ino[i];
	}
	n.ct_used = ct->ct_used;
	free(ct->ct_val);
	free(ct->ct_key);
	free(ct->ct_dev);
	free(ct->ct_ino);
	*ct = n;
	return 0;
}

/*
 * Find a name (or a device and inode) in the table; with val non-zero,
 * add it if missing.  Returns the value (an entry index + 1), 0 if
 * absent, or (size_t)-1 when out of memory.
 */
static size_t
ct_find(struct ctable *ct, const char *key, uint64_t dev, uint64_t ino,
    size_t val)
{
	size_t i;

	if (ct->ct_size == 0 || (val != 0 && ct->ct_used * 2 >= ct->ct_size))
		if (ct_grow(ct, key != NULL) != 0)
			return (size_t)-1;
	i = (size_t)(key != NULL ? hash_bytes(key, strlen(key),
	    14695981039346656037ULL) : hash_bytes(&ino, 8, hash_bytes(&dev, 8,
	    14695981039346656037ULL)));
	for (i &= ct->ct_size - 1; ct->ct_val[i] != 0;
	    i = (i + 1) & (ct->ct_size - 1)) {
		if (key != NULL ? strcmp(ct->ct_key[i], key) == 0 :
		    ct->ct_dev[i] == dev && ct->ct_ino[i] == ino)
			return ct->ct_val[i];
	}
	if (val == 0)
		return 0;
	if (key != NULL && (ct->ct_key[i] = strdup(key)) == NULL)
		return (size_t)-1;
	ct->ct_val[i] = val;
	ct->ct_dev[i] = dev;
	ct->ct_ino[i] = ino;
	ct->ct_used++;
	return val;
}

static void
ct_free(struct ctable *ct)
{
	size_t i;

	for (i = 0; ct->ct_key != NULL && i < ct->ct_size; i++)
		free(ct->ct_key[i]);
	free(ct->ct_key);
	free(ct->ct_val);
	free(ct->ct_dev);
	free(ct->ct_ino);
	memset(ct, 0, sizeof(*ct));
}

/* Append an entry; returns its index, or (size_t)-1 without memory. */
static size_t
nc_add(struct newfs_content *nc, size_t parent, size_t namlen, int type,
    uint64_t size, int flags)
{
	struct ukfs_newfs_ent *e;

	if (nc->nc_count == nc->nc_cap) {
		size_t cap = nc->nc_cap == 0 ? 1024 : nc->nc_cap * 2;

		if ((e = realloc(nc->nc_ent, cap * sizeof(*e))) == NULL)
			return (size_t)-1;
		nc->nc_ent = e;
		nc->nc_cap = cap;
	}
	e = &nc->nc_ent[nc->nc_count];
	memset(e, 0, sizeof(*e));
	e->ue_parent = (uint32_t)parent;
	e->ue_namlen = (uint16_t)(namlen > 0xffff ? 0xffff : namlen);
	e->ue_type = (uint8_t)type;
	e->ue_size = size;
	e->ue_flags = (uint8_t)flags;
	return nc->nc_count++;
}

static int
dtype_of(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:	return DT_DIR;
	case S_IFREG:	return DT_REG;
	case S_IFLNK:	return DT_LNK;
	case S_IFCHR:	return DT_CHR;
	case S_IFBLK:	return DT_BLK;
	case S_IFIFO:	return DT_FIFO;
	case S_IFSOCK:	return DT_SOCK;
	default:	return DT_UNKNOWN;
	}
}

/* ------------------------------------------------------------ host tree */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of directory dfd (consumed), sorted; NULL-terminated. */
static char **
dir_names(int dfd, size_t *countp)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, **n;
	size_t count = 0, cap = 0;

	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return NULL;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (count + 1 >= cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((n = realloc(names, cap * sizeof(*n))) == NULL)
				goto fail;
			names = n;
		}
		if ((names[count] = strdup(de->d_name)) == NULL)
			goto fail;
		count++;
	}
	if (errno != 0)
		goto fail;
	closedir(d);
	if (names == NULL && (names = calloc(1, sizeof(*names))) == NULL)
		return NULL;
	names[count] = NULL;
	qsort(names, count, sizeof(*names), name_cmp);
	*countp = count;
	return names;
fail:
	while (count > 0)
		free(names[--count]);
	free(names);
	closedir(d);
	return NULL;
}

struct walk {
	struct newfs_content	*w_nc;
	struct ctable		 w_links;
	const char		*w_top;
};

static int walk_dir(struct walk *, int, size_t, const char *);

/* Add entry name of directory dfd (entry parent). */
static int
walk_one(struct walk *w, int dfd, size_t parent, const char *name,
    const char *path)
{
	struct stat st;
	size_t idx, found;
	int flags = 0, fd, rv;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		fprintf(stderr, "fsu_newfs: %s/%s: %s\n", path, name,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		found = ct_find(&w->w_links, NULL, (uint64_t)st.st_dev,
		    (uint64_t)st.st_ino, w->w_nc->nc_count + 1);
		if (found == (size_t)-1)
			goto nomem;
		if (found != w->w_nc->nc_count + 1)
			flags = UKFS_NEWFS_LINK;
	}
	idx = nc_add(w->w_nc, parent, strlen(name), dtype_of(st.st_mode),
	    S_ISREG(st.st_mode) || S_ISLNK(st.st_mode) ?
	    (uint64_t)st.st_size : 0, flags);
	if (idx == (size_t)-1)
		goto nomem;
	if (!S_ISDIR(st.st_mode))
		return 0;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1) {
		fprintf(stderr, "fsu_newfs: %s/%s: %s\n", path, name,
		    strerror(errno));
		return -1;
	}
	{
		size_t len = strlen(path) + strlen(name) + 2;
		char *sub = malloc(len);

		if (sub == NULL) {
			close(fd);
			goto nomem;
		}
		snprintf(sub, len, "%s/%s", path, name);
		rv = walk_dir(w, fd, idx, sub);
		free(sub);
	}
	return rv;
nomem:
	fprintf(stderr, "fsu_newfs: %s\n", strerror(ENOMEM));
	return -1;
}

/* Add the entries of directory dfd (entry idx, consumed), sorted. */
static int
walk_dir(struct walk *w, int dfd, size_t idx, const char *path)
{
	char **names;
	size_t count = 0, i;
	int lfd, rv = 0;

	if ((lfd = dup(dfd)) == -1 ||
	    (names = dir_names(lfd, &count)) == NULL) {
		fprintf(stderr, "fsu_newfs: %s: %s\n", path, strerror(errno));
		close(dfd);
		return -1;
	}
	for (i = 0; i < count && rv == 0; i++)
		rv = walk_one(w, dfd, idx, names[i], path);
	close(dfd);
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rv;
}

static int
load_tree(const char *top, struct newfs_content *nc)
{
	struct walk w;
	int fd, rv;

	memset(&w, 0, sizeof(w));
	w.w_nc = nc;
	w.w_top = top;
	if (nc_add(nc, 0, 0, DT_DIR, 0, 0) == (size_t)-1)
		return -1;
	if ((fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "fsu_newfs: %s: %s\n", top, strerror(errno));
		return -1;
	}
	rv = walk_dir(&w, fd, 0, top);
	ct_free(&w.w_links);
	return rv;
}

/* ------------------------------------------------------------- archive */

/*
 * Clean an archive's name in place: no leading "/" or "./", no empty or
 * "." components, no trailing "/".  Returns NULL for a name with a ".."
 * component (left out), "" for the root.
 */
static char *
clean_name(char *name)
{
	char *src = name, *dst = name, *comp;

	while (*src != '\0') {
		while (*src == '/')
			src++;
		if (*src == '\0')
			break;
		comp = src;
		while (*src != '/' && *src != '\0')
			src++;
		if (src - comp == 1 && comp[0] == '.')
			continue;
		if (src - comp == 2 && comp[0] == '.' && comp[1] == '.')
			return NULL;
		if (dst != name)
			*dst++ = '/';
		memmove(dst, comp, (size_t)(src - comp));
		dst += src - comp;
	}
	*dst = '\0';
	return name;
}

/*
 * The entry of directory path (made, with the directories above it, if
 * the archive has not named it yet); (size_t)-1 if a non-directory is in
 * the way or memory runs out.
 */
static size_t
arc_dir(struct ctable *names, struct newfs_content *nc, char *path)
{
	size_t v, parent;
	char *slash;

	if (path[0] == '\0')
		return 0;
	v = ct_find(names, path, 0, 0, 0);
	if (v == (size_t)-1)
		return v;
	if (v != 0)
		return nc->nc_ent[v - 1].ue_type == DT_DIR ? v - 1 :
		    (size_t)-1;
	slash = strrchr(path, '/');
	if (slash != NULL) {
		*slash = '\0';
		parent = arc_dir(names, nc, path);
		*slash = '/';
	} else {
		parent = 0;
	}
	if (parent == (size_t)-1)
		return parent;
	v = nc_add(nc, parent, strlen(slash != NULL ? slash + 1 : path),
	    DT_DIR, 0, 0);
	if (v == (size_t)-1 ||
	    ct_find(names, path, 0, 0, v + 1) == (size_t)-1)
		return (size_t)-1;
	return v;
}

/* Add one archive entry. */
static int
arc_entry(struct ctable *names, struct newfs_content *nc,
    struct archive_entry *ae, const char *source)
{
	const char *p = archive_entry_pathname(ae), *target;
	size_t parent, v;
	char *name, *slash;
	uint64_t size = 0;
	int type, flags = 0, rv = 0;

	if (p == NULL || (name = strdup(p)) == NULL)
		return p == NULL ? 0 : -1;
	if (clean_name(name) == NULL || name[0] == '\0')
		goto out;
	type = dtype_of(archive_entry_filetype(ae));
	if (archive_entry_hardlink(ae) != NULL) {
		flags = UKFS_NEWFS_LINK;
		type = DT_REG;
	} else if (type == DT_REG) {
		size = (uint64_t)archive_entry_size(ae);
	} else if (type == DT_LNK) {
		target = archive_entry_symlink(ae);
		size = target != NULL ? strlen(target) : 0;
	}
	if ((v = ct_find(names, name, 0, 0, 0)) == (size_t)-1)
		goto nomem;
	if (v != 0) {
		/* Named again: extracting replaces it, so keep the larger. */
		if (nc->nc_ent[v - 1].ue_type != DT_DIR && type != DT_DIR &&
		    size > nc->nc_ent[v - 1].ue_size)
			nc->nc_ent[v - 1].ue_size = size;
		goto out;
	}
	slash = strrchr(name, '/');
	if (slash != NULL) {
		*slash = '\0';
		parent = arc_dir(names, nc, name);
		*slash = '/';
	} else {
		parent = 0;
	}
	if (parent == (size_t)-1) {
		fprintf(stderr, "fsu_newfs: %s: %s: not under a directory\n",
		    source, name);
		rv = -1;
		goto out;
	}
	v = nc_add(nc, parent, strlen(slash != NULL ? slash + 1 : name), type,
	    size, flags);
	if (v == (size_t)-1 || ct_find(names, name, 0, 0, v + 1) == (size_t)-1)
		goto nomem;
out:
	free(name);
	return rv;
nomem:
	free(name);
	fprintf(stderr, "fsu_newfs: %s\n", strerror(ENOMEM));
	return -1;
}

static int
load_archive(const char *source, struct newfs_content *nc)
{
	struct ctable names;
	struct archive *a;
	struct archive_entry *ae;
	int r, rv = 0;

	memset(&names, 0, sizeof(names));
	if ((a = archive_read_new()) == NULL ||
	    nc_add(nc, 0, 0, DT_DIR, 0, 0) == (size_t)-1) {
		fprintf(stderr, "fsu_newfs: %s\n", strerror(ENOMEM));
		return -1;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	/* A manifest's sizes from the files it names, as fsu_tar reads. */
	(void)archive_read_set_options(a, "mtree:checkfs");
	if (archive_read_open_filename(a, source, 65536) != ARCHIVE_OK) {
		fprintf(stderr, "fsu_newfs: %s: %s\n", source,
		    archive_error_string(a));
		archive_read_free(a);
		return -1;
	}
	while (rv == 0 && (r = archive_read_next_header(a, &ae)) !=
	    ARCHIVE_EOF) {
		if (r == ARCHIVE_WARN) {
			fprintf(stderr, "fsu_newfs: %s: %s\n", source,
			    archive_error_string(a));
		} else if (r != ARCHIVE_OK) {
			fprintf(stderr, "fsu_newfs: %s: %s\n", source,
			    archive_error_string(a));
			rv = -1;
			break;
		}
		rv = arc_entry(&names, nc, ae, source);
	}
	archive_read_free(a);
	ct_free(&names);
	return rv;
}

/* Describe source (a directory, an archive or a manifest) into nc. */
int
newfs_content_load(const char *source, struct newfs_content *nc)
{
	struct stat st;
	int rv;

	memset(nc, 0, sizeof(*nc));
	if (stat(source, &st) == -1) {
		fprintf(stderr, "fsu_newfs: %s: %s\n", source,
		    strerror(errno));
		return -1;
	}
	rv = S_ISDIR(st.st_mode) ? load_tree(source, nc) :
	    load_archive(source, nc);
	if (rv != 0)
		newfs_content_free(nc);
	return rv;
}

void
newfs_content_free(struct newfs_content *nc)
{
	free(nc->nc_ent);
	memset(nc, 0, sizeof(*nc));
}
