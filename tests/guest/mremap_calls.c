/* mremap_calls - mremap as Linux: grow in place when the room after is
 * free, move with MREMAP_MAYMOVE when it is not (the contents come along,
 * the old range is gone), move to an exact place with MREMAP_FIXED
 * (replacing what was there), shrink; and the errors: EINVAL for bad
 * flags and alignment, EFAULT for a range that is not one mapping,
 * ENOMEM when it cannot grow in place and may not move. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "guest.h"

static volatile char *gone;

static void touch_gone(void *arg)
{
	(void)arg;
	volatile char c = *gone;
	(void)c;
}

static void fill(char *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(seed + i * 7);
}

static void check_fill(const char *p, size_t n, int seed, const char *what)
{
	for (size_t i = 0; i < n; i++)
		CHECK(p[i] == (char)(seed + i * 7), "%s: byte %zu wrong", what,
		      i);
}

int main(void)
{
	/* Reserve 8 pages, keep 2: growing in place to 6 must stay put. */
	char *a = map_anon(8 * PAGE);
	CHECK_SYS(munmap(a + 2 * PAGE, 6 * PAGE));
	fill(a, 2 * PAGE, 1);
	char *g = mremap(a, 2 * PAGE, 6 * PAGE, 0);
	CHECK(g == a, "grow in place moved or failed: %p (%s)", (void *)g,
	      strerror(errno));
	check_fill(a, 2 * PAGE, 1, "grown in place");
	for (size_t i = 2 * PAGE; i < 6 * PAGE; i++)
		CHECK(a[i] == 0, "new part not zero at %zu", i);
	fill(a, 6 * PAGE, 2);

	/* A neighbour blocks growth: ENOMEM without MAYMOVE, a move with. */
	char *block = mmap(a + 6 * PAGE, PAGE, PROT_READ,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(block == a + 6 * PAGE, "neighbour mmap failed");
	CHECK_ERR(mremap(a, 6 * PAGE, 10 * PAGE, 0), ENOMEM);
	char *m = mremap(a, 6 * PAGE, 10 * PAGE, MREMAP_MAYMOVE);
	CHECK(m != MAP_FAILED && m != a, "MAYMOVE did not move: %p (%s)",
	      (void *)m, strerror(errno));
	check_fill(m, 6 * PAGE, 2, "moved");
	for (size_t i = 6 * PAGE; i < 10 * PAGE; i++)
		CHECK(m[i] == 0, "moved mapping's new part not zero at %zu", i);
	gone = a;
	expect_signal(touch_gone, NULL, SIGSEGV, "reading the old range");

	/* MREMAP_FIXED onto an existing mapping replaces it. */
	char *dst = map_anon(4 * PAGE);
	memset(dst, 0x55, 4 * PAGE);
	char *f =
	    mremap(m, 10 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	CHECK(f == dst, "MREMAP_FIXED gave %p, not %p (%s)", (void *)f,
	      (void *)dst, strerror(errno));
	check_fill(dst, 3 * PAGE, 2, "fixed move");
	CHECK(dst[3 * PAGE] == 0x55, "page after the fixed target changed");
	gone = m;
	expect_signal(touch_gone, NULL, SIGSEGV, "reading the fixed source");

	/* Shrink: the tail goes. */
	CHECK(mremap(dst, 3 * PAGE, PAGE, 0) == dst, "shrink failed");
	gone = dst + PAGE;
	expect_signal(touch_gone, NULL, SIGSEGV, "reading the shrunk tail");
	check_fill(dst, PAGE, 2, "shrunk");

	/* Errors. */
	CHECK_ERR(mremap(dst, PAGE, 2 * PAGE, 8), EINVAL);
	CHECK_ERR(mremap(dst, PAGE, 2 * PAGE, MREMAP_FIXED, dst + PAGE),
		  EINVAL);
	CHECK_ERR(mremap(dst + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EINVAL);
	CHECK_ERR(mremap(dst, PAGE, 0, MREMAP_MAYMOVE), EINVAL);
	CHECK_ERR(
	    mremap(dst, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst + 1),
	    EINVAL);
	CHECK_ERR(
	    mremap(dst, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst),
	    EINVAL); /* overlapping */
	char *hole = map_anon(2 * PAGE);
	CHECK_SYS(munmap(hole, 2 * PAGE));
	CHECK_ERR(mremap(hole, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EFAULT);
	CHECK_ERR(mremap(dst, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE), EFAULT);

	/* A fork child's copy-on-write pages move with the mapping and stay
	 * private to each side. */
	char *c = map_anon(2 * PAGE);
	memset(c, 3, 2 * PAGE);
	pid_t pid = fork();
	if (pid == 0) {
		char *cm = mremap(c, 2 * PAGE, 64 * PAGE, MREMAP_MAYMOVE);
		if (cm == MAP_FAILED || cm[PAGE] != 3)
			_exit(2);
		memset(cm, 4, PAGE);
		_exit(0);
	}
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed");
	CHECK(c[0] == 3, "child's write after its move reached the parent");
	return 0;
}
