/*
 * fault.c - the kernel's policy for faults: a page fault in the current
 * address space goes to mm_handle_fault(); a kernel access that mm cannot
 * resolve is a kernel bug and panics, naming the slab object when a write
 * hit a read-only slab page outside USE().
 */
#include <kernel/fault.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>
#include <mm/region.h>
#include <mm/slab.h>

struct mm_space *current_space;

static void kernel_fault(struct trapframe *tf, uint32_t addr)
{
	char what[160];

	printk("\nKernel page fault at %08x\n", addr);
	trap_dump(tf);
	if (slab_describe((const void *)(uintptr_t)addr, what, sizeof(what)))
		panic("write to %s outside USE() at eip %08x", what, tf->eip);
	panic("page fault at %08x in kernel mode (eip %08x)", addr, tf->eip);
}

void fault_page(struct trapframe *tf, uint32_t addr)
{
	bool write = tf->error & 2;

	if (current_space && addr < USER_TOP &&
	    mm_handle_fault(current_space, addr, write) == 0)
		return;
	kernel_fault(tf, addr);
}

void fault_exception(struct trapframe *tf)
{
	printk("\n");
	trap_dump(tf);
	panic("unhandled exception %u at eip %08x", tf->vector, tf->eip);
}

void fault_return_to_user(struct trapframe *tf)
{
	(void)tf;
}
