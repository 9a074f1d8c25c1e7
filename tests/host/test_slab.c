/*
 * test_slab.c - host tests of the slab allocator (mm/slab.c): randomized
 * alloc/free against a reference list, junk patterns, USE() protection
 * faults, pointer validation, nesting and the return of empty pages.
 */
#include <stdio.h>
#include <arch/hooks.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "host.h"

#define MAX_LIVE 700

/* Validate p as an allocated object (panics naming p if not): opening and
 * closing a USE() scope runs the allocator's full pointer check. */
static void check_obj(const void *p)
{
	slab_unprotect(p);
	slab_protect(p);
}

struct live {
	unsigned char *p;
	size_t size;
	uint8_t tag;
};

static struct live live[MAX_LIVE];
static size_t nlive;

static size_t class_of(size_t size)
{
	size_t c = 16;

	while (c < size)
		c <<= 1;
	return c;
}

static uintptr_t page_of(const void *p)
{
	return (uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1);
}

static bool all_bytes(const void *p, int v, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != (unsigned char)v)
			return false;
	return true;
}

static void fill(unsigned char *p, size_t n, uint8_t tag)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(tag + i * 7);
}

static bool intact(const struct live *l)
{
	for (size_t i = 0; i < l->size; i++)
		if (l->p[i] != (uint8_t)(l->tag + i * 7))
			return false;
	return true;
}

static bool overlaps_live(const unsigned char *p, size_t size)
{
	for (size_t i = 0; i < nlive; i++) {
		size_t lsz = class_of(live[i].size);
		if (p < live[i].p + lsz && live[i].p < p + size)
			return true;
	}
	return false;
}

static size_t random_size(uint64_t *seed)
{
	uint32_t r = host_rand(seed);

	if (r % 4 == 0)
		return 1 + host_rand(seed) % SLAB_MAX_OBJ;
	return 1 + host_rand(seed) % 256;
}

/* One allocation checked against the model; false on failure. */
static bool model_alloc(uint64_t *seed)
{
	size_t size = random_size(seed), cls = class_of(size);
	unsigned char *p = slab_alloc(size);
	struct live *l = &live[nlive];

	if (!p || (uintptr_t)p % cls)
		return false;
	if (MM_SANITY && !all_bytes(p, SLAB_JUNK_ALLOC, cls))
		return false;
	if (overlaps_live(p, cls))
		return false;
	l->p = p;
	l->size = size;
	l->tag = (uint8_t)host_rand(seed);
	USE(p, fill(p, size, l->tag));
	nlive++;
	return true;
}

static bool model_free(uint64_t *seed)
{
	size_t i = host_rand(seed) % nlive;
	struct live l = live[i];
	char buf[128];

	if (!intact(&l))
		return false;
	live[i] = live[--nlive];
	slab_free(l.p, l.size);
	/* Still a slab page (not handed back): the object holds free junk. */
	if (slab_describe(l.p, buf, sizeof(buf)))
		return (!MM_SANITY ||
			all_bytes(l.p, SLAB_JUNK_FREE, class_of(l.size))) &&
		       strstr(buf, "free") != NULL;
	return true;
}

static bool model_verify(void)
{
	struct slab_stats st;
	struct phys_stats ps;

	for (size_t i = 0; i < nlive; i++)
		if (!intact(&live[i]))
			return false;
	slab_get_stats(&st);
	phys_get_stats(&ps);
	if (st.objects != nlive || ps.kernel != st.pages)
		return false;
	return mm_sanity_check() == (long)(ps.total - ps.free);
}

static void run_random(uint64_t seed, int ops)
{
	size_t free0 = phys_free_pages();
	struct slab_stats st;

	nlive = 0;
	for (int op = 0; op < ops; op++) {
		bool grow = nlive == 0 ||
			    (nlive < MAX_LIVE && host_rand(&seed) % 100 < 55);
		CHECK(grow ? model_alloc(&seed) : model_free(&seed));
		if (op % 300 == 0)
			CHECK(model_verify());
	}
	CHECK(model_verify());
	while (nlive)
		CHECK(model_free(&seed));
	slab_get_stats(&st);
	CHECK_EQ(st.objects, 0);
	/* Cached empty pages (one per class) plus the page index remain. */
	CHECK(st.pages <= 8 + 2);
	CHECK_EQ(phys_free_pages() + st.pages, free0);
}

TEST(slab_random_seed1)
{
	run_random(1, 6000);
}

TEST(slab_random_seed2)
{
	run_random(0x9e3779b97f4a7c15ull, 6000);
}

TEST(slab_random_seed3)
{
	run_random(424242, 8000);
}

