/*
 * debug_consts.c - the macros the GDB helpers (scripts/gdb/) need, as
 * enumerators. The debug information keeps types and variables but not
 * macros, so the helpers read these by name (gdb.parse_and_eval) instead
 * of repeating the numbers; change a macro and the helpers follow.
 */
#include <kernel/proc.h>
#include <mm/pagetable.h>
#include <mm/region.h>
#include <mm/slab.h>

enum debug_consts {
	DEBUG_PAGE_SIZE = PAGE_SIZE,
	DEBUG_KERNEL_BASE = KERNEL_BASE,
	DEBUG_KSTACK_PAGES = KSTACK_PAGES,
	DEBUG_SLAB_MAX_OBJ = SLAB_MAX_OBJ,
	DEBUG_PTE_P = PTE_P,
	DEBUG_PTE_W = PTE_W,
	DEBUG_PTE_U = PTE_U,
	DEBUG_PTE_A = PTE_A,
	DEBUG_PTE_D = PTE_D,
	DEBUG_PTE_PS = PTE_PS,
	DEBUG_PTE_G = PTE_G,
	DEBUG_PROT_READ = PROT_READ,
	DEBUG_PROT_WRITE = PROT_WRITE,
	DEBUG_PROT_EXEC = PROT_EXEC,
	DEBUG_REGION_GROWSDOWN = REGION_GROWSDOWN,
};

/* Never read: an object of the type keeps the enum in the debug info. */
const enum debug_consts debug_consts_anchor = DEBUG_PAGE_SIZE;
