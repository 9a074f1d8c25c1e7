/*
 * mm_boot.c - start the memory manager from the boot memory map: free RAM
 * goes to the physical allocator, minus page 0, the BIOS area, the kernel
 * image and the boot modules, which are registered with the sanity checker
 * as owners of their pages. A module whose contents were copied out (the
 * root archive, unpacked into the root file system) gives its pages back.
 */
#include <kernel/bootinfo.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/slab.h>
#include <mm/ycache.h>
#include <arch/hooks.h>

extern char _boot_start[], _kernel_end[];

static paddr_t kernel_first(void)
{
	return (paddr_t)(uintptr_t)_boot_start;
}

static paddr_t kernel_last(void)
{
	return (paddr_t)((uintptr_t)_kernel_end - KERNEL_BASE);
}

static void walk_kernel(struct sanity *s)
{
	sanity_mark(s, kernel_first(),
		    (kernel_last() - kernel_first()) >> PAGE_SHIFT,
		    "kernel image");
}

static bool module_released[BOOT_MAX_MODS];

static void walk_modules(struct sanity *s)
{
	for (unsigned i = 0; i < bootinfo.nmods; i++) {
		paddr_t a = PAGE_ROUND_DOWN(bootinfo.mods[i].start);
		paddr_t b = PAGE_ROUND_UP(bootinfo.mods[i].end);
		if (!module_released[i])
			sanity_mark(s, a, (b - a) >> PAGE_SHIFT, "boot module");
	}
}

/* Whether [a, b) shares a page with the kernel image or another module. */
static bool module_shares_pages(unsigned i, paddr_t a, paddr_t b)
{
	if (a < kernel_last() && b > kernel_first())
		return true;
	for (unsigned j = 0; j < bootinfo.nmods; j++)
		if (j != i && a < PAGE_ROUND_UP(bootinfo.mods[j].end) &&
		    b > PAGE_ROUND_DOWN(bootinfo.mods[j].start))
			return true;
	return false;
}

void mm_boot_release_module(unsigned i)
{
	paddr_t a = PAGE_ROUND_DOWN(bootinfo.mods[i].start);
	paddr_t b = PAGE_ROUND_UP(bootinfo.mods[i].end);

	if (i >= bootinfo.nmods || module_released[i] || b <= a ||
	    module_shares_pages(i, a, b))
		return;
	module_released[i] = true;
	phys_free(a, (b - a) >> PAGE_SHIFT, PHYS_KERNEL);
}

static struct sanity_owner kernel_owner = {"kernel image", walk_kernel, NULL};
static struct sanity_owner module_owner = {"boot modules", walk_modules, NULL};

/* Physical ranges that hold something at boot: never handed out. */
struct span {
	uint64_t start, end;
};

static unsigned boot_reserved(struct span *r)
{
	unsigned n = 0;

	r[n++] = (struct span){0, PAGE_SIZE}; /* page 0 */
	r[n++] = (struct span){kernel_first(), kernel_last()};
	for (unsigned i = 0; i < bootinfo.nmods; i++)
		r[n++] = (struct span){PAGE_ROUND_DOWN(bootinfo.mods[i].start),
				       PAGE_ROUND_UP(bootinfo.mods[i].end)};
	return n;
}

/*
 * Add [start, end) minus the reserved spans. The allocator writes its
 * bookkeeping into free pages, so reserved pages must never be added even
 * for a moment: the boot page is unmapped and modules hold data.
 */
static void add_ram(uint64_t start, uint64_t end, const struct span *r,
		    unsigned nr)
{
	for (unsigned i = 0; i < nr; i++) {
		if (r[i].end <= start || r[i].start >= end)
			continue;
		if (r[i].start > start)
			add_ram(start, r[i].start, r, nr);
		if (r[i].end < end)
			add_ram(r[i].end, end, r, nr);
		return;
	}
	if (start < end)
		phys_add_range((paddr_t)start,
			       (size_t)((end - start) >> PAGE_SHIFT));
}

static void mm_print_stats(void)
{
	struct phys_stats st;

	phys_get_stats(&st);
	printk("Memory: %zu KiB total, %zu KiB free, %zu KiB kernel, "
	       "%zu KiB user, %zu KiB cached, %zu free ranges\n",
	       st.total * 4, st.free * 4, st.kernel * 4, st.user * 4,
	       st.cached * 4, st.ranges);
}

void mm_boot_init(void)
{
	struct span reserved[2 + BOOT_MAX_MODS];
	unsigned nr = boot_reserved(reserved);
	uint64_t limit = arch_direct_map_limit();

	phys_init();
	for (unsigned i = 0; i < bootinfo.nmmap; i++) {
		const struct boot_mmap *m = &bootinfo.mmap[i];
		uint64_t start = (m->base + PAGE_SIZE - 1) & ~0xFFFull;
		uint64_t end = MIN((m->base + m->len) & ~0xFFFull, limit);
		if (m->type == 1 && start < end)
			add_ram(start, end, reserved, nr);
	}
	/* Page 0 is never used; everything else reserved is owned. */
	for (unsigned i = 1; i < nr; i++)
		phys_add_used((paddr_t)reserved[i].start,
			      (size_t)((reserved[i].end - reserved[i].start) >>
				       PAGE_SHIFT));
	sanity_register(&kernel_owner);
	sanity_register(&module_owner);
	slab_init();
	mm_region_init();
	ycache_init();
	mm_print_stats();
}
