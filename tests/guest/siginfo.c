/* siginfo - what SA_SIGINFO handlers and rt_sigtimedwait are told:
 * kill (SI_USER, si_pid, si_uid), tgkill (SI_TKILL), sigqueue (SI_QUEUE
 * and its value; another process's SI_USER refused with EPERM), SIGCHLD
 * (CLD_EXITED with the exit code, CLD_KILLED with the signal), faults
 * (SIGSEGV with si_addr and MAPERR/ACCERR, SIGFPE at the divide, SIGILL
 * at ud2); rt_sigtimedwait takes a blocked signal with its siginfo (a
 * default-ignored SIGCHLD too), times out with EAGAIN, and ends with
 * EINTR for another signal with a handler. */
#define _GNU_SOURCE
#include "guest.h"

static volatile siginfo_t last;
static volatile sig_atomic_t hits;

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	memcpy((void *)&last, si, sizeof(*si));
	hits++;
}

static void set_info(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	CHECK_SYS(sigaction(sig, &sa, NULL));
}

static void from_processes(void)
{
	set_info(SIGUSR1);
	hits = 0;
	CHECK_SYS(kill(getpid(), SIGUSR1));
	CHECK(hits == 1 && last.si_signo == SIGUSR1 &&
		  last.si_code == SI_USER && last.si_pid == getpid() &&
		  last.si_uid == getuid(),
	      "kill: signo %d code %d pid %d uid %d", last.si_signo,
	      last.si_code, last.si_pid, last.si_uid);
	CHECK_SYS(syscall(SYS_tgkill, getpid(), getpid(), SIGUSR1));
	CHECK(hits == 2 && last.si_code == SI_TKILL && last.si_pid == getpid(),
	      "tgkill: code %d pid %d", last.si_code, last.si_pid);
	union sigval v = {.sival_int = 42};
	CHECK_SYS(sigqueue(getpid(), SIGUSR1, v));
	CHECK(hits == 3 && last.si_code == SI_QUEUE &&
		  last.si_value.sival_int == 42 && last.si_pid == getpid(),
	      "sigqueue: code %d value %d", last.si_code,
	      last.si_value.sival_int);
	/* Pretending to be kill() to another process is refused. */
	siginfo_t fake;
	memset(&fake, 0, sizeof fake);
	fake.si_code = SI_USER;
	CHECK_ERR(syscall(SYS_rt_sigqueueinfo, getppid(), SIGUSR1, &fake),
		  EPERM);
	signal(SIGUSR1, SIG_DFL);
}

static void from_children(void)
{
	set_info(SIGCHLD);
	hits = 0;
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0)
		_exit(7);
	wait_for(pid);
	CHECK(hits == 1 && last.si_signo == SIGCHLD &&
		  last.si_code == CLD_EXITED && last.si_pid == pid &&
		  last.si_status == 7,
	      "SIGCHLD at exit: code %d pid %d status %d", last.si_code,
	      last.si_pid, last.si_status);
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK_SYS(kill(pid, SIGTERM));
	wait_for(pid);
	CHECK(hits == 2 && last.si_code == CLD_KILLED && last.si_pid == pid &&
		  last.si_status == SIGTERM,
	      "SIGCHLD at a kill: code %d status %d", last.si_code,
	      last.si_status);
	signal(SIGCHLD, SIG_DFL);
}

extern char div_at[], ud_at[];

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* Report through the exit status: signal, code, and whether the
	 * address is the one expected (written by the child in ptr). */
	extern volatile uintptr_t expect_addr;
	_exit(si->si_signo == sig && (uintptr_t)si->si_addr == expect_addr
		  ? 100 + si->si_code
		  : 1);
}

volatile uintptr_t expect_addr;

static void do_fault(void *arg)
{
	int kind = (int)(intptr_t)arg;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	if (kind == 0) {
		volatile int *bad = (volatile int *)expect_addr;
		expect_addr = 0x10;
		bad = (volatile int *)expect_addr;
		*bad = 1;
	} else if (kind == 1) {
		char *ro = mmap(NULL, PAGE, PROT_READ,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		expect_addr = (uintptr_t)ro + 8;
		*(volatile char *)(ro + 8) = 1;
	} else if (kind == 2) {
		expect_addr = (uintptr_t)div_at;
		__asm__ volatile(".globl div_at\ndiv_at: divl %%ecx"
				 :
				 : "a"(1), "d"(0), "c"(0));
	} else {
		expect_addr = (uintptr_t)ud_at;
		__asm__ volatile(".globl ud_at\nud_at: ud2");
	}
	_exit(2);
}

static void faults(void)
{
	static const struct {
		const char *what;
		int code;
	} want[] = {{"SIGSEGV unmapped", SEGV_MAPERR},
		    {"SIGSEGV read-only", SEGV_ACCERR},
		    {"SIGFPE divide", FPE_INTDIV},
		    {"SIGILL ud2", ILL_ILLOPN}};
	for (int k = 0; k < 4; k++) {
		char b[80];
		int st = run_in_child(do_fault, (void *)(intptr_t)k);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 100 + want[k].code,
		      "%s: %s (100 + si_code %d expected; 1: wrong address)",
		      want[k].what, status_str(st, b, sizeof b), want[k].code);
	}
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void on_plain(int sig)
{
	(void)sig;
	hits++;
}

static void timedwait(void)
{
	sigset_t set, old;
	siginfo_t si;
	struct timespec t0, zero = {0, 0}, tenth = {0, 100000000};
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	CHECK_SYS(sigprocmask(SIG_BLOCK, &set, &old));
	/* Nothing pending: at once, or after the timeout, EAGAIN. */
	CHECK_ERR(sigtimedwait(&set, &si, &zero), EAGAIN);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &si, &tenth, 8), EAGAIN);
	CHECK(elapsed_ms(&t0) >= 90, "timed out after %ld ms", elapsed_ms(&t0));
	/* A signal sent while waiting, with the sender's siginfo. */
	pid_t me = getpid(), pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		sleep_ms(50);
		kill(me, SIGUSR2);
		_exit(3);
	}
	int sig = sigwaitinfo(&set, &si);
	CHECK(sig == SIGUSR2 && si.si_pid == pid && si.si_code == SI_USER,
	      "sigwaitinfo gave %d (pid %d code %d)", sig, si.si_pid,
	      si.si_code);
	/* SIGCHLD, ignored by default but blocked, is kept for the wait. */
	sig = sigwaitinfo(&set, &si);
	CHECK(sig == SIGCHLD && si.si_code == CLD_EXITED && si.si_status == 3,
	      "sigwaitinfo gave %d (code %d status %d)", sig, si.si_code,
	      si.si_status);
	wait_for(pid);
	/* Another signal with a handler ends the wait: EINTR. */
	signal(SIGUSR1, on_plain);
	hits = 0;
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		sleep_ms(50);
		kill(me, SIGUSR1);
		sleep_ms(200); /* its SIGCHLD must not end the wait first */
		_exit(0);
	}
	CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &si, NULL, 8), EINTR);
	CHECK(hits == 1, "the handler did not run");
	wait_for(pid);
	CHECK_SYS(sigprocmask(SIG_SETMASK, &old, NULL));
}

int main(void)
{
	from_processes();
	from_children();
	faults();
	timedwait();
	return 0;
}
