/* idt.c - the interrupt descriptor table: exceptions, 16 IRQs and int 0x80
 * (callable from ring 3). */
#include <arch/trap.h>
#include "arch.h"

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

extern const uint32_t isr_stub_table[49];
static struct idt_gate idt[256];

static void set_gate(int v, uint32_t handler, uint8_t dpl)
{
	idt[v].off_lo = handler & 0xFFFF;
	idt[v].sel = SEL_KCODE;
	idt[v].zero = 0;
	idt[v].type = 0x8E | (dpl << 5); /* present, 32-bit interrupt gate */
	idt[v].off_hi = handler >> 16;
}

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint32_t)idt};

	for (int v = 0; v < 48; v++)
		set_gate(v, isr_stub_table[v], 0);
	set_gate(TRAP_SYSCALL, isr_stub_table[48], 3);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}
