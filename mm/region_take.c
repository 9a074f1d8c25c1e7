/*
 * region_take.c - moving pages out of and into an address space without
 * copying, for the yielded-block cache (SPEC §9): region_take_pages and
 * region_give_pages.
 *
 * Both work on [addr, +npages) inside writable regions whose backend may
 * yield (anonymous memory). They first make the range self-contained
 * without changing its meaning (blocks straddling its edges are split;
 * take also makes shared COW blocks private with cow_break so the other
 * sharer keeps its data), then allocate everything the change needs, and
 * only then change the mappings, so an -ENOMEM leaves the space's
 * contents as they were.
 *
 * Each pass walks the range once, in address order, with a (region,
 * entry) cursor: no step looks a page up again. The pages themselves
 * never move or get copied (the host tests compare physical addresses).
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include "region_internal.h"

/* A walk over the entries of [va, end) of one space, in address order.
 * The entry after e is read before the caller gets e, so the caller may
 * detach, steal or replace e (with entries inside e's own range). */
struct range_cursor {
	vaddr_t end;
	struct region *r;	   /* the region being walked */
	struct region_entry *next; /* the entry after the current one */
};

/* The next entry below end, moving on to the next region as needed. */
static struct region_entry *cursor_next(struct range_cursor *c)
{
	struct region_entry *e;

	while (c->r && c->r->start < c->end) {
		e = c->next;
		if (e) {
			if (entry_va(e) >= c->end)
				break;
			c->next = entry_next(e);
			return e;
		}
		c->r = region_next(c->r);
		c->next = c->r ? entry_first(c->r) : NULL;
	}
	c->r = NULL;
	return NULL;
}

/* Start a walk at the first entry at or above va. */
static struct region_entry *cursor_start(struct range_cursor *c,
					 struct mm_space *s, vaddr_t va,
					 vaddr_t end)
{
	c->end = end;
	c->r = region_first_after(s, va);
	c->next = NULL;
	if (c->r)
		c->next = entry_first_from(
		    c->r, va > c->r->start ? va - c->r->start : 0);
	return cursor_next(c);
}

/* Are the entries of r contiguous over [va, stop) (no missing page)? */
static bool range_present(struct region *r, vaddr_t va, vaddr_t stop)
{
	struct region_entry *e = entry_find(r, va - r->start);

	while (e && entry_va(e) + entry_bytes(e) < stop) {
		struct region_entry *next = entry_next(e);

		if (!next || entry_va(next) != entry_va(e) + entry_bytes(e))
			return false;
		e = next;
	}
	return e != NULL;
}

/* Argument and range checks before anything changes, one region at a
 * time: every page in a writable region that may yield (and present). */
static int tg_check(struct mm_space *s, vaddr_t addr, size_t npages,
		    bool need_present)
{
	uint64_t end64 = (uint64_t)addr + (uint64_t)npages * PAGE_SIZE;
	struct region *r;
	vaddr_t va, end;

	if (!PAGE_ALIGNED(addr) || npages == 0 || end64 > ADDR_SPACE_END)
		return -EINVAL;
	if (end64 > USER_TOP)
		return -EFAULT;
	end = (vaddr_t)end64;
	r = mm_find_region(s, addr);
	for (va = addr; va < end; va = region_end(r), r = region_next(r)) {
		if (!r || r->start > va || !region_may_yield(r) ||
		    !(r->prot & PROT_WRITE))
			return -EFAULT;
		if (need_present &&
		    !range_present(r, va, MIN(end, region_end(r))))
			return -EFAULT;
	}
	return 0;
}

/* Split the block (if any) that straddles va. */
static int tg_split_at(struct mm_space *s, vaddr_t va)
{
	struct region *r = mm_find_region(s, va);
	struct region_entry *e = r ? entry_find(r, va - r->start) : NULL;

	if (!e || entry_va(e) == va)
		return 0;
	return block_split(e->block, (va - entry_va(e)) / PAGE_SIZE);
}

/* Make the range self-contained: no block crosses either edge. */
static int tg_split_edges(struct mm_space *s, vaddr_t addr, vaddr_t end)
{
	int rc = tg_split_at(s, addr);

	return rc ? rc : tg_split_at(s, end);
}

