/*
 * test_ycache.c - host tests of the yielded-block cache's page-level
 * interface (mm/ycache.c): randomized put/take/forget/reclaim sequences
 * against a reference model, memory pressure, large blocks, owners.
 */
#include <stdlib.h>
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include <mm/ycache.h>
#include "host.h"

/* --- helpers -------------------------------------------------------- */

static uint64_t page_tag(uint32_t owner, uint64_t id, size_t i)
{
	return ((uint64_t)owner << 48) ^ (id * 0x9E3779B97F4A7C15ull) ^ i;
}

static void tag_page(paddr_t pa, uint64_t tag)
{
	uint64_t *p = arch_phys_to_virt(pa);

	p[0] = tag;
	p[PAGE_SIZE / 8 - 1] = ~tag;
}

static bool page_has_tag(paddr_t pa, uint64_t tag)
{
	const uint64_t *p = arch_phys_to_virt(pa);

	return p[0] == tag && p[PAGE_SIZE / 8 - 1] == ~tag;
}

/* npages separately allocated user pages, tagged; false if memory ran out. */
static bool alloc_block(paddr_t *pages, size_t npages, uint32_t owner,
			uint64_t id)
{
	for (size_t i = 0; i < npages; i++) {
		pages[i] = phys_alloc(1, PHYS_ANY, PHYS_USER);
		if (pages[i] == PHYS_NONE) {
			while (i--)
				phys_free(pages[i], 1, PHYS_USER);
			return false;
		}
		tag_page(pages[i], page_tag(owner, id, i));
	}
	return true;
}

static void free_block(const paddr_t *pages, size_t npages)
{
	for (size_t i = 0; i < npages; i++)
		phys_free(pages[i], 1, PHYS_USER);
}

static bool block_tagged(const paddr_t *pages, size_t npages, uint32_t owner,
			 uint64_t id)
{
	for (size_t i = 0; i < npages; i++)
		if (!page_has_tag(pages[i], page_tag(owner, id, i)))
			return false;
	return true;
}

