/*
 * space_access.c - reading another address space from the kernel, as
 * Linux's access_process_vm: /proc/PID/cmdline reads a process's
 * arguments this way, and the tests read what they made. Pages are
 * faulted in as a read by the owner would (a copy-on-write page stays
 * shared); the bytes come through the direct mapping.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include <mm/region.h>

int mm_space_read(struct mm_space *s, vaddr_t va, void *dst, size_t n)
{
	char *out = dst;
	paddr_t pa;
	int rc;

	if (va >= USER_TOP || n > USER_TOP - va)
		return n ? -EFAULT : 0;
	while (n) {
		size_t off = va & ~PAGE_MASK, chunk = MIN(n, PAGE_SIZE - off);

		if (!pt_lookup(s->pgdir, va - off, &pa, NULL)) {
			rc = mm_handle_fault(s, va - off, false);
			if (rc)
				return rc;
			if (!pt_lookup(s->pgdir, va - off, &pa, NULL))
				return -EFAULT;
		}
		if (pa >= arch_direct_map_limit())
			return -EFAULT;
		memcpy(out, (char *)arch_phys_to_virt(pa) + off, chunk);
		va += chunk;
		out += chunk;
		n -= chunk;
	}
	return 0;
}
