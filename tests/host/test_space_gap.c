/*
 * test_space_gap.c - host tests for the free-gap search (mm/space_gap.c):
 * random sequences of map, map-stack, unmap (splits), protect (splits),
 * stack growth and fork on a space, after each of which mm_find_free must
 * answer what a linear first-fit walk over the regions answers, for
 * random hints and lengths; the sanity checker verifies every subtree
 * summary. Also: a hand-made case of a stack whose reserve reaches below
 * the region before it.
 */
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include "host.h"

#define GBASE 0x10000000u
#define GPAGES 512u /* the window the random regions live in */
#define RW (PROT_READ | PROT_WRITE)

/* The model: the linear first fit the tree replaced. */
struct walk {
	vaddr_t va;
	size_t len;
	bool done;
};

static void model_step(const struct region *r, void *arg)
{
	struct walk *w = arg;
	vaddr_t lo = (r->flags & REGION_GROWSDOWN) ? r->grow_limit : r->start;

	if (w->done || r->start + r->len <= w->va)
		return;
	if (lo >= w->va && lo - w->va >= w->len) {
		w->done = true;
		return;
	}
	w->va = MAX(w->va, r->start + r->len);
}

static vaddr_t model_find_free(struct mm_space *s, vaddr_t hint, size_t len)
{
	struct walk w = {hint ? hint : MMAP_DEFAULT_BASE, len, false};

	if (len == 0 || !PAGE_ALIGNED(len) || len >= USER_TOP ||
	    w.va >= USER_TOP)
		return 0;
	w.va = MAX(PAGE_ROUND_UP(w.va), PAGE_SIZE);
	mm_space_walk(s, model_step, &w);
	if (w.done)
		return w.va;
	return USER_TOP - w.va >= len ? w.va : 0;
}

static vaddr_t rand_va(uint64_t *seed)
{
	return GBASE + (vaddr_t)(host_rand(seed) % GPAGES) * PAGE_SIZE;
}

/* One random change to s. */
static void random_change(struct mm_space **s, uint64_t *seed)
{
	vaddr_t va = rand_va(seed);
	size_t len = (1 + host_rand(seed) % 8) * PAGE_SIZE;
	struct mm_space *c;

	switch (host_rand(seed) % 8) {
	case 0:
	case 1:
	case 2:
		mm_map_anon(*s, va, len, RW, 0);
		break;
	case 3: /* a stack with up to 8 pages of reserve below it */
		mm_map_stack(*s, va, len, RW,
			     va - (host_rand(seed) % 9) * PAGE_SIZE);
		break;
	case 4:
		mm_unmap(*s, va, len);
		break;
	case 5:
		mm_protect(*s, va, len, host_rand(seed) % 2 ? PROT_READ : RW);
		break;
	case 6: /* a fault: grows a stack when just below one */
		mm_handle_fault(*s, va, true);
		break;
	default: /* continue in a fork child (its tree is a clone) */
		c = mm_space_fork(*s);
		if (c) {
			mm_space_destroy(*s);
			*s = c;
		}
		break;
	}
}

/* mm_find_free against the model for random and tricky queries. */
static bool queries_agree(struct mm_space *s, uint64_t *seed)
{
	for (int q = 0; q < 40; q++) {
		vaddr_t hint = q == 0 ? 0 : rand_va(seed) - PAGE_SIZE * 4;
		size_t len =
		    (1 + host_rand(seed) % (q % 4 ? 6 : 40)) * PAGE_SIZE;

		if (mm_find_free(s, hint, len) != model_find_free(s, hint, len))
			return false;
	}
	return mm_find_free(s, USER_TOP - PAGE_SIZE, PAGE_SIZE) ==
	       model_find_free(s, USER_TOP - PAGE_SIZE, PAGE_SIZE);
}

static void random_run(uint64_t seed, int steps)
{
	struct mm_space *s = mm_space_new();

	for (int i = 0; i < steps; i++) {
		random_change(&s, &seed);
		CHECK(queries_agree(s, &seed));
		if (i % 50 == 0)
			CHECK(mm_sanity_check() >= 0);
	}
	CHECK(mm_sanity_check() >= 0);
	mm_space_destroy(s);
}

TEST(space_gap_random_seed1)
{
	random_run(1, 1500);
}

TEST(space_gap_random_seed2)
{
	random_run(0xabcdef, 1500);
}

TEST(space_gap_random_seed3)
{
	random_run(271828, 1500);
}

/* A stack's reserve reaching below the end of the region before it: no
 * gap there, and the search goes on past the stack. */
TEST(space_gap_overlapping_reserve)
{
	struct mm_space *s = mm_space_new();

	CHECK_EQ(mm_map_anon(s, GBASE, 4 * PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_map_stack(s, GBASE + 6 * PAGE_SIZE, PAGE_SIZE, RW,
			      GBASE + 5 * PAGE_SIZE),
		 0);
	/* MAP_FIXED-style mapping inside the stack's reserve. */
	CHECK_EQ(mm_map_anon(s, GBASE + 5 * PAGE_SIZE, PAGE_SIZE, RW, 0), 0);
	CHECK_EQ(mm_find_free(s, GBASE, PAGE_SIZE), GBASE + 4 * PAGE_SIZE);
	CHECK_EQ(mm_find_free(s, GBASE, 2 * PAGE_SIZE), GBASE + 7 * PAGE_SIZE);
	CHECK(mm_sanity_check() >= 0);
	mm_space_destroy(s);
}
