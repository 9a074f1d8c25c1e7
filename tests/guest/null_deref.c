/* null_deref - a child reading (and one writing) address 0 dies with
 * SIGSEGV; so does one calling a NULL function pointer. */
#include "guest.h"

static void read_null(void *arg)
{
	volatile int *p = arg;
	volatile int x = *p;
	(void)x;
}

static void write_null(void *arg)
{
	volatile int *p = arg;
	*p = 1;
}

static void call_null(void *arg)
{
	void (*volatile f)(void) = (void (*)(void))arg;
	f();
}

int main(void)
{
	expect_signal(read_null, NULL, SIGSEGV, "reading address 0");
	expect_signal(write_null, NULL, SIGSEGV, "writing address 0");
	expect_signal(read_null, (void *)0xffc, SIGSEGV,
		      "reading address 0xffc");
	expect_signal(call_null, NULL, SIGSEGV, "calling address 0");
	return 0;
}
