/*
 * test_region_take.c - host tests for region_take_pages and
 * region_give_pages (mm/region_take.c), the zero-copy page moves of the
 * yielded-block cache: round trip keeps the physical pages, argument and
 * range errors, taking forked copy-on-write pages leaves the other space
 * intact, and blocks straddling the range are split.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include "host.h"
#include "space.h"

static uint8_t buf[PAGE_SIZE];

TEST(region_take_give_roundtrip)
{
	struct mm_space *s = mm_space_new();
	const vaddr_t va = 0x20000000u;
	paddr_t orig[8], pages[8];
	size_t user0 = user_pages();

	CHECK_EQ(mm_map_anon(s, va, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0),
		 0);
	CHECK_EQ(fill(s, va, 8, 20), 0);
	for (int i = 0; i < 8; i++)
		orig[i] = pte_pa(s, va + i * PAGE_SIZE);
	CHECK_EQ(region_take_pages(s, va, 8, pages), 0);
	for (int i = 0; i < 8; i++) {
		CHECK_EQ(pages[i], orig[i]); /* zero copy */
		/* Left empty: no page allocated in place (demand zero). */
		CHECK(!pt_lookup(s->pgdir, va + i * PAGE_SIZE, NULL, NULL));
	}
	CHECK_EQ(mm_find_region(s, va)->entries.count, 0);
	CHECK_EQ(user_pages(), user0 + 8); /* the taken pages, ours now */
	CHECK_EQ(mm_space_read(s, va + 7 * PAGE_SIZE, buf, PAGE_SIZE), 0);
	CHECK_EQ(buf[0] | buf[PAGE_SIZE - 1], 0); /* a fresh zero page */
	CHECK_EQ(user_pages(), user0 + 9);
	CHECK(pte_pa(s, va + 7 * PAGE_SIZE) != orig[7]);
	CHECK_EQ(region_give_pages(s, va, 8, pages), 0);
	CHECK_EQ(user_pages(), user0 + 8); /* the fresh page was freed */
	for (int i = 0; i < 8; i++)
		CHECK_EQ(pte_pa(s, va + i * PAGE_SIZE), orig[i]);
	CHECK(holds(s, va, 8, 20));
	mm_sanity_check();
	mm_space_destroy(s);
	CHECK_EQ(user_pages(), user0);
}

