/*
 * region.c - address spaces, regions, physical-region entries and physical
 * blocks (SPEC §4): the only code that changes these structures. The
 * backends, the mapping calls, the fault handler and take/give compose
 * the operations below (see region_internal.h for the invariants).
 *
 * All objects are slab objects: in sanity mode their pages are read-only
 * and every write below is inside USE() or a slab_unprotect_any() pair.
 *
 * Splitting a block (a region is cut through a multi-page block): the
 * block keeps its first pages and a new block takes the rest, with the
 * same reference count, and every entry referencing the block (in any
 * space) is split the same way. No data moves and no PTE changes.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "region_internal.h"

static struct mm_space *spaces; /* every live space, for the sanity walk */

/* ---- small helpers ---- */

static int region_cmp(const struct avl_node *a, const struct avl_node *b)
{
	vaddr_t x = container_of(a, struct region, node)->start;
	vaddr_t y = container_of(b, struct region, node)->start;

	return x < y ? -1 : x > y;
}

static int region_key(const void *key, const struct avl_node *n)
{
	vaddr_t k = *(const vaddr_t *)key;
	vaddr_t y = container_of(n, struct region, node)->start;

	return k < y ? -1 : k > y;
}

static int entry_cmp(const struct avl_node *a, const struct avl_node *b)
{
	vaddr_t x = container_of(a, struct region_entry, node)->offset;
	vaddr_t y = container_of(b, struct region_entry, node)->offset;

	return x < y ? -1 : x > y;
}

static int entry_key(const void *key, const struct avl_node *n)
{
	vaddr_t k = *(const vaddr_t *)key;
	vaddr_t y = container_of(n, struct region_entry, node)->offset;

	return k < y ? -1 : k > y;
}

/* Trees whose nodes live in (read-only) slab objects. */
static void tree_init(struct avl_tree *t, avl_cmp_fn cmp)
{
	avl_init(t, cmp);
#if MM_SANITY
	t->write_begin = slab_unprotect_any;
	t->write_end = slab_protect_any;
#endif
}

/* Store through a pointer into some slab object (a list link). */
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

int region_check_range(vaddr_t start, size_t len)
{
	if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(len) || len == 0)
		return -EINVAL;
	if (start < PAGE_SIZE || start >= USER_TOP || len > USER_TOP - start)
		return -EINVAL;
	return 0;
}

/* ---- address spaces ---- */

void mm_region_init(void)
{
	spaces = NULL;
}

struct mm_space *mm_space_new(void)
{
	struct mm_space *s = slab_alloc(sizeof(*s));
	paddr_t dir;

	if (!s)
		return NULL;
	dir = pt_new_dir();
	if (dir == PHYS_NONE) {
		SLAB_FREE(s);
		return NULL;
	}
	USE(s, s->pgdir = dir; tree_init(&s->regions, region_cmp);
	    s->prev_space = NULL; s->next_space = spaces);
	if (spaces)
		USE(spaces, spaces->prev_space = s);
	spaces = s;
	return s;
}

void mm_space_destroy(struct mm_space *s)
{
	struct region *r;

	while ((r = region_first(s)))
		region_destroy(r);
	pt_free_dir(s->pgdir);
	if (s->prev_space)
		USE(s->prev_space, s->prev_space->next_space = s->next_space);
	else
		spaces = s->next_space;
	if (s->next_space)
		USE(s->next_space, s->next_space->prev_space = s->prev_space);
	SLAB_FREE(s);
}

/* ---- regions ---- */

struct region *mm_find_region(struct mm_space *s, vaddr_t va)
{
	struct avl_node *n = avl_find_le(&s->regions, &va, region_key);
	struct region *r = avl_entry(n, struct region, node);

	return r && va < region_end(r) ? r : NULL;
}

struct region *region_first(struct mm_space *s)
{
	return avl_entry(avl_first(&s->regions), struct region, node);
}

struct region *region_next(struct region *r)
{
	return avl_entry(avl_next(&r->node), struct region, node);
}

