/*
 * test_ycache.c - in-kernel tests of the yielded-block cache on the real
 * MMU: round trips with the same physical pages coming back (zero copy),
 * scattered pages, every error code, a shared block, memory pressure with
 * oldest-first eviction, owner isolation and dropping an owner.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/ycache.h>
#include "kspace.h"

#define NONE YCACHE_ID_NONE

static bool fill(vaddr_t va, size_t npages, uint8_t seed)
{
	for (size_t i = 0; i < npages * PAGE_SIZE; i += 64)
		uva(va)[i] = (uint8_t)(seed + i / 64);
	return true;
}

static bool matches(vaddr_t va, size_t npages, uint8_t seed)
{
	for (size_t i = 0; i < npages * PAGE_SIZE; i += 64)
		if (uva(va)[i] != (uint8_t)(seed + i / 64))
			return false;
	return true;
}

static bool all_zero(vaddr_t va, size_t npages)
{
	for (size_t i = 0; i < npages * PAGE_SIZE; i += 4)
		if (*(volatile uint32_t *)(uintptr_t)(va + i))
			return false;
	return true;
}

static void round_trip(size_t n)
{
	struct mm_space *s = mm_space_new();
	uint32_t owner = ycache_owner_new();
	paddr_t before[64];
	bool same = true, zero, back;

	CHECK_EQ(mm_map_anon(s, TVA, n * PAGE_SIZE, RW, 0), 0);
	kspace_enter(s);
	fill(TVA, n, (uint8_t)n);
	for (size_t i = 0; i < n; i++)
		before[i] = pte_phys(s, TVA + i * PAGE_SIZE);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA, n, 7, NONE), 0);
	zero = all_zero(TVA, n);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA, n, NONE, 7), 0);
	back = matches(TVA, n, (uint8_t)n);
	for (size_t i = 0; i < n; i++)
		same &= before[i] == pte_phys(s, TVA + i * PAGE_SIZE);
	kspace_leave();
	CHECK(zero);
	CHECK(back);
	CHECK(same); /* zero copy: the very same pages came back */
	CHECK(!ycache_has(owner, 7));
	mm_space_destroy(s);
}

TEST(ycache_round_trip_1)
{
	round_trip(1);
}

TEST(ycache_round_trip_3)
{
	round_trip(3);
}

TEST(ycache_round_trip_64)
{
	round_trip(64);
}

/* Pages of one block need not be contiguous. */
TEST(ycache_scattered_pages)
{
	struct mm_space *s = mm_space_new();
	uint32_t owner = ycache_owner_new();
	paddr_t hog;
	bool contiguous = true, ok;

	CHECK_EQ(mm_map_anon(s, TVA, 16 * PAGE_SIZE, RW, 0), 0);
	kspace_hog(&hog);
	hog = kspace_unhog(hog, true);
	kspace_enter(s);
	fill(TVA, 16, 3);
	kspace_leave();
	kspace_unhog(hog, false);
	for (int i = 1; i < 16; i++)
		contiguous &= pte_phys(s, TVA + i * PAGE_SIZE) ==
			      pte_phys(s, TVA) + i * PAGE_SIZE;
	CHECK(!contiguous);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA, 16, 1, NONE), 0);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA, 16, NONE, 1), 0);
	kspace_enter(s);
	ok = matches(TVA, 16, 3);
	kspace_leave();
	CHECK(ok);
	mm_space_destroy(s);
}

TEST(ycache_errors)
{
	struct mm_space *s = mm_space_new();
	uint32_t owner = ycache_owner_new();

	CHECK_EQ(mm_map_anon(s, TVA, 4 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_populate(s, TVA, 4 * PAGE_SIZE, true), 0);
	CHECK_EQ(mm_map_anon(s, TVA + 8 * PAGE_SIZE, PAGE_SIZE, PROT_READ, 0),
		 0);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA, 1, NONE, 99), -ESRCH);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA, 1, 5, NONE), 0);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA, 1, 5, NONE), -EEXIST);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA + 1, 1, 6, NONE), -EINVAL);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA, 0, 6, NONE), -EINVAL);
	/* Partly mapped, unmapped, read-only. */
	CHECK_EQ(mm_yield_get_block(owner, s, TVA + 3 * PAGE_SIZE, 2, 6, NONE),
		 -EFAULT);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA + 5 * PAGE_SIZE, 1, 6, NONE),
		 -EFAULT);
	CHECK(mm_yield_get_block(owner, s, TVA + 8 * PAGE_SIZE, 1, 6, NONE) <
	      0);
	/* A failed yield skips the get: 5 stays cached. */
	CHECK_EQ(mm_yield_get_block(owner, s, TVA + 5 * PAGE_SIZE, 1, 6, 5),
		 -EFAULT);
	CHECK(ycache_has(owner, 5));
	CHECK_EQ(ycache_forget(owner, 5), 0);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA, 1, NONE, 5), -ESRCH);
	mm_space_destroy(s);
}

