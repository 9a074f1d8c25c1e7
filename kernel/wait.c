/*
 * wait.c - collecting children: wait4, waitpid, waitid; and what
 * processes used: getrusage, times (CPU time in ticks charged by the
 * timer, page faults).
 * A child has up to three things to tell its parent, each told once: its
 * end (a zombie, freed when told), a stop and a continue (recorded by
 * kernel/jobctl.c in wait_report, cleared when told). WNOWAIT (waitid)
 * tells without taking. As on Linux, the status, siginfo and rusage
 * pointers are written only once a child has been found: with no child
 * the answer is ECHILD whatever they are, and a bad pointer gives EFAULT
 * after the child is gone.
 */
#include <kernel/errno.h>
#include <kernel/jobctl.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <kernel/uaccess.h>

/* Options (Linux's values). Any thread of a group waits for the children
 * of all its threads (no __WNOTHREAD); threads themselves are never
 * waited for, so __WALL and __WCLONE change nothing. */
#define WNOHANG 0x00000001
#define WSTOPPED 0x00000002 /* WUNTRACED */
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000u
#define __WCLONE 0x80000000u
#define THREAD_OPTIONS (__WNOTHREAD | __WALL | __WCLONE)
#define WAIT4_OPTIONS (WNOHANG | WSTOPPED | WCONTINUED | THREAD_OPTIONS)
#define WAITID_OPTIONS \
	(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | THREAD_OPTIONS)

/* waitid's idtype. */
#define P_ALL 0
#define P_PID 1
#define P_PGID 2

/* Whom a wait is for (P_ALL, P_PID id, P_PGID id) and what it takes. */
struct waiter {
	int type, id;
	unsigned options;
};

/* What a process used (getrusage): faults, and ticks in user and
 * kernel mode. */
struct usage {
	uint32_t min_flt, utime, stime;
};

/* What was taken from a child: its wait status word and what its
 * siginfo and rusage tell (its use and its waited-for children's). */
struct report {
	int pid, status;
	uint32_t uid;
	struct usage use;
};

static bool matches(const struct proc *c, const struct waiter *w)
{
	if (c->ppid != current->tgid || c->leader != c)
		return false;
	if (w->type == P_PID)
		return c->pid == w->id;
	return w->type == P_ALL || c->pgid == w->id;
}

static bool reportable(const struct proc *c, unsigned options)
{
	if (c->state == PROC_ZOMBIE)
		return (options & WEXITED) && !group_alive(c, NULL);
	if ((options & WSTOPPED) && c->stopped &&
	    (c->wait_report & 0xff) == 0x7f)
		return true;
	return (options & WCONTINUED) && c->wait_report == WAIT_CONTINUED;
}

/* A matching child with something to report, or NULL; *any tells if a
 * matching child exists at all. */
static struct proc *find_child(const struct waiter *w, bool *any)
{
	*any = false;
	for (int i = 0; i < proc_slots; i++) {
		struct proc *c = procs[i];

		if (!c || !matches(c, w))
			continue;
		*any = true;
		if (reportable(c, w->options))
			return c;
	}
	return NULL;
}

/* Take c's report into r (and free a zombie), unless WNOWAIT. */
static void take(struct proc *c, unsigned options, struct report *r)
{
	bool keep = options & WNOWAIT;

	r->pid = c->pid;
	r->uid = c->cred.uid;
	r->use = (struct usage){c->min_flt + c->child_min_flt,
				c->utime + c->child_utime,
				c->stime + c->child_stime};
	if (c->state != PROC_ZOMBIE) {
		r->status = (int)c->wait_report;
		if (!keep)
			c->wait_report = 0;
		return;
	}
	r->status = c->exit_status;
	if (!keep) {
		current->child_min_flt += r->use.min_flt;
		current->child_utime += r->use.utime;
		current->child_stime += r->use.stime;
		proc_free(c);
	}
}

/* Wait until a child w is for has something to report and take it:
 * 1, or 0 with WNOHANG if none has yet; -ECHILD, -ERESTARTSYS. */
static long wait_child(const struct waiter *w, struct report *r)
{
	bool any;

	for (;;) {
		struct proc *c = find_child(w, &any);

		if (c) {
			take(c, w->options, r);
			return 1;
		}
		if (!any)
			return -ECHILD;
		if (w->options & WNOHANG)
			return 0;
		/* Children tell their parent's leader (kernel/exit.c). */
		if (sleep_on(current->leader))
			return -ERESTARTSYS;
	}
}

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

/* Linux's struct rusage for i386: two timevals and 14 longs. Only the
 * times and the page fault count are kept; no fault here waits for I/O,
 * so all are minor. */
struct rusage_user {
	int32_t utime[2], stime[2];
	int32_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock,
	    oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};
_Static_assert(sizeof(struct rusage_user) == 72, "struct rusage layout");

#define USEC_PER_TICK (USEC_PER_SEC / HZ)

