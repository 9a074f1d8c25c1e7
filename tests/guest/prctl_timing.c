/* prctl_timing - PR_SET/GET_TIMERSLACK (50000 ns at first, 0 restores
 * the default, a child inherits the value and takes it as its default,
 * /proc/self/timerslack_ns shows and sets it) and PR_SET/GET_TSC (with
 * PR_TSC_SIGSEGV rdtsc kills the process with SIGSEGV; a child
 * inherits the setting; PR_TSC_ENABLE allows it again). */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include "guest.h"

static unsigned long read_slack_file(void)
{
	char buf[32] = "";
	int fd = open("/proc/self/timerslack_ns", O_RDWR);

	CHECK_SYS(fd);
	CHECK(read(fd, buf, sizeof buf - 1) > 0, "read timerslack_ns");
	close(fd);
	return strtoul(buf, NULL, 10);
}

static void slack(void)
{
	pid_t pid;
	int st, fd;

	CHECK(prctl(PR_GET_TIMERSLACK) == 50000, "default slack %d",
	      prctl(PR_GET_TIMERSLACK));
	CHECK_SYS(prctl(PR_SET_TIMERSLACK, 70000));
	CHECK(prctl(PR_GET_TIMERSLACK) == 70000, "slack after set");
	CHECK(read_slack_file() == 70000, "timerslack_ns %lu",
	      read_slack_file());
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		int inherited = prctl(PR_GET_TIMERSLACK);

		prctl(PR_SET_TIMERSLACK, 5);
		prctl(PR_SET_TIMERSLACK, 0);
		_exit(inherited == 70000 && prctl(PR_GET_TIMERSLACK) == 70000
			  ? 0
			  : 1);
	}
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(st == 0, "child's slack status %#x", st);
	CHECK_SYS(prctl(PR_SET_TIMERSLACK, 0));
	CHECK(prctl(PR_GET_TIMERSLACK) == 50000, "slack after reset");
	fd = open("/proc/self/timerslack_ns", O_WRONLY);
	CHECK_SYS(fd);
	CHECK(write(fd, "1234\n", 5) == 5, "write timerslack_ns");
	close(fd);
	CHECK(prctl(PR_GET_TIMERSLACK) == 1234, "slack from the file");
}

static unsigned long long rdtsc(void)
{
	unsigned lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (unsigned long long)hi << 32 | lo;
}

static void tsc(void)
{
	pid_t pid;
	int st, v = -1;

	CHECK_SYS(prctl(PR_GET_TSC, &v));
	CHECK(v == PR_TSC_ENABLE, "tsc state %d", v);
	CHECK_ERR(prctl(PR_SET_TSC, 3), EINVAL);
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		prctl(PR_SET_TSC, PR_TSC_SIGSEGV);
		if (fork() == 0) { /* inherited: the grandchild dies too */
			rdtsc();
			_exit(3);
		}
		wait(&st);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV)
			_exit(4);
		rdtsc();
		_exit(2);
	}
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "rdtsc with PR_TSC_SIGSEGV: status %#x", st);
	CHECK(rdtsc() != 0, "rdtsc in the parent");
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		prctl(PR_SET_TSC, PR_TSC_SIGSEGV);
		prctl(PR_SET_TSC, PR_TSC_ENABLE);
		rdtsc();
		_exit(0);
	}
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(st == 0, "rdtsc after PR_TSC_ENABLE: status %#x", st);
}

int main(void)
{
	slack();
	tsc();
	return 0;
}
