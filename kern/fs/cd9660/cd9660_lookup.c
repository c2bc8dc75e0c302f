/*
 * cd9660_lookup.c: directories: the record scanner, lookup and readdir.
 *
 * cd9660_dirscan() is the one place that walks a directory's records:
 * sector by sector through its extent, a zero length byte ending the
 * records of a sector; every record is checked (cd9660_rec_parse) before
 * use and never crosses its sector.  Records that continue a multi-extent
 * file, associated files and Rock Ridge relocated directories (RE) are
 * skipped.  Readdir cookies are byte offsets in the directory; "." and
 * ".." are its first two records.  ".." is the second record's extent,
 * or its Rock Ridge PL for a relocated directory; the root's is itself.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "../../sys/uio.h"
#include "iso.h"
#include "cd9660_extern.h"

#define SCAN_STOP	(-1)

typedef int (*scan_fn)(void *, struct iso_rec *, uint64_t);

/*
 * Call fn(arg, record, offset of the next record in the directory) for
 * every shown record of dp from byte offset start on; fn returns 0 to go
 * on, SCAN_STOP to stop, or an error.
 */
static int
cd9660_dirscan(struct iso_node *dp, uint64_t start, scan_fn fn, void *arg,
    bool names)
{
	struct iso_mnt *imp = dp->i_mnt;
	uint64_t size = dp->i_rec.ir_size, off = start;
	uint64_t base = (uint64_t)dp->i_rec.ir_extent * ISO_SECSIZE;
	struct iso_rec r;
	struct buf *bp;
	bool cont = false;
	int error = 0;

	while (off < size && error == 0) {
		uint64_t sec = off / ISO_SECSIZE;
		const uint8_t *p;
		size_t o;

		if ((error = cd9660_bread(imp, dp->i_rec.ir_extent + sec,
		    &bp)) != 0)
			return error;
		p = bp->b_data;
		for (o = off % ISO_SECSIZE; o < ISO_SECSIZE &&
		    sec * ISO_SECSIZE + o < size; o += p[o]) {
			uint64_t next;

			if (p[o] == 0)
				break;
			error = cd9660_rec_parse(imp, p + o, ISO_SECSIZE - o,
			    base + sec * ISO_SECSIZE + o, &r, names);
			if (error != 0)
				break;
			next = sec * ISO_SECSIZE + o + p[o];
			if (!cont && (r.ir_flags & ISO_FL_ASSOC) == 0 &&
			    !r.ir_relocated)
				error = fn(arg, &r, next);
			cont = (r.ir_flags & ISO_FL_MULTI) != 0;
			cd9660_rec_free(&r);
			if (error != 0)
				break;
		}
		brelse(bp, 0);
		off = (sec + 1) * ISO_SECSIZE;
	}
	return error == SCAN_STOP ? 0 : error;
}

/* The key of dp's parent. */
struct parent_arg {
	ino_t	key;
	int	n;
};

static int
parent_cb(void *arg, struct iso_rec *r, uint64_t next)
{
	struct parent_arg *pa = arg;

	(void)next;
	if (++pa->n < 2)
		return 0;
	if (r->ir_namelen != 2 || r->ir_type != VDIR)
		return EIO;
	pa->key = (ino_t)(r->ir_pl != 0 ? r->ir_pl : r->ir_extent) *
	    ISO_SECSIZE;
	return SCAN_STOP;
}

static int
parent_key(struct iso_node *dp, ino_t *keyp)
{
	struct parent_arg pa = { 0, 0 };
	int error;

	if (dp->i_rec.ir_extent == dp->i_mnt->im_rootext) {
		*keyp = dp->i_key;
		return 0;
	}
	error = cd9660_dirscan(dp, 0, parent_cb, &pa, false);
	if (error == 0 && pa.key == 0)
		error = EIO;
	if (error != 0)
		return cd9660_bad(dp->i_mnt, dp->i_key, "directory without "
		    "a \"..\" record");
	*keyp = pa.key;
	return 0;
}

struct find_arg {
	const char	*name;
	size_t		len;
	ino_t		key;
};

static int
find_cb(void *arg, struct iso_rec *r, uint64_t next)
{
	struct find_arg *fa = arg;

	(void)next;
	if (r->ir_namelen != fa->len || memcmp(r->ir_name, fa->name,
	    fa->len) != 0 || (r->ir_namelen <= 2 && r->ir_name[0] == '.' &&
	    (r->ir_namelen == 1 || r->ir_name[1] == '.')))
		return 0;
	fa->key = cd9660_rec_key(r);
	return SCAN_STOP;
}

int
cd9660_lookup(struct vnode *dvp, const char *name, size_t len,
    struct vnode **vpp)
{
	struct iso_node *dp = VTOI(dvp);
	struct find_arg fa = { name, len, 0 };
	ino_t key;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		if ((error = parent_key(dp, &key)) != 0)
			return error;
	} else {
		if ((error = cd9660_dirscan(dp, 0, find_cb, &fa, true)) != 0)
			return error;
		if (fa.key == 0)
			return ENOENT;
		key = fa.key;
	}
	if ((error = vcache_get(dvp->v_mount, key, vpp)) == ENOENT)
		error = EIO;
	return error;
}

struct readdir_arg {
	struct uio	*ra_uio;
	struct iso_node	*ra_dp;
	ino_t		ra_parent;
	bool		ra_full;
};

static int
readdir_cb(void *arg, struct iso_rec *r, uint64_t next)
{
	struct readdir_arg *ra = arg;
	ino_t key;
	int error;

	if (r->ir_namelen == 1 && r->ir_name[0] == '.')
		key = ra->ra_dp->i_key;
	else if (r->ir_namelen == 2 && memcmp(r->ir_name, "..", 2) == 0)
		key = ra->ra_parent;
	else
		key = cd9660_rec_key(r);
	error = vfs_dirent_put(ra->ra_uio, key, r->ir_name, r->ir_namelen,
	    vtype_to_dt(r->ir_type), &ra->ra_full);
	if (error != 0)
		return error;
	if (ra->ra_full)
		return SCAN_STOP;
	ra->ra_uio->uio_offset = (off_t)next;
	return 0;
}

int
cd9660_readdir(struct vnode *vp, struct uio *uio, bool *eofp)
{
	struct iso_node *dp = VTOI(vp);
	struct readdir_arg ra = { uio, dp, 0, false };
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	*eofp = false;
	if ((uint64_t)uio->uio_offset >= dp->i_rec.ir_size) {
		*eofp = true;
		return 0;
	}
	/* ".." is in the first sector; found before the scan holds it. */
	if (uio->uio_offset < ISO_SECSIZE &&
	    (error = parent_key(dp, &ra.ra_parent)) != 0)
		return error;
	error = cd9660_dirscan(dp, (uint64_t)uio->uio_offset, readdir_cb, &ra,
	    true);
	if (error == 0 && !ra.ra_full) {
		uio->uio_offset = (off_t)dp->i_rec.ir_size;
		*eofp = true;
	}
	return error;
}
