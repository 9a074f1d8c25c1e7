/* mmap_anon_zero - anonymous mappings read zero across many pages, also
 * after the same memory was written, unmapped and mapped again (freed
 * pages must be scrubbed), and a fresh page is zero after a fork. */
#include "guest.h"

#define NPAGES 256

static void check_zero(const uint32_t *p, size_t pages, const char *what)
{
	for (size_t i = 0; i < pages * PAGE / 4; i++)
		if (p[i] != 0)
			fail("%s: word %zu (page %zu) is %08x, not zero", what,
			     i, i * 4 / PAGE, p[i]);
}

int main(void)
{
	uint32_t *p = map_anon(NPAGES * PAGE);
	check_zero(p, NPAGES, "fresh mapping");
	/* Reads of untouched pages, then a write to each: still zero
	 * elsewhere. */
	for (size_t i = 0; i < NPAGES; i++)
		p[i * PAGE / 4 + 7] = 0xdeadbeef;
	for (size_t i = 0; i < NPAGES; i++) {
		CHECK(p[i * PAGE / 4 + 7] == 0xdeadbeef,
		      "page %zu lost a write", i);
		p[i * PAGE / 4 + 7] = 0;
	}
	check_zero(p, NPAGES, "after writing zero back");
	for (size_t i = 0; i < NPAGES * PAGE / 4; i++)
		p[i] = 0xa5a5a5a5;
	CHECK_SYS(munmap(p, NPAGES * PAGE));
	for (int round = 0; round < 3; round++) {
		uint32_t *q = map_anon(NPAGES * PAGE);
		check_zero(q, NPAGES,
			   "mapping after a written one was unmapped");
		for (size_t i = 0; i < NPAGES * PAGE / 4; i++)
			q[i] = 0x5a5a5a5a;
		CHECK_SYS(munmap(q, NPAGES * PAGE));
	}
	/* An untouched page mapped before fork reads zero in the child. */
	uint32_t *r = map_anon(16 * PAGE);
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		check_zero(r, 16, "child's view of an untouched mapping");
		r[5] = 1;
		_exit(0);
	}
	char b[80];
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed: %s",
	      status_str(st, b, sizeof b));
	check_zero(r, 16, "parent after the child wrote its copy");
	CHECK_SYS(munmap(r, 16 * PAGE));
	return 0;
}
