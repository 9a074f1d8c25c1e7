/*
 * phys.c - the physical page allocator (include/mm/phys.h, SPEC §2).
 *
 * Free memory is a set of maximal page ranges in an AVL tree keyed by
 * start address. Each range's tree node lives in the first page of the
 * range itself (through the direct mapping), so the allocator owns no
 * memory. Every node also records the largest range in its subtree, which
 * finds the highest (or lowest) range that fits a request in O(log n).
 *
 * PHYS_ANY scans from the top and takes the top pages of a range, so the
 * node stays put; constrained requests scan from the bottom and take the
 * bottom pages, so the node moves up to the range's new first page.
 */
#include <arch/hooks.h>
#include <kernel/printk.h>
#include <mm/avl.h>
#include <mm/fail.h>
#include <mm/phys.h>

/* Upper bounds of PHYS_BELOW_1M and PHYS_BELOW_16M (ISA DMA) memory. */
#define PHYS_1M_LIMIT (1u << 20)
#define PHYS_16M_LIMIT (16u << 20)

struct phys_range {
	struct avl_node node;
	paddr_t start;
	size_t npages;
	size_t max_npages; /* largest npages in this subtree */
};

static struct avl_tree free_tree;
static size_t total_pages, free_pages, kind_pages[PHYS_NKINDS];
static uint64_t mem_lo, mem_hi; /* span of all memory ever added */
static phys_reclaim_fn reclaim_fns[PHYS_RECLAIM_NSLOTS];
static bool reclaiming;

#define RANGE(n) avl_entry(n, struct phys_range, node)

static inline uint64_t range_end(const struct phys_range *r)
{
	return r->start + (uint64_t)r->npages * PAGE_SIZE;
}

static inline size_t sub_max(const struct avl_node *n)
{
	return n ? RANGE(n)->max_npages : 0;
}

static int range_cmp(const struct avl_node *a, const struct avl_node *b)
{
	paddr_t x = RANGE(a)->start, y = RANGE(b)->start;

	return (x > y) - (x < y);
}

static int range_key(const void *key, const struct avl_node *n)
{
	paddr_t x = *(const paddr_t *)key, y = RANGE(n)->start;

	return (x > y) - (x < y);
}

static void range_update(struct avl_node *n)
{
	struct phys_range *r = RANGE(n);

	r->max_npages =
	    MAX(r->npages, MAX(sub_max(n->left), sub_max(n->right)));
}

void phys_init(void)
{
	avl_init(&free_tree, range_cmp);
	free_tree.update = range_update;
	total_pages = free_pages = 0;
	for (int k = 0; k < PHYS_NKINDS; k++)
		kind_pages[k] = 0;
	mem_lo = mem_hi = 0;
	for (int i = 0; i < PHYS_RECLAIM_NSLOTS; i++)
		reclaim_fns[i] = NULL;
	reclaiming = false;
}

/* Tree edits; the node of a range is always in the range's first page. */
static void range_new(paddr_t start, size_t npages)
{
	struct phys_range *r = arch_phys_to_virt(start);

	r->start = start;
	r->npages = npages;
	BUG_ON(avl_insert(&free_tree, &r->node) != 0);
}

static void range_resize(struct phys_range *r, size_t npages)
{
	r->npages = npages;
	avl_propagate(&free_tree, &r->node);
}

/* r now begins at start (inside it or just below it): move its node. */
static void range_move(struct phys_range *r, paddr_t start, size_t npages)
{
	struct phys_range *nr = arch_phys_to_virt(start);

	nr->start = start;
	nr->npages = npages;
	avl_replace(&free_tree, &r->node, &nr->node);
}

static struct phys_range *range_find_le(paddr_t pa)
{
	return RANGE(avl_find_le(&free_tree, &pa, range_key));
}

static void overlap_panic(const char *who, paddr_t pa, size_t npages,
			  const struct phys_range *r)
{
	panic("%s: [%#x, +%u pages) overlaps free range [%#x, %#llx)", who, pa,
	      (unsigned)npages, r->start, (unsigned long long)range_end(r));
}

/*
 * Find the free neighbours of [pa, +npages) for free_insert(); panic if
 * the range overlaps free memory (double free) - before anything changes.
 */
static void free_neighbours(const char *who, paddr_t pa, size_t npages,
			    struct phys_range **lp, struct phys_range **rp)
{
	uint64_t end = pa + (uint64_t)npages * PAGE_SIZE;
	struct phys_range *l = range_find_le(pa), *r;

	r = RANGE(l ? avl_next(&l->node) : avl_first(&free_tree));
	if (l && range_end(l) > pa)
		overlap_panic(who, pa, npages, l);
	if (r && r->start < end)
		overlap_panic(who, pa, npages, r);
	*lp = l;
	*rp = r;
}

/* Add [pa, +npages) between l and r, merging with either or both. */
static void free_insert(paddr_t pa, size_t npages, struct phys_range *l,
			struct phys_range *r)
{
	uint64_t end = pa + (uint64_t)npages * PAGE_SIZE;
	bool merge_l = l && range_end(l) == pa;
	bool merge_r = r && r->start == end;

