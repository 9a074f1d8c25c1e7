/*
 * futex.c - fast user-space locking (futex(2)): FUTEX_WAIT, FUTEX_WAKE,
 * FUTEX_REQUEUE, FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP, FUTEX_WAIT_BITSET and
 * FUTEX_WAKE_BITSET, and futex_waitv (up to 128 futexes at once), with
 * Linux 6.1's errors (no PI futexes: ENOSYS).
 *
 * A waiter sleeps on a key: (its space, the address) for a private futex
 * (FUTEX_PRIVATE_FLAG, or memory that no other space can see), and (no
 * space, the physical address) for a shared mapping, so processes that
 * map the same page - a MAP_SHARED file page, shared memory - meet
 * whatever address each maps it at. The check of the value and the sleep
 * are atomic because the kernel is not preempted. Waiters live on their
 * kernel stacks, on one list, and are off it whenever their call returns;
 * a requeue changes a waiter's key, not its place. The exit side (robust
 * lists, the CLONE_CHILD_CLEARTID wake) is kernel/futex_exit.c.
 */
#include <arch/hooks.h>
#include <kernel/clock.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/thread.h>
#include <kernel/uaccess.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/region.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
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
	void *chan; /* what the sleeper sleeps on (futex_waitv: one for all) */
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

/* The first of w[0..n) that was woken, or -1. */
static int first_woken(const struct futex_waiter *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (w[i].woken)
			return (int)i;
	return -1;
}

/* Sleep on the queued waiters w[0..n) (channel w[0].chan) until one is
 * woken (its index), deadline (a tick; 0: none) or a signal. */
