/* yield_evicted - a yielded block is dropped when memory runs short: yield
 * 256 pages, then fork+exec /tests/helpers/memhog, which touches memory
 * until only 64 pages are free or cached and exits; now the get returns
 * ESRCH (the range keeps its fresh zero pages) and the eviction counter
 * went up. */
#include "guest.h"

#define NPAGES 256

int main(int argc, char **argv)
{
	(void)argc;
	need_vmkernel();
	char hog[256];
	helper_path(hog, sizeof hog, argv[0], "memhog");
	char *p = map_anon(NPAGES * PAGE);
	memset(p, 0x5a, NPAGES * PAGE);
	guest_drop_caches(); /* cached pages: only this test's */
	struct vm_stats s0 = get_stats();
	CHECK(vm_yield_get_block(0xe0e0, VM_BLOCK_NONE, p, NPAGES) == 0,
	      "yield failed: %s", strerror(errno));
	CHECK(get_stats().cached >= s0.cached + NPAGES, "cached did not grow");

	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		char *args[] = {hog, "64", NULL};
		execve(hog, args, (char *[]){NULL});
		fail("execve %s failed: %s", hog, strerror(errno));
	}
	char b[80];
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "memhog failed: %s",
	      status_str(st, b, sizeof b));
	guest_drop_caches();
	struct vm_stats s1 = get_stats();
	CHECK(s1.evictions > s0.evictions, "no eviction counted (%llu -> %llu)",
	      (unsigned long long)s0.evictions,
	      (unsigned long long)s1.evictions);
	CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, 0xe0e0, p, NPAGES), ESRCH);
	for (size_t i = 0; i < NPAGES * PAGE; i++)
		CHECK(p[i] == 0, "range after the missed get not zero at %zu",
		      i);
	CHECK(s1.cached == s0.cached,
	      "cached pages %u, was %u before the yield", s1.cached, s0.cached);
	/* The cache still works after an eviction. */
	memset(p, 3, PAGE);
	CHECK(vm_yield_get_block(0xe0e1, VM_BLOCK_NONE, p, 1) == 0,
	      "yield after eviction failed");
	CHECK(vm_yield_get_block(VM_BLOCK_NONE, 0xe0e1, p, 1) == 0,
	      "get after eviction failed");
	CHECK(p[100] == 3, "block yielded after the eviction came back wrong");
	return 0;
}
