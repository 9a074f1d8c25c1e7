/*
 * gdt.c - flat kernel and user segments, the TSS (ring-0 stack for traps
 * from user mode) and three free descriptors for thread-local storage.
 *
 * There is no LDT: LDTR holds the null selector from boot on, so any
 * selector with the table bit set faults (#GP) in whoever loads it, and
 * modify_ldt is not offered (-ENOSYS, as a Linux built without it). User
 * code can load only the null selector, the user code and data segments
 * and its own present TLS descriptors (arch_user_selector_ok).
 */
#include <kernel/string.h>
#include "arch.h"

struct tss {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap;
} __attribute__((packed));

static uint64_t gdt[GDT_TLS_FIRST + GDT_TLS_COUNT];
static struct tss tss;

static uint64_t seg_desc(uint32_t base, uint32_t limit, uint8_t access,
			 uint8_t flags)
{
	uint64_t d = limit & 0xFFFF;

	d |= (uint64_t)(base & 0xFFFFFF) << 16;
	d |= (uint64_t)access << 40;
	d |= (uint64_t)((limit >> 16) & 0xF) << 48;
	d |= (uint64_t)(flags & 0xF) << 52;
	d |= (uint64_t)(base >> 24) << 56;
	return d;
}

void gdt_init(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint32_t)gdt};

	gdt[0] = 0;
	gdt[1] = seg_desc(0, 0xFFFFF, 0x9A, 0xC); /* kernel code */
	gdt[2] = seg_desc(0, 0xFFFFF, 0x92, 0xC); /* kernel data */
	gdt[3] = seg_desc(0, 0xFFFFF, 0xFA, 0xC); /* user code */
	gdt[4] = seg_desc(0, 0xFFFFF, 0xF2, 0xC); /* user data */
	memset(&tss, 0, sizeof(tss));
	tss.ss0 = SEL_KDATA;
	tss.iomap = sizeof(tss);
	gdt[5] = seg_desc((uint32_t)&tss, sizeof(tss) - 1, 0x89, 0x0);
	__asm__ volatile("lgdt %0\n\t"
			 "ljmp %1, $1f\n"
			 "1:\n\t"
			 "mov %2, %%ax\n\t"
			 "mov %%ax, %%ds\n\t"
			 "mov %%ax, %%es\n\t"
			 "mov %%ax, %%ss\n\t"
			 "mov %%ax, %%fs\n\t"
			 "mov %%ax, %%gs\n\t"
			 "mov %3, %%ax\n\t"
			 "ltr %%ax\n\t"
			 "xor %%eax, %%eax\n\t"
			 "lldt %%ax"
			 :
			 : "m"(gdtr), "i"(SEL_KCODE), "i"(SEL_KDATA),
			   "i"(SEL_TSS)
			 : "eax", "memory");
}

void tss_set_kernel_stack(uint32_t esp0)
{
	tss.esp0 = esp0;
}

/*
 * Linux's user_desc flags: bit 0 seg_32bit, bits 1-2 contents, bit 3
 * read_exec_only, bit 4 limit_in_pages, bit 5 seg_not_present, bit 6
 * useable. As on Linux, an all-zero description and the "empty" one
 * (read_exec_only and seg_not_present, nothing else) clear the entry.
 */
#define TLS_EMPTY_FLAGS ((1u << 3) | (1u << 5))

void arch_set_tls(unsigned slot, uint32_t base, uint32_t limit, uint32_t flags)
{
	uint8_t access = 0xF2; /* present, ring 3, data, writable */
	uint8_t gran = 0;

	if (!base && !limit && (!flags || flags == TLS_EMPTY_FLAGS)) {
		gdt[GDT_TLS_FIRST + slot] = 0;
		return;
	}
	if (flags & (1u << 3))
		access &= ~0x02u;
	if (flags & (1u << 5))
		access &= ~0x80u;
	if (flags & 1u)
		gran |= 0x4;
	if (flags & (1u << 4))
		gran |= 0x8;
	gdt[GDT_TLS_FIRST + slot] = seg_desc(base, limit, access, gran);
}

/* GDT index of a selector, and its table-indicator bit (1: LDT). */
#define SEL_INDEX(sel) (((sel)&0xFFFFu) >> 3)
#define SEL_TI 0x4u
#define DESC_PRESENT (1ull << 47)

bool arch_user_selector_ok(uint32_t sel)
{
	unsigned idx = SEL_INDEX(sel);

	if (sel > 0xFFFFu || (sel & SEL_TI))
		return false;
	if (idx == 0 || idx == SEL_INDEX(SEL_UCODE) ||
	    idx == SEL_INDEX(SEL_UDATA))
		return true;
	return idx >= GDT_TLS_FIRST && idx < GDT_TLS_FIRST + GDT_TLS_COUNT &&
	       (gdt[idx] & DESC_PRESENT);
}

uint32_t arch_user_code_selector(void)
{
	return SEL_UCODE;
}

uint32_t arch_user_data_selector(void)
{
	return SEL_UDATA;
}
