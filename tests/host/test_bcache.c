/*
 * test_bcache.c - host tests of the block cache's two levels (fs/bcache*.c)
 * over a RAM disk: eviction yields the buffer's own page (zero copy), a
 * miss takes it back without a disk read, bget/bforget/binval forget,
 * dirty buffers are written before they are yielded, raw writes leave no
 * stale copy, read-ahead, the flush and drop_caches; and a randomized run
 * against a model of the disk under memory pressure.
 */
#include <stdlib.h>
#include <fs/bcache.h>
#include <kernel/errno.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/ycache.h>
#include "host.h"

#define RD_BLOCKS 256u /* of 4 KiB: a 1 MiB disk */
#define RD_BYTES (RD_BLOCKS * 4096u)

struct ramdisk {
	struct blockdev dev;
	unsigned char *bytes;
	unsigned long reads, writes; /* transfers */
	/* Another process running while a write sleeps (called once). */
	void (*during_write)(struct ramdisk *r);
};

static int rd_read(struct blockdev *d, uint64_t sector, uint32_t count,
		   void *buf)
{
	struct ramdisk *r = d->priv;

	r->reads++;
	memcpy(buf, r->bytes + sector * 512, (size_t)count * 512);
	return 0;
}

static int rd_write(struct blockdev *d, uint64_t sector, uint32_t count,
		    const void *buf)
{
	struct ramdisk *r = d->priv;

	void (*hook)(struct ramdisk * r) = r->during_write;

	r->writes++;
	memcpy(r->bytes + sector * 512, buf, (size_t)count * 512);
	r->during_write = NULL;
	if (hook)
		hook(r);
	return 0;
}

static const struct blockdev_ops rd_ops = {.read = rd_read, .write = rd_write};

/* A disk whose every byte is f(offset), and a level 1 of nbufs. */
static void rd_open(struct ramdisk *r, size_t nbufs)
{
	memset(r, 0, sizeof(*r));
	r->bytes = malloc(RD_BYTES);
	for (uint32_t i = 0; i < RD_BYTES; i++)
		r->bytes[i] = (unsigned char)(i / 4096 * 7 + i / 512);
	r->dev.ops = &rd_ops;
	r->dev.name = "ram0";
	r->dev.sector_size = 512;
	r->dev.nsectors = RD_BYTES / 512;
	r->dev.priv = r;
	bcache_init(nbufs);
}

static void rd_close(struct ramdisk *r)
{
	CHECK_EQ(binval_dev(&r->dev), 0);
	free(r->bytes);
}

static bool same_as_disk(struct ramdisk *r, const struct buf *b)
{
	return !memcmp(b->data, r->bytes + (size_t)b->blkno * b->size, b->size);
}

static void stats(struct bcache_stats *st)
{
	bcache_get_stats(st);
}

/* Read blocks [first, last] once each, checking each against the disk. */
static void read_range(struct ramdisk *r, uint32_t first, uint32_t last,
		       uint32_t size)
{
	for (uint32_t n = first; n <= last; n++) {
		struct buf *b = bread(&r->dev, n, size);

		CHECK(b != NULL);
		if (!b)
			return;
		CHECK(same_as_disk(r, b));
		brelse(b);
	}
}

TEST(bcache_evict_yields_take_returns_same_page)
{
	struct ramdisk r;
	struct bcache_stats st;
	struct buf *b;
	paddr_t pa;
	unsigned long reads;

	rd_open(&r, 2);
	b = bread(&r.dev, 10, 4096);
	pa = b->pa;
	brelse(b);
	read_range(&r, 100, 101, 4096); /* evicts block 10 (not sequential) */
	stats(&st);
	CHECK_EQ(st.l2_yields, 1);
	CHECK_EQ(st.l2_blocks, 1);
	CHECK(ycache_has(r.dev.cache.owner, (12ull << 32) | 10));
	reads = r.reads;
	b = bread(&r.dev, 10, 4096);
	CHECK_EQ(r.reads, reads); /* from level 2, not the disk */
	CHECK_EQ(b->pa, pa);	  /* the very page: no copy */
	CHECK(same_as_disk(&r, b));
	brelse(b);
	stats(&st);
	CHECK_EQ(st.l2_hits, 1);
	CHECK(st.l2_misses >= 3);
	rd_close(&r);
}

