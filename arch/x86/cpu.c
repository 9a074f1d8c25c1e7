/* cpu.c - small CPU hooks: cycle counter, CPUID, frame pointer, interrupt
 * flag, leaving QEMU. */
#include <arch/hooks.h>
#include "x86.h"
#include "arch.h"

uint64_t arch_cycles(void)
{
	return rdtsc();
}

#define CR4_TSD 0x4u /* rdtsc only in ring 0 */

void arch_set_user_tsc(bool allowed)
{
	uint32_t cr4 = read_cr4();
	uint32_t want = allowed ? cr4 & ~CR4_TSD : cr4 | CR4_TSD;

	if (want != cr4)
		write_cr4(want);
}

/* The processor's identification: /proc/cpuinfo reads it. */
void arch_cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

uintptr_t arch_frame_pointer(void)
{
	return (uintptr_t)__builtin_frame_address(0);
}

unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushf; pop %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & EFLAGS_IF)
		sti();
}

bool cpu_idle_tick;

void arch_idle_wait(void)
{
	/* The kernel runs with interrupts off: a tick that came while it
	 * worked waits in the PIC and is taken right at this sti. It is the
	 * work's time, not idle time. */
	cpu_idle_tick = !pic_pending(0);
	/* sti takes effect after the next instruction: no interrupt can
	 * slip in between and leave hlt waiting for the one after it. */
	__asm__ volatile("sti; hlt; cli" : : : "memory");
	cpu_idle_tick = false;
}

void arch_halt_forever(void)
{
	for (;;) {
		cli();
		__asm__ volatile("hlt");
	}
}

void arch_power_off(int code)
{
	/* QEMU's test device first (it carries the status), then the ACPI
	 * PM1a control ports QEMU and Bochs use for S5. */
	outl(0xF4, (uint32_t)code);
	outw(0x604, 0x2000);
	outw(0xB004, 0x2000);
	arch_halt_forever();
}

void arch_restart(void)
{
	/* Pulse the reset line through the keyboard controller. */
	for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
		;
	outb(0x64, 0xFE);
	arch_halt_forever();
}

void arch_exit_emulator(int code)
{
	/* isa-debug-exit at 0xf4: QEMU exits with (code << 1) | 1. */
	outl(0xF4, (uint32_t)code);
	arch_halt_forever();
}
