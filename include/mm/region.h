/*
 * region.h - address spaces and regions (SPEC §4, §6, §7), the interface
 * of mm/ to the rest of the kernel.
 *
 * An address space is a page directory and an AVL tree of regions keyed by
 * start address. A region is a page-aligned range with a protection and a
 * backend (anonymous, shared, direct physical memory or a file's pages,
 * include/mm/pager.h); the backend's
 * data and its physical blocks are mm's business (mm/region_internal.h).
 * Callers ask about a backend through the region_* query functions below,
 * never by looking at its ops table.
 */
#ifndef MM_REGION_H
#define MM_REGION_H

#include <kernel/types.h>
#include <mm/avl.h>
#include <mm/phys.h>

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
#define REGION_GROWSDOWN 0x1u	/* stack: faults just below extend it */
#define REGION_LOCKED 0x2u	/* mlock: populated, never yielded */
#define REGION_LOCKONFAULT 0x4u /* mlock2 MLOCK_ONFAULT: locked as touched */
#define REGION_DONTFORK 0x8u	/* madvise MADV_DONTFORK: not in a fork child */
#define REGION_WIPEONFORK 0x10u /* MADV_WIPEONFORK: a fork child gets zeros */
/* A shared mapping of a file not open for writing: mprotect may not add
 * PROT_WRITE (-EACCES; Linux's missing VM_MAYWRITE). Given when the
 * mapping is made (mm_map_file, mm_map_shared), never by user advice. */
#define REGION_NOMAYWRITE 0x20u
#define REGION_DONTDUMP 0x40u /* MADV_DONTDUMP: left out of core files */
/* The flags a caller may set and clear on a range (mm_set_flags). */
#define REGION_USER_FLAGS                                       \
	(REGION_LOCKED | REGION_LOCKONFAULT | REGION_DONTFORK | \
	 REGION_WIPEONFORK | REGION_DONTDUMP)

struct mm_space;
struct region_ops;

struct region {
	struct avl_node node; /* in space->regions, keyed by start */
	vaddr_t start;
	size_t len; /* bytes, page multiple */
	unsigned prot;
	unsigned flags;
	const struct region_ops *ops; /* the backend (opaque outside mm/) */
	uintptr_t backend_data;	      /* the backend's own (opaque) */
	vaddr_t grow_limit;	      /* REGION_GROWSDOWN: lowest start */
	uint32_t pgoff; /* page of the backend's object at start (shmem) */
	struct avl_tree entries; /* region entries, keyed by offset */
	struct mm_space *space;
	/* Summary of this region's subtree of space->regions (mm/space_gap.c):
	 * the lowest reserved address of its first region, the end of its
	 * last, and the largest free gap between two of its regions. */
	vaddr_t sub_low, sub_end;
	size_t sub_gap;
};

struct mm_space {
	paddr_t pgdir;
	unsigned users; /* processes using it (CLONE_VM shares it) */
	struct avl_tree regions;
	struct region *last_found; /* mm_find_region's last answer, or NULL;
				    * cleared when it leaves the tree */
	unsigned def_flags; /* region flags new mappings get (mlockall) */
	struct mm_space *next_space; /* list of all spaces, for sanity */
	struct mm_space *prev_space;
};

/* What a backend is, for callers outside mm/. */
/* "anonymous", "shared", "direct" or "file". */
const char *region_backend_name(const struct region *r);
/* Writes reach every mapping of the memory (the 's' of /proc/PID/maps):
 * shared memory and direct physical mappings. */
bool region_is_shared(const struct region *r);
/* A shared memory region that mm_remap can map into another space. */
bool region_can_remap(const struct region *r);
/* The offset column of /proc/PID/maps: the physical address of a direct
 * mapping, 0 for memory with no file or device behind it. */
uint32_t region_map_offset(const struct region *r);

/* Reset the module (boot, and each host test). */
void mm_region_init(void);
/* /proc/sys/vm/max_map_count: a space with more regions gets no new
 * mapping, and one with this many cannot split a region (-ENOMEM). */
extern unsigned mm_max_map_count;

/* Address spaces */
struct mm_space *mm_space_new(void);
void mm_space_destroy(struct mm_space *s);
/* One more process uses s (clone with CLONE_VM). */
void mm_space_get(struct mm_space *s);
/* A process lets go of s (exit, exec); the last one destroys it. The
 * caller has switched to another directory if s was loaded. */
void mm_space_put(struct mm_space *s);
/* Copy-on-write copy of every region (fork). NULL when out of memory. */
struct mm_space *mm_space_fork(struct mm_space *parent);

