/*
 * pagecache_hash.c - the page cache's hash of (file, page index) to page,
 * beside the ordered index (include/fs/vfs/pagecache.h): a lookup that is
 * not the sequential step (a random read, a fault) costs a hash and a
 * short chain instead of a walk down the index.
 *
 * Guarantees: every page in the index is on exactly one chain, and only
 * those; the table has a bucket per four pages of physical memory (at
 * least PC_HASH_MIN), so chains stay short even when the cache holds
 * all of memory. The table's pages are the cache's (the sanity walk
 * marks them).
 */
#include <arch/hooks.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "pagecache_internal.h"

#define PC_HASH_MIN (PAGE_SIZE / sizeof(struct pc_page *))

static struct pc_page *hash_min[PC_HASH_MIN]; /* without memory for more */
static struct pc_page **hash_tab = hash_min;
static uint32_t hash_mask = PC_HASH_MIN - 1;
static paddr_t hash_pa = PHYS_NONE; /* the table's pages, if allocated */
static size_t hash_npages;

static inline struct pc_page **bucket(const struct pcache *pc, uint32_t idx)
{
	uint32_t h = (uint32_t)((uintptr_t)pc >> 4) * 0x9e3779b1u + idx;

	return &hash_tab[h & hash_mask];
}

/* The small static table, empty. */
static void use_min_table(void)
{
	hash_pa = PHYS_NONE;
	hash_tab = hash_min;
	hash_mask = PC_HASH_MIN - 1;
	memset(hash_min, 0, sizeof(hash_min));
}

void pc_hash_init(void)
{
	struct phys_stats ps;
	size_t want = PC_HASH_MIN, npages;

	/* An earlier table is forgotten, not freed: pcache_init runs once
	 * at boot, and host tests reset all of memory before it. */
	use_min_table();
	phys_get_stats(&ps);
	while (want < ps.total / 4 && want < (1u << 20))
		want *= 2;
	for (; want > PC_HASH_MIN; want /= 2) {
		npages = want * sizeof(struct pc_page *) / PAGE_SIZE;
		hash_pa =
		    phys_alloc(npages, PHYS_ANY | PHYS_NORECLAIM, PHYS_KERNEL);
		if (hash_pa != PHYS_NONE) {
			hash_npages = npages;
			hash_tab = arch_phys_to_virt(hash_pa);
			hash_mask = (uint32_t)want - 1;
			memset(hash_tab, 0, want * sizeof(struct pc_page *));
			return;
		}
	}
}

void pc_hash_fini(void)
{
	if (hash_pa != PHYS_NONE)
		phys_free(hash_pa, hash_npages, PHYS_KERNEL);
	use_min_table();
}

void pc_hash_add(struct pc_page *p)
{
	struct pc_page **b = bucket(p->pc, p->idx);

	USE(p, p->hash_next = *b);
	*b = p;
}

void pc_hash_del(struct pc_page *p)
{
	struct pc_page **b = bucket(p->pc, p->idx), *q = *b;

	if (q == p) {
		*b = p->hash_next;
		return;
	}
	while (q->hash_next != p) {
		q = q->hash_next;
		BUG_ON(!q);
	}
	USE(q, q->hash_next = p->hash_next);
}

struct pc_page *pc_hash_find(const struct pcache *pc, uint32_t idx)
{
	struct pc_page *p = *bucket(pc, idx);

	while (p && (p->pc != pc || p->idx != idx))
		p = p->hash_next;
	return p;
}

size_t pc_hash_sanity(struct sanity *s)
{
	size_t n = 0;

	if (hash_pa != PHYS_NONE)
		sanity_mark(s, hash_pa, hash_npages, "page cache hash");
	for (uint32_t i = 0; i <= hash_mask; i++)
		for (struct pc_page *p = hash_tab[i]; p; p = p->hash_next) {
			if (bucket(p->pc, p->idx) != &hash_tab[i])
				sanity_fail(s,
					    "page cache: page %u on chain %u",
					    p->idx, i);
			n++;
		}
	return n;
}