static long waiter_sleep(struct futex_waiter *w, unsigned n, uint64_t deadline)
{
	long rc = 0;

	while (first_woken(w, n) < 0) {
		if (deadline && sched_ticks() >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		current->wake_tick = deadline;
		if (sleep_on(w[0].chan)) {
			/* A restart with the same arguments is exact for an
			 * absolute time, at worst longer for a relative one. */
			rc = deadline ? -ERESTARTNOHAND : -ERESTARTSYS;
			break;
		}
	}
	current->wake_tick = 0;
	for (unsigned i = 0; i < n; i++)
		waiter_unlink(&w[i]);
	return first_woken(w, n) >= 0 ? first_woken(w, n) : rc;
}

/* Queue w, sleeping on chan. */
static void waiter_queue(struct futex_waiter *w, void *chan)
{
	w->chan = chan;
	w->next = waiters;
	waiters = w;
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
	waiter_queue(&w, &w);
	return waiter_sleep(&w, 1, deadline);
}

/* Wake up to nr waiters on k whose bitset meets bitset (as Linux, at
 * least one when nr is 0 or negative), then move up to nr_requeue of the
 * rest to key to (if given): how many woke and moved. */
static long wake_key(const struct futex_key *k, int32_t nr, uint32_t bitset,
		     const struct futex_key *to, int32_t nr_requeue)
{
	long woke = 0, moved = 0;

	for (struct futex_waiter **pp = &waiters; *pp;) {
		struct futex_waiter *w = *pp;

		if (!key_eq(&w->key, k) || !(w->bitset & bitset)) {
			pp = &w->next;
			continue;
		}
		if (woke >= nr && woke) {
			if (!to || moved >= nr_requeue)
				break;
			w->key = *to;
			moved++;
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->woken = true;
		wakeup(w->chan);
		woke++;
	}
	return woke + moved;
}

/* FUTEX_WAKE(_BITSET): wake up to nr waiters; how many woke. */
static long futex_wake(uint32_t uaddr, bool private, int32_t nr,
		       uint32_t bitset)
{
	struct futex_key k;
	long rc;

	if (!bitset)
		return -EINVAL;
	rc = futex_key(uaddr, private, &k);
	return rc ? rc : wake_key(&k, nr, bitset, NULL, 0);
}

long futex_wake_shared(uint32_t uaddr, int n)
{
	return futex_wake(uaddr, false, n, FUTEX_BITSET_MATCH_ANY);
}

/* FUTEX_REQUEUE, FUTEX_CMP_REQUEUE (if *uaddr is still cmpval): wake nr
 * waiters of uaddr and move up to nr_requeue others to uaddr2. */
static long futex_requeue(uint32_t uaddr, bool private, int32_t nr,
			  uint32_t uaddr2, int32_t nr_requeue,
			  const uint32_t *cmpval)
{
	struct futex_key k1, k2;
	uint32_t cur;
	long rc;

	if (nr < 0 || nr_requeue < 0)
		return -EINVAL;
	rc = futex_key(uaddr, private, &k1);
	if (!rc)
		rc = futex_key(uaddr2, private, &k2);
	if (rc)
		return rc;
	if (cmpval) {
		if (copy_from_user(&cur, (void *)uaddr, 4))
			return -EFAULT;
		if (cur != *cmpval)
			return -EAGAIN;
	}
	if (!nr && !nr_requeue)
		return 0;
	/* wake_key wakes at least one: with nr 0, requeue them all. */
	if (!nr) {
		long moved = 0;

		for (struct futex_waiter *w = waiters; w; w = w->next)
			if (key_eq(&w->key, &k1) && moved < nr_requeue) {
				w->key = k2;
				moved++;
			}
		return moved;
	}
	return wake_key(&k1, nr, FUTEX_BITSET_MATCH_ANY, &k2, nr_requeue);
}

/* FUTEX_WAKE_OP's operation on the old value: -ENOSYS if unknown. */
static long wake_op_apply(uint32_t encoded, uint32_t old, uint32_t *new)
{
	unsigned op = (encoded >> 28) & 7;
	int32_t oparg = ((int32_t)(encoded << 8)) >> 20;

	if (encoded & (8u << 28))
		oparg = (int32_t)(1u << (oparg & 31));
	switch (op) {
	case 0:
		*new = (uint32_t)oparg;
		return 0;
	case 1:
		*new = old + (uint32_t)oparg;
		return 0;
	case 2:
		*new = old | (uint32_t)oparg;
		return 0;
	case 3:
		*new = old & ~(uint32_t)oparg;
		return 0;
	case 4:
		*new = old ^ (uint32_t)oparg;
		return 0;
	}
	return -ENOSYS;
}

/* FUTEX_WAKE_OP's comparison of the old value: 1, 0 or -ENOSYS. */
static long wake_op_cmp(uint32_t encoded, uint32_t old)
{
	int32_t arg = ((int32_t)(encoded << 20)) >> 20, v = (int32_t)old;

	switch ((encoded >> 24) & 15) {
	case 0:
		return v == arg;
	case 1:
		return v != arg;
	case 2:
		return v < arg;
	case 3:
		return v <= arg;
	case 4:
		return v > arg;
	case 5:
		return v >= arg;
	}
	return -ENOSYS;
}

/* FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2) (atomic: nothing runs between),
 * wake nr waiters of uaddr and, if the old *uaddr2 passes the test, nr2
 * of uaddr2. */
static long futex_wake_op(uint32_t uaddr, bool private, int32_t nr,
			  uint32_t uaddr2, int32_t nr2, uint32_t encoded)
{
	struct futex_key k1, k2;
	uint32_t old, new;
	long rc, cmp, woke;

	rc = futex_key(uaddr, private, &k1);
	if (!rc)
		rc = futex_key(uaddr2, private, &k2);
	if (rc)
		return rc;
	if (copy_from_user(&old, (void *)uaddr2, 4))
		return -EFAULT;
	rc = wake_op_apply(encoded, old, &new);
	cmp = wake_op_cmp(encoded, old);
	if (rc || cmp < 0)
		return -ENOSYS;
	if (copy_to_user((void *)uaddr2, &new, 4))
		return -EFAULT;
	woke = wake_key(&k1, nr, FUTEX_BITSET_MATCH_ANY, NULL, 0);
	if (cmp)
		woke += wake_key(&k2, nr2, FUTEX_BITSET_MATCH_ANY, NULL, 0);
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
 * none, else {sec, nsec}; val2 is the timeout argument as a number (the
 * requeues' and WAKE_OP's second count). */
static long do_futex(uint32_t uaddr, int op, uint32_t val, const int64_t *ts,
		     uint32_t val2, uint32_t uaddr2, uint32_t val3)
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
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, private, (int32_t)val, uaddr2,
				     (int32_t)val2,
				     cmd == FUTEX_CMP_REQUEUE ? &val3 : NULL);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, private, (int32_t)val, uaddr2,
				     (int32_t)val2, val3);
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

	if (!utime || !has_timeout(op))
		return do_futex(uaddr, op, val, NULL, utime, uaddr2, val3);
	if (copy_from_user(t32, (void *)utime, sizeof(t32)))
		return -EFAULT;
	ts[0] = t32[0];
	ts[1] = t32[1];
	return do_futex(uaddr, op, val, ts, 0, uaddr2, val3);
}

