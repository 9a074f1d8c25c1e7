/*
 * bcache_io.c - the block cache's paths to the device: merged reads with
 * read-ahead, the periodic flush, drop_caches, and raw device access kept
 * coherent with both levels (see include/fs/bcache.h, docs/bcache.md).
 *
 * Guarantees: a block read from the device was in neither level (a run
 * stops at the first block cached in either), so no level-2 copy is
 * bypassed; every block a read brings in goes into level 1; a raw write
 * leaves no older copy of what it wrote in either level; the flush and
 * drop_caches write only buffers they hold for the time of the write, so
 * nobody evicts a buffer under a sleeping write.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include "bcache_internal.h"

/* Read-ahead: up to this many bytes in one transfer, at most half of
 * level 1, when a miss is at the block after the previous read's end. */
#define RA_BYTES (64u * 1024u)

unsigned bio_busy;
static struct blockdev *ra_dev; /* where the last read from the device */
static uint32_t ra_next;	/* ended: a miss here is sequential */

int bio_read_blocks(struct blockdev *dev, uint32_t blkno, uint32_t count,
		    uint32_t size, void *buf)
{
	uint32_t spb = size / BLOCKDEV_SECTOR_SIZE;
	uint64_t sector = (uint64_t)blkno * spb;
	int err;

	if (sector + (uint64_t)count * spb > dev->nsectors)
		return -EIO;
	bio_busy++;
	bstats.reads += count;
	err = dev->ops->read(dev, sector, count * spb, buf);
	bio_busy--;
	return err ? -EIO : 0;
}

int bio_writev(struct blockdev *dev, uint32_t blkno, uint32_t count,
	       uint32_t size, void *const *segs)
{
	uint32_t spb = size / BLOCKDEV_SECTOR_SIZE;
	uint64_t sector = (uint64_t)blkno * spb;
	int err;

	if (sector + (uint64_t)count * spb > dev->nsectors)
		return -EIO;
	bio_busy++;
	bstats.writes += count;
	bstats.write_transfers++;
	err = blockdev_writev(dev, sector, count * spb, segs, spb);
	bio_busy--;
	return err ? -EIO : 0;
}

/* How many blocks from blkno to read in one transfer: 1, or on a
 * sequential miss the run of blocks cached in neither level. */
static uint32_t run_length(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	uint32_t spb = size / BLOCKDEV_SECTOR_SIZE;
	uint32_t max = MIN(RA_BYTES / size, (uint32_t)(buf_limit() / 2));
	uint32_t n = 1;

	if (dev != ra_dev || blkno != ra_next)
		return 1;
	while (n < max && (uint64_t)(blkno + n + 1) * spb <= dev->nsectors &&
	       blkno + n != 0 && !buf_lookup(dev, blkno + n) &&
	       !l2_has(dev, blkno + n, size))
		n++;
	return n;
}

/* Pages for a run of *n blocks, contiguous; one page (*n = 1) when a run
 * does not fit without reclaiming cached blocks. */
static paddr_t run_alloc(uint32_t *n)
{
	paddr_t pa = PHYS_NONE;

	if (*n > 1)
		pa = phys_alloc(*n, PHYS_ANY | PHYS_NORECLAIM, PHYS_KERNEL);
	if (pa != PHYS_NONE)
		return pa;
	*n = 1;
	return phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
}

/* A run read packed (block j at j * size) becomes a page per block. */
static void run_spread(paddr_t pa, uint32_t n, uint32_t size)
{
	char *base = arch_phys_to_virt(pa);

	if (size == PAGE_SIZE)
		return;
	for (uint32_t j = n; j-- > 1;)
		memmove(base + (size_t)j * PAGE_SIZE, base + (size_t)j * size,
			size);
}

/* The run's blocks after the first into level 1, released; a page whose
 * header cannot be had goes back to the allocator. */
static void run_insert(struct blockdev *dev, uint32_t blkno, uint32_t size,
		       paddr_t pa, uint32_t n)
{
	for (uint32_t j = 1; j < n; j++) {
		paddr_t p = pa + (paddr_t)j * PAGE_SIZE;

		if (!buf_insert(dev, blkno + j, size, p, 0))
			phys_free(p, 1, PHYS_KERNEL);
		else
			bstats.readahead++;
	}
}

