/*
 * serial.c - COM1 console. Input is interrupt driven (IRQ 4) into a ring
 * that serial_getc() drains. Output has two paths: user writes are queued
 * in a transmit ring that the "transmitter empty" interrupt drains 16
 * bytes (one FIFO) at a time, so a writer never holds the CPU and sleeps
 * while the ring is full; the kernel's own messages (printk, echo, panic)
 * are written by polling, after what is queued, so they keep their order
 * and get out even when interrupts never come again.
 */
#include <arch/hooks.h>
#include <arch/trap.h>
#include <kernel/console.h>
#include "x86.h"
#include "arch.h"

#define COM1 0x3F8
#define UART_IER (COM1 + 1)
#define UART_LSR (COM1 + 5)
#define IER_RX 0x01
#define IER_TX 0x02
#define LSR_DATA 0x01
#define LSR_THRE 0x20
#define FIFO_BYTES 16
#define RX_SIZE 256
#define TX_SIZE 4096

static char rx_buf[RX_SIZE];
static volatile unsigned rx_head, rx_tail;
static char tx_buf[TX_SIZE];
static volatile unsigned tx_head, tx_tail; /* free-running */

/* Move up to one FIFO of queued bytes to the UART if it can take them;
 * the transmit interrupt is on exactly while bytes are queued. */
static void tx_fill(void)
{
	if (inb(UART_LSR) & LSR_THRE)
		for (int i = 0; i < FIFO_BYTES && tx_tail != tx_head; i++)
			outb(COM1, (uint8_t)tx_buf[tx_tail++ % TX_SIZE]);
	outb(UART_IER, tx_tail != tx_head ? IER_RX | IER_TX : IER_RX);
}

static void serial_irq(struct trapframe *tf)
{
	bool sent = tx_tail != tx_head;

	(void)tf;
	while (inb(UART_LSR) & LSR_DATA) {
		char c = (char)inb(COM1);
		if (rx_head - rx_tail < RX_SIZE)
			rx_buf[rx_head++ % RX_SIZE] = c;
	}
	if (rx_head != rx_tail)
		console_rx_notify();
	tx_fill();
	if (sent && TX_SIZE - (tx_head - tx_tail) >= TX_SIZE / 2)
		console_tx_notify();
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
	outb(UART_IER, IER_RX);
}

static void serial_putc(char c)
{
	while (!(inb(UART_LSR) & LSR_THRE))
		;
	outb(COM1, (uint8_t)c);
}

size_t arch_console_queue(const char *s, size_t n)
{
	unsigned long flags = arch_irq_save();
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned room = TX_SIZE - (tx_head - tx_tail);

		if (room < (s[i] == '\n' ? 2u : 1u))
			break;
		if (s[i] == '\n')
			tx_buf[tx_head++ % TX_SIZE] = '\r';
		tx_buf[tx_head++ % TX_SIZE] = s[i];
	}
	tx_fill();
	arch_irq_restore(flags);
	return i;
}

void arch_console_write(const char *s, size_t n)
{
	unsigned long flags = arch_irq_save();

	while (tx_tail != tx_head)
		serial_putc(tx_buf[tx_tail++ % TX_SIZE]);
	outb(UART_IER, IER_RX);
	arch_irq_restore(flags);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static int serial_getc(void)
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
