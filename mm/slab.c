/*
 * slab.c - the kernel object allocator (SPEC §3).
 *
 * Power-of-two size classes from 16 to 2048 bytes. Each slab is one page
 * with its header at the start and objects aligned to their size after it.
 * Pages with free objects sit on a per-class partial list (allocation is
 * O(1)); at most one empty page per class is kept, others go back to phys.
 *
 * Sanity mode (MM_SANITY): slab pages get their own mapping (arch_slab_map)
 * and stay read-only; the allocator itself and USE() scopes make a page
 * writable with a per-page nesting count kept in the header. Objects hold
 * SLAB_JUNK_FREE while free, checked at the next allocation.
 *
 * The page index (slab_index.c) lets any pointer be checked without
 * touching memory that may not be mapped: the page-fault handler asks
 * slab_describe() about arbitrary addresses.
 */
#include <arch/hooks.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/fail.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include "slab_index.h"

#define SLAB_MAGIC 0x51ab0bcdu
#define SLAB_MIN_SHIFT 4
#define SLAB_MAX_SHIFT 11
#define SLAB_NCLASSES (SLAB_MAX_SHIFT - SLAB_MIN_SHIFT + 1)
#define SLAB_MAP_WORDS 8 /* 256 bits: enough for 16-byte objects */

struct slab_page {
	uint32_t magic;
	uint8_t cls;   /* size class index */
	uint8_t shift; /* log2 of the object size */
	uint16_t nobj; /* objects in the page */
	uint16_t inuse;
	uint16_t first;	     /* offset of object 0 */
	uint16_t on_partial; /* on partial[cls] */
	uint16_t writers;    /* nesting count of USE() scopes (sanity mode) */
	paddr_t pa;
	struct slab_page *next, *prev; /* partial list */
	uint32_t map[SLAB_MAP_WORDS];  /* allocation bitmap */
};

static struct slab_page *partial[SLAB_NCLASSES];
static struct slab_page *empty[SLAB_NCLASSES];
static size_t nr_pages, nr_objects;

void slab_init(void)
{
	/* Pages of a previous run belong to a phys that was reset too. */
	memset(partial, 0, sizeof(partial));
	memset(empty, 0, sizeof(empty));
	slab_index_reset();
	nr_pages = nr_objects = 0;
}

/* The class of size: log2 of the power of two that holds it, from 16. */
static int size_class(size_t size)
{
	if (size == 0 || size > SLAB_MAX_OBJ)
		return -1;
	if (size <= (1u << SLAB_MIN_SHIFT))
		return 0;
	return 32 - __builtin_clz((unsigned)size - 1) - SLAB_MIN_SHIFT;
}

static inline void *obj_addr(const struct slab_page *sp, unsigned i)
{
	return (char *)sp + sp->first + ((size_t)i << sp->shift);
}

static inline size_t obj_size(const struct slab_page *sp)
{
	return (size_t)1 << sp->shift;
}

static inline bool bit_test(const struct slab_page *sp, unsigned i)
{
	return sp->map[i / 32] & (1u << (i % 32));
}

/* --- page protection ------------------------------------------------- */

/* Make sp writable for the caller; nests with USE() scopes. */
static void page_open(struct slab_page *sp)
{
#if MM_SANITY
	if (sp->writers == 0)
		arch_page_set_writable(sp, true);
	BUG_ON(sp->writers == 0xffff);
	sp->writers++;
#else
	(void)sp;
#endif
}

static void page_close(struct slab_page *sp)
{
#if MM_SANITY
	BUG_ON(sp->writers == 0);
	if (--sp->writers == 0)
		arch_page_set_writable(sp, false);
#else
	(void)sp;
#endif
}

/* The slab page holding p, or NULL; never dereferences p. */
static struct slab_page *page_lookup(const void *p)
{
	return slab_index_lookup(p);
}

/* --- partial lists --------------------------------------------------- */

