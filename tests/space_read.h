/*
 * space_read.h - read another address space, for the host tests and the
 * in-kernel tests alike (mm has no such call: the kernel only copies into
 * spaces, see mm_space_write).
 */
#ifndef TESTS_SPACE_READ_H
#define TESTS_SPACE_READ_H

#include <kernel/string.h>
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/region.h>

/*
 * Copy n bytes out of space s at va, faulting pages in as a read would:
 * 0, -EFAULT or the fault's error. The kernel only copies into other
 * spaces (mm_space_write); reading one back is the tests' business.
 */
static inline int space_read(struct mm_space *s, vaddr_t va, void *dst,
			     size_t n)
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

#endif
