/*
 * syscall.h - declaring system calls. Numbers and entry points are listed
 * once, in <kernel/syscall_list.h>; kernel/syscall_table.c turns the list
 * into the table that kernel/syscall.c dispatches through.
 *
 * A handler is written with SYSCALL_DEFINEn(name, type1, arg1, ...): it
 * names only the n arguments it uses, each with its type, in Linux's i386
 * order (EBX, ECX, EDX, ESI, EDI, EBP). The macro makes the table's entry
 * sys_NAME, which takes the six registers and calls the typed body.
 * Pointer arguments are user addresses: reach them only through
 * <kernel/uaccess.h>.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/types.h>

#define SYSCALL_MAX 1024
#define SYSCALL_NARGS 6

/* The entry point of a system call: the argument registers, in order. */
typedef long (*syscall_fn)(const uint32_t args[SYSCALL_NARGS]);

/* Argument i of the registers, as type t. */
#define SYSCALL_ARG(t, i) ((t)(uintptr_t)args[i])

#define SYSCALL_ENTRY_(name, params, call)                   \
	static long sysc_##name params;                      \
	long sys_##name(const uint32_t args[SYSCALL_NARGS]); \
	long sys_##name(const uint32_t args[SYSCALL_NARGS])  \
	{                                                    \
		return sysc_##name call;                     \
	}                                                    \
	static long sysc_##name params

#define SYSCALL_DEFINE0(name)                                \
	static long sysc_##name(void);                       \
	long sys_##name(const uint32_t args[SYSCALL_NARGS]); \
	long sys_##name(const uint32_t args[SYSCALL_NARGS])  \
	{                                                    \
		(void)args;                                  \
		return sysc_##name();                        \
	}                                                    \
	static long sysc_##name(void)

#define SYSCALL_DEFINE1(name, t1, a1) \
	SYSCALL_ENTRY_(name, (t1 a1), (SYSCALL_ARG(t1, 0)))

#define SYSCALL_DEFINE2(name, t1, a1, t2, a2) \
	SYSCALL_ENTRY_(name, (t1 a1, t2 a2),  \
		       (SYSCALL_ARG(t1, 0), SYSCALL_ARG(t2, 1)))

#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3) \
	SYSCALL_ENTRY_(                               \
	    name, (t1 a1, t2 a2, t3 a3),              \
	    (SYSCALL_ARG(t1, 0), SYSCALL_ARG(t2, 1), SYSCALL_ARG(t3, 2)))

#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4)   \
	SYSCALL_ENTRY_(name, (t1 a1, t2 a2, t3 a3, t4 a4),      \
		       (SYSCALL_ARG(t1, 0), SYSCALL_ARG(t2, 1), \
			SYSCALL_ARG(t3, 2), SYSCALL_ARG(t4, 3)))

#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	SYSCALL_ENTRY_(name, (t1 a1, t2 a2, t3 a3, t4 a4, t5 a5),     \
		       (SYSCALL_ARG(t1, 0), SYSCALL_ARG(t2, 1),       \
			SYSCALL_ARG(t3, 2), SYSCALL_ARG(t4, 3),       \
			SYSCALL_ARG(t5, 4)))

#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	SYSCALL_ENTRY_(name, (t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6),      \
		       (SYSCALL_ARG(t1, 0), SYSCALL_ARG(t2, 1),               \
			SYSCALL_ARG(t3, 2), SYSCALL_ARG(t4, 3),               \
			SYSCALL_ARG(t5, 4), SYSCALL_ARG(t6, 5)))

/* A 64-bit argument passed in two registers, low word first. */
static inline uint64_t syscall_u64(uint32_t lo, uint32_t hi)
{
	return ((uint64_t)hi << 32) | lo;
}

#endif
