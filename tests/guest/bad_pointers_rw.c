/* bad_pointers_rw - read/write with user buffers that are not user memory
 * return -1 EFAULT and nothing happens: write(1, 1, 10),
 * read(0, 0xC0000000, 10), and the same through a pipe holding data. */
#include <fcntl.h>
#include "guest.h"

/* Bad pointers on purpose. */
#pragma GCC diagnostic ignored "-Wnonnull"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Wstringop-overflow"

static void remove_tmp(void)
{
	unlink("/tmp/bad_pointers_rw.tmp");
}

int main(void)
{
	guest_cleanup = remove_tmp;
	CHECK_ERR(write(1, (void *)1, 10), EFAULT);
	CHECK_ERR(write(1, NULL, 10), EFAULT);
	CHECK_ERR(write(1, (void *)0xC0000000, 10), EFAULT);
	CHECK_ERR(write(1, (void *)0xFFFFFFF0, 32), EFAULT); /* wraps */
	if (have_vmkernel()) {
		/* Our console: the pointer must be refused before any wait for
		 * input. (On Linux fd 0 may be a terminal that would block.) */
		CHECK_ERR(read(0, (void *)0xC0000000, 10), EFAULT);
		CHECK_ERR(read(0, (void *)0xFFFFFFFF, 10), EFAULT);
	}
	int fds[2];
	CHECK_SYS(pipe(fds));
	CHECK(write(fds[1], "0123456789", 10) == 10, "write to pipe failed");
	CHECK_ERR(read(fds[0], (void *)0xC0000000, 10), EFAULT);
	CHECK_ERR(read(fds[0], (void *)1, 10), EFAULT);
	CHECK_ERR(read(fds[0], (void *)0xFFFFFFFF, 10), EFAULT);
	CHECK_ERR(write(fds[1], (void *)0xC0000000, 10), EFAULT);
	CHECK_ERR(write(fds[1], (void *)1, 10), EFAULT);
	/* The pipe still works and still holds the good data. */
	char buf[16] = {0};
	CHECK(read(fds[0], buf, sizeof buf) == 10,
	      "pipe read after EFAULTs failed");
	CHECK(memcmp(buf, "0123456789", 10) == 0, "pipe data changed: '%.10s'",
	      buf);
	close(fds[0]);
	close(fds[1]);
	/* A regular file. */
	int fd =
	    open("/tmp/bad_pointers_rw.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		CHECK(write(fd, "abcdefghij", 10) == 10,
		      "write to /tmp file failed");
		CHECK_ERR(pwrite(fd, (void *)0xC0000000, 10, 0), EFAULT);
		CHECK_ERR(pread(fd, (void *)0xC0000000, 10, 0), EFAULT);
		CHECK_ERR(pread(fd, (void *)1, 10, 0), EFAULT);
		CHECK(pread(fd, buf, 10, 0) == 10 &&
			  memcmp(buf, "abcdefghij", 10) == 0,
		      "file data changed after EFAULTs");
		close(fd);
		unlink("/tmp/bad_pointers_rw.tmp");
	}
	return 0;
}