static void list_add(struct slab_page *sp)
{
	struct slab_page *head = partial[sp->cls];

	page_open(sp);
	sp->prev = NULL;
	sp->next = head;
	sp->on_partial = 1;
	page_close(sp);
	if (head) {
		page_open(head);
		head->prev = sp;
		page_close(head);
	}
	partial[sp->cls] = sp;
}

static void list_del(struct slab_page *sp)
{
	struct slab_page *prev = sp->prev, *next = sp->next;

	if (prev) {
		page_open(prev);
		prev->next = next;
		page_close(prev);
	} else {
		partial[sp->cls] = next;
	}
	if (next) {
		page_open(next);
		next->prev = prev;
		page_close(next);
	}
	page_open(sp);
	sp->next = sp->prev = NULL;
	sp->on_partial = 0;
	page_close(sp);
}

/* --- page life cycle ------------------------------------------------- */

static void page_format(struct slab_page *sp, paddr_t pa, unsigned cls)
{
	unsigned shift = cls + SLAB_MIN_SHIFT;
	size_t size = (size_t)1 << shift;
	size_t first = (sizeof(*sp) + size - 1) & ~(size - 1);

	memset(sp, 0, sizeof(*sp));
	sp->magic = SLAB_MAGIC;
	sp->cls = (uint8_t)cls;
	sp->shift = (uint8_t)shift;
	sp->first = (uint16_t)first;
	sp->nobj = (uint16_t)((PAGE_SIZE - first) >> shift);
	sp->pa = pa;
#if MM_SANITY
	memset((char *)sp + first, SLAB_JUNK_FREE, (size_t)sp->nobj << shift);
	arch_page_set_writable(sp, false);
#endif
}

static void page_release(struct slab_page *sp)
{
	paddr_t pa = sp->pa;

	slab_index_remove((uintptr_t)sp);
	nr_pages--;
#if MM_SANITY
	arch_slab_unmap(sp);
#endif
	phys_free(pa, 1, PHYS_KERNEL);
}

/* sp has no objects left: cache it as the class's empty page or free it. */
static void page_now_empty(struct slab_page *sp)
{
	if (sp->writers) {
		/* Held open by a USE() of a neighbour: keep it listed. */
		if (!sp->on_partial)
			list_add(sp);
		return;
	}
	if (sp->on_partial)
		list_del(sp);
	if (!empty[sp->cls])
		empty[sp->cls] = sp;
	else
		page_release(sp);
}

/*
 * Give every cached empty page back to phys, so that page counts taken
 * before and after a test (leak checks) do not depend on the cache.
 */
void slab_trim(void)
{
	for (unsigned c = 0; c < SLAB_NCLASSES; c++) {
		struct slab_page *sp = empty[c];
		if (sp) {
			empty[c] = NULL;
			page_release(sp);
		}
	}
}

/* Add a fresh empty page to class cls. False when out of memory. */
static bool slab_grow(unsigned cls)
{
	paddr_t pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	struct slab_page *sp;

	if (pa == PHYS_NONE)
		return false;
	/* After the page: reclaim inside phys_alloc may shrink the index. */
	if (!slab_index_reserve()) {
		phys_free(pa, 1, PHYS_KERNEL);
		return false;
	}
#if MM_SANITY
	sp = arch_slab_map(pa);
#else
	sp = arch_phys_to_virt(pa);
#endif
	page_format(sp, pa, cls);
	slab_index_insert((uintptr_t)sp);
	nr_pages++;
	page_now_empty(sp);
	return true;
}

/* --- pointer checks -------------------------------------------------- */

/*
 * The slab page of object p, checking magic and alignment (not the
 * allocation bit); *idx gets the object number. Panics naming p.
 */
