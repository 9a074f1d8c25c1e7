/*
 * space.h - helpers shared by the host tests of address spaces: read a
 * page-table entry, read a space, fill and check pages through
 * mm_space_write and mm_space_read, count user pages.
 */
#ifndef TESTS_HOST_SPACE_H
#define TESTS_HOST_SPACE_H

#include <string.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>

static inline unsigned pte_flags(struct mm_space *s, vaddr_t va)
{
	unsigned flags;

	return pt_lookup(s->pgdir, va, NULL, &flags) ? flags : 0;
}

static inline paddr_t pte_pa(struct mm_space *s, vaddr_t va)
{
	paddr_t pa;

	return pt_lookup(s->pgdir, va, &pa, NULL) ? pa : PHYS_NONE;
}

/* Fill n pages at va with bytes derived from tag. */
static inline int fill(struct mm_space *s, vaddr_t va, size_t n, uint8_t tag)
{
	static uint8_t page[PAGE_SIZE];

	for (size_t i = 0; i < n; i++) {
		memset(page, (uint8_t)(tag + i), PAGE_SIZE);
		if (mm_space_write(s, va + i * PAGE_SIZE, page, PAGE_SIZE))
			return -1;
	}
	return 0;
}

static inline bool holds(struct mm_space *s, vaddr_t va, size_t n, uint8_t tag)
{
	static uint8_t page[PAGE_SIZE];

	for (size_t i = 0; i < n; i++) {
		if (mm_space_read(s, va + i * PAGE_SIZE, page, PAGE_SIZE))
			return false;
		for (size_t j = 0; j < PAGE_SIZE; j++)
			if (page[j] != (uint8_t)(tag + i))
				return false;
	}
	return true;
}

static inline size_t user_pages(void)
{
	struct phys_stats st;

	phys_get_stats(&st);
	return st.user;
}

#endif
