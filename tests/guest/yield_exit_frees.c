/* yield_exit_frees - a child yields many pages (512, in 8 blocks) and
 * exits without getting or forgetting them: afterwards the cache's page
 * and block counts are back where they were. */
#include "guest.h"

#define BLOCKS 8
#define PER 64

int main(void)
{
	need_vmkernel();
	struct vm_stats s0 = get_stats();
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		char *p = map_anon(BLOCKS * PER * PAGE);
		for (size_t i = 0; i < BLOCKS * PER; i++)
			p[i * PAGE] = (char)i;
		for (int b = 0; b < BLOCKS; b++)
			CHECK(vm_yield_get_block(1000 + b, VM_BLOCK_NONE,
						 p + b * PER * PAGE, PER) == 0,
			      "yield of block %d failed: %s", b,
			      strerror(errno));
		struct vm_stats s = get_stats();
		CHECK(s.cached == s0.cached + BLOCKS * PER,
		      "child: cached %u, expected %u", s.cached,
		      s0.cached + BLOCKS * PER);
		CHECK(s.cache_blocks == s0.cache_blocks + BLOCKS,
		      "child: %u blocks, expected %u", s.cache_blocks,
		      s0.cache_blocks + BLOCKS);
		_exit(0);
	}
	char b[80];
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed: %s",
	      status_str(st, b, sizeof b));
	struct vm_stats s1 = get_stats();
	CHECK(s1.cached == s0.cached,
	      "cached pages %u after the child's exit, %u before", s1.cached,
	      s0.cached);
	CHECK(s1.cache_blocks == s0.cache_blocks,
	      "cache blocks %u after the child's exit, %u before",
	      s1.cache_blocks, s0.cache_blocks);
	/* Pages in use outside the slab plus live slab objects (plain free
	 * pages move with the slab's partly used pages). */
	uint32_t used0 = s0.used_outside_slab + s0.slab_objects;
	uint32_t used1 = s1.used_outside_slab + s1.slab_objects;
	CHECK(used1 == used0,
	      "%u pages and slab objects in use after the child's exit, %u "
	      "before",
	      used1, used0);
	return 0;
}
