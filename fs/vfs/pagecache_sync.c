/*
 * pagecache_sync.c - the page cache's write-back (include/fs/vfs/
 * pagecache.h): a file's or a domain's dirty pages, the periodic flush,
 * drop_caches, the statistics and the sanity walk.
 *
 * Guarantees: a page is pinned while its domain writes it, so nobody
 * drops it under the sleeping write; walks that sleep go on from the
 * next (file, index) key, never from a pointer kept across the sleep; a
 * page mapped writable by a shared mapping stays dirty after its write
 * (a store may follow at any time without a fault), restamped, so the
 * flush writes it again an age later.
 */
#include <arch/hooks.h>
#include <fs/fsclock.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "pagecache_internal.h"

/* The dirty pages after p (pinned) in its file, consecutive, used by
 * nobody but mappings, pinned into run[1..] as far as one writepages
 * call takes: the run's length (run[0] is p). */
static uint32_t gather_run(struct pc_page *p, struct pc_page **run)
{
	const struct avl_node *a = &p->node;
	uint32_t n = 1;

	run[0] = p;
	if (!p->pc->dom->ops->writepages)
		return 1;
	while (n < PCACHE_WB_PAGES && (a = avl_next(a)) != NULL) {
		struct pc_page *q = container_of(a, struct pc_page, node);

		if (q->pc != p->pc || q->idx != p->idx + n ||
		    !(q->flags & PC_DIRTY) || q->pins != q->maps)
			break;
		pc_pin(q);
		run[n++] = q;
	}
	return n;
}

/* q's write is starting: clean unless mapped writable (a store may follow
 * without a fault: it stays dirty, restamped). True if cleaned. */
static bool wb_start(struct pc_page *q)
{
	if (q->wmaps) {
		USE(q, q->dirtied = fs_clock_now());
		return false;
	}
	USE(q, q->flags &= ~PC_DIRTY); /* a change while we sleep redirties */
	return true;
}

/* q's write ended (written or not); cleaned: wb_start cleaned it. The
 * domain counted q once before; a redirty while we slept counted it
 * again. */
static void wb_end(struct pc_page *q, bool cleaned, bool written)
{
	struct pcache_domain *d = q->pc->dom;

	if (!cleaned)
		return;
	if (written || (q->flags & PC_DIRTY))
		USE(d, d->ndirty--);
	else
		USE(q, q->flags |= PC_DIRTY);
}

int pc_writeback(struct pc_page *p)
{
	struct pc_page *run[PCACHE_WB_PAGES];
	void *data[PCACHE_WB_PAGES];
	bool cleaned[PCACHE_WB_PAGES];
	const struct pcache_domain_ops *ops = p->pc->dom->ops;
	uint32_t n;
	int got;

	if (!(p->flags & PC_DIRTY))
		return 0;
	n = gather_run(p, run);
	for (uint32_t i = 0; i < n; i++) {
		cleaned[i] = wb_start(run[i]);
		data[i] = pcache_data(run[i]);
	}
	if (n > 1)
		got = ops->writepages(p->pc->file, p->idx, n, data);
	else
		got = ops->writepage(p->pc->file, p->idx, data[0]) ?: 1;
	for (uint32_t i = 0; i < n; i++)
		wb_end(run[i], cleaned[i], got > 0 && i < (uint32_t)got);
	for (uint32_t i = 1; i < n; i++)
		pc_unpin_quiet(run[i]);
	if (got > 0)
		pc_stats.writes += (uint32_t)got;
	pc_stats.writeruns += got > 1;
	return got < 0 ? got : 0;
}

/* Which pages a walk writes. */
struct wb_filter {
	struct pcache_domain *dom; /* every file of it (pc NULL) */
	struct pcache *pc;	   /* or pages [first, last] of one file */
	uint32_t first, last;
	bool aged; /* only pages dirty for age seconds at now */
	uint32_t now, age;
};

static bool wb_wants(const struct wb_filter *f, const struct pc_page *p)
{
	if (!(p->flags & PC_DIRTY))
		return false;
	if (f->aged && f->now - p->dirtied < f->age)
		return false;
	if (f->pc)
		return p->pc == f->pc && p->idx >= f->first &&
		       p->idx <= f->last;
	return p->pc->dom == f->dom;
}

/* Write the pages f wants; the caller holds their domain. Returns 0 or
 * the first error; *written counts the pages written. */
static int wb_walk(const struct wb_filter *f, size_t *written)
{
	struct pc_page *p =
	    f->pc ? pc_find_ge(f->pc, f->first) : pc_find_ge(NULL, 0);
	int err = 0;

	while (p && (!f->pc || (p->pc == f->pc && p->idx <= f->last))) {
		struct pcache *pc = p->pc;
		uint32_t idx = p->idx;
		int e;

		if (wb_wants(f, p)) {
			pc_pin(p);
			e = pc_writeback(p);
			pcache_put(p);
			if (e && !err)
				err = e;
			if (!e)
				(*written)++;
		}
		/* File pages stay below 2^32 - 1 (1 TiB files at most). */
		p = idx == 0xffffffffu ? NULL : pc_find_ge(pc, idx + 1);
	}
	return err;
}

