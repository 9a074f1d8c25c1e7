/* exec_populated - exec maps a program's text and data (bss included)
 * present at once: reading every page of every PT_LOAD segment, and
 * writing every page of a 256 KiB bss array, right after exec costs no
 * page fault (getrusage's ru_minflt, which counts the faults the kernel
 * resolved for the process). */
#include <elf.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include "guest.h"

#define BSS_PAGES 64
static char bss[BSS_PAGES * 4096] __attribute__((aligned(4096)));
/* In bss too: present, so reading the counters costs no fault either. */
static struct rusage before, after;

int main(void)
{
	const Elf32_Phdr *ph = (const Elf32_Phdr *)getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM);
	volatile const char *p;
	unsigned long sum = 0, pages = 0;

	if (!ph || !phnum)
		fail("no AT_PHDR/AT_PHNUM");
	CHECK_SYS(getrusage(RUSAGE_SELF, &before));
	for (unsigned long i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		uintptr_t start = ph[i].p_vaddr & ~(uintptr_t)4095;
		uintptr_t end = ph[i].p_vaddr + ph[i].p_memsz;
		for (uintptr_t va = start; va < end; va += 4096, pages++) {
			p = (volatile const char *)va;
			sum += *p;
		}
	}
	for (size_t off = 0; off < sizeof bss; off += 4096)
		bss[off] = (char)off;
	CHECK_SYS(getrusage(RUSAGE_SELF, &after));
	CHECK(pages >= BSS_PAGES, "only %lu pages in PT_LOAD segments", pages);
	CHECK(after.ru_minflt == before.ru_minflt,
	      "ru_minflt %ld before, %ld after reading %lu pages of text and "
	      "data and writing %d of bss (sum %lu)",
	      before.ru_minflt, after.ru_minflt, pages, BSS_PAGES, sum);
	/* The counter counts: a fresh anonymous page faults once. */
	char *m = map_anon(PAGE);
	m[0] = 1;
	CHECK_SYS(getrusage(RUSAGE_SELF, &after));
	CHECK(after.ru_minflt == before.ru_minflt + 1,
	      "touching a fresh page: ru_minflt %ld before, %ld after",
	      before.ru_minflt, after.ru_minflt);
	return 0;
}