static long put_rusage(void *uru, const struct usage *u)
{
	struct rusage_user ru;

	memset(&ru, 0, sizeof(ru));
	ru.utime[0] = (int32_t)(u->utime / HZ);
	ru.utime[1] = (int32_t)(u->utime % HZ * USEC_PER_TICK);
	ru.stime[0] = (int32_t)(u->stime / HZ);
	ru.stime[1] = (int32_t)(u->stime % HZ * USEC_PER_TICK);
	ru.minflt = (int32_t)u->min_flt;
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}

/* wait4's pid as a waiter: > 0 that child, 0 the caller's group, -1
 * any, < -1 that group. */
static long do_wait4(int pid, void *ustatus, unsigned options, void *rusage)
{
	struct waiter w = {P_ALL, 0, options | WEXITED};
	struct report r;
	long n;

	if (options & ~WAIT4_OPTIONS)
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid > 0)
		w = (struct waiter){P_PID, pid, w.options};
	else if (pid == 0 || pid < -1)
		w = (struct waiter){P_PGID, pid ? -pid : current->pgid,
				    w.options};
	n = wait_child(&w, &r);
	if (n <= 0)
		return n;
	if (ustatus && copy_to_user(ustatus, &r.status, sizeof(r.status)))
		return -EFAULT;
	if (rusage && put_rusage(rusage, &r.use))
		return -EFAULT;
	return r.pid;
}

SYSCALL_DEFINE4(wait4, int, pid, int *, ustatus, unsigned, options, void *,
		rusage)
{
	return do_wait4(pid, ustatus, options, rusage);
}

SYSCALL_DEFINE3(waitpid, int, pid, int *, ustatus, unsigned, options)
{
	return do_wait4(pid, ustatus, options, NULL);
}

/* The siginfo waitid gives for a report (all zero for none): SIGCHLD
 * and CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED or CLD_CONTINUED
 * with the exit code or signal. */
static void wait_siginfo(const struct report *r, struct siginfo32 *u)
{
	int st = r->status, code, status;
	struct ksiginfo k;

	if (!r->pid) {
		memset(u, 0, sizeof(*u));
		return;
	}
	if ((st & 0xff) == 0x7f)
		code = CLD_STOPPED, status = (st >> 8) & 0xff;
	else if (st == (int)WAIT_CONTINUED)
		code = CLD_CONTINUED, status = SIGCONT;
	else if (st & 0x7f)
		code = st & 0x80 ? CLD_DUMPED : CLD_KILLED, status = st & 0x7f;
	else
		code = CLD_EXITED, status = (st >> 8) & 0xff;
	k = (struct ksiginfo){
	    code, {(uint32_t)r->pid, r->uid, (uint32_t)status, 0, 0}};
	siginfo_to_user(SIGCHLD, &k, u);
}

/* waitid's idtype and id as a waiter: 0 or -EINVAL. P_PGID 0 is the
 * caller's group; there are no pidfds (P_PIDFD: EINVAL). */
static long waitid_whom(int type, int id, unsigned options, struct waiter *w)
{
	if ((options & ~WAITID_OPTIONS) ||
	    !(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if ((type == P_PID && id <= 0) || (type == P_PGID && id < 0) ||
	    (type != P_ALL && type != P_PID && type != P_PGID))
		return -EINVAL;
	*w = (struct waiter){type, id, options};
	if (type == P_PGID && id == 0)
		w->id = current->pgid;
	return 0;
}

SYSCALL_DEFINE5(waitid, int, type, int, id, uint32_t, uinfo, unsigned, options,
		void *, rusage)
{
	struct waiter w;
	struct report r = {0, 0, 0, {0, 0, 0}};
	struct siginfo32 u;
	long n = waitid_whom(type, id, options, &w);

	if (n)
		return n;
	n = wait_child(&w, &r);
	if (n < 0)
		return n;
	wait_siginfo(&r, &u);
	/* Linux writes signo, errno, code, pid, uid, status. */
	if (uinfo && copy_to_user((void *)uinfo, &u, 6 * sizeof(uint32_t)))
		return -EFAULT;
	if (rusage && put_rusage(rusage, &r.use))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(getrusage, int, who, void *, uru)
{
	const struct proc *p = current;
	struct usage self = {p->min_flt, p->utime, p->stime};
	struct usage kids = {p->child_min_flt, p->child_utime, p->child_stime};

	if (who == RUSAGE_SELF || who == RUSAGE_THREAD)
		return put_rusage(uru, &self);
	if (who == RUSAGE_CHILDREN)
		return put_rusage(uru, &kids);
	return -EINVAL;
}

/* times: the CPU times in clock ticks (USER_HZ is HZ), and the ticks
 * since boot. */
SYSCALL_DEFINE1(times, uint32_t, ubuf)
{
	const struct proc *p = current;
	uint32_t t[4] = {p->utime, p->stime, p->child_utime, p->child_stime};

	if (ubuf && copy_to_user((void *)ubuf, t, sizeof(t)))
		return -EFAULT;
	return (long)sched_ticks();
}
