/*
 * space_remap.c - mremap (SPEC §7): shrink a mapping, grow it in place,
 * or move it (MREMAP_MAYMOVE, MREMAP_FIXED), with Linux 6.1's checks and
 * errors.
 *
 * Guarantees: the pages themselves never move or get copied - a move
 * hands the region's entries to a new region at the new address (their
 * offsets are relative to the region's start, so only the PTEs are
 * rewritten) and lets the backend set up the new region's data (its move
 * hook: a file mapping needs a map at the new address). Everything that
 * can fail (page tables, the region object, the backend's data) comes
 * first, so an -ENOMEM leaves the space meaning what it did (the old
 * range may be split, which changes no meaning). Growth needs a backend
 * whose pages come on demand (REGION_OPS_RESIZE); others give -EFAULT
 * as Linux's VM_DONTEXPAND and VM_PFNMAP mappings do.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include "region_internal.h"

/* The region holding [addr, +old_len) whole (-EFAULT as Linux if the
 * range leaves it), and whether it may grow to new_len. */
static int remap_region(struct mm_space *s, vaddr_t addr, size_t old_len,
			size_t new_len, struct region **out)
{
	struct region *r = mm_find_region(s, addr);

	if (!r || old_len > region_end(r) - addr)
		return -EFAULT;
	if (new_len > old_len && !(r->ops->flags & REGION_OPS_RESIZE))
		return -EFAULT;
	*out = r;
	return 0;
}

/* Free a region that holds nothing yet, without its backend. */
static void region_discard(struct region *r)
{
	region_unlink(r);
	SLAB_FREE(r);
}

/* Hand r's entries to nr (same offsets): old PTEs cleared, new ones
 * written into tables that exist. */
static void move_entries(struct region *r, struct region *nr)
{
	struct region_entry *e;
	paddr_t dir = region_pgdir(r);

	while ((e = entry_first(r))) {
		if (pt_set_run(dir, entry_va(e), 0, e->block->npages, 0))
			pt_flush_run(dir, entry_va(e), e->block->npages);
		avl_remove(&r->entries, &e->node);
		USE(e, e->region = nr);
		BUG_ON(avl_insert(&nr->entries, &e->node));
		entry_sync(e);
	}
}

/* Move [addr, +old_len), one whole region after splitting, to the free
 * range [to, +new_len). */
static int remap_move(struct mm_space *s, vaddr_t addr, size_t old_len,
		      vaddr_t to, size_t new_len)
{
	struct region *r, *nr, t;
	int rc = region_split_edges(s, addr, addr + old_len);

	if (rc)
		return rc;
	r = mm_find_region(s, addr);
	if (pt_prepare(s->pgdir, to, old_len / PAGE_SIZE))
		return -ENOMEM;
	t = *r;
	t.start = to;
	t.len = new_len;
	nr = region_create(s, &t);
	if (!nr)
		return -ENOMEM;
	if (r->ops->move && (rc = r->ops->move(nr, r))) {
		region_discard(nr);
		return rc;
	}
	move_entries(r, nr);
	region_destroy(r);
	region_merge_around(nr);
	return 0;
}

/* Grow r (ending at end) by delta bytes in place, if the room is free. */
static bool remap_grow(struct region *r, size_t delta)
{
	vaddr_t end = region_end(r);

	if (delta > USER_TOP - end || !region_range_free(r->space, end, delta))
		return false;
	USE(r, r->len += delta);
	avl_propagate(&r->space->regions, &r->node);
	region_merge_around(r);
	return true;
}

/* MREMAP_FIXED: the target is cleared, the old range cut to new_len,
 * then the rest moves there. */
static int remap_fixed(struct mm_space *s, vaddr_t addr, size_t old_len,
		       size_t new_len, vaddr_t to)
{
	struct region *r;
	int rc;

	if (!PAGE_ALIGNED(to) || region_check_range(to, new_len))
		return -EINVAL;
	if (to < addr + old_len && addr < to + new_len)
		return -EINVAL; /* the ranges overlap */
	rc = mm_unmap(s, to, new_len);
	if (!rc && old_len > new_len) {
		rc = mm_unmap(s, addr + new_len, old_len - new_len);
		old_len = new_len;
	}
	if (!rc)
		rc = remap_region(s, addr, old_len, new_len, &r);
	return rc ? rc : remap_move(s, addr, old_len, to, new_len);
}

/* mremap: see region.h. */
int mm_mremap(struct mm_space *s, vaddr_t addr, size_t old_len, size_t new_len,
	      unsigned flags, vaddr_t to, vaddr_t *out)
{
	struct region *r;
	int rc;

	if ((flags & ~(MM_REMAP_MAYMOVE | MM_REMAP_FIXED)) ||
	    ((flags & MM_REMAP_FIXED) && !(flags & MM_REMAP_MAYMOVE)) ||
	    !PAGE_ALIGNED(addr) || !PAGE_ALIGNED(old_len) ||
	    !PAGE_ALIGNED(new_len) || !new_len || !old_len)
		return -EINVAL;
	if (flags & MM_REMAP_FIXED) {
		*out = to;
		return remap_fixed(s, addr, old_len, new_len, to);
	}
	*out = addr;
	if (old_len == new_len)
		return 0;
	if (old_len > new_len)
		return mm_unmap(s, addr + new_len, old_len - new_len);
	rc = remap_region(s, addr, old_len, new_len, &r);
	if (rc)
		return rc;
	if (addr + old_len == region_end(r) && remap_grow(r, new_len - old_len))
		return 0;
	if (!(flags & MM_REMAP_MAYMOVE))
		return -ENOMEM;
	*out = mm_find_free(s, to, new_len); /* to: the search hint */
	if (!*out)
		return -ENOMEM;
	return remap_move(s, addr, old_len, *out, new_len);
}
