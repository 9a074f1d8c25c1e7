/*
 * space_usage.c - what the pages of a region are, read from its page
 * tables and blocks (for /proc/PID/smaps and /proc/PID/pagemap): which
 * are present, shared with other mappings, dirty, referenced, anonymous.
 *
 * Guarantees: nothing changes (no fault, no PTE write); a page counts
 * only when its PTE is present, as Linux counts only mapped pages. A
 * page of a block is mapped by as many PTEs as the block has entries
 * (its refcount); a page with no block (a file's or a shmem object's
 * own page) counts as mapped once here: their owners keep no map count.
 * Direct physical mappings (/dev/mem) are raw frames, never counted,
 * as Linux's VM_PFNMAP.
 */
#include <kernel/string.h>
#include <mm/pagetable.h>
#include "region_internal.h"

/* What one present page adds, Linux's smaps_page_accumulate. */
static void usage_add(struct region_usage *u, const struct region *r,
		      unsigned mapcount, bool dirty, bool anon)
{
	uint64_t pss = (uint64_t)PAGE_SIZE << MM_PSS_SHIFT;
	bool priv = mapcount < 2;

	if (!priv)
		pss /= mapcount;
	u->pss += pss;
	if (anon)
		u->pss_anon += pss;
	else if (r->ops->flags & REGION_OPS_FILE)
		u->pss_file += pss;
	else
		u->pss_shmem += pss;
	if (r->flags & (REGION_LOCKED | REGION_LOCKONFAULT))
		u->pss_locked += pss;
	if (dirty)
		u->pss_dirty += pss;
	if (dirty && priv)
		u->private_dirty += PAGE_SIZE;
	else if (dirty)
		u->shared_dirty += PAGE_SIZE;
	else if (priv)
		u->private_clean += PAGE_SIZE;
	else
		u->shared_clean += PAGE_SIZE;
}

/* A page of a block: anonymous unless the block is shared memory;
 * anonymous pages hold data found nowhere else, so they are dirty. */
static bool block_page_anon(const struct region *r,
			    const struct region_entry *e)
{
	return e && e->block->share == BLOCK_COW &&
	       !(r->ops->flags & REGION_OPS_SHARED);
}

void mm_region_usage(const struct region *cr, struct region_usage *u)
{
	struct region *r = (struct region *)cr; /* only read: entry_find */
	struct pt_cursor c;

	if (r->ops->flags & REGION_OPS_PFNMAP)
		return;
	pt_cursor_init(&c, region_pgdir(r));
	for (vaddr_t va = r->start; va < region_end(r); va += PAGE_SIZE) {
		uint32_t *pte = pt_cursor_slot(&c, va, false);
		struct region_entry *e;
		bool anon;

		if (!pte || !(*pte & PTE_P))
			continue;
		e = entry_find(r, va - r->start);
		anon = block_page_anon(r, e);
		u->resident += PAGE_SIZE;
		if (anon)
			u->anonymous += PAGE_SIZE;
		if (*pte & PTE_A)
			u->referenced += PAGE_SIZE;
		usage_add(u, r, e ? e->block->refcount : 1,
			  anon || (*pte & PTE_D), anon);
	}
}

/* Linux's pagemap entry of page va of r (see region.h). */
static uint64_t pagemap_entry(struct region *r, vaddr_t va, bool show_pfn)
{
	struct region_entry *e;
	paddr_t pa;
	unsigned flags;
	uint64_t pm;

	if (!pt_lookup(region_pgdir(r), va, &pa, &flags) || !(flags & PTE_P))
		return 0;
	pm = MM_PM_PRESENT;
	if (show_pfn)
		pm |= pa / PAGE_SIZE;
	if (r->ops->flags & REGION_OPS_PFNMAP)
		return pm; /* a raw frame: no page behind it */
	e = entry_find(r, va - r->start);
	if (!block_page_anon(r, e)) /* a file's or shared memory's */
		pm |= MM_PM_FILE;
	if (!e || e->block->refcount == 1)
		pm |= MM_PM_EXCLUSIVE;
	return pm;
}

void mm_pagemap(struct mm_space *s, vaddr_t va, size_t n, uint64_t *out,
		bool show_pfn)
{
	struct region *r = region_first_after(s, va);

	for (size_t i = 0; i < n; i++, va += PAGE_SIZE) {
		while (r && region_end(r) <= va)
			r = region_next(r);
		out[i] =
		    r && r->start <= va ? pagemap_entry(r, va, show_pfn) : 0;
	}
}
