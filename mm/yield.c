/*
 * yield.c - vm_yield_get_block (SPEC §9): move pages between an address
 * space and the yielded-block cache without copying them.
 *
 * Yield: ycache_reserve() finds -EEXIST and allocates the block,
 * region_take_tree() moves the range's region entries and blocks out of
 * the space as one tree (the range then reads as zeros by demand zero:
 * no page is allocated in their place) and ycache_commit() files them
 * under (owner, yield_id), which cannot fail. Get: ycache_detach() hands
 * back (owner, get_id)'s tree and region_give_tree() maps and pastes it
 * at addr, freeing what was there. No object is allocated or freed per
 * page. A range spanning regions moves as a page list instead
 * (region_take_pages, region_give_pages). Every failure is reported; no
 * step loses pages.
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

/*
 * Holes in the range (take refuses them) are yielded as the zeros they
 * read as: after take's -EFAULT the range is faulted in (which fails the
 * same way for a range that is not writable anonymous memory) and take
 * is tried again. True if it was.
 */
static bool populated(int rc, struct mm_space *s, vaddr_t addr, size_t npages)
{
	return rc == -EFAULT && !mm_populate(s, addr, npages * PAGE_SIZE, true);
}

/* Yield of a range spanning regions, as a page list: its memory is
 * allocated before the pages leave, so once out they always find a
 * place. Commits yb on success. */
static int yield_pages(struct yblock *yb, struct mm_space *s, vaddr_t addr,
		       size_t npages)
{
	struct yield_buf buf;
	int rc = ycache_reserve_list(yb);

	if (!rc)
		rc = buf_get(&buf, npages); /* may evict, never yb */
	if (rc)
		return rc;
	rc = region_take_pages(s, addr, npages, buf.pages);
	if (populated(rc, s, addr, npages))
		rc = region_take_pages(s, addr, npages, buf.pages);
	if (!rc)
		ycache_commit(yb, buf.pages, PHYS_USER);
	buf_put(&buf);
	return rc;
}

/* Yield: reserve (owner, id), take the range out (it is left empty,
 * demand zero) and file it. Inside one region the entries and blocks go
 * into the cache as they are (a tree); else as a page list. */
static int do_yield(uint32_t owner, struct mm_space *s, vaddr_t addr,
		    size_t npages, uint64_t id)
{
	int rc;
	struct yblock *yb = ycache_reserve(owner, id, npages, &rc);

	if (!yb)
		return rc;
	rc = region_take_tree(s, addr, npages, ycache_tree(yb));
	if (populated(rc, s, addr, npages))
		rc = region_take_tree(s, addr, npages, ycache_tree(yb));
	if (!rc)
		ycache_commit(yb, NULL, PHYS_USER);
	else if (rc == -EXDEV)
		rc = yield_pages(yb, s, addr, npages);
	if (rc)
		ycache_unreserve(yb);
	return rc;
}

/* Get: take the block from the cache and map it at addr (a tree pasted
 * in whole when the range is inside one region, else a page list); if
 * it cannot be mapped it goes back into the cache. */
static int do_get(uint32_t owner, struct mm_space *s, vaddr_t addr,
		  size_t npages, uint64_t id)
{
	int rc;
	struct yblock *yb = ycache_detach(owner, id, npages, &rc);

	if (!yb)
		return rc; /* -ESRCH was counted as a miss */
	rc = -EXDEV;
	if (!ycache_pages(yb))
		rc = region_give_tree(s, addr, npages, ycache_tree(yb));
	if (rc == -EXDEV) {
		rc = ycache_flatten(yb);
		if (!rc)
			rc = region_give_pages(s, addr, npages,
					       ycache_pages(yb));
	}
	/* A block that cannot be mapped stays cached (as the newest): going
	 * back needs no memory, so it is never lost. */
	if (rc)
		ycache_reattach(yb);
	else
		ycache_detach_done(yb, PHYS_USER);
	return rc;
}

/* The system call: check the arguments first, then yield (a failed
 * yield skips the get), then get. */
int mm_yield_get_block(uint32_t owner, struct mm_space *s, vaddr_t addr,
		       size_t npages, uint64_t yield_id, uint64_t get_id)
{
	int rc = yield_check(s, addr, npages, yield_id, get_id);

	if (!rc && yield_id != YCACHE_ID_NONE)
		rc = do_yield(owner, s, addr, npages, yield_id);
	if (!rc && get_id != YCACHE_ID_NONE)
		rc = do_get(owner, s, addr, npages, get_id);
	return rc;
}