	if (merge_l && merge_r) {
		size_t rn = r->npages;

		avl_remove(&free_tree, &r->node);
		range_resize(l, l->npages + npages + rn);
	} else if (merge_l) {
		range_resize(l, l->npages + npages);
	} else if (merge_r) {
		range_move(r, pa, r->npages + npages);
	} else {
		range_new(pa, npages);
	}
	free_pages += npages;
}

/* Remove [from, to) (inside r) from the free tree, splitting r if needed. */
static void free_take(struct phys_range *r, paddr_t from, uint64_t to)
{
	paddr_t rs = r->start;
	uint64_t re = range_end(r);
	size_t taken = (size_t)((to - from) / PAGE_SIZE);

	if (from > rs && to < re) {
		range_resize(r, (from - rs) / PAGE_SIZE);
		range_new((paddr_t)to, (size_t)((re - to) / PAGE_SIZE));
	} else if (from > rs) {
		range_resize(r, (from - rs) / PAGE_SIZE);
	} else if (to < re) {
		range_move(r, (paddr_t)to, (size_t)((re - to) / PAGE_SIZE));
	} else {
		avl_remove(&free_tree, &r->node);
	}
	free_pages -= taken;
}

void phys_add_range(paddr_t start, size_t npages)
{
	uint64_t s = start, e = start + (uint64_t)npages * PAGE_SIZE;
	struct phys_range *l, *r;

	if (!PAGE_ALIGNED(start))
		panic("phys_add_range: %#x not page aligned", start);
	s = MAX(s, PAGE_SIZE); /* page 0 is PHYS_NONE, never free */
	e = MIN(e, (uint64_t)arch_direct_map_limit());
	if (e <= s)
		return;
	npages = (size_t)((e - s) / PAGE_SIZE);
	free_neighbours("phys_add_range", (paddr_t)s, npages, &l, &r);
	free_insert((paddr_t)s, npages, l, r);
	total_pages += npages;
	if (mem_hi == 0 || s < mem_lo)
		mem_lo = s;
	mem_hi = MAX(mem_hi, e);
}

/*
 * Boot: count pages that are already in use (the kernel image, boot
 * modules) as total and PHYS_KERNEL without touching them: unlike
 * phys_add_range, nothing is written into the pages.
 */
void phys_add_used(paddr_t start, size_t npages)
{
	(void)start;
	total_pages += npages;
	kind_pages[PHYS_KERNEL] += npages;
}

/* Highest range with at least npages pages, guided by the summaries. */
static struct phys_range *find_highest(size_t npages)
{
	struct avl_node *n = free_tree.root;

	while (n) {
		if (sub_max(n->right) >= npages)
			n = n->right;
		else if (RANGE(n)->npages >= npages)
			return RANGE(n);
		else if (sub_max(n->left) >= npages)
			n = n->left;
		else
			return NULL;
	}
	return NULL;
}

static struct phys_range *find_lowest(size_t npages)
{
	struct avl_node *n = free_tree.root;

	while (n) {
		if (sub_max(n->left) >= npages)
			n = n->left;
		else if (RANGE(n)->npages >= npages)
			return RANGE(n);
		else if (sub_max(n->right) >= npages)
			n = n->right;
		else
			return NULL;
	}
	return NULL;
}

/*
 * One attempt without reclaim. For a constrained request the lowest range
 * that is large enough is the only candidate: every other one starts
 * higher, so if it does not fit below the limit nothing does.
 */
static paddr_t alloc_once(size_t npages, unsigned constraint)
{
	uint64_t bytes = (uint64_t)npages * PAGE_SIZE, limit;
	struct phys_range *r;
	paddr_t pa;

	if (constraint == PHYS_ANY) {
		r = find_highest(npages);
		if (!r)
			return PHYS_NONE;
		pa = (paddr_t)(range_end(r) - bytes);
	} else {
		limit = constraint == PHYS_BELOW_1M ? PHYS_1M_LIMIT
						    : PHYS_16M_LIMIT;
		r = find_lowest(npages);
		if (!r || r->start + bytes > limit)
			return PHYS_NONE;
		pa = r->start;
	}
	free_take(r, pa, pa + bytes);
	return pa;
}

/* Ask the reclaim hooks in order until one frees something: the pages
 * it freed, 0 when none has anything. */
static size_t reclaim(size_t npages)
{
	size_t got = 0;

	reclaiming = true;
	for (int i = 0; i < PHYS_RECLAIM_NSLOTS && !got; i++)
		if (reclaim_fns[i])
			got = reclaim_fns[i](npages);
	reclaiming = false;
	return got;
}

