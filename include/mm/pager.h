/*
 * pager.h - how mm/ maps a file's own pages (region_file.c): a file system
 * that keeps whole file pages in memory (ramfs) hands mm a page provider,
 * and mm maps those very pages, so a file has one copy shared by read(),
 * write() and every mapping. mm never looks inside the object; the file
 * system tells mm when pages go away (mm_pager_truncate), before it frees
 * them, so no mapping ever points at a freed page.
 */
#ifndef MM_PAGER_H
#define MM_PAGER_H

#include <kernel/types.h>

struct mm_space;

struct mm_pager_ops {
	/* The physical page holding page idx of the file; with alloc a
	 * hole gets a fresh zeroed page. PHYS_NONE for a hole (no alloc)
	 * or when no memory is left. The page stays the file's until
	 * mm_pager_truncate says otherwise. */
	paddr_t (*page)(void *obj, uint32_t idx, bool alloc);
	/* The file's size in bytes: pages at or past it are not mapped. */
	uint64_t (*size)(void *obj);
	/* A mapping keeps the object (and its pages) alive until put. */
	void (*get)(void *obj);
	void (*put)(void *obj);
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
 * reference on the object (ops->get). 0, -EINVAL, -EEXIST, -EOVERFLOW
 * (file offsets past 4 GiB) or -ENOMEM.
 */
int mm_map_file(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		bool shared, const struct mm_pager *p, uint32_t pgoff);

/* obj shrinks to size bytes: unmap its pages at and past the new end
 * from every mapping (private copies of them too), so that the file
 * system may free them. Call before freeing. */
void mm_pager_truncate(void *obj, uint64_t size);

#endif
