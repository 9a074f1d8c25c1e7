/*
 * fpu.c - x87/SSE state. glibc picks SSE2 string functions when CPUID
 * offers them, so the kernel enables SSE (CR4.OSFXSR) and saves each
 * process's registers with fxsave on every switch (eager: simple, and the
 * kernel itself never touches them: it is built -mgeneral-regs-only).
 */
#include <arch/proc.h>
#include <kernel/string.h>
#include "x86.h"
#include "arch.h"

static uint8_t clean_state[512] __attribute__((aligned(16)));
static uint32_t mxcsr_mask = 0xFFBF; /* without DAZ, when the CPU says 0 */

void arch_fpu_init(void)
{
	uint32_t cr0, mask, mxcsr = 0x1F80; /* all exceptions masked */

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~0x4u; /* EM off */
	cr0 |= 0x2u;  /* MP on */
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
	write_cr4(read_cr4() | 0x600u); /* OSFXSR, OSXMMEXCPT */
	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	__asm__ volatile("fxsave %0" : "=m"(clean_state));
	memcpy(&mask, clean_state + 28, sizeof(mask));
	if (mask)
		mxcsr_mask = mask;
}

/* An fxsave image from user space: MXCSR bits the CPU lacks would make
 * fxrstor fault in the kernel. */
void arch_fpu_sanitize(void *area)
{
	uint32_t mxcsr;

	memcpy(&mxcsr, (uint8_t *)area + 24, sizeof(mxcsr));
	mxcsr &= mxcsr_mask;
	memcpy((uint8_t *)area + 24, &mxcsr, sizeof(mxcsr));
}

void arch_fpu_save(void *area)
{
	__asm__ volatile("fxsave (%0)" : : "r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
	__asm__ volatile("fxrstor (%0)" : : "r"(area) : "memory");
}

void arch_fpu_reset(void *area)
{
	memcpy(area, clean_state, sizeof(clean_state));
}
