/*
 * futex.c - fast user-space locking (futex(2)): FUTEX_WAIT, FUTEX_WAKE,
 * FUTEX_WAIT_BITSET and FUTEX_WAKE_BITSET, with Linux 6.1's errors.
 *
 * A waiter sleeps on a key: (its space, the address) for a private futex
 * (FUTEX_PRIVATE_FLAG, or memory that no other space can see), and (no
 * space, the physical address) for a shared mapping, so processes that
 * map the same page - a MAP_SHARED file page, shared memory - meet
 * whatever address each maps it at. The check of the value and the sleep
 * are atomic because the kernel is not preempted. Waiters live on their
 * kernel stacks, on one list, and are off it whenever their call returns.
 */
#include <kernel/clock.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/pagetable.h>
#include <mm/region.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

#define CLOCK_MONOTONIC 1

struct futex_key {
	struct mm_space *space; /* NULL: addr is physical (shared) */
	uint32_t addr;
};

struct futex_waiter {
	struct futex_key key;
	uint32_t bitset;
	bool woken;
	struct futex_waiter *next;
};

static struct futex_waiter *waiters;

/* The key of uaddr (aligned, readable): shared memory is keyed by its
 * physical address, anything else by space and address. */
static int futex_key(uint32_t uaddr, bool private, struct futex_key *k)
{
	struct mm_space *s = current->space;
	struct region *r;
	uint32_t val;
	paddr_t pa;

	if (uaddr % 4)
		return -EINVAL;
	if (!user_range_ok(uaddr, 4))
		return -EFAULT;
	k->space = s;
	k->addr = uaddr;
	if (private)
		return 0;
	/* Linux faults the page in to find what backs it. */
	if (copy_from_user(&val, (void *)uaddr, 4))
		return -EFAULT;
	r = mm_find_region(s, uaddr);
	if (r && region_is_shared(r) && pt_lookup(s->pgdir, uaddr, &pa, NULL)) {
		k->space = NULL;
		k->addr = (uint32_t)pa + uaddr % PAGE_SIZE;
	}
	return 0;
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr;
}

/* Take w off the list (if a waker has not already). */
static void waiter_unlink(struct futex_waiter *w)
{
	for (struct futex_waiter **pp = &waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			return;
		}
}

/* Sleep until woken, deadline (a tick; 0: none) or a signal. */
static long waiter_sleep(struct futex_waiter *w, uint64_t deadline)
{
	long rc = 0;

	while (!w->woken) {
		if (deadline && sched_ticks() >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		current->wake_tick = deadline;
		if (sleep_on(w)) {
			/* A restart with the same arguments is exact for an
			 * absolute time, at worst longer for a relative one. */
			rc = deadline ? -ERESTARTNOHAND : -ERESTARTSYS;
			break;
		}
	}
	current->wake_tick = 0;
	waiter_unlink(w);
	return w->woken ? 0 : rc;
}

/* FUTEX_WAIT(_BITSET): sleep if *uaddr still holds val. */
static long futex_wait(uint32_t uaddr, bool private, uint32_t val,
		       uint64_t deadline, uint32_t bitset)
{
	struct futex_waiter w = {.bitset = bitset};
	uint32_t cur;
	long rc;

	if (!bitset)
		return -EINVAL;
	rc = futex_key(uaddr, private, &w.key);
	if (rc)
		return rc;
	if (copy_from_user(&cur, (void *)uaddr, 4))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	w.next = waiters;
	waiters = &w;
	return waiter_sleep(&w, deadline);
}

/* FUTEX_WAKE(_BITSET): wake up to nr waiters whose bitset meets bitset
 * (as Linux, at least one when nr is 0 or negative); how many woke. */
static long futex_wake(uint32_t uaddr, bool private, int32_t nr,
		       uint32_t bitset)
{
	struct futex_key k;
	long woke = 0, rc;

	if (!bitset)
		return -EINVAL;
	rc = futex_key(uaddr, private, &k);
	if (rc)
		return rc;
	for (struct futex_waiter **pp = &waiters; *pp;) {
		struct futex_waiter *w = *pp;

		if (!key_eq(&w->key, &k) || !(w->bitset & bitset)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->woken = true;
		wakeup(w);
		if (++woke >= nr)
			break;
	}
	return woke;
}

/* The wait's deadline in ticks from a timeout: relative for FUTEX_WAIT,
 * absolute on CLOCK_MONOTONIC (or CLOCK_REALTIME) for WAIT_BITSET. */
static long futex_deadline(int cmd, int op, int64_t sec, int64_t nsec,
			   uint64_t *deadline)
{
	long ticks = sched_timespec_ticks(sec, nsec);
	uint64_t now = sched_ticks(), at;

	if (ticks < 0)
		return ticks;
	if (cmd == FUTEX_WAIT) {
		*deadline = now + (uint64_t)ticks;
		return 0;
	}
	at = (uint64_t)sec * HZ +
	     (uint64_t)(nsec + NSEC_PER_SEC / HZ - 1) / (NSEC_PER_SEC / HZ);
	if (op & FUTEX_CLOCK_REALTIME) {
		uint64_t off = clock_offset_ticks(CLOCK_REALTIME);
		at = at > off ? at - off : 0;
	}
	*deadline = at > now ? at : now;
	return 0;
}

/* Both system calls, once the timeout (if any) is read: ts is NULL for
 * none, else {sec, nsec}. */
static long do_futex(uint32_t uaddr, int op, uint32_t val, const int64_t *ts,
		     uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG;
	uint64_t deadline = 0;
	long rc;

	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (ts) {
			rc = futex_deadline(cmd, op, ts[0], ts[1], &deadline);
			if (rc)
				return rc;
		}
		return futex_wait(uaddr, private, val, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY
						    : val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, private, (int32_t)val,
				  cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY
						    : val3);
	}
	return -ENOSYS;
}

/* Does cmd read the timeout argument (only the waits do)? */
static bool has_timeout(int op)
{
	int cmd = op & FUTEX_CMD_MASK;

	return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET;
}

SYSCALL_DEFINE6(futex, uint32_t, uaddr, int, op, uint32_t, val, uint32_t, utime,
		uint32_t, uaddr2, uint32_t, val3)
{
	int32_t t32[2];
	int64_t ts[2];

	(void)uaddr2;
	if (!utime || !has_timeout(op))
		return do_futex(uaddr, op, val, NULL, val3);
	if (copy_from_user(t32, (void *)utime, sizeof(t32)))
		return -EFAULT;
	ts[0] = t32[0];
	ts[1] = t32[1];
	return do_futex(uaddr, op, val, ts, val3);
}

/* futex_time64: struct __timespec64; as Linux on 32-bit, only the low
 * half of nsec counts (the rest is glibc's padding). */
SYSCALL_DEFINE6(futex_time64, uint32_t, uaddr, int, op, uint32_t, val, uint32_t,
		utime, uint32_t, uaddr2, uint32_t, val3)
{
	int64_t ts[2];

	(void)uaddr2;
	if (!utime || !has_timeout(op))
		return do_futex(uaddr, op, val, NULL, val3);
	if (copy_from_user(ts, (void *)utime, sizeof(ts)))
		return -EFAULT;
	ts[1] = (int32_t)ts[1];
	return do_futex(uaddr, op, val, ts, val3);
}
