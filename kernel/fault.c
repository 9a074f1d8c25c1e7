/*
 * fault.c - the kernel's policy for faults. A page fault at a user address
 * goes to mm_handle_fault() for the current process. If mm cannot resolve
 * it: from user mode the process gets SIGSEGV (when memory ran out even
 * after the yielded-block cache gave back what it holds, the OOM policy
 * in kernel/oom.c kills the biggest process instead); inside
 * a user copy the copy returns -EFAULT; anywhere else it is a kernel bug
 * and panics, naming the slab object when a write hit a read-only slab
 * page outside USE().
 */
#include <arch/proc.h>
#include <kernel/errno.h>
#include <kernel/fault.h>
#include <kernel/oom.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <mm/pagetable.h>
#include <mm/region.h>
#include <mm/slab.h>

static void kernel_fault(struct trapframe *tf, uint32_t addr)
{
	char what[160];

	printk("\nKernel page fault at %08x\n", addr);
	trap_dump(tf);
	if (slab_describe((const void *)(uintptr_t)addr, what, sizeof(what)))
		panic("write to %s outside USE() at eip %08x", what, tf->eip);
	panic("page fault at %08x in kernel mode (eip %08x)", addr, tf->eip);
}

static void user_fault(struct trapframe *tf, uint32_t addr, int err)
{
	if (err == -ENOMEM) {
		oom_kill(addr);
		return;
	}
	if (err == -ENXIO) { /* a file mapping past the file's end */
		signal_force(SIGBUS);
		return;
	}
	printk("pid %d (%s): segmentation fault at %08x (eip %08x, %s)\n",
	       current->pid, current->name, addr, tf->eip,
	       tf->error & PF_ERR_WRITE ? "write" : "read");
	signal_force(SIGSEGV);
}

void fault_page(struct trapframe *tf, uint32_t addr)
{
	struct mm_space *s = current ? current->space : NULL;
	int err = -EFAULT;

	if (s && addr < USER_TOP) {
		err = mm_handle_fault(s, addr, tf->error & PF_ERR_WRITE);
		if (!err) {
			current->min_flt++;
			return;
		}
	}
	if (trap_from_user(tf)) {
		user_fault(tf, addr, err);
		return;
	}
	if (addr < USER_TOP && arch_user_copy_fixup(tf))
		return;
	kernel_fault(tf, addr);
}

void fault_exception(struct trapframe *tf)
{
	if (trap_from_user(tf) && current) {
		printk("pid %d (%s): exception %u at eip %08x, killed\n",
		       current->pid, current->name, tf->vector, tf->eip);
		signal_force(tf->vector == TRAP_DIVIDE ? SIGFPE : SIGSEGV);
		return;
	}
	printk("\n");
	trap_dump(tf);
	panic("unhandled exception %u at eip %08x", tf->vector, tf->eip);
}

void fault_bad_segment(struct trapframe *tf)
{
	printk("pid %d (%s): return to user mode faulted (eip %08x)\n",
	       current->pid, current->name, tf->eip);
	signal_force(SIGSEGV);
}

void fault_return_to_user(struct trapframe *tf)
{
	if (!current)
		return;
	if (sched_need_resched())
		schedule();
	if (current->sig_pending)
		signal_deliver(tf);
}
