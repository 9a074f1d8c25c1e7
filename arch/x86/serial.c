/*
 * serial.c - COM1 console: polled output at 115200 baud and interrupt-driven
 * input (IRQ 4) into a ring buffer that serial_getc() drains.
 */
#include <arch/hooks.h>
#include <arch/trap.h>
#include <kernel/console.h>
#include "x86.h"
#include "arch.h"

#define COM1 0x3F8
#define RX_SIZE 256

static char rx_buf[RX_SIZE];
static volatile unsigned rx_head, rx_tail;

static void serial_irq(struct trapframe *tf)
{
	(void)tf;
	while (inb(COM1 + 5) & 0x01) {
		char c = (char)inb(COM1);
		if (rx_head - rx_tail < RX_SIZE)
			rx_buf[rx_head++ % RX_SIZE] = c;
	}
	console_rx_notify();
}

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts while configuring */
	outb(COM1 + 3, 0x80); /* DLAB on */
	outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xC7); /* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + 4, 0x0B); /* DTR, RTS, OUT2 (routes the IRQ) */
}

void serial_enable_irq(void)
{
	irq_register(4, serial_irq);
	outb(COM1 + 1, 0x01); /* interrupt on received data */
}

static void serial_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

int serial_getc(void)
{
	unsigned long flags = arch_irq_save();
	int c = -1;

	if (rx_tail != rx_head)
		c = (unsigned char)rx_buf[rx_tail++ % RX_SIZE];
	arch_irq_restore(flags);
	return c;
}

int console_getc(void)
{
	return serial_getc();
}

bool console_has_input(void)
{
	return rx_tail != rx_head;
}
