/* console_write_signals - a big write to the console does not hold the
 * machine: a child writing 16 MiB of blanks to the serial console has a
 * 10 ms interval timer; its SIGALRM handler (no SA_RESTART) must land
 * while the write is under way (in one of five tries: a loaded host can
 * outrun the timer once), which then returns the part written so
 * far (a partial count, as a Linux tty write). A child writing for ever
 * dies of the parent's SIGKILL. */
#include <sys/time.h>
#include "guest.h"

#define BIG (16u << 20)
#define ATTEMPTS 5

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static char *blanks(void)
{
	char *b = map_anon(BIG);
	memset(b, ' ', BIG);
	return b;
}

static void timer_during_write(char *buf)
{
	int fds[2];
	CHECK_SYS(pipe(fds));
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm; /* no SA_RESTART */
		sigaction(SIGALRM, &sa, NULL);
		/* A loaded host can let one write outrun the timer (QEMU's
		 * clock is the host's): up to ATTEMPTS writes, each with its
		 * own timer; a kernel that never interrupts fails them all. */
		ssize_t n = BIG;
		for (int i = 0; i < ATTEMPTS && n == (ssize_t)BIG; i++) {
			struct itimerval it = {{0, 0}, {0, 10000}};
			alarms = 0;
			setitimer(ITIMER_REAL, &it, NULL);
			n = write(1, buf, BIG);
			while (!alarms)
				sleep_ms(1);
		}
		int got[2] = {(int)n, alarms};
		if (write(fds[1], got, sizeof got) != sizeof got)
			_exit(3);
		_exit(0);
	}
	int got[2] = {0, 0};
	CHECK(read(fds[0], got, sizeof got) == sizeof got,
	      "the writer reported nothing");
	wait_for(pid);
	printf("\n");
	CHECK(got[1] == 1, "the timer's handler ran %d times", got[1]);
	CHECK(got[0] > 0 && got[0] < (int)BIG,
	      "%d console writes of 16 MiB, each with a timer due after "
	      "10 ms, returned %d: the timer never landed during a write",
	      ATTEMPTS, got[0]);
	close(fds[0]);
	close(fds[1]);
}

static void kill_during_writes(char *buf)
{
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0)
		for (;;)
			write(1, buf, BIG);
	sleep_ms(30);
	CHECK_SYS(kill(pid, SIGKILL));
	int st = wait_for(pid);
	printf("\n");
	char b[80];
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "the console writer did not die of SIGKILL: %s",
	      status_str(st, b, sizeof b));
}

int main(void)
{
	char *buf = blanks();
	timer_during_write(buf);
	kill_during_writes(buf);
	return 0;
}
