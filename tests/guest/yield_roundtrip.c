/* yield_roundtrip - vm_yield_get_block(id, NONE) takes a block of pages
 * into the cache (the range then reads zero by demand zero: no page is
 * mapped in place, each first touch faults in a fresh one),
 * vm_yield_get_block(NONE, id)
 * puts them back with their contents; for 1, 3 and 64 pages, for a block
 * in the middle of a larger mapping, and a swap (yield A + get B in one
 * call). The cache's page count follows. */
#include "guest.h"

static void fill(uint32_t *p, size_t pages, uint32_t seed)
{
	for (size_t i = 0; i < pages * PAGE / 4; i++)
		p[i] = (uint32_t)i * 0x9e3779b9u ^ seed;
}

static void verify(const uint32_t *p, size_t pages, uint32_t seed,
		   const char *what, size_t n)
{
	for (size_t i = 0; i < pages * PAGE / 4; i++)
		if (p[i] != ((uint32_t)i * 0x9e3779b9u ^ seed))
			fail("%zu pages, %s: word %zu is %08x", n, what, i,
			     p[i]);
}

static void verify_zero(const uint32_t *p, size_t pages, const char *what,
			size_t n)
{
	for (size_t i = 0; i < pages * PAGE / 4; i++)
		if (p[i] != 0)
			fail("%zu pages, %s: word %zu is %08x, not zero", n,
			     what, i, p[i]);
}

static void roundtrip(size_t n)
{
	uint64_t id = 0x123456700000000ull + n; /* high half used too */
	uint32_t *p = map_anon(n * PAGE);
	fill(p, n, (uint32_t)n);
	struct vm_stats s0 = get_stats();
	CHECK(vm_yield_get_block(id, VM_BLOCK_NONE, p, n) == 0,
	      "%zu pages: yield failed: %s", n, strerror(errno));
	struct vm_stats s1 = get_stats();
	CHECK(s1.cached == s0.cached + n,
	      "%zu pages: cached %u -> %u after yield", n, s0.cached,
	      s1.cached);
	CHECK(s1.cache_blocks == s0.cache_blocks + 1,
	      "%zu pages: cache_blocks %u -> %u after yield", n,
	      s0.cache_blocks, s1.cache_blocks);
	/* Demand zero: the pages left, none came in their place ... */
	CHECK(s1.user == s0.user - n,
	      "%zu pages: user pages %u -> %u after "
	      "yield (fresh pages mapped in place?)",
	      n, s0.user, s1.user);
	verify_zero(p, n, "after yield", n);
	/* ... until touched: one fresh page per page read. */
	s1 = get_stats();
	CHECK(s1.user == s0.user,
	      "%zu pages: user pages %u -> %u after "
	      "reading the yielded range",
	      n, s0.user, s1.user);
	/* Dirty the fresh pages: the get must replace (and free) them. */
	memset(p, 0xee, n * PAGE);
	CHECK(vm_yield_get_block(VM_BLOCK_NONE, id, p, n) == 0,
	      "%zu pages: get failed: %s", n, strerror(errno));
	verify(p, n, (uint32_t)n, "after get", n);
	struct vm_stats s2 = get_stats();
	CHECK(s2.cached == s0.cached, "%zu pages: cached %u -> %u after get", n,
	      s0.cached, s2.cached);
	CHECK(s2.hits >= s0.hits + 1, "%zu pages: hits did not count the get",
	      n);
	/* The block is gone now: a second get misses and changes nothing. */
	CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, id, p, n), ESRCH);
	verify(p, n, (uint32_t)n, "after a missed get", n);
	/* The pages are ordinary memory again. */
	fill(p, n, 77);
	verify(p, n, 77, "rewritten", n);
	CHECK_SYS(munmap(p, n * PAGE));
}

int main(void)
{
	need_vmkernel();
	roundtrip(1);
	roundtrip(3);
	roundtrip(64);

	/* A block in the middle of a larger mapping: neighbours untouched. */
	uint32_t *m = map_anon(8 * PAGE);
	fill(m, 8, 8);
	uint32_t *mid = m + 2 * PAGE / 4;
	CHECK(vm_yield_get_block(500, VM_BLOCK_NONE, mid, 3) == 0,
	      "middle yield failed: %s", strerror(errno));
	verify_zero(mid, 3, "middle after yield", 3);
	verify(m, 2, 8, "pages before the yielded middle", 8);
	for (size_t i = 5 * PAGE / 4; i < 8 * PAGE / 4; i++)
		CHECK(m[i] == ((uint32_t)i * 0x9e3779b9u ^ 8),
		      "page after the yielded middle changed at word %zu", i);
	CHECK(vm_yield_get_block(VM_BLOCK_NONE, 500, mid, 3) == 0,
	      "middle get failed: %s", strerror(errno));
	verify(m, 8, 8, "whole mapping after the middle came back", 8);

	/* Swap: yield A and get B in one call. */
	fill(m, 4, 0xa);
	CHECK(vm_yield_get_block(0xA, VM_BLOCK_NONE, m, 4) == 0,
	      "yield A failed");
	fill(m, 4, 0xb);
	CHECK(vm_yield_get_block(0xB, 0xA, m, 4) == 0,
	      "yield B + get A failed: %s", strerror(errno));
	verify(m, 4, 0xa, "after yield B + get A", 4);
	CHECK(vm_yield_get_block(0xA, 0xB, m, 4) == 0,
	      "yield A + get B failed: %s", strerror(errno));
	verify(m, 4, 0xb, "after yield A + get B", 4);
	CHECK(vm_yield_get_block(VM_BLOCK_NONE, 0xA, m, 4) == 0,
	      "get A failed");
	verify(m, 4, 0xa, "after get A", 4);
	CHECK_SYS(munmap(m, 8 * PAGE));
	struct vm_stats s = get_stats();
	CHECK(vm_forget_all_blocks() == 0,
	      "forget_all found blocks left: cache "
	      "has %u blocks",
	      s.cache_blocks);
	return 0;
}
