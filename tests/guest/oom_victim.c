/* oom_victim - when memory runs out, the biggest process dies, not the
 * small one that happened to fault: a hog fills memory to within a few
 * pages and waits; a small process then touches more pages than are left.
 * The hog must die of SIGKILL, the small one must finish its work. */
#include "guest.h"

#define SMALL_PAGES 96 /* twice what the hog leaves free */

static void hog(int ready_fd)
{
	uint32_t held = 0;
	for (;;) {
		struct vm_stats s = get_stats();
		if (s.free + s.cached <= 48)
			break;
		uint32_t pages = s.free + s.cached - 48;
		if (pages > 256)
			pages = 256;
		char *c = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c == MAP_FAILED)
			break;
		for (uint32_t i = 0; i < pages; i++)
			c[i * PAGE] = 1;
		held += pages;
	}
	if (write(ready_fd, &held, sizeof held) != sizeof held)
		_exit(3);
	for (;;)
		sleep_ms(1000);
}

int main(void)
{
	need_vmkernel();
	int fds[2];
	CHECK_SYS(pipe(fds));
	pid_t h = fork();
	CHECK_SYS(h);
	if (h == 0)
		hog(fds[1]);
	uint32_t held = 0;
	CHECK(read(fds[0], &held, sizeof held) == sizeof held,
	      "hog did not get ready");
	if (held < 4 * SMALL_PAGES) {
		kill(h, SIGKILL);
		wait_for(h);
		skip("the hog found only %u pages to fill", held);
	}
	pid_t small = fork();
	CHECK_SYS(small);
	if (small == 0) {
		char *p = mmap(NULL, SMALL_PAGES * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(4);
		for (int i = 0; i < SMALL_PAGES; i++)
			p[i * PAGE] = (char)i;
		for (int i = 0; i < SMALL_PAGES; i++)
			if (p[i * PAGE] != (char)i)
				_exit(5);
		_exit(0);
	}
	char b[80];
	int st = wait_for(small);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		kill(h, SIGKILL);
		wait_for(h);
		fail("the small process failed: %s",
		     status_str(st, b, sizeof b));
	}
	st = wait_for(h);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "the hog was not the victim: %s", status_str(st, b, sizeof b));
	return 0;
}
