/*
 * test_sanity.c - host tests of the memory sanity checker (mm/sanity.c):
 * a clean state passes and counts pages in use; double claims, pages both
 * free and owned, and leaked pages panic with the right names; a randomized
 * run checks the count against a model and injects faults along the way.
 */
#include <stdio.h>
#include <arch/hooks.h>
#include <kernel/printk.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "host.h"

#define MAX_RUNS 256

/* Pages held by a test owner: runs of contiguous pages. */
struct runs {
	paddr_t pa[MAX_RUNS];
	size_t n[MAX_RUNS];
	size_t count;
};

static struct runs runs_a, runs_b;

static void walk_runs(struct sanity *s, const struct runs *r, const char *name)
{
	for (size_t i = 0; i < r->count; i++)
		sanity_mark(s, r->pa[i], r->n[i], name);
}

static void walk_a(struct sanity *s)
{
	walk_runs(s, &runs_a, "test-a");
}

static void walk_b(struct sanity *s)
{
	walk_runs(s, &runs_b, "test-b");
}

static struct sanity_owner owner_a = {"test-a", walk_a, NULL};
static struct sanity_owner owner_b = {"test-b", walk_b, NULL};

static void runs_add(struct runs *r, paddr_t pa, size_t n)
{
	BUG_ON(r->count == MAX_RUNS);
	r->pa[r->count] = pa;
	r->n[r->count] = n;
	r->count++;
}

/* Allocate n pages for r; PHYS_NONE if out of memory. */
static paddr_t runs_alloc(struct runs *r, size_t n)
{
	paddr_t pa = phys_alloc(n, PHYS_ANY, PHYS_KERNEL);

	if (pa != PHYS_NONE)
		runs_add(r, pa, n);
	return pa;
}

static void runs_free_one(struct runs *r, size_t i)
{
	phys_free(r->pa[i], r->n[i], PHYS_KERNEL);
	r->count--;
	r->pa[i] = r->pa[r->count];
	r->n[i] = r->n[r->count];
}

static size_t runs_pages(const struct runs *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->count; i++)
		n += r->n[i];
	return n;
}

/* Tests run their body between these, so owners never outlive a test. */
static void owners_begin(void)
{
	memset(&runs_a, 0, sizeof(runs_a));
	memset(&runs_b, 0, sizeof(runs_b));
	sanity_register(&owner_a);
	sanity_register(&owner_b);
	sanity_register(&owner_a); /* twice: must not loop */
}

static void owners_end(void)
{
	sanity_unregister(&owner_a);
	sanity_unregister(&owner_b);
	memset(&runs_a, 0, sizeof(runs_a));
	memset(&runs_b, 0, sizeof(runs_b));
}

static size_t in_use(void)
{
	struct phys_stats st;

	phys_get_stats(&st);
	return st.total - st.free;
}

#define OWNED_TEST(name)               \
	static void body_##name(void); \
	TEST(name)                     \
	{                              \
		owners_begin();        \
		body_##name();         \
		owners_end();          \
	}                              \
	static void body_##name(void)

TEST(sanity_clean_state)
{
	size_t free0 = phys_free_pages();

	CHECK_EQ(mm_sanity_check(), in_use());
	CHECK_EQ(phys_free_pages(), free0);
}

OWNED_TEST(sanity_passes_with_owners)
{
	host_no_leak_check = 1; /* it leaks on purpose */
	void *objs[50];
	size_t free0;
	struct slab_stats st;

	for (int i = 0; i < 50; i++)
		CHECK((objs[i] = slab_alloc(16u << (i % 8))) != NULL);
	CHECK(runs_alloc(&runs_a, 5) && runs_alloc(&runs_a, 1));
	CHECK(runs_alloc(&runs_b, 17));
	free0 = phys_free_pages();
	slab_get_stats(&st);
	CHECK_EQ(mm_sanity_check(), 23 + st.pages);
	CHECK_EQ(mm_sanity_check(), in_use());
	/* The checker's page map went back to phys. */
	CHECK_EQ(phys_free_pages(), free0);
	for (int i = 0; i < 50; i++)
		slab_free(objs[i], 16u << (i % 8));
	runs_free_one(&runs_b, 0);
	CHECK_EQ(mm_sanity_check(), in_use());
}

