/*
 * thread_group.c - threads made by clone with CLONE_THREAD form a group:
 * one tgid (the leader's pid), one parent, one set of signal actions, one
 * address space and one yielded-block cache owner. Each thread is its own
 * struct proc (own pid = thread id, kernel stack, pending and blocked
 * signals, TLS). Guarantees:
 *  - the leader is freed last: it stays (a zombie if it exits first)
 *    until every thread has ended, and only then is the group reported
 *    to its parent (kernel/exit.c, kernel/wait.c);
 *  - another thread is freed right after its exit (autoreap), by the
 *    scheduler on another stack than its own;
 *  - a group exit (exit_group, a fatal signal) ends every thread and the
 *    parent sees the status of the first.
 */
#include <arch/proc.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/thread.h>

static bool blocks(const struct proc *p, int sig)
{
	return sig != SIGKILL && (p->sig_blocked & (1ull << (sig - 1)));
}

static bool alive(const struct proc *p)
{
	return p->state != PROC_UNUSED && p->state != PROC_ZOMBIE;
}

bool group_alive(const struct proc *leader, const struct proc *except)
{
	for (int i = 0; i < proc_slots; i++) {
		struct proc *t = procs[i];

		if (t && t != except && t->leader == leader && alive(t))
			return true;
	}
	return false;
}

struct proc *group_signal_target(struct proc *p, int sig)
{
	struct proc *first = NULL;

	if (alive(p) && (sig < 1 || sig >= NSIG || !blocks(p, sig)))
		return p;
	for (int i = 0; i < proc_slots; i++) {
		struct proc *t = procs[i];

		if (!t || t == p || t->leader != p->leader || !alive(t))
			continue;
		if (!blocks(t, sig))
			return t;
		if (!first)
			first = t;
	}
	return alive(p) || !first ? p : first;
}

/* SIGKILL to every other live thread of current's group. */
static void kill_others(void)
{
	for (int i = 0; i < proc_slots; i++) {
		struct proc *t = procs[i];

		if (t && t != current && t->leader == current->leader &&
		    alive(t))
			proc_signal_forced(t, SIGKILL);
	}
}

void group_exit(int status)
{
	struct proc *leader = current->leader;

	if (!leader->group_exit) {
		leader->group_exit = true;
		leader->group_status = status;
	}
	kill_others();
	proc_exit(status);
}

void group_reap_dead(void)
{
	for (int i = 0; i < proc_slots; i++) {
		struct proc *t = procs[i];

		if (t && t != current && t->autoreap && t->state == PROC_ZOMBIE)
			proc_free(t);
	}
}

/* current, not the leader, becomes it (exec): the old leader, dead by
 * now, goes as current's old thread id would have. */
static void take_over_leader(void)
{
	struct proc *old = current->leader;
	int pid = current->pid;

	current->pid = old->pid;
	current->ppid = old->ppid;
	current->exit_signal = old->exit_signal;
	current->autoreap = false;
	current->leader = current;
	current->child_utime = old->child_utime;
	current->child_stime = old->child_stime;
	current->child_min_flt = old->child_min_flt;
	old->pid = pid;
	old->leader = old;
	old->tgid = pid;
	old->autoreap = true;
}

int group_exec_alone(void)
{
	struct proc *leader = current->leader;

	kill_others();
	while (group_alive(leader, current)) {
		if (sleep_on(leader) &&
		    (current->sig_pending & (1ull << (SIGKILL - 1))))
			return -EINTR;
	}
	if (leader != current) {
		take_over_leader();
		for (int i = 0; i < proc_slots; i++)
			if (procs[i] && procs[i]->leader == leader)
				procs[i]->leader = procs[i];
	}
	return 0;
}
