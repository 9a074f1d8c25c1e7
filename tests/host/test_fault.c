/*
 * test_fault.c - host tests for mm/fault.c: demand-zero, copy-on-write
 * after fork (isolation both ways, PTE writable again when the other side
 * goes), cow_break (the seed's clone_ph_block) on fragmented memory,
 * stack growth and its limit, bad accesses, and out of memory.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include "host.h"

#define RW (PROT_READ | PROT_WRITE)

static paddr_t hog[HOST_MEM_BYTES / PAGE_SIZE];

static bool pte(struct mm_space *s, vaddr_t va, paddr_t *pa, unsigned *fl)
{
	return pt_lookup(s->pgdir, va, pa, fl);
}

static uint8_t peek(struct mm_space *s, vaddr_t va)
{
	uint8_t b = 0xEE;

	mm_space_read(s, va, &b, 1);
	return b;
}

/* Allocate every free page singly; returns how many. */
static size_t hog_all(void)
{
	size_t n = 0;

	while ((hog[n] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL)) != PHYS_NONE)
		n++;
	return n;
}

TEST(fault_demand_zero)
{
	struct mm_space *s = mm_space_new();
	const vaddr_t va = 0x20000000u;
	unsigned fl;
	paddr_t pa;

	CHECK_EQ(mm_map_anon(s, va, 4 * PAGE_SIZE, RW, 0), 0);
	CHECK(!pte(s, va + PAGE_SIZE, NULL, NULL));
	CHECK_EQ(mm_handle_fault(s, va + PAGE_SIZE + 123, false), 0);
	CHECK(pte(s, va + PAGE_SIZE, &pa, &fl));
	CHECK_EQ(fl & (PTE_P | PTE_U), PTE_P | PTE_U);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		CHECK_EQ(((uint8_t *)arch_phys_to_virt(pa))[i], 0);
	CHECK(!pte(s, va, NULL, NULL)); /* only the faulting page */
	CHECK(!pte(s, va + 2 * PAGE_SIZE, NULL, NULL));
	/* A repeated (spurious) fault changes nothing. */
	CHECK_EQ(mm_handle_fault(s, va + PAGE_SIZE, true), 0);
	CHECK(pte(s, va + PAGE_SIZE, &hog[0], NULL) && hog[0] == pa);
	mm_sanity_check();
	mm_space_destroy(s);
}

