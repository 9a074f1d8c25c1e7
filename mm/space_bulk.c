/*
 * space_bulk.c - whole address spaces in bulk (SPEC §4, §6): fork's copy
 * of every region, and the teardown of a space that goes away with its
 * page directory.
 *
 * Guarantees: the result is what copying entry by entry (entry_attach)
 * or destroying entry by entry (entry_detach) gives - the same entries,
 * block references and PTEs - at the cost of one slab object and one pass
 * over the PTEs per entry: a region's entry tree is cloned in shape
 * (avl_clone: no search, no rotation), PTEs are written a page table at a
 * time with no TLB flush, and the parent's TLB is flushed once per fork.
 * Teardown drains the trees children first and leaves the dying
 * directory's PTEs alone (pt_free_dir frees the tables). A fork that runs
 * out of memory changes nothing the parent can see.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include "region_internal.h"

/* Blank entries for a copy, and the region they go to. */
struct entry_pool {
	struct region_entry *free; /* chained through next_ref */
	struct region *dst;
};

/* Free a pool's unused entries. */
static void pool_free(struct region_entry *list)
{
	while (list) {
		struct region_entry *next = list->next_ref;

		SLAB_FREE(list);
		list = next;
	}
}

/* One blank entry per entry of src, and dst's page tables under each:
 * everything that can fail, done before anything is shared. */
static int pool_fill(struct entry_pool *p, struct region *src)
{
	paddr_t dir = region_pgdir(p->dst);

	for (struct region_entry *e = entry_first(src); e; e = entry_next(e)) {
		struct region_entry *ne = entry_new(NULL);

		if (!ne)
			return -ENOMEM;
		USE(ne, ne->next_ref = p->free);
		p->free = ne;
		if (pt_prepare(dir, p->dst->start + e->offset,
			       e->block->npages))
			return -ENOMEM;
	}
	return 0;
}

/* avl_clone's copy: a pooled entry takes a reference to n's block at
 * n's offset and maps it; a COW block gaining its second user makes the
 * first one read-only (its TLB is flushed by the caller). */
static struct avl_node *copy_entry(const struct avl_node *n, void *ctx)
{
	struct entry_pool *p = ctx;
	const struct region_entry *src =
	    container_of(n, struct region_entry, node);
	struct region_entry *e = p->free, *other;
	struct phys_block *b = src->block;

	p->free = e->next_ref;
	USE(e, e->region = p->dst; e->offset = src->offset; e->block = b;
	    e->next_ref = b->refs);
	USE(b, b->refs = e; b->refcount++);
	pt_set_run(region_pgdir(p->dst), entry_va(e), b->pa, b->npages,
		   entry_pte_flags(e));
	other = e->next_ref;
	if (b->share == BLOCK_COW && b->refcount == 2)
		pt_set_run(region_pgdir(other->region), entry_va(other), b->pa,
			   b->npages, entry_pte_flags(other));
	return &e->node;
}

/* Copy (fork, remap): dst, new and empty, gets a new reference to each of
 * src's blocks, its entry tree shaped like src's. */
int region_copy_entries(struct region *dst, struct region *src)
{
	struct entry_pool p = {.free = NULL, .dst = dst};

	if (pool_fill(&p, src)) {
		pool_free(p.free);
		return -ENOMEM;
	}
	avl_clone(&dst->entries, &src->entries, copy_entry, &p);
	BUG_ON(p.free);
	return 0;
}

/* Fork: a new space with a copy of every region; each backend decides
 * what a copy is (copy-on-write blocks, the same shared blocks, the same
 * physical range). One TLB flush for the parent's lost write access. */
struct mm_space *mm_space_fork(struct mm_space *parent)
{
	struct mm_space *child = mm_space_new();
	struct region *r, *nr = NULL;

	if (!child)
		return NULL;
	for (r = region_first(parent); r; r = region_next(r)) {
		nr = region_create(child, r);
		if (!nr || r->ops->copy(nr, r))
			break;
	}
	if (parent->pgdir == arch_current_pgdir())
		arch_tlb_flush_all();
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
