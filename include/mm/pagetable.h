/*
 * pagetable.h - x86 two-level page tables (SPEC §5).
 *
 * Directories and tables are ordinary physical pages reached through the
 * direct mapping, so the kernel edits any address space's tables without
 * switching to it. Every directory's kernel half (entries 768..1023) is a
 * copy of the kernel directory's: the same global 4 MiB mappings and the
 * same kernel page tables, so a context switch never flushes them.
 */
#ifndef MM_PAGETABLE_H
#define MM_PAGETABLE_H

#include <kernel/types.h>

#define PTE_P 0x001u /* present */
#define PTE_W 0x002u /* writable */
#define PTE_U 0x004u /* user */
#define PTE_PWT 0x008u
#define PTE_PCD 0x010u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u /* 4 MiB page (directory entry) */
#define PTE_G 0x100u  /* global */
#define PTE_FLAGS 0xFFFu

#define KERNEL_BASE 0xC0000000u
#define USER_TOP KERNEL_BASE
/* One past the last 32-bit address (4 GiB), for 64-bit range checks. */
#define ADDR_SPACE_END 0x100000000ull
#define PDE_KERNEL_FIRST (KERNEL_BASE >> 22) /* 768 */
#define PT_SPAN 0x400000u /* bytes one page table maps (4 MiB) */
#define PD_INDEX(va) ((va) >> 22)
#define PT_INDEX(va) (((va) >> 12) & 0x3FFu)

/* The directory whose kernel half every new directory copies. */
void pt_set_kernel_dir(paddr_t dir);
paddr_t pt_kernel_dir(void);

/* New directory: user half empty, kernel half copied. PHYS_NONE if no memory.
 */
paddr_t pt_new_dir(void);
/* Free the directory and all its user page tables (not the mapped pages). */
void pt_free_dir(paddr_t dir);

/* Map one user page; allocates the page table if needed. 0 or -ENOMEM.
 * Replacing a present mapping flushes its TLB entry if dir is loaded. */
int pt_map(paddr_t dir, vaddr_t va, paddr_t pa, unsigned flags);
/*
 * Make sure the page tables covering [va, va + npages pages) exist, so that
 * pt_map() there cannot fail. 0 or -ENOMEM (tables made so far are kept).
 */
int pt_prepare(paddr_t dir, vaddr_t va, size_t npages);
/*
 * Write the n PTEs from va mapping [pa, +n pages) with flags (0: not
 * present); the tables must exist (pt_prepare). No TLB flush: returns true
 * if a present PTE changed, for the caller to flush (one per batch).
 */
bool pt_set_run(paddr_t dir, vaddr_t va, paddr_t pa, uint32_t n,
		unsigned flags);
/* Flush the TLB entries of the n pages from va if dir is loaded: one by
 * one for a few pages, else the whole user half. */
void pt_flush_run(paddr_t dir, vaddr_t va, uint32_t n);
/*
 * A cursor over one directory's PTE slots: it remembers the page table it
 * used last, so a walk in address order looks each table up once (fork).
 */
struct pt_cursor {
	paddr_t dir;
	uint32_t pdi;	 /* directory index of table, or ~0 */
	uint32_t *table; /* the page table of pdi (NULL: none) */
};

static inline void pt_cursor_init(struct pt_cursor *c, paddr_t dir)
{
	c->dir = dir;
	c->pdi = ~0u;
	c->table = NULL;
}

/* Point c at va's page table, allocating it if alloc; NULL if there is
 * none (or no memory). */
uint32_t *pt_cursor_load(struct pt_cursor *c, vaddr_t va, bool alloc);

/* The PTE slot of user address va (a table allocated if alloc), or NULL. */
static inline uint32_t *pt_cursor_slot(struct pt_cursor *c, vaddr_t va,
				       bool alloc)
{
	uint32_t *t =
	    PD_INDEX(va) == c->pdi ? c->table : pt_cursor_load(c, va, alloc);

	return t ? t + PT_INDEX(va) : NULL;
}

/* The PTE mapping pa with flags (0 flags: not present). */
static inline uint32_t pt_make_pte(paddr_t pa, unsigned flags)
{
	return flags ? (pa & PAGE_MASK) | (flags & PTE_FLAGS) | PTE_P : 0;
}

/* Remove the mapping of va (no-op if none); flushes the TLB entry if dir is
 * loaded. */
void pt_unmap(paddr_t dir, vaddr_t va);
/* Read the mapping of va: true if present; pa and flags are optional. */
bool pt_lookup(paddr_t dir, vaddr_t va, paddr_t *pa, unsigned *flags);

struct sanity;
/* Mark the directory and its user page tables. */
void pt_sanity(struct sanity *s, paddr_t dir);

#endif