struct region *region_first_after(struct mm_space *s, vaddr_t va)
{
	struct region *r = mm_find_region(s, va);

	if (r)
		return r;
	return avl_entry(avl_find_ge(&s->regions, &va, region_key),
			 struct region, node);
}

bool region_range_free(struct mm_space *s, vaddr_t start, size_t len)
{
	struct region *r = region_first_after(s, start);

	return !r || r->start >= start + len;
}

struct region *region_create(struct mm_space *s, const struct region *t)
{
	struct region *r = slab_alloc(sizeof(*r));

	if (!r)
		return NULL;
	USE(r, r->start = t->start; r->len = t->len; r->prot = t->prot;
	    r->flags = t->flags; r->ops = t->ops; r->phys = t->phys;
	    r->grow_limit = t->grow_limit; r->space = s;
	    memset(&r->node, 0, sizeof(r->node));
	    tree_init(&r->entries, entry_cmp));
	BUG_ON(avl_insert(&s->regions, &r->node));
	return r;
}

void region_destroy(struct region *r)
{
	r->ops->release(r);
	BUG_ON(r->entries.count);
	avl_remove(&r->space->regions, &r->node);
	SLAB_FREE(r);
}

/* Move every entry of r at or above offset cut into nr, rebased. */
static void region_move_entries(struct region *r, struct region *nr,
				vaddr_t cut)
{
	struct avl_node *n;

	while ((n = avl_find_ge(&r->entries, &cut, entry_key))) {
		struct region_entry *e =
		    container_of(n, struct region_entry, node);

		avl_remove(&r->entries, n);
		USE(e, e->offset -= cut; e->region = nr);
		BUG_ON(avl_insert(&nr->entries, n));
	}
}

int region_split(struct region *r, vaddr_t at)
{
	vaddr_t cut = at - r->start;
	struct region_entry *e = entry_find(r, cut);
	struct region t = *r, *nr;
	int rc;

	BUG_ON(at <= r->start || at >= region_end(r) || !PAGE_ALIGNED(at));
	/* A block straddling the cut is split first (changes no meaning). */
	if (e && e->offset != cut) {
		rc = block_split(e->block, (cut - e->offset) / PAGE_SIZE);
		if (rc)
			return rc;
	}
	t.start = at;
	t.len = r->len - cut;
	t.phys = r->phys + cut; /* only meaningful for the direct backend */
	nr = region_create(r->space, &t);
	if (!nr)
		return -ENOMEM;
	region_move_entries(r, nr, cut);
	USE(r, r->len = cut);
	return 0;
}

void region_grow_down(struct region *r, vaddr_t new_start)
{
	vaddr_t delta = r->start - new_start;

	BUG_ON(new_start >= r->start || !PAGE_ALIGNED(new_start));
	/* Offsets are relative to start; order (and so the trees) is kept. */
	for (struct region_entry *e = entry_first(r); e; e = entry_next(e))
		USE(e, e->offset += delta);
	USE(r, r->start = new_start; r->len += delta);
}

void region_set_prot(struct region *r, unsigned prot)
{
	USE(r, r->prot = prot);
	r->ops->sync(r);
}

/* ---- blocks and entries ---- */

struct phys_block *block_new(paddr_t pa, uint32_t npages,
			     enum block_share share)
{
	struct phys_block *b = slab_alloc(sizeof(*b));

	if (b)
		USE(b, b->pa = pa; b->npages = npages; b->refcount = 0;
		    b->share = share; b->refs = NULL; b->sanity_refs = 0);
	return b;
}

void block_free_obj(struct phys_block *b)
{
	BUG_ON(b->refcount || b->refs);
	SLAB_FREE(b);
}

struct region_entry *entry_new(struct phys_block *b)
{
	struct region_entry *e = slab_alloc(sizeof(*e));

