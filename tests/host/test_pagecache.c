/*
 * test_pagecache.c - host tests for the page cache (fs/vfs/pagecache*.c)
 * over a fake file system whose "disk" is an array per file: pages come
 * back from level 2 without a disk read and as the very page that left,
 * and 20,000 random reads, writes, pins (as mappings), truncates, syncs
 * and drops on a tiny cache agree with a model of what every read must
 * return and of what the disk must hold after a sync, with and without
 * read-ahead (a readpages that stops after three pages, as a disk run
 * ends); sequential reads read ahead, never read a page twice nor one
 * either level holds.
 */
#include <stdlib.h>
#include <arch/hooks.h>
#include <fs/vfs/pagecache.h>
#include <kernel/errno.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include <mm/ycache.h>
#include "host.h"

#define NFILES 3
#define FPAGES 8

/* The fake disk of each file, its size, and what reads must return. */
static struct {
	unsigned char disk[FPAGES * PAGE_SIZE];
	unsigned char model[FPAGES * PAGE_SIZE];
	uint64_t size;
	struct pcache *pc;
} files[NFILES];
static unsigned disk_reads, disk_writes, transfers;

static int fake_readpage(void *file, uint32_t idx, void *data)
{
	unsigned f = (unsigned)(uintptr_t)file;

	if (idx >= FPAGES)
		return -EIO;
	disk_reads++;
	transfers++;
	memcpy(data, files[f].disk + idx * PAGE_SIZE, PAGE_SIZE);
	return 0;
}

static int fake_writepage(void *file, uint32_t idx, void *data)
{
	unsigned f = (unsigned)(uintptr_t)file;

	if (idx >= FPAGES)
		return -EIO;
	disk_writes++;
	memcpy(files[f].disk + idx * PAGE_SIZE, data, PAGE_SIZE);
	return 0;
}

/* Up to three pages per transfer, never past the file's last page. */
static int fake_readpages(void *file, uint32_t idx, uint32_t n, void *data)
{
	unsigned f = (unsigned)(uintptr_t)file;
	uint32_t k = n < 3 ? n : 3;

	if (idx >= FPAGES)
		return -EIO;
	if (k > FPAGES - idx)
		k = FPAGES - idx;
	disk_reads += k;
	transfers++;
	memcpy(data, files[f].disk + idx * PAGE_SIZE, k * PAGE_SIZE);
	return (int)k;
}

static const struct pcache_domain_ops fake_ops = {
    .readpage = fake_readpage,
    .writepage = fake_writepage,
};
static const struct pcache_domain_ops ra_ops = {
    .readpage = fake_readpage,
    .readpages = fake_readpages,
    .writepage = fake_writepage,
};
static const struct pcache_domain_ops *ops = &fake_ops;

/* A program's memory: every free page but keep taken as user pages
 * (the caches give theirs back), or all of it given back (keep < 0). */
static paddr_t hog_pages[512];
static size_t hog_n;

static void hog(int keep)
{
	paddr_t pa;

	while (hog_n)
		phys_free(hog_pages[--hog_n], 1, PHYS_USER);
	if (keep < 0)
		return;
	while (hog_n < 512 &&
	       (pa = phys_alloc(1, PHYS_ANY, PHYS_USER)) != PHYS_NONE)
		hog_pages[hog_n++] = pa;
	for (; keep > 0 && hog_n; keep--)
		phys_free(hog_pages[--hog_n], 1, PHYS_USER);
}

/* A fresh machine, a cache of max unpinned pages, three empty files. */
static struct pcache_domain *setup(size_t max)
{
	struct pcache_domain *d;

	host_mm_reset(16, 400);
	pcache_init(max);
	pcache_set_l2(true);
	d = slab_zalloc(sizeof(*d));
	pcache_domain_init(d, ops);
	memset(files, 0, sizeof(files));
	for (unsigned f = 0; f < NFILES; f++)
		files[f].pc = pcache_file_new(d, (void *)(uintptr_t)f, 100 + f);
	disk_reads = disk_writes = transfers = 0;
	hog_n = 0;
	return d;
}

static void teardown(struct pcache_domain *d)
{
	for (unsigned f = 0; f < NFILES; f++)
		CHECK_EQ(pcache_file_free(files[f].pc, false), 0);
	pcache_domain_fini(d);
	SLAB_FREE(d);
	mm_sanity_check();
}

