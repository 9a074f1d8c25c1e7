/* mmap_dev_zero - mappings of /dev/zero are anonymous memory as on
 * Linux: private ones read zeros and take writes even from a read-only
 * descriptor, shared ones are one memory with a fork child; a shared
 * writable mapping needs O_RDWR (EACCES), also when mprotect would add
 * PROT_WRITE later; O_WRONLY maps nothing. */
#include <sys/mman.h>
#include <sys/wait.h>
#include "guest.h"

int main(void)
{
	int ro = open("/dev/zero", O_RDONLY), rw = open("/dev/zero", O_RDWR);
	int wo = open("/dev/zero", O_WRONLY), st;
	char *p, *s;
	pid_t pid;

	CHECK(ro >= 0 && rw >= 0 && wo >= 0, "open /dev/zero");
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	CHECK(p != MAP_FAILED, "private map: %s", strerror(errno));
	CHECK(p[0] == 0 && p[2 * PAGE - 1] == 0, "private map not zero");
	p[5] = 'x';
	CHECK(p[5] == 'x', "private write");
	s = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(s != MAP_FAILED, "shared read-only map of a read-only fd: %s",
	      strerror(errno));
	CHECK_ERR(mprotect(s, PAGE, PROT_READ | PROT_WRITE), EACCES);
	CHECK_SYS(mprotect(s, PAGE, PROT_NONE));
	CHECK_SYS(munmap(s, PAGE));
	CHECK_ERR(
	    (long)mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0),
	    EACCES);
	CHECK_ERR((long)mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wo, 0),
		  EACCES);
	s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
	CHECK(s != MAP_FAILED, "shared map: %s", strerror(errno));
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		strcpy(s, "from the child");
		p[5] = 'c'; /* private: the parent keeps 'x' */
		_exit(0);
	}
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	CHECK(!strcmp(s, "from the child"), "shared memory: '%.20s'", s);
	CHECK(p[5] == 'x', "private memory changed by the child");
	munmap(p, 2 * PAGE);
	munmap(s, PAGE);
	close(ro);
	close(rw);
	close(wo);
	return 0;
}
