/*
 * space_merge.c - merging neighbouring regions (SPEC §7), as Linux's
 * vma_merge: two regions that touch, have the same backend, protection
 * and flags, and whose backend agrees (its join hook: anonymous memory
 * always, a file or shared memory object when the offsets run on) become
 * one. brk growth, adjacent anonymous mmaps and mprotect or mlock
 * splitting then rejoining thus keep a long-running program's region
 * count small.
 *
 * Guarantees: a merge changes no meaning - the same pages are mapped at
 * the same addresses with the same PTEs; only the region objects change
 * (the right one's entries move into the left one, rebased, and the right
 * one is freed). A merge needs no memory, so it cannot fail.
 */
#include <kernel/printk.h>
#include "region_internal.h"

/* May b, starting where a ends, join a? Stacks never merge: each has its
 * own growth limit. */
static bool mergeable(const struct region *a, const struct region *b)
{
	return region_end(a) == b->start && a->ops == b->ops &&
	       a->prot == b->prot && a->flags == b->flags &&
	       !(a->flags & REGION_GROWSDOWN) && a->ops->join;
}

/* b's entries move into a (rebased by a's length), a grows over b, and
 * b leaves the tree and is freed. */
static void absorb(struct region *a, struct region *b)
{
	vaddr_t delta = a->len;
	struct region_entry *e;

	while ((e = entry_first(b))) {
		avl_remove(&b->entries, &e->node);
		USE(e, e->offset += delta; e->region = a);
		BUG_ON(avl_insert(&a->entries, &e->node));
	}
	region_unlink(b);
	USE(a, a->len += b->len);
	avl_propagate(&a->space->regions, &a->node); /* its end moved */
	SLAB_FREE(b);
}

/* Merge a with the region after it if they may; true if merged. */
static bool merge_next(struct region *a)
{
	struct region *b = region_next(a);

	if (!b || !mergeable(a, b) || !a->ops->join(a, b))
		return false;
	absorb(a, b);
	return true;
}

/* Merge every mergeable pair among the regions touching [start, end],
 * including the neighbours just outside it (after a call changed the
 * regions of that range). */
void region_merge_range(struct mm_space *s, vaddr_t start, vaddr_t end)
{
	struct region *r;

	r = region_first_after(s, start > PAGE_SIZE ? start - 1 : start);
	while (r && r->start <= end) {
		if (!merge_next(r))
			r = region_next(r);
	}
}

/* The region that contains r's pages after merging r with its two
 * neighbours (r itself may be freed). */
struct region *region_merge_around(struct region *r)
{
	struct region *prev = mm_find_region(r->space, r->start - 1);

	merge_next(r);
	if (prev && merge_next(prev))
		return prev;
	return r;
}
