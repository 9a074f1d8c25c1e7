/*
 * guest.h - helpers for the in-guest test programs in tests/guest/.
 *
 * Each test is an ordinary Linux i386 static program: it exits 0 on
 * success, GUEST_SKIP (77) when it cannot run here (e.g. our own system
 * calls return ENOSYS on Linux), anything else on failure. A failure or
 * skip reason is one line on stdout; when the runner passes
 * GUEST_REASON_FD=N in the environment, the line is also written to fd N
 * so the runner can put it on its "FAIL guest/NAME: reason" line.
 */
#ifndef GUEST_H
#define GUEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmkernel.h"

#define GUEST_SKIP 77
#define PAGE ((size_t)4096)

/* Unbuffered stdout: messages must survive a crash and not be duplicated
 * by fork. */
__attribute__((constructor)) static void guest_init(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}

static void guest_write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Print a one-line reason (stdout and the runner's reason fd). */
__attribute__((format(printf, 1, 0))) static void guest_vreason(const char *fmt,
								va_list ap)
{
	char buf[300];
	int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof buf - 2)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	guest_write_all(1, buf, (size_t)n);
	const char *rfd = getenv("GUEST_REASON_FD");
	if (rfd && *rfd)
		guest_write_all(atoi(rfd), buf, (size_t)n);
}

/* What a test left behind that outlives it (a file in /tmp, a SysV shm
 * segment): removed when it fails, so that a failure (say, an injected
 * ENOMEM under make test-faults) is not also counted as a leak. */
static void (*guest_cleanup)(void);

__attribute__((format(printf, 1, 2), noreturn)) static void
fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	guest_vreason(fmt, ap);
	va_end(ap);
	if (guest_cleanup)
		guest_cleanup();
	_exit(1);
}

__attribute__((format(printf, 1, 2), noreturn)) static void
skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	guest_vreason(fmt, ap);
	va_end(ap);
	_exit(GUEST_SKIP);
}

/* CHECK(cond, "what went wrong %d", x): fail with the message (and the
 * line) unless cond holds. */
#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			char check_msg_[200];                                 \
			snprintf(check_msg_, sizeof check_msg_, __VA_ARGS__); \
			fail("%s (line %d)", check_msg_, __LINE__);           \
		}                                                             \
	} while (0)

/* CHECK_SYS(expr): expr must not be -1; else fail with errno. */
#define CHECK_SYS(expr)                                        \
	do {                                                   \
		if ((long)(expr) == -1)                        \
			fail("%s failed: %s (line %d)", #expr, \
			     strerror(errno), __LINE__);       \
	} while (0)

/* CHECK_ERR(expr, E): expr must fail with -1 and errno E. */
#define CHECK_ERR(expr, E)                                                    \
	do {                                                                  \
		errno = 0;                                                    \
		long r_ = (long)(expr);                                       \
		int e_ = errno;                                               \
		if (r_ != -1 || e_ != (E))                                    \
			fail("%s returned %ld errno %d (%s), expected -1 %s " \
			     "(line %d)",                                     \
			     #expr, r_, e_, strerror(e_), #E, __LINE__);      \
	} while (0)

/* Does this kernel have our own system calls? (Linux: ENOSYS.) */
static inline int have_vmkernel(void)
{
	struct vm_stats st;
	errno = 0;
	if (vm_stats(&st) == 0)
		return 1;
	return errno != ENOSYS;
}

static inline void need_vmkernel(void)
{
	if (!have_vmkernel())
		skip("not our kernel (vm_* system calls return ENOSYS)");
}

static inline struct vm_stats get_stats(void)
{
	struct vm_stats st;
	memset(&st, 0, sizeof st);
	if (vm_stats(&st) != 0)
		fail("vm_stats failed: %s", strerror(errno));
	return st;
}

/* Empty the kernel's block cache (/proc/sys/vm/drop_caches), so that
 * counts of cached pages and blocks show only the test's own (with the
 * root on ext2, every exec fills it). Quietly nothing without /proc. */
static inline void guest_drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			fail("drop_caches: %s", strerror(errno));
		close(fd);
	}
}

