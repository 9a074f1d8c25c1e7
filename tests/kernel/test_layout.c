/*
 * test_layout.c - the kernel half of the page directory, as
 * arch/x86/paging.c lays it out and docs/security.md promises: low memory
 * up to the direct-mapping limit sits at KERNEL_BASE in global 4 MiB
 * pages, except the first 4 MiB, which go through one page table where
 * page 0 and the boot page are not mapped; above the direct mapping only
 * the slab window's page tables; no user bit on any kernel entry; nothing
 * below USER_TOP in the kernel's own directory; and every address space
 * shares the kernel half.
 */
#include <arch/hooks.h>
#include <kernel/test.h>
#include <mm/pagetable.h>
#include <mm/region.h>

#define BIG_PAGE (4u << 20)
#define PT_ENTRIES 1024u

extern char _boot_start[]; /* linker.ld: the .boot page, at 1 MiB */

static const uint32_t *entries(paddr_t table)
{
	return arch_phys_to_virt(table & PAGE_MASK);
}

/* The first 4 MiB: a page table, global supervisor pages mapping
 * physical memory one to one, page 0 and the boot page left out. */
static void check_low_table(uint32_t pde)
{
	const uint32_t *pt = entries(pde);
	unsigned boot = (uintptr_t)_boot_start >> PAGE_SHIFT;

	CHECK(pde & PTE_P);
	CHECK(!(pde & (PTE_PS | PTE_U)));
	CHECK_EQ(pt[0], 0);
	CHECK_EQ(boot, 256);
	CHECK_EQ(pt[boot], 0);
	for (unsigned i = 1; i < PT_ENTRIES; i++) {
		if (i == boot)
			continue;
		CHECK_EQ(pt[i] & (PTE_P | PTE_U | PTE_G), PTE_P | PTE_G);
		CHECK_EQ(pt[i] & PAGE_MASK, i << PAGE_SHIFT);
	}
}

TEST(layout_kernel_page_directory)
{
	const uint32_t *pd = entries(arch_current_pgdir());
	paddr_t limit = arch_direct_map_limit();
	/* A last partial 4 MiB is mapped whole. */
	unsigned direct_end = PD_INDEX(KERNEL_BASE + limit + BIG_PAGE - 1);
	unsigned tables = 0;

	CHECK_EQ(arch_current_pgdir(), pt_kernel_dir());
	CHECK(limit >= 2 * BIG_PAGE);
	for (unsigned i = 0; i < PDE_KERNEL_FIRST; i++)
		CHECK_EQ(pd[i], 0); /* no user mappings, no identity map */
	check_low_table(pd[PDE_KERNEL_FIRST]);
	if (test_failed())
		return;
	for (unsigned i = PDE_KERNEL_FIRST + 1; i < direct_end; i++) {
		CHECK_EQ(pd[i] & (PTE_P | PTE_PS | PTE_G | PTE_U),
			 PTE_P | PTE_PS | PTE_G);
		CHECK_EQ(pd[i] & PAGE_MASK, (i - PDE_KERNEL_FIRST) * BIG_PAGE);
	}
	/* Above the direct mapping: the slab window's page tables only. */
	for (unsigned i = direct_end; i < PT_ENTRIES; i++) {
		const uint32_t *pt = entries(pd[i]);

		if (!(pd[i] & PTE_P))
			continue;
		CHECK(!(pd[i] & (PTE_PS | PTE_U)));
		for (unsigned j = 0; j < PT_ENTRIES; j++)
			CHECK(!(pt[j] & PTE_P) ||
			      (pt[j] & (PTE_U | PTE_G)) == PTE_G);
		tables++;
	}
	CHECK(tables > 0);
}

TEST(layout_spaces_share_the_kernel_half)
{
	struct mm_space *s = mm_space_new();
	const uint32_t *kd = entries(pt_kernel_dir());
	bool same = true;

	CHECK(s);
	for (unsigned i = PDE_KERNEL_FIRST; i < PT_ENTRIES; i++)
		same &= entries(s->pgdir)[i] == kd[i];
	mm_space_destroy(s);
	CHECK(same);
}
