/*
 * test_bcache_sync.c - host tests of write-back in sorted runs
 * (fs/bcache_sync.c): consecutive dirty blocks reach the disk in one
 * transfer whatever order they were dirtied in, bsync_blocks writes only
 * the blocks asked for, a failed run leaves every block of it dirty and
 * the others written, and 1 KiB blocks run too.
 */
#include <stdlib.h>
#include <fs/bcache.h>
#include <kernel/errno.h>
#include "host.h"

#define SD_BYTES (1u << 20)

struct syncdisk {
	struct blockdev dev;
	unsigned char *bytes;
	unsigned transfers; /* write and writev calls */
	unsigned fail_at;   /* a write covering this sector fails (0: none) */
};

static int sd_read(struct blockdev *d, uint64_t sector, uint32_t count,
		   void *buf)
{
	struct syncdisk *s = d->priv;

	memcpy(buf, s->bytes + sector * 512, (size_t)count * 512);
	return 0;
}

static bool sd_fails(const struct syncdisk *s, uint64_t sector, uint32_t count)
{
	return s->fail_at && s->fail_at >= sector &&
	       s->fail_at < sector + count;
}

static int sd_write(struct blockdev *d, uint64_t sector, uint32_t count,
		    const void *buf)
{
	struct syncdisk *s = d->priv;

	s->transfers++;
	if (sd_fails(s, sector, count))
		return -EIO;
	memcpy(s->bytes + sector * 512, buf, (size_t)count * 512);
	return 0;
}

static int sd_writev(struct blockdev *d, uint64_t sector, uint32_t count,
		     void *const *segs, uint32_t seg)
{
	struct syncdisk *s = d->priv;

	s->transfers++;
	if (sd_fails(s, sector, count))
		return -EIO;
	for (uint32_t i = 0; count; i++) {
		uint32_t n = count < seg ? count : seg;

		memcpy(s->bytes + sector * 512, segs[i], (size_t)n * 512);
		sector += n;
		count -= n;
	}
	return 0;
}

static const struct blockdev_ops sd_ops = {
    .read = sd_read, .write = sd_write, .writev = sd_writev};

static void sd_open(struct syncdisk *s, size_t nbufs)
{
	memset(s, 0, sizeof(*s));
	s->bytes = calloc(1, SD_BYTES);
	s->dev.ops = &sd_ops;
	s->dev.name = "sync0";
	s->dev.sector_size = 512;
	s->dev.nsectors = SD_BYTES / 512;
	s->dev.priv = s;
	bcache_init(nbufs);
}

static void sd_close(struct syncdisk *s)
{
	CHECK_EQ(binval_dev(&s->dev), 0);
	free(s->bytes);
}

/* Dirty block blkno of size with bytes of value v. */
static void dirty(struct syncdisk *s, uint32_t blkno, uint32_t size, int v)
{
	struct buf *b = bget(&s->dev, blkno, size);

	CHECK(b);
	if (!b)
		return;
	memset(b->data, v, size);
	bdirty(b);
	brelse(b);
}

static bool on_disk(struct syncdisk *s, uint32_t blkno, uint32_t size, int v)
{
	for (uint32_t i = 0; i < size; i++)
		if (s->bytes[(size_t)blkno * size + i] != (unsigned char)v)
			return false;
	return true;
}

static size_t ndirty(void)
{
	struct bcache_stats st;

	bcache_get_stats(&st);
	return st.dirty;
}

/* Blocks dirtied out of order: 12 11 40 10 5 6 give runs 5-6, 10-12, 40. */
static void runs(uint32_t size)
{
	static const uint32_t order[] = {12, 11, 40, 10, 5, 6};
	struct syncdisk s;

	sd_open(&s, 64);
	for (unsigned i = 0; i < ARRAY_SIZE(order); i++)
		dirty(&s, order[i], size, 0x40 + (int)order[i]);
	CHECK_EQ(bsync_dev(&s.dev), 0);
	CHECK_EQ(s.transfers, 3);
	for (unsigned i = 0; i < ARRAY_SIZE(order); i++)
		CHECK(on_disk(&s, order[i], size, 0x40 + (int)order[i]));
	CHECK_EQ(ndirty(), 0);
	sd_close(&s);
}

TEST(bcache_sync_writes_sorted_runs_4k)
{
	runs(4096);
}

TEST(bcache_sync_writes_sorted_runs_1k)
{
	runs(1024);
}

/* More dirty blocks than one batch: still one transfer per run. */
TEST(bcache_sync_runs_span_batches)
{
	struct syncdisk s;

	sd_open(&s, 512);
	for (uint32_t b = 200; b > 0; b--)
		if (b != 100)
			dirty(&s, b, 1024, (int)b);
	CHECK_EQ(bsync_dev(&s.dev), 0);
	CHECK(s.transfers <= 6); /* 1-99, 101-200, split at batch ends */
	for (uint32_t b = 1; b <= 200; b++)
		CHECK(b == 100 || on_disk(&s, b, 1024, (int)b));
	CHECK_EQ(ndirty(), 0);
	sd_close(&s);
}

TEST(bcache_sync_blocks_writes_only_those)
{
	static const uint32_t want[] = {7, 9, 8, 30};
	struct syncdisk s;

	sd_open(&s, 64);
	for (uint32_t b = 5; b <= 10; b++)
		dirty(&s, b, 4096, 0x70 + (int)b);
	CHECK_EQ(bsync_blocks(&s.dev, want, ARRAY_SIZE(want)), 0);
	CHECK_EQ(s.transfers, 1); /* 7-9; 30 is not cached */
	for (uint32_t b = 5; b <= 10; b++)
		CHECK(on_disk(&s, b, 4096, 0x70 + (int)b) ==
		      (b >= 7 && b <= 9));
	CHECK_EQ(ndirty(), 3);
	CHECK_EQ(bsync_dev(&s.dev), 0);
	CHECK_EQ(ndirty(), 0);
	sd_close(&s);
}

/* The run 3-5 fails: its three blocks stay dirty, 20 is written, and a
 * later sync writes them once the disk works. */
TEST(bcache_sync_failed_run_stays_dirty)
{
	static const uint32_t blks[] = {3, 4, 5, 20};
	struct syncdisk s;

	sd_open(&s, 64);
	for (unsigned i = 0; i < ARRAY_SIZE(blks); i++)
		dirty(&s, blks[i], 4096, 0x30 + (int)i);
	s.fail_at = 4 * 8 + 1;
	CHECK_EQ(bsync_dev(&s.dev), -EIO);
	CHECK_EQ(ndirty(), 3);
	CHECK(on_disk(&s, 20, 4096, 0x33));
	CHECK(!on_disk(&s, 3, 4096, 0x30));
	s.fail_at = 0;
	CHECK_EQ(bsync_dev(&s.dev), 0);
	CHECK_EQ(ndirty(), 0);
	for (unsigned i = 0; i < ARRAY_SIZE(blks); i++)
		CHECK(on_disk(&s, blks[i], 4096, 0x30 + (int)i));
	sd_close(&s);
}
