/*
 * cd9660_bmap.c: file offsets to device blocks.  A file is a list of
 * extents (more than one only for a multi-extent file, whose parts but
 * the last are whole sectors, checked at load); blocks are 2048-byte
 * sectors.  Past the end of the file is a hole.
 */
#include "../../sys/param.h"
#include "../../sys/mount.h"
#include "../../sys/systm.h"
#include "iso.h"
#include "cd9660_extern.h"

int
cd9660_bmap(struct vnode *vp, daddr_t lbn, daddr_t *pbnp, int *runp)
{
	struct iso_node *ip = VTOI(vp);
	uint64_t b = (uint64_t)lbn;
	uint32_t i;

	if (lbn < 0)
		return EINVAL;
	if (ip->i_rec.ir_interleaved)
		return EOPNOTSUPP;
	for (i = 0; i < ip->i_next; i++) {
		uint64_t n = howmany(ip->i_ext[i].ie_len, ISO_SECSIZE);

		if (b < n) {
			*pbnp = (daddr_t)(((uint64_t)ip->i_ext[i].ie_start +
			    b) * (ISO_SECSIZE / DEV_BSIZE));
			if (runp != NULL)
				*runp = (int)MIN(n - b - 1, (uint64_t)INT32_MAX);
			return 0;
		}
		b -= n;
	}
	*pbnp = BMAP_HOLE;
	if (runp != NULL)
		*runp = 0;
	return 0;
}
