/* mprotect_readonly - after mprotect(PROT_READ), a child's write dies with
 * SIGSEGV while reads still work; PROT_NONE faults reads; restoring
 * PROT_READ|PROT_WRITE allows writes again; a child's mprotect and write
 * of a copy-on-write page leaves the parent's copy alone. */
#include <sys/mman.h>
#include "guest.h"

static volatile char *p;

static void write_it(void *arg)
{
	(void)arg;
	p[PAGE + 5] = 1;
}

static void read_it(void *arg)
{
	(void)arg;
	volatile char c = p[5];
	(void)c;
}

static void reprotect_and_write(void *arg)
{
	(void)arg;
	if (mprotect((void *)p, 2 * PAGE, PROT_READ | PROT_WRITE) != 0)
		fail("child: mprotect RW failed: %s", strerror(errno));
	memset((char *)p, 0x42, 2 * PAGE);
	if (p[PAGE] != 0x42)
		fail("child: write after mprotect RW not seen");
}

int main(void)
{
	p = map_anon(2 * PAGE);
	for (size_t i = 0; i < 2 * PAGE; i++)
		p[i] = (char)i;
	CHECK_SYS(mprotect((void *)p, 2 * PAGE, PROT_READ));
	for (size_t i = 0; i < 2 * PAGE; i++)
		CHECK(p[i] == (char)i, "read-only page reads wrong at %zu", i);
	expect_signal(write_it, NULL, SIGSEGV, "writing a PROT_READ page");
	expect_ok(reprotect_and_write, NULL, "child mprotect RW + write");
	for (size_t i = 0; i < 2 * PAGE; i++)
		CHECK(p[i] == (char)i,
		      "parent's read-only page changed at %zu "
		      "after the child's write",
		      i);
	CHECK_SYS(mprotect((void *)p, PAGE, PROT_NONE));
	expect_signal(read_it, NULL, SIGSEGV, "reading a PROT_NONE page");
	CHECK_SYS(mprotect((void *)p, 2 * PAGE, PROT_READ | PROT_WRITE));
	CHECK(p[3] == 3 && p[PAGE + 3] == (char)(PAGE + 3),
	      "contents lost across PROT_NONE");
	p[PAGE + 5] = 99;
	CHECK(p[PAGE + 5] == 99, "write after mprotect RW lost");
	CHECK_SYS(munmap((void *)p, 2 * PAGE));
	return 0;
}
