/*
 * cd9660_inode.c: directory records and nodes.  cd9660_rec_parse checks
 * one record (its length, name length, the extent and size against the
 * volume, both-endian halves) and gathers what it and its Rock Ridge
 * entries say; cd9660_node_load builds the node of a key (see
 * cd9660_extern.h), gathering the extents of a multi-extent file from
 * the records that follow its first one.
 *
 * Without Rock Ridge: directories are mode 0555 with 2 links, other
 * files 0444 with 1 link, owner and group 0, all times the record's.
 * Interleaved files (file unit size not 0) are listed but reading them
 * is refused with EOPNOTSUPP.
 */
#include "../../sys/param.h"
#include "../../sys/buf.h"
#include "../../sys/kmem.h"
#include "../../sys/systm.h"
#include "iso.h"
#include "cd9660_extern.h"

void
cd9660_rec_free(struct iso_rec *r)
{
	if (r->ir_link != NULL)
		kmem_strfree(r->ir_link);
	r->ir_link = NULL;
}

/*
 * Parse the record at p (avail bytes to the end of its sector) found at
 * byte devoff.  names: also the name and the link target.
 */
int
cd9660_rec_parse(struct iso_mnt *imp, const uint8_t *p, size_t avail,
    uint64_t devoff, struct iso_rec *r, bool names)
{
	size_t len, nlen, sulen, suoff;
	uint32_t ext, size;
	uint64_t end;
	int error;

	memset(r, 0, sizeof(*r));
	r->ir_devoff = devoff;
	if (avail < ISO_DR_MINLEN || (len = p[ISO_DR_LEN]) < ISO_DR_MINLEN ||
	    len > avail)
		return cd9660_bad(imp, devoff, "bad directory record length");
	nlen = p[ISO_DR_NAMELEN];
	if (nlen == 0 || ISO_DR_NAME + nlen > len)
		return cd9660_bad(imp, devoff, "bad file identifier length");
	if (cd9660_both32(p + ISO_DR_EXTENT, &ext) != 0 ||
	    cd9660_both32(p + ISO_DR_SIZE, &size) != 0)
		return cd9660_bad(imp, devoff, "both-endian halves differ");
	r->ir_flags = p[ISO_DR_FLAGS];
	r->ir_interleaved = p[ISO_DR_UNITSIZE] != 0 || p[ISO_DR_GAP] != 0;
	ext += p[ISO_DR_XARLEN];
	end = (uint64_t)ext * ISO_SECSIZE + size;
	if (size > 0 && (ext < ISO_VD_FIRST ||
	    end > imp->im_nsec * ISO_SECSIZE))
		return cd9660_bad(imp, devoff, "extent beyond the volume");
	r->ir_extent = ext;
	r->ir_size = size;
	if (r->ir_flags & ISO_FL_DIR) {
		r->ir_type = VDIR;
		r->ir_mode = 0555;
		r->ir_nlink = 2;
		if (size == 0 || ext < ISO_VD_FIRST)
			return cd9660_bad(imp, devoff, "empty directory");
	} else {
		r->ir_type = VREG;
		r->ir_mode = 0444;
		r->ir_nlink = 1;
	}
	cd9660_time7(p + ISO_DR_DATE, &r->ir_mtime);
	r->ir_atime = r->ir_ctime = r->ir_btime = r->ir_mtime;
	if (nlen == 1 && (p[ISO_DR_NAME] == 0 || p[ISO_DR_NAME] == 1)) {
		r->ir_namelen = p[ISO_DR_NAME] + 1;
		memcpy(r->ir_name, "..", r->ir_namelen);
		r->ir_name[r->ir_namelen] = '\0';
	} else if (names) {
		if (imp->im_joliet)
			r->ir_namelen = cd9660_jolietname(p + ISO_DR_NAME,
			    nlen, r->ir_name);
		else
			r->ir_namelen = cd9660_isoname(p + ISO_DR_NAME, nlen,
			    r->ir_type == VDIR, r->ir_name);
	}
	if (!imp->im_rr)
		goto out;
	suoff = ISO_DR_NAME + nlen + ((nlen & 1) == 0);
	sulen = suoff < len ? len - suoff : 0;
	if ((error = cd9660_rrip(imp, p + suoff, sulen, r, names)) != 0) {
		cd9660_rec_free(r);
		return error;
	}
	if ((r->ir_type == VDIR) != ((r->ir_flags & ISO_FL_DIR) != 0) &&
	    r->ir_cl == 0) {
		cd9660_rec_free(r);
		return cd9660_bad(imp, devoff, "Rock Ridge file type and "
		    "directory flag differ");
	}
	if (r->ir_cl != 0) {
		if (r->ir_cl < ISO_VD_FIRST || r->ir_cl >= imp->im_nsec) {
			cd9660_rec_free(r);
			return cd9660_bad(imp, devoff, "CL beyond the volume");
		}
		r->ir_type = VDIR;
	}
	if (r->ir_pl != 0 && r->ir_pl >= imp->im_nsec) {
		cd9660_rec_free(r);
		return cd9660_bad(imp, devoff, "PL beyond the volume");
	}
out:
	if (names && r->ir_namelen == 0)
		return cd9660_bad(imp, devoff, "empty file name");
	if (r->ir_type == VLNK && names && r->ir_link == NULL) {
		cd9660_rec_free(r);
		return cd9660_bad(imp, devoff, "symbolic link without SL");
	}
	return 0;
}

