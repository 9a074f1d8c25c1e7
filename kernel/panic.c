/* panic.c - stop the kernel with a message and a symbolized backtrace. */
#include <kernel/ksyms.h>
#include <kernel/printk.h>
#include <arch/hooks.h>

static int panicking;

void panic(const char *fmt, ...)
{
	va_list ap;

	arch_irq_save();
	if (panicking++) {
		printk("panic: nested panic\n");
		arch_exit_emulator(3);
	}
	printk("\nKernel panic: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	backtrace_print(0, arch_frame_pointer());
	printk("System halted.\n");
	/* Under QEMU with isa-debug-exit this ends the run with status 7. */
	arch_exit_emulator(3);
}
