/*
 * bcache.c - the block cache, level 1 (see include/fs/bcache.h).
 *
 * Invariants: every buffer is in exactly one hash chain (walking the
 * chains visits every buffer); nbufs counts them; every buffer is also on
 * the LRU list, least recently released first (a release moves it to the
 * tail, a hit does not touch the list, so eviction takes the head's first
 * unheld buffer without a scan of the cache); a buffer with refs > 0 is
 * never evicted;
 * a dirty buffer is written before it leaves the cache, except through
 * bforget()/binval_dev()/a size change's failure, whose callers say its
 * contents are dead; only a clean buffer leaving by eviction goes to level 2,
 * every other one's page is freed; a block is never in both levels (a miss
 * takes it out of level 2, bget() forgets it there). Each buffer owns one
 * PHYS_KERNEL page, claimed as "bcache buffer" in the sanity check.
 */
#include <arch/hooks.h>
#include <fs/fsclock.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "bcache_internal.h"

struct buf *bcache_hash[BCACHE_HASH_SIZE];
struct bcache_stats bstats;
static size_t nbufs, max_bufs;
static struct buf *lru_head, *lru_tail; /* least recently released first */

static void bcache_sanity_walk(struct sanity *s)
{
	FOR_EACH_BUF(b)
	sanity_mark(s, b->pa, 1, "bcache buffer");
}

static struct sanity_owner bcache_owner = {
    .name = "bcache",
    .walk = bcache_sanity_walk,
};

void bcache_init(size_t n)
{
	memset(bcache_hash, 0, sizeof(bcache_hash));
	lru_head = lru_tail = NULL;
	nbufs = 0;
	max_bufs = n ? n : 1;
	memset(&bstats, 0, sizeof(bstats));
	l2_reset();
	sanity_unregister(&bcache_owner);
	sanity_register(&bcache_owner);
}

size_t buf_count(void)
{
	return nbufs;
}

size_t buf_limit(void)
{
	return max_bufs;
}

static unsigned hash_of(struct blockdev *dev, uint32_t blkno)
{
	uintptr_t h = (uintptr_t)dev / 16 + blkno * 2654435761u;

	return (unsigned)(h ^ (h >> 16)) % BCACHE_HASH_SIZE;
}

struct buf *buf_lookup(struct blockdev *dev, uint32_t blkno)
{
	for (struct buf *b = bcache_hash[hash_of(dev, blkno)]; b; b = b->hnext)
		if (b->dev == dev && b->blkno == blkno)
			return b;
	return NULL;
}

static void hash_unlink(struct buf *b)
{
	struct buf **pp = &bcache_hash[hash_of(b->dev, b->blkno)];

	while (*pp != b)
		pp = &(*pp)->hnext;
	if (pp == &bcache_hash[hash_of(b->dev, b->blkno)])
		*pp = b->hnext;
	else
		USE(container_of(pp, struct buf, hnext), *pp = b->hnext);
}

/* Put b at the LRU list's tail (it was just released or made). */
static void lru_append(struct buf *b)
{
	USE(b, {
		b->lru_prev = lru_tail;
		b->lru_next = NULL;
	});
	if (lru_tail)
		USE(lru_tail, lru_tail->lru_next = b);
	else
		lru_head = b;
	lru_tail = b;
}

static void lru_remove(struct buf *b)
{
	if (b->lru_prev)
		USE(b->lru_prev, b->lru_prev->lru_next = b->lru_next);
	else
		lru_head = b->lru_next;
	if (b->lru_next)
		USE(b->lru_next, b->lru_next->lru_prev = b->lru_prev);
	else
		lru_tail = b->lru_prev;
}

static void clear_noevict(void)
{
	FOR_EACH_BUF(b)
	if (b->flags & BUF_NOEVICT)
		USE(b, b->flags &= ~BUF_NOEVICT);
}

struct buf *buf_insert(struct blockdev *dev, uint32_t blkno, uint32_t size,
		       paddr_t pa, uint32_t refs)
{
	struct buf *b = slab_zalloc(sizeof(*b));

	if (!b)
		return NULL;
	USE(b, {
		b->pa = pa;
		b->data = arch_phys_to_virt(pa);
		b->dev = dev;
		b->blkno = blkno;
		b->size = size;
		b->refs = refs;
		b->hnext = bcache_hash[hash_of(dev, blkno)];
	});
	lru_append(b);
	bcache_hash[hash_of(dev, blkno)] = b;
	nbufs++;
	return b;
}

/* Unlink b and free its header; its page is the caller's business. */
static void buf_unlink(struct buf *b)
{
	hash_unlink(b);
	lru_remove(b);
	SLAB_FREE(b);
	nbufs--;
}

void buf_free(struct buf *b)
{
	phys_free(b->pa, 1, PHYS_KERNEL);
	buf_unlink(b);
}

/* A clean buffer leaves level 1 by eviction: its page goes to level 2,
 * or back to the allocator when level 2 is off or refuses it. */
static void buf_evict(struct buf *b)
{
	BUG_ON(b->flags & BUF_DIRTY);
	if (!l2_yield(b))
		phys_free(b->pa, 1, PHYS_KERNEL);
	buf_unlink(b);
	bstats.evictions++;
}

