/*
 * shmem.c - shared memory objects and their mappings (SysV shm segments,
 * SPEC §7): an object is a size and the pages made so far, found by
 * index through a directory page of leaf pages (two levels cover 4 GiB);
 * its region backend maps the object's page for each offset on first
 * touch, so memory is spent as it is used, not at creation.
 *
 * Guarantees: every mapping of an object (any space, any address) sees
 * the same page for an index, so writes are shared; a page past the
 * object's end is SIGBUS (-ENXIO), as Linux's shmem. The object lives
 * while its creator's reference or any region holds it; the last put
 * frees every page. attaches counts the regions mapping it (fork and
 * split included), as Linux's shm_nattch counts vmas. Pages are
 * PHYS_USER and claimed by the sanity walk once per object; index pages
 * are PHYS_KERNEL.
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

#define PER_PAGE (PAGE_SIZE / sizeof(paddr_t))

struct mm_shmem {
	uint32_t npages;
	uint32_t refs;	   /* the creator's, plus one per region */
	uint32_t attaches; /* regions mapping it */
	uint32_t resident; /* pages made so far */
	paddr_t dir;	   /* PER_PAGE leaf page addresses (or PHYS_NONE) */
	void *owner;	   /* the caller's (a SysV segment) */
	struct mm_shmem *next, *prev;
};

static struct mm_shmem *all_objs;
static void (*attach_hook)(struct mm_shmem *o, bool attach);
static const struct region_ops shmem_ops;

static paddr_t *slots(paddr_t pa)
{
	return arch_phys_to_virt(pa);
}

