/*
 * region_direct.c - the direct physical backend (/dev/mem, SPEC §7): maps
 * the given physical range at creation, with no blocks. The pages are not
 * ours: they are never freed and not marked in the sanity bitmap (only the
 * PTEs are checked).
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include <mm/sanity.h>
#include "region_internal.h"

/* The physical address mapped at the region's start. */
static paddr_t direct_base(const struct region *r)
{
	return (paddr_t)r->backend_data;
}

/* PTE flags for the region's prot: user, writable if PROT_WRITE, and not
 * present at all under PROT_NONE. */
static unsigned direct_flags(const struct region *r)
{
	if (!(r->prot & PROT_RWX))
		return 0;
	return PTE_P | PTE_U | ((r->prot & PROT_WRITE) ? PTE_W : 0);
}

/* Page tables exist for the whole region (made at creation). */
static void direct_sync(struct region *r)
{
	unsigned flags = direct_flags(r);

	for (vaddr_t off = 0; off < r->len; off += PAGE_SIZE) {
		if (flags)
			BUG_ON(pt_map(region_pgdir(r), r->start + off,
				      direct_base(r) + off, flags));
		else
			pt_unmap(region_pgdir(r), r->start + off);
	}
}

/* Make every page table of the region, so direct_sync cannot fail. */
static int direct_prepare(struct region *r)
{
	return pt_prepare(region_pgdir(r), r->start, r->len / PAGE_SIZE);
}

/* Every page is mapped while access is allowed; remap a lost one. */
static int direct_fault(struct region *r, vaddr_t va, bool write)
{
	(void)write;
	BUG_ON(pt_map(region_pgdir(r), va, direct_base(r) + (va - r->start),
		      direct_flags(r)));
	return 0;
}

/* Fork: the child maps the same physical range (its base came with the
 * region template). */
static int direct_copy(struct region *dst, struct region *src)
{
	(void)src;
	if (direct_prepare(dst))
		return -ENOMEM;
	direct_sync(dst);
	return 0;
}

/* Unmap only: the pages are not ours to free. */
static void direct_release(struct region *r)
{
	for (vaddr_t off = 0; off < r->len; off += PAGE_SIZE)
		pt_unmap(region_pgdir(r), r->start + off);
}

/* Every PTE maps exactly base + offset with the flags prot asks for (none
 * under PROT_NONE); no entries, and no pages to claim. */
static void direct_sanity(struct sanity *s, struct region *r)
{
	unsigned want = direct_flags(r), flags;
	paddr_t pa;

	if (r->entries.count)
		sanity_fail(s, "direct region %#x has entries", r->start);
	for (vaddr_t off = 0; off < r->len; off += PAGE_SIZE) {
		bool present =
		    pt_lookup(region_pgdir(r), r->start + off, &pa, &flags);

		if (present != !!want ||
		    (present && (pa != direct_base(r) + off ||
				 (flags & (PTE_P | PTE_W | PTE_U)) != want)))
			sanity_fail(s, "direct region: bad pte at %#x",
				    r->start + off);
	}
}

/* The part cut off at offset cut maps the physical range from there. */
static void direct_split(struct region *r, struct region *nr, vaddr_t cut)
{
	USE(nr, nr->backend_data = direct_base(r) + cut);
}

/* /proc/PID/maps shows the physical address, like Linux for /dev/mem. */
static uint32_t direct_map_offset(const struct region *r)
{
	return direct_base(r);
}

static const struct region_ops direct_ops = {
    .name = "direct",
    .flags = REGION_OPS_SHARED | REGION_OPS_PFNMAP,
    .fault = direct_fault,
    .copy = direct_copy,
    .release = direct_release,
    .sync = direct_sync,
    .split = direct_split,
    .map_offset = direct_map_offset,
    .sanity = direct_sanity,
};

/* /dev/mem: map [phys, +len) at start, all at once. */
int mm_map_direct(struct mm_space *s, vaddr_t start, size_t len, paddr_t phys,
		  unsigned prot)
{
	struct region t = {
	    .start = start,
	    .len = len,
	    .prot = prot,
	    .ops = &direct_ops,
	    .backend_data = phys,
	};
	struct region *r;
	int rc;

	if (!PAGE_ALIGNED(phys) || (uint64_t)phys + len > ADDR_SPACE_END)
		return -EINVAL;
	rc = region_map_new(s, &t, &r);
	if (rc)
		return rc;
	if (direct_prepare(r)) {
		region_destroy(r);
		return -ENOMEM;
	}
	direct_sync(r);
	return 0;
}
