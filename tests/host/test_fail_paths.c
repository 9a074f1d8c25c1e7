/*
 * test_fail_paths.c - every error path of the address-space operations,
 * found by making the Nth page or slab allocation fail for N = 1, 2, ...
 * until the operation succeeds. After each failure: the sanity checker is
 * clean, the operation either worked or changed nothing the caller can
 * see (data still readable), and once everything is torn down no page
 * and no slab object is left (a leak on an error path fails here).
 */
#include <stdio.h>
#include <kernel/errno.h>
#include <mm/fail.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include <mm/ycache.h>
#include "host.h"
#include "space.h"

#define A 0x10000000u  /* anonymous, touched */
#define SH 0x20000000u /* shared */
#define ST 0x30000000u /* stack */
#define DI 0x38000000u /* direct: pages the allocator never had */
#define RW (PROT_READ | PROT_WRITE)
#define NPAGES 40
#define MAX_TRIES 2000

/* A parent with one region of each backend, data written. */
static struct mm_space *setup(void)
{
	struct mm_space *s = mm_space_new();

	if (!s || mm_map_anon(s, A, NPAGES * PAGE_SIZE, RW, 0) ||
	    mm_map_shared(s, SH, 4 * PAGE_SIZE, RW, 0) ||
	    mm_map_stack(s, ST, 4 * PAGE_SIZE, RW, ST - 16 * PAGE_SIZE) ||
	    mm_map_direct(s, DI, 2 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ) ||
	    fill(s, A, NPAGES, 1) || fill(s, SH, 4, 100) || fill(s, ST, 4, 150))
		return NULL;
	return s;
}

/* Nothing may be left once every space is gone and the cache dropped. */
static bool all_freed(uint32_t owner)
{
	struct phys_stats ps;
	struct slab_stats ss;

	ycache_forget_all(owner);
	slab_trim();
	phys_get_stats(&ps);
	slab_get_stats(&ss);
	return ps.kernel + ps.user + ps.cached == 0 && ss.objects == 0;
}

typedef int (*op_fn)(struct mm_space *s, struct mm_space **extra,
		     uint32_t owner);
typedef int (*prep_fn)(struct mm_space *s, uint32_t owner);

/* Run op under site failing at its nth allocation for n = 1, 2, ... until
 * it succeeds; check each outcome. prep (optional) runs before, without
 * failures. */
static void sweep_prep(enum fail_site site, prep_fn prep, op_fn op,
		       const char *name)
{
	char spec[16];
	int n;

	for (n = 1; n <= MAX_TRIES; n++) {
		struct mm_space *s, *extra = NULL;
		uint32_t owner = ycache_owner_new();
		int r;

		host_mm_reset(16, 2048);
		s = setup();
		CHECK(s != NULL);
		CHECK(!prep || prep(s, owner) == 0);
		snprintf(spec, sizeof spec, "%d", n);
		fail_configure(site, spec);
		r = op(s, &extra, owner);
		fail_reset();
		CHECK(mm_sanity_check() >= 0);
		CHECK(holds(s, A, NPAGES, 1) || r == 0);
		CHECK(holds(s, SH, 4, 100));
		if (extra)
			mm_space_destroy(extra);
		mm_space_destroy(s);
		if (!all_freed(owner)) {
			test_fail(name, n, "allocation %d failed: leak", n);
			return;
		}
		if (r == 0)
			break;
	}
	CHECK(n <= MAX_TRIES);
}

static void sweep(enum fail_site site, op_fn op, const char *name)
{
	sweep_prep(site, NULL, op, name);
}

static int op_fork(struct mm_space *s, struct mm_space **extra, uint32_t o)
{
	(void)o;
	*extra = mm_space_fork(s);
	return *extra ? 0 : -ENOMEM;
}

static int op_cow(struct mm_space *s, struct mm_space **extra, uint32_t o)
{
	int r = 0;

	(void)o;
	for (unsigned i = 0; i < NPAGES && !r; i++)
		r = mm_handle_fault(*extra ? *extra : s, A + i * PAGE_SIZE,
				    true);
	return r;
}

static int op_unmap_middle(struct mm_space *s, struct mm_space **extra,
			   uint32_t o)
{
	(void)extra, (void)o;
	return mm_unmap(s, A + 5 * PAGE_SIZE, 3 * PAGE_SIZE);
}

static int op_protect_middle(struct mm_space *s, struct mm_space **extra,
			     uint32_t o)
{
	(void)extra, (void)o;
	return mm_protect(s, A + 7 * PAGE_SIZE, 9 * PAGE_SIZE, PROT_READ);
}

