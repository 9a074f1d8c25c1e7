/*
 * blockdev.h - block devices: fixed-size sectors read and written by
 * number. The ATA driver (arch/x86/ata.c), the RAM disk (fs/ramdisk.c) and
 * the host tests' file-backed disk implement the ops; file systems and
 * /dev/hdX use them. Buffers are kernel memory.
 */
#ifndef FS_BLOCKDEV_H
#define FS_BLOCKDEV_H

#include <kernel/types.h>

#define BLOCKDEV_SECTOR 512u
#define BLOCKDEV_SECTOR_SIZE BLOCKDEV_SECTOR

struct blockdev;

struct blockdev_ops {
	/* Transfer count sectors from sector on: 0 or -EIO. */
	int (*read)(struct blockdev *d, uint64_t sector, uint32_t count,
		    void *buf);
	int (*write)(struct blockdev *d, uint64_t sector, uint32_t count,
		     const void *buf);
	/* Optional: one transfer of count sectors from sector on, out of
	 * separate segments of seg sectors each (segs[i] holds the sectors
	 * from sector + i * seg on; the last may be partly used; seg is a
	 * power of 2 up to PAGE_SIZE / 512 and a segment never crosses a
	 * page): 0 or -EIO. */
	int (*writev)(struct blockdev *d, uint64_t sector, uint32_t count,
		      void *const *segs, uint32_t seg);
	/* Make written sectors durable (the drive's cache): 0 or -EIO. */
	int (*flush)(struct blockdev *d);
};

/* The block cache's state for a device (fs/bcache_l2.c); zero at first. */
struct bdev_cache {
	uint32_t owner; /* its level-2 owner in the yielded-block cache */
	uint32_t gen;	/* bcache_init() generation the owner is from */
	uint32_t bsize; /* the block size both levels hold now, or 0 */
	struct blockdev *next; /* devices with an owner: bcache's list */
};

struct blockdev {
	const struct blockdev_ops *ops;
	const char *name;     /* "hda", "ram0": the /dev name */
	uint32_t sector_size; /* BLOCKDEV_SECTOR */
	uint64_t nsectors;
	uint32_t rdev; /* device number of its /dev node */
	void *priv;
	struct bdev_cache cache;
};

#define BLOCKDEV_MAX 8

/* Make d known by its name (-ENOSPC when the table is full, -EEXIST). */
int blockdev_register(struct blockdev *d);
/* The registered device called name, or NULL. */
struct blockdev *blockdev_find(const char *name);
/* The registered device with device number rdev, or NULL. */
struct blockdev *blockdev_by_rdev(uint32_t rdev);
/* The i-th registered device (0..), or NULL past the last. */
struct blockdev *blockdev_nth(unsigned i);
/* Forget every registration (host tests). */
void blockdev_reset(void);

/* Sector-checked transfers: -EINVAL beyond the end, else the ops' result. */
int blockdev_read(struct blockdev *d, uint64_t sector, uint32_t count,
		  void *buf);
int blockdev_write(struct blockdev *d, uint64_t sector, uint32_t count,
		   const void *buf);
/* Make what was written durable (the device's flush op, if any). */
int blockdev_flush(struct blockdev *d);
/* count sectors out of separate segments of seg sectors (as the writev
 * op): one transfer where the device has writev, else one write per
 * segment. */
int blockdev_writev(struct blockdev *d, uint64_t sector, uint32_t count,
		    void *const *segs, uint32_t seg);

#endif
