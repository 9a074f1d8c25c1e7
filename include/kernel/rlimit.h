/*
 * rlimit.h - resource limits (kernel/rlimit.c): Linux's 16 limits with
 * its defaults, kept per process as 64-bit soft and hard values
 * (RLIM64_INFINITY is "none") and inherited across fork and exec.
 */
#ifndef KERNEL_RLIMIT_H
#define KERNEL_RLIMIT_H

#include <kernel/types.h>

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIM_NLIMITS 16
#define RLIM64_INFINITY (~0ull)

struct rlimit64 {
	uint64_t cur, max;
};

struct proc;

/* Give p (init) Linux's default limits. */
void rlimit_init(struct proc *p);
/* p's soft limit on resource res. */
uint64_t rlimit_cur(const struct proc *p, int res);

#endif
