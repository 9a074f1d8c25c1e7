/* pthreads - glibc's threads on the kernel's clone, futex and signals:
 * N threads incrementing a counter under a mutex, condition-variable
 * ping-pong, join (CLONE_CHILD_CLEARTID's futex wake) with a return
 * value, __thread variables per thread (CLONE_SETTLS), ids (getpid the
 * group's, gettid each thread's, /proc/TID/status), what threads share
 * (descriptors, cwd, signal actions), pthread_kill to one thread, a
 * thread's exit_group ending the whole process, the leader's
 * pthread_exit leaving the process to its last thread, and a robust
 * mutex whose owner died. A hang is turned into a failure by alarm(). */
#include <dirent.h>
#include <pthread.h>
#include "guest.h"

#define NTHREADS 8
#define ROUNDS 20000
#define PINGS 500

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_value = 42;
static volatile pid_t handler_tid;

static pid_t tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void *incrementer(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 1000 == 0)
			sched_yield();
	}
	tls_value = (int)(long)arg; /* each thread its own copy */
	for (int i = 0; i < 1000; i++)
		sched_yield();
	return (void *)(long)(tls_value == (int)(long)arg ? tid() : -1);
}

static void test_mutex_tls_ids(void)
{
	pthread_t t[NTHREADS];
	pid_t tids[NTHREADS];

	for (long i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&t[i], NULL, incrementer,
				     (void *)(i + 1)) == 0,
		      "pthread_create %ld", i);
	for (int i = 0; i < NTHREADS; i++) {
		void *ret;

		CHECK(pthread_join(t[i], &ret) == 0, "pthread_join %d", i);
		tids[i] = (pid_t)(long)ret;
		CHECK(tids[i] > 0, "thread %d saw another's __thread value", i);
		CHECK(tids[i] != getpid(), "thread %d has the process's id", i);
		for (int j = 0; j < i; j++)
			CHECK(tids[i] != tids[j], "threads %d and %d: tid %d",
			      j, i, tids[i]);
	}
	CHECK(counter == (long)NTHREADS * ROUNDS, "counter %ld, want %ld",
	      counter, (long)NTHREADS * ROUNDS);
	CHECK(tls_value == 42, "main's __thread value became %d", tls_value);
	CHECK(tid() == getpid(), "main thread: gettid %d != getpid %d", tid(),
	      getpid());
}

static pthread_mutex_t pp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_cond = PTHREAD_COND_INITIALIZER;
static int turn, pongs;

static void *ponger(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pp_lock);
	for (int i = 0; i < PINGS; i++) {
		while (turn != 1)
			pthread_cond_wait(&pp_cond, &pp_lock);
		turn = 0;
		pongs++;
		pthread_cond_signal(&pp_cond);
	}
	pthread_mutex_unlock(&pp_lock);
	return NULL;
}

static void test_condvar(void)
{
	pthread_t t;

	CHECK(pthread_create(&t, NULL, ponger, NULL) == 0, "create ponger");
	pthread_mutex_lock(&pp_lock);
	for (int i = 0; i < PINGS; i++) {
		turn = 1;
		pthread_cond_signal(&pp_cond);
		while (turn != 0)
			pthread_cond_wait(&pp_cond, &pp_lock);
	}
	pthread_mutex_unlock(&pp_lock);
	CHECK(pthread_join(t, NULL) == 0, "join ponger");
	CHECK(pongs == PINGS, "pongs %d of %d", pongs, PINGS);
}

static void on_usr1(int sig)
{
	(void)sig;
	handler_tid = tid();
}

static volatile int phase;
static volatile pid_t spinner_tid;

/* Phase 0: take SIGUSR1 (unblocked); 1: block it, say so with 2, and
 * unblock it at 3; 4: end. */
static void *spinner(void *arg)
{
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	spinner_tid = tid();
	while (phase != 1)
		sched_yield();
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	phase = 2;
	while (phase != 3)
		sched_yield();
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	while (phase != 4)
		sched_yield();
	return NULL;
}

static void wait_handler(void)
{
	for (int i = 0; i < 100000 && !handler_tid; i++)
		sched_yield();
}

/* A handler set by main runs in the thread pthread_kill named, even
 * when that thread blocks the signal for a while and main does not; a
 * kill() to the process goes to a thread that does not block it. */
