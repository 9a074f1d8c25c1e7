/*
 * ext2_disk.h - for the ext2 tests: find the scratch disk the test boot
 * attached by its volume label (scripts/guest-test.sh makes them with
 * mke2fs -L), mount it on a directory of its own and unmount it at the
 * end. A boot without such a disk skips the test.
 */
#ifndef EXT2_DISK_H
#define EXT2_DISK_H

#include "guest.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define EXT2_SUPER_MAGIC 0xEF53

static char ext2_mnt[64];

/* The IDE disk whose ext2 volume label is label, into dev; 0 if none. */
static inline int ext2_find_disk(const char *label, char *dev, size_t size)
{
	static const char *const disks[] = {"/dev/hda", "/dev/hdb"};

	for (unsigned i = 0; i < 2; i++) {
		unsigned char sb[1024];
		int fd = open(disks[i], O_RDONLY);
		ssize_t n = fd < 0 ? -1 : pread(fd, sb, sizeof sb, 1024);

		if (fd >= 0)
			close(fd);
		if (n != (ssize_t)sizeof sb ||
		    (sb[56] | sb[57] << 8) != EXT2_SUPER_MAGIC)
			continue;
		if (strncmp((char *)sb + 120, label, 16) == 0) {
			snprintf(dev, size, "%s", disks[i]);
			return 1;
		}
	}
	return 0;
}

/* Unmount and remove the mount point (/mnt is the boot tree's). */
static inline void ext2_umount(void)
{
	if (ext2_mnt[0]) {
		umount(ext2_mnt);
		rmdir(ext2_mnt);
	}
}

/* Mount the disk labelled label on /mnt/LABEL (skip if there is none). */
static inline const char *ext2_mount(const char *label)
{
	char dev[32];

	if (getuid() != 0)
		skip("needs root");
	if (!ext2_find_disk(label, dev, sizeof dev))
		skip("no ext2 disk labelled '%s' attached", label);
	snprintf(ext2_mnt, sizeof ext2_mnt, "/mnt/%s", label);
	mkdir(ext2_mnt, 0755);
	umount(ext2_mnt); /* a failed earlier run */
	if (mount(dev, ext2_mnt, "ext2", 0, NULL))
		fail("mount %s on %s: %s", dev, ext2_mnt, strerror(errno));
	return ext2_mnt;
}

/* Free blocks of the mounted file system. */
static inline long long ext2_free_blocks(void)
{
	struct statfs st;

	CHECK_SYS(statfs(ext2_mnt, &st));
	return (long long)st.f_bfree;
}

#endif