TEST(fault_cow_isolation)
{
	struct mm_space *a = mm_space_new(), *b;
	const vaddr_t va = 0x20000000u;
	paddr_t pa, pb;
	unsigned fa, fb;

	CHECK_EQ(mm_map_anon(a, va, 2 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_space_write(a, va, "parent", 7), 0);
	CHECK_EQ(mm_space_write(a, va + PAGE_SIZE, "second", 7), 0);
	CHECK((b = mm_space_fork(a)) != NULL);
	CHECK(pte(a, va, &pa, &fa) && pte(b, va, &pb, &fb));
	CHECK_EQ(pa, pb);
	CHECK_EQ(fa & PTE_W, 0);
	CHECK_EQ(fb & PTE_W, 0);
	/* Child writes: it gets a copy; the parent is the sole user now. */
	CHECK_EQ(mm_handle_fault(b, va, true), 0);
	CHECK(pte(b, va, &pb, &fb) && pb != pa && (fb & PTE_W));
	CHECK(pte(a, va, &pa, &fa) && (fa & PTE_W));
	CHECK_EQ(mm_space_write(b, va, "CHILD", 5), 0);
	CHECK_EQ(peek(a, va), 'p');
	CHECK_EQ(peek(b, va), 'C');
	CHECK_EQ(peek(b, va + 5), 't'); /* copied data */
	/* Parent writes the second page: isolated the other way too. */
	CHECK_EQ(mm_space_write(a, va + PAGE_SIZE, "S", 1), 0);
	CHECK_EQ(peek(b, va + PAGE_SIZE), 's');
	CHECK_EQ(peek(a, va + PAGE_SIZE), 'S');
	mm_sanity_check();
	mm_space_destroy(b);
	mm_sanity_check();
	mm_space_destroy(a);
}

/* When the other sharer exits, the survivor is writable at once. */
TEST(fault_cow_writable_after_exit)
{
	struct mm_space *a = mm_space_new(), *b, *c;
	const vaddr_t va = 0x20000000u;
	unsigned fl;

	CHECK_EQ(mm_map_anon(a, va, PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_space_write(a, va, "x", 1), 0);
	CHECK((b = mm_space_fork(a)) != NULL);
	CHECK((c = mm_space_fork(b)) != NULL); /* three sharers */
	mm_space_destroy(a);
	CHECK(pte(b, va, NULL, &fl) && !(fl & PTE_W));
	CHECK(pte(c, va, NULL, &fl) && !(fl & PTE_W));
	mm_space_destroy(c);
	CHECK(pte(b, va, NULL, &fl) && (fl & PTE_W));
	CHECK_EQ(peek(b, va), 'x');
	mm_sanity_check();
	mm_space_destroy(b);
}

/* cow_break (clone_ph_block) on memory with no two free pages adjacent. */
TEST(fault_clone_fragmented)
{
	struct mm_space *a = mm_space_new(), *b;
	const vaddr_t va = 0x20000000u;
	uint8_t pat[8];
	size_t n;
	paddr_t pa[8];

	CHECK_EQ(mm_map_anon(a, va, 8 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_populate(a, va, 8 * PAGE_SIZE, true), 0);
	CHECK_EQ(mm_find_region(a, va)->entries.count, 1);
	for (int i = 0; i < 8; i++) {
		pat[i] = (uint8_t)(0x40 + i);
		CHECK_EQ(mm_space_write(a, va + i * PAGE_SIZE + 99, &pat[i], 1),
			 0);
	}
	CHECK((b = mm_space_fork(a)) != NULL);
	n = hog_all();
	for (size_t i = 0; i < n; i += 2)
		phys_free(hog[i], 1, PHYS_KERNEL);
	CHECK_EQ(mm_handle_fault(a, va + 3 * PAGE_SIZE, true), 0);
	CHECK(mm_find_region(a, va)->entries.count > 1);
	for (int i = 0; i < 8; i++) {
		CHECK(pte(a, va + i * PAGE_SIZE, &pa[i], NULL));
		CHECK_EQ(peek(a, va + i * PAGE_SIZE + 99), pat[i]);
		CHECK_EQ(peek(b, va + i * PAGE_SIZE + 99), pat[i]);
	}
	CHECK(pa[1] != pa[0] + PAGE_SIZE || pa[2] != pa[1] + PAGE_SIZE);
	CHECK_EQ(mm_space_write(a, va + 7 * PAGE_SIZE + 99, "!", 1), 0);
	CHECK_EQ(peek(b, va + 7 * PAGE_SIZE + 99), pat[7]);
	for (size_t i = 1; i < n; i += 2)
		phys_free(hog[i], 1, PHYS_KERNEL);
	mm_sanity_check();
	mm_space_destroy(a);
	mm_space_destroy(b);
}

TEST(fault_stack_growth)
{
	struct mm_space *s = mm_space_new();
	const vaddr_t top = 0xBF000000u, limit = top - 16 * PAGE_SIZE;
	struct region *r;

	CHECK_EQ(mm_map_anon(s, 0x10000000u, PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_map_stack(s, top - 2 * PAGE_SIZE, 2 * PAGE_SIZE, RW, limit),
		 0);
	CHECK_EQ(mm_space_write(s, top - 8, "stack", 6), 0);
	/* Skip a few pages: the region grows down to the page of addr. */
	CHECK_EQ(mm_handle_fault(s, top - 5 * PAGE_SIZE + 20, true), 0);
	r = mm_find_region(s, top - 5 * PAGE_SIZE);
	CHECK(r != NULL);
	CHECK_EQ(r->start, top - 5 * PAGE_SIZE);
	CHECK_EQ(r->len, 5 * PAGE_SIZE);
	CHECK_EQ(peek(s, top - 8), 's'); /* entries moved with the start */
	mm_sanity_check();
	CHECK_EQ(mm_space_write(s, limit, "L", 1), 0); /* down to the limit */
	CHECK_EQ(mm_find_region(s, limit)->len, 16 * PAGE_SIZE);
	CHECK_EQ(mm_handle_fault(s, limit - 1, false), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, limit - PAGE_SIZE, true), -EFAULT);
	CHECK_EQ(peek(s, top - 8), 's');
	CHECK_EQ(peek(s, limit), 'L');
	mm_sanity_check();
	mm_space_destroy(s);
}

TEST(fault_stack_readonly_no_growth)
{
	struct mm_space *s = mm_space_new();
	const vaddr_t top = 0x80000000u;

	CHECK_EQ(mm_map_stack(s, top - PAGE_SIZE, PAGE_SIZE, PROT_READ,
			      top - 8 * PAGE_SIZE),
		 0);
	CHECK_EQ(mm_handle_fault(s, top - 2 * PAGE_SIZE, true), -EFAULT);
	CHECK_EQ(mm_find_region(s, top - 2 * PAGE_SIZE), NULL);
	CHECK_EQ(mm_handle_fault(s, top - 2 * PAGE_SIZE, false), 0);
	CHECK(mm_find_region(s, top - 2 * PAGE_SIZE) != NULL);
	mm_space_destroy(s);
}

TEST(fault_bad_accesses)
{
	struct mm_space *s = mm_space_new();

	CHECK_EQ(mm_map_anon(s, 0x20000000u, PAGE_SIZE, PROT_READ, 0), 0);
	CHECK_EQ(mm_map_anon(s, 0x20001000u, PAGE_SIZE, PROT_NONE, 0), 0);
	CHECK_EQ(mm_map_anon(s, 0x20002000u, PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_handle_fault(s, 0x20000000u, true), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, 0x20000000u, false), 0);
	CHECK_EQ(mm_handle_fault(s, 0x20000000u, true), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, 0x20001000u, false), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, 0x20001000u, true), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, 0x20003000u, false), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, 0x1FFFFFFFu, false), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, 0, false), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, 0xC0001000u, false), -EFAULT);
	CHECK_EQ(mm_space_write(s, 0x20001FFEu, "abcd", 4), -EFAULT);
	/* Write access through a later mprotect works. */
	CHECK_EQ(mm_protect(s, 0x20000000u, PAGE_SIZE, RW), 0);
	CHECK_EQ(mm_handle_fault(s, 0x20000000u, true), 0);
	mm_sanity_check();
	mm_space_destroy(s);
}

