/*
 * region_internal.h - what the files of an address space share inside
 * mm/ (SPEC §4): the backend interface, physical blocks, region entries,
 * and the functions that change them. Nothing outside mm/ includes this.
 *
 *   space.c    an address space: its tree of regions, the memory calls
 *              on ranges (unmap, protect, populate), copy-in
 *   space_bulk.c  fork's copy of a whole space, and its teardown
 *   space_gap.c   free-gap summaries in the region tree, mm_find_free
 *   region.c   a region: a range of one space with one backend
 *   entry.c    a region entry: one region's use of one physical block
 *   block.c    a physical block: pages with a reference count
 *   fault.c    page faults, and copy-on-write (cow_break)
 *   region_anon.c, region_shared.c, region_direct.c, region_file.c:
 *              the backends
 *   region_take.c: moving pages out of / into a space (yield)
 *
 * Invariants kept by these functions:
 * - an entry maps its whole block: pages [offset, offset + npages pages);
 * - every page of every entry has a page table in its space's directory,
 *   so re-writing PTEs (entry_sync) can never fail;
 * - an entry's PTEs are those entry_pte_flags() says: not present in a
 *   PROT_NONE region, else user, and writable only if the region is
 *   writable and the block is shared or has a single reference;
 * - a block's refcount is the number of entries in its refs list.
 */
#ifndef MM_REGION_INTERNAL_H
#define MM_REGION_INTERNAL_H

#include <mm/region.h>
#include <mm/slab.h>

struct sanity;

/* Capabilities of a backend (region_ops.flags). */
#define REGION_OPS_SHARED 0x1u /* writes reach every mapping of the memory */
#define REGION_OPS_REMAP 0x2u  /* mm_remap may map it into another space */
#define REGION_OPS_YIELD 0x4u  /* its pages may be taken and given (yield) */
/* The region may grow in place (mremap): pages of the new part come on
 * demand from the fault hook, so only the length changes. */
#define REGION_OPS_RESIZE 0x8u
/* Private anonymous memory (madvise MADV_FREE and MADV_WIPEONFORK). */
#define REGION_OPS_ANON 0x10u
/* Raw physical frames, no memory pages (/dev/mem; Linux's VM_PFNMAP):
 * smaps counts none of them. */
#define REGION_OPS_PFNMAP 0x20u
/* A file's pages: the PTEs outside entries map the file's own pages. */
#define REGION_OPS_FILE 0x40u

/*
 * A backend. Optional hooks may be NULL. The region's backend_data word
 * belongs to the backend: only its own file reads or writes it (generic
 * code just copies it with the region template).
 */
struct region_ops {
	const char *name; /* for /proc/PID/maps and debugging */
	unsigned flags;	  /* REGION_OPS_* */
	/* Make the not-present page va of r present (the access was allowed).
	 */
	int (*fault)(struct region *r, vaddr_t va, bool write);
	/* Optional: make [start, end) of r present at once. */
	int (*populate)(struct region *r, vaddr_t start, vaddr_t end);
	/* dst is new (fork, remap) and empty: give it src's contents. May
	 * take write access from other spaces' PTEs without flushing their
	 * TLB: the caller flushes (mm_space_fork, once per fork). */
	int (*copy)(struct region *dst, struct region *src);
	/* Drop every page of r (unmap, destroy). */
	void (*release)(struct region *r);
	/* Rewrite every PTE of r after a protection change. */
	void (*sync)(struct region *r);
	/* Optional: nr was cut off r at offset cut (entries are moved by the
	 * caller); fix the backend's own data of nr. */
	void (*split)(struct region *r, struct region *nr, vaddr_t cut);
	/* Optional: the offset column of /proc/PID/maps (0 without). */
	uint32_t (*map_offset)(const struct region *r);
	/* Optional: b lies right after a with the same prot and flags; may
	 * it join a (mm/space_merge.c)? On true the backend has let go of
	 * b's own data (the caller moves the entries and frees b). NULL:
	 * regions of this backend never merge. */
	bool (*join)(struct region *a, struct region *b);
	/* Optional: r's pages move to nr (same length, another address;
	 * mremap): set nr's backend data. NULL: the data does not depend
	 * on the address (the template's copy is right). 0 or -ENOMEM. */
	int (*move)(struct region *nr, struct region *r);
	/* Optional: write [start, end) of r back to its store now (msync,
	 * shared file mappings); wait for the writes with wait. */
	int (*writeback)(struct region *r, vaddr_t start, vaddr_t end,
			 bool wait);
	/* Optional: free the memory behind [start, end) of r, which then
	 * reads as zeros in every mapping (madvise MADV_REMOVE). */
	int (*punch)(struct region *r, vaddr_t start, vaddr_t end);
	/* Optional: is page va of r in memory though not mapped here
	 * (mincore)? NULL: resident means mapped. */
	bool (*resident)(struct region *r, vaddr_t va);
	void (*sanity)(struct sanity *s, struct region *r);
};

