/*
 * ycache.c - the yielded-block cache (SPEC §9): blocks of physical pages
 * keyed by (owner, 64-bit id), dropped least recently yielded first
 * whenever the physical allocator would otherwise fail.
 *
 * Index: an AVL tree keyed by (owner, id) plus one doubly linked list of
 * the same entries in yield order, oldest at the head (the eviction order).
 * Entries are slab objects. A block's page list (npages physical addresses)
 * is a slab object when it fits in SLAB_MAX_OBJ bytes, otherwise a
 * contiguous run of PHYS_KERNEL pages reached through the direct mapping.
 *
 * Reentrancy: phys_alloc() may call ycache_reclaim() from inside any
 * allocation, including the ones ycache_put() makes. So every piece of index
 * memory is allocated before the index is touched, and code that edits the
 * index never allocates. ycache_busy brackets those edits; reclaim running
 * inside one would be a bug and panics.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/avl.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include <mm/ycache.h>

struct yentry {
	struct avl_node node;	    /* in ycache_index, keyed by (owner, id) */
	struct yentry *prev, *next; /* LRU, yield order, oldest first */
	uint64_t id;
	uint32_t owner;
	uint32_t npages;
	paddr_t *list;	 /* the block's npages physical page addresses */
	paddr_t list_pa; /* first page of a page-run list; PHYS_NONE: slab */
};

struct ykey {
	uint32_t owner;
	uint64_t id;
};

static struct avl_tree ycache_index;
static struct yentry *lru_head, *lru_tail;
static struct ycache_stats ystats;
static uint32_t next_owner;
static bool ycache_busy;

static int key_cmp(uint32_t owner, uint64_t id, const struct yentry *e)
{
	if (owner != e->owner)
		return owner < e->owner ? -1 : 1;
	if (id != e->id)
		return id < e->id ? -1 : 1;
	return 0;
}

static int entry_cmp(const struct avl_node *a, const struct avl_node *b)
{
	const struct yentry *ea = container_of(a, struct yentry, node);

	return key_cmp(ea->owner, ea->id, container_of(b, struct yentry, node));
}

static int entry_key(const void *key, const struct avl_node *n)
{
	const struct ykey *k = key;

	return key_cmp(k->owner, k->id, container_of(n, struct yentry, node));
}

/* The tree header is a static, not a slab object: only nodes need unlocking. */
static void index_write_begin(const void *p)
{
	if (p != &ycache_index)
		slab_unlock_any(p);
}

static void index_write_end(const void *p)
{
	if (p != &ycache_index)
		slab_lock_any(p);
}

void ycache_init(void)
{
	avl_init(&ycache_index, entry_cmp);
	ycache_index.write_begin = index_write_begin;
	ycache_index.write_end = index_write_end;
	lru_head = lru_tail = NULL;
	memset(&ystats, 0, sizeof(ystats));
	next_owner = 1;
	ycache_busy = false;
	phys_set_reclaim(ycache_reclaim);
}

uint32_t ycache_owner_new(void)
{
	BUG_ON(next_owner == 0); /* 2^32 owners: never reuse one */
	return next_owner++;
}

static struct yentry *lookup(uint32_t owner, uint64_t id)
{
	struct ykey k = {owner, id};

	return avl_entry(avl_find(&ycache_index, &k, entry_key), struct yentry,
			 node);
}

bool ycache_has(uint32_t owner, uint64_t id)
{
	return lookup(owner, id) != NULL;
}

/* --- page lists ---------------------------------------------------- */

static size_t list_bytes(size_t npages)
{
	return npages * sizeof(paddr_t);
}

