/*
 * yield_tree.c - a yielded range kept whole (SPEC §9): the tree of region
 * entries that region_take_tree cut out of a region, with their private
 * blocks, as the yielded-block cache holds it until a get pastes it back.
 *
 * Invariants of such a tree: entries in order with offsets counting from
 * the range's start, contiguous from 0 (no hole); region NULL; each entry
 * the only reference of a BLOCK_COW block (refcount 1, refs the entry).
 * Its pages are counted PHYS_CACHED, not in the block counters, while
 * cached. Freeing or flattening it never allocates (reclaim calls it).
 */
#include <kernel/printk.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "region_internal.h"

/* An empty tree of entries keyed by offset (the yblock holds it). */
void region_tree_init(struct avl_tree *t)
{
	entry_tree_init(t);
}

/* Free e's block object (its pages are the caller's business) and e. */
static void tree_entry_free(struct region_entry *e)
{
	struct phys_block *b = e->block;

	USE(b, b->refcount = 0; b->refs = NULL);
	block_count_cached(b->npages, false); /* block_free_obj uncounts */
	block_free_obj(b);
	SLAB_FREE(e);
}

/* avl_drain's visitor for region_tree_free: pages freed as *kind. */
static void free_visit(struct avl_node *n, void *ctx)
{
	struct region_entry *e = container_of(n, struct region_entry, node);

	phys_free(e->block->pa, e->block->npages, *(enum phys_kind *)ctx);
	tree_entry_free(e);
}

/* Free everything the tree holds: pages (counted as kind), blocks and
 * entries; the tree is left empty. */
void region_tree_free(struct avl_tree *t, enum phys_kind kind)
{
	avl_drain(t, free_visit, &kind);
}

/* avl_drain's visitor for region_tree_flatten: objects only. */
static void flatten_visit(struct avl_node *n, void *ctx)
{
	(void)ctx;
	tree_entry_free(container_of(n, struct region_entry, node));
}

/* The tree's pages into pages[] in address order (as many as the tree
 * maps); its entries and blocks are freed, the pages kept. */
void region_tree_flatten(struct avl_tree *t, paddr_t *pages)
{
	size_t k = 0;

	for (struct avl_node *n = avl_first(t); n; n = avl_next(n)) {
		struct phys_block *b =
		    container_of(n, struct region_entry, node)->block;

		for (uint32_t i = 0; i < b->npages; i++)
			pages[k++] = b->pa + i * PAGE_SIZE;
	}
	avl_drain(t, flatten_visit, NULL);
}

/* The invariants above, npages pages in all; marks the pages. */
void region_tree_sanity(struct sanity *s, const struct avl_tree *t,
			size_t npages)
{
	size_t want = 0;

	if (!avl_check(t))
		sanity_fail(s, "ycache: entry tree broken");
	for (struct avl_node *n = avl_first(t); n; n = avl_next(n)) {
		struct region_entry *e =
		    container_of(n, struct region_entry, node);
		struct phys_block *b = e->block;

		if (e->region || e->offset != want || !b || b->npages == 0 ||
		    b->refcount != 1 || b->refs != e || e->next_ref ||
		    b->share != BLOCK_COW)
			sanity_fail(s, "ycache: bad cached entry at %#x",
				    e->offset);
		sanity_mark(s, b->pa, b->npages, "cached block");
		want += entry_bytes(e);
	}
	if (want != npages * PAGE_SIZE)
		sanity_fail(s,
			    "ycache: entry tree maps %zu bytes, not %zu pages",
			    want, npages);
}
