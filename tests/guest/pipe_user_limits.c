/* pipe_user_limits - /proc/sys/fs/pipe-user-pages-soft and -hard as
 * Linux's, for a user without privilege: once the user's pipes hold more
 * than the soft limit of pages, new pipes get 2 pages and growing one
 * (F_SETPIPE_SZ) is EPERM; past the hard limit no pipe is made (ENFILE).
 * Root is not limited. The settings are restored. */
#define _GNU_SOURCE
#include <sys/wait.h>
#include "guest.h"

#define FS "/proc/sys/fs/"

/* Set a limit (fails the test if refused). */
static void put(const char *name, const char *text)
{
	CHECK(guest_write_text(name, text) == 0, "write %s", name);
}

/* As nobody: 0 when everything was as expected, else a line number. */
static int as_user(void)
{
	int p[8][2];

	if (setuid(65534))
		return __LINE__;
	for (int i = 0; i < 2; i++) /* 16 + 16 pages: at the soft limit */
		if (pipe(p[i]) || fcntl(p[i][1], F_GETPIPE_SZ) != 65536)
			return __LINE__;
	if (pipe(p[2]) || fcntl(p[2][1], F_GETPIPE_SZ) != 8192)
		return __LINE__; /* over it: 2 pages */
	if (fcntl(p[2][1], F_SETPIPE_SZ, 65536) != -1 || errno != EPERM)
		return __LINE__;
	for (int i = 3; i < 7; i++) /* 34 + 2 * 4 = 42 > the hard 40 */
		if (pipe(p[i]))
			return i == 6 && errno == ENFILE ? 0 : __LINE__;
	return __LINE__;
}

int main(void)
{
	int st, p[2];
	pid_t pid;

	put(FS "pipe-user-pages-soft", "32");
	put(FS "pipe-user-pages-hard", "40");
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0)
		_exit(as_user());
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "as nobody: failed at line %d (status %#x)", WEXITSTATUS(st), st);
	for (int i = 0; i < 4; i++) /* root: never limited */
		CHECK(pipe(p) == 0 && fcntl(p[1], F_GETPIPE_SZ) == 65536,
		      "root's pipe %d", i);
	put(FS "pipe-user-pages-soft", "16384");
	put(FS "pipe-user-pages-hard", "0");
	return 0;
}
