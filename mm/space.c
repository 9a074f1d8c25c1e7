/*
 * space.c - address spaces (SPEC §4, §7). A space is a page directory and
 * an AVL tree of regions keyed by start address; every live space is on
 * one list, for the sanity walk.
 *
 * Invariants: regions of a space are disjoint, page aligned, inside
 * [PAGE_SIZE, USER_TOP) and sorted by start in the tree; every region's
 * space pointer names the space whose tree holds it. The calls on ranges
 * (unmap, protect, populate) split regions at the range's edges first, so
 * that every region they touch lies wholly inside the range; a split
 * changes no meaning, so a later failure leaves the space as it was.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/shmem.h>
#include "region_internal.h"

static struct mm_space *spaces; /* every live space, for the sanity walk */

/* Order regions by start address. */
static int region_cmp(const struct avl_node *a, const struct avl_node *b)
{
	vaddr_t x = container_of(a, struct region, node)->start;
	vaddr_t y = container_of(b, struct region, node)->start;

	return x < y ? -1 : x > y;
}

/* Compare an address key with a region's start. */
static int region_key(const void *key, const struct avl_node *n)
{
	vaddr_t k = *(const vaddr_t *)key;
	vaddr_t y = container_of(n, struct region, node)->start;

	return k < y ? -1 : k > y;
}

/* A range a region may cover: page aligned, nonempty, not page 0, below
 * USER_TOP and without wrapping. */
int region_check_range(vaddr_t start, size_t len)
{
	if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(len) || len == 0)
		return -EINVAL;
	if (start < PAGE_SIZE || start >= USER_TOP || len > USER_TOP - start)
		return -EINVAL;
	return 0;
}

/* Forget every space (boot, and each host test: memory was reset). */
void mm_region_init(void)
{
	spaces = NULL;
	region_file_init();
	mm_shmem_init();
}

/* The first of every live space (walk on with next_space). */
struct mm_space *region_space_list(void)
{
	return spaces;
}

/* An empty space: a directory with the kernel half and no regions. */
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
	USE(s, s->pgdir = dir; s->users = 1; s->def_flags = 0;
	    s->last_found = NULL; slab_tree_init(&s->regions, region_cmp);
	    s->regions.update = region_gap_update; s->prev_space = NULL;
	    s->next_space = spaces);
	if (spaces)
		USE(spaces, spaces->prev_space = s);
	spaces = s;
	return s;
}

/* Destroy every region (dropping block references), then the directory
 * with its page tables, then the space. A space not loaded (the usual
 * case: exit and exec switch away first) is drained in bulk. */
