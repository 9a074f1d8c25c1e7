/*
 * run.c - what the kernel does once it is up, chosen by the command line:
 *   test=FILTER   run the in-kernel tests and leave QEMU with the result
 *   crash=NAME    trigger a deliberate fault (negative tests)
 * otherwise it starts the first program.
 */
#include <arch/hooks.h>
#include <kernel/cmdline.h>
#include <kernel/crash.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>

void kernel_run(void)
{
	char arg[64];

	if (cmdline_get("crash", arg, sizeof(arg))) {
		if (!crash_run(arg))
			printk("crash: '%s' did not crash\n", arg);
		arch_exit_emulator(1);
	}
	if (cmdline_get("test", arg, sizeof(arg)))
		arch_exit_emulator(ktest_run(arg) ? 1 : 0);
	printk("Boot complete. No init program yet; halting.\n");
	arch_halt_forever();
}
