/* arch.h - arch/x86's internal interface between its own files. */
#ifndef ARCH_X86_ARCH_H
#define ARCH_X86_ARCH_H

#include <kernel/types.h>

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1B
#define SEL_UDATA 0x23
#define SEL_TSS 0x28
#define GDT_TLS_FIRST 6 /* three TLS slots, as Linux: entries 6..8 */
#define GDT_TLS_COUNT 3

void serial_init(void);
void serial_enable_irq(void);
void gdt_init(void);
void tss_set_kernel_stack(uint32_t esp0);
void idt_init(void);
void pic_init(void);
void pic_eoi(int irq);
bool pic_pending(int irq);
/* The CPU halts in arch_idle_wait with no tick pending from before: a
 * tick now is idle time (cpu.c, read by the timer). */
extern bool cpu_idle_tick;
void pic_unmask(int irq);
void ata_init(void);

/* The physical address of kernel memory at p when a device may reach it
 * (the direct map or the slab window, below 4 GiB): true and *pa. */
bool paging_dma_addr(const void *p, paddr_t *pa);

/* A PCI function's address (arch/x86/pci.c). */
struct pci_fn {
	uint8_t bus, dev, fn;
};
uint32_t pci_read32(const struct pci_fn *f, unsigned off);
void pci_write32(const struct pci_fn *f, unsigned off, uint32_t v);
/* The first function on bus 0 of class cls, subclass: true and *out. */
bool pci_find_class(uint8_t cls, uint8_t subclass, struct pci_fn *out);

#endif
