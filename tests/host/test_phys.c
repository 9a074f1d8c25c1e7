/*
 * test_phys.c - host tests for the physical page allocator (mm/phys.c):
 * random allocation/free sequences against a page-state model (including
 * which pages each request must get), reclaim, exhaustion and panics on
 * bad frees.
 */
#include <mm/phys.h>
#include "host.h"

#define NPAGES (HOST_MEM_BYTES / PAGE_SIZE)
#define PG(n) ((paddr_t)(n)*PAGE_SIZE)

enum { ABSENT, FREE, USED };

/* The model: one state per page of the arena. */
static uint8_t state[NPAGES];
static size_t model_used[PHYS_NKINDS];

static void model_reset(void)
{
	memset(state, ABSENT, sizeof(state));
	memset(model_used, 0, sizeof(model_used));
}

static void model_add(size_t first, size_t n)
{
	for (size_t p = first; p < first + n; p++)
		state[p] = FREE;
}

/* Fresh machine with these [first, first + n) page chunks. */
static void setup_chunks(const size_t (*chunks)[2], size_t nchunks)
{
	host_mm_reset_empty();
	model_reset();
	for (size_t i = 0; i < nchunks; i++) {
		phys_add_range(PG(chunks[i][0]), chunks[i][1]);
		model_add(chunks[i][0], chunks[i][1]);
	}
}

/*
 * The page a request must get: PHYS_ANY takes the top of the highest free
 * run that fits, constrained requests the bottom of the lowest one (if it
 * ends below the limit). Returns 0 (PHYS_NONE) when nothing fits.
 */
static size_t model_expect(size_t n, unsigned constraint)
{
	size_t limit = constraint == PHYS_BELOW_1M    ? 256
		       : constraint == PHYS_BELOW_16M ? 4096
						      : NPAGES;
	size_t best = 0, p = 0;

	while (p < NPAGES) {
		size_t s = p;

		if (state[p] != FREE) {
			p++;
			continue;
		}
		while (p < NPAGES && state[p] == FREE)
			p++;
		if (p - s < n)
			continue;
		if (constraint != PHYS_ANY)
			return s + n <= limit ? s : 0;
		best = p - n;
	}
	return best;
}

static size_t model_runs(size_t *free_pages)
{
	size_t runs = 0;

	*free_pages = 0;
	for (size_t p = 0; p < NPAGES; p++) {
		if (state[p] != FREE)
			continue;
		(*free_pages)++;
		if (p == 0 || state[p - 1] != FREE)
			runs++;
	}
	return runs;
}

/* phys_walk_free must list exactly the model's maximal free runs. */
struct walk_state {
	size_t next_page; /* search position in the model */
	bool ok;
};

static void walk_cb(paddr_t start, size_t npages, void *arg)
{
	struct walk_state *w = arg;
	size_t s = start / PAGE_SIZE;

	while (w->next_page < NPAGES && state[w->next_page] != FREE)
		w->next_page++;
	if (s != w->next_page || start % PAGE_SIZE)
		w->ok = false;
	for (size_t p = s; w->ok && p < s + npages; p++)
		if (p >= NPAGES || state[p] != FREE)
			w->ok = false;
	w->next_page = s + npages;
	if (w->ok && w->next_page < NPAGES && state[w->next_page] == FREE)
		w->ok = false; /* not maximal: should have been merged */
}

static bool matches_model(void)
{
	struct phys_stats st;
	struct walk_state w = {0, true};
	size_t free_pages, runs = model_runs(&free_pages), used = 0;

	for (int k = 0; k < PHYS_NKINDS; k++)
		used += model_used[k];
	phys_get_stats(&st);
	phys_walk_free(walk_cb, &w);
	return phys_check() && w.ok && st.ranges == runs &&
	       st.free == free_pages && phys_free_pages() == free_pages &&
	       st.kernel == model_used[PHYS_KERNEL] &&
	       st.user == model_used[PHYS_USER] &&
	       st.cached == model_used[PHYS_CACHED] &&
	       st.free + used == st.total;
}

