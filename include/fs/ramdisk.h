/*
 * ramdisk.h - RAM disks (fs/ramdisk.c): block devices over memory, named
 * ram0, ram1... with Linux's device numbers (block major 1).
 */
#ifndef FS_RAMDISK_H
#define FS_RAMDISK_H

#include <fs/blockdev.h>

#define RAMDISK_MAX 10
#define RAMDISK_MKDEV(n) ((1u << 8) | (n))

struct ramdisk {
	struct blockdev dev;
	char *mem;
	char name[8];
};

/* Register rd as "ramN" over bytes of mem (whole sectors are used):
 * 0, or blockdev_register's -EEXIST / -ENOSPC. rd and mem must live as
 * long as the device. */
int ramdisk_register(struct ramdisk *rd, unsigned n, void *mem, size_t bytes);

#endif