/* The key of the file a (non-"."/"..") record names. */
ino_t
cd9660_rec_key(const struct iso_rec *r)
{
	if (r->ir_cl != 0)
		return (ino_t)r->ir_cl * ISO_SECSIZE;
	if (r->ir_type == VDIR)
		return (ino_t)r->ir_extent * ISO_SECSIZE;
	return (ino_t)r->ir_devoff;
}

void
cd9660_node_free(struct iso_node *ip)
{
	if (ip->i_ext != NULL)
		kmem_free(ip->i_ext, ip->i_next * sizeof(*ip->i_ext));
	cd9660_rec_free(&ip->i_rec);
	kmem_free(ip, sizeof(*ip));
}

/*
 * The record after the one at *offp (the next in its sector, or the
 * first of the next sector) into sector buffer *bpp; EIO if there is
 * none.
 */
static int
next_rec(struct iso_mnt *imp, uint64_t *offp, struct buf **bpp)
{
	uint64_t off = *offp;
	const uint8_t *p = (*bpp)->b_data;
	int error;

	off += p[off % ISO_SECSIZE];
	if (off % ISO_SECSIZE != 0 && p[off % ISO_SECSIZE] != 0) {
		*offp = off;
		return 0;
	}
	off = roundup(off, ISO_SECSIZE);
	brelse(*bpp, 0);
	*bpp = NULL;
	if ((error = cd9660_bread(imp, off / ISO_SECSIZE, bpp)) != 0)
		return error;
	p = (*bpp)->b_data;
	if (p[0] == 0)
		return cd9660_bad(imp, off, "multi-extent file ends early");
	*offp = off;
	return 0;
}

