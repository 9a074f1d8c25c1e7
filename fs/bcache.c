/*
 * bcache.c - the block cache, level 1 (see include/fs/bcache.h).
 *
 * Invariants: every buffer is in exactly one hash chain (walking the
 * chains visits every buffer); nbufs counts them; b->stamp orders released
 * buffers (least recently released first: the LRU order, kept as a stamp so
 * that a hit writes the header once); a buffer with refs > 0 is never evicted;
 * a dirty buffer is written before it leaves the cache, except through
 * bforget()/binval_dev(), whose callers say its contents are dead. Each buffer
 * owns one PHYS_KERNEL page, claimed as "bcache buffer" in the sanity check.
 */
#include <arch/hooks.h>
#include <fs/bcache.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>

#define HASH_SIZE 256u

/* Every buffer, through the hash chains. */
#define FOR_EACH_BUF(b)                             \
	for (unsigned _h = 0; _h < HASH_SIZE; _h++) \
		for (struct buf *b = hash[_h]; b; b = b->hnext)

static struct buf *hash[HASH_SIZE];
static size_t nbufs, max_bufs;
static uint32_t tick; /* release clock: the LRU order */
static struct bcache_stats stats;

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
	memset(hash, 0, sizeof(hash));
	nbufs = 0;
	max_bufs = n ? n : 1;
	memset(&stats, 0, sizeof(stats));
	sanity_unregister(&bcache_owner);
	sanity_register(&bcache_owner);
}

static unsigned hash_of(struct blockdev *dev, uint32_t blkno)
{
	uintptr_t h = (uintptr_t)dev / 16 + blkno * 2654435761u;

	return (unsigned)(h ^ (h >> 16)) % HASH_SIZE;
}

static struct buf *lookup(struct blockdev *dev, uint32_t blkno)
{
	for (struct buf *b = hash[hash_of(dev, blkno)]; b; b = b->hnext)
		if (b->dev == dev && b->blkno == blkno)
			return b;
	return NULL;
}

static void hash_unlink(struct buf *b)
{
	struct buf **pp = &hash[hash_of(b->dev, b->blkno)];

	while (*pp != b)
		pp = &(*pp)->hnext;
	if (pp == &hash[hash_of(b->dev, b->blkno)])
		*pp = b->hnext;
	else
		USE(container_of(pp, struct buf, hnext), *pp = b->hnext);
}

static void clear_noevict(void)
{
	FOR_EACH_BUF(b)
	if (b->flags & BUF_NOEVICT)
		USE(b, b->flags &= ~BUF_NOEVICT);
}

static int dev_io(struct buf *b, bool write)
{
	uint32_t spb = b->size / BLOCKDEV_SECTOR_SIZE;
	uint64_t sector = (uint64_t)b->blkno * spb;

	if (sector + spb > b->dev->nsectors)
		return -EIO;
	if (write) {
		stats.writes++;
		return b->dev->ops->write(b->dev, sector, spb, b->data);
	}
	stats.reads++;
	return b->dev->ops->read(b->dev, sector, spb, b->data);
}

/*
 * A buffer leaves the cache: its contents are clean or dead. Today its page
 * is freed. Level 2 hooks in here: a clean buffer's page goes to
 * ycache_put(owner, id(dev, blkno)) instead (falling back to phys_free on
 * failure), so it can come back without a disk read.
 */
static void bcache_evict(struct buf *b)
{
	hash_unlink(b);
	phys_free(b->pa, 1, PHYS_KERNEL);
	SLAB_FREE(b);
	nbufs--;
	stats.evictions++;
}

/*
 * Make room for one more buffer: evict the least recently released buffer
 * nobody holds, writing it first if dirty. False when none can go (every
 * buffer held, or the dirty ones fail to write).
 */
static bool evict_one(void)
{
	for (;;) {
		struct buf *victim = NULL;

		FOR_EACH_BUF(b)
		if (!b->refs && !(b->flags & BUF_NOEVICT) &&
		    (!victim || b->stamp < victim->stamp))
			victim = b;
		if (!victim)
			break;
		if ((victim->flags & BUF_DIRTY) && bwrite(victim)) {
			/* Keep it (still dirty); try the others. */
			USE(victim, victim->flags |= BUF_NOEVICT);
			continue;
		}
		bcache_evict(victim);
		clear_noevict();
		return true;
	}
	clear_noevict();
	return false;
}