enum block_share { BLOCK_COW, BLOCK_SHARED };

/*
 * A physical block: npages contiguous pages used by refcount entries (in
 * any spaces). BLOCK_COW blocks with several users are read-only to all of
 * them until cow_break; BLOCK_SHARED blocks stay writable.
 */
struct phys_block {
	paddr_t pa;
	uint32_t npages;
	uint32_t refcount;
	enum block_share share;
	struct region_entry *refs; /* every entry that points here */
	uint32_t sanity_refs;	   /* scratch for the sanity checker */
};

/* A region entry: the use of a whole block at an offset of a region. */
struct region_entry {
	struct avl_node node; /* in region->entries, keyed by offset */
	vaddr_t offset;	      /* page offset of the block within the region */
	struct region *region;
	struct phys_block *block;
	struct region_entry *next_ref; /* next entry sharing block */
};

/* Most anonymous blocks made at once by populate (and cloned per fault). */
#define REGION_MAX_BLOCK_PAGES 64u

static inline vaddr_t region_end(const struct region *r)
{
	return r->start + r->len;
}

static inline paddr_t region_pgdir(const struct region *r)
{
	return r->space->pgdir;
}

static inline vaddr_t entry_va(const struct region_entry *e)
{
	return e->region->start + e->offset;
}

static inline size_t entry_bytes(const struct region_entry *e)
{
	return (size_t)e->block->npages * PAGE_SIZE;
}

/* A tree whose nodes live in (read-only) slab objects: every write to a
 * node goes through slab_unprotect_any/slab_protect_any. */
static inline void slab_tree_init(struct avl_tree *t, avl_cmp_fn cmp)
{
	avl_init(t, cmp);
#if MM_SANITY
	t->write_begin = slab_unprotect_any;
	t->write_end = slab_protect_any;
#endif
}

/* ---- space.c ---- */

/* 0 for a valid user range: page aligned, nonzero, no wrap, not page 0,
 * below USER_TOP; -EINVAL otherwise. */
int region_check_range(vaddr_t start, size_t len);
/* True if no region of s overlaps [start, +len). */
bool region_range_free(struct mm_space *s, vaddr_t start, size_t len);
/* Split the regions straddling start or end so that none does. */
int region_split_edges(struct mm_space *s, vaddr_t start, vaddr_t end);
struct region *region_first(struct mm_space *s);
struct region *region_next(struct region *r);
/* Take r out of its space's region tree (it is freed or merged next). */
void region_unlink(struct region *r);
/* First region ending above va, or NULL. */
struct region *region_first_after(struct mm_space *s, vaddr_t va);
/* The first live space (walk on with next_space). */
struct mm_space *region_space_list(void);

/* ---- region_file.c ---- */

/* Forget every file map (with mm_region_init). */
void region_file_init(void);

/* ---- space_gap.c ---- */

/* The region tree's AVL update hook: r's subtree summary (sub_low,
 * sub_end, sub_gap) from its children's. */
void region_gap_update(struct avl_node *n);
/* Sanity: every summary of sp's region tree is right. */
void region_gap_sanity(struct sanity *s, struct mm_space *sp);

/* ---- space_merge.c ---- */

/* Merge the mergeable neighbours among the regions touching [start,
 * end] (never fails, changes no meaning). */
void region_merge_range(struct mm_space *s, vaddr_t start, vaddr_t end);
/* Merge r with its neighbours; the region now holding r's pages. */
struct region *region_merge_around(struct region *r);

/* ---- space_bulk.c ---- */

/* Destroy every region of s, not loaded, whose directory is freed next. */
void space_drop_regions(struct mm_space *s);

/* ---- region.c ---- */

/* Check prot and the range, then create the (empty) region t in s:
 * 0, -EINVAL, -EEXIST or -ENOMEM. */
int region_map_new(struct mm_space *s, const struct region *t,
		   struct region **out);
/* Regions. tmpl gives start, len, prot, flags, ops, backend_data and
 * grow_limit. */
struct region *region_create(struct mm_space *s, const struct region *tmpl);
/* Release the pages (backend), take r out of its space, free it. */
void region_destroy(struct region *r);
/* Split r at at (inside, page aligned): 0 or -ENOMEM (nothing changed). */
int region_split(struct region *r, vaddr_t at);
/* Move r's start down to new_start (the gap must be free). */
void region_grow_down(struct region *r, vaddr_t new_start);
void region_set_prot(struct region *r, unsigned prot);
/* May r's pages be taken and given (the yielded-block cache)? */
bool region_may_yield(const struct region *r);

