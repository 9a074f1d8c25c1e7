/*
 * sys_select.c - select(2) in its four i386 forms: the old select (one
 * pointer to the five arguments), _newselect (timeval), pselect6 and
 * pselect6_time64 (timespec and a signal mask for the wait). The sets
 * are bitmaps of nfds bits (nfds cut to the descriptor table's size, as
 * Linux cuts it to its own); an fd in a set that is not open is -EBADF;
 * readiness is poll's (sys_poll.c) as Linux maps it: reading on POLLIN,
 * hang-up or error, writing on POLLOUT or error, exceptions on POLLPRI.
 * As on Linux, the time left is written back to the caller's timeout.
 */
#include <fs/file.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define SET_MAX 1024 /* FD_SETSIZE: glibc's sets hold no more */
#define SET_WORDS (SET_MAX / 32)
#define SIGSET_BYTES 8
#define NSEC_PER_TICK (NSEC_PER_SEC / HZ)

struct fdsets {
	uint32_t in[3][SET_WORDS];  /* read, write, except: asked */
	uint32_t out[3][SET_WORDS]; /* and found ready */
	uint32_t uptr[3];	    /* user addresses, 0 for none */
	uint32_t bytes;		    /* of each set, whole 32-bit words */
};

static bool bit(const uint32_t *set, int fd)
{
	return set[fd / 32] & (1u << (fd % 32));
}

/* One pass: the ready count, or -EBADF. */
static long select_scan(struct fdsets *s, int nfds)
{
	static const unsigned ev[3] = {POLLIN | POLLRDNORM | POLLHUP | POLLERR,
				       POLLOUT | POLLWRNORM | POLLERR, POLLPRI};
	long ready = 0;

	memset(s->out, 0, sizeof(s->out));
	for (int fd = 0; fd < nfds; fd++) {
		bool asked =
		    bit(s->in[0], fd) || bit(s->in[1], fd) || bit(s->in[2], fd);
		struct vfile *f = asked ? fd_file(current, fd) : NULL;
		unsigned mask = f ? poll_mask(f) : 0;

		if (asked && !f)
			return -EBADF;
		for (int k = 0; f && k < 3; k++)
			if (bit(s->in[k], fd) && (mask & ev[k])) {
				s->out[k][fd / 32] |= 1u << (fd % 32);
				ready++;
			}
	}
	return ready;
}

/* Wait until something is ready or *ticks (negative: for ever) pass;
 * *ticks becomes what is left. The ready count or -errno. */
static long select_wait(struct fdsets *s, int nfds, int64_t *ticks)
{
	uint64_t deadline = sched_ticks() + (*ticks > 0 ? *ticks : 0);
	long ready;

	while (!(ready = select_scan(s, nfds)) && *ticks != 0) {
		if (*ticks > 0 && sched_ticks() >= deadline)
			break;
		current->wake_tick = *ticks > 0 ? deadline : 0;
		if (poll_sleep()) {
			current->wake_tick = 0;
			ready = -EINTR;
			break;
		}
		current->wake_tick = 0;
	}
	if (*ticks > 0)
		*ticks = sched_ticks() >= deadline
			     ? 0
			     : (int64_t)(deadline - sched_ticks());
	return ready;
}

/* Read the three sets; nfds is already cut to the table. */
static long sets_get(struct fdsets *s, int nfds, uint32_t inp, uint32_t outp,
		     uint32_t exp)
{
	memset(s, 0, sizeof(*s));
	s->uptr[0] = inp, s->uptr[1] = outp, s->uptr[2] = exp;
	s->bytes = (uint32_t)(nfds + 31) / 32 * 4;
	for (int k = 0; k < 3; k++)
		if (s->uptr[k] &&
		    copy_from_user(s->in[k], (void *)s->uptr[k], s->bytes))
			return -EFAULT;
	return 0;
}

static long sets_put(const struct fdsets *s)
{
	for (int k = 0; k < 3; k++)
		if (s->uptr[k] &&
		    copy_to_user((void *)s->uptr[k], s->out[k], s->bytes))
			return -EFAULT;
	return 0;
}

/* The common part: sets in, wait, sets out. */
static long do_select(int32_t n, uint32_t inp, uint32_t outp, uint32_t exp,
		      int64_t *ticks)
{
	struct fdsets s;
	long r;

	if (n < 0)
		return -EINVAL;
	if (n > SET_MAX)
		n = SET_MAX;
	r = sets_get(&s, n, inp, outp, exp);
	if (!r)
		r = select_wait(&s, n, ticks);
	if (r >= 0 && sets_put(&s))
		r = -EFAULT;
	return r;
}