static size_t ranges(void)
{
	struct phys_stats st;

	phys_get_stats(&st);
	return st.ranges;
}

struct alloc {
	paddr_t pa;
	size_t n;
	enum phys_kind kind;
};

#define MAX_LIVE 4096
static struct alloc live[MAX_LIVE];
static size_t nlive;

/* Allocate and check the result against the model exactly. */
static bool do_alloc(size_t n, unsigned constraint, enum phys_kind kind)
{
	size_t want = model_expect(n, constraint);
	paddr_t pa = phys_alloc(n, constraint, kind);

	if (pa != PG(want))
		return false;
	if (pa == PHYS_NONE)
		return true;
	for (size_t p = want; p < want + n; p++)
		state[p] = USED;
	model_used[kind] += n;
	live[nlive++] = (struct alloc){pa, n, kind};
	return true;
}

/* Free all of allocation i, or just its first or last part. */
static void do_free(size_t i, unsigned how)
{
	struct alloc *a = &live[i];
	size_t n = a->n, part = how && n > 1 ? n / 2 : n;
	paddr_t pa = how == 2 ? a->pa + PG(n - part) : a->pa;

	phys_free(pa, part, a->kind);
	for (size_t p = pa / PAGE_SIZE; p < pa / PAGE_SIZE + part; p++)
		state[p] = FREE;
	model_used[a->kind] -= part;
	a->n -= part;
	if (how != 2 && a->n)
		a->pa += PG(part);
	if (a->n == 0)
		*a = live[--nlive];
}

/* free_pct: chance of a free, varied so memory fills up and drains. */
static bool random_op(uint64_t *seed, unsigned free_pct)
{
	unsigned r = host_rand(seed) % 100;
	enum phys_kind kind = host_rand(seed) % PHYS_NKINDS;

	if (nlive && (r < free_pct || nlive == MAX_LIVE)) {
		do_free(host_rand(seed) % nlive, host_rand(seed) % 3);
		return true;
	}
	r = host_rand(seed) % 100;
	if (r < 40)
		return do_alloc(1, PHYS_ANY, kind);
	if (r < 75)
		return do_alloc(1 + host_rand(seed) % 64, PHYS_ANY, kind);
	if (r < 87)
		return do_alloc(1 + host_rand(seed) % 16, PHYS_BELOW_1M, kind);
	return do_alloc(1 + host_rand(seed) % 64, PHYS_BELOW_16M, kind);
}

/* Chunks below 1M, across 1M, across 16M and high up: ~6000 pages. */
static const size_t layout[][2] = {
    {16, 184}, {230, 2800}, {4096 - 700, 1400}, {9000, 1000}};

TEST(phys_random_vs_model)
{
	static const uint64_t seeds[] = {7, 1234, 0xfeedface, 99999};

	for (size_t s = 0; s < ARRAY_SIZE(seeds); s++) {
		uint64_t seed = seeds[s];

		setup_chunks(layout, ARRAY_SIZE(layout));
		nlive = 0;
		CHECK(matches_model());
		for (int op = 0; op < 8000; op++) {
			CHECK(random_op(&seed, (op / 1000) % 2 ? 75 : 25));
			if (op % 50 == 0)
				CHECK(matches_model());
		}
		while (nlive)
			do_free(0, 0);
		CHECK(matches_model());
		CHECK_EQ(ranges(), ARRAY_SIZE(layout));
	}
}

