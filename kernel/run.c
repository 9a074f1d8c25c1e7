/*
 * run.c - what the kernel does once it is up, chosen by the command line:
 *   test=FILTER   run the in-kernel tests and leave QEMU with the result
 *   crash=NAME    trigger a deliberate fault (negative tests)
 *   bench=ycache  run the in-guest benchmarks (tests/kernel/bench_*.c)
 *   init=PATH     the first program (default /sbin/init); the words
 *                 after "--" are its arguments
 *   failpage=SPEC, failslab=SPEC
 *                 make page / slab allocations fail once init runs: every
 *                 Nth ("N") or each with P% probability ("rand:SEED:P")
 */
#include <arch/hooks.h>
#include <fs/file.h>
#include <kernel/cmdline.h>
#include <kernel/crash.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/fail.h>

static void fail_option(const char *key, enum fail_site site)
{
	char spec[48];

	if (!cmdline_get(key, spec, sizeof(spec)))
		return;
	if (fail_configure(site, spec))
		printk("%s=%s: not N or rand:SEED:P, ignored\n", key, spec);
	else
		printk("Failure injection: %s=%s\n", key, spec);
}

void kernel_arm_fail_injection(void)
{
	fail_option("failpage", FAIL_PAGE);
	fail_option("failslab", FAIL_SLAB);
}

void kernel_run(void)
{
	char arg[64];
	long err;
	struct vfile *f;

	if (cmdline_get("crash", arg, sizeof(arg))) {
		if (!crash_run(arg))
			printk("crash: '%s' did not crash\n", arg);
		arch_exit_emulator(1);
	}
	if (cmdline_get("bench", arg, sizeof(arg)))
		arch_exit_emulator(kbench_run() ? 1 : 0);
	if (cmdline_get("test", arg, sizeof(arg)))
		arch_exit_emulator(ktest_run(arg) ? 1 : 0);
	if (!cmdline_get("init", arg, sizeof(arg)))
		strlcpy(arg, "/sbin/init", sizeof(arg));
	err = kernel_open(arg, O_RDONLY, &f);
	if (err) {
		printk("Boot complete. No init program (%s: error %ld); "
		       "powering off.\n",
		       arg, err);
		kernel_shutdown_fs();
		arch_power_off(127);
	}
	vfile_put(f);
	printk("Boot complete.\n");
	proc_start_init(arg);
}
