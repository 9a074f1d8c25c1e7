/* uproc.c - arch side of processes: kernel stack layout, user frames, TLS
 * descriptors, copy fixups. */
#include <arch/proc.h>
#include <kernel/string.h>
#include "arch.h"

extern char new_proc_entry[], user_copy_start[], user_copy_end[],
    user_copy_fault[];

uint32_t arch_kstack_init(void *top, struct trapframe **tfp)
{
	uint32_t *sp = top;
	struct trapframe *tf;

	sp = (uint32_t *)((char *)sp - sizeof(*tf));
	tf = (struct trapframe *)sp;
	memset(tf, 0, sizeof(*tf));
	*--sp = (uint32_t)new_proc_entry; /* ret of arch_context_switch */
	*--sp = 0;			  /* ebp: ends backtraces */
	*--sp = 0;			  /* ebx */
	*--sp = 0;			  /* esi */
	*--sp = 0;			  /* edi */
	*tfp = tf;
	return (uint32_t)sp;
}

void arch_set_kernel_stack(uint32_t esp0)
{
	tss_set_kernel_stack(esp0);
}

void arch_user_frame(struct trapframe *tf, uint32_t eip, uint32_t esp)
{
	memset(tf, 0, sizeof(*tf));
	tf->cs = SEL_UCODE;
	tf->ds = tf->es = tf->fs = tf->gs = tf->ss = SEL_UDATA;
	tf->eflags = 0x202; /* interrupts on */
	tf->eip = eip;
	tf->esp = esp;
}

bool arch_user_copy_fixup(struct trapframe *tf)
{
	if (tf->eip < (uint32_t)user_copy_start ||
	    tf->eip > (uint32_t)user_copy_end)
		return false;
	tf->eip = (uint32_t)user_copy_fault;
	return true;
}