OWNED_TEST(sanity_double_claim)
{
	host_no_leak_check = 1; /* it leaks on purpose */
	paddr_t pa = runs_alloc(&runs_a, 4);
	size_t free0 = phys_free_pages();
	char msg[96];

	CHECK(pa);
	runs_add(&runs_b, pa + 2 * PAGE_SIZE, 1);
	snprintf(msg, sizeof(msg), "sanity: page 0x%x claimed by ",
		 pa + 2 * PAGE_SIZE);
	EXPECT_PANIC(mm_sanity_check(), msg);
	CHECK(strstr(host_last_panic, "test-a") != NULL);
	CHECK(strstr(host_last_panic, "test-b") != NULL);
	CHECK(strstr(host_last_panic, "but already test-") != NULL);
	/* The panic returned the page map. */
	CHECK_EQ(phys_free_pages(), free0);
	runs_b.count = 0;
	CHECK_EQ(mm_sanity_check(), in_use());
}

OWNED_TEST(sanity_claim_of_slab_page)
{
	host_no_leak_check = 1; /* it leaks on purpose */
	void *p = slab_alloc(300);
	paddr_t pa;
	char msg[96];

	CHECK(p);
	pa = arch_virt_to_phys(p) & PAGE_MASK;
	runs_add(&runs_b, pa, 1);
	snprintf(msg, sizeof(msg),
		 "page 0x%x claimed by test-b but already slab", pa);
	EXPECT_PANIC(mm_sanity_check(), msg);
}

OWNED_TEST(sanity_free_and_owned)
{
	host_no_leak_check = 1; /* it leaks on purpose */
	paddr_t pa = runs_alloc(&runs_a, 16), mid = pa + 8 * PAGE_SIZE;
	char msg[96];

	CHECK(pa);
	/* Freed, but test-a still claims it. A lone free page: the checker's
	 * own multi-page map cannot land on it. */
	phys_free(mid, 1, PHYS_KERNEL);
	snprintf(msg, sizeof(msg),
		 "page 0x%x claimed by test-a but already free", mid);
	EXPECT_PANIC(mm_sanity_check(), msg);
	runs_a.count = 0;
	runs_add(&runs_a, pa, 8);
	runs_add(&runs_a, mid + PAGE_SIZE, 7);
	CHECK_EQ(mm_sanity_check(), in_use());
}

OWNED_TEST(sanity_leak)
{
	host_no_leak_check = 1; /* it leaks on purpose */
	paddr_t a = runs_alloc(&runs_a, 3);
	paddr_t leak = phys_alloc(2, PHYS_ANY, PHYS_KERNEL);
	paddr_t b = runs_alloc(&runs_b, 3);
	unsigned named = 0;
	const char *at;

	CHECK(a && leak && b);
	EXPECT_PANIC(mm_sanity_check(), "neither free nor owned (leak");
	CHECK(strstr(host_last_panic, "2 pages unaccounted") != NULL);
	at = strstr(host_last_panic, "page 0x");
	CHECK(at && sscanf(at, "page 0x%x", &named) == 1);
	CHECK(named == leak || named == leak + PAGE_SIZE);
	phys_free(leak, 2, PHYS_KERNEL);
	CHECK_EQ(mm_sanity_check(), in_use());
}

OWNED_TEST(sanity_bad_marks)
{
	runs_add(&runs_a, HOST_MEM_BYTES - PAGE_SIZE, 2);
	EXPECT_PANIC(mm_sanity_check(), "beyond the checked memory");
	runs_a.count = 0;
	runs_add(&runs_a, 0x1234, 1);
	EXPECT_PANIC(mm_sanity_check(), "unaligned");
	runs_a.count = 0;
	EXPECT_PANIC(sanity_fail(NULL, "custom %d", 42), "sanity: custom 42");
	CHECK_EQ(mm_sanity_check(), in_use());
}