	if (e)
		USE(e, memset(&e->node, 0, sizeof(e->node)); e->offset = 0;
		    e->region = NULL; e->block = b; e->next_ref = NULL);
	return e;
}

struct region_entry *entry_find(struct region *r, vaddr_t off)
{
	struct avl_node *n = avl_find_le(&r->entries, &off, entry_key);
	struct region_entry *e = avl_entry(n, struct region_entry, node);

	return e && off < e->offset + entry_bytes(e) ? e : NULL;
}

struct region_entry *entry_first_from(struct region *r, vaddr_t off)
{
	return avl_entry(avl_find_ge(&r->entries, &off, entry_key),
			 struct region_entry, node);
}

struct region_entry *entry_first(struct region *r)
{
	return avl_entry(avl_first(&r->entries), struct region_entry, node);
}

struct region_entry *entry_next(struct region_entry *e)
{
	return avl_entry(avl_next(&e->node), struct region_entry, node);
}

unsigned entry_pte_flags(const struct region_entry *e)
{
	const struct region *r = e->region;
	const struct phys_block *b = e->block;
	unsigned flags = PTE_P | PTE_U;

	if (!(r->prot & PROT_RWX))
		return 0;
	/* A COW block shared by several entries stays read-only. */
	if ((r->prot & PROT_WRITE) &&
	    (b->share == BLOCK_SHARED || b->refcount == 1))
		flags |= PTE_W;
	return flags;
}

void entry_sync(struct region_entry *e)
{
	paddr_t dir = region_pgdir(e->region);
	unsigned flags = entry_pte_flags(e);
	vaddr_t va = entry_va(e);

	for (uint32_t i = 0; i < e->block->npages; i++, va += PAGE_SIZE) {
		if (flags)
			BUG_ON(pt_map(dir, va, e->block->pa + i * PAGE_SIZE,
				      flags));
		else
			pt_unmap(dir, va);
	}
}

static void block_sync(struct phys_block *b)
{
	for (struct region_entry *e = b->refs; e; e = e->next_ref)
		entry_sync(e);
}

/* Link e into r's tree and its block's reference list; no PTE change. */
static void entry_link(struct region *r, struct region_entry *e, vaddr_t offset)
{
	struct phys_block *b = e->block;

	USE(e, e->region = r; e->offset = offset; e->next_ref = b->refs);
	USE(b, b->refs = e; b->refcount++);
	BUG_ON(avl_insert(&r->entries, &e->node));
}

void entry_attach(struct region *r, struct region_entry *e, vaddr_t offset)
{
	entry_link(r, e, offset);
	block_sync(e->block); /* a second COW reference: all read-only */
}

void entry_attach_list(struct region *r, struct region_entry *list,
		       vaddr_t offset)
{
	while (list) {
		struct region_entry *next = list->next_ref;

		entry_attach(r, list, offset + list->offset);
		list = next;
	}
}

/* Unmap e, take it out of its tree and its block's list, free it. */
static struct phys_block *entry_unlink(struct region_entry *e)
{
	struct phys_block *b = e->block;
	struct region_entry **pp = &b->refs;
	paddr_t dir = region_pgdir(e->region);
	vaddr_t va = entry_va(e);

	for (uint32_t i = 0; i < b->npages; i++)
		pt_unmap(dir, va + i * PAGE_SIZE);
	avl_remove(&e->region->entries, &e->node);
	while (*pp != e) {
		BUG_ON(!*pp);
		pp = &(*pp)->next_ref;
	}
	set_link(pp, e->next_ref);
	USE(b, b->refcount--);
	SLAB_FREE(e);
	return b;
}

void entry_detach(struct region_entry *e)
{
	struct phys_block *b = entry_unlink(e);

	if (b->refcount == 0) {
		phys_free(b->pa, b->npages, PHYS_USER);
		block_free_obj(b);
	} else if (b->refcount == 1) {
		block_sync(b); /* the survivor may write again at once */
	}
}

void entry_steal(struct region_entry *e)
{
	BUG_ON(e->block->refcount != 1);
	block_free_obj(entry_unlink(e));
}