/* A zeroed page of kind, or PHYS_NONE. */
static paddr_t zero_page(enum phys_kind kind)
{
	paddr_t pa = phys_alloc(1, PHYS_ANY, kind);

	if (pa != PHYS_NONE)
		memset(arch_phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

struct mm_shmem *mm_shmem_new(size_t bytes)
{
	struct mm_shmem *o;
	uint64_t n = ((uint64_t)bytes + PAGE_SIZE - 1) / PAGE_SIZE;

	if (!n || n > (uint64_t)PER_PAGE * PER_PAGE)
		return NULL;
	o = slab_alloc(sizeof(*o));
	if (!o)
		return NULL;
	USE(o, o->npages = (uint32_t)n; o->refs = 1; o->attaches = 0;
	    o->resident = 0; o->dir = zero_page(PHYS_KERNEL); o->prev = NULL;
	    o->owner = NULL; o->next = all_objs);
	if (o->dir == PHYS_NONE) {
		SLAB_FREE(o);
		return NULL;
	}
	if (all_objs)
		USE(all_objs, all_objs->prev = o);
	all_objs = o;
	return o;
}

/* Free every page and the object. */
static void shmem_free(struct mm_shmem *o)
{
	paddr_t *dir = slots(o->dir);

	for (uint32_t l = 0; l < PER_PAGE; l++) {
		if (!dir[l])
			continue;
		for (uint32_t i = 0; i < PER_PAGE; i++)
			if (slots(dir[l])[i])
				phys_free(slots(dir[l])[i], 1, PHYS_USER);
		phys_free(dir[l], 1, PHYS_KERNEL);
	}
	phys_free(o->dir, 1, PHYS_KERNEL);
	if (o->prev)
		USE(o->prev, o->prev->next = o->next);
	else
		all_objs = o->next;
	if (o->next)
		USE(o->next, o->next->prev = o->prev);
	SLAB_FREE(o);
}

void mm_shmem_put(struct mm_shmem *o)
{
	BUG_ON(!o->refs);
	USE(o, o->refs--);
	if (!o->refs)
		shmem_free(o);
}

static void shmem_get(struct mm_shmem *o)
{
	USE(o, o->refs++);
}

/* The page at idx; with alloc a missing one is made (zeroed). */
static paddr_t shmem_page(struct mm_shmem *o, uint32_t idx, bool alloc)
{
	paddr_t *dir = slots(o->dir), *leaf, pa;

	if (!dir[idx / PER_PAGE]) {
		if (!alloc || (pa = zero_page(PHYS_KERNEL)) == PHYS_NONE)
			return PHYS_NONE;
		dir[idx / PER_PAGE] = pa;
	}
	leaf = slots(dir[idx / PER_PAGE]);
	if (!leaf[idx % PER_PAGE] && alloc &&
	    (leaf[idx % PER_PAGE] = zero_page(PHYS_USER)) != PHYS_NONE)
		USE(o, o->resident++);
	return leaf[idx % PER_PAGE];
}

uint32_t mm_shmem_attaches(const struct mm_shmem *o)
{
	return o->attaches;
}

size_t mm_shmem_resident(const struct mm_shmem *o)
{
	return o->resident;
}

size_t mm_shmem_total_resident(void)
{
	size_t n = 0;

	for (struct mm_shmem *o = all_objs; o; o = o->next)
		n += o->resident;
	return n;
}

size_t mm_shmem_mapped_pages(void)
{
	size_t n = 0;

	for (struct mm_shmem *o = all_objs; o; o = o->next)
		if (o->attaches)
			n += o->resident;
	return n;
}

/* ---- the region backend ---- */

static struct mm_shmem *obj_of(const struct region *r)
{
	return (struct mm_shmem *)r->backend_data;
}

/* A region takes a reference and counts as an attach. */
static void attach(struct mm_shmem *o)
{
	shmem_get(o);
	USE(o, o->attaches++);
	if (attach_hook)
		attach_hook(o, true);
}

/* A region lets go (the owner hears first: it may drop its own
 * reference when this was the last attach). */
static void detach(struct mm_shmem *o)
{
	USE(o, o->attaches--);
	if (attach_hook)
		attach_hook(o, false);
	mm_shmem_put(o);
}

void mm_shmem_set_hook(void (*fn)(struct mm_shmem *o, bool attach))
{
	attach_hook = fn;
}

void mm_shmem_set_owner(struct mm_shmem *o, void *owner)
{
	USE(o, o->owner = owner);
}

void *mm_shmem_owner(const struct mm_shmem *o)
{
	return o->owner;
}

static unsigned pte_flags(const struct region *r)
{
	if (!(r->prot & PROT_RWX))
		return 0;
	return PTE_P | PTE_U | ((r->prot & PROT_WRITE) ? PTE_W : 0);
}

/* First touch: the object's page for this offset (made now). */
static int shmem_fault(struct region *r, vaddr_t va, bool write)
{
	uint32_t idx = r->pgoff + (va - r->start) / PAGE_SIZE;
	paddr_t pa;

	(void)write;
	if (idx >= obj_of(r)->npages)
		return -ENXIO; /* past the end: SIGBUS */
	pa = shmem_page(obj_of(r), idx, true);
	if (pa == PHYS_NONE)
		return -ENOMEM;
	return pt_map(region_pgdir(r), va, pa, pte_flags(r));
}

/* Fork: the child maps the same object (its pages fault in there). */
static int shmem_copy(struct region *dst, struct region *src)
{
	(void)src;
	attach(obj_of(dst));
	return 0;
}

/* Unmap every page of r (none is r's to free). */
static void unmap_all(struct region *r)
{
	for (vaddr_t va = r->start; va < region_end(r); va += PAGE_SIZE)
		pt_unmap(region_pgdir(r), va);
}

static void shmem_release(struct region *r)
{
	struct mm_shmem *o = obj_of(r);

	unmap_all(r);
	detach(o);
}

/* mprotect: pages fault in again with the new protection. */
static void shmem_sync(struct region *r)
{
	unmap_all(r);
}

/* A split is one more attach (Linux counts the vmas). */
static void shmem_split(struct region *r, struct region *nr, vaddr_t cut)
{
	(void)nr;
	(void)cut;
	attach(obj_of(r));
}

/* Pieces of one object whose offsets run on rejoin. */
static bool shmem_join(struct region *a, struct region *b)
{
	struct mm_shmem *o = obj_of(a);

	if (o != obj_of(b) || a->pgoff + a->len / PAGE_SIZE != b->pgoff)
		return false;
	USE(o, o->attaches--); /* not a detach: the pages stay mapped */
	mm_shmem_put(o);
	return true;
}

/* mremap: the new region is one more attach (the old goes next). */
static int shmem_move(struct region *nr, struct region *r)
{
	(void)r;
	attach(obj_of(nr));
	return 0;
}

/* mincore: a page of the object is resident once made. */
static bool shmem_resident(struct region *r, vaddr_t va)
{
	uint32_t idx = r->pgoff + (va - r->start) / PAGE_SIZE;

	return idx < obj_of(r)->npages &&
	       shmem_page(obj_of(r), idx, false) != PHYS_NONE;
}

/* Every present PTE maps the object's page for its index. */
static void shmem_sanity(struct sanity *s, struct region *r)
{
	unsigned want = pte_flags(r), flags;
	paddr_t pa;

	if (r->entries.count || !obj_of(r) || !obj_of(r)->attaches)
		sanity_fail(s, "shmem region %#x: bad object", r->start);
	for (vaddr_t va = r->start; va < region_end(r); va += PAGE_SIZE) {
		uint32_t idx = r->pgoff + (va - r->start) / PAGE_SIZE;

		if (!pt_lookup(region_pgdir(r), va, &pa, &flags))
			continue;
		if (!want || idx >= obj_of(r)->npages ||
		    pa != shmem_page(obj_of(r), idx, false) ||
		    (flags & (PTE_P | PTE_W | PTE_U)) != want)
			sanity_fail(s, "shmem region: bad pte %#x at %#x", pa,
				    va);
	}
}

static const struct region_ops shmem_ops = {
    .name = "shmem",
    .flags = REGION_OPS_SHARED | REGION_OPS_RESIZE,
    .fault = shmem_fault,
    .copy = shmem_copy,
    .release = shmem_release,
    .sync = shmem_sync,
    .split = shmem_split,
    .join = shmem_join,
    .move = shmem_move,
    .resident = shmem_resident,
    .sanity = shmem_sanity,
};

int mm_map_shmem(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		 struct mm_shmem *o, uint32_t pgoff)
{
	struct region t = {
	    .start = start,
	    .len = len,
	    .prot = prot,
	    .ops = &shmem_ops,
	    .backend_data = (uintptr_t)o,
	    .pgoff = pgoff,
	};
	struct region *r;
	int rc = region_map_new(s, &t, &r);

	if (!rc)
		attach(o);
	return rc;
}

struct mm_shmem *region_shmem(const struct region *r, uint32_t *pgoff)
{
	if (r->ops != &shmem_ops)
		return NULL;
	*pgoff = r->pgoff;
	return obj_of(r);
}

int mm_unmap_shmem(struct mm_space *s, vaddr_t addr, size_t size,
		   struct mm_shmem *o)
{
	struct region *r = mm_find_region(s, addr), *next;
	int rc;

	for (; r && r->start < addr + size; r = next) {
		next = region_next(r);
		if (r->ops == &shmem_ops && obj_of(r) == o &&
		    r->start - addr == r->pgoff * PAGE_SIZE) {
			rc = mm_unmap(s, r->start, r->len);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* The sanity walk: every object's index and data pages, once. */
static void shmem_sanity_walk(struct sanity *s)
{
	for (struct mm_shmem *o = all_objs; o; o = o->next) {
		paddr_t *dir = slots(o->dir);
		uint32_t n = 0;

		sanity_mark(s, o->dir, 1, "shmem index");
		for (uint32_t l = 0; l < PER_PAGE; l++) {
			if (!dir[l])
				continue;
			sanity_mark(s, dir[l], 1, "shmem index");
			for (uint32_t i = 0; i < PER_PAGE; i++)
				if (slots(dir[l])[i]) {
					sanity_mark(s, slots(dir[l])[i], 1,
						    "shmem page");
					n++;
				}
		}
		if (n != o->resident)
			sanity_fail(s, "shmem: %u pages, %u counted", n,
				    o->resident);
	}
}

static struct sanity_owner shmem_owner = {
    .name = "shmem",
    .walk = shmem_sanity_walk,
};

void mm_shmem_init(void)
{
	all_objs = NULL;
	sanity_register(&shmem_owner);
}