TEST(pcache_l2_returns_the_same_page)
{
	struct pcache_domain *d = setup(1);
	struct pc_page *p;
	paddr_t pa;

	files[0].disk[5] = 'x';
	CHECK_EQ(pcache_get(files[0].pc, 0, 0, &p), 0);
	CHECK_EQ(((char *)pcache_data(p))[5], 'x');
	pa = pcache_peek(files[0].pc, 0);
	pcache_put(p);
	/* Two more pages push page 0 out of the cache (bound 1). */
	CHECK_EQ(pcache_get(files[0].pc, 1, 0, &p), 0);
	pcache_put(p);
	CHECK_EQ(pcache_get(files[0].pc, 2, 0, &p), 0);
	pcache_put(p);
	CHECK_EQ(pcache_peek(files[0].pc, 0), PHYS_NONE);
	CHECK_EQ(disk_reads, 3u);
	CHECK_EQ(pcache_get(files[0].pc, 0, 0, &p), 0);
	CHECK_EQ(disk_reads, 3u);		   /* from level 2 */
	CHECK_EQ(pcache_peek(files[0].pc, 0), pa); /* zero copy */
	pcache_put(p);
	/* Truncate forgets level 2: the page is read again. */
	pcache_truncate(files[0].pc, 0);
	files[0].disk[5] = 'y';
	CHECK_EQ(pcache_get(files[0].pc, 1, 0, &p), 0);
	CHECK_EQ(disk_reads, 4u);
	pcache_put(p);
	teardown(d);
}

/* Read every page of file 0 in order: the disk's bytes. */
static void read_all_in_order(void)
{
	struct pc_page *p;

	for (uint32_t i = 0; i < FPAGES; i++) {
		CHECK_EQ(pcache_get(files[0].pc, i, 0, &p), 0);
		CHECK(!memcmp(pcache_data(p), files[0].disk + i * PAGE_SIZE,
			      PAGE_SIZE));
		pcache_put(p);
	}
}

TEST(pcache_readahead)
{
	struct pcache_domain *d;
	struct pc_page *p;

	ops = &ra_ops;
	d = setup(1); /* pages leave for level 2 at once */
	for (uint32_t i = 0; i < FPAGES * PAGE_SIZE; i++)
		files[0].disk[i] = (unsigned char)(i / PAGE_SIZE * 7 + i);
	/* Page 5 first, out of order: read alone. */
	CHECK_EQ(pcache_get(files[0].pc, 5, 0, &p), 0);
	pcache_put(p);
	CHECK_EQ(transfers, 1u);
	/* In order: every other page read once, in fewer transfers, and
	 * page 5 (in level 2) not again. */
	read_all_in_order();
	CHECK_EQ(disk_reads, (unsigned)FPAGES);
	CHECK(transfers < FPAGES);
	/* Level 2 holds them all: nothing is read again. */
	read_all_in_order();
	read_all_in_order();
	CHECK_EQ(disk_reads, (unsigned)FPAGES);
	teardown(d);
	ops = &fake_ops;
}

