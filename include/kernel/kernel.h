/* kernel.h - kernel start-up steps shared between kernel/ files. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <kernel/types.h>

/* Hand the boot memory map to the physical allocator and start mm. */
void mm_boot_init(void);
/* After start-up: tests, crash modes or the first program. Never returns. */
void kernel_run(void) __attribute__((noreturn));
/* Module i's contents are no longer needed: its pages become free. */
void mm_boot_release_module(unsigned i);
/* Arm failpage=/failslab= (once init is running: boot must not fail). */
void kernel_arm_fail_injection(void);
/* The block cache (fs/sys/writeback.c): start it as the command line says
 * (bcache.size=, bcache.l2=); the timer marks a flush due once a second
 * (writeback_tick, interrupt context); the return to user mode runs it
 * (writeback_run, process context: it may sleep on the disk). */
void writeback_init(void);
void writeback_tick(uint64_t ticks);
void writeback_run(void);
/* Run the in-kernel tests named by filter ("all" for every one). */
int ktest_run(const char *filter);
/* Run the in-guest benchmarks and print their table. */
int kbench_run(void);

#endif
