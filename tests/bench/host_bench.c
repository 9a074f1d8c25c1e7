/*
 * host_bench.c - host micro-benchmarks for the memory manager: physical
 * allocation with a growing number of free ranges, region lookup, free
 * space search among many regions, fork of a space with N pages, and
 * the block cache (host_bcache.c).
 *
 * Standalone (no test runner); built with -O2, no sanitizers and
 * MM_SANITY=0. Times come from arch_cycles(), nanoseconds on the host.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arch/hooks.h>
#include <mm/phys.h>
#include <mm/region.h>
#include "../host/host.h"

#define PG(n) ((paddr_t)(n)*PAGE_SIZE)
#define ARENA_PAGES (HOST_MEM_BYTES / PAGE_SIZE)

/* Large ranges low in memory, so 16-page requests always fit. */
#define NLARGE 4
#define LARGE_PAGES 256

/* Region functions may be missing when region.c is not linked in. */
struct mm_space *mm_space_new(void) __attribute__((weak));
int mm_map_anon(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		unsigned flags) __attribute__((weak));
struct region *mm_find_region(struct mm_space *s, vaddr_t va)
    __attribute__((weak));
vaddr_t mm_find_free(struct mm_space *s, vaddr_t hint, size_t len)
    __attribute__((weak));
struct mm_space *mm_space_fork(struct mm_space *parent) __attribute__((weak));
void mm_space_destroy(struct mm_space *s) __attribute__((weak));
int mm_handle_fault(struct mm_space *s, vaddr_t addr, bool write)
    __attribute__((weak));

/* The file systems linked in with mm/ stamp times; the bench uses none. */
uint32_t fs_clock_now(void)
{
	return 0;
}

/* tests/bench/host_bcache.c */
void bench_bcache(void);

/* host_printk.c reports panics inside tests here; the bench has none. */
void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void row(const char *op, size_t n, unsigned long count, double ns)
{
	if (ns < 0)
		printf("%-34s %9zu %10lu %10s\n", op, n, count, "failed");
	else
		printf("%-34s %9zu %10lu %10.1f\n", op, n, count, ns);
}

/*
 * A fresh allocator with about `want` free ranges: NLARGE large ones at
 * the bottom and single pages above them, made by allocating a whole
 * range page by page and then freeing every other page. The arena limits
 * how many ranges fit; returns the number actually built.
 */
static size_t build_ranges(size_t want)
{
	size_t first = 16 + NLARGE * (LARGE_PAGES + 1) + 1;
	size_t singles = want > NLARGE ? want - NLARGE : 0;
	struct phys_stats st;

	if (singles > (ARENA_PAGES - first) / 2)
		singles = (ARENA_PAGES - first) / 2;
	host_mm_reset_empty();
	for (size_t i = 0; i < NLARGE; i++)
		phys_add_range(PG(16 + i * (LARGE_PAGES + 1)), LARGE_PAGES);
	phys_add_range(PG(first), 2 * singles);
	for (size_t i = 0; i < 2 * singles; i++)
		phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	for (size_t i = 0; i < singles; i++)
		phys_free(PG(first + 2 * i), 1, PHYS_KERNEL);
	if (!phys_check()) {
		fprintf(stderr, "bench: phys_check failed\n");
		return 0;
	}
	phys_get_stats(&st);
	return st.ranges;
}

/* ns per alloc+free pair; -1 if an allocation failed. */
static double bench_alloc_free(size_t npages, unsigned constraint,
			       unsigned long iters)
{
	uint64_t t0 = arch_cycles();

	for (unsigned long i = 0; i < iters; i++) {
		paddr_t pa = phys_alloc(npages, constraint, PHYS_USER);

		if (pa == PHYS_NONE)
			return -1;
		phys_free(pa, npages, PHYS_USER);
	}
	return (double)(arch_cycles() - t0) / (double)iters;
}

static void bench_phys(void)
{
	static const size_t wants[] = {10, 1000, 100000};
	const unsigned long iters = 200000;

	for (size_t i = 0; i < ARRAY_SIZE(wants); i++) {
		size_t n = build_ranges(wants[i]);

		if (n < wants[i])
			printf("(only %zu of %zu ranges fit in the %u MiB "
			       "arena)\n",
			       n, wants[i], HOST_MEM_BYTES >> 20);
		row("phys alloc+free 1 page", n, iters,
		    bench_alloc_free(1, PHYS_ANY, iters));
		row("phys alloc+free 16 pages", n, iters,
		    bench_alloc_free(16, PHYS_ANY, iters));
		row("phys alloc+free 1 page <16M", n, iters,
		    bench_alloc_free(1, PHYS_BELOW_16M, iters));
		row("phys alloc+free 16 pages <16M", n, iters,
		    bench_alloc_free(16, PHYS_BELOW_16M, iters));
	}
}

/*
 * ==== bench_regions(): region lookup ====
 * mm_find_region among 10 .. 100,000 one-page regions (with one-page gaps
 * so that nothing merges), looked up at pseudo-random addresses. Skipped
 * when mm/region.c is not linked in.
 */
