/*
 * sanity.h - the memory sanity checker (SPEC §3).
 *
 * Every owner of physical memory marks its pages in one bitmap. A page
 * claimed twice, or used and free at once, panics naming both owners.
 * Owners call sanity_mark() from their own walk function.
 */
#ifndef MM_SANITY_H
#define MM_SANITY_H

#include <kernel/types.h>

struct sanity;

/* Claim pages [pa, pa + npages pages) for owner (a static string). */
void sanity_mark(struct sanity *s, paddr_t pa, size_t npages,
		 const char *owner);
/* Report a broken invariant found by a walker (panics). */
void sanity_fail(struct sanity *s, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/*
 * An owner of physical memory outside mm's own structures (the kernel
 * image, boot modules, the file system's buffers) registers a walker.
 */
struct sanity_owner {
	const char *name;
	void (*walk)(struct sanity *s);
	struct sanity_owner *next;
};
/* Registering an owner already registered does nothing. */
void sanity_register(struct sanity_owner *o);
/* Remove a registered owner (host tests; no-op if not registered). */
void sanity_unregister(struct sanity_owner *o);

/*
 * Run the whole check: free ranges, slab pages, page directories and
 * tables, physical blocks (once however shared, with reference counts
 * checked), cached blocks and registered owners. Also checks that every
 * page phys counts (total) is either free or owned: an allocated page no
 * walker claims is a leak. Panics on error; returns the number of pages
 * found in use (the checker's own temporary page map not included), or
 * -ENOMEM when the pages for its map cannot be had (nothing checked).
 */
long mm_sanity_check(void);

#endif