static void test_thread_signal(void)
{
	pthread_t t;
	sigset_t set;

	CHECK(signal(SIGUSR1, on_usr1) != SIG_ERR, "signal");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	CHECK(pthread_create(&t, NULL, spinner, NULL) == 0, "create spinner");
	while (!spinner_tid)
		sched_yield();
	CHECK(pthread_kill(t, SIGUSR1) == 0, "pthread_kill");
	wait_handler();
	CHECK(handler_tid == spinner_tid, "handler ran in %d, not thread %d",
	      handler_tid, spinner_tid);
	handler_tid = 0;
	CHECK_SYS(kill(getpid(), SIGUSR1));
	wait_handler();
	CHECK(handler_tid == spinner_tid, "kill's handler ran in %d, not %d",
	      handler_tid, spinner_tid);
	handler_tid = 0;
	phase = 1;
	while (phase != 2)
		sched_yield();
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	/* tgkill itself: glibc's pthread_kill blocks every signal of the
	 * caller around it. */
	CHECK_SYS(syscall(SYS_tgkill, getpid(), spinner_tid, SIGUSR1));
	for (int i = 0; i < 2000; i++)
		sched_yield();
	CHECK(handler_tid == 0, "a signal for a thread ran in thread %d",
	      handler_tid);
	phase = 3;
	wait_handler();
	CHECK(handler_tid == spinner_tid, "pending: ran in %d, not %d",
	      handler_tid, spinner_tid);
	phase = 4;
	CHECK(pthread_join(t, NULL) == 0, "join spinner");
}

static int shared_fd = -1;

static void *sharer(void *arg)
{
	char path[64], buf[512];
	int fd;
	ssize_t n;

	(void)arg;
	shared_fd = open("/proc/self/status", O_RDONLY);
	CHECK_SYS(chdir("/tmp"));
	signal(SIGUSR2, SIG_IGN);
	snprintf(path, sizeof(path), "/proc/%d/status", tid());
	fd = open(path, O_RDONLY);
	CHECK_SYS(fd);
	n = read(fd, buf, sizeof(buf) - 1);
	CHECK(n > 0, "read %s", path);
	buf[n] = 0;
	close(fd);
	snprintf(path, sizeof(path), "Tgid:\t%d\n", getpid());
	CHECK(strstr(buf, path), "/proc/TID/status lacks %s", path);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid());
	CHECK(access(path, R_OK) == 0, "no %s", path);
	return NULL;
}

/* Descriptors, cwd and signal actions are the process's. */
static void test_sharing(void)
{
	pthread_t t;
	char cwd[64];
	struct sigaction sa;

	CHECK_SYS(chdir("/"));
	CHECK(pthread_create(&t, NULL, sharer, NULL) == 0, "create sharer");
	CHECK(pthread_join(t, NULL) == 0, "join sharer");
	CHECK(shared_fd >= 0 && fcntl(shared_fd, F_GETFD) >= 0,
	      "the thread's descriptor %d is not main's", shared_fd);
	close(shared_fd);
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/tmp"),
	      "the thread's chdir: main is in %s", cwd);
	CHECK_SYS(chdir("/"));
	sigaction(SIGUSR2, NULL, &sa);
	CHECK(sa.sa_handler == SIG_IGN, "the thread's SIG_IGN not shared");
	signal(SIGUSR2, SIG_DFL);
}

static void *exiter(void *arg)
{
	(void)arg;
	usleep(20000);
	exit(7); /* exit_group: main, asleep, goes too */
}

static void *last_one(void *arg)
{
	int fd = (int)(long)arg;

	usleep(50000);
	CHECK(write(fd, "x", 1) == 1, "write");
	return NULL; /* the last thread: the process ends with 0 */
}

/* In a child: run fn in a thread, main does what main_does says. */
static int child_status(void *(*fn)(void *), void *arg, int main_does)
{
	pid_t pid = fork();
	int st;

	CHECK_SYS(pid);
	if (!pid) {
		pthread_t t;

		if (pthread_create(&t, NULL, fn, arg))
			_exit(90);
		if (main_does == 0)
			for (;;)
				pause();
		pthread_exit(NULL);
	}
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
	return st;
}

static void test_group_ends(void)
{
	int st, p[2];
	char c;

	st = child_status(exiter, NULL, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "exit_group from a thread: status %#x", st);
	CHECK_SYS(pipe(p));
	st = child_status(last_one, (void *)(long)p[1], 1);
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 1, "the last thread did not run to its end");
	close(p[0]);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "leader's pthread_exit: status %#x", st);
}

static pthread_mutex_t robust;

static void *die_holding(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return NULL; /* ends with the lock held */
}

static void test_robust(void)
{
	pthread_mutexattr_t a;
	pthread_t t;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	CHECK(pthread_create(&t, NULL, die_holding, NULL) == 0, "create");
	CHECK(pthread_join(t, NULL) == 0, "join");
	CHECK(pthread_mutex_lock(&robust) == EOWNERDEAD,
	      "a dead owner's robust mutex is not EOWNERDEAD");
	pthread_mutex_consistent(&robust);
	pthread_mutex_unlock(&robust);
}

int main(void)
{
	alarm(20);
	test_mutex_tls_ids();
	test_condvar();
	test_thread_signal();
	test_sharing();
	test_group_ends();
	test_robust();
	return 0;
}
