/*
 * paging.c - the kernel half shared by every address space.
 *
 * Low physical memory (up to 768 MiB) is mapped at 0xC0000000 with global,
 * supervisor-only 4 MiB pages, except the first 4 MiB, which go through one
 * page table so that page 0 and the first kernel page (the .boot page at
 * 1 MiB) stay unmapped. Above the direct mapping sits the slab window:
 * 4 KiB mappings of slab pages, so sanity mode can make them read-only one
 * by one. Its page tables are static, so every directory shares them.
 * Physical memory above 768 MiB is left unused (docs/memory-layout.md).
 */
#include <arch/hooks.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include "x86.h"
#include "arch.h"

#define DIRECT_MAP_MAX (768u << 20)
#define SLAB_WINDOW 0xF0000000u
#define SLAB_WINDOW_PTS 16u /* 64 MiB of slab pages */
#define SLAB_SLOTS (SLAB_WINDOW_PTS * 1024u)
#define BOOT_PAGE 0x100000u

uint32_t kernel_pgdir[1024] __attribute__((aligned(PAGE_SIZE)));
static uint32_t low_pt[1024] __attribute__((aligned(PAGE_SIZE)));
static uint32_t slab_pts[SLAB_WINDOW_PTS][1024]
    __attribute__((aligned(PAGE_SIZE)));
static uint32_t slab_used[SLAB_SLOTS / 32];
static unsigned slab_next;
static paddr_t direct_limit;

static paddr_t kphys(const void *p)
{
	return (paddr_t)((uintptr_t)p - KERNEL_BASE);
}

void arch_paging_init(paddr_t mem_top)
{
	const uint32_t big = PTE_P | PTE_W | PTE_PS | PTE_G;

	direct_limit = MIN(mem_top, DIRECT_MAP_MAX);
	for (unsigned i = 1; i < 1024; i++)
		low_pt[i] = (i << PAGE_SHIFT) | PTE_P | PTE_W | PTE_G;
	low_pt[0] = 0;
	low_pt[BOOT_PAGE >> PAGE_SHIFT] = 0;
	kernel_pgdir[PDE_KERNEL_FIRST] = kphys(low_pt) | PTE_P | PTE_W;
	for (paddr_t pa = 4u << 20; pa < direct_limit; pa += 4u << 20)
		kernel_pgdir[PD_INDEX(KERNEL_BASE + pa)] = pa | big;
	for (unsigned i = 0; i < SLAB_WINDOW_PTS; i++)
		kernel_pgdir[PD_INDEX(SLAB_WINDOW) + i] =
		    kphys(slab_pts[i]) | PTE_P | PTE_W;
	/* Drop the boot identity mapping; flush everything, globals too. */
	kernel_pgdir[0] = kernel_pgdir[1] = 0;
	write_cr3(kphys(kernel_pgdir));
	write_cr4(read_cr4() & ~CR4_PGE);
	write_cr4(read_cr4() | CR4_PGE);
	pt_set_kernel_dir(kphys(kernel_pgdir));
}

static uint32_t *slab_pte(uintptr_t va)
{
	unsigned slot = (va - SLAB_WINDOW) >> PAGE_SHIFT;

	return &slab_pts[slot / 1024][slot % 1024];
}

static bool in_slab_window(uintptr_t va)
{
	return va >= SLAB_WINDOW && va < SLAB_WINDOW + SLAB_SLOTS * PAGE_SIZE;
}

paddr_t arch_virt_to_phys(const void *p)
{
	uintptr_t va = (uintptr_t)p;

	if (in_slab_window(va))
		return (*slab_pte(va) & PAGE_MASK) | (va & ~PAGE_MASK);
	BUG_ON(va < KERNEL_BASE || va - KERNEL_BASE >= direct_limit);
	return (paddr_t)(va - KERNEL_BASE);
}

bool paging_dma_addr(const void *p, paddr_t *pa)
{
	uintptr_t va = (uintptr_t)p;

	if (!in_slab_window(va) &&
	    (va < KERNEL_BASE || va - KERNEL_BASE >= direct_limit))
		return false;
	*pa = arch_virt_to_phys(p);
	return *pa < 0xFFFFF000u;
}

paddr_t arch_direct_map_limit(void)
{
	return direct_limit;
}

void *arch_slab_map(paddr_t pa)
{
	for (unsigned n = 0; n < SLAB_SLOTS; n++) {
		unsigned slot = (slab_next + n) % SLAB_SLOTS;
		if (slab_used[slot / 32] & (1u << (slot % 32)))
			continue;
		slab_used[slot / 32] |= 1u << (slot % 32);
		slab_next = slot + 1;
		uintptr_t va = SLAB_WINDOW + slot * PAGE_SIZE;
		*slab_pte(va) = pa | PTE_P | PTE_W | PTE_G;
		invlpg(va);
		return (void *)va;
	}
	panic("slab window full (%u pages)", SLAB_SLOTS);
}

/* Temporary mappings share the slab window's slots. */
void *arch_kmap(paddr_t pa)
{
	return arch_slab_map(pa & PAGE_MASK);
}

void arch_kunmap(void *va)
{
	arch_slab_unmap((void *)((uintptr_t)va & PAGE_MASK));
}

void arch_slab_unmap(void *p)
{
	uintptr_t va = (uintptr_t)p;
	unsigned slot = (va - SLAB_WINDOW) >> PAGE_SHIFT;

	BUG_ON(!in_slab_window(va));
	*slab_pte(va) = 0;
	invlpg(va);
	slab_used[slot / 32] &= ~(1u << (slot % 32));
}

void arch_page_set_writable(void *p, bool writable)
{
	uintptr_t va = (uintptr_t)p;
	uint32_t *pte = slab_pte(va);

	BUG_ON(!in_slab_window(va));
	*pte = writable ? (*pte | PTE_W) : (*pte & ~PTE_W);
	invlpg(va);
}

void arch_tlb_flush_page(vaddr_t va)
{
	invlpg(va);
}

/* Reloading CR3 drops every non-global entry: the user half. */
void arch_tlb_flush_all(void)
{
	write_cr3(read_cr3());
}

/* Beyond this many pages one CR3 reload is cheaper than invlpg each. */
#define TLB_FLUSH_PAGES_MAX 8u

/* One CPU: the CPUs that have dir loaded are this one or none. */
void arch_tlb_shootdown(paddr_t dir, vaddr_t va, uint32_t n)
{
	if (dir != read_cr3())
		return;
	if (!n || n > TLB_FLUSH_PAGES_MAX) {
		arch_tlb_flush_all();
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		invlpg(va + i * PAGE_SIZE);
}

paddr_t arch_current_pgdir(void)
{
	return read_cr3();
}

void arch_switch_pgdir(paddr_t dir)
{
	if (read_cr3() != dir)
		write_cr3(dir);
}
