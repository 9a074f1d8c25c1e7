/*
 * region_file.c - the file backend (mmap of a file whose pages a pager
 * provides, include/mm/pager.h). The region's PTEs point at the file's own
 * pages, with no blocks or entries: the file system owns and accounts
 * them, and a mapping only keeps the file alive. A shared mapping maps
 * them writable (stores are the file's data); a private one maps them
 * read-only and a write copies the page into a private anonymous block
 * (an entry, copy-on-write with fork children like anonymous memory).
 *
 * Invariants: a PTE outside an entry maps exactly the file's page for its
 * offset, below the file's end, with file_pte_flags(); fork copies only
 * the entries (the child faults file pages in again); the file_map is
 * shared by every region cut from one mmap (split, fork) and its refs
 * counts them.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include <mm/pager.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include "region_internal.h"

/* One mmap of a file, shared by the regions cut from it. */
struct file_map {
	struct mm_pager pager;
	vaddr_t vbase; /* where file offset 0 would be (mod 2^32) */
	uint32_t refs; /* regions using it */
	struct file_map *next, *prev; /* every map, for truncate */
};

static struct file_map *all_maps;

/* Boot and host tests: the old maps went with the reset memory. */
void region_file_init(void)
{
	all_maps = NULL;
}

static const struct region_ops file_shared_ops, file_private_ops;

static struct file_map *map_of(const struct region *r)
{
	return (struct file_map *)r->backend_data;
}

static bool is_file_region(const struct region *r)
{
	return r->ops == &file_shared_ops || r->ops == &file_private_ops;
}

/* The file page behind page va of r. */
static uint32_t page_idx(const struct file_map *m, vaddr_t va)
{
	return (uint32_t)(va - m->vbase) / PAGE_SIZE;
}

/* Is page idx at or past the file's end? */
static bool past_end(const struct file_map *m, uint32_t idx)
{
	return (uint64_t)idx * PAGE_SIZE >= m->pager.ops->size(m->pager.obj);
}

/* A file page's PTE: user, writable only in a writable shared mapping. */
static unsigned file_pte_flags(const struct region *r)
{
	if (!(r->prot & PROT_RWX))
		return 0;
	if ((r->ops->flags & REGION_OPS_SHARED) && (r->prot & PROT_WRITE))
		return PTE_P | PTE_U | PTE_W;
	return PTE_P | PTE_U;
}

/* One more region uses m (fork, split). */
static void map_get(struct file_map *m)
{
	USE(m, m->refs++);
}

/* A region let go of m; the last one drops the file. */
static void map_put(struct file_map *m)
{
	BUG_ON(m->refs == 0);
	USE(m, m->refs--);
	if (m->refs)
		return;
	if (m->prev)
		USE(m->prev, m->prev->next = m->next);
	else
		all_maps = m->next;
	if (m->next)
		USE(m->next, m->next->prev = m->prev);
	m->pager.ops->put(m->pager.obj);
	SLAB_FREE(m);
}

/* A private write: copy file page src into a new private block at va;
 * the entry's PTE replaces the file page's (whose pin goes). */
static int private_copy(struct region *r, vaddr_t va, paddr_t src)
{
	struct file_map *m = map_of(r);
	struct region_entry *list;
	paddr_t old;
	unsigned flags;
	bool had = pt_lookup(region_pgdir(r), va, &old, &flags);

	list = block_alloc_runs(1, 1, BLOCK_COW, false);
	if (!list)
		return -ENOMEM;
	if (pt_prepare(region_pgdir(r), va, 1)) {
		entry_free_unattached(list, true);
		return -ENOMEM;
	}
	memcpy(arch_phys_to_virt(list->block->pa), arch_phys_to_virt(src),
	       PAGE_SIZE);
	entry_attach_list(r, list, va - r->start);
	if (had)
		m->pager.ops->unmap(m->pager.obj, page_idx(m, va),
				    flags & PTE_W);
	return 0;
}

/* After the pager slept: the region at va if it is still a file region
 * of m with nothing mapped at va, inside the file; else NULL (the caller
 * lets the access fault again). */
static struct region *still_mapped(struct mm_space *s, struct file_map *m,
				   vaddr_t va)
{
	struct region *r = mm_find_region(s, va);
	paddr_t pa;
	unsigned flags;

	if (!r || !is_file_region(r) || map_of(r) != m ||
	    entry_find(r, va - r->start) ||
	    pt_lookup(region_pgdir(r), va, &pa, &flags) ||
	    past_end(m, page_idx(m, va)) || !(r->prot & PROT_RWX))
		return NULL;
	return r;
}

/*
 * Page va has no PTE: pin the file's page (the pager may sleep, and the
 * space may change meanwhile: the map is held and the region found
 * again), then map it, or for a private write copy it.
 */
