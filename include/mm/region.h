/*
 * region.h - address spaces, regions, physical-region entries and
 * physical blocks (SPEC §4, §6, §7). mm/region.c owns these structures;
 * no other file edits them directly.
 *
 * An address space is an AVL tree of regions keyed by start address. A
 * region has a backend (anonymous, direct physical, shared), protection
 * and an AVL tree of physical-region entries keyed by offset. Each entry
 * points to a physical block: one or more contiguous physical pages with a
 * reference count and a share mode (copy-on-write or truly shared).
 */
#ifndef MM_REGION_H
#define MM_REGION_H

#include <kernel/types.h>
#include <mm/avl.h>

#define PROT_NONE 0x0u
#define PROT_READ 0x1u
#define PROT_WRITE 0x2u
#define PROT_EXEC 0x4u
/* Every protection bit: a prot with any other bit is -EINVAL, and a
 * region whose prot has none of them is inaccessible. */
#define PROT_RWX (PROT_READ | PROT_WRITE | PROT_EXEC)

/* Where mm_find_free() starts looking when given no hint. */
#define MMAP_DEFAULT_BASE 0x10000000u

/* Region flags. */
#define REGION_GROWSDOWN 0x1u /* stack: faults just below extend it */

enum block_share { BLOCK_COW, BLOCK_SHARED };

struct mm_space;
struct region;

struct phys_block {
	paddr_t pa;
	uint32_t npages;
	uint32_t refcount;
	enum block_share share;
	struct region_entry *refs; /* every entry that points here */
	uint32_t sanity_refs;     /* scratch for the sanity checker */
};

struct region_entry {
	struct avl_node node; /* in region->entries, keyed by offset */
	vaddr_t offset;       /* page offset of the block within the region */
	struct region *region;
	struct phys_block *block;
	struct region_entry *next_ref; /* next entry sharing block */
};

struct region_ops;

struct region {
	struct avl_node node; /* in space->regions, keyed by start */
	vaddr_t start;
	size_t len; /* bytes, page multiple */
	unsigned prot;
	unsigned flags;
	const struct region_ops *ops; /* the backend */
	paddr_t phys;                 /* direct backend: physical base */
	vaddr_t grow_limit;           /* REGION_GROWSDOWN: lowest start */
	struct avl_tree entries;
	struct mm_space *space;
};

struct mm_space {
	paddr_t pgdir;
	struct avl_tree regions;
	struct mm_space *next_space; /* list of all spaces, for sanity */
	struct mm_space *prev_space;
};

/* Backends: each memory type is one of these, not a switch in every path. */
extern const struct region_ops region_anon_ops;
extern const struct region_ops region_shared_ops;
extern const struct region_ops region_direct_ops;

/* Reset the module (boot, and each host test). */
void mm_region_init(void);

/* Address spaces */
struct mm_space *mm_space_new(void);
void mm_space_destroy(struct mm_space *s);
/* Copy-on-write copy of every region (fork). NULL when out of memory. */
struct mm_space *mm_space_fork(struct mm_space *parent);

/* Mapping. start/len must be page aligned and below USER_TOP; the range
 * must be free (-EEXIST otherwise). mm_map_anon takes no flags yet: any
 * is -EINVAL. */
int mm_map_anon(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		unsigned flags);
/* An anonymous REGION_GROWSDOWN region (a stack) that faults may extend
 * down to grow_limit. */
int mm_map_stack(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		 vaddr_t grow_limit);
int mm_map_shared(struct mm_space *s, vaddr_t start, size_t len,
		  unsigned prot);
int mm_map_direct(struct mm_space *s, vaddr_t start, size_t len, paddr_t phys,
		  unsigned prot);
/* Map src's shared region covering [src_addr, +len) into dst (both see
 * each other's writes). -EINVAL unless src is a whole shared region. */
int mm_remap(struct mm_space *dst, vaddr_t dst_addr, struct mm_space *src,
	     vaddr_t src_addr, size_t len);
/* Lowest free gap of len bytes at or above hint (0: from 0x10000000);
 * 0 if none. A stack's growth room counts as used; page 0 never. */
vaddr_t mm_find_free(struct mm_space *s, vaddr_t hint, size_t len);
/* Unmap any page-aligned subrange (regions are split); holes are fine. */
int mm_unmap(struct mm_space *s, vaddr_t start, size_t len);
/* -ENOMEM (nothing changed) if part of the range is not mapped, as Linux.
 * Copy-on-write pages stay read-only until written. */
int mm_protect(struct mm_space *s, vaddr_t start, size_t len, unsigned prot);
/* Fault in every page of [start, +len) now (exec: no faults for text/data);
 * -EFAULT if part of it is not mapped or not accessible. */
int mm_populate(struct mm_space *s, vaddr_t start, size_t len, bool write);
/* Copy into another space through its page tables (faulting pages in as
 * needed). 0 or -EFAULT / -ENOMEM. */
int mm_space_write(struct mm_space *s, vaddr_t va, const void *src, size_t n);

struct region *mm_find_region(struct mm_space *s, vaddr_t va);

/* Page faults (SPEC §6): 0 when handled, -EFAULT for a bad access
 * (SIGSEGV), -ENOMEM when no page could be found. */
int mm_handle_fault(struct mm_space *s, vaddr_t addr, bool write);

/*
 * cow_break: replace entry's shared block by one or more new private
 * blocks (possibly from separate free ranges), copy the data and fix the
 * page tables. Returns 0 or -ENOMEM (nothing changed).
 */
int cow_break(struct region_entry *e);

/*
 * For the yielded-block cache. take: unmap the npages pages at addr (all
 * must be mapped, private after cloning shared blocks), store their
 * physical addresses in pages[] and map fresh zeroed pages in their place.
 * give: map pages[] at addr in place of the pages there (which are freed).
 * Both need [addr, +npages) inside anonymous writable regions; take also
 * needs every page present. 0, -EINVAL (alignment, npages 0, wrap, or a
 * PHYS_NONE page for give), -EFAULT (range, protection, not present),
 * -ENOMEM (the contents are then unchanged).
 */
int region_take_pages(struct mm_space *s, vaddr_t addr, size_t npages,
		      paddr_t *pages);
int region_give_pages(struct mm_space *s, vaddr_t addr, size_t npages,
		      const paddr_t *pages);

struct sanity;
/* Mark every space's page tables and blocks; check refcounts and order. */
void mm_spaces_sanity(struct sanity *s);

/* Iterate spaces' regions (for /proc/PID/maps and GDB helpers). */
void mm_space_walk(struct mm_space *s,
		   void (*fn)(const struct region *r, void *arg), void *arg);

#endif