paddr_t phys_alloc(size_t npages, unsigned constraint, enum phys_kind kind)
{
	bool no_reclaim = constraint & PHYS_NORECLAIM;

	constraint &= ~PHYS_NORECLAIM;
	if (constraint > PHYS_BELOW_16M || (unsigned)kind >= PHYS_NKINDS)
		panic("phys_alloc: bad constraint %u or kind %d", constraint,
		      (int)kind);
	if (npages == 0 || fail_now(FAIL_PAGE))
		return PHYS_NONE;
	for (;;) {
		paddr_t pa = alloc_once(npages, constraint);

		if (pa != PHYS_NONE) {
			kind_pages[kind] += npages;
			return pa;
		}
		/* A reclaim that allocates must not recurse into reclaim. */
		if (reclaiming || no_reclaim || reclaim(npages) == 0)
			return PHYS_NONE;
	}
}

void phys_free(paddr_t pa, size_t npages, enum phys_kind kind)
{
	uint64_t end = pa + (uint64_t)npages * PAGE_SIZE;
	struct phys_range *l, *r;

	if ((unsigned)kind >= PHYS_NKINDS)
		panic("phys_free: bad kind %d", (int)kind);
	if (npages == 0)
		return;
	if (!PAGE_ALIGNED(pa))
		panic("phys_free: %#x not page aligned", pa);
	if (pa < mem_lo || end > mem_hi)
		panic(
		    "phys_free: [%#x, +%u pages) outside memory [%#llx, %#llx)",
		    pa, (unsigned)npages, (unsigned long long)mem_lo,
		    (unsigned long long)mem_hi);
	free_neighbours("phys_free", pa, npages, &l, &r);
	if (kind_pages[kind] < npages)
		panic("phys_free: %u pages of kind %d but only %u allocated",
		      (unsigned)npages, (int)kind, (unsigned)kind_pages[kind]);
	free_insert(pa, npages, l, r);
	kind_pages[kind] -= npages;
}

void phys_account(enum phys_kind from, enum phys_kind to, size_t npages)
{
	if ((unsigned)from >= PHYS_NKINDS || (unsigned)to >= PHYS_NKINDS)
		panic("phys_account: bad kind %d -> %d", (int)from, (int)to);
	if (kind_pages[from] < npages)
		panic("phys_account: moving %u pages from kind %d holding %u",
		      (unsigned)npages, (int)from, (unsigned)kind_pages[from]);
	kind_pages[from] -= npages;
	kind_pages[to] += npages;
}

void phys_set_reclaim(enum phys_reclaim_slot slot, phys_reclaim_fn fn)
{
	if ((unsigned)slot >= PHYS_RECLAIM_NSLOTS)
		panic("phys_set_reclaim: bad slot %d", (int)slot);
	reclaim_fns[slot] = fn;
}

void phys_get_stats(struct phys_stats *st)
{
	st->total = total_pages;
	st->free = free_pages;
	st->kernel = kind_pages[PHYS_KERNEL];
	st->user = kind_pages[PHYS_USER];
	st->cached = kind_pages[PHYS_CACHED];
	st->ranges = free_tree.count;
}

size_t phys_free_pages(void)
{
	return free_pages;
}

void phys_walk_free(void (*fn)(paddr_t start, size_t npages, void *arg),
		    void *arg)
{
	const struct avl_node *n;

	for (n = avl_first(&free_tree); n; n = avl_next(n))
		fn(RANGE(n)->start, RANGE(n)->npages, arg);
}

/* One range's own invariants; prev_end is where the previous one ended. */
static bool check_range(const struct phys_range *r, uint64_t prev_end)
{
	const struct avl_node *n = &r->node;
	size_t want = MAX(r->npages, MAX(sub_max(n->left), sub_max(n->right)));

	if (!PAGE_ALIGNED(r->start) || r->npages == 0 ||
	    arch_virt_to_phys(r) != r->start)
		printk("phys_check: bad range %#x +%u (node at %#x)\n",
		       r->start, (unsigned)r->npages, arch_virt_to_phys(r));
	else if (r->start < mem_lo || range_end(r) > mem_hi)
		printk("phys_check: range %#x outside memory\n", r->start);
	else if (prev_end && r->start <= prev_end)
		printk("phys_check: range %#x overlaps or touches previous "
		       "ending %#llx\n",
		       r->start, (unsigned long long)prev_end);
	else if (r->max_npages != want)
		printk("phys_check: range %#x summary %u, want %u\n", r->start,
		       (unsigned)r->max_npages, (unsigned)want);
	else
		return true;
	return false;
}

bool phys_check(void)
{
	const struct avl_node *n;
	uint64_t prev_end = 0;
	size_t pages = 0, used = 0;

	if (!avl_check(&free_tree))
		return false;
	for (n = avl_first(&free_tree); n; n = avl_next(n)) {
		if (!check_range(RANGE(n), prev_end))
			return false;
		prev_end = range_end(RANGE(n));
		pages += RANGE(n)->npages;
	}
	for (int k = 0; k < PHYS_NKINDS; k++)
		used += kind_pages[k];
	if (pages != free_pages || free_pages + used != total_pages) {
		printk("phys_check: %u pages in tree, free %u, used %u, "
		       "total %u\n",
		       (unsigned)pages, (unsigned)free_pages, (unsigned)used,
		       (unsigned)total_pages);
		return false;
	}
	return true;
}
