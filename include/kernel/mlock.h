/*
 * mlock.h - the lock limit shared by mlock and mmap(MAP_LOCKED)
 * (kernel/sys_mlock.c).
 */
#ifndef KERNEL_MLOCK_H
#define KERNEL_MLOCK_H

#include <kernel/types.h>

/* May the caller lock [start, +len) more? 0, -EPERM (RLIMIT_MEMLOCK is
 * 0 and no privilege) or -EAGAIN (past the limit), as Linux's
 * mmap(MAP_LOCKED) answers. */
long mlock_allowed(vaddr_t start, size_t len);

#endif
