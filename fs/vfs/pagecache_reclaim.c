/*
 * pagecache_reclaim.c - the bounds of the page cache's level 1
 * (include/fs/vfs/pagecache.h): at most pcache_max_pages unpinned pages
 * (the oldest leave, clean ones to level 2), at most a quarter of that
 * dirty (the oldest written back by the writer that passes the limit),
 * and the shrinker that gives clean unpinned pages back to the physical
 * allocator when a program needs the memory and level 2 is empty.
 *
 * Guarantees: the shrinker never frees a pinned or dirty page, never runs
 * while pc_busy says the cache is inside an allocation with pointers into
 * its LRU or index, and frees pages without allocating.
 */
#include <kernel/printk.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include "pagecache_internal.h"

uint32_t pcache_max_pages;
static size_t dirty_max;

void pcache_set_max(size_t max)
{
	pcache_max_pages = (uint32_t)MAX(max, 1);
	dirty_max = MAX(pcache_max_pages / 4, 1);
	pc_stats.max = pcache_max_pages;
	pc_trim(NULL);
}

/* Write the dirty unpinned page p of held (pinned meanwhile: nobody drops
 * it under the sleeping write); then, clean and unpinned, it may go.
 * 0 or the write's error. */
static int write_old(struct pc_page *p, bool drop)
{
	int err;

	pc_pin(p);
	err = pc_writeback(p);
	pc_unpin_quiet(p);
	if (p->pins) /* someone took it meanwhile */
		return err;
	if (!err && drop && !(p->flags & PC_DIRTY))
		pc_drop(p, true);
	return err;
}

void pc_dirty_link(struct pc_page *p)
{
	struct pcache_domain *d = p->pc->dom;

	USE(p, {
		p->dirty_prev = d->dirty_tail;
		p->dirty_next = NULL;
	});
	if (d->dirty_tail)
		USE(d->dirty_tail, d->dirty_tail->dirty_next = p);
	else
		USE(d, d->dirty_head = p);
	USE(d, d->dirty_tail = p);
	pc_lru_dirty++;
}

void pc_dirty_unlink(struct pc_page *p)
{
	struct pcache_domain *d = p->pc->dom;

	if (p->dirty_prev)
		USE(p->dirty_prev, p->dirty_prev->dirty_next = p->dirty_next);
	else
		USE(d, d->dirty_head = p->dirty_next);
	if (p->dirty_next)
		USE(p->dirty_next, p->dirty_next->dirty_prev = p->dirty_prev);
	else
		USE(d, d->dirty_tail = p->dirty_prev);
	USE(p, p->dirty_prev = p->dirty_next = NULL);
	pc_lru_dirty--;
}

/* A page read since it last moved (PC_REF) is passed over once: it goes
 * to the LRU's newest end, unmarked. Returns the page to visit after it
 * (itself when it was the newest already). */
static struct pc_page *second_chance(struct pc_page *p)
{
	struct pc_page *next = p->lru_next;

	pc_lru_touch(p);
	return next ? next : p;
}

/*
 * Unpinned pages past the bound leave, oldest first, clean ones to level
 * 2; a dirty one is written first when its domain is held, else it stays
 * for the flush. A page that fails to write stops the trim. Past the
 * dirty limit, the held domain's oldest dirty pages are written.
 */
void pc_trim(struct pcache_domain *held)
{
	struct pc_page *p = pc_lru_head, *next;

	if (held && held->ndirty > dirty_max &&
	    (p = held->dirty_head) != NULL && write_old(p, false))
		return;
	p = pc_lru_head;
	while (pc_stats.unpinned > pcache_max_pages && p) {
		next = p->lru_next;
		if (p->flags & PC_REF) {
			next = second_chance(p);
		} else if (!(p->flags & PC_DIRTY)) {
			pc_drop(p, true);
		} else if (p->pc->dom == held) {
			if (write_old(p, true))
				return;
			next = pc_lru_head; /* we slept: start again */
		}
		p = next;
	}
}

size_t pcache_reclaim(size_t npages)
{
	struct pc_page *p = pc_lru_head, *next;
	size_t freed = 0, want = MAX(npages, PCACHE_RECLAIM_BATCH);

	if (pc_busy)
		return 0;
	pc_busy = true;
	for (; p && freed < want; p = next) {
		next = p->lru_next;
		if (p->flags & PC_REF) {
			next = second_chance(p);
			continue;
		}
		if (p->flags & PC_DIRTY)
			continue;
		pc_drop(p, false);
		freed++;
	}
	pc_busy = false;
	pc_stats.reclaimed += freed;
	return freed;
}
