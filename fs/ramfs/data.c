/*
 * data.c - contents of ramfs regular files and symlinks. Each node
 * has an index: physically contiguous pages holding the physical address
 * of every data page (0 for a hole, which reads as zeros). The index grows
 * by doubling. Invariant: bytes of a data page past the file size are 0,
 * so growing a file (write past the end, truncate up) never shows old data;
 * a file that was ever mapped (stores may land past its end) has its last
 * page's tail zeroed before it grows. Mappings use the data pages
 * themselves (ramfs_page); truncate tells mm before it frees any.
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include "internal.h"

#define PER_INDEX_PAGE (PAGE_SIZE / sizeof(paddr_t))

static paddr_t *index_of(const struct ramfs_node *n)
{
	return n->index_pa ? arch_phys_to_virt(n->index_pa) : NULL;
}

static size_t index_slots(const struct ramfs_node *n)
{
	return (size_t)n->index_pages * PER_INDEX_PAGE;
}

/* Data page idx, or PHYS_NONE for a hole. */
static paddr_t page_at(const struct ramfs_node *n, size_t idx)
{
	if (idx >= index_slots(n))
		return PHYS_NONE;
	return index_of(n)[idx];
}

/* Make the index hold slot idx: 0 or -ENOSPC. */
static int index_grow(struct ramfs_node *n, size_t idx)
{
	size_t need = idx / PER_INDEX_PAGE + 1;
	size_t npages = MAX(need, (size_t)n->index_pages * 2);
	paddr_t pa = phys_alloc(npages, PHYS_ANY, PHYS_KERNEL);
	paddr_t *idxv;

	if (pa == PHYS_NONE) {
		npages = need;
		pa = phys_alloc(npages, PHYS_ANY, PHYS_KERNEL);
		if (pa == PHYS_NONE)
			return -ENOSPC;
	}
	idxv = arch_phys_to_virt(pa);
	memset(idxv, 0, npages * PAGE_SIZE);
	if (n->index_pa) {
		memcpy(idxv, index_of(n), n->index_pages * PAGE_SIZE);
		phys_free(n->index_pa, n->index_pages, PHYS_KERNEL);
	}
	USE(n, {
		n->index_pa = pa;
		n->index_pages = (uint32_t)npages;
	});
	return 0;
}

/* Data page idx, allocated (zeroed) if it is a hole; PHYS_NONE if full. */
static paddr_t page_get(struct ramfs_node *n, size_t idx)
{
	paddr_t pa = page_at(n, idx);

	if (pa != PHYS_NONE)
		return pa;
	if (idx >= index_slots(n) && index_grow(n, idx))
		return PHYS_NONE;
	pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	if (pa == PHYS_NONE)
		return PHYS_NONE;
	memset(arch_phys_to_virt(pa), 0, PAGE_SIZE);
	index_of(n)[idx] = pa;
	return pa;
}

paddr_t ramfs_page(struct ramfs_node *n, uint32_t idx, bool alloc)
{
	if (!alloc)
		return page_at(n, idx);
	if (!n->mapped)
		USE(n, n->mapped = true);
	return page_get(n, idx);
}

void ramfs_punch(struct ramfs_node *n, uint32_t first, uint32_t last)
{
	paddr_t *idx = index_of(n);

	for (size_t i = first; idx && i <= last && i < index_slots(n); i++) {
		if (idx[i])
			phys_free(idx[i], 1, PHYS_KERNEL);
		idx[i] = PHYS_NONE;
	}
}

/* Before the file grows: a mapping may have stored past its end. */
static void zero_tail(struct ramfs_node *n)
{
	size_t in = (size_t)(n->size % PAGE_SIZE);
	paddr_t pa;

	if (!n->mapped || !in)
		return;
	pa = page_at(n, (size_t)(n->size / PAGE_SIZE));
	if (pa != PHYS_NONE)
		memset((char *)arch_phys_to_virt(pa) + in, 0, PAGE_SIZE - in);
}

long ramfs_read(struct ramfs_node *n, void *buf, size_t len, uint64_t off)
{
	char *dst = buf;
	size_t done = 0;

	if (RAMFS_ISDIR(n->mode))
		return -EISDIR;
	if (off >= n->size)
		return 0;
	len = (size_t)MIN((uint64_t)len, n->size - off);
	while (done < len) {
		uint64_t pos = off + done;
		size_t in = pos % PAGE_SIZE;
		size_t chunk = MIN(len - done, PAGE_SIZE - in);
		paddr_t pa = page_at(n, (size_t)(pos / PAGE_SIZE));

		if (pa == PHYS_NONE)
			memset(dst + done, 0, chunk);
		else
			memcpy(dst + done, (char *)arch_phys_to_virt(pa) + in,
			       chunk);
		done += chunk;
	}
	return (long)done;
}

