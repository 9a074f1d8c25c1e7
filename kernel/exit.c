/*
 * exit.c - ending processes and collecting them: exit, exit_group, wait4.
 * An exiting process releases its memory and files at once and stays a
 * zombie (just its struct proc and kernel stack) until its parent waits.
 */
#include <arch/hooks.h>
#include <kernel/file.h>
#include <kernel/errno.h>
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

/* wait4 options (Linux's values): the ones accepted, and what they do
 * here. Without job control nothing stops or continues; without threads
 * __WALL and __WCLONE change nothing. */
#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WCONTINUED 0x00000008
#define __WALL 0x40000000u
#define __WCLONE 0x80000000u
#define WAIT_OPTIONS (WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE)

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
 * clone asked for (Linux: nobody slays init that way). */
static void reparent_children(struct proc *p)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i] && procs[i]->ppid == p->pid) {
			procs[i]->ppid = 1;
			if (procs[i]->exit_signal)
				procs[i]->exit_signal = SIGCHLD;
		}
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
	p->exit_status = status;
	p->state = PROC_ZOMBIE;
	p->alarm_tick = 0;
	parent = proc_find(p->ppid);
	if (parent) {
		if (p->exit_signal)
			proc_signal(parent, p->exit_signal);
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

/* A zombie child matching pid (-1: any), or NULL; *any tells if a
 * matching child exists at all. */
static struct proc *find_zombie(int pid, bool *any)
{
	*any = false;
	for (int i = 0; i < NPROC; i++) {
		struct proc *c = procs[i];
		if (!c || c->ppid != current->pid)
			continue;
		if (pid > 0 && c->pid != pid)
			continue;
		if (pid < -1 && c->pgid != -pid)
			continue;
		*any = true;
		if (c->state == PROC_ZOMBIE)
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

/*
 * wait4: reap a zombie child matching pid. As on Linux, the status and
 * rusage pointers are only written once a child has been reaped: with no
 * child the answer is ECHILD whatever they are, and a bad pointer gives
 * EFAULT after the child is gone.
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
		z = find_zombie(pid, &any);
		if (z)
			break;
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (sleep_on(current))
			return -ERESTARTSYS;
	}
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
