/*
 * test_region_file.c - host tests for the file backend (mm/region_file.c)
 * over a fake page provider: a shared mapping's PTEs are the file's own
 * pages (zero copy, no user pages), a private one copies only on write,
 * access past the end is -ENXIO, fork and split share the map and its
 * one reference on the file, truncate unmaps, and the sanity checker
 * sees a wrong PTE.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/pager.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include "host.h"
#include "space.h"

#define FPAGES 4

/* The fake file: FPAGES kernel pages, a size and a reference count. */
static struct {
	paddr_t pages[FPAGES];
	uint64_t size;
	int refs;
} ff;

static paddr_t ff_peek(void *obj, uint32_t idx)
{
	(void)obj;
	return idx < FPAGES ? ff.pages[idx] : PHYS_NONE;
}

/* Pins per page, as a page cache counts them. */
static int ff_pins[FPAGES];

static int ff_map(void *obj, uint32_t idx, bool writable, paddr_t *pa)
{
	(void)writable;
	*pa = ff_peek(obj, idx);
	if (*pa == PHYS_NONE)
		return -ENOMEM;
	ff_pins[idx]++;
	return 0;
}

static void ff_unmap(void *obj, uint32_t idx, bool writable)
{
	(void)obj;
	(void)writable;
	CHECK(idx < FPAGES && ff_pins[idx] > 0);
	ff_pins[idx]--;
}

static uint64_t ff_size(void *obj)
{
	(void)obj;
	return ff.size;
}

static void ff_get(void *obj)
{
	(void)obj;
	ff.refs++;
}

static void ff_put(void *obj)
{
	(void)obj;
	ff.refs--;
}

static const struct mm_pager_ops ff_ops = {
    .map = ff_map,
    .unmap = ff_unmap,
    .peek = ff_peek,
    .size = ff_size,
    .get = ff_get,
    .put = ff_put,
};
static const struct mm_pager ff_pager = {&ff_ops, &ff};

static void ff_walk(struct sanity *s)
{
	for (int i = 0; i < FPAGES; i++)
		if (ff.pages[i])
			sanity_mark(s, ff.pages[i], 1, "fake file");
}

static struct sanity_owner ff_owner = {"fake file", ff_walk, NULL};

/* A fresh fake file of size bytes, page i filled with 'a' + i. */
static void ff_new(uint64_t size)
{
	for (int i = 0; i < FPAGES; i++) {
		ff.pages[i] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
		CHECK(ff.pages[i] != PHYS_NONE);
		memset(arch_phys_to_virt(ff.pages[i]), 'a' + i, PAGE_SIZE);
	}
	ff.size = size;
	ff.refs = 0;
	memset(ff_pins, 0, sizeof(ff_pins));
	sanity_register(&ff_owner);
}

static void ff_free(void)
{
	CHECK_EQ(ff.refs, 0);
	for (int i = 0; i < FPAGES; i++)
		CHECK_EQ(ff_pins[i], 0); /* every PTE gave its pin back */
	sanity_unregister(&ff_owner);
	for (int i = 0; i < FPAGES; i++)
		phys_free(ff.pages[i], 1, PHYS_KERNEL);
}

static char ff_byte(int page, size_t off)
{
	return ((char *)arch_phys_to_virt(ff.pages[page]))[off];
}

TEST(region_file_shared_is_the_file)
{
	const vaddr_t va = 0x40000000u;
	struct mm_space *a, *b;
	size_t user0 = user_pages();
	char c;

	ff_new(2 * PAGE_SIZE + 100);
	a = mm_space_new();
	CHECK_EQ(mm_map_file(a, va, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, true,
			     &ff_pager, 1, 0),
		 0);
	CHECK_EQ(ff.refs, 1);
	CHECK_EQ(mm_space_read(a, va, &c, 1), 0); /* file page 1 */
	CHECK_EQ(c, 'b');
	CHECK_EQ(pte_pa(a, va), ff.pages[1]); /* zero copy */
	CHECK_EQ(ff_pins[1], 1);
	CHECK_EQ(mm_space_write(a, va + PAGE_SIZE + 5, "Z", 1), 0);
	CHECK_EQ(ff_byte(2, 5), 'Z');
	/* Page 2 of the mapping is file page 3: past the end. */
	CHECK_EQ(mm_handle_fault(a, va + 2 * PAGE_SIZE, false), -ENXIO);
	CHECK((b = mm_space_fork(a)) != NULL);
	CHECK_EQ(ff.refs, 1); /* one map, shared */
	CHECK_EQ(mm_space_write(b, va + 7, "C", 1), 0);
	CHECK_EQ(mm_space_read(a, va + 7, &c, 1), 0);
	CHECK_EQ(c, 'C');
	CHECK_EQ(user_pages(), user0);
	CHECK_EQ(region_take_pages(a, va, 1, NULL), -EFAULT);
	mm_sanity_check();
	/* Split by unmapping the middle: both halves keep the file. */
	CHECK_EQ(mm_unmap(a, va + PAGE_SIZE, PAGE_SIZE), 0);
	CHECK_EQ(mm_protect(a, va, PAGE_SIZE, PROT_READ), 0);
	CHECK_EQ(mm_space_write(a, va, "x", 1), -EFAULT);
	mm_sanity_check();
	mm_space_destroy(a);
	CHECK_EQ(ff.refs, 1);
	mm_space_destroy(b);
	CHECK_EQ(ff.refs, 0);
	CHECK_EQ(user_pages(), user0);
	ff_free();
}

