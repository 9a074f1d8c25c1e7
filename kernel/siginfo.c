/*
 * siginfo.c - what signals carry, and taking them synchronously:
 * rt_sigtimedwait (and its time64 twin) removes a pending signal of a set
 * and gives its siginfo instead of running a handler. The set is
 * normally blocked; a signal of it wakes the waiter all the same (and,
 * blocked, is not dropped as ignored), any other unblocked one ends the
 * wait with EINTR, a timeout with EAGAIN.
 */
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define SIGSET_BYTES 8

static uint64_t sigbit(int sig)
{
	return 1ull << (sig - 1);
}

void siginfo_to_user(int sig, const struct ksiginfo *k, struct siginfo32 *u)
{
	memset(u, 0, sizeof(*u));
	u->signo = sig;
	u->code = k->code;
	for (int i = 0; i < 5; i++)
		u->fields[i] = k->f[i];
}

/* Take the lowest pending signal of set: its number, its siginfo to
 * uinfo (if given); 0 if none is pending. */
static long take_signal(uint64_t set, uint32_t uinfo)
{
	uint64_t ready = current->sig_pending & set;
	struct siginfo32 u;
	int sig;

	if (!ready)
		return 0;
	sig = __builtin_ctzll(ready) + 1;
	current->sig_pending &= ~sigbit(sig);
	siginfo_to_user(sig, &current->siginfo[sig], &u);
	if (uinfo && copy_to_user((void *)uinfo, &u, sizeof(u)))
		return -EFAULT; /* taken all the same, as on Linux */
	return sig;
}

/* Wait up to ticks (negative: for ever) for a signal of set. */
static long sigtimedwait(uint64_t set, uint32_t uinfo, long ticks)
{
	uint64_t deadline = ticks < 0 ? 0 : sched_ticks() + (uint64_t)ticks;
	long sig;

	set &= ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
	for (;;) {
		sig = take_signal(set, uinfo);
		if (sig)
			return sig;
		if (current->sig_pending & ~current->sig_blocked)
			return -EINTR;
		if (ticks >= 0 && sched_ticks() >= deadline)
			return -EAGAIN;
		current->wake_tick = deadline;
		sleep_on(sigwait_chan(current));
		current->wake_tick = 0;
	}
}

/* The set and the timeout (NULL: none), in either timespec layout. */
static long sigtimedwait_args(uint32_t uset, uint32_t uinfo, uint32_t uts,
			      uint32_t size, bool ts64)
{
	uint64_t set;
	int64_t t[2] = {0, 0};
	int32_t t32[2];
	long ticks = -1;

	if (size != SIGSET_BYTES)
		return -EINVAL;
	if (copy_from_user(&set, (const void *)uset, sizeof(set)))
		return -EFAULT;
	if (uts && ts64 && copy_from_user(t, (const void *)uts, sizeof(t)))
		return -EFAULT;
	if (uts && !ts64) {
		if (copy_from_user(t32, (const void *)uts, sizeof(t32)))
			return -EFAULT;
		t[0] = t32[0], t[1] = t32[1];
	}
	if (uts) {
		/* time64: only nsec's low half counts (glibc's padding). */
		ticks = sched_timespec_ticks(t[0], (int32_t)t[1]);
		if (ticks < 0)
			return -EINVAL;
	}
	return sigtimedwait(set, uinfo, ticks);
}

SYSCALL_DEFINE4(rt_sigtimedwait, uint32_t, uset, uint32_t, uinfo, uint32_t, uts,
		uint32_t, size)
{
	return sigtimedwait_args(uset, uinfo, uts, size, false);
}

SYSCALL_DEFINE4(rt_sigtimedwait_time64, uint32_t, uset, uint32_t, uinfo,
		uint32_t, uts, uint32_t, size)
{
	return sigtimedwait_args(uset, uinfo, uts, size, true);
}
