/* madvise_remove_tmpfs - MADV_REMOVE on a shared mapping of a tmpfs file
 * punches a hole, as Linux: the pages read as zeros afterwards through
 * the mapping, another process's mapping and read(), the rest and the
 * size stay; a private copy made before stays; a file whose file system
 * cannot punch (the root's: ramfs or ext2) is EOPNOTSUPP; a read-only
 * shared mapping is EACCES. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "guest.h"

#define PATH "/dev/shm/madv_remove"

int main(void)
{
	char buf[PAGE];
	struct stat st;
	int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0, "open: %s", strerror(errno));
	CHECK_SYS(ftruncate(fd, 4 * PAGE));
	char *s =
	    mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *s2 = mmap(NULL, 4 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	char *p =
	    mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(s != MAP_FAILED && s2 != MAP_FAILED && p != MAP_FAILED, "mmap");
	memset(s, 'x', 4 * PAGE);
	CHECK(s2[PAGE] == 'x', "shared view");
	p[2 * PAGE] = 'p'; /* a private copy of page 2 */

	CHECK_SYS(madvise(s + PAGE, 2 * PAGE, MADV_REMOVE));
	CHECK(s[0] == 'x' && s[3 * PAGE] == 'x', "outside the hole: %c %c",
	      s[0], s[3 * PAGE]);
	CHECK(s[PAGE] == 0 && s[2 * PAGE + 7] == 0, "hole: %d %d", s[PAGE],
	      s[2 * PAGE + 7]);
	CHECK(s2[PAGE] == 0 && s2[2 * PAGE] == 0, "other mapping: %d",
	      s2[PAGE]);
	CHECK(p[2 * PAGE] == 'p' && p[2 * PAGE + 1] == 'x',
	      "private copy lost: %c %c", p[2 * PAGE], p[2 * PAGE + 1]);
	CHECK(pread(fd, buf, PAGE, PAGE) == PAGE, "pread");
	for (size_t i = 0; i < PAGE; i++)
		CHECK(buf[i] == 0, "read() byte %zu: %d", i, buf[i]);
	CHECK_SYS(fstat(fd, &st));
	CHECK(st.st_size == (off_t)(4 * PAGE), "size %lld",
	      (long long)st.st_size);

	/* The hole fills again on a store; in a child too. */
	s[PAGE] = 'y';
	pid_t pid = fork();
	if (pid == 0)
		_exit(s2[PAGE] == 'y' ? 0 : 1);
	CHECK(pid > 0 && wait_for(pid) == 0, "child sees the refill");

	CHECK_ERR(madvise(s2, PAGE, MADV_REMOVE), EACCES);
	unlink(PATH);

	int rf = open("/tmp/madv_remove", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(rf >= 0, "open /tmp");
	CHECK_SYS(ftruncate(rf, PAGE));
	char *r = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rf, 0);
	CHECK(r != MAP_FAILED, "mmap /tmp");
	CHECK_ERR(madvise(r, PAGE, MADV_REMOVE), EOPNOTSUPP);
	unlink("/tmp/madv_remove");
	return 0;
}
