/*
 * ext2_corrupt - a damaged ext2 disk is refused at mount: the small
 * disk's superblock magic, then its block count, are broken through the
 * raw device, mount fails with EINVAL (the console says why), and with
 * the bytes put back the disk mounts again.
 */
#include "ext2_disk.h"

static char dev[32];
static unsigned char saved[1024];
static int changed;

static void restore(void)
{
	int fd;

	if (!changed)
		return;
	fd = open(dev, O_WRONLY);
	if (fd >= 0 && pwrite(fd, saved, sizeof saved, 1024) == sizeof saved)
		changed = 0;
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static void cleanup(void)
{
	restore();
	ext2_umount();
}

/* Write sb with n bytes at off replaced by bytes. */
static void damage(unsigned off, const void *bytes, size_t n)
{
	unsigned char sb[1024];
	int fd = open(dev, O_WRONLY);

	CHECK_SYS(fd);
	memcpy(sb, saved, sizeof sb);
	memcpy(sb + off, bytes, n);
	changed = 1;
	CHECK(pwrite(fd, sb, sizeof sb, 1024) == sizeof sb, "pwrite sb");
	CHECK_SYS(fsync(fd));
	close(fd);
}

int main(void)
{
	static const unsigned char bad_magic[2] = {0x54, 0xEF};
	static const unsigned char huge_count[4] = {0xff, 0xff, 0xff, 0x7f};
	int fd;

	guest_cleanup = cleanup;
	ext2_mount("small"); /* skips unless the disk is there */
	CHECK_SYS(umount(ext2_mnt));
	CHECK(ext2_find_disk("small", dev, sizeof dev), "small disk gone");
	fd = open(dev, O_RDONLY);
	CHECK_SYS(fd);
	CHECK(pread(fd, saved, sizeof saved, 1024) == sizeof saved, "read sb");
	close(fd);
	damage(56, bad_magic, sizeof bad_magic);
	CHECK_ERR(mount(dev, ext2_mnt, "ext2", 0, NULL), EINVAL);
	damage(4, huge_count, sizeof huge_count); /* s_blocks_count */
	CHECK_ERR(mount(dev, ext2_mnt, "ext2", 0, NULL), EINVAL);
	restore();
	CHECK(!changed, "could not put the superblock back");
	CHECK_SYS(mount(dev, ext2_mnt, "ext2", 0, NULL));
	cleanup();
	return 0;
}