/* Is block blkno in level 1? (bpeek counts a hit: callers ignore it.) */
static bool in_l1(struct ramdisk *r, uint32_t blkno)
{
	return bpeek(&r->dev, blkno, 4096) != NULL;
}

TEST(bcache_evicts_least_recently_released)
{
	static const uint32_t order[] = {30, 10, 40, 20};
	struct ramdisk r;
	struct buf *b[4];

	rd_open(&r, 4);
	for (unsigned i = 0; i < 4; i++)
		b[i] = bread(&r.dev, 10 * (i + 1), 4096); /* 10 20 30 40 */
	for (unsigned i = 0; i < 4; i++)
		brelse(b[order[i] / 10 - 1]); /* released 30, 10, 40, 20 */
	read_range(&r, 50, 50, 4096);
	CHECK(!in_l1(&r, 30)); /* the first released went first */
	CHECK(in_l1(&r, 10) && in_l1(&r, 40) && in_l1(&r, 20));
	read_range(&r, 10, 10, 4096); /* a hit and release: 10 is newest */
	read_range(&r, 60, 60, 4096);
	CHECK(!in_l1(&r, 40)); /* then 40, not 10 */
	CHECK(in_l1(&r, 10) && in_l1(&r, 20) && in_l1(&r, 50));
	b[0] = bread(&r.dev, 20, 4096); /* held: never the victim */
	read_range(&r, 70, 70, 4096);
	CHECK(in_l1(&r, 20) && !in_l1(&r, 50));
	brelse(b[0]);
	rd_close(&r);
}

TEST(bcache_dirty_written_before_yield)
{
	struct ramdisk r;
	struct bcache_stats st;
	struct buf *b;

	rd_open(&r, 1);
	b = bread(&r.dev, 5, 4096);
	memset(b->data, 0xAB, 4096);
	bdirty(b);
	brelse(b);
	CHECK(r.bytes[5 * 4096] != 0xAB); /* still only in level 1 */
	read_range(&r, 50, 50, 4096);	  /* evicts block 5 */
	CHECK_EQ(r.bytes[5 * 4096], 0xAB);
	stats(&st);
	CHECK_EQ(st.writes, 1);
	CHECK_EQ(st.l2_yields, 1);
	b = bread(&r.dev, 5, 4096);
	CHECK(same_as_disk(&r, b));
	brelse(b);
	rd_close(&r);
}

TEST(bcache_bget_bforget_binval_forget)
{
	struct ramdisk r;
	struct bcache_stats st;
	struct buf *b;

	rd_open(&r, 1);
	read_range(&r, 1, 1, 4096);
	read_range(&r, 3, 3, 4096);
	read_range(&r, 20, 20, 4096); /* 1 and 3 now in level 2 */
	CHECK_EQ(ycache_owner_blocks(r.dev.cache.owner), 2);
	b = bget(&r.dev, 1, 4096); /* overwritten whole: level 2's goes */
	CHECK(!ycache_has(r.dev.cache.owner, (12ull << 32) | 1));
	memset(b->data, 1, 4096);
	bdirty(b);
	brelse(b);
	bforget(&r.dev, 3); /* freed block: level 2's goes */
	CHECK(!ycache_has(r.dev.cache.owner, (12ull << 32) | 3));
	stats(&st);
	CHECK_EQ(st.forgets, 2);
	CHECK_EQ(bsync_dev(&r.dev), 0);
	CHECK_EQ(r.bytes[4096], 1);
	read_range(&r, 30, 33, 4096);
	CHECK(ycache_owner_blocks(r.dev.cache.owner) > 0);
	CHECK_EQ(binval_dev(&r.dev), 0); /* unmount: every block goes */
	CHECK_EQ(r.dev.cache.owner, 0);
	stats(&st);
	CHECK_EQ(st.l2_blocks, 0);
	CHECK_EQ(st.bufs, 0);
	free(r.bytes);
}

