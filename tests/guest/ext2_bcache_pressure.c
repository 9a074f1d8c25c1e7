/* ext2_bcache_pressure - the caches give their memory back: an 8 MiB
 * file is written and read and stays in the page cache's level 1 (its
 * bound is half of memory); a child maps and touches all of MemAvailable
 * but 3 MiB (which counts level 1's clean pages): it must not be
 * OOM-killed, so level 1 must shrink (pc_reclaimed grows, pc_pages
 * falls), and the file read again is byte-for-byte right. Then, with
 * level 1 bounded to 64 pages (/proc/sys/vm/pagecache_max_pages), the
 * file's pages go to level 2, the yielded-block cache; a page rewritten
 * through the file after it went there never comes back stale, and
 * level 2 shrinks under the same child. */
#include "ext2_disk.h"

#define SIZE (8 << 20)
#define PC_MAX "/proc/sys/vm/pagecache_max_pages"

static unsigned char want[SIZE], got[SIZE];
static char saved_max[32];

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

static long long pc(const char *name)
{
	return guest_proc_field("/proc/fs/bcache", name);
}

static void cleanup(void)
{
	if (saved_max[0])
		guest_write_text(PC_MAX, saved_max);
	ext2_umount();
}

/* Level 1 holds the file and gives it back to the child. */
static void level1(const char *path)
{
	long long pages0, rec0;

	read_back(path, "first read");
	pages0 = pc("pc_pages ");
	CHECK(pages0 >= SIZE / PAGE && pc("pc_reclaimable ") >= SIZE / PAGE,
	      "the file is not in level 1 (%lld pages)", pages0);
	rec0 = pc("pc_reclaimed ");
	expect_ok(hog, NULL, "touching all available memory (level 1)");
	CHECK(pc("pc_reclaimed ") > rec0 && pc("pc_pages ") < pages0,
	      "level 1 gave nothing back");
	read_back(path, "after level 1 shrank");
}

/* Level 1 of 64 pages: the file lives in level 2. */
static void level2(const char *path)
{
	long long l2;
	int fd;

	CHECK(guest_write_text(PC_MAX, "64") == 0, "cannot set %s", PC_MAX);
	read_back(path, "read through level 2");
	CHECK(pc("pc_pages ") < SIZE / PAGE / 2 && pc("pc_l2_pages ") > 0,
	      "nothing in level 2 after reading 8 MiB");
	/* Rewrite the first 64 KiB (their pages are in level 2 by now). */
	memset(want, 0xA5, 65536);
	fd = open(path, O_WRONLY);
	CHECK_SYS(fd);
	CHECK(pwrite(fd, want, 65536, 0) == 65536, "pwrite");
	CHECK_SYS(fsync(fd));
	close(fd);
	read_back(path, "after the rewrite");
	l2 = pc("pc_l2_pages ");
	expect_ok(hog, NULL, "touching all available memory (level 2)");
	CHECK(pc("pc_l2_pages ") < l2, "level 2 gave nothing back");
	read_back(path, "after the memory pressure");
}

int main(void)
{
	char path[128];
	int fd;

	guest_cleanup = cleanup;
	ext2_mount("scratch");
	CHECK(guest_slurp(PC_MAX, saved_max, sizeof saved_max) > 0,
	      "cannot read %s", PC_MAX);
	saved_max[strcspn(saved_max, "\n")] = 0;
	for (int i = 0; i < SIZE; i++)
		want[i] = (unsigned char)(i * 7 + i / 4096);
	snprintf(path, sizeof path, "%s/bcache_pressure", ext2_mnt);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	CHECK_SYS(fd);
	CHECK(write(fd, want, SIZE) == SIZE, "write: %s", strerror(errno));
	CHECK_SYS(fsync(fd)); /* clean pages: the shrinker's to take */
	close(fd);
	level1(path);
	level2(path);
	CHECK_SYS(unlink(path));
	cleanup();
	saved_max[0] = 0;
	return 0;
}
