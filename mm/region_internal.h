/*
 * region_internal.h - what mm/region.c offers the backends, the mapping
 * calls, the fault handler and take/give: the only functions that change
 * spaces, regions, entries and blocks (SPEC §4). Private to mm/.
 *
 * Invariants kept by these functions:
 * - an entry maps its whole block: pages [offset, offset + npages pages);
 * - every page of every entry has a page table in its space's directory,
 *   so re-writing PTEs (entry_sync) can never fail;
 * - an entry's PTEs are those entry_pte_flags() says: not present in a
 *   PROT_NONE region, else user, and writable only if the region is
 *   writable and the block is shared or has a single reference.
 */
#ifndef MM_REGION_INTERNAL_H
#define MM_REGION_INTERNAL_H

#include <mm/region.h>

struct sanity;

/* A backend. Optional hooks may be NULL. */
struct region_ops {
	const char *name;
	/* Make the not-present page va of r present (the access was allowed).
	 */
	int (*fault)(struct region *r, vaddr_t va, bool write);
	/* Optional: make [start, end) of r present at once. */
	int (*populate)(struct region *r, vaddr_t start, vaddr_t end);
	/* dst is new (fork, remap) and empty: give it src's contents. */
	int (*copy)(struct region *dst, struct region *src);
	/* Drop every page of r (unmap, destroy). */
	void (*release)(struct region *r);
	/* Rewrite every PTE of r after a protection change. */
	void (*sync)(struct region *r);
	void (*sanity)(struct sanity *s, struct region *r);
};

/* Most anonymous blocks made at once by populate (and cloned per fault). */
#define REGION_MAX_BLOCK_PAGES 64u

static inline vaddr_t region_end(const struct region *r)
{
	return r->start + r->len;
}

static inline vaddr_t entry_va(const struct region_entry *e)
{
	return e->region->start + e->offset;
}

static inline size_t entry_bytes(const struct region_entry *e)
{
	return (size_t)e->block->npages * PAGE_SIZE;
}

static inline paddr_t region_pgdir(const struct region *r)
{
	return r->space->pgdir;
}

/* 0 for a valid user range: page aligned, nonzero, no wrap, not page 0,
 * below USER_TOP; -EINVAL otherwise. */
int region_check_range(vaddr_t start, size_t len);
/* True if no region of s overlaps [start, +len). */
bool region_range_free(struct mm_space *s, vaddr_t start, size_t len);

/* Check prot and the range, then create the (empty) region t in s:
 * 0, -EINVAL, -EEXIST or -ENOMEM. */
int region_map_new(struct mm_space *s, const struct region *t,
		   struct region **out);
/* Split the regions straddling start or end so that none does. */
int region_split_edges(struct mm_space *s, vaddr_t start, vaddr_t end);

/* Regions. tmpl gives start, len, prot, flags, ops, phys and grow_limit. */
struct region *region_create(struct mm_space *s, const struct region *tmpl);
/* Release the pages (backend), take r out of its space, free it. */
void region_destroy(struct region *r);
/* Split r at at (inside, page aligned): 0 or -ENOMEM (nothing changed). */
int region_split(struct region *r, vaddr_t at);
/* Move r's start down to new_start (the gap must be free). */
void region_grow_down(struct region *r, vaddr_t new_start);
void region_set_prot(struct region *r, unsigned prot);
struct region *region_first(struct mm_space *s);
struct region *region_next(struct region *r);
/* First region ending above va, or NULL. */
struct region *region_first_after(struct mm_space *s, vaddr_t va);

/* Blocks and entries. */
struct phys_block *block_new(paddr_t pa, uint32_t npages,
			     enum block_share share);
/* Free a block object with no references (not its pages). */
void block_free_obj(struct phys_block *b);
/* Split b after its first k pages, and every entry using it: 0 / -ENOMEM. */
int block_split(struct phys_block *b, uint32_t k);
/* Allocate npages zeroed PHYS_USER pages as blocks of at most max pages
 * (smaller runs when memory is fragmented), each with an unattached
 * entry; the entries are chained through next_ref. NULL if no memory. */
struct region_entry *block_alloc_runs(uint32_t npages, uint32_t max,
				     enum block_share share, bool zero);
/* Undo block_alloc_runs / entry_new for unattached entries. */
void entry_free_unattached(struct region_entry *list, bool free_pages);
/* An unattached entry for block b (NULL if no memory). */
struct region_entry *entry_new(struct phys_block *b);
/* Attach an unattached entry at offset in r (page tables must exist);
 * the block gains a reference and all its entries' PTEs are updated. */
void entry_attach(struct region *r, struct region_entry *e, vaddr_t offset);
/* Attach a chain from block_alloc_runs at consecutive offsets. */
void entry_attach_list(struct region *r, struct region_entry *list,
		       vaddr_t offset);
/* Unmap and free e; drop its block's reference (pages freed at zero). */
void entry_detach(struct region_entry *e);
/* Remove e and free its block object, keeping the pages (take). The block
 * must have no other reference. */
void entry_steal(struct region_entry *e);
/* The entry covering page offset off of r, or NULL. */
struct region_entry *entry_find(struct region *r, vaddr_t off);
struct region_entry *entry_first(struct region *r);
/* First entry at offset off or above, or NULL. */
struct region_entry *entry_first_from(struct region *r, vaddr_t off);
struct region_entry *entry_next(struct region_entry *e);
/* Rewrite e's PTEs from the region protection and the block state. */
void entry_sync(struct region_entry *e);
unsigned entry_pte_flags(const struct region_entry *e);

/* Generic block-backed backend parts (anonymous and shared). */
int region_copy_entries(struct region *dst, struct region *src);
void region_release_entries(struct region *r);
void region_sync_entries(struct region *r);
void region_sanity_entries(struct sanity *s, struct region *r);

#endif
