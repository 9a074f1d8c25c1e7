/*
 * main.c - kmain: bring up the CPU tables, console, memory manager and
 * timer, print what the boot loader gave us, then run what the command
 * line asks for (test=..., crash=...) or start the first program.
 */
#include <arch/hooks.h>
#include <arch/proc.h>
#include <kernel/bootinfo.h>
#include <kernel/clock.h>
#include <kernel/cmdline.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <fs/file.h>

#define KERNEL_BANNER \
	"vmkernel 0.1: a 32-bit x86 kernel built around its memory manager"

void kmain(uint32_t magic, paddr_t mbi)
{
	arch_early_init();
	printk("\n%s\n", KERNEL_BANNER);
	if (multiboot_parse(magic, mbi))
		panic("not booted by a multiboot loader (magic %#x)", magic);
	cmdline_init(bootinfo.cmdline);
	bootinfo_print();
	arch_paging_init(bootinfo.mem_top);
	arch_fpu_init();
	mm_boot_init();
	sched_init();
	clock_init();
	arch_block_init();
	vfs_init();
	shm_init();
	arch_timer_init(HZ);
	arch_interrupts_start();
	kernel_run();
}
