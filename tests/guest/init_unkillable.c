/* init_unkillable - init (pid 1, here the test runner) takes from other
 * processes only signals it has a handler for: kill(1, SIGKILL), SIGSTOP
 * and SIGTERM (default action) succeed and do nothing. kill(-1) reaches
 * neither init nor the sender. If this breaks, the whole run ends here. */
#include "guest.h"

static void killer(void *arg)
{
	(void)arg;
	if (kill(1, SIGKILL) != 0 || kill(1, SIGTERM) != 0 ||
	    kill(1, SIGSTOP) != 0)
		_exit(2);
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

int main(void)
{
	if (getpid() == 1 || getppid() != 1)
		skip("the runner is not init here");
	expect_ok(killer, NULL, "kill of init");
	sleep_ms(20);
	CHECK(kill(1, 0) == 0, "init is gone: %s", strerror(errno));
	/* kill(-1, sig) skips init and the caller: a child of ours that
	 * ignores nothing dies, we survive (our handler does not run). */
	signal(SIGUSR1, on_usr1);
	pid_t victim = fork();
	CHECK_SYS(victim);
	if (victim == 0) {
		signal(SIGUSR1, SIG_DFL);
		for (;;)
			sleep_ms(1000);
	}
	sleep_ms(20);
	CHECK(kill(-1, SIGUSR1) == 0, "kill(-1) failed: %s", strerror(errno));
	int st = wait_for(victim);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1,
	      "child of ours was not signalled: %#x", st);
	sleep_ms(10);
	CHECK(!got_usr1, "kill(-1) signalled its sender");
	CHECK(kill(1, 0) == 0, "init is gone after kill(-1)");
	return 0;
}
