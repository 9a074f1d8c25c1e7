/* select_calls - select in its four i386 forms (glibc's select is
 * _newselect or pselect6_time64; the old select takes its arguments in
 * memory; pselect6): a regular file is ready both ways and only the fds
 * asked come back; a closed fd is EBADF, negative nfds EINVAL, a bad set
 * or timeout pointer EFAULT, a bad timeval EINVAL; with nothing to wait
 * for, the timeout passes (at least its length) and the time left
 * written back is 0. */
#define _GNU_SOURCE
#include <sys/select.h>
#include <sys/time.h>
#include "guest.h"

struct old_sel {
	long n, inp, outp, exp, tvp;
};

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void ready_file(void)
{
	int fd = open("/tmp/select_calls", O_CREAT | O_RDWR, 0600);
	fd_set r, w;
	struct old_sel a;
	struct timeval tv = {1, 0};
	long ts[2] = {1, 0};

	CHECK_SYS(fd);
	unlink("/tmp/select_calls");
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	CHECK(syscall(SYS__newselect, fd + 1, &r, &w, NULL, &tv) == 2,
	      "_newselect on a file");
	CHECK(FD_ISSET(fd, &r) && FD_ISSET(fd, &w) && !FD_ISSET(0, &r),
	      "sets after _newselect");
	FD_ZERO(&w);
	a = (struct old_sel){fd + 1, (long)&r, (long)&w, 0, (long)&tv};
	CHECK(syscall(SYS_select, &a) == 1 && FD_ISSET(fd, &r),
	      "old select on a file");
	CHECK(syscall(SYS_pselect6, fd + 1, &r, NULL, NULL, ts, NULL) == 1,
	      "pselect6 on a file");
	CHECK_ERR(syscall(SYS__newselect, -1, &r, NULL, NULL, &tv), EINVAL);
	CHECK_ERR(syscall(SYS__newselect, fd + 1, (void *)8, NULL, NULL, &tv),
		  EFAULT);
	CHECK_ERR(syscall(SYS__newselect, fd + 1, &r, NULL, NULL, (void *)8),
		  EFAULT);
	tv.tv_usec = 1000000;
	CHECK_ERR(syscall(SYS__newselect, fd + 1, &r, NULL, NULL, &tv), EINVAL);
	close(fd);
	FD_ZERO(&r);
	FD_SET(fd, &r);
	tv = (struct timeval){0, 0};
	CHECK_ERR(syscall(SYS__newselect, fd + 1, &r, NULL, NULL, &tv), EBADF);
}

static void timeouts(void)
{
	struct timeval tv = {0, 200000};
	long ts[2] = {0, 150000000};
	struct timespec t0;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(syscall(SYS__newselect, 0, NULL, NULL, NULL, &tv) == 0,
	      "_newselect timeout");
	ms = ms_since(&t0);
	CHECK(ms >= 190 && ms < 2000, "slept %ld ms for 200", ms);
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0, "time left %ld.%06ld",
	      (long)tv.tv_sec, (long)tv.tv_usec);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(syscall(SYS_pselect6, 0, NULL, NULL, NULL, ts, NULL) == 0,
	      "pselect6 timeout");
	ms = ms_since(&t0);
	CHECK(ms >= 140 && ms < 2000, "slept %ld ms for 150", ms);
	CHECK(ts[0] == 0 && ts[1] == 0, "time left %ld.%09ld", ts[0], ts[1]);
}

int main(void)
{
	ready_file();
	timeouts();
	return 0;
}
