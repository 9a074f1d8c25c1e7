/*
 * fork.c - clone, fork and vfork. What the child shares with its parent
 * and what it gets a copy of is clone's flags' choice: the address space
 * (CLONE_VM; else a copy-on-write copy), the descriptor table
 * (CLONE_FILES), root, cwd and umask (CLONE_FS), the signal actions
 * (CLONE_SIGHAND), the thread group (CLONE_THREAD:
 * kernel/thread_group.c). Shared things are held by reference and freed
 * by their last holder. glibc's fork is clone(CLONE_CHILD_SETTID |
 * CLONE_CHILD_CLEARTID | SIGCHLD), its pthread_create clone(CLONE_VM |
 * CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
 * CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID).
 */
#include <arch/proc.h>
#include <fs/file.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <kernel/uaccess.h>
#include <mm/region.h>

/* The low byte of clone's flags: the signal the parent gets at exit. */
#define CLONE_EXIT_SIGNAL 0xffu
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
/* What this kernel does: no namespaces, cgroups, pidfds or tracing;
 * SYSVSEM has no semaphores to share (no semop here); DETACHED and
 * UNTRACED are ignored, as by Linux. */
#define CLONE_KNOWN                                                  \
	(CLONE_EXIT_SIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES |     \
	 CLONE_SIGHAND | CLONE_VFORK | CLONE_PARENT | CLONE_THREAD | \
	 CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |        \
	 CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_UNTRACED |    \
	 CLONE_CHILD_SETTID | CLONE_PTRACE)

static void copy_identity(struct proc *child, const struct proc *parent)
{
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	child->brk_start = parent->brk_start;
	child->arg_start = parent->arg_start;
	child->arg_end = parent->arg_end;
	child->env_end = parent->env_end;
	child->brk = parent->brk;
	child->cred = parent->cred;
	memcpy(child->rlim, parent->rlim, sizeof(child->rlim));
	child->undumpable = parent->undumpable;
	child->coredump_filter = parent->coredump_filter;
	child->personality = parent->personality;
	child->timer_slack_ns = parent->timer_slack_ns;
	child->default_slack_ns = parent->timer_slack_ns;
	child->tsc_sigsegv = parent->tsc_sigsegv;
	child->sig_blocked = parent->sig_blocked;
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
	for (int i = 0; i < proc_slots; i++)
		if (procs[i] && procs[i]->state != PROC_UNUSED &&
		    !procs[i]->autoreap && procs[i]->cred.uid == c->uid)
			n++;
	return n >= rlimit_cur(current, RLIMIT_NPROC);
}

/* Linux's rules for flags that only make sense together. */
static bool flags_valid(uint32_t flags)
{
	if (flags & ~CLONE_KNOWN)
		return false;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return false;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return false;
	return true;
}

/* The child's place: its parent, group and what it was asked to share. */
static int clone_links(struct proc *child, uint32_t flags)
{
	bool thread = flags & CLONE_THREAD;

	child->ppid = (flags & (CLONE_PARENT | CLONE_THREAD)) ? current->ppid
							      : current->tgid;
	child->leader = thread ? current->leader : child;
	child->tgid = child->leader->pid;
	/* A thread tells nobody of its end; CLONE_PARENT takes the
	 * parent's exit signal only for init's children (Linux). */
	child->exit_signal = thread ? 0 : (int)(flags & CLONE_EXIT_SIGNAL);
	if (thread)
		child->ycache_owner = current->ycache_owner;
	if (flags & CLONE_VM) {
		mm_space_get(current->space);
		child->space = current->space;
	} else {
		child->space = mm_space_fork(current->space);
	}
	if (!child->space ||
	    files_fork(current, child, flags & CLONE_FILES, flags & CLONE_FS) ||
	    sighand_fork(current, child, flags & CLONE_SIGHAND))
		return -ENOMEM;
	/* A thread on its own stack does not inherit the alternate one. */
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		child->altstack_sp = child->altstack_size = 0;
	return 0;
}

/* The child's registers: the parent's, eax 0, a new stack and TLS. */
static int clone_regs(struct proc *child, uint32_t flags, uint32_t newsp,
		      uint32_t tls)
{
	arch_fpu_save(child->fpu); /* the parent's live registers */
	*child->tf = *current->tf;
	child->tf->eax = 0;
	if (newsp)
		child->tf->esp = newsp;
	if (flags & CLONE_SETTLS)
		return tls_set(child, tls, false);
	return 0;
}

/* CLONE_VFORK: the parent sleeps until the child execs or exits (a
 * SIGKILL ends the wait, as Linux's killable wait). */
static void vfork_wait(struct proc *child)
{
	child->vfork_parent_pid = current->pid;
	current->vfork_done = false;
	child->state = PROC_RUNNABLE;
	while (!current->vfork_done)
		if (sleep_on(&current->vfork_done) &&
		    (current->sig_pending & (1ull << (SIGKILL - 1))))
			break;
}

static long do_fork(uint32_t flags, uint32_t newsp, int *ptid, uint32_t tls,
		    uint32_t ctid)
{
	struct proc *child;
	int pid, err;

	if (!flags_valid(flags) || (flags & CLONE_EXIT_SIGNAL) >= NSIG)
		return -EINVAL;
	if (nproc_over())
		return -EAGAIN;
	child = proc_alloc();
	if (!child)
		return -EAGAIN;
	copy_identity(child, current);
	err = clone_links(child, flags);
	if (!err)
		err = clone_regs(child, flags, newsp, tls);
	if (err) {
		proc_free(child);
		return err;
	}
	pid = child->pid;
	/* From here on the child exists and runs. As on Linux, a tid that
	 * cannot be stored is not an error: the stores are best effort. */
	if (flags & CLONE_CHILD_SETTID)
		mm_space_write(child->space, ctid, &pid, sizeof(pid));
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = ctid;
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(ptid, &pid, sizeof(pid));
	if (flags & CLONE_VFORK)
		vfork_wait(child);
	else
		child->state = PROC_RUNNABLE;
	return pid;
}

/* Linux i386 order: flags, stack, parent tid, tls (a struct user_desc
 * pointer), child tid. */
SYSCALL_DEFINE5(clone, uint32_t, flags, uint32_t, newsp, int *, ptid, uint32_t,
		tls, uint32_t, ctid)
{
	return do_fork(flags, newsp, ptid, tls, ctid);
}

SYSCALL_DEFINE0(fork)
{
	return do_fork(SIGCHLD, 0, NULL, 0, 0);
}

/* The child borrows the parent's memory, stack included, until it execs
 * or exits; the parent waits that long. */
SYSCALL_DEFINE0(vfork)
{
	return do_fork(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, NULL, 0, 0);
}
