/*
 * entry.c - region entries (SPEC §4). An entry is one region's use of one
 * whole physical block: it sits in the region's tree at the block's
 * offset, and on the block's list of references (refs, next_ref).
 *
 * Invariants: an entry maps every page of its block, and its PTEs are
 * exactly what entry_pte_flags() says (writable only if the region is and
 * the block is shared or has this single reference); the block's refcount
 * counts the entries on its list. An "unattached" entry (from entry_new
 * or block_alloc_runs) is in no tree and on no list yet. Entries are slab
 * objects: writes are inside USE() or a slab_unprotect_any() pair.
 *
 * This file also holds the backend hooks shared by every block-backed
 * backend (anonymous and shared): copy, release, sync and sanity.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include "region_internal.h"

/* Order entries by offset. */
static int entry_cmp(const struct avl_node *a, const struct avl_node *b)
{
	vaddr_t x = container_of(a, struct region_entry, node)->offset;
	vaddr_t y = container_of(b, struct region_entry, node)->offset;

	return x < y ? -1 : x > y;
}

/* Compare an offset key with an entry's offset. */
static int entry_key(const void *key, const struct avl_node *n)
{
	vaddr_t k = *(const vaddr_t *)key;
	vaddr_t y = container_of(n, struct region_entry, node)->offset;

	return k < y ? -1 : k > y;
}

/* A region's entry tree: keyed by offset, nodes in slab objects. */
void entry_tree_init(struct avl_tree *t)
{
	slab_tree_init(t, entry_cmp);
}

/* Store through a pointer into some slab object (a reference link). */
static void set_link(struct region_entry **pp, struct region_entry *v)
{
#if MM_SANITY
	slab_unprotect_any(pp);
	*pp = v;
	slab_protect_any(pp);
#else
	*pp = v;
#endif
}

/* An entry for b that is nowhere yet; NULL if no memory. */
struct region_entry *entry_new(struct phys_block *b)
{
	struct region_entry *e = slab_alloc(sizeof(*e));

	if (e)
		USE(e, e->node.left = e->node.right = e->node.parent = NULL;
		    e->node.height = 0; e->offset = 0; e->region = NULL;
		    e->block = b; e->next_ref = NULL);
	return e;
}

/* ---- lookups ---- */

/* The entry covering offset off of r (the last one starting at or below
 * it, if it reaches that far), or NULL. */
struct region_entry *entry_find(struct region *r, vaddr_t off)
{
	struct avl_node *n = avl_find_le(&r->entries, &off, entry_key);
	struct region_entry *e = avl_entry(n, struct region_entry, node);

	return e && off < e->offset + entry_bytes(e) ? e : NULL;
}

/* The last entry starting at or below off, or NULL. */
struct region_entry *entry_last_at(struct region *r, vaddr_t off)
{
	return avl_entry(avl_find_le(&r->entries, &off, entry_key),
			 struct region_entry, node);
}

/* The first entry starting at or above off: the end of a hole. */
struct region_entry *entry_first_from(struct region *r, vaddr_t off)
{
	return avl_entry(avl_find_ge(&r->entries, &off, entry_key),
			 struct region_entry, node);
}

/* The lowest entry of r, or NULL. */
struct region_entry *entry_first(struct region *r)
{
	return avl_entry(avl_first(&r->entries), struct region_entry, node);
}

/* The entry after e in offset order, or NULL. */
struct region_entry *entry_next(struct region_entry *e)
{
	return avl_entry(avl_next(&e->node), struct region_entry, node);
}

/* ---- page tables ---- */

/* The PTE flags of b's pages in region r when b has refcount users (0:
 * not present). */
unsigned block_pte_flags(const struct region *r, const struct phys_block *b,
			 uint32_t refcount)
{
	unsigned flags = PTE_P | PTE_U;

	if (!(r->prot & PROT_RWX))
		return 0;
	/* A COW block shared by several entries stays read-only. */
	if ((r->prot & PROT_WRITE) &&
	    (b->share == BLOCK_SHARED || refcount == 1))
		flags |= PTE_W;
	return flags;
}

/* The PTE flags e's pages must have (0: not present). */
unsigned entry_pte_flags(const struct region_entry *e)
{
	return block_pte_flags(e->region, e->block, e->block->refcount);
}

/* Make e's PTEs what entry_pte_flags() says; page tables exist. One
 * pass over the slots, then one flush for the run if it was loaded. */
void entry_sync(struct region_entry *e)
{
	paddr_t dir = region_pgdir(e->region);
	uint32_t n = e->block->npages;

	if (pt_set_run(dir, entry_va(e), e->block->pa, n, entry_pte_flags(e)))
		pt_flush_run(dir, entry_va(e), n);
}

/* ---- attaching and detaching ---- */

/* Link e into r's tree and its block's reference list; no PTE change
 * (block_split re-links entries whose pages are already mapped). */
void entry_link(struct region *r, struct region_entry *e, vaddr_t offset)
{
	struct phys_block *b = e->block;

	USE(e, e->region = r; e->offset = offset; e->next_ref = b->refs);
	USE(b, b->refs = e; b->refcount++);
	BUG_ON(avl_insert(&r->entries, &e->node));
}

/* entry_link for a sorted run: e goes right after prev, which is in r's
 * tree, and before prev's successor (no comparison). */
void entry_link_after(struct region *r, struct region_entry *e, vaddr_t offset,
		      struct region_entry *prev)
{
	struct phys_block *b = e->block;

	USE(e, e->region = r; e->offset = offset; e->next_ref = b->refs);
	USE(b, b->refs = e; b->refcount++);
	avl_insert_after(&r->entries, &prev->node, &e->node);
}

/* Link e and map it; a block gaining a second COW user turns read-only
 * in every space, so all its entries are synced. */