static int file_map_page(struct region *r, vaddr_t va, uint32_t idx, bool write)
{
	struct file_map *m = map_of(r);
	struct mm_space *s = r->space;
	bool copy = write && !(r->ops->flags & REGION_OPS_SHARED);
	bool w = !copy && (file_pte_flags(r) & PTE_W);
	paddr_t pa;
	int err;

	map_get(m);
	err = m->pager.ops->map(m->pager.obj, idx, w, &pa);
	if (err) {
		map_put(m);
		return err;
	}
	r = still_mapped(s, m, va);
	if (r && copy) {
		err = private_copy(r, va, pa);
		r = NULL; /* the pin was only for the copy */
	} else if (r && (file_pte_flags(r) & PTE_W) == (w ? PTE_W : 0u)) {
		err = pt_map(region_pgdir(r), va, pa, file_pte_flags(r));
		if (err)
			r = NULL;
	} else {
		r = NULL;
	}
	if (!r)
		m->pager.ops->unmap(m->pager.obj, idx, w);
	map_put(m);
	return err;
}

/* Past the end is SIGBUS; a private write over a mapped file page copies
 * it; a missing page is mapped (or copied); anything else is a stale TLB
 * entry. */
static int file_fault(struct region *r, vaddr_t va, bool write)
{
	struct file_map *m = map_of(r);
	uint32_t idx = page_idx(m, va);
	paddr_t pa;
	unsigned flags;

	if (past_end(m, idx))
		return -ENXIO;
	if (!pt_lookup(region_pgdir(r), va, &pa, &flags))
		return file_map_page(r, va, idx, write);
	if (write && !(r->ops->flags & REGION_OPS_SHARED))
		return private_copy(r, va, pa);
	return 0;
}

/* Unmap the file pages of [off, stop) of r (offsets) that no entry
 * covers (each PTE's pin goes back to the pager; a PTE that is not the
 * file's page is a private copy whose entry is being dropped by the
 * caller); with drop_entries, private copies there go too (truncate).
 * One walk of the PTEs with a cursor, in step with the entries; missing
 * tables are skipped whole; one TLB flush at the end. */
static void file_unmap_range(struct region *r, vaddr_t off, vaddr_t stop,
			     bool drop_entries)
{
	struct file_map *m = map_of(r);
	paddr_t dir = region_pgdir(r);
	struct region_entry *e = entry_find(r, off);
	vaddr_t va = r->start + off, end = r->start + stop, first = end,
		last = 0;
	struct pt_cursor c;

	if (!e)
		e = entry_first_from(r, off);
	while (drop_entries && e && entry_va(e) < end) {
		struct region_entry *next = entry_next(e);

		entry_detach(e);
		e = next;
	}
	pt_cursor_init(&c, dir);
	for (; va < end && va >= r->start; va += PAGE_SIZE) {
		uint32_t *slot = pt_cursor_slot(&c, va, false), pte;

		if (!slot) { /* no table: on to the next one's range */
			va = (va | (PT_SPAN - 1)) - PAGE_SIZE + 1;
			continue;
		}
		pte = *slot;
		if (!(pte & PTE_P))
			continue;
		while (e && entry_va(e) + entry_bytes(e) <= va)
			e = entry_next(e);
		if (e && entry_va(e) <= va)
			continue; /* a private copy */
		*slot = 0;
		first = MIN(first, va);
		last = va;
		if ((pte & PAGE_MASK) ==
		    m->pager.ops->peek(m->pager.obj, page_idx(m, va)))
			m->pager.ops->unmap(m->pager.obj, page_idx(m, va),
					    pte & PTE_W);
	}
	if (first <= last)
		pt_flush_run(dir, first, (last - first) / PAGE_SIZE + 1);
}

/* Populate: map the file's pages that are in memory and need no sleep
 * to pin (map_cached), with a cursor over the PTEs; the rest is left to
 * faults (mm_populate faults in whatever is still missing). */
static int file_populate(struct region *r, vaddr_t start, vaddr_t end)
{
	struct file_map *m = map_of(r);
	const struct mm_pager_ops *ops = m->pager.ops;
	unsigned flags = file_pte_flags(r);
	uint64_t size = ops->size(m->pager.obj);
	struct pt_cursor c;

	if (!ops->map_cached)
		return 0;
	pt_cursor_init(&c, region_pgdir(r));
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		uint32_t idx = page_idx(m, va), *slot;
		paddr_t pa;

		if ((uint64_t)idx * PAGE_SIZE >= size)
			break; /* past the end: the fault says SIGBUS */
		slot = pt_cursor_slot(&c, va, true);
		if (!slot)
			return -ENOMEM;
		if (*slot & PTE_P)
			continue; /* mapped, or a private copy */
		if (ops->map_cached(m->pager.obj, idx, flags & PTE_W, &pa))
			continue;
		*slot = pt_make_pte(pa, flags); /* was not present: no flush */
	}
	return 0;
}

