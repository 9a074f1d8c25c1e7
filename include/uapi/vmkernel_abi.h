/*
 * vmkernel_abi.h - what this kernel adds to Linux's i386 ABI, shared by the
 * kernel (include/kernel/syscall_list.h, kernel/sys_mem.c) and user
 * programs (user/include/vmkernel.h). Only <stdint.h> types: it is
 * compiled on both sides.
 *
 * Our own system calls sit above Linux's numbers; see docs/ycache.md for
 * the yielded-block cache they drive.
 */
#ifndef UAPI_VMKERNEL_ABI_H
#define UAPI_VMKERNEL_ABI_H

#include <stdint.h>

#define SYS_vm_yield_get_block 1000
#define SYS_vm_forget_block 1001
#define SYS_vm_forget_all_blocks 1002
#define SYS_vm_sanity_check 1003
#define SYS_vm_stats 1004

/* "No block": the id to yield or get nothing. */
#define VM_BLOCK_NONE (~(uint64_t)0)

/* vm_stats(): the memory counters. */
struct vm_stats {
	uint32_t total, free, kernel, user, cached; /* pages */
	uint32_t cache_blocks, cache_pages;
	uint64_t yields, hits, misses, evictions;
	/* For leak checks: pages in use outside the slab allocator (whose
	 * partly used pages move between owners), and live slab objects. */
	uint32_t used_outside_slab, slab_objects;
};

#endif
