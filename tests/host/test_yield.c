/*
 * test_yield.c - host tests of mm_yield_get_block (mm/yield.c): pages
 * moving between address spaces and the yielded-block cache, checked
 * through the spaces' contents, their page tables and the accounting.
 */
#include <stdlib.h>
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include <mm/ycache.h>
#include "host.h"
#include "yield_test.h"

/* Physical pages mapped at [va, +npages) (PHYS_NONE where none). */
static void lookup_pages(struct mm_space *s, vaddr_t va, size_t npages,
			 paddr_t *pa)
{
	for (size_t i = 0; i < npages; i++)
		if (!pt_lookup(s->pgdir, va + i * PAGE_SIZE, &pa[i], NULL))
			pa[i] = PHYS_NONE;
}

static bool none_shared(const paddr_t *a, const paddr_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (a[i] == b[j])
				return false;
	return true;
}

/* Yield, check zeros and accounting, get back: data and pages come home. */
static int round_trip(size_t n)
{
	struct mm_space *s = mm_space_new();
	uint32_t owner = ycache_owner_new();
	paddr_t *before = calloc(n, sizeof(paddr_t));
	paddr_t *during = calloc(n, sizeof(paddr_t));
	paddr_t *after = calloc(n, sizeof(paddr_t));
	struct ycache_stats st0, st;
	size_t anon0 = mm_block_pages(false);
	int bad = 0;

	ycache_get_stats(&st0);

	if (!s || mm_map_anon(s, BASE, n * PAGE_SIZE, RW, 0) ||
	    fill(s, BASE, n, 0xabc0000000000000ull + n))
		bad = 1;
	lookup_pages(s, BASE, n, before);
	if (!bad && mm_yield_get_block(owner, s, BASE, n, 7, NONE))
		bad = 2;
	/* Cached pages are not anonymous memory (reading faults some in). */
	if (!bad && mm_block_pages(false) != anon0)
		bad = 6;
	lookup_pages(s, BASE, n, during);
	if (!bad && (!holds(s, BASE, n, 0) || cached() != n ||
		     !none_shared(before, during, n) || !ycache_has(owner, 7)))
		bad = 3;
	mm_sanity_check();
	if (!bad && mm_yield_get_block(owner, s, BASE, n, NONE, 7))
		bad = 4;
	lookup_pages(s, BASE, n, after);
	ycache_get_stats(&st);
	if (!bad &&
	    (!holds(s, BASE, n, 0xabc0000000000000ull + n) ||
	     memcmp(before, after, n * sizeof(paddr_t)) || cached() ||
	     st.hits != st0.hits + 1 || st.yields != st0.yields + 1 ||
	     ycache_has(owner, 7) || mm_block_pages(false) != anon0 + n))
		bad = 5;
	mm_sanity_check();
	mm_space_destroy(s);
	free(before);
	free(during);
	free(after);
	return bad;
}

static size_t slab_pages(void)
{
	struct slab_stats ss;

	slab_get_stats(&ss);
	return ss.pages;
}

TEST(yield_round_trip)
{
	static const size_t sizes[] = {1, 3, 64};

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t free0 = phys_free_pages(), slab0 = slab_pages();

		CHECK_EQ(round_trip(sizes[i]), 0);
		CHECK(conserved());
		CHECK_EQ(cached(), 0);
		/* All back, except empty pages the slab allocator keeps. */
		CHECK_EQ(phys_free_pages() + (slab_pages() - slab0), free0);
		mm_sanity_check();
	}
}

/* One call yields the data at addr and brings another block in. */
TEST(yield_swap_in_one_call)
{
	struct mm_space *s = mm_space_new();
	uint32_t o = ycache_owner_new();

	CHECK(s);
	CHECK_EQ(mm_map_anon(s, BASE, 4 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(fill(s, BASE, 4, 0x1111), 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, 1, NONE), 0);
	CHECK_EQ(fill(s, BASE, 4, 0x2222), 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, 2, 1), 0);
	CHECK(holds(s, BASE, 4, 0x1111));
	CHECK(!ycache_has(o, 1) && ycache_has(o, 2));
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, 1, 2), 0);
	CHECK(holds(s, BASE, 4, 0x2222));
	CHECK_EQ(cached(), 4);
	mm_sanity_check();
	mm_space_destroy(s);
	/* Exit: the owner's blocks go too. */
	CHECK_EQ(ycache_forget_all(o), 1);
	CHECK_EQ(cached(), 0);
	CHECK(conserved());
	mm_sanity_check();
}

