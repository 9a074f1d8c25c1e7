/*
 * sys_poll.c - poll and ppoll, and the readiness that select shares. A
 * file's mask comes from its poll op (pipes and fifos: data, room,
 * hang-up), the console's from its input; other files are always ready
 * for reading and writing, as Linux's DEFAULT_POLLMASK. Waiters sleep on
 * one channel that pipes and the console wake (only while somebody
 * sleeps there) until a file is ready, the timeout passes or a signal
 * comes.
 */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define POLLNVAL 0x020
#define MAX_POLL 64

struct pollfd_u {
	int32_t fd;
	int16_t events, revents;
};

static int poll_chan;	       /* where pollers sleep */
static unsigned poll_sleepers; /* how many */

unsigned poll_mask(struct vfile *f)
{
	if (f->ops == &console_ops)
		return POLLOUT | POLLWRNORM |
		       (console_readable() ? POLLIN | POLLRDNORM : 0);
	if (f->ops && f->ops->poll)
		return f->ops->poll(f);
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

int poll_sleep(void)
{
	int r;

	poll_sleepers++;
	r = sleep_on(&poll_chan);
	poll_sleepers--;
	return r;
}

void poll_wake(void)
{
	if (poll_sleepers)
		wakeup(&poll_chan);
}

static int scan(struct pollfd_u *fds, uint32_t n)
{
	int ready = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct vfile *f =
		    fds[i].fd < 0 ? NULL : fd_file(current, fds[i].fd);

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if (!f)
			fds[i].revents = POLLNVAL;
		else
			fds[i].revents =
			    (int16_t)(poll_mask(f) & ((uint16_t)fds[i].events |
						      POLLERR | POLLHUP));
		ready += fds[i].revents != 0;
	}
	return ready;
}

/* timeout in ticks; negative waits for ever. */
static long do_poll(uint32_t ufds, uint32_t n, int64_t timeout)
{
	struct pollfd_u fds[MAX_POLL];
	uint64_t deadline = sched_ticks() + (timeout > 0 ? timeout : 0);
	int ready;

	if (n > MAX_POLL)
		return -EINVAL;
	if (copy_from_user(fds, (void *)ufds, n * sizeof(fds[0])))
		return -EFAULT;
	while (!(ready = scan(fds, n)) && timeout != 0) {
		if (timeout > 0 && sched_ticks() >= deadline)
			break;
		current->wake_tick = timeout > 0 ? deadline : 0;
		if (poll_sleep())
			return -EINTR;
		current->wake_tick = 0;
	}
	if (copy_to_user((void *)ufds, fds, n * sizeof(fds[0])))
		return -EFAULT;
	return ready;
}

/* do_poll with a timeout from sched_timespec_ticks (negative: invalid). */
static long poll_ticks(uint32_t ufds, uint32_t n, long ticks)
{
	return ticks < 0 ? ticks : do_poll(ufds, n, ticks);
}

SYSCALL_DEFINE3(poll, uint32_t, ufds, uint32_t, n, uint32_t, ms)
{
	return do_poll(ufds, n, (int32_t)ms < 0 ? -1 : ((int64_t)ms + 9) / 10);
}

/* ppoll_time64: struct __timespec64 {int64 sec, nsec}; NULL waits for ever.
 * As Linux on 32-bit, only the low half of nsec counts (the rest is
 * glibc's padding). */
SYSCALL_DEFINE3(ppoll_time64, uint32_t, ufds, uint32_t, n, uint32_t, uts)
{
	int64_t ts[2];

	if (!uts)
		return do_poll(ufds, n, -1);
	if (copy_from_user(ts, (void *)uts, sizeof(ts)))
		return -EFAULT;
	return poll_ticks(ufds, n, sched_timespec_ticks(ts[0], (int32_t)ts[1]));
}

SYSCALL_DEFINE3(ppoll, uint32_t, ufds, uint32_t, n, uint32_t, uts)
{
	int32_t ts[2];

	if (!uts)
		return do_poll(ufds, n, -1);
	if (copy_from_user(ts, (void *)uts, sizeof(ts)))
		return -EFAULT;
	return poll_ticks(ufds, n, sched_timespec_ticks(ts[0], (int32_t)ts[1]));
}
