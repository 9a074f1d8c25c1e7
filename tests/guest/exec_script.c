/*
 * exec_script - "#!" scripts as Linux's binfmt_script runs them: the
 * interpreter gets [interpreter, optional argument (the rest of the line,
 * trimmed), script path, argv[1]...]; a script may name a script (up to
 * Linux's depth), one naming itself ends in ELOOP, an empty "#!" line is
 * ENOEXEC, a script without x permission EACCES.
 */
#include "guest.h"
#include <fcntl.h>
#include <sys/stat.h>

#define S1 "/tmp/exec_script1.sh"
#define S2 "/tmp/exec_script2.sh"
#define SLOOP "/tmp/exec_script_loop.sh"
#define SEMPTY "/tmp/exec_script_empty.sh"

static const char *self = "/tests/exec_script";

static void cleanup(void)
{
	unlink(S1);
	unlink(S2);
	unlink(SLOOP);
	unlink(SEMPTY);
}

static void put_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, mode);

	CHECK_SYS(fd);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text),
	      "write %s", path);
	CHECK_SYS(close(fd));
	CHECK_SYS(chmod(path, mode));
}

/* Run path with argv {name, "one"}; what the interpreter printed, or the
 * errno of a failed execve as "errno N". */
static void run(const char *path, char *out, size_t size)
{
	int p[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	CHECK_SYS(pipe(p));
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		char *argv[] = {"name", "one", NULL}, *envp[] = {NULL};

		dup2(p[1], 1);
		execve(path, argv, envp);
		dprintf(1, "errno %d", errno);
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], out + got, size - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = '\0';
	close(p[0]);
	CHECK_SYS(waitpid(pid, &status, 0));
}

int main(int argc, char **argv)
{
	char want[512], got[512], line[300];

	if (argc > 1 && !strcmp(argv[1], "--print")) {
		for (int i = 0; i < argc; i++)
			printf("%s%s", i ? "|" : "", argv[i]);
		return 0;
	}
	if (argv[0][0] == '/')
		self = argv[0];
	guest_cleanup = cleanup;
	snprintf(line, sizeof line, "#!%s --print \n", self);
	put_file(S1, line, 0755);
	run(S1, got, sizeof got);
	snprintf(want, sizeof want, "%s|--print|%s|one", self, S1);
	CHECK(!strcmp(got, want), "script argv '%.80s', expected '%.80s'", got,
	      want);

	snprintf(line, sizeof line, "#! %s   --print\t\n", self);
	put_file(S1, line, 0755);
	put_file(S2, "#!" S1 "\n", 0755);
	run(S2, got, sizeof got);
	snprintf(want, sizeof want, "%s|--print|%s|%s|one", self, S1, S2);
	CHECK(!strcmp(got, want),
	      "nested script argv '%.80s', expected '%.80s'", got, want);

	put_file(SLOOP, "#!" SLOOP "\n", 0755);
	run(SLOOP, got, sizeof got);
	snprintf(want, sizeof want, "errno %d", ELOOP);
	CHECK(!strcmp(got, want), "self-naming script: '%.80s'", got);

	put_file(SEMPTY, "#!   \n", 0755);
	run(SEMPTY, got, sizeof got);
	snprintf(want, sizeof want, "errno %d", ENOEXEC);
	CHECK(!strcmp(got, want), "empty #! line: '%.80s'", got);

	CHECK_SYS(chmod(S1, 0644));
	run(S1, got, sizeof got);
	snprintf(want, sizeof want, "errno %d", EACCES);
	CHECK(!strcmp(got, want), "script without x: '%.80s'", got);
	cleanup();
	return 0;
}
