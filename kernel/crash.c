/*
 * crash.c - deliberate kernel faults for the negative tests (crash=NAME on
 * the command line): each must end in a panic whose text names the vector,
 * the address and the function that faulted.
 */
#include <kernel/crash.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/phys.h>
#include <mm/sanity.h>
#include <mm/slab.h>

#define CRASH_ADDR 0xDEAD0000u

__attribute__((noinline)) void crash_page_fault(void)
{
	printk("crash: writing to %#x\n", CRASH_ADDR);
	*(volatile uint32_t *)CRASH_ADDR = 0x1234;
}

__attribute__((noinline)) void crash_divide(void)
{
	volatile int zero = 0;
	volatile int r;

	printk("crash: dividing by zero\n");
	r = 100 / zero;
	(void)r;
}

/* A write to a slab object without USE() must fault (sanity mode). */
__attribute__((noinline)) void crash_slab_write(void)
{
	uint32_t *obj = slab_alloc(sizeof(uint32_t) * 8);

	printk("crash: writing slab object %p outside USE()\n", (void *)obj);
	obj[1] = 42;
}

static paddr_t claimed;

static void claim_twice(struct sanity *s)
{
	sanity_mark(s, claimed, 1, "crash test owner");
	sanity_mark(s, claimed, 1, "crash test second owner");
}

static struct sanity_owner twice = {"crash test", claim_twice, NULL};

/* The sanity checker must report a page claimed by two owners. */
__attribute__((noinline)) void crash_sanity(void)
{
	claimed = phys_alloc(1, PHYS_ANY, PHYS_KERNEL);
	printk("crash: page %#x claimed twice\n", claimed);
	sanity_register(&twice);
	mm_sanity_check();
}

static const struct {
	const char *name;
	void (*fn)(void);
} crashes[] = {
    {"pf", crash_page_fault},
    {"div", crash_divide},
    {"slab", crash_slab_write},
    {"sanity", crash_sanity},
};

bool crash_run(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(crashes); i++) {
		if (!strcmp(crashes[i].name, name)) {
			crashes[i].fn();
			return true;
		}
	}
	return false;
}
