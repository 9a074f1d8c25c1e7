/* yield_errors - vm_yield_get_block's errors: get of a never-yielded id ->
 * ESRCH (range unchanged); yield of an id already cached -> EEXIST (range
 * unchanged, the get skipped); misaligned address -> EINVAL; unmapped or
 * kernel address -> EFAULT; npages 0 -> EINVAL; forget of unknown id ->
 * ESRCH. */
#include <sys/mman.h>
#include "guest.h"

static void fill(char *p, size_t n, char c)
{
	memset(p, c, n * PAGE);
}

static void verify(const char *p, size_t n, char c, const char *what)
{
	for (size_t i = 0; i < n * PAGE; i++)
		if (p[i] != c)
			fail("%s: byte %zu is %d, expected %d", what, i, p[i],
			     c);
}

int main(void)
{
	need_vmkernel();
	char *p = map_anon(4 * PAGE);
	fill(p, 4, 1);

	/* Never yielded. */
	CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, 0xdead, p, 4), ESRCH);
	verify(p, 4, 1, "range after get of an unknown id");
	CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, (uint64_t)1 << 40, p, 1),
		  ESRCH);

	/* Yield twice under the same id. */
	CHECK(vm_yield_get_block(7, VM_BLOCK_NONE, p, 4) == 0,
	      "yield 7 failed: %s", strerror(errno));
	fill(p, 4, 2);
	CHECK_ERR(vm_yield_get_block(7, VM_BLOCK_NONE, p, 4), EEXIST);
	verify(p, 4, 2, "range after a yield that failed with EEXIST");
	/* A failed yield skips the get: 8 stays cached. */
	char *q = map_anon(2 * PAGE);
	fill(q, 2, 8);
	CHECK(vm_yield_get_block(8, VM_BLOCK_NONE, q, 2) == 0,
	      "yield 8 failed");
	fill(p, 4, 3);
	CHECK_ERR(vm_yield_get_block(7, 8, p, 2), EEXIST);
	verify(p, 4, 3, "range after yield-EEXIST + get");
	CHECK(vm_yield_get_block(VM_BLOCK_NONE, 8, q, 2) == 0,
	      "8 was not cached any more after a failed yield 7 + get 8: %s",
	      strerror(errno));
	verify(q, 2, 8, "block 8");

	/* A yield that works followed by a get that misses: the yield stays. */
	fill(q, 2, 9);
	errno = 0;
	int r = vm_yield_get_block(9, 0x999999, q, 2);
	CHECK(r == -1 && errno == ESRCH,
	      "yield 9 + get of unknown returned %d (%s)", r, strerror(errno));
	verify(q, 2, 0, "range after yield 9 + missed get (fresh zero pages)");
	CHECK(vm_yield_get_block(VM_BLOCK_NONE, 9, q, 2) == 0,
	      "yield 9 was not kept when the get missed: %s", strerror(errno));
	verify(q, 2, 9, "block 9");

	/* Misaligned. */
	CHECK_ERR(vm_yield_get_block(10, VM_BLOCK_NONE, p + 1, 1), EINVAL);
	CHECK_ERR(vm_yield_get_block(10, VM_BLOCK_NONE, p + 2048, 1), EINVAL);
	CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, 7, p + 4, 4), EINVAL);
	/* Zero pages. */
	CHECK_ERR(vm_yield_get_block(10, VM_BLOCK_NONE, p, 0), EINVAL);

	/* Unmapped: a hole, a range running past the end, kernel memory. */
	char *h = map_anon(3 * PAGE);
	CHECK_SYS(munmap(h + PAGE, 2 * PAGE));
	CHECK_ERR(vm_yield_get_block(11, VM_BLOCK_NONE, h + PAGE, 1), EFAULT);
	fill(h, 1, 4);
	CHECK_ERR(vm_yield_get_block(11, VM_BLOCK_NONE, h, 3), EFAULT);
	verify(h, 1, 4, "mapped part of a range that failed with EFAULT");
	CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, 7, h + PAGE, 4), EFAULT);
	CHECK_ERR(vm_yield_get_block(11, VM_BLOCK_NONE, (void *)0xC0000000, 1),
		  EFAULT);
	CHECK_ERR(vm_yield_get_block(11, VM_BLOCK_NONE, NULL, 1), EFAULT);
	CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, 11, p, 1), ESRCH);

	/* A get with another page count than the block's -> EINVAL, and the
	 * block stays. */
	CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, 7, p, 2), EINVAL);

	/* 7 is still there after all that, with the pages of the first
	 * yield. */
	CHECK(vm_yield_get_block(VM_BLOCK_NONE, 7, p, 4) == 0,
	      "get 7 failed: %s", strerror(errno));
	verify(p, 4, 1, "block 7");

	/* Forget. */
	CHECK(vm_yield_get_block(12, VM_BLOCK_NONE, p, 1) == 0,
	      "yield 12 failed");
	CHECK(vm_forget_block(12) == 0, "forget 12 failed: %s",
	      strerror(errno));
	CHECK_ERR(vm_forget_block(12), ESRCH);
	CHECK_ERR(vm_yield_get_block(VM_BLOCK_NONE, 12, p, 1), ESRCH);
	CHECK(vm_forget_all_blocks() == 0, "blocks left at the end");
	guest_drop_caches(); /* the block cache's blocks are not ours */
	CHECK(get_stats().cache_blocks == 0, "cache not empty at the end");
	return 0;
}
