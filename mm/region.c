/*
 * region.c - regions (SPEC §4, §7). A region is a page-aligned range of
 * one address space with a protection, flags and a backend (struct
 * region_ops); block-backed backends keep a tree of region entries keyed
 * by offset from the region's start.
 *
 * Invariants: a region lies inside its space's user half and overlaps no
 * other; its entries lie inside it, sorted and disjoint; its backend_data
 * belongs to its backend. Regions are slab objects: every write is inside
 * USE(). Callers outside mm/ learn about a backend only through the
 * region_* queries at the end of this file.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include "region_internal.h"

/* Validate a new region's range and prot, then create it (still empty:
 * the backend fills it) with the space's default flags added. */
int region_map_new(struct mm_space *s, const struct region *t,
		   struct region **out)
{
	int rc = region_check_range(t->start, t->len);
	struct region nt = *t;

	if (rc)
		return rc;
	if (t->prot & ~PROT_RWX)
		return -EINVAL;
	if (!region_range_free(s, t->start, t->len))
		return -EEXIST;
	nt.flags |= s->def_flags; /* mlockall(MCL_FUTURE) */
	*out = region_create(s, &nt);
	return *out ? 0 : -ENOMEM;
}

unsigned mm_max_map_count = 65530; /* Linux's DEFAULT_MAX_MAP_COUNT */

/* A region like t in s, with no entries, inserted in s's tree. NULL if
 * no memory, or if s already has more than mm_max_map_count regions (as
 * Linux's mmap refuses then). The range must be free. */
struct region *region_create(struct mm_space *s, const struct region *t)
{
	struct region *r;

	if (s->regions.count > mm_max_map_count)
		return NULL;
	r = slab_alloc(sizeof(*r));
	if (!r)
		return NULL;
	USE(r, r->start = t->start; r->len = t->len; r->prot = t->prot;
	    r->flags = t->flags; r->ops = t->ops;
	    r->backend_data = t->backend_data; r->grow_limit = t->grow_limit;
	    r->pgoff = t->pgoff; r->space = s;
	    memset(&r->node, 0, sizeof(r->node)); entry_tree_init(&r->entries));
	BUG_ON(avl_insert(&s->regions, &r->node));
	return r;
}

/* The backend drops r's pages; then r leaves its space and is freed. */
void region_destroy(struct region *r)
{
	r->ops->release(r);
	BUG_ON(r->entries.count);
	region_unlink(r);
	SLAB_FREE(r);
}

/* Move every entry of r at or above offset cut into nr, rebased. */
static void region_move_entries(struct region *r, struct region *nr,
				vaddr_t cut)
{
	struct region_entry *e;

	while ((e = entry_first_from(r, cut))) {
		avl_remove(&r->entries, &e->node);
		USE(e, e->offset -= cut; e->region = nr);
		BUG_ON(avl_insert(&nr->entries, &e->node));
	}
}

/*
 * Cut r in two at at: r keeps [start, at), a new region takes the rest
 * with the same prot, flags and backend. A block straddling the cut is
 * split first (that changes no meaning), so -ENOMEM changes nothing.
 */
int region_split(struct region *r, vaddr_t at)
{
	vaddr_t cut = at - r->start;
	struct region_entry *e = entry_find(r, cut);
	struct region t = *r, *nr;
	int rc;

	BUG_ON(at <= r->start || at >= region_end(r) || !PAGE_ALIGNED(at));
	if (r->space->regions.count >= mm_max_map_count)
		return -ENOMEM; /* Linux's split_vma: no room for one more */
	if (e && e->offset != cut) {
		rc = block_split(e->block, (cut - e->offset) / PAGE_SIZE);
		if (rc)
			return rc;
	}
	t.start = at;
	t.len = r->len - cut;
	t.pgoff = r->pgoff + cut / PAGE_SIZE;
	nr = region_create(r->space, &t);
	if (!nr)
		return -ENOMEM;
	if (r->ops->split)
		r->ops->split(r, nr, cut);
	region_move_entries(r, nr, cut);
	USE(r, r->len = cut);
	avl_propagate(&r->space->regions, &r->node); /* its end moved */
	return 0;
}

/* Stack growth: move r's start down to new_start (the gap is free). */
void region_grow_down(struct region *r, vaddr_t new_start)
{
	vaddr_t delta = r->start - new_start;

	BUG_ON(new_start >= r->start || !PAGE_ALIGNED(new_start));
	/* Offsets are relative to start; order (and so the trees) is kept. */
	for (struct region_entry *e = entry_first(r); e; e = entry_next(e))
		USE(e, e->offset += delta);
	USE(r, r->start = new_start; r->len += delta);
	avl_propagate(&r->space->regions, &r->node);
}

/* Change r's protection and let the backend rewrite its PTEs. */
void region_set_prot(struct region *r, unsigned prot)
{
	USE(r, r->prot = prot);
	r->ops->sync(r);
}

/* ---- what callers may ask about a backend ---- */

/* The queries read the backend's capability flags and hooks, so that no
 * caller needs to know which ops table a region has. */
bool region_may_yield(const struct region *r)
{
	if (r->flags & (REGION_LOCKED | REGION_LOCKONFAULT))
		return false; /* locked pages stay where they are */
	return r->ops->flags & REGION_OPS_YIELD;
}

/* The backend's name: "anonymous", "shared" or "direct". */
const char *region_backend_name(const struct region *r)
{
	return r->ops->name;
}

/* /proc/PID/maps prints 's' for these. */
bool region_is_shared(const struct region *r)
{
	return r->ops->flags & REGION_OPS_SHARED;
}

/* shmat/shmdt: only a shared memory region may be attached or detached. */
bool region_can_remap(const struct region *r)
{
	return r->ops->flags & REGION_OPS_REMAP;
}

/* The backend knows its offset; memory with none shows 0. */
uint32_t region_map_offset(const struct region *r)
{
	return r->ops->map_offset ? r->ops->map_offset(r) : 0;
}
