/* mmap_file_private - a MAP_PRIVATE mapping of a /dev/shm (tmpfs) file is
 * copy-on-write over the file: it shows the file, its stores never reach
 * the file or another process, a page it has not written still follows
 * write(), and a fork child's stores stay the child's. */
#include <fcntl.h>
#include "guest.h"

#define PATH "/dev/shm/mmap_file_private"

static void cleanup(void)
{
	unlink(PATH);
}

int main(void)
{
	char b[80];
	guest_cleanup = cleanup;
	unlink(PATH);
	int fd = open(PATH, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK_SYS(fd);
	CHECK_SYS(ftruncate(fd, 2 * PAGE));
	CHECK(pwrite(fd, "file data", 9, 0) == 9, "pwrite");
	CHECK(pwrite(fd, "page one", 8, PAGE) == 8, "pwrite");
	/* Private writable mappings need only a readable file. */
	int rfd = open(PATH, O_RDONLY);
	CHECK_SYS(rfd);
	char *m =
	    mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, rfd, 0);
	CHECK(m != MAP_FAILED, "mmap MAP_PRIVATE: %s", strerror(errno));
	CHECK(memcmp(m, "file data", 9) == 0, "the mapping does not show "
					      "the file");
	m[0] = 'F';
	CHECK(pread(fd, b, 9, 0) == 9 && memcmp(b, "file data", 9) == 0,
	      "a private store reached the file");
	CHECK(memcmp(m, "File data", 9) == 0, "the private copy lost data");
	/* Page 1 is not copied yet: it still follows the file. */
	CHECK(memcmp(m + PAGE, "page one", 8) == 0, "page 1");
	CHECK(pwrite(fd, "PAGE ONE", 8, PAGE) == 8, "pwrite");
	CHECK(memcmp(m + PAGE, "PAGE ONE", 8) == 0,
	      "an unwritten private page does not follow the file");
	/* Page 0 is the process's own now. */
	CHECK(pwrite(fd, "xxxx", 4, 0) == 4, "pwrite");
	CHECK(memcmp(m, "File data", 9) == 0,
	      "a written private page still follows the file");

	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		if (memcmp(m, "File data", 9) != 0)
			_exit(2);
		m[1] = 'I';
		m[PAGE] = 'p';
		_exit(memcmp(m, "FIle data", 9) != 0 ? 3 : 0);
	}
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s",
	      status_str(st, b, sizeof b));
	CHECK(memcmp(m, "File data", 9) == 0 && m[PAGE] == 'P',
	      "the child's private stores reached the parent");
	CHECK(pread(fd, b, 8, PAGE) == 8 && memcmp(b, "PAGE ONE", 8) == 0,
	      "the child's private store reached the file");
	/* A read-only file cannot back a writable shared mapping. */
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0),
		  EACCES);
	CHECK_SYS(munmap(m, 2 * PAGE));
	CHECK_SYS(close(rfd));
	CHECK_SYS(close(fd));
	CHECK_SYS(unlink(PATH));
	return 0;
}