TEST(slab_junk_patterns)
{
	unsigned char *keep = slab_alloc(100), *p = slab_alloc(100);

	if (!MM_SANITY)
		return; /* needs junk and page protection */

	CHECK(keep && p);
	CHECK(all_bytes(p, SLAB_JUNK_ALLOC, 128));
	USE(p, memset(p, 0x11, 100));
	CHECK(all_bytes(p, 0x11, 100));
	slab_free(p, 100);
	CHECK(all_bytes(p, SLAB_JUNK_FREE, 128));
	p = slab_zalloc(100);
	CHECK(p && all_bytes(p, 0, 100));
	CHECK(all_bytes(p + 100, SLAB_JUNK_ALLOC, 28));
	slab_free(p, 100);
	slab_free(keep, 100);
}

TEST(slab_sizes_and_alignment)
{
	void *p;

	CHECK(slab_alloc(0) == NULL);
	CHECK(slab_alloc(SLAB_MAX_OBJ + 1) == NULL);
	for (size_t size = 1; size <= SLAB_MAX_OBJ; size = size * 2 + 1) {
		p = slab_alloc(size);
		CHECK(p != NULL);
		CHECK_EQ((uintptr_t)p % class_of(size), 0);
		check_obj(p);
		slab_free(p, size);
	}
	p = slab_alloc(SLAB_MAX_OBJ);
	CHECK(p && (uintptr_t)p % SLAB_MAX_OBJ == 0);
	slab_free(p, SLAB_MAX_OBJ - 100); /* same class: accepted */
}

TEST(slab_double_free)
{
	void *keep = slab_alloc(40), *p = slab_alloc(40);

	CHECK(keep && p);
	slab_free(p, 40);
	EXPECT_PANIC(slab_free(p, 40), "double free");
	/* The page was not disturbed: the survivor is still fine. */
	check_obj(keep);
	slab_free(keep, 40);
}

TEST(slab_free_wrong_size)
{
	void *p = slab_alloc(64);

	CHECK(p);
	EXPECT_PANIC(slab_free(p, 128), "64-byte");
	EXPECT_PANIC(slab_free(p, 0), "64-byte");
	slab_free(p, 33);
}

TEST(slab_write_after_free)
{
	host_no_leak_check = 1; /* a freed object stays corrupted */
	unsigned char *a = slab_alloc(64), *b = slab_alloc(64);
	char msg[80];

	if (!MM_SANITY)
		return; /* needs junk and page protection */

	CHECK(a && b && page_of(a) == page_of(b));
	slab_free(a, 64);
	/* A stray write through a stale pointer, bypassing USE(). */
	slab_unprotect_any(a + 10);
	a[63] = 0;
	slab_protect_any(a + 10);
	snprintf(msg, sizeof(msg), "object %p modified after free", (void *)a);
	EXPECT_PANIC(slab_alloc(64), msg);
	EXPECT_PANIC(mm_sanity_check(), msg);
}

TEST(slab_write_outside_use_faults)
{
	unsigned char *p = slab_alloc(32);
	volatile unsigned char *vp = p;
	char buf[128];

	if (!MM_SANITY)
		return; /* needs junk and page protection */

	CHECK(p);
	EXPECT_FAULT(vp[0] = 1);
	USE(p, p[0] = 1; p[31] = 2);
	CHECK(p[0] == 1 && p[31] == 2);
	EXPECT_FAULT(vp[31] = 3);
	/* The header too. */
	EXPECT_FAULT(*(volatile uint32_t *)page_of(p) = 0);
	/* What the fault handler would print. */
	CHECK(slab_describe(p + 5, buf, sizeof(buf)));
	CHECK(strstr(buf, "size 32") && strstr(buf, "allocated"));
	CHECK(slab_describe((void *)page_of(p), buf, sizeof(buf)));
	CHECK(strstr(buf, "header") != NULL);
	CHECK(!slab_describe(buf, buf, sizeof(buf)));
	slab_free(p, 32);
}

TEST(slab_use_bad_pointers)
{
	unsigned char *p = slab_alloc(64), *q = slab_alloc(64);
	char msg[96];
	int local = 0;

	if (!MM_SANITY)
		return; /* needs junk and page protection */

	CHECK(p && q);
	snprintf(msg, sizeof(msg), "%p, which is not the start",
		 (void *)(p + 1));
	EXPECT_PANIC(USE(p + 1, p[1] = 0), msg);
	EXPECT_PANIC(USE(p + 32, p[32] = 0), "not the start of a 64-byte");
	EXPECT_PANIC(USE((void *)page_of(p), (void)0), "not the start");
	slab_free(q, 64);
	EXPECT_PANIC(USE(q, q[0] = 0), "not allocated");
	EXPECT_PANIC(USE(&local, local = 1), "not in a slab page");
	EXPECT_PANIC(check_obj(arch_phys_to_virt(32 * PAGE_SIZE)),
		     "not in a slab page");
	EXPECT_PANIC(slab_free(&local, sizeof(local)), "not in a slab page");
	/* None of that left the page writable. */
	EXPECT_FAULT(*(volatile unsigned char *)p = 0);
	slab_free(p, 64);
}

