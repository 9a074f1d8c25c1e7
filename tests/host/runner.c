/*
 * runner.c - host unit test runner: runs every TEST() linked in, each on a
 * freshly reset simulated machine, and prints one PASS/FAIL line per test.
 * A panic or a stray fault inside a test fails that test only, and so
 * does a leak: a test starts on a machine with no page allocated and no
 * slab object, and must end that way (slab pages cached empty aside), so
 * even a test that resets the machine itself is checked.
 * Usage: host-tests [substring-filter]
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mm/phys.h>
#include <mm/slab.h>
#include "host.h"

extern const struct test_case __start_ktests[], __stop_ktests[];

static int cur_failed;
int host_no_leak_check;
static char fail_msg[512];

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (cur_failed)
		return;
	cur_failed = 1;
	n = snprintf(fail_msg, sizeof(fail_msg), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(fail_msg + n, sizeof(fail_msg) - n, fmt, ap);
	va_end(ap);
}

bool test_failed(void)
{
	return cur_failed;
}

/* Fail the test if it left pages (of any kind, cached ones included) or
 * slab objects allocated. */
static void leak_check(void)
{
	struct phys_stats ps;
	struct slab_stats ss;
	size_t pages;

	slab_trim(); /* cached empty slab pages are not a leak */
	phys_get_stats(&ps);
	slab_get_stats(&ss);
	pages = ps.kernel + ps.user + ps.cached;
	if (pages || ss.objects)
		test_fail("leak check", 0,
			  "%zu pages (%zu kernel, %zu user, %zu cached) and "
			  "%zu slab objects left allocated",
			  pages, ps.kernel, ps.user, ps.cached, ss.objects);
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (host_expect_jmp && host_expect_kind == 2) {
		sigjmp_buf *jb = host_expect_jmp;
		host_expect_jmp = NULL;
		siglongjmp(*jb, 1);
	}
	test_fail("signal", sig, "unexpected fault at %p", si->si_addr);
	siglongjmp(host_test_jmp, 1);
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	struct sigaction sa;
	volatile int passed = 0, failed = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (const struct test_case *volatile t = __start_ktests;
	     t < __stop_ktests; t++) {
		if (filter && !strstr(t->name, filter))
			continue;
		cur_failed = 0;
		host_no_leak_check = 0;
		host_expect_jmp = NULL;
		host_mm_reset(16, (HOST_MEM_BYTES / 4096) - 16);
		host_in_test = 1;
		if (sigsetjmp(host_test_jmp, 1) == 0)
			t->fn();
		host_in_test = 0;
		if (!cur_failed && !host_no_leak_check)
			leak_check();
		if (cur_failed) {
			printf("FAIL host/%s: %s\n", t->name, fail_msg);
			failed++;
		} else {
			printf("PASS host/%s\n", t->name);
			passed++;
		}
	}
	printf("host: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
