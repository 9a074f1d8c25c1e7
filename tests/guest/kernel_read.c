/* kernel_read - children touching kernel addresses die with SIGSEGV:
 * reading 0xC0000000 (and the kernel image at 0xC0100000, the top page),
 * writing 0xC0000000. */
#include "guest.h"

static void read_at(void *arg)
{
	volatile int *p = arg;
	volatile int x = *p;
	(void)x;
}

static void write_at(void *arg)
{
	volatile int *p = arg;
	*p = 0x12345678;
}

int main(void)
{
	expect_signal(read_at, (void *)0xC0000000, SIGSEGV,
		      "reading 0xC0000000");
	expect_signal(read_at, (void *)0xC0100000, SIGSEGV,
		      "reading 0xC0100000");
	expect_signal(read_at, (void *)0xFFFFF000, SIGSEGV,
		      "reading 0xFFFFF000");
	expect_signal(write_at, (void *)0xC0000000, SIGSEGV,
		      "writing 0xC0000000");
	expect_signal(write_at, (void *)0xC0100000, SIGSEGV,
		      "writing 0xC0100000");
	return 0;
}
