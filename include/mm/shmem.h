/*
 * shmem.h - shared memory objects (mm/shmem.c): SysV shm segments. An
 * object has a size and pages made on first touch; mappings of it in any
 * space share those pages. Callers keep a reference from mm_shmem_new
 * until they drop it with mm_shmem_put; each mapping holds one more.
 */
#ifndef MM_SHMEM_H
#define MM_SHMEM_H

#include <kernel/types.h>

struct mm_shmem;
struct mm_space;
struct region;

/* Reset (boot, host tests) and register the sanity walk. */
void mm_shmem_init(void);
/* An object of bytes (rounded up to pages; at most 4 GiB), no pages yet;
 * NULL for size 0 or without memory. */
struct mm_shmem *mm_shmem_new(size_t bytes);
/* Drop a reference; the last frees the pages. */
void mm_shmem_put(struct mm_shmem *o);
/* Map pages [pgoff, +len) of o at start of s (a shared region whose
 * pages come on touch; past the end is SIGBUS). 0, -EINVAL, -EEXIST or
 * -ENOMEM. */
int mm_map_shmem(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		 struct mm_shmem *o, uint32_t pgoff);
/* shmdt: unmap the regions of o in [addr, +size) that map it from page
 * 0 at addr on. 0 or -ENOMEM. */
int mm_unmap_shmem(struct mm_space *s, vaddr_t addr, size_t size,
		   struct mm_shmem *o);
/* The object r maps (and *pgoff, its page at r's start), or NULL. */
struct mm_shmem *region_shmem(const struct region *r, uint32_t *pgoff);
/* fn hears of every region attaching (map, fork, split) and detaching
 * (unmap, exit); an owner word to find the caller's object from o. */
void mm_shmem_set_hook(void (*fn)(struct mm_shmem *o, bool attach));
void mm_shmem_set_owner(struct mm_shmem *o, void *owner);
void *mm_shmem_owner(const struct mm_shmem *o);
/* Regions mapping o now (shm_nattch). */
uint32_t mm_shmem_attaches(const struct mm_shmem *o);
/* Pages of o made so far, and of every object (/proc/meminfo Shmem). */
size_t mm_shmem_resident(const struct mm_shmem *o);
size_t mm_shmem_total_resident(void);
/* Pages of objects that some region maps (/proc/meminfo Mapped). */
size_t mm_shmem_mapped_pages(void);

#endif
