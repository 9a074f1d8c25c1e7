/*
 * sys_madvise.c - madvise, mincore and msync, with Linux 6.1's argument
 * checks and errors (EINVAL for a bad address, advice or flag; ENOMEM for
 * a range with unmapped pages, after the mapped ones were dealt with).
 *
 * What madvise does here: DONTNEED and FREE drop private pages (they read
 * as zero, or as the file, again), REMOVE zeroes shared anonymous memory
 * (the punched hole reads as zeros), DONTFORK / DOFORK / WIPEONFORK /
 * KEEPONFORK set region flags that fork obeys, POPULATE_READ / WRITE
 * fault the range in, and the pure hints (NORMAL, RANDOM, SEQUENTIAL,
 * WILLNEED, COLD, PAGEOUT, HUGEPAGE, NOHUGEPAGE, DONTDUMP, DODUMP) are
 * accepted on mapped memory. Advice that needs what this kernel does not
 * have (KSM, memory failure) is EINVAL, as Linux without those options.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <mm/pagetable.h>
#include <mm/region.h>

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23

#define MS_ASYNC 1u
#define MS_INVALIDATE 2u
#define MS_SYNC 4u

/* Advice that only says how memory will be used: accepted on any
 * mapped range (Linux's hints change no contents). */
static bool is_hint(int advice)
{
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
		return true;
	default:
		return false;
	}
}

/* The flag change advice asks for, in (set, clear); false if none. */
static bool advice_flags(int advice, unsigned *set, unsigned *clear)
{
	*set = *clear = 0;
	switch (advice) {
	case MADV_DONTFORK:
		*set = REGION_DONTFORK;
		return true;
	case MADV_DOFORK:
		*clear = REGION_DONTFORK;
		return true;
	case MADV_WIPEONFORK:
		*set = REGION_WIPEONFORK;
		return true;
	case MADV_KEEPONFORK:
		*clear = REGION_WIPEONFORK;
		return true;
	case MADV_DONTDUMP:
		*set = REGION_DONTDUMP;
		return true;
	case MADV_DODUMP:
		*clear = REGION_DONTDUMP;
		return true;
	default:
		return false;
	}
}

/* A hint on [start, +len): 0 if all of it is mapped, else -ENOMEM;
 * COLD and PAGEOUT refuse locked memory (-EINVAL) as Linux does. */
static long advise_hint(vaddr_t start, size_t len, int advice)
{
	struct mm_space *s = current->space;

	if ((advice == MADV_COLD || advice == MADV_PAGEOUT) &&
	    mm_locked_bytes(s, start, start + len) != mm_locked_bytes(s, 0, 0))
		return -EINVAL;
	return mm_range_mapped(s, start, len) ? 0 : -ENOMEM;
}

/* The advice on a checked, nonempty range. */
static long advise(vaddr_t start, size_t len, int advice)
{
	struct mm_space *s = current->space;
	unsigned set, clear;

	if (is_hint(advice))
		return advise_hint(start, len, advice);
	if (advice_flags(advice, &set, &clear))
		return mm_set_flags(s, start, len, set, clear);
	switch (advice) {
	case MADV_DONTNEED:
		return mm_discard(s, start, len, false);
	case MADV_FREE:
		return mm_discard(s, start, len, true);
	case MADV_REMOVE:
		return mm_punch(s, start, len);
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE: {
		long rc =
		    mm_populate(s, start, len, advice == MADV_POPULATE_WRITE);

		return rc == -ENOMEM || rc == -EFAULT ? rc : (rc ? -EFAULT : 0);
	}
	default:
		return -EINVAL; /* KSM, memory failure, unknown advice */
	}
}

/* Advice this kernel knows (anything else is -EINVAL). */
static bool advice_known(int advice)
{
	unsigned set, clear;

	return is_hint(advice) || advice_flags(advice, &set, &clear) ||
	       advice == MADV_DONTNEED || advice == MADV_FREE ||
	       advice == MADV_REMOVE || advice == MADV_POPULATE_READ ||
	       advice == MADV_POPULATE_WRITE;
}

SYSCALL_DEFINE3(madvise, uint32_t, start, uint32_t, len_in, int, advice)
{
	uint64_t len = ((uint64_t)len_in + PAGE_SIZE - 1) & ~0xfffull;

	if (!PAGE_ALIGNED(start) || !advice_known(advice))
		return -EINVAL;
	if (start + len > 0xffffffffull)
		return -EINVAL; /* the end wraps */
	if (!len)
		return 0;
	if (start + len > USER_TOP || start < PAGE_SIZE)
		return -ENOMEM;
	return advise(start, (size_t)len, advice);
}

SYSCALL_DEFINE3(mincore, uint32_t, start, uint32_t, len, uint8_t *, uvec)
{
	uint8_t vec[256];
	uint64_t npages = ((uint64_t)len + PAGE_SIZE - 1) / PAGE_SIZE;

	if (!PAGE_ALIGNED(start))
		return -EINVAL;
	if (start + npages * PAGE_SIZE > USER_TOP)
		return -ENOMEM;
	if (!user_range_ok((uintptr_t)uvec, (size_t)npages))
		return -EFAULT;
	while (npages) {
		size_t n = (size_t)MIN(npages, sizeof(vec));
		long rc = mm_mincore(current->space, start, n, vec);

		if (!rc && copy_to_user(uvec, vec, n))
			rc = -EFAULT;
		if (rc)
			return rc;
		start += n * PAGE_SIZE;
		uvec += n;
		npages -= n;
	}
	return 0;
}

SYSCALL_DEFINE3(msync, uint32_t, start, uint32_t, len, uint32_t, flags)
{
	uint64_t end = (uint64_t)start + ((len + PAGE_SIZE - 1ull) & ~0xfffull);

	if ((flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    !PAGE_ALIGNED(start) || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (end > USER_TOP)
		return -ENOMEM;
	if (end == start)
		return 0;
	return mm_msync(current->space, start, (vaddr_t)end, flags & MS_SYNC,
			flags & MS_INVALIDATE);
}