/* Mapping. start/len must be page aligned and below USER_TOP; the range
 * must be free (-EEXIST otherwise). mm_map_anon takes no flags yet: any
 * is -EINVAL; mm_map_shared takes REGION_NOMAYWRITE (a read-only
 * /dev/zero mapping). */
int mm_map_anon(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		unsigned flags);
/* An anonymous REGION_GROWSDOWN region (a stack) that faults may extend
 * down to grow_limit. */
int mm_map_stack(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		 vaddr_t grow_limit);
int mm_map_shared(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		  unsigned flags);
int mm_map_direct(struct mm_space *s, vaddr_t start, size_t len, paddr_t phys,
		  unsigned prot);
/* Map src's shared region covering [src_addr, +len) into dst (both see
 * each other's writes). -EINVAL unless src is a whole shared region. */
int mm_remap(struct mm_space *dst, vaddr_t dst_addr, struct mm_space *src,
	     vaddr_t src_addr, size_t len);
/*
 * mremap (Linux 6.1's rules): resize [addr, +old_len) to new_len bytes -
 * shrink, grow in place if the room after it is free, else move it
 * (MM_REMAP_MAYMOVE) to the first free range from hint, or with
 * MM_REMAP_FIXED to exactly to (whatever was there is unmapped). *out is
 * the new address. 0, -EINVAL, -EFAULT (the old range is not one
 * mapping, or its backend cannot grow), -ENOMEM (no room).
 */
#define MM_REMAP_MAYMOVE 0x1u
#define MM_REMAP_FIXED 0x2u
int mm_mremap(struct mm_space *s, vaddr_t addr, size_t old_len, size_t new_len,
	      unsigned flags, vaddr_t to, vaddr_t *out);
/* Is no page of [start, +len) mapped? */
bool mm_range_free(struct mm_space *s, vaddr_t start, size_t len);
/* Where the free gap below va begins: the end of the region below it
 * (PAGE_SIZE if none; va if va - 1 is mapped). */
vaddr_t mm_gap_start(struct mm_space *s, vaddr_t va);
/* Is every page of [start, +len) mapped? */
bool mm_range_mapped(struct mm_space *s, vaddr_t start, size_t len);
/* Set and clear REGION_USER_FLAGS on [start, +len) (mlock, munlock,
 * madvise DONTFORK): 0, -EINVAL, -ENOMEM (a hole: nothing changed). */
int mm_set_flags(struct mm_space *s, vaddr_t start, size_t len, unsigned set,
		 unsigned clear);
/* mlockall/munlockall: on every region, and def for regions to come. */
void mm_set_flags_all(struct mm_space *s, unsigned set, unsigned clear,
		      unsigned def);
/* Populate what is accessible in [start, +len) (holes and PROT_NONE
 * skipped): 0 or the fault's error. */
int mm_populate_accessible(struct mm_space *s, vaddr_t start, size_t len);
/* Bytes in locked regions, not counting [skip, skip_end). */
size_t mm_locked_bytes(struct mm_space *s, vaddr_t skip, vaddr_t skip_end);
/* Present pages of locked regions, every space (/proc/meminfo). */
size_t mm_mlocked_pages(void);
/* madvise MADV_DONTNEED (and MADV_FREE with anon_only): drop the private
 * pages of [start, +len); shared memory keeps its data. -EINVAL for a
 * locked region (or, anon_only, one not private anonymous: nothing
 * changed), -ENOMEM if part of the range is not mapped (the rest done). */
int mm_discard(struct mm_space *s, vaddr_t start, size_t len, bool anon_only);
/* madvise MADV_REMOVE: punch [start, +len) out of the shared memory
 * behind it (it reads as zeros after). -EINVAL (locked, or private
 * anonymous), -EACCES (not a shared writable mapping), -EOPNOTSUPP (the
 * backend cannot punch), -ENOMEM (part not mapped; the rest done). */
int mm_punch(struct mm_space *s, vaddr_t start, size_t len);
/* mincore: vec[i] = 1 if page i of start is resident, else 0; -ENOMEM
 * if one is not mapped. */
int mm_mincore(struct mm_space *s, vaddr_t start, size_t npages, uint8_t *vec);
/* msync over [start, end): with sync, shared mappings whose backend
 * has a store are written back; -EBUSY (invalidate of locked memory),
 * -ENOMEM (part not mapped) or the backend's error. */
int mm_msync(struct mm_space *s, vaddr_t start, vaddr_t end, bool sync,
	     bool invalidate);
/* Lowest free gap of len bytes at or above hint (0: MMAP_DEFAULT_BASE);
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
/* Copy n bytes out of s at va, faulting pages in as a read would (a
 * shared copy-on-write page stays shared): 0, -EFAULT or the fault's
 * error (mm/space_access.c). */
