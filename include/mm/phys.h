/*
 * phys.h - physical page allocator (SPEC §2).
 *
 * Free memory is a set of page ranges in an AVL tree keyed by address. The
 * tree node of a free range lives in the first page of the range itself
 * (reached through the direct mapping), so the allocator needs no memory of
 * its own. Freeing merges with both neighbours. Memory is taken from the
 * same end of a range as the end the scan started from.
 */
#ifndef MM_PHYS_H
#define MM_PHYS_H

#include <kernel/types.h>

#define PHYS_NONE ((paddr_t)0) /* page 0 is never free */

/* Constraints for phys_alloc(). */
#define PHYS_ANY 0u
#define PHYS_BELOW_1M 1u
#define PHYS_BELOW_16M 2u
/* Or'ed in: fail at once rather than ask the cache to give pages back
 * (an attempt that has a smaller fallback must not evict cached blocks). */
#define PHYS_NORECLAIM 0x100u

/* Accounting classes. */
enum phys_kind { PHYS_KERNEL, PHYS_USER, PHYS_CACHED, PHYS_NKINDS };

struct phys_stats {
	size_t total;  /* pages ever added with phys_add_range() */
	size_t free;   /* pages in the free tree */
	size_t kernel; /* pages allocated as PHYS_KERNEL */
	size_t user;   /* pages allocated as PHYS_USER */
	size_t cached; /* pages held by the yielded-block cache */
	size_t ranges; /* number of free ranges */
};

void phys_init(void);
/*
 * Boot: hand a usable range to the allocator (merges with neighbours).
 * start must be page aligned; page 0 and anything at or above
 * arch_direct_map_limit() are clipped off. Panics if it overlaps free memory.
 */
void phys_add_range(paddr_t start, size_t npages);
/*
 * Boot: count npages at start, which are in use and must not be written
 * (kernel image, boot modules), in total and as PHYS_KERNEL. They are
 * never freed; their owners report them to the sanity checker.
 */
void phys_add_used(paddr_t start, size_t npages);

/*
 * Allocate npages physically contiguous pages. On failure, asks the
 * reclaim hooks (the caches) to give pages back and retries;
 * returns PHYS_NONE only when that cannot help either.
 */
paddr_t phys_alloc(size_t npages, unsigned constraint, enum phys_kind kind);
void phys_free(paddr_t pa, size_t npages, enum phys_kind kind);
/* Move pages between accounting classes (user -> cached and back). */
void phys_account(enum phys_kind from, enum phys_kind to, size_t npages);

/*
 * A reclaim hook: asked to free at least npages pages (it may free more
 * or fewer); returns the number of pages it freed, 0 when it has nothing.
 * Called with no allocator state held, so it may call phys_free(); an
 * allocation it makes fails at once rather than reclaim again.
 */
typedef size_t (*phys_reclaim_fn)(size_t npages);
/* The hooks, asked in this order: a later one only when every earlier
 * one freed nothing (the yielded-block cache holds what was evicted
 * before the page cache's level 1, so it goes first). */
enum phys_reclaim_slot {
	PHYS_RECLAIM_YCACHE,	/* level 2: the yielded-block cache */
	PHYS_RECLAIM_PAGECACHE, /* level 1: clean unused page-cache pages */
	PHYS_RECLAIM_NSLOTS
};
void phys_set_reclaim(enum phys_reclaim_slot slot, phys_reclaim_fn fn);

void phys_get_stats(struct phys_stats *st);
size_t phys_free_pages(void);

/* Walk free ranges in address order; fn must not allocate or free. */
void phys_walk_free(void (*fn)(paddr_t start, size_t npages, void *arg),
		    void *arg);
/* Structural check of the free tree: sorted, disjoint, merged, counts. */
bool phys_check(void);

#endif
