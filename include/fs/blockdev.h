/*
 * blockdev.h - a block device as the file systems see it: a run of
 * 512-byte sectors read and written synchronously. The kernel implements
 * it for ATA disks and RAM disks; the host tests over an image file
 * (tests/host/filedisk.c). The buffers passed are kernel memory (the block
 * cache's pages), never user memory.
 */
#ifndef FS_BLOCKDEV_H
#define FS_BLOCKDEV_H

#include <kernel/types.h>

#define BLOCKDEV_SECTOR_SIZE 512u

struct blockdev;

struct blockdev_ops {
	/* Each returns 0 or -EIO; count sectors starting at sector. */
	int (*read)(struct blockdev *dev, uint64_t sector, uint32_t count,
		    void *buf);
	int (*write)(struct blockdev *dev, uint64_t sector, uint32_t count,
		     const void *buf);
	/* Make completed writes durable (a disk's write cache). */
	int (*flush)(struct blockdev *dev);
};

struct blockdev {
	const struct blockdev_ops *ops;
	const char *name;     /* "hda", "ram0", ... for messages */
	uint32_t sector_size; /* BLOCKDEV_SECTOR_SIZE */
	uint64_t nsectors;    /* size of the device */
	void *priv;           /* the driver's own data */
};

#endif
