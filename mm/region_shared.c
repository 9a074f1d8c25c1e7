/*
 * region_shared.c - the shared backend (MAP_SHARED, SysV-style shared
 * memory, SPEC §7). To keep faults trivial every page is allocated and
 * mapped when the region is created, as BLOCK_SHARED blocks; fork and
 * mm_remap give the other space the same blocks (one more reference each),
 * writable on both sides. The pages are freed by the last unmap.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include "region_internal.h"

/* Largest block made at creation (smaller when memory is fragmented). */
#define SHARED_MAX_BLOCK_PAGES 1024u

/* Every page was populated at creation: a missing one is not ours. */
static int shared_fault(struct region *r, vaddr_t va, bool write)
{
	(void)r;
	(void)va;
	(void)write;
	return -EFAULT;
}

/* MADV_REMOVE: the punched pages read as zeros in every mapping (they
 * stay allocated: every page of a shared region exists from creation). */
static int shared_punch(struct region *r, vaddr_t start, vaddr_t end)
{
	vaddr_t off = start - r->start, stop = end - r->start;
	struct region_entry *e = entry_find(r, off);

	if (!e)
		e = entry_first_from(r, off);
	for (; e && e->offset < stop; e = entry_next(e)) {
		vaddr_t a = MAX(off, e->offset);
		vaddr_t b = MIN(stop, e->offset + entry_bytes(e));

		for (vaddr_t o = a; o < b; o += PAGE_SIZE)
			memset(arch_phys_to_virt(e->block->pa + o - e->offset),
			       0, PAGE_SIZE);
	}
	return 0;
}

static const struct region_ops shared_ops = {
    .name = "shared",
    .flags = REGION_OPS_SHARED | REGION_OPS_REMAP,
    .fault = shared_fault,
    .punch = shared_punch,
    .copy = region_copy_entries,
    .release = region_release_entries,
    .sync = region_sync_entries,
    .sanity = region_sanity_entries,
};

/* MAP_SHARED anonymous memory and shm segments: every page is made and
 * mapped now, so faults never need to find the blocks again. */
int mm_map_shared(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		  unsigned flags)
{
	struct region t = {
	    .start = start,
	    .len = len,
	    .prot = prot,
	    .flags = flags,
	    .ops = &shared_ops,
	};
	struct region_entry *list;
	struct region *r;
	int rc =
	    flags & ~REGION_NOMAYWRITE ? -EINVAL : region_map_new(s, &t, &r);

	if (rc)
		return rc;
	list = block_alloc_runs(len / PAGE_SIZE, SHARED_MAX_BLOCK_PAGES,
				BLOCK_SHARED, true);
	if (!list || pt_prepare(s->pgdir, start, len / PAGE_SIZE)) {
		if (list)
			entry_free_unattached(list, true);
		region_destroy(r);
		return -ENOMEM;
	}
	entry_attach_list(r, list, 0);
	return 0;
}

/* shmat: a second mapping of a whole shared region; both sides hold a
 * reference to the same blocks. */
int mm_remap(struct mm_space *dst, vaddr_t dst_addr, struct mm_space *src,
	     vaddr_t src_addr, size_t len)
{
	struct region *sr = mm_find_region(src, src_addr), *r;
	struct region t;
	int rc;

	if (!sr || !region_can_remap(sr) || sr->start != src_addr ||
	    sr->len != len)
		return -EINVAL;
	t = *sr;
	t.start = dst_addr;
	t.flags = 0;
	rc = region_map_new(dst, &t, &r);
	if (rc)
		return rc;
	if (sr->ops->copy(r, sr)) {
		region_destroy(r);
		return -ENOMEM;
	}
	return 0;
}
