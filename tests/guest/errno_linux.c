/* errno_linux - error answers that must be Linux's: waitpid with a bad
 * status pointer and no children is ECHILD; shmat at a kernel address or
 * an unaligned one is EINVAL; a pipe write whose buffer runs into an
 * unmapped page writes the bytes before it (EFAULT if the first byte is
 * bad), also to a file at an offset where the bad page falls inside a
 * file page; a read into such a buffer stops at the page. */
#include <sys/ipc.h>
#include <sys/shm.h>
#include "guest.h"

#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Wstringop-overflow"

int main(void)
{
	/* No children: the pointer is never looked at. */
	CHECK_ERR(waitpid(-1, (int *)0xC0000000u, 0), ECHILD);
	CHECK_ERR(waitpid(-1, (int *)1, WNOHANG), ECHILD);

	int id = shmget(IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
	CHECK_SYS(id);
	CHECK_ERR((long)shmat(id, (void *)0xC0000000u, 0), EINVAL);
	CHECK_ERR((long)shmat(id, (void *)0xFFFFF000u, 0), EINVAL);
	CHECK_ERR((long)shmat(id, (void *)0x50000123u, 0), EINVAL);
	void *at = shmat(id, (void *)0x50000123u, SHM_RND);
	CHECK(at == (void *)0x50000000u, "SHM_RND gave %p", at);
	CHECK_ERR((long)shmat(id, (void *)0x50000000u, 0), EINVAL);
	CHECK_SYS(shmdt(at));
	CHECK_SYS(shmctl(id, IPC_RMID, NULL));

	/* Two pages, the second unmapped. */
	char *buf = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED, "mmap failed");
	CHECK_SYS(munmap(buf + PAGE, PAGE));
	memset(buf, 'x', PAGE);
	int fds[2];
	CHECK_SYS(pipe(fds));
	ssize_t n = write(fds[1], buf + PAGE - 100, 1u << 30);
	CHECK(n == 100, "write into a hole wrote %zd (%s), expected 100", n,
	      strerror(errno));
	CHECK_ERR(write(fds[1], buf + PAGE, 10), EFAULT);
	/* Reading: the 100 bytes fit before the hole, nothing is lost. */
	n = read(fds[0], buf + PAGE - 40, 100);
	CHECK(n == 40, "read up to a hole gave %zd (%s), expected 40", n,
	      strerror(errno));
	n = read(fds[0], buf, 100);
	CHECK(n == 60, "the rest of the pipe: %zd bytes, expected 60", n);
	CHECK(write(fds[1], "abc", 3) == 3, "write failed");
	CHECK_ERR(read(fds[0], buf + PAGE, 3), EFAULT);
	CHECK(read(fds[0], buf, 3) == 3 && memcmp(buf, "abc", 3) == 0,
	      "a read into a bad buffer lost the data");
	close(fds[0]);
	close(fds[1]);

	/* A file: 50 bytes in, the buffer's bad page falls inside the
	 * file's first page. */
	int fd = open("/tmp/errno_linux", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK_SYS(fd);
	memset(buf, 'y', PAGE);
	CHECK(pwrite(fd, buf, 50, 0) == 50, "pwrite failed");
	n = pwrite(fd, buf + PAGE - 100, 300, 50);
	CHECK(n == 100, "file write into a hole wrote %zd (%s), expected 100",
	      n, strerror(errno));
	CHECK_ERR(pwrite(fd, buf + PAGE, 10, 150), EFAULT);
	CHECK(lseek(fd, 0, SEEK_END) == 150, "the file is not 150 bytes");
	close(fd);
	unlink("/tmp/errno_linux");
	munmap(buf, PAGE);
	return 0;
}