/* Blocks can move between addresses (and spaces of the same owner). */
TEST(yield_get_elsewhere)
{
	struct mm_space *s = mm_space_new();
	uint32_t o = ycache_owner_new();
	vaddr_t other = BASE + 0x100000;

	CHECK_EQ(mm_map_anon(s, BASE, 2 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_map_anon(s, other, 2 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(fill(s, BASE, 2, 0x77), 0);
	CHECK_EQ(fill(s, other, 2, 0x88), 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 2, 5, NONE), 0);
	CHECK_EQ(mm_yield_get_block(o, s, other, 2, NONE, 5), 0);
	CHECK(holds(s, other, 2, 0x77));
	CHECK(holds(s, BASE, 2, 0));
	mm_sanity_check();
	mm_space_destroy(s);
	CHECK_EQ(cached(), 0);
	CHECK(conserved());
}

/* Pages never touched are yielded as the zeros they read as. */
TEST(yield_untouched_pages)
{
	struct mm_space *s = mm_space_new();
	uint32_t o = ycache_owner_new();

	CHECK_EQ(mm_map_anon(s, BASE, 8 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(fill(s, BASE + 2 * PAGE_SIZE, 1, 0x55), 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 8, 3, NONE), 0);
	CHECK_EQ(cached(), 8);
	CHECK_EQ(fill(s, BASE, 8, 0x66), 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 8, NONE, 3), 0);
	CHECK(holds(s, BASE, 2, 0));
	CHECK(holds(s, BASE + 2 * PAGE_SIZE, 1, 0x55));
	CHECK(holds(s, BASE + 3 * PAGE_SIZE, 5, 0));
	mm_space_destroy(s);
	mm_sanity_check();
}

static size_t user(void)
{
	struct phys_stats ps;

	phys_get_stats(&ps);
	return ps.user;
}

/* A yield leaves the range empty (demand zero): no page is allocated in
 * place, no PTE is present, and each first touch faults in one fresh
 * zeroed page, which a get frees again. Give maps contiguous pages as
 * one block. */
TEST(yield_leaves_demand_zero)
{
	struct mm_space *s = mm_space_new();
	uint32_t o = ycache_owner_new();
	paddr_t before[8], during[8];
	size_t user0;

	CHECK_EQ(mm_map_anon(s, BASE, 8 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_populate(s, BASE, 8 * PAGE_SIZE, true), 0); /* 1 block */
	CHECK_EQ(fill(s, BASE, 8, 0x77), 0);
	lookup_pages(s, BASE, 8, before);
	user0 = user();
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 8, 4, NONE), 0);
	lookup_pages(s, BASE, 8, during);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(during[i], PHYS_NONE);
	CHECK_EQ(mm_find_region(s, BASE)->entries.count, 0);
	CHECK_EQ(user(), user0 - 8);
	CHECK(holds(s, BASE + 5 * PAGE_SIZE, 1, 0)); /* one read fault */
	CHECK_EQ(user(), user0 - 7);
	lookup_pages(s, BASE, 8, during);
	CHECK(none_shared(before, during, 8));
	CHECK(during[5] != PHYS_NONE && during[4] == PHYS_NONE);
	mm_sanity_check();
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 8, NONE, 4), 0);
	CHECK_EQ(user(), user0); /* the fresh page went */
	lookup_pages(s, BASE, 8, during);
	CHECK_EQ(memcmp(before, during, sizeof(before)), 0);
	CHECK(holds(s, BASE, 8, 0x77));
	/* Physically contiguous pages come back as one block. */
	CHECK_EQ(mm_find_region(s, BASE)->entries.count, 1);
	mm_sanity_check();
	mm_space_destroy(s);
}