static int op_map_populate(struct mm_space *s, struct mm_space **extra,
			   uint32_t o)
{
	int r = mm_map_anon(s, 0x50000000u, 64 * PAGE_SIZE, RW, 0);

	(void)extra, (void)o;
	return r ? r : mm_populate(s, 0x50000000u, 64 * PAGE_SIZE, true);
}

/* Yield 16 pages (on failure nothing changed), then, without failures,
 * get them back: the data must survive either way. */
static int op_yield(struct mm_space *s, struct mm_space **extra, uint32_t o)
{
	int r =
	    mm_yield_get_block(o, s, A + 8 * PAGE_SIZE, 16, 5, YCACHE_ID_NONE);

	(void)extra;
	fail_reset();
	if (!r &&
	    mm_yield_get_block(o, s, A + 8 * PAGE_SIZE, 16, YCACHE_ID_NONE, 5))
		return -EIO;
	return r;
}

/* The block yielded before the failures (prep_get), then got back under
 * them: a failed get leaves it cached; get it again without failures. */
static int prep_get(struct mm_space *s, uint32_t o)
{
	return mm_yield_get_block(o, s, A + 8 * PAGE_SIZE, 16, 5,
				  YCACHE_ID_NONE);
}

static int op_get(struct mm_space *s, struct mm_space **extra, uint32_t o)
{
	int r =
	    mm_yield_get_block(o, s, A + 8 * PAGE_SIZE, 16, YCACHE_ID_NONE, 5);

	(void)extra;
	fail_reset();
	if (r &&
	    mm_yield_get_block(o, s, A + 8 * PAGE_SIZE, 16, YCACHE_ID_NONE, 5))
		return -EIO;
	return r;
}

static int op_remap(struct mm_space *s, struct mm_space **extra, uint32_t o)
{
	(void)o;
	*extra = mm_space_new();
	if (!*extra)
		return -ENOMEM;
	return mm_remap(*extra, 0x60000000u, s, SH, 4 * PAGE_SIZE);
}

static int op_stack_growth(struct mm_space *s, struct mm_space **extra,
			   uint32_t o)
{
	(void)extra, (void)o;
	return mm_handle_fault(s, ST - 9 * PAGE_SIZE, true);
}

#define SWEEP_TEST(opname)                              \
	TEST(fail_paths_##opname##_pages)               \
	{                                               \
		sweep(FAIL_PAGE, op_##opname, #opname); \
	}                                               \
	TEST(fail_paths_##opname##_slab)                \
	{                                               \
		sweep(FAIL_SLAB, op_##opname, #opname); \
	}

SWEEP_TEST(fork)
SWEEP_TEST(unmap_middle)
SWEEP_TEST(protect_middle)
SWEEP_TEST(map_populate)
SWEEP_TEST(yield)
SWEEP_TEST(remap)
SWEEP_TEST(stack_growth)

TEST(fail_paths_get_pages)
{
	sweep_prep(FAIL_PAGE, prep_get, op_get, "get");
}

TEST(fail_paths_get_slab)
{
	sweep_prep(FAIL_SLAB, prep_get, op_get, "get");
}

/* Copy-on-write in a forked child, each allocation of the breaks failing
 * in turn. */
static void cow_sweep(enum fail_site site)
{
	char spec[16];
	int n;

	for (n = 1; n <= MAX_TRIES; n++) {
		struct mm_space *s, *child;
		uint32_t owner = ycache_owner_new();
		int r;

		host_mm_reset(16, 2048);
		s = setup();
		CHECK(s != NULL);
		child = mm_space_fork(s);
		CHECK(child != NULL);
		snprintf(spec, sizeof spec, "%d", n);
		fail_configure(site, spec);
		r = op_cow(s, &child, owner);
		fail_reset();
		CHECK(mm_sanity_check() >= 0);
		CHECK(holds(s, A, NPAGES, 1));
		CHECK(holds(child, A, NPAGES, 1));
		mm_space_destroy(child);
		mm_space_destroy(s);
		if (!all_freed(owner)) {
			test_fail("cow", n, "allocation %d failed: leak", n);
			return;
		}
		if (r == 0)
			break;
	}
	CHECK(n > 1);
	CHECK(n <= MAX_TRIES);
}

TEST(fail_paths_cow_pages)
{
	cow_sweep(FAIL_PAGE);
}

TEST(fail_paths_cow_slab)
{
	cow_sweep(FAIL_SLAB);
}
