/*
 * exit.c - ending threads and processes: exit (one thread), exit_group
 * (the whole thread group, kernel/thread_group.c). An exiting thread
 * drops at once its references on what it shares (address space, files,
 * fs info, signal actions: the last holder frees them); a thread other
 * than the leader is freed right after, the leader stays a zombie (just
 * its struct proc and kernel stack) until its parent waits
 * (kernel/wait.c), which it may only once the whole group has ended.
 * The group's end is the process's: its children go to init, its cached
 * blocks are dropped, its parent gets exit_signal.
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
#include <kernel/thread.h>
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

	for (int i = 0; i < proc_slots; i++) {
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
 * CLD_EXITED and the exit code, or CLD_KILLED (CLD_DUMPED after a core
 * dump) and the signal; its CPU
 * time in clock ticks (USER_HZ is HZ). */
static struct ksiginfo exit_siginfo(const struct proc *p, int status)
{
	bool exited = (status & 0x7f) == 0;

	return (struct ksiginfo){
	    exited	    ? CLD_EXITED
	    : status & 0x80 ? CLD_DUMPED
			    : CLD_KILLED,
	    {(uint32_t)p->pid, p->cred.uid,
	     exited ? (uint32_t)(status >> 8) & 0xff : (uint32_t)status & 0x7f,
	     p->utime, p->stime}};
}

/* The last thread of leader's group has ended: the process ends, with
 * the group status of an exit_group or fatal signal, else the leader's
 * own. */
static void group_end(struct proc *leader)
{
	struct proc *parent;
	int status =
	    leader->group_exit ? leader->group_status : leader->exit_status;

	leader->exit_status = status;
	ycache_forget_all(leader->ycache_owner);
	if (leader->pid == 1)
		init_exited(status);
	reparent_children(leader);
	jobctl_exiting(leader);
	parent = proc_find(leader->ppid);
	if (parent) {
		struct ksiginfo info = exit_siginfo(leader, status);

		if (leader->exit_signal)
			proc_signal_info(parent, leader->exit_signal, &info);
		wakeup(parent->leader);
	}
	wakeup(proc_find(1));
}

/* A vfork parent waits for its child to exec or exit (kernel/fork.c). */
void vfork_release(struct proc *p)
{
	struct proc *parent =
	    p->vfork_parent_pid ? proc_find(p->vfork_parent_pid) : NULL;

	p->vfork_parent_pid = 0;
	if (parent) {
		parent->vfork_done = true;
		wakeup(&parent->vfork_done);
	}
}

void proc_exit(int status)
{
	struct proc *p = current, *leader = p->leader;
	struct mm_space *space = p->space;

	futex_exit(p);
	vfork_release(p);
	files_release(p);
	/* Leave the address space before letting go of it; the release may
	 * sleep (writeback), and p must not come back to a dying space. */
	p->space = NULL;
	arch_switch_pgdir(pt_kernel_dir());
	mm_space_put(space);
	/* Nothing sleeps from here on: a signal sent meanwhile still found
	 * p's actions. */
	sighand_release(p);
	p->exit_status = status;
	p->alarm_tick = 0;
	p->autoreap = p != leader;
	p->state = PROC_ZOMBIE;
	if (!group_alive(leader, NULL))
		group_end(leader);
	else
		wakeup(leader); /* an exec waiting for the others to end */
	schedule();
	panic("zombie %d scheduled", p->pid);
}

/* One thread ends; the process with its last thread. */
SYSCALL_DEFINE1(exit, int, code)
{
	proc_exit((code & 0xFF) << 8);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	group_exit((code & 0xFF) << 8);
}