/* Index pages a block of npages costs beyond its slab entry. */
static size_t index_pages(size_t npages)
{
	size_t bytes = npages * sizeof(paddr_t);

	return bytes <= SLAB_MAX_OBJ ? 0 : (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

static bool pages_conserved(void)
{
	struct phys_stats ps;

	phys_get_stats(&ps);
	return ps.free + ps.kernel + ps.user + ps.cached == ps.total;
}

static size_t cached_pages(void)
{
	struct phys_stats ps;

	phys_get_stats(&ps);
	return ps.cached;
}

static size_t slab_pages(void)
{
	struct slab_stats ss;

	slab_get_stats(&ss);
	return ss.pages;
}

/* --- the reference model: blocks in yield order, oldest first ------- */

#define MODEL_MAX 4096

struct mblock {
	uint32_t owner;
	uint64_t id;
	size_t npages;
	paddr_t *pages;
};

static struct mblock model[MODEL_MAX];
static size_t model_n, model_peak;
static uint64_t model_evictions, model_evicted_pages;

static long model_find(uint32_t owner, uint64_t id)
{
	for (size_t i = 0; i < model_n; i++)
		if (model[i].owner == owner && model[i].id == id)
			return (long)i;
	return -1;
}

static void model_remove(size_t i)
{
	free(model[i].pages);
	memmove(&model[i], &model[i + 1], (model_n - i - 1) * sizeof(model[0]));
	model_n--;
}

static size_t model_pages(void)
{
	size_t n = 0;

	for (size_t i = 0; i < model_n; i++)
		n += model[i].npages;
	return n;
}

static void model_reset(void)
{
	while (model_n)
		model_remove(model_n - 1);
	model_peak = 0;
	model_evictions = model_evicted_pages = 0;
}

/*
 * The cache evicted st.evictions - model_evictions blocks since the last
 * sync: they must be the oldest ones, so drop that many from the front and
 * check each is really gone.
 */
static bool model_sync(void)
{
	struct ycache_stats st;

	ycache_get_stats(&st);
	while (model_evictions < st.evictions) {
		if (!model_n || ycache_has(model[0].owner, model[0].id))
			return false;
		model_evicted_pages += model[0].npages;
		model_remove(0);
		model_evictions++;
	}
	return st.evicted_pages == model_evicted_pages;
}

/* Everything the model says agrees with the cache and the allocator. */
static bool model_agrees(void)
{
	struct ycache_stats st;
	struct phys_stats ps;

	ycache_get_stats(&st);
	phys_get_stats(&ps);
	if (st.blocks != model_n || st.pages != model_pages())
		return false;
	/* Between operations the test holds no user pages. */
	if (ps.cached != st.pages || ps.user != 0)
		return false;
	for (size_t i = 0; i < model_n; i++)
		if (!ycache_has(model[i].owner, model[i].id))
			return false;
	return pages_conserved();
}

/* --- randomized sequences ------------------------------------------ */

#define R_OWNERS 4
#define R_HELD 64

struct rstate {
	uint64_t seed;
	uint32_t owners[R_OWNERS];
	paddr_t held[R_HELD]; /* kernel pages the test holds (pressure) */
	size_t nheld;
};

static uint64_t rand_id(struct rstate *r)
{
	uint32_t x = host_rand(&r->seed);

	if (x % 16 == 0) /* the full 64-bit range, high bits included */
		return ((uint64_t)host_rand(&r->seed) << 32 | x) - 2;
	return x % 512;
}

static size_t rand_npages(struct rstate *r)
{
	uint32_t x = host_rand(&r->seed) % 64;

	if (x == 0)
		return 520 + host_rand(&r->seed) % 200; /* list beyond slab */
	return 1 + x % 8;
}

/* Allocate and tag a block, then put it; the model follows. */
static int op_put(struct rstate *r)
{
	uint32_t owner = r->owners[host_rand(&r->seed) % R_OWNERS];
	uint64_t id = rand_id(r);
	size_t n = rand_npages(r);
	paddr_t *pages;
	int rc, want;

	if (model_n == MODEL_MAX)
		return 0;
	if (model_n && host_rand(&r->seed) % 8 == 0) { /* a duplicate */
		long i = host_rand(&r->seed) % model_n;

		owner = model[i].owner;
		id = model[i].id;
	}
	pages = malloc(n * sizeof(*pages));
	if (!alloc_block(pages, n, owner, id)) {
		free(pages);
		return model_sync() ? 0 : -1; /* all memory held by the test */
	}
	/* Allocating the block may have evicted (owner, id) itself. */
	rc = model_sync() ? 0 : -1;
	want = model_find(owner, id) >= 0 ? -EEXIST : 0;
	if (rc == 0)
		rc = ycache_put(owner, id, pages, n, PHYS_USER);
	if (!model_sync())
		rc = -1;
	if (rc == -ENOMEM && model_n == 0)
		want = -ENOMEM; /* reclaim emptied the cache and still failed */
	if (rc == 0 && want == 0) {
		model[model_n++] = (struct mblock){owner, id, n, pages};
		model_peak = MAX(model_peak, model_n);
		return 0;
	}
	free_block(pages, n);
	free(pages);
	return rc == want ? 0 : -1;
}

static int op_take(struct rstate *r)
{
	uint32_t owner = r->owners[host_rand(&r->seed) % R_OWNERS];
	uint64_t id = rand_id(r);
	size_t n = 1 + host_rand(&r->seed) % 8;
	long i;
	paddr_t *pages;
	int rc, want;

	if (model_n && host_rand(&r->seed) % 4) { /* mostly existing ones */
		i = host_rand(&r->seed) % model_n;
		owner = model[i].owner;
		id = model[i].id;
		n = model[i].npages + (host_rand(&r->seed) % 16 == 0);
	}
	i = model_find(owner, id);
	want = i < 0 ? -ESRCH : model[i].npages != n ? -EINVAL : 0;
	pages = malloc(n * sizeof(*pages));
	rc = ycache_take(owner, id, pages, n, PHYS_USER);
	if (rc == 0 && want == 0) {
		bool ok = !memcmp(pages, model[i].pages, n * sizeof(*pages)) &&
			  block_tagged(pages, n, owner, id);

		free_block(pages, n);
		model_remove(i);
		rc = ok ? 0 : -1;
	} else {
		rc = rc == want ? 0 : -1;
	}
	free(pages);
	return rc;
}

static int op_forget(struct rstate *r)
{
	uint32_t owner = r->owners[host_rand(&r->seed) % R_OWNERS];
	uint64_t id = rand_id(r);
	long i;

	if (model_n && host_rand(&r->seed) % 2) {
		i = host_rand(&r->seed) % model_n;
		owner = model[i].owner;
		id = model[i].id;
	}
	i = model_find(owner, id);
	if (ycache_forget(owner, id) != (i < 0 ? -ESRCH : 0))
		return -1;
	if (i >= 0)
		model_remove(i);
	return 0;
}

static int check_forget_all(uint32_t owner)
{
	size_t want = 0;

	for (size_t i = model_n; i-- > 0;)
		if (model[i].owner == owner) {
			model_remove(i);
			want++;
		}
	return ycache_forget_all(owner) == want ? 0 : -1;
}

static int op_forget_all(struct rstate *r)
{
	return check_forget_all(r->owners[host_rand(&r->seed) % R_OWNERS]);
}

static int op_reclaim(struct rstate *r)
{
	size_t n = host_rand(&r->seed) % 40, freed = 0, evicted = 0;
	uint64_t before = model_evictions;

	while (freed < n && evicted < model_n) {
		freed +=
		    model[evicted].npages + index_pages(model[evicted].npages);
		evicted++;
	}
	if (ycache_reclaim(n) != freed || !model_sync())
		return -1;
	return model_evictions - before == evicted ? 0 : -1;
}

/* Hold or release kernel pages: allocations that must evict. */
static int op_pressure(struct rstate *r)
{
	if (r->nheld && host_rand(&r->seed) % 2) {
		phys_free(r->held[--r->nheld], 1, PHYS_KERNEL);
		return 0;
	}
	if (r->nheld < R_HELD) {
		paddr_t pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);

		if (pa == PHYS_NONE && model_n)
			return -1; /* the cache had pages to give */
		if (pa != PHYS_NONE)
			r->held[r->nheld++] = pa;
	}
	return model_sync() ? 0 : -1;
}

static int random_op(struct rstate *r)
{
	uint32_t x = host_rand(&r->seed) % 1000;

	if (x < 500)
		return op_put(r);
	if (x < 700)
		return op_take(r);
	if (x < 780)
		return op_forget(r);
	if (x < 781)
		return op_forget_all(r);
	if (x < 795)
		return op_reclaim(r);
	return op_pressure(r);
}

/*
 * The checker counts pages the test holds as leaks: let them go first. Its
 * own bitmap pages come from phys_alloc, which may evict: resync.
 */
static bool sanity_point(struct rstate *r)
{
	while (r->nheld)
		phys_free(r->held[--r->nheld], 1, PHYS_KERNEL);
	mm_sanity_check();
	return model_sync();
}

/* Run nops random operations on a machine of mem_pages pages. */
static int run_random(uint64_t seed, size_t mem_pages, int nops)
{
	struct rstate r = {.seed = seed};
	size_t free0, slab0;

	host_mm_reset(16, mem_pages);
	model_reset();
	for (int i = 0; i < R_OWNERS; i++)
		r.owners[i] = ycache_owner_new();
	free0 = phys_free_pages();
	slab0 = slab_pages();
	for (int i = 0; i < nops; i++) {
		if (random_op(&r) || !model_agrees())
			return i + 1;
		if (i % 500 == 0 && !sanity_point(&r))
			return i + 1;
	}
	if (!sanity_point(&r))
		return -4;
	for (int i = 0; i < R_OWNERS; i++)
		if (check_forget_all(r.owners[i]))
			return -1;
	while (r.nheld)
		phys_free(r.held[--r.nheld], 1, PHYS_KERNEL);
	if (!model_agrees() || cached_pages() != 0)
		return -2;
	/* Everything is back, but the slab allocator may keep empty pages. */
	if (phys_free_pages() + (slab_pages() - slab0) != free0)
		return -3;
	return 0;
}

static const uint64_t seeds[] = {1, 0x1234567, 0xdeadbeefcafe, 42424242,
				 0x9e3779b97f4a7c15ull};

/* Plenty of memory: only explicit reclaims and pressure ops evict. */
TEST(ycache_random_roomy)
{
	for (size_t s = 0; s < ARRAY_SIZE(seeds); s++) {
		CHECK_EQ(run_random(seeds[s], 16000, 4000), 0);
		CHECK(model_peak > 300); /* the cache really grew */
	}
	model_reset();
}

/* Tight memory: puts and pressure ops evict constantly. */
TEST(ycache_random_tight)
{
	for (size_t s = 0; s < ARRAY_SIZE(seeds); s++) {
		struct ycache_stats st;

		CHECK_EQ(run_random(seeds[s] * 3 + 1, 1200, 4000), 0);
		ycache_get_stats(&st);
		CHECK(st.evictions > 0);
	}
	model_reset();
}

/* --- targeted tests -------------------------------------------------- */

/* Put a tagged block of n separate user pages under (owner, id). */
static int put_new(uint32_t owner, uint64_t id, paddr_t *pages, size_t n)
{
	if (!alloc_block(pages, n, owner, id))
		return -ENOMEM;
	return ycache_put(owner, id, pages, n, PHYS_USER);
}

#define P_BLOCKS 900
#define P_PAGES 16

/*
 * Fill the cache, then allocate until the allocator gives up: every
 * allocation succeeds by evicting, always the oldest blocks first.
 */
TEST(ycache_pressure_evicts_oldest_first)
{
	static paddr_t pages[P_BLOCKS][P_PAGES];
	static paddr_t got[16384];
	uint32_t owner = ycache_owner_new();
	struct ycache_stats st;
	size_t ngot = 0, free_before, oldest = 0;
	paddr_t buf[P_PAGES];

	for (size_t b = 0; b < P_BLOCKS; b++)
		CHECK_EQ(put_new(owner, b * 7, pages[b], P_PAGES), 0);
	free_before = phys_free_pages();
	CHECK_EQ(cached_pages(), P_BLOCKS * P_PAGES);
	for (;;) {
		paddr_t pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);

		if (pa == PHYS_NONE)
			break;
		got[ngot++] = pa;
		/* Blocks [0, oldest) are gone, the rest still cached. */
		while (oldest < P_BLOCKS && !ycache_has(owner, oldest * 7))
			oldest++;
		for (size_t b = oldest; b < P_BLOCKS; b += 37)
			CHECK(ycache_has(owner, b * 7));
		CHECK(pages_conserved());
	}
	ycache_get_stats(&st);
	CHECK_EQ(st.blocks, 0);
	CHECK_EQ(st.evictions, P_BLOCKS);
	CHECK_EQ(st.evicted_pages, P_BLOCKS * P_PAGES);
	CHECK_EQ(cached_pages(), 0);
	CHECK(ngot >= free_before + P_BLOCKS * P_PAGES);
	CHECK_EQ(ycache_take(owner, 0, buf, P_PAGES, PHYS_USER), -ESRCH);
	CHECK_EQ(
	    ycache_take(owner, 7 * (P_BLOCKS - 1), buf, P_PAGES, PHYS_USER),
	    -ESRCH);
	ycache_get_stats(&st);
	CHECK_EQ(st.misses, 2);
	CHECK_EQ(st.hits, 0);
	while (ngot)
		phys_free(got[--ngot], 1, PHYS_KERNEL);
	CHECK(pages_conserved());
}