/* The same from offset off to the region's end. */
static void file_unmap_from(struct region *r, vaddr_t off, bool drop_entries)
{
	file_unmap_range(r, off, r->len, drop_entries);
}

/* Fork: the child shares the map and the private copies (COW); file
 * pages are faulted in again there. */
static int file_copy(struct region *dst, struct region *src)
{
	map_get(map_of(src));
	return region_copy_entries(dst, src);
}

/* Unmap: private copies are freed, file pages only unmapped. */
static void file_release(struct region *r)
{
	region_release_entries(r);
	file_unmap_from(r, 0, false);
	map_put(map_of(r));
}

/* mprotect: entries are rewritten, file pages fault in again. */
static void file_sync(struct region *r)
{
	region_sync_entries(r);
	file_unmap_from(r, 0, false);
}

/* Both halves keep the map (file offsets follow from vbase). */
static void file_split(struct region *r, struct region *nr, vaddr_t cut)
{
	(void)nr;
	(void)cut;
	map_get(map_of(r));
}

/* The file offset of the region's start (/proc/PID/maps). */
static uint32_t file_map_offset(const struct region *r)
{
	return (uint32_t)(r->start - map_of(r)->vbase);
}

/* Entries as anonymous memory; every other present PTE maps the file's
 * page for its offset, inside the file, with file_pte_flags(). The file
 * pages themselves are the file system's to account. */
static void file_sanity(struct sanity *s, struct region *r)
{
	struct file_map *m = map_of(r);
	unsigned want = file_pte_flags(r), flags;
	paddr_t pa;

	region_sanity_entries(s, r);
	if (!m || m->refs == 0)
		sanity_fail(s, "file region %#x: no map", r->start);
	for (vaddr_t va = r->start; va < region_end(r); va += PAGE_SIZE) {
		uint32_t idx = page_idx(m, va);

		if (entry_find(r, va - r->start) ||
		    !pt_lookup(region_pgdir(r), va, &pa, &flags))
			continue;
		if (!want || past_end(m, idx) ||
		    pa != m->pager.ops->peek(m->pager.obj, idx) ||
		    (flags & (PTE_P | PTE_W | PTE_U)) != want)
			sanity_fail(s, "file region: bad pte %#x/%#x at %#x",
				    pa, flags, va);
	}
}

/* Neighbours cut from one mmap rejoin (one map, offsets run on). */
static bool file_join(struct region *a, struct region *b)
{
	if (map_of(a) != map_of(b))
		return false;
	map_put(map_of(b));
	return true;
}

static struct file_map *map_new(const struct mm_pager *p, vaddr_t vbase);

/* mremap: nr maps the same file pages at another address, with a map of
 * its own (file offsets follow from vbase); r's map goes with r. */
static int file_move(struct region *nr, struct region *r)
{
	struct file_map *m = map_of(r);
	struct file_map *nm =
	    map_new(&m->pager, m->vbase + nr->start - r->start);

	if (!nm)
		return -ENOMEM;
	USE(nr, nr->backend_data = (uintptr_t)nm);
	return 0;
}

/* mincore: a file page is resident while the file system holds it in
 * memory (the page cache, ramfs's pages), mapped here or not, as
 * Linux's mincore looks at the page cache. */
static bool file_resident(struct region *r, vaddr_t va)
{
	struct file_map *m = map_of(r);
	uint32_t idx = page_idx(m, va);

	return !past_end(m, idx) &&
	       m->pager.ops->peek(m->pager.obj, idx) != PHYS_NONE;
}

/* MADV_REMOVE: the file system punches a hole (the pages leave every
 * mapping and read as zeros after) if it can, else -EOPNOTSUPP. */
static int file_punch(struct region *r, vaddr_t start, vaddr_t end)
{
	struct file_map *m = map_of(r);

	if (!m->pager.ops->punch)
		return -EOPNOTSUPP;
	return m->pager.ops->punch(m->pager.obj, page_idx(m, start),
				   page_idx(m, end - 1));
}

/* The shared and the private tables differ only in their flags. */
#define FILE_REGION_OPS(ops_flags)                                         \
	{                                                                  \
		.name = "file", .flags = (ops_flags), .join = file_join,   \
		.move = file_move, .fault = file_fault, .copy = file_copy, \
		.populate = file_populate, .release = file_release,        \
		.sync = file_sync, .split = file_split,                    \
		.map_offset = file_map_offset, .resident = file_resident,  \
		.punch = file_punch, .sanity = file_sanity,                \
	}

static const struct region_ops file_shared_ops =
    FILE_REGION_OPS(REGION_OPS_SHARED | REGION_OPS_RESIZE | REGION_OPS_FILE);
