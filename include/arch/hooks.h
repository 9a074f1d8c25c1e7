/*
 * hooks.h - the only hardware interface mm/, fs/ and kernel/ algorithms use.
 *
 * The kernel implements these in arch/x86/ (paging.c, serial.c, cpu.c); the
 * host unit tests implement them over an mmap'ed arena that stands in for
 * physical memory (tests/host/host_hooks.c), so the same mm code runs in both
 * places.
 */
#ifndef ARCH_HOOKS_H
#define ARCH_HOOKS_H

#include <kernel/types.h>

/* Direct mapping of low physical memory (kernel: pa + 0xC0000000; inline
 * there, being on every page-table walk). */
#ifdef HOST
void *arch_phys_to_virt(paddr_t pa);
#else
static inline void *arch_phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + 0xC0000000u);
}
#endif
paddr_t arch_virt_to_phys(const void *va);
/* Physical memory at or above this address is not directly mapped. */
paddr_t arch_direct_map_limit(void);

/* A temporary kernel mapping of one physical page, whether or not the
 * direct mapping reaches it (page 0 and the boot page are unmapped there):
 * map, use, unmap. Kernel only. */
void *arch_kmap(paddr_t pa);
void arch_kunmap(void *va);

/* TLB maintenance for the current address space, on this CPU. */
void arch_tlb_flush_page(vaddr_t va);
/* Every user-half entry (a CR3 reload; kernel mappings are global). */
void arch_tlb_flush_all(void);
/*
 * TLB shootdown: drop the entries for n pages from va (n 0: all of the
 * user half) of the address space with directory dir on every CPU that
 * has dir loaded - several, once threads of one space run on several
 * CPUs (which would send an IPI to the others and wait for them). With
 * one CPU that is this one, when dir is its current directory. Page
 * table code calls this, never the local flushes, after it took a right
 * or a page away.
 */
void arch_tlb_shootdown(paddr_t dir, vaddr_t va, uint32_t n);

/* Page directory currently loaded (CR3), and loading another one. */
paddr_t arch_current_pgdir(void);
void arch_switch_pgdir(paddr_t dir);

/*
 * Slab sanity mode: slab pages get their own 4 KiB kernel mapping so that
 * they can be made read-only page by page.
 */
void *arch_slab_map(paddr_t pa);
void arch_slab_unmap(void *va);
void arch_page_set_writable(void *va, bool writable);

/* Time stamp counter (under -icount shift=0: guest instructions). */
uint64_t arch_cycles(void);
/* The CPUID instruction: eax, ebx, ecx, edx of leaf (subleaf 0). */
void arch_cpuid(uint32_t leaf, uint32_t r[4]);

/* Let user mode read the time stamp counter, or make rdtsc fault
 * there (#GP: SIGSEGV), for the process about to run. */
void arch_set_user_tsc(bool allowed);

/* CPUID leaf (subleaf 0) into r: eax, ebx, ecx, edx. */
void arch_cpuid(uint32_t leaf, uint32_t r[4]);

/* Seconds since 1970-01-01 UTC from the battery clock (0 if unusable). */
uint32_t arch_rtc_seconds(void);

/* Kernel-only hooks (kernel/ uses them; the host build has no kernel/). */
/* Write to the console now, by polling (after anything queued). */
void arch_console_write(const char *s, size_t n);
/* Queue up to n bytes for interrupt-driven output; returns how many were
 * taken (0 when the queue is full: wait for console_tx_notify()). */
size_t arch_console_queue(const char *s, size_t n);
/* Leave QEMU through isa-debug-exit (status (code << 1) | 1), else halt. */
void arch_exit_emulator(int code) __attribute__((noreturn));
void arch_halt_forever(void) __attribute__((noreturn));
/* Turn the machine off; under QEMU's test device the emulator exits
 * with status code (scripts/qemu.sh decodes it). */
void arch_power_off(int code) __attribute__((noreturn));
/* Reset the machine. */
void arch_restart(void) __attribute__((noreturn));
/* Current frame pointer, for backtraces. */
uintptr_t arch_frame_pointer(void);
/* Interrupts on/off; irq_save returns the previous state for irq_restore. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
/* Nothing to run: let interrupts in, wait for one, shut them out again. */
void arch_idle_wait(void);

/* Bring-up, in kmain's order: the console and the CPU's tables
 * (arch_early_init), the kernel's page directory for memory up to
 * mem_top, the disks found and registered as block devices
 * (arch_block_init), the timer at hz ticks a second (calling sched_tick),
 * and last interrupts on (arch_interrupts_start). */
void arch_early_init(void);
void arch_paging_init(paddr_t mem_top);
void arch_block_init(void);
void arch_timer_init(unsigned hz);
void arch_interrupts_start(void);

#endif