static size_t list_run(size_t npages)
{
	return (list_bytes(npages) + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* May reclaim (evict other blocks): call before touching the index. */
static paddr_t *list_alloc(size_t npages, paddr_t *run_pa)
{
	size_t n = list_run(npages);
	paddr_t pa;

	*run_pa = PHYS_NONE;
	if (list_bytes(npages) <= SLAB_MAX_OBJ)
		return slab_alloc(list_bytes(npages));
	/* phys only manages directly mapped memory: no limit to check. */
	pa = phys_alloc(n, PHYS_ANY, PHYS_KERNEL);
	if (pa == PHYS_NONE)
		return NULL;
	*run_pa = pa;
	return arch_phys_to_virt(pa);
}

static void list_free(paddr_t *list, paddr_t run_pa, size_t npages)
{
	if (run_pa == PHYS_NONE)
		slab_free(list, list_bytes(npages));
	else
		phys_free(run_pa, list_run(npages), PHYS_KERNEL);
}

static void list_fill(paddr_t *list, paddr_t run_pa, const paddr_t *pages,
		      size_t npages)
{
	if (run_pa == PHYS_NONE)
		USE(list, memcpy(list, pages, list_bytes(npages)));
	else
		memcpy(list, pages, list_bytes(npages));
}

/* Free a block's data pages, a physically contiguous run at a time. */
static void free_data_pages(const paddr_t *list, size_t npages)
{
	size_t i = 0;

	while (i < npages) {
		size_t run = 1;

		while (i + run < npages &&
		       list[i + run] == list[i] + run * PAGE_SIZE)
			run++;
		phys_free(list[i], run, PHYS_CACHED);
		i += run;
	}
}

/* --- the index and the LRU list ------------------------------------ */

static void lru_append(struct yentry *e)
{
	struct yentry *tail = lru_tail;

	USE(e, e->prev = tail; e->next = NULL);
	if (tail)
		USE(tail, tail->next = e);
	else
		lru_head = e;
	lru_tail = e;
}

static void lru_unlink(struct yentry *e)
{
	struct yentry *prev = e->prev, *next = e->next;

	if (prev)
		USE(prev, prev->next = next);
	else
		lru_head = next;
	if (next)
		USE(next, next->prev = prev);
	else
		lru_tail = prev;
}

/* Link a fully built entry into the index; no allocation in here. */
static int entry_link(struct yentry *e)
{
	int rc;

	ycache_busy = true;
	rc = avl_insert(&ycache_index, &e->node);
	if (rc == 0) {
		lru_append(e);
		ystats.blocks++;
		ystats.pages += e->npages;
	}
	ycache_busy = false;
	return rc;
}

static void entry_unlink(struct yentry *e)
{
	ycache_busy = true;
	avl_remove(&ycache_index, &e->node);
	lru_unlink(e);
	ystats.blocks--;
	ystats.pages -= e->npages;
	ycache_busy = false;
}

/* Free an unlinked entry's index memory (not its data pages). */
static void entry_free(struct yentry *e)
{
	list_free(e->list, e->list_pa, e->npages);
	slab_free(e, sizeof(*e));
}

/* Unlink e and give its data pages and index memory back; pages freed. */
static size_t entry_drop(struct yentry *e)
{
	size_t n = e->npages;
	size_t index_pages = e->list_pa == PHYS_NONE ? 0 : list_run(n);

	entry_unlink(e);
	free_data_pages(e->list, n);
	entry_free(e);
	return n + index_pages;
}

/* --- the page-level interface --------------------------------------- */

static int put_check(uint32_t owner, uint64_t id, const paddr_t *pages,
		     size_t npages, enum phys_kind kind)
{
	if (kind != PHYS_USER && kind != PHYS_KERNEL)
		return -EINVAL;
	if (id == YCACHE_ID_NONE || npages == 0 || npages > YCACHE_MAX_PAGES)
		return -EINVAL;
	for (size_t i = 0; i < npages; i++)
		if (pages[i] == PHYS_NONE || !PAGE_ALIGNED(pages[i]))
			return -EINVAL;
	if (lookup(owner, id))
		return -EEXIST;
	return 0;
}

int ycache_put(uint32_t owner, uint64_t id, const paddr_t *pages, size_t npages,
	       enum phys_kind kind)
{
	struct yentry *e;
	paddr_t *list, run_pa;
	int rc = put_check(owner, id, pages, npages, kind);

	if (rc)
		return rc;
	/* Both allocations may evict blocks; the index is not touched yet. */
	e = slab_alloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	list = list_alloc(npages, &run_pa);
	if (!list) {
		slab_free(e, sizeof(*e));
		return -ENOMEM;
	}
	list_fill(list, run_pa, pages, npages);
	USE(e, e->id = id; e->owner = owner; e->npages = (uint32_t)npages;
	    e->list = list; e->list_pa = run_pa; e->prev = e->next = NULL);
	rc = entry_link(e); /* reclaim only removes: cannot be -EEXIST */
	if (rc) {
		entry_free(e);
		return rc;
	}
	ystats.yields++;
	phys_account(kind, PHYS_CACHED, npages);
	return 0;
}

int ycache_take(uint32_t owner, uint64_t id, paddr_t *pages, size_t npages,
		enum phys_kind kind)
{
	struct yentry *e;

	if (kind != PHYS_USER && kind != PHYS_KERNEL)
		return -EINVAL;
	e = lookup(owner, id);
	if (!e) {
		ystats.misses++;
		return -ESRCH;
	}
	if (e->npages != npages)
		return -EINVAL;
	memcpy(pages, e->list, list_bytes(npages));
	entry_unlink(e);
	entry_free(e);
	ystats.hits++;
	phys_account(PHYS_CACHED, kind, npages);
	return 0;
}

int ycache_forget(uint32_t owner, uint64_t id)
{
	struct yentry *e = lookup(owner, id);

	if (!e)
		return -ESRCH;
	entry_drop(e);
	return 0;
}

size_t ycache_forget_all(uint32_t owner)
{
	struct ykey k = {owner, 0};
	struct avl_node *n = avl_find_ge(&ycache_index, &k, entry_key);
	size_t dropped = 0;

	while (n) {
		struct yentry *e = container_of(n, struct yentry, node);

		if (e->owner != owner)
			break;
		n = avl_next(n); /* before e's node leaves the tree */
		entry_drop(e);
		dropped++;
	}
	return dropped;
}

size_t ycache_reclaim(size_t npages)
{
	size_t freed = 0;

	if (ycache_busy)
		panic("ycache_reclaim while the ycache index is mid-update");
	while (freed < npages && lru_head) {
		struct yentry *e = lru_head;

		ystats.evictions++;
		ystats.evicted_pages += e->npages;
		freed += entry_drop(e);
	}
	return freed;
}

void ycache_get_stats(struct ycache_stats *st)
{
	*st = ystats;
}

/* --- sanity ---------------------------------------------------------- */

static void sanity_entry(struct sanity *s, const struct yentry *e)
{
	if (lookup(e->owner, e->id) != e)
		sanity_fail(s,
			    "ycache: block (%u, %#llx) on the LRU list is "
			    "not in the index",
			    (unsigned)e->owner, (unsigned long long)e->id);
	if (e->npages == 0)
		sanity_fail(s, "ycache: empty block (%u, %#llx)",
			    (unsigned)e->owner, (unsigned long long)e->id);
	for (size_t i = 0; i < e->npages; i++)
		sanity_mark(s, e->list[i], 1, "cached block");
	if (e->list_pa != PHYS_NONE)
		sanity_mark(s, e->list_pa, list_run(e->npages), "ycache index");
}

/*
 * Every entry on the LRU list is in the index and the counts agree, so the
 * two hold the same entries. Pages are marked once each.
 */
void ycache_sanity(struct sanity *s)
{
	const struct yentry *e, *prev = NULL;
	size_t blocks = 0, pages = 0;
	struct phys_stats ps;

	if (!avl_check(&ycache_index))
		sanity_fail(s, "ycache: index tree is broken");
	for (e = lru_head; e; prev = e, e = e->next) {
		if (e->prev != prev)
			sanity_fail(s, "ycache: LRU back link broken at %p",
				    (const void *)e);
		if (++blocks > ycache_index.count)
			sanity_fail(s, "ycache: LRU list longer than index");
		sanity_entry(s, e);
		pages += e->npages;
	}
	if (prev != lru_tail)
		sanity_fail(s, "ycache: LRU tail is wrong");
	if (blocks != ycache_index.count || blocks != ystats.blocks)
		sanity_fail(s,
			    "ycache: %zu blocks on LRU, %zu indexed, %zu "
			    "counted",
			    blocks, ycache_index.count, ystats.blocks);
	phys_get_stats(&ps);
	if (pages != ystats.pages || pages != ps.cached)
		sanity_fail(s,
			    "ycache: %zu pages listed, %zu counted, %zu "
			    "accounted cached",
			    pages, ystats.pages, ps.cached);
}
