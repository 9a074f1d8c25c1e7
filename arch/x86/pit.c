/* pit.c - the 8253/8254 timer on IRQ 0: the scheduler's tick (sched_tick). */
#include <arch/hooks.h>
#include <arch/trap.h>
#include <kernel/sched.h>
#include "x86.h"
#include "arch.h"

static void pit_irq(struct trapframe *tf)
{
	sched_tick(trap_from_user(tf), cpu_idle_tick);
}

void arch_timer_init(unsigned hz)
{
	unsigned divisor = 1193182 / hz;

	outb(0x43, 0x36); /* channel 0, lobyte/hibyte, square wave */
	outb(0x40, divisor & 0xFF);
	outb(0x40, divisor >> 8);
	irq_register(0, pit_irq);
}
