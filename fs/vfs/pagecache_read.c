/*
 * pagecache_read.c - the page cache's reads (include/fs/vfs/pagecache.h):
 * hits copied to user memory without pins; from the disk, a miss reads
 * its page, a sequential one a read-ahead window of the pages after it
 * that neither level holds.
 *
 * Guarantees: a read never puts a second page for a (file, index) in the
 * index (pages someone brought in while the read slept win, ours are
 * freed); read-ahead never evicts cached pages to find memory; the pages
 * after the first join the cache unpinned, in index order on the LRU.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/uaccess.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include "pagecache_internal.h"

/* How many pages from idx + 1 on (up to want) no page of pc's index
 * holds: one search for the next cached page, not one per page. */
static uint32_t index_gap(struct pcache *pc, uint32_t idx, uint32_t want)
{
	struct pc_page *next;

	want = MIN(want, 0xffffffffu - idx); /* the index ends at 2^32 - 1 */
	if (want == 0)
		return 0;
	next = pc_find_ge(pc, idx + 1);
	if (next && next->pc == pc && next->idx - idx - 1 < want)
		return next->idx - idx - 1;
	return want;
}

/*
 * How many pages to read from idx: 1 on a random miss (the window
 * resets), or on a sequential one (at the page after the previous
 * read) the run of pages after it cached in neither level, up to the
 * window: PCACHE_RA_PAGES at first, doubled by each sequential miss up
 * to PCACHE_RA_MAX_PAGES (as Linux's on-demand read-ahead grows).
 */
static uint32_t ra_length(struct pcache *pc, uint32_t idx)
{
	uint32_t n = 1, want;

	if (!pc->dom->ops->readpages)
		return 1;
	if (idx != pc->ra_next) {
		if (pc->ra_size)
			USE(pc, pc->ra_size = 0);
		return 1;
	}
	want = pc->ra_size ? MIN(pc->ra_size * 2, PCACHE_RA_MAX_PAGES)
			   : PCACHE_RA_PAGES;
	USE(pc, pc->ra_size = want);
	want = 1 + index_gap(pc, idx, want - 1);
	if (pc_l2_empty(pc))
		return want;
	while (n < want && !pc_l2_has(pc, idx + n))
		n++;
	return n;
}

/* n contiguous pages for a read, or fewer (halving: read-ahead never
 * evicts cached pages to find a run), at least 1 (that one may
 * reclaim); *n the number got, PHYS_NONE without memory. */
static paddr_t read_alloc(uint32_t *n)
{
	paddr_t pa;

	for (; *n > 1; *n /= 2) {
		pa = phys_alloc(*n, PHYS_ANY | PHYS_NORECLAIM, PHYS_KERNEL);
		if (pa != PHYS_NONE)
			return pa;
	}
	return phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
}

/*
 * The pages after the first of a read-ahead run join the cache unpinned,
 * but for those someone else brought in while the read slept. The run
 * up to the next cached page goes in as a chain (each right after the
 * previous: no search); the pages stay pinned until all are in, so that
 * no shrinker frees a predecessor under the chain, and the bound is
 * enforced once.
 */
static void ra_insert(struct pcache *pc, uint32_t idx, paddr_t pa, int n)
{
	struct pc_page *run[PCACHE_RA_MAX_PAGES], *prev = NULL;
	uint32_t gap, k = 0;

	n = MIN(n, (int)PCACHE_RA_MAX_PAGES);
	gap = index_gap(pc, idx, (uint32_t)MAX(n - 1, 0));
	for (int j = 1; j < n; j++) {
		paddr_t p = pa + (paddr_t)j * PAGE_SIZE;
		struct pc_page *pg = NULL;

		if ((uint32_t)j <= gap)
			pg = pc_page_insert(pc, idx + j, p, prev);
		else if (!pc_hash_find(pc, idx + j))
			pg = pc_page_insert(pc, idx + j, p, NULL);
		prev = (uint32_t)j <= gap ? pg : NULL;
		if (pg)
			run[k++] = pg;
		else
			phys_free(p, 1, PHYS_KERNEL);
	}
	for (uint32_t i = 0; i < k; i++)
		pc_unpin_quiet(run[i]);
	if (k)
		pc_trim(pc->dom);
}

int pc_read_miss(struct pcache *pc, uint32_t idx, paddr_t *pa)
{
	uint32_t n = ra_length(pc, idx);
	int got;

	*pa = read_alloc(&n);
	if (*pa == PHYS_NONE)
		return -ENOMEM;
	if (n > 1)
		got = pc->dom->ops->readpages(pc->file, idx, n,
					      arch_phys_to_virt(*pa));
	else if ((got = pc->dom->ops->readpage(pc->file, idx,
					       arch_phys_to_virt(*pa))) == 0)
		got = 1;
	if (got < 0) {
		phys_free(*pa, n, PHYS_KERNEL);
		return got;
	}
	if ((uint32_t)got < n)
		phys_free(*pa + (paddr_t)got * PAGE_SIZE, n - (uint32_t)got,
			  PHYS_KERNEL);
	pc_stats.reads += (uint32_t)got;
	USE(pc, pc->ra_next = idx + (uint32_t)got);
	ra_insert(pc, idx, *pa, got);
	return 0;
}

/*
 * Hits need no pin: nothing can drop a page while the copy runs, since a
 * copy that resolves no fault cannot sleep and the kernel is not
 * preempted. A page copied is marked PC_REF, so reclaim passes it over
 * once as if it had moved to the LRU's newest end.
 */
size_t pcache_copy_cached(struct pcache *pc, uint64_t off, size_t len,
			  char *udst)
{
	uint32_t in = (uint32_t)(off & (PAGE_SIZE - 1)), pages = 0;
	struct pc_page *p =
	    len ? pc_hash_find(pc, (uint32_t)(off >> PAGE_SHIFT)) : NULL;
	size_t done = 0, chunk;

	if (!p || user_nofault_begin((uintptr_t)udst, len))
		return 0;
	while (p) {
		chunk = MIN(len - done, (size_t)(PAGE_SIZE - in));
		if (copy_to_user_in_run(
			udst + done,
			(const char *)arch_phys_to_virt(p->pa) + in, chunk))
			break;
		if (!(p->flags & PC_REF))
			USE(p, p->flags |= PC_REF);
		pages++;
		done += chunk;
		in = 0;
		if (done == len)
			break;
		p = pc_lookup_next(p);
	}
	user_nofault_end();
	pc_stats.hits += pages;
	return done;
}
