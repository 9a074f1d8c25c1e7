/*
 * pagecache_internal.h - what the two files of the page cache share
 * (fs/vfs/pagecache.c: the index, pins, the LRU and level 2;
 * fs/vfs/pagecache_read.c: misses and read-ahead;
 * fs/vfs/pagecache_reclaim.c: level 1's bounds and its shrinker;
 * fs/vfs/pagecache_sync.c: write-back, the flush, drop_caches, statistics,
 * the sanity walk). Nothing else includes it.
 */
#ifndef FS_VFS_PAGECACHE_INTERNAL_H
#define FS_VFS_PAGECACHE_INTERNAL_H

#include <fs/vfs/pagecache.h>
#include <mm/avl.h>

#define PC_DIRTY 0x1u
/* Read since it last became the newest on the LRU, without moving there
 * (pcache_copy_cached): the trim and the shrinker move it to the newest
 * end once instead of dropping it (a second chance, as a clock's). */
#define PC_REF 0x2u

/* One cached page of a file (a slab object, written only here). */
struct pc_page {
	struct avl_node node; /* in pc_index, keyed by (pc, idx) */
	struct pcache *pc;
	uint32_t idx;
	paddr_t pa;
	uint32_t pins;	/* callers and PTEs using it: never evicted */
	uint32_t maps;	/* of which PTEs */
	uint32_t wmaps; /* of which writable shared PTEs */
	uint32_t flags;
	uint32_t dirtied; /* fs_clock_now() when it became dirty */
	struct pc_page *lru_prev, *lru_next; /* unpinned pages, oldest first */
	/* On its domain's dirty list while unpinned and dirty. */
	struct pc_page *dirty_prev, *dirty_next;
	struct pc_page *hash_next; /* its chain in pagecache_hash.c */
};

struct pc_key {
	const struct pcache *pc;
	uint32_t idx;
};

extern struct avl_tree pc_index;
extern struct pcache_stats pc_stats; /* counters; sizes kept live */
extern struct pcache_domain *pc_domains;
extern struct pc_page *pc_lru_head; /* oldest unpinned page */
extern size_t pc_lru_dirty;	    /* dirty pages on the LRU */
/* Set while the page cache is inside an allocation with pointers into
 * its LRU or index (pc_drop's level-2 put): its shrinker declines. */
extern bool pc_busy;

/* The page after p in its file (index p->idx + 1), or NULL: one step in
 * the index. */
static inline struct pc_page *pc_lookup_next(struct pc_page *p)
{
	struct avl_node *n = avl_next(&p->node);
	struct pc_page *q = n ? container_of(n, struct pc_page, node) : NULL;

	if (!q || q->pc != p->pc || q->idx != p->idx + 1)
		return NULL;
	return q;
}
/* p, unpinned, becomes the newest page on the LRU, its PC_REF cleared
 * (its place on its domain's dirty list stays). */
void pc_lru_touch(struct pc_page *p);
/* The hash of (pc, idx) beside the index (pagecache_hash.c): a new
 * table sized to memory (pcache_init; the old one is forgotten), pages
 * added and removed with the
 * index, the page of (pc, idx) or NULL; the sanity walk's share: the
 * table's pages marked, chains checked, the pages on them counted. */
void pc_hash_init(void);
void pc_hash_fini(void); /* its pages freed, the small static table back */
void pc_hash_add(struct pc_page *p);
void pc_hash_del(struct pc_page *p);
struct pc_page *pc_hash_find(const struct pcache *pc, uint32_t idx);
struct sanity;
size_t pc_hash_sanity(struct sanity *s);
/* A new page of pc at idx over pa, pinned once, in the index right after
 * pred (its predecessor there: no search) or, without pred, where it
 * sorts; NULL without memory. */
struct pc_page *pc_page_insert(struct pcache *pc, uint32_t idx, paddr_t pa,
			       struct pc_page *pred);
/* Whether level 2 holds page idx of pc; whether it holds none of pc's
 * domain (level 2 off, or no owner yet). */
bool pc_l2_has(struct pcache *pc, uint32_t idx);
bool pc_l2_empty(struct pcache *pc);
/* A miss at idx that level 2 did not have (pagecache_read.c): read it,
 * and on a sequential miss the pages after it, into new pages; *pa the
 * page of idx (not in the index yet). 0, -EIO or -ENOMEM. */
int pc_read_miss(struct pcache *pc, uint32_t idx, paddr_t *pa);
/* The first page of the index at or after (pc, idx), or NULL. */
struct pc_page *pc_find_ge(const struct pcache *pc, uint32_t idx);
/* Write p (pinned by the caller) back if dirty or mapped writable, with
 * the dirty pages after it as far as one writepages call goes (the
 * domain's op, if it has one): 0 or the error (p stays dirty). */
int pc_writeback(struct pc_page *p);
/* Drop p (unpinned) from the cache: its page freed, or with keep and
 * level 2 on, yielded to level 2. */
void pc_drop(struct pc_page *p, bool keep);
void pc_pin(struct pc_page *p);
/* Drop a pin without trimming; the last puts p on the LRU (newest). */
void pc_unpin_quiet(struct pc_page *p);
/* p (unpinned now) joins the LRU as its newest page. */
void pc_lru_add_tail(struct pc_page *p);
/* p, unpinned and dirty, joins / leaves its domain's dirty list (and
 * pc_lru_dirty's count). */
void pc_dirty_link(struct pc_page *p);
void pc_dirty_unlink(struct pc_page *p);
/* Keep level 1 within its bounds (pagecache_reclaim.c): dirty pages past
 * the dirty limit written, unpinned ones past pc_max out, oldest first;
 * only the domain held (may be NULL) is written. */
void pc_trim(struct pcache_domain *held);
/* Forget level-2 pages [first, last] of pc. */
void pc_l2_forget(struct pcache *pc, uint32_t first, uint32_t last);
/* Forget every level-2 page of d and let its owner go. */
void pc_l2_forget_domain(struct pcache_domain *d);
uint64_t pc_l2_pages(void);
void pc_sanity_register(void);

#endif