/* The runner's machine: pages 16..16383 free in one range. */
TEST(phys_same_end_rule)
{
	host_no_leak_check = 1; /* hand-made layout, pages kept */
	struct phys_stats st;

	CHECK_EQ(phys_alloc(1, PHYS_ANY, PHYS_KERNEL), PG(NPAGES - 1));
	CHECK_EQ(phys_alloc(3, PHYS_ANY, PHYS_USER), PG(NPAGES - 4));
	CHECK_EQ(phys_alloc(1, PHYS_BELOW_16M, PHYS_KERNEL), PG(16));
	CHECK_EQ(phys_alloc(4, PHYS_BELOW_1M, PHYS_KERNEL), PG(17));
	CHECK_EQ(phys_alloc(2, PHYS_BELOW_16M, PHYS_USER), PG(21));
	phys_get_stats(&st);
	CHECK_EQ(st.ranges, 1);
	CHECK_EQ(st.kernel, 6);
	CHECK_EQ(st.user, 5);
	CHECK_EQ(st.free, NPAGES - 16 - 11);
	/* A hole low down: constrained requests fill it first. */
	phys_free(PG(18), 2, PHYS_KERNEL);
	CHECK_EQ(phys_alloc(1, PHYS_BELOW_1M, PHYS_KERNEL), PG(18));
	CHECK_EQ(phys_alloc(2, PHYS_BELOW_1M, PHYS_KERNEL), PG(23));
	CHECK(phys_check());
}

TEST(phys_constraint_limits)
{
	host_no_leak_check = 1; /* hand-made layout, pages kept */
	static const size_t chunks[][2] = {{200, 100}, {4000, 200}};

	setup_chunks(chunks, ARRAY_SIZE(chunks));
	/* 56 pages below 1M in [200, 256): 57 must not fit. */
	CHECK_EQ(phys_alloc(57, PHYS_BELOW_1M, PHYS_KERNEL), PHYS_NONE);
	CHECK_EQ(phys_alloc(56, PHYS_BELOW_1M, PHYS_KERNEL), PG(200));
	CHECK_EQ(phys_alloc(1, PHYS_BELOW_1M, PHYS_KERNEL), PHYS_NONE);
	/* 96 pages below 16M in [4000, 4096), none in the rest of [256,300) */
	CHECK_EQ(phys_alloc(97, PHYS_BELOW_16M, PHYS_KERNEL), PHYS_NONE);
	CHECK_EQ(phys_alloc(44, PHYS_BELOW_16M, PHYS_KERNEL), PG(256));
	CHECK_EQ(phys_alloc(96, PHYS_BELOW_16M, PHYS_KERNEL), PG(4000));
	CHECK_EQ(phys_alloc(1, PHYS_BELOW_16M, PHYS_KERNEL), PHYS_NONE);
	CHECK_EQ(phys_alloc(104, PHYS_ANY, PHYS_USER), PG(4096));
	CHECK_EQ(phys_free_pages(), 0);
	CHECK(phys_check());
}

TEST(phys_exhaustion_and_merge_back)
{
	size_t n = 0;
	paddr_t pa;
	struct phys_stats st;

	phys_get_stats(&st);
	while ((pa = phys_alloc(1, PHYS_ANY, PHYS_USER)) != PHYS_NONE) {
		CHECK_EQ(pa, PG(NPAGES - 1 - n));
		n++;
	}
	CHECK_EQ(n, st.total);
	CHECK_EQ(phys_alloc(1, PHYS_BELOW_16M, PHYS_USER), PHYS_NONE);
	CHECK_EQ(ranges(), 0);
	CHECK(phys_check());
	/* Free every other page, then the rest: everything merges back. */
	for (size_t p = 16; p < NPAGES; p += 2)
		phys_free(PG(p), 1, PHYS_USER);
	CHECK_EQ(ranges(), (NPAGES - 16) / 2);
	CHECK(phys_check());
	CHECK_EQ(phys_alloc(2, PHYS_ANY, PHYS_USER), PHYS_NONE);
	for (size_t p = 17; p < NPAGES; p += 2)
		phys_free(PG(p), 1, PHYS_USER);
	CHECK_EQ(ranges(), 1);
	CHECK_EQ(phys_free_pages(), st.total);
	CHECK(phys_check());
}