/* After the device slept: the first n blocks of the run that nobody else
 * brought in meanwhile; the pages of the others are freed. */
static uint32_t run_trim(struct blockdev *dev, uint32_t blkno, uint32_t size,
			 paddr_t pa, uint32_t n)
{
	uint32_t keep = n;

	for (uint32_t j = 1; j < keep; j++)
		if (buf_lookup(dev, blkno + j) || l2_has(dev, blkno + j, size))
			keep = j;
	if (keep < n)
		phys_free(pa + (paddr_t)keep * PAGE_SIZE, n - keep,
			  PHYS_KERNEL);
	return keep;
}

struct buf *bio_read(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	uint32_t n = run_length(dev, blkno, size);
	paddr_t pa = run_alloc(&n);
	struct buf *b;

	if (pa == PHYS_NONE)
		return NULL;
	if (bio_read_blocks(dev, blkno, n, size, arch_phys_to_virt(pa))) {
		printk("bcache: %s: read error at block %u\n", dev->name,
		       blkno);
		phys_free(pa, n, PHYS_KERNEL);
		return NULL;
	}
	n = run_trim(dev, blkno, size, pa, n);
	b = buf_lookup(dev, blkno);
	if (b) { /* read by someone else while we slept */
		phys_free(pa, n, PHYS_KERNEL);
		USE(b, b->refs++);
		return b;
	}
	run_spread(pa, n, size);
	b = buf_insert(dev, blkno, size, pa, 1);
	if (!b) {
		phys_free(pa, n, PHYS_KERNEL);
		return NULL;
	}
	run_insert(dev, blkno, size, pa, n);
	ra_dev = dev;
	ra_next = blkno + n;
	return b;
}

/* --- raw device access ---------------------------------------------- */

/* The sectors of b: [*first, *first + size / 512). */
static uint64_t buf_sector(const struct buf *b)
{
	return (uint64_t)b->blkno * (b->size / BLOCKDEV_SECTOR_SIZE);
}

static bool buf_overlaps(const struct buf *b, uint64_t sector, uint64_t count)
{
	uint64_t first = buf_sector(b);

	return first < sector + count &&
	       sector < first + b->size / BLOCKDEV_SECTOR_SIZE;
}

int bcache_raw_sync(struct blockdev *dev, uint64_t sector, uint64_t count)
{
	int err = 0;

	FOR_EACH_BUF(b)
	if (b->dev == dev && buf_overlaps(b, sector, count) &&
	    buf_write_held(b))
		err = -EIO;
	return err;
}

/* Copy the bytes of [sector, sector + count) that fall in b from data. */
static void buf_patch(struct buf *b, uint64_t sector, uint32_t count,
		      const char *data)
{
	uint64_t first = buf_sector(b);
	uint64_t last = first + b->size / BLOCKDEV_SECTOR_SIZE;
	uint64_t from = MAX(first, sector);
	uint64_t to = MIN(last, sector + count);

	memcpy((char *)b->data + (from - first) * BLOCKDEV_SECTOR_SIZE,
	       data + (from - sector) * BLOCKDEV_SECTOR_SIZE,
	       (size_t)(to - from) * BLOCKDEV_SECTOR_SIZE);
}

void bcache_raw_written(struct blockdev *dev, uint64_t sector, uint32_t count,
			const void *data)
{
	uint32_t spb;

	if (!count)
		return;
	FOR_EACH_BUF(b)
	if (b->dev == dev && buf_overlaps(b, sector, count))
		buf_patch(b, sector, count, data);
	if (!dev->cache.bsize)
		return;
	spb = dev->cache.bsize / BLOCKDEV_SECTOR_SIZE;
	l2_forget(dev, (uint32_t)(sector / spb),
		  (uint32_t)((sector + count - 1) / spb));
}

/* --- write-back ------------------------------------------------------ */

int bcache_drop_caches(void)
{
	int err = 0;

	for (unsigned h = 0; h < BCACHE_HASH_SIZE; h++) {
		struct buf *b = bcache_hash[h], *next;

		for (; b; b = next) {
			if (buf_write_held(b))
				err = -EIO;
			next = b->hnext;
			if (!b->refs && !(b->flags & BUF_DIRTY))
				buf_free(b);
		}
	}
	l2_forget_all();
	return err;
}