void entry_free_unattached(struct region_entry *list, bool free_pages)
{
	while (list) {
		struct region_entry *next = list->next_ref;
		struct phys_block *b = list->block;

		if (free_pages)
			phys_free(b->pa, b->npages, PHYS_USER);
		block_free_obj(b);
		SLAB_FREE(list);
		list = next;
	}
}

/* One run of block_alloc_runs: a block of pages at pa with its entry. */
static struct region_entry *run_new(paddr_t pa, uint32_t n,
				   enum block_share share, bool zero)
{
	struct phys_block *b = block_new(pa, n, share);
	struct region_entry *e = b ? entry_new(b) : NULL;

	if (!e) {
		if (b)
			block_free_obj(b);
		return NULL;
	}
	for (uint32_t i = 0; zero && i < n; i++)
		memset(arch_phys_to_virt(pa + i * PAGE_SIZE), 0, PAGE_SIZE);
	return e;
}

struct region_entry *block_alloc_runs(uint32_t npages, uint32_t max,
				     enum block_share share, bool zero)
{
	struct region_entry *head = NULL, *e;
	uint32_t chunk = MIN(npages, max), done = 0;

	while (done < npages) {
		uint32_t want = MIN(chunk, npages - done);
		/* Only the last resort (single pages) may evict cached blocks. */
		paddr_t pa = phys_alloc(want, want > 1 ? PHYS_NORECLAIM : PHYS_ANY,
					PHYS_USER);

		if (pa == PHYS_NONE) {
			if (want == 1)
				goto fail;
			chunk = want / 2; /* fragmented: smaller runs */
			continue;
		}
		e = run_new(pa, want, share, zero);
		if (!e) {
			phys_free(pa, want, PHYS_USER);
			goto fail;
		}
		/* Until attached, offset is the position within the runs. */
		USE(e, e->offset = done * PAGE_SIZE; e->next_ref = head);
		head = e;
		done += want;
	}
	return head;
fail:
	entry_free_unattached(head, true);
	return NULL;
}

int block_split(struct phys_block *b, uint32_t k)
{
	struct phys_block *nb;
	struct region_entry *list = NULL, *e;

	BUG_ON(k == 0 || k >= b->npages);
	nb = block_new(b->pa + k * PAGE_SIZE, b->npages - k, b->share);
	if (!nb)
		return -ENOMEM;
	for (uint32_t i = 0; i < b->refcount; i++) {
		e = entry_new(nb);
		if (!e) {
			while (list) {
				e = list->next_ref;
				SLAB_FREE(list);
				list = e;
			}
			block_free_obj(nb);
			return -ENOMEM;
		}
		USE(e, e->next_ref = list);
		list = e;
	}
	USE(b, b->npages = k);
	for (struct region_entry *ref = b->refs; ref; ref = ref->next_ref) {
		e = list;
		list = e->next_ref;
		entry_link(ref->region, e, ref->offset + k * PAGE_SIZE);
	}
	return 0;
}

int cow_break(struct region_entry *e)
{
	struct phys_block *old = e->block;
	struct region *r = e->region;
	vaddr_t off = e->offset;
	struct region_entry *list;

	if (old->refcount == 1) {
		entry_sync(e); /* already private */
		return 0;
	}
	list = block_alloc_runs(old->npages, old->npages, BLOCK_COW, false);
	if (!list)
		return -ENOMEM;
	for (struct region_entry *n = list; n; n = n->next_ref)
		for (uint32_t i = 0; i < n->block->npages; i++)
			memcpy(arch_phys_to_virt(n->block->pa + i * PAGE_SIZE),
			       arch_phys_to_virt(old->pa + n->offset +
						 i * PAGE_SIZE),
			       PAGE_SIZE);
	entry_detach(e);
	entry_attach_list(r, list, off);
	return 0;
}

/* ---- generic parts of block-backed backends ---- */

