/*
 * bcache_l2.c - the block cache, level 2: clean blocks evicted from level 1
 * live in the yielded-block cache (mm/ycache.c), as big as free memory
 * allows, until level 1 wants them back or the memory manager needs the
 * pages (see include/fs/bcache.h and docs/bcache.md).
 *
 * Guarantees: each device has its own owner, made on first use and let go
 * (all its blocks forgotten) by binval_dev(), so unmount is one
 * ycache_forget_all(). A block's id is (log2(block size) << 32 | block
 * number); a device holds one block size at a time (bcache.c), so the
 * size part only keeps ids of different sizes apart. Only clean buffers are
 * yielded, one page each (a sub-page block wastes the rest of its page, see
 * the docs for the measure). Yield and take move the page: no copy.
 * Counters: yields - takes - forgets - blocks held = blocks the memory
 * manager dropped (l2_evictions).
 */
#include <kernel/errno.h>
#include <mm/phys.h>
#include <mm/ycache.h>
#include "bcache_internal.h"

#define ID_SIZE_SHIFT 32

static bool l2_on = true;
static uint32_t l2_gen;		 /* bumped by bcache_init(): owners restart */
static struct blockdev *l2_devs; /* devices with an owner of this gen */
static uint64_t l2_takes;

void l2_reset(void)
{
	l2_gen++;
	l2_devs = NULL;
	l2_takes = 0;
}

void bcache_set_l2(bool on)
{
	if (!on)
		l2_forget_all();
	l2_on = on;
}

static uint64_t block_id(uint32_t size, uint32_t blkno)
{
	unsigned log2 = 0;

	while ((1u << log2) < size)
		log2++;
	return (uint64_t)log2 << ID_SIZE_SHIFT | blkno;
}

/* dev's owner, made (and dev listed) if create; 0 if it has none. */
static uint32_t dev_owner(struct blockdev *dev, bool create)
{
	if (dev->cache.gen == l2_gen && dev->cache.owner)
		return dev->cache.owner;
	if (!create)
		return 0;
	dev->cache.owner = ycache_owner_new();
	dev->cache.gen = l2_gen;
	dev->cache.next = l2_devs;
	l2_devs = dev;
	return dev->cache.owner;
}

bool l2_yield(struct buf *b)
{
	uint32_t owner;
	uint64_t id = block_id(b->size, b->blkno);
	int rc;

	if (!l2_on || (b->flags & BUF_DIRTY))
		return false;
	owner = dev_owner(b->dev, true);
	rc = ycache_put(owner, id, &b->pa, 1, PHYS_KERNEL);
	if (rc == -EEXIST) {
		/* Cannot happen (one level at a time); level 1 is newer. */
		ycache_forget(owner, id);
		bstats.forgets++;
		rc = ycache_put(owner, id, &b->pa, 1, PHYS_KERNEL);
	}
	if (rc)
		return false;
	bstats.l2_yields++;
	return true;
}

paddr_t l2_take(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	uint32_t owner = dev_owner(dev, false);
	paddr_t pa;

	if (!l2_on)
		return PHYS_NONE;
	if (!owner ||
	    ycache_take(owner, block_id(size, blkno), &pa, 1, PHYS_KERNEL)) {
		bstats.l2_misses++;
		return PHYS_NONE;
	}
	bstats.l2_hits++;
	l2_takes++;
	return pa;
}

bool l2_has(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	uint32_t owner = dev_owner(dev, false);

	return owner && ycache_has(owner, block_id(size, blkno));
}

void l2_forget(struct blockdev *dev, uint32_t first, uint32_t last)
{
	uint32_t owner = dev_owner(dev, false);
	uint32_t size = dev->cache.bsize;

	if (owner && size)
		bstats.forgets += ycache_forget_range(
		    owner, block_id(size, first), block_id(size, last));
}

void l2_forget_dev(struct blockdev *dev)
{
	uint32_t owner = dev_owner(dev, false);
	struct blockdev **pp = &l2_devs;

	if (!owner)
		return;
	bstats.forgets += ycache_forget_all(owner);
	while (*pp != dev)
		pp = &(*pp)->cache.next;
	*pp = dev->cache.next;
	dev->cache.owner = dev->cache.gen = 0;
	dev->cache.next = NULL;
}

void l2_forget_all(void)
{
	while (l2_devs)
		l2_forget_dev(l2_devs);
}

void l2_get_stats(struct bcache_stats *st)
{
	size_t blocks = 0;

	for (struct blockdev *d = l2_devs; d; d = d->cache.next)
		blocks += ycache_owner_blocks(d->cache.owner);
	st->l2_blocks = blocks;
	st->l2_evictions = st->l2_yields - l2_takes - st->forgets - blocks;
}
