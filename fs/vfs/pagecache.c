/*
 * pagecache.c - the page cache (include/fs/vfs/pagecache.h): the index of
 * file pages, pins, the bounded LRU of unpinned pages and level 2 (the
 * yielded-block cache) behind it. Write-back, the flush, drop_caches and
 * the statistics are in pagecache_sync.c.
 *
 * Invariants: a (file, index) has at most one page in memory: in the
 * index, or in level 2 (a miss takes it out of there, a truncate forgets
 * it there), never both; a page is on the LRU list iff nobody pins it;
 * only clean pages go to level 2; pages past a file's end are never
 * mapped, and those in the index past it are zero (see pcache_truncate).
 * nlru counts the LRU, pc_stats.pages the index, each domain's ndirty its
 * dirty pages.
 */
#include <arch/hooks.h>
#include <fs/fsclock.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include <mm/ycache.h>
#include "pagecache_internal.h"

struct avl_tree pc_index;
struct pcache_stats pc_stats;
struct pcache_domain *pc_domains;
struct pc_page *pc_lru_head;
static struct pc_page *lru_tail;
size_t pc_lru_dirty;
bool pc_busy;
static bool l2_on = true;
static uint32_t pc_gen; /* pcache_init generation: level-2 owners restart */

/* --- the index ------------------------------------------------------ */

static int key_cmp(const struct pcache *pc, uint32_t idx,
		   const struct pc_page *p)
{
	if (pc != p->pc)
		return (uintptr_t)pc < (uintptr_t)p->pc ? -1 : 1;
	if (idx != p->idx)
		return idx < p->idx ? -1 : 1;
	return 0;
}

static int page_cmp(const struct avl_node *a, const struct avl_node *b)
{
	const struct pc_page *pa = container_of(a, struct pc_page, node);

	return key_cmp(pa->pc, pa->idx, container_of(b, struct pc_page, node));
}

static int page_key(const void *key, const struct avl_node *n)
{
	const struct pc_key *k = key;

	return key_cmp(k->pc, k->idx, container_of(n, struct pc_page, node));
}

struct pc_page *pc_find_ge(const struct pcache *pc, uint32_t idx)
{
	struct pc_key k = {pc, idx};
	struct avl_node *n = avl_find_ge(&pc_index, &k, page_key);

	return n ? container_of(n, struct pc_page, node) : NULL;
}

#if MM_SANITY
/* The index's nodes are slab objects; the tree itself is not. */
static void index_write_begin(const void *p)
{
	if (p != &pc_index)
		slab_unprotect_any(p);
}

static void index_write_end(const void *p)
{
	if (p != &pc_index)
		slab_protect_any(p);
}
#endif

void pcache_init(size_t max)
{
	avl_init(&pc_index, page_cmp);
	pc_hash_init();
#if MM_SANITY /* else slab objects are writable: no hooks to call */
	pc_index.write_begin = index_write_begin;
	pc_index.write_end = index_write_end;
#endif
	pc_lru_head = lru_tail = NULL;
	pc_lru_dirty = 0;
	pc_busy = false;
	memset(&pc_stats, 0, sizeof(pc_stats));
	pc_domains = NULL;
	pc_gen++;
	pcache_set_max(max);
	phys_set_reclaim(PHYS_RECLAIM_PAGECACHE, pcache_reclaim);
	pc_sanity_register();
}

void pcache_fini(void)
{
	pc_hash_fini();
}

/* --- level 2 ---------------------------------------------------------- */

static uint64_t l2_id(const struct pcache *pc, uint32_t idx)
{
	return (uint64_t)pc->id << 32 | idx;
}

/* d's level-2 owner, made if create; 0 if it has none. */
static uint32_t dom_owner(struct pcache_domain *d, bool create)
{
	if (d->gen == pc_gen && d->owner)
		return d->owner;
	if (!create)
		return 0;
	USE(d, {
		d->owner = ycache_owner_new();
		d->gen = pc_gen;
	});
	return d->owner;
}