/* Random operations against the model; pins stand for mapped PTEs. */
static void random_op(unsigned f, struct pc_page **pinned)
{
	struct pcache *pc = files[f].pc;
	uint32_t idx = (uint32_t)(rand() % FPAGES);
	struct pc_page *p;
	unsigned op = (unsigned)rand() % 100;

	if (op < 40) { /* read a page: the model's bytes */
		CHECK_EQ(pcache_get(pc, idx, 0, &p), 0);
		CHECK(!memcmp(pcache_data(p), files[f].model + idx * PAGE_SIZE,
			      PAGE_SIZE));
		pcache_put(p);
	} else if (op < 75) { /* write some bytes */
		uint32_t off = (uint32_t)rand() % PAGE_SIZE;
		unsigned char c = (unsigned char)rand();

		CHECK_EQ(pcache_get(pc, idx, 0, &p), 0);
		((unsigned char *)pcache_data(p))[off] = c;
		files[f].model[idx * PAGE_SIZE + off] = c;
		pcache_dirty(p);
		pcache_put(p);
	} else if (op < 85) { /* pin or unpin (a mapping) */
		if (pinned[idx]) {
			pcache_unmap(pc, idx, false);
			pinned[idx] = NULL;
		} else {
			paddr_t pa;

			CHECK_EQ(pcache_map(pc, idx, false, &pa), 0);
			pinned[idx] = (struct pc_page *)1;
		}
	} else if (op < 90) { /* truncate at a page boundary, no pins past */
		uint32_t keep = idx;

		for (uint32_t i = keep; i < FPAGES; i++)
			if (pinned[i]) {
				pcache_unmap(pc, i, false);
				pinned[i] = NULL;
			}
		pcache_truncate(pc, (uint64_t)keep * PAGE_SIZE);
		memset(files[f].model + keep * PAGE_SIZE, 0,
		       (FPAGES - keep) * PAGE_SIZE);
		memset(files[f].disk + keep * PAGE_SIZE, 0,
		       (FPAGES - keep) * PAGE_SIZE); /* blocks freed */
	} else if (op < 97) { /* sync: the disk is the model */
		CHECK_EQ(pcache_sync_file(pc), 0);
		CHECK(!memcmp(files[f].disk, files[f].model,
			      sizeof(files[f].disk)));
	} else { /* drop_caches */
		CHECK_EQ(pcache_domain_drop(pc->dom), 0);
		CHECK(!memcmp(files[f].disk, files[f].model,
			      sizeof(files[f].disk)));
	}
}

/* The model run, with ops as the file system's; with pressure, a
 * program takes all memory but a few pages every 500 operations, so the
 * cache's own allocations reclaim (level 2, then level 1's clean pages)
 * in the middle of its operations. */
static void random_model(const struct pcache_domain_ops *with, bool pressure)
{
	struct pcache_domain *d;
	struct pc_page *pinned[NFILES][FPAGES];
	struct pcache_stats st;

	ops = with;
	d = setup(pressure ? 12 : 3);
	memset(pinned, 0, sizeof(pinned));
	srand(1234);
	for (int i = 0; i < 20000; i++) {
		unsigned f = (unsigned)rand() % NFILES;

		if (pressure && i % 500 == 0)
			hog(i % 1000 ? -1 : 40);
		random_op(f, pinned[f]);
		/* (The program's pages are nobody's to the checker.) */
		if (i % 1000 == (pressure ? 500 : 0))
			mm_sanity_check();
	}
	hog(-1);
	pcache_get_stats(&st);
	CHECK(st.l2_hits > 0 && st.l2_yields > 0);
	CHECK(!pressure || st.reclaimed > 0);
	for (unsigned f = 0; f < NFILES; f++) {
		for (uint32_t i = 0; i < FPAGES; i++)
			if (pinned[f][i])
				pcache_unmap(files[f].pc, i, false);
		CHECK_EQ(pcache_sync_file(files[f].pc), 0);
		CHECK(!memcmp(files[f].disk, files[f].model,
			      sizeof(files[f].disk)));
	}
	teardown(d);
	ops = &fake_ops;
}

TEST(pcache_random_model)
{
	random_model(&fake_ops, false);
}

TEST(pcache_random_model_readahead)
{
	random_model(&ra_ops, false);
}

TEST(pcache_random_model_pressure)
{
	random_model(&ra_ops, true);
}

/* Level 1 (bound far above the file pages) gives its clean unpinned
 * pages back when a program needs the memory, after level 2 and never
 * a dirty or pinned page; the data reads right afterwards. */
TEST(pcache_shrinker_gives_clean_pages_back)
{
	struct pcache_domain *d = setup(1000);
	struct pcache_stats st;
	struct pc_page *p, *pin;

	for (uint32_t i = 0; i < FPAGES * PAGE_SIZE; i++)
		files[0].disk[i] = files[0].model[i] = (unsigned char)(i * 3);
	read_all_in_order();
	CHECK_EQ(pcache_get(files[0].pc, 1, 0, &p), 0); /* dirty */
	((unsigned char *)pcache_data(p))[7] = files[0].model[PAGE_SIZE + 7] =
	    0x5a;
	pcache_dirty(p);
	pcache_put(p);
	CHECK_EQ(pcache_get(files[0].pc, 2, 0, &pin), 0); /* pinned */
	pcache_get_stats(&st);
	CHECK_EQ(st.pages, (size_t)FPAGES);
	CHECK_EQ(st.reclaimable, (size_t)FPAGES - 2);
	CHECK_EQ(st.l2_pages, 0);
	hog(0);
	pcache_get_stats(&st);
	CHECK_EQ(st.reclaimed, (uint64_t)FPAGES - 2);
	CHECK_EQ(st.pages, 2u);
	CHECK_EQ(st.reclaimable, 0u);
	CHECK(pcache_peek(files[0].pc, 1) != PHYS_NONE);
	CHECK(pcache_peek(files[0].pc, 2) != PHYS_NONE);
	hog(-1);
	pcache_put(pin);
	for (uint32_t i = 0; i < FPAGES; i++) {
		CHECK_EQ(pcache_get(files[0].pc, i, 0, &p), 0);
		CHECK(!memcmp(pcache_data(p), files[0].model + i * PAGE_SIZE,
			      PAGE_SIZE));
		pcache_put(p);
	}
	teardown(d);
}

