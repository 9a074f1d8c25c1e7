/*
 * syscall.c - int 0x80 entry with Linux's i386 convention: number in EAX,
 * arguments in EBX, ECX, EDX, ESI, EDI, EBP, result (or -errno) in EAX.
 * Numbers without a handler in syscall_table (kernel/syscall_table.c)
 * return -ENOSYS. The gate's stub (arch/x86/isr.asm) calls syscall_entry
 * directly: the shortest path from the trap to the handler and back.
 */
#include <kernel/errno.h>
#include <kernel/fault.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>

extern const syscall_fn syscall_table[SYSCALL_MAX];

/* Run the call numbered tf->eax with tf's argument registers. */
static inline void syscall_dispatch(struct trapframe *tf)
{
	const uint32_t args[SYSCALL_NARGS] = {tf->ebx, tf->ecx, tf->edx,
					      tf->esi, tf->edi, tf->ebp};
	unsigned nr = tf->eax;
	syscall_fn fn = nr < SYSCALL_MAX ? syscall_table[nr] : NULL;

	if (current)
		current->syscall_nr = nr;
	if (!fn) {
		tf->eax = (uint32_t)-ENOSYS;
		return;
	}
	tf->eax = (uint32_t)fn(args);
}

void syscall_entry(struct trapframe *tf)
{
	syscall_dispatch(tf);
	fault_return_to_user(tf);
}