TEST(phys_fragmented_fit_uses_summaries)
{
	host_no_leak_check = 1; /* hand-made layout, pages kept */
	/* ~8000 one-page ranges plus one 5-page range in the middle. */
	while (phys_alloc(1, PHYS_ANY, PHYS_USER) != PHYS_NONE)
		;
	for (size_t p = 16; p < NPAGES; p += 2)
		if (p < 8000 || p > 8010)
			phys_free(PG(p), 1, PHYS_USER);
	phys_free(PG(8002), 5, PHYS_USER);
	CHECK(phys_check());
	CHECK_EQ(phys_alloc(6, PHYS_ANY, PHYS_USER), PHYS_NONE);
	CHECK_EQ(phys_alloc(3, PHYS_BELOW_16M, PHYS_USER), PHYS_NONE);
	CHECK_EQ(phys_alloc(3, PHYS_ANY, PHYS_KERNEL), PG(8004));
	CHECK_EQ(phys_alloc(2, PHYS_ANY, PHYS_KERNEL), PG(8002));
	CHECK_EQ(phys_alloc(1, PHYS_BELOW_1M, PHYS_KERNEL), PG(16));
	CHECK(phys_check());
}

TEST(phys_add_range_clips)
{
	host_no_leak_check = 1; /* hand-made layout, pages kept */
	struct phys_stats st;

	host_mm_reset_empty();
	phys_add_range(0, 4);			     /* page 0 is never free */
	phys_add_range(HOST_MEM_BYTES - PG(2), 100); /* above the limit */
	phys_get_stats(&st);
	CHECK_EQ(st.total, 3 + 2);
	CHECK_EQ(st.ranges, 2);
	phys_add_range(PG(4), 10);	    /* touches the first: merges */
	phys_add_range(HOST_MEM_BYTES, 10); /* entirely above */
	phys_get_stats(&st);
	CHECK_EQ(st.total, 15);
	CHECK_EQ(st.ranges, 2);
	CHECK_EQ(phys_alloc(13, PHYS_BELOW_1M, PHYS_KERNEL), PG(1));
	CHECK(phys_check());
}

/* Reclaim: a fake cache holding pages that it hands back on demand. */
static paddr_t cache_pages[64];
static size_t cache_n, reclaim_calls, reclaim_per_call;

static size_t fake_reclaim(size_t npages)
{
	size_t done = 0;

	(void)npages;
	reclaim_calls++;
	while (cache_n && done < reclaim_per_call) {
		phys_free(cache_pages[--cache_n], 1, PHYS_CACHED);
		done++;
	}
	return done;
}

TEST(phys_reclaim_hook)
{
	host_no_leak_check = 1; /* hand-made layout, pages kept */
	paddr_t pa;

	cache_n = reclaim_calls = 0;
	reclaim_per_call = 1;
	phys_set_reclaim(PHYS_RECLAIM_YCACHE, fake_reclaim);
	/* The cache holds the top 8 pages, the user everything else. */
	for (int i = 0; i < 8; i++) {
		cache_pages[cache_n++] = phys_alloc(1, PHYS_ANY, PHYS_USER);
		phys_account(PHYS_USER, PHYS_CACHED, 1);
	}
	while (phys_alloc(1, PHYS_ANY, PHYS_USER) != PHYS_NONE)
		;
	/* The pages come back one per call, lowest first. */
	CHECK(reclaim_calls > 0 && cache_n == 0);
	reclaim_calls = 0;
	for (int i = 0; i < 8; i++) {
		cache_pages[cache_n++] = PG(NPAGES - 1 - i);
		phys_free(PG(NPAGES - 1 - i), 1, PHYS_USER);
		CHECK_EQ(phys_alloc(1, PHYS_ANY, PHYS_USER),
			 PG(NPAGES - 1 - i));
		phys_account(PHYS_USER, PHYS_CACHED, 1);
	}
	pa = phys_alloc(4, PHYS_ANY, PHYS_USER);
	/* 4 contiguous pages needed 4 single-page reclaims (LIFO order). */
	CHECK_EQ(pa, PG(NPAGES - 8));
	CHECK_EQ(reclaim_calls, 4);
	CHECK_EQ(cache_n, 4);
	reclaim_calls = 0;
	reclaim_per_call = 64;
	CHECK_EQ(phys_alloc(5, PHYS_ANY, PHYS_USER), PHYS_NONE);
	CHECK_EQ(reclaim_calls, 2); /* 4 pages, then nothing left */
	CHECK_EQ(phys_alloc(4, PHYS_ANY, PHYS_USER), PG(NPAGES - 4));
	CHECK(phys_check());
	phys_set_reclaim(PHYS_RECLAIM_YCACHE, NULL);
}