/* Every failure is reported, and a refused call changes nothing. */
TEST(yield_errors)
{
	struct mm_space *s = mm_space_new();
	uint32_t o = ycache_owner_new();
	paddr_t pa[4], pb[4];
	struct ycache_stats st, st2;

	CHECK_EQ(mm_map_anon(s, BASE, 4 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_map_anon(s, BASE + 0x10000, PAGE_SIZE, PROT_READ, 0), 0);
	CHECK_EQ(fill(s, BASE, 4, 0x99), 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, NONE, 1), -ESRCH);
	CHECK_EQ(mm_yield_get_block(o, s, BASE + 1, 4, 1, NONE), -EINVAL);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 0, 1, NONE), -EINVAL);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 0x100000, 1, NONE), -EINVAL);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, (size_t)-1, 1, NONE), -EINVAL);
	CHECK_EQ(mm_yield_get_block(o, s, USER_TOP - PAGE_SIZE, 2, 1, NONE),
		 -EFAULT);
	CHECK_EQ(mm_yield_get_block(o, s, USER_TOP, 1, 1, NONE), -EFAULT);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, 1, 1), -EINVAL);
	CHECK_EQ(mm_yield_get_block(o, NULL, BASE, 4, 1, NONE), -EINVAL);
	/* Unmapped, partly unmapped, read-only. */
	CHECK_EQ(mm_yield_get_block(o, s, BASE + 0x20000, 1, 1, NONE), -EFAULT);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 5, 1, NONE), -EFAULT);
	CHECK_EQ(mm_yield_get_block(o, s, BASE + 0x10000, 1, 1, NONE), -EFAULT);
	CHECK_EQ(cached(), 0);
	CHECK(holds(s, BASE, 4, 0x99));
	/* Duplicate yield: -EEXIST before any page moves. */
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, 1, NONE), 0);
	CHECK_EQ(fill(s, BASE, 4, 0xaa), 0);
	lookup_pages(s, BASE, 4, pa);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, 1, NONE), -EEXIST);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, 1, 2), -EEXIST);
	lookup_pages(s, BASE, 4, pb);
	CHECK(!memcmp(pa, pb, sizeof(pa)) && holds(s, BASE, 4, 0xaa));
	/* Wrong length: refused, the block stays. */
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 3, NONE, 1), -EINVAL);
	CHECK(ycache_has(o, 1));
	/* Getting into an unmapped range keeps the block cached. */
	CHECK_EQ(mm_yield_get_block(o, s, BASE + 0x20000, 4, NONE, 1), -EFAULT);
	CHECK(ycache_has(o, 1));
	CHECK(holds(s, BASE, 4, 0xaa));
	/* A failed yield skips the get: block 1 is not touched. */
	ycache_get_stats(&st);
	CHECK_EQ(mm_yield_get_block(o, s, BASE + 0x20000, 4, 5, 1), -EFAULT);
	CHECK(!ycache_has(o, 5) && ycache_has(o, 1));
	ycache_get_stats(&st2);
	CHECK_EQ(st2.hits, st.hits);
	CHECK_EQ(st2.yields, st.yields);
	/* A yield that works followed by a get that misses: both happen. */
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, 2, 3), -ESRCH);
	CHECK(ycache_has(o, 2) && holds(s, BASE, 4, 0));
	/* Forgotten blocks are gone. */
	CHECK_EQ(ycache_forget(o, 1), 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, NONE, 1), -ESRCH);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 4, NONE, 2), 0);
	CHECK(holds(s, BASE, 4, 0xaa));
	ycache_get_stats(&st);
	CHECK_EQ(st.misses, 3);
	CHECK_EQ(cached(), 0);
	mm_sanity_check();
	mm_space_destroy(s);
	CHECK(conserved());
}

/*
 * A block shared copy-on-write with a forked child: the parent yields it,
 * the child keeps its data; the child (a new owner) sees no blocks.
 */
TEST(yield_shared_after_fork)
{
	struct mm_space *p = mm_space_new(), *c;
	uint32_t po = ycache_owner_new(), co;
	paddr_t pp[8], cp[8];

	CHECK_EQ(mm_map_anon(p, BASE, 8 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(fill(p, BASE, 8, 0x4242), 0);
	c = mm_space_fork(p);
	co = ycache_owner_new();
	CHECK(c);
	CHECK_EQ(mm_yield_get_block(po, p, BASE + PAGE_SIZE, 6, 9, NONE), 0);
	CHECK(holds(c, BASE, 8, 0x4242));
	CHECK(holds(p, BASE + PAGE_SIZE, 6, 0));
	lookup_pages(p, BASE + PAGE_SIZE, 6, pp);
	lookup_pages(c, BASE + PAGE_SIZE, 6, cp);
	CHECK(none_shared(pp, cp, 6));
	mm_sanity_check();
	CHECK_EQ(mm_yield_get_block(co, c, BASE, 6, NONE, 9), -ESRCH);
	CHECK_EQ(mm_yield_get_block(po, p, BASE + PAGE_SIZE, 6, NONE, 9), 0);
	CHECK(holds(p, BASE, 8, 0x4242));
	CHECK_EQ(fill(c, BASE, 8, 0x5151), 0);
	CHECK(holds(p, BASE, 8, 0x4242));
	mm_sanity_check();
	mm_space_destroy(c);
	mm_space_destroy(p);
	CHECK_EQ(cached(), 0);
	CHECK(conserved());
}

/*
 * -EEXIST comes before anything moves or is allocated: with no free memory
 * left, an older cached block survives the refused call.
 */
TEST(yield_eexist_allocates_nothing)
{
	static paddr_t held[16384];
	struct mm_space *s = mm_space_new();
	uint32_t o = ycache_owner_new();
	size_t nheld = 0;

	CHECK_EQ(mm_map_anon(s, BASE, 2 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(fill(s, BASE, 2, 0x31), 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 2, 1, NONE), 0);
	CHECK_EQ(fill(s, BASE, 2, 0x32), 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 2, 2, NONE), 0);
	CHECK_EQ(fill(s, BASE, 2, 0x33), 0);
	while (phys_free_pages()) /* without reaching reclaim */
		held[nheld++] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, 2, 2, NONE), -EEXIST);
	CHECK(ycache_has(o, 1) && ycache_has(o, 2));
	CHECK(holds(s, BASE, 2, 0x33));
	while (nheld)
		phys_free(held[--nheld], 1, PHYS_KERNEL);
	mm_space_destroy(s);
	CHECK_EQ(ycache_forget_all(o), 2);
	mm_sanity_check();
}