void pc_l2_forget(struct pcache *pc, uint32_t first, uint32_t last)
{
	uint32_t owner = dom_owner(pc->dom, false);

	if (owner)
		ycache_forget_range(owner, l2_id(pc, first), l2_id(pc, last));
}

void pc_l2_forget_domain(struct pcache_domain *d)
{
	uint32_t owner = dom_owner(d, false);

	if (owner)
		ycache_forget_all(owner);
	USE(d, d->owner = d->gen = 0);
}

uint64_t pc_l2_pages(void)
{
	uint64_t n = 0;

	for (struct pcache_domain *d = pc_domains; d; d = d->next)
		if (dom_owner(d, false))
			n += ycache_owner_blocks(d->owner);
	return n;
}

void pcache_set_l2(bool on)
{
	if (!on)
		for (struct pcache_domain *d = pc_domains; d; d = d->next)
			pc_l2_forget_domain(d);
	l2_on = on;
}

/* Page idx of pc taken out of level 2 (now PHYS_KERNEL), or PHYS_NONE. */
static paddr_t l2_take(struct pcache *pc, uint32_t idx)
{
	uint32_t owner = dom_owner(pc->dom, false);
	paddr_t pa;

	if (!l2_on || !owner ||
	    ycache_take(owner, l2_id(pc, idx), &pa, 1, PHYS_KERNEL))
		return PHYS_NONE;
	pc_stats.l2_hits++;
	return pa;
}

bool pc_l2_has(struct pcache *pc, uint32_t idx)
{
	uint32_t owner = dom_owner(pc->dom, false);

	return l2_on && owner && ycache_has(owner, l2_id(pc, idx));
}

bool pc_l2_empty(struct pcache *pc)
{
	return !l2_on || !dom_owner(pc->dom, false);
}

/* --- domains and files ------------------------------------------------ */

void pcache_domain_init(struct pcache_domain *d,
			const struct pcache_domain_ops *ops)
{
	USE(d, {
		d->ops = ops;
		d->trylock = NULL;
		d->unlock = NULL;
		d->lock_arg = NULL;
		d->owner = d->gen = 0;
		d->ndirty = d->flushed = 0;
		d->dirty_head = d->dirty_tail = NULL;
		d->next = pc_domains;
	});
	pc_domains = d;
}

void pcache_domain_fini(struct pcache_domain *d)
{
	struct pcache_domain **pp = &pc_domains;

	pc_l2_forget_domain(d);
	while (*pp && *pp != d)
		pp = &(*pp)->next;
	if (!*pp)
		return;
	if (pp == &pc_domains)
		pc_domains = d->next;
	else
		USE(container_of(pp, struct pcache_domain, next),
		    *pp = d->next);
}

struct pcache *pcache_file_new(struct pcache_domain *d, void *file, uint32_t id)
{
	struct pcache *pc = slab_zalloc(sizeof(*pc));

	if (pc)
		USE(pc, {
			pc->dom = d;
			pc->file = file;
			pc->id = id;
		});
	return pc;
}

int pcache_file_free(struct pcache *pc, bool keep)
{
	int err = pcache_sync_file(pc);
	struct pc_page *p;

	while ((p = pc_find_ge(pc, 0)) && p->pc == pc) {
		BUG_ON(p->pins);
		pc_drop(p, keep);
	}
	SLAB_FREE(pc);
	return err;
}

/* --- the LRU and pins ------------------------------------------------- */

static void lru_del(struct pc_page *p)
{
	if (p->lru_prev)
		USE(p->lru_prev, p->lru_prev->lru_next = p->lru_next);
	else
		pc_lru_head = p->lru_next;
	if (p->lru_next)
		USE(p->lru_next, p->lru_next->lru_prev = p->lru_prev);
	else
		lru_tail = p->lru_prev;
	USE(p, p->lru_prev = p->lru_next = NULL);
	pc_stats.unpinned--;
	if (p->flags & PC_DIRTY)
		pc_dirty_unlink(p);
}

