/* mmap_file_shared - a MAP_SHARED mapping of a /dev/shm (tmpfs) file is
 * the file's data itself: write() is seen through the mapping and stores
 * through it are seen by read(), in a fork child too, and after close and
 * unlink; access past the file's end is SIGBUS, also after a truncate,
 * and a SIGBUS handler catches it (BUS_ADRERR, si_addr the address). */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include "guest.h"

#define PATH "/dev/shm/mmap_file_shared"

static char *m;

static void cleanup(void)
{
	unlink(PATH);
}

static void touch_page(void *arg)
{
	volatile char *p = arg;
	(void)*p;
}

/* read() and the mapping agree on every byte of [off, off + n). */
static void same_as_file(int fd, size_t off, size_t n, const char *when)
{
	static char buf[3 * 4096];
	CHECK(pread(fd, buf, n, (off_t)off) == (ssize_t)n, "%s: short pread",
	      when);
	for (size_t i = 0; i < n; i++)
		CHECK(buf[i] == m[off + i], "%s: byte %zu: file %d, map %d",
		      when, off + i, buf[i], m[off + i]);
}

static void coherence(int fd)
{
	char b[80];
	CHECK(pwrite(fd, "written by write", 16, 100) == 16, "pwrite");
	CHECK(memcmp(m + 100, "written by write", 16) == 0,
	      "write() not seen through the mapping");
	memcpy(m + PAGE + 5, "stored through the map", 22);
	CHECK(pread(fd, b, 22, PAGE + 5) == 22 &&
		  memcmp(b, "stored through the map", 22) == 0,
	      "a store through the mapping is not seen by read()");
	same_as_file(fd, 0, 3 * PAGE, "after both ways");
}

static void across_fork(int fd)
{
	char b[80];
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		memcpy(m + 2 * PAGE, "child", 5);
		if (pwrite(fd, "CHILD", 5, 10) != 5)
			_exit(2);
		_exit(0);
	}
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s",
	      status_str(st, b, sizeof b));
	CHECK(memcmp(m + 2 * PAGE, "child", 5) == 0,
	      "the child's store is not in the parent's mapping");
	CHECK(memcmp(m + 10, "CHILD", 5) == 0,
	      "the child's write() is not in the parent's mapping");
	CHECK(pread(fd, b, 5, 2 * PAGE) == 5 && memcmp(b, "child", 5) == 0,
	      "the child's store is not in the file");
}

static sigjmp_buf bus_env;
static siginfo_t bus_info;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_info = *si;
	siglongjmp(bus_env, 1);
}

/* A handler, not death: the fault past the end is caught and named. */
static void sigbus_caught(volatile char *addr)
{
	struct sigaction sa = {0}, old;

	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	CHECK_SYS(sigaction(SIGBUS, &sa, &old));
	if (sigsetjmp(bus_env, 1) == 0) {
		(void)*addr;
		CHECK(0, "read past the end did not fault");
	}
	CHECK(bus_info.si_signo == SIGBUS && bus_info.si_code == BUS_ADRERR &&
		  bus_info.si_addr == (void *)addr,
	      "SIGBUS info: signo %d code %d addr %p", bus_info.si_signo,
	      bus_info.si_code, bus_info.si_addr);
	CHECK_SYS(sigaction(SIGBUS, &old, NULL));
}

int main(void)
{
	guest_cleanup = cleanup;
	unlink(PATH);
	int fd = open(PATH, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK_SYS(fd);
	CHECK_SYS(ftruncate(fd, 3 * PAGE));
	m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap of a tmpfs file: %s", strerror(errno));
	for (size_t i = 0; i < 3 * PAGE; i++)
		CHECK(m[i] == 0, "fresh file reads %d at %zu", m[i], i);
	coherence(fd);
	across_fork(fd);
	expect_signal(touch_page, m + 3 * PAGE, SIGBUS, "past the end");
	sigbus_caught(m + 3 * PAGE + 5);

	/* A second mapping at an offset is the same memory. */
	char *m2 = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, PAGE);
	CHECK(m2 != MAP_FAILED, "mmap at offset: %s", strerror(errno));
	CHECK(memcmp(m2 + 5, "stored through the map", 22) == 0,
	      "the offset mapping does not show page 1");
	CHECK_SYS(munmap(m2, PAGE));

	/* Close and unlink: the mapping keeps the pages. */
	CHECK_SYS(close(fd));
	CHECK_SYS(unlink(PATH));
	memcpy(m + 300, "after unlink", 12);
	CHECK(memcmp(m + 100, "written by write", 16) == 0 &&
		  memcmp(m + 300, "after unlink", 12) == 0,
	      "data lost after close and unlink");
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0)
		_exit(memcmp(m + 300, "after unlink", 12) != 0);
	CHECK(WEXITSTATUS(wait_for(pid)) == 0,
	      "a child does not see the unlinked file's data");
	CHECK_SYS(munmap(m, 4 * PAGE));

	/* Truncate while mapped: the cut pages are gone (SIGBUS). */
	fd = open(PATH, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK_SYS(fd);
	CHECK_SYS(ftruncate(fd, 2 * PAGE));
	m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
	m[PAGE] = 'x';
	CHECK_SYS(ftruncate(fd, 100));
	expect_signal(touch_page, m + PAGE, SIGBUS, "after truncate");
	CHECK(m[50] == 0 && m[200] == 0, "tail of the truncated page");
	CHECK_SYS(ftruncate(fd, 2 * PAGE));
	CHECK(m[PAGE] == 0, "a truncated page came back with old data");
	CHECK_SYS(munmap(m, 2 * PAGE));
	CHECK_SYS(close(fd));
	CHECK_SYS(unlink(PATH));

	/* Write access needs a file open for writing. */
	fd = open("/dev/shm", O_RDONLY);
	CHECK_SYS(fd);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0), ENODEV);
	CHECK_SYS(close(fd));
	return 0;
}