/* Store bytes without type checks (files, and symlink targets). */
static long data_write(struct ramfs_node *n, const void *buf, size_t len,
		       uint64_t off)
{
	const char *src = buf;
	size_t done = 0;

	if (off + len > (uint64_t)0x7fffffff)
		return -EFBIG;
	if (off + len > n->size)
		zero_tail(n);
	while (done < len) {
		uint64_t pos = off + done;
		size_t in = pos % PAGE_SIZE;
		size_t chunk = MIN(len - done, PAGE_SIZE - in);
		paddr_t pa = page_get(n, (size_t)(pos / PAGE_SIZE));

		if (pa == PHYS_NONE)
			break;
		memcpy((char *)arch_phys_to_virt(pa) + in, src + done, chunk);
		done += chunk;
	}
	if (done == 0 && len)
		return -ENOSPC;
	if (off + done > n->size)
		USE(n, n->size = off + done);
	ramfs_touch(n);
	return (long)done;
}

long ramfs_write(struct ramfs_node *n, const void *buf, size_t len,
		 uint64_t off)
{
	if (RAMFS_ISDIR(n->mode))
		return -EISDIR;
	if (!RAMFS_ISREG(n->mode) && !RAMFS_ISLNK(n->mode))
		return -EINVAL;
	return data_write(n, buf, len, off);
}

int ramfs_truncate(struct ramfs_node *n, uint64_t size)
{
	if (RAMFS_ISDIR(n->mode))
		return -EISDIR;
	if (!RAMFS_ISREG(n->mode))
		return -EINVAL;
	if (size > 0x7fffffff)
		return -EFBIG;
	if (size < n->size) {
		paddr_t *idx = index_of(n);
		size_t first_gone =
		    (size_t)((size + PAGE_SIZE - 1) / PAGE_SIZE);
		paddr_t last;

		for (size_t i = first_gone; i < index_slots(n); i++) {
			if (idx[i])
				phys_free(idx[i], 1, PHYS_KERNEL);
			idx[i] = PHYS_NONE;
		}
		/* Keep the zero tail invariant of the last partial page. */
		last = page_at(n, (size_t)(size / PAGE_SIZE));
		if (size % PAGE_SIZE && last)
			memset((char *)arch_phys_to_virt(last) +
				   size % PAGE_SIZE,
			       0, PAGE_SIZE - size % PAGE_SIZE);
	} else {
		zero_tail(n);
	}
	USE(n, n->size = size);
	ramfs_touch(n);
	return 0;
}

void ramfs_data_free(struct ramfs_node *n)
{
	paddr_t *idx = index_of(n);

	if (!idx)
		return;
	for (size_t i = 0; i < index_slots(n); i++)
		if (idx[i])
			phys_free(idx[i], 1, PHYS_KERNEL);
	phys_free(n->index_pa, n->index_pages, PHYS_KERNEL);
	USE(n, {
		n->index_pa = PHYS_NONE;
		n->index_pages = 0;
		n->size = 0;
	});
}

void ramfs_data_sanity(struct sanity *s, const struct ramfs_node *n)
{
	const paddr_t *idx = index_of(n);

	if (!idx)
		return;
	sanity_mark(s, n->index_pa, n->index_pages, "ramfs");
	for (size_t i = 0; i < index_slots(n); i++) {
		if (idx[i] && i * PAGE_SIZE >= PAGE_ROUND_UP(n->size))
			sanity_fail(s,
				    "ramfs: inode %u has page %zu past its "
				    "size %llu",
				    n->ino, i, (unsigned long long)n->size);
		if (idx[i])
			sanity_mark(s, idx[i], 1, "ramfs");
	}
}

const char *ramfs_link_target(const struct ramfs_node *n)
{
	paddr_t pa = page_at(n, 0);

	return pa ? arch_phys_to_virt(pa) : "";
}

/* Used by ramfs_symlink(): store the target (0 < len < PAGE_SIZE). */
int ramfs_set_target(struct ramfs_node *n, const char *target, size_t len)
{
	long r = data_write(n, target, len, 0);

	if (r < 0)
		return (int)r;
	return (size_t)r == len ? 0 : -ENOSPC;
}
