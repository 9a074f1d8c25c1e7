/* cputime - CPU time charged by the timer tick: a busy loop adds user
 * time (getrusage, clock_gettime(CLOCK_PROCESS_CPUTIME_ID), times), a
 * sleep adds (almost) none; a child's time reaches its parent's SIGCHLD
 * (si_utime) and, once waited for, RUSAGE_CHILDREN and times's
 * cutime; /proc/stat's user ticks keep the child's time after it is
 * gone (the machine's time, not a sum over live processes). */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/times.h>
#include "guest.h"

static long cpu_ms(void)
{
	struct timespec ts;
	CHECK_SYS(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts));
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void spin(long ms)
{
	long end = wall_ms() + ms;
	volatile unsigned x = 0;
	while (wall_ms() < end)
		for (int i = 0; i < 10000; i++)
			x++;
}

static long tv_ms(const struct timeval *tv)
{
	return tv->tv_sec * 1000 + tv->tv_usec / 1000;
}

/* The user ticks of /proc/stat's "cpu" line. */
static long stat_user_ticks(void)
{
	char buf[256];
	int fd = open("/proc/stat", O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	long user = -1;

	if (fd >= 0)
		close(fd);
	if (n > 0) {
		buf[n] = 0;
		sscanf(buf, "cpu %ld", &user);
	}
	return user;
}

static volatile long chld_utime = -1;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	chld_utime = si->si_utime;
}

int main(void)
{
	struct rusage ru;
	long c0 = cpu_ms();
	spin(300);
	long c1 = cpu_ms();
	CHECK(c1 - c0 >= 150, "300 ms of spinning charged %ld ms", c1 - c0);
	CHECK_SYS(getrusage(RUSAGE_SELF, &ru));
	CHECK(tv_ms(&ru.ru_utime) >= 150, "ru_utime %ld ms",
	      tv_ms(&ru.ru_utime));
	sleep_ms(300);
	long c2 = cpu_ms();
	CHECK(c2 - c1 < 100, "300 ms of sleep charged %ld ms", c2 - c1);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	CHECK_SYS(sigaction(SIGCHLD, &sa, NULL));
	long u0 = stat_user_ticks();
	CHECK(u0 >= 0, "no user ticks in /proc/stat");
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		spin(300);
		_exit(0);
	}
	wait_for(pid);
	long hz = sysconf(_SC_CLK_TCK);
	long u1 = stat_user_ticks();
	CHECK((u1 - u0) * 1000 / hz >= 150,
	      "/proc/stat user ticks %ld -> %ld across a child's 300 ms", u0,
	      u1);
	CHECK(chld_utime * 1000 / hz >= 150, "child's si_utime %ld ticks",
	      chld_utime);
	CHECK_SYS(getrusage(RUSAGE_CHILDREN, &ru));
	CHECK(tv_ms(&ru.ru_utime) >= 150, "RUSAGE_CHILDREN utime %ld ms",
	      tv_ms(&ru.ru_utime));
	struct tms t;
	clock_t now = times(&t);
	CHECK(now != (clock_t)-1 && t.tms_cutime * 1000 / hz >= 150 &&
		  t.tms_utime * 1000 / hz >= 150,
	      "times: utime %ld cutime %ld", (long)t.tms_utime,
	      (long)t.tms_cutime);
	return 0;
}
