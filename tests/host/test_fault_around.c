/*
 * test_fault_around.c - host tests for anonymous fault-around
 * (mm/region_anon.c): first touches in order fill doubling runs, so a
 * sequential walk takes a few faults; scattered touches fill only the
 * touched pages; a run stops at the next present page and at the region's
 * end, skips stacks, and never evicts cached blocks for pages not asked
 * for.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include "host.h"

#define RW (PROT_READ | PROT_WRITE)
#define VA 0x20000000u

static paddr_t hog[HOST_MEM_BYTES / PAGE_SIZE];

static bool present(struct mm_space *s, vaddr_t va)
{
	return pt_lookup(s->pgdir, va, NULL, NULL);
}

/* Pages allocated as user memory (0 once every space is gone). */
static size_t user_pages(void)
{
	struct phys_stats st;

	phys_get_stats(&st);
	return st.user;
}

/* End of a test: the sanity check passes, and once s is gone no user
 * page is left. */
static void finish(struct mm_space *s)
{
	mm_sanity_check();
	mm_space_destroy(s);
	CHECK_EQ(user_pages(), 0u);
}

/* Touch pages [0, n) of VA in order as the CPU would: a fault only where
 * no PTE is present. Returns the number of faults. */
static unsigned walk(struct mm_space *s, uint32_t first, uint32_t n)
{
	unsigned faults = 0;

	for (uint32_t i = first; i < first + n; i++) {
		vaddr_t va = VA + i * PAGE_SIZE;

		if (present(s, va))
			continue;
		if (mm_handle_fault(s, va, true))
			return ~0u;
		faults++;
	}
	return faults;
}

/* Present pages of [0, n). */
static uint32_t count_present(struct mm_space *s, uint32_t n)
{
	uint32_t c = 0;

	for (uint32_t i = 0; i < n; i++)
		c += present(s, VA + i * PAGE_SIZE);
	return c;
}

TEST(fault_around_in_order)
{
	struct mm_space *s = mm_space_new();
	const uint32_t n = 256;
	unsigned faults;

	CHECK_EQ(mm_map_anon(s, VA, n * PAGE_SIZE, RW, 0), 0);
	faults = walk(s, 0, n);
	/* 1, 1, 2, 4, 8, then runs of 16: 20 faults, not 256. */
	CHECK(faults <= 24);
	CHECK(faults >= n / 16);
	CHECK_EQ(count_present(s, n), n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = 1;

		CHECK_EQ(mm_space_read(s, VA + i * PAGE_SIZE + 100, &v, 4), 0);
		CHECK_EQ(v, 0u);
	}
	finish(s);
}

TEST(fault_around_scattered)
{
	struct mm_space *s = mm_space_new();
	const uint32_t n = 128;

	CHECK_EQ(mm_map_anon(s, VA, n * PAGE_SIZE, RW, 0), 0);
	for (uint32_t i = 0; i < n; i += 3)
		CHECK_EQ(mm_handle_fault(s, VA + i * PAGE_SIZE, true), 0);
	for (uint32_t i = 0; i < n; i++)
		CHECK_EQ(present(s, VA + i * PAGE_SIZE), i % 3 == 0);
	/* Backwards in order is not in order either. */
	CHECK_EQ(mm_handle_fault(s, VA + 8 * PAGE_SIZE, true), 0);
	CHECK_EQ(mm_handle_fault(s, VA + 7 * PAGE_SIZE, true), 0);
	CHECK(!present(s, VA + 5 * PAGE_SIZE));
	CHECK(!present(s, VA + 10 * PAGE_SIZE));
	mm_sanity_check();
	mm_space_destroy(s);
}

TEST(fault_around_stops_at_page_and_end)
{
	struct mm_space *s = mm_space_new();
	const uint32_t n = 40;

	CHECK_EQ(mm_map_anon(s, VA, n * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_space_write(s, VA + 20 * PAGE_SIZE, "x", 1), 0);
	/* The run that would cover 15..30 stops before the page at 20. */
	walk(s, 0, 18);
	CHECK_EQ(count_present(s, n), 21u);
	for (uint32_t i = 21; i < n; i++)
		CHECK(!present(s, VA + i * PAGE_SIZE));
	walk(s, 21, 19);
	CHECK_EQ(count_present(s, n), n);
	CHECK(!present(s, VA + n * PAGE_SIZE));
	{
		char c = 0;

		CHECK_EQ(mm_space_read(s, VA + 20 * PAGE_SIZE, &c, 1), 0);
		CHECK_EQ(c, 'x');
	}
	finish(s);
}

TEST(fault_around_not_on_stacks)
{
	struct mm_space *s = mm_space_new();
	const uint32_t n = 32;

	CHECK_EQ(mm_map_stack(s, VA, n * PAGE_SIZE, RW, VA - PAGE_SIZE), 0);
	CHECK_EQ(walk(s, 0, n), (unsigned)n);
	mm_sanity_check();
	mm_space_destroy(s);
}

/* With no free run of pages, in-order touches still get their one page
 * each and nothing more. */
TEST(fault_around_fragmented)
{
	struct mm_space *s = mm_space_new();
	const uint32_t n = 32;
	size_t got = 0;

	CHECK_EQ(mm_map_anon(s, VA, n * PAGE_SIZE, RW, 0), 0);
	while ((hog[got] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL)) != PHYS_NONE)
		got++;
	for (size_t i = 0; i < got && i < 4 * n; i += 2)
		phys_free(hog[i], 1, PHYS_KERNEL); /* only single pages free */
	CHECK_EQ(walk(s, 0, n), (unsigned)n);
	CHECK_EQ(count_present(s, n), n);
	mm_sanity_check();
	mm_space_destroy(s);
	for (size_t i = 0; i < got; i++)
		if (i >= 4 * n || i % 2)
			phys_free(hog[i], 1, PHYS_KERNEL);
	CHECK_EQ(user_pages(), 0u);
}

/* A fork child shares the runs; its writes copy them and the parent's
 * data stays. */
TEST(fault_around_fork)
{
	struct mm_space *a = mm_space_new(), *b;
	const uint32_t n = 64;
	uint32_t v;

	CHECK_EQ(mm_map_anon(a, VA, n * PAGE_SIZE, RW, 0), 0);
	walk(a, 0, n);
	for (uint32_t i = 0; i < n; i++)
		CHECK_EQ(mm_space_write(a, VA + i * PAGE_SIZE, &i, 4), 0);
	CHECK((b = mm_space_fork(a)) != NULL);
	v = 0xdead;
	CHECK_EQ(mm_space_write(b, VA + 37 * PAGE_SIZE, &v, 4), 0);
	for (uint32_t i = 0; i < n; i++) {
		CHECK_EQ(mm_space_read(a, VA + i * PAGE_SIZE, &v, 4), 0);
		CHECK_EQ(v, i);
		CHECK_EQ(mm_space_read(b, VA + i * PAGE_SIZE, &v, 4), 0);
		CHECK_EQ(v, i == 37 ? 0xdeadu : i);
	}
	mm_sanity_check();
	mm_space_destroy(b);
	mm_space_destroy(a);
	CHECK_EQ(user_pages(), 0u);
}
