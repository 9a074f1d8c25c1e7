/*
 * space_bulk.c - whole address spaces in bulk (SPEC §4, §6): fork's copy
 * of every region, and the teardown of a space that goes away with its
 * page directory.
 *
 * Guarantees: the result is what copying entry by entry (entry_attach)
 * or destroying entry by entry (entry_detach) gives - the same entries,
 * block references and PTEs - at the cost of one slab object and one pass
 * over the PTEs per entry: PTEs are written on both sides in one walk in
 * address order (a cursor per directory: each page table looked up once),
 * the region's entry tree is then cloned in shape (avl_clone: no search,
 * no rotation), and the parent's TLB is flushed once per fork.
 * Teardown drains the trees children first and leaves the dying
 * directory's PTEs alone (pt_free_dir frees the tables). A fork that runs
 * out of memory changes nothing the parent can see.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include "region_internal.h"

/* A copy in progress: blank entries, where they go, and the two
 * directories' cursors (both walked in address order). */
struct region_copy {
	struct region_entry *free; /* blank entries, chained by next_ref */
	struct region *dst, *src;
	struct pt_cursor dc, sc;
};

/* Free a copy's unused blank entries. */
static void pool_free(struct region_entry *list)
{
	while (list) {
		struct region_entry *next = list->next_ref;

		SLAB_FREE(list);
		list = next;
	}
}

/* The PTEs e's pages get in both regions once dst shares the block: a
 * COW block loses write access everywhere. dst's tables are allocated. */
static int copy_ptes(struct region_copy *c, const struct region_entry *e)
{
	const struct phys_block *b = e->block;
	uint32_t dpte = pt_make_pte(
		     b->pa, block_pte_flags(c->dst, b, b->refcount + 1)),
		 spte = pt_make_pte(
		     b->pa, block_pte_flags(c->src, b, b->refcount + 1));
	uint32_t step = PAGE_SIZE;
	vaddr_t dva = c->dst->start + e->offset, sva = entry_va(e);

	for (uint32_t i = 0; i < b->npages; i++, dva += step, sva += step) {
		uint32_t *d = pt_cursor_slot(&c->dc, dva, true);
		uint32_t *s = pt_cursor_slot(&c->sc, sva, false);

		if (!d)
			return -ENOMEM;
		BUG_ON(!s); /* an entry's pages always have their tables */
		*d = dpte ? dpte + i * step : 0;
		*s = spte ? spte + i * step : 0;
	}
	return 0;
}

/* One pass over src in address order: a blank entry per entry and the
 * PTEs on both sides; everything that can fail happens here. */
static int copy_prepare(struct region_copy *c)
{
	for (struct region_entry *e = entry_first(c->src); e;
	     e = entry_next(e)) {
		struct region_entry *ne = entry_new(NULL);

		if (!ne)
			return -ENOMEM;
		USE(ne, ne->next_ref = c->free);
		c->free = ne;
		if (copy_ptes(c, e))
			return -ENOMEM;
	}
	return 0;
}

/* avl_clone's copy: a blank entry takes a reference to n's block at n's
 * offset (its PTEs are written already). */
static struct avl_node *copy_entry(const struct avl_node *n, void *ctx)
{
	struct region_copy *c = ctx;
	const struct region_entry *src =
	    container_of(n, struct region_entry, node);
	struct region_entry *e = c->free;
	struct phys_block *b = src->block;

	c->free = e->next_ref;
	USE(e, e->region = c->dst; e->offset = src->offset; e->block = b;
	    e->next_ref = b->refs);
	USE(b, b->refs = e; b->refcount++);
	return &e->node;
}

/* Copy (fork, remap): dst, new and empty, gets a new reference to each of
 * src's blocks, its entry tree shaped like src's. On failure src's PTEs
 * are rewritten from its (unchanged) entries. */
int region_copy_entries(struct region *dst, struct region *src)
{
	struct region_copy c = {.free = NULL, .dst = dst, .src = src};

	pt_cursor_init(&c.dc, region_pgdir(dst));
	pt_cursor_init(&c.sc, region_pgdir(src));
	if (copy_prepare(&c)) {
		pool_free(c.free);
		region_sync_entries(src);
		return -ENOMEM;
	}
	avl_clone(&dst->entries, &src->entries, copy_entry, &c);
	BUG_ON(c.free);
	return 0;
}

/* Fork: a new space with a copy of every region but MADV_DONTFORK ones;
 * each backend decides what a copy is (copy-on-write blocks, the same
 * shared blocks, the same physical range). Locks are not inherited. One
 * TLB flush for the parent's lost write access. */
struct mm_space *mm_space_fork(struct mm_space *parent)
{
	struct mm_space *child = mm_space_new();
	struct region *r, *nr = NULL;

	if (!child)
		return NULL;
	for (r = region_first(parent); r; r = region_next(r)) {
		struct region t = *r;

		if (r->flags & REGION_DONTFORK)
			continue; /* madvise(MADV_DONTFORK) */
		t.flags &= ~(REGION_LOCKED | REGION_LOCKONFAULT); /* as Linux */
		nr = region_create(child, &t);
		if (!nr)
			break;
		if (r->flags & REGION_WIPEONFORK)
			continue; /* anonymous: the child's reads give zeros */
		if (r->ops->copy(nr, r))
			break;
	}
	arch_tlb_shootdown(parent->pgdir, 0, 0);
	if (r) {
		/* Dropping the child's references restores the parent's
		 * writable PTEs. */
		mm_space_destroy(child);
		return NULL;
	}
	return child;
}

/* avl_drain's visit for an entry tree. */
static void drop_entry(struct avl_node *n, void *ctx)
{
	(void)ctx;
	entry_drop(container_of(n, struct region_entry, node));
}

/* avl_drain's visit for a region tree: its entries, then what else the
 * backend holds (a direct mapping unmaps), then the region. */
static void drop_region(struct avl_node *n, void *ctx)
{
	struct region *r = container_of(n, struct region, node);

	(void)ctx;
	avl_drain(&r->entries, drop_entry, NULL);
	r->ops->release(r);
	SLAB_FREE(r);
}

/* Every region of s, which is not loaded and whose directory is freed
 * next: no PTE is cleared and no tree rebalanced. */
void space_drop_regions(struct mm_space *s)
{
	BUG_ON(s->pgdir == arch_current_pgdir());
	avl_drain(&s->regions, drop_region, NULL);
}
