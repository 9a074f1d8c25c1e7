/*
 * user_layout.h - where things go in a process's address space, which
 * ends at USER_TOP (0xC0000000, <mm/pagetable.h>); the kernel is above.
 *
 *   from 0x00001000  the program's segments where its ELF file puts them,
 *                    then the brk heap, growing up to USER_STACK_LIMIT
 *   USER_MMAP_BASE   mmap without an address: the first free range from here
 *   USER_SHM_BASE    shmat without an address: the first free range from here
 *   USER_STACK_LIMIT the lowest address the stack may grow down to
 *   USER_STACK_TOP   the stack's top (argv, envp, auxv at exec)
 */
#ifndef KERNEL_USER_LAYOUT_H
#define KERNEL_USER_LAYOUT_H

#define USER_MMAP_BASE 0x40000000u
#define USER_SHM_BASE 0x50000000u
#define USER_STACK_TOP 0xC0000000u
#define USER_STACK_INITIAL (128u << 10) /* mapped at exec */
#define USER_STACK_MAX (8u << 20)	/* RLIMIT_STACK: grows on demand */
#define USER_STACK_LIMIT (USER_STACK_TOP - USER_STACK_MAX)

#endif
