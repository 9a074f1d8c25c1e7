/*
 * jobctl.c - job control: the stop signals (SIGSTOP, SIGTSTP, SIGTTIN,
 * SIGTTOU) stop a process whose action for them is the default, SIGCONT
 * continues it, and SIGKILL ends it stopped or not.
 *
 * A stopped process keeps its state: runnable, or asleep in a system call
 * that it finishes (or restarts) once continued; the scheduler passes it
 * by. Another process is stopped when the signal is sent, so a sleeping
 * call is not interrupted (Linux restarts it, which comes to the same);
 * the current process stops on its way back to user mode. Each stop and
 * each continue is told to the parent once: a SIGCHLD (CLD_STOPPED,
 * CLD_CONTINUED; none with SA_NOCLDSTOP) and a wait4 report (WUNTRACED,
 * WCONTINUED). SIGTSTP, SIGTTIN and SIGTTOU to an orphaned process group
 * are dropped, as on Linux: nobody would continue it; and a group that
 * becomes orphaned (an exit) with stopped members gets SIGHUP and
 * SIGCONT.
 */
#include <kernel/jobctl.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/thread.h>

#define SA_NOCLDSTOP 0x1

static uint64_t sigbit(int sig)
{
	return 1ull << (sig - 1);
}

#define STOP_SIGNALS \
	(sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU))

bool jobctl_is_stop(int sig)
{
	return sig >= 1 && sig < NSIG && (STOP_SIGNALS & sigbit(sig));
}

/* Tell p's parent that p stopped or continued (why: CLD_STOPPED or
 * CLD_CONTINUED, status: the stop signal or SIGCONT). */
static void notify_parent(struct proc *p, int why, int status)
{
	struct proc *parent = proc_find(p->ppid);
	struct ksiginfo info = {why,
				{(uint32_t)p->pid, p->cred.uid,
				 (uint32_t)status, p->utime, p->stime}};
	const struct sighand *sh;

	if (!parent)
		return;
	/* A leader that exited before its threads holds no actions. */
	sh = group_signal_target(parent, SIGCHLD)->sighand;
	if (sh && !(sh->action[SIGCHLD].flags & SA_NOCLDSTOP))
		proc_signal_info(parent, SIGCHLD, &info);
	wakeup(parent->leader); /* a wait4 with WUNTRACED or WCONTINUED */
}

void jobctl_prepare(struct proc *p, int sig)
{
	if (sig == SIGKILL) {
		p->stopped = false;
	} else if (sig == SIGCONT) {
		p->sig_pending &= ~STOP_SIGNALS;
		if (p->stopped) {
			p->stopped = false;
			p->wait_report = WAIT_CONTINUED;
			notify_parent(p, CLD_CONTINUED, SIGCONT);
		}
	} else if (jobctl_is_stop(sig)) {
		p->sig_pending &= ~sigbit(SIGCONT);
	}
}

/* Linux's orphaned process group: no member (but ignored) has a parent
 * other than init in another group of the same session, so no shell is
 * there to continue it. */
static bool pgrp_orphaned(int pgid, const struct proc *ignored)
{
	for (int i = 0; i < proc_slots; i++) {
		struct proc *p = procs[i], *parent;

		if (!p || p == ignored || p->pgid != pgid ||
		    p->state == PROC_ZOMBIE)
			continue;
		parent = proc_find(p->ppid);
		if (parent && parent->pid != 1 && parent->pgid != pgid &&
		    parent->sid == p->sid)
			return false;
	}
	return true;
}

/* Stop p for sig: held by the scheduler until SIGCONT or SIGKILL. */
static void stop(struct proc *p, int sig)
{
	p->stopped = true;
	p->wait_report = WAIT_STOPPED(sig);
	notify_parent(p, CLD_STOPPED, sig);
}

bool jobctl_stop_now(struct proc *p, int sig)
{
	if (!jobctl_is_stop(sig) ||
	    p->sighand->action[sig].handler != SIG_DFL ||
	    (p->sig_blocked & sigbit(sig)))
		return false;
	if (sig != SIGSTOP && pgrp_orphaned(p->pgid, NULL))
		return true;
	/* A running sender stops itself in signal_deliver(); one asleep
	 * (the console's ^Z came while the CPU idled) stops at once. */
	if (p == current && p->state == PROC_RUNNABLE)
		return false;
	if (!p->stopped)
		stop(p, sig);
	return true;
}

void jobctl_stop_self(int sig)
{
	if (sig != SIGSTOP && pgrp_orphaned(current->pgid, NULL))
		return;
	stop(current, sig);
	while (current->stopped)
		schedule();
}

static bool has_stopped(int pgid)
{
	for (int i = 0; i < proc_slots; i++)
		if (procs[i] && procs[i]->pgid == pgid && procs[i]->stopped)
			return true;
	return false;
}

/* p's group, whose link to a shell was through parent (or, when p exits,
 * through p itself), is orphaned now: if it has stopped members, they
 * get SIGHUP and SIGCONT, as on Linux (nobody else would wake them). */
static void orphaned_hangup(struct proc *p, struct proc *parent,
			    const struct proc *ignored)
{
	if (!parent || parent->pgid == p->pgid || parent->sid != p->sid ||
	    !pgrp_orphaned(p->pgid, ignored) || !has_stopped(p->pgid))
		return;
	signal_pgrp(p->pgid, SIGHUP);
	signal_pgrp(p->pgid, SIGCONT);
}

void jobctl_reparented(struct proc *c, struct proc *old_parent)
{
	orphaned_hangup(c, old_parent, NULL);
}

void jobctl_exiting(struct proc *p)
{
	orphaned_hangup(p, proc_find(p->ppid), p);
}
