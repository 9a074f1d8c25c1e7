/* rlimits - getrlimit/setrlimit/prlimit64 with Linux's defaults and
 * rules: soft <= hard (else EINVAL), a lowered hard limit raised again
 * only by root (EPERM), RLIM_INFINITY round trips, the old getrlimit
 * clamps to 0x7fffffff, prlimit64 on a child (and EPERM across users),
 * limits inherited by fork, RLIMIT_NOFILE enforced when descriptors are
 * allocated. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/resource.h>
#include "guest.h"

static void defaults(void)
{
	struct rlimit r;
	for (int res = 0; res < RLIMIT_NLIMITS; res++) {
		CHECK_SYS(getrlimit(res, &r));
		CHECK(r.rlim_cur <= r.rlim_max, "limit %d: soft %lu > hard %lu",
		      res, r.rlim_cur, r.rlim_max);
	}
	CHECK_SYS(getrlimit(RLIMIT_CORE, &r));
	CHECK(r.rlim_cur == 0 && r.rlim_max == RLIM_INFINITY,
	      "RLIMIT_CORE %lu %lu", r.rlim_cur, r.rlim_max);
	CHECK_SYS(getrlimit(RLIMIT_STACK, &r));
	CHECK(r.rlim_cur == 8u << 20, "RLIMIT_STACK %lu", r.rlim_cur);
	CHECK_ERR(getrlimit(RLIMIT_NLIMITS, &r), EINVAL);
	/* The old call (76): infinity reads as 0x7fffffff. */
	unsigned long old[2];
	CHECK_SYS(syscall(SYS_getrlimit, RLIMIT_CORE, old));
	CHECK(old[0] == 0 && old[1] == 0x7fffffff, "old getrlimit %lx %lx",
	      old[0], old[1]);
}

static void rules(void *arg)
{
	(void)arg;
	struct rlimit r = {10, 5};
	CHECK_ERR(setrlimit(RLIMIT_CORE, &r), EINVAL);
	r = (struct rlimit){1000, RLIM_INFINITY};
	CHECK_SYS(setrlimit(RLIMIT_FSIZE, &r));
	CHECK_SYS(getrlimit(RLIMIT_FSIZE, &r));
	CHECK(r.rlim_cur == 1000 && r.rlim_max == RLIM_INFINITY,
	      "FSIZE %lu %lu", r.rlim_cur, r.rlim_max);
	r = (struct rlimit){1000, 2000};
	CHECK_SYS(setrlimit(RLIMIT_FSIZE, &r));
	r.rlim_max = 3000; /* root may raise the hard limit */
	CHECK_SYS(setrlimit(RLIMIT_FSIZE, &r));
	CHECK_SYS(setuid(1000));
	r.rlim_max = 4000;
	CHECK_ERR(setrlimit(RLIMIT_FSIZE, &r), EPERM);
	r.rlim_max = 2500; /* lowering is for everyone */
	CHECK_SYS(setrlimit(RLIMIT_FSIZE, &r));
	struct rlimit64 {
		uint64_t cur, max;
	} n = {5, 6}, o;
	CHECK_SYS(syscall(SYS_prlimit64, 0, RLIMIT_FSIZE, &n, &o));
	CHECK(o.cur == 1000 && o.max == 2500, "prlimit64 old %llu %llu",
	      (unsigned long long)o.cur, (unsigned long long)o.max);
	CHECK_SYS(syscall(SYS_prlimit64, 0, RLIMIT_FSIZE, NULL, &o));
	CHECK(o.cur == 5 && o.max == 6, "prlimit64 now %llu %llu",
	      (unsigned long long)o.cur, (unsigned long long)o.max);
	/* Another user's process: EPERM. */
	CHECK_ERR(syscall(SYS_prlimit64, getppid(), RLIMIT_FSIZE, NULL, &o),
		  EPERM);
}

/* NOFILE 10: descriptors stop at 9, in this process and its child. */
static void nofile(void *arg)
{
	(void)arg;
	struct rlimit r = {10, 10};
	CHECK_SYS(setrlimit(RLIMIT_NOFILE, &r));
	int fd, last = -1;
	while ((fd = dup(0)) >= 0)
		last = fd;
	CHECK(errno == EMFILE && last == 9, "last fd %d (%s)", last,
	      strerror(errno));
	CHECK_ERR(fcntl(0, F_DUPFD, 10), EINVAL); /* Linux: from >= limit */
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		struct rlimit c;
		getrlimit(RLIMIT_NOFILE, &c);
		_exit(c.rlim_cur == 10 && c.rlim_max == 10 ? 0 : 1);
	}
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork lost the limit");
}

/* prlimit64 on a child of ours (same user): read and set. */
static void on_child(void)
{
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	struct rlimit64 {
		uint64_t cur, max;
	} n = {0, 0}, o;
	CHECK_SYS(syscall(SYS_prlimit64, pid, RLIMIT_CORE, &n, &o));
	CHECK(o.cur == 0 && o.max == ~0ull, "child's old CORE limit");
	CHECK_SYS(syscall(SYS_prlimit64, pid, RLIMIT_CORE, NULL, &o));
	CHECK(o.cur == 0 && o.max == 0, "child's CORE limit not set");
	kill(pid, SIGKILL);
	wait_for(pid);
	CHECK_ERR(syscall(SYS_prlimit64, pid, RLIMIT_CORE, NULL, &o), ESRCH);
}

/* NPROC 1 for a user with one process: fork is EAGAIN; DATA bounds
 * brk. */
static void nproc_and_data(void *arg)
{
	(void)arg;
	struct rlimit r = {1, 1};
	CHECK_SYS(setrlimit(RLIMIT_NPROC, &r));
	CHECK_SYS(setresuid(1000, 1000, 1000));
	CHECK_ERR(fork(), EAGAIN);
	void *base = sbrk(0);
	/* The heap in use (static glibc's TLS) is far below 1 MiB. */
	r = (struct rlimit){1 << 20, RLIM_INFINITY};
	CHECK_SYS(setrlimit(RLIMIT_DATA, &r));
	CHECK_ERR((long)sbrk(2 << 20), ENOMEM);
	CHECK(sbrk(0) == base, "brk moved past RLIMIT_DATA");
	CHECK((long)sbrk(64 << 10) != -1, "brk within RLIMIT_DATA failed");
}

int main(void)
{
	if (getuid() != 0)
		skip("not run as root");
	defaults();
	expect_ok(rules, NULL, "rules");
	expect_ok(nofile, NULL, "RLIMIT_NOFILE");
	on_child();
	expect_ok(nproc_and_data, NULL, "RLIMIT_NPROC and RLIMIT_DATA");
	return 0;
}
