/*
 * syscall_table.c - the system call table, built from the one list in
 * <kernel/syscall_list.h>: number -> entry point. A number listed twice
 * does not compile (-Woverride-init); unlisted numbers stay NULL, which
 * kernel/syscall.c answers with -ENOSYS.
 */
#include <kernel/errno.h>
#include <kernel/syscall.h>

#define SYSCALL(nr, name, handler) \
	long sys_##handler(const uint32_t args[SYSCALL_NARGS]);
#include <kernel/syscall_list.h>
#undef SYSCALL

/* Known to glibc, which falls back or does without: -ENOSYS by name. */
SYSCALL_DEFINE0(ni_syscall)
{
	return -ENOSYS;
}

#define SYSCALL(nr, name, handler) [nr] = sys_##handler,
const syscall_fn syscall_table[SYSCALL_MAX] = {
#include <kernel/syscall_list.h>
};
#undef SYSCALL