/* Gather the extents of ip: its record and the ones that continue it. */
static int
load_extents(struct iso_mnt *imp, struct iso_node *ip)
{
	struct iso_extent *ext;
	struct iso_rec r;
	struct buf *bp = NULL;
	uint64_t off = ip->i_rec.ir_devoff;
	uint32_t n = 0, cap = CD9660_MAXEXT;
	uint8_t flags = ip->i_rec.ir_flags, id[256], idlen;
	const uint8_t *p;
	int error = 0;

	if ((flags & ISO_FL_MULTI) == 0 || ip->i_rec.ir_type != VREG) {
		if ((ip->i_ext = kmem_alloc(sizeof(*ext))) == NULL)
			return ENOMEM;
		ip->i_ext[0].ie_start = ip->i_rec.ir_extent;
		ip->i_ext[0].ie_len = ip->i_rec.ir_size;
		ip->i_next = 1;
		ip->i_size = ip->i_rec.ir_size;
		return 0;
	}
	if ((ext = kmem_alloc(cap * sizeof(*ext))) == NULL)
		return ENOMEM;
	ext[n].ie_start = ip->i_rec.ir_extent;
	ext[n++].ie_len = ip->i_rec.ir_size;
	ip->i_size = ip->i_rec.ir_size;
	if ((error = cd9660_bread(imp, off / ISO_SECSIZE, &bp)) != 0)
		goto out;
	p = (const uint8_t *)bp->b_data + off % ISO_SECSIZE;
	idlen = p[ISO_DR_NAMELEN];
	memcpy(id, p + ISO_DR_NAME, idlen);
	while (flags & ISO_FL_MULTI) {
		if (ext[n - 1].ie_len % ISO_SECSIZE != 0) {
			error = cd9660_bad(imp, off, "a multi-extent part is "
			    "not whole sectors");
			break;
		}
		if (n == cap) {
			error = cd9660_bad(imp, off, "too many extents");
			break;
		}
		if ((error = next_rec(imp, &off, &bp)) != 0)
			break;
		p = (const uint8_t *)bp->b_data + off % ISO_SECSIZE;
		error = cd9660_rec_parse(imp, p, ISO_SECSIZE - off % ISO_SECSIZE,
		    off, &r, false);
		if (error != 0)
			break;
		cd9660_rec_free(&r);
		if (r.ir_type != VREG || p[ISO_DR_NAMELEN] != idlen ||
		    memcmp(p + ISO_DR_NAME, id, idlen) != 0) {
			error = cd9660_bad(imp, off, "multi-extent file "
			    "continued by another file");
			break;
		}
		ext[n].ie_start = r.ir_extent;
		ext[n++].ie_len = r.ir_size;
		ip->i_size += r.ir_size;
		flags = r.ir_flags;
	}
out:
	if (bp != NULL)
		brelse(bp, 0);
	if (error == 0 && (ip->i_ext = kmem_alloc(n * sizeof(*ext))) == NULL)
		error = ENOMEM;
	if (error == 0) {
		memcpy(ip->i_ext, ext, n * sizeof(*ext));
		ip->i_next = n;
	}
	kmem_free(ext, cap * sizeof(*ext));
	return error;
}

/* Build the node of key (a record's byte offset on the volume). */
int
cd9660_node_load(struct iso_mnt *imp, ino_t key, struct iso_node **ipp)
{
	struct iso_node *ip;
	struct buf *bp;
	uint64_t sec = key / ISO_SECSIZE;
	size_t o = key % ISO_SECSIZE;
	int error;

	if ((ip = kmem_zalloc(sizeof(*ip))) == NULL)
		return ENOMEM;
	ip->i_mnt = imp;
	ip->i_key = key;
	if ((error = cd9660_bread(imp, sec, &bp)) != 0) {
		kmem_free(ip, sizeof(*ip));
		return error;
	}
	error = cd9660_rec_parse(imp, (const uint8_t *)bp->b_data + o,
	    ISO_SECSIZE - o, key, &ip->i_rec, true);
	brelse(bp, 0);
	if (error != 0) {
		kmem_free(ip, sizeof(*ip));
		return error;
	}
	if ((ip->i_rec.ir_type == VDIR && ip->i_rec.ir_cl == 0) ?
	    (o != 0 || ip->i_rec.ir_extent != sec ||
	    ip->i_rec.ir_namelen != 1 || ip->i_rec.ir_name[0] != '.') :
	    ((ip->i_rec.ir_namelen == 1 && ip->i_rec.ir_name[0] == '.') ||
	    (ip->i_rec.ir_namelen == 2 &&
	    memcmp(ip->i_rec.ir_name, "..", 2) == 0))) {
		cd9660_node_free(ip);
		return cd9660_bad(imp, key, "record does not match its file "
		    "number");
	}
	if ((error = load_extents(imp, ip)) != 0) {
		cd9660_node_free(ip);
		return error;
	}
	*ipp = ip;
	return 0;
}
