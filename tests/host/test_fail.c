/*
 * test_fail.c - host tests of allocation-failure injection (mm/fail.c) and
 * of the callers that must survive it: phys_alloc and slab_alloc fail as
 * the policy says, and the sanity checker returns -ENOMEM, leaking
 * nothing, when its page map cannot be had.
 */
#include <kernel/errno.h>
#include <mm/fail.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "host.h"

TEST(fail_spec_parsing)
{
	host_mm_reset(16, 256);
	CHECK_EQ(fail_configure(FAIL_PAGE, "3"), 0);
	CHECK_EQ(fail_configure(FAIL_PAGE, "rand:7:50"), 0);
	CHECK_EQ(fail_configure(FAIL_PAGE, "rand:7:101"), -EINVAL);
	CHECK_EQ(fail_configure(FAIL_PAGE, "rand:7"), -EINVAL);
	CHECK_EQ(fail_configure(FAIL_PAGE, "x"), -EINVAL);
	CHECK_EQ(fail_configure(FAIL_PAGE, "3x"), -EINVAL);
	CHECK_EQ(fail_configure(FAIL_PAGE, ""), -EINVAL);
	CHECK_EQ(fail_configure(FAIL_PAGE, "99999999999"), -EINVAL);
	/* A refused spec leaves the site off. */
	for (int i = 0; i < 50; i++)
		CHECK(!fail_now(FAIL_PAGE));
	fail_reset();
}

TEST(fail_every_nth_page)
{
	size_t free0;
	int failed = 0;

	host_mm_reset(16, 256);
	free0 = phys_free_pages();
	CHECK_EQ(fail_configure(FAIL_PAGE, "4"), 0);
	for (int i = 1; i <= 20; i++) {
		paddr_t pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);

		CHECK_EQ(pa == PHYS_NONE, i % 4 == 0);
		if (pa == PHYS_NONE)
			failed++;
		else
			phys_free(pa, 1, PHYS_KERNEL);
	}
	CHECK_EQ(failed, 5);
	CHECK_EQ(fail_count(FAIL_PAGE), 5u);
	CHECK_EQ(phys_free_pages(), free0);
	fail_reset();
}

TEST(fail_random_is_seeded)
{
	bool first[64];
	int failed = 0;

	host_mm_reset(16, 256);
	CHECK_EQ(fail_configure(FAIL_SLAB, "rand:42:30"), 0);
	for (int i = 0; i < 64; i++) {
		first[i] = fail_now(FAIL_SLAB);
		failed += first[i];
	}
	CHECK(failed > 5 && failed < 40);
	CHECK_EQ(fail_configure(FAIL_SLAB, "rand:42:30"), 0);
	for (int i = 0; i < 64; i++)
		CHECK_EQ(fail_now(FAIL_SLAB), first[i]);
	fail_reset();
}

TEST(fail_slab_alloc_returns_null)
{
	void *a, *b;

	host_mm_reset(16, 256);
	CHECK_EQ(fail_configure(FAIL_SLAB, "2"), 0);
	a = slab_alloc(32);
	b = slab_alloc(32);
	CHECK(a != NULL);
	CHECK(b == NULL);
	slab_free(a, 32);
	fail_reset();
}

TEST(sanity_without_memory_returns_enomem)
{
	size_t free0;

	host_mm_reset(16, 256);
	free0 = phys_free_pages();
	CHECK_EQ(fail_configure(FAIL_PAGE, "1"), 0);
	CHECK_EQ(mm_sanity_check(), -ENOMEM);
	fail_reset();
	CHECK_EQ(phys_free_pages(), free0);
	CHECK(mm_sanity_check() >= 0);
}
