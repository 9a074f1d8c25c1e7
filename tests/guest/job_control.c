/* job_control - stop and continue: SIGSTOP and a default SIGTSTP stop a
 * child (it makes no progress), wait4 reports the stop with WUNTRACED
 * (0x7f | sig << 8) and the continue with WCONTINUED (0xffff), each once;
 * the parent gets SIGCHLD for both (CLD_STOPPED, CLD_CONTINUED), none
 * with SA_NOCLDSTOP; a call the child sleeps in (read, nanosleep) is not
 * interrupted by the stop; SIGTSTP with a handler or ignored does not stop;
 * SIGCONT discards pending stop signals and a stop signal a pending SIGCONT;
 * SIGKILL ends a stopped child; waitid tells the same (WNOWAIT leaves
 * the report for the next wait); a group orphaned with a stopped member
 * gets SIGHUP and SIGCONT, and an orphaned group ignores SIGTSTP. The
 * stopped children are each in a group of their own (whose parent, this
 * test, is in another group of the session), so that the group is not
 * orphaned. */
#define _GNU_SOURCE
#include "guest.h"

static volatile sig_atomic_t chld_code, chld_status, chld_count;
static volatile unsigned *counter; /* shared with the children */

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_count++;
}

static void on_usr(int sig)
{
	(void)sig;
}

static void set_chld(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | flags;
	CHECK_SYS(sigaction(SIGCHLD, &sa, NULL));
}

/* A child in its own group counting in *counter for ever. */
static pid_t spinner(void)
{
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		setpgid(0, 0);
		for (;;)
			(*counter)++;
	}
	setpgid(pid, pid);
	return pid;
}

/* Does the counter move within 100 ms? */
static int moving(void)
{
	unsigned before = *counter;
	sleep_ms(100);
	return *counter != before;
}

static int wait_opts(pid_t pid, int opts)
{
	int st = 0;
	pid_t r;
	do
		r = waitpid(pid, &st, opts);
	while (r == -1 && errno == EINTR);
	CHECK(r == pid, "waitpid(%d, %#x) gave %d (%s)", (int)pid, opts, (int)r,
	      strerror(errno));
	return st;
}

static void stop_and_continue(int stopsig)
{
	int st;
	chld_count = 0;
	pid_t pid = spinner();
	CHECK(moving(), "the child does not run");
	CHECK_SYS(kill(pid, stopsig));
	st = wait_opts(pid, WUNTRACED);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == stopsig &&
		  st == (0x7f | stopsig << 8),
	      "stop by %d reported as %#x", stopsig, st);
	CHECK(!moving(), "a stopped child still runs (signal %d)", stopsig);
	CHECK(waitpid(pid, &st, WUNTRACED | WNOHANG) == 0,
	      "the stop was reported twice");
	CHECK(chld_count == 1 && chld_code == CLD_STOPPED &&
		  chld_status == stopsig,
	      "SIGCHLD for the stop: %d, code %d status %d", chld_count,
	      chld_code, chld_status);
	CHECK_SYS(kill(pid, SIGCONT));
	st = wait_opts(pid, WCONTINUED);
	CHECK(WIFCONTINUED(st) && st == 0xffff, "continue reported as %#x", st);
	CHECK(waitpid(pid, &st, WCONTINUED | WNOHANG) == 0,
	      "the continue was reported twice");
	CHECK(chld_count == 2 && chld_code == CLD_CONTINUED &&
		  chld_status == SIGCONT,
	      "SIGCHLD for the continue: %d, code %d", chld_count, chld_code);
	CHECK(moving(), "the continued child does not run");
	CHECK_SYS(kill(pid, SIGKILL));
	st = wait_opts(pid, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
}

/* SA_NOCLDSTOP: no SIGCHLD for the stop, wait4 still reports it; SIGKILL
 * ends the stopped child. */
static void nocldstop_and_kill(void)
{
	set_chld(SA_NOCLDSTOP);
	chld_count = 0;
	pid_t pid = spinner();
	CHECK_SYS(kill(pid, SIGSTOP));
	int st = wait_opts(pid, WUNTRACED);
	CHECK(WIFSTOPPED(st), "status %#x", st);
	CHECK(chld_count == 0, "SIGCHLD at a stop despite SA_NOCLDSTOP");
	CHECK_SYS(kill(pid, SIGKILL));
	st = wait_opts(pid, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "stopped child after SIGKILL: %#x", st);
	CHECK(chld_count == 1 && chld_code == CLD_KILLED &&
		  chld_status == SIGKILL,
	      "SIGCHLD at the kill: code %d status %d", chld_code, chld_status);
	set_chld(0);
}

