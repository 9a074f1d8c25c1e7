/*
 * ext2_persist - leaves /ext2_persist/data (1 MiB, a known pattern) on the
 * scratch disk for the host to read back with debugfs after the machine
 * powered off (scripts/guest-test.sh); if the file is already there (a
 * second boot of the same disk) its content is checked first.
 */
#include "ext2_disk.h"

#define SIZE (1 << 20)

static void pattern(unsigned char *buf)
{
	for (int i = 0; i < SIZE; i++)
		buf[i] = (unsigned char)(i * 13 + i / 4096);
}

int main(void)
{
	static unsigned char want[SIZE], got[SIZE];
	char path[128];
	ssize_t n, total = 0;
	int fd;

	guest_cleanup = ext2_umount;
	ext2_mount("scratch");
	pattern(want);
	snprintf(path, sizeof path, "%s/ext2_persist", ext2_mnt);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/ext2_persist/data", ext2_mnt);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		while ((n = read(fd, got + total, SIZE - (size_t)total)) > 0)
			total += n;
		close(fd);
		CHECK(total == SIZE && !memcmp(got, want, SIZE),
		      "the file of the last boot is wrong (%zd bytes)", total);
	}
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK_SYS(fd);
	CHECK(write(fd, want, SIZE) == SIZE, "write: %s", strerror(errno));
	CHECK_SYS(close(fd));
	ext2_umount();
	return 0;
}
