/*
 * ata.c - the ATA (IDE) disks on the primary channel, master and slave, as
 * block devices hda and hdb. PIO transfers, LBA28 or LBA48 as the drive
 * offers, in multiple mode when the drive has it (READ/WRITE MULTIPLE:
 * one interrupt per block of up to 16 sectors, not per sector; under
 * QEMU each such block is one request to the host, so a 4 KiB page is
 * one round trip instead of eight), driven by IRQ 14: a process waiting for the
 * drive sleeps and the machine keeps running (before the first process exists,
 * the CPU halts until the interrupt). One command at a time per channel; a
 * drive that stops answering gives -EIO after ATA_TIMEOUT_TICKS.
 */
#include <arch/hooks.h>
#include <arch/trap.h>
#include <fs/blockdev.h>
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

#define LBA28_LIMIT (1ull << 28)
#define MAX_SECTORS_PER_CMD 256u
#define ATA_TIMEOUT_TICKS (5 * HZ)
#define SPIN_LIMIT 1000000u

struct ata_drive {
	struct blockdev dev;
	unsigned slave;
	bool lba48;
	unsigned mult; /* sectors per DRQ block: 1 (single) or multiple mode */
	char model[41];
};

static struct ata_drive drives[2];
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

/* Read n sectors: an interrupt, then a block of up to d->mult sectors. */
static int pio_read(struct ata_drive *d, uint64_t lba, uint32_t n, void *buf)
{
	int err;

	if (d->mult > 1)
		issue(d, lba, n, CMD_READ_MULTIPLE, CMD_READ_MULTIPLE_EXT);
	else
		issue(d, lba, n, CMD_READ, CMD_READ_EXT);
	for (uint32_t i = 0; i < n;) {
		uint32_t k = MIN(n - i, d->mult);

		err = wait_irq();
		if (!err)
			err = check_status(true);
		if (err)
			return err;
		insw(ATA_DATA, (char *)buf + i * BLOCKDEV_SECTOR,
		     k * BLOCKDEV_SECTOR / 2);
		i += k;
	}
	return 0;
}

static int pio_write(struct ata_drive *d, uint64_t lba, uint32_t n,
		     const void *buf)
{
	int err;

	if (d->mult > 1)
		issue(d, lba, n, CMD_WRITE_MULTIPLE, CMD_WRITE_MULTIPLE_EXT);
	else
		issue(d, lba, n, CMD_WRITE, CMD_WRITE_EXT);
	for (uint32_t i = 0; i < n;) {
		uint32_t k = MIN(n - i, d->mult);

		/* The drive asks for each block with DRQ; the interrupt
		 * after a block says it was taken. */
		if (wait_not_busy() || !(inb(ATA_ALTSTATUS) & ST_DRQ))
			return -EIO;
		outsw(ATA_DATA, (const char *)buf + i * BLOCKDEV_SECTOR,
		      k * BLOCKDEV_SECTOR / 2);
		err = wait_irq();
		if (!err)
			err = check_status(false);
		if (err)
			return err;
		i += k;
	}
	return 0;
}

static int ata_transfer(struct blockdev *bd, uint64_t sector, uint32_t count,
			void *buf, bool write)
{
	struct ata_drive *d = bd->priv;
	int err = 0;

	channel_lock();
	while (count && !err) {
		uint32_t n = MIN(count, MAX_SECTORS_PER_CMD);

		err = write ? pio_write(d, sector, n, buf)
			    : pio_read(d, sector, n, buf);
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

void ata_init(void)
{
	outb(ATA_CONTROL, 0x02); /* nIEN: no interrupts while probing */
	probe(0);
	probe(1);
	outb(ATA_CONTROL, 0x00);
	irq_register(ATA_IRQ, ata_irq);
}
