/* ext2_bcache_pressure - the caches give their memory back: an 8 MiB
 * file is written and read (filling level 2, the yielded-block cache, with
 * the page cache's clean pages), then a child maps and touches all of
 * MemAvailable but 3 MiB (it must not be OOM-killed: level 2 shrinks,
 * pc_l2_pages falls), and the file read again is byte-for-byte right; a
 * page rewritten through the file after it went to level 2 never comes
 * back stale. */
#include "ext2_disk.h"

#define SIZE (8 << 20)

static unsigned char want[SIZE], got[SIZE];

static void read_back(const char *path, const char *when)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	CHECK_SYS(fd);
	while ((n = read(fd, got + total, SIZE - (size_t)total)) > 0)
		total += n;
	close(fd);
	CHECK(total == SIZE && !memcmp(got, want, SIZE),
	      "%s: the file reads wrong (%zd bytes)", when, total);
}

/* Map and touch all of MemAvailable but 3 MiB, in a child. */
static void hog(void *arg)
{
	long long kib = guest_proc_field("/proc/meminfo", "MemAvailable:");
	size_t len = (size_t)(kib - 3072) * 1024;
	unsigned char *p;

	(void)arg;
	CHECK(kib > 16384, "MemAvailable only %lld kB", kib);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	CHECK(p != MAP_FAILED, "mmap %zu: %s", len, strerror(errno));
	for (size_t i = 0; i < len; i += PAGE)
		p[i] = 1;
	munmap(p, len);
}

int main(void)
{
	char path[128];
	long long ev0;
	int fd;

	guest_cleanup = ext2_umount;
	ext2_mount("scratch");
	for (int i = 0; i < SIZE; i++)
		want[i] = (unsigned char)(i * 7 + i / 4096);
	snprintf(path, sizeof path, "%s/bcache_pressure", ext2_mnt);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK_SYS(fd);
	CHECK(write(fd, want, SIZE) == SIZE, "write: %s", strerror(errno));
	close(fd);
	read_back(path, "first read");
	/* File data is the page cache's: its level-2 pages. */
	CHECK(guest_proc_field("/proc/fs/bcache", "pc_l2_pages ") > 0,
	      "nothing in level 2 after reading 8 MiB");
	/* Rewrite the first 64 KiB (their blocks are in level 2 by now). */
	memset(want, 0xA5, 65536);
	fd = open(path, O_WRONLY);
	CHECK_SYS(fd);
	CHECK(pwrite(fd, want, 65536, 0) == 65536, "pwrite");
	CHECK_SYS(fsync(fd));
	close(fd);
	read_back(path, "after the rewrite");
	ev0 = guest_proc_field("/proc/fs/bcache", "pc_l2_pages ");
	expect_ok(hog, NULL, "touching all available memory");
	CHECK(guest_proc_field("/proc/fs/bcache", "pc_l2_pages ") < ev0,
	      "level 2 gave nothing back");
	read_back(path, "after the memory pressure");
	CHECK_SYS(unlink(path));
	ext2_umount();
	return 0;
}
