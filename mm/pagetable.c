/*
 * pagetable.c - x86 two-level page tables (SPEC §5).
 *
 * Directories and tables are PHYS_KERNEL pages reached through the direct
 * mapping, so any address space's tables can be read and edited without
 * loading it. Only the user half (entries 0..767) belongs to a directory;
 * the kernel half is a copy of the kernel directory's entries, shared by
 * every directory, and is never freed here. User page tables are allocated
 * on demand and kept (even when empty) until pt_free_dir().
 */
#include <arch/hooks.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/sanity.h>

#define PT_ENTRIES 1024u
/* Directory entry of a user page table: the PTEs decide the access. */
#define PDE_USER_FLAGS (PTE_P | PTE_W | PTE_U)

static paddr_t kernel_dir = PHYS_NONE;

void pt_set_kernel_dir(paddr_t dir)
{
	kernel_dir = dir;
}

paddr_t pt_kernel_dir(void)
{
	return kernel_dir;
}

static uint32_t *pt_page(paddr_t pa)
{
	return arch_phys_to_virt(pa & PAGE_MASK);
}

static paddr_t pt_alloc_zeroed(void)
{
	paddr_t pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);

	if (pa != PHYS_NONE)
		memset(pt_page(pa), 0, PAGE_SIZE);
	return pa;
}

/* The user half zeroed, the kernel half the kernel directory's (zeros
 * before pt_set_kernel_dir: host tests). */
paddr_t pt_new_dir(void)
{
	paddr_t dir = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	uint32_t *d;

	if (dir == PHYS_NONE)
		return dir;
	d = pt_page(dir);
	memset(d, 0, PDE_KERNEL_FIRST * sizeof(uint32_t));
	if (kernel_dir == PHYS_NONE)
		memset(d + PDE_KERNEL_FIRST, 0,
		       (PT_ENTRIES - PDE_KERNEL_FIRST) * sizeof(uint32_t));
	else
		memcpy(d + PDE_KERNEL_FIRST,
		       pt_page(kernel_dir) + PDE_KERNEL_FIRST,
		       (PT_ENTRIES - PDE_KERNEL_FIRST) * sizeof(uint32_t));
	return dir;
}

/* Free the user page tables, eight directory entries tested at once
 * (most are empty: exit and exec come here). */
void pt_free_dir(paddr_t dir)
{
	uint32_t *d = pt_page(dir);

	_Static_assert(PDE_KERNEL_FIRST % 8 == 0, "scan in eights");
	for (unsigned i = 0; i < PDE_KERNEL_FIRST; i += 8) {
		if (!((d[i] | d[i + 1] | d[i + 2] | d[i + 3] | d[i + 4] |
		       d[i + 5] | d[i + 6] | d[i + 7]) &
		      PTE_P))
			continue;
		for (unsigned j = i; j < i + 8; j++)
			if (d[j] & PTE_P)
				phys_free(d[j] & PAGE_MASK, 1, PHYS_KERNEL);
	}
	phys_free(dir, 1, PHYS_KERNEL);
}

/* The PTE slot for va, or NULL if its page table does not exist. */
static uint32_t *pt_slot(paddr_t dir, vaddr_t va)
{
	uint32_t pde = pt_page(dir)[PD_INDEX(va)];

	if (!(pde & PTE_P))
		return NULL;
	return pt_page(pde) + PT_INDEX(va);
}

static int pt_ensure_table(paddr_t dir, vaddr_t va)
{
	uint32_t *pde = pt_page(dir) + PD_INDEX(va);
	paddr_t table;

	if (*pde & PTE_P)
		return 0;
	table = pt_alloc_zeroed();
	if (table == PHYS_NONE)
		return -ENOMEM;
	*pde = table | PDE_USER_FLAGS;
	return 0;
}

int pt_prepare(paddr_t dir, vaddr_t va, size_t npages)
{
	vaddr_t last = va + (npages - 1) * PAGE_SIZE;

	if (npages == 0)
		return 0;
	BUG_ON(last >= USER_TOP || last < va);
	/* One table covers 4 MiB: visit each table's range once. */
	for (uint32_t i = PD_INDEX(va); i <= PD_INDEX(last); i++)
		if (pt_ensure_table(dir, i << 22))
			return -ENOMEM;
	return 0;
}

