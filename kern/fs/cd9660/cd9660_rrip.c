/*
 * cd9660_rrip.c: the System Use area of a directory record: SUSP entries
 * (SP, CE, ST) and Rock Ridge's PX, PN, TF, NM, SL, CL, PL and RE.
 *
 * Every entry's length is checked against the area that holds it; CE
 * continuation areas are followed at most CD9660_MAXCE times (a loop of
 * them ends there) and each must lie in one sector of the volume.  Names
 * (NM) longer than NAME_MAX and link targets (SL) of MAXPATHLEN bytes or
 * more make the record corrupt (EIO).
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/systm.h"
#include "iso.h"
#include "cd9660_extern.h"

struct rr_state {
	char		name[NAME_MAX + 1];
	size_t		namelen;
	bool		hasname;
	bool		namedone;
	char		link[MAXPATHLEN];
	size_t		linklen;
	bool		haslink;
	bool		linkdone;
	bool		linkcont;	/* the last component continues */
	bool		toolong;
};

/* Is there an SP entry at the start of this area?  Its skip count. */
int
cd9660_rrip_sp(const uint8_t *p, size_t len, uint8_t *skipp)
{
	if (len < 7 || p[0] != 'S' || p[1] != 'P' || p[2] < 7 ||
	    p[4] != 0xbe || p[5] != 0xef)
		return ENOENT;
	*skipp = p[6];
	return 0;
}

static void
link_add(struct rr_state *st, const char *s, size_t n)
{
	if (st->linklen + n >= sizeof(st->link)) {
		st->toolong = true;
		return;
	}
	memcpy(st->link + st->linklen, s, n);
	st->linklen += n;
}

static void
do_sl(struct rr_state *st, const uint8_t *d, size_t len)
{
	size_t i;

	if (st->linkdone || len < 1)
		return;
	st->haslink = true;
	for (i = 1; i + 2 <= len; ) {
		uint8_t cf = d[i], cl = d[i + 1];
		const uint8_t *c = d + i + 2;

		if (i + 2 + cl > len)
			break;
		if (st->linklen > 0 && !st->linkcont &&
		    st->link[st->linklen - 1] != '/')
			link_add(st, "/", 1);
		if (cf & 0x02)
			link_add(st, ".", 1);
		else if (cf & 0x04)
			link_add(st, "..", 2);
		else if (cf & 0x08)
			link_add(st, "/", 1);
		else
			link_add(st, (const char *)c, cl);
		st->linkcont = (cf & 0x01) != 0;
		i += 2 + (size_t)cl;
	}
	if ((d[0] & 0x01) == 0)
		st->linkdone = true;
}

static void
do_tf(const uint8_t *d, size_t len, struct iso_rec *r)
{
	static const int order[] = { 0x01, 0x02, 0x04, 0x08 };
	size_t sz, off = 1;
	struct ktimespec ts;
	unsigned i;

	if (len < 1)
		return;
	sz = (d[0] & 0x80) ? 17 : 7;
	for (i = 0; i < __arraycount(order); i++) {
		if ((d[0] & order[i]) == 0)
			continue;
		if (off + sz > len)
			return;
		if (sz == 17)
			cd9660_time17(d + off, &ts);
		else
			cd9660_time7(d + off, &ts);
		off += sz;
		switch (order[i]) {
		case 0x01: r->ir_btime = ts; break;
		case 0x02: r->ir_mtime = ts; break;
		case 0x04: r->ir_atime = ts; break;
		case 0x08: r->ir_ctime = ts; break;
		}
	}
}

/* One entry; ENOENT for ST (the end). */
static int
do_entry(struct iso_mnt *imp, const uint8_t *e, size_t elen,
    struct iso_rec *r, struct rr_state *st, uint32_t *ce_sec,
    uint32_t *ce_off, uint32_t *ce_len)
{
	const uint8_t *d = e + SUSP_HDR;
	size_t len = elen - SUSP_HDR;
	uint32_t v, hi;

	(void)imp;
	if (e[0] == 'S' && e[1] == 'T')
		return ENOENT;
	if (e[0] == 'C' && e[1] == 'E' && len >= 24) {
		if (cd9660_both32(d, ce_sec) != 0 ||
		    cd9660_both32(d + 8, ce_off) != 0 ||
		    cd9660_both32(d + 16, ce_len) != 0)
			return EIO;
	} else if (e[0] == 'P' && e[1] == 'X' && len >= 32) {
		if (cd9660_both32(d, &v) != 0)
			return EIO;
		r->ir_type = vtype_from_mode((mode_t)v);
		r->ir_mode = (mode_t)(v & ALLPERMS);
		if (r->ir_type == VBAD || r->ir_type == VNON)
			return EIO;
		if (cd9660_both32(d + 8, &v) != 0)
			return EIO;
		r->ir_nlink = v;
		if (cd9660_both32(d + 16, &v) != 0)
			return EIO;
		r->ir_uid = v;
		if (cd9660_both32(d + 24, &v) != 0)
			return EIO;
		r->ir_gid = v;
	} else if (e[0] == 'P' && e[1] == 'N' && len >= 16) {
		if (cd9660_both32(d, &hi) != 0 || cd9660_both32(d + 8, &v) != 0)
			return EIO;
		r->ir_rdev = hi == 0 ? (dev_t)v : makedev(hi, v);
	} else if (e[0] == 'T' && e[1] == 'F') {
		do_tf(d, len, r);
	} else if (e[0] == 'N' && e[1] == 'M' && len >= 1) {
		if (st->namedone)
			return 0;
		st->hasname = true;
		if ((d[0] & 0x06) == 0) {
			if (st->namelen + len - 1 > NAME_MAX)
				return EIO;
			memcpy(st->name + st->namelen, d + 1, len - 1);
			st->namelen += len - 1;
		}
		if ((d[0] & 0x01) == 0)
			st->namedone = true;
	} else if (e[0] == 'S' && e[1] == 'L') {
		do_sl(st, d, len);
	} else if (e[0] == 'C' && e[1] == 'L' && len >= 8) {
		if (cd9660_both32(d, &r->ir_cl) != 0 || r->ir_cl == 0)
			return EIO;
	} else if (e[0] == 'P' && e[1] == 'L' && len >= 8) {
		if (cd9660_both32(d, &r->ir_pl) != 0 || r->ir_pl == 0)
			return EIO;
	} else if (e[0] == 'R' && e[1] == 'E') {
		r->ir_relocated = true;
	}
	return 0;
}

