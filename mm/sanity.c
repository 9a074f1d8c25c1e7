/*
 * sanity.c - the memory sanity checker (SPEC §3).
 *
 * mm_sanity_check() gives every physical page one byte naming its owner (an
 * index into a small table of owner names; 0 = nobody), in pages borrowed
 * from phys for the duration of the check. Free ranges, slab pages, address
 * spaces, the yielded-block cache and every registered owner then claim
 * their pages. A page claimed twice panics naming both owners; a page phys
 * counts but nobody claims is a leak.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include <mm/ycache.h>

#define SANITY_MAX_OWNERS 256 /* index 0 means "nobody" */

struct sanity {
	uint8_t *owner; /* owner index of each page */
	size_t npages;	/* pages covered by owner[] */
	paddr_t map_pa; /* the pages holding owner[] */
	size_t map_pages;
	size_t marked; /* pages claimed, free ones included */
	size_t free;   /* pages claimed as free */
	size_t lo, hi; /* lowest and highest page claimed */
	const char *names[SANITY_MAX_OWNERS];
	unsigned nnames; /* names[1..nnames] are used */
	unsigned last;	 /* index of the last name looked up */
};

static struct sanity checker;
static struct sanity_owner *owners;
static char fail_buf[256];

void sanity_register(struct sanity_owner *o)
{
	for (struct sanity_owner *p = owners; p; p = p->next)
		if (p == o)
			return;
	o->next = owners;
	owners = o;
}

void sanity_unregister(struct sanity_owner *o)
{
	for (struct sanity_owner **pp = &owners; *pp; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			o->next = NULL;
			return;
		}
}

static void map_release(struct sanity *s)
{
	if (s->map_pages)
		phys_free(s->map_pa, s->map_pages, PHYS_KERNEL);
	s->map_pages = 0;
	s->owner = NULL;
}

void sanity_fail(struct sanity *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintk(fail_buf, sizeof(fail_buf), fmt, ap);
	va_end(ap);
	/* Give the map back first: host tests go on after the panic. */
	if (s && s->owner)
		map_release(s);
	panic("sanity: %s", fail_buf);
}

/* Index of owner in the name table, adding it on first use. */
static unsigned owner_index(struct sanity *s, const char *owner)
{
	unsigned i;

	if (s->last && s->names[s->last] == owner)
		return s->last;
	for (i = 1; i <= s->nnames; i++)
		if (s->names[i] == owner || !strcmp(s->names[i], owner))
			break;
	if (i > s->nnames) {
		if (i >= SANITY_MAX_OWNERS)
			sanity_fail(s, "more than %d owner names (at %s)",
				    SANITY_MAX_OWNERS - 1, owner);
		s->names[i] = owner;
		s->nnames = i;
	}
	s->last = i;
	return i;
}

void sanity_mark(struct sanity *s, paddr_t pa, size_t npages, const char *owner)
{
	size_t first = pa >> PAGE_SHIFT;
	unsigned idx;

	if (!s || !s->owner)
		panic("sanity: %s marks pages outside a check", owner);
	idx = owner_index(s, owner);
	if (!PAGE_ALIGNED(pa))
		sanity_fail(s, "%s claims unaligned address %#x", owner, pa);
	if (first > s->npages || npages > s->npages - first)
		sanity_fail(s,
			    "page %#x (+%zu) claimed by %s is beyond the "
			    "checked memory",
			    pa, npages, owner);
	for (size_t p = first; p < first + npages; p++) {
		if (s->owner[p])
			sanity_fail(s, "page 0x%x claimed by %s but already %s",
				    (paddr_t)(p << PAGE_SHIFT), owner,
				    s->names[s->owner[p]]);
		s->owner[p] = (uint8_t)idx;
	}
	if (npages) {
		s->lo = MIN(s->lo, first);
		s->hi = MAX(s->hi, first + npages - 1);
	}
	s->marked += npages;
}

static void find_top(paddr_t start, size_t npages, void *arg)
{
	size_t *top = arg;

	*top = MAX(*top, (size_t)(start >> PAGE_SHIFT) + npages);
}

/* Borrow zeroed pages for owner[]: one byte per page of memory. False
 * when no pages could be had: the check cannot run. */
static bool map_alloc(struct sanity *s)
{
	size_t top = arch_direct_map_limit() >> PAGE_SHIFT;

	/* Free memory above the direct mapping would still be checked. */
	phys_walk_free(find_top, &top);
	memset(s, 0, sizeof(*s));
	s->lo = ~(size_t)0;
	s->npages = top;
	s->map_pages = PAGE_ROUND_UP(top) >> PAGE_SHIFT;
	s->map_pa = phys_alloc(s->map_pages, PHYS_ANY, PHYS_KERNEL);
	if (s->map_pa == PHYS_NONE) {
		s->map_pages = 0;
		return false;
	}
	s->owner = arch_phys_to_virt(s->map_pa);
	memset(s->owner, 0, s->npages);
	return true;
}

static void mark_free(paddr_t start, size_t npages, void *arg)
{
	struct sanity *s = arg;

	sanity_mark(s, start, npages, "free");
	s->free += npages;
}

/*
 * An unclaimed page to name as leaked: first inside the claimed span, then
 * just above it, then just below it (holes sit around RAM, leaks next to
 * claimed pages). 0 if none.
 */
static size_t find_unowned(const struct sanity *s)
{
	for (size_t p = s->lo; p < s->hi; p++)
		if (!s->owner[p])
			return p;
	for (size_t p = s->hi + 1; p < s->npages; p++)
		if (!s->owner[p])
			return p;
	for (size_t p = s->lo; p-- > 1;)
		if (!s->owner[p])
			return p;
	return 0;
}

/*
 * Every page phys counts must be claimed. phys does not say which pages it
 * was given, so holes cannot be told from leaks by address; the count is
 * exact, the page named is a best guess (find_unowned).
 */
static void check_totals(struct sanity *s)
{
	struct phys_stats st;
	size_t leak;

	phys_get_stats(&st);
	if (s->free != st.free)
		sanity_fail(s, "free ranges hold %zu pages but phys counts %zu",
			    s->free, st.free);
	if (s->marked > st.total)
		sanity_fail(s, "%zu pages claimed but phys has only %zu",
			    s->marked, st.total);
	if (s->marked == st.total)
		return;
	leak = find_unowned(s);
	if (leak)
		sanity_fail(s,
			    "page 0x%x is neither free nor owned (leak; %zu "
			    "pages unaccounted)",
			    (paddr_t)(leak << PAGE_SHIFT),
			    st.total - s->marked);
	sanity_fail(s, "%zu pages are neither free nor owned (leak)",
		    st.total - s->marked);
}

long mm_sanity_check(void)
{
	struct sanity *s = &checker;
	size_t used;

	if (!map_alloc(s))
		return -ENOMEM;
	sanity_mark(s, s->map_pa, s->map_pages, "sanity bitmap");
	if (!phys_check())
		sanity_fail(s, "the free range tree is broken");
	phys_walk_free(mark_free, s);
	slab_sanity(s);
	mm_spaces_sanity(s);
	ycache_sanity(s);
	for (struct sanity_owner *o = owners; o; o = o->next)
		o->walk(s);
	check_totals(s);
	used = s->marked - s->free - s->map_pages;
	map_release(s);
	return (long)used;
}
