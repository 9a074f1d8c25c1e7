/* proc.h (arch) - the hardware side of processes: kernel stacks, context
 * switch, user entry, TLS. */
#ifndef ARCH_PROC_H
#define ARCH_PROC_H

#include <arch/trap.h>
#include <kernel/types.h>

/* Save callee-saved registers and the stack pointer in *save, resume the
 * context whose stack pointer is next_esp. */
void arch_context_switch(uint32_t *save, uint32_t next_esp);
/*
 * Prepare a fresh kernel stack ending at top: a trapframe (returned in
 * *tf) and a switch frame that returns through the trap exit path.
 * Returns the initial saved stack pointer.
 */
uint32_t arch_kstack_init(void *top, struct trapframe **tf);
/* Kernel stack for traps from user mode (TSS esp0). */
void arch_set_kernel_stack(uint32_t esp0);
/* Make tf enter user mode at eip with stack esp. */
void arch_user_frame(struct trapframe *tf, uint32_t eip, uint32_t esp);
/* Write one TLS descriptor (GDT entries 6..8) from Linux's user_desc
 * fields. */
void arch_set_tls(unsigned slot, uint32_t base, uint32_t limit, uint32_t flags);
/* Whether user mode may hold sel in ds, es, fs or gs: null, the flat
 * user segments, or a present TLS descriptor of the current process. */
bool arch_user_selector_ok(uint32_t sel);
/* The selectors user mode runs with in cs and ss (and ds, es). */
uint32_t arch_user_code_selector(void);
uint32_t arch_user_data_selector(void);
/* Copy with fault recovery: 0 or -EFAULT. */
int arch_user_copy(void *dst, const void *src, size_t n);
/* Whether eip lies in the recoverable copy routine, and where to resume. */
bool arch_user_copy_fixup(struct trapframe *tf);

/* x87/SSE registers: enable at boot, save/restore a 512-byte, 16-byte
 * aligned area per process, reset an area to the power-on state. */
void arch_fpu_init(void);
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);
void arch_fpu_reset(void *area);
/* Clear what the CPU would refuse in an area that came from user space. */
void arch_fpu_sanitize(void *area);

#endif