/* A raw write over a yielded block and over a level-1 buffer: neither
 * comes back stale, at 4 KiB and at 1 KiB blocks. */
static void raw_write_case(uint32_t size)
{
	struct ramdisk r;
	unsigned char data[3 * 512];
	uint64_t sector = 3 * size / 512 - 1; /* end of block 2, start of 3 */
	struct buf *held;

	rd_open(&r, 2);
	read_range(&r, 2, 2, size);
	read_range(&r, 40, 41, size); /* block 2 goes to level 2 */
	held = bread(&r.dev, 3, size);
	CHECK_EQ(bcache_raw_sync(&r.dev, sector, 3), 0);
	memset(data, 0x5C, sizeof(data));
	rd_write(&r.dev, sector, 3, data);
	bcache_raw_written(&r.dev, sector, 3, data);
	CHECK(same_as_disk(&r, held)); /* patched in level 1 */
	brelse(held);
	read_range(&r, 2, 3, size); /* not the stale level-2 copy */
	rd_close(&r);
}

TEST(bcache_raw_write_leaves_nothing_stale)
{
	raw_write_case(4096);
	raw_write_case(1024);
}

TEST(bcache_raw_read_sees_dirty_buffer)
{
	struct ramdisk r;
	struct buf *b;

	rd_open(&r, 8);
	b = bread(&r.dev, 7, 4096);
	memset(b->data, 0x77, 4096);
	bdirty(b);
	brelse(b);
	CHECK_EQ(bcache_raw_sync(&r.dev, 7 * 8 + 2, 1), 0);
	CHECK_EQ(r.bytes[7 * 4096 + 1024], 0x77);
	rd_close(&r);
}

TEST(bcache_readahead_merges_sequential_reads)
{
	struct ramdisk r;
	struct bcache_stats st;

	rd_open(&r, 64);
	read_range(&r, 0, 63, 4096);
	stats(&st);
	CHECK(st.reads >= 64 && st.reads <= 64 + 16);
	CHECK(r.reads <= 6); /* 1, then runs of up to 16 */
	CHECK(st.readahead >= 48);
	rd_close(&r);
	rd_open(&r, 64);
	read_range(&r, 0, 127, 1024); /* sub-page blocks: spread per page */
	CHECK(r.reads <= 12);
	rd_close(&r);
}

TEST(bcache_flush_writes_old_dirty_data)
{
	struct ramdisk r;
	struct buf *b;
	uint32_t t0;

	rd_open(&r, 8);
	b = bread(&r.dev, 4, 4096);
	memset(b->data, 0x44, 4096);
	bdirty(b);
	t0 = b->dirtied;
	CHECK_EQ(bcache_flush_old(t0 + 10, BCACHE_FLUSH_AGE), 0); /* held */
	brelse(b);
	CHECK_EQ(bcache_flush_old(t0 + 4, BCACHE_FLUSH_AGE), 0); /* young */
	CHECK(r.bytes[4 * 4096] != 0x44);
	CHECK_EQ(bcache_flush_old(t0 + 5, BCACHE_FLUSH_AGE), 1);
	CHECK_EQ(r.bytes[4 * 4096], 0x44);
	rd_close(&r);
}

/* While block 6 is being written, another writer changes it again. */
static void rewrite_block6(struct ramdisk *r)
{
	struct buf *b = bread(&r->dev, 6, 4096);

	((unsigned char *)b->data)[0] = 0x22;
	bdirty(b);
	brelse(b);
}

