/* fcntl_locks - fcntl's record locks, OFD locks, leases and pipe sizes
 * between processes: F_GETLK sees another process's lock (type, range,
 * pid), F_SETLK conflicts with EAGAIN, a split range reports its parts,
 * closing any descriptor of the file releases the process's locks,
 * F_SETLKW sleeps until the unlock, EDEADLK for a wait cycle and EINTR
 * for a signal; OFD locks conflict between two opens of one process and
 * go with the open file; a lease break sends SIGIO, O_NONBLOCK opens get
 * EWOULDBLOCK, lease-break-time ends a blocking one; F_GETPIPE_SZ and
 * F_SETPIPE_SZ size the ring that writes really fill. */
#define _GNU_SOURCE
#include <fcntl.h>
#include "guest.h"

#define FILE_ "/tmp/fcntl_locks"

static int set_lock(int fd, int cmd, int type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type,
			   .l_whence = SEEK_SET,
			   .l_start = start,
			   .l_len = len};
	return fcntl(fd, cmd, &fl);
}

/* F_GETLK for a write lock of [start, start+len): the lock in the way. */
static struct flock get_lock(int fd, int cmd, off_t start, off_t len)
{
	struct flock fl = {.l_type = F_WRLCK,
			   .l_whence = SEEK_SET,
			   .l_start = start,
			   .l_len = len};
	CHECK_SYS(fcntl(fd, cmd, &fl));
	return fl;
}

static void cleanup(void)
{
	unlink(FILE_);
}

/* Run fn in a child with its own open of the file; it must exit 0. */
static pid_t child(void (*fn)(int fd))
{
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		int fd = open(FILE_, O_RDWR);
		CHECK_SYS(fd);
		fn(fd);
		_exit(0);
	}
	return pid;
}

static void expect_child_ok(pid_t pid, const char *what)
{
	char buf[64];
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: child %s", what,
	      status_str(st, buf, sizeof buf));
}

static pid_t parent_pid;

static void sees_parent_locks(int fd)
{
	struct flock fl = get_lock(fd, F_GETLK, 50, 1);
	CHECK(fl.l_type == F_RDLCK && fl.l_start == 40 && fl.l_len == 20 &&
		  fl.l_pid == parent_pid,
	      "GETLK at 50: type %d %ld+%ld pid %d", fl.l_type,
	      (long)fl.l_start, (long)fl.l_len, fl.l_pid);
	fl = get_lock(fd, F_GETLK, 0, 0);
	CHECK(fl.l_type == F_WRLCK && fl.l_start == 0 && fl.l_len == 40,
	      "GETLK at 0: type %d %ld+%ld", fl.l_type, (long)fl.l_start,
	      (long)fl.l_len);
	CHECK_ERR(set_lock(fd, F_SETLK, F_RDLCK, 0, 1), EAGAIN);
	CHECK_SYS(set_lock(fd, F_SETLK, F_RDLCK, 45, 5));  /* shares */
	CHECK_SYS(set_lock(fd, F_SETLK, F_WRLCK, 100, 0)); /* free to EOF */
}

static void sees_no_locks(int fd)
{
	struct flock fl = get_lock(fd, F_GETLK, 0, 0);
	CHECK(fl.l_type == F_UNLCK, "a lock survived close: type %d",
	      fl.l_type);
}

static void conflicts_and_close(int fd)
{
	CHECK_SYS(set_lock(fd, F_SETLK, F_WRLCK, 0, 100));
	CHECK_SYS(set_lock(fd, F_SETLK, F_RDLCK, 40, 20)); /* splits */
	expect_child_ok(child(sees_parent_locks), "conflicts");
	int dup_fd = open(FILE_, O_RDONLY); /* another open of the file */
	CHECK_SYS(dup_fd);
	CHECK_SYS(close(dup_fd)); /* releases every lock of this process */
	expect_child_ok(child(sees_no_locks), "close releases");
}

static void waits_for_unlock(int fd)
{
	CHECK_SYS(set_lock(fd, F_SETLKW, F_WRLCK, 0, 1));
}

static void setlkw_wakeup(int fd)
{
	CHECK_SYS(set_lock(fd, F_SETLK, F_WRLCK, 0, 1));
	pid_t pid = child(waits_for_unlock);
	sleep_ms(200);
	CHECK(waitpid(pid, NULL, WNOHANG) == 0, "F_SETLKW did not wait");
	CHECK_SYS(set_lock(fd, F_SETLK, F_UNLCK, 0, 1));
	expect_child_ok(pid, "F_SETLKW wakeup");
}