/* Page lists longer than a slab object, on both sides of the call. */
TEST(yield_large_block)
{
	struct mm_space *s = mm_space_new();
	uint32_t o = ycache_owner_new();
	size_t n = 700;

	CHECK_EQ(mm_map_anon(s, BASE, n * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(fill(s, BASE, n, 0x700), 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, n, 1, NONE), 0);
	CHECK_EQ(cached(), n);
	CHECK(holds(s, BASE, n, 0));
	mm_sanity_check();
	CHECK_EQ(mm_yield_get_block(o, s, BASE, n, NONE, 1), 0);
	CHECK(holds(s, BASE, n, 0x700));
	mm_space_destroy(s);
	CHECK_EQ(cached(), 0);
	CHECK(conserved());
	mm_sanity_check();
}

#define PR_BLOCKS 200
#define PR_PAGES 8

/* Allocations evict yielded blocks oldest first; the rest stay intact. */
TEST(yield_memory_pressure)
{
	static paddr_t held[16384];
	struct mm_space *s = mm_space_new();
	uint32_t o = ycache_owner_new();
	size_t nheld = 0, want, first;
	struct ycache_stats st;

	CHECK_EQ(mm_map_anon(s, BASE, PR_PAGES * PAGE_SIZE, RW, 0), 0);
	for (size_t b = 0; b < PR_BLOCKS; b++) {
		CHECK_EQ(fill(s, BASE, PR_PAGES, 0xb000 + b), 0);
		CHECK_EQ(mm_yield_get_block(o, s, BASE, PR_PAGES, b, NONE), 0);
	}
	/* Take all free memory and 100 pages more. */
	want = phys_free_pages() + 100;
	while (nheld < want) {
		held[nheld] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
		CHECK(held[nheld] != PHYS_NONE);
		nheld++;
	}
	ycache_get_stats(&st);
	first = st.evictions;
	CHECK(first >= 100 / PR_PAGES && first < PR_BLOCKS);
	CHECK_EQ(st.evicted_pages, first * PR_PAGES);
	for (size_t b = 0; b < PR_BLOCKS; b++)
		CHECK_EQ(ycache_has(o, b), b >= first);
	while (nheld)
		phys_free(held[--nheld], 1, PHYS_KERNEL);
	mm_sanity_check();
	/* Survivors come back whole; evicted ones are misses. */
	CHECK_EQ(mm_yield_get_block(o, s, BASE, PR_PAGES, NONE, first - 1),
		 -ESRCH);
	for (size_t b = first; b < PR_BLOCKS; b += 17) {
		CHECK_EQ(mm_yield_get_block(o, s, BASE, PR_PAGES, NONE, b), 0);
		CHECK(holds(s, BASE, PR_PAGES, 0xb000 + b));
	}
	/* Now everything: the allocator empties the cache before failing. */
	while ((held[nheld] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL)) !=
	       PHYS_NONE)
		nheld++;
	CHECK_EQ(cached(), 0);
	ycache_get_stats(&st);
	CHECK_EQ(st.blocks, 0);
	CHECK_EQ(mm_yield_get_block(o, s, BASE, PR_PAGES, NONE, PR_BLOCKS - 1),
		 -ESRCH);
	while (nheld)
		phys_free(held[--nheld], 1, PHYS_KERNEL);
	mm_space_destroy(s);
	CHECK(conserved());
	mm_sanity_check();
}
