/* fork_cow_4mib - a 4 MiB malloc'ed buffer with a pattern, shared
 * copy-on-write by fork: the child (and a grandchild) each write their own
 * pattern, the parent rewrites part of it; every process sees only its own
 * writes. */
#include "guest.h"

#define N (4u << 20)
#define WORDS (N / 4)

static uint32_t pat(uint32_t i, uint32_t seed)
{
	return (i * 2654435761u) ^ seed;
}

static void fill(uint32_t *b, uint32_t from, uint32_t to, uint32_t seed)
{
	for (uint32_t i = from; i < to; i++)
		b[i] = pat(i, seed);
}

static void verify(const uint32_t *b, uint32_t from, uint32_t to, uint32_t seed,
		   const char *who)
{
	for (uint32_t i = from; i < to; i++)
		if (b[i] != pat(i, seed))
			fail("%s: word %u is %08x, expected %08x", who, i, b[i],
			     pat(i, seed));
}

int main(void)
{
	uint32_t *buf = malloc(N);
	CHECK(buf != NULL, "malloc(4 MiB) failed");
	fill(buf, 0, WORDS, 0x11111111);

	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		verify(buf, 0, WORDS, 0x11111111, "child before writing");
		fill(buf, 0, WORDS, 0x22222222);
		pid_t g = fork();
		CHECK_SYS(g);
		if (g == 0) {
			verify(buf, 0, WORDS, 0x22222222, "grandchild");
			fill(buf, 0, WORDS / 2, 0x33333333);
			verify(buf, 0, WORDS / 2, 0x33333333, "grandchild");
			verify(buf, WORDS / 2, WORDS, 0x22222222, "grandchild");
			_exit(0);
		}
		fill(buf, WORDS / 2, WORDS, 0x44444444);
		char b[80];
		int st = wait_for(g);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "grandchild failed: %s", status_str(st, b, sizeof b));
		verify(buf, 0, WORDS / 2, 0x22222222, "child after grandchild");
		verify(buf, WORDS / 2, WORDS, 0x44444444,
		       "child after grandchild");
		_exit(0);
	}
	/* Parent rewrites every other page while the child runs. */
	for (uint32_t p = 0; p < N / PAGE; p += 2)
		fill(buf, p * 1024, p * 1024 + 1024, 0x55555555);
	char b[80];
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed: %s",
	      status_str(st, b, sizeof b));
	for (uint32_t p = 0; p < N / PAGE; p++)
		verify(buf, p * 1024, p * 1024 + 1024,
		       p % 2 ? 0x11111111 : 0x55555555, "parent");
	/* A second child sees the parent's current contents. */
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		for (uint32_t p = 0; p < N / PAGE; p++)
			verify(buf, p * 1024, p * 1024 + 1024,
			       p % 2 ? 0x11111111 : 0x55555555, "second child");
		_exit(0);
	}
	st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "second child failed: %s",
	      status_str(st, b, sizeof b));
	free(buf);
	return 0;
}
