/* trap.h - the register frame saved on every interrupt, exception and system
 * call. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <kernel/types.h>

struct trapframe {
	/* pushed by isr_common */
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax;
	/* pushed by the stub */
	uint32_t vector, error;
	/* pushed by the CPU */
	uint32_t eip, cs, eflags;
	/* only when coming from ring 3 */
	uint32_t esp, ss;
};

#define TRAP_DIVIDE 0
#define TRAP_PAGE_FAULT 14
/* The page fault's error code. */
#define PF_ERR_PRESENT 0x1 /* a protection fault, not a missing page */
#define PF_ERR_WRITE 0x2
#define PF_ERR_USER 0x4
#define IRQ_BASE 32
#define TRAP_SYSCALL 0x80

static inline bool trap_from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

/* Register a handler for an IRQ line (0-15). */
void irq_register(int irq, void (*fn)(struct trapframe *tf));

/* Print the frame (vector, error, registers, CR2) and a backtrace. */
void trap_dump(const struct trapframe *tf);

#endif
