/*
 * slab_index.h - the slab page index (mm/slab_index.c), private to the
 * slab allocator.
 */
#ifndef MM_SLAB_INDEX_H
#define MM_SLAB_INDEX_H

#include <kernel/types.h>

struct sanity;

/* Forget the index (its pages belong to a phys that was reset too). */
void slab_index_reset(void);
/* Start of the slab page holding p, or NULL; never dereferences p. */
void *slab_index_lookup(const void *p);
/* Make room for one more page (may allocate): false when out of memory.
 * Call before taking the page, since reclaim may free slab pages. */
bool slab_index_reserve(void);
/* Add / remove a slab page's address (room was reserved for adding). */
void slab_index_insert(uintptr_t va);
void slab_index_remove(uintptr_t va);
/* Pages the index itself holds, for the slab's page count. */
size_t slab_index_pages(void);
/* Slab pages listed, and the i-th lowest. */
size_t slab_index_len(void);
uintptr_t slab_index_at(size_t i);
/* Mark the index's own pages, check the order; returns slab_index_len(). */
size_t slab_index_sanity(struct sanity *s);

#endif