static struct slab_page *obj_page(const void *p, const char *op, unsigned *idx)
{
	/* Release build: the header starts p's page (magic checked below);
	 * sanity mode looks p up in the index without touching it. */
	struct slab_page *sp =
	    MM_SANITY ? page_lookup(p)
		      : (void *)((uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1));
	size_t off;

	if (!sp)
		panic("slab: %s of %p, which is not in a slab page", op, p);
	if (sp->magic != SLAB_MAGIC)
		panic("slab: %s of %p: slab page header corrupted (magic %#x)",
		      op, p, sp->magic);
	off = (size_t)((uintptr_t)p - (uintptr_t)sp);
	if (off < sp->first || ((off - sp->first) & (obj_size(sp) - 1)) ||
	    ((off - sp->first) >> sp->shift) >= sp->nobj)
		panic("slab: %s of %p, which is not the start of a %zu-byte "
		      "object",
		      op, p, obj_size(sp));
	*idx = (unsigned)((off - sp->first) >> sp->shift);
	return sp;
}

/* Full check: also the allocation bit. */
static struct slab_page *obj_check(const void *p, const char *op)
{
	unsigned i;
	struct slab_page *sp = obj_page(p, op, &i);

	if (!bit_test(sp, i))
		panic("slab: %s of %p, a %zu-byte object that is not allocated",
		      op, p, obj_size(sp));
	return sp;
}

/* Page-level check for pointers into objects. */
static struct slab_page *any_page(const void *p, const char *op)
{
	struct slab_page *sp = page_lookup(p);

	if (!sp)
		panic("slab: %s of %p, which is not in a slab page", op, p);
	if (sp->magic != SLAB_MAGIC)
		panic("slab: %s of %p: slab page header corrupted (magic %#x)",
		      op, p, sp->magic);
	return sp;
}

/* True when the object still holds SLAB_JUNK_FREE everywhere. */
static bool junk_intact(const void *obj, size_t size)
{
	const uint32_t *w = obj;
	const uint32_t junk = 0x01010101u * SLAB_JUNK_FREE;

	for (size_t i = 0; i < size / sizeof(*w); i++)
		if (w[i] != junk)
			return false;
	return true;
}

/* --- allocation ------------------------------------------------------ */

static unsigned first_free(const struct slab_page *sp)
{
	for (unsigned w = 0; w < SLAB_MAP_WORDS; w++)
		if (~sp->map[w]) {
			unsigned i =
			    w * 32 + (unsigned)__builtin_ctz(~sp->map[w]);
			BUG_ON(i >= sp->nobj);
			return i;
		}
	panic("slab: page %p on a free list has no free object", sp);
}

void *slab_alloc(size_t size)
{
	int cls = size_class(size);
	struct slab_page *sp;
	unsigned i;
	void *obj;

	if (cls < 0 || fail_now(FAIL_SLAB))
		return NULL;
	while (!(sp = partial[cls] ? partial[cls] : empty[cls]))
		if (!slab_grow((unsigned)cls))
			return NULL;
	i = first_free(sp);
	obj = obj_addr(sp, i);
	/* Checked before any change, so the state survives the panic. */
	if (MM_SANITY && !junk_intact(obj, obj_size(sp)))
		panic("slab: object %p modified after free", obj);
	if (sp == empty[cls])
		empty[cls] = NULL;
	page_open(sp);
	sp->map[i / 32] |= 1u << (i % 32);
	sp->inuse++;
	if (MM_SANITY)
		memset(obj, SLAB_JUNK_ALLOC, obj_size(sp));
	page_close(sp);
	nr_objects++;
	if (sp->inuse == sp->nobj) {
		if (sp->on_partial)
			list_del(sp);
	} else if (!sp->on_partial) {
		list_add(sp);
	}
	return obj;
}

void *slab_zalloc(size_t size)
{
	void *p = slab_alloc(size);
	struct slab_page *sp;

	if (p) {
		sp = page_lookup(p);
		page_open(sp);
		memset(p, 0, size);
		page_close(sp);
	}
	return p;
}

