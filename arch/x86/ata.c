/*
 * ata.c - the ATA (IDE) disks on the primary channel, master and slave, as
 * block devices hda and hdb, LBA28 or LBA48 as the drive offers. Data
 * moves by bus-master DMA when the IDE controller has it (PCI class 1,
 * subclass 1, BAR4: one command and one interrupt per transfer of up to
 * 256 sectors, or 1,024 on an LBA48 drive, the buffer described page by
 * page in a PRD table), else by
 * PIO, in multiple mode when the drive has it (one interrupt per block of
 * up to 16 sectors, not per sector). Under QEMU each DMA transfer or PIO
 * block is one request to the host. Driven by IRQ 14: a process waiting for the
 * drive sleeps and the machine keeps running (before the first process exists,
 * the CPU halts until the interrupt). One command at a time per channel; a
 * drive that stops answering gives -EIO after ATA_TIMEOUT_TICKS.
 */
#include <arch/hooks.h>
#include <arch/trap.h>
#include <fs/blockdev.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include "x86.h"
#include "arch.h"

#define ATA_IO 0x1F0
#define ATA_DATA (ATA_IO + 0)
#define ATA_ERROR (ATA_IO + 1)
#define ATA_COUNT (ATA_IO + 2)
#define ATA_LBA0 (ATA_IO + 3)
#define ATA_LBA1 (ATA_IO + 4)
#define ATA_LBA2 (ATA_IO + 5)
#define ATA_DRIVE (ATA_IO + 6)
#define ATA_STATUS (ATA_IO + 7) /* reading it acknowledges the IRQ */
#define ATA_COMMAND (ATA_IO + 7)
#define ATA_ALTSTATUS 0x3F6 /* reading it does not */
#define ATA_CONTROL 0x3F6
#define ATA_IRQ 14

#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_DF 0x20
#define ST_BSY 0x80

#define CMD_READ 0x20
#define CMD_READ_EXT 0x24
#define CMD_WRITE 0x30
#define CMD_WRITE_EXT 0x34
#define CMD_FLUSH 0xE7
#define CMD_FLUSH_EXT 0xEA
#define CMD_IDENTIFY 0xEC
#define CMD_READ_MULTIPLE 0xC4
#define CMD_READ_MULTIPLE_EXT 0x29
#define CMD_WRITE_MULTIPLE 0xC5
#define CMD_WRITE_MULTIPLE_EXT 0x39
#define CMD_SET_MULTIPLE 0xC6
#define MAX_MULT 16u /* sectors per interrupt we ask for at most */
#define CMD_READ_DMA 0xC8
#define CMD_READ_DMA_EXT 0x25
#define CMD_WRITE_DMA 0xCA
#define CMD_WRITE_DMA_EXT 0x35

/* The bus-master registers (BAR4), primary channel. */
#define BM_CMD 0    /* bit 0 start, bit 3 device to memory */
#define BM_STATUS 2 /* bit 1 error, bit 2 interrupt: write 1 to clear */
#define BM_PRD 4
#define BM_START 0x01
#define BM_TO_MEMORY 0x08
#define BM_ST_ERR 0x02
#define BM_ST_IRQ 0x04
#define PRD_EOT 0x8000u
#define NPRD (MAX_SECTORS_LBA48 * 512 / PAGE_SIZE + 2)

#define LBA28_LIMIT (1ull << 28)
#define MAX_SECTORS_LBA28 256u /* the count register's 0 */
/* LBA48 counts to 65536; 512 KiB per command is one request to the host
 * for a whole write-back run or read-ahead window. */
#define MAX_SECTORS_LBA48 1024u
#define ATA_TIMEOUT_TICKS (5 * HZ)
#define SPIN_LIMIT 1000000u

struct ata_drive {
	struct blockdev dev;
	unsigned slave;
	bool lba48;
	unsigned mult; /* sectors per DRQ block: 1 (single) or multiple mode */
	char model[41];
};

/* One physical region of a DMA transfer: never crosses 64 KiB. */
struct prd {
	uint32_t addr;
	uint16_t bytes; /* 0 means 64 KiB */
	uint16_t flags;
};