int region_copy_entries(struct region *dst, struct region *src)
{
	for (struct region_entry *e = entry_first(src); e;
	     e = entry_next(e)) {
		struct region_entry *ne = entry_new(e->block);

		if (!ne)
			return -ENOMEM;
		if (pt_prepare(region_pgdir(dst), dst->start + e->offset,
			       e->block->npages)) {
			SLAB_FREE(ne);
			return -ENOMEM;
		}
		entry_attach(dst, ne, e->offset);
	}
	return 0;
}

void region_release_entries(struct region *r)
{
	struct region_entry *e;

	while ((e = entry_first(r)))
		entry_detach(e);
}

void region_sync_entries(struct region *r)
{
	for (struct region_entry *e = entry_first(r); e; e = entry_next(e))
		entry_sync(e);
}

/* ---- sanity walk ---- */

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

void region_sanity_entries(struct sanity *s, struct region *r)
{
	vaddr_t prev_end = 0;

	if (!avl_check(&r->entries))
		sanity_fail(s, "region %#x: entry tree broken", r->start);
	for (struct region_entry *e = entry_first(r); e; e = entry_next(e)) {
		struct phys_block *b = e->block;

		if (e->region != r || !b || b->npages == 0 ||
		    !PAGE_ALIGNED(e->offset) || e->offset < prev_end ||
		    e->offset >= r->len ||
		    r->len - e->offset < entry_bytes(e))
			sanity_fail(s, "region %#x: bad entry at offset %#x",
				    r->start, e->offset);
		prev_end = e->offset + entry_bytes(e);
		entry_sanity_ptes(s, e);
		/* First pass: count references, mark the pages once. */
		if (b->sanity_refs == 0)
			sanity_mark(s, b->pa, b->npages, "user block");
		USE(b, b->sanity_refs++);
	}
}

/* Second pass: the count must equal refcount and the reference list. */
static void block_sanity_finish(struct sanity *s, struct phys_block *b)
{
	uint32_t n = 0;

	if (b->sanity_refs == 0)
		return; /* already checked through another entry */
	if (b->sanity_refs != b->refcount)
		sanity_fail(s, "block %#x: refcount %u, %u entries found",
			    b->pa, b->refcount, b->sanity_refs);
	for (struct region_entry *e = b->refs; e && n <= b->refcount;
	     e = e->next_ref, n++)
		if (e->block != b || entry_find(e->region, e->offset) != e)
			sanity_fail(s, "block %#x: stale reference", b->pa);
	if (n != b->refcount)
		sanity_fail(s, "block %#x: refcount %u, %u in list", b->pa,
			    b->refcount, n);
	USE(b, b->sanity_refs = 0);
}

static void space_sanity(struct sanity *s, struct mm_space *sp)
{
	vaddr_t prev_end = PAGE_SIZE; /* page 0 is never mapped */

	if (sp->next_space && sp->next_space->prev_space != sp)
		sanity_fail(s, "space list broken at %p", (void *)sp);
	pt_sanity(s, sp->pgdir);
	if (!avl_check(&sp->regions))
		sanity_fail(s, "space %p: region tree broken", (void *)sp);
	for (struct region *r = region_first(sp); r; r = region_next(r)) {
		if (r->space != sp || !r->ops ||
		    region_check_range(r->start, r->len) || r->start < prev_end)
			sanity_fail(s, "space %p: bad region %#x+%#zx",
				    (void *)sp, r->start, r->len);
		prev_end = region_end(r);
		r->ops->sanity(s, r);
	}
}

void mm_spaces_sanity(struct sanity *s)
{
	for (struct mm_space *sp = spaces; sp; sp = sp->next_space)
		space_sanity(s, sp);
	for (struct mm_space *sp = spaces; sp; sp = sp->next_space)
		for (struct region *r = region_first(sp); r; r = region_next(r))
			for (struct region_entry *e = entry_first(r); e;
			     e = entry_next(e))
				block_sanity_finish(s, e->block);
}
