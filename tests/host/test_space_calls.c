/*
 * test_space_calls.c - host tests for the memory calls on ranges of a
 * space: region merging (mm/space_merge.c), mremap (mm/space_remap.c),
 * range flags and mlock accounting (mm/space_lock.c), madvise's dropping
 * and mincore (mm/space_advice.c), and shared memory objects
 * (mm/shmem.c), and mm_find_region's remembered answer (mm/space.c).
 * Page moves are checked by physical address (no copy),
 * every test ends with mm_sanity_check().
 */
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/shmem.h>
#include "host.h"
#include "space.h"

#define RW (PROT_READ | PROT_WRITE)
#define P(n) ((size_t)(n)*PAGE_SIZE)

static void count_one(const struct region *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
}

static int regions(struct mm_space *s)
{
	int n = 0;

	mm_space_walk(s, count_one, &n);
	return n;
}

TEST(space_merge_brk_steps)
{
	struct mm_space *s = mm_space_new();
	const vaddr_t heap = 0x08100000u;

	for (int i = 0; i < 1000; i++) {
		CHECK_EQ(mm_map_anon(s, heap + P(i), PAGE_SIZE, RW, 0), 0);
		CHECK_EQ(fill(s, heap + P(i), 1, (uint8_t)i), 0);
	}
	CHECK_EQ(regions(s), 1);
	for (int i = 0; i < 1000; i += 97)
		CHECK(holds(s, heap + P(i), 1, (uint8_t)i));
	/* Shared memory and stacks never merge with their neighbours. */
	CHECK_EQ(mm_map_shared(s, heap + P(1000), PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_map_anon(s, heap + P(1001), PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(regions(s), 3);
	CHECK_EQ(mm_map_stack(s, heap + P(1003), PAGE_SIZE, RW, heap + P(1002)),
		 0);
	CHECK_EQ(mm_map_anon(s, heap + P(1004), PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(regions(s), 5);
	mm_sanity_check();
	mm_space_destroy(s);
}

TEST(space_merge_protect_rejoins)
{
	struct mm_space *s = mm_space_new();
	const vaddr_t va = 0x40000000u;

	CHECK_EQ(mm_map_anon(s, va, P(8), RW, 0), 0);
	CHECK_EQ(fill(s, va, 8, 9), 0);
	CHECK_EQ(mm_protect(s, va + P(3), P(2), PROT_READ), 0);
	CHECK_EQ(regions(s), 3);
	CHECK_EQ(mm_protect(s, va + P(3), P(2), RW), 0);
	CHECK_EQ(regions(s), 1);
	CHECK(holds(s, va, 8, 9));
	CHECK_EQ(mm_set_flags(s, va + P(1), P(1), REGION_LOCKED, 0), 0);
	CHECK_EQ(regions(s), 3);
	CHECK_EQ(mm_set_flags(s, va, P(8), 0, REGION_LOCKED), 0);
	CHECK_EQ(regions(s), 1);
	CHECK(holds(s, va, 8, 9));
	mm_sanity_check();
	mm_space_destroy(s);
}

/* mm_find_region's last answer (last_found) never outlives its region:
 * unmapped, merged away or split, the next lookup is right even when
 * another space reuses the freed region object at the same address. */
TEST(space_find_region_hint)
{
	struct mm_space *a = mm_space_new(), *b = mm_space_new();
	const vaddr_t va = 0x40000000u;
	struct region *r;

	CHECK_EQ(mm_map_anon(a, va, P(1), RW, 0), 0);
	CHECK(mm_find_region(a, va) != NULL);
	CHECK_EQ(mm_unmap(a, va, P(1)), 0);
	CHECK_EQ(mm_map_anon(b, va, P(1), RW, 0), 0); /* may reuse the object */
	CHECK(mm_find_region(b, va) != NULL);
	CHECK(mm_find_region(a, va) == NULL);
	mm_sanity_check();
	/* Merged away: found, then joined into the region before it. */
	CHECK_EQ(mm_map_anon(a, va, P(4), RW, 0), 0);
	CHECK_EQ(mm_protect(a, va + P(2), P(2), PROT_READ), 0);
	r = mm_find_region(a, va + P(3));
	CHECK(r && r->start == va + P(2));
	CHECK_EQ(mm_protect(a, va + P(2), P(2), RW), 0);
	CHECK_EQ(regions(a), 1);
	CHECK_EQ(mm_map_anon(b, va + P(8), P(1), RW, 0), 0);
	r = mm_find_region(a, va + P(3));
	CHECK(r && r->start == va && r->len == P(4));
	mm_sanity_check();
	/* Split: the found region keeps only its first half. */
	CHECK(mm_find_region(a, va) == r);
	CHECK_EQ(mm_protect(a, va + P(2), P(2), PROT_READ), 0);
	r = mm_find_region(a, va + P(3));
	CHECK(r && r->start == va + P(2));
	CHECK(mm_find_region(a, va + P(4)) == NULL);
	mm_sanity_check();
	mm_space_destroy(a);
	mm_space_destroy(b);
}

TEST(space_mremap_grow_and_move)
{
	struct mm_space *s = mm_space_new(), *c;
	const vaddr_t va = 0x40000000u;
	paddr_t pa[4];
	vaddr_t out;

	CHECK_EQ(mm_map_anon(s, va, P(4), RW, 0), 0);
	CHECK_EQ(fill(s, va, 4, 20), 0);
	for (int i = 0; i < 4; i++)
		pa[i] = pte_pa(s, va + P(i));
	/* In place: the same pages, and zeros after. */
	CHECK_EQ(mm_mremap(s, va, P(4), P(6), 0, 0, &out), 0);
	CHECK_EQ(out, va);
	CHECK_EQ(pte_pa(s, va + P(2)), pa[2]);
	CHECK(holds(s, va, 4, 20));
	/* Blocked: ENOMEM without MAYMOVE; a move keeps the pages. */
	CHECK_EQ(mm_map_anon(s, va + P(6), PAGE_SIZE, PROT_READ, 0), 0);
	CHECK_EQ(mm_mremap(s, va, P(6), P(8), 0, 0, &out), -ENOMEM);
	c = mm_space_fork(s); /* its pages stay shared copy-on-write */
	CHECK(c != NULL);
	CHECK_EQ(
	    mm_mremap(s, va, P(6), P(8), MM_REMAP_MAYMOVE, 0x50000000u, &out),
	    0);
	CHECK_EQ(out, 0x50000000u);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pte_pa(s, out + P(i)), pa[i]);
	CHECK_EQ(pte_pa(s, va), PHYS_NONE);
	CHECK(mm_find_region(s, va) == NULL);
	CHECK_EQ(fill(s, out, 1, 77), 0);
	CHECK(holds(c, va, 4, 20)); /* the child's copy is untouched */
	/* MREMAP_FIXED over an existing mapping; errors. */
	CHECK_EQ(mm_map_anon(s, 0x60000000u, P(2), RW, 0), 0);
	CHECK_EQ(mm_mremap(s, out, P(8), P(2),
			   MM_REMAP_MAYMOVE | MM_REMAP_FIXED, 0x60000000u,
			   &out),
		 0);
	CHECK(holds(s, 0x60000000u + P(1), 1, 21));
	CHECK_EQ(mm_mremap(s, 0x60000000u, P(2), P(4), MM_REMAP_FIXED,
			   0x70000000u, &out),
		 -EINVAL);
	CHECK_EQ(
	    mm_mremap(s, 0x60000000u, P(3), P(4), MM_REMAP_MAYMOVE, 0, &out),
	    -EFAULT);
	CHECK_EQ(mm_mremap(s, 0x60000000u, P(2), P(4),
			   MM_REMAP_MAYMOVE | MM_REMAP_FIXED, 0x60001000u,
			   &out),
		 -EINVAL);
	mm_sanity_check();
	mm_space_destroy(c);
	mm_space_destroy(s);
	mm_sanity_check();
}

TEST(space_mlock_accounting)
{
	struct mm_space *s = mm_space_new(), *c;
	const vaddr_t va = 0x40000000u;
	paddr_t pages[1];

	CHECK_EQ(mm_map_anon(s, va, P(8), RW, 0), 0);
	CHECK_EQ(mm_set_flags(s, va + P(2), P(3), REGION_LOCKED, 0), 0);
	CHECK_EQ(mm_populate_accessible(s, va + P(2), P(3)), 0);
	CHECK_EQ(mm_locked_bytes(s, 0, 0), P(3));
	CHECK_EQ(mm_locked_bytes(s, va, va + P(3)), P(2));
	CHECK_EQ(mm_mlocked_pages(), 3u);
	CHECK_EQ(region_take_pages(s, va + P(2), 1, pages), -EFAULT);
	c = mm_space_fork(s);
	CHECK(c != NULL);
	CHECK_EQ(mm_locked_bytes(c, 0, 0), 0u); /* not inherited */
	/* A hole: ENOMEM and nothing changed. */
	CHECK_EQ(mm_unmap(s, va + P(7), PAGE_SIZE), 0);
	CHECK_EQ(mm_set_flags(s, va, P(8), REGION_LOCKED, 0), -ENOMEM);
	CHECK_EQ(mm_locked_bytes(s, 0, 0), P(3));
	CHECK_EQ(mm_set_flags(s, va, P(7), 0, REGION_LOCKED), 0);
	CHECK_EQ(mm_locked_bytes(s, 0, 0), 0u);
	CHECK_EQ(mm_mlocked_pages(), 0u);
	CHECK_EQ(region_take_pages(s, va + P(2), 1, pages), 0);
	phys_free(pages[0], 1, PHYS_USER);
	mm_sanity_check();
	mm_space_destroy(c);
	mm_space_destroy(s);
}

TEST(space_discard_and_mincore)
{
	struct mm_space *s = mm_space_new();
	const vaddr_t va = 0x40000000u, sh = 0x50000000u;
	size_t user0 = user_pages();
	uint8_t vec[8];

	CHECK_EQ(mm_map_anon(s, va, P(8), RW, 0), 0);
	CHECK_EQ(mm_populate(s, va, P(8), true), 0); /* one 8-page block */
	CHECK_EQ(fill(s, va, 8, 40), 0);
	CHECK_EQ(mm_discard(s, va + P(2), P(3), false), 0);
	CHECK_EQ(user_pages(), user0 + 5); /* the block was split */
	CHECK_EQ(mm_mincore(s, va, 8, vec), 0);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(vec[i], (uint8_t)(i < 2 || i > 4));
	CHECK(holds(s, va + P(5), 3, 45));
	CHECK(holds(s, va, 2, 40));
	/* Shared memory keeps its data. */
	CHECK_EQ(mm_map_shared(s, sh, P(2), RW, 0), 0);
	CHECK_EQ(fill(s, sh, 2, 60), 0);
	CHECK_EQ(mm_discard(s, sh, P(2), false), 0);
	CHECK(holds(s, sh, 2, 60));
	CHECK_EQ(mm_discard(s, sh, P(2), true), -EINVAL); /* FREE: anon only */
	CHECK_EQ(mm_punch(s, sh, P(1)), 0);
	CHECK(holds(s, sh + P(1), 1, 61));
	CHECK_EQ(mm_punch(s, va, P(1)), -EINVAL);
	/* Holes: the rest is done, then ENOMEM. */
	CHECK_EQ(mm_unmap(s, va + P(6), PAGE_SIZE), 0);
	CHECK_EQ(mm_discard(s, va + P(5), P(3), false), -ENOMEM);
	CHECK_EQ(pte_pa(s, va + P(7)), PHYS_NONE);
	CHECK_EQ(mm_mincore(s, va, 8, vec), -ENOMEM);
	mm_sanity_check();
	mm_space_destroy(s);
	CHECK_EQ(user_pages(), user0);
}

TEST(space_shmem_on_demand)
{
	struct mm_space *a = mm_space_new(), *b = mm_space_new(), *c;
	struct mm_shmem *o = mm_shmem_new(P(16));
	size_t user0 = user_pages();

	CHECK(o != NULL);
	CHECK_EQ(mm_map_shmem(a, 0x40000000u, P(16), RW, o, 0), 0);
	CHECK_EQ(mm_map_shmem(b, 0x50000000u, P(8), RW, o, 8), 0);
	CHECK_EQ(mm_shmem_attaches(o), 2u);
	CHECK_EQ(user_pages(), user0); /* nothing made yet */
	CHECK_EQ(fill(a, 0x40000000u + P(9), 2, 5), 0);
	CHECK_EQ(user_pages(), user0 + 2);
	CHECK(holds(b, 0x50000000u + P(1), 2, 5));
	CHECK_EQ(pte_pa(a, 0x40000000u + P(9)), pte_pa(b, 0x50000000u + P(1)));
	c = mm_space_fork(a);
	CHECK_EQ(mm_shmem_attaches(o), 3u);
	CHECK_EQ(fill(c, 0x40000000u + P(9), 1, 90), 0);
	CHECK(holds(b, 0x50000000u + P(1), 1, 90));
	/* mprotect splits: one attach more, rejoined after. */
	CHECK_EQ(mm_protect(a, 0x40000000u + P(4), P(2), PROT_READ), 0);
	CHECK_EQ(mm_shmem_attaches(o), 5u);
	CHECK_EQ(mm_protect(a, 0x40000000u + P(4), P(2), RW), 0);
	CHECK_EQ(mm_shmem_attaches(o), 3u);
	CHECK_EQ(regions(a), 1);
	mm_sanity_check();
	mm_space_destroy(c);
	mm_space_destroy(a);
	mm_shmem_put(o); /* b keeps it */
	CHECK(holds(b, 0x50000000u + P(1), 1, 90));
	CHECK_EQ(mm_shmem_attaches(o), 1u);
	mm_space_destroy(b);
	CHECK_EQ(user_pages(), user0);
	mm_sanity_check();
}
