/* setup.c - the order in which arch/x86 comes up for kmain (arch/hooks.h). */
#include <arch/hooks.h>
#include "x86.h"
#include "arch.h"

void arch_early_init(void)
{
	serial_init();
	gdt_init();
	idt_init();
	pic_init();
}

void arch_block_init(void)
{
	ata_init();
}

void arch_interrupts_start(void)
{
	serial_enable_irq();
	sti();
}
