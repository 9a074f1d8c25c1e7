/*
 * bcache_sync.c - writing dirty level-1 buffers back in sorted runs: all
 * of a device's (bsync_dev), a chosen few (bsync_blocks, what a file's
 * fsync needs), the old ones (bcache_flush_old) and one (bwrite).
 *
 * The dirty buffers asked for are gathered in batches in (device, block)
 * order, each batch the first WB_BATCH after the previous one's last, and
 * held (so nothing evicts or frees them while the device sleeps); each
 * run of consecutive blocks goes to the device as one transfer out of
 * the separate buffers (blockdev_writev), not one per block: a
 * superblock and its group descriptors, or two bitmaps and the inode
 * table block after them, cost one command. A buffer is marked clean
 * before its run is written, so a bdirty() meanwhile keeps it dirty; a
 * failed run marks all of its buffers dirty again and they stay cached.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/slab.h>
#include "bcache_internal.h"

#define WB_BATCH 64u /* buffers gathered per pass, and per transfer */

/* Which dirty buffers a pass takes. */
struct wb_filter {
	struct blockdev *dev; /* NULL: any device */
	const uint32_t *blknos;
	size_t nblknos; /* 0: every block of dev */
	bool old_only;	/* only unheld ones dirty since before age */
	uint32_t now, age;
};

static bool wb_wants(const struct wb_filter *f, const struct buf *b)
{
	if (!(b->flags & BUF_DIRTY) || (f->dev && b->dev != f->dev))
		return false;
	if (f->old_only && (b->refs || f->now - b->dirtied < f->age))
		return false;
	if (!f->nblknos)
		return true;
	for (size_t i = 0; i < f->nblknos; i++)
		if (f->blknos[i] == b->blkno)
			return true;
	return false;
}

/* Does a come before b in (device, block number) order? */
static bool wb_before(const struct buf *a, const struct buf *b)
{
	if (a->dev != b->dev)
		return (uintptr_t)a->dev < (uintptr_t)b->dev;
	return a->blkno < b->blkno;
}

/* Put b into v[0..*n), kept sorted and at most WB_BATCH long (the
 * greatest falls out). */
static void wb_insert(struct buf **v, size_t *n, struct buf *b)
{
	size_t i = *n;

	if (i == WB_BATCH && !wb_before(b, v[i - 1]))
		return;
	if (i == WB_BATCH)
		i--;
	else
		(*n)++;
	for (; i && wb_before(b, v[i - 1]); i--)
		v[i] = v[i - 1];
	v[i] = b;
}

/* The first WB_BATCH wanted buffers after *after (NULL: from the start)
 * in order, held: how many. */
static size_t wb_gather(const struct wb_filter *f, const struct buf *after,
			struct buf **v)
{
	size_t n = 0;

	FOR_EACH_BUF(b)
	if ((!after || wb_before(after, b)) && wb_wants(f, b))
		wb_insert(v, &n, b);
	for (size_t i = 0; i < n; i++)
		USE(v[i], v[i]->refs++);
	return n;
}

/* How many buffers from v[0] on form one run: same device and size,
 * consecutive blocks. */
static size_t wb_run_length(struct buf *const *v, size_t n)
{
	size_t k = 1;

	while (k < n && v[k]->dev == v[0]->dev && v[k]->size == v[0]->size &&
	       v[k]->blkno == v[0]->blkno + k)
		k++;
	return k;
}

/* Write the run v[0..k) in one transfer: 0, or -EIO with every buffer
 * of it dirty again. */
static int wb_write_run(struct buf *const *v, size_t k)
{
	void *segs[WB_BATCH];

	segs[0] = v[0]->data; /* k >= 1 */
	for (size_t i = 0; i < k; i++) {
		segs[i] = v[i]->data;
		USE(v[i], v[i]->flags &= ~BUF_DIRTY);
	}
	if (!bio_writev(v[0]->dev, v[0]->blkno, (uint32_t)k, v[0]->size, segs))
		return 0;
	printk("bcache: %s: write error at blocks %u+%u\n", v[0]->dev->name,
	       v[0]->blkno, (uint32_t)k);
	for (size_t i = 0; i < k; i++)
		USE(v[i], v[i]->flags |= BUF_DIRTY);
	return -EIO;
}

/* One buffer is a run of one: marked clean before the device sleeps, so
 * a bdirty() meanwhile leaves it dirty; dirty again if the write fails. */
int bwrite(struct buf *b)
{
	if (!(b->flags & BUF_DIRTY))
		return 0;
	return wb_write_run(&b, 1);
}

/* Write what f wants, a sorted batch at a time, each batch after the
 * last one's greatest block (so a buffer that fails is not retried and
 * the walk ends): -EIO if a run failed; *written counts the buffers
 * written. The last buffer of a batch stays held until the next batch
 * is gathered after it. */
static int wb_write(const struct wb_filter *f, size_t *written)
{
	struct buf *v[WB_BATCH], *after = NULL;
	size_t n;
	int err = 0;

	while ((n = wb_gather(f, after, v))) {
		for (size_t i = 0, k; i < n; i += k) {
			k = wb_run_length(v + i, n - i);
			if (wb_write_run(v + i, k))
				err = -EIO;
			else
				*written += k;
		}
		if (after)
			USE(after, after->refs--);
		for (size_t i = 0; i + 1 < n; i++)
			USE(v[i], v[i]->refs--);
		after = v[n - 1];
	}
	if (after)
		USE(after, after->refs--);
	return err;
}

int bsync_dev(struct blockdev *dev)
{
	struct wb_filter f = {.dev = dev};
	size_t written = 0;
	int err = wb_write(&f, &written);

	if (blockdev_flush(dev))
		err = -EIO;
	return err;
}

int bsync_blocks(struct blockdev *dev, const uint32_t *blknos, size_t n)
{
	struct wb_filter f = {.dev = dev, .blknos = blknos, .nblknos = n};
	size_t written = 0;

	return n ? wb_write(&f, &written) : 0;
}

size_t bcache_flush_old(uint32_t now, uint32_t age)
{
	static bool flushing;
	struct wb_filter f = {.old_only = true, .now = now, .age = age};
	size_t written = 0;

	if (bio_busy || flushing)
		return 0;
	flushing = true;
	(void)wb_write(&f, &written);
	flushing = false;
	return written;
}