static inline void sleep_ms(long ms)
{
	/* The raw nanosleep (glibc's wrapper uses clock_nanosleep_time64). */
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	long r;
	while ((r = syscall(SYS_nanosleep, &ts, &ts)) == -1 && errno == EINTR)
		;
	if (r == -1 && errno == ENOSYS)
		nanosleep(&ts, NULL);
}

/* Wait for pid; fail on error. Returns the wait status. */
static inline int wait_for(pid_t pid)
{
	int status = 0;
	pid_t r;
	do
		r = waitpid(pid, &status, 0);
	while (r == -1 && errno == EINTR);
	if (r != pid)
		fail("waitpid(%d) returned %d: %s", (int)pid, (int)r,
		     strerror(errno));
	return status;
}

/* Describe a wait status in buf. */
static inline const char *status_str(int status, char *buf, size_t n)
{
	if (WIFEXITED(status))
		snprintf(buf, n, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, n, "signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, n, "wait status 0x%x", status);
	return buf;
}

/* Fork a child that runs fn(arg) and then exits 0; return its wait
 * status. */
static inline int run_in_child(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	if (pid == -1)
		fail("fork failed: %s", strerror(errno));
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return wait_for(pid);
}

/* The child running fn(arg) must die of signal sig. */
static inline void expect_signal(void (*fn)(void *), void *arg, int sig,
				 const char *what)
{
	char b[80];
	int st = run_in_child(fn, arg);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != sig)
		fail("%s: expected signal %d (%s), got %s", what, sig,
		     strsignal(sig), status_str(st, b, sizeof b));
}

/* The child running fn(arg) must exit 0. */
static inline void expect_ok(void (*fn)(void *), void *arg, const char *what)
{
	char b[80];
	int st = run_in_child(fn, arg);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("%s: child failed: %s", what, status_str(st, b, sizeof b));
}

/* Path of a helper program: DIR/helpers/NAME where DIR is the directory of
 * argv0 (so /tests/x finds /tests/helpers/NAME, also on the host). */
static inline void helper_path(char *buf, size_t n, const char *argv0,
			       const char *name)
{
	const char *slash = strrchr(argv0, '/');
	if (!slash)
		snprintf(buf, n, "helpers/%s", name);
	else
		snprintf(buf, n, "%.*s/helpers/%s", (int)(slash - argv0), argv0,
			 name);
}

/* Anonymous private read-write mapping through mmap2; fails the test. */
static inline void *map_anon(size_t bytes)
{
	long r = syscall(SYS_mmap2, 0, bytes, 3 /* PROT_READ|WRITE */,
			 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
	if (r == -1)
		fail("mmap2 of %zu bytes failed: %s", bytes, strerror(errno));
	return (void *)r;
}

/* The whole text of a (small) file such as a /proc file, NUL-terminated,
 * into buf: its length. Fails the test when it cannot be opened. */
static inline size_t guest_slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		fail("open %s: %s", path, strerror(errno));
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fd);
	return n;
}

/* The number in a file of one number (a /proc/sys setting). */
static inline long long guest_read_number(const char *path)
{
	char buf[32];

	guest_slurp(path, buf, sizeof buf);
	return atoll(buf);
}

/* Write text to path, truncating it: 0, or the errno of the open or of
 * the write. */
static inline int guest_write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/* The number after name at the start of a line of path ("MemFree:" of
 * /proc/meminfo). Fails the test when there is no such line. */
static inline long long guest_proc_field(const char *path, const char *name)
{
	static char text[8192];
	size_t len = strlen(name);

	guest_slurp(path, text, sizeof text);
	for (char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, len))
			return atoll(p + len);
	fail("no %s in %s", name, path);
}

#endif
