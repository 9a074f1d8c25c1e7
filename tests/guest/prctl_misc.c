/* prctl_misc - prctl's name (15 bytes kept), parent-death signal (sent
 * when the parent exits; not inherited by fork), dumpable flag;
 * personality (query gives PER_LINUX, a set returns the old one);
 * syslog: the log's size, READ_ALL returns the boot messages, clearing
 * only for root. */
#define _GNU_SOURCE
#include <sys/klog.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include "guest.h"

static void name(void)
{
	char buf[32];
	CHECK_SYS(prctl(PR_SET_NAME, "abcdefghijklmnopqrstuvwxyz"));
	memset(buf, 'X', sizeof buf);
	CHECK_SYS(prctl(PR_GET_NAME, buf));
	CHECK(!strcmp(buf, "abcdefghijklmno"), "name '%.20s'", buf);
	CHECK_ERR(prctl(PR_SET_NAME, (char *)8), EFAULT);
	CHECK_ERR(prctl(12345, 0), EINVAL);
}

static void dumpable(void)
{
	CHECK(prctl(PR_GET_DUMPABLE) == 1, "dumpable at start");
	CHECK_SYS(prctl(PR_SET_DUMPABLE, 0));
	CHECK(prctl(PR_GET_DUMPABLE) == 0, "dumpable after set 0");
	CHECK_ERR(prctl(PR_SET_DUMPABLE, 2), EINVAL);
	CHECK_SYS(prctl(PR_SET_DUMPABLE, 1));
}

static int pipefd[2];

static void on_death(int sig)
{
	(void)sig;
	if (write(pipefd[1], "x", 1) != 1)
		_exit(2);
	_exit(0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A grandchild asks for SIGUSR1 at its parent's death, which it tells
 * us through the pipe. */
static void pdeathsig(void)
{
	CHECK_SYS(pipe(pipefd));
	pid_t mid = fork();
	CHECK_SYS(mid);
	if (mid == 0) {
		pid_t g = fork();
		if (g == 0) {
			int sig = -1;
			signal(SIGUSR1, on_death);
			prctl(PR_SET_PDEATHSIG, SIGUSR1);
			prctl(PR_GET_PDEATHSIG, &sig);
			pid_t gg = fork();
			if (gg == 0) { /* not inherited */
				int s2 = -1;
				prctl(PR_GET_PDEATHSIG, &s2);
				_exit(s2 == 0 ? 0 : 1);
			}
			int st = 1;
			waitpid(gg, &st, 0);
			if (st != 0)
				sig = -2;
			if (write(pipefd[1], sig == SIGUSR1 ? "r" : "?", 1) !=
			    1)
				_exit(3);
			for (;;)
				pause();
		}
		char c;
		if (read(pipefd[0], &c, 1) != 1 || c != 'r')
			_exit(1);
		_exit(0); /* the grandchild's parent dies */
	}
	int st = wait_for(mid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "PR_GET_PDEATHSIG did not give SIGUSR1, or fork kept it");
	char c = 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART: the read ends */
	sigaction(SIGALRM, &sa, NULL);
	alarm(5);
	CHECK(read(pipefd[0], &c, 1) == 1 && c == 'x',
	      "no parent-death signal (%c)", c);
	alarm(0);
	CHECK_ERR(prctl(PR_SET_PDEATHSIG, 65), EINVAL);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void persona(void)
{
	CHECK(personality(0xffffffff) == PER_LINUX, "personality query");
	CHECK(personality(PER_LINUX32) == PER_LINUX, "old personality");
	CHECK(personality(0xffffffff) == PER_LINUX32, "personality not kept");
	CHECK(personality(PER_LINUX) == PER_LINUX32, "old personality");
}

static void syslog_read(void *arg)
{
	(void)arg;
	int size = klogctl(10, NULL, 0);
	CHECK(size >= 4096, "SIZE_BUFFER %d", size);
	char *buf = malloc((size_t)size + 1);
	int n = klogctl(3, buf, size);
	CHECK(n > 0 && n <= size, "READ_ALL gave %d", n);
	buf[n] = 0;
	CHECK(strstr(buf, "Boot complete.") || n == size,
	      "the boot messages are not in the log");
	CHECK(klogctl(3, buf, 5) == 5, "READ_ALL of 5 bytes");
	CHECK_ERR(klogctl(3, NULL, 5), EINVAL);
	CHECK_ERR(klogctl(99, NULL, 0), EINVAL);
	CHECK_SYS(setuid(1000));
	CHECK(klogctl(3, buf, size) > 0, "READ_ALL unprivileged");
	CHECK_ERR(klogctl(5, NULL, 0), EPERM);
	free(buf);
}

int main(void)
{
	name();
	dumpable();
	pdeathsig();
	persona();
	expect_ok(syslog_read, NULL, "syslog");
	return 0;
}