TEST(region_file_private_copies_on_write)
{
	const vaddr_t va = 0x40000000u;
	struct mm_space *a, *b;
	size_t user0 = user_pages();
	char c;

	ff_new(3 * PAGE_SIZE);
	a = mm_space_new();
	CHECK_EQ(mm_map_file(a, va, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     false, &ff_pager, 0, 0),
		 0);
	CHECK_EQ(mm_space_read(a, va + PAGE_SIZE, &c, 1), 0);
	CHECK_EQ(pte_pa(a, va + PAGE_SIZE), ff.pages[1]);
	CHECK_EQ(pte_flags(a, va + PAGE_SIZE) & PTE_W, 0);
	CHECK_EQ(mm_space_write(a, va + PAGE_SIZE, "P", 1), 0);
	CHECK(pte_pa(a, va + PAGE_SIZE) != ff.pages[1]);
	CHECK_EQ(ff_byte(1, 0), 'b'); /* the file is untouched */
	CHECK_EQ(ff_pins[1], 0);      /* the copy replaced the file's PTE */
	CHECK_EQ(mm_space_read(a, va + PAGE_SIZE + 1, &c, 1), 0);
	CHECK_EQ(c, 'b'); /* the copy has the rest of the page */
	CHECK_EQ(user_pages(), user0 + 1);
	CHECK((b = mm_space_fork(a)) != NULL);
	CHECK_EQ(mm_space_write(b, va + PAGE_SIZE, "Q", 1), 0);
	CHECK_EQ(mm_space_read(a, va + PAGE_SIZE, &c, 1), 0);
	CHECK_EQ(c, 'P');
	mm_sanity_check();
	/* Truncate to one page: file pages and private copies past it go. */
	ff.size = PAGE_SIZE;
	mm_pager_truncate(&ff, PAGE_SIZE);
	CHECK(!pt_lookup(a->pgdir, va + PAGE_SIZE, NULL, NULL));
	CHECK_EQ(mm_handle_fault(b, va + PAGE_SIZE, false), -ENXIO);
	CHECK_EQ(user_pages(), user0);
	mm_sanity_check();
	mm_space_destroy(a);
	mm_space_destroy(b);
	CHECK_EQ(ff.refs, 0);
	ff_free();
}

TEST(region_file_sanity_checks_ptes)
{
	const vaddr_t va = 0x40000000u;
	struct mm_space *s;

	ff_new(2 * PAGE_SIZE);
	s = mm_space_new();
	CHECK_EQ(
	    mm_map_file(s, va, 2 * PAGE_SIZE, PROT_READ, true, &ff_pager, 0, 0),
	    0);
	CHECK_EQ(mm_handle_fault(s, va, false), 0);
	mm_sanity_check();
	pt_map(s->pgdir, va, ff.pages[1], PTE_U); /* the wrong page */
	EXPECT_PANIC(mm_sanity_check(), "file region: bad pte");
	pt_map(s->pgdir, va, ff.pages[0], PTE_U | PTE_W); /* writable */
	EXPECT_PANIC(mm_sanity_check(), "file region: bad pte");
	pt_map(s->pgdir, va, ff.pages[0], PTE_U);
	mm_sanity_check();
	CHECK_EQ(mm_map_file(s, 0x50000000u, PAGE_SIZE, PROT_READ, true,
			     &ff_pager, (1u << 20) - 0, 0),
		 -EOVERFLOW);
	CHECK_EQ(ff.refs, 1);
	mm_space_destroy(s);
	ff_free();
}

/* Pages 0 and 2 are "in memory" for map_cached; 1 and 3 need map. */
static int ff_cached_calls, ff_cached_hits;

static int ff_map_cached(void *obj, uint32_t idx, bool writable, paddr_t *pa)
{
	ff_cached_calls++;
	if (idx % 2)
		return -EAGAIN;
	ff_cached_hits++;
	return ff_map(obj, idx, writable, pa);
}