/* Walk one area; *more set when a CE asks for another. */
static int
do_area(struct iso_mnt *imp, const uint8_t *p, size_t len, struct iso_rec *r,
    struct rr_state *st, uint32_t *ce_sec, uint32_t *ce_off,
    uint32_t *ce_len)
{
	size_t off = 0;
	int error;

	while (off + SUSP_HDR <= len) {
		size_t elen = p[off + 2];

		if (elen < SUSP_HDR || off + elen > len)
			break;	/* padding, or the end */
		error = do_entry(imp, p + off, elen, r, st, ce_sec, ce_off,
		    ce_len);
		if (error == ENOENT)
			return 0;
		if (error != 0)
			return cd9660_bad(imp, r->ir_devoff, "bad Rock Ridge "
			    "entry");
		off += elen;
	}
	return 0;
}

/*
 * Read the System Use area p[0..len) of record r (and its continuation
 * areas) into r.  With names false, NM and SL are skipped.
 */
int
cd9660_rrip(struct iso_mnt *imp, const uint8_t *p, size_t len,
    struct iso_rec *r, bool names)
{
	struct rr_state *st;
	struct buf *bp;
	uint32_t ce_sec = 0, ce_off = 0, ce_len = 0;
	int error, n;

	if ((st = kmem_zalloc(sizeof(*st))) == NULL)
		return ENOMEM;
	if (len > imp->im_rrskip) {
		error = do_area(imp, p + imp->im_rrskip, len - imp->im_rrskip,
		    r, st, &ce_sec, &ce_off, &ce_len);
	} else {
		error = 0;
	}
	for (n = 0; error == 0 && ce_len != 0; n++) {
		uint32_t s = ce_sec, o = ce_off, l = ce_len;

		if (n == CD9660_MAXCE) {
			error = cd9660_bad(imp, r->ir_devoff, "too many "
			    "Rock Ridge continuation areas (a loop?)");
			break;
		}
		if ((uint64_t)o + l > ISO_SECSIZE) {
			error = cd9660_bad(imp, r->ir_devoff, "Rock Ridge "
			    "continuation area crosses a sector");
			break;
		}
		ce_len = 0;
		if ((error = cd9660_bread(imp, s, &bp)) != 0)
			break;
		error = do_area(imp, (const uint8_t *)bp->b_data + o, l, r, st,
		    &ce_sec, &ce_off, &ce_len);
		brelse(bp, 0);
	}
	if (error == 0 && st->toolong)
		error = cd9660_bad(imp, r->ir_devoff, "symbolic link target "
		    "too long");
	if (error == 0 && names && st->hasname && st->namelen > 0) {
		memcpy(r->ir_name, st->name, st->namelen);
		r->ir_name[st->namelen] = '\0';
		r->ir_namelen = st->namelen;
		if (memchr(r->ir_name, '/', st->namelen) != NULL ||
		    memchr(r->ir_name, '\0', st->namelen) != NULL)
			error = cd9660_bad(imp, r->ir_devoff, "Rock Ridge "
			    "name holds '/' or NUL");
	}
	if (error == 0 && names && st->haslink && r->ir_type == VLNK) {
		if (st->linklen == 0 || memchr(st->link, '\0', st->linklen))
			error = cd9660_bad(imp, r->ir_devoff, "bad symbolic "
			    "link target");
		else if ((r->ir_link = kmem_strndup(st->link,
		    st->linklen)) == NULL)
			error = ENOMEM;
		else
			r->ir_linklen = st->linklen;
	}
	kmem_free(st, sizeof(*st));
	return error;
}
