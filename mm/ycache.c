/*
 * ycache.c - the yielded-block cache (SPEC §9): blocks of physical pages
 * keyed by (owner, 64-bit id), dropped least recently yielded first
 * whenever the physical allocator would otherwise fail.
 *
 * Index: an AVL tree keyed by (owner, id) plus one doubly linked list of
 * the same blocks in yield order, oldest at the head (the eviction order).
 * Blocks (struct yblock) are slab objects. A block holds its pages in one
 * of two forms. A page list (npages physical addresses: ycache_put, and
 * a yield spanning regions) is a slab object when it fits in SLAB_MAX_OBJ
 * bytes, otherwise a contiguous run of PHYS_KERNEL pages reached through
 * the direct mapping. A tree (a yield inside one region) is the region
 * entries and blocks that mapped the pages, kept as they were
 * (mm/yield_tree.c): yield and get move them without allocating or
 * freeing an object per page.
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
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include <mm/ycache.h>

struct yblock {
	struct avl_node node;	    /* in ycache_index, keyed by (owner, id) */
	struct yblock *prev, *next; /* LRU, yield order, oldest first */
	uint64_t id;
	uint32_t owner;
	uint32_t npages;
	paddr_t *list;	 /* the block's npages physical page addresses, */
	paddr_t list_pa; /* first page of a page-run list; PHYS_NONE: slab */
	struct avl_tree tree; /* or (list NULL) its entries (yield_tree.c) */
};

struct ykey {
	uint32_t owner;
	uint64_t id;
};

static struct avl_tree ycache_index;
static struct yblock *lru_head, *lru_tail;
static struct ycache_stats ystats;
static uint32_t next_owner;
static bool ycache_busy;

static int key_cmp(uint32_t owner, uint64_t id, const struct yblock *yb)
{
	if (owner != yb->owner)
		return owner < yb->owner ? -1 : 1;
	if (id != yb->id)
		return id < yb->id ? -1 : 1;
	return 0;
}

static int yblock_cmp(const struct avl_node *a, const struct avl_node *b)
{
	const struct yblock *ea = container_of(a, struct yblock, node);

	return key_cmp(ea->owner, ea->id, container_of(b, struct yblock, node));
}

static int yblock_key(const void *key, const struct avl_node *n)
{
	const struct ykey *k = key;

	return key_cmp(k->owner, k->id, container_of(n, struct yblock, node));
}

#if MM_SANITY
/* The tree header is a static, not a slab object: only nodes need unlocking. */
static void index_write_begin(const void *p)
{
	if (p != &ycache_index)
		slab_unprotect_any(p);
}

static void index_write_end(const void *p)
{
	if (p != &ycache_index)
		slab_protect_any(p);
}
#endif

void ycache_init(void)
{
	avl_init(&ycache_index, yblock_cmp);
#if MM_SANITY /* else slab objects are writable: no hooks to call */
	ycache_index.write_begin = index_write_begin;
	ycache_index.write_end = index_write_end;
#endif
	lru_head = lru_tail = NULL;
	memset(&ystats, 0, sizeof(ystats));
	next_owner = 1;
	ycache_busy = false;
	phys_set_reclaim(PHYS_RECLAIM_YCACHE, ycache_reclaim);
}

uint32_t ycache_owner_new(void)
{
	BUG_ON(next_owner == 0); /* 2^32 owners: never reuse one */
	return next_owner++;
}

/* The block (owner, id), or NULL: a descent comparing keys in line (every
 * yield and get does one; no call per node). */
static struct yblock *lookup(uint32_t owner, uint64_t id)
{
	struct avl_node *n = ycache_index.root;