/* Reclaim frees at least what was asked, oldest first, and says how much. */
TEST(ycache_reclaim_counts)
{
	uint32_t owner = ycache_owner_new();
	paddr_t pages[4][600];
	static const size_t sizes[4] = {3, 600, 5, 2};

	for (size_t b = 0; b < 4; b++)
		CHECK_EQ(put_new(owner, b, pages[b], sizes[b]), 0);
	CHECK_EQ(ycache_reclaim(0), 0);
	CHECK_EQ(ycache_reclaim(1), 3);
	CHECK(!ycache_has(owner, 0) && ycache_has(owner, 1));
	/* 600 pages plus the one page holding their list. */
	CHECK_EQ(ycache_reclaim(4), 601);
	CHECK_EQ(ycache_reclaim(1000), 7);
	CHECK_EQ(ycache_reclaim(1000), 0);
	CHECK_EQ(cached_pages(), 0);
	CHECK(pages_conserved());
}

/* Blocks whose page lists do not fit a slab object. */
TEST(ycache_large_blocks)
{
	static const size_t sizes[] = {512, 513, 700, 1024, 1025, 3000};
	static paddr_t pages[3000], back[3000];
	uint32_t owner = ycache_owner_new();

	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		size_t n = sizes[k];
		struct phys_stats a, b;
		size_t slab0 = slab_pages();

		phys_get_stats(&a);
		CHECK_EQ(put_new(owner, 100 + k, pages, n), 0);
		phys_get_stats(&b);
		CHECK_EQ(b.cached, n);
		CHECK_EQ(b.kernel - a.kernel - (slab_pages() - slab0),
			 index_pages(n));
		mm_sanity_check();
		CHECK_EQ(ycache_take(owner, 100 + k, back, n - 1, PHYS_USER),
			 -EINVAL);
		CHECK(ycache_has(owner, 100 + k));
		CHECK_EQ(ycache_take(owner, 100 + k, back, n, PHYS_USER), 0);
		CHECK(!memcmp(back, pages, n * sizeof(paddr_t)));
		CHECK(block_tagged(back, n, owner, 100 + k));
		free_block(back, n);
		CHECK_EQ(cached_pages(), 0);
		CHECK(pages_conserved());
	}
}

