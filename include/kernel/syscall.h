/* syscall.h - registering system call handlers by Linux i386 number (ours from 1000 up). */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/types.h>

#define SYSCALL_MAX 1024

typedef long (*syscall_fn)(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
			   uint32_t e, uint32_t f);

void syscall_register(unsigned nr, syscall_fn fn);

#endif
