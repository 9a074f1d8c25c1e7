/* pthread_futex - the futex operations between threads of one process
 * (private futexes): FUTEX_REQUEUE and FUTEX_CMP_REQUEUE move waiters
 * from one word to another (counted in their answers, the moved ones
 * woken by a wake of the second word), FUTEX_WAKE_OP changes a word and
 * wakes on its old value's test, futex_waitv answers with the index of
 * the futex that woke it; waiters are known to sleep by their state in
 * /proc/self/task/TID/stat. A hang is a failure through alarm(). */
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include "guest.h"

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_REQUEUE_PRIVATE 131
#define FUTEX_CMP_REQUEUE_PRIVATE 132
#define FUTEX_WAKE_OP_PRIVATE 133
#define NR_FUTEX_WAITV 449
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	(((op) << 28) | ((cmp) << 24) | ((oparg) << 12) | (cmparg))
#define OP_ADD 1
#define CMP_EQ 0
#define NWAITERS 3

static volatile uint32_t fa, fb;
static volatile int woke_count;

static long futex(volatile uint32_t *a, int op, uint32_t val, long val2,
		  volatile uint32_t *a2, uint32_t val3)
{
	return syscall(SYS_futex, a, op, val, val2, a2, val3);
}

static void *wait_a(void *arg)
{
	(void)arg;
	while (fa == 0)
		if (futex(&fa, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0) == -1 &&
		    errno != EAGAIN && errno != EINTR)
			return (void *)1;
	__sync_fetch_and_add(&woke_count, 1);
	return NULL;
}

/* How many threads other than the caller sleep (state S). */
static int sleeping(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	CHECK(d, "opendir /proc/self/task: %s", strerror(errno));
	while ((e = readdir(d))) {
		char path[300], buf[128], st = 0;
		int fd, r;

		if (atoi(e->d_name) <= 0 || atoi(e->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat",
			 e->d_name);
		fd = open(path, O_RDONLY);
		CHECK(fd >= 0, "cannot open a task stat: %s", strerror(errno));
		r = (int)read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[r > 0 ? r : 0] = 0;
		if (strchr(buf, ')'))
			st = strchr(buf, ')')[2];
		n += st == 'S';
	}
	closedir(d);
	return n;
}

static void wait_sleeping(int n)
{
	for (int i = 0; i < 2000 && sleeping() < n; i++)
		usleep(1000);
	CHECK(sleeping() == n, "%d threads asleep, want %d", sleeping(), n);
}

static void start(pthread_t *t, int n)
{
	fa = 0;
	woke_count = 0;
	for (int i = 0; i < n; i++)
		CHECK(pthread_create(&t[i], NULL, wait_a, NULL) == 0, "create");
	wait_sleeping(n);
}

static void finish(pthread_t *t, int n)
{
	fa = 1;
	futex(&fa, FUTEX_WAKE_PRIVATE, 100, 0, NULL, 0);
	for (int i = 0; i < n; i++) {
		void *r;

		CHECK(pthread_join(t[i], &r) == 0 && !r, "join %d", i);
	}
}

static void test_requeue(void)
{
	pthread_t t[NWAITERS];
	long r;

	start(t, NWAITERS);
	fa = 1; /* each returns once woken (no wake happens here) */
	CHECK_ERR(futex(&fa, FUTEX_CMP_REQUEUE_PRIVATE, 1, 5, &fb, 7), EAGAIN);
	/* Wake one, move the other two to fb: 3. */
	r = futex(&fa, FUTEX_CMP_REQUEUE_PRIVATE, 1, 5, &fb, 1);
	CHECK(r == NWAITERS, "CMP_REQUEUE answered %ld, want %d", r, NWAITERS);
	wait_sleeping(NWAITERS - 1);
	CHECK(futex(&fa, FUTEX_WAKE_PRIVATE, 10, 0, NULL, 0) == 0,
	      "the moved waiters are still on fa");
	r = futex(&fb, FUTEX_WAKE_PRIVATE, 10, 0, NULL, 0);
	CHECK(r == NWAITERS - 1, "a wake of fb woke %ld, want %d", r,
	      NWAITERS - 1);
	finish(t, NWAITERS);
	CHECK(woke_count == NWAITERS, "%d of %d woke", woke_count, NWAITERS);

	start(t, 2);
	r = futex(&fa, FUTEX_REQUEUE_PRIVATE, 0, 1, &fb, 0);
	CHECK(r == 1, "REQUEUE of one answered %ld", r);
	CHECK(futex(&fb, FUTEX_WAKE_PRIVATE, 10, 0, NULL, 0) == 1,
	      "REQUEUE did not move one waiter");
	CHECK_ERR(futex(&fa, FUTEX_REQUEUE_PRIVATE, (uint32_t)-1, 1, &fb, 0),
		  EINVAL);
	finish(t, 2);
}

/* The waiters sleep on fa; WAKE_OP names fb (nobody) first and fa as
 * the word it changes, so only its test wakes anyone. */
static void test_wake_op(void)
{
	pthread_t t[2];
	long r;

	start(t, 2);
	/* fa += 1 (old 0 == 0: wake one on fa). */
	r = futex(&fb, FUTEX_WAKE_OP_PRIVATE, 1, 1, &fa,
		  FUTEX_OP(OP_ADD, 1, CMP_EQ, 0));
	CHECK(r == 1 && fa == 1, "WAKE_OP answered %ld, fa %u", r, fa);
	wait_sleeping(1);
	/* fa += 2 (old 1 != 0: no wake). */
	r = futex(&fb, FUTEX_WAKE_OP_PRIVATE, 1, 1, &fa,
		  FUTEX_OP(OP_ADD, 2, CMP_EQ, 0));
	CHECK(r == 0 && fa == 3, "WAKE_OP answered %ld, fa %u", r, fa);
	CHECK_ERR(
	    futex(&fb, FUTEX_WAKE_OP_PRIVATE, 1, 1, &fa, FUTEX_OP(7, 0, 0, 0)),
	    ENOSYS);
	finish(t, 2);
}

struct waitv {
	uint64_t val, uaddr;
	uint32_t flags, reserved;
};

static volatile long waitv_ret = -100;

static void *waitv_thread(void *arg)
{
	struct waitv w[2] = {
	    {0, (uintptr_t)&fa, 2 | 128, 0},
	    {0, (uintptr_t)&fb, 2 | 128, 0},
	};

	(void)arg;
	waitv_ret = syscall(NR_FUTEX_WAITV, w, 2, 0, NULL, 0);
	return NULL;
}

static void test_waitv(void)
{
	pthread_t t;
	struct waitv bad = {0, (uintptr_t)&fa, 1, 0};

	fa = fb = 0;
	CHECK(pthread_create(&t, NULL, waitv_thread, NULL) == 0, "create");
	wait_sleeping(1);
	CHECK(futex(&fb, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0) == 1,
	      "no waiter on the second futex");
	CHECK(pthread_join(t, NULL) == 0, "join");
	CHECK(waitv_ret == 1, "futex_waitv answered %ld, want 1", waitv_ret);
	CHECK_ERR(syscall(NR_FUTEX_WAITV, &bad, 1, 0, NULL, 0), EINVAL);
}

int main(void)
{
	alarm(20);
	test_requeue();
	test_wake_op();
	test_waitv();
	return 0;
}
