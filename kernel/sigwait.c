/*
 * sigwait.c - waiting for signals and sending them later: rt_sigsuspend,
 * pause, rt_sigpending, sigaltstack, alarm and the ITIMER_REAL interval
 * timer (setitimer, getitimer). Timers are checked on every tick
 * (signal_timers_tick); a fired one sends SIGALRM and reloads from its
 * interval.
 */
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define SIGSET_BYTES 8
#define ITIMER_REAL 0
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048
#define USEC_PER_TICK (USEC_PER_SEC / HZ)

static uint64_t sigbit(int sig)
{
	return 1ull << (sig - 1);
}

/* Sleep until a signal is delivered; the handler's frame keeps the old
 * mask, which comes back when it returns. Always -EINTR, as Linux. */
SYSCALL_DEFINE2(rt_sigsuspend, uint32_t, uset, uint32_t, size)
{
	uint64_t set;

	if (size != SIGSET_BYTES)
		return -EINVAL;
	if (copy_from_user(&set, (void *)uset, sizeof(set)))
		return -EFAULT;
	current->saved_blocked = current->sig_blocked;
	current->restore_blocked = true;
	current->sig_blocked = set & ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
	while (!sleep_on(current))
		;
	return -EINTR;
}

SYSCALL_DEFINE0(pause)
{
	while (!sleep_on(current))
		;
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE2(rt_sigpending, uint32_t, uset, uint32_t, size)
{
	uint64_t set = current->sig_pending & current->sig_blocked;

	if (size > SIGSET_BYTES)
		return -EINVAL;
	return copy_to_user((void *)uset, &set, size) ? -EFAULT : 0;
}

/* Linux i386 stack_t. */
struct stack32 {
	uint32_t sp;
	int32_t flags;
	uint32_t size;
};

SYSCALL_DEFINE2(sigaltstack, uint32_t, uss, uint32_t, uoss)
{
	struct proc *p = current;
	struct stack32 ss, old = {p->altstack_sp, 0, p->altstack_size};
	bool on = p->tf->esp - p->altstack_sp < p->altstack_size;

	old.flags = !p->altstack_size ? SS_DISABLE : on ? SS_ONSTACK : 0;
	if (uss) {
		if (copy_from_user(&ss, (void *)uss, sizeof(ss)))
			return -EFAULT;
		if (on)
			return -EPERM;
		if (ss.flags & ~SS_DISABLE)
			return -EINVAL;
		if (!(ss.flags & SS_DISABLE) && ss.size < MINSIGSTKSZ)
			return -ENOMEM;
	}
	if (uoss && copy_to_user((void *)uoss, &old, sizeof(old)))
		return -EFAULT;
	if (uss) {
		bool off = ss.flags & SS_DISABLE;

		p->altstack_sp = off ? 0 : ss.sp;
		p->altstack_size = off ? 0 : ss.size;
		p->altstack_flags = 0;
	}
	return 0;
}

void signal_alarm(struct proc *p, uint64_t now)
{
	if (p->state == PROC_ZOMBIE)
		return;
	p->alarm_tick = p->alarm_interval ? now + p->alarm_interval : 0;
	proc_signal(p, SIGALRM);
}

/* Ticks left on the real timer (0: off). */
static uint64_t alarm_left(void)
{
	uint64_t now = sched_ticks();

	return current->alarm_tick > now ? current->alarm_tick - now : 0;
}

SYSCALL_DEFINE1(alarm, uint32_t, seconds)
{
	uint64_t left = alarm_left();

	current->alarm_tick =
	    seconds ? sched_ticks() + (uint64_t)seconds * HZ : 0;
	current->alarm_interval = 0;
	/* Whole seconds left, rounded up (Linux rounds >= 0.5 s up). */
	return (long)((left + HZ / 2) / HZ) + (left && left < HZ / 2);
}

struct timeval32 {
	int32_t sec, usec;
};

struct itimerval32 {
	struct timeval32 interval, value;
};

static uint64_t tv_ticks(const struct timeval32 *tv)
{
	return (uint64_t)tv->sec * HZ +
	       ((uint64_t)tv->usec + USEC_PER_TICK - 1) / USEC_PER_TICK;
}

static struct timeval32 ticks_tv(uint64_t t)
{
	return (struct timeval32){(int32_t)(t / HZ),
				  (int32_t)((t % HZ) * USEC_PER_TICK)};
}

static struct itimerval32 itimer_now(void)
{
	return (struct itimerval32){ticks_tv(current->alarm_interval),
				    ticks_tv(alarm_left())};
}

SYSCALL_DEFINE2(getitimer, int, which, uint32_t, uval)
{
	struct itimerval32 v = itimer_now();

	if (which != ITIMER_REAL)
		return -EINVAL;
	return copy_to_user((void *)uval, &v, sizeof(v)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(setitimer, int, which, uint32_t, unew, uint32_t, uold)
{
	struct itimerval32 v, old = itimer_now();

	if (which != ITIMER_REAL)
		return -EINVAL;
	if (unew && copy_from_user(&v, (void *)unew, sizeof(v)))
		return -EFAULT;
	if (unew && (v.value.usec < 0 || v.value.usec >= 1000000 ||
		     v.interval.usec < 0 || v.interval.usec >= 1000000 ||
		     v.value.sec < 0 || v.interval.sec < 0))
		return -EINVAL;
	if (uold && copy_to_user((void *)uold, &old, sizeof(old)))
		return -EFAULT;
	if (unew) {
		uint64_t t = tv_ticks(&v.value);

		current->alarm_tick = t ? sched_ticks() + t : 0;
		current->alarm_interval = tv_ticks(&v.interval);
	}
	return 0;
}