void entry_attach(struct region *r, struct region_entry *e, vaddr_t offset)
{
	entry_link(r, e, offset);
	block_sync(e->block);
}

/* Attach a block_alloc_runs chain: each at offset + its run position. */
void entry_attach_list(struct region *r, struct region_entry *list,
		       vaddr_t offset)
{
	while (list) {
		struct region_entry *next = list->next_ref;

		entry_attach(r, list, offset + list->offset);
		list = next;
	}
}

/* Take e off its block's reference list and free it; the block (one
 * reference fewer) is returned. */
static struct phys_block *entry_unref(struct region_entry *e)
{
	struct phys_block *b = e->block;
	struct region_entry **pp = &b->refs;

	while (*pp != e) {
		BUG_ON(!*pp);
		pp = &(*pp)->next_ref;
	}
	set_link(pp, e->next_ref);
	USE(b, b->refcount--);
	SLAB_FREE(e);
	return b;
}

/* Move e, which stays where it is in its tree, from its block (which
 * keeps at least one other reference) to nb, which has none yet; no PTE
 * change (the caller syncs). */
void entry_rebind(struct region_entry *e, struct phys_block *nb)
{
	struct phys_block *b = e->block;
	struct region_entry **pp = &b->refs;

	BUG_ON(b->refcount < 2 || nb->refcount || nb->npages != b->npages);
	while (*pp != e) {
		BUG_ON(!*pp);
		pp = &(*pp)->next_ref;
	}
	set_link(pp, e->next_ref);
	USE(b, b->refcount--);
	USE(e, e->block = nb; e->next_ref = NULL);
	USE(nb, nb->refs = e; nb->refcount = 1);
}

/* Unmap e, take it out of its tree and its block's list, free it; the
 * block (one reference fewer) is returned. */
static struct phys_block *entry_unlink(struct region_entry *e)
{
	paddr_t dir = region_pgdir(e->region);
	vaddr_t va = entry_va(e);
	uint32_t n = e->block->npages;

	if (pt_set_run(dir, va, 0, n, 0))
		pt_flush_run(dir, va, n);
	avl_remove(&e->region->entries, &e->node);
	return entry_unref(e);
}

/* b lost a reference: its last user frees its pages, and a sole
 * survivor of a COW block may write again at once. */
static void block_put(struct phys_block *b)
{
	if (b->refcount == 0) {
		phys_free(b->pa, b->npages, PHYS_USER);
		block_free_obj(b);
	} else if (b->refcount == 1) {
		block_sync(b);
	}
}

/* Unmap and free e; its block loses a reference. */
void entry_detach(struct region_entry *e)
{
	block_put(entry_unlink(e));
}

/* Free e, whose region's tree and PTEs are being discarded whole (the
 * space goes with its directory): no PTE or tree edit for e itself. */
void entry_drop(struct region_entry *e)
{
	block_put(entry_unref(e));
}

/* Take e out of its tree and free it and its block object, keeping the
 * pages (yield): the block must be private. The caller clears e's PTEs
 * (one pass and one flush for a whole range). */
void entry_steal(struct region_entry *e)
{
	BUG_ON(e->block->refcount != 1);
	avl_remove(&e->region->entries, &e->node);
	block_free_obj(entry_unref(e));
}

/* ---- hooks of block-backed backends ---- */

/* Release: drop every entry (blocks are freed with their last one). */
void region_release_entries(struct region *r)
{
	struct region_entry *e;

	while ((e = entry_first(r)))
		entry_detach(e);
}

/* Sync: rewrite every entry's PTEs (after a protection change). */
void region_sync_entries(struct region *r)
{
	for (struct region_entry *e = entry_first(r); e; e = entry_next(e))
		entry_sync(e);
}

/* Every PTE of e is what entry_pte_flags() says. */
static void entry_sanity_ptes(struct sanity *s, struct region_entry *e)
{
	paddr_t dir = region_pgdir(e->region), pa;
	unsigned want = entry_pte_flags(e), flags;
	vaddr_t va = entry_va(e);

	for (uint32_t i = 0; i < e->block->npages; i++, va += PAGE_SIZE) {
		bool present = pt_lookup(dir, va, &pa, &flags);

		if (!want && present)
			sanity_fail(s, "va %#x mapped in a PROT_NONE region",
				    va);
		if (want && (!present || pa != e->block->pa + i * PAGE_SIZE ||
			     (flags & (PTE_P | PTE_W | PTE_U)) != want))
			sanity_fail(s,
				    "va %#x: pte %#x/%#x, block page %#x/%#x",
				    va, present ? pa : 0, present ? flags : 0,
				    e->block->pa + i * PAGE_SIZE, want);
	}
}

/* Sanity, first pass: entries sorted and inside r, PTEs right; count
 * each block's references and mark its pages once. */
void region_sanity_entries(struct sanity *s, struct region *r)
{
	vaddr_t prev_end = 0;

	if (!avl_check(&r->entries))
		sanity_fail(s, "region %#x: entry tree broken", r->start);
	for (struct region_entry *e = entry_first(r); e; e = entry_next(e)) {
		struct phys_block *b = e->block;

		if (e->region != r || !b || b->npages == 0 ||
		    !PAGE_ALIGNED(e->offset) || e->offset < prev_end ||
		    e->offset >= r->len || r->len - e->offset < entry_bytes(e))
			sanity_fail(s, "region %#x: bad entry at offset %#x",
				    r->start, e->offset);
		prev_end = e->offset + entry_bytes(e);
		entry_sanity_ptes(s, e);
		if (b->sanity_refs == 0)
			sanity_mark(s, b->pa, b->npages, "user block");
		USE(b, b->sanity_refs++);
	}
}
