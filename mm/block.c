/*
 * block.c - physical blocks (SPEC §4, §6). A block is npages physically
 * contiguous PHYS_USER pages used by one or more region entries (in any
 * spaces): a fork's child and parent share blocks copy-on-write
 * (BLOCK_COW), shared memory shares them writable (BLOCK_SHARED).
 *
 * Invariants: refcount equals the number of entries on the refs list, and
 * every entry on the list maps the whole block. A block with no entry
 * exists only while being built (block_alloc_runs, give) or torn down:
 * the last entry_detach frees the pages and the object; entry_steal
 * (yield) frees only the object and hands the pages on.
 *
 * Splitting a block (a region is cut through a multi-page block): the
 * block keeps its first pages and a new block takes the rest, with the
 * same reference count, and every entry referencing the block (in any
 * space) is split the same way. No data moves and no PTE changes.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include "region_internal.h"

/* Pages in live blocks, by kind (/proc/meminfo's AnonPages, Shmem). */
static size_t block_pages[2];

size_t mm_block_pages(bool shared)
{
	return block_pages[shared ? BLOCK_SHARED : BLOCK_COW];
}

/* A block object for pages [pa, +npages), with no references yet. */
struct phys_block *block_new(paddr_t pa, uint32_t npages,
			     enum block_share share)
{
	struct phys_block *b = slab_alloc(sizeof(*b));

	if (b) {
		USE(b, b->pa = pa; b->npages = npages; b->refcount = 0;
		    b->share = share; b->refs = NULL; b->sanity_refs = 0);
		block_pages[share] += npages;
	}
	return b;
}

/* Free the object only: the pages are freed or handed on by the caller. */
void block_free_obj(struct phys_block *b)
{
	BUG_ON(b->refcount || b->refs);
	block_pages[b->share] -= b->npages;
	SLAB_FREE(b);
}

/* npages of blocks leave address spaces for the yielded-block cache
 * (cached) or come back: cached pages are not AnonPages. */
void block_count_cached(size_t npages, bool cached)
{
	if (cached)
		block_pages[BLOCK_COW] -= npages;
	else
		block_pages[BLOCK_COW] += npages;
}

/* Rewrite every user's PTEs: b's reference count decides writability. */
void block_sync(struct phys_block *b)
{
	for (struct region_entry *e = b->refs; e; e = e->next_ref)
		entry_sync(e);
}

/* Free a chain of unattached entries (not their blocks). */
static void free_entry_chain(struct region_entry *list)
{
	while (list) {
		struct region_entry *next = list->next_ref;

		SLAB_FREE(list);
		list = next;
	}
}

/* Cut b after k pages; each of its entries gets a twin for the new
 * block. Everything is allocated first, so -ENOMEM changes nothing. */
int block_split(struct phys_block *b, uint32_t k)
{
	struct phys_block *nb;
	struct region_entry *list = NULL, *e;

	BUG_ON(k == 0 || k >= b->npages);
	nb = block_new(b->pa + k * PAGE_SIZE, b->npages - k, b->share);
	if (!nb)
		return -ENOMEM;
	for (uint32_t i = 0; i < b->refcount; i++) {
		e = entry_new(nb);
		if (!e) {
			free_entry_chain(list);
			block_free_obj(nb);
			return -ENOMEM;
		}
		USE(e, e->next_ref = list);
		list = e;
	}
	block_pages[b->share] -= b->npages - k; /* nb counted them */
	USE(b, b->npages = k);
	for (struct region_entry *ref = b->refs; ref; ref = ref->next_ref) {
		e = list;
		list = e->next_ref;
		entry_link(ref->region, e, ref->offset + k * PAGE_SIZE);
	}
	return 0;
}

/* One run of block_alloc_runs: a block of pages at pa with its entry. */
static struct region_entry *run_new(paddr_t pa, uint32_t n,
				    enum block_share share, bool zero)
{
	struct phys_block *b = block_new(pa, n, share);
	struct region_entry *e = b ? entry_new(b) : NULL;

	if (!e) {
		if (b)
			block_free_obj(b);
		return NULL;
	}
	for (uint32_t i = 0; zero && i < n; i++)
		memset(arch_phys_to_virt(pa + i * PAGE_SIZE), 0, PAGE_SIZE);
	return e;
}

/* New memory for npages pages, as few blocks as fragmentation allows
 * (halving the run size when no run of that size is free). */
struct region_entry *block_alloc_runs(uint32_t npages, uint32_t max,
				      enum block_share share, bool zero)
{
	struct region_entry *head = NULL, *e;
	uint32_t chunk = MIN(npages, max), done = 0;

	while (done < npages) {
		uint32_t want = MIN(chunk, npages - done);
		/* Only the last resort (single pages) may evict cached blocks.
		 */
		paddr_t pa = phys_alloc(
		    want, want > 1 ? PHYS_NORECLAIM : PHYS_ANY, PHYS_USER);

		if (pa == PHYS_NONE) {
			if (want == 1)
				goto fail;
			chunk = want / 2; /* fragmented: smaller runs */
			continue;
		}
		e = run_new(pa, want, share, zero);
		if (!e) {
			phys_free(pa, want, PHYS_USER);
			goto fail;
		}
		/* Until attached, offset is the position within the runs. */
		USE(e, e->offset = done * PAGE_SIZE; e->next_ref = head);
		head = e;
		done += want;
	}
	return head;
fail:
	entry_free_unattached(head, true);
	return NULL;
}

/* One zeroed block of exactly npages from free memory, without evicting
 * cached blocks (read-ahead of anonymous memory); NULL if none is free. */
struct region_entry *block_alloc_free_run(uint32_t npages,
					  enum block_share share)
{
	paddr_t pa = phys_alloc(npages, PHYS_NORECLAIM, PHYS_USER);
	struct region_entry *e;

	if (pa == PHYS_NONE)
		return NULL;
	e = run_new(pa, npages, share, true);
	if (!e) {
		phys_free(pa, npages, PHYS_USER);
		return NULL;
	}
	USE(e, e->offset = 0; e->next_ref = NULL);
	return e;
}

/* Undo block_alloc_runs (free_pages) or a list of borrowed pages. */
void entry_free_unattached(struct region_entry *list, bool free_pages)
{
	while (list) {
		struct region_entry *next = list->next_ref;
		struct phys_block *b = list->block;

		if (free_pages)
			phys_free(b->pa, b->npages, PHYS_USER);
		block_free_obj(b);
		SLAB_FREE(list);
		list = next;
	}
}

/* Second pass of the sanity walk: the references counted through the
 * entries (first pass) must equal refcount and the reference list. */
void block_sanity_finish(struct sanity *s, struct phys_block *b)
{
	uint32_t n = 0;

	if (b->sanity_refs == 0)
		return; /* already checked through another entry */
	if (b->sanity_refs != b->refcount)
		sanity_fail(s, "block %#x: refcount %u, %u entries found",
			    b->pa, b->refcount, b->sanity_refs);
	for (struct region_entry *e = b->refs; e && n <= b->refcount;
	     e = e->next_ref, n++)
		if (e->block != b || entry_find(e->region, e->offset) != e)
			sanity_fail(s, "block %#x: stale reference", b->pa);
	if (n != b->refcount)
		sanity_fail(s, "block %#x: refcount %u, %u in list", b->pa,
			    b->refcount, n);
	USE(b, b->sanity_refs = 0);
}
