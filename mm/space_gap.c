/*
 * space_gap.c - finding room for a new mapping in O(log n) (SPEC §7).
 *
 * Each region node of a space's tree keeps a summary of its subtree
 * (kept by the AVL update hook, children first): sub_low, the lowest
 * address its first region reserves (a stack reserves down to its
 * grow_limit); sub_end, the end of its last region; sub_gap, the largest
 * free gap between two consecutive regions inside it. Regions are
 * disjoint and sorted, so the gap before a region is its low address
 * minus the end of the region before it (0 if a stack's reserve reaches
 * below that end). mm_find_free climbs from the hint's region and
 * descends only into a subtree whose sub_gap is large enough: first fit
 * in address order, the answer the linear walk would give.
 *
 * Invariant: every node's summary is what region_gap_update computes
 * from its children (checked by region_gap_sanity); whoever changes a
 * region's start, len or grow_limit in place calls avl_propagate.
 */
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include <mm/sanity.h>
#include "region_internal.h"

/* Lowest address a region reserves: a stack reserves room to grow. */
static vaddr_t region_low(const struct region *r)
{
	return (r->flags & REGION_GROWSDOWN) ? r->grow_limit : r->start;
}

static struct region *node_region(const struct avl_node *n)
{
	return avl_entry(n, struct region, node);
}

/* Free bytes from end to low (0 if they overlap). */
static size_t gap(vaddr_t end, vaddr_t low)
{
	return low > end ? low - end : 0;
}

/* The summary of r's subtree from r and its children's summaries. */
static void summarise(struct region *r)
{
	const struct region *L = node_region(r->node.left);
	const struct region *R = node_region(r->node.right);
	size_t g = 0;

	r->sub_low = L ? L->sub_low : region_low(r);
	r->sub_end = R ? R->sub_end : region_end(r);
	if (L)
		g = MAX(L->sub_gap, gap(L->sub_end, region_low(r)));
	if (R)
		g = MAX(g, MAX(R->sub_gap, gap(region_end(r), R->sub_low)));
	r->sub_gap = g;
}

/* The AVL update hook of a space's region tree (the node is writable). */
void region_gap_update(struct avl_node *n)
{
	summarise(node_region(n));
}

/* The start of the first gap of at least len inside t's subtree (its
 * sub_gap says there is one). */
static vaddr_t first_gap_in(const struct region *t, size_t len)
{
	for (;;) {
		const struct region *L = node_region(t->node.left);
		const struct region *R = node_region(t->node.right);

		if (L && L->sub_gap >= len) {
			t = L;
			continue;
		}
		if (L && gap(L->sub_end, region_low(t)) >= len)
			return L->sub_end;
		BUG_ON(!R);
		if (gap(region_end(t), R->sub_low) >= len)
			return region_end(t);
		t = R;
	}
}

/* The first gap of at least len after r (which ends at or above where the
 * search began), climbing towards the root; 0 if none below USER_TOP. */
static vaddr_t first_gap_after(const struct region *r, size_t len)
{
	vaddr_t end = region_end(r); /* the end of all regions seen so far */
	const struct avl_node *n = &r->node;

	for (;;) {
		const struct region *R = node_region(n->right);

		if (R) {
			if (gap(end, R->sub_low) >= len)
				return end;
			if (R->sub_gap >= len)
				return first_gap_in(R, len);
			end = R->sub_end;
		}
		while (n->parent && n == n->parent->right)
			n = n->parent;
		if (!n->parent)
			break;
		n = n->parent;
		if (gap(end, region_low(node_region(n))) >= len)
			return end;
		end = region_end(node_region(n));
	}
	return USER_TOP - end >= len ? end : 0;
}

/* First fit in address order from hint, for mmap without MAP_FIXED: the
 * lowest va >= hint (default MMAP_DEFAULT_BASE) with [va, +len) free of
 * regions and of stacks' reserves; 0 if there is none. */
vaddr_t mm_find_free(struct mm_space *s, vaddr_t hint, size_t len)
{
	vaddr_t va = hint ? hint : MMAP_DEFAULT_BASE;
	struct region *r;

	if (len == 0 || !PAGE_ALIGNED(len) || len >= USER_TOP || va >= USER_TOP)
		return 0;
	va = MAX(PAGE_ROUND_UP(va), PAGE_SIZE);
	r = region_first_after(s, va);
	if (!r)
		return USER_TOP - va >= len ? va : 0;
	if (region_low(r) >= va && region_low(r) - va >= len)
		return va;
	return first_gap_after(r, len);
}

/* Every summary is what its children give (sanity walk). */
static void gap_sanity_sub(struct sanity *s, const struct avl_node *n)
{
	struct region *r = node_region(n), want;

	if (!n)
		return;
	gap_sanity_sub(s, n->left);
	gap_sanity_sub(s, n->right);
	want = *r;
	summarise(&want);
	if (want.sub_low != r->sub_low || want.sub_end != r->sub_end ||
	    want.sub_gap != r->sub_gap)
		sanity_fail(s,
			    "region %#x: gap summary %#x/%#x/%#zx, not "
			    "%#x/%#x/%#zx",
			    r->start, r->sub_low, r->sub_end, r->sub_gap,
			    want.sub_low, want.sub_end, want.sub_gap);
}

void region_gap_sanity(struct sanity *s, struct mm_space *sp)
{
	gap_sanity_sub(s, sp->regions.root);
}
