/* kernel_read - children touching kernel addresses die with SIGSEGV. The
 * addresses are ones the kernel itself has mapped (supervisor only): its
 * text just above the boot page, its data and bss, low memory through the
 * first page table (page 1, VGA), the 4 MiB pages of the direct mapping,
 * and the slab window; and ones mapped for nobody: 0xC0000000 (page 0),
 * 0xC0100000 (the boot page), the top page. */
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

static const struct {
	uintptr_t addr;
	const char *what;
} probes[] = {
    {0xC0101000, "kernel text (entry)"},
    {0xC0110000, "kernel text"},
    {0xC0127000, "kernel data"},
    {0xC0140000, "kernel bss"},
    {0xC0001000, "page 1 (first page table)"},
    {0xC00B8000, "VGA memory (first page table)"},
    {0xC0400000, "direct mapping, first 4 MiB page"},
    {0xC0800000, "direct mapping"},
    {0xC0C00000, "direct mapping"},
    {0xF0000000, "slab window"},
    {0xC0000000, "page 0 (unmapped)"},
    {0xC0100000, "boot page (unmapped)"},
    {0xFFFFF000, "top page"},
};

int main(void)
{
	char what[100];

	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		void *p = (void *)probes[i].addr;

		snprintf(what, sizeof what, "reading %p, %s", p,
			 probes[i].what);
		expect_signal(read_at, p, SIGSEGV, what);
		snprintf(what, sizeof what, "writing %p, %s", p,
			 probes[i].what);
		expect_signal(write_at, p, SIGSEGV, what);
	}
	return 0;
}
