/*
 * kspace.c - the process in-kernel tests run as when they enter an address
 * space of their own: only its space (and its counters) are real. The
 * kernel's fault path sees an ordinary current process.
 */
#include <kernel/proc.h>
#include <kernel/string.h>
#include "kspace.h"

static struct proc test_proc;

void kspace_enter(struct mm_space *s)
{
	memset(&test_proc, 0, sizeof(test_proc));
	strlcpy(test_proc.name, "ktest", sizeof(test_proc.name));
	test_proc.state = PROC_RUNNABLE;
	test_proc.space = s;
	test_proc.leader = &test_proc; /* a group of one, as proc_alloc */
	current = &test_proc;
	arch_switch_pgdir(s->pgdir);
}

void kspace_leave(void)
{
	arch_switch_pgdir(pt_kernel_dir());
	current = NULL;
}
