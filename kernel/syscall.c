/*
 * syscall.c - int 0x80 entry with Linux's i386 convention: number in EAX,
 * arguments in EBX, ECX, EDX, ESI, EDI, EBP, result (or -errno) in EAX.
 * Numbers without a handler return -ENOSYS.
 */
#include <kernel/errno.h>
#include <kernel/fault.h>
#include <kernel/syscall.h>

static syscall_fn table[SYSCALL_MAX];

void syscall_register(unsigned nr, syscall_fn fn)
{
	if (nr < SYSCALL_MAX)
		table[nr] = fn;
}

void syscall_dispatch(struct trapframe *tf)
{
	unsigned nr = tf->eax;
	syscall_fn fn = nr < SYSCALL_MAX ? table[nr] : NULL;

	if (!fn) {
		tf->eax = (uint32_t)-ENOSYS;
		return;
	}
	tf->eax = (uint32_t)fn(tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi,
			       tf->ebp);
}
