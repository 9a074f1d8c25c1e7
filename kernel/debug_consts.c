/*
 * debug_consts.c - the kernel's macros that the GDB helpers
 * (scripts/gdb/) need, as enumerators: the debug information keeps types
 * and variables but not macros. mm/debug_consts.c has the memory
 * manager's.
 */
#include <kernel/proc.h>

enum kernel_debug_consts {
	DEBUG_KSTACK_PAGES = KSTACK_PAGES,
};

/* Never read: an object of the type keeps the enum in the debug info. */
const enum kernel_debug_consts kernel_debug_consts_anchor = DEBUG_KSTACK_PAGES;