TEST(slab_nested_use)
{
	unsigned char *a = slab_alloc(64), *b = slab_alloc(64);

	if (!MM_SANITY)
		return; /* needs junk and page protection */

	CHECK(a && b && page_of(a) == page_of(b));
	USE(a, {
		USE(b, b[0] = 2; a[0] = 1);
		a[1] = 3; /* still writable: a's scope is open */
		USE(a, a[2] = 4);
		a[3] = 5;
	});
	CHECK(a[0] == 1 && a[1] == 3 && a[2] == 4 && a[3] == 5 && b[0] == 2);
	EXPECT_FAULT(*(volatile unsigned char *)a = 0);
	EXPECT_FAULT(*(volatile unsigned char *)b = 0);
	CHECK(mm_sanity_check() > 0);
	/* An open scope is reported by the checker. */
	slab_unprotect(a);
	EXPECT_PANIC(mm_sanity_check(), "still writable");
	slab_protect(a);
	EXPECT_PANIC(slab_protect(a), "without a matching unprotect");
	CHECK(mm_sanity_check() > 0);
	slab_free(a, 64);
	slab_free(b, 64);
}

TEST(slab_free_inside_use)
{
	/* Freeing the last object while a USE() holds the page open must not
	 * hand the page back under the open scope. */
	unsigned char *a = slab_alloc(2048);

	CHECK(a);
	slab_unprotect_any(a);
	slab_free(a, 2048);
	slab_protect_any(a);
	CHECK(mm_sanity_check() > 0);
	a = slab_alloc(2048);
	CHECK(a);
	slab_free(a, 2048);
	CHECK(mm_sanity_check() > 0);
}

TEST(slab_corrupt_header)
{
	unsigned char *p = slab_alloc(128);
	volatile uint32_t *magic = (uint32_t *)page_of(p);

	CHECK(p);
	slab_unprotect_any(p + 3);
	*magic ^= 1;
	EXPECT_PANIC(check_obj(p), "corrupted");
	EXPECT_PANIC(mm_sanity_check(), "bad magic");
	*magic ^= 1;
	slab_protect_any(p + 3);
	check_obj(p);
	slab_free(p, 128);
}

/* Fill ~3 pages of every class, free in random order: pages go back. */
TEST(slab_pages_returned)
{
	static void *objs[8 * 800];
	static size_t sizes[8 * 800];
	size_t n = 0, free0 = phys_free_pages();
	uint64_t seed = 77;
	struct slab_stats st;

	for (size_t size = 16; size <= SLAB_MAX_OBJ; size *= 2)
		for (size_t i = 0; i < 3 * PAGE_SIZE / size; i++) {
			sizes[n] = size - host_rand(&seed) % (size / 2);
			objs[n] = slab_alloc(sizes[n]);
			CHECK(objs[n] != NULL);
			n++;
		}
	slab_get_stats(&st);
	CHECK(st.pages >= 8 * 3);
	CHECK_EQ(st.objects, n);
	while (n) {
		size_t i = host_rand(&seed) % n;
		slab_free(objs[i], sizes[i]);
		objs[i] = objs[--n];
		sizes[i] = sizes[n];
	}
	slab_get_stats(&st);
	CHECK_EQ(st.objects, 0);
	CHECK_EQ(st.pages, 8 + 1); /* one empty page per class + index */
	CHECK_EQ(phys_free_pages() + st.pages, free0);
}

TEST(slab_out_of_memory)
{
	paddr_t pa, first = PHYS_NONE;
	size_t n = 0;
	void *p;

	/* Take every page, chained through their first word. */
	while ((pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL)) != PHYS_NONE) {
		*(paddr_t *)arch_phys_to_virt(pa) = first;
		first = pa;
		n++;
	}
	CHECK(n > 1000);
	CHECK(slab_alloc(32) == NULL);
	/* One page: the slab page fits but the page index does not. */
	pa = first;
	first = *(paddr_t *)arch_phys_to_virt(pa);
	phys_free(pa, 1, PHYS_KERNEL);
	CHECK(slab_alloc(32) == NULL);
	CHECK_EQ(phys_free_pages(), 1);
	pa = first;
	first = *(paddr_t *)arch_phys_to_virt(pa);
	phys_free(pa, 1, PHYS_KERNEL);
	p = slab_alloc(32);
	CHECK(p != NULL);
	CHECK_EQ(phys_free_pages(), 0);
	slab_free(p, 32);
	while (first != PHYS_NONE) {
		pa = first;
		first = *(paddr_t *)arch_phys_to_virt(pa);
		phys_free(pa, 1, PHYS_KERNEL);
	}
}
