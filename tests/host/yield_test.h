/*
 * yield_test.h - what the yielded-block cache's host tests share
 * (test_yield.c, test_yield_random.c): the test range, filling and
 * checking a space's pages by tag, and the physical page accounting.
 */
#ifndef TESTS_HOST_YIELD_TEST_H
#define TESTS_HOST_YIELD_TEST_H

#include <kernel/errno.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/ycache.h>
#include "host.h"

#define BASE 0x10000000u
#define RW (PROT_READ | PROT_WRITE)
#define NONE YCACHE_ID_NONE

/* Fill [va, +npages) of s with words derived from tag (0: zeros). */
static inline int fill(struct mm_space *s, vaddr_t va, size_t npages,
		       uint64_t tag)
{
	static uint64_t page[PAGE_SIZE / 8];

	for (size_t p = 0; p < npages; p++) {
		for (size_t w = 0; w < ARRAY_SIZE(page); w++)
			page[w] = tag ? tag ^ (p << 32 | w) : 0;
		if (mm_space_write(s, va + p * PAGE_SIZE, page, PAGE_SIZE))
			return -1;
	}
	return 0;
}

/* Does [va, +npages) of s hold what fill(tag) wrote? */
static inline bool holds(struct mm_space *s, vaddr_t va, size_t npages,
			 uint64_t tag)
{
	static uint64_t page[PAGE_SIZE / 8];

	for (size_t p = 0; p < npages; p++) {
		if (mm_space_read(s, va + p * PAGE_SIZE, page, PAGE_SIZE))
			return false;
		for (size_t w = 0; w < ARRAY_SIZE(page); w++)
			if (page[w] != (tag ? tag ^ (p << 32 | w) : 0))
				return false;
	}
	return true;
}

static inline bool conserved(void)
{
	struct phys_stats ps;

	phys_get_stats(&ps);
	return ps.free + ps.kernel + ps.user + ps.cached == ps.total;
}

static inline size_t cached(void)
{
	struct phys_stats ps;

	phys_get_stats(&ps);
	return ps.cached;
}

#endif
