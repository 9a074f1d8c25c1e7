/*
 * buf.c - the file side's page buffers (include/fs/vfs/buf.h): symlink
 * bodies during a walk, path text of vfs_dir_path(), and the kernel's
 * path copies, bounce buffers, pipe rings and /proc text. Each page is in
 * one table the sanity checker walks, because its holder may sleep
 * (disk I/O, a pipe) while the checker runs.
 */
#include <arch/hooks.h>
#include <kernel/printk.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include "internal.h"

#define NBUFS 2048 /* first fit: the short-lived ones stay at the front */

static paddr_t bufs[NBUFS];

static void bufs_walk(struct sanity *s)
{
	for (int i = 0; i < NBUFS; i++)
		if (bufs[i])
			sanity_mark(s, bufs[i], 1, "vfs buffers");
}

static struct sanity_owner bufs_owner = {
    .name = "vfs buffers",
    .walk = bufs_walk,
};

char *vfs_page_alloc(void)
{
	for (int i = 0; i < NBUFS; i++) {
		if (bufs[i])
			continue;
		bufs[i] = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
		if (bufs[i] == PHYS_NONE)
			return NULL;
		sanity_register(&bufs_owner);
		return arch_phys_to_virt(bufs[i]);
	}
	return NULL;
}

void vfs_page_free(void *page)
{
	paddr_t pa;

	if (!page)
		return;
	pa = arch_virt_to_phys(page);
	for (int i = 0; i < NBUFS; i++) {
		if (bufs[i] == pa) {
			bufs[i] = PHYS_NONE;
			phys_free(pa, 1, PHYS_KERNEL);
			return;
		}
	}
	panic("vfs_page_free(%p): not a vfs buffer", page);
}

void vfs_buf_reset(void)
{
	for (int i = 0; i < NBUFS; i++)
		bufs[i] = PHYS_NONE;
	sanity_unregister(&bufs_owner);
}