/* Make every block in [addr, end) private (all present, edges split). */
static int take_privatize(struct mm_space *s, vaddr_t addr, vaddr_t end)
{
	struct range_cursor c;
	int rc;

	for (struct region_entry *e = cursor_start(&c, s, addr, end); e;
	     e = cursor_next(&c)) {
		if (e->block->refcount > 1) {
			rc = cow_break(e);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Reverse a chain of unattached entries (block_alloc_runs builds it
 * highest position first). */
static struct region_entry *chain_reverse(struct region_entry *list)
{
	struct region_entry *out = NULL;

	while (list) {
		struct region_entry *next = list->next_ref;

		USE(list, list->next_ref = out);
		out = list;
		list = next;
	}
	return out;
}

/* Attach the next n single-page entries of *fresh at offset off of r. */
static void attach_fresh(struct region *r, vaddr_t off, uint32_t n,
			 struct region_entry **fresh)
{
	for (uint32_t i = 0; i < n; i++) {
		struct region_entry *f = *fresh;

		BUG_ON(!f);
		*fresh = f->next_ref;
		entry_attach(r, f, off + i * PAGE_SIZE);
	}
}

/* Yield's half: hand the pages out, map fresh zeroed ones in their place
 * (page k of the range gets fresh page k, as the pages[] order). */
int region_take_pages(struct mm_space *s, vaddr_t addr, size_t npages,
		      paddr_t *pages)
{
	int rc = tg_check(s, addr, npages, true);
	vaddr_t end = addr + npages * PAGE_SIZE;
	struct region_entry *fresh, *e;
	struct range_cursor c;

	if (rc)
		return rc;
	rc = tg_split_edges(s, addr, end);
	if (!rc)
		rc = take_privatize(s, addr, end);
	if (rc)
		return rc;
	fresh = block_alloc_runs(npages, 1, BLOCK_COW, true);
	if (!fresh)
		return -ENOMEM;
	fresh = chain_reverse(fresh);
	for (e = cursor_start(&c, s, addr, end); e; e = cursor_next(&c)) {
		struct region *r = e->region;
		size_t first = (entry_va(e) - addr) / PAGE_SIZE;
		uint32_t n = e->block->npages;
		vaddr_t off = e->offset;

		for (uint32_t i = 0; i < n; i++)
			pages[first + i] = e->block->pa + i * PAGE_SIZE;
		entry_steal(e); /* the pages stay accounted as PHYS_USER */
		attach_fresh(r, off, n, &fresh);
	}
	BUG_ON(fresh);
	return 0;
}

/* Unattached single-page blocks for pages[], in order; offsets count
 * from 0. NULL (nothing kept) if no memory. */
static struct region_entry *give_alloc(const paddr_t *pages, size_t npages)
{
	struct region_entry *head = NULL, *prev = NULL, *e;
	struct phys_block *b;

	for (size_t i = 0; i < npages; i++) {
		b = block_new(pages[i], 1, BLOCK_COW);
		e = b ? entry_new(b) : NULL;
		if (!e) {
			if (b)
				block_free_obj(b);
			entry_free_unattached(head, false);
			return NULL;
		}
		USE(e, e->offset = i * PAGE_SIZE);
		if (prev)
			USE(prev, prev->next_ref = e);
		else
			head = e;
		prev = e;
	}
	return head;
}

/* Attach give_alloc's list (offsets from addr) region by region. */
static void give_attach(struct mm_space *s, vaddr_t addr,
			struct region_entry *list)
{
	struct region *r = mm_find_region(s, addr);

	while (list) {
		struct region_entry *next = list->next_ref;
		vaddr_t va = addr + list->offset;

		while (va >= region_end(r))
			r = region_next(r);
		entry_attach(r, list, va - r->start);
		list = next;
	}
}

/* Get's half: map pages[] at addr, freeing whatever was there. */
int region_give_pages(struct mm_space *s, vaddr_t addr, size_t npages,
		      const paddr_t *pages)
{
	int rc = tg_check(s, addr, npages, false);
	vaddr_t end = addr + npages * PAGE_SIZE;
	struct region_entry *list, *e;
	struct range_cursor c;

	if (rc)
		return rc;
	for (size_t i = 0; i < npages; i++)
		if (pages[i] == PHYS_NONE || !PAGE_ALIGNED(pages[i]))
			return -EINVAL;
	rc = tg_split_edges(s, addr, end);
	if (rc)
		return rc;
	if (pt_prepare(s->pgdir, addr, npages))
		return -ENOMEM;
	list = give_alloc(pages, npages);
	if (!list)
		return -ENOMEM;
	for (e = cursor_start(&c, s, addr, end); e; e = cursor_next(&c))
		entry_detach(e); /* frees private pages */
	give_attach(s, addr, list);
	return 0;
}
