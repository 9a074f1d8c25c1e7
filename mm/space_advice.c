/*
 * space_advice.c - what madvise and mincore do to and learn from a range
 * of an address space (SPEC §7): dropping private pages
 * (MADV_DONTNEED, MADV_FREE) and reporting which pages are resident.
 *
 * Guarantees: dropping never touches memory others see - shared
 * backends keep their pages (a later access maps the same data again) -
 * and a private page dropped reads as zero (anonymous memory) or as the
 * file again (a private file mapping) on its next access. Blocks that
 * straddle the edges are split first (no change of meaning), so only
 * the pages of the range go.
 */
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include "region_internal.h"

/* Split the block of r that straddles va, if any. */
static int split_block_at(struct region *r, vaddr_t va)
{
	struct region_entry *e;

	if (va <= r->start || va >= region_end(r))
		return 0;
	e = entry_find(r, va - r->start);
	if (!e || entry_va(e) == va)
		return 0;
	return block_split(e->block, (va - entry_va(e)) / PAGE_SIZE);
}

/* Drop r's private pages in [a, b) (inside r). */
static int drop_private(struct region *r, vaddr_t a, vaddr_t b)
{
	struct region_entry *e, *next;
	int rc = split_block_at(r, a);

	if (!rc)
		rc = split_block_at(r, b);
	if (rc)
		return rc;
	for (e = entry_first_from(r, a - r->start); e && entry_va(e) < b;
	     e = next) {
		next = entry_next(e);
		entry_detach(e);
	}
	return 0;
}

/* May madvise drop pages of r? Not locked ones (-EINVAL as Linux), and
 * MADV_FREE only private anonymous memory. */
static int discard_check(const struct region *r, bool anon_only)
{
	if (r->flags & (REGION_LOCKED | REGION_LOCKONFAULT))
		return -EINVAL;
	if (anon_only && !(r->ops->flags & REGION_OPS_ANON))
		return -EINVAL;
	return 0;
}

int mm_discard(struct mm_space *s, vaddr_t start, size_t len, bool anon_only)
{
	vaddr_t end = start + len, va = start, a, b;
	struct region *r;
	int rc = region_check_range(start, len), hole = 0;

	if (rc)
		return rc;
	for (r = region_first_after(s, start); r && r->start < end;
	     r = region_next(r))
		if ((rc = discard_check(r, anon_only)))
			return rc;
	for (r = region_first_after(s, start); r && r->start < end;
	     r = region_next(r)) {
		a = MAX(start, r->start);
		b = MIN(end, region_end(r));
		if (a > va)
			hole = -ENOMEM; /* as Linux: the rest is done */
		va = b;
		if (r->ops->flags & REGION_OPS_SHARED)
			continue; /* the data is not ours alone */
		rc = drop_private(r, a, b);
		if (rc)
			return rc;
	}
	return va < end ? -ENOMEM : hole;
}

/* Is page va of r resident (in memory, mapped here or not)? */
static bool page_resident(struct region *r, vaddr_t va)
{
	if (entry_find(r, va - r->start))
		return true;
	if (r->ops->resident)
		return r->ops->resident(r, va);
	return pt_lookup(region_pgdir(r), va, NULL, NULL);
}

int mm_mincore(struct mm_space *s, vaddr_t start, size_t npages, uint8_t *vec)
{
	struct region *r = NULL;
	vaddr_t va = start;

	if (region_check_range(start, npages * PAGE_SIZE))
		return -ENOMEM;
	for (size_t i = 0; i < npages; i++, va += PAGE_SIZE) {
		if (!r || va >= region_end(r))
			r = mm_find_region(s, va);
		if (!r)
			return -ENOMEM;
		vec[i] = page_resident(r, va);
	}
	return 0;
}

/* msync: write shared mappings of [start, end) back (sync). Linux's
 * order: a locked region with invalidate stops the walk with -EBUSY; a
 * hole is -ENOMEM once the rest is done. */
int mm_msync(struct mm_space *s, vaddr_t start, vaddr_t end, bool sync,
	     bool invalidate)
{
	struct region *r = region_first_after(s, start);
	vaddr_t va = start;
	int hole = 0, rc;

	if (!r || r->start >= end)
		return -ENOMEM;
	for (; r && r->start < end; r = region_next(r)) {
		if (r->start > va)
			hole = -ENOMEM;
		va = region_end(r);
		if (invalidate && (r->flags & REGION_LOCKED))
			return -EBUSY;
		if (!sync || !r->ops->writeback ||
		    !(r->ops->flags & REGION_OPS_SHARED))
			continue;
		rc = r->ops->writeback(r, MAX(start, r->start),
				       MIN(end, region_end(r)), true);
		if (rc)
			return rc;
	}
	return va < end ? -ENOMEM : hole;
}

/* May MADV_REMOVE punch r? Linux's checks, in its order. */
static int punch_check(const struct region *r)
{
	if (r->flags & (REGION_LOCKED | REGION_LOCKONFAULT))
		return -EINVAL;
	if (r->ops->flags & REGION_OPS_ANON)
		return -EINVAL; /* no file or shared memory behind it */
	if (!(r->ops->flags & REGION_OPS_SHARED) || !(r->prot & PROT_WRITE))
		return -EACCES;
	return r->ops->punch ? 0 : -EOPNOTSUPP;
}

int mm_punch(struct mm_space *s, vaddr_t start, size_t len)
{
	vaddr_t end = start + len, va = start;
	struct region *r;
	int rc = region_check_range(start, len), hole = 0;

	if (rc)
		return rc;
	for (r = region_first_after(s, start); r && r->start < end;
	     r = region_next(r)) {
		if (r->start > va)
			hole = -ENOMEM;
		va = region_end(r);
		rc = punch_check(r);
		if (!rc)
			rc = r->ops->punch(r, MAX(start, r->start),
					   MIN(end, region_end(r)));
		if (rc)
			return rc;
	}
	return va < end ? -ENOMEM : hole;
}