static void holds_b_waits_a(int fd)
{
	CHECK_SYS(set_lock(fd, F_SETLK, F_WRLCK, 1, 1));
	CHECK_SYS(set_lock(fd, F_SETLKW, F_WRLCK, 0, 1)); /* sleeps */
}

static void holds_a_while(int fd)
{
	CHECK_SYS(set_lock(fd, F_SETLK, F_WRLCK, 0, 1));
	sleep_ms(10000);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void deadlock_and_eintr(int fd)
{
	CHECK_SYS(set_lock(fd, F_SETLK, F_WRLCK, 0, 1));
	pid_t pid = child(holds_b_waits_a);
	sleep_ms(200);
	CHECK_ERR(set_lock(fd, F_SETLKW, F_WRLCK, 1, 1), EDEADLK);
	CHECK_SYS(set_lock(fd, F_SETLK, F_UNLCK, 0, 0));
	expect_child_ok(pid, "deadlock");
	pid = child(holds_a_while);
	sleep_ms(200);
	struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART */
	CHECK_SYS(sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	CHECK_ERR(set_lock(fd, F_SETLKW, F_WRLCK, 0, 1), EINTR);
	kill(pid, SIGKILL);
	wait_for(pid);
	CHECK_SYS(set_lock(fd, F_SETLK, F_WRLCK, 0, 1)); /* exit released */
}

static void ofd_locks(void)
{
	int a = open(FILE_, O_RDWR), b = open(FILE_, O_RDWR);
	CHECK_SYS(a);
	CHECK_SYS(b);
	CHECK_SYS(set_lock(a, F_OFD_SETLK, F_WRLCK, 0, 10));
	CHECK_ERR(set_lock(b, F_OFD_SETLK, F_RDLCK, 5, 1), EAGAIN);
	struct flock fl = get_lock(b, F_OFD_GETLK, 0, 0);
	CHECK(fl.l_type == F_WRLCK && fl.l_pid == -1 && fl.l_len == 10,
	      "OFD GETLK type %d pid %d len %ld", fl.l_type, fl.l_pid,
	      (long)fl.l_len);
	CHECK_ERR(set_lock(b, F_SETLK, F_RDLCK, 5, 1), EAGAIN); /* POSIX too */
	CHECK_SYS(close(a));
	CHECK_SYS(set_lock(b, F_OFD_SETLK, F_WRLCK, 0, 10));
	CHECK_SYS(close(b));
}

static void opens_nonblock_then_blocks(int fd)
{
	(void)fd;
	CHECK_ERR(open(FILE_, O_RDWR | O_NONBLOCK), EWOULDBLOCK);
	CHECK_SYS(open(FILE_, O_RDWR)); /* until the holder lets go */
}

static void write_knob(const char *path, const char *val)
{
	CHECK(guest_write_text(path, val) == 0, "write %s", path);
}

static void leases(void)
{
	sigset_t io;
	siginfo_t si;
	struct timespec ts = {5, 0};
	int fd = open(FILE_, O_RDONLY);
	CHECK_SYS(fd);
	sigemptyset(&io);
	sigaddset(&io, SIGIO);
	CHECK_SYS(sigprocmask(SIG_BLOCK, &io, NULL));
	CHECK_SYS(fcntl(fd, F_SETLEASE, F_RDLCK));
	CHECK(fcntl(fd, F_GETLEASE) == F_RDLCK, "F_GETLEASE");
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		opens_nonblock_then_blocks(-1);
		_exit(0);
	}
	CHECK(sigtimedwait(&io, &si, &ts) == SIGIO, "no SIGIO: %s",
	      strerror(errno));
	CHECK(fcntl(fd, F_GETLEASE) == F_UNLCK, "lease not breaking");
	CHECK_SYS(fcntl(fd, F_SETLEASE, F_UNLCK));
	expect_child_ok(pid, "lease break");
	/* Nobody answers: lease-break-time (1 s) lets the opener in. */
	write_knob("/proc/sys/fs/lease-break-time", "1\n");
	CHECK_SYS(fcntl(fd, F_SETLEASE, F_RDLCK));
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		CHECK_SYS(open(FILE_, O_WRONLY));
		_exit(0);
	}
	expect_child_ok(pid, "lease-break-time");
	CHECK(fcntl(fd, F_GETLEASE) == F_UNLCK, "lease survived its break");
	write_knob("/proc/sys/fs/lease-break-time", "45");
	int w = open(FILE_, O_RDWR);
	CHECK_ERR(fcntl(fd, F_SETLEASE, F_RDLCK), EAGAIN); /* a writer */
	CHECK_ERR(fcntl(w, F_SETLEASE, F_WRLCK), EAGAIN);  /* not alone */
	close(w);
	close(fd);
}

