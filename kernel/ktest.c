/*
 * ktest.c - the in-kernel test runner. Runs every TEST() in the ktests
 * section whose name contains the filter, one line per test, and fails a
 * test that leaks physical pages or leaves the sanity checker unhappy.
 */
#include <arch/hooks.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/test.h>
#include <mm/pagetable.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>

extern const struct test_case __start_ktests[], __stop_ktests[];

static bool failed;
static char fail_msg[256];

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (failed)
		return;
	failed = true;
	n = snprintk(fail_msg, sizeof(fail_msg), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintk(fail_msg + n, sizeof(fail_msg) - n, fmt, ap);
	va_end(ap);
}

bool test_failed(void)
{
	return failed;
}

static bool run_one(const struct test_case *t)
{
	size_t before, after;

	failed = false;
	slab_trim();
	before = phys_free_pages();
	t->fn();
	/* Tests run with no process. One that stopped early (a failed CHECK)
	 * between kspace_enter and kspace_leave is taken out of its address
	 * space here, so the next test does not start inside it. */
	if (current) {
		arch_switch_pgdir(pt_kernel_dir());
		current = NULL;
	}
	slab_trim();
	after = phys_free_pages();
	if (!failed && before != after) {
		struct slab_stats ss;
		slab_get_stats(&ss);
		test_fail("ktest", 0,
			  "page leak: %zu free pages before, %zu after "
			  "(slab now %zu pages)",
			  before, after, ss.pages);
	}
	/* Panics (and so fails the run) on any inconsistency. */
	mm_sanity_check();
	if (failed)
		printk("FAIL kernel/%s: %s\n", t->name, fail_msg);
	else
		printk("PASS kernel/%s\n", t->name);
	return !failed;
}

int ktest_run(const char *filter)
{
	int passed = 0, nfailed = 0;
	bool all = !filter[0] || !strcmp(filter, "all");

	for (const struct test_case *t = __start_ktests; t < __stop_ktests;
	     t++) {
		if (!all && !strstr(t->name, filter))
			continue;
		if (run_one(t))
			passed++;
		else
			nfailed++;
	}
	printk("kernel: %d passed, %d failed\n", passed, nfailed);
	return nfailed;
}
