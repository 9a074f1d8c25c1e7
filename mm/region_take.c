/*
 * region_take.c - moving pages out of and into an address space without
 * copying, for the yielded-block cache (SPEC §9): region_take_pages and
 * region_give_pages.
 *
 * Both work on [addr, +npages) inside anonymous writable regions. They
 * first make the range self-contained without changing its meaning
 * (blocks straddling its edges are split; take also makes shared COW
 * blocks private with cow_break so the other sharer keeps its data),
 * then allocate everything the change needs, and only then change the
 * mappings, so an -ENOMEM leaves the space's contents as they were.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include "region_internal.h"

static int tg_check(struct mm_space *s, vaddr_t addr, size_t npages,
		    bool need_present)
{
	uint64_t end64 = (uint64_t)addr + (uint64_t)npages * PAGE_SIZE;
	vaddr_t va, end;
	struct region *r;

	if (!PAGE_ALIGNED(addr) || npages == 0 || end64 > ADDR_SPACE_END)
		return -EINVAL;
	if (end64 > USER_TOP)
		return -EFAULT;
	end = (vaddr_t)end64;
	for (va = addr; va < end; va += PAGE_SIZE) {
		r = mm_find_region(s, va);
		if (!r || !region_may_yield(r) || !(r->prot & PROT_WRITE))
			return -EFAULT;
		if (need_present && !entry_find(r, va - r->start))
			return -EFAULT;
	}
	return 0;
}

static struct region_entry *tg_entry(struct mm_space *s, vaddr_t va)
{
	struct region *r = mm_find_region(s, va);

	return r ? entry_find(r, va - r->start) : NULL;
}

/* Split the block (if any) that straddles va. */
static int tg_split_at(struct mm_space *s, vaddr_t va)
{
	struct region_entry *e = tg_entry(s, va);

	if (!e || entry_va(e) == va)
		return 0;
	return block_split(e->block, (va - entry_va(e)) / PAGE_SIZE);
}

static int tg_split_edges(struct mm_space *s, vaddr_t addr, vaddr_t end)
{
	int rc = tg_split_at(s, addr);

	return rc ? rc : tg_split_at(s, end);
}

/* Make every block in [addr, end) private (all present, edges split). */
static int take_privatize(struct mm_space *s, vaddr_t addr, vaddr_t end)
{
	struct region_entry *e;
	int rc;

	for (vaddr_t va = addr; va < end; va += entry_bytes(e)) {
		e = tg_entry(s, va);
		if (e->block->refcount > 1) {
			rc = cow_break(e);
			if (rc)
				return rc;
			e = tg_entry(s, va); /* the clone's first block */
		}
	}
	return 0;
}

/* Attach unattached entries whose offsets count from addr, in any region. */
static void tg_attach(struct mm_space *s, vaddr_t addr,
		      struct region_entry *list)
{
	while (list) {
		struct region_entry *next = list->next_ref;
		vaddr_t va = addr + list->offset;
		struct region *r = mm_find_region(s, va);

		entry_attach(r, list, va - r->start);
		list = next;
	}
}

int region_take_pages(struct mm_space *s, vaddr_t addr, size_t npages,
		      paddr_t *pages)
{
	int rc = tg_check(s, addr, npages, true);
	vaddr_t end = addr + npages * PAGE_SIZE, va;
	struct region_entry *fresh, *e;

	if (rc)
		return rc;
	rc = tg_split_edges(s, addr, end);
	if (!rc)
		rc = take_privatize(s, addr, end);
	if (rc)
		return rc;
	fresh = block_alloc_runs(npages, 1, BLOCK_COW, true);
	if (!fresh)
		return -ENOMEM;
	for (va = addr; va < end;) {
		e = tg_entry(s, va);
		BUG_ON(!e || entry_va(e) != va);
		for (uint32_t i = 0; i < e->block->npages; i++)
			pages[(va - addr) / PAGE_SIZE + i] =
			    e->block->pa + i * PAGE_SIZE;
		va += entry_bytes(e);
		entry_steal(e); /* the pages stay accounted as PHYS_USER */
	}
	tg_attach(s, addr, fresh);
	return 0;
}

/* Unattached single-page blocks for pages[], offsets counted from 0. */
static struct region_entry *give_alloc(const paddr_t *pages, size_t npages)
{
	struct region_entry *head = NULL, *e;
	struct phys_block *b;

	for (size_t i = 0; i < npages; i++) {
		b = block_new(pages[i], 1, BLOCK_COW);
		e = b ? entry_new(b) : NULL;
		if (!e) {
			if (b)
				block_free_obj(b);
			entry_free_unattached(head, false);
			return NULL;
		}
		USE(e, e->offset = i * PAGE_SIZE; e->next_ref = head);
		head = e;
	}
	return head;
}

int region_give_pages(struct mm_space *s, vaddr_t addr, size_t npages,
		      const paddr_t *pages)
{
	int rc = tg_check(s, addr, npages, false);
	vaddr_t end = addr + npages * PAGE_SIZE, va;
	struct region_entry *list, *e;

	if (rc)
		return rc;
	for (size_t i = 0; i < npages; i++)
		if (pages[i] == PHYS_NONE || !PAGE_ALIGNED(pages[i]))
			return -EINVAL;
	rc = tg_split_edges(s, addr, end);
	if (rc)
		return rc;
	if (pt_prepare(s->pgdir, addr, npages))
		return -ENOMEM;
	list = give_alloc(pages, npages);
	if (!list)
		return -ENOMEM;
	for (va = addr; va < end; va += PAGE_SIZE) {
		e = tg_entry(s, va);
		if (e)
			entry_detach(e); /* frees private pages */
	}
	tg_attach(s, addr, list);
	return 0;
}