/* Must a TLB entry for old go when the PTE becomes new? Only if old was
 * present and new moves it or takes a right away: a right added (the
 * write bit after copy-on-write) shows at the next fault on the page,
 * which the CPU takes on the stale entry and then drops it. */
static inline bool pte_stale(uint32_t old, uint32_t new)
{
	return (old & PTE_P) && (((old ^ new) & PAGE_MASK) ||
				 (old & ~new &(PTE_P | PTE_W | PTE_U)));
}

/* Write a PTE, shooting the stale TLB entry down wherever dir is loaded
 * (every CPU running a thread of the space). */
static void pt_write(paddr_t dir, vaddr_t va, uint32_t *slot, uint32_t pte)
{
	uint32_t old = *slot;

	if (old == pte)
		return;
	*slot = pte;
	if (pte_stale(old, pte))
		arch_tlb_shootdown(dir, va, 1);
}

int pt_map(paddr_t dir, vaddr_t va, paddr_t pa, unsigned flags)
{
	BUG_ON(va >= USER_TOP);
	if (pt_ensure_table(dir, va))
		return -ENOMEM;
	pt_write(dir, va, pt_slot(dir, va),
		 (pa & PAGE_MASK) | (flags & PTE_FLAGS) | PTE_P);
	return 0;
}

uint32_t *pt_cursor_load(struct pt_cursor *c, vaddr_t va, bool alloc)
{
	uint32_t pde;

	BUG_ON(va >= USER_TOP);
	if (alloc && pt_ensure_table(c->dir, va))
		return NULL;
	pde = pt_page(c->dir)[PD_INDEX(va)];
	c->pdi = PD_INDEX(va);
	c->table = (pde & PTE_P) ? pt_page(pde) : NULL;
	return c->table;
}

bool pt_set_run(paddr_t dir, vaddr_t va, paddr_t pa, uint32_t n, unsigned flags)
{
	uint32_t pte = pt_make_pte(pa, flags), step = flags ? PAGE_SIZE : 0;
	bool stale = false;

	BUG_ON(n && (va >= USER_TOP || n > (USER_TOP - va) >> PAGE_SHIFT));
	if (n == 1) { /* the common case: a page from a fault */
		uint32_t *slot = pt_slot(dir, va);

		BUG_ON(!slot);
		stale = pte_stale(*slot, pte);
		*slot = pte;
		return stale;
	}
	while (n) {
		uint32_t *slot = pt_slot(dir, va);
		uint32_t k = MIN(n, PT_ENTRIES - PT_INDEX(va));

		BUG_ON(!slot);
		/* One table at a time: a tight loop over its slots. */
		for (uint32_t i = 0; i < k; i++, pte += step) {
			stale |= pte_stale(slot[i], pte);
			slot[i] = pte;
		}
		va += k * PAGE_SIZE;
		n -= k;
	}
	return stale;
}

void pt_flush_run(paddr_t dir, vaddr_t va, uint32_t n)
{
	if (n)
		arch_tlb_shootdown(dir, va, n);
}

void pt_unmap(paddr_t dir, vaddr_t va)
{
	uint32_t *slot;

	BUG_ON(va >= USER_TOP);
	slot = pt_slot(dir, va);
	if (slot)
		pt_write(dir, va, slot, 0);
}

bool pt_lookup(paddr_t dir, vaddr_t va, paddr_t *pa, unsigned *flags)
{
	uint32_t *slot = va < USER_TOP ? pt_slot(dir, va) : NULL;

	if (!slot || !(*slot & PTE_P))
		return false;
	if (pa)
		*pa = *slot & PAGE_MASK;
	if (flags)
		*flags = *slot & PTE_FLAGS;
	return true;
}

void pt_sanity(struct sanity *s, paddr_t dir)
{
	const uint32_t *d = pt_page(dir);

	sanity_mark(s, dir, 1, "page directory");
	for (unsigned i = 0; i < PDE_KERNEL_FIRST; i++) {
		if (!(d[i] & PTE_P))
			continue;
		if ((d[i] & PDE_USER_FLAGS) != PDE_USER_FLAGS ||
		    (d[i] & PTE_PS))
			sanity_fail(s, "pgdir %#x: bad user pde %u: %#x", dir,
				    i, d[i]);
		sanity_mark(s, d[i] & PAGE_MASK, 1, "page table");
	}
}