static int chain_calls[PHYS_RECLAIM_NSLOTS], chain_order[8], chain_n;

/* Slot 0 (level 2) frees its pages while it has any, then nothing. */
static size_t chain_l2(size_t npages)
{
	(void)npages;
	chain_calls[0]++;
	if (chain_n < 8)
		chain_order[chain_n++] = 0;
	if (!cache_n)
		return 0;
	phys_free(cache_pages[--cache_n], 1, PHYS_CACHED);
	return 1;
}

/* Slot 1 (level 1) is asked only once slot 0 freed nothing. */
static size_t chain_l1(size_t npages)
{
	(void)npages;
	chain_calls[1]++;
	if (chain_n < 8)
		chain_order[chain_n++] = 1;
	return 0;
}

TEST(phys_reclaim_chain_in_order)
{
	host_no_leak_check = 1; /* hand-made layout, pages kept */
	cache_n = chain_n = 0;
	chain_calls[0] = chain_calls[1] = 0;
	phys_set_reclaim(PHYS_RECLAIM_YCACHE, chain_l2);
	phys_set_reclaim(PHYS_RECLAIM_PAGECACHE, chain_l1);
	for (int i = 0; i < 2; i++) {
		cache_pages[cache_n++] = phys_alloc(1, PHYS_ANY, PHYS_USER);
		phys_account(PHYS_USER, PHYS_CACHED, 1);
	}
	while (phys_alloc(1, PHYS_ANY | PHYS_NORECLAIM, PHYS_USER) != PHYS_NONE)
		;
	/* Two pages from level 2, then level 2 has none: level 1 asked,
	 * has none either: the allocation fails. */
	CHECK(phys_alloc(1, PHYS_ANY, PHYS_USER) != PHYS_NONE);
	CHECK(phys_alloc(1, PHYS_ANY, PHYS_USER) != PHYS_NONE);
	CHECK_EQ(chain_calls[1], 0);
	CHECK_EQ(phys_alloc(1, PHYS_ANY, PHYS_USER), PHYS_NONE);
	CHECK_EQ(chain_n, 4);
	CHECK_EQ(chain_order[2], 0);
	CHECK_EQ(chain_order[3], 1);
	phys_set_reclaim(PHYS_RECLAIM_YCACHE, NULL);
	phys_set_reclaim(PHYS_RECLAIM_PAGECACHE, NULL);
}

TEST(phys_bad_free_panics)
{
	paddr_t pa = phys_alloc(4, PHYS_ANY, PHYS_USER);

	EXPECT_PANIC(phys_free(pa + 1, 1, PHYS_USER), "not page aligned");
	EXPECT_PANIC(phys_free(PG(100), 1, PHYS_USER), "overlaps free range");
	EXPECT_PANIC(phys_free(pa - PG(1), 2, PHYS_USER), "overlaps");
	EXPECT_PANIC(phys_free(pa + PG(3), 2, PHYS_USER), "outside memory");
	EXPECT_PANIC(phys_free(PG(2), 1, PHYS_USER), "outside memory");
	EXPECT_PANIC(phys_free(pa, 1, PHYS_KERNEL), "only 0 allocated");
	EXPECT_PANIC(phys_account(PHYS_CACHED, PHYS_USER, 1), "holding 0");
	CHECK(phys_check());
	phys_free(pa, 4, PHYS_USER);
	EXPECT_PANIC(phys_free(pa, 4, PHYS_USER), "overlaps free range");
	CHECK(phys_check());
	CHECK_EQ(ranges(), 1);
}