TEST(region_take_bad_ranges)
{
	struct mm_space *s = mm_space_new();
	const unsigned rw = PROT_READ | PROT_WRITE;
	paddr_t pages[4] = {0x100000, 0x101000, 0x102000, 0x103000};

	CHECK_EQ(mm_map_anon(s, 0x20000000u, 4 * PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(mm_map_anon(s, 0x20005000u, PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(mm_map_anon(s, 0x30000000u, PAGE_SIZE, PROT_READ, 0), 0);
	CHECK_EQ(mm_map_shared(s, 0x40000000u, PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(mm_populate(s, 0x20000000u, 4 * PAGE_SIZE, true), 0);
	CHECK_EQ(mm_populate(s, 0x20005000u, PAGE_SIZE, true), 0);
	CHECK_EQ(mm_populate(s, 0x30000000u, PAGE_SIZE, false), 0);
	CHECK_EQ(region_take_pages(s, 0x20000010u, 1, pages), -EINVAL);
	CHECK_EQ(region_take_pages(s, 0x20000000u, 0, pages), -EINVAL);
	CHECK_EQ(region_take_pages(s, 0x20000000u, 0x100000, pages), -EINVAL);
	CHECK_EQ(region_take_pages(s, 0x20000000u, 6, pages),
		 -EFAULT); /* gap */
	CHECK_EQ(region_take_pages(s, 0x30000000u, 1, pages), -EFAULT); /* ro */
	CHECK_EQ(region_take_pages(s, 0x40000000u, 1, pages), -EFAULT);
	CHECK_EQ(region_take_pages(s, 0x50000000u, 1, pages), -EFAULT);
	CHECK_EQ(region_take_pages(s, USER_TOP - PAGE_SIZE, 2, pages), -EFAULT);
	CHECK_EQ(region_give_pages(s, 0x30000000u, 1, pages), -EFAULT);
	CHECK_EQ(region_give_pages(s, 0x20003000u, 3, pages), -EFAULT);
	CHECK_EQ(region_give_pages(s, 0x20000000u, 0, pages), -EINVAL);
	/* Not present: take refuses, give is fine (give takes ownership). */
	CHECK_EQ(mm_unmap(s, 0x20002000u, PAGE_SIZE), 0);
	CHECK_EQ(mm_map_anon(s, 0x20002000u, PAGE_SIZE, rw, 0), 0);
	CHECK_EQ(region_take_pages(s, 0x20001000u, 2, pages), -EFAULT);
	pages[0] = phys_alloc(1, PHYS_ANY, PHYS_USER);
	CHECK_EQ(region_give_pages(s, 0x20002000u, 1, pages), 0);
	CHECK_EQ(pte_pa(s, 0x20002000u), pages[0]);
	/* Spanning two adjacent regions is fine. */
	CHECK_EQ(region_take_pages(s, 0x20001000u, 3, pages), 0);
	CHECK_EQ(region_give_pages(s, 0x20001000u, 3, pages), 0);
	mm_sanity_check();
	mm_space_destroy(s);
}

/* Taking a forked copy-on-write page clones it first: the parent keeps
 * its data and its page; the child's taken page holds the same data. */
TEST(region_take_cow_shared)
{
	struct mm_space *a = mm_space_new(), *b;
	const vaddr_t va = 0x20000000u;
	paddr_t pages[16], pa_a;

	CHECK_EQ(mm_map_anon(a, va, 16 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0),
		 0);
	CHECK_EQ(mm_populate(a, va, 16 * PAGE_SIZE, true), 0);
	CHECK_EQ(mm_find_region(a, va)->entries.count,
		 1); /* one 16-page block */
	CHECK_EQ(fill(a, va, 16, 60), 0);
	CHECK((b = mm_space_fork(a)) != NULL);
	pa_a = pte_pa(a, va + 5 * PAGE_SIZE);
	CHECK_EQ(region_take_pages(b, va + 4 * PAGE_SIZE, 4, pages), 0);
	for (int i = 0; i < 4; i++) {
		uint8_t *p = arch_phys_to_virt(pages[i]);

		CHECK(p[0] == 64 + i && p[PAGE_SIZE - 1] == 64 + i);
	}
	CHECK(pages[1] != pa_a);
	CHECK_EQ(pte_pa(a, va + 5 * PAGE_SIZE), pa_a);
	CHECK(holds(a, va, 16, 60));
	CHECK(holds(b, va, 4, 60));
	CHECK(holds(b, va + 8 * PAGE_SIZE, 8, 68));
	CHECK_EQ(region_give_pages(b, va + 4 * PAGE_SIZE, 4, pages), 0);
	CHECK(holds(b, va, 16, 60));
	mm_sanity_check();
	mm_space_destroy(b);
	CHECK(pte_flags(a, va + 5 * PAGE_SIZE) & PTE_W);
	mm_space_destroy(a);
}

/* Taking the middle of a private multi-page block splits it. */
TEST(region_take_splits_block)
{
	struct mm_space *s = mm_space_new();
	const vaddr_t va = 0x20000000u;
	paddr_t pages[3], pa5;

	CHECK_EQ(mm_map_anon(s, va, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0),
		 0);
	CHECK_EQ(mm_populate(s, va, 8 * PAGE_SIZE, false), 0);
	CHECK_EQ(fill(s, va, 8, 1), 0);
	pa5 = pte_pa(s, va + 5 * PAGE_SIZE);
	CHECK_EQ(region_take_pages(s, va + 3 * PAGE_SIZE, 3, pages), 0);
	CHECK_EQ(pages[2], pa5);
	CHECK_EQ(mm_find_region(s, va)->entries.count, 2); /* 3 + 2 */
	CHECK(holds(s, va, 3, 1));
	CHECK(holds(s, va + 6 * PAGE_SIZE, 2, 7));
	for (int i = 0; i < 3; i++)
		phys_free(pages[i], 1, PHYS_USER);
	mm_sanity_check();
	mm_space_destroy(s);
}