/* A block shared with a forked space is made private first. */
TEST(ycache_shared_block)
{
	struct mm_space *a = mm_space_new(), *b;
	uint32_t owner = ycache_owner_new();
	uint8_t v = 0;

	CHECK_EQ(mm_map_anon(a, TVA, 2 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_space_write(a, TVA, "shared", 7), 0);
	b = mm_space_fork(a);
	CHECK(b);
	CHECK_EQ(mm_yield_get_block(owner, a, TVA, 1, 1, NONE), 0);
	CHECK_EQ(mm_space_read(b, TVA, &v, 1), 0);
	CHECK_EQ(v, 's');
	CHECK_EQ(mm_space_read(a, TVA, &v, 1), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(mm_yield_get_block(owner, a, TVA, 1, NONE, 1), 0);
	CHECK_EQ(mm_space_read(a, TVA + 1, &v, 1), 0);
	CHECK_EQ(v, 'h');
	mm_space_destroy(b);
	mm_space_destroy(a);
}

/* Fill the cache, then allocate everything: the allocations succeed,
 * the oldest blocks go first, counters add up, nothing leaks. */
TEST(ycache_memory_pressure)
{
	struct mm_space *s = mm_space_new();
	uint32_t owner = ycache_owner_new();
	struct ycache_stats y0, y1;
	struct phys_stats ps;
	const unsigned nblocks = 64, per = 16;
	paddr_t hog;
	size_t got;
	unsigned kept = 0, first_kept = nblocks;

	CHECK_EQ(mm_map_anon(s, TVA, per * PAGE_SIZE, RW, 0), 0);
	ycache_get_stats(&y0);
	for (unsigned id = 0; id < nblocks; id++) {
		CHECK_EQ(mm_populate(s, TVA, per * PAGE_SIZE, true), 0);
		CHECK_EQ(mm_yield_get_block(owner, s, TVA, per, id, NONE), 0);
	}
	phys_get_stats(&ps);
	CHECK(ps.cached >= nblocks * per);
	/* Allocate until half the cache had to be given back. */
	hog = PHYS_NONE;
	got = 0;
	do {
		paddr_t pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
		CHECK(pa != PHYS_NONE);
		*(paddr_t *)arch_phys_to_virt(pa) = hog;
		hog = pa;
		got++;
		phys_get_stats(&ps);
	} while (ps.cached > nblocks * per / 2);
	ycache_get_stats(&y1);
	CHECK(y1.evictions > y0.evictions);
	for (unsigned id = 0; id < nblocks; id++) {
		if (ycache_has(owner, id)) {
			kept++;
			if (first_kept == nblocks)
				first_kept = id;
		} else {
			/* Evicted ids must all be older than any kept one. */
			CHECK_EQ(first_kept, nblocks);
		}
	}
	CHECK(kept > 0 && kept < nblocks);
	CHECK_EQ(y1.evictions - y0.evictions, nblocks - kept);
	CHECK_EQ(mm_yield_get_block(owner, s, TVA, per, NONE, 0), -ESRCH);
	phys_get_stats(&ps);
	CHECK_EQ(ps.cached, kept * per);
	CHECK_EQ(ps.free + ps.kernel + ps.user + ps.cached, ps.total);
	kspace_unhog(hog, false);
	ycache_forget_all(owner);
	mm_space_destroy(s);
}

TEST(ycache_owner_isolation)
{
	struct mm_space *s = mm_space_new();
	uint32_t a = ycache_owner_new(), b = ycache_owner_new();

	CHECK_EQ(mm_map_anon(s, TVA, PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_populate(s, TVA, PAGE_SIZE, true), 0);
	CHECK_EQ(mm_yield_get_block(a, s, TVA, 1, 42, NONE), 0);
	CHECK_EQ(mm_yield_get_block(b, s, TVA, 1, NONE, 42), -ESRCH);
	CHECK(ycache_has(a, 42));
	ycache_forget_all(a);
	mm_space_destroy(s);
}

TEST(ycache_drop_owner_returns_pages)
{
	struct mm_space *s = mm_space_new();
	uint32_t owner = ycache_owner_new();
	struct phys_stats a, b;

	CHECK_EQ(mm_map_anon(s, TVA, 8 * PAGE_SIZE, RW, 0), 0);
	phys_get_stats(&a);
	for (unsigned id = 0; id < 10; id++) {
		CHECK_EQ(mm_populate(s, TVA, 8 * PAGE_SIZE, true), 0);
		CHECK_EQ(mm_yield_get_block(owner, s, TVA, 8, id, NONE), 0);
	}
	CHECK_EQ(ycache_forget_all(owner), 10);
	phys_get_stats(&b);
	CHECK_EQ(b.cached, a.cached);
	mm_space_destroy(s);
}
