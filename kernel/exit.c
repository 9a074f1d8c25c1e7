/*
 * exit.c - ending processes: exit, exit_group. An exiting process
 * releases its memory and files at once and stays a zombie (just its
 * struct proc and kernel stack) until its parent waits (kernel/wait.c).
 */
#include <arch/hooks.h>
#include <fs/vfs.h>
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

static void init_exited(int status)
{
	printk("init exited with status %#x\n", status);
	if (mm_sanity_check() < 0)
		printk("sanity check not run: no memory for its page map\n");
	arch_exit_emulator(status == 0 ? 0 : 1);
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
