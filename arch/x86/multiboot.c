/*
 * multiboot.c - read the multiboot v1 information block: memory map,
 * command line, boot loader name and modules. Everything is copied into
 * bootinfo, so the loader's structures need not be reserved.
 */
#include <kernel/bootinfo.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/pagetable.h>

#define MB_BOOT_MAGIC 0x2BADB002
#define MB_INFO_MEM 0x001
#define MB_INFO_CMDLINE 0x004
#define MB_INFO_MODS 0x008
#define MB_INFO_MMAP 0x040
#define MB_INFO_LOADER 0x200

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __attribute__((packed));

struct mb_mmap_entry {
	uint32_t size;
	uint64_t base, len;
	uint32_t type;
} __attribute__((packed));

struct mb_module {
	uint32_t start, end, string, reserved;
} __attribute__((packed));

struct bootinfo bootinfo;

/* The boot page directory maps the first 8 MiB at KERNEL_BASE. */
static const void *early_virt(paddr_t pa)
{
	return (const void *)(uintptr_t)(pa + KERNEL_BASE);
}

static void copy_str(char *dst, size_t size, paddr_t pa)
{
	const char *s = early_virt(pa);
	size_t n = strnlen(s, size - 1);

	memcpy(dst, s, n);
	dst[n] = '\0';
}

static void parse_mmap(const struct mb_info *mb)
{
	uint32_t off = 0;

	while (off < mb->mmap_length && bootinfo.nmmap < BOOT_MAX_MMAP) {
		const struct mb_mmap_entry *e = early_virt(mb->mmap_addr + off);
		struct boot_mmap *m = &bootinfo.mmap[bootinfo.nmmap++];
		m->base = e->base;
		m->len = e->len;
		m->type = e->type;
		if (e->type == 1 && e->base < 0x100000000ull) {
			uint64_t end = MIN(e->base + e->len, 0x100000000ull);
			if (end > bootinfo.mem_top)
				bootinfo.mem_top = (paddr_t)(end & PAGE_MASK);
		}
		off += e->size + 4;
	}
}

int multiboot_parse(uint32_t magic, paddr_t mbi)
{
	const struct mb_info *mb = early_virt(mbi);

	if (magic != MB_BOOT_MAGIC)
		return -EINVAL;
	if (mb->flags & MB_INFO_CMDLINE)
		copy_str(bootinfo.cmdline, sizeof(bootinfo.cmdline),
			 mb->cmdline);
	if (mb->flags & MB_INFO_LOADER)
		copy_str(bootinfo.loader, sizeof(bootinfo.loader),
			 mb->boot_loader_name);
	if (mb->flags & MB_INFO_MMAP)
		parse_mmap(mb);
	if (!bootinfo.nmmap && (mb->flags & MB_INFO_MEM))
		bootinfo.mem_top = (mb->mem_upper + 1024) * 1024;
	if (mb->flags & MB_INFO_MODS) {
		const struct mb_module *m = early_virt(mb->mods_addr);
		for (uint32_t i = 0; i < mb->mods_count && i < BOOT_MAX_MODS;
		     i++) {
			struct boot_module *bm =
			    &bootinfo.mods[bootinfo.nmods++];
			bm->start = m[i].start;
			bm->end = m[i].end;
			if (m[i].string)
				copy_str(bm->name, sizeof(bm->name),
					 m[i].string);
		}
	}
	return 0;
}

void bootinfo_print(void)
{
	printk("Boot loader: %s\n", bootinfo.loader[0] ? bootinfo.loader : "?");
	printk("Command line: '%s'\n", bootinfo.cmdline);
	printk("Memory map:\n");
	for (unsigned i = 0; i < bootinfo.nmmap; i++) {
		const struct boot_mmap *m = &bootinfo.mmap[i];
		printk("  %#010llx - %#010llx  %s\n", m->base,
		       m->base + m->len - 1,
		       m->type == 1 ? "available" : "reserved");
	}
	for (unsigned i = 0; i < bootinfo.nmods; i++)
		printk("Module %u: %#x - %#x '%s'\n", i, bootinfo.mods[i].start,
		       bootinfo.mods[i].end, bootinfo.mods[i].name);
}
