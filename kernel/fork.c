/*
 * fork.c - clone with fork semantics (glibc's fork is clone with
 * CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD), fork and vfork.
 * The child gets a copy-on-write copy of the address space.
 */
#include <arch/proc.h>
#include <fs/file.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/region.h>

/* The low byte of clone's flags: the signal the parent gets at exit. */
#define CLONE_EXIT_SIGNAL 0xffu
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_THREAD 0x00010000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000
/* Threads are not supported; vfork's CLONE_VM is served by a full copy. */
#define CLONE_UNSUPPORTED \
	(CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SETTLS)

static void copy_identity(struct proc *child, const struct proc *parent)
{
	child->ppid = parent->pid;
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	child->brk_start = parent->brk_start;
	child->arg_start = parent->arg_start;
	child->arg_end = parent->arg_end;
	child->brk = parent->brk;
	child->umask = parent->umask;
	child->cred = parent->cred;
	memcpy(child->rlim, parent->rlim, sizeof(child->rlim));
	child->undumpable = parent->undumpable;
	child->personality = parent->personality;
	child->timer_slack_ns = parent->timer_slack_ns;
	child->default_slack_ns = parent->timer_slack_ns;
	child->tsc_sigsegv = parent->tsc_sigsegv;
	child->sig_blocked = parent->sig_blocked;
	memcpy(child->sigactions, parent->sigactions,
	       sizeof(child->sigactions));
	memcpy(child->tls, parent->tls, sizeof(child->tls));
	memcpy(child->name, parent->name, sizeof(child->name));
	child->altstack_sp = parent->altstack_sp;
	child->altstack_size = parent->altstack_size;
}

/* RLIMIT_NPROC: a user other than root, without privilege, may not
 * have more processes (zombies count until reaped) than its limit. */
static bool nproc_over(void)
{
	const struct cred *c = &current->cred;
	uint64_t n = 0;

	if (c->uid == 0 || c->euid == 0)
		return false;
	for (int i = 0; i < NPROC; i++)
		if (procs[i] && procs[i]->state != PROC_UNUSED &&
		    procs[i]->cred.uid == c->uid)
			n++;
	return n >= rlimit_cur(current, RLIMIT_NPROC);
}

static long do_fork(uint32_t flags, uint32_t newsp, int *ptid, uint32_t ctid)
{
	struct proc *child;
	int pid;

	if ((flags & CLONE_UNSUPPORTED) ||
	    ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) ||
	    (flags & CLONE_EXIT_SIGNAL) >= NSIG)
		return -EINVAL;
	if (nproc_over())
		return -EAGAIN;
	child = proc_alloc();
	if (!child)
		return -EAGAIN;
	child->space = mm_space_fork(current->space);
	if (!child->space) {
		proc_free(child);
		return -ENOMEM;
	}
	copy_identity(child, current);
	child->exit_signal = (int)(flags & CLONE_EXIT_SIGNAL);
	files_fork(current, child);
	arch_fpu_save(child->fpu); /* the parent's live registers */
	*child->tf = *current->tf;
	child->tf->eax = 0;
	if (newsp)
		child->tf->esp = newsp;
	pid = child->pid;
	/* From here on the child exists and runs. As on Linux, a tid that
	 * cannot be stored is not an error: the stores are best effort. */
	if (flags & CLONE_CHILD_SETTID)
		mm_space_write(child->space, ctid, &pid, sizeof(pid));
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = ctid;
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(ptid, &pid, sizeof(pid));
	child->state = PROC_RUNNABLE;
	return pid;
}

/* Linux i386 order: flags, stack, parent tid, tls, child tid. No
 * CLONE_SETTLS (refused above), so tls is not read. */
SYSCALL_DEFINE5(clone, uint32_t, flags, uint32_t, newsp, int *, ptid, uint32_t,
		tls, uint32_t, ctid)
{
	(void)tls;
	return do_fork(flags, newsp, ptid, ctid);
}

SYSCALL_DEFINE0(fork)
{
	return do_fork(SIGCHLD, 0, NULL, 0);
}
