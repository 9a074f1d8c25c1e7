/*
 * region_anon.c - the anonymous backend: private memory, zero on first
 * touch (one page per fault, larger blocks when populated at once), and
 * shared copy-on-write with a fork child (the blocks gain a reference and
 * every sharer maps them read-only). Neighbouring anonymous regions with
 * the same protection and flags merge, and a region may grow (mremap):
 * the new part fills on demand.
 */
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include "region_internal.h"

/* Map list (fresh zeroed blocks for npages pages, from block_alloc_runs
 * or block_alloc_free_run) at offset off; on failure it is freed. */
static int anon_map(struct region *r, vaddr_t off, struct region_entry *list,
		    uint32_t npages)
{
	if (!list)
		return -ENOMEM;
	if (pt_prepare(region_pgdir(r), r->start + off, npages)) {
		entry_free_unattached(list, true);
		return -ENOMEM;
	}
	entry_attach_list(r, list, off);
	return 0;
}

/*
 * Fault-around. While first touches come in order (each at the page after
 * the previous fill), a fault fills a run that doubles up to
 * ANON_AROUND_MAX pages: one block, one zeroing pass, one tree insertion
 * for the run, and later one entry per run for fork and exit to copy. Any
 * other touch fills one page and starts again, so scattered touches never
 * get memory they did not ask for; the run comes from free memory only
 * (never by evicting cached blocks) and stops at the next entry or the
 * region's end. backend_data keeps the offset an in-order touch would
 * fault at, with the last run's length in its low bits.
 */
#define ANON_AROUND_MAX 16u

/* Pages the first touch at off fills (at least 1). */
static uint32_t anon_around(struct region *r, vaddr_t off)
{
	uintptr_t hint = r->backend_data;
	uint32_t win = (uint32_t)(hint & (PAGE_SIZE - 1)) * 2;
	struct region_entry *next;
	vaddr_t end;

	if (!off || PAGE_ROUND_DOWN(hint) != off ||
	    (r->flags & REGION_GROWSDOWN))
		return 1;
	win = MIN(MAX(win, 2u), ANON_AROUND_MAX);
	next = entry_first_from(r, off);
	end = next ? next->offset : r->len;
	return (uint32_t)MIN((size_t)win, (end - off) / PAGE_SIZE);
}

/* Demand zero: a first touch gets one fresh zeroed page, or a run. */
static int anon_fault(struct region *r, vaddr_t va, bool write)
{
	vaddr_t off = va - r->start;
	uint32_t n = anon_around(r, off);
	struct region_entry *list = NULL;
	int rc;

	(void)write;
	if (n > 1)
		list = block_alloc_free_run(n, BLOCK_COW);
	if (!list) {
		n = 1;
		list = block_alloc_runs(1, 1, BLOCK_COW, true);
	}
	rc = anon_map(r, off, list, n);
	if (!rc)
		USE(r, r->backend_data = (off + n * PAGE_SIZE) | n);
	return rc;
}

/* Fill every hole of [start, end) with blocks of up to 64 pages. */
static int anon_populate(struct region *r, vaddr_t start, vaddr_t end)
{
	vaddr_t off = start - r->start, stop = end - r->start, hole_end;
	struct region_entry *e;
	uint32_t npages;
	int rc;

	while (off < stop) {
		e = entry_find(r, off);
		if (e) {
			off = e->offset + entry_bytes(e);
			continue;
		}
		e = entry_first_from(r, off);
		hole_end = e ? MIN(e->offset, stop) : stop;
		npages = (uint32_t)((hole_end - off) / PAGE_SIZE);
		rc = anon_map(r, off,
			      block_alloc_runs(npages, REGION_MAX_BLOCK_PAGES,
					       BLOCK_COW, true),
			      npages);
		if (rc)
			return rc;
		off = hole_end;
	}
	return 0;
}

/* Anonymous neighbours always merge: their pages are their entries. */
static bool anon_join(struct region *a, struct region *b)
{
	(void)a;
	(void)b;
	return true;
}

static const struct region_ops anon_ops = {
    .name = "anonymous",
    .flags = REGION_OPS_YIELD | REGION_OPS_RESIZE | REGION_OPS_ANON,
    .join = anon_join,
    .fault = anon_fault,
    .populate = anon_populate,
    .copy = region_copy_entries,
    .release = region_release_entries,
    .sync = region_sync_entries,
    .sanity = region_sanity_entries,
};

/* A stack: anonymous, and faults just below it grow it down to
 * grow_limit (which mm_find_free treats as taken). */
int mm_map_stack(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		 vaddr_t grow_limit)
{
	struct region t = {
	    .start = start,
	    .len = len,
	    .prot = prot,
	    .flags = REGION_GROWSDOWN,
	    .ops = &anon_ops,
	    .grow_limit = grow_limit,
	};
	struct region *r;

	if (!PAGE_ALIGNED(grow_limit) || grow_limit < PAGE_SIZE ||
	    grow_limit > start)
		return -EINVAL;
	return region_map_new(s, &t, &r);
}

/* Private zero-filled memory (brk, mmap MAP_PRIVATE|MAP_ANONYMOUS, ELF
 * segments); pages come on first touch or mm_populate. */
int mm_map_anon(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		unsigned flags)
{
	struct region t = {
	    .start = start,
	    .len = len,
	    .prot = prot,
	    .ops = &anon_ops,
	};
	struct region *r;

	int rc;

	if (flags)
		return -EINVAL; /* none defined (stacks: mm_map_stack) */
	rc = region_map_new(s, &t, &r);
	if (!rc)
		region_merge_around(r); /* brk steps, neighbouring mmaps */
	return rc;
}