static const struct mm_pager_ops ff_cached_ops = {
    .map = ff_map,
    .map_cached = ff_map_cached,
    .unmap = ff_unmap,
    .peek = ff_peek,
    .size = ff_size,
    .get = ff_get,
    .put = ff_put,
};
static const struct mm_pager ff_cached_pager = {&ff_cached_ops, &ff};

/* Populate maps what map_cached gives in one walk and faults in the rest
 * (each PTE one pin); a private copy in the range stays; unmap, munmap
 * of part, fork's teardown and exit give every pin back once. */
TEST(region_file_populate_and_unmap_pins)
{
	const vaddr_t va = 0x403FE000u; /* the mapping crosses a table */
	struct mm_space *a, *b;
	size_t user0 = user_pages();
	char c;

	ff_new(FPAGES * PAGE_SIZE);
	ff_cached_calls = ff_cached_hits = 0;
	a = mm_space_new();
	CHECK_EQ(mm_map_file(a, va, FPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     false, &ff_cached_pager, 0, 0),
		 0);
	CHECK_EQ(mm_space_write(a, va + 2 * PAGE_SIZE + 9, "P", 1), 0);
	CHECK_EQ(ff_pins[2], 0); /* page 2 is a private copy */
	CHECK_EQ(mm_populate(a, va, FPAGES * PAGE_SIZE, false), 0);
	CHECK_EQ(ff_cached_calls, 3); /* not for the copy's page */
	CHECK_EQ(ff_cached_hits, 1);
	for (int i = 0; i < FPAGES; i++) {
		CHECK_EQ(ff_pins[i], i == 2 ? 0 : 1);
		CHECK(i == 2 ? pte_pa(a, va + i * PAGE_SIZE) != ff.pages[2]
			     : pte_pa(a, va + i * PAGE_SIZE) == ff.pages[i]);
		CHECK_EQ(pte_flags(a, va + i * PAGE_SIZE) & PTE_W,
			 i == 2 ? PTE_W : 0u);
	}
	CHECK_EQ(mm_space_read(a, va + 2 * PAGE_SIZE + 9, &c, 1), 0);
	CHECK_EQ(c, 'P');
	mm_sanity_check();
	CHECK((b = mm_space_fork(a)) != NULL);
	CHECK_EQ(mm_populate(b, va, FPAGES * PAGE_SIZE, false), 0);
	CHECK_EQ(ff_pins[0], 2);
	mm_sanity_check();
	mm_space_destroy(b); /* teardown: b's pins go, a's stay */
	CHECK_EQ(ff_pins[0], 1);
	CHECK_EQ(ff_pins[3], 1);
	CHECK_EQ(mm_protect(a, va, FPAGES * PAGE_SIZE, PROT_READ), 0);
	for (int i = 0; i < FPAGES; i++) /* file PTEs go, the copy stays */
		CHECK_EQ(ff_pins[i], 0);
	CHECK(pte_pa(a, va + 2 * PAGE_SIZE) != PHYS_NONE);
	CHECK_EQ(mm_populate(a, va, FPAGES * PAGE_SIZE, false), 0);
	CHECK_EQ(mm_unmap(a, va + PAGE_SIZE, 2 * PAGE_SIZE), 0);
	CHECK_EQ(ff_pins[1], 0);
	CHECK_EQ(ff_pins[0] + ff_pins[3], 2);
	CHECK_EQ(user_pages(), user0);
	mm_sanity_check();
	mm_space_destroy(a);
	CHECK_EQ(ff.refs, 0);
	ff_free();
}

/* A shared mapping of a file not open for writing (REGION_NOMAYWRITE)
 * never gains PROT_WRITE (-EACCES, nothing changed); reading and other
 * protections stay allowed; flags other than that one are -EINVAL. */
TEST(region_file_nomaywrite)
{
	const vaddr_t va = 0x40000000u;
	struct mm_space *s;

	ff_new(2 * PAGE_SIZE);
	s = mm_space_new();
	CHECK_EQ(mm_map_file(s, va, PAGE_SIZE, PROT_READ, true, &ff_pager, 0,
			     REGION_GROWSDOWN),
		 -EINVAL);
	CHECK_EQ(mm_map_file(s, va, 2 * PAGE_SIZE, PROT_READ, true, &ff_pager,
			     0, REGION_NOMAYWRITE),
		 0);
	CHECK_EQ(mm_protect(s, va, PAGE_SIZE, PROT_READ | PROT_WRITE), -EACCES);
	CHECK_EQ(mm_find_region(s, va)->len, 2 * PAGE_SIZE); /* not split */
	CHECK_EQ(mm_protect(s, va, PAGE_SIZE, PROT_NONE), 0);
	CHECK_EQ(mm_protect(s, va, PAGE_SIZE, PROT_READ), 0);
	CHECK_EQ(mm_handle_fault(s, va, false), 0);
	mm_sanity_check();
	mm_space_destroy(s);
	ff_free();
}
