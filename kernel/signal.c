/*
 * signal.c - signals: rt_sigaction (glibc passes SA_RESTORER and its own
 * restorer), rt_sigprocmask, kill, and delivery on the way back to user
 * mode. Default actions: SIGCHLD, SIGURG and SIGWINCH are ignored, the
 * rest end the process (status = signal number). A handler runs on the
 * user stack with a Linux-layout frame (kernel/sigframe.c) that
 * rt_sigreturn/sigreturn unwinds.
 */
#include <arch/proc.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sigframe.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define SA_SIGINFO 0x4
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_RESTORER 0x04000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SIGSET_BYTES 8 /* the kernel's sigset_t: 64 signals */

static uint64_t sigbit(int sig)
{
	return 1ull << (sig - 1);
}

static bool default_ignored(int sig);

/* A signal whose action is to do nothing, and that is not blocked, is
 * dropped when sent (Linux): it neither stays pending nor wakes anyone. */
static bool discarded(const struct proc *p, int sig)
{
	uint32_t h = p->sigactions[sig].handler;

	return sig != SIGKILL && !(p->sig_blocked & sigbit(sig)) &&
	       (h == SIG_IGN || (h == SIG_DFL && default_ignored(sig)));
}

static bool init_ignores(const struct proc *p, int sig);

/* Send sig to p; forced (a fault of p's own, the OOM killer) reaches
 * even init. */
static int send_signal(struct proc *p, int sig, bool forced)
{
	if (sig < 1 || sig >= NSIG)
		return -EINVAL;
	if (discarded(p, sig) || (!forced && init_ignores(p, sig)))
		return 0;
	p->sig_pending |= sigbit(sig);
	if (p->state == PROC_SLEEPING &&
	    (sig == SIGKILL || !(p->sig_blocked & sigbit(sig)))) {
		p->wake_tick = 0;
		p->state = PROC_RUNNABLE;
	}
	return 0;
}

