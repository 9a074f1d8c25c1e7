/*
 * rlimit.c - resource limits: prlimit64, getrlimit (old, clamped to
 * 0x7fffffff), ugetrlimit and setrlimit, with Linux 6.1's defaults and
 * rules: the soft limit never above the hard one, only the privileged
 * raise a hard limit, RLIMIT_NOFILE's hard limit no higher than the
 * descriptor table (Linux's nr_open). Limits are inherited across fork
 * and exec. Enforced: RLIMIT_NOFILE when a descriptor is allocated,
 * RLIMIT_NPROC at fork, RLIMIT_DATA at brk; the others are kept and
 * reported (the stack's reach is fixed at USER_STACK_MAX).
 */
#include <kernel/errno.h>
#include <kernel/rlimit.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/user_layout.h>

#define INF RLIM64_INFINITY
#define RLIM_INFINITY32 0xffffffffu
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12

/* Linux's INIT_RLIMITS, with the process and descriptor tables' sizes
 * where Linux uses its own (max_threads / 2, 1024 of nr_open). */
static const struct rlimit64 defaults[RLIM_NLIMITS] = {
    [RLIMIT_CPU] = {INF, INF},
    [RLIMIT_FSIZE] = {INF, INF},
    [RLIMIT_DATA] = {INF, INF},
    [RLIMIT_STACK] = {USER_STACK_MAX, INF},
    [RLIMIT_CORE] = {0, INF},
    [5] = {INF, INF}, /* RSS */
    [RLIMIT_NPROC] = {NPROC, NPROC},
    [RLIMIT_NOFILE] = {1024, NFILE}, /* Linux's INR_OPEN_CUR, nr_open */
    [RLIMIT_MEMLOCK] = {8u << 20, 8u << 20},
    [9] = {INF, INF},  /* AS */
    [10] = {INF, INF}, /* LOCKS */
    [RLIMIT_SIGPENDING] = {NPROC, NPROC},
    [RLIMIT_MSGQUEUE] = {819200, 819200},
    [13] = {0, 0},     /* NICE */
    [14] = {0, 0},     /* RTPRIO */
    [15] = {INF, INF}, /* RTTIME */
};

void rlimit_init(struct proc *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = defaults[i];
}

uint64_t rlimit_cur(const struct proc *p, int res)
{
	return p->rlim[res].cur;
}

/* Change p's limit res to *new (Linux's do_prlimit rules). */
static long set_limit(struct proc *p, int res, const struct rlimit64 *new)
{
	if (new->cur > new->max)
		return -EINVAL;
	if (new->max > p->rlim[res].max && current->cred.euid != 0)
		return -EPERM;
	if (res == RLIMIT_NOFILE && new->max > NFILE)
		return -EPERM;
	p->rlim[res] = *new;
	return 0;
}

/* A 32-bit limit as a 64-bit one: all ones is infinity. */
static uint64_t widen(uint32_t v)
{
	return v == RLIM_INFINITY32 ? INF : v;
}

/* A 64-bit limit as an unsigned long, infinity past 32 bits; the old
 * getrlimit clamps to 0x7fffffff. */
static uint32_t narrow(uint64_t v, uint32_t top)
{
	return v > top ? top : (uint32_t)v;
}

static long get_rlimit32(uint32_t res, uint32_t ulim, uint32_t top)
{
	uint32_t lim[2];

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	lim[0] = narrow(current->rlim[res].cur, top);
	lim[1] = narrow(current->rlim[res].max, top);
	return copy_to_user((void *)ulim, lim, sizeof(lim)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(ugetrlimit, uint32_t, res, uint32_t, ulim)
{
	return get_rlimit32(res, ulim, RLIM_INFINITY32);
}

SYSCALL_DEFINE2(old_getrlimit, uint32_t, res, uint32_t, ulim)
{
	return get_rlimit32(res, ulim, 0x7fffffffu);
}

SYSCALL_DEFINE2(setrlimit, uint32_t, res, uint32_t, ulim)
{
	uint32_t lim[2];
	struct rlimit64 new;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (copy_from_user(lim, (const void *)ulim, sizeof(lim)))
		return -EFAULT;
	new = (struct rlimit64){widen(lim[0]), widen(lim[1])};
	return set_limit(current, (int)res, &new);
}

/* prlimit64(pid, res, new, old): pid 0 is the caller; another process
 * needs cred_may_control. The old limit is read before the change. */
SYSCALL_DEFINE4(prlimit64, int, pid, uint32_t, res, uint32_t, unew, uint32_t,
		uold)
{
	struct proc *p = pid ? proc_find(pid) : current;
	struct rlimit64 new, old;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	if (unew && copy_from_user(&new, (const void *)unew, sizeof(new)))
		return -EFAULT;
	if (unew && new.cur > new.max)
		return -EINVAL;
	if (!p || pid < 0 || p->state == PROC_ZOMBIE)
		return -ESRCH;
	if (!cred_may_control(p))
		return -EPERM;
	old = p->rlim[res];
	if (unew) {
		long err = set_limit(p, (int)res, &new);

		if (err)
			return err;
	}
	if (uold && copy_to_user((void *)uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
