/* exec_missing - execve of a missing file returns -1 ENOENT and the
 * caller continues; so do a directory (EACCES), an empty path (ENOENT)
 * and a file that is not a program (ENOEXEC; EACCES without the x bit). */
#include <fcntl.h>
#include <sys/stat.h>
#include "guest.h"

static void remove_junk(void)
{
	unlink("/tmp/exec_missing.junk");
}

int main(void)
{
	guest_cleanup = remove_junk;
	char *argv[] = {"/no/such", NULL};
	char *envp[] = {"A=B", NULL};
	CHECK_ERR(execve("/no/such", argv, envp), ENOENT);
	CHECK_ERR(execve("/no/such/deeper", argv, envp), ENOENT);
	CHECK_ERR(execve("", argv, envp), ENOENT);
	CHECK_ERR(execve("/", argv, envp), EACCES);
	const char *junk = "/tmp/exec_missing.junk";
	static const char text[] = "this is not an ELF file\n";
	int fd = open(junk, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK_SYS(fd);
	CHECK(write(fd, text, sizeof text - 1) == sizeof text - 1,
	      "write junk failed");
	CHECK_SYS(close(fd));
	CHECK_SYS(chmod(junk, 0755));
	CHECK_ERR(execve(junk, argv, envp), ENOEXEC);
	CHECK_SYS(chmod(junk, 0644));
	CHECK_ERR(execve(junk, argv, envp), EACCES);
	CHECK_SYS(unlink(junk));
	/* Still alive and well: fork and wait still work. */
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0)
		_exit(7);
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "child after failed execs");
	return 0;
}