static struct ata_drive drives[2];
static uint16_t bm_base; /* 0: no bus-master DMA, PIO only */
/* Never across a 64 KiB boundary (the controller's rule): aligned to a
 * power of two at least its size. */
static struct prd prd_table[NPRD] __attribute__((aligned(4096)));
_Static_assert(sizeof(prd_table) <= 4096, "prd_table outgrew its alignment");
static volatile bool irq_seen;
static bool channel_busy;
static int channel_wait; /* sleepers: the IRQ and the channel lock */

static void ata_irq(struct trapframe *tf)
{
	(void)tf;
	irq_seen = true;
	wakeup(&channel_wait);
}

/* The drive needs 400 ns after a select before its status is valid. */
static void ata_delay(void)
{
	for (int i = 0; i < 4; i++)
		(void)inb(ATA_ALTSTATUS);
}

/* Poll until BSY clears (short waits only: after a command is taken). */
static int wait_not_busy(void)
{
	for (uint32_t i = 0; i < SPIN_LIMIT; i++)
		if (!(inb(ATA_ALTSTATUS) & ST_BSY))
			return 0;
	return -EIO;
}

/*
 * Wait for the drive's interrupt: sleep if a process is running, else
 * halt until an interrupt. -EIO after the timeout. Signals do not end the
 * wait: a transfer in progress must finish.
 */
static int wait_irq(void)
{
	uint64_t deadline = sched_ticks() + ATA_TIMEOUT_TICKS;

	while (!irq_seen) {
		if (sched_ticks() >= deadline)
			return -EIO;
		if (current) {
			current->wake_tick = deadline;
			sleep_on(&channel_wait);
			current->wake_tick = 0;
		} else {
			arch_idle_wait();
		}
	}
	irq_seen = false;
	return 0;
}

/* One command at a time on the channel. */
static void channel_lock(void)
{
	while (channel_busy) {
		if (current)
			sleep_on(&channel_wait);
		else
			arch_idle_wait();
	}
	channel_busy = true;
}

static void channel_unlock(void)
{
	channel_busy = false;
	wakeup(&channel_wait);
}

/* Select the drive and load the address and count registers. */
static void issue(const struct ata_drive *d, uint64_t lba, uint32_t count,
		  uint8_t cmd28, uint8_t cmd48)
{
	irq_seen = false;
	if (d->lba48) {
		outb(ATA_DRIVE, 0x40 | d->slave << 4);
		ata_delay();
		outb(ATA_COUNT, (uint8_t)(count >> 8));
		outb(ATA_LBA0, (uint8_t)(lba >> 24));
		outb(ATA_LBA1, (uint8_t)(lba >> 32));
		outb(ATA_LBA2, (uint8_t)(lba >> 40));
	} else {
		outb(ATA_DRIVE,
		     (uint8_t)(0xE0 | d->slave << 4 | ((lba >> 24) & 0xF)));
		ata_delay();
	}
	outb(ATA_COUNT, (uint8_t)count); /* 0 means 256 (LBA28) */
	outb(ATA_LBA0, (uint8_t)lba);
	outb(ATA_LBA1, (uint8_t)(lba >> 8));
	outb(ATA_LBA2, (uint8_t)(lba >> 16));
	outb(ATA_COMMAND, d->lba48 ? cmd48 : cmd28);
}

/* After an interrupt: the drive must be ready with data (want_drq) or
 * done, without an error. */
static int check_status(bool want_drq)
{
	uint8_t st = inb(ATA_STATUS);

	if (st & (ST_ERR | ST_DF))
		return -EIO;
	if (want_drq && !(st & ST_DRQ))
		return -EIO;
	return 0;
}

/* One PIO block of k sectors at buf: a read waits for the drive's
 * interrupt, then takes the data; a write hands the data over when the
 * drive asks (DRQ), then waits for the interrupt saying it was taken. */
