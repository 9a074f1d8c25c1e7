/*
 * slab_index.c - the slab page index: a sorted array of the address of
 * every slab page, in pages of its own from phys, doubled when full and
 * freed when empty.
 *
 * It answers "is this pointer in a slab page?" by binary search, without
 * touching the memory pointed at (which may not be mapped): USE() checks
 * and the page-fault handler's slab_describe() rely on that. A small
 * direct-mapped cache of pages found answers the repeated questions (a
 * USE() scope asks twice about one page) without the search.
 *
 * Invariants: va[0..len) is strictly increasing, len <= cap, and cap
 * entries fit in the npages pages at pa; every nonzero cache slot holds
 * a page of va[] (removal clears its slot).
 */
#include <arch/hooks.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include "slab_index.h"

static struct {
	uintptr_t *va;
	size_t len, cap;
	paddr_t pa;
	size_t npages;
} pidx;

/* Forget the index (boot, host test reset). */
/* Pages found lately, by page number modulo the size: 0 is empty. */
#define HIT_SLOTS 64u
static uintptr_t hits[HIT_SLOTS];

static inline uintptr_t *hit_slot(uintptr_t va)
{
	return &hits[(va >> PAGE_SHIFT) % HIT_SLOTS];
}

void slab_index_reset(void)
{
	memset(&pidx, 0, sizeof(pidx));
	memset(hits, 0, sizeof(hits));
}

/* Position of the first address >= va. */
static size_t idx_search(uintptr_t va)
{
	size_t lo = 0, hi = pidx.len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pidx.va[mid] < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Binary search on p's page address. */
void *slab_index_lookup(const void *p)
{
	uintptr_t va = (uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1);
	uintptr_t *hit = hit_slot(va);
	size_t i;

	if (*hit == va && va)
		return (void *)va;
	i = idx_search(va);
	if (i < pidx.len && pidx.va[i] == va) {
		*hit = va;
		return (void *)va;
	}
	return NULL;
}

/* Grow by doubling into fresh pages when full. */
bool slab_index_reserve(void)
{
	size_t npages = pidx.npages ? pidx.npages * 2 : 1;
	paddr_t pa;
	uintptr_t *va;

	if (pidx.len < pidx.cap)
		return true;
	pa = phys_alloc(npages, PHYS_ANY, PHYS_KERNEL);
	if (pa == PHYS_NONE)
		return false;
	/* phys_alloc may have reclaimed, freeing slab pages: reread pidx. */
	va = arch_phys_to_virt(pa);
	if (pidx.len)
		memcpy(va, pidx.va, pidx.len * sizeof(*va));
	if (pidx.npages)
		phys_free(pidx.pa, pidx.npages, PHYS_KERNEL);
	pidx.va = va;
	pidx.pa = pa;
	pidx.npages = npages;
	pidx.cap = npages * PAGE_SIZE / sizeof(*va);
	return true;
}

/* Insert in order (room was reserved). */
void slab_index_insert(uintptr_t va)
{
	size_t i = idx_search(va);

	BUG_ON(pidx.len >= pidx.cap);
	memmove(&pidx.va[i + 1], &pidx.va[i],
		(pidx.len - i) * sizeof(*pidx.va));
	pidx.va[i] = va;
	pidx.len++;
}

/* Remove va; the last removal gives the index's pages back. */
void slab_index_remove(uintptr_t va)
{
	size_t i = idx_search(va);

	BUG_ON(i >= pidx.len || pidx.va[i] != va);
	if (*hit_slot(va) == va)
		*hit_slot(va) = 0;
	pidx.len--;
	memmove(&pidx.va[i], &pidx.va[i + 1],
		(pidx.len - i) * sizeof(*pidx.va));
	if (pidx.len == 0) {
		phys_free(pidx.pa, pidx.npages, PHYS_KERNEL);
		memset(&pidx, 0, sizeof(pidx));
	}
}

/* Accessors for the slab's statistics and its sanity walk. */
size_t slab_index_pages(void)
{
	return pidx.npages;
}

size_t slab_index_len(void)
{
	return pidx.len;
}

uintptr_t slab_index_at(size_t i)
{
	BUG_ON(i >= pidx.len);
	return pidx.va[i];
}

/* Claim the index's pages for the sanity checker; the order must hold. */
size_t slab_index_sanity(struct sanity *s)
{
	if (pidx.npages)
		sanity_mark(s, pidx.pa, pidx.npages, "slab index");
	for (size_t i = 1; i < pidx.len; i++)
		if (pidx.va[i - 1] >= pidx.va[i])
			sanity_fail(s, "slab: page index out of order at %zu",
				    i);
	return pidx.len;
}