int mm_space_read(struct mm_space *s, vaddr_t va, void *dst, size_t n);

struct region *mm_find_region(struct mm_space *s, vaddr_t va);

/* Page faults (SPEC §6): 0 when handled, -EFAULT for a bad access
 * (SIGSEGV), -ENXIO for a file page at or past the file's end (SIGBUS),
 * -ENOMEM when no page could be found. */
int mm_handle_fault(struct mm_space *s, vaddr_t addr, bool write);

/*
 * For the yielded-block cache. take: unmap the npages pages at addr (all
 * must be mapped, private after cloning shared blocks) and store their
 * physical addresses in pages[]; the range is left empty (it reads as
 * zeros, a fresh page per first touch). give: map pages[] at addr in
 * place of the pages there (which are freed).
 * Both need [addr, +npages) inside writable regions whose backend may
 * yield (anonymous memory); take also
 * needs every page present. 0, -EINVAL (alignment, npages 0, wrap, or a
 * PHYS_NONE page for give), -EFAULT (range, protection, not present),
 * -ENOMEM (the contents are then unchanged).
 */
int region_take_pages(struct mm_space *s, vaddr_t addr, size_t npages,
		      paddr_t *pages);
int region_give_pages(struct mm_space *s, vaddr_t addr, size_t npages,
		      const paddr_t *pages);

/*
 * The cache's fast path, for a range inside one region (-EXDEV if it
 * spans regions: use the page-list calls above). take: as
 * region_take_pages, but the range's entries and their blocks leave the
 * region as one tree, out (empty, from region_tree_init), in O(log n)
 * tree work. give: map such a tree of npages pages at addr (what was
 * there is freed) and paste it in; in is left empty. Same errors; on
 * any error nothing changed.
 */
int region_take_tree(struct mm_space *s, vaddr_t addr, size_t npages,
		     struct avl_tree *out);
int region_give_tree(struct mm_space *s, vaddr_t addr, size_t npages,
		     struct avl_tree *in);
/* Such trees outside spaces (mm/yield_tree.c): init, free pages (counted
 * as kind), blocks and entries; flatten into a page list (pages kept,
 * objects freed); sanity (npages pages, marked as cached). */
void region_tree_init(struct avl_tree *t);
void region_tree_free(struct avl_tree *t, enum phys_kind kind);
void region_tree_flatten(struct avl_tree *t, paddr_t *pages);
struct sanity;
void region_tree_sanity(struct sanity *s, const struct avl_tree *t,
			size_t npages);

struct sanity;
/* Mark every space's page tables and blocks; check refcounts and order. */
void mm_spaces_sanity(struct sanity *s);

/* Pages present in s's regions (shared blocks counted in each space). */
size_t mm_space_pages(struct mm_space *s);

/* Bytes covered by s's regions. */
size_t mm_mapped_bytes(struct mm_space *s);

/* Pages of live physical blocks: private (anonymous and private copies
 * of file pages) or shared (MAP_SHARED anonymous memory). */
size_t mm_block_pages(bool shared);

/*
 * What the present pages of a region are (/proc/PID/smaps, Linux's
 * mem_size_stats): byte counts, and proportional set sizes in bytes
 * << MM_PSS_SHIFT (a page mapped n times adds PAGE_SIZE / n). Shared
 * means mapped more than once; anonymous pages are private memory with
 * no file or shared memory behind them. mm_region_usage adds r's pages
 * to *u (zero it first; several regions sum, as smaps_rollup does).
 */
#define MM_PSS_SHIFT 12
struct region_usage {
	size_t resident, referenced, anonymous;
	size_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t pss, pss_dirty, pss_anon, pss_file, pss_shmem, pss_locked;
};
void mm_region_usage(const struct region *r, struct region_usage *u);

/* /proc/PID/pagemap (Linux's bits): the entries of the n pages from va
 * of s into out: present, the page frame number only with show_pfn, a
 * file or shared memory page, mapped by this PTE alone. 0 for a page
 * not present or not mapped. */
#define MM_PM_PRESENT (1ull << 63)
#define MM_PM_SWAP (1ull << 62)
#define MM_PM_FILE (1ull << 61)
#define MM_PM_EXCLUSIVE (1ull << 56)
void mm_pagemap(struct mm_space *s, vaddr_t va, size_t n, uint64_t *out,
		bool show_pfn);

/* Iterate spaces' regions (for /proc/PID/maps and GDB helpers). */
void mm_space_walk(struct mm_space *s,
		   void (*fn)(const struct region *r, void *arg), void *arg);

#endif