static int pio_block(char *buf, uint32_t k, bool write)
{
	int err;

	if (write) {
		if (wait_not_busy() || !(inb(ATA_ALTSTATUS) & ST_DRQ))
			return -EIO;
		outsw(ATA_DATA, buf, k * BLOCKDEV_SECTOR / 2);
	}
	err = wait_irq();
	if (!err)
		err = check_status(!write);
	if (!err && !write)
		insw(ATA_DATA, buf, k * BLOCKDEV_SECTOR / 2);
	return err;
}

/* n sectors by PIO, a block of up to d->mult sectors per interrupt. */
static int pio_transfer(struct ata_drive *d, uint64_t lba, uint32_t n,
			void *buf, bool write)
{
	static const uint8_t cmds[2][2][2] = {
	    {{CMD_READ, CMD_READ_EXT},
	     {CMD_READ_MULTIPLE, CMD_READ_MULTIPLE_EXT}},
	    {{CMD_WRITE, CMD_WRITE_EXT},
	     {CMD_WRITE_MULTIPLE, CMD_WRITE_MULTIPLE_EXT}},
	};
	const uint8_t *cmd = cmds[write][d->mult > 1];

	issue(d, lba, n, cmd[0], cmd[1]);
	for (uint32_t i = 0; i < n;) {
		uint32_t k = MIN(n - i, d->mult);
		int err =
		    pio_block((char *)buf + i * BLOCKDEV_SECTOR, k, write);

		if (err)
			return err;
		i += k;
	}
	return 0;
}

/* Add buf (bytes long) to prd_table from entry *i on, a piece per
 * physical page (the buffer may be in the direct map or the slab
 * window): false if some page is not one a device can reach. */
static bool prd_add(unsigned *i, const void *buf, uint32_t bytes)
{
	paddr_t pa;

	for (uintptr_t va = (uintptr_t)buf; bytes; (*i)++) {
		uint32_t n = MIN(bytes, PAGE_SIZE - (uint32_t)(va % PAGE_SIZE));

		if (*i >= NPRD || !paging_dma_addr((const void *)va, &pa))
			return false;
		prd_table[*i] = (struct prd){(uint32_t)pa, (uint16_t)n, 0};
		va += n;
		bytes -= n;
	}
	return true;
}

/* n sectors by bus-master DMA through the PRD table (filled, nprd
 * entries): one command, one interrupt. */
static int dma_run(struct ata_drive *d, uint64_t lba, uint32_t n, unsigned nprd,
		   bool write)
{
	uint8_t st;
	int err;

	prd_table[nprd - 1].flags = PRD_EOT;
	outb(bm_base + BM_CMD, 0);
	outl(bm_base + BM_PRD, (uint32_t)(arch_virt_to_phys(prd_table)));
	outb(bm_base + BM_STATUS, BM_ST_ERR | BM_ST_IRQ);
	outb(bm_base + BM_CMD, write ? 0 : BM_TO_MEMORY);
	if (write)
		issue(d, lba, n, CMD_WRITE_DMA, CMD_WRITE_DMA_EXT);
	else
		issue(d, lba, n, CMD_READ_DMA, CMD_READ_DMA_EXT);
	outb(bm_base + BM_CMD, (write ? 0 : BM_TO_MEMORY) | BM_START);
	err = wait_irq();
	outb(bm_base + BM_CMD, 0);
	st = inb(bm_base + BM_STATUS);
	outb(bm_base + BM_STATUS, BM_ST_ERR | BM_ST_IRQ);
	if (!err)
		err = check_status(false);
	return err ? err : (st & BM_ST_ERR) ? -EIO : 0;
}

/* n sectors of buf by DMA, or PIO where a page is out of its reach. */
static int dma_transfer(struct ata_drive *d, uint64_t lba, uint32_t n,
			void *buf, bool write)
{
	unsigned i = 0;

	if (!prd_add(&i, buf, n * BLOCKDEV_SECTOR))
		return pio_transfer(d, lba, n, buf, write);
	return dma_run(d, lba, n, i, write);
}

/* Sectors one command of d may move. */
static uint32_t max_sectors(const struct ata_drive *d)
{
	return d->lba48 ? MAX_SECTORS_LBA48 : MAX_SECTORS_LBA28;
}

