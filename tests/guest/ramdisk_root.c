/*
 * ramdisk_root - a boot module that is an ext2 image becomes the RAM disk
 * /dev/ram0 and, with root=/dev/ram0, the root (guest-test.sh's
 * guest-ram boot): / is ext2 from /dev/ram0 in statfs and /proc/mounts,
 * the device is as big as the image and holds ext2's magic, and a file
 * written, synced and read back after the caches are dropped has its
 * bytes (so they went to the RAM disk and came back from it). Skipped
 * when there is no /dev/ram0 (the boot archive was a cpio archive).
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include "guest.h"

#define EXT2_MAGIC 0xEF53
#define BLKGETSIZE64_ _IOR(0x12, 114, size_t) /* as <linux/fs.h> */
#define PROBE "/ramdisk_probe"
#define PROBE_LEN (64 * 1024)

static void cleanup(void)
{
	unlink(PROBE);
}

static void check_root_is_ram0(void)
{
	struct statfs sf;
	char buf[4096];
	int fd = open("/proc/mounts", O_RDONLY);
	ssize_t n;

	CHECK_SYS(statfs("/", &sf));
	CHECK(sf.f_type == EXT2_MAGIC, "statfs(/) f_type %#lx, not ext2",
	      (unsigned long)sf.f_type);
	CHECK_SYS(fd);
	n = read(fd, buf, sizeof buf - 1);
	CHECK(n > 0, "read /proc/mounts");
	buf[n] = 0;
	close(fd);
	CHECK(strstr(buf, "/dev/ram0 / ext2 "),
	      "no '/dev/ram0 / ext2' in: %.120s", buf);
}

static void check_device(void)
{
	unsigned long long size = 0;
	unsigned char magic[2];
	int fd = open("/dev/ram0", O_RDONLY);

	CHECK_SYS(fd);
	CHECK_SYS(ioctl(fd, BLKGETSIZE64_, &size));
	CHECK(size >= 1024 * 1024 && size % 1024 == 0,
	      "/dev/ram0 is %llu bytes", size);
	CHECK(pread(fd, magic, 2, 1080) == 2, "pread the superblock");
	CHECK(magic[0] == (EXT2_MAGIC & 0xff) && magic[1] == EXT2_MAGIC >> 8,
	      "no ext2 magic on /dev/ram0 (%02x %02x)", magic[0], magic[1]);
	close(fd);
}

static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	CHECK_SYS(fd);
	CHECK(write(fd, "3\n", 2) == 2, "drop_caches: %s", strerror(errno));
	close(fd);
}

static void check_write_back(void)
{
	static unsigned char out[PROBE_LEN], in[PROBE_LEN];
	int fd = open(PROBE, O_CREAT | O_TRUNC | O_WRONLY, 0644);

	CHECK_SYS(fd);
	for (size_t i = 0; i < sizeof out; i++)
		out[i] = (unsigned char)(i * 7 + i / 1024);
	CHECK(write(fd, out, sizeof out) == PROBE_LEN, "write: %s",
	      strerror(errno));
	CHECK_SYS(fsync(fd));
	close(fd);
	drop_caches();
	fd = open(PROBE, O_RDONLY);
	CHECK_SYS(fd);
	CHECK(read(fd, in, sizeof in) == PROBE_LEN, "read back");
	close(fd);
	CHECK(!memcmp(in, out, sizeof in), "the file's bytes changed");
	CHECK_SYS(unlink(PROBE));
}

int main(void)
{
	if (access("/dev/ram0", F_OK) != 0)
		skip("no /dev/ram0: the boot archive is not a disk image");
	guest_cleanup = cleanup;
	check_root_is_ram0();
	check_device();
	check_write_back();
	return 0;
}
