/*
 * host_printk.c - printk() and panic() for host builds. A panic inside a
 * test unwinds to the runner (or to EXPECT_PANIC); elsewhere it aborts.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "host.h"

sigjmp_buf *host_expect_jmp;
sigjmp_buf host_test_jmp;
int host_in_test;
const char *host_last_panic = "";
int host_expect_kind;
static char panic_buf[512];

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (getenv("HOST_QUIET"))
		return 0;
	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vprintk(const char *fmt, va_list ap)
{
	return vprintf(fmt, ap);
}

int snprintk(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_buf, sizeof(panic_buf), fmt, ap);
	va_end(ap);
	host_last_panic = panic_buf;
	if (host_expect_jmp && host_expect_kind == 1) {
		sigjmp_buf *jb = host_expect_jmp;
		host_expect_jmp = NULL;
		siglongjmp(*jb, 1);
	}
	if (!host_in_test) {
		fprintf(stderr, "panic: %s\n", panic_buf);
		abort();
	}
	test_fail("panic", 0, "%s", panic_buf);
	siglongjmp(host_test_jmp, 1);
}
