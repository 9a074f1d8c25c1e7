/* pic.c - the two 8259 PICs, remapped to vectors 32..47, all lines masked until
 * used. */
#include "x86.h"
#include "arch.h"

#define PIC1 0x20
#define PIC2 0xA0

static uint16_t mask = 0xFFFB; /* cascade line 2 open */

static void pic_write_mask(void)
{
	outb(PIC1 + 1, mask & 0xFF);
	outb(PIC2 + 1, mask >> 8);
}

void pic_init(void)
{
	outb(PIC1, 0x11); /* ICW1: init, ICW4 follows */
	outb(PIC2, 0x11);
	outb(PIC1 + 1, 32); /* ICW2: vector base */
	outb(PIC2 + 1, 40);
	outb(PIC1 + 1, 4); /* ICW3: slave on line 2 */
	outb(PIC2 + 1, 2);
	outb(PIC1 + 1, 1); /* ICW4: 8086 mode */
	outb(PIC2 + 1, 1);
	pic_write_mask();
}

void pic_unmask(int irq)
{
	mask &= ~(1u << irq);
	pic_write_mask();
}

/* Whether irq (0-7) waits in the master PIC's request register. */
bool pic_pending(int irq)
{
	outb(PIC1, 0x0A); /* OCW3: the next read is the IRR */
	return inb(PIC1) & (1u << irq);
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2, 0x20);
	outb(PIC1, 0x20);
}
