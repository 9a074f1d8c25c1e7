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
#include <kernel/kernel.h>
#include <kernel/oom.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/uaccess.h>
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
	struct ksiginfo info;
	bool mapped;

	if (err == -ENOMEM) {
		oom_kill(addr);
		return;
	}
	if (err == -ENXIO) { /* a file mapping past the file's end */
		info = siginfo_fault(BUS_ADRERR, addr);
		signal_force_info(SIGBUS, &info); /* a handler may catch it */
		return;
	}
	printk("pid %d (%s): segmentation fault at %08x (eip %08x, %s)\n",
	       current->pid, current->name, addr, tf->eip,
	       tf->error & PF_ERR_WRITE ? "write" : "read");
	/* Linux's codes: a mapping refused the access, or there is none. */
	mapped = current->space && addr < USER_TOP &&
		 mm_find_region(current->space, addr);
	info = siginfo_fault(mapped ? SEGV_ACCERR : SEGV_MAPERR, addr);
	signal_force_info(SIGSEGV, &info);
}

void fault_page(struct trapframe *tf, uint32_t addr)
{
	struct mm_space *s = current ? current->space : NULL;
	int err = -EFAULT;

	/* A copy that must not resolve faults (a lock is held): fail it. */
	if (user_copy_nofault && !trap_from_user(tf) && addr < USER_TOP &&
	    arch_user_copy_fixup(tf))
		return;
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

/* Linux's signal for a user-mode exception, with si_code and si_addr:
 * the faulting instruction for #DE, #UD, #MF, #XM (and #AC, #NP, #SS:
 * SIGBUS); #GP and the rest are SIGSEGV from the kernel, no address. */
static int exception_signal(const struct trapframe *tf, struct ksiginfo *info)
{
	switch (tf->vector) {
	case TRAP_DIVIDE:
		*info = siginfo_fault(FPE_INTDIV, tf->eip);
		return SIGFPE;
	case 1: /* #DB */
	case 3: /* #BP */
		*info = siginfo_fault(TRAP_BRKPT, tf->eip);
		return SIGTRAP;
	case 6: /* #UD */
		*info = siginfo_fault(ILL_ILLOPN, tf->eip);
		return SIGILL;
	case 16: /* #MF */
	case 19: /* #XM */
		*info = siginfo_fault(0, tf->eip);
		return SIGFPE;
	case 11: /* #NP */
	case 12: /* #SS */
	case 17: /* #AC */
		*info =
		    siginfo_fault(tf->vector == 17 ? BUS_ADRALN : SI_KERNEL, 0);
		return SIGBUS;
	}
	*info = siginfo_kernel();
	return SIGSEGV;
}

void fault_exception(struct trapframe *tf)
{
	struct ksiginfo info;

	if (trap_from_user(tf) && current) {
		int sig = exception_signal(tf, &info);

		printk("pid %d (%s): exception %u at eip %08x, signal %d\n",
		       current->pid, current->name, tf->vector, tf->eip, sig);
		signal_force_info(sig, &info);
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
	writeback_run(); /* a periodic flush, if one is due (may sleep) */
	if (sched_need_resched())
		schedule();
	if (current->sig_pending)
		signal_deliver(tf);
}