/* A child asleep in read is stopped, then continued: the read goes on
 * and gets its byte (no EINTR). */
static void stop_during_read(void)
{
	int fds[2];
	CHECK_SYS(pipe(fds));
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		char c;
		setpgid(0, 0);
		ssize_t n = read(fds[0], &c, 1);
		_exit(n == 1 && c == 'x' ? 0 : 10 + errno);
	}
	setpgid(pid, pid);
	sleep_ms(50);
	CHECK_SYS(kill(pid, SIGTSTP));
	int st = wait_opts(pid, WUNTRACED);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "status %#x", st);
	CHECK(write(fds[1], "x", 1) == 1, "write");
	sleep_ms(50);
	CHECK(waitpid(pid, &st, WNOHANG) == 0, "a stopped child read and ran");
	CHECK_SYS(kill(pid, SIGCONT));
	st = wait_opts(pid, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "read after stop/continue: exit %d", WEXITSTATUS(st));
	close(fds[0]);
	close(fds[1]);
}

/* A stop and continue do not interrupt a nanosleep (which would return
 * EINTR, not restart). */
static void stop_during_sleep(void)
{
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		struct timespec ts = {0, 300000000};
		setpgid(0, 0);
		_exit(syscall(SYS_nanosleep, &ts, NULL) == 0 ? 0 : 10 + errno);
	}
	setpgid(pid, pid);
	sleep_ms(50);
	CHECK_SYS(kill(pid, SIGSTOP));
	int st = wait_opts(pid, WUNTRACED);
	CHECK(WIFSTOPPED(st), "status %#x", st);
	CHECK_SYS(kill(pid, SIGCONT));
	st = wait_opts(pid, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "nanosleep after stop/continue: exit %d", WEXITSTATUS(st));
}

/* SIGTSTP handled or ignored does not stop. */
static void tstp_not_default(void)
{
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGTSTP, on_usr);
		raise(SIGTSTP);
		signal(SIGTSTP, SIG_IGN);
		raise(SIGTSTP);
		_exit(0);
	}
	setpgid(pid, pid);
	int st = wait_opts(pid, WUNTRACED);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "handled/ignored SIGTSTP: status %#x", st);
}

static int pending(int sig)
{
	sigset_t s;
	CHECK_SYS(sigpending(&s));
	return sigismember(&s, sig);
}

/* SIGCONT discards pending stops, a stop discards a pending SIGCONT. */
static void discards(void)
{
	sigset_t b, old;
	sigemptyset(&b);
	sigaddset(&b, SIGCONT);
	sigaddset(&b, SIGTSTP);
	sigaddset(&b, SIGTTIN);
	signal(SIGCONT, on_usr);
	CHECK_SYS(sigprocmask(SIG_BLOCK, &b, &old));
	raise(SIGCONT);
	CHECK(pending(SIGCONT), "blocked SIGCONT not pending");
	raise(SIGTSTP);
	CHECK(pending(SIGTSTP) && !pending(SIGCONT),
	      "SIGTSTP did not discard the pending SIGCONT");
	raise(SIGTTIN);
	raise(SIGCONT);
	CHECK(pending(SIGCONT) && !pending(SIGTSTP) && !pending(SIGTTIN),
	      "SIGCONT did not discard the pending stop signals");
	signal(SIGCONT, SIG_DFL);
	CHECK_SYS(sigprocmask(SIG_SETMASK, &old, NULL));
}