	while (n) {
		struct yblock *yb = container_of(n, struct yblock, node);
		int c = key_cmp(owner, id, yb);

		if (c == 0)
			return yb;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
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

static void lru_append(struct yblock *yb)
{
	struct yblock *tail = lru_tail;

	USE(yb, yb->prev = tail; yb->next = NULL);
	if (tail)
		USE(tail, tail->next = yb);
	else
		lru_head = yb;
	lru_tail = yb;
}

static void lru_unlink(struct yblock *yb)
{
	struct yblock *prev = yb->prev, *next = yb->next;

	if (prev)
		USE(prev, prev->next = next);
	else
		lru_head = next;
	if (next)
		USE(next, next->prev = prev);
	else
		lru_tail = prev;
}

/* Link a fully built block into the index; no allocation in here. */
static int yblock_link(struct yblock *yb)
{
	int rc;

	ycache_busy = true;
	rc = avl_insert(&ycache_index, &yb->node);
	if (rc == 0) {
		lru_append(yb);
		ystats.blocks++;
		ystats.pages += yb->npages;
	}
	ycache_busy = false;
	return rc;
}

static void yblock_unlink(struct yblock *yb)
{
	ycache_busy = true;
	avl_remove(&ycache_index, &yb->node);
	lru_unlink(yb);
	ystats.blocks--;
	ystats.pages -= yb->npages;
	ycache_busy = false;
}

/* Free an unlinked block's index memory (not its data pages). */
static void yblock_free(struct yblock *yb)
{
	BUG_ON(yb->tree.root);
	if (yb->list)
		list_free(yb->list, yb->list_pa, yb->npages);
	slab_free(yb, sizeof(*yb));
}

/* Unlink yb and give its data pages and index memory back; pages freed. */
static size_t yblock_drop(struct yblock *yb)
{
	size_t n = yb->npages;
	size_t index_pages = yb->list_pa == PHYS_NONE ? 0 : list_run(n);

	yblock_unlink(yb);
	if (yb->list)
		free_data_pages(yb->list, n);
	else
		region_tree_free(&yb->tree, PHYS_CACHED);
	yblock_free(yb);
	return n + index_pages;
}

/* --- the page-level interface --------------------------------------- */

/* Are pages[] all real page addresses? */
static bool pages_ok(const paddr_t *pages, size_t npages)
{
	for (size_t i = 0; i < npages; i++)
		if (pages[i] == PHYS_NONE || !PAGE_ALIGNED(pages[i]))
			return false;
	return true;
}

struct yblock *ycache_reserve(uint32_t owner, uint64_t id, size_t npages,
			      int *err)
{
	struct yblock *yb;
	*err = -EINVAL;
	if (id == YCACHE_ID_NONE || npages == 0 || npages > YCACHE_MAX_PAGES)
		return NULL;
	*err = -EEXIST;
	if (lookup(owner, id))
		return NULL;
	/* May evict blocks; the index is not touched yet. */
	*err = -ENOMEM;
	yb = slab_alloc(sizeof(*yb));
	if (!yb)
		return NULL;
	USE(yb, yb->id = id; yb->owner = owner; yb->npages = (uint32_t)npages;
	    yb->list = NULL; yb->list_pa = PHYS_NONE;
	    yb->prev = yb->next = NULL; region_tree_init(&yb->tree));
	*err = 0;
	return yb;
}

int ycache_reserve_list(struct yblock *yb)
{
	paddr_t run_pa;
	paddr_t *list = list_alloc(yb->npages, &run_pa);

	if (!list)
		return -ENOMEM;
	USE(yb, yb->list = list; yb->list_pa = run_pa);
	return 0;
}

struct avl_tree *ycache_tree(struct yblock *yb)
{
	return &yb->tree;
}

const paddr_t *ycache_pages(const struct yblock *yb)
{
	return yb->list;
}

int ycache_flatten(struct yblock *yb)
{
	int rc;

	if (yb->list)
		return 0;
	rc = ycache_reserve_list(yb);
	if (rc)
		return rc;
	if (yb->list_pa == PHYS_NONE)
		USE(yb->list, region_tree_flatten(&yb->tree, yb->list));
	else
		region_tree_flatten(&yb->tree, yb->list);
	return 0;
}

void ycache_unreserve(struct yblock *yb)
{
	yblock_free(yb);
}

void ycache_commit(struct yblock *yb, const paddr_t *pages, enum phys_kind kind)
{
	BUG_ON(kind != PHYS_USER && kind != PHYS_KERNEL);
	BUG_ON(!yb->list != !pages);
	if (pages)
		list_fill(yb->list, yb->list_pa, pages, yb->npages);
	/* Reclaim only removes, and only the owner puts its ids. */
	BUG_ON(yblock_link(yb) != 0);
	ystats.yields++;
	phys_account(kind, PHYS_CACHED, yb->npages);
}

int ycache_put(uint32_t owner, uint64_t id, const paddr_t *pages, size_t npages,
	       enum phys_kind kind)
{
	struct yblock *yb;
	int rc;

	if ((kind != PHYS_USER && kind != PHYS_KERNEL) ||
	    npages > YCACHE_MAX_PAGES || !pages_ok(pages, npages))
		return -EINVAL;
	yb = ycache_reserve(owner, id, npages, &rc);
	if (!yb)
		return rc;
	rc = ycache_reserve_list(yb);
	if (rc)
		ycache_unreserve(yb);
	else
		ycache_commit(yb, pages, kind);
	return rc;
}

struct yblock *ycache_detach(uint32_t owner, uint64_t id, size_t npages,
			     int *err)
{
	struct yblock *yb = lookup(owner, id);

	if (!yb) {
		ystats.misses++;
		*err = -ESRCH;
		return NULL;
	}
	if (yb->npages != npages) {
		*err = -EINVAL;
		return NULL;
	}
	yblock_unlink(yb);
	*err = 0;
	return yb;
}

/* Back into the index and the LRU (as the newest): no allocation, and the
 * id cannot have been taken meanwhile (only its owner puts it). */
void ycache_reattach(struct yblock *yb)
{
	BUG_ON(yblock_link(yb) != 0);
}

void ycache_detach_done(struct yblock *yb, enum phys_kind kind)
{
	size_t npages = yb->npages;

	yblock_free(yb);
	ystats.hits++;
	phys_account(PHYS_CACHED, kind, npages);
}

int ycache_take(uint32_t owner, uint64_t id, paddr_t *pages, size_t npages,
		enum phys_kind kind)
{
	struct yblock *yb;
	int err;

	if (kind != PHYS_USER && kind != PHYS_KERNEL)
		return -EINVAL;
	yb = ycache_detach(owner, id, npages, &err);
	if (!yb)
		return err;
	err = ycache_flatten(yb); /* may evict others: yb is detached */
	if (err) {
		ycache_reattach(yb);
		return err;
	}
	memcpy(pages, yb->list, list_bytes(npages));
	ycache_detach_done(yb, kind);
	return 0;
}

int ycache_forget(uint32_t owner, uint64_t id)
{
	struct yblock *yb = lookup(owner, id);

	if (!yb)
		return -ESRCH;
	yblock_drop(yb);
	return 0;
}

/*
 * Visit owner's blocks with first <= id <= last in id order (the index is
 * sorted by (owner, id)), dropping them if drop; returns how many.
 */
static size_t range_walk(uint32_t owner, uint64_t first, uint64_t last,
			 bool drop)
{
	struct ykey k = {owner, first};
	struct avl_node *n = avl_find_ge(&ycache_index, &k, yblock_key);
	size_t count = 0;

	while (n) {
		struct yblock *yb = container_of(n, struct yblock, node);

		if (yb->owner != owner || yb->id > last)
			break;
		n = avl_next(n); /* before yb's node leaves the tree */
		if (drop)
			yblock_drop(yb);
		count++;
	}
	return count;
}

size_t ycache_forget_range(uint32_t owner, uint64_t first, uint64_t last)
{
	return range_walk(owner, first, last, true);
}

size_t ycache_forget_all(uint32_t owner)
{
	return range_walk(owner, 0, YCACHE_ID_NONE, true);
}

size_t ycache_owner_blocks(uint32_t owner)
{
	return range_walk(owner, 0, YCACHE_ID_NONE, false);
}

size_t ycache_reclaim(size_t npages)
{
	size_t freed = 0;

	if (ycache_busy)
		panic("ycache_reclaim while the ycache index is mid-update");
	while (freed < npages && lru_head) {
		struct yblock *yb = lru_head;

		ystats.evictions++;
		ystats.evicted_pages += yb->npages;
		freed += yblock_drop(yb);
	}
	return freed;
}

void ycache_get_stats(struct ycache_stats *st)
{
	*st = ystats;
}

/* --- sanity ---------------------------------------------------------- */

static void yblock_sanity(struct sanity *s, const struct yblock *yb)
{
	if (lookup(yb->owner, yb->id) != yb)
		sanity_fail(s,
			    "ycache: block (%u, %#llx) on the LRU list is "
			    "not in the index",
			    (unsigned)yb->owner, (unsigned long long)yb->id);
	if (yb->npages == 0)
		sanity_fail(s, "ycache: empty block (%u, %#llx)",
			    (unsigned)yb->owner, (unsigned long long)yb->id);
	if (!yb->list) {
		region_tree_sanity(s, &yb->tree, yb->npages);
		return;
	}
	for (size_t i = 0; i < yb->npages; i++)
		sanity_mark(s, yb->list[i], 1, "cached block");
	if (yb->list_pa != PHYS_NONE)
		sanity_mark(s, yb->list_pa, list_run(yb->npages),
			    "ycache index");
}

/*
 * Every block on the LRU list is in the index and the counts agree, so the
 * two hold the same blocks. Pages are marked once each.
 */
void ycache_sanity(struct sanity *s)
{
	const struct yblock *yb, *prev = NULL;
	size_t blocks = 0, pages = 0;
	struct phys_stats ps;

	if (!avl_check(&ycache_index))
		sanity_fail(s, "ycache: index tree is broken");
	for (yb = lru_head; yb; prev = yb, yb = yb->next) {
		if (yb->prev != prev)
			sanity_fail(s, "ycache: LRU back link broken at %p",
				    (const void *)yb);
		if (++blocks > ycache_index.count)
			sanity_fail(s, "ycache: LRU list longer than index");
		yblock_sanity(s, yb);
		pages += yb->npages;
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
