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
 * Take leaves the range empty: no page is allocated in place of the
 * taken ones, the range reads as zeros by demand zero (a page per first
 * touch, as any untouched anonymous memory). Give maps the pages as
 * blocks of physically contiguous runs (up to REGION_MAX_BLOCK_PAGES),
 * so a block made of one run costs one object and one tree node.
 *
 * The range's regions are looked up once, and its entries walked in
 * address order with a (region, entry) cursor: no step looks a page up
 * again. PTEs are written a run at a time and the TLB is flushed once per
 * call. The pages themselves never move or get copied (the host tests
 * compare physical addresses).
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

/* The next entry below end, moving on to the next region as needed (not
 * past one reaching end). */
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
		if (region_end(c->r) >= c->end)
			break;
		c->r = region_next(c->r);
		c->next = c->r ? entry_first(c->r) : NULL;
	}
	c->r = NULL;
	return NULL;
}

/* Start a walk at entry e of region r (NULL: r's entries are done). */
static struct region_entry *cursor_from(struct range_cursor *c,
					struct region *r,
					struct region_entry *e, vaddr_t end)
{
	c->end = end;
	c->r = r;
	c->next = e;
	return cursor_next(c);
}

/* Start a walk at the first entry of r at or above va (va inside r). */
static struct region_entry *
cursor_start(struct range_cursor *c, struct region *r, vaddr_t va, vaddr_t end)
{
	return cursor_from(c, r, entry_first_from(r, va - r->start), end);
}

/* Argument and range checks before anything changes, one region at a
 * time: every page in a writable region that may yield. *first: the
 * region holding addr. */
static int tg_check(struct mm_space *s, vaddr_t addr, size_t npages,
		    struct region **first)
{
	uint64_t end64 = (uint64_t)addr + (uint64_t)npages * PAGE_SIZE;
	struct region *r;
	vaddr_t va, end;

	if (!PAGE_ALIGNED(addr) || npages == 0 || end64 > ADDR_SPACE_END)
		return -EINVAL;
	if (end64 > USER_TOP)
		return -EFAULT;
	end = (vaddr_t)end64;
	r = *first = mm_find_region(s, addr);
	for (va = addr;; r = region_next(r)) {
		if (!r || r->start > va || !region_may_yield(r) ||
		    !(r->prot & PROT_WRITE))
			return -EFAULT;
		va = region_end(r);
		if (va >= end)
			return 0; /* no look past the last region */
	}
}

/* Split e's block at va (inside it, page aligned). */
static int split_at(struct region_entry *e, vaddr_t va)
{
	return block_split(e->block, (va - entry_va(e)) / PAGE_SIZE);
}

/* What take's first pass learns about the range's entries. */
struct take_run {
	size_t count; /* how many; 0 if unknown (cow_break may put
		       * several in place of one) */
	struct region_entry *first, *last; /* NULL if unknown */
};

/*
 * Take's first pass, changing no meaning: split the blocks straddling
 * the edges, make shared blocks private, and check that every page is
 * present; *run: the range's entries, so that the caller need not look
 * them up again. 0, -EFAULT (a page not present) or -ENOMEM.
 */
static int take_prepare(struct region *r, vaddr_t addr, vaddr_t end,
			struct take_run *run)
{
	struct region_entry *e = entry_find(r, addr - r->start), *last = NULL;
	struct range_cursor c;
	vaddr_t want = addr;
	bool unknown = false;
	size_t count = 0;
	int rc;

	if (!e)
		return -EFAULT;
	if (entry_va(e) < addr) {
		rc = split_at(e, addr);
		if (rc)
			return rc;
		e = entry_next(e); /* the part from addr */
	}
	run->first = e;
	for (e = cursor_from(&c, r, e, end); e; e = cursor_next(&c)) {
		count++;
		if (entry_va(e) != want)
			return -EFAULT; /* a hole */
		want = entry_va(e) + entry_bytes(e);
		if (want > end) {
			rc = split_at(e, end);
			if (rc)
				return rc;
			want = end;
		}
		last = e;
		if (e->block->refcount > 1) {
			rc = cow_break(e);
			if (rc)
				return rc;
			unknown = true;
		}
	}
	*run = unknown ? (struct take_run){0, NULL, NULL}
		       : (struct take_run){count, run->first, last};
	return want < end ? -EFAULT : 0;
}

/* Yield's half: hand the pages out in address order and leave the range
 * empty (it reads as zeros, a fresh page per first touch). */
int region_take_pages(struct mm_space *s, vaddr_t addr, size_t npages,
		      paddr_t *pages)
{
	vaddr_t end = addr + npages * PAGE_SIZE;
	struct region_entry *e;
	struct range_cursor c;
	struct region *r;
	struct take_run run;
	size_t k = 0;
	int rc = tg_check(s, addr, npages, &r);

	if (!rc)
		rc = take_prepare(r, addr, end, &run);
	if (rc)
		return rc;
	for (e = cursor_start(&c, r, addr, end); e; e = cursor_next(&c)) {
		paddr_t pa = e->block->pa;

		for (uint32_t i = 0; i < e->block->npages; i++)
			pages[k++] = pa + i * PAGE_SIZE;
		entry_steal(e); /* the pages stay accounted as PHYS_USER */
	}
	BUG_ON(k != npages);
	/* Every page was present: one pass over the PTEs, one flush. */
	if (pt_set_run(s->pgdir, addr, 0, (uint32_t)npages, 0))
		pt_flush_run(s->pgdir, addr, (uint32_t)npages);
	return 0;
}

