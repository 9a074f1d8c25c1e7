/* nanosleep_rem - a sleep a signal handler interrupts returns EINTR and
 * the time still to sleep: nanosleep and clock_nanosleep (relative) fill
 * rem with about what was asked less what passed; an absolute
 * clock_nanosleep in the past returns at once; clock_getres gives the
 * clocks' resolution (a timer tick here) and EINVAL for a bad clock. */
#define _GNU_SOURCE
#include <sys/time.h>
#include "guest.h"

static void on_alarm(int sig)
{
	(void)sig;
}

/* Arm a 300 ms one-shot SIGALRM. */
static void alarm_300ms(void)
{
	struct itimerval it = {{0, 0}, {0, 300000}};

	CHECK_SYS(setitimer(ITIMER_REAL, &it, NULL));
}

static void check_rem(const struct timespec *rem, const char *what)
{
	long ms = rem->tv_sec * 1000 + rem->tv_nsec / 1000000;

	CHECK(ms > 1500 && ms < 1800, "%s: %ld ms left of 2000 after 300", what,
	      ms);
}

int main(void)
{
	struct timespec req = {2, 0}, rem = {0, 0}, past = {1, 0};
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	CHECK_SYS(sigaction(SIGALRM, &sa, NULL));
	alarm_300ms();
	CHECK_ERR(nanosleep(&req, &rem), EINTR);
	check_rem(&rem, "nanosleep");
	alarm_300ms();
	rem = (struct timespec){0, 0};
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem) == EINTR,
	      "clock_nanosleep not interrupted");
	check_rem(&rem, "clock_nanosleep");
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL) == 0,
	      "absolute sleep in the past");
	CHECK_SYS(clock_getres(CLOCK_MONOTONIC, &rem));
	CHECK(rem.tv_sec == 0 && rem.tv_nsec > 0 && rem.tv_nsec <= 10000000,
	      "resolution %ld.%09ld", (long)rem.tv_sec, rem.tv_nsec);
	CHECK_ERR(syscall(SYS_clock_getres, 1000, &rem), EINVAL);
	return 0;
}
