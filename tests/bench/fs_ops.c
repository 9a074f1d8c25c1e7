/*
 * fs_ops - the file system rows of `make bench-linux`: the same static
 * program on our kernel and on Debian's Linux, each with the same fresh
 * ext2 image (mke2fs -t ext2 -b 4096) as its first IDE disk, guest
 * instructions (rdtsc under -icount shift=0) per operation:
 *
 *   fs_create_small   create + write 100 bytes + fsync + close, per file
 *   fs_readdir_1000   open + getdents64 to the end + close of a directory
 *                     of 1,000 entries (warm), per listing
 *   fs_write_mib      write a 16 MiB file in 64 KiB writes + fsync, per MiB
 *   fs_read_cold_mib  read it back after umount + mount (nothing cached),
 *                     per MiB
 *   fs_read_warm_mib  read it again (cached), per MiB
 *
 * Rows that wait for the disk (create, write, cold read) count the idle
 * time of that wait as instructions on both kernels, so they are not
 * exact; the warm rows repeat to a few instructions.
 *
 * guest_bench runs it as /fs_ops before it ends. On Linux it first loads
 * the modules named in /modules.list (the disk driver and ext4, which
 * serves ext2; bench-linux.sh copies them from the same package) with
 * finit_module and waits for /dev/sda; ours has /dev/hda.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define MNT "/mnt"
#define BIG_MIB 16
#define NSMALL 200
#define NDIR 1000
#define CHUNK (64 * 1024)

static char buf[CHUNK];

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

static void report(const char *name, uint64_t total, uint64_t n)
{
	printf("BENCH %s %llu\n", name,
	       (unsigned long long)((total + n / 2) / n));
	fflush(stdout);
}

static void report_na(const char *name)
{
	printf("BENCH %s n/a\n", name);
	fflush(stdout);
}

/* Linux: load each module of /modules.list (paths, in order). */
static void load_modules(void)
{
	FILE *f = fopen("/modules.list", "r");
	char path[256];

	if (!f)
		return;
	while (fgets(path, sizeof(path), f)) {
		path[strcspn(path, "\n")] = '\0';
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0)
			printf("fs_ops: module %s: %s\n", path,
			       strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
}

/* The disk's device node: ours makes /dev/hda; on Linux make /dev/sda
 * and wait (up to about 20 s) for the driver to find the disk. */
static const char *find_disk(void)
{
	struct timespec ms100 = {0, 100000000};

	if (access("/dev/hda", F_OK) == 0)
		return "/dev/hda";
	mknod("/dev/sda", S_IFBLK | 0600, makedev(8, 0));
	for (int i = 0; i < 200; i++) {
		int fd = open("/dev/sda", O_RDONLY);

		if (fd >= 0) {
			close(fd);
			return "/dev/sda";
		}
		nanosleep(&ms100, NULL);
	}
	return NULL;
}

static int mount_disk(const char *dev)
{
	if (mount(dev, MNT, "ext2", 0, NULL) == 0)
		return 0;
	printf("fs_ops: mount %s: %s\n", dev, strerror(errno));
	return -1;
}

static void bench_create_small(void)
{
	char name[64];
	uint64_t t0;

	memset(buf, 'x', 100);
	mkdir(MNT "/small", 0755);
	t0 = rdtsc();
	for (int i = 0; i < NSMALL; i++) {
		snprintf(name, sizeof(name), MNT "/small/f%04d", i);
		int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);

		if (fd < 0 || write(fd, buf, 100) != 100 || fsync(fd)) {
			report_na("fs_create_small");
			return;
		}
		close(fd);
	}
	report("fs_create_small", rdtsc() - t0, NSMALL);
}

/* One listing of dir to the end: the number of entries seen. */
static int list_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), n = 0;
	long got;

	if (fd < 0)
		return -1;
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long at = 0; at < got; n++)
			at += *(unsigned short *)(buf + at + 16);
	close(fd);
	return got < 0 ? -1 : n;
}

static void bench_readdir(void)
{
	char name[64];
	uint64_t t0;

	mkdir(MNT "/dir", 0755);
	for (int i = 0; i < NDIR; i++) {
		snprintf(name, sizeof(name), MNT "/dir/entry-%04d", i);
		int fd = open(name, O_CREAT | O_WRONLY, 0644);

		if (fd < 0) {
			report_na("fs_readdir_1000");
			return;
		}
		close(fd);
	}
	if (list_dir(MNT "/dir") != NDIR + 2) {
		report_na("fs_readdir_1000");
		return;
	}
	t0 = rdtsc();
	for (int r = 0; r < 5; r++)
		list_dir(MNT "/dir");
	report("fs_readdir_1000", rdtsc() - t0, 5);
}

/* Read the big file to its end: 0, or -1 if it fell short. */
static int read_big(void)
{
	int fd = open(MNT "/big", O_RDONLY);
	long total = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, CHUNK)) > 0)
		total += n;
	close(fd);
	return total == (long)BIG_MIB << 20 ? 0 : -1;
}

static void bench_big_file(const char *dev)
{
	int fd = open(MNT "/big", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	uint64_t t0 = rdtsc();

	memset(buf, 'b', CHUNK);
	for (long i = 0; fd >= 0 && i < ((long)BIG_MIB << 20) / CHUNK; i++)
		if (write(fd, buf, CHUNK) != CHUNK) {
			close(fd);
			fd = -1;
		}
	if (fd < 0 || fsync(fd)) {
		report_na("fs_write_mib");
		return;
	}
	close(fd);
	report("fs_write_mib", rdtsc() - t0, BIG_MIB);
	if (umount(MNT) || mount_disk(dev))
		return;
	t0 = rdtsc();
	if (read_big())
		report_na("fs_read_cold_mib");
	else
		report("fs_read_cold_mib", rdtsc() - t0, BIG_MIB);
	t0 = rdtsc();
	if (read_big())
		report_na("fs_read_warm_mib");
	else
		report("fs_read_warm_mib", rdtsc() - t0, BIG_MIB);
}

int main(void)
{
	const char *dev;

	setvbuf(stdout, NULL, _IOLBF, 0);
	load_modules();
	dev = find_disk();
	mkdir(MNT, 0755);
	if (!dev || mount_disk(dev)) {
		printf("fs_ops: no ext2 disk (%s)\n", dev ? dev : "none found");
		return 1;
	}
	bench_create_small();
	bench_readdir();
	bench_big_file(dev);
	umount(MNT);
	sync();
	return 0;
}
