/*
 * pager.h - how mm/ maps a file's own pages (region_file.c): a file system
 * that keeps whole file pages in memory (ramfs's pages, ext2's page cache)
 * hands mm a page provider, and mm maps those very pages, so a file has one
 * copy shared by read(), write() and every mapping. Each PTE mapping a file
 * page holds one pin on it (map / unmap), so the provider never frees or
 * evicts a mapped page. mm never looks inside the object; the file system
 * tells mm when pages go away (mm_pager_truncate), before it frees them, so
 * no mapping ever points at a freed page.
 */
#ifndef MM_PAGER_H
#define MM_PAGER_H

#include <kernel/types.h>

struct mm_space;

struct mm_pager_ops {
	/* Page idx of the file, pinned for one PTE until unmap (a hole gets
	 * a page); writable: the PTE will be a writable shared one (the file
	 * system counts the page as dirty while so mapped). May sleep (disk
	 * I/O). 0, -ENOMEM or -EIO. */
	int (*map)(void *obj, uint32_t idx, bool writable, paddr_t *pa);
	/* Optional: map without sleeping, for populating many pages at once:
	 * 0 and the pinned page as map gives it, or -EAGAIN when that would
	 * need a sleep (not in memory, a lock to wait for); then map. */
	int (*map_cached)(void *obj, uint32_t idx, bool writable, paddr_t *pa);
	/* A PTE of page idx went away (writable as it was mapped). Never
	 * sleeps. */
	void (*unmap)(void *obj, uint32_t idx, bool writable);
	/* The page in memory for idx now, or PHYS_NONE: no pin, no sleep
	 * (the sanity check). */
	paddr_t (*peek)(void *obj, uint32_t idx);
	/* The file's size in bytes: pages at or past it are not mapped. */
	uint64_t (*size)(void *obj);
	/* A mapping keeps the object (and its pages) alive until put. */
	void (*get)(void *obj);
	void (*put)(void *obj);
	/* Optional: write pages [first, last] back to the disk now (msync,
	 * MS_SYNC): 0 or -EIO. */
	int (*writeback)(void *obj, uint32_t first, uint32_t last);
	/* Optional: free pages [first, last] (a hole that reads as zeros;
	 * madvise MADV_REMOVE), after mm_pager_punch. 0 or -errno; NULL:
	 * the file system cannot punch holes (-EOPNOTSUPP). */
	int (*punch)(void *obj, uint32_t first, uint32_t last);
};

struct mm_pager {
	const struct mm_pager_ops *ops;
	void *obj;
};

/*
 * Map [start, +len) of s to the file from page pgoff on: shared (stores
 * reach the file, every process sees them) or private (copy-on-write over
 * the file's pages). Pages come on first touch; access at or past the
 * file's end fails the fault with -ENXIO (SIGBUS). The mapping takes a
 * reference on the object (ops->get). flags: 0 or REGION_NOMAYWRITE (a
 * file not open for writing). 0, -EINVAL, -EEXIST, -EOVERFLOW (file
 * offsets past 4 GiB) or -ENOMEM.
 */
int mm_map_file(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		bool shared, const struct mm_pager *p, uint32_t pgoff,
		unsigned flags);

/* obj shrinks to size bytes: unmap its pages at and past the new end
 * from every mapping (private copies of them too), so that the file
 * system may free them. Call before freeing. */
void mm_pager_truncate(void *obj, uint64_t size);

/* Pages [first, last] of obj are about to be freed (a hole punched):
 * unmap them from every shared mapping and from the private mappings
 * that have not copied them (private copies stay, as Linux's). */
void mm_pager_punch(void *obj, uint32_t first, uint32_t last);

/* msync: write back the file pages of the shared file mappings in
 * [start, +len) of s (the pager's writeback). 0, -ENOMEM if part of the
 * range is not mapped (as Linux), or the first write error. */
int mm_sync_file_range(struct mm_space *s, vaddr_t start, size_t len);

#endif
