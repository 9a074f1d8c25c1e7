/*
 * pagecache.h - the page cache (fs/vfs/pagecache.c, pagecache_sync.c): one
 * copy of each page of a regular file in memory, shared by read(), write()
 * and every mapping of the file (mm/region_file.c maps these very pages),
 * so all of them see each other's changes at once.
 *
 * A file system makes one struct pcache_domain per mount (its read and
 * write of whole pages, its lock) and one struct pcache per file that has
 * pages. Pages are kept in one index keyed by (file, page index). A page
 * is pinned while someone uses it: a caller between pcache_get() and
 * pcache_put(), or each PTE that maps it (pcache_map() / pcache_unmap()).
 * Pinned pages never leave. Unpinned pages are kept in least-recently-used
 * order, at most pcache_init()'s bound; past it the oldest leave: a clean
 * one goes to level 2, the yielded-block cache (ycache_put of the page
 * itself, id (file id << 32 | page index) under the domain's owner), from
 * where a later miss takes it back before reading the disk; a dirty one is
 * written first, but only by a caller that holds its domain (the others
 * leave it for the flush). Pages hold whole file pages: bytes past the
 * file's end are zero.
 *
 * Callers hold the domain of the file (the file system's lock) for every
 * call but pcache_unmap(), pcache_peek() and the statistics; nothing here
 * sleeps except in the domain's readpage and writepage. Pages are
 * PHYS_KERNEL pages reached through the direct mapping, claimed as
 * "page cache" by the sanity checker.
 */
#ifndef FS_VFS_PAGECACHE_H
#define FS_VFS_PAGECACHE_H

#include <kernel/types.h>

struct pcache;
struct pc_page;

/* The smallest bound on unpinned pages (and the host tests' default);
 * the kernel starts with half of memory unless pcache.size=KiB says. */
#define PCACHE_DEFAULT_PAGES 256u
/* The shrinker frees at least this many pages per call (fewer passes
 * over dirty pages at the LRU's head). */
#define PCACHE_RECLAIM_BATCH 32u
/* Pages read at once on a first sequential miss (64 KiB); each further
 * one doubles the window up to PCACHE_RA_MAX_PAGES (256 KiB). */
#define PCACHE_RA_PAGES 16u
#define PCACHE_RA_MAX_PAGES 64u
/* Dirty pages written back in one writepages call at most (128 KiB: one
 * ATA command). */
#define PCACHE_WB_PAGES 32u

struct pcache_domain_ops {
	/* Fill data (one page) with page idx of file: holes and bytes past
	 * the file's end read as zeros. 0 or -EIO. */
	int (*readpage)(void *file, uint32_t idx, void *data);
	/* Optional, for read-ahead: fill data (n pages, contiguous) with
	 * pages idx.. as far as one transfer goes (at least page idx, as
	 * readpage). The number of pages filled, or -EIO. */
	int (*readpages)(void *file, uint32_t idx, uint32_t n, void *data);
	/* Write page idx of file back (the part below the file's end; the
	 * bytes past it are zeroed in data first): 0 or -errno. */
	int (*writepage)(void *file, uint32_t idx, void *data);
	/* Optional, for write-back in runs: write pages idx.. (data[i] one
	 * page each, n of them) as far as one transfer goes, at least page
	 * idx (as writepage). The number of pages written, or -errno. */
	int (*writepages)(void *file, uint32_t idx, uint32_t n,
			  void *const *data);
};

/* One mounted file system (a slab object or static; written here). */
struct pcache_domain {
	const struct pcache_domain_ops *ops;
	/* Optional: take the file system without sleeping (false if busy),
	 * for calls that come from outside it (the periodic flush). */
	bool (*trylock)(void *arg);
	void (*unlock)(void *arg);
	void *lock_arg;
	uint32_t owner;	 /* level-2 owner, 0 until the first yield */
	uint32_t gen;	 /* pcache_init generation of owner */
	uint32_t ndirty; /* dirty pages (mapped writable ones count) */
	/* Its dirty unpinned pages, in the order they became both: the
	 * oldest is written first past the dirty limit. */
	struct pc_page *dirty_head, *dirty_tail;
	uint32_t flushed;	    /* pcache_flush_old's mark */
	struct pcache_domain *next; /* every domain */
};

/* One file with pages (a slab object, made by pcache_file_new). */
struct pcache {
	struct pcache_domain *dom;
	void *file;  /* passed to readpage / writepage */
	uint32_t id; /* the file's number in level-2 ids (ext2: inode) */
	uint32_t npages;
	uint32_t ra_next; /* a miss here is sequential: read ahead */
	uint32_t
	    ra_size; /* the last read-ahead window; 0 after a random miss */
};

/* Reset the cache (boot, host tests) with a bound of max unpinned pages;
 * level 2 stays as pcache_set_l2() left it (on at first). */
void pcache_init(size_t max);
/* Give back the memory pcache_init took (its hash table), once no page
 * is cached (host tests, before their leak check). */
void pcache_fini(void);
/* A new bound on unpinned pages (at least 1); the dirty limit is a
 * quarter of it. Pages over it leave now (dirty ones at the next trim of
 * their domain). /proc/sys/vm/pagecache_max_pages sets it. */
