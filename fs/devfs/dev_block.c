/*
 * dev_block.c - block devices as files (/dev/hda, /dev/hdb): byte offsets
 * and lengths over a struct blockdev. Whole aligned sectors go straight to
 * the driver; a partial sector is read, patched and written back. Reads
 * end at the device's end (0 there), writes past it give -ENOSPC, as
 * Linux's block device files do. BLKGETSIZE and BLKGETSIZE64 tell the size.
 * The block cache stays right: dirty buffers over the sectors are written
 * before the transfer, and what is written is copied into level 1 and
 * forgotten from level 2 (bcache_raw_sync, bcache_raw_written).
 */
#include <fs/bcache.h>
#include <fs/blockdev.h>
#include <kernel/errno.h>
#include <fs/file.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

#define BLKGETSIZE 0x1260	 /* in 512-byte sectors, as unsigned long */
#define BLKGETSIZE64 0x80041272u /* in bytes, as uint64_t */
#define SECTOR BLOCKDEV_SECTOR

static uint8_t bounce[SECTOR];

static uint64_t dev_bytes(const struct blockdev *d)
{
	return d->nsectors * SECTOR;
}

/* One piece of a transfer: whole sectors from an aligned offset, or the
 * rest of one sector through the bounce buffer. Returns bytes or -EIO. */
static long blk_piece(struct blockdev *d, char *kbuf, size_t n, uint64_t off,
		      bool write)
{
	uint64_t sector = off / SECTOR;
	size_t in = (size_t)(off % SECTOR);
	int err;

	if (in == 0 && n >= SECTOR) {
		uint32_t count = (uint32_t)(n / SECTOR);
		err = write ? blockdev_write(d, sector, count, kbuf)
			    : blockdev_read(d, sector, count, kbuf);
		if (!err && write)
			bcache_raw_written(d, sector, count, kbuf);
		return err ? -EIO : (long)(count * SECTOR);
	}
	n = MIN(n, SECTOR - in);
	if (blockdev_read(d, sector, 1, bounce))
		return -EIO;
	if (!write) {
		memcpy(kbuf, bounce + in, n);
		return (long)n;
	}
	memcpy(bounce + in, kbuf, n);
	if (blockdev_write(d, sector, 1, bounce))
		return -EIO;
	bcache_raw_written(d, sector, 1, bounce);
	return (long)n;
}

static long blk_transfer(struct vfile *f, char *kbuf, size_t n, uint64_t off,
			 bool write)
{
	struct blockdev *d = f->priv;
	size_t done = 0;

	if (off >= dev_bytes(d))
		return write && n ? -ENOSPC : 0;
	n = (size_t)MIN((uint64_t)n, dev_bytes(d) - off);
	if (bcache_raw_sync(d, off / SECTOR,
			    (off + n + SECTOR - 1) / SECTOR - off / SECTOR))
		return -EIO;
	while (done < n) {
		long r = blk_piece(d, kbuf + done, n - done, off + done, write);
		if (r < 0)
			return done ? (long)done : r;
		done += (size_t)r;
	}
	return (long)done;
}

static long blk_read(struct vfile *f, void *kbuf, size_t n, uint64_t off)
{
	return blk_transfer(f, kbuf, n, off, false);
}

static long blk_write(struct vfile *f, const void *kbuf, size_t n, uint64_t off)
{
	return blk_transfer(f, (char *)kbuf, n, off, true);
}

static long blk_ioctl(struct vfile *f, uint32_t cmd, uint32_t arg)
{
	struct blockdev *d = f->priv;
	uint64_t bytes = dev_bytes(d);
	uint32_t sectors = (uint32_t)MIN(d->nsectors, 0xFFFFFFFFull);

	switch (cmd) {
	case BLKGETSIZE:
		return copy_to_user((void *)arg, &sectors, sizeof(sectors))
			   ? -EFAULT
			   : 0;
	case BLKGETSIZE64:
		return copy_to_user((void *)arg, &bytes, sizeof(bytes))
			   ? -EFAULT
			   : 0;
	default:
		return -ENOTTY;
	}
}

static uint64_t blk_size(struct vfile *f)
{
	return dev_bytes(f->priv);
}

static const struct vfile_ops block_ops = {
    .size = blk_size,
    .read = blk_read,
    .write = blk_write,
    .ioctl = blk_ioctl,
    .seekable = true,
};

int dev_block_open(struct vfile *f)
{
	struct blockdev *d = blockdev_by_rdev(f->rdev);

	if (!d)
		return -ENXIO;
	vfile_set_ops(f, &block_ops, d);
	return 0;
}