static void pipe_sizes(void)
{
	int p[2];
	static char buf[131072 + 1];
	CHECK_SYS(pipe2(p, O_NONBLOCK));
	CHECK(fcntl(p[1], F_GETPIPE_SZ) == 65536, "default size %d",
	      fcntl(p[1], F_GETPIPE_SZ));
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 100000) == 131072, "set 100000");
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (char)(i * 7);
	CHECK(write(p[1], buf, 1000) == 1000, "write 1000");
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 4096) == 4096, "shrink to a page");
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 131072) == 131072, "grow again");
	CHECK(write(p[1], buf + 1000, sizeof buf - 1000) == 131072 - 1000,
	      "fill: %s", strerror(errno));
	CHECK_ERR(write(p[1], buf, 1), EAGAIN);
	CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 65536), EBUSY);
	static char got[131072];
	CHECK(read(p[0], got, sizeof got) == (ssize_t)sizeof got, "read all");
	CHECK(memcmp(got, buf, sizeof got) == 0, "pipe data changed");
	CHECK_ERR(fcntl(p[1], F_SETPIPE_SZ, 0x80000001u), EINVAL);
	close(p[0]);
	close(p[1]);
}

/* O_ASYNC on a pipe's read end: a write signals the F_SETOWN owner with
 * the F_SETSIG signal (si_fd, POLL_IN), or plain SIGIO without one. */
static void pipe_async(void)
{
	int p[2];
	sigset_t set;
	siginfo_t si;
	struct timespec ts = {5, 0};
	CHECK_SYS(pipe(p));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGIO);
	CHECK_SYS(sigprocmask(SIG_BLOCK, &set, NULL));
	CHECK_SYS(fcntl(p[0], F_SETOWN, getpid()));
	CHECK(fcntl(p[0], F_GETOWN) == getpid(), "F_GETOWN");
	struct f_owner_ex ex;
	CHECK_SYS(fcntl(p[0], F_GETOWN_EX, &ex));
	CHECK(ex.type == F_OWNER_PID && ex.pid == getpid(), "F_GETOWN_EX");
	CHECK_ERR(fcntl(p[0], F_SETOWN, 30000), ESRCH);
	CHECK_SYS(fcntl(p[0], F_SETSIG, SIGUSR1));
	CHECK_SYS(fcntl(p[0], F_SETFL, O_ASYNC));
	CHECK(fcntl(p[0], F_GETFL) & O_ASYNC, "F_GETFL lost O_ASYNC");
	CHECK(write(p[1], "x", 1) == 1, "write");
	CHECK(sigtimedwait(&set, &si, &ts) == SIGUSR1, "no SIGUSR1: %s",
	      strerror(errno));
	CHECK(si.si_fd == p[0] && si.si_code == POLL_IN, "si_fd %d code %d",
	      si.si_fd, si.si_code);
	CHECK_SYS(fcntl(p[0], F_SETSIG, 0));
	CHECK(write(p[1], "x", 1) == 1, "write");
	CHECK(sigtimedwait(&set, &si, &ts) == SIGIO, "no SIGIO");
	CHECK_SYS(fcntl(p[0], F_SETFL, 0));
	CHECK(write(p[1], "x", 1) == 1, "write");
	ts.tv_sec = 0;
	ts.tv_nsec = 100000000;
	CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN); /* O_ASYNC off */
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	guest_cleanup = cleanup;
	parent_pid = getpid();
	int fd = open(FILE_, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK_SYS(fd);
	conflicts_and_close(fd);
	close(fd);
	fd = open(FILE_, O_RDWR);
	CHECK_SYS(fd);
	setlkw_wakeup(fd);
	deadlock_and_eintr(fd);
	close(fd);
	ofd_locks();
	leases();
	pipe_sizes();
	pipe_async();
	cleanup();
	return 0;
}
