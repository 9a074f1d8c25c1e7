/* mincore_file - mincore of a file mapping looks at the file's pages in
 * memory, as Linux's page cache: pages a child faulted in through its
 * own mapping (mincore04), or that write() made, are resident in this
 * process's untouched mapping, private or shared; a hole never written
 * is not. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "guest.h"

static void check_file(const char *path)
{
	unsigned char vec[4];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char c = 7;

	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	CHECK_SYS(ftruncate(fd, 4 * PAGE));
	CHECK_SYS(pwrite(fd, &c, 1, 3 * PAGE));
	char *p = mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	char *s = mmap(NULL, 4 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED && s != MAP_FAILED, "mmap %s", path);

	pid_t pid = fork();
	if (pid == 0) {
		/* The child touches pages 0 and 1 through its copy of p. */
		_exit(p[0] + p[PAGE] == 0 ? 0 : 1);
	}
	CHECK(pid > 0 && wait_for(pid) == 0, "child");
	CHECK_SYS(mincore(p, 4 * PAGE, vec));
	CHECK((vec[0] & 1) && (vec[1] & 1) && (vec[3] & 1),
	      "%s private: %d %d %d", path, vec[0], vec[1], vec[3]);
	CHECK_SYS(mincore(s, 4 * PAGE, vec));
	CHECK((vec[0] & 1) && (vec[1] & 1) && (vec[3] & 1),
	      "%s shared: %d %d %d", path, vec[0], vec[1], vec[3]);
	close(fd);
	munmap(p, 4 * PAGE);
	munmap(s, 4 * PAGE);
	unlink(path);
}

int main(void)
{
	unsigned char vec[2];

	check_file("/dev/shm/mincore_file");
	check_file("/tmp/mincore_file");

	/* A hole of a tmpfs file nobody touched is not in memory. */
	int fd =
	    open("/dev/shm/mincore_hole", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0, "open hole file");
	CHECK_SYS(ftruncate(fd, 2 * PAGE));
	char *h = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(h != MAP_FAILED, "mmap hole file");
	CHECK_SYS(mincore(h, 2 * PAGE, vec));
	CHECK(vec[0] == 0 && vec[1] == 0, "hole resident: %d %d", vec[0],
	      vec[1]);
	unlink("/dev/shm/mincore_hole");
	return 0;
}
