/*
 * uaccess.h - copying between the kernel and the current process's memory.
 * Each checks that the user range lies below USER_TOP; a fault that mm
 * cannot resolve (unmapped, read-only) makes the copy return -EFAULT
 * instead of panicking (arch/x86/usercopy.asm + kernel/fault.c).
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <kernel/types.h>

int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
/* copy_to_user without resolving faults, for a caller that holds a lock
 * a fault may need (a file system copying from its cache): 0, or -EFAULT
 * when a page of the range is not present and writable (the caller makes
 * it so without the lock, user_probe_writable, and tries again). The
 * host tests' version is memcpy. */
int copy_to_user_nofault(void *udst, const void *src, size_t n);
/* copy_from_user without resolving faults, for the same callers: 0, or
 * -EFAULT when a page of the range is not present (some bytes may have
 * been copied). A caller that must not copy part of the range checks
 * user_readable_now() first: with nothing sleeping in between (the
 * kernel is not preempted) the copy then cannot fault. */
int copy_from_user_nofault(void *dst, const void *usrc, size_t n);
/*
 * A run of nofault copies into one user range, checked once (Linux's
 * pagefault_disable around __copy_to_user_inatomic): after
 * user_nofault_begin(uaddr, n) returned 0, each copy_to_user_in_run
 * within [uaddr, uaddr + n) is copy_to_user_nofault without the check;
 * user_nofault_end ends the run, before anything that may sleep or fault.
 */
int user_nofault_begin(uintptr_t uaddr, size_t n);
int copy_to_user_in_run(void *udst, const void *src, size_t n);
void user_nofault_end(void);
/* Is every page of the range present and readable by the process now,
 * so that reading it needs no fault? */
bool user_readable_now(uintptr_t uaddr, size_t n);
/* True while a _nofault copy runs: the fault handler skips mm. */
extern bool user_copy_nofault;
/* Copy a NUL-terminated string of at most max-1 chars: its length,
 * -EFAULT, or -ENAMETOOLONG. */
long strncpy_from_user(char *dst, const char *usrc, size_t max);
bool user_range_ok(uintptr_t uaddr, size_t n);
/* Make every page of the buffer present and writable, contents kept. */
int user_probe_writable(uintptr_t uaddr, size_t n);
/* Make every page of the buffer present (read each page's first byte). */
int user_probe_readable(uintptr_t uaddr, size_t n);

#endif
