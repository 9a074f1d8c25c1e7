/*
 * ramdisk.c - a block device over memory the caller owns: Linux's
 * /dev/ramN. The boot uses it for a boot module that is a file system
 * image rather than a cpio archive (Linux's initrd image), so
 * root=/dev/ram0 mounts it; the host tests can use any buffer.
 *
 * Guarantees: transfers stay inside the memory given (blockdev.c checks
 * the sector range before the ops run), a partial last sector is never
 * exposed, and the device never fails: memory does not give -EIO.
 */
#include <fs/ramdisk.h>
#include <kernel/string.h>

static int ramdisk_read(struct blockdev *d, uint64_t sector, uint32_t count,
			void *buf)
{
	struct ramdisk *rd = d->priv;

	memcpy(buf, rd->mem + sector * BLOCKDEV_SECTOR,
	       (size_t)count * BLOCKDEV_SECTOR);
	return 0;
}

static int ramdisk_write(struct blockdev *d, uint64_t sector, uint32_t count,
			 const void *buf)
{
	struct ramdisk *rd = d->priv;

	memcpy(rd->mem + sector * BLOCKDEV_SECTOR, buf,
	       (size_t)count * BLOCKDEV_SECTOR);
	return 0;
}

/* Memory is durable as soon as it is written. */
static int ramdisk_flush(struct blockdev *d)
{
	(void)d;
	return 0;
}

static const struct blockdev_ops ramdisk_ops = {
    .read = ramdisk_read,
    .write = ramdisk_write,
    .flush = ramdisk_flush,
};

/* Describe rd as RAM disk number n over [mem, mem + bytes) and register
 * it as "ramN" with Linux's device number (block major 1, minor n). */
int ramdisk_register(struct ramdisk *rd, unsigned n, void *mem, size_t bytes)
{
	memset(rd, 0, sizeof(*rd));
	rd->mem = mem;
	rd->name[0] = 'r';
	rd->name[1] = 'a';
	rd->name[2] = 'm';
	rd->name[3] = (char)('0' + n % 10);
	rd->dev.ops = &ramdisk_ops;
	rd->dev.name = rd->name;
	rd->dev.sector_size = BLOCKDEV_SECTOR;
	rd->dev.nsectors = bytes / BLOCKDEV_SECTOR;
	rd->dev.rdev = RAMDISK_MKDEV(n);
	rd->dev.priv = rd;
	return blockdev_register(&rd->dev);
}
