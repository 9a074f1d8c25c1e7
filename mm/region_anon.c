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

/* Allocate zeroed blocks for the npages pages at offset off and map them. */
static int anon_fill(struct region *r, vaddr_t off, uint32_t npages,
		     uint32_t max)
{
	struct region_entry *list;

	list = block_alloc_runs(npages, max, BLOCK_COW, true);
	if (!list)
		return -ENOMEM;
	if (pt_prepare(region_pgdir(r), r->start + off, npages)) {
		entry_free_unattached(list, true);
		return -ENOMEM;
	}
	entry_attach_list(r, list, off);
	return 0;
}

/* Demand zero: a first touch gets one fresh zeroed page. */
static int anon_fault(struct region *r, vaddr_t va, bool write)
{
	(void)write;
	return anon_fill(r, va - r->start, 1, 1);
}

/* Fill every hole of [start, end) with blocks of up to 64 pages. */
static int anon_populate(struct region *r, vaddr_t start, vaddr_t end)
{
	vaddr_t off = start - r->start, stop = end - r->start, hole_end;
	struct region_entry *e;
	int rc;

	while (off < stop) {
		e = entry_find(r, off);
		if (e) {
			off = e->offset + entry_bytes(e);
			continue;
		}
		e = entry_first_from(r, off);
		hole_end = e ? MIN(e->offset, stop) : stop;
		rc = anon_fill(r, off, (hole_end - off) / PAGE_SIZE,
			       REGION_MAX_BLOCK_PAGES);
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
