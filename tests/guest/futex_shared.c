/* futex_shared - futex WAIT/WAKE between a parent and a child over a
 * MAP_SHARED page of a /dev/shm file (mapped at different addresses in
 * the two, so they meet by the page, not the address), and the calls'
 * errors: EAGAIN when the value differs, ETIMEDOUT (relative and absolute
 * timeouts, futex and futex_time64), EINTR from a signal handler, EINVAL
 * and ENOSYS. Private futexes only meet within one process (no threads):
 * their wait times out and their wake finds no one. */
#include <fcntl.h>
#include <stdint.h>
#include "guest.h"

#define PATH "/dev/shm/futex_shared"
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define NR_FUTEX 240
#define NR_FUTEX_TIME64 422

struct ts64 {
	int64_t sec, nsec;
};

static void cleanup(void)
{
	unlink(PATH);
}

static long futex(volatile uint32_t *a, int op, uint32_t val,
		  const struct timespec *ts, uint32_t val3)
{
	return syscall(NR_FUTEX, a, op, val, ts, NULL, val3);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* The child waits on its own mapping of the file; the parent wakes it. */
static void wait_wake(int fd, volatile uint32_t *w)
{
	char b[80];
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		volatile uint32_t *cw =
		    mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (cw == MAP_FAILED || cw == w)
			_exit(2);
		cw[1] = 1; /* ready */
		long r = futex(cw, FUTEX_WAIT, 0, NULL, 0);
		_exit(r == 0 ? 0 : 3);
	}
	for (int i = 0; i < 5000 && w[1] != 1; i++)
		sleep_ms(1);
	long woke = 0;
	for (int i = 0; i < 500 && woke == 0; i++) {
		sleep_ms(1); /* until the child is in its wait */
		woke = futex(w, FUTEX_WAKE, 1, NULL, 0);
		CHECK(woke >= 0, "FUTEX_WAKE: %s", strerror(errno));
	}
	CHECK(woke == 1, "FUTEX_WAKE woke %ld", woke);
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "waiter in the child: %s",
	      status_str(st, b, sizeof b));
}

/* A signal with a handler (no SA_RESTART) ends a wait with EINTR. */
static void interrupted(volatile uint32_t *w)
{
	char b[80];
	*w = 0;
	w[1] = 0;
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_usr1;
		sigaction(SIGUSR1, &sa, NULL);
		w[1] = 1;
		long r = futex(w, FUTEX_WAIT, 0, NULL, 0);
		_exit(r == -1 && errno == EINTR ? 0 : 4);
	}
	for (int i = 0; i < 5000 && w[1] != 1; i++)
		sleep_ms(1);
	sleep_ms(20);
	CHECK_SYS(kill(pid, SIGUSR1));
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "EINTR: %s",
	      status_str(st, b, sizeof b));
}

static void errors(volatile uint32_t *w)
{
	struct timespec rel = {0, 30 * 1000000};
	struct timespec past = {0, 1};
	struct ts64 rel64 = {0, 30 * 1000000};
	uint32_t priv = 5;

	*w = 1;
	CHECK_ERR(futex(w, FUTEX_WAIT, 0, NULL, 0), EAGAIN);
	CHECK_ERR(futex(w, FUTEX_WAIT, 1, &rel, 0), ETIMEDOUT);
	CHECK_ERR(syscall(NR_FUTEX_TIME64, w, FUTEX_WAIT, 1, &rel64, NULL, 0),
		  ETIMEDOUT);
	CHECK_ERR(futex(w, FUTEX_WAIT_BITSET, 1, &past, ~0u), ETIMEDOUT);
	CHECK_ERR(
	    futex(w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 1, &past, ~0u),
	    ETIMEDOUT);
	CHECK_ERR(futex(w, FUTEX_WAIT_BITSET, 1, &past, 0), EINVAL);
	CHECK_ERR(futex(w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, &rel, 0),
		  ENOSYS);
	CHECK_ERR(futex((uint32_t *)((char *)w + 1), FUTEX_WAKE, 1, NULL, 0),
		  EINVAL);
	CHECK_ERR(futex((uint32_t *)8, FUTEX_WAKE, 1, NULL, 0), EFAULT);
	CHECK_ERR(futex(w, 99, 1, NULL, 0), ENOSYS);
	rel.tv_nsec = 1000000000;
	CHECK_ERR(futex(w, FUTEX_WAIT, 1, &rel, 0), EINVAL);
	rel.tv_nsec = 30 * 1000000;
	CHECK_ERR(futex(&priv, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, &rel, 0),
		  ETIMEDOUT);
	CHECK(futex(&priv, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, 0) == 0,
	      "a private wake found a waiter");
	CHECK(futex(w, FUTEX_WAKE_BITSET, 1, NULL, 1) == 0,
	      "a wake found a waiter");
}

int main(void)
{
	guest_cleanup = cleanup;
	unlink(PATH);
	int fd = open(PATH, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK_SYS(fd);
	CHECK_SYS(ftruncate(fd, PAGE));
	volatile uint32_t *w =
	    mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(w != MAP_FAILED, "mmap: %s", strerror(errno));
	errors(w);
	*w = 0;
	wait_wake(fd, w);
	interrupted(w);
	CHECK_SYS(munmap((void *)w, PAGE));
	CHECK_SYS(close(fd));
	CHECK_SYS(unlink(PATH));
	return 0;
}
