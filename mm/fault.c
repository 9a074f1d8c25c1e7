/*
 * fault.c - user page faults (SPEC §6) and copy-on-write.
 *
 * A fault is handled in its region, like Linux's handle_mm_fault: an
 * access just below a REGION_GROWSDOWN region grows it (down to its
 * grow_limit); a missing page goes to the backend (demand zero for
 * anonymous memory); a write to a read-only page of a copy-on-write block
 * breaks the sharing (cow_break_page, Linux's do_wp_page); anything
 * else that
 * the region allows is a stale TLB entry and just rewrites the PTE.
 *
 * Invariant kept: a fault never changes what any space reads; it only
 * makes pages present or private.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include "region_internal.h"

/* Linux's stack_guard_gap: a stack never grows closer than this to an
 * accessible mapping below it. */
#define STACK_GUARD_GAP (256u * PAGE_SIZE)

/* The stack region addr (in no region) may grow into, or NULL. */
static struct region *stack_below(struct mm_space *s, vaddr_t addr)
{
	struct region *r = region_first_after(s, addr), *prev;
	vaddr_t va = PAGE_ROUND_DOWN(addr), low = mm_gap_start(s, va);

	if (!r || !(r->flags & REGION_GROWSDOWN) || addr < r->grow_limit)
		return NULL;
	prev = low > PAGE_SIZE ? mm_find_region(s, low - 1) : NULL;
	if (prev && !(prev->flags & REGION_GROWSDOWN) &&
	    (prev->prot & PROT_RWX) && va - low < STACK_GUARD_GAP)
		return NULL;
	return r;
}

/* Does r's protection allow this access? */
static bool access_ok(const struct region *r, bool write)
{
	if (write)
		return r->prot & PROT_WRITE;
	return r->prot & PROT_RWX;
}

/* Resolve a fault at addr in s: 0, -EFAULT (SIGSEGV) or -ENOMEM. */
int mm_handle_fault(struct mm_space *s, vaddr_t addr, bool write)
{
	vaddr_t va = PAGE_ROUND_DOWN(addr);
	struct region_entry *e;
	struct region *r;

	if (addr >= USER_TOP || addr < PAGE_SIZE)
		return -EFAULT;
	r = mm_find_region(s, addr);
	if (!r) {
		r = stack_below(s, addr);
		if (!r || !access_ok(r, write))
			return -EFAULT;
		region_grow_down(r, va);
	}
	if (!access_ok(r, write))
		return -EFAULT;
	e = entry_find(r, va - r->start);
	if (!e)
		return r->ops->fault(r, va, write);
	if (write && !(entry_pte_flags(e) & PTE_W))
		return cow_break_page(e);
	entry_sync(e); /* spurious (stale TLB): the PTE is already right */
	return 0;
}

/* Copy the pages of old into the fresh runs of list (same offsets). */
static void copy_runs(struct region_entry *list, const struct phys_block *old)
{
	for (struct region_entry *n = list; n; n = n->next_ref)
		for (uint32_t i = 0; i < n->block->npages; i++)
			memcpy(arch_phys_to_virt(n->block->pa + i * PAGE_SIZE),
			       arch_phys_to_virt(old->pa + n->offset +
						 i * PAGE_SIZE),
			       PAGE_SIZE);
}

/*
 * The copy-on-write step (the seed's clone_ph_block). The new pages may
 * come from several free ranges, so a 64-page block can be broken on
 * fragmented memory. The last user of a block just gets it writable.
 */
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
	copy_runs(list, old);
	entry_detach(e);
	entry_attach_list(r, list, off);
	return 0;
}

/*
 * Copy-on-write of one page (the fault path). A single-page block's copy
 * becomes the faulting entry's own block in place: e stays in its tree
 * (no removal, no insertion), leaves the old block's reference list and
 * takes the new one's; the old block's last sharer may write again at
 * once. A larger block (exec's populate makes them) is copied whole by
 * cow_break: splitting one page off would leave every sharer with more
 * block and entry objects for good (tried: the leak checks count them).
 */
int cow_break_page(struct region_entry *e)
{
	struct phys_block *old, *nb;
	paddr_t pa;

	if (e->block->refcount == 1) {
		entry_sync(e); /* already private */
		return 0;
	}
	if (e->block->npages > 1)
		return cow_break(e);
	pa = phys_alloc(1, PHYS_ANY, PHYS_USER);
	if (pa == PHYS_NONE)
		return -ENOMEM;
	nb = block_new(pa, 1, BLOCK_COW);
	if (!nb) {
		phys_free(pa, 1, PHYS_USER);
		return -ENOMEM;
	}
	old = e->block;
	memcpy(arch_phys_to_virt(pa), arch_phys_to_virt(old->pa), PAGE_SIZE);
	entry_rebind(e, nb);
	entry_sync(e);
	if (old->refcount == 1)
		block_sync(old);
	return 0;
}