static int ata_transfer(struct blockdev *bd, uint64_t sector, uint32_t count,
			void *buf, bool write)
{
	struct ata_drive *d = bd->priv;
	int err = 0;

	channel_lock();
	while (count && !err) {
		uint32_t n = MIN(count, max_sectors(d));

		if (bm_base)
			err = dma_transfer(d, sector, n, buf, write);
		else
			err = pio_transfer(d, sector, n, buf, write);
		sector += n;
		count -= n;
		buf = (char *)buf + n * BLOCKDEV_SECTOR;
	}
	channel_unlock();
	if (err)
		printk("ata: %s: %s error at sector %llu\n", bd->name,
		       write ? "write" : "read", (unsigned long long)sector);
	return err;
}

static int ata_read(struct blockdev *bd, uint64_t sector, uint32_t count,
		    void *buf)
{
	return ata_transfer(bd, sector, count, buf, false);
}

static int ata_write(struct blockdev *bd, uint64_t sector, uint32_t count,
		     const void *buf)
{
	return ata_transfer(bd, sector, count, (void *)buf, true);
}

/* n sectors (one command's worth) out of segments of seg sectors: DMA
 * with a PRD entry per segment, else PIO a segment at a time. */
static int write_segs(struct ata_drive *d, uint64_t lba, uint32_t n,
		      void *const *segs, uint32_t seg)
{
	unsigned e = 0;
	bool dma = bm_base != 0;
	int err = 0;

	for (uint32_t k = 0; dma && k * seg < n; k++)
		dma = prd_add(&e, segs[k],
			      MIN(n - k * seg, seg) * BLOCKDEV_SECTOR);
	if (dma)
		return dma_run(d, lba, n, e, true);
	for (uint32_t k = 0; !err && k * seg < n; k++)
		err = pio_transfer(d, lba + k * seg, MIN(n - k * seg, seg),
				   segs[k], true);
	return err;
}

/* The writev op: commands of up to max_sectors(d) sectors and
 * NPRD - 2 segments (whole segments), each by DMA from the separate
 * segments. */
static int ata_writev(struct blockdev *bd, uint64_t sector, uint32_t count,
		      void *const *segs, uint32_t seg)
{
	struct ata_drive *d = bd->priv;
	const uint32_t per_cmd = MIN(max_sectors(d), (NPRD - 2) * seg);
	int err = 0;

	channel_lock();
	while (count && !err) {
		uint32_t n = MIN(count, per_cmd / seg * seg);

		err = write_segs(d, sector, n, segs, seg);
		sector += n;
		count -= n;
		segs += n / seg;
	}
	channel_unlock();
	if (err)
		printk("ata: %s: write error at sector %llu\n", bd->name,
		       (unsigned long long)sector);
	return err;
}

static int ata_flush(struct blockdev *bd)
{
	struct ata_drive *d = bd->priv;
	int err;

	channel_lock();
	issue(d, 0, 0, CMD_FLUSH, CMD_FLUSH_EXT);
	err = wait_irq();
	if (!err)
		err = check_status(false);
	channel_unlock();
	return err;
}

static const struct blockdev_ops ata_ops = {
    .read = ata_read,
    .write = ata_write,
    .writev = ata_writev,
    .flush = ata_flush,
};

