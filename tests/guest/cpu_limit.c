/* cpu_limit - RLIMIT_CPU as Linux's: a process spinning past its soft
 * limit (1 s) gets SIGXCPU, and its soft limit goes up a second, and at
 * the hard limit (2 s) it is killed with SIGKILL. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "guest.h"

static volatile int *seen; /* shared with the child: SIGXCPU count, soft */

static void on_xcpu(int sig)
{
	struct rlimit r;

	(void)sig;
	getrlimit(RLIMIT_CPU, &r);
	seen[0]++;
	seen[1] = (int)r.rlim_cur;
}

int main(void)
{
	struct rlimit r = {1, 2};
	int st;
	pid_t pid;

	seen = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(seen != MAP_FAILED, "mmap");
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		signal(SIGXCPU, on_xcpu);
		if (setrlimit(RLIMIT_CPU, &r))
			_exit(1);
		alarm(30); /* SIGALRM if the limit never bites */
		for (;;)
			;
	}
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "child status %#x (expected SIGKILL)", st);
	CHECK(seen[0] == 1 && seen[1] == 2,
	      "SIGXCPU %d times, soft limit then %d", seen[0], seen[1]);
	return 0;
}
