/* signals_posix - signal semantics programs rely on: SIGCHLD at a child's
 * exit; SA_RESTART restarts read and waitpid after a handler (signal()
 * sets it, as LTP's harness relies on), without it they fail with EINTR;
 * an ignored signal interrupts nothing; alarm/setitimer with pause;
 * rt_sigsuspend with its mask restored after; sigpending; a handler on
 * the alternate stack. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <sys/time.h>
#include "guest.h"

static volatile sig_atomic_t got;
static volatile uintptr_t handler_sp;

static void on_sig(int sig)
{
	int here;
	got = sig;
	handler_sp = (uintptr_t)&here;
}

static void set_handler(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	sa.sa_flags = flags;
	CHECK_SYS(sigaction(sig, &sa, NULL));
}

/* A child that sends sig to us after ms, then writes a byte to fd. */
static pid_t poke(int sig, long ms, int fd)
{
	pid_t me = getpid(), pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		sleep_ms(ms);
		if (sig)
			kill(me, sig);
		if (fd >= 0) {
			sleep_ms(ms);
			if (write(fd, "x", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	return pid;
}

static void sigchld(void)
{
	got = 0;
	set_handler(SIGCHLD, SA_RESTART);
	pid_t pid = poke(0, 0, -1);
	wait_for(pid);
	CHECK(got == SIGCHLD, "no SIGCHLD at a child's exit");
	signal(SIGCHLD, SIG_DFL);
}

static void restart(int flags, bool expect_restart)
{
	int fds[2];
	char c;
	CHECK_SYS(pipe(fds));
	got = 0;
	set_handler(SIGUSR1, flags);
	pid_t pid = poke(SIGUSR1, 30, fds[1]);
	errno = 0;
	ssize_t n = read(fds[0], &c, 1);
	int e = errno;
	CHECK(got == SIGUSR1, "handler did not run");
	if (expect_restart)
		CHECK(n == 1, "read not restarted after SA_RESTART: %zd %s", n,
		      strerror(e));
	else
		CHECK(n == -1 && e == EINTR, "read gave %zd (%s), not EINTR", n,
		      strerror(e));
	wait_for(pid);
	close(fds[0]);
	close(fds[1]);
}

/* signal() installs SA_RESTART: waitpid must come back with the child. */
static void waitpid_restarts(void)
{
	signal(SIGUSR1, on_sig);
	got = 0;
	pid_t me = getpid(), pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		sleep_ms(30);
		kill(me, SIGUSR1);
		sleep_ms(30);
		_exit(5);
	}
	int st;
	pid_t r = waitpid(pid, &st, 0);
	CHECK(r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 5,
	      "waitpid after a handler gave %d (%s)", (int)r, strerror(errno));
	CHECK(got == SIGUSR1, "handler did not run during waitpid");
}

/* SIGCHLD is ignored by default: a child's exit interrupts nothing. */
static void ignored_interrupts_nothing(void)
{
	int fds[2];
	char c;
	CHECK_SYS(pipe(fds));
	pid_t quick = poke(0, 0, -1);
	pid_t writer = poke(0, 40, fds[1]);
	ssize_t n = read(fds[0], &c, 1);
	CHECK(n == 1, "read interrupted by an ignored signal: %zd (%s)", n,
	      strerror(errno));
	wait_for(quick);
	wait_for(writer);
	close(fds[0]);
	close(fds[1]);
}

static void timers(void)
{
	set_handler(SIGALRM, 0);
	got = 0;
	struct itimerval it = {{0, 0}, {0, 50000}};
	CHECK_SYS(setitimer(ITIMER_REAL, &it, NULL));
	CHECK(pause() == -1 && errno == EINTR, "pause did not end in EINTR");
	CHECK(got == SIGALRM, "no SIGALRM from setitimer");
	CHECK(alarm(10) == 0, "no alarm was pending");
	unsigned left = alarm(0);
	CHECK(left >= 9 && left <= 10, "alarm left %u", left);
}

static void suspend_and_pending(void)
{
	sigset_t block, empty, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	CHECK_SYS(sigprocmask(SIG_BLOCK, &block, NULL));
	set_handler(SIGUSR1, 0);
	got = 0;
	pid_t pid = poke(SIGUSR1, 20, -1);
	sigemptyset(&empty);
	CHECK(sigsuspend(&empty) == -1 && errno == EINTR,
	      "sigsuspend did not end in EINTR");
	CHECK(got == SIGUSR1, "handler did not run in sigsuspend");
	CHECK_SYS(sigprocmask(SIG_BLOCK, NULL, &now));
	CHECK(sigismember(&now, SIGUSR1), "sigsuspend did not restore mask");
	wait_for(pid);
	raise(SIGUSR2);
	sigset_t pend;
	CHECK_SYS(sigpending(&pend));
	CHECK(sigismember(&pend, SIGUSR2), "SIGUSR2 not pending");
	signal(SIGUSR2, SIG_IGN);
	CHECK_SYS(sigprocmask(SIG_UNBLOCK, &block, NULL));
	signal(SIGUSR2, SIG_DFL);
}

static void altstack(void)
{
	static char stack[16384];
	stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack, .ss_flags = 0};
	CHECK_SYS(sigaltstack(&ss, NULL));
	set_handler(SIGUSR2, SA_ONSTACK);
	handler_sp = 0;
	raise(SIGUSR2);
	CHECK(handler_sp >= (uintptr_t)stack &&
		  handler_sp < (uintptr_t)stack + sizeof stack,
	      "handler ran at %#lx, not on the alternate stack",
	      (unsigned long)handler_sp);
	stack_t old;
	CHECK_SYS(sigaltstack(NULL, &old));
	CHECK(old.ss_sp == stack && old.ss_size == sizeof stack,
	      "sigaltstack did not report the stack");
}

int main(void)
{
	sigchld();
	restart(SA_RESTART, true);
	restart(0, false);
	waitpid_restarts();
	ignored_interrupts_nothing();
	timers();
	suspend_and_pending();
	altstack();
	return 0;
}