void mm_space_destroy(struct mm_space *s)
{
	struct region *r;

	if (s->pgdir != arch_current_pgdir()) {
		space_drop_regions(s);
		USE(s, s->last_found = NULL);
	}
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

void mm_space_get(struct mm_space *s)
{
	USE(s, s->users++);
}

void mm_space_put(struct mm_space *s)
{
	if (!s)
		return;
	BUG_ON(!s->users);
	USE(s, s->users--);
	if (!s->users)
		mm_space_destroy(s);
}

/* Call fn on every region of s in address order (/proc/PID/maps). */
void mm_space_walk(struct mm_space *s,
		   void (*fn)(const struct region *r, void *arg), void *arg)
{
	for (struct region *r = region_first(s); r; r = region_next(r))
		fn(r, arg);
}

/* Pages present in s's regions, a shared block counted in every space that
 * maps it: the OOM killer's measure of a process's size. */
size_t mm_space_pages(struct mm_space *s)
{
	size_t n = 0;

	for (struct region *r = region_first(s); r; r = region_next(r))
		for (struct region_entry *e = entry_first(r); e;
		     e = entry_next(e))
			n += e->block->npages;
	return n;
}

/* Bytes covered by s's regions (mlockall's limit check). */
size_t mm_mapped_bytes(struct mm_space *s)
{
	size_t n = 0;

	for (struct region *r = region_first(s); r; r = region_next(r))
		n += r->len;
	return n;
}

/* ---- the region tree ---- */

/*
 * The region containing va, or NULL. The last region found is tried
 * first (a system call or fault after another in the same region, as a
 * yield and its get, needs no descent). Regions are disjoint, so a live
 * region whose current bounds hold va is the answer; region_unlink
 * clears the hint before a region can be freed.
 */
struct region *mm_find_region(struct mm_space *s, vaddr_t va)
{
	struct region *r = s->last_found;
	struct avl_node *n;

	if (r && va - r->start < r->len)
		return r;
	n = avl_find_le(&s->regions, &va, region_key);
	r = avl_entry(n, struct region, node);
	if (!r || va >= region_end(r))
		return NULL;
	USE(s, s->last_found = r);
	return r;
}

/* Take r out of its space's tree (before it is freed or merged away). */
void region_unlink(struct region *r)
{
	struct mm_space *s = r->space;

	if (s->last_found == r)
		USE(s, s->last_found = NULL);
	avl_remove(&s->regions, &r->node);
}

/* The lowest region of s, or NULL. */
struct region *region_first(struct mm_space *s)
{
	return avl_entry(avl_first(&s->regions), struct region, node);
}

/* The region after r in address order, or NULL. */
struct region *region_next(struct region *r)
{
	return avl_entry(avl_next(&r->node), struct region, node);
}

/* The region containing va, else the first one above it, or NULL. */
struct region *region_first_after(struct mm_space *s, vaddr_t va)
{
	struct region *r = mm_find_region(s, va);

	if (r)
		return r;
	return avl_entry(avl_find_ge(&s->regions, &va, region_key),
			 struct region, node);
}

/* True if no region overlaps [start, +len). */
bool region_range_free(struct mm_space *s, vaddr_t start, size_t len)
{
	struct region *r = region_first_after(s, start);

	return !r || r->start >= start + len;
}

bool mm_range_free(struct mm_space *s, vaddr_t start, size_t len)
{
	return region_range_free(s, start, len);
}

/* The end of the last region below va, or PAGE_SIZE if none (va itself
 * if a region holds va - 1): where the free gap below va begins. */
vaddr_t mm_gap_start(struct mm_space *s, vaddr_t va)
{
	vaddr_t key = va - 1;
	struct avl_node *n = avl_find_le(&s->regions, &key, region_key);
	struct region *r = avl_entry(n, struct region, node);

	if (va <= PAGE_SIZE || !r)
		return PAGE_SIZE;
	return MIN(region_end(r), va);
}

/* Split the regions straddling start or end, so a range call may treat
 * whole regions. */
int region_split_edges(struct mm_space *s, vaddr_t start, vaddr_t end)
{
	struct region *r = mm_find_region(s, start);
	int rc;

	if (r && r->start < start) {
		rc = region_split(r, start);
		if (rc)
			return rc;
	}
	r = mm_find_region(s, end - 1);
	if (r && region_end(r) > end)
		return region_split(r, end);
	return 0;
}

/* ---- the memory calls on ranges ---- */

/*
 * munmap: any page-aligned subrange, holes allowed. A failure (-ENOMEM)
 * can only come from splitting at the edges; a split already done leaves
 * two regions that mean the same as the one before.
 */
int mm_unmap(struct mm_space *s, vaddr_t start, size_t len)
{
	int rc = region_check_range(start, len);
	vaddr_t end = start + len;
	struct region *r, *next;

	if (rc)
		return rc;
	rc = region_split_edges(s, start, end);
	if (rc)
		return rc;
	for (r = region_first_after(s, start); r && r->start < end; r = next) {
		next = region_next(r);
		region_destroy(r);
	}
	return 0;
}

/* mprotect. Like Linux: -ENOMEM if part of the range is not mapped. */
int mm_protect(struct mm_space *s, vaddr_t start, size_t len, unsigned prot)
{
	int rc = region_check_range(start, len);
	vaddr_t end = start + len, va;
	struct region *r;

	if (rc)
		return rc;
	if (prot & ~PROT_RWX)
		return -EINVAL;
	for (va = start; va < end; va = region_end(r)) {
		if (!(r = mm_find_region(s, va)))
			return -ENOMEM;
		if ((prot & PROT_WRITE) && (r->flags & REGION_NOMAYWRITE))
			return -EACCES;
	}
	rc = region_split_edges(s, start, end);
	if (rc)
		return rc;
	for (r = mm_find_region(s, start); r && r->start < end;
	     r = region_next(r))
		region_set_prot(r, prot);
	region_merge_range(s, start, end); /* a split may rejoin */
	return 0;
}

/* Fault in the pages of [va, end) that are missing or not writable. */
static int populate_pages(struct mm_space *s, vaddr_t va, vaddr_t end,
			  bool write)
{
	unsigned flags;
	int rc;

	for (; va < end; va += PAGE_SIZE) {
		if (pt_lookup(s->pgdir, va, NULL, &flags) &&
		    (!write || (flags & PTE_W)))
			continue;
		rc = mm_handle_fault(s, va, write);
		if (rc)
			return rc;
	}
	return 0;
}

/* Make [start, +len) present now (exec, yield), region by region: the
 * backend may allocate in larger blocks than faults do. */
int mm_populate(struct mm_space *s, vaddr_t start, size_t len, bool write)
{
	int rc = region_check_range(start, len);
	vaddr_t end = start + len, va, stop;
	struct region *r;

	if (rc)
		return rc;
	for (va = start; va < end; va = stop) {
		r = mm_find_region(s, va);
		if (!r)
			return -EFAULT;
		stop = MIN(end, region_end(r));
		if (r->ops->populate && (r->prot & PROT_RWX)) {
			rc = r->ops->populate(r, va, stop);
			if (rc)
				return rc;
		}
		rc = populate_pages(s, va, stop, write);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- copying into a space ---- */

/* Kernel address of page va of s, faulted in writable. */
static int user_page(struct mm_space *s, vaddr_t va, char **out)
{
	paddr_t pa;
	unsigned flags;
	int rc;

	if (!pt_lookup(s->pgdir, va, &pa, &flags) || !(flags & PTE_W)) {
		rc = mm_handle_fault(s, va, true);
		if (rc)
			return rc;
		if (!pt_lookup(s->pgdir, va, &pa, &flags) || !(flags & PTE_W))
			return -EFAULT;
	}
	if (pa >= arch_direct_map_limit())
		return -EFAULT; /* a direct mapping of high memory */
	*out = arch_phys_to_virt(pa);
	return 0;
}

/* Copy n bytes into s at va through the direct mapping (exec fills a
 * new space this way); stops at the first page that fails. */
int mm_space_write(struct mm_space *s, vaddr_t va, const void *src, size_t n)
{
	const char *buf = src;
	char *page;
	int rc;

	if (va >= USER_TOP || n > USER_TOP - va)
		return n ? -EFAULT : 0;
	while (n) {
		size_t off = va & ~PAGE_MASK, chunk = MIN(n, PAGE_SIZE - off);

		rc = user_page(s, va - off, &page);
		if (rc)
			return rc;
		memcpy(page + off, buf, chunk);
		va += chunk;
		buf += chunk;
		n -= chunk;
	}
	return 0;
}

/* ---- sanity ---- */

/* One space: list links, page tables, region tree and each region. */
static void space_sanity(struct sanity *s, struct mm_space *sp)
{
	vaddr_t prev_end = PAGE_SIZE; /* page 0 is never mapped */

	if (sp->next_space && sp->next_space->prev_space != sp)
		sanity_fail(s, "space list broken at %p", (void *)sp);
	pt_sanity(s, sp->pgdir);
	if (!avl_check(&sp->regions))
		sanity_fail(s, "space %p: region tree broken", (void *)sp);
	region_gap_sanity(s, sp);
	if (sp->last_found) {
		struct avl_node *n = avl_find_le(
		    &sp->regions, &sp->last_found->start, region_key);

		if (n != &sp->last_found->node)
			sanity_fail(s,
				    "space %p: last region found %p is "
				    "not in its tree",
				    (void *)sp, (void *)sp->last_found);
	}
	for (struct region *r = region_first(sp); r; r = region_next(r)) {
		if (r->space != sp || !r->ops ||
		    region_check_range(r->start, r->len) || r->start < prev_end)
			sanity_fail(s, "space %p: bad region %#x+%#zx",
				    (void *)sp, r->start, r->len);
		prev_end = region_end(r);
		r->ops->sanity(s, r);
	}
}

/* Every space; then, once all references were counted, every block. */
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
