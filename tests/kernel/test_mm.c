/*
 * test_mm.c - in-kernel memory manager tests on the real MMU: demand-zero,
 * copy-on-write after an address space copy, a page-table entry made
 * writable when a block's count drops to one, cow_break (the seed's
 * clone_ph_block) on fragmented memory, stack growth, and bad accesses.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "kspace.h"

size_t kspace_hog(paddr_t *head)
{
	size_t n = 0;
	paddr_t pa;

	*head = PHYS_NONE;
	while ((pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL)) != PHYS_NONE) {
		*(paddr_t *)arch_phys_to_virt(pa) = *head;
		*head = pa;
		n++;
	}
	return n;
}

/* Free hogged pages: all of them, or with every_other only every other
 * one (leaving memory fragmented); returns the list of pages kept. */
paddr_t kspace_unhog(paddr_t head, bool every_other)
{
	paddr_t keep = PHYS_NONE;
	bool odd = false;

	while (head != PHYS_NONE) {
		paddr_t next = *(paddr_t *)arch_phys_to_virt(head);
		if (every_other && (odd = !odd)) {
			*(paddr_t *)arch_phys_to_virt(head) = keep;
			keep = head;
		} else {
			phys_free(head, 1, PHYS_KERNEL);
		}
		head = next;
	}
	return keep;
}

TEST(mm_demand_zero)
{
	struct mm_space *s = mm_space_new();
	struct phys_stats a, b;
	bool zero = true;

	CHECK(s);
	CHECK_EQ(mm_map_anon(s, TVA, 16 * PAGE_SIZE, RW, 0), 0);
	phys_get_stats(&a);
	kspace_enter(s);
	for (unsigned i = 0; i < 16 * PAGE_SIZE; i += 512)
		zero &= uva(TVA)[i] == 0;
	uva(TVA + 5 * PAGE_SIZE)[7] = 0x5A;
	kspace_leave();
	phys_get_stats(&b);
	CHECK(zero);
	CHECK_EQ(b.user - a.user, 16);
	kspace_enter(s);
	CHECK_EQ(uva(TVA + 5 * PAGE_SIZE)[7], 0x5A);
	kspace_leave();
	mm_space_destroy(s);
}

TEST(mm_cow_after_fork)
{
	struct mm_space *p = mm_space_new(), *c;
	uint8_t v = 0;

	CHECK_EQ(mm_map_anon(p, TVA, 4 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_space_write(p, TVA + 100, "parent", 7), 0);
	c = mm_space_fork(p);
	CHECK(c);
	/* Both sides share the page read-only until someone writes. */
	CHECK(!(pte_flags(p, TVA) & PTE_W));
	CHECK_EQ(pte_phys(p, TVA), pte_phys(c, TVA));
	kspace_enter(c);
	uva(TVA + 100)[0] = 'C'; /* a real write fault: copy-on-write */
	kspace_leave();
	CHECK(pte_phys(p, TVA) != pte_phys(c, TVA));
	CHECK_EQ(mm_space_read(p, TVA + 100, &v, 1), 0);
	CHECK_EQ(v, 'p');
	CHECK_EQ(mm_space_read(c, TVA + 100, &v, 1), 0);
	CHECK_EQ(v, 'C');
	/* The parent is the last user of its page: writable at once. */
	CHECK(pte_flags(p, TVA) & PTE_W);
	mm_space_destroy(c);
	mm_space_destroy(p);
}

TEST(mm_writable_when_count_drops_to_one)
{
	struct mm_space *p = mm_space_new(), *c;

	CHECK_EQ(mm_map_anon(p, TVA, PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_space_write(p, TVA, "x", 1), 0);
	c = mm_space_fork(p);
	CHECK(c);
	CHECK(!(pte_flags(p, TVA) & PTE_W));
	mm_space_destroy(c);
	/* No fault happened: the entry itself was updated. */
	CHECK(pte_flags(p, TVA) & PTE_W);
	mm_space_destroy(p);
}

TEST(mm_clone_fragmented)
{
	struct mm_space *a = mm_space_new(), *b;
	const unsigned n = 8;
	paddr_t hog, pa[8];
	bool same = true;

	CHECK_EQ(mm_map_anon(a, TVA, n * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_populate(a, TVA, n * PAGE_SIZE, true), 0);
	CHECK_EQ(mm_find_region(a, TVA)->entries.count, 1); /* one block */
	for (unsigned i = 0; i < n; i++)
		CHECK_EQ(mm_space_write(a, TVA + i * PAGE_SIZE, &i, 1), 0);
	b = mm_space_fork(a);
	CHECK(b);
	kspace_hog(&hog);
	hog = kspace_unhog(hog, true); /* no two free pages are adjacent */
	kspace_enter(a);
	uva(TVA + 3 * PAGE_SIZE)[1] = 0xEE; /* COW of the 8-page block */
	kspace_leave();
	kspace_unhog(hog, false);
	CHECK(mm_find_region(a, TVA)->entries.count > 1);
	for (unsigned i = 0; i < n; i++) {
		uint8_t va = 0, vb = 0;
		pa[i] = pte_phys(a, TVA + i * PAGE_SIZE);
		CHECK_EQ(mm_space_read(a, TVA + i * PAGE_SIZE, &va, 1), 0);
		CHECK_EQ(mm_space_read(b, TVA + i * PAGE_SIZE, &vb, 1), 0);
		same &= va == i && vb == i;
	}
	CHECK(same);
	CHECK(pa[1] != pa[0] + PAGE_SIZE || pa[2] != pa[1] + PAGE_SIZE);
	mm_space_destroy(a);
	mm_space_destroy(b);
}

TEST(mm_stack_growth)
{
	struct mm_space *s = mm_space_new();
	const vaddr_t top = 0xBF000000u, limit = top - 64 * PAGE_SIZE;

	CHECK_EQ(mm_map_stack(s, top - PAGE_SIZE, PAGE_SIZE, RW, limit), 0);
	kspace_enter(s);
	for (vaddr_t va = top - 4; va >= limit; va -= PAGE_SIZE)
		uva(va)[0] = 1; /* each page below extends the region */
	kspace_leave();
	CHECK_EQ(mm_find_region(s, limit)->start, limit);
	CHECK_EQ(mm_handle_fault(s, limit - 4, true), -EFAULT);
	mm_space_destroy(s);
}

TEST(mm_bad_accesses_refused)
{
	struct mm_space *s = mm_space_new();

	CHECK_EQ(mm_map_anon(s, TVA, PAGE_SIZE, PROT_READ, 0), 0);
	CHECK_EQ(mm_handle_fault(s, TVA, true), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, TVA + PAGE_SIZE, false), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, 0, false), -EFAULT);
	CHECK_EQ(mm_handle_fault(s, TVA, false), 0);
	mm_space_destroy(s);
}

/* The checker accounts for every page: what it finds in use is exactly
 * what the allocator says is not free. */
TEST(mm_sanity_live_system)
{
	struct phys_stats st;

	slab_trim();
	phys_get_stats(&st);
	CHECK(st.total > st.free);
	CHECK_EQ(mm_sanity_check(), st.total - st.free);
}
