/* exec_etxtbsy - a running program's file cannot be written (ETXTBSY),
 * as on Linux: while a copy of this test runs from /tmp, opening it for
 * writing, O_TRUNC and truncate fail with ETXTBSY and reading works; a
 * forked child of the runner keeps the file busy after the runner exits;
 * once every image is gone it can be written again; and a file that is
 * open for writing cannot be executed. */
#include <sys/wait.h>
#include "guest.h"

#define PROG "/tmp/etxtbsy_prog"

static const char *self = "/tests/exec_etxtbsy";

/* Copy this program to PROG, executable. */
static void copy_self(void)
{
	char buf[4096];
	int in = open(self, O_RDONLY), out, n;

	CHECK_SYS(in);
	out = open(PROG, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK_SYS(out);
	while ((n = read(in, buf, sizeof buf)) > 0)
		CHECK(write(out, buf, n) == n, "copy");
	close(in);
	close(out);
}

/* Start PROG with arg; it waits for a byte on the pipe fd it gets. */
static pid_t run_prog(const char *arg, int *wr)
{
	int p[2];
	pid_t pid;
	char fd[12];

	CHECK_SYS(pipe(p));
	snprintf(fd, sizeof fd, "%d", p[0]);
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		close(p[1]);
		execl(PROG, PROG, arg, fd, (char *)NULL);
		_exit(errno);
	}
	close(p[0]);
	*wr = p[1];
	return pid;
}

static void expect_busy(const char *when)
{
	CHECK(open(PROG, O_WRONLY) < 0 && errno == ETXTBSY,
	      "%s: open for writing: %s", when, strerror(errno));
	CHECK(open(PROG, O_RDWR | O_TRUNC) < 0 && errno == ETXTBSY,
	      "%s: O_TRUNC: %s", when, strerror(errno));
	CHECK(truncate(PROG, 0) < 0 && errno == ETXTBSY, "%s: truncate: %s",
	      when, strerror(errno));
}

static void finish(pid_t pid, int wr, int want)
{
	int st;

	close(wr);
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == want, "status %#x", st);
}

int main(int argc, char **argv)
{
	int wr, fd;
	pid_t pid;
	char c;

	if (argc == 3 && !strcmp(argv[1], "--wait")) /* the running copy */
		_exit(read(atoi(argv[2]), &c, 1) == 0 ? 0 : 1);
	if (argc == 3 && !strcmp(argv[1], "--fork")) /* exits, child waits */
		_exit(fork() == 0 ? (read(atoi(argv[2]), &c, 1), 0) : 0);
	if (argv[0][0] == '/')
		self = argv[0];
	copy_self();
	pid = run_prog("--wait", &wr);
	usleep(200000); /* let it exec */
	expect_busy("running");
	fd = open(PROG, O_RDONLY);
	CHECK(fd >= 0, "open for reading: %s", strerror(errno));
	close(fd);
	finish(pid, wr, 0);
	pid = run_prog("--fork", &wr);
	CHECK_SYS(waitpid(pid, NULL, 0));
	expect_busy("the runner's child runs on");
	close(wr); /* the child ends */
	for (int i = 0; i < 50 && (fd = open(PROG, O_WRONLY)) < 0; i++)
		usleep(20000);
	CHECK(fd >= 0, "writable when no image is left: %s", strerror(errno));
	close(fd);

	fd = open(PROG, O_WRONLY);
	CHECK_SYS(fd);
	pid = run_prog("--wait", &wr);
	finish(pid, wr, ETXTBSY);
	close(fd);
	unlink(PROG);
	return 0;
}
