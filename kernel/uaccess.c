/* uaccess.c - checked copies between kernel buffers and the current process's
 * memory. */
#include <arch/proc.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/uaccess.h>
#include <mm/pagetable.h>
#include <mm/region.h>

bool user_range_ok(uintptr_t uaddr, size_t n)
{
	return uaddr + n >= uaddr && uaddr + n <= USER_TOP;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range_ok((uintptr_t)usrc, n))
		return -EFAULT;
	return arch_user_copy(dst, usrc, n);
}

bool user_copy_nofault;

int user_nofault_begin(uintptr_t uaddr, size_t n)
{
	if (!user_range_ok(uaddr, n))
		return -EFAULT;
	user_copy_nofault = true;
	return 0;
}

int copy_to_user_in_run(void *udst, const void *src, size_t n)
{
	return arch_user_copy(udst, src, n);
}

void user_nofault_end(void)
{
	user_copy_nofault = false;
}

/* A copy with uaddr the user side, whose faults mm does not resolve. */
static int copy_nofault(void *dst, const void *src, size_t n, uintptr_t uaddr)
{
	int r;

	if (user_nofault_begin(uaddr, n))
		return -EFAULT;
	r = arch_user_copy(dst, src, n);
	user_nofault_end();
	return r;
}

int copy_to_user_nofault(void *udst, const void *src, size_t n)
{
	return copy_nofault(udst, src, n, (uintptr_t)udst);
}

int copy_from_user_nofault(void *dst, const void *usrc, size_t n)
{
	return copy_nofault(dst, usrc, n, (uintptr_t)usrc);
}

bool user_readable_now(uintptr_t uaddr, size_t n)
{
	uintptr_t end = uaddr + n;
	unsigned flags;
	paddr_t pa;

	if (!user_range_ok(uaddr, n))
		return false;
	for (uintptr_t p = uaddr & ~(uintptr_t)(PAGE_SIZE - 1); p < end;
	     p += PAGE_SIZE)
		if (!pt_lookup(current->space->pgdir, p, &pa, &flags) ||
		    (flags & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
			return false;
	return true;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range_ok((uintptr_t)udst, n))
		return -EFAULT;
	return arch_user_copy(udst, src, n);
}

long strncpy_from_user(char *dst, const char *usrc, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (copy_from_user(&dst[i], usrc + i, 1))
			return -EFAULT;
		if (!dst[i])
			return (long)i;
	}
	return -ENAMETOOLONG;
}

/*
 * Fault in every page of a user buffer for writing, without changing its
 * contents (each page's first byte is read and written back), so that a
 * read from a pipe or the console fails before it consumes data.
 */
int user_probe_readable(uintptr_t uaddr, size_t n)
{
	uintptr_t end = uaddr + n;
	uint8_t b;

	if (!user_range_ok(uaddr, n))
		return -EFAULT;
	for (uintptr_t p = uaddr; p < end; p = (p & ~(uintptr_t)0xFFF) + 0x1000)
		if (arch_user_copy(&b, (void *)p, 1))
			return -EFAULT;
	return 0;
}

int user_probe_writable(uintptr_t uaddr, size_t n)
{
	uintptr_t end = uaddr + n;
	uint8_t b;

	if (!user_range_ok(uaddr, n))
		return -EFAULT;
	for (uintptr_t p = uaddr; p < end; p = (p & ~(uintptr_t)0xFFF) + 0x1000)
		if (arch_user_copy(&b, (void *)p, 1) ||
		    arch_user_copy((void *)p, &b, 1))
			return -EFAULT;
	return 0;
}
