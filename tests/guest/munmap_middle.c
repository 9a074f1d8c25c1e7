/* munmap_middle - map 5 pages, unmap the middle one: touching the hole
 * kills a child with SIGSEGV; the outer pages keep working in the parent
 * and in another child; the hole can be mapped again with MAP_FIXED. */
#include <sys/mman.h>
#include "guest.h"

static volatile char *base;

static void read_hole(void *arg)
{
	(void)arg;
	volatile char c = base[2 * PAGE + 10];
	(void)c;
}

static void write_hole(void *arg)
{
	(void)arg;
	base[2 * PAGE] = 1;
}

static void use_outer(void *arg)
{
	(void)arg;
	for (int pg = 0; pg < 5; pg++) {
		if (pg == 2)
			continue;
		for (size_t i = 0; i < PAGE; i++)
			if (base[pg * PAGE + i] != (char)(pg * 31 + i))
				fail("child: page %d byte %zu wrong", pg, i);
		memset((char *)base + pg * PAGE, 0x77, PAGE);
	}
}

int main(void)
{
	base = map_anon(5 * PAGE);
	for (int pg = 0; pg < 5; pg++)
		for (size_t i = 0; i < PAGE; i++)
			base[pg * PAGE + i] = (char)(pg * 31 + i);
	CHECK_SYS(munmap((void *)(base + 2 * PAGE), PAGE));
	expect_signal(read_hole, NULL, SIGSEGV,
		      "reading the unmapped middle page");
	expect_signal(write_hole, NULL, SIGSEGV,
		      "writing the unmapped middle page");
	expect_ok(use_outer, NULL, "using the outer pages in a child");
	for (int pg = 0; pg < 5; pg++) {
		if (pg == 2)
			continue;
		for (size_t i = 0; i < PAGE; i++)
			CHECK(base[pg * PAGE + i] == (char)(pg * 31 + i),
			      "parent: page %d byte %zu changed", pg, i);
		base[pg * PAGE] = 9;
	}
	/* Fill the hole again; it reads zero and the neighbours are intact. */
	void *h = mmap((void *)(base + 2 * PAGE), PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(h == (void *)(base + 2 * PAGE),
	      "MAP_FIXED into the hole failed: %s", strerror(errno));
	for (size_t i = 0; i < PAGE; i++)
		CHECK(base[2 * PAGE + i] == 0, "refilled hole not zero at %zu",
		      i);
	CHECK(base[PAGE + 1] == (char)(31 + 1) &&
		  base[3 * PAGE + 1] == (char)(93 + 1),
	      "neighbours of the refilled hole changed");
	/* Unmap the two ends: the middle three stay. */
	CHECK_SYS(munmap((void *)base, PAGE));
	CHECK_SYS(munmap((void *)(base + 4 * PAGE), PAGE));
	CHECK(base[3 * PAGE + 1] == (char)(93 + 1),
	      "page 3 changed after unmapping the ends");
	CHECK_SYS(munmap((void *)(base + PAGE), 3 * PAGE));
	return 0;
}
