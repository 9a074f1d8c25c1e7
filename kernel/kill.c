/*
 * kill.c - signals sent by processes: kill (one process, a group, every
 * process), tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, and the
 * terminal's signal to a group. Each target must pass the kill permission
 * check (cred_may_signal); a zombie is found and checked but not
 * signalled. The answers are Linux's: for a group, 0 if any member took
 * the signal, else EPERM; for -1, 0 if anyone was found; ESRCH if nobody
 * was.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <kernel/uaccess.h>

/* Send sig (0: only check) with info to p's process (one of its threads)
 * or to thread p itself, from current: 0 or -EPERM. */
static int kill_one(struct proc *p, int sig, const struct ksiginfo *info,
		    bool thread)
{
	if (!cred_may_signal(p, sig))
		return -EPERM;
	if (sig && thread)
		thread_signal_info(p, sig, info);
	else if (sig)
		proc_signal_info(p, sig, info);
	return 0;
}

/* Does kill's pid select p? Any thread's id names its process; groups
 * and -1 (everyone but init and the caller) are made of processes. */
static bool selected(const struct proc *p, int pid)
{
	if (pid > 0)
		return p->pid == pid;
	if (p->leader != p)
		return false;
	if (pid == 0)
		return p->pgid == current->pgid;
	if (pid < -1)
		return p->pgid == -pid;
	return p->pid != 1 && p != current->leader;
}

static long kill_info(int pid, int sig, const struct ksiginfo *info)
{
	int found = 0, sent = 0;

	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH; /* no group -INT_MIN */
	for (int i = 0; i < proc_slots; i++) {
		struct proc *p = procs[i];

		if (!p || p->state == PROC_UNUSED || p->autoreap ||
		    !selected(p, pid))
			continue;
		found++;
		sent += kill_one(p, sig, info, false) == 0;
	}
	if (!found)
		return -ESRCH;
	return sent || pid == -1 ? 0 : -EPERM;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	struct ksiginfo info =
	    siginfo_sender(SI_USER, current->tgid, current->cred.uid);

	return kill_info(pid, sig, &info);
}

/* sig to thread tid, which must be of group tgid unless tgid is -1. */
static long kill_thread(int tgid, int tid, int sig, const struct ksiginfo *info)
{
	struct proc *p;

	if (tid <= 0 || tgid == 0 || tgid < -1)
		return -EINVAL;
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	p = proc_find(tid);
	if (!p || (tgid > 0 && p->tgid != tgid))
		return -ESRCH;
	return kill_one(p, sig, info, true);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	struct ksiginfo info =
	    siginfo_sender(SI_TKILL, current->tgid, current->cred.uid);

	if (tgid <= 0)
		return -EINVAL;
	return kill_thread(tgid, tid, sig, &info);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	struct ksiginfo info =
	    siginfo_sender(SI_TKILL, current->tgid, current->cred.uid);

	return kill_thread(-1, tid, sig, &info);
}

/* The siginfo a process queues: not one the kernel or kill would send,
 * unless to itself (Linux). */
static long user_siginfo(int pid, uint32_t uinfo, struct ksiginfo *k)
{
	struct siginfo32 u;

	if (copy_from_user(&u, (const void *)uinfo, sizeof(u)))
		return -EFAULT;
	if ((u.code >= 0 || u.code == SI_TKILL) && pid != current->tgid)
		return -EPERM;
	k->code = u.code;
	for (int i = 0; i < 5; i++)
		k->f[i] = u.fields[i];
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig, uint32_t, uinfo)
{
	struct ksiginfo k;
	long err = user_siginfo(pid, uinfo, &k);

	if (err)
		return err;
	if (pid <= 0)
		return -ESRCH; /* one process, no groups (POSIX) */
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (!proc_find(pid))
		return -ESRCH;
	return kill_one(proc_find(pid), sig, &k, false);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig, uint32_t,
		uinfo)
{
	struct ksiginfo k;
	long err;

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	err = user_siginfo(tid, uinfo, &k);
	return err ? err : kill_thread(tgid, tid, sig, &k);
}

int signal_pgrp(int pgid, int sig)
{
	int hits = 0;

	for (int i = 0; i < proc_slots; i++) {
		struct proc *p = procs[i];

		if (!p || p->state == PROC_UNUSED || p->leader != p ||
		    p->pgid != pgid || !group_alive(p, NULL))
			continue;
		hits++;
		proc_signal(p, sig); /* init's rule is proc_signal's */
	}
	return hits ? 0 : -ESRCH;
}
