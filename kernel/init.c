/*
 * init.c - start the first user process: exec init (the init= option,
 * default /sbin/init) as pid 1 with the console on fds 0, 1 and 2 and, as
 * on Linux, the command line's words after "--" as its arguments. If the
 * exec fails the kernel syncs, unmounts and powers off with status 127.
 */
#include <arch/hooks.h>
#include <arch/proc.h>
#include <fs/file.h>
#include <kernel/cmdline.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/thread.h>

#define INIT_MAX_ARGS 16

void proc_start_init(const char *path)
{
	static char args[256];
	char *argv[INIT_MAX_ARGS + 2] = {(char *)path};
	int argc =
	    1 + cmdline_init_args(args, sizeof(args), argv + 1, INIT_MAX_ARGS);
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
	r = do_execve(path, argv, argc, envp, 3);
	if (r) {
		printk("Cannot start init '%s': error %ld; powering off.\n",
		       path, r);
		kernel_shutdown_fs();
		arch_power_off(127);
	}
	p->state = PROC_RUNNABLE;
	printk("Starting %s as pid %d\n", path, p->pid);
	kernel_arm_fail_injection();
	/* Enter user mode through the trap exit path on p's stack. */
	current = NULL;
	schedule();
	panic("idle returned");
}
