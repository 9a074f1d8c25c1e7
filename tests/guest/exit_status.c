/* exit_status - wait4 reports exit statuses and deaths by signal: a child
 * exiting 42 gives WEXITSTATUS 42; 0, 255, exit(256) -> 0; SIGKILL and
 * SIGTERM show as WIFSIGNALED. */
#include <sys/resource.h>
#include "guest.h"

static pid_t child_exit(int code)
{
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0)
		exit(code);
	return pid;
}

static void expect_exit(pid_t pid, int code)
{
	int st = -1;
	struct rusage ru;
	pid_t r = wait4(pid, &st, 0, &ru);
	CHECK(r == pid, "wait4 returned %d: %s", (int)r, strerror(errno));
	char b[80];
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == code,
	      "child: %s, expected exit status %d", status_str(st, b, sizeof b),
	      code);
}

static void expect_killed(int sig)
{
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		for (;;)
			sleep_ms(1000);
	}
	sleep_ms(10);
	CHECK_SYS(kill(pid, sig));
	int st = -1;
	pid_t r = wait4(pid, &st, 0, NULL);
	CHECK(r == pid, "wait4 returned %d: %s", (int)r, strerror(errno));
	char b[80];
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sig,
	      "child: %s, expected signal %d", status_str(st, b, sizeof b),
	      sig);
}

int main(void)
{
	expect_exit(child_exit(42), 42);
	expect_exit(child_exit(0), 0);
	expect_exit(child_exit(255), 255);
	expect_exit(child_exit(256), 0);
	/* Status through wait4(-1) and with WNOHANG polling. */
	pid_t pid = child_exit(17);
	int st = 0;
	pid_t r;
	for (int i = 0; (r = wait4(-1, &st, WNOHANG, NULL)) == 0 && i < 5000;
	     i++)
		sleep_ms(1);
	CHECK(r == pid, "wait4(-1, WNOHANG) returned %d", (int)r);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 17, "WNOHANG status wrong");
	expect_killed(SIGKILL);
	expect_killed(SIGTERM);
	return 0;
}
