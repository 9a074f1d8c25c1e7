/*
 * bcache_internal.h - what the parts of the block cache share: level 1
 * (fs/bcache.c), level 2 (fs/bcache_l2.c) and the device paths
 * (fs/bcache_io.c). File systems use include/fs/bcache.h only.
 */
#ifndef FS_BCACHE_INTERNAL_H
#define FS_BCACHE_INTERNAL_H

#include <fs/bcache.h>

#define BCACHE_HASH_SIZE 256u

extern struct buf *bcache_hash[BCACHE_HASH_SIZE];
extern struct bcache_stats bstats; /* counters; sizes filled on demand */

/* Every level-1 buffer, through the hash chains. */
#define FOR_EACH_BUF(b)                                    \
	for (unsigned _h = 0; _h < BCACHE_HASH_SIZE; _h++) \
		for (struct buf *b = bcache_hash[_h]; b; b = b->hnext)

/* --- level 1 (bcache.c) --- */
size_t buf_count(void);
size_t buf_limit(void);
struct buf *buf_lookup(struct blockdev *dev, uint32_t blkno);
/* Link a new buffer over page pa (PHYS_KERNEL), held refs times (0: a
 * read-ahead block, released as the newest). NULL without memory (pa is
 * then still the caller's). */
struct buf *buf_insert(struct blockdev *dev, uint32_t blkno, uint32_t size,
		       paddr_t pa, uint32_t refs);
/* Drop a buffer whose contents are dead: page freed, not yielded. */
void buf_free(struct buf *b);
/* Write b if dirty while holding it, so that nobody evicts it while the
 * device sleeps: 0 or -EIO. */
int buf_write_held(struct buf *b);

/* --- level 2 (bcache_l2.c) --- */
void l2_reset(void);
/* Yield clean b's page under its id: true if the page moved (b->pa is no
 * longer b's), false if the caller must free it. */
bool l2_yield(struct buf *b);
/* The page of (dev, blkno, size) taken out of level 2, now PHYS_KERNEL and
 * the caller's; PHYS_NONE if it is not there. */
paddr_t l2_take(struct blockdev *dev, uint32_t blkno, uint32_t size);
bool l2_has(struct blockdev *dev, uint32_t blkno, uint32_t size);
/* Forget blocks first..last of dev at its current block size. */
void l2_forget(struct blockdev *dev, uint32_t first, uint32_t last);
/* Forget every block of dev and let go of its owner. */
void l2_forget_dev(struct blockdev *dev);
void l2_forget_all(void);
void l2_get_stats(struct bcache_stats *st);

/* --- device paths (bcache_io.c) --- */
/* One transfer of count blocks from blkno into buf: 0 or -EIO; counted
 * in disk_reads. (Writes: bio_writev, through bcache_sync.c.) */
int bio_read_blocks(struct blockdev *dev, uint32_t blkno, uint32_t count,
		    uint32_t size, void *buf);
/* One transfer of count blocks from blkno on out of separate buffers'
 * data (segs[i] is block blkno + i): 0 or -EIO; counted in disk_writes
 * and write_transfers. */
int bio_writev(struct blockdev *dev, uint32_t blkno, uint32_t count,
	       uint32_t size, void *const *segs);
/* A held buffer for (dev, blkno) read from the device, with the blocks
 * after it read in the same transfer when reading is sequential (they go
 * into level 1, released); NULL on error or without memory. */
struct buf *bio_read(struct blockdev *dev, uint32_t blkno, uint32_t size);
/* Processes inside the device's read or write (the flush waits for 0). */
extern unsigned bio_busy;

#endif
