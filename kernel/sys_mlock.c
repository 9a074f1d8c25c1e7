/*
 * sys_mlock.c - mlock, mlock2, munlock, mlockall and munlockall, as Linux
 * 6.1 does them: RLIMIT_MEMLOCK bounds what an unprivileged process locks
 * (EPERM when it is 0, ENOMEM past it; root, Linux's CAP_IPC_LOCK, is not
 * bounded), a hole in the range is ENOMEM, and locking makes the pages
 * present at once (MLOCK_ONFAULT / MCL_ONFAULT: as they are touched).
 * Locked memory is never yielded (mm's region_may_yield) and never
 * dropped by madvise; fork children do not inherit locks.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/mlock.h>
#include <kernel/rlimit.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <mm/pagetable.h>
#include <mm/region.h>

#define MLOCK_ONFAULT 0x01u
#define MCL_CURRENT 1u
#define MCL_FUTURE 2u
#define MCL_ONFAULT 4u

/* Linux's can_do_mlock: a nonzero limit or the privilege. */
static bool may_lock(void)
{
	return rlimit_cur(current, RLIMIT_MEMLOCK) != 0 || cred_privileged();
}

/* Would locking [start, +len) on top of what is locked pass the limit? */
static bool within_limit(vaddr_t start, size_t len)
{
	uint64_t locked =
	    (uint64_t)len + mm_locked_bytes(current->space, start, start + len);

	return cred_privileged() ||
	       locked <= rlimit_cur(current, RLIMIT_MEMLOCK);
}

long mlock_allowed(vaddr_t start, size_t len)
{
	if (!may_lock())
		return -EPERM;
	return within_limit(start, len) ? 0 : -EAGAIN;
}

/* The page-aligned range Linux makes of (start, len): start rounded
 * down, the length grown to cover it. -ENOMEM if it leaves user space. */
static long lock_range(uint32_t *start, uint32_t *len)
{
	uint64_t end = (uint64_t)*start + *len;

	*start = PAGE_ROUND_DOWN(*start);
	end = (end + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	if (end > USER_TOP)
		return -ENOMEM;
	*len = (uint32_t)(end - *start);
	return 0;
}

/* mlock and mlock2: lock, then populate unless on fault. Population
 * errors become Linux's: -EAGAIN for no memory, -ENOMEM otherwise. */
static long do_mlock(uint32_t start, uint32_t len, unsigned flag)
{
	long rc;

	if (!may_lock())
		return -EPERM;
	rc = lock_range(&start, &len);
	if (rc || !len)
		return rc;
	if (!within_limit(start, len))
		return -ENOMEM;
	rc = mm_set_flags(current->space, start, len, flag,
			  REGION_LOCKED | REGION_LOCKONFAULT);
	if (rc || flag == REGION_LOCKONFAULT)
		return rc;
	rc = mm_populate_accessible(current->space, start, len);
	if (rc == -ENOMEM)
		return -EAGAIN;
	return rc ? -ENOMEM : 0;
}

SYSCALL_DEFINE2(mlock, uint32_t, start, uint32_t, len)
{
	return do_mlock(start, len, REGION_LOCKED);
}

SYSCALL_DEFINE3(mlock2, uint32_t, start, uint32_t, len, uint32_t, flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(start, len, flags ? REGION_LOCKONFAULT : REGION_LOCKED);
}

SYSCALL_DEFINE2(munlock, uint32_t, start, uint32_t, len)
{
	long rc = lock_range(&start, &len);

	if (rc || !len)
		return rc;
	return mm_set_flags(current->space, start, len, 0,
			    REGION_LOCKED | REGION_LOCKONFAULT);
}

SYSCALL_DEFINE1(mlockall, uint32_t, flags)
{
	unsigned kind =
	    (flags & MCL_ONFAULT) ? REGION_LOCKONFAULT : REGION_LOCKED;
	unsigned def = (flags & MCL_FUTURE) ? kind : 0;

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return -EINVAL;
	if (!may_lock())
		return -EPERM;
	if ((flags & MCL_CURRENT) && !cred_privileged() &&
	    mm_mapped_bytes(current->space) >
		rlimit_cur(current, RLIMIT_MEMLOCK))
		return -ENOMEM;
	/* MCL_FUTURE alone leaves the present regions as they are. */
	mm_set_flags_all(
	    current->space, (flags & MCL_CURRENT) ? kind : 0,
	    (flags & MCL_CURRENT) ? REGION_LOCKED | REGION_LOCKONFAULT : 0,
	    def);
	if ((flags & MCL_CURRENT) && kind == REGION_LOCKED &&
	    mm_populate_accessible(current->space, PAGE_SIZE,
				   USER_TOP - PAGE_SIZE) == -ENOMEM)
		return -EAGAIN;
	return 0;
}

SYSCALL_DEFINE0(munlockall)
{
	mm_set_flags_all(current->space, 0, REGION_LOCKED | REGION_LOCKONFAULT,
			 0);
	return 0;
}
