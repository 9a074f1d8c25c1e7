/* fsize_iov - RLIMIT_FSIZE: a write that starts at the limit fails with
 * EFBIG and SIGXFSZ, one that crosses it is cut short at it, truncate
 * and ftruncate past it fail the same way; readv / writev check the
 * whole iovec array first: a length above SSIZE_MAX (or a sum above it)
 * is EINVAL, an unreadable array EFAULT, before anything moves. */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/uio.h>
#include "guest.h"

#define FILE_NAME "/tmp/fsize_iov"

static volatile sig_atomic_t xfsz;

static void on_xfsz(int sig)
{
	(void)sig;
	xfsz++;
}

static void cleanup(void)
{
	unlink(FILE_NAME);
}

static void fsize(int fd)
{
	struct rlimit rl = {100, RLIM_INFINITY};
	char buf[64];

	memset(buf, 'a', sizeof buf);
	CHECK_SYS(setrlimit(RLIMIT_FSIZE, &rl));
	CHECK(write(fd, buf, 64) == 64, "first write");
	CHECK(write(fd, buf, 64) == 36, "write across the limit not cut");
	CHECK(xfsz == 0, "SIGXFSZ before the limit was reached");
	CHECK_ERR(write(fd, buf, 1), EFBIG);
	CHECK(xfsz == 1, "no SIGXFSZ at the limit");
	CHECK_ERR(ftruncate(fd, 101), EFBIG);
	CHECK_ERR(truncate(FILE_NAME, 4096), EFBIG);
	CHECK(xfsz == 3, "SIGXFSZ count %d", (int)xfsz);
	CHECK_SYS(ftruncate(fd, 50));
	rl.rlim_cur = RLIM_INFINITY;
	CHECK_SYS(setrlimit(RLIMIT_FSIZE, &rl));
}

static void iov(int fd)
{
	char a[8] = "abcdefg", b[8];
	struct iovec bad[2] = {{a, 4}, {a, (size_t)-1}};
	struct iovec big[2] = {{a, 0x40000000}, {a, 0x40000000}};
	struct iovec ok[1] = {{b, 4}};

	CHECK_ERR(writev(fd, bad, 2), EINVAL);
	CHECK_ERR(writev(fd, big, 2), EINVAL);
	CHECK_ERR(readv(fd, bad, 2), EINVAL);
	CHECK_ERR(syscall(SYS_readv, fd, 8, 1), EFAULT);
	CHECK(lseek(fd, 0, SEEK_END) == 50, "bytes written by a bad writev");
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
	CHECK(readv(fd, ok, 1) == 4 && !memcmp(b, "aaaa", 4), "readv");
}

int main(void)
{
	struct sigaction sa;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_xfsz;
	CHECK_SYS(sigaction(SIGXFSZ, &sa, NULL));
	guest_cleanup = cleanup;
	fd = open(FILE_NAME, O_CREAT | O_TRUNC | O_RDWR, 0600);
	CHECK_SYS(fd);
	fsize(fd);
	iov(fd);
	close(fd);
	cleanup();
	return 0;
}
