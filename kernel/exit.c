/*
 * exit.c - ending processes: exit, exit_group. An exiting process
 * releases its memory and files at once and stays a zombie (just its
 * struct proc and kernel stack) until its parent waits (kernel/wait.c).
 */
#include <arch/hooks.h>
#include <fs/file.h>
#include <kernel/errno.h>
#include <kernel/jobctl.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/pagetable.h>
#include <mm/region.h>
#include <mm/sanity.h>
#include <mm/ycache.h>

/* The first program is gone: check memory, write the file systems back
 * and power off with its exit status (128 + the signal that killed it),
 * which QEMU's test device passes on (scripts/qemu.sh, make run). */
static void init_exited(int status)
{
	int code =
	    (status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff;

	printk("init exited with status %#x\n", status);
	if (mm_sanity_check() < 0)
		printk("sanity check not run: no memory for its page map\n");
	/* Nothing runs after init: what others hold open must not keep
	 * the file systems from being unmounted. */
	for (struct proc *q = proc_next(0); q; q = proc_next(q->pid + 1))
		if (q != current)
			files_close_all(q);
	kernel_shutdown_fs();
	arch_power_off(code);
}

/* Orphans go to init, and tell it of their end with SIGCHLD whatever
 * clone asked for (Linux: nobody slays init that way); those that asked
 * for a parent-death signal (prctl) get it, from p. */
static void reparent_children(struct proc *p)
{
	struct ksiginfo info = siginfo_sender(SI_USER, p->pid, p->cred.uid);

	for (int i = 0; i < NPROC; i++) {
		struct proc *c = procs[i];

		if (!c || c->ppid != p->pid)
			continue;
		c->ppid = 1;
		if (c->exit_signal)
			c->exit_signal = SIGCHLD;
		jobctl_reparented(c, p);
		if (c->pdeath_signal && c->state != PROC_ZOMBIE)
			proc_signal_info(c, c->pdeath_signal, &info);
	}
}

/* What the parent's SIGCHLD says of p's end with wait status status:
 * CLD_EXITED and the exit code, or CLD_KILLED and the signal; its CPU
 * time in clock ticks (USER_HZ is HZ). */
static struct ksiginfo exit_siginfo(const struct proc *p, int status)
{
	bool exited = (status & 0x7f) == 0;

	return (struct ksiginfo){
	    exited ? CLD_EXITED : CLD_KILLED,
	    {(uint32_t)p->pid, p->cred.uid,
	     exited ? (uint32_t)(status >> 8) & 0xff : (uint32_t)status & 0x7f,
	     p->utime, p->stime}};
}

void proc_exit(int status)
{
	struct proc *p = current, *parent;
	uint32_t zero = 0;

	if (p->clear_child_tid)
		copy_to_user((void *)p->clear_child_tid, &zero, sizeof(zero));
	files_close_all(p);
	ycache_forget_all(p->ycache_owner);
	/* Leave the address space before destroying it. */
	arch_switch_pgdir(pt_kernel_dir());
	mm_space_destroy(p->space);
	p->space = NULL;
	if (p->pid == 1)
		init_exited(status);
	reparent_children(p);
	jobctl_exiting(p);
	p->exit_status = status;
	p->state = PROC_ZOMBIE;
	p->alarm_tick = 0;
	parent = proc_find(p->ppid);
	if (parent) {
		struct ksiginfo info = exit_siginfo(p, status);

		if (p->exit_signal)
			proc_signal_info(parent, p->exit_signal, &info);
		wakeup(parent);
	}
	wakeup(proc_find(1));
	schedule();
	panic("zombie %d scheduled", p->pid);
}

SYSCALL_DEFINE1(exit, int, code)
{
	proc_exit((code & 0xFF) << 8);
}

/* No threads: the group is the process. */
SYSCALL_DEFINE1(exit_group, int, code)
{
	proc_exit((code & 0xFF) << 8);
}
