/*
 * region_shared.c - the shared backend (MAP_SHARED, SysV-style shared
 * memory, SPEC §7). To keep faults trivial every page is allocated and
 * mapped when the region is created, as BLOCK_SHARED blocks; fork and
 * mm_remap give the other space the same blocks (one more reference each),
 * writable on both sides. The pages are freed by the last unmap.
 */
#include <kernel/errno.h>
#include <mm/pagetable.h>
#include "region_internal.h"

/* Largest block made at creation (smaller when memory is fragmented). */
#define SHARED_MAX_BLOCK_PAGES 1024u

/* Every page was populated at creation: a missing one is not ours. */
static int shared_fault(struct region *r, vaddr_t va, bool write)
{
	(void)r;
	(void)va;
	(void)write;
	return -EFAULT;
}

static const struct region_ops shared_ops = {
    .name = "shared",
    .flags = REGION_OPS_SHARED | REGION_OPS_REMAP,
    .fault = shared_fault,
    .copy = region_copy_entries,
    .release = region_release_entries,
    .sync = region_sync_entries,
    .sanity = region_sanity_entries,
};

/* MAP_SHARED anonymous memory and shm segments: every page is made and
 * mapped now, so faults never need to find the blocks again. */
int mm_map_shared(struct mm_space *s, vaddr_t start, size_t len, unsigned prot)
{
	struct region t = {
	    .start = start,
	    .len = len,
	    .prot = prot,
	    .ops = &shared_ops,
	};
	struct region_entry *list;
	struct region *r;
	int rc = region_map_new(s, &t, &r);

	if (rc)
		return rc;
	list = block_alloc_runs(len / PAGE_SIZE, SHARED_MAX_BLOCK_PAGES,
				BLOCK_SHARED, true);
	if (!list || pt_prepare(s->pgdir, start, len / PAGE_SIZE)) {
		if (list)
			entry_free_unattached(list, true);
		region_destroy(r);
		return -ENOMEM;
	}
	entry_attach_list(r, list, 0);
	return 0;
}

/* shmat: a second mapping of a whole shared region; both sides hold a
 * reference to the same blocks. */
int mm_remap(struct mm_space *dst, vaddr_t dst_addr, struct mm_space *src,
	     vaddr_t src_addr, size_t len)
{
	struct region *sr = mm_find_region(src, src_addr), *r;
	struct region t;
	int rc;

	if (!sr || !region_can_remap(sr) || sr->start != src_addr ||
	    sr->len != len)
		return -EINVAL;
	t = *sr;
	t.start = dst_addr;
	t.flags = 0;
	rc = region_map_new(dst, &t, &r);
	if (rc)
		return rc;
	if (sr->ops->copy(r, sr)) {
		region_destroy(r);
		return -ENOMEM;
	}
	return 0;
}
