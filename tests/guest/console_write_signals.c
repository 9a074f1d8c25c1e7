/* console_write_signals - a big write to the console does not hold the
 * machine: while a child writes 4 MiB of blanks to the serial console,
 * the parent's timer (a 30 ms sleep) fires and its SIGKILL ends the child
 * before the write is done. A handled signal ends such a write early with
 * the count written so far (a partial write, as on a Linux tty). */
#include "guest.h"

#define BIG (4u << 20)

static char *blanks(void)
{
	char *b = map_anon(BIG);
	memset(b, ' ', BIG);
	return b;
}

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	char *buf = blanks();
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		write(1, buf, BIG);
		_exit(0);
	}
	sleep_ms(30);
	CHECK_SYS(kill(pid, SIGKILL));
	int st = wait_for(pid);
	printf("\n");
	char b[80];
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "the 4 MiB console write was not interrupted by SIGKILL: %s",
	      status_str(st, b, sizeof b));

	/* A handled signal: the write returns what it wrote. */
	int fds[2];
	CHECK_SYS(pipe(fds));
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_alarm; /* no SA_RESTART */
		sigaction(SIGUSR1, &sa, NULL);
		ssize_t n = write(1, buf, BIG);
		int e = errno;
		if (write(fds[1], &n, sizeof n) != sizeof n ||
		    write(fds[1], &e, sizeof e) != sizeof e)
			_exit(3);
		_exit(0);
	}
	sleep_ms(30);
	CHECK_SYS(kill(pid, SIGUSR1)); /* also fine if it already ended */
	ssize_t n = 0;
	int e = 0;
	CHECK(read(fds[0], &n, sizeof n) == sizeof n &&
		  read(fds[0], &e, sizeof e) == sizeof e,
	      "the writer reported nothing");
	st = wait_for(pid);
	printf("\n");
	CHECK(n > 0 && n < (ssize_t)BIG,
	      "write interrupted by a handler returned %zd (errno %d), "
	      "expected a partial count",
	      n, e);
	return 0;
}
