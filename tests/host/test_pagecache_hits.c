/*
 * test_pagecache_hits.c - the page cache's hits without pins and its hash
 * (fs/vfs/pagecache_read.c, pagecache_hash.c): pcache_copy_cached copies
 * the cached pages of a range up to the first absent one or the first
 * copy that would fault, pins nothing, and marks what it copied so that
 * the trim passes it over once (the oldest unmarked page leaves
 * instead); with memory enough for a table of its own, the hash finds
 * every page of many files through inserts and drops, and the sanity
 * walk finds the table's pages and every chain right.
 */
#include <stdlib.h>
#include <arch/hooks.h>
#include <fs/vfs/pagecache.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "host.h"

#define NPAGES 16

static int fill_page(void *file, uint32_t idx, void *data)
{
	memset(data, (int)(((uintptr_t)file * 31 + idx) & 0xff), PAGE_SIZE);
	return 0;
}

static int keep_page(void *file, uint32_t idx, void *data)
{
	(void)file, (void)idx, (void)data;
	return 0;
}

static const struct pcache_domain_ops ops = {
    .readpage = fill_page,
    .writepage = keep_page,
};

static struct pcache_domain *setup(size_t mem_pages, size_t max)
{
	struct pcache_domain *d;

	host_mm_reset(16, mem_pages);
	pcache_init(max);
	pcache_set_l2(false);
	d = slab_zalloc(sizeof(*d));
	pcache_domain_init(d, &ops);
	return d;
}

static void teardown(struct pcache_domain *d)
{
	pcache_domain_fini(d);
	SLAB_FREE(d);
	pcache_set_l2(true);
	mm_sanity_check();
	pcache_fini();
}

static void get_put(struct pcache *pc, uint32_t idx)
{
	struct pc_page *p;

	CHECK_EQ(pcache_get(pc, idx, 0, &p), 0);
	pcache_put(p);
}

TEST(pcache_copy_cached_stops_at_absent_page)
{
	struct pcache_domain *d = setup(400, 100);
	struct pcache *pc = pcache_file_new(d, (void *)1, 5);
	static char buf[NPAGES * PAGE_SIZE];
	struct pcache_stats st0, st;
	size_t n;

	for (uint32_t i = 0; i < 4; i++)
		get_put(pc, i);
	get_put(pc, 5);
	pcache_get_stats(&st0);
	n = pcache_copy_cached(pc, 100, sizeof(buf), buf);
	CHECK_EQ(n, 4 * PAGE_SIZE - 100); /* page 4 is absent */
	for (size_t i = 0; i < n; i++)
		CHECK_EQ((unsigned char)buf[i], (31 + (100 + i) / PAGE_SIZE));
	pcache_get_stats(&st);
	CHECK_EQ(st.hits, st0.hits + 4);
	CHECK_EQ(st.unpinned, st0.unpinned); /* nothing left pinned */
	CHECK_EQ(st.misses, st0.misses);     /* nothing read */
	CHECK_EQ(pcache_copy_cached(pc, 4 * PAGE_SIZE, PAGE_SIZE, buf), 0u);
	CHECK_EQ(pcache_copy_cached(pc, 5 * PAGE_SIZE + 8, 8, buf), 8u);
	/* A copy that faults ends the run: two pages went, not the third. */
	host_nofault_fail_after = 2;
	CHECK_EQ(pcache_copy_cached(pc, 0, 4 * PAGE_SIZE, buf), 2 * PAGE_SIZE);
	host_nofault_fail_after = -1;
	CHECK_EQ(pcache_file_free(pc, false), 0);
	teardown(d);
}

/* Pages 0-3 fill a cache of four; page 0, copied by pcache_copy_cached,
 * is passed over when page 4 comes in: page 1 leaves. Then 2, 3 and 4
 * leave before 0, which went to the newest end after 4. */
TEST(pcache_copied_page_gets_a_second_chance)
{
	struct pcache_domain *d = setup(400, 4);
	struct pcache *pc = pcache_file_new(d, (void *)2, 6);
	char byte;

	for (uint32_t i = 0; i < 4; i++)
		get_put(pc, i);
	CHECK_EQ(pcache_copy_cached(pc, 10, 1, &byte), 1u);
	get_put(pc, 4);
	CHECK(pcache_peek(pc, 0) != PHYS_NONE);
	CHECK(pcache_peek(pc, 1) == PHYS_NONE);
	get_put(pc, 5);
	get_put(pc, 6);
	CHECK(pcache_peek(pc, 0) != PHYS_NONE);
	CHECK(pcache_peek(pc, 2) == PHYS_NONE &&
	      pcache_peek(pc, 3) == PHYS_NONE);
	get_put(pc, 7); /* 4 leaves */
	CHECK(pcache_peek(pc, 0) != PHYS_NONE);
	get_put(pc, 8);
	CHECK(pcache_peek(pc, 0) == PHYS_NONE);
	CHECK_EQ(pcache_file_free(pc, false), 0);
	teardown(d);
}

/* 8,000 pages of memory: the hash gets a table of its own pages. Random
 * gets over eight files, with drops as the bound of 300 pages trims and
 * as files are freed; every page reads its own bytes, and the sanity
 * walk (which counts the chains against the index) passes throughout. */
TEST(pcache_hash_finds_every_page)
{
	struct pcache_domain *d = setup(8000, 300);
	struct pcache *pcs[8];
	static char buf[PAGE_SIZE];

	for (unsigned f = 0; f < 8; f++)
		pcs[f] = pcache_file_new(d, (void *)(uintptr_t)f, 10 + f);
	srand(99);
	for (int i = 0; i < 20000; i++) {
		unsigned f = (unsigned)rand() % 8;
		uint32_t idx = (uint32_t)rand() % 200;
		struct pc_page *p;

		if (i % 5000 == 4999) { /* a file leaves and comes back */
			CHECK_EQ(pcache_file_free(pcs[f], false), 0);
			pcs[f] =
			    pcache_file_new(d, (void *)(uintptr_t)f, 10 + f);
			continue;
		}
		if (pcache_copy_cached(pcs[f], (uint64_t)idx * PAGE_SIZE,
				       PAGE_SIZE, buf) == PAGE_SIZE) {
			CHECK_EQ((unsigned char)buf[7], (f * 31 + idx) & 0xff);
			continue;
		}
		CHECK_EQ(pcache_get(pcs[f], idx, 0, &p), 0);
		CHECK_EQ(((unsigned char *)pcache_data(p))[7],
			 (f * 31 + idx) & 0xff);
		pcache_put(p);
		if (i % 2000 == 0)
			mm_sanity_check();
	}
	for (unsigned f = 0; f < 8; f++)
		CHECK_EQ(pcache_file_free(pcs[f], false), 0);
	teardown(d);
}