/* waitid tells the same events as siginfo, WNOWAIT leaves them. */
static void waitid_reports(void)
{
	siginfo_t si;
	pid_t pid = spinner();
	CHECK_SYS(kill(pid, SIGSTOP));
	for (int i = 0; i < 2; i++) {
		memset(&si, 0, sizeof si);
		CHECK_SYS(waitid(P_PID, (id_t)pid, &si,
				 WSTOPPED | (i == 0 ? WNOWAIT : WNOHANG)));
		CHECK(si.si_signo == SIGCHLD && si.si_code == CLD_STOPPED &&
			  si.si_pid == pid && si.si_status == SIGSTOP,
		      "waitid stop %d: signo %d code %d pid %d status %d", i,
		      si.si_signo, si.si_code, si.si_pid, si.si_status);
	}
	memset(&si, 0xff, sizeof si);
	CHECK_SYS(waitid(P_PID, (id_t)pid, &si, WSTOPPED | WNOHANG));
	CHECK(si.si_pid == 0 && si.si_signo == 0, "waitid told a stop twice");
	CHECK_SYS(kill(pid, SIGCONT));
	CHECK_SYS(waitid(P_ALL, 0, &si, WCONTINUED));
	CHECK(si.si_code == CLD_CONTINUED && si.si_pid == pid &&
		  si.si_status == SIGCONT,
	      "waitid continue: code %d status %d", si.si_code, si.si_status);
	CHECK_SYS(kill(pid, SIGKILL));
	CHECK_SYS(waitid(P_PGID, (id_t)pid, &si, WEXITED | WNOWAIT));
	CHECK(si.si_code == CLD_KILLED && si.si_status == SIGKILL,
	      "waitid kill: code %d status %d", si.si_code, si.si_status);
	CHECK_SYS(waitid(P_PID, (id_t)pid, &si, WEXITED));
	CHECK(si.si_pid == pid, "waitid did not find the zombie again");
	CHECK_ERR(waitpid(pid, NULL, WNOHANG), ECHILD);
	CHECK_ERR(waitid(P_PID, (id_t)pid, &si, 0), EINVAL);
	CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
}

static int hup_pipe[2];

static void on_hup(int sig)
{
	(void)sig;
	if (write(hup_pipe[1], "h", 1) != 1)
		_exit(2);
	_exit(0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A child in a group of its own forks a grandchild that stops; the
 * child's exit orphans the group, which has a stopped member: SIGHUP
 * and SIGCONT for it (Linux). In an orphaned group SIGTSTP is dropped. */
static void orphaned_group(void)
{
	CHECK_SYS(pipe(hup_pipe));
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		setpgid(0, 0);
		pid_t g = fork();
		if (g == 0) {
			signal(SIGHUP, on_hup);
			raise(SIGSTOP);
			_exit(3); /* continued without SIGHUP */
		}
		int st;
		if (waitpid(g, &st, WUNTRACED) != g || !WIFSTOPPED(st))
			_exit(1);
		_exit(0);
	}
	setpgid(pid, pid);
	int st = wait_opts(pid, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the grandchild did not stop");
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(5);
	char c = 0;
	ssize_t n = read(hup_pipe[0], &c, 1);
	alarm(0);
	CHECK(n == 1 && c == 'h',
	      "no SIGHUP for the stopped member of an orphaned group");
	close(hup_pipe[0]);
	close(hup_pipe[1]);
	/* A lone process in its own group, whose parent is init (which
	 * does not count), is orphaned: SIGTSTP is dropped. */
	CHECK_SYS(pipe(hup_pipe));
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		setpgid(0, 0);
		if (fork() == 0) {
			while (getppid() != 1) /* its parent gone: orphaned */
				sleep_ms(10);
			raise(SIGTSTP);
			if (write(hup_pipe[1], "t", 1) != 1)
				_exit(2);
			_exit(0);
		}
		_exit(0);
	}
	wait_opts(pid, 0);
	alarm(5);
	n = read(hup_pipe[0], &c, 1);
	alarm(0);
	CHECK(n == 1 && c == 't', "SIGTSTP stopped an orphaned group");
	close(hup_pipe[0]);
	close(hup_pipe[1]);
}

int main(void)
{
	counter = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(counter != MAP_FAILED, "mmap shared: %s", strerror(errno));
	set_chld(0);
	stop_and_continue(SIGSTOP);
	stop_and_continue(SIGTSTP);
	stop_and_continue(SIGTTIN);
	stop_and_continue(SIGTTOU);
	nocldstop_and_kill();
	stop_during_read();
	stop_during_sleep();
	tstp_not_default();
	discards();
	orphaned_group();
	waitid_reports();
	return 0;
}
