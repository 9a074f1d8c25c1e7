/*
 * test.h - one tiny test framework for host unit tests and in-kernel tests.
 *
 * TEST(name) { ... } registers a test in the "ktests" section; the runner
 * (tests/host/runner.c on the host, kernel/ktest.c in the kernel) runs them
 * all and prints "PASS <suite>/<name>" or "FAIL <suite>/<name>: why".
 * CHECK* return from the test function on the first failure.
 */
#ifndef KERNEL_TEST_H
#define KERNEL_TEST_H

#include <kernel/types.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST(tname)                                                         \
	static void test_##tname(void);                                     \
	static const struct test_case test_case_##tname __attribute__((     \
	    used, section("ktests"), aligned(4))) = {#tname, test_##tname}; \
	static void test_##tname(void)

void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool test_failed(void);

#define CHECK(cond)                                                 \
	do {                                                        \
		if (!(cond)) {                                      \
			test_fail(__FILE__, __LINE__, "%s", #cond); \
			return;                                     \
		}                                                   \
	} while (0)

#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		long long _a = (long long)(a), _b = (long long)(b);           \
		if (_a != _b) {                                               \
			test_fail(__FILE__, __LINE__,                         \
				  "%s == %s (%lld != %lld)", #a, #b, _a, _b); \
			return;                                               \
		}                                                             \
	} while (0)

#endif
