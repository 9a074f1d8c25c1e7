/* madvise_calls - madvise as Linux: MADV_DONTNEED makes private pages
 * read as zero (anonymous) or as the file again (a private file mapping)
 * but leaves shared memory's data; MADV_FREE on anonymous memory;
 * MADV_REMOVE punches shared anonymous memory to zeros; MADV_DONTFORK
 * keeps a range out of a fork child, MADV_WIPEONFORK gives the child
 * zeros; the hints are accepted; and the errors (EINVAL for an unaligned
 * start, unknown advice or locked memory, ENOMEM for a hole). */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "guest.h"

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#endif

static char *dontfork;

static void touch_dontfork(void *arg)
{
	(void)arg;
	volatile char c = *dontfork;
	(void)c;
}

static const char *tmpfile_path = "/dev/shm/madvise_calls.dat";

static void cleanup(void)
{
	unlink(tmpfile_path);
}

/* A private mapping of a 2-page file of 'f's: a write, DONTNEED, and the
 * page reads as the file again. */
static void private_file(void)
{
	char buf[2 * PAGE];
	int fd = open(tmpfile_path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	CHECK_SYS(fd);
	guest_cleanup = cleanup;
	memset(buf, 'f', sizeof buf);
	CHECK(write(fd, buf, sizeof buf) == (ssize_t)sizeof buf, "write");
	char *p =
	    mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED, "mmap of the file: %s", strerror(errno));
	p[10] = 'x';
	p[PAGE + 10] = 'y';
	CHECK_SYS(madvise(p, PAGE, MADV_DONTNEED));
	CHECK(p[10] == 'f', "private file page after DONTNEED: %c", p[10]);
	CHECK(p[PAGE + 10] == 'y', "the page after the range was dropped");
	CHECK_ERR(madvise(p, PAGE, MADV_FREE), EINVAL);
	CHECK_ERR(madvise(p, PAGE, MADV_WIPEONFORK), EINVAL);
	CHECK_SYS(munmap(p, 2 * PAGE));
	close(fd);
	cleanup();
}

int main(void)
{
	char *a = map_anon(4 * PAGE);
	memset(a, 7, 4 * PAGE);
	CHECK_SYS(madvise(a + PAGE, 2 * PAGE, MADV_DONTNEED));
	CHECK(a[0] == 7 && a[3 * PAGE] == 7, "pages outside the range lost");
	for (size_t i = PAGE; i < 3 * PAGE; i++)
		CHECK(a[i] == 0, "anonymous page after DONTNEED: byte %zu", i);
	memset(a, 8, 4 * PAGE);
	CHECK_SYS(madvise(a, 4 * PAGE, MADV_FREE));
	a[0] = 1; /* still usable */

	char *sh = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED, "shared mmap");
	memset(sh, 9, 2 * PAGE);
	CHECK_SYS(madvise(sh, 2 * PAGE, MADV_DONTNEED));
	CHECK(sh[5] == 9 && sh[PAGE + 5] == 9, "shared data lost by DONTNEED");
	CHECK_SYS(madvise(sh, PAGE, MADV_REMOVE));
	CHECK(sh[5] == 0 && sh[PAGE + 5] == 9, "REMOVE: %d %d", sh[5],
	      sh[PAGE + 5]);
	CHECK_ERR(madvise(a, PAGE, MADV_REMOVE), EINVAL);

	private_file();

	/* Fork behaviour. */
	dontfork = map_anon(PAGE);
	*dontfork = 1;
	CHECK_SYS(madvise(dontfork, PAGE, MADV_DONTFORK));
	expect_signal(touch_dontfork, NULL, SIGSEGV, "DONTFORK in a child");
	CHECK_SYS(madvise(dontfork, PAGE, MADV_DOFORK));
	expect_ok(touch_dontfork, NULL, "DOFORK in a child");
	char *w = map_anon(PAGE);
	*w = 5;
	CHECK_SYS(madvise(w, PAGE, MADV_WIPEONFORK));
	pid_t pid = fork();
	if (pid == 0)
		_exit(*w == 0 ? 0 : 3);
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "WIPEONFORK child did not read zero");
	CHECK(*w == 5, "WIPEONFORK changed the parent");
	CHECK_SYS(madvise(w, PAGE, MADV_KEEPONFORK));
	CHECK_ERR(madvise(sh, PAGE, MADV_WIPEONFORK), EINVAL);

	/* Hints, and errors. */
	int hints[] = {MADV_NORMAL,   MADV_RANDOM,   MADV_SEQUENTIAL,
		       MADV_WILLNEED, MADV_DONTDUMP, MADV_DODUMP};
	for (unsigned i = 0; i < sizeof hints / sizeof hints[0]; i++)
		CHECK(madvise(a, 4 * PAGE, hints[i]) == 0, "hint %d: %s",
		      hints[i], strerror(errno));
	CHECK_ERR(madvise(a + 1, PAGE, MADV_NORMAL), EINVAL);
	CHECK_ERR(madvise(a, PAGE, 1212), EINVAL);
	CHECK(madvise(a, 0, MADV_DONTNEED) == 0, "zero length");
	CHECK_SYS(munmap(a + PAGE, PAGE));
	CHECK_ERR(madvise(a, 4 * PAGE, MADV_NORMAL), ENOMEM);
	a[2 * PAGE] = 4;
	CHECK_ERR(madvise(a, 4 * PAGE, MADV_DONTNEED), ENOMEM);
	CHECK(a[2 * PAGE] == 0, "DONTNEED skipped the part after the hole");
	CHECK_SYS(mlock(a, PAGE));
	CHECK_ERR(madvise(a, PAGE, MADV_DONTNEED), EINVAL);
	return 0;
}
