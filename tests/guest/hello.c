/* hello - the smallest program, checked: a child prints "hello, world"
 * with buffered stdio into a pipe (its stdout) and exits, which flushes
 * it; the parent reads it back and compares. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	static const char want[] = "hello, world\n";
	char got[64];
	size_t n = 0;
	ssize_t r;
	int fds[2], st;
	pid_t pid;

	if (pipe(fds))
		return perror("pipe"), 1;
	pid = fork();
	if (pid < 0)
		return perror("fork"), 1;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		printf("hello, world\n");
		return 0;
	}
	close(fds[1]);
	while (n < sizeof got &&
	       (r = read(fds[0], got + n, sizeof got - n)) > 0)
		n += (size_t)r;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return printf("child failed (status %#x)\n", st), 1;
	if (n != sizeof want - 1 || memcmp(got, want, n))
		return printf("read back %zu bytes '%.*s', not '%s'\n", n,
			      (int)n, got, want),
		       1;
	fwrite(got, 1, n, stdout);
	return 0;
}
