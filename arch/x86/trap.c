/*
 * trap.c - where every interrupt lands: IRQs go to their registered
 * handler, page faults to the kernel's fault policy (kernel/fault.c), and
 * any other exception prints the frame and a backtrace, then panics.
 */
#include <arch/proc.h>
#include <arch/trap.h>
#include <kernel/fault.h>
#include <kernel/ksyms.h>
#include <kernel/printk.h>
#include "x86.h"
#include "arch.h"

static void (*irq_handlers[16])(struct trapframe *tf);

#define TRAP_SEG_NOT_PRESENT 11
#define TRAP_STACK_FAULT 12
#define TRAP_GP 13

extern char trap_pop_gs[], trap_pop_fs[], trap_pop_es[], trap_pop_ds[],
    trap_iret[], trap_segment_resume[];

/* The instructions of the return path that load user state, and the
 * offset in the frame being returned to of what each loads. */
static const struct {
	const char *at;
	size_t off;
} return_steps[] = {
    {trap_pop_gs, offsetof(struct trapframe, gs)},
    {trap_pop_fs, offsetof(struct trapframe, fs)},
    {trap_pop_es, offsetof(struct trapframe, es)},
    {trap_pop_ds, offsetof(struct trapframe, ds)},
    {trap_iret, offsetof(struct trapframe, eip)},
};

static const char *const exception_names[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor overrun",
    "invalid TSS",
    "segment not present",
    "stack fault",
    "general protection",
    "page fault",
    "reserved",
    "x87 error",
    "alignment check",
    "machine check",
    "SIMD error",
    "virtualization",
    "control protection",
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
		printk(
		    "  CR2 (fault address) = %08x (%s, %s, %s)\n", read_cr2(),
		    tf->error & PF_ERR_PRESENT ? "protection" : "not present",
		    tf->error & PF_ERR_WRITE ? "write" : "read",
		    tf->error & PF_ERR_USER ? "user" : "kernel");
	printk("  EIP = %08x %s+%#lx  CS = %04x  EFLAGS = %08x\n", tf->eip,
	       fn ? fn : "?", fn ? (unsigned long)off : 0ul, tf->cs,
	       tf->eflags);
	printk("  EAX = %08x  EBX = %08x  ECX = %08x  EDX = %08x\n", tf->eax,
	       tf->ebx, tf->ecx, tf->edx);
	printk("  ESI = %08x  EDI = %08x  EBP = %08x  ESP = %08x\n", tf->esi,
	       tf->edi, tf->ebp,
	       trap_from_user(tf) ? tf->esp : (uint32_t)&tf->esp);
	printk("  DS = %04x  ES = %04x  FS = %04x  GS = %04x\n", tf->ds, tf->es,
	       tf->fs, tf->gs);
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

/*
 * A fault (tf, in kernel mode) on the way back to the frame below it. A
 * selector pop faults when a user selector no longer loads (its TLS
 * descriptor was cleared while loaded): the selector becomes null and the
 * pop is retried, as Linux's return path does. The iret cannot fault with
 * the cs and ss sigreturn allows; should it, the frame gets the user's
 * segments back and the process SIGSEGV (through trap_segment_resume),
 * never a panic. The faulting esp is where the CPU would have pushed esp
 * had it changed rings: &tf->esp.
 */
static bool trap_return_fault(struct trapframe *tf)
{
	uint32_t esp = (uint32_t)&tf->esp;

	if (tf->vector != TRAP_SEG_NOT_PRESENT &&
	    tf->vector != TRAP_STACK_FAULT && tf->vector != TRAP_GP)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(return_steps); i++) {
		struct trapframe *ret;

		if (tf->eip != (uint32_t)return_steps[i].at)
			continue;
		ret = (struct trapframe *)(esp - return_steps[i].off);
		if (return_steps[i].at != trap_iret) {
			*(uint32_t *)esp = 0;
			/* This trap saved the same bad fs or gs: its own
			 * return would fault again. */
			if (!arch_user_selector_ok(tf->fs))
				tf->fs = 0;
			if (!arch_user_selector_ok(tf->gs))
				tf->gs = 0;
			return true;
		}
		if (!trap_from_user(ret))
			return false;
		ret->cs = SEL_UCODE;
		ret->ss = SEL_UDATA;
		ret->ds = ret->es = ret->fs = ret->gs = 0;
		tf->eax = (uint32_t)ret;
		tf->eip = (uint32_t)trap_segment_resume;
		return true;
	}
	return false;
}

/* Called from trap_segment_resume: the repaired user frame tf. */
void trap_bad_segment(struct trapframe *tf)
{
	fault_bad_segment(tf);
	fault_return_to_user(tf);
}

void trap_dispatch(struct trapframe *tf)
{
	if (tf->vector >= IRQ_BASE && tf->vector < IRQ_BASE + 16) {
		handle_irq(tf);
	} else if (tf->vector == TRAP_PAGE_FAULT) {
		fault_page(tf, read_cr2());
	} else if (trap_from_user(tf) || !trap_return_fault(tf)) {
		fault_exception(tf);
	}
	/* Returning to user mode is a preemption point. */
	if (trap_from_user(tf))
		fault_return_to_user(tf);
}