TEST(fault_enomem)
{
	struct mm_space *a = mm_space_new(), *b;
	const vaddr_t va = 0x20000000u;
	paddr_t pa;
	unsigned fl;
	size_t n;

	CHECK_EQ(mm_map_anon(a, va, 4 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_space_write(a, va, "A", 1), 0);
	CHECK((b = mm_space_fork(a)) != NULL);
	n = hog_all();
	CHECK_EQ(mm_handle_fault(a, va + PAGE_SIZE, false), -ENOMEM);
	CHECK_EQ(mm_handle_fault(a, va, true), -ENOMEM); /* COW copy */
	CHECK(pte(a, va, &pa, &fl) && !(fl & PTE_W));
	CHECK(pte(b, va, NULL, &fl) && !(fl & PTE_W));
	CHECK_EQ(mm_space_write(b, va, "B", 1), -ENOMEM);
	CHECK_EQ(mm_populate(a, va, 4 * PAGE_SIZE, false), -ENOMEM);
	CHECK_EQ(mm_map_shared(a, 0x30000000u, PAGE_SIZE, RW, 0), -ENOMEM);
	CHECK_EQ(mm_find_region(a, 0x30000000u), NULL);
	CHECK_EQ(mm_space_fork(a), NULL);
	for (size_t i = 0; i < n; i++)
		phys_free(hog[i], 1, PHYS_KERNEL);
	mm_sanity_check();
	CHECK_EQ(mm_space_write(b, va, "B", 1), 0);
	CHECK_EQ(peek(a, va), 'A');
	CHECK_EQ(peek(b, va), 'B');
	CHECK(pte(a, va, NULL, &fl) && (fl & PTE_W));
	mm_space_destroy(a);
	mm_space_destroy(b);
}