void pc_lru_add_tail(struct pc_page *p)
{
	USE(p, {
		p->lru_prev = lru_tail;
		p->lru_next = NULL;
		p->flags &= ~PC_REF;
	});
	if (lru_tail)
		USE(lru_tail, lru_tail->lru_next = p);
	else
		pc_lru_head = p;
	lru_tail = p;
	pc_stats.unpinned++;
	if (p->flags & PC_DIRTY)
		pc_dirty_link(p);
}

void pc_lru_touch(struct pc_page *p)
{
	USE(p, p->flags &= ~PC_REF);
	if (p == lru_tail)
		return;
	if (p->lru_prev)
		USE(p->lru_prev, p->lru_prev->lru_next = p->lru_next);
	else
		pc_lru_head = p->lru_next;
	USE(p->lru_next, p->lru_next->lru_prev = p->lru_prev);
	USE(p, {
		p->lru_prev = lru_tail;
		p->lru_next = NULL;
	});
	USE(lru_tail, lru_tail->lru_next = p);
	lru_tail = p;
}

void pc_pin(struct pc_page *p)
{
	if (!p->pins)
		lru_del(p);
	USE(p, p->pins++);
}

void pc_drop(struct pc_page *p, bool keep)
{
	struct pcache *pc = p->pc;
	bool busy = pc_busy;
	uint32_t owner;

	BUG_ON(p->pins);
	lru_del(p);
	avl_remove(&pc_index, &p->node);
	pc_hash_del(p);
	pc_stats.pages--;
	USE(pc, pc->npages--);
	if (p->flags & PC_DIRTY) {
		USE(pc->dom, pc->dom->ndirty--);
		keep = false;
	}
	owner = keep && l2_on ? dom_owner(pc->dom, true) : 0;
	/* ycache_put allocates, and our callers walk the LRU or the index:
	 * the shrinker must not drop pages under them meanwhile. */
	pc_busy = true;
	if (owner &&
	    !ycache_put(owner, l2_id(pc, p->idx), &p->pa, 1, PHYS_KERNEL))
		pc_stats.l2_yields++;
	else
		phys_free(p->pa, 1, PHYS_KERNEL);
	pc_busy = busy;
	SLAB_FREE(p);
}

void pc_unpin_quiet(struct pc_page *p)
{
	BUG_ON(!p->pins);
	USE(p, p->pins--);
	if (!p->pins)
		pc_lru_add_tail(p);
}

/* Unpin p; the last pin puts it on the LRU (newest). */
static void unpin(struct pc_page *p, struct pcache_domain *held)
{
	BUG_ON(!p->pins);
	USE(p, p->pins--);
	if (p->pins)
		return;
	pc_lru_add_tail(p);
	pc_trim(held);
}

/* --- pages ------------------------------------------------------------ */

struct pc_page *pc_page_insert(struct pcache *pc, uint32_t idx, paddr_t pa,
			       struct pc_page *pred)
{
	struct pc_page *p = slab_zalloc(sizeof(*p));

	if (!p)
		return NULL;
	USE(p, {
		p->pc = pc;
		p->idx = idx;
		p->pa = pa;
		p->pins = 1;
	});
	if (pred)
		avl_insert_after(&pc_index, &pred->node, &p->node);
	else
		avl_insert(&pc_index, &p->node);
	pc_hash_add(p);
	pc_stats.pages++;
	USE(pc, pc->npages++);
	return p;
}

int pcache_get(struct pcache *pc, uint32_t idx, unsigned flags,
	       struct pc_page **out)
{
	struct pc_page *p = pc_hash_find(pc, idx);
	paddr_t pa;
	int err;

	if (p) {
		pc_stats.hits++;
		pc_pin(p);
		*out = p;
		return 0;
	}
	pc_stats.misses++;
	pa = l2_take(pc, idx);
	if (pa == PHYS_NONE && !(flags & PC_NOREAD)) {
		err = pc_read_miss(pc, idx, &pa);
		if (err)
			return err;
	} else if (pa == PHYS_NONE) {
		pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
		if (pa == PHYS_NONE)
			return -ENOMEM;
		if (!(flags & PC_NOZERO))
			memset(arch_phys_to_virt(pa), 0, PAGE_SIZE);
	}
	p = pc_hash_find(pc, idx);
	if (p) { /* brought in by someone else while we slept */
		phys_free(pa, 1, PHYS_KERNEL);
		pc_pin(p);
		*out = p;
		return 0;
	}
	/* Its predecessor, if cached, places it without a search (files
	 * grow and are read in order). */
	p = pc_page_insert(pc, idx, pa, idx ? pc_hash_find(pc, idx - 1) : NULL);
	if (!p) {
		phys_free(pa, 1, PHYS_KERNEL);
		return -ENOMEM;
	}
	pc_trim(pc->dom);
	*out = p;
	return 0;
}

