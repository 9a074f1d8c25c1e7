/* ksyms.c - symbol lookup and frame-pointer backtraces over the generated
 * table. */
#include <kernel/ksyms.h>
#include <kernel/printk.h>
#include <mm/pagetable.h>

extern char _text_start[], _text_end[];

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
	unsigned lo = 0, hi = ksyms_count;

	if (addr < (uintptr_t)_text_start || addr >= (uintptr_t)_text_end)
		return NULL;
	/* Last symbol whose address is <= addr. */
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;
		if (ksyms_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (!ksyms_count || ksyms_table[lo].addr > addr)
		return NULL;
	*offset = addr - ksyms_table[lo].addr;
	return ksyms_table[lo].name;
}

static void print_frame(uintptr_t pc)
{
	uintptr_t off;
	const char *name = ksym_lookup(pc, &off);

	if (name)
		printk("  [<%08lx>] %s+%#lx\n", (unsigned long)pc, name,
		       (unsigned long)off);
	else
		printk("  [<%08lx>] ?\n", (unsigned long)pc);
}

void backtrace_print(uintptr_t pc, uintptr_t fp)
{
	printk("Backtrace:\n");
	if (pc)
		print_frame(pc);
	/* Kernel frames live above KERNEL_BASE; stop at the first odd one. */
	for (int depth = 0; depth < 32; depth++) {
		const uintptr_t *frame = (const uintptr_t *)fp;
		if (fp < KERNEL_BASE || (fp & 3))
			break;
		if (!frame[1])
			break;
		/* Return address points after the call: show the call. */
		print_frame(frame[1] - 1);
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
}