void slab_free(void *p, size_t size)
{
	int cls = size_class(size);
	struct slab_page *sp;
	unsigned i;

	if (!p)
		panic("slab: free of a NULL pointer (size %zu)", size);
	sp = obj_page(p, "free", &i);
	if (cls != sp->cls)
		panic("slab: free of %p with size %zu, but it is a %zu-byte "
		      "object",
		      p, size, obj_size(sp));
	if (!bit_test(sp, i))
		panic("slab: double free of %p (%zu-byte object)", p,
		      obj_size(sp));
	page_open(sp);
	sp->map[i / 32] &= ~(1u << (i % 32));
	sp->inuse--;
	if (MM_SANITY)
		memset(p, SLAB_JUNK_FREE, obj_size(sp));
	page_close(sp);
	nr_objects--;
	if (sp->inuse == 0)
		page_now_empty(sp);
	else if (!sp->on_partial)
		list_add(sp);
}

/* --- USE() and friends ----------------------------------------------- */

void slab_unprotect(const void *p)
{
	if (MM_SANITY)
		page_open(obj_check(p, "USE"));
}

/* Close one level opened on sp; panics when nothing is open. */
static void page_reprotect(struct slab_page *sp, const void *p)
{
#if MM_SANITY
	if (sp->writers == 0)
		panic("slab: protect of %p without a matching unprotect", p);
	page_close(sp);
#else
	(void)sp;
	(void)p;
#endif
}

void slab_protect(const void *p)
{
	if (MM_SANITY)
		page_reprotect(any_page(p, "protect"), p);
}

void slab_unprotect_any(const void *p)
{
	if (MM_SANITY)
		page_open(any_page(p, "unprotect"));
}

void slab_protect_any(const void *p)
{
	if (MM_SANITY)
		page_reprotect(any_page(p, "protect"), p);
}

/* --- reporting ------------------------------------------------------- */

bool slab_describe(const void *addr, char *buf, size_t size)
{
	const struct slab_page *sp = page_lookup(addr);
	size_t off, i;

	if (!sp)
		return false;
	off = (size_t)((uintptr_t)addr - (uintptr_t)sp);
	if (sp->magic != SLAB_MAGIC) {
		snprintk(buf, size, "slab page %p with a corrupted header", sp);
	} else if (off < sp->first) {
		snprintk(buf, size,
			 "header of slab page %p (%zu-byte objects, page %#x)",
			 sp, obj_size(sp), sp->pa);
	} else if ((i = (off - sp->first) >> sp->shift) >= sp->nobj) {
		snprintk(buf, size, "unused tail of slab page %p (page %#x)",
			 sp, sp->pa);
	} else {
		snprintk(
		    buf, size, "slab object %p+%zu (size %zu, %s) in page %#x",
		    obj_addr(sp, (unsigned)i),
		    off - sp->first - (i << sp->shift), obj_size(sp),
		    bit_test(sp, (unsigned)i) ? "allocated" : "free", sp->pa);
	}
	return true;
}

void slab_get_stats(struct slab_stats *st)
{
	st->pages = nr_pages + slab_index_pages();
	st->objects = nr_objects;
}

/* --- sanity ---------------------------------------------------------- */

static unsigned popcount32(uint32_t w)
{
	unsigned n = 0;

	for (; w; w &= w - 1)
		n++;
	return n;
}

static void sanity_layout(struct sanity *s, const struct slab_page *sp)
{
	size_t size, first;

	if (sp->cls >= SLAB_NCLASSES || sp->shift != sp->cls + SLAB_MIN_SHIFT)
		sanity_fail(s, "slab page %p: bad size class %u", sp, sp->cls);
	size = obj_size(sp);
	first = (sizeof(*sp) + size - 1) & ~(size - 1);
	if (sp->first != first || sp->nobj != (PAGE_SIZE - first) / size)
		sanity_fail(s,
			    "slab page %p: bad layout (first %u, %u objects)",
			    sp, sp->first, sp->nobj);
}

