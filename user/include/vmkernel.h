/*
 * vmkernel.h - this kernel's own system calls, for user programs (gcc -m32
 * -static). They sit above Linux's i386 numbers; everything else is
 * Linux's ABI. See docs/ycache.md for the yielded-block cache semantics.
 */
#ifndef VMKERNEL_H
#define VMKERNEL_H

#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>

/* The numbers, VM_BLOCK_NONE and struct vm_stats, shared with the kernel
 * (include/uapi/: build with -Iuser/include -Iinclude/uapi). */
#include <vmkernel_abi.h>

/* Yield npages pages at addr under yield_id (fresh zeroed pages replace
 * them), then get get_id's pages into addr. 0 or -1 with errno: ESRCH (get
 * id not cached), EEXIST (yield id already cached), EINVAL, EFAULT. */
static inline int vm_yield_get_block(uint64_t yield_id, uint64_t get_id,
				     void *addr, unsigned long npages)
{
	return (int)syscall(SYS_vm_yield_get_block, (uint32_t)yield_id,
			    (uint32_t)(yield_id >> 32), (uint32_t)get_id,
			    (uint32_t)(get_id >> 32), addr, npages);
}

static inline int vm_forget_block(uint64_t id)
{
	return (int)syscall(SYS_vm_forget_block, (uint32_t)id,
			    (uint32_t)(id >> 32));
}

static inline int vm_forget_all_blocks(void)
{
	return (int)syscall(SYS_vm_forget_all_blocks);
}

/* Run the kernel's memory sanity checker (it panics on an error);
 * returns the number of pages in use. */
static inline long vm_sanity_check(void)
{
	return syscall(SYS_vm_sanity_check);
}

static inline int vm_stats(struct vm_stats *st)
{
	return (int)syscall(SYS_vm_stats, st);
}

#endif
