/* poll_pipes - poll and select see a pipe's state as Linux's pipe_poll
 * gives it: an empty pipe is not readable, data makes it POLLIN, a full
 * one is not writable (and select clears its bit), closing the writers
 * hangs the reader up (POLLHUP, with POLLIN while data is left), closing
 * the readers is POLLERR on the writer; a poll with no timeout wakes when
 * another process writes; a fifo reader opened before any writer is not
 * hung up until a writer has come and gone. */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "guest.h"

/* The revents of one fd polled with events and timeout ms. */
static int revents(int fd, short events, int ms)
{
	struct pollfd p = {fd, events, 0};
	int r = poll(&p, 1, ms);

	CHECK(r >= 0, "poll: %s", strerror(errno));
	CHECK(r == (p.revents != 0), "poll returned %d, revents %#x", r,
	      p.revents);
	return p.revents;
}

static void empty_full_hangup(void)
{
	int fds[2], n = 0, r;
	char buf[4096] = {0};
	fd_set w;
	struct timeval tv = {0, 20000};

	CHECK_SYS(pipe2(fds, O_NONBLOCK));
	CHECK(revents(fds[0], POLLIN, 0) == 0, "empty pipe readable");
	CHECK(revents(fds[1], POLLOUT, 0) == POLLOUT, "empty pipe writable");
	CHECK(write(fds[1], "x", 1) == 1, "write");
	CHECK(revents(fds[0], POLLIN | POLLOUT, 0) == POLLIN,
	      "one byte: POLLIN only on the reading end");
	while ((r = write(fds[1], buf, sizeof(buf))) > 0)
		n += r;
	CHECK(r < 0 && errno == EAGAIN, "filling the pipe: %d", r);
	CHECK(revents(fds[1], POLLOUT, 0) == 0, "full pipe (%d) writable", n);
	FD_ZERO(&w);
	FD_SET(fds[1], &w);
	CHECK(select(fds[1] + 1, NULL, &w, NULL, &tv) == 0 &&
		  !FD_ISSET(fds[1], &w),
	      "select: full pipe writable");
	close(fds[1]);
	CHECK(revents(fds[0], POLLIN, 0) == (POLLIN | POLLHUP),
	      "writer gone, data left");
	while (read(fds[0], buf, sizeof(buf)) > 0)
		;
	CHECK(revents(fds[0], POLLIN, -1) == POLLHUP, "writer gone, drained");
	close(fds[0]);
	CHECK_SYS(pipe(fds));
	close(fds[0]);
	CHECK(revents(fds[1], POLLOUT, 0) == (POLLOUT | POLLERR),
	      "reader gone: POLLERR");
	close(fds[1]);
}

/* poll(-1) on an empty pipe returns when a child writes to it. */
static void wakes_on_write(void)
{
	int fds[2], st;
	pid_t pid;
	fd_set r;

	CHECK_SYS(pipe(fds));
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		usleep(100000);
		_exit(write(fds[1], "y", 1) == 1 ? 0 : 1);
	}
	CHECK(revents(fds[0], POLLIN, -1) == POLLIN, "woken by the write");
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	FD_ZERO(&r);
	FD_SET(fds[0], &r);
	CHECK(select(fds[0] + 1, &r, NULL, NULL, NULL) == 1 &&
		  FD_ISSET(fds[0], &r),
	      "select: readable");
	close(fds[0]);
	close(fds[1]);
}

static void fifo_hangup(void)
{
	const char *path = "/tmp/poll_pipes.fifo";
	int rd, wr;

	unlink(path);
	CHECK_SYS(mkfifo(path, 0600));
	rd = open(path, O_RDONLY | O_NONBLOCK);
	CHECK_SYS(rd);
	CHECK(revents(rd, POLLIN, 0) == 0, "fifo without a writer yet");
	wr = open(path, O_WRONLY);
	CHECK_SYS(wr);
	close(wr);
	CHECK(revents(rd, POLLIN, 0) == POLLHUP, "fifo writer came and went");
	close(rd);
	unlink(path);
}

int main(void)
{
	empty_full_hangup();
	wakes_on_write();
	fifo_hangup();
	return 0;
}
