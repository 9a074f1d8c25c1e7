/*
 * host_hooks.c - arch/hooks.h for the host: "physical memory" is an
 * mmap'ed arena at physical address 0, the direct mapping is arena + pa,
 * and slab page protection is real mprotect(), so sanity-mode write
 * faults happen on the host too. Also the file system locks' fs_wait and
 * fs_wake (include/fs/vfs/lock.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <arch/hooks.h>
#include <fs/vfs/lock.h>
#include <fs/vfs/pagecache.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <mm/fail.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include "host.h"

#include <string.h>
#include <kernel/uaccess.h>

static unsigned char *arena;
long host_nofault_fail_after = -1;
long host_readable_checks = -1;
static paddr_t cur_dir;
unsigned long host_tlb_flushes;
void (*host_page_protect_hook)(void);

/* Modules are linked in as they exist; a missing one is simply skipped. */
void slab_init(void) __attribute__((weak));
void mm_region_init(void) __attribute__((weak));
void ycache_init(void) __attribute__((weak));
void pcache_init(size_t max) __attribute__((weak));
void pt_set_kernel_dir(paddr_t dir) __attribute__((weak));

static void arena_init(void)
{
	if (!arena) {
		arena =
		    mmap(NULL, HOST_MEM_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (arena == MAP_FAILED) {
			perror("mmap arena");
			exit(2);
		}
	}
	/* Undo any read-only slab pages left by the previous test. */
	mprotect(arena, HOST_MEM_BYTES, PROT_READ | PROT_WRITE);
}

void host_mm_reset_empty(void)
{
	arena_init();
	fail_reset();
	cur_dir = 0;
	host_tlb_flushes = 0;
	host_nofault_fail_after = -1;
	host_readable_checks = -1;
	host_page_protect_hook = NULL;
	host_fs_wait_hook = NULL;
	host_fs_wakes = 0;
	phys_init();
	if (pt_set_kernel_dir)
		pt_set_kernel_dir(PHYS_NONE);
	if (slab_init)
		slab_init();
	if (mm_region_init)
		mm_region_init();
	if (ycache_init)
		ycache_init();
	if (pcache_init)
		pcache_init(PCACHE_DEFAULT_PAGES);
}

void host_mm_reset(paddr_t first_page, size_t npages)
{
	host_mm_reset_empty();
	phys_add_range(first_page * PAGE_SIZE, npages);
}

void *arch_phys_to_virt(paddr_t pa)
{
	if (pa >= HOST_MEM_BYTES)
		panic("phys_to_virt(%#x) outside the host arena", pa);
	return arena + pa;
}

paddr_t arch_virt_to_phys(const void *va)
{
	const unsigned char *p = va;
	if (p < arena || p >= arena + HOST_MEM_BYTES)
		panic("virt_to_phys(%p) outside the host arena", va);
	return (paddr_t)(p - arena);
}

paddr_t arch_direct_map_limit(void)
{
	return HOST_MEM_BYTES;
}

void arch_tlb_flush_page(vaddr_t va)
{
	(void)va;
	host_tlb_flushes++;
}

void arch_tlb_flush_all(void)
{
	host_tlb_flushes++;
}

/* One CPU, as the kernel's: only a loaded directory has entries; a run
 * of up to 8 pages flushes each, more (or n 0) the whole user half. */
void arch_tlb_shootdown(paddr_t dir, vaddr_t va, uint32_t n)
{
	(void)va;
	if (dir != cur_dir)
		return;
	host_tlb_flushes += n && n <= 8 ? n : 1;
}

paddr_t arch_current_pgdir(void)
{
	return cur_dir;
}

void arch_switch_pgdir(paddr_t dir)
{
	cur_dir = dir;
}

void *arch_slab_map(paddr_t pa)
{
	return arch_phys_to_virt(pa);
}

void arch_slab_unmap(void *va)
{
	mprotect(va, PAGE_SIZE, PROT_READ | PROT_WRITE);
}

void arch_page_set_writable(void *va, bool writable)
{
	if (mprotect(va, PAGE_SIZE, PROT_READ | (writable ? PROT_WRITE : 0)))
		panic("mprotect(%p) failed", va);
	if (!writable && host_page_protect_hook)
		host_page_protect_hook();
}

uint64_t arch_cycles(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* File system locks (fs/vfs/lock.c): the host runs one flow of control,
 * so a lock is never contended. A test may set host_fs_wait_hook to play
 * the other process (it must free the lock); without one, waiting means
 * a caller took a lock it already held. */
void (*host_fs_wait_hook)(void *chan);
unsigned long host_fs_wakes;

void fs_wait(void *chan)
{
	if (!host_fs_wait_hook)
		panic("fs_wait(%p): lock contended on the host", chan);
	host_fs_wait_hook(chan);
}

void fs_wake(void *chan)
{
	(void)chan;
	host_fs_wakes++;
}

/* User memory is the host's: a memcpy, failing (as a page not present
 * would) once host_nofault_fail_after more copies have succeeded. */
int copy_to_user_nofault(void *udst, const void *src, size_t n)
{
	if (host_nofault_fail_after == 0)
		return -EFAULT;
	if (host_nofault_fail_after > 0)
		host_nofault_fail_after--;
	memcpy(udst, src, n);
	return 0;
}

/* A run of nofault copies: the same copies, the same counter. */
int user_nofault_begin(uintptr_t uaddr, size_t n)
{
	(void)uaddr;
	(void)n;
	return 0;
}

int copy_to_user_in_run(void *udst, const void *src, size_t n)
{
	return copy_to_user_nofault(udst, src, n);
}

void user_nofault_end(void)
{
}

/* The same counter: the copy after n good ones finds its page absent. */
int copy_from_user_nofault(void *dst, const void *usrc, size_t n)
{
	return copy_to_user_nofault(dst, usrc, n);
}

/* Present unless the next nofault copy is to fail or the checks that
 * may pass have run out (host_readable_checks, host.h). */
bool user_readable_now(uintptr_t uaddr, size_t n)
{
	(void)uaddr;
	(void)n;
	if (host_readable_checks == 0)
		return false;
	if (host_readable_checks > 0)
		host_readable_checks--;
	return host_nofault_fail_after != 0;
}
