/* ring0_escape - user code cannot reach ring 0 or the hardware. With LDTR
 * left in its reset state (base 0, limit 0xFFFF), descriptors written at
 * linear 0x1000.. would be live: a data selector and a call gate to the
 * kernel's code selector. Each attempt must die with SIGSEGV, as must
 * port I/O and privileged instructions; modify_ldt is not offered (ENOSYS,
 * as a Linux built without it). */
#include "guest.h"

#define LDT_PAGE 0x1000u
#define GATE_INDEX (LDT_PAGE / 8) /* LDT entry at 0x1000 */
#define DATA_INDEX (LDT_PAGE / 8 + 1)
#define LDT_SEL(i) (((i) << 3) | 4 | 3) /* table bit, RPL 3 */
#define KERNEL_CS 0x08

/* The gate's target: a far return to the caller (ring 3) if it ever ran. */
extern char gate_target[];
__asm__(".text\ngate_target:\n\tlret\n");

static uint64_t *ldt_page(void)
{
	void *p = mmap((void *)LDT_PAGE, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		fail("mmap at 0x1000: %s", strerror(errno));
	return p;
}

/* Flat 4 GiB writable data segment, DPL 3. */
static void load_ldt_data(void *arg)
{
	uint64_t *ldt = ldt_page();
	uint16_t sel = LDT_SEL(DATA_INDEX);
	(void)arg;
	ldt[1] = 0x00CFF2000000FFFFull;
	__asm__ volatile("mov %0, %%fs" : : "r"(sel));
}

/* 32-bit call gate, DPL 3, to KERNEL_CS:gate_target. */
static void call_ldt_gate(void *arg)
{
	uint64_t *ldt = ldt_page();
	uint32_t off = (uint32_t)gate_target;
	struct {
		uint32_t off;
		uint16_t sel;
	} __attribute__((packed)) far = {0, LDT_SEL(GATE_INDEX)};
	(void)arg;
	ldt[0] = (uint64_t)(off & 0xFFFF) | (uint64_t)KERNEL_CS << 16 |
		 (uint64_t)0xEC << 40 | (uint64_t)(off >> 16) << 48;
	__asm__ volatile("lcall *%0" : : "m"(far) : "memory");
}

/* The LDT selector with no LDT page mapped at all. */
static void load_ldt_unmapped(void *arg)
{
	uint16_t sel = LDT_SEL(3);
	(void)arg;
	__asm__ volatile("mov %0, %%gs" : : "r"(sel));
}

static void port_io(void *arg)
{
	(void)arg;
	__asm__ volatile("outb %%al, $0xf4" : : "a"(0)); /* QEMU's exit port */
}

static void port_read(void *arg)
{
	uint8_t v;
	(void)arg;
	__asm__ volatile("inb $0x60, %%al" : "=a"(v));
}

static void disable_interrupts(void *arg)
{
	(void)arg;
	__asm__ volatile("cli");
}

static void load_cr3(void *arg)
{
	(void)arg;
	__asm__ volatile("mov %0, %%cr3" : : "r"(0) : "memory");
}

int main(void)
{
	expect_signal(port_io, NULL, SIGSEGV, "outb to port 0xf4");
	expect_signal(port_read, NULL, SIGSEGV, "inb from port 0x60");
	expect_signal(disable_interrupts, NULL, SIGSEGV, "cli");
	expect_signal(load_cr3, NULL, SIGSEGV, "mov to cr3");
	expect_signal(load_ldt_data, NULL, SIGSEGV, "LDT data selector");
	expect_signal(call_ldt_gate, NULL, SIGSEGV, "LDT call gate to ring 0");
	expect_signal(load_ldt_unmapped, NULL, SIGSEGV, "LDT selector");
	errno = 0;
	long r = syscall(SYS_modify_ldt, 0, NULL, 0);
	CHECK(r == -1 && errno == ENOSYS, "modify_ldt read returned %ld (%s)",
	      r, strerror(errno));
	return 0;
}
