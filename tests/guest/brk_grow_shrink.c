/* brk_grow_shrink - grow the break by 1 MiB, write it, shrink it back
 * (a child touching the released range dies of SIGSEGV), grow it again:
 * the new memory reads zero. Uses the raw brk system call so malloc is not
 * involved. */
#include "guest.h"

#define MIB (1ul << 20)

static volatile char *gone;

static void touch_gone(void *arg)
{
	(void)arg;
	volatile char c = gone[PAGE * 4];
	(void)c;
}

static unsigned long sys_brk(unsigned long to)
{
	return (unsigned long)syscall(SYS_brk, to);
}

int main(void)
{
	unsigned long cur = sys_brk(0);
	CHECK(cur != 0, "brk(0) returned 0");
	/* Start on a page boundary so the released range is whole pages. */
	unsigned long base = (cur + PAGE - 1) & ~(PAGE - 1);
	CHECK(sys_brk(base) == base, "brk to page boundary failed");
	unsigned long top = sys_brk(base + MIB);
	CHECK(top == base + MIB, "brk up by 1 MiB returned %#lx, expected %#lx",
	      top, base + MIB);
	volatile char *p = (volatile char *)base;
	for (size_t i = 0; i < MIB; i++) {
		CHECK(p[i] == 0, "fresh brk memory not zero at +%zu", i);
		p[i] = (char)(i * 7 + 1);
	}
	for (size_t i = 0; i < MIB; i += 509)
		CHECK(p[i] == (char)(i * 7 + 1),
		      "brk memory lost a write at +%zu", i);
	top = sys_brk(base);
	CHECK(top == base, "brk down returned %#lx, expected %#lx", top, base);
	gone = p;
	expect_signal(touch_gone, NULL, SIGSEGV,
		      "touching memory above a shrunk break");
	top = sys_brk(base + MIB);
	CHECK(top == base + MIB, "brk up again returned %#lx", top);
	for (size_t i = 0; i < MIB; i++)
		CHECK(p[i] == 0, "regrown brk memory not zero at +%zu (%d)", i,
		      p[i]);
	p[MIB - 1] = 1;
	/* Half-way shrink, then the upper half must be zero when regrown. */
	for (size_t i = 0; i < MIB; i += PAGE)
		p[i] = 5;
	CHECK(sys_brk(base + MIB / 2) == base + MIB / 2,
	      "brk to the half failed");
	CHECK(sys_brk(base + MIB) == base + MIB, "brk back up failed");
	for (size_t i = 0; i < MIB; i += PAGE)
		CHECK(p[i] == (i < MIB / 2 ? 5 : 0),
		      "after half shrink + regrow, page at +%zu holds %d", i,
		      p[i]);
	CHECK(sys_brk(base) == base, "final brk down failed");
	/* sbrk through glibc works too. */
	void *s = sbrk(0);
	CHECK(s != (void *)-1, "sbrk(0) failed");
	CHECK(sbrk(MIB) != (void *)-1, "sbrk(1 MiB) failed: %s",
	      strerror(errno));
	memset(s, 1, MIB);
	CHECK(sbrk(-(intptr_t)MIB) != (void *)-1, "sbrk(-1 MiB) failed");
	return 0;
}
