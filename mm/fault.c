/*
 * fault.c - user page faults (SPEC §6) and the kernel's copies into and
 * out of another address space, which fault pages in the same way.
 *
 * A fault is handled in its region: demand-zero (or whatever the backend
 * does) for a missing page, copy-on-write through cow_break() for a
 * write to a shared read-only block, and stack growth for an access just
 * below a REGION_GROWSDOWN region, down to its grow_limit.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include "region_internal.h"

/* The stack region addr (in no region) may grow into, or NULL. */
static struct region *stack_below(struct mm_space *s, vaddr_t addr)
{
	struct region *r = region_first_after(s, addr);

	if (!r || !(r->flags & REGION_GROWSDOWN) || addr < r->grow_limit)
		return NULL;
	return r;
}

static bool access_ok(const struct region *r, bool write)
{
	if (write)
		return r->prot & PROT_WRITE;
	return r->prot & PROT_RWX;
}

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
		return cow_break(e); /* copy-on-write */
	entry_sync(e); /* spurious (stale TLB): the PTE is already right */
	return 0;
}

/* Kernel address of page va of s, faulting it in (writable if write). */
static int user_page(struct mm_space *s, vaddr_t va, bool write, char **out)
{
	paddr_t pa;
	unsigned flags;
	int rc;

	if (!pt_lookup(s->pgdir, va, &pa, &flags) ||
	    (write && !(flags & PTE_W))) {
		rc = mm_handle_fault(s, va, write);
		if (rc)
			return rc;
		if (!pt_lookup(s->pgdir, va, &pa, &flags) ||
		    (write && !(flags & PTE_W)))
			return -EFAULT;
	}
	if (pa >= arch_direct_map_limit())
		return -EFAULT; /* a direct mapping of high memory */
	*out = arch_phys_to_virt(pa);
	return 0;
}

/* Copy n bytes page by page; stops at the first page that fails. */
static int space_copy(struct mm_space *s, vaddr_t va, char *buf, size_t n,
		      bool write)
{
	char *page;
	int rc;

	if (va >= USER_TOP || n > USER_TOP - va)
		return n ? -EFAULT : 0;
	while (n) {
		size_t off = va & ~PAGE_MASK, chunk = MIN(n, PAGE_SIZE - off);

		rc = user_page(s, va - off, write, &page);
		if (rc)
			return rc;
		if (write)
			memcpy(page + off, buf, chunk);
		else
			memcpy(buf, page + off, chunk);
		va += chunk;
		buf += chunk;
		n -= chunk;
	}
	return 0;
}

int mm_space_write(struct mm_space *s, vaddr_t va, const void *src, size_t n)
{
	return space_copy(s, va, (char *)src, n, true);
}
