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
void pic_unmask(int irq);
void ata_init(void);

#endif