/* Owners never see each other's blocks. */
TEST(ycache_owner_isolation)
{
	uint32_t a = ycache_owner_new(), b = ycache_owner_new();
	paddr_t pa[2], pb[3], back[3];

	CHECK(a != b && a != 0 && b != 0);
	CHECK_EQ(put_new(a, 5, pa, 2), 0);
	CHECK(!ycache_has(b, 5));
	CHECK_EQ(ycache_take(b, 5, back, 2, PHYS_USER), -ESRCH);
	CHECK_EQ(ycache_forget(b, 5), -ESRCH);
	CHECK_EQ(ycache_forget_all(b), 0);
	CHECK_EQ(put_new(b, 5, pb, 3), 0); /* same id, other owner */
	CHECK_EQ(ycache_put(a, 5, pb, 3, PHYS_USER), -EEXIST);
	CHECK_EQ(ycache_forget_all(a), 1);
	CHECK(!ycache_has(a, 5) && ycache_has(b, 5));
	CHECK_EQ(ycache_take(b, 5, back, 3, PHYS_USER), 0);
	CHECK(!memcmp(back, pb, sizeof(pb)) && block_tagged(back, 3, b, 5));
	free_block(back, 3);
	CHECK_EQ(cached_pages(), 0);
}

/* Ids at the ends of the 64-bit range; forget_all stops at the owner. */
TEST(ycache_id_range)
{
	uint32_t a = ycache_owner_new(), b = ycache_owner_new();
	static const uint64_t ids[] = {0, 1, 1ull << 32, YCACHE_ID_NONE - 1};
	paddr_t p[4], q, back;

	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		CHECK_EQ(put_new(a, ids[i], &p[i], 1), 0);
		CHECK_EQ(put_new(b, ids[i], &q, 1), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		CHECK(ycache_has(a, ids[i]) && ycache_has(b, ids[i]));
	CHECK(!ycache_has(a, 2));
	CHECK_EQ(ycache_take(a, 1ull << 32, &back, 1, PHYS_USER), 0);
	CHECK_EQ(back, p[2]);
	free_block(&back, 1);
	CHECK_EQ(ycache_forget_all(a), 3);
	CHECK_EQ(ycache_forget_all(b), 4);
	CHECK_EQ(cached_pages(), 0);
}

/* Arguments that are refused leave everything as it was. */
TEST(ycache_bad_arguments)
{
	uint32_t o = ycache_owner_new();
	paddr_t p[2], bad[2], back[2];
	struct ycache_stats st;

	CHECK(alloc_block(p, 2, o, 9));
	CHECK_EQ(ycache_put(o, YCACHE_ID_NONE, p, 2, PHYS_USER), -EINVAL);
	CHECK_EQ(ycache_put(o, 9, p, 0, PHYS_USER), -EINVAL);
	CHECK_EQ(ycache_put(o, 9, p, YCACHE_MAX_PAGES + 1, PHYS_USER), -EINVAL);
	CHECK_EQ(ycache_put(o, 9, p, 2, PHYS_CACHED), -EINVAL);
	bad[0] = p[0];
	bad[1] = p[1] + 8;
	CHECK_EQ(ycache_put(o, 9, bad, 2, PHYS_USER), -EINVAL);
	bad[1] = PHYS_NONE;
	CHECK_EQ(ycache_put(o, 9, bad, 2, PHYS_USER), -EINVAL);
	ycache_get_stats(&st);
	CHECK_EQ(st.blocks + st.yields, 0);
	CHECK_EQ(ycache_put(o, 9, p, 2, PHYS_USER), 0);
	CHECK_EQ(ycache_put(o, 9, p, 2, PHYS_USER), -EEXIST);
	CHECK_EQ(ycache_take(o, 9, back, 2, PHYS_CACHED), -EINVAL);
	CHECK_EQ(ycache_take(o, 9, back, 3, PHYS_USER), -EINVAL);
	ycache_get_stats(&st);
	CHECK_EQ(st.blocks, 1);
	CHECK_EQ(st.yields, 1);
	CHECK_EQ(st.misses + st.hits, 0);
	CHECK_EQ(ycache_forget(o, 9), 0);
	CHECK_EQ(ycache_forget(o, 9), -ESRCH);
	CHECK_EQ(cached_pages(), 0);
	CHECK(pages_conserved());
}

/* Kernel users put kernel pages and get them back as kernel pages. */
TEST(ycache_kernel_pages)
{
	uint32_t fs = ycache_owner_new();
	paddr_t p = phys_alloc(4, PHYS_ANY, PHYS_KERNEL), list[4], back[4];
	struct phys_stats a, b;

	CHECK(p != PHYS_NONE);
	for (size_t i = 0; i < 4; i++)
		list[i] = p + i * PAGE_SIZE;
	phys_get_stats(&a);
	CHECK_EQ(ycache_put(fs, 77, list, 4, PHYS_KERNEL), 0);
	phys_get_stats(&b);
	CHECK_EQ(b.cached, 4);
	CHECK(b.kernel + 4 >= a.kernel); /* slab may have grown */
	CHECK_EQ(ycache_take(fs, 77, back, 4, PHYS_KERNEL), 0);
	CHECK(!memcmp(back, list, sizeof(list)));
	CHECK_EQ(cached_pages(), 0);
	/* A contiguous block is freed in one piece when evicted. */
	CHECK_EQ(ycache_put(fs, 78, list, 4, PHYS_KERNEL), 0);
	CHECK_EQ(ycache_reclaim(1), 4);
	CHECK(phys_check());
	CHECK(pages_conserved());
}

/*
 * With no free memory left, the put's own allocations (entry, page list)
 * must evict older blocks - reclaim runs inside ycache_put.
 */
TEST(ycache_put_reclaims_for_itself)
{
	static paddr_t big[700], got[16384];
	uint32_t o = ycache_owner_new();
	paddr_t small[4];
	size_t ngot = 0;
	struct ycache_stats st;

	CHECK(alloc_block(big, 700, o, 1));
	CHECK_EQ(put_new(o, 2, small, 2), 0);
	/* Exhaust memory with no cache to fall back on... */
	CHECK_EQ(ycache_forget(o, 2), 0);
	for (paddr_t pa;
	     (pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL)) != PHYS_NONE;)
		got[ngot++] = pa;
	/* ...give some back for a small cached block, take the rest again. */
	for (int i = 0; i < 16; i++)
		phys_free(got[--ngot], 1, PHYS_KERNEL);
	CHECK_EQ(put_new(o, 3, small, 4), 0);
	while (phys_free_pages()) /* never reaching reclaim */
		got[ngot++] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	CHECK(ycache_has(o, 3));
	CHECK_EQ(phys_free_pages(), 0);
	/* The 700-page list needs a page; only evicting block 3 gives it. */
	CHECK_EQ(ycache_put(o, 1, big, 700, PHYS_USER), 0);
	ycache_get_stats(&st);
	CHECK_EQ(st.evictions, 1);
	CHECK(!ycache_has(o, 3) && ycache_has(o, 1));
	CHECK(pages_conserved());
	while (ngot)
		phys_free(got[--ngot], 1, PHYS_KERNEL);
	mm_sanity_check();
	CHECK_EQ(ycache_forget_all(o), 1);
}