TEST(bcache_redirty_during_write_stays_dirty)
{
	struct ramdisk r;
	struct bcache_stats st;
	struct buf *b;

	rd_open(&r, 8);
	b = bread(&r.dev, 6, 4096);
	memset(b->data, 0x11, 4096);
	bdirty(b);
	brelse(b);
	r.during_write = rewrite_block6;
	CHECK_EQ(bcache_flush_old(~0u, 0), 1);
	CHECK_EQ(r.bytes[6 * 4096], 0x11);
	stats(&st);
	CHECK_EQ(st.dirty, 1); /* the second change is not lost */
	CHECK_EQ(bsync_dev(&r.dev), 0);
	CHECK_EQ(r.bytes[6 * 4096], 0x22);
	rd_close(&r);
}

TEST(bcache_drop_caches_empties_both_levels)
{
	struct ramdisk r;
	struct bcache_stats st;
	struct buf *b, *held;
	struct phys_stats ps;

	rd_open(&r, 4);
	read_range(&r, 0, 31, 4096);
	held = bread(&r.dev, 100, 4096);
	b = bread(&r.dev, 9, 4096);
	memset(b->data, 0x99, 4096);
	bdirty(b);
	brelse(b);
	CHECK_EQ(bcache_drop_caches(), 0);
	CHECK_EQ(r.bytes[9 * 4096], 0x99);
	stats(&st);
	CHECK_EQ(st.bufs, 1); /* the held one stays */
	CHECK_EQ(st.l2_blocks, 0);
	phys_get_stats(&ps);
	CHECK_EQ(ps.cached, 0);
	brelse(held);
	rd_close(&r);
}

TEST(bcache_l2_off_frees_instead)
{
	struct ramdisk r;
	struct bcache_stats st;

	rd_open(&r, 2);
	bcache_set_l2(false);
	read_range(&r, 0, 9, 4096);
	read_range(&r, 0, 9, 4096);
	stats(&st);
	bcache_set_l2(true);
	CHECK_EQ(st.l2_yields, 0);
	CHECK_EQ(st.l2_hits, 0);
	CHECK_EQ(st.reads, 20);
	rd_close(&r);
}

TEST(bcache_size_change_drops_other_size)
{
	struct ramdisk r;
	struct buf *b;

	rd_open(&r, 2);
	read_range(&r, 0, 5, 1024); /* some in level 2 at 1 KiB */
	b = bread(&r.dev, 0, 4096);
	memset(b->data, 0x12, 4096);
	bdirty(b);
	brelse(b);
	CHECK_EQ(bsync_dev(&r.dev), 0);
	read_range(&r, 0, 5, 1024); /* none of the old 1 KiB copies */
	rd_close(&r);
}

/* --- randomized, against a model of what reads must see --------------- */

#define R_BLOCKS 48u
#define R_HOLD 160u

struct rtest {
	struct ramdisk r;
	unsigned char *model; /* the disk as the cache must show it */
	uint32_t size;
	uint64_t seed;
	paddr_t held[R_HOLD]; /* pages taken away: memory pressure */
	unsigned nheld;
};

static unsigned char *mblock(struct rtest *t, uint32_t n)
{
	return t->model + (size_t)n * t->size;
}

static void r_read(struct rtest *t, uint32_t n, bool modify)
{
	struct buf *b = bread(&t->r.dev, n, t->size);
	uint32_t off = host_rand(&t->seed) % t->size;

	CHECK(b != NULL);
	if (!b)
		return;
	CHECK(!memcmp(b->data, mblock(t, n), t->size));
	if (modify) {
		((unsigned char *)b->data)[off] ^= 0x5A;
		mblock(t, n)[off] ^= 0x5A;
		bdirty(b);
	}
	brelse(b);
}

static void r_overwrite(struct rtest *t, uint32_t n)
{
	struct buf *b = bget(&t->r.dev, n, t->size);
	unsigned char v = (unsigned char)host_rand(&t->seed);

	CHECK(b != NULL);
	if (!b)
		return;
	memset(b->data, v, t->size);
	memset(mblock(t, n), v, t->size);
	bdirty(b);
	brelse(b);
}