static void bench_regions(void)
{
	static const size_t counts[] = {10, 1000, 100000};
	const unsigned long iters = 1000000;
	const vaddr_t base = 0x10000000;

	if (!mm_space_new || !mm_map_anon || !mm_find_region) {
		printf("%-34s %9s %10s %10s\n", "region lookup", "-", "-",
		       "skipped");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		struct mm_space *s;
		uint64_t seed = 12345, t0;
		unsigned long found = 0;

		host_mm_reset_empty();
		phys_add_range(PG(16), ARENA_PAGES - 16);
		s = mm_space_new();
		for (size_t r = 0; s && r < counts[i]; r++)
			if (mm_map_anon(s, base + r * 2 * PAGE_SIZE, PAGE_SIZE,
					PROT_READ | PROT_WRITE, 0)) {
				s = NULL;
			}
		if (!s) {
			row("mm_find_region", counts[i], 0, -1);
			continue;
		}
		t0 = arch_cycles();
		for (unsigned long k = 0; k < iters; k++) {
			vaddr_t va = base + (host_rand(&seed) % counts[i]) * 2 *
						PAGE_SIZE;
			found += mm_find_region(s, va) != NULL;
		}
		row("mm_find_region", counts[i], iters,
		    found == iters ? (double)(arch_cycles() - t0) / iters : -1);
	}
}

/* A space with n one-page regions a page apart from base (alternately
 * read-only and read-write, so nothing could merge); NULL on failure. */
static struct mm_space *space_with_regions(size_t n, vaddr_t base)
{
	struct mm_space *s;

	host_mm_reset_empty();
	phys_add_range(PG(16), ARENA_PAGES - 16);
	s = mm_space_new();
	for (size_t r = 0; s && r < n; r++)
		if (mm_map_anon(s, base + r * 2 * PAGE_SIZE, PAGE_SIZE,
				r % 2 ? PROT_READ : PROT_READ | PROT_WRITE, 0))
			s = NULL;
	return s;
}

/*
 * ==== bench_find_free(): room for a new mapping ====
 * mm_find_free of one page (no hint) among 10 .. 100,000 regions that
 * leave no room between them: the answer is above the last one.
 */
static void bench_find_free(void)
{
	static const size_t counts[] = {10, 1000, 100000};
	const unsigned long iters = 20000;

	if (!mm_space_new || !mm_map_anon || !mm_find_free)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		struct mm_space *s =
		    space_with_regions(counts[i], MMAP_DEFAULT_BASE);
		vaddr_t want = MMAP_DEFAULT_BASE + counts[i] * 2 * PAGE_SIZE;
		unsigned long ok = 0;
		uint64_t t0 = arch_cycles();

		for (unsigned long k = 0; s && k < iters; k++)
			ok += mm_find_free(s, 0, 2 * PAGE_SIZE) ==
			      want - PAGE_SIZE;
		row("mm_find_free 2 pages", counts[i], iters,
		    ok == iters ? (double)(arch_cycles() - t0) / iters : -1);
	}
}

/*
 * ==== bench_fork(): fork of a space with N touched pages ====
 * mm_space_fork then mm_space_destroy of the child (what fork + exit
 * cost the memory manager), per touched page.
 */
static void bench_fork(void)
{
	static const size_t pages[] = {256, 4096};
	const vaddr_t base = 0x10000000;
	const unsigned long iters = 50;

	if (!mm_space_fork || !mm_space_destroy || !mm_handle_fault)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++) {
		struct mm_space *s = space_with_regions(0, base), *c;
		uint64_t t0;
		bool ok = s && !mm_map_anon(s, base, pages[i] * PAGE_SIZE,
					    PROT_READ | PROT_WRITE, 0);

		for (size_t p = 0; ok && p < pages[i]; p++)
			ok = !mm_handle_fault(s, base + p * PAGE_SIZE, true);
		t0 = arch_cycles();
		for (unsigned long k = 0; ok && k < iters; k++) {
			c = mm_space_fork(s);
			ok = c != NULL;
			if (c)
				mm_space_destroy(c);
		}
		row("fork+destroy, per page", pages[i], iters,
		    ok ? (double)(arch_cycles() - t0) / iters / pages[i] : -1);
	}
}

/* With an argument, only the benchmarks whose name contains it run
 * (phys, regions, find_free, fork): for profiling one of them. */
/* The block cache wants a fresh machine of its own. */
static void bench_bcache_reset(void)
{
	host_mm_reset(16, ARENA_PAGES - 16);
	bench_bcache();
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} benches[] = {{"phys", bench_phys},
		       {"regions", bench_regions},
		       {"find_free", bench_find_free},
		       {"fork", bench_fork},
		       {"bcache", bench_bcache_reset}};

	setvbuf(stdout, NULL, _IOLBF, 0);
	mm_max_map_count = 1u << 30; /* 100,000 regions: above Linux's limit */
	printf("%-34s %9s %10s %10s\n", "operation", "ranges", "count",
	       "ns/op");
	printf("%-34s %9s %10s %10s\n", "---------", "------", "-----",
	       "-----");
	for (size_t i = 0; i < ARRAY_SIZE(benches); i++)
		if (argc < 2 || strstr(benches[i].name, argv[1]))
			benches[i].fn();
	return 0;
}