/* ---- block.c ---- */

struct phys_block *block_new(paddr_t pa, uint32_t npages,
			     enum block_share share);
/* Free a block object with no references (not its pages). */
void block_free_obj(struct phys_block *b);
/* Blocks of npages pages go into the yielded-block cache (cached) or
 * come back out (the AnonPages count). */
void block_count_cached(size_t npages, bool cached);
/* Rewrite the PTEs of every entry using b. */
void block_sync(struct phys_block *b);
/* Split b after its first k pages, and every entry using it: 0 / -ENOMEM. */
int block_split(struct phys_block *b, uint32_t k);
/* Allocate npages zeroed PHYS_USER pages as blocks of at most max pages
 * (smaller runs when memory is fragmented), each with an unattached
 * entry; the entries are chained through next_ref, and each one's offset
 * is its position within the runs. NULL if no memory. */
struct region_entry *block_alloc_runs(uint32_t npages, uint32_t max,
				      enum block_share share, bool zero);
/* One zeroed block of exactly npages, from free memory only (no eviction
 * of cached blocks), with its unattached entry at offset 0; or NULL. */
struct region_entry *block_alloc_free_run(uint32_t npages,
					  enum block_share share);
/* Undo block_alloc_runs / entry_new for unattached entries. */
void entry_free_unattached(struct region_entry *list, bool free_pages);
/* Sanity, second pass: b's references match its refcount. */
void block_sanity_finish(struct sanity *s, struct phys_block *b);

/* ---- entry.c ---- */

/* Set up r->entries (an empty tree keyed by offset). */
void entry_tree_init(struct avl_tree *t);
/* An unattached entry for block b (NULL if no memory). */
struct region_entry *entry_new(struct phys_block *b);
/* Link e into r's tree and its block's reference list; no PTE change. */
void entry_link(struct region *r, struct region_entry *e, vaddr_t offset);
/* entry_link of the next of a sorted run: right after prev (in r). */
void entry_link_after(struct region *r, struct region_entry *e, vaddr_t offset,
		      struct region_entry *prev);
/* Attach an unattached entry at offset in r (page tables must exist);
 * the block gains a reference and all its entries' PTEs are updated. */
void entry_attach(struct region *r, struct region_entry *e, vaddr_t offset);
/* Attach a chain from block_alloc_runs at consecutive offsets. */
void entry_attach_list(struct region *r, struct region_entry *list,
		       vaddr_t offset);
/* Move e (staying in its tree) from its shared block to the unused nb
 * of the same size; no PTE change. */
void entry_rebind(struct region_entry *e, struct phys_block *nb);
/* Unmap and free e; drop its block's reference (pages freed at zero). */
void entry_detach(struct region_entry *e);
/* Free e without touching its PTEs or its region's tree (both are
 * being discarded whole); its block loses a reference. */
void entry_drop(struct region_entry *e);
/* Remove e and free its block object, keeping the pages (take). The block
 * must have no other reference. e's PTEs are the caller's to clear. */
void entry_steal(struct region_entry *e);
/* The entry covering page offset off of r, or NULL. */
struct region_entry *entry_find(struct region *r, vaddr_t off);
/* The last entry starting at or below page offset off of r, or NULL. */
struct region_entry *entry_last_at(struct region *r, vaddr_t off);
struct region_entry *entry_first(struct region *r);
/* First entry at offset off or above, or NULL. */
struct region_entry *entry_first_from(struct region *r, vaddr_t off);
struct region_entry *entry_next(struct region_entry *e);
/* Rewrite e's PTEs from the region protection and the block state. */
void entry_sync(struct region_entry *e);
unsigned entry_pte_flags(const struct region_entry *e);
/* What entry_pte_flags says for a use of b in r, were refcount its count. */
unsigned block_pte_flags(const struct region *r, const struct phys_block *b,
			 uint32_t refcount);

/* Generic block-backed backend hooks (anonymous and shared). */
int region_copy_entries(struct region *dst, struct region *src);
void region_release_entries(struct region *r);
void region_sync_entries(struct region *r);
void region_sanity_entries(struct sanity *s, struct region *r);

/* ---- fault.c ---- */

/*
 * cow_break (the seed's clone_ph_block): the copy-on-write step. Replace
 * e's block, shared with other entries, by one or more new private blocks
 * (possibly from separate free ranges), copy the data and fix the page
 * tables; a block with one reference just becomes writable. 0 or -ENOMEM
 * (nothing changed).
 */
int cow_break(struct region_entry *e);
/* The fault's copy-on-write: a single-page block is copied into a new
 * block that e (kept in its tree) moves to; a larger one goes through
 * cow_break. 0 or -ENOMEM (nothing changed). */
int cow_break_page(struct region_entry *e);

#endif
