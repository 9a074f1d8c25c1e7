/* fork_many - 200 fork + exit + wait in a row, each child with its own
 * exit status; then no child (zombie or not) remains: wait gives ECHILD. */
#include "guest.h"

#define ROUNDS 200

int main(void)
{
	static char touched[16 * 4096];
	for (int i = 0; i < ROUNDS; i++) {
		touched[(i % 16) * 4096] = (char)i; /* some COW work */
		pid_t pid = fork();
		if (pid == -1)
			fail("fork %d failed: %s", i, strerror(errno));
		if (pid == 0) {
			if (touched[(i % 16) * 4096] != (char)i)
				_exit(255);
			touched[((i + 1) % 16) * 4096] = 1;
			_exit(i % 200);
		}
		int st = 0;
		pid_t r = waitpid(pid, &st, 0);
		if (r != pid)
			fail("round %d: waitpid returned %d: %s", i, (int)r,
			     strerror(errno));
		char b[80];
		if (!WIFEXITED(st) || WEXITSTATUS(st) != i % 200)
			fail("round %d: child %s, expected exit status %d", i,
			     status_str(st, b, sizeof b), i % 200);
	}
	/* Now several at once, reaped with wait(-1). */
	pid_t pids[20];
	for (int i = 0; i < 20; i++) {
		pids[i] = fork();
		CHECK_SYS(pids[i]);
		if (pids[i] == 0)
			_exit(100 + i);
	}
	int seen = 0;
	for (int i = 0; i < 20; i++) {
		int st;
		pid_t r = wait(&st);
		CHECK(r > 0, "wait %d failed: %s", i, strerror(errno));
		int j;
		for (j = 0; j < 20 && pids[j] != r; j++)
			;
		CHECK(j < 20, "wait returned unknown pid %d", (int)r);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 100 + j,
		      "child %d exit status wrong", j);
		CHECK(!(seen & (1 << j)), "pid %d reaped twice", (int)r);
		seen |= 1 << j;
	}
	CHECK_ERR(wait(NULL), ECHILD);
	CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
	return 0;
}