/* IDENTIFY strings are byte-swapped words, space padded. */
static void identify_string(char *out, const uint16_t *w, unsigned words)
{
	unsigned n = 0;

	for (unsigned i = 0; i < words; i++) {
		out[n++] = (char)(w[i] >> 8);
		out[n++] = (char)w[i];
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* IDENTIFY DEVICE by polling (interrupts are masked at the drive). */
static bool identify(struct ata_drive *d, uint16_t *id)
{
	uint8_t st;

	outb(ATA_DRIVE, (uint8_t)(0xA0 | d->slave << 4));
	ata_delay();
	outb(ATA_COUNT, 0);
	outb(ATA_LBA0, 0);
	outb(ATA_LBA1, 0);
	outb(ATA_LBA2, 0);
	outb(ATA_COMMAND, CMD_IDENTIFY);
	if (inb(ATA_ALTSTATUS) == 0 || wait_not_busy())
		return false; /* no drive */
	if (inb(ATA_LBA1) || inb(ATA_LBA2))
		return false; /* ATAPI or SATA: not ours */
	for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
		st = inb(ATA_ALTSTATUS);
		if (st & ST_ERR)
			return false;
		if (st & ST_DRQ) {
			insw(ATA_DATA, id, 256);
			(void)inb(ATA_STATUS);
			return true;
		}
	}
	return false;
}

/* Multiple mode with the largest block the drive offers (IDENTIFY word
 * 47), up to MAX_MULT, set by polling; 1 (single sectors) if the drive
 * has none or refuses. */
static unsigned set_multiple(struct ata_drive *d, const uint16_t *id)
{
	unsigned mult = MIN((unsigned)(id[47] & 0xFF), MAX_MULT);

	if ((id[47] >> 8) != 0x80 || mult < 2 || (mult & (mult - 1)))
		return 1;
	outb(ATA_DRIVE, (uint8_t)(0xA0 | d->slave << 4));
	ata_delay();
	outb(ATA_COUNT, (uint8_t)mult);
	outb(ATA_COMMAND, CMD_SET_MULTIPLE);
	if (wait_not_busy() || (inb(ATA_STATUS) & (ST_ERR | ST_DF)))
		return 1;
	return mult;
}

static void probe(unsigned slave)
{
	static uint16_t id[256];
	static const char *const names[2] = {"hda", "hdb"};
	struct ata_drive *d = &drives[slave];
	uint64_t sectors;

	d->slave = slave;
	if (inb(ATA_ALTSTATUS) == 0xFF || !identify(d, id))
		return;
	d->lba48 = id[83] & (1u << 10);
	sectors = d->lba48
		      ? (uint64_t)id[100] | (uint64_t)id[101] << 16 |
			    (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48
		      : (uint64_t)id[60] | (uint64_t)id[61] << 16;
	if (!d->lba48 && sectors > LBA28_LIMIT)
		sectors = LBA28_LIMIT;
	identify_string(d->model, &id[27], 20);
	d->mult = set_multiple(d, id);
	d->dev = (struct blockdev){
	    .ops = &ata_ops,
	    .name = names[slave],
	    .sector_size = BLOCKDEV_SECTOR,
	    .nsectors = sectors,
	    .rdev = (3u << 8) | (slave ? 64u : 0u), /* Linux's hda, hdb */
	    .priv = d,
	};
	if (blockdev_register(&d->dev) == 0)
		printk("ata: %s: %s, %llu sectors (%llu MiB), LBA%s, %u "
		       "sector(s) per interrupt\n",
		       d->dev.name, d->model, (unsigned long long)sectors,
		       (unsigned long long)(sectors >> 11),
		       d->lba48 ? "48" : "28", d->mult);
}

/* The IDE controller's bus-master registers, bus mastering on; 0 when
 * there is no such controller or the option ata.dma=0 asks for PIO. */
static uint16_t find_bus_master(void)
{
	struct pci_fn f;
	uint32_t bar4;
	char opt[4];

	if (cmdline_get("ata.dma", opt, sizeof(opt)) && !strcmp(opt, "0"))
		return 0;
	if (!pci_find_class(0x01, 0x01, &f))
		return 0;
	if (!(pci_read32(&f, 0x08) >> 8 & 0x80))
		return 0; /* programming interface: no bus master */
	bar4 = pci_read32(&f, 0x20);
	if (!(bar4 & 1) || !(bar4 & 0xFFFC))
		return 0; /* not an I/O BAR, or unassigned */
	pci_write32(&f, 0x04, pci_read32(&f, 0x04) | 0x5); /* I/O, master */
	return (uint16_t)(bar4 & 0xFFFC);
}

void ata_init(void)
{
	outb(ATA_CONTROL, 0x02); /* nIEN: no interrupts while probing */
	probe(0);
	probe(1);
	bm_base = find_bus_master();
	printk(bm_base ? "ata: bus-master DMA at port %#x\n"
		       : "ata: PIO transfers\n",
	       bm_base);
	outb(ATA_CONTROL, 0x00);
	irq_register(ATA_IRQ, ata_irq);
}
