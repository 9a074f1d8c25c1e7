/* bootinfo.h - what the boot loader told us, copied out of the multiboot
 * structures early. */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <kernel/types.h>

#define BOOT_MAX_MMAP 32
#define BOOT_MAX_MODS 8

struct boot_mmap {
	uint64_t base, len;
	uint32_t type; /* 1 = available RAM */
};

struct boot_module {
	paddr_t start, end;
	char name[64];
};

struct bootinfo {
	char cmdline[256];
	char loader[32];
	unsigned nmmap, nmods;
	struct boot_mmap mmap[BOOT_MAX_MMAP];
	struct boot_module mods[BOOT_MAX_MODS];
	paddr_t mem_top; /* end of the highest available RAM below 4 GiB */
};

extern struct bootinfo bootinfo;

/* Fill bootinfo from the multiboot v1 info block (physical address). */
int multiboot_parse(uint32_t magic, paddr_t mbi);
void bootinfo_print(void);

#endif