struct timeval32 {
	int32_t sec, usec;
};

/* select with a struct timeval (NULL: no timeout), written back. */
static long select_timeval(int32_t n, uint32_t inp, uint32_t outp, uint32_t exp,
			   uint32_t utv)
{
	struct timeval32 tv;
	int64_t ticks = -1;
	long r;

	if (utv) {
		if (copy_from_user(&tv, (void *)utv, sizeof(tv)))
			return -EFAULT;
		if (tv.sec < 0 || tv.usec < 0 || tv.usec >= USEC_PER_SEC)
			return -EINVAL;
		ticks = sched_timespec_ticks(tv.sec, (int64_t)tv.usec * 1000);
		if (ticks < 0)
			ticks = INT32_MAX; /* years: as good as for ever */
	}
	r = do_select(n, inp, outp, exp, &ticks);
	if (utv && r != -EFAULT) {
		tv.sec = (int32_t)(ticks / HZ);
		tv.usec = (int32_t)(ticks % HZ) * (USEC_PER_SEC / HZ);
		if (copy_to_user((void *)utv, &tv, sizeof(tv)))
			return -EFAULT;
	}
	return r;
}

SYSCALL_DEFINE5(newselect, int32_t, n, uint32_t, inp, uint32_t, outp, uint32_t,
		exp, uint32_t, tvp)
{
	return select_timeval(n, inp, outp, exp, tvp);
}

/* The old select: its five arguments in a block in memory. */
SYSCALL_DEFINE1(old_select, uint32_t, uargs)
{
	uint32_t a[5];

	if (copy_from_user(a, (void *)uargs, sizeof(a)))
		return -EFAULT;
	return select_timeval((int32_t)a[0], a[1], a[2], a[3], a[4]);
}

/* pselect6's sixth argument: {const sigset_t *, size_t}; the mask holds
 * during the wait and comes back after (after the handler, when a signal
 * interrupted it). */
static long pselect_mask(uint32_t usig)
{
	uint32_t arg[2];
	uint64_t set;

	if (!usig)
		return 0;
	if (copy_from_user(arg, (void *)usig, sizeof(arg)))
		return -EFAULT;
	if (!arg[0])
		return 0;
	if (arg[1] != SIGSET_BYTES)
		return -EINVAL;
	if (copy_from_user(&set, (void *)arg[0], sizeof(set)))
		return -EFAULT;
	current->saved_blocked = current->sig_blocked;
	current->restore_blocked = true;
	current->sig_blocked =
	    set & ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
	return 0;
}

/* pselect6 with a timespec of 32-bit (time64: 64-bit) seconds. */
static long do_pselect(int32_t n, uint32_t inp, uint32_t outp, uint32_t exp,
		       uint32_t uts, uint32_t usig, bool time64)
{
	int64_t ts[2] = {0, 0}, ticks = -1;
	int32_t ts32[2];
	long r;

	if (uts && time64 && copy_from_user(ts, (void *)uts, sizeof(ts)))
		return -EFAULT;
	if (uts && !time64) {
		if (copy_from_user(ts32, (void *)uts, sizeof(ts32)))
			return -EFAULT;
		ts[0] = ts32[0], ts[1] = ts32[1];
	}
	if (uts) {
		ticks = sched_timespec_ticks(ts[0], (int32_t)ts[1]);
		if (ticks < 0)
			return ticks;
	}
	r = pselect_mask(usig);
	if (r)
		return r;
	r = do_select(n, inp, outp, exp, &ticks);
	if (r != -EINTR && current->restore_blocked) {
		current->sig_blocked = current->saved_blocked;
		current->restore_blocked = false;
	}
	if (uts && r != -EFAULT) {
		ts[0] = ticks / HZ, ts[1] = (ticks % HZ) * NSEC_PER_TICK;
		ts32[0] = (int32_t)ts[0], ts32[1] = (int32_t)ts[1];
		if (copy_to_user((void *)uts,
				 time64 ? (void *)ts : (void *)ts32,
				 time64 ? sizeof(ts) : sizeof(ts32)))
			return -EFAULT;
	}
	return r;
}

SYSCALL_DEFINE6(pselect6, int32_t, n, uint32_t, inp, uint32_t, outp, uint32_t,
		exp, uint32_t, uts, uint32_t, usig)
{
	return do_pselect(n, inp, outp, exp, uts, usig, false);
}

SYSCALL_DEFINE6(pselect6_time64, int32_t, n, uint32_t, inp, uint32_t, outp,
		uint32_t, exp, uint32_t, uts, uint32_t, usig)
{
	return do_pselect(n, inp, outp, exp, uts, usig, true);
}
