/*
 * bcache.h - the block cache, level 1 (SPEC §10): a bounded set of
 * buffers, one file system block each, hashed by (device, block number)
 * and kept in least-recently-used order.
 *
 * A buffer is refcounted: bread()/bget() return it held, brelse() lets go.
 * Its data is a whole page from phys_alloc(PHYS_KERNEL) reached through the
 * direct mapping, so it is plain writable memory; the header is a slab
 * object (the cache writes it, callers only read b->data, b->blkno).
 * Writers call bdirty() before brelse(); dirty buffers reach the disk when
 * they are evicted, on bsync_dev() and on bcache_sync_all().
 *
 * Level 2 (next issue): a clean buffer leaving level 1 goes to the
 * yielded-block cache under (owner, device and block number) instead of
 * being freed, and a miss asks that cache before reading the disk. Both
 * hooks are single functions in fs/bcache.c: bcache_evict() and
 * buf_fill().
 *
 * Callers serialize (the file system runs under one lock); nothing here
 * sleeps except in the device's read and write.
 */
#ifndef FS_BCACHE_H
#define FS_BCACHE_H

#include <fs/blockdev.h>
#include <kernel/types.h>

#define BUF_DIRTY 0x1u
#define BUF_NOEVICT 0x2u /* internal: a failed write-back, skip for now */

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
	uint32_t stamp;	   /* when last released (LRU) */
	struct buf *hnext; /* hash chain */
};

/* (Re)start the cache with room for nbufs buffers, forgetting any state
 * (the host tests call it on a fresh machine). Registers the sanity owner
 * "bcache". The bound is soft: when every buffer is held, one more is
 * allocated and the extra one is freed on its release. */
void bcache_init(size_t nbufs);

/* The block, read from the device if it is not cached; NULL on an I/O
 * error or when no memory is left (callers report -EIO). */
struct buf *bread(struct blockdev *dev, uint32_t blkno, uint32_t size);
/* The block without reading it: the caller overwrites it whole (its data
 * is unspecified if it was not cached). NULL without memory. */
struct buf *bget(struct blockdev *dev, uint32_t blkno, uint32_t size);
/* The data of (dev, blkno) if it is cached, without taking a reference
 * and without writing the header (cheap under MM_SANITY, where every
 * header write is a page protection change); NULL if not cached. Valid
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
 * (buffers that failed stay dirty). */
int bsync_dev(struct blockdev *dev);
/* A block that was freed: drop it without writing (kept, but clean, if it
 * is still held). */
void bforget(struct blockdev *dev, uint32_t blkno);
/* Unmount: drop every buffer of dev without writing (sync first). Held
 * buffers are a caller bug: they are reported and kept. Returns how many
 * were held. */
size_t binval_dev(struct blockdev *dev);

struct bcache_stats {
	size_t bufs, max_bufs, dirty, held;
	uint64_t hits, misses, reads, writes, evictions;
};
void bcache_get_stats(struct bcache_stats *st);

#endif
