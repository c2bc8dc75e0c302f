/*
 * jrnl_int.h: what the files of the journal layer share (jrnl.c: the
 * layer and the transaction; jrnl_recover.c: what a journal left by an
 * earlier process holds; jrnl_subr.c: the file format, host I/O, the
 * index and extent sets).  See JOURNAL.md.  Private to kern/dev.
 */
#ifndef _KERN_DEV_JRNL_INT_H_
#define _KERN_DEV_JRNL_INT_H_

#include "../sys/param.h"
#include "../sys/lock.h"
#include "jrnl.h"

#define JH_MAGIC	"FSUJRNL\0"
#define JH_VERSION	1
#define JH_SIZE		4096		/* the header block */
#define JH_CRCOFF	124		/* header checksum: of bytes 0..123 */
#define JH_EMPTY	0		/* state: no transaction */
#define JH_TXN		1		/* state: records follow */
#define J_KEEP		(1024 * 1024)	/* journal file bytes kept */

#define JR_MAGIC	0x4a524543U	/* "JREC" */
#define JR_DATA		1
#define JR_COMMIT	2
#define JR_SIZE		64		/* record header */
#define JR_CRCOFF	60

#define J_UNIT		4096		/* bytes of the device per record */
#define J_MAXUNIT	65536
#define J_STAGE		64		/* records staged per host call */
#define J_FRESHMAX	(256 * 1024)	/* new data journaled before going direct */
#define JNIL		UINT32_MAX

/* One journaled unit; its record is at j_slots index (= sequence). */
struct jslot {
	uint64_t	js_unit;	/* device offset / j_unit */
	uint32_t	js_next;	/* hash chain */
	uint32_t	js_len;		/* bytes of the unit inside the device */
	uint32_t	js_before;	/* crc32c of the image's bytes before */
	uint32_t	js_after;	/* crc32c of the journaled bytes */
};

/* A set of byte ranges [start, end), sorted, disjoint, not adjacent. */
struct extset {
	uint64_t	*es_v;		/* start, end pairs */
	size_t		es_n;		/* pairs */
	size_t		es_cap;
};

struct jrnl {
	struct blkdev	*j_bd;
	char		*j_path;	/* the journal file */
	int		j_fd;		/* -1 while there is none */
	uint64_t	j_fsize;	/* its size */
	bool		j_view;		/* read-only view of a hot journal */
	bool		j_begun;	/* our header is in the journal file */
	bool		j_created;	/* we created the journal file */
	bool		j_remove;	/* remove it after each transaction */
	bool		j_failed;	/* must not commit */
	bool		j_direct;	/* ordered-mode writes reached the image */
	bool		j_ordered;
	uint64_t	j_freshjournaled; /* bytes that could have gone direct */
	uint64_t	j_txid;
	uint32_t	j_unit;
	uint32_t	j_slotsize;	/* JR_SIZE + j_unit */
	uint64_t	j_devsize;
	uint32_t	j_secsize;
	uint64_t	j_hostoff;
	struct jslot	*j_slots;
	uint32_t	j_nslots;
	uint32_t	j_slotcap;
	uint32_t	*j_hash;
	uint32_t	j_hsize;	/* power of two, or 0 */
	struct extset	j_fresh;	/* allocated in this transaction */
	struct extset	j_freed;	/* freed in this transaction */
	char		*j_stage;	/* J_STAGE slots */
	char		*j_bounce;	/* one unit */
	uint32_t	j_stageseq[J_STAGE];
	struct jrnl_stats j_stats;
	struct kmutex	j_lock;
};


static inline void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static inline uint64_t
jrnl_slot_off(const struct jrnl *j, uint64_t seq)
{
	return JH_SIZE + seq * j->j_slotsize;
}

/* jrnl_subr.c */
void	jrnl_hdr_encode(const struct jrnl *, uint8_t *, uint32_t);
void	jrnl_rec_encode(const struct jrnl *, uint8_t *, uint32_t, uint64_t,
	    const struct jslot *);
const char *jrnl_errstr(int);
int	jrnl_io_write(struct jrnl *, const void *, size_t, uint64_t, bool);
int	jrnl_io_read(struct jrnl *, void *, size_t, uint64_t, bool);
int	jrnl_io_sync(struct jrnl *);
int	jrnl_io_remove(struct jrnl *);
int	jrnl_dev_io(struct jrnl *, int, uint64_t, void *, size_t);
int	jrnl_iov_slice(const struct kiovec *, int, size_t, size_t,
	    struct kiovec *, int);
void	jrnl_iov_scatter(const struct kiovec *, int, size_t, const char *,
	    size_t);
void	jrnl_iov_gather(const struct kiovec *, int, size_t, char *, size_t);
uint32_t jrnl_slot_find(const struct jrnl *, uint64_t);
int	jrnl_slot_add(struct jrnl *, uint64_t, uint32_t, uint32_t *);
void	jrnl_index_free(struct jrnl *);
bool	jrnl_index_overlaps(const struct jrnl *, uint64_t, uint64_t);
size_t	jrnl_es_search(const struct extset *, uint64_t);
int	jrnl_es_add(struct extset *, uint64_t, uint64_t);
int	jrnl_es_remove(struct extset *, uint64_t, uint64_t);
bool	jrnl_es_covers(const struct extset *, uint64_t, uint64_t);
void	jrnl_es_free(struct extset *);

/* jrnl.c */
int	jrnl_apply(struct jrnl *);
int	jrnl_empty(struct jrnl *);

/* jrnl_recover.c */
int	jrnl_recover(struct jrnl *, bool *);

#endif /* !_KERN_DEV_JRNL_INT_H_ */
