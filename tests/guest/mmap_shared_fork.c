/* mmap_shared_fork - a MAP_SHARED|MAP_ANONYMOUS mapping is one memory for
 * parent and child: the child's writes (also to pages first touched in the
 * child) are seen by the parent, and the parent's by the child, while both
 * run and after wait. */
#include <sys/mman.h>
#include "guest.h"

#define NPAGES 4

struct shared {
	volatile int flag;
	char from_child[64];
	char from_parent[64];
};

static void wait_flag(volatile int *f, int v, const char *who)
{
	for (int i = 0; i < 10000 && *f != v; i++)
		sleep_ms(1);
	if (*f != v)
		fail("%s: timed out waiting for flag %d (it is %d)", who, v,
		     *f);
}

int main(void)
{
	char *m = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap MAP_SHARED failed: %s", strerror(errno));
	struct shared *s = (struct shared *)m;
	s->flag = 0; /* page 0 touched before fork; pages 1..3 are not */

	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		strcpy(s->from_child, "written by the child");
		for (int pg = 1; pg < NPAGES; pg++)
			memset(m + pg * PAGE, 'c' + pg, PAGE);
		s->flag = 1;
		wait_flag(&s->flag, 2, "child");
		if (strcmp(s->from_parent, "written by the parent") != 0)
			fail("child does not see the parent's write: '%s'",
			     s->from_parent);
		if (m[3 * PAGE + 100] != 'P')
			fail("child does not see the parent's page-3 write");
		strcpy(s->from_child, "last words of the child");
		s->flag = 3;
		_exit(0);
	}
	wait_flag(&s->flag, 1, "parent");
	CHECK(strcmp(s->from_child, "written by the child") == 0,
	      "parent does not see the child's write: '%s'", s->from_child);
	for (int pg = 1; pg < NPAGES; pg++)
		for (size_t i = 0; i < PAGE; i++)
			CHECK(m[pg * PAGE + i] == 'c' + pg,
			      "parent: page %d (first touched by the child) "
			      "byte %zu is %d",
			      pg, i, m[pg * PAGE + i]);
	strcpy(s->from_parent, "written by the parent");
	m[3 * PAGE + 100] = 'P';
	s->flag = 2;
	char b[80];
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed: %s",
	      status_str(st, b, sizeof b));
	CHECK(s->flag == 3 &&
		  strcmp(s->from_child, "last words of the child") == 0,
	      "parent does not see the child's last write after wait");
	/* A second child, forked after, still shares it. */
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		if (m[3 * PAGE + 100] != 'P')
			fail("second child does not see the parent's data");
		m[2 * PAGE + 7] = 'Z';
		_exit(0);
	}
	st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "second child failed: %s",
	      status_str(st, b, sizeof b));
	CHECK(m[2 * PAGE + 7] == 'Z', "second child's write not seen");
	CHECK_SYS(munmap(m, NPAGES * PAGE));
	return 0;
}