static const struct region_ops file_private_ops =
    FILE_REGION_OPS(REGION_OPS_RESIZE | REGION_OPS_FILE);

/* A new map of p at vbase, on the list; NULL without memory. */
static struct file_map *map_new(const struct mm_pager *p, vaddr_t vbase)
{
	struct file_map *m = slab_alloc(sizeof(*m));

	if (!m)
		return NULL;
	USE(m, m->pager = *p; m->vbase = vbase; m->refs = 1; m->prev = NULL;
	    m->next = all_maps);
	if (all_maps)
		USE(all_maps, all_maps->prev = m);
	all_maps = m;
	p->ops->get(p->obj);
	return m;
}

int mm_map_file(struct mm_space *s, vaddr_t start, size_t len, unsigned prot,
		bool shared, const struct mm_pager *p, uint32_t pgoff,
		unsigned flags)
{
	struct region t = {
	    .start = start,
	    .len = len,
	    .prot = prot,
	    .flags = flags,
	    .ops = shared ? &file_shared_ops : &file_private_ops,
	};
	struct file_map *m;
	struct region *r;
	int rc;

	if (flags & ~REGION_NOMAYWRITE)
		return -EINVAL;
	if (pgoff >= (1u << 20) || len / PAGE_SIZE > (1u << 20) - pgoff)
		return -EOVERFLOW;
	m = map_new(p, start - pgoff * PAGE_SIZE);
	if (!m)
		return -ENOMEM;
	t.backend_data = (uintptr_t)m;
	rc = region_map_new(s, &t, &r);
	if (rc)
		map_put(m);
	return rc;
}

/* Cut every mapping of obj at the new end (see pager.h). */
static void truncate_space(struct mm_space *sp, void *obj, uint64_t size)
{
	for (struct region *r = region_first(sp); r; r = region_next(r)) {
		struct file_map *m = map_of(r);
		uint64_t first = (size + PAGE_SIZE - 1) / PAGE_SIZE;
		uint32_t idx;

		if (!is_file_region(r) || m->pager.obj != obj)
			continue;
		idx = page_idx(m, r->start);
		if (first <= idx)
			file_unmap_from(r, 0, true);
		else if (first - idx < r->len / PAGE_SIZE)
			file_unmap_from(r, (first - idx) * PAGE_SIZE, true);
	}
}

void mm_pager_truncate(void *obj, uint64_t size)
{
	struct file_map *m;

	for (m = all_maps; m && m->pager.obj != obj; m = m->next)
		;
	if (!m)
		return; /* not mapped anywhere */
	for (struct mm_space *sp = region_space_list(); sp; sp = sp->next_space)
		truncate_space(sp, obj, size);
}

/* The file pages [first, last] of obj leave every space's mappings. */
static void punch_space(struct mm_space *sp, void *obj, uint32_t first,
			uint32_t last)
{
	for (struct region *r = region_first(sp); r; r = region_next(r)) {
		struct file_map *m = map_of(r);
		uint32_t lo, hi;

		if (!is_file_region(r) || m->pager.obj != obj)
			continue;
		lo = page_idx(m, r->start);
		hi = lo + (uint32_t)(r->len / PAGE_SIZE) - 1;
		if (last < lo || first > hi)
			continue;
		file_unmap_range(r, (MAX(first, lo) - lo) * PAGE_SIZE,
				 (MIN(last, hi) - lo + 1) * PAGE_SIZE, false);
	}
}

void mm_pager_punch(void *obj, uint32_t first, uint32_t last)
{
	struct file_map *m;

	for (m = all_maps; m && m->pager.obj != obj; m = m->next)
		;
	if (!m)
		return;
	for (struct mm_space *sp = region_space_list(); sp; sp = sp->next_space)
		punch_space(sp, obj, first, last);
}

int mm_sync_file_range(struct mm_space *s, vaddr_t start, size_t len)
{
	vaddr_t end = start + len, va = start;
	int err = 0;

	for (struct region *r = region_first_after(s, start);
	     r && r->start < end; r = region_next(r)) {
		struct file_map *m = map_of(r);
		vaddr_t a = MAX(r->start, start), b = MIN(region_end(r), end);
		int e;

		if (r->start > va)
			err = err ? err : -ENOMEM; /* a hole in the range */
		va = region_end(r);
		if (!is_file_region(r) ||
		    !(r->ops->flags & REGION_OPS_SHARED) ||
		    !m->pager.ops->writeback)
			continue;
		e = m->pager.ops->writeback(m->pager.obj, page_idx(m, a),
					    page_idx(m, b - 1));
		if (e && !err)
			err = e;
	}
	if (va < end && !err)
		err = -ENOMEM;
	return err;
}
