/*
 * yield.c - vm_yield_get_block (SPEC §9): move pages between an address
 * space and the yielded-block cache without copying them.
 *
 * Yield: ycache_reserve() finds -EEXIST and allocates the index memory,
 * region_take_pages() unmaps the pages at addr (the range then reads as
 * zeros by demand zero: no page is allocated in their place) and
 * ycache_commit() files them under (owner, yield_id), which cannot fail.
 * Get: ycache_take() hands back (owner, get_id)'s pages and
 * region_give_pages() maps them at addr, freeing what was there. Every
 * failure is reported; no step loses pages.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/ycache.h>

/* Page lists up to this long live on the stack (128 bytes). */
#define YIELD_STACK_PAGES 32

/*
 * The page list passed between region and cache. region_take_pages()
 * writes it with plain stores, so it cannot be a (read-only) slab object:
 * small lists are on the stack, longer ones in PHYS_KERNEL pages.
 */
struct yield_buf {
	paddr_t *pages;
	paddr_t run_pa; /* PHYS_NONE: on the stack */
	size_t run_pages;
	paddr_t small[YIELD_STACK_PAGES];
};

/* A page list for npages: on the stack when short, else kernel pages
 * (it is written with plain stores, so it cannot be a slab object). */
static int buf_get(struct yield_buf *b, size_t npages)
{
	b->run_pa = PHYS_NONE;
	b->pages = b->small;
	if (npages <= YIELD_STACK_PAGES)
		return 0;
	b->run_pages = (npages * sizeof(paddr_t) + PAGE_SIZE - 1) / PAGE_SIZE;
	b->run_pa = phys_alloc(b->run_pages, PHYS_ANY, PHYS_KERNEL);
	if (b->run_pa == PHYS_NONE)
		return -ENOMEM;
	b->pages = arch_phys_to_virt(b->run_pa);
	return 0;
}

/* Give back the list's kernel pages, if it has any. */
static void buf_put(struct yield_buf *b)
{
	if (b->run_pa != PHYS_NONE)
		phys_free(b->run_pa, b->run_pages, PHYS_KERNEL);
}

/*
 * Arguments checked before anything changes. -EINVAL: misaligned addr,
 * npages 0, longer than user space or wrapping, both ids equal; -EFAULT:
 * a range reaching kernel space (-EEXIST comes next, from the cache's
 * reserve, before anything is allocated).
 */
static int yield_check(struct mm_space *s, vaddr_t addr, size_t npages,
		       uint64_t yield_id, uint64_t get_id)
{
	if (!s || !PAGE_ALIGNED(addr) || npages == 0 ||
	    npages > USER_TOP / PAGE_SIZE)
		return -EINVAL;
	if (yield_id == get_id && yield_id != YCACHE_ID_NONE)
		return -EINVAL;
	/* Page 0 is never mapped; kernel space is not the caller's. */
	if (addr < PAGE_SIZE || addr >= USER_TOP ||
	    npages > (USER_TOP - addr) / PAGE_SIZE)
		return -EFAULT;
	return 0;
}

/* Yield into the reservation yb: take the range's pages out (it is left
 * empty, demand zero) and file them; once out, they always find a place
 * (the reservation holds the index memory). */
static int do_yield(struct yblock *yb, struct mm_space *s, vaddr_t addr,
		    size_t npages, paddr_t *pages)
{
	int rc = region_take_pages(s, addr, npages, pages);

	/* Untouched pages (take refuses holes) are yielded as the zeros
	 * they read as: fault them in (this fails the same way for a
	 * range that is not writable anonymous memory) and try again. */
	if (rc == -EFAULT && !mm_populate(s, addr, npages * PAGE_SIZE, true))
		rc = region_take_pages(s, addr, npages, pages);
	if (rc)
		ycache_unreserve(yb);
	else
		ycache_commit(yb, pages, PHYS_USER);
	return rc;
}

/* Get: take the block from the cache and map it at addr; if it cannot be
 * mapped it goes back into the cache. */
static int do_get(uint32_t owner, struct mm_space *s, vaddr_t addr,
		  size_t npages, uint64_t id, paddr_t *pages)
{
	int rc;
	struct yblock *yb = ycache_detach(owner, id, pages, npages, &rc);

	if (!yb)
		return rc; /* -ESRCH was counted as a miss */
	rc = region_give_pages(s, addr, npages, pages);
	/* A block that cannot be mapped stays cached (as the newest): going
	 * back needs no memory, so it is never lost. */
	if (rc)
		ycache_reattach(yb);
	else
		ycache_detach_done(yb, PHYS_USER);
	return rc;
}

/* The system call: check everything first (-EEXIST and the cache's
 * index memory with the reservation), then yield, then get; the page
 * list is shared by both steps. */
int mm_yield_get_block(uint32_t owner, struct mm_space *s, vaddr_t addr,
		       size_t npages, uint64_t yield_id, uint64_t get_id)
{
	struct yblock *yb = NULL;
	struct yield_buf buf;
	int rc = yield_check(s, addr, npages, yield_id, get_id);

	if (rc || (yield_id == YCACHE_ID_NONE && get_id == YCACHE_ID_NONE))
		return rc;
	if (yield_id != YCACHE_ID_NONE) {
		yb = ycache_reserve(owner, yield_id, npages, &rc);
		if (!yb)
			return rc;
	}
	rc = buf_get(&buf, npages); /* may evict blocks, never yield_id */
	if (rc) {
		if (yb)
			ycache_unreserve(yb);
		return rc;
	}
	if (yb)
		rc = do_yield(yb, s, addr, npages, buf.pages);
	if (!rc && get_id != YCACHE_ID_NONE)
		rc = do_get(owner, s, addr, npages, get_id, buf.pages);
	buf_put(&buf);
	return rc;
}
