/*
 * space_lock.c - flags on ranges of an address space (SPEC §7): mlock,
 * munlock, mlockall and madvise's DONTFORK/DOFORK/WIPEONFORK set or clear
 * region flags over a range, and the counts mlock's limit and
 * /proc/meminfo need.
 *
 * Guarantees: a range call checks first that every page of the range is
 * mapped (-ENOMEM, nothing changed, as Linux), then splits regions at the
 * edges (no change of meaning), sets the flags and merges neighbours that
 * became alike. Locking also makes the pages present (mlock's promise:
 * locked memory never faults); a locked region is never yielded
 * (region_may_yield) and never loses its pages to madvise.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include "region_internal.h"

/* Is every page of [start, +len) in some region? */
bool mm_range_mapped(struct mm_space *s, vaddr_t start, size_t len)
{
	vaddr_t end = start + len;
	struct region *r;

	for (vaddr_t va = start; va < end; va = region_end(r))
		if (!(r = mm_find_region(s, va)))
			return false;
	return true;
}

/* Set and clear region flags over [start, +len): 0, -EINVAL (range,
 * flags), -ENOMEM (a hole, or no memory to split). */
int mm_set_flags(struct mm_space *s, vaddr_t start, size_t len, unsigned set,
		 unsigned clear)
{
	vaddr_t end = start + len;
	struct region *r;
	int rc = region_check_range(start, len);

	if (rc || ((set | clear) & ~REGION_USER_FLAGS))
		return rc ? rc : -EINVAL;
	/* As Linux walks the areas: a refused one is -EINVAL even where the
	 * range also has holes (those only make -ENOMEM at the end). */
	for (r = mm_find_region(s, start); r && r->start < end;
	     r = region_next(r))
		if ((set & REGION_WIPEONFORK) &&
		    !(r->ops->flags & REGION_OPS_ANON))
			return -EINVAL; /* only private anonymous memory */
	if (!mm_range_mapped(s, start, len))
		return -ENOMEM;
	rc = region_split_edges(s, start, end);
	if (rc)
		return rc;
	for (r = mm_find_region(s, start); r && r->start < end;
	     r = region_next(r))
		USE(r, r->flags = (r->flags & ~clear) | set);
	region_merge_range(s, start, end);
	return 0;
}

/* mlockall / munlockall: the flags of every region, and of regions made
 * from now on (def: MCL_FUTURE's REGION_LOCKED or REGION_LOCKONFAULT). */
void mm_set_flags_all(struct mm_space *s, unsigned set, unsigned clear,
		      unsigned def)
{
	for (struct region *r = region_first(s); r; r = region_next(r))
		USE(r, r->flags = (r->flags & ~clear) | set);
	USE(s, s->def_flags = def);
	region_merge_range(s, PAGE_SIZE, USER_TOP);
}

/* Populate the accessible regions of [start, +len) (mlock: PROT_NONE
 * pages stay absent, as Linux leaves them). */
int mm_populate_accessible(struct mm_space *s, vaddr_t start, size_t len)
{
	vaddr_t end = start + len, va, stop;
	struct region *r;
	int rc;

	for (va = start; va < end; va = stop) {
		r = region_first_after(s, va);
		if (!r || r->start >= end)
			break;
		va = MAX(va, r->start);
		stop = MIN(end, region_end(r));
		if (!(r->prot & PROT_RWX))
			continue;
		rc = mm_populate(s, va, stop - va, false);
		if (rc)
			return rc;
	}
	return 0;
}

/* Bytes of s in locked regions outside [skip, skip_end) (RLIMIT_MEMLOCK
 * counts what a call would lock on top of what is locked already). */
size_t mm_locked_bytes(struct mm_space *s, vaddr_t skip, vaddr_t skip_end)
{
	size_t n = 0;

	for (struct region *r = region_first(s); r; r = region_next(r)) {
		vaddr_t a = r->start, b = region_end(r);

		if (!(r->flags & (REGION_LOCKED | REGION_LOCKONFAULT)))
			continue;
		n += b - a;
		if (skip < b && a < skip_end)
			n -= MIN(b, skip_end) - MAX(a, skip);
	}
	return n;
}

/* Present pages of locked regions in every space (/proc/meminfo's
 * Mlocked; a page mapped by two locked regions counts twice). */
size_t mm_mlocked_pages(void)
{
	size_t n = 0;

	for (struct mm_space *s = region_space_list(); s; s = s->next_space)
		for (struct region *r = region_first(s); r; r = region_next(r))
			if (r->flags & (REGION_LOCKED | REGION_LOCKONFAULT))
				for (vaddr_t va = r->start; va < region_end(r);
				     va += PAGE_SIZE)
					n +=
					    pt_lookup(s->pgdir, va, NULL, NULL);
	return n;
}
