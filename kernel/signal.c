/*
 * signal.c - signals: rt_sigaction (glibc passes SA_RESTORER and its own
 * restorer), rt_sigprocmask, sending, and delivery on the way back to
 * user mode. Default actions: SIGCHLD, SIGURG, SIGWINCH and SIGCONT are
 * ignored, the stop signals stop (kernel/jobctl.c), the rest end the
 * process (status = signal number). A handler runs on the user stack with
 * a Linux-layout frame (kernel/sigframe.c) that rt_sigreturn/sigreturn
 * unwinds; an SA_SIGINFO handler gets the siginfo its signal was sent
 * with (kernel/siginfo.c). Who may signal whom: kernel/kill.c.
 */
#include <arch/proc.h>
#include <kernel/coredump.h>
#include <kernel/errno.h>
#include <kernel/jobctl.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sigframe.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <kernel/uaccess.h>
#include <mm/slab.h>

#define SA_SIGINFO 0x4
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_RESTORER 0x04000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define WCOREFLAG 0x80 /* wait status: the process dumped core */
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
	uint32_t h = p->sighand->action[sig].handler;

	return sig != SIGKILL && !(p->sig_blocked & sigbit(sig)) &&
	       (h == SIG_IGN || (h == SIG_DFL && default_ignored(sig)));
}

static bool init_ignores(const struct proc *p, int sig);

/* Send sig with info to p; forced (a fault of p's own, the OOM killer)
 * reaches even init. Job control acts first (SIGCONT continues even when
 * blocked or ignored; a stop may be taken at once). A signal already
 * pending keeps the info it was first sent with (no queueing). */
static int send_signal(struct proc *p, int sig, const struct ksiginfo *info,
		       bool forced)
{
	if (sig < 1 || sig >= NSIG)
		return -EINVAL;
	if (p->state == PROC_ZOMBIE)
		return 0;
	jobctl_prepare(p, sig);
	if (discarded(p, sig) || (!forced && init_ignores(p, sig)))
		return 0;
	if (jobctl_stop_now(p, sig))
		return 0;
	if (!(p->sig_pending & sigbit(sig)))
		p->siginfo[sig] = *info;
	p->sig_pending |= sigbit(sig);
	if (p->state == PROC_SLEEPING &&
	    (sig == SIGKILL || !(p->sig_blocked & sigbit(sig)) ||
	     p->wait_chan == sigwait_chan(p))) {
		p->wake_tick = 0;
		p->state = PROC_RUNNABLE;
	}
	return 0;
}

static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGCONT;
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
		       const struct sigaction_k *sa,
		       const struct ksiginfo *info)
{
	uint64_t old = current->restore_blocked ? current->saved_blocked
						: current->sig_blocked;
	uint32_t sp = handler_stack(tf, sa);
	int err;

	syscall_restart(tf, sa);
	err = (sa->flags & SA_SIGINFO)
		  ? sigframe_push_rt(tf, sig, sa, old, sp, info)
		  : sigframe_push(tf, sig, sa, old, sp);
	current->restore_blocked = false;

	if (err) {
		printk("pid %d (%s): bad signal stack, killed\n", current->pid,
		       current->name);
		group_exit(SIGSEGV);
	}
	current->sig_blocked |= sa->mask;
	if (!(sa->flags & SA_NODEFER))
		current->sig_blocked |= sigbit(sig);
}

/* Any sender but a forced one: init takes only what it handles. A
 * signal to a process goes to one of its threads (kernel/thread.h). */
int proc_signal(struct proc *p, int sig)
{
	struct ksiginfo info = siginfo_kernel();

	return send_signal(group_signal_target(p, sig), sig, &info, false);
}

int proc_signal_info(struct proc *p, int sig, const struct ksiginfo *info)
{
	return send_signal(group_signal_target(p, sig), sig, info, false);
}

int thread_signal_info(struct proc *t, int sig, const struct ksiginfo *info)
{
	return send_signal(t, sig, info, false);
}

int proc_signal_forced(struct proc *p, int sig)
{
	struct ksiginfo info = siginfo_kernel();

	return send_signal(p, sig, &info, true);
}

/* A fault's signal (Linux's force_sig_info): a handler runs unless the
 * signal is blocked or ignored, which make it the default action. */
void signal_force_info(int sig, const struct ksiginfo *info)
{
	struct sigaction_k *sa = &current->sighand->action[sig];

	if ((current->sig_blocked & sigbit(sig)) || sa->handler == SIG_IGN) {
		USE(current->sighand, sa->handler = SIG_DFL);
		current->sig_blocked &= ~sigbit(sig);
	}
	send_signal(current, sig, info, true);
}

void signal_force(int sig)
{
	struct ksiginfo info = siginfo_kernel();

	USE(current->sighand, current->sighand->action[sig].handler = SIG_DFL);
	current->sig_blocked &= ~sigbit(sig);
	send_signal(current, sig, &info, true);
}

static bool deliver_ready(struct trapframe *tf);

void signal_deliver(struct trapframe *tf)
{
	deliver_ready(tf);
	/* No handler ran: an interrupted call restarts, and a mask that
	 * rt_sigsuspend replaced comes back. */
	syscall_restart(tf, NULL);
	if (current->restore_blocked) {
		current->sig_blocked = current->saved_blocked;
		current->restore_blocked = false;
	}
}

/* Act on the ready signals, lowest first, until a handler runs (true)
 * or none is left; after a stop, look again at what came meanwhile. */
static bool deliver_ready(struct trapframe *tf)
{
	for (;;) {
		uint64_t ready = current->sig_pending &
				 (~current->sig_blocked | sigbit(SIGKILL));
		int sig = ready ? __builtin_ctzll(ready) + 1 : 0;
		struct sigaction_k *sa = &current->sighand->action[sig];
		struct ksiginfo info = current->siginfo[sig];

		if (!sig)
			return false;
		current->sig_pending &= ~sigbit(sig);
		if (sig == SIGKILL ||
		    (sa->handler == SIG_DFL && !default_ignored(sig) &&
		     !jobctl_is_stop(sig)))
			group_exit(sig | (core_dump(sig, tf) ? WCOREFLAG : 0));
		if (sa->handler == SIG_DFL && jobctl_is_stop(sig))
			jobctl_stop_self(sig);
		if (sa->handler == SIG_IGN || sa->handler == SIG_DFL)
			continue;
		push_frame(tf, sig, sa, &info);
		if (sa->flags & SA_RESETHAND)
			USE(current->sighand, sa->handler = SIG_DFL);
		return true; /* one handler at a time */
	}
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
	const struct sigaction_k *sa;

	if (sig < 1 || sig >= NSIG || size != SIGSET_BYTES)
		return -EINVAL;
	sa = &current->sighand->action[sig];
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
	sighand_set(current, sig,
		    &(struct sigaction_k){
			ua.handler, ua.flags, ua.restorer,
			ua.mask & ~(sigbit(SIGKILL) | sigbit(SIGSTOP))});
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
 * a handler for: SIGKILL and SIGSTOP never, default actions never -
 * unless it blocks the signal, which then stays pending for
 * rt_sigtimedwait (busybox's init waits for its signals that way). */
static bool init_ignores(const struct proc *p, int sig)
{
	if (p->pid != 1 || sig == 0)
		return false;
	if (sig == SIGKILL || sig == SIGSTOP)
		return true;
	return p->sighand->action[sig].handler == SIG_DFL &&
	       !(p->sig_blocked & sigbit(sig));
}
