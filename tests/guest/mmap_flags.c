/* mmap_flags - mmap's flags as Linux: MAP_FIXED_NOREPLACE refuses a used
 * range (EEXIST) and takes a free one; MAP_POPULATE makes pages present;
 * MAP_NORESERVE and MAP_STACK are accepted; MAP_GROWSDOWN grows on a
 * touch just below but keeps the guard gap to the mapping under it;
 * MAP_SHARED_VALIDATE refuses unknown flags (EOPNOTSUPP); a PROT_NONE
 * guard page kills on access; mprotect of an unmapped range is ENOMEM. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "guest.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static volatile char *target;

static void touch(void *arg)
{
	(void)arg;
	*target = 1;
}

int main(void)
{
	unsigned char vec[8];
	char *a = map_anon(8 * PAGE);

	CHECK_ERR(mmap(a + PAGE, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0),
		  EEXIST);
	CHECK_SYS(munmap(a + 4 * PAGE, 4 * PAGE));
	CHECK(mmap(a + 5 * PAGE, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) ==
		  a + 5 * PAGE,
	      "MAP_FIXED_NOREPLACE into a hole: %s", strerror(errno));
	CHECK_ERR(
	    mmap(a + 4 * PAGE, 2 * PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0),
	    EEXIST);

	char *p = mmap(NULL, 8 * PAGE, RW, ANON | MAP_POPULATE | MAP_NORESERVE,
		       -1, 0);
	CHECK(p != MAP_FAILED, "MAP_POPULATE: %s", strerror(errno));
	CHECK_SYS(mincore(p, 8 * PAGE, vec));
	for (int i = 0; i < 8; i++)
		CHECK(vec[i] == 1, "populated page %d not resident", i);
	CHECK(mmap(NULL, PAGE, RW, ANON | MAP_STACK, -1, 0) != MAP_FAILED,
	      "MAP_STACK");
	CHECK_ERR(mmap(NULL, PAGE, RW,
		       MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x40000000, -1, 0),
		  EOPNOTSUPP);
	CHECK(mmap(NULL, PAGE, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1,
		   0) != MAP_FAILED,
	      "MAP_SHARED_VALIDATE: %s", strerror(errno));
	CHECK_ERR(mmap(NULL, PAGE, RW,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0),
		  EINVAL);

	/* MAP_GROWSDOWN: 2 MiB of room, the top page mapped. */
	char *room = map_anon(512 * PAGE);
	CHECK_SYS(munmap(room, 512 * PAGE));
	char *top = mmap(room + 511 * PAGE, PAGE, RW,
			 ANON | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
	CHECK(top == room + 511 * PAGE, "MAP_GROWSDOWN: %s", strerror(errno));
	target = top - 10 * PAGE;
	expect_ok(touch, NULL, "touching below a MAP_GROWSDOWN mapping");
	/* A page mapped at the bottom: the guard gap stops growth above it. */
	CHECK(mmap(room, PAGE, RW, ANON | MAP_FIXED, -1, 0) == room,
	      "bottom page");
	target = room + 100 * PAGE;
	expect_signal(touch, NULL, SIGSEGV, "growing into the guard gap");

	/* PROT_NONE guard and mprotect of a hole. */
	char *g = map_anon(3 * PAGE);
	CHECK_SYS(mprotect(g + PAGE, PAGE, PROT_NONE));
	target = g + PAGE;
	expect_signal(touch, NULL, SIGSEGV, "writing a PROT_NONE guard");
	g[0] = g[2 * PAGE] = 1;
	CHECK_SYS(munmap(g + 2 * PAGE, PAGE));
	CHECK_ERR(mprotect(g, 3 * PAGE, PROT_READ), ENOMEM);
	CHECK(g[0] == 1, "a refused mprotect changed the mapping");
	target = g;
	expect_ok(touch, NULL, "the first page stays writable");
	return 0;
}