/* Bitmap: count matches, no bits past the last object. */
static void sanity_bitmap(struct sanity *s, const struct slab_page *sp)
{
	unsigned n = 0;

	for (unsigned w = 0; w < SLAB_MAP_WORDS; w++) {
		int valid = (int)sp->nobj - (int)w * 32;
		uint32_t mask = valid >= 32  ? ~0u
				: valid <= 0 ? 0
					     : (1u << valid) - 1;
		if (sp->map[w] & ~mask)
			sanity_fail(s, "slab page %p: bits set past object %u",
				    sp, sp->nobj);
		n += popcount32(sp->map[w]);
	}
	if (n != sp->inuse)
		sanity_fail(s, "slab page %p: bitmap has %u objects, header %u",
			    sp, n, sp->inuse);
}

static void sanity_page(struct sanity *s, const struct slab_page *sp)
{
	if (sp->magic != SLAB_MAGIC)
		sanity_fail(s, "slab page %p: bad magic %#x", sp, sp->magic);
	sanity_mark(s, sp->pa, 1, "slab");
	sanity_layout(s, sp);
	sanity_bitmap(s, sp);
	if (sp->writers)
		sanity_fail(s, "slab page %p: still writable (%u USE scopes)",
			    sp, sp->writers);
	if (!MM_SANITY && arch_virt_to_phys(sp) != sp->pa)
		sanity_fail(s, "slab page %p: header says page %#x", sp,
			    sp->pa);
	for (unsigned i = 0; MM_SANITY && i < sp->nobj; i++)
		if (!bit_test(sp, i) &&
		    !junk_intact(obj_addr(sp, i), obj_size(sp)))
			sanity_fail(s, "slab object %p modified after free",
				    obj_addr(sp, i));
}

/* Partial lists: linked right, each page in one place. */
static size_t sanity_lists(struct sanity *s)
{
	size_t listed = 0;

	for (unsigned c = 0; c < SLAB_NCLASSES; c++) {
		const struct slab_page *prev = NULL, *sp;
		for (sp = partial[c]; sp; prev = sp, sp = sp->next) {
			if (page_lookup(sp) != sp || sp->cls != c ||
			    !sp->on_partial || sp->prev != prev ||
			    sp->inuse == sp->nobj || sp == empty[c])
				sanity_fail(s,
					    "slab: partial list %u broken "
					    "at page %p",
					    c, sp);
			if (++listed > nr_pages)
				sanity_fail(s, "slab: partial list loops");
		}
		sp = empty[c];
		if (sp && (page_lookup(sp) != sp || sp->cls != c || sp->inuse ||
			   sp->on_partial))
			sanity_fail(s, "slab: bad empty page %p in class %u",
				    sp, c);
	}
	return listed;
}

void slab_sanity(struct sanity *s)
{
	size_t objects = 0, listed = 0;

	if (slab_index_sanity(s) != nr_pages)
		sanity_fail(s, "slab: index holds %zu pages, counted %zu",
			    slab_index_len(), nr_pages);
	for (size_t i = 0; i < nr_pages; i++) {
		const struct slab_page *sp = (const void *)slab_index_at(i);

		sanity_page(s, sp);
		if (!sp->on_partial && sp->inuse < sp->nobj &&
		    sp != empty[sp->cls])
			sanity_fail(s,
				    "slab page %p has free objects but is "
				    "on no list",
				    sp);
		objects += sp->inuse;
		listed += sp->on_partial;
	}
	if (objects != nr_objects)
		sanity_fail(s, "slab: pages hold %zu objects, counted %zu",
			    objects, nr_objects);
	if (sanity_lists(s) != listed)
		sanity_fail(s,
			    "slab: %zu pages flagged partial, not all listed",
			    listed);
}
