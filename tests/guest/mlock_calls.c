/* mlock_calls - mlock, mlock2, munlock, mlockall and munlockall as Linux:
 * locking makes pages present (mincore) and shows in /proc/meminfo's
 * Mlocked; a hole is ENOMEM; RLIMIT_MEMLOCK bounds an unprivileged
 * process (EPERM at 0, ENOMEM past it) but not root; locked pages cannot
 * be yielded (EFAULT) until unlocked; a fork child does not inherit the
 * lock; mlockall(MCL_FUTURE) locks (and populates) later mappings. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/resource.h>
#include "guest.h"

/* The Mlocked line of /proc/meminfo in kB. */
static long mlocked_kb(void)
{
	return (long)guest_proc_field("/proc/meminfo", "Mlocked:");
}

static void all_resident(char *p, size_t pages, const char *what)
{
	unsigned char vec[64];

	CHECK_SYS(mincore(p, pages * PAGE, vec));
	for (size_t i = 0; i < pages; i++)
		CHECK(vec[i] & 1, "%s: page %zu not resident", what, i);
}

static void unprivileged(void *arg)
{
	struct rlimit rl = {PAGE * 2, PAGE * 2};
	char *p = arg;

	if (setrlimit(RLIMIT_MEMLOCK, &rl) || setuid(65534))
		fail("dropping privileges: %s", strerror(errno));
	CHECK_SYS(mlock(p, 2 * PAGE));
	CHECK_ERR(mlock(p + 2 * PAGE, PAGE), ENOMEM);
	CHECK_SYS(mlock(p, 2 * PAGE)); /* already locked: not counted twice */
	CHECK_ERR(mlockall(MCL_CURRENT), ENOMEM);
	rl.rlim_cur = 0;
	CHECK_SYS(setrlimit(RLIMIT_MEMLOCK, &rl));
	CHECK_ERR(mlock(p, PAGE), EPERM);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0),
		  EPERM);
	_exit(0);
}

int main(void)
{
	char *p = map_anon(16 * PAGE);
	long before = mlocked_kb();

	CHECK_SYS(mlock(p + 10, 4 * PAGE)); /* rounded to 5 pages */
	all_resident(p, 5, "mlock");
	if (before >= 0)
		CHECK(mlocked_kb() >= before + 20, "Mlocked %ld kB, was %ld",
		      mlocked_kb(), before);
	if (have_vmkernel()) {
		CHECK_ERR(vm_yield_get_block(42, VM_BLOCK_NONE, p, 1), EFAULT);
		CHECK_SYS(munlock(p, 16 * PAGE));
		CHECK(vm_yield_get_block(42, VM_BLOCK_NONE, p, 1) == 0,
		      "yield after munlock: %s", strerror(errno));
		vm_forget_block(42);
	}
	CHECK_SYS(munlock(p, 16 * PAGE));
	if (before >= 0)
		CHECK(mlocked_kb() <= before, "Mlocked %ld kB after munlock",
		      mlocked_kb());

	/* A child does not inherit the lock (yield works there). */
	CHECK_SYS(mlock(p, PAGE));
	if (have_vmkernel()) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(vm_yield_get_block(43, VM_BLOCK_NONE, p, 1) ? 2
									  : 0);
		int st = wait_for(pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "child could not yield its unlocked copy");
	}
	CHECK_SYS(munlock(p, PAGE));

	/* mlock2, holes, flags. */
	CHECK_SYS(syscall(SYS_mlock2, p, PAGE, 1)); /* MLOCK_ONFAULT */
	CHECK_ERR(syscall(SYS_mlock2, p, PAGE, 2), EINVAL);
	CHECK_SYS(munmap(p + 8 * PAGE, PAGE));
	CHECK_ERR(mlock(p, 16 * PAGE), ENOMEM);
	CHECK_ERR(munlock(p, 16 * PAGE), ENOMEM);
	CHECK_ERR(mlockall(0), EINVAL);
	CHECK_ERR(mlockall(MCL_ONFAULT), EINVAL);

	/* mlockall(MCL_FUTURE): a new mapping is locked and present. */
	CHECK_SYS(mlockall(MCL_CURRENT | MCL_FUTURE));
	char *q = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED, "mmap after mlockall");
	all_resident(q, 4, "MCL_FUTURE mapping");
	CHECK_SYS(munlockall());

	expect_ok(unprivileged, p + 10 * PAGE, "the unprivileged limits");
	return 0;
}