void pcache_set_max(size_t max);
extern uint32_t pcache_max_pages;
/*
 * The shrinker (the physical allocator's second reclaim hook, asked when
 * level 2 has nothing): frees the oldest clean unpinned pages, at least
 * PCACHE_RECLAIM_BATCH, straight to free memory (level 2 is empty when
 * it is asked, and yielding there would only allocate to be reclaimed
 * again). Returns the pages freed; 0 while the cache is mid-update.
 */
size_t pcache_reclaim(size_t npages);
/* Level 2 on or off (off: pages falling out are freed, and what level 2
 * holds of the page cache is forgotten). */
void pcache_set_l2(bool on);

void pcache_domain_init(struct pcache_domain *d,
			const struct pcache_domain_ops *ops);
/* Unmount (every file released): forget the domain's level-2 pages. */
void pcache_domain_fini(struct pcache_domain *d);

/* A file's cache; NULL without memory. */
struct pcache *pcache_file_new(struct pcache_domain *d, void *file,
			       uint32_t id);
/* The file leaves memory: dirty pages are written (0 or the first error:
 * those pages are lost), then with keep the clean pages go to level 2,
 * else they are dropped. No page may be pinned. pc is freed. */
int pcache_file_free(struct pcache *pc, bool keep);

/* pcache_get flags */
#define PC_NOREAD                                                 \
	0x1u /* a miss gives a zeroed page: the caller overwrites \
	      * every byte below the file's end */
/* With PC_NOREAD: a miss gives a page of unspecified bytes (no clearing
 * pass); the caller writes or zeroes every byte of it before it lets go
 * of the page or sleeps with it findable by others. */
#define PC_NOZERO 0x2u

/* Page idx of pc, pinned: from the cache, level 2 or readpage. A miss at
 * the page after the previous miss's read (sequential reading) reads up
 * to a window of pages cached in neither level in one readpages call
 * (PCACHE_RA_PAGES, doubling on each sequential miss up to
 * PCACHE_RA_MAX_PAGES); the pages after idx join the cache unpinned.
 * 0, -EIO or -ENOMEM. */
int pcache_get(struct pcache *pc, uint32_t idx, unsigned flags,
	       struct pc_page **out);
void *pcache_data(const struct pc_page *p);
/* Copy to user memory the bytes [off, off + len) of pc held by level 1,
 * from off up to the first page it lacks or the first byte that would
 * fault (copy_to_user_nofault: no fault is resolved). No pin is taken.
 * Returns the bytes copied; the caller reads the rest with pcache_get. */
size_t pcache_copy_cached(struct pcache *pc, uint64_t off, size_t len,
			  char *udst);
/* The caller changed p's bytes: write it back some time. */
void pcache_dirty(struct pc_page *p);
/* Unpin. */
void pcache_put(struct pc_page *p);

/* For mappings: page idx pinned once per PTE; writable: a writable shared
 * PTE (the page counts as dirty while so mapped, and is dirty once
 * unmapped). *pa its page. 0 or pcache_get's errors. */
int pcache_map(struct pcache *pc, uint32_t idx, bool writable, paddr_t *pa);
/* A PTE mapping page idx went away. Never sleeps, needs no lock. */
void pcache_unmap(struct pcache *pc, uint32_t idx, bool writable);
/* The cached page idx, or PHYS_NONE (no pin; sanity, mincore). */
paddr_t pcache_peek(struct pcache *pc, uint32_t idx);

/* pc's file is now size bytes: pages wholly past it leave unwritten
 * (pinned ones, which the caller unmapped first, are zeroed and stay
 * clean), the tail of the page at size is zeroed and dirtied, level 2
 * forgets the pages past it. */
void pcache_truncate(struct pcache *pc, uint64_t size);
/* pc's file grows from old_size: the cached page at old_size gets zeros
 * past it (a shared mapping may have stored there). */
void pcache_extend(struct pcache *pc, uint64_t old_size);

/* Write every dirty page of pc / of the domain: 0 or the first error. */
int pcache_sync_file(struct pcache *pc);
int pcache_sync_range(struct pcache *pc, uint32_t first, uint32_t last);
int pcache_sync_domain(struct pcache_domain *d);
/* The periodic flush: pages dirty (or mapped writable) for age seconds at
 * now, of every domain whose trylock succeeds. Returns pages written. */
size_t pcache_flush_old(uint32_t now, uint32_t age);
/* drop_caches for one domain (held): write back, drop every unpinned
 * page, forget level 2. 0 or -EIO. */
int pcache_domain_drop(struct pcache_domain *d);

struct pcache_stats {
	size_t pages, dirty, mapped, unpinned, max;
	size_t reclaimable; /* clean unpinned pages: the shrinker's */
	uint64_t hits, misses, l2_hits, l2_yields, reads, writes;
	uint64_t reclaimed, writeruns; /* shrinker's pages; multi-page writes */
	uint64_t l2_pages; /* pages of the page cache in level 2 now */
};
void pcache_get_stats(struct pcache_stats *st);

#endif
