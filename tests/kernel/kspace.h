/*
 * kspace.h - helpers for in-kernel tests that build an address space and
 * enter it themselves (no processes needed): real page faults, real TLB.
 */
#ifndef TESTS_KERNEL_KSPACE_H
#define TESTS_KERNEL_KSPACE_H

#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/test.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>

#define RW (PROT_READ | PROT_WRITE)
#define TVA 0x20000000u

/* Run as a process whose address space is s (tests/kernel/kspace.c):
 * faults at user addresses go to s, as they would for a process. */
void kspace_enter(struct mm_space *s);
/* Back to the kernel's own page directory, with no current process. The
 * test runner does it too after each test, for tests that stopped early. */
void kspace_leave(void);

static inline volatile uint8_t *uva(vaddr_t va)
{
	return (volatile uint8_t *)(uintptr_t)va;
}

static inline unsigned pte_flags(struct mm_space *s, vaddr_t va)
{
	unsigned fl = 0;

	return pt_lookup(s->pgdir, va, NULL, &fl) ? fl : 0;
}

static inline paddr_t pte_phys(struct mm_space *s, vaddr_t va)
{
	paddr_t pa = 0;

	return pt_lookup(s->pgdir, va, &pa, NULL) ? pa : 0;
}

/* Take every free page (one at a time) into a list kept in the pages
 * themselves; returns the count. Free with kspace_unhog(). */
size_t kspace_hog(paddr_t *head);
paddr_t kspace_unhog(paddr_t head, bool every_other);

#endif
