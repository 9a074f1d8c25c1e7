/*
 * exit.c - ending processes and collecting them: exit, exit_group, wait4.
 * An exiting process releases its memory and files at once and stays a
 * zombie (just its struct proc and kernel stack) until its parent waits.
 * wait4 also reports, once each, a child's stop (WUNTRACED) and continue
 * (WCONTINUED) that kernel/jobctl.c recorded.
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

/* wait4 options (Linux's values): the ones accepted. Without threads
 * __WALL and __WCLONE change nothing. */
#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WCONTINUED 0x00000008
#define __WALL 0x40000000u
#define __WCLONE 0x80000000u
#define WAIT_OPTIONS (WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE)

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
 * CLD_EXITED and the exit code, or CLD_KILLED and the signal. No CPU
 * time is accounted, so si_utime and si_stime are 0. */
static struct ksiginfo exit_siginfo(const struct proc *p, int status)
{
	bool exited = (status & 0x7f) == 0;

	return (struct ksiginfo){
	    exited ? CLD_EXITED : CLD_KILLED,
	    {(uint32_t)p->pid, p->cred.uid,
	     exited ? (uint32_t)(status >> 8) & 0xff : (uint32_t)status & 0x7f,
	     0, 0}};
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

/* A child matching pid (Linux's: > 0 that one, 0 the caller's group,
 * -1 any, < -1 that group) with something to report under options: its
 * end, a stop (WUNTRACED) or a continue (WCONTINUED); else NULL, and
 * *any tells if a matching child exists at all. */
static struct proc *find_child(int pid, unsigned options, bool *any)
{
	*any = false;
	for (int i = 0; i < NPROC; i++) {
		struct proc *c = procs[i];
		if (!c || c->ppid != current->pid)
			continue;
		if ((pid > 0 && c->pid != pid) ||
		    (pid == 0 && c->pgid != current->pgid) ||
		    (pid < -1 && c->pgid != -pid))
			continue;
		*any = true;
		if (c->state == PROC_ZOMBIE)
			return c;
		if ((options & WUNTRACED) && c->stopped &&
		    (c->wait_report & 0xff) == 0x7f)
			return c;
		if ((options & WCONTINUED) && c->wait_report == WAIT_CONTINUED)
			return c;
	}
	return NULL;
}

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

/* Linux's struct rusage for i386: two timevals and 14 longs. Only the
 * page fault count is kept; no fault here waits for I/O, so all are
 * minor. */
struct rusage_user {
	int32_t utime[2], stime[2];
	int32_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock,
	    oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};
_Static_assert(sizeof(struct rusage_user) == 72, "struct rusage layout");

static long put_rusage(void *uru, uint32_t min_flt)
{
	struct rusage_user ru;

	memset(&ru, 0, sizeof(ru));
	ru.minflt = (int32_t)min_flt;
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}

/* A stopped or continued child's report, given once: its status word. */
static long report_change(struct proc *c, void *ustatus, void *rusage)
{
	int status = (int)c->wait_report;

	c->wait_report = 0;
	if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	if (rusage && put_rusage(rusage, c->min_flt))
		return -EFAULT;
	return c->pid;
}

/*
 * wait4: reap a zombie child matching pid, or report a stop or continue.
 * As on Linux, the status and rusage pointers are only written once a
 * child has been found: with no child the answer is ECHILD whatever they
 * are, and a bad pointer gives EFAULT after the child is gone.
 */
static long do_wait4(int pid, void *ustatus, unsigned options, void *rusage)
{
	uint32_t min_flt;
	int status;
	bool any;
	struct proc *z;

	if (options & ~WAIT_OPTIONS)
		return -EINVAL;
	for (;;) {
		z = find_child(pid, options, &any);
		if (z)
			break;
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (sleep_on(current))
			return -ERESTARTSYS;
	}
	if (z->state != PROC_ZOMBIE)
		return report_change(z, ustatus, rusage);
	pid = z->pid;
	status = z->exit_status;
	min_flt = z->min_flt + z->child_min_flt;
	current->child_min_flt += min_flt;
	proc_free(z);
	if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	if (rusage && put_rusage(rusage, min_flt))
		return -EFAULT;
	return pid;
}

SYSCALL_DEFINE4(wait4, int, pid, int *, ustatus, unsigned, options, void *,
		rusage)
{
	return do_wait4(pid, ustatus, options, rusage);
}

SYSCALL_DEFINE2(getrusage, int, who, void *, uru)
{
	if (who == RUSAGE_SELF || who == RUSAGE_THREAD)
		return put_rusage(uru, current->min_flt);
	if (who == RUSAGE_CHILDREN)
		return put_rusage(uru, current->child_min_flt);
	return -EINVAL;
}

SYSCALL_DEFINE3(waitpid, int, pid, int *, ustatus, unsigned, options)
{
	return do_wait4(pid, ustatus, options, NULL);
}