/* futex_time64: struct __timespec64; as Linux on 32-bit, only the low
 * half of nsec counts (the rest is glibc's padding). */
SYSCALL_DEFINE6(futex_time64, uint32_t, uaddr, int, op, uint32_t, val, uint32_t,
		utime, uint32_t, uaddr2, uint32_t, val3)
{
	int64_t ts[2];

	if (!utime || !has_timeout(op))
		return do_futex(uaddr, op, val, NULL, utime, uaddr2, val3);
	if (copy_from_user(ts, (void *)utime, sizeof(ts)))
		return -EFAULT;
	ts[1] = (int32_t)ts[1];
	return do_futex(uaddr, op, val, ts, 0, uaddr2, val3);
}

#define FUTEX_WAITV_MAX 128
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_PRIVATE FUTEX_PRIVATE_FLAG
_Static_assert(FUTEX_WAITV_MAX *(sizeof(struct futex_waiter) + 4) <= PAGE_SIZE,
	       "futex_waitv's waiters and values fit in a page");

/* Linux's struct futex_waitv. */
struct futex_waitv_user {
	uint64_t val, uaddr;
	uint32_t flags, reserved;
};

/* Read, check and key futex_waitv's n entries into w: 0 or -errno. */
static long waitv_parse(uint32_t uw, unsigned n, struct futex_waiter *w,
			uint32_t *vals)
{
	for (unsigned i = 0; i < n; i++) {
		struct futex_waitv_user u;
		long rc;

		if (copy_from_user(&u, (void *)(uw + i * sizeof(u)), sizeof(u)))
			return -EFAULT;
		if ((u.flags & ~(FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)) ||
		    !(u.flags & FUTEX2_SIZE_U32) || u.reserved ||
		    u.uaddr >> 32 || u.val >> 32)
			return -EINVAL;
		w[i] = (struct futex_waiter){.bitset = FUTEX_BITSET_MATCH_ANY};
		rc = futex_key((uint32_t)u.uaddr, u.flags & FUTEX2_PRIVATE,
			       &w[i].key);
		if (rc)
			return rc;
		vals[i] = (uint32_t)u.val;
	}
	return 0;
}

/* Queue every entry if each futex still holds its value (else
 * -EAGAIN), then sleep until one is woken: its index. */
static long waitv_wait(uint32_t uw, unsigned n, struct futex_waiter *w,
		       uint64_t deadline)
{
	uint32_t *vals = (uint32_t *)(w + FUTEX_WAITV_MAX), cur;
	long rc = waitv_parse(uw, n, w, vals);

	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		struct futex_waitv_user u;

		if (copy_from_user(&u, (void *)(uw + i * sizeof(u)),
				   sizeof(u)) ||
		    copy_from_user(&cur, (void *)(uint32_t)u.uaddr, 4))
			return -EFAULT;
		if (cur != vals[i])
			return -EAGAIN;
	}
	for (unsigned i = 0; i < n; i++)
		waiter_queue(&w[i], w);
	return waiter_sleep(w, n, deadline);
}

/* futex_waitv(waiters, nr, flags, timeout, clockid): the timeout is
 * absolute (struct __kernel_timespec) on CLOCK_MONOTONIC or
 * CLOCK_REALTIME. The waiters and their values sit in a kernel page, not
 * on the stack. */
SYSCALL_DEFINE5(futex_waitv, uint32_t, uw, uint32_t, n, uint32_t, flags,
		uint32_t, utime, int, clockid)
{
	uint64_t deadline = 0;
	paddr_t pa;
	long rc;

	if (flags || !uw || !n || n > FUTEX_WAITV_MAX)
		return -EINVAL;
	if (utime) {
		int64_t ts[2];

		if (clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC)
			return -EINVAL;
		if (copy_from_user(ts, (void *)utime, sizeof(ts)))
			return -EFAULT;
		rc = futex_deadline(
		    FUTEX_WAIT_BITSET,
		    clockid == CLOCK_REALTIME ? FUTEX_CLOCK_REALTIME : 0, ts[0],
		    ts[1], &deadline);
		if (rc)
			return rc;
	}
	pa = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	if (pa == PHYS_NONE)
		return -ENOMEM;
	rc = waitv_wait(uw, n, arch_phys_to_virt(pa), deadline);
	phys_free(pa, 1, PHYS_KERNEL);
	return rc;
}
