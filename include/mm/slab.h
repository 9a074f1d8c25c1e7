/*
 * slab.h - kernel object allocator (SPEC §3).
 *
 * Size classes from 16 to 2048 bytes; each slab is one page with a header
 * (magic, size class, allocation bitmap) at its start. In sanity mode
 * (MM_SANITY=1, on in the tests) slab pages are mapped read-only: an object
 * may be written only inside USE(obj, code), which validates the pointer
 * (header magic, alignment to the class, allocation bit) and makes the page
 * writable for the duration. Allocation fills objects with SLAB_JUNK_ALLOC,
 * free with SLAB_JUNK_FREE; double free and writes to freed objects are
 * reported by panic.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <kernel/types.h>

#ifndef MM_SANITY
#define MM_SANITY 1
#endif

#define SLAB_MAX_OBJ 2048u
#define SLAB_JUNK_ALLOC 0xA5
#define SLAB_JUNK_FREE 0xDE

void slab_init(void);

/* Returns junk-filled memory (sanity mode) or NULL when out of memory. */
void *slab_alloc(size_t size);
void slab_free(void *p, size_t size);

/* Like slab_alloc, but zero-filled (writes done internally). */
void *slab_zalloc(size_t size);

/* Unprotect (make writable) / protect again (read-only) the slab page
 * holding object p; nests per page. USE() brackets code with these. */
void slab_unprotect(const void *p);
void slab_protect(const void *p);
/* Same, for a pointer into an object (AVL nodes, fields): checks only that
 * it lies in a slab page. */
void slab_unprotect_any(const void *p);
void slab_protect_any(const void *p);

#if MM_SANITY
#define USE(obj, code)               \
	do {                         \
		slab_unprotect(obj); \
		code;                \
		slab_protect(obj);   \
	} while (0)
#else
#define USE(obj, code) \
	do {           \
		code;  \
	} while (0)
#endif

#define SLAB_FREE(p) slab_free((p), sizeof(*(p)))

/*
 * If addr lies in a slab page, describe the object it falls in ("slab
 * object 0xf0001040 (size 64, allocated) in page 0x..."), for the page
 * fault handler's message on a write outside USE(). False otherwise.
 */
bool slab_describe(const void *addr, char *buf, size_t size);

/* Release the cached empty pages (before counting pages for leak checks). */
void slab_trim(void);

struct slab_stats {
	size_t pages;	/* pages owned by the slab allocator */
	size_t objects; /* live objects */
};
void slab_get_stats(struct slab_stats *st);

struct sanity;
/* Mark every slab page with the sanity checker and verify headers. */
void slab_sanity(struct sanity *s);

#endif
