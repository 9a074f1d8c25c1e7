/* stack_growth - the stack grows on demand: recursion touching 1.5 MiB of
 * stack in 4 KiB frames, and a child that alloca()s and memsets 1 MiB. */
#include <alloca.h>
#include "guest.h"

#define DEPTH 384 /* 384 * 4 KiB = 1.5 MiB */

static __attribute__((noinline)) uint32_t recurse(int depth)
{
	volatile char frame[4096];
	for (size_t i = 0; i < sizeof frame; i += 512)
		frame[i] = (char)(depth + i);
	uint32_t sum = depth > 0 ? recurse(depth - 1) : 0;
	for (size_t i = 0; i < sizeof frame; i += 512)
		if (frame[i] != (char)(depth + i))
			fail("frame at depth %d corrupted", depth);
	return sum + (uint32_t)frame[512];
}

static void big_alloca(void *arg)
{
	size_t n = (size_t)arg;
	volatile char *p = alloca(n);
	memset((char *)p, 0x3c, n);
	for (size_t i = 0; i < n; i += 4096)
		if (p[i] != 0x3c)
			fail("alloca'd stack wrong at +%zu", i);
}

int main(void)
{
	uint32_t expect = 0;
	for (int d = 0; d <= DEPTH; d++)
		expect += (uint32_t)(char)(d + 512);
	uint32_t got = recurse(DEPTH);
	CHECK(got == expect, "recursion sum %u, expected %u", got, expect);
	/* Again: the grown stack is reused. */
	CHECK(recurse(DEPTH) == expect, "second recursion wrong");
	expect_ok(big_alloca, (void *)(1ul << 20), "1 MiB alloca in a child");
	/* In a forked child the grown stack is copy-on-write. */
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0)
		_exit(recurse(DEPTH) == expect ? 0 : 1);
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "recursion in a child failed");
	return 0;
}
