/*
 * trap.c - where every interrupt lands: IRQs go to their registered
 * handler, page faults to the kernel's fault policy (kernel/fault.c), and
 * any other exception prints the frame and a backtrace, then panics.
 */
#include <arch/trap.h>
#include <kernel/fault.h>
#include <kernel/ksyms.h>
#include <kernel/printk.h>
#include "x86.h"
#include "arch.h"

static void (*irq_handlers[16])(struct trapframe *tf);

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check",
	"machine check", "SIMD error", "virtualization", "control protection",
};

void irq_register(int irq, void (*fn)(struct trapframe *tf))
{
	irq_handlers[irq] = fn;
	pic_unmask(irq);
}

void trap_dump(const struct trapframe *tf)
{
	const char *name = tf->vector < 32 ? exception_names[tf->vector] : NULL;
	uintptr_t off;
	const char *fn = ksym_lookup(tf->eip, &off);

	printk("Exception %u (%s), error code %#x\n", tf->vector,
	       name ? name : "?", tf->error);
	if (tf->vector == TRAP_PAGE_FAULT)
		printk("  CR2 (fault address) = %08x (%s, %s, %s)\n",
		       read_cr2(), tf->error & 1 ? "protection" : "not present",
		       tf->error & 2 ? "write" : "read",
		       tf->error & 4 ? "user" : "kernel");
	printk("  EIP = %08x %s+%#lx  CS = %04x  EFLAGS = %08x\n", tf->eip,
	       fn ? fn : "?", fn ? (unsigned long)off : 0ul, tf->cs,
	       tf->eflags);
	printk("  EAX = %08x  EBX = %08x  ECX = %08x  EDX = %08x\n", tf->eax,
	       tf->ebx, tf->ecx, tf->edx);
	printk("  ESI = %08x  EDI = %08x  EBP = %08x  ESP = %08x\n", tf->esi,
	       tf->edi, tf->ebp,
	       trap_from_user(tf) ? tf->esp : (uint32_t)&tf->esp);
	printk("  DS = %04x  ES = %04x  FS = %04x  GS = %04x\n", tf->ds,
	       tf->es, tf->fs, tf->gs);
	if (!trap_from_user(tf))
		backtrace_print(tf->eip, tf->ebp);
}

static void handle_irq(struct trapframe *tf)
{
	int irq = (int)tf->vector - IRQ_BASE;

	/* Spurious IRQ 7/15: the PIC did not really raise it. */
	if (irq == 7 || irq == 15) {
		if (!irq_handlers[irq])
			return;
	}
	pic_eoi(irq);
	if (irq_handlers[irq])
		irq_handlers[irq](tf);
}

void trap_dispatch(struct trapframe *tf)
{
	if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + 16) {
		handle_irq(tf);
	} else if (tf->vector == TRAP_PAGE_FAULT) {
		fault_page(tf, read_cr2());
	} else if (tf->vector == TRAP_SYSCALL) {
		syscall_dispatch(tf);
	} else {
		fault_exception(tf);
	}
	/* Returning to user mode is a preemption point. */
	if (trap_from_user(tf))
		fault_return_to_user(tf);
}