/* Level 2 goes first: with both holding pages, a shortage is met from
 * level 2 while level 1 keeps every page, and only then from level 1. */
TEST(pcache_shrinker_after_level2)
{
	struct pcache_domain *d = setup(4);
	struct pcache_stats st;
	paddr_t pa;

	read_all_in_order(); /* 4 pages stay, 4 go to level 2 */
	pcache_get_stats(&st);
	CHECK_EQ(st.pages, 4u);
	CHECK_EQ(st.l2_pages, 4u);
	while ((pa = phys_alloc(1, PHYS_ANY | PHYS_NORECLAIM, PHYS_USER)) !=
	       PHYS_NONE)
		hog_pages[hog_n++] = pa;
	for (pcache_get_stats(&st); st.l2_pages; pcache_get_stats(&st)) {
		CHECK_EQ(st.pages, 4u);
		hog_pages[hog_n++] = phys_alloc(1, PHYS_ANY, PHYS_USER);
		CHECK(hog_pages[hog_n - 1] != PHYS_NONE);
	}
	CHECK_EQ(st.pages, 4u);
	CHECK_EQ(st.reclaimed, 0u);
	while ((pa = phys_alloc(1, PHYS_ANY | PHYS_NORECLAIM, PHYS_USER)) !=
	       PHYS_NONE)
		hog_pages[hog_n++] = pa;
	hog_pages[hog_n++] = phys_alloc(1, PHYS_ANY, PHYS_USER);
	CHECK(hog_pages[hog_n - 1] != PHYS_NONE);
	pcache_get_stats(&st);
	CHECK_EQ(st.pages, 0u);
	CHECK_EQ(st.reclaimed, 4u);
	hog(-1);
	teardown(d);
}

/* A big file whose page i holds byte i everywhere; windows[] records the
 * n of each readpages call (it fills all n). */
static uint32_t windows[32], nwindows;

static int big_readpage(void *file, uint32_t idx, void *data)
{
	(void)file;
	memset(data, (int)(idx & 0xff), PAGE_SIZE);
	return 0;
}

static int big_readpages(void *file, uint32_t idx, uint32_t n, void *data)
{
	(void)file;
	if (nwindows < 32)
		windows[nwindows++] = n;
	for (uint32_t i = 0; i < n; i++)
		memset((char *)data + (size_t)i * PAGE_SIZE,
		       (int)((idx + i) & 0xff), PAGE_SIZE);
	return (int)n;
}

static const struct pcache_domain_ops big_ops = {
    .readpage = big_readpage,
    .readpages = big_readpages,
    .writepage = fake_writepage,
};

/* The read-ahead window grows on sequential misses (16, 32, 64, 64) and
 * starts again at 16 after a random miss. */
TEST(pcache_readahead_window_grows)
{
	struct pcache_domain *d;
	struct pc_page *p;
	uint32_t idx = 0;

	ops = &big_ops;
	d = setup(1000);
	nwindows = 0;
	for (; idx < 176; idx++) {
		CHECK_EQ(pcache_get(files[0].pc, idx, 0, &p), 0);
		CHECK_EQ(((unsigned char *)pcache_data(p))[100], idx & 0xff);
		pcache_put(p);
	}
	CHECK_EQ(nwindows, 4u);
	CHECK_EQ(windows[0], 16u);
	CHECK_EQ(windows[1], 32u);
	CHECK_EQ(windows[2], 64u);
	CHECK_EQ(windows[3], 64u);
	/* A random miss reads one page; reading on from it starts at 16. */
	CHECK_EQ(pcache_get(files[0].pc, 300, 0, &p), 0);
	pcache_put(p);
	CHECK_EQ(nwindows, 4u);
	CHECK_EQ(pcache_get(files[0].pc, 301, 0, &p), 0);
	pcache_put(p);
	CHECK_EQ(nwindows, 5u);
	CHECK_EQ(windows[4], 16u);
	CHECK_EQ(pcache_domain_drop(d), 0);
	teardown(d);
	ops = &fake_ops;
}