/* The sanity walk sees a page that is cached and free at once. */
TEST(ycache_sanity_catches_double_owner)
{
	host_no_leak_check =
	    1; /* a cached page was freed behind the cache's back */
	uint32_t o = ycache_owner_new();
	paddr_t p[3];

	CHECK_EQ(put_new(o, 1, p, 3), 0);
	mm_sanity_check();
	phys_free(p[1], 1, PHYS_CACHED); /* behind the cache's back */
	EXPECT_PANIC(mm_sanity_check(), "cached block");
}

/* Ask the cache for pages, as phys_alloc would when memory runs out. */
static void reclaim_now(void)
{
	ycache_reclaim(1);
}

/*
 * The reentrancy guard: reclaim running while the index is mid-update
 * (here: inside the AVL insert of ycache_put, whose write hooks protect
 * slab pages again) must panic rather than edit the index under it. The
 * cache is empty, so the reclaims outside the update (during put's own
 * allocations) find nothing to do and must not panic.
 */
TEST(ycache_busy_guard)
{
	uint32_t o = ycache_owner_new();
	paddr_t b[2];

	host_no_leak_check = 1; /* the panic leaves the index half-updated */
	CHECK(alloc_block(b, 2, o, 2));
	host_page_protect_hook = reclaim_now;
	EXPECT_PANIC(ycache_put(o, 2, b, 2, PHYS_USER), "mid-update");
	host_page_protect_hook = NULL;
}
