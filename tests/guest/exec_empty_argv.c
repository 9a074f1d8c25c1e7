/* exec_empty_argv - execve with an empty argv gives the new program argc
 * 1 and an empty argv[0] (Linux since 5.18), so argv[1] is NULL and envp
 * follows untouched: the child sees exactly that and exits 42. */
#include <sys/wait.h>
#include "guest.h"

static const char *self = "/tests/exec_empty_argv";

int main(int argc, char **argv, char **envp)
{
	char *const no_args[] = {NULL};
	char *const env[] = {"EMPTY_ARGV=1", NULL};
	int status;
	pid_t pid;

	if (argc == 1 && argv[0][0] == '\0')
		_exit(argv[1] == NULL && envp[0] && !strcmp(envp[0], env[0]) &&
			      envp[1] == NULL
			  ? 42
			  : 1);
	if (argv[0][0] == '/')
		self = argv[0];
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		execve(self, no_args, env);
		_exit(2);
	}
	CHECK_SYS(waitpid(pid, &status, 0));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42,
	      "child of an empty argv: status %#x", status);
	return 0;
}
