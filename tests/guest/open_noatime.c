/* open_noatime - O_NOATIME is for the file's owner and root only: a
 * user opening someone else's readable file with it gets EPERM (without
 * it the open works), its own file opens. */
#define _GNU_SOURCE
#include "guest.h"

#define FILE_NAME "/tmp/open_noatime"
#define NOBODY 65534

static void cleanup(void)
{
	unlink(FILE_NAME);
	unlink(FILE_NAME ".own");
}

int main(void)
{
	pid_t pid;
	int st, fd;

	if (geteuid() != 0)
		skip("needs root");
	guest_cleanup = cleanup;
	fd = open(FILE_NAME, O_CREAT | O_WRONLY, 0644);
	CHECK_SYS(fd);
	close(fd);
	fd = open(FILE_NAME, O_RDONLY | O_NOATIME);
	CHECK(fd >= 0, "root's O_NOATIME open: %s", strerror(errno));
	close(fd);
	fd = open(FILE_NAME ".own", O_CREAT | O_WRONLY, 0644);
	CHECK_SYS(fd);
	close(fd);
	CHECK_SYS(chown(FILE_NAME ".own", NOBODY, NOBODY));
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		if (setuid(NOBODY))
			_exit(10);
		if (open(FILE_NAME, O_RDONLY | O_NOATIME) != -1 ||
		    errno != EPERM)
			_exit(11);
		if (open(FILE_NAME, O_RDONLY) < 0)
			_exit(12);
		if (open(FILE_NAME ".own", O_RDONLY | O_NOATIME) < 0)
			_exit(13);
		_exit(0);
	}
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	cleanup();
	return 0;
}
