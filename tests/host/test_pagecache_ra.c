/*
 * test_pagecache_ra.c - read-ahead's insertion of a window into the page
 * cache (fs/vfs/pagecache_read.c): the pages up to the next cached one
 * go in as a chain without a search, a page already cached stops the
 * window, and one that another reader brought in while the window's
 * read slept (here: from inside readpages) is kept and ours freed; the
 * index stays ordered, every page reads right, no page leaks.
 */
#include <arch/hooks.h>
#include <fs/vfs/pagecache.h>
#include <kernel/errno.h>
#include <mm/avl.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "../../fs/vfs/pagecache_internal.h" /* white box: the index */
#include "host.h"

static struct pcache *file_pc;
static unsigned pages_read;
static unsigned char reads[256]; /* times each page was read */
static int nested_at = -1; /* readpages at this index pins idx + 2 first */

static int rd_page(void *file, uint32_t idx, void *data)
{
	(void)file;
	pages_read++;
	reads[idx & 0xff]++;
	memset(data, (int)(idx & 0xff), PAGE_SIZE);
	return 0;
}

static int rd_pages(void *file, uint32_t idx, uint32_t n, void *data)
{
	(void)file;
	if ((int)idx == nested_at) { /* another reader while we "sleep" */
		struct pc_page *p;

		nested_at = -1;
		if (pcache_get(file_pc, idx + 2, 0, &p))
			return -EIO;
		pcache_put(p);
	}
	pages_read += n;
	for (uint32_t i = 0; i < n; i++)
		reads[(idx + i) & 0xff]++;
	for (uint32_t i = 0; i < n; i++)
		memset((char *)data + (size_t)i * PAGE_SIZE,
		       (int)((idx + i) & 0xff), PAGE_SIZE);
	return (int)n;
}

static int wr_page(void *file, uint32_t idx, void *data)
{
	(void)file, (void)idx, (void)data;
	return 0;
}

static const struct pcache_domain_ops ops = {
    .readpage = rd_page,
    .readpages = rd_pages,
    .writepage = wr_page,
};

/* Read pages [first, last] in order, each holding its index's byte. */
static void read_range(uint32_t first, uint32_t last)
{
	for (uint32_t i = first; i <= last; i++) {
		struct pc_page *p;

		CHECK_EQ(pcache_get(file_pc, i, 0, &p), 0);
		CHECK_EQ(((unsigned char *)pcache_data(p))[123], i & 0xff);
		pcache_put(p);
	}
}

/* The index holds pages [0, n) of the file (and maybe more after), in
 * order, each once; each of them was read from the disk once. */
static void check_index(uint32_t n)
{
	struct pc_page *p = pc_find_ge(file_pc, 0);

	CHECK(avl_check(&pc_index));
	for (uint32_t i = 0; p && p->pc == file_pc; i++) {
		struct avl_node *next = avl_next(&p->node);

		CHECK(i >= n || p->idx == i);
		p = next ? container_of(next, struct pc_page, node) : NULL;
		CHECK(!p || p->pc != file_pc || p->idx > i);
	}
	for (uint32_t i = 0; i < n; i++)
		CHECK_EQ(reads[i], 1);
}

static struct pcache_domain *setup(void)
{
	struct pcache_domain *d;

	host_mm_reset(16, 400);
	pcache_init(1000);
	pcache_set_l2(false);
	d = slab_zalloc(sizeof(*d));
	pcache_domain_init(d, &ops);
	file_pc = pcache_file_new(d, NULL, 7);
	pages_read = 0;
	memset(reads, 0, sizeof(reads));
	nested_at = -1;
	return d;
}

static void teardown(struct pcache_domain *d)
{
	CHECK_EQ(pcache_file_free(file_pc, false), 0);
	pcache_domain_fini(d);
	SLAB_FREE(d);
	pcache_set_l2(true);
	mm_sanity_check();
}

/* A cached page in the middle stops the window: it is never read again,
 * and the next window starts after it. */
TEST(pcache_ra_window_stops_at_cached_page)
{
	struct pcache_domain *d = setup();

	read_range(20, 20); /* a random miss: that page alone */
	CHECK_EQ(pages_read, 1u);
	read_range(0, 40);
	check_index(41);
	teardown(d);
}

/* A page another reader brought in while the window was read stays the
 * cache's; the window's copy of it is freed, the rest go in around it. */
TEST(pcache_ra_window_meets_page_read_meanwhile)
{
	struct pcache_domain *d = setup();
	size_t free0;

	CHECK_EQ(pcache_file_free(file_pc, false), 0);
	slab_trim();
	free0 = phys_free_pages();
	file_pc = pcache_file_new(d, NULL, 7);

	read_range(0, 15); /* window 1: pages 0-15 */
	nested_at = 16;	   /* window 2 (16..47): page 18 comes meanwhile */
	read_range(16, 60);
	CHECK_EQ(nested_at, -1);
	CHECK_EQ(reads[18], 2); /* read meanwhile, and in the window */
	reads[18] = 1;
	check_index(61);
	mm_sanity_check();
	CHECK_EQ(pcache_file_free(file_pc, false), 0);
	slab_trim();
	CHECK_EQ(phys_free_pages(), free0);
	file_pc = pcache_file_new(d, NULL, 7);
	teardown(d);
}