/* A raw write of 1..16 sectors, or a raw read checked against the model. */
static void r_raw(struct rtest *t, bool write)
{
	uint32_t count = 1 + host_rand(&t->seed) % 16;
	uint64_t sector = host_rand(&t->seed) % (R_BLOCKS * t->size / 512 - 16);
	unsigned char *at = t->model + sector * 512;
	unsigned char data[16 * 512];

	CHECK_EQ(bcache_raw_sync(&t->r.dev, sector, count), 0);
	if (!write) {
		rd_read(&t->r.dev, sector, count, data);
		CHECK(!memcmp(data, at, count * 512));
		return;
	}
	memset(data, (int)host_rand(&t->seed), count * 512);
	rd_write(&t->r.dev, sector, count, data);
	bcache_raw_written(&t->r.dev, sector, count, data);
	memcpy(at, data, count * 512);
}

/* Take pages away until few are left (the cache must shrink), or give
 * them all back and check every structure. */
static void r_pressure(struct rtest *t)
{
	if (t->nheld) {
		while (t->nheld)
			phys_free(t->held[--t->nheld], 1, PHYS_KERNEL);
		mm_sanity_check();
		return;
	}
	while (t->nheld < R_HOLD && phys_free_pages() > 8) {
		paddr_t pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);

		if (pa == PHYS_NONE)
			break;
		t->held[t->nheld++] = pa;
	}
}

/* The flush writes every dirty buffer nobody holds (none is held here). */
static void r_flush(struct rtest *t)
{
	struct bcache_stats st;

	bcache_flush_old(~0u, 0);
	bcache_get_stats(&st);
	CHECK_EQ(st.dirty, 0);
	CHECK(!memcmp(t->r.bytes, t->model, R_BLOCKS * t->size));
}

static void r_step(struct rtest *t)
{
	uint32_t n = host_rand(&t->seed) % R_BLOCKS;
	unsigned op = host_rand(&t->seed) % 100;

	if (op < 45)
		r_read(t, n, false);
	else if (op < 65)
		r_read(t, n, true);
	else if (op < 75)
		r_overwrite(t, n);
	else if (op < 79) {
		bforget(&t->r.dev, n); /* freed: what the disk has */
		memcpy(mblock(t, n), t->r.bytes + (size_t)n * t->size, t->size);
	} else if (op < 85)
		r_raw(t, true);
	else if (op < 90)
		r_raw(t, false);
	else if (op < 93)
		r_pressure(t);
	else if (op < 95)
		r_flush(t);
	else if (op < 97)
		CHECK_EQ(bcache_drop_caches(), 0);
	else if (op < 99) {
		CHECK_EQ(bsync_dev(&t->r.dev), 0);
		CHECK(!memcmp(t->r.bytes, t->model, R_BLOCKS * t->size));
	} else if (!t->nheld)
		mm_sanity_check(); /* the pages held away are nobody's */
}

static void random_run(uint32_t size, uint64_t seed, size_t mem_pages)
{
	struct rtest t = {.size = size, .seed = seed};
	struct bcache_stats st;

	host_mm_reset(16, mem_pages);
	rd_open(&t.r, 4);
	t.model = malloc(RD_BYTES);
	memcpy(t.model, t.r.bytes, RD_BYTES);
	for (int i = 0; i < 20000 && !test_failed(); i++)
		r_step(&t);
	while (t.nheld)
		phys_free(t.held[--t.nheld], 1, PHYS_KERNEL);
	CHECK_EQ(bsync_dev(&t.r.dev), 0);
	CHECK(!memcmp(t.r.bytes, t.model, R_BLOCKS * size));
	bcache_get_stats(&st);
	CHECK(st.l2_hits > 100);
	CHECK(st.l2_evictions > 0); /* the memory manager took some back */
	rd_close(&t.r);
	free(t.model);
}

TEST(bcache_random_model_pressure_4k)
{
	random_run(4096, 0x1234567, 120);
}

TEST(bcache_random_model_pressure_1k)
{
	random_run(1024, 0xBEEF, 120);
}