/*
 * Make room for one more buffer: evict the least recently released buffer
 * nobody holds, writing it first if dirty. False when none can go (every
 * buffer held, or the dirty ones fail to write).
 */
static bool evict_one(void)
{
	for (;;) {
		struct buf *victim = lru_head;

		while (victim &&
		       (victim->refs || (victim->flags & BUF_NOEVICT)))
			victim = victim->lru_next;
		if (!victim)
			break;
		if (buf_write_held(victim)) {
			/* Keep it (still dirty); try the others. */
			USE(victim, victim->flags |= BUF_NOEVICT);
			continue;
		}
		if (victim->refs || (victim->flags & BUF_DIRTY))
			continue; /* taken or redirtied while we wrote */
		buf_evict(victim);
		clear_noevict();
		return true;
	}
	clear_noevict();
	return false;
}

/*
 * Let dev be cached in blocks of size: when it held another size, write
 * back and drop that size from both levels (no block may be cached under
 * two sizes). -EBUSY if such a buffer is held, -EIO if one fails to write.
 */
static int dev_use_size(struct blockdev *dev, uint32_t size)
{
	if (dev->cache.bsize == size)
		return 0;
	FOR_EACH_BUF(b)
	if (b->dev == dev && b->refs) {
		printk("bcache: %s block %u held with size %u, not %u\n",
		       dev->name, b->blkno, b->size, size);
		return -EBUSY;
	}
	if (dev->cache.bsize && bsync_dev(dev))
		return -EIO;
	binval_dev(dev);
	dev->cache.bsize = size;
	return 0;
}

/*
 * The held buffer for (dev, blkno): a level-1 hit, else (read) taken from
 * level 2 or read from the device, or (!read) a fresh page with level 2's
 * copy forgotten.
 */
static struct buf *buf_get(struct blockdev *dev, uint32_t blkno, uint32_t size,
			   bool read)
{
	struct buf *b;
	paddr_t pa;

	if (size < BLOCKDEV_SECTOR_SIZE || size > PAGE_SIZE ||
	    (size & (size - 1)) || dev_use_size(dev, size))
		return NULL;
	b = buf_lookup(dev, blkno);
	if (b) {
		bstats.hits++;
		USE(b, b->refs++);
		return b;
	}
	bstats.misses++;
	if (nbufs >= max_bufs)
		evict_one(); /* else over the bound until a release */
	pa = read ? l2_take(dev, blkno, size) : PHYS_NONE;
	if (pa == PHYS_NONE && read)
		return bio_read(dev, blkno, size);
	if (!read)
		l2_forget(dev, blkno, blkno);
	if (pa == PHYS_NONE)
		pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	if (pa == PHYS_NONE)
		return NULL;
	b = buf_insert(dev, blkno, size, pa, 1);
	if (!b)
		phys_free(pa, 1, PHYS_KERNEL);
	return b;
}

struct buf *bread(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	return buf_get(dev, blkno, size, true);
}

struct buf *bget(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	return buf_get(dev, blkno, size, false);
}

const void *bpeek(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	struct buf *b = buf_lookup(dev, blkno);

	if (!b || b->size != size)
		return NULL;
	bstats.hits++;
	return b->data;
}

void bdirty(struct buf *b)
{
	BUG_ON(b->refs == 0);
	if (!(b->flags & BUF_DIRTY))
		USE(b, {
			b->flags |= BUF_DIRTY;
			b->dirtied = fs_clock_now();
		});
}

void brelse(struct buf *b)
{
	BUG_ON(b->refs == 0);
	USE(b, b->refs--);
	if (b != lru_tail) {
		lru_remove(b);
		lru_append(b);
	}
	while (nbufs > max_bufs && evict_one())
		;
}

int buf_write_held(struct buf *b)
{
	int err;

	if (!(b->flags & BUF_DIRTY))
		return 0;
	USE(b, b->refs++);
	err = bwrite(b);
	USE(b, b->refs--);
	return err;
}

void bforget(struct blockdev *dev, uint32_t blkno)
{
	struct buf *b = buf_lookup(dev, blkno);

	l2_forget(dev, blkno, blkno);
	if (!b)
		return;
	USE(b, b->flags &= ~BUF_DIRTY);
	if (!b->refs)
		buf_free(b);
}

size_t binval_dev(struct blockdev *dev)
{
	size_t held = 0;

	for (unsigned h = 0; h < BCACHE_HASH_SIZE; h++) {
		struct buf *b = bcache_hash[h], *next;

		for (; b; b = next) {
			next = b->hnext;
			if (b->dev != dev)
				continue;
			if (b->refs) {
				printk("bcache: %s block %u still held at "
				       "invalidate\n",
				       dev->name, b->blkno);
				held++;
				continue;
			}
			buf_free(b);
		}
	}
	l2_forget_dev(dev);
	if (!held)
		dev->cache.bsize = 0;
	return held;
}

void bcache_get_stats(struct bcache_stats *st)
{
	*st = bstats;
	st->bufs = nbufs;
	st->max_bufs = max_bufs;
	st->dirty = st->held = 0;
	FOR_EACH_BUF(b)
	{
		st->dirty += (b->flags & BUF_DIRTY) != 0;
		st->held += b->refs != 0;
	}
	l2_get_stats(st);
}