/* Fault injection: the other owner claims a random page of a run. */
static void inject_double_claim(uint64_t *seed)
{
	struct runs *r = runs_a.count ? &runs_a : &runs_b;
	struct runs *other = r == &runs_a ? &runs_b : &runs_a;
	size_t i = host_rand(seed) % r->count;
	paddr_t pa = r->pa[i] + (host_rand(seed) % r->n[i]) * PAGE_SIZE;
	char msg[64];

	runs_add(other, pa, 1);
	snprintf(msg, sizeof(msg), "page 0x%x claimed by test-", pa);
	EXPECT_PANIC(mm_sanity_check(), msg);
	CHECK(strstr(host_last_panic, "already test-") != NULL);
	other->count--;
}

/* Fault injection: forget a run without freeing it. */
static void inject_leak(uint64_t *seed)
{
	struct runs *r = runs_a.count ? &runs_a : &runs_b;
	size_t i = host_rand(seed) % r->count;
	paddr_t pa = r->pa[i];
	size_t n = r->n[i];
	unsigned named = 0;
	const char *at;

	r->pa[i] = r->pa[r->count - 1];
	r->n[i] = r->n[r->count - 1];
	r->count--;
	EXPECT_PANIC(mm_sanity_check(), "(leak");
	at = strstr(host_last_panic, "page 0x");
	CHECK(at && sscanf(at, "page 0x%x", &named) == 1);
	CHECK(named >= pa && named < pa + n * PAGE_SIZE);
	runs_add(r, pa, n);
}

/* Random page runs for both owners and slab objects, checked against the
 * model's count of pages in use, with faults injected now and then. */
static void run_random(uint64_t seed, int ops)
{
	static void *objs[400];
	static size_t sizes[400];
	size_t nobj = 0, free0 = phys_free_pages();
	struct slab_stats st;

	for (int op = 1; op <= ops; op++) {
		uint32_t r = host_rand(&seed) % 100;
		struct runs *o = host_rand(&seed) % 2 ? &runs_a : &runs_b;
		if (r < 30 && o->count < MAX_RUNS) {
			CHECK(runs_alloc(o, 1 + host_rand(&seed) % 8));
		} else if (r < 50 && o->count) {
			runs_free_one(o, host_rand(&seed) % o->count);
		} else if (r < 80 && nobj < ARRAY_SIZE(objs)) {
			sizes[nobj] = 1 + host_rand(&seed) % SLAB_MAX_OBJ;
			CHECK((objs[nobj] = slab_alloc(sizes[nobj])) != NULL);
			nobj++;
		} else if (nobj) {
			size_t i = host_rand(&seed) % nobj;
			slab_free(objs[i], sizes[i]);
			objs[i] = objs[--nobj];
			sizes[i] = sizes[nobj];
		}
		if (op % 50)
			continue;
		slab_get_stats(&st);
		CHECK_EQ(mm_sanity_check(),
			 runs_pages(&runs_a) + runs_pages(&runs_b) + st.pages);
		if (op % 150 == 0 && runs_a.count + runs_b.count)
			inject_double_claim(&seed);
		if (op % 200 == 0 && runs_a.count + runs_b.count)
			inject_leak(&seed);
		if (test_failed())
			return;
	}
	while (nobj--)
		slab_free(objs[nobj], sizes[nobj]);
	while (runs_a.count)
		runs_free_one(&runs_a, 0);
	while (runs_b.count)
		runs_free_one(&runs_b, 0);
	slab_get_stats(&st);
	CHECK_EQ(mm_sanity_check(), st.pages);
	CHECK_EQ(phys_free_pages() + st.pages, free0);
}

OWNED_TEST(sanity_random_seed1)
{
	run_random(5, 3000);
}

OWNED_TEST(sanity_random_seed2)
{
	run_random(0xfeedface12345ull, 3000);
}

OWNED_TEST(sanity_random_seed3)
{
	run_random(31337, 3000);
}