static bool default_ignored(int sig)
{
	/* No job control: stop signals are ignored rather than stopping. */
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

/*
 * A system call interrupted by a signal (-ERESTARTSYS, -ERESTARTNOHAND)
 * starts again when no handler runs, or when the handler has SA_RESTART
 * (-ERESTARTSYS only); otherwise it returns EINTR. Restarting is pointing
 * eip back at the int $0x80 with the call number in eax.
 */
static void syscall_restart(struct trapframe *tf, const struct sigaction_k *sa)
{
	long r = (long)tf->eax;

	if (tf->vector != TRAP_SYSCALL ||
	    (r != -ERESTARTSYS && r != -ERESTARTNOHAND))
		return;
	if (sa && (r == -ERESTARTNOHAND || !(sa->flags & SA_RESTART))) {
		tf->eax = (uint32_t)-EINTR;
		return;
	}
	tf->eax = current->syscall_nr;
	tf->eip -= 2; /* int $0x80 */
}

/* The stack a handler runs on: the alternate one for SA_ONSTACK when set
 * up and not in use already; else the interrupted stack. */
static uint32_t handler_stack(const struct trapframe *tf,
			      const struct sigaction_k *sa)
{
	struct proc *p = current;
	bool on_alt = tf->esp - p->altstack_sp < p->altstack_size;

	if ((sa->flags & SA_ONSTACK) && p->altstack_size && !on_alt &&
	    !(p->altstack_flags & SS_DISABLE))
		return p->altstack_sp + p->altstack_size;
	return tf->esp;
}

/* Run sa's handler for sig on the way back to user mode. */
static void push_frame(struct trapframe *tf, int sig,
		       const struct sigaction_k *sa)
{
	uint64_t old = current->restore_blocked ? current->saved_blocked
						: current->sig_blocked;
	uint32_t sp = handler_stack(tf, sa);
	int err;

	syscall_restart(tf, sa);
	err = (sa->flags & SA_SIGINFO) ? sigframe_push_rt(tf, sig, sa, old, sp)
				       : sigframe_push(tf, sig, sa, old, sp);
	current->restore_blocked = false;

	if (err) {
		printk("pid %d (%s): bad signal stack, killed\n", current->pid,
		       current->name);
		proc_exit(SIGSEGV);
	}
	current->sig_blocked |= sa->mask;
	if (!(sa->flags & SA_NODEFER))
		current->sig_blocked |= sigbit(sig);
}

/* Any sender but a forced one: init takes only what it handles. */
int proc_signal(struct proc *p, int sig)
{
	return send_signal(p, sig, false);
}

int proc_signal_forced(struct proc *p, int sig)
{
	return send_signal(p, sig, true);
}

void signal_force(int sig)
{
	current->sigactions[sig].handler = SIG_DFL;
	current->sig_blocked &= ~sigbit(sig);
	proc_signal_forced(current, sig);
}

static bool deliver_one(struct trapframe *tf, uint64_t ready);

void signal_deliver(struct trapframe *tf)
{
	uint64_t ready =
	    current->sig_pending & (~current->sig_blocked | sigbit(SIGKILL));

	deliver_one(tf, ready);
	/* No handler ran: an interrupted call restarts, and a mask that
	 * rt_sigsuspend replaced comes back. */
	syscall_restart(tf, NULL);
	if (current->restore_blocked) {
		current->sig_blocked = current->saved_blocked;
		current->restore_blocked = false;
	}
}

/* Act on the first ready signal that needs it; true if a handler runs. */
static bool deliver_one(struct trapframe *tf, uint64_t ready)
{
	while (ready) {
		int sig = __builtin_ctzll(ready) + 1;
		struct sigaction_k *sa = &current->sigactions[sig];

		current->sig_pending &= ~sigbit(sig);
		ready &= ~sigbit(sig);
		if (sig == SIGKILL ||
		    (sa->handler == SIG_DFL && !default_ignored(sig)))
			proc_exit(sig);
		if (sa->handler == SIG_IGN || sa->handler == SIG_DFL)
			continue;
		push_frame(tf, sig, sa);
		if (sa->flags & SA_RESETHAND)
			sa->handler = SIG_DFL;
		return true; /* one handler at a time */
	}
	return false;
}

/*
 * The handler returned through its restorer into sigreturn: restore the
 * frame at sp. A frame that cannot be read or holds what user mode may
 * not return to ends in SIGSEGV, as on Linux.
 */
static long do_sigreturn(uint32_t sp, bool rt)
{
	struct trapframe *tf = current->tf;
	uint64_t mask;
	int err = rt ? sigframe_restore_rt(tf, sp, &mask)
		     : sigframe_restore(tf, sp, &mask);

	if (err) {
		printk("pid %d (%s): bad sigreturn frame at %08x\n",
		       current->pid, current->name, sp);
		signal_force(SIGSEGV);
		return (long)tf->eax;
	}
	current->sig_blocked = mask & ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
	return (long)tf->eax;
}

/* The restorer has popped retaddr: the frame starts 4 bytes below esp. */
SYSCALL_DEFINE0(rt_sigreturn)
{
	return do_sigreturn(current->tf->esp - 4, true);
}

/* Old-style sigreturn's restorer also popped the signal number. */
SYSCALL_DEFINE0(sigreturn)
{
	return do_sigreturn(current->tf->esp - 8, false);
}

/* Linux i386 struct sigaction for rt_sigaction: handler, flags,
 * restorer, mask (8 bytes). */
struct k_sigaction_user {
	uint32_t handler, flags, restorer;
	uint64_t mask;
} __attribute__((packed));

SYSCALL_DEFINE4(rt_sigaction, int, sig, uint32_t, uact, uint32_t, uold,
		uint32_t, size)
{
	struct k_sigaction_user ua;
	struct sigaction_k *sa;

	if (sig < 1 || sig >= NSIG || size != SIGSET_BYTES)
		return -EINVAL;
	sa = &current->sigactions[sig];
	if (uold) {
		struct k_sigaction_user o = {sa->handler, sa->flags,
					     sa->restorer, sa->mask};
		if (copy_to_user((void *)uold, &o, sizeof(o)))
			return -EFAULT;
	}
	if (!uact)
		return 0;
	if (copy_from_user(&ua, (void *)uact, sizeof(ua)))
		return -EFAULT;
	if (sig == SIGKILL || sig == SIGSTOP)
		return -EINVAL;
	if (ua.handler > SIG_IGN && !(ua.flags & SA_RESTORER))
		return -EINVAL; /* we have no vDSO restorer to offer */
	sa->handler = ua.handler;
	sa->flags = ua.flags;
	sa->restorer = ua.restorer;
	sa->mask = ua.mask & ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, uint32_t, uset, uint32_t, uold,
		uint32_t, size)
{
	uint64_t set;

	if (size != SIGSET_BYTES)
		return -EINVAL;
	if (uold &&
	    copy_to_user((void *)uold, &current->sig_blocked, SIGSET_BYTES))
		return -EFAULT;
	if (!uset)
		return 0;
	if (copy_from_user(&set, (void *)uset, SIGSET_BYTES))
		return -EFAULT;
	set &= ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
	if (how == SIG_BLOCK)
		current->sig_blocked |= set;
	else if (how == SIG_UNBLOCK)
		current->sig_blocked &= ~set;
	else if (how == SIG_SETMASK)
		current->sig_blocked = set;
	else
		return -EINVAL;
	return 0;
}

/* As on Linux, init gets from other processes only the signals it has
 * a handler for: SIGKILL and SIGSTOP never, default actions never. */
static bool init_ignores(const struct proc *p, int sig)
{
	return p->pid == 1 && sig != 0 &&
	       (sig == SIGKILL || sig == SIGSTOP ||
		p->sigactions[sig].handler == SIG_DFL);
}

static long do_kill(int pid, int sig)
{
	int hits = 0;

	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = procs[i];
		if (!p || p->state == PROC_UNUSED)
			continue;
		if ((pid > 0 && p->pid != pid) ||
		    (pid == 0 && p->pgid != current->pgid) ||
		    (pid < -1 && p->pgid != -pid) ||
		    (pid == -1 && (p->pid == 1 || p == current)))
			continue;
		/* A zombie still exists until reaped: found, not signalled
		 * (Linux). */
		hits++;
		if (sig && p->state != PROC_ZOMBIE)
			proc_signal(p, sig);
	}
	return hits ? 0 : -ESRCH;
}

int signal_pgrp(int pgid, int sig)
{
	int hits = 0;

	for (int i = 0; i < NPROC; i++) {
		struct proc *p = procs[i];

		if (!p || p->state == PROC_ZOMBIE || p->state == PROC_UNUSED ||
		    p->pgid != pgid)
			continue;
		hits++;
		proc_signal(p, sig); /* init's rule is proc_signal's */
	}
	return hits ? 0 : -ESRCH;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	return do_kill(pid, sig);
}

/* No threads: the thread id is the process id. */
SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	(void)tgid;
	return do_kill(tid, sig);
}
