/*
 * debug_consts.c - the macros of mm/ that the GDB helpers (scripts/gdb/)
 * need, as enumerators. The debug information keeps types and variables
 * but not macros, so the helpers read these by name (gdb.parse_and_eval)
 * instead of repeating the numbers; change a macro and the helpers follow.
 * kernel/debug_consts.c does the same for the rest of the kernel.
 */
#include <mm/pagetable.h>
#include <mm/region.h>
#include <mm/slab.h>
#include "region_internal.h"

enum mm_debug_consts {
	DEBUG_PAGE_SIZE = PAGE_SIZE,
	DEBUG_KERNEL_BASE = KERNEL_BASE,
	DEBUG_SLAB_MAX_OBJ = SLAB_MAX_OBJ,
	DEBUG_PTE_P = PTE_P,
	DEBUG_PTE_W = PTE_W,
	DEBUG_PTE_U = PTE_U,
	DEBUG_PTE_PWT = PTE_PWT,
	DEBUG_PTE_PCD = PTE_PCD,
	DEBUG_PTE_A = PTE_A,
	DEBUG_PTE_D = PTE_D,
	DEBUG_PTE_PS = PTE_PS,
	DEBUG_PTE_G = PTE_G,
	DEBUG_PDE_KERNEL_FIRST = PDE_KERNEL_FIRST,
	DEBUG_PROT_READ = PROT_READ,
	DEBUG_PROT_WRITE = PROT_WRITE,
	DEBUG_PROT_EXEC = PROT_EXEC,
	DEBUG_REGION_GROWSDOWN = REGION_GROWSDOWN,
	DEBUG_REGION_OPS_SHARED = REGION_OPS_SHARED,
};

/* Never read: an object of the type keeps the enum in the debug info. */
const enum mm_debug_consts mm_debug_consts_anchor = DEBUG_PAGE_SIZE;