/* Does any entry lie in [addr, end) (r holds addr)? One lookup per
 * region. */
static bool range_has_entries(struct region *r, vaddr_t addr, vaddr_t end)
{
	for (; r && r->start < end; r = region_next(r)) {
		vaddr_t lo = MAX(addr, r->start) - r->start;
		vaddr_t hi = MIN(end, region_end(r)) - r->start;
		struct region_entry *e = entry_last_at(r, hi - PAGE_SIZE);

		if (e && e->offset + entry_bytes(e) > lo)
			return true;
	}
	return false;
}

/* Split the block (if any) that straddles va. */
static int split_edge(struct mm_space *s, vaddr_t va)
{
	struct region *r = mm_find_region(s, va);
	struct region_entry *e = r ? entry_find(r, va - r->start) : NULL;

	return e && entry_va(e) != va ? split_at(e, va) : 0;
}

/* Unattached blocks for pages[], one per physically contiguous run (at
 * most REGION_MAX_BLOCK_PAGES: a COW fault copies a whole block), never
 * across a region's end; chained in order through next_ref, offsets
 * counting from addr (in r). NULL (nothing kept) if no memory. */
static struct region_entry *give_alloc(struct region *r, vaddr_t addr,
				       const paddr_t *pages, size_t npages)
{
	struct region_entry *head = NULL, *prev = NULL, *e;
	struct phys_block *b;
	size_t run, max;

	for (size_t i = 0; i < npages; i += run) {
		vaddr_t va = addr + i * PAGE_SIZE;

		while (va >= region_end(r))
			r = region_next(r);
		max = MIN(npages - i, (region_end(r) - va) / PAGE_SIZE);
		max = MIN(max, REGION_MAX_BLOCK_PAGES);
		for (run = 1;
		     run < max && pages[i + run] == pages[i] + run * PAGE_SIZE;
		     run++)
			;
		b = block_new(pages[i], (uint32_t)run, BLOCK_COW);
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

/* Attach give_alloc's list (offsets from addr, in r and the regions
 * after it) and write its PTEs a run at a time; true if a present PTE
 * changed (the caller flushes). */
static bool give_attach(struct region *r, vaddr_t addr,
			struct region_entry *list)
{
	paddr_t dir = region_pgdir(r);
	struct region_entry *prev = NULL;
	bool stale = false;

	while (list) {
		struct region_entry *next = list->next_ref;
		struct phys_block *b = list->block;
		vaddr_t va = addr + list->offset;

		if (va >= region_end(r)) {
			while (va >= region_end(r))
				r = region_next(r);
			prev = NULL;
		}
		/* The run is sorted: each entry goes right after the last. */
		if (prev)
			entry_link_after(r, list, va - r->start, prev);
		else
			entry_link(r, list, va - r->start);
		prev = list;
		stale |= pt_set_run(dir, va, b->pa, b->npages,
				    entry_pte_flags(list));
		list = next;
	}
	return stale;
}

/* Unmap and free what [addr, end) maps (r holds addr). */
static void give_clear(struct region *r, vaddr_t addr, vaddr_t end)
{
	struct range_cursor c;

	for (struct region_entry *e = cursor_start(&c, r, addr, end); e;
	     e = cursor_next(&c))
		entry_detach(e); /* frees private pages */
}

/* Get's half: map pages[] at addr, freeing whatever was there. */
int region_give_pages(struct mm_space *s, vaddr_t addr, size_t npages,
		      const paddr_t *pages)
{
	vaddr_t end = addr + npages * PAGE_SIZE;
	struct region_entry *list;
	struct region *r;
	bool full;
	int rc = tg_check(s, addr, npages, &r);

	if (rc)
		return rc;
	for (size_t i = 0; i < npages; i++)
		if (pages[i] == PHYS_NONE || !PAGE_ALIGNED(pages[i]))
			return -EINVAL;
	/* After a yield the range is empty: nothing to split or free. */
	full = range_has_entries(r, addr, end);
	if (full) {
		rc = split_edge(s, addr);
		if (!rc)
			rc = split_edge(s, end);
		if (rc)
			return rc;
	}
	if (pt_prepare(s->pgdir, addr, npages))
		return -ENOMEM;
	list = give_alloc(r, addr, pages, npages);
	if (!list)
		return -ENOMEM;
	if (full)
		give_clear(r, addr, end);
	if (give_attach(r, addr, list))
		pt_flush_run(s->pgdir, addr, npages);
	return 0;
}

/* ---- whole trees: the cache keeps the entries and blocks ---- */

/* The region holding all of [addr, +npages) after tg_check, or NULL
 * with *rc -EXDEV when the range spans regions (the page-list path). */
static struct region *tree_region(struct mm_space *s, vaddr_t addr,
				  size_t npages, int *rc)
{
	struct region *r;

	*rc = tg_check(s, addr, npages, &r);
	if (!*rc && addr + npages * PAGE_SIZE > region_end(r))
		*rc = -EXDEV;
	return *rc ? NULL : r;
}

/* Rebase the detached subtree n's entries by -base into no region, in
 * no particular order (no successor walks). */
static void take_tree_rebase(struct avl_node *n, vaddr_t base)
{
	for (; n; n = n->right) {
		struct region_entry *e =
		    container_of(n, struct region_entry, node);

		USE(e, e->offset -= base; e->region = NULL);
		take_tree_rebase(n->left, base);
	}
}

/* Yield's half, keeping the objects: the range's entries leave r's tree
 * as one tree (avl_cut_run), offsets rebased to the range's start and
 * region NULL; their blocks stay whole. */
int region_take_tree(struct mm_space *s, vaddr_t addr, size_t npages,
		     struct avl_tree *out)
{
	struct take_run run;
	vaddr_t base;
	int rc;
	struct region *r = tree_region(s, addr, npages, &rc);

	if (!rc)
		rc = take_prepare(r, addr, addr + npages * PAGE_SIZE, &run);
	if (rc)
		return rc;
	base = addr - r->start;
	if (!run.count) { /* cow_break replaced entries: find them again */
		run.first = entry_find(r, base);
		run.last = entry_last_at(r, base + (npages - 1) * PAGE_SIZE);
		for (struct region_entry *e = (run.count = 1, run.first);
		     e != run.last; e = entry_next(e))
			run.count++;
	}
	avl_cut_run(&r->entries, &run.first->node, &run.last->node, run.count,
		    out);
	take_tree_rebase(out->root, base);
	block_count_cached(npages, true);
	if (pt_set_run(s->pgdir, addr, 0, (uint32_t)npages, 0))
		pt_flush_run(s->pgdir, addr, (uint32_t)npages);
	return 0;
}

/* What give_tree_map carries down the tree. */
struct give_walk {
	struct region *r;
	vaddr_t base;
	unsigned flags;
	bool stale; /* a present PTE was replaced */
	struct pt_cursor pc;
};

/* Rebase the subtree n's entries into w->r from w->base and write their
 * PTEs (the tables exist), in no particular order. */
static void give_tree_visit(struct avl_node *n, struct give_walk *w)
{
	for (; n; n = n->right) {
		struct region_entry *e =
		    container_of(n, struct region_entry, node);
		struct phys_block *b = e->block;
		vaddr_t va = w->r->start + e->offset + w->base;

		USE(e, e->offset += w->base; e->region = w->r);
		for (uint32_t i = 0; i < b->npages; i++, va += PAGE_SIZE) {
			uint32_t *slot = pt_cursor_slot(&w->pc, va, false);

			BUG_ON(!slot);
			w->stale |= (*slot & PTE_P) != 0;
			*slot = pt_make_pte(b->pa + i * PAGE_SIZE, w->flags);
		}
		give_tree_visit(n->left, w);
	}
}

/* Rebase in's entries into r from base and write their PTEs; true if a
 * present PTE changed. */
static bool give_tree_map(struct region *r, vaddr_t base, struct avl_tree *in)
{
	struct region_entry *e =
	    container_of(in->root, struct region_entry, node);
	/* Every cached block is private (refcount 1, BLOCK_COW). */
	struct give_walk w = {
	    r, base, block_pte_flags(r, e->block, 1), false, {0, 0, NULL}};

	pt_cursor_init(&w.pc, region_pgdir(r));
	give_tree_visit(in->root, &w);
	return w.stale;
}

/* Get's half for a tree from region_take_tree (npages pages): map it at
 * addr, freeing what was there, and paste it into r's tree. */
int region_give_tree(struct mm_space *s, vaddr_t addr, size_t npages,
		     struct avl_tree *in)
{
	vaddr_t end = addr + npages * PAGE_SIZE, base;
	struct region_entry *pred;
	int rc;
	struct region *r = tree_region(s, addr, npages, &rc);

	if (rc)
		return rc;
	base = addr - r->start;
	/* The last entry starting in or before the range: after a yield
	 * (the range empty) it is the one to paste after. */
	pred = entry_last_at(r, base + (npages - 1) * PAGE_SIZE);
	if (pred && pred->offset + entry_bytes(pred) > base) {
		rc = split_edge(s, addr);
		if (!rc)
			rc = split_edge(s, end);
		if (!rc && pt_prepare(s->pgdir, addr, npages))
			rc = -ENOMEM;
		if (rc)
			return rc;
		give_clear(r, addr, end);
		pred = base ? entry_last_at(r, base - PAGE_SIZE) : NULL;
	} else if (pt_prepare(s->pgdir, addr, npages)) {
		return -ENOMEM;
	}
	block_count_cached(npages, false);
	if (give_tree_map(r, base, in))
		pt_flush_run(s->pgdir, addr, (uint32_t)npages);
	avl_paste_after(&r->entries, pred ? &pred->node : NULL, in);
	return 0;
}
