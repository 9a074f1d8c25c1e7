/*
 * fault.h - the kernel's policy for traps that arch/x86/trap.c cannot
 * decide alone: page faults (resolve through mm, fix up a user copy, kill
 * the process or panic), other exceptions, system calls, and the work done
 * before returning to user mode (signals, rescheduling).
 */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <arch/trap.h>

void fault_page(struct trapframe *tf, uint32_t addr);
void fault_exception(struct trapframe *tf);
/* int 0x80 (isr.asm's own stub, not trap_dispatch): the call, then the
 * return to user mode's work. */
void syscall_entry(struct trapframe *tf);
void fault_return_to_user(struct trapframe *tf);
/* Returning to user mode faulted (arch repaired tf, which returns to
 * user mode): SIGSEGV for the current process. */
void fault_bad_segment(struct trapframe *tf);

#endif
