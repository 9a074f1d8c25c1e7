/*
 * bcache.h - the block cache (SPEC §10), two levels.
 *
 * Level 1 (fs/bcache.c): a bounded set of buffers, one file system block
 * each, hashed by (device, block number) and kept in least-recently-used
 * order. A buffer is refcounted: bread()/bget() return it held, brelse()
 * lets go. Its data is a whole page from phys_alloc(PHYS_KERNEL) reached
 * through the direct mapping; the header is a slab object (the cache writes
 * it, callers only read b->data, b->blkno). Writers call bdirty() before
 * brelse(); dirty buffers reach the disk on eviction, bsync_dev(), the
 * periodic flush (bcache_flush_old) and bcache_drop_caches().
 *
 * Level 2 (fs/bcache_l2.c): a clean buffer leaving level 1 is yielded to
 * the yielded-block cache (mm/ycache.c) under its device's owner with id
 * (block size, block number): its page moves, no copy. A level-1 miss
 * takes the block back from there before it reads the disk. Level 2 is as
 * big as free memory: the memory manager drops its blocks when it needs
 * the pages. A block is in at most one level at a time.
 *
 * The device paths (fs/bcache_io.c): merged multi-block reads with
 * read-ahead on sequential misses, the periodic flush, and raw device
 * access (/dev/hdX) kept coherent with both levels.
 *
 * One block size per device at a time: asking for another size writes back
 * and empties both levels for that device first (as Linux's
 * set_blocksize()). Callers serialize (the file system runs under one lock);
 * nothing here sleeps except in the device's read and write. docs/bcache.md
 * has the design.
 */
#ifndef FS_BCACHE_H
#define FS_BCACHE_H

#include <fs/blockdev.h>
#include <kernel/types.h>

#define BUF_DIRTY 0x1u
#define BUF_NOEVICT 0x2u /* internal: a failed write-back, skip for now */

/* Dirty data older than this many seconds is written by the flush. */
#define BCACHE_FLUSH_AGE 5u

struct buf {
	/* Read-only for callers. */
	void *data;	/* the block's bytes (writable page memory) */
	uint32_t blkno; /* in units of size */
	uint32_t size;	/* block size: 512 .. PAGE_SIZE, a power of 2 */
	struct blockdev *dev;
	/* The cache's own. */
	paddr_t pa;
	uint32_t refs;
	uint32_t flags;
	struct buf *lru_prev, *lru_next; /* release order: bcache.c's LRU */
	uint32_t dirtied;  /* fs_clock_now() when it became dirty */
	struct buf *hnext; /* hash chain */
};

/* (Re)start the cache with room for nbufs buffers, forgetting any state
 * (the host tests call it on a fresh machine, with both levels empty).
 * Registers the sanity owner "bcache". The bound is soft: when every
 * buffer is held, one more is allocated and the extra one is freed on its
 * release. Level 2 stays as bcache_set_l2() left it (on at first). */
void bcache_init(size_t nbufs);
/* Level 2 on or off (off: evicted buffers are freed; turning it off
 * forgets what it holds). */
void bcache_set_l2(bool on);

/* The block, from level 1, level 2 or the device; NULL on an I/O error or
 * when no memory is left (callers report -EIO). */
struct buf *bread(struct blockdev *dev, uint32_t blkno, uint32_t size);
/* The block without reading it: the caller overwrites it whole (its data
 * is unspecified if it was not in level 1; level 2's copy is forgotten).
 * NULL without memory. */
struct buf *bget(struct blockdev *dev, uint32_t blkno, uint32_t size);
/* The data of (dev, blkno) if it is in level 1, without taking a reference
 * and without writing the header (cheap under MM_SANITY, where every
 * header write is a page protection change); NULL if not there. Valid
 * only until the next call into the cache; read-only. A peek does not
 * refresh the block's LRU position. */
const void *bpeek(struct blockdev *dev, uint32_t blkno, uint32_t size);
/* Mark held buffer b modified. */
void bdirty(struct buf *b);
/* Let go of b (it stays cached). */
void brelse(struct buf *b);
/* Write b now if dirty: 0 or -EIO (it stays dirty on failure). */
int bwrite(struct buf *b);

/* Write every dirty buffer of dev, then flush the device: 0 or -EIO
 * (buffers that failed stay dirty). Consecutive dirty blocks go in one
 * transfer (fs/bcache_sync.c). */
int bsync_dev(struct blockdev *dev);
/* Write those of dev's blocks blknos[0..n) that are dirty in level 1, in
 * sorted runs as bsync_dev, without the flush: 0 or -EIO. */
int bsync_blocks(struct blockdev *dev, const uint32_t *blknos, size_t n);
/* A block that was freed: drop it from both levels without writing (kept,
 * but clean, if it is still held). */
void bforget(struct blockdev *dev, uint32_t blkno);
/* Unmount: drop every buffer of dev without writing (sync first) and
 * forget its level-2 blocks. Held buffers are a caller bug: they are
 * reported and kept. Returns how many were held. */
size_t binval_dev(struct blockdev *dev);

/*
 * Raw device access (/dev/hdX) beside the cache. Before reading or writing
 * sectors [sector, sector + count) straight from the device: write back
 * the dirty level-1 buffers over them (0 or -EIO). After writing them
 * from data: copy the new bytes into the level-1 buffers over them and
 * forget the level-2 blocks over them, so no stale copy survives.
 */
int bcache_raw_sync(struct blockdev *dev, uint64_t sector, uint64_t count);
void bcache_raw_written(struct blockdev *dev, uint64_t sector, uint32_t count,
			const void *data);

/* The periodic flush: write the buffers nobody holds that have been dirty
 * for age seconds or more at time now (fs_clock_now()). Does nothing while
 * another process is inside the cache's I/O. Returns buffers written. */
size_t bcache_flush_old(uint32_t now, uint32_t age);
/* Linux's drop_caches: write back every dirty buffer, empty level 1 (held
 * buffers stay) and forget every level-2 block. 0 or -EIO. */
int bcache_drop_caches(void);

struct bcache_stats {
	size_t bufs, max_bufs, dirty, held;
	uint64_t hits, misses, reads, writes, evictions;
	uint64_t l2_hits, l2_misses, l2_yields, l2_blocks, l2_evictions;
	uint64_t forgets, readahead;
	uint64_t write_transfers; /* device writes (a run is one) */
};
void bcache_get_stats(struct bcache_stats *st);

#endif
