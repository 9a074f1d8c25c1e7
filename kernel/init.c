/*
 * init.c - start the first user process: exec init (the init= option,
 * default /sbin/init) as pid 1 with the console on fds 0, 1 and 2.
 */
#include <arch/proc.h>
#include <fs/file.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/thread.h>

void proc_start_init(const char *path)
{
	char *argv[] = {(char *)path, NULL};
	char *envp[] = {"PATH=/bin:/sbin:/usr/bin", "HOME=/", "TERM=vt100",
			NULL};
	struct proc *p = proc_alloc();
	long r;

	if (!p)
		panic("no memory for init");
	p->pgid = p->sid = p->pid;
	rlimit_init(p);
	if (files_fork(NULL, p, false, false) || sighand_fork(NULL, p, false))
		panic("no memory for init");
	current = p;
	proc_activate(p);
	if (files_open_console(p))
		panic("cannot open /dev/console for init");
	r = do_execve(path, argv, 1, envp, 3);
	if (r)
		panic("cannot exec init '%s': error %ld", path, r);
	p->state = PROC_RUNNABLE;
	printk("Starting %s as pid %d\n", path, p->pid);
	kernel_arm_fail_injection();
	/* Enter user mode through the trap exit path on p's stack. */
	current = NULL;
	schedule();
	panic("idle returned");
}
