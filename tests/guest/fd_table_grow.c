/* fd_table_grow - descriptor tables beyond their first 64 slots, as
 * Linux's: RLIMIT_NOFILE starts at 1024 (hard 4096, the most), dup2 and
 * F_DUPFD reach high descriptors (beyond the limit: EBADF, EINVAL), opens
 * fill the table up to the limit and then fail with EMFILE, a forked
 * child gets every one of them, exec keeps the high descriptors but the
 * close-on-exec ones, and raising the limit to 4096 lets dup2 reach 4095
 * (4096: EBADF) and 600 pipes be open at once. Every descriptor is closed again
 * (no page kept). */
#include <sys/resource.h>
#include <sys/wait.h>
#include "guest.h"

static const char *self = "/tests/fd_table_grow";
static int pipes[600][2];

static void limits_and_dups(int fd)
{
	struct rlimit r;

	CHECK_SYS(getrlimit(RLIMIT_NOFILE, &r));
	CHECK(r.rlim_cur == 1024 && r.rlim_max == 4096, "NOFILE %lu %lu",
	      (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
	CHECK(getdtablesize() == 1024, "getdtablesize %d", getdtablesize());
	CHECK(fcntl(fd, F_DUPFD, 100) == 100, "F_DUPFD 100");
	CHECK(dup2(fd, 1023) == 1023, "dup2 1023");
	CHECK_ERR(dup2(fd, 1024), EBADF);
	CHECK_ERR(fcntl(fd, F_DUPFD, 1024), EINVAL);
	CHECK(fcntl(1023, F_SETFD, FD_CLOEXEC) == 0, "cloexec on 1023");
}

/* Open until EMFILE: every slot below the limit gets used. */
static int fill(int fd)
{
	int n = 0, d;

	while ((d = dup(fd)) >= 0)
		n++;
	CHECK(errno == EMFILE, "dup stopped with %s", strerror(errno));
	return n;
}

int main(int argc, char **argv)
{
	int fd, used, st;
	pid_t pid;
	struct rlimit r = {4096, 4096};

	if (argc == 2) /* after exec: 100 kept, 1023 closed */
		_exit(fcntl(100, F_GETFD) == 0 && fcntl(1023, F_GETFD) < 0 &&
			      errno == EBADF
			  ? 0
			  : 1);
	if (argv[0][0] == '/')
		self = argv[0];
	fd = open("/dev/null", O_RDONLY);
	CHECK_SYS(fd);
	limits_and_dups(fd);
	used = fill(fd);
	CHECK(used > 1000, "only %d more descriptors", used);
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		for (int i = 3; i < 1024; i++)
			if (fcntl(i, F_GETFD) < 0)
				_exit(2);
		for (int i = 200; i < 1023; i++)
			close(i);
		execl(self, self, "exec", (char *)NULL);
		_exit(3);
	}
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	for (int i = 3; i < 1024; i++)
		if (i != fd)
			close(i);
	CHECK_SYS(setrlimit(RLIMIT_NOFILE, &r));
	for (int i = 0; i < 600; i++) /* 600 pipes open at once */
		CHECK(pipe(pipes[i]) == 0, "pipe %d: %s", i, strerror(errno));
	for (int i = 0; i < 600; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
	CHECK(dup2(fd, 4095) == 4095, "dup2 4095");
	CHECK(vm_sanity_check() > 0, "sanity check with a grown table");
	CHECK_ERR(dup2(fd, 4096), EBADF);
	r.rlim_max = r.rlim_cur = 4097;
	CHECK_ERR(setrlimit(RLIMIT_NOFILE, &r), EPERM);
	close(4095);
	close(fd);
	return 0;
}