void *pcache_data(const struct pc_page *p)
{
	return arch_phys_to_virt(p->pa);
}

void pcache_dirty(struct pc_page *p)
{
	if (p->flags & PC_DIRTY)
		return;
	USE(p, {
		p->flags |= PC_DIRTY;
		p->dirtied = fs_clock_now();
	});
	if (!p->pins)
		pc_dirty_link(p);
	USE(p->pc->dom, p->pc->dom->ndirty++);
}

void pcache_put(struct pc_page *p)
{
	unpin(p, p->pc->dom);
}

int pcache_map(struct pcache *pc, uint32_t idx, bool writable, paddr_t *pa)
{
	struct pc_page *p;
	int err = pcache_get(pc, idx, 0, &p);

	if (err)
		return err;
	if (!p->maps)
		pc_stats.mapped++;
	USE(p, {
		p->maps++;
		p->wmaps += writable;
	});
	if (writable)
		pcache_dirty(p);
	*pa = p->pa;
	return 0;
}

void pcache_unmap(struct pcache *pc, uint32_t idx, bool writable)
{
	struct pc_page *p = pc_hash_find(pc, idx);

	BUG_ON(!p || !p->maps || (writable && !p->wmaps));
	USE(p, {
		p->maps--;
		p->wmaps -= writable;
	});
	if (!p->maps)
		pc_stats.mapped--;
	unpin(p, NULL);
}

paddr_t pcache_peek(struct pcache *pc, uint32_t idx)
{
	struct pc_page *p = pc_hash_find(pc, idx);

	return p ? p->pa : PHYS_NONE;
}

/* Zero [from, PAGE_SIZE) of page idx if it is cached. */
static void zero_from(struct pcache *pc, uint32_t idx, uint32_t from)
{
	struct pc_page *p = pc_hash_find(pc, idx);

	if (p)
		memset((char *)pcache_data(p) + from, 0, PAGE_SIZE - from);
}

void pcache_truncate(struct pcache *pc, uint64_t size)
{
	uint64_t first = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	struct pc_page *p, *next;

	if (size & (PAGE_SIZE - 1)) {
		struct pc_page *t =
		    pc_hash_find(pc, (uint32_t)(size >> PAGE_SHIFT));

		zero_from(pc, (uint32_t)(size >> PAGE_SHIFT),
			  (uint32_t)(size & (PAGE_SIZE - 1)));
		if (t)
			pcache_dirty(t);
	}
	if (first > 0xffffffffu)
		return;
	for (p = pc_find_ge(pc, (uint32_t)first); p && p->pc == pc; p = next) {
		struct avl_node *n = avl_next(&p->node);

		next = n ? container_of(n, struct pc_page, node) : NULL;
		if (!p->pins) {
			pc_drop(p, false);
			continue;
		}
		/* Pinned past the end (a caller between get and put): it
		 * reads as zeros from now on, and is not written. */
		memset(pcache_data(p), 0, PAGE_SIZE);
		if (p->flags & PC_DIRTY) {
			USE(p, p->flags &= ~PC_DIRTY);
			USE(pc->dom, pc->dom->ndirty--);
		}
	}
	pc_l2_forget(pc, (uint32_t)first, 0xffffffffu);
}

void pcache_extend(struct pcache *pc, uint64_t old_size)
{
	if (old_size & (PAGE_SIZE - 1))
		zero_from(pc, (uint32_t)(old_size >> PAGE_SHIFT),
			  (uint32_t)(old_size & (PAGE_SIZE - 1)));
}