int pcache_sync_range(struct pcache *pc, uint32_t first, uint32_t last)
{
	struct wb_filter f = {.pc = pc, .first = first, .last = last};
	size_t n = 0;

	return wb_walk(&f, &n);
}

int pcache_sync_file(struct pcache *pc)
{
	return pcache_sync_range(pc, 0, 0xffffffffu);
}

int pcache_sync_domain(struct pcache_domain *d)
{
	struct wb_filter f = {.dom = d};
	size_t n = 0;

	if (!d->ndirty)
		return 0;
	return wb_walk(&f, &n);
}

size_t pcache_flush_old(uint32_t now, uint32_t age)
{
	static bool flushing;
	static uint32_t round; /* marks the domains this call has done */
	size_t written = 0;

	if (flushing)
		return 0;
	flushing = true;
	round++;
	/* A domain may go (unmount) while we sleep in a write: after each
	 * domain we held, start from the list again, skipping those done. */
	for (struct pcache_domain *d = pc_domains; d;) {
		struct wb_filter f = {
		    .dom = d, .aged = true, .now = now, .age = age};

		if (!d->ndirty || d->flushed == round ||
		    (d->trylock && !d->trylock(d->lock_arg))) {
			d = d->next;
			continue;
		}
		USE(d, d->flushed = round);
		wb_walk(&f, &written);
		if (d->unlock)
			d->unlock(d->lock_arg);
		d = pc_domains;
	}
	flushing = false;
	return written;
}

int pcache_domain_drop(struct pcache_domain *d)
{
	int err = pcache_sync_domain(d);
	struct pc_page *p = pc_find_ge(NULL, 0), *next;

	for (; p; p = next) {
		struct avl_node *n = avl_next(&p->node);

		next = n ? container_of(n, struct pc_page, node) : NULL;
		if (p->pc->dom == d && !p->pins && !(p->flags & PC_DIRTY))
			pc_drop(p, false);
	}
	pc_l2_forget_domain(d);
	return err;
}

void pcache_get_stats(struct pcache_stats *st)
{
	*st = pc_stats;
	st->dirty = 0;
	for (struct pcache_domain *d = pc_domains; d; d = d->next)
		st->dirty += d->ndirty;
	st->l2_pages = pc_l2_pages();
	st->reclaimable = pc_stats.unpinned - pc_lru_dirty;
}

/* Each domain's dirty list holds its dirty unpinned pages: how many. */
static size_t dirty_lists_walk(struct sanity *s)
{
	size_t n = 0;

	for (struct pcache_domain *d = pc_domains; d; d = d->next)
		for (struct pc_page *p = d->dirty_head; p; p = p->dirty_next) {
			if (p->pins || !(p->flags & PC_DIRTY) ||
			    p->pc->dom != d)
				sanity_fail(s,
					    "page cache: page %u on a "
					    "dirty list",
					    p->idx);
			n++;
		}
	return n;
}

/* Every page in the index is the cache's; the counters agree. */
static void pc_sanity_walk(struct sanity *s)
{
	size_t pages = 0, unpinned = 0, mapped = 0, lru_dirty = 0;

	for (struct avl_node *n = avl_first(&pc_index); n; n = avl_next(n)) {
		struct pc_page *p = container_of(n, struct pc_page, node);

		sanity_mark(s, p->pa, 1, "page cache");
		pages++;
		unpinned += !p->pins;
		lru_dirty += !p->pins && (p->flags & PC_DIRTY);
		mapped += p->maps != 0;
		if (p->maps > p->pins || p->wmaps > p->maps)
			sanity_fail(s, "page cache: page %u pins %u maps %u",
				    p->idx, p->pins, p->maps);
	}
	if (pages != pc_stats.pages || unpinned != pc_stats.unpinned ||
	    mapped != pc_stats.mapped || lru_dirty != pc_lru_dirty ||
	    dirty_lists_walk(s) != lru_dirty || pc_hash_sanity(s) != pages)
		sanity_fail(s, "page cache: counts %u/%u/%u/%u",
			    (unsigned)pages, (unsigned)unpinned,
			    (unsigned)mapped, (unsigned)lru_dirty);
}

static struct sanity_owner pc_owner = {
    .name = "pagecache",
    .walk = pc_sanity_walk,
};

void pc_sanity_register(void)
{
	sanity_unregister(&pc_owner);
	sanity_register(&pc_owner);
}