/* Every small slab object there is, taken (memory is all gone, so no
 * new slab page can come): the next small allocation needs a page. */
static void *slab_hog[8192];
static size_t slab_hog_n, slab_hog_size[8192];

static void slab_exhaust(void)
{
	for (size_t sz = 8; sz <= 256; sz *= 2) {
		void *o;

		while (slab_hog_n < 8192 && (o = slab_alloc(sz)) != NULL) {
			slab_hog_size[slab_hog_n] = sz;
			slab_hog[slab_hog_n++] = o;
		}
	}
}

static void slab_release(void)
{
	while (slab_hog_n) {
		slab_hog_n--;
		slab_free(slab_hog[slab_hog_n], slab_hog_size[slab_hog_n]);
	}
}

/* The shrinker declines while the cache is inside its level-2 put (a
 * trim walking the LRU holds a pointer to the next page): with no memory
 * and no slab object left, a trim's ycache_put must reclaim, level 2 has
 * nothing, and the page cache's shrinker must not free the pages the
 * trim walks; the puts fail and the pages are freed by the trim itself. */
TEST(pcache_shrinker_declines_inside_its_put)
{
	struct pcache_domain *d = setup(3);
	struct pcache_stats st;

	read_all_in_order(); /* 3 pages stay, the rest in level 2 */
	CHECK_EQ(pcache_domain_drop(d), 0);
	for (uint32_t i = 0; i < 3; i++) {
		struct pc_page *p;

		CHECK_EQ(pcache_get(files[0].pc, i, 0, &p), 0);
		pcache_put(p);
	}
	phys_set_reclaim(PHYS_RECLAIM_PAGECACHE, NULL);
	hog(0);
	slab_exhaust();
	phys_set_reclaim(PHYS_RECLAIM_PAGECACHE, pcache_reclaim);
	pcache_set_max(1); /* the trim yields the 2 oldest */
	pcache_get_stats(&st);
	CHECK_EQ(st.reclaimed, 0u);
	CHECK_EQ(st.pages, 1u);
	slab_release();
	hog(-1);
	pcache_set_max(3);
	teardown(d);
}

/* Write byte v at the start of page idx of file f and mark it dirty. */
static void dirty_page(unsigned f, uint32_t idx, unsigned char v)
{
	struct pc_page *p;

	CHECK_EQ(pcache_get(files[f].pc, idx, 0, &p), 0);
	((unsigned char *)pcache_data(p))[0] = v;
	pcache_dirty(p);
	pcache_put(p);
}

/* Past the dirty limit (a quarter of 8 pages: 2) the domain's oldest
 * dirty page is written, found on its dirty list whatever clean pages
 * are older on the LRU. */
TEST(pcache_dirty_limit_writes_the_oldest_dirty_page)
{
	struct pcache_domain *d = setup(8);
	struct pc_page *p;

	for (uint32_t i = 0; i < 4; i++) { /* clean pages, oldest on the LRU */
		CHECK_EQ(pcache_get(files[1].pc, i, 0, &p), 0);
		pcache_put(p);
	}
	dirty_page(0, 5, 'a');
	dirty_page(0, 1, 'b');
	CHECK_EQ(disk_writes, 0u);
	dirty_page(0, 3, 'c'); /* the third: page 5 is written */
	CHECK_EQ(disk_writes, 1u);
	CHECK_EQ(files[0].disk[5 * PAGE_SIZE], 'a');
	CHECK_EQ(files[0].disk[1 * PAGE_SIZE], 0);
	dirty_page(0, 6, 'd'); /* then page 1 */
	CHECK_EQ(disk_writes, 2u);
	CHECK_EQ(files[0].disk[1 * PAGE_SIZE], 'b');
	CHECK_EQ(files[0].disk[3 * PAGE_SIZE], 0);
	mm_sanity_check();
	teardown(d);
}
