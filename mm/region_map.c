/*
 * region_map.c - the memory calls on whole address spaces (SPEC §7):
 * finding free ranges, munmap and mprotect of any page-aligned subrange
 * (splitting regions), populate, fork and the region walk. Backend
 * specific creation lives in region_anon.c, region_shared.c and
 * region_direct.c; every structure change goes through region.c.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include "region_internal.h"

int region_map_new(struct mm_space *s, const struct region *t,
		   struct region **out)
{
	int rc = region_check_range(t->start, t->len);

	if (rc)
		return rc;
	if (t->prot & ~PROT_RWX)
		return -EINVAL;
	if (!region_range_free(s, t->start, t->len))
		return -EEXIST;
	*out = region_create(s, t);
	return *out ? 0 : -ENOMEM;
}

/* Lowest address a region reserves: a stack reserves room to grow. */
static vaddr_t region_low(const struct region *r)
{
	return (r->flags & REGION_GROWSDOWN) ? r->grow_limit : r->start;
}

vaddr_t mm_find_free(struct mm_space *s, vaddr_t hint, size_t len)
{
	vaddr_t va = hint ? hint : MMAP_DEFAULT_BASE;

	if (len == 0 || !PAGE_ALIGNED(len) || len >= USER_TOP || va >= USER_TOP)
		return 0;
	va = MAX(PAGE_ROUND_UP(va), PAGE_SIZE);
	for (struct region *r = region_first_after(s, va);;
	     r = region_next(r)) {
		vaddr_t lo = r ? region_low(r) : USER_TOP;

		if (lo >= va && lo - va >= len)
			return va;
		if (!r)
			return 0;
		va = MAX(va, region_end(r));
	}
}

int region_split_edges(struct mm_space *s, vaddr_t start, vaddr_t end)
{
	struct region *r = mm_find_region(s, start);
	int rc;

	if (r && r->start < start) {
		rc = region_split(r, start);
		if (rc)
			return rc;
	}
	r = mm_find_region(s, end - 1);
	if (r && region_end(r) > end)
		return region_split(r, end);
	return 0;
}

/*
 * A failure (-ENOMEM) can only come from splitting at the edges; a split
 * already done leaves two regions that mean the same as the one before.
 */
int mm_unmap(struct mm_space *s, vaddr_t start, size_t len)
{
	int rc = region_check_range(start, len);
	vaddr_t end = start + len;
	struct region *r, *next;

	if (rc)
		return rc;
	rc = region_split_edges(s, start, end);
	if (rc)
		return rc;
	for (r = region_first_after(s, start); r && r->start < end; r = next) {
		next = region_next(r);
		region_destroy(r);
	}
	return 0;
}

/* Like Linux: -ENOMEM if part of the range is not mapped. */
int mm_protect(struct mm_space *s, vaddr_t start, size_t len, unsigned prot)
{
	int rc = region_check_range(start, len);
	vaddr_t end = start + len, va;
	struct region *r;

	if (rc)
		return rc;
	if (prot & ~PROT_RWX)
		return -EINVAL;
	for (va = start; va < end; va = region_end(r))
		if (!(r = mm_find_region(s, va)))
			return -ENOMEM;
	rc = region_split_edges(s, start, end);
	if (rc)
		return rc;
	for (r = mm_find_region(s, start); r && r->start < end;
	     r = region_next(r))
		region_set_prot(r, prot);
	return 0;
}

/* Fault in the pages of [va, end) of r that are missing or not writable. */
static int populate_pages(struct mm_space *s, vaddr_t va, vaddr_t end,
			  bool write)
{
	unsigned flags;
	int rc;

	for (; va < end; va += PAGE_SIZE) {
		if (pt_lookup(s->pgdir, va, NULL, &flags) &&
		    (!write || (flags & PTE_W)))
			continue;
		rc = mm_handle_fault(s, va, write);
		if (rc)
			return rc;
	}
	return 0;
}

int mm_populate(struct mm_space *s, vaddr_t start, size_t len, bool write)
{
	int rc = region_check_range(start, len);
	vaddr_t end = start + len, va, stop;
	struct region *r;

	if (rc)
		return rc;
	for (va = start; va < end; va = stop) {
		r = mm_find_region(s, va);
		if (!r)
			return -EFAULT;
		stop = MIN(end, region_end(r));
		/* The backend may allocate in larger blocks than faults do. */
		if (r->ops->populate && (r->prot & PROT_RWX)) {
			rc = r->ops->populate(r, va, stop);
			if (rc)
				return rc;
		}
		rc = populate_pages(s, va, stop, write);
		if (rc)
			return rc;
	}
	return 0;
}

struct mm_space *mm_space_fork(struct mm_space *parent)
{
	struct mm_space *child = mm_space_new();

	if (!child)
		return NULL;
	for (struct region *r = region_first(parent); r; r = region_next(r)) {
		struct region *nr = region_create(child, r);

		if (!nr || r->ops->copy(nr, r)) {
			/* Dropping the child's references restores the
			 * parent's writable PTEs. */
			mm_space_destroy(child);
			return NULL;
		}
	}
	return child;
}

void mm_space_walk(struct mm_space *s,
		   void (*fn)(const struct region *r, void *arg), void *arg)
{
	for (struct region *r = region_first(s); r; r = region_next(r))
		fn(r, arg);
}
