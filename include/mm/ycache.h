/*
 * ycache.h - the yielded-block cache (SPEC §9), kernel interface.
 *
 * Blocks are keyed by (owner, 64-bit id) and hold lists of physical pages
 * (not necessarily contiguous). The cache is as large as free memory
 * allows: the physical allocator calls ycache_reclaim() when it would
 * otherwise fail, and the least recently yielded blocks are dropped.
 */
#ifndef MM_YCACHE_H
#define MM_YCACHE_H

#include <kernel/types.h>
#include <mm/phys.h>

#define YCACHE_ID_NONE (~(uint64_t)0)
/* Largest block: every page of a 4 GiB machine (list of 4 MiB). */
#define YCACHE_MAX_PAGES (1u << 20)

struct mm_space;

void ycache_init(void);
/* A fresh owner id (processes get one each; kernel users such as a file
 * system get their own). Never reused. */
uint32_t ycache_owner_new(void);

/* Page-level interface (kernel users: the pages are kernel pages). */
/* The cache takes ownership of pages[], which were accounted as kind
 * (PHYS_USER or PHYS_KERNEL) and are now counted as PHYS_CACHED.
 * -EEXIST if (owner, id) is cached, -ENOMEM if no index memory, -EINVAL
 * for id YCACHE_ID_NONE, npages 0 or above YCACHE_MAX_PAGES, or a page
 * address that is PHYS_NONE or unaligned. The caller keeps pages[] on
 * failure. May evict other blocks (its allocations can reclaim). */
int ycache_put(uint32_t owner, uint64_t id, const paddr_t *pages, size_t npages,
	       enum phys_kind kind);
/* Hand back the pages of (owner, id), now counted as kind, and drop the
 * entry. -ESRCH if not cached, -EINVAL (entry kept) if npages differs. */
/*
 * ycache_put in steps, for a caller that must not be refused once it has
 * gathered the pages (yield: they are out of the address space).
 * reserve checks the arguments and -EEXIST and allocates the block
 * (NULL with *err -EINVAL, -EEXIST or -ENOMEM; may evict other blocks).
 * The pages then go in one of two forms: a page list, whose memory
 * reserve_list allocates (-ENOMEM; may evict), or a tree of region
 * entries moved into ycache_tree(yb) (region_take_tree). Then exactly
 * one of: commit (pages[], npages of them, counted as kind, are cached;
 * NULL for a tree; cannot fail) or unreserve (the tree must be empty).
 */
struct yblock;
struct avl_tree;
struct yblock *ycache_reserve(uint32_t owner, uint64_t id, size_t npages,
			      int *err);
int ycache_reserve_list(struct yblock *yb);
struct avl_tree *ycache_tree(struct yblock *yb);
void ycache_commit(struct yblock *yb, const paddr_t *pages,
		   enum phys_kind kind);
void ycache_unreserve(struct yblock *yb);
int ycache_take(uint32_t owner, uint64_t id, paddr_t *pages, size_t npages,
		enum phys_kind kind);
bool ycache_has(uint32_t owner, uint64_t id);
/*
 * For a caller whose next step may fail (mapping the pages): take (owner,
 * id) out of the cache, its record kept, so that putting it back cannot
 * fail for want of memory; reclaim cannot see it meanwhile. NULL with
 * *err -ESRCH / -EINVAL as ycache_take. Its pages: ycache_pages (a list)
 * or, if that is NULL, ycache_tree; ycache_flatten turns a tree into a
 * list (-ENOMEM: unchanged). Then exactly one of: reattach (the block is
 * cached again, newest) or detach_done (the pages are the caller's,
 * counted as kind; a tree must have been emptied).
 */
struct yblock *ycache_detach(uint32_t owner, uint64_t id, size_t npages,
			     int *err);
const paddr_t *ycache_pages(const struct yblock *yb);
int ycache_flatten(struct yblock *yb);
void ycache_reattach(struct yblock *yb);
void ycache_detach_done(struct yblock *yb, enum phys_kind kind);
/* Drop (owner, id) and free its pages: 0 or -ESRCH. */
int ycache_forget(uint32_t owner, uint64_t id);
/* Drop every block of owner; returns the number of blocks dropped. */
size_t ycache_forget_all(uint32_t owner);
/* Drop owner's blocks whose id is in [first, last]; returns how many (the
 * index is sorted by id: O(log n + dropped)). */
size_t ycache_forget_range(uint32_t owner, uint64_t first, uint64_t last);
/* How many blocks owner has cached now (walks them: for statistics). */
size_t ycache_owner_blocks(uint32_t owner);

/*
 * The system call: yield the npages at addr in space under yield_id (the
 * range then reads as zeros, a fresh page per first touch), then get
 * get_id's pages into
 * addr. Either id may be YCACHE_ID_NONE. A failed yield skips the get.
 */
int mm_yield_get_block(uint32_t owner, struct mm_space *s, vaddr_t addr,
		       size_t npages, uint64_t yield_id, uint64_t get_id);

/* Reclaim hook of the physical allocator: evict least recently yielded
 * blocks until at least npages pages were freed or the cache is empty. */
size_t ycache_reclaim(size_t npages);

struct ycache_stats {
	size_t blocks, pages;
	uint64_t yields, hits, misses, evictions, evicted_pages;
};
void ycache_get_stats(struct ycache_stats *st);

struct sanity;
void ycache_sanity(struct sanity *s);

#endif