static struct buf *buf_new(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	struct buf *b;
	paddr_t pa;

	if (size < BLOCKDEV_SECTOR_SIZE || size > PAGE_SIZE ||
	    (size & (size - 1)))
		return NULL;
	if (nbufs >= max_bufs)
		evict_one(); /* else over the bound until a release */
	b = slab_zalloc(sizeof(*b));
	if (!b)
		return NULL;
	pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	if (pa == PHYS_NONE) {
		SLAB_FREE(b);
		return NULL;
	}
	USE(b, {
		b->pa = pa;
		b->data = arch_phys_to_virt(pa);
		b->dev = dev;
		b->blkno = blkno;
		b->size = size;
		b->refs = 1;
		b->hnext = hash[hash_of(dev, blkno)];
	});
	hash[hash_of(dev, blkno)] = b;
	nbufs++;
	return b;
}

/*
 * A held buffer for (dev, blkno), found or new; *fresh says it is new
 * (its data not yet read).
 */
static struct buf *buf_find(struct blockdev *dev, uint32_t blkno, uint32_t size,
			    bool *fresh)
{
	struct buf *b = lookup(dev, blkno);

	*fresh = false;
	if (b && b->size != size) {
		/* Same device read with another block size: start over. */
		if (b->refs) {
			printk(
			    "bcache: %s block %u held with size %u, not %u\n",
			    dev->name, blkno, b->size, size);
			return NULL;
		}
		if ((b->flags & BUF_DIRTY) && bwrite(b))
			return NULL;
		bcache_evict(b);
		b = NULL;
	}
	if (b) {
		stats.hits++;
		USE(b, b->refs++);
		return b;
	}
	stats.misses++;
	*fresh = true;
	return buf_new(dev, blkno, size);
}

/* Fill a new buffer: from the disk today; level 2 asks ycache_take first. */
static int buf_fill(struct buf *b)
{
	return dev_io(b, false);
}

/* Drop a buffer that never became valid (its data is not the block). */
static void buf_discard(struct buf *b)
{
	USE(b, b->refs--);
	bcache_evict(b);
}

struct buf *bread(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	bool fresh;
	struct buf *b = buf_find(dev, blkno, size, &fresh);

	if (b && fresh && buf_fill(b)) {
		printk("bcache: %s: read error at block %u\n", dev->name,
		       blkno);
		buf_discard(b);
		return NULL;
	}
	return b;
}

struct buf *bget(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	bool fresh;

	return buf_find(dev, blkno, size, &fresh);
}

const void *bpeek(struct blockdev *dev, uint32_t blkno, uint32_t size)
{
	struct buf *b = lookup(dev, blkno);

	if (!b || b->size != size)
		return NULL;
	stats.hits++;
	return b->data;
}

void bdirty(struct buf *b)
{
	BUG_ON(b->refs == 0);
	USE(b, b->flags |= BUF_DIRTY);
}

void brelse(struct buf *b)
{
	BUG_ON(b->refs == 0);
	USE(b, {
		b->refs--;
		b->stamp = ++tick;
	});
	while (nbufs > max_bufs && evict_one())
		;
}

int bwrite(struct buf *b)
{
	int err;

	if (!(b->flags & BUF_DIRTY))
		return 0;
	err = dev_io(b, true);
	if (err) {
		printk("bcache: %s: write error at block %u\n", b->dev->name,
		       b->blkno);
		return -EIO;
	}
	USE(b, b->flags &= ~BUF_DIRTY);
	return 0;
}

int bsync_dev(struct blockdev *dev)
{
	int err = 0;

	FOR_EACH_BUF(b)
	if (b->dev == dev && bwrite(b))
		err = -EIO;
	if (dev->ops->flush && dev->ops->flush(dev))
		err = -EIO;
	return err;
}

void bforget(struct blockdev *dev, uint32_t blkno)
{
	struct buf *b = lookup(dev, blkno);

	if (!b)
		return;
	USE(b, b->flags &= ~BUF_DIRTY);
	if (!b->refs)
		bcache_evict(b);
}

size_t binval_dev(struct blockdev *dev)
{
	size_t held = 0;

	for (unsigned h = 0; h < HASH_SIZE; h++) {
		struct buf *b = hash[h], *next;

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
			bcache_evict(b);
		}
	}
	return held;
}

void bcache_get_stats(struct bcache_stats *st)
{
	*st = stats;
	st->bufs = nbufs;
	st->max_bufs = max_bufs;
	st->dirty = st->held = 0;
	FOR_EACH_BUF(b)
	{
		st->dirty += (b->flags & BUF_DIRTY) != 0;
		st->held += b->refs != 0;
	}
}
