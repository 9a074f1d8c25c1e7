/*
 * fs_bench.c - file system benchmarks on an ext2 disk (`make bench`,
 * scripts/bench.sh): the program runs as the first process with the disk
 * attached as /dev/hda, mounts it and times, under QEMU -icount shift=0
 * (rdtsc differences are guest instructions, user and kernel together):
 *
 *   create+write+fsync  a 1 KiB file, 1,000 times, per file
 *   write 64 MiB        a new file in 64 KiB writes, then fsync, per MiB
 *   read 64 MiB         the same file after a remount (cold) and twice
 *                       again (warm, third), per MiB, each with the blocks
 *                       read from the disk, the block cache's level-2
 *                       hits and its hit rate (/proc/fs/bcache); bench.sh
 *                       runs it with level 2 on and off (bcache.l2=0)
 *   random 4 KiB reads  every 4 KiB block of the file once, in a
 *                       scattered order, after a remount (cold) and twice
 *                       again, per MiB, with the same counters
 *   readdir             a 1,000-entry directory with getdents64, per entry
 *
 * Output: "BENCH name value" lines, "n/a" when an operation failed.
 * Built gcc -m32 -static -O2; as the first process it powers the machine
 * off at the end.
 *
 * `make bench-linux` runs it too (as /fs_bench, from guest_bench) on our
 * kernel and on Linux, each with the same fresh image as its first IDE
 * disk. On Linux it first loads the modules named in /modules.list (the
 * disk driver and ext4, which serves ext2; bench-linux.sh copies them
 * from the same package) and waits for /dev/sda; ours has /dev/hda. The
 * counters of /proc/fs/bcache are ours only ("-" on Linux).
 *
 * Rows that wait for the disk are followed by "idle while waiting, %":
 * the share of the row's time the CPU was idle (idle plus iowait of
 * /proc/stat, in 1/100 s ticks, against rdtsc's nanoseconds of virtual
 * time), so executed work and the host's disk wait can be told apart on
 * both kernels.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include "prof.h"

#define MNT "/mnt"
#define NFILES 1000
#define BIG (64u << 20)
#define BIG_MIB (BIG >> 20)
#define RBLOCK 4096u
#define RSTRIDE 7919u /* odd: i * RSTRIDE mod 2^k visits every block */
#define CHUNK (64u << 10)

static char buf[CHUNK];
static const char *dev; /* the disk: /dev/hda here, /dev/sda on Linux */

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Idle plus iowait ticks of /proc/stat's "cpu" line (1/100 s), or -1. */
static long long idle_ticks(void)
{
	char text[256];
	unsigned long long f[5] = {0};
	int fd = open("/proc/stat", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	text[n] = 0;
	if (sscanf(text, "cpu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2],
		   &f[3], &f[4]) < 4)
		return -1;
	return (long long)(f[3] + f[4]);
}

/* The "idle while waiting" row: idle ticks since idle0 as a percentage
 * of the cycles (virtual nanoseconds) the row took. */
static void report_idle(const char *name, long long idle0, uint64_t cycles)
{
	long long idle = idle_ticks();
	char row[64];

	snprintf(row, sizeof(row), "idle: %s", name);
	if (idle0 < 0 || idle < 0 || !cycles)
		printf("BENCH %-28s -\n", row);
	else
		printf("BENCH %-28s %llu\n", row,
		       (unsigned long long)(idle - idle0) * 10000000ull * 100 /
			   cycles);
}

static void report(const char *name, uint64_t cycles, uint64_t n)
{
	if (!n)
		printf("BENCH %-28s n/a\n", name);
	else
		printf("BENCH %-28s %llu\n", name,
		       (unsigned long long)(cycles / n));
}

static int remount(void)
{
	if (umount(MNT))
		return -1;
	return mount(dev, MNT, "ext2", 0, NULL);
}

static long long bcache_counter(const char *name);

/* Write transfers of both caches (ours; negative elsewhere). */
static long long disk_writes(void)
{
	return bcache_counter("write_transfers") +
	       bcache_counter("pc_disk_writes");
}

static void bench_small_files(void)
{
	char path[64];
	long long idle0 = idle_ticks(), w0 = disk_writes();
	uint64_t t = rdtsc();
	unsigned ok = 0;

	mkdir(MNT "/small", 0755);
	for (unsigned i = 0; i < NFILES; i++) {
		int fd;

		snprintf(path, sizeof path, MNT "/small/f%04u", i);
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd < 0)
			break;
		if (write(fd, buf, 1024) == 1024 && fsync(fd) == 0)
			ok++;
		close(fd);
	}
	t = rdtsc() - t;
	report("create+write+fsync 1 KiB", t, ok == NFILES ? ok : 0);
	report_idle("create+write+fsync 1 KiB", idle0, t);
	if (w0 >= 0) /* ours: the block and page caches' write transfers */
		printf("BENCH %-28s %lld.%02lld\n", "  disk writes per file",
		       (disk_writes() - w0) / NFILES,
		       (disk_writes() - w0) % NFILES / 10);
}

static void bench_readdir(void)
{
	char dbuf[4096];
	unsigned entries = 0;
	uint64_t t;
	int fd = open(MNT "/small", O_RDONLY | O_DIRECTORY);
	long n;

	if (fd < 0) {
		report("readdir 1,000 entries", 0, 0);
		return;
	}
	t = rdtsc();
	while ((n = syscall(SYS_getdents64, fd, dbuf, sizeof dbuf)) > 0)
		for (long off = 0; off < n;) {
			unsigned short reclen;

			memcpy(&reclen, dbuf + off + 16, 2);
			off += reclen;
			entries++;
		}
	t = rdtsc() - t;
	close(fd);
	report("readdir, per entry", t, entries >= NFILES ? entries : 0);
}

static uint64_t read_file(const char *path)
{
	uint64_t t = rdtsc(), got = 0;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, CHUNK)) > 0)
		got += (uint64_t)n;
	close(fd);
	return got == BIG ? rdtsc() - t : 0;
}

/* A counter of /proc/fs/bcache ("name value" lines), or -1. */
static long long bcache_counter(const char *name)
{
	static char text[2048];
	size_t len = strlen(name);
	int fd = open("/proc/fs/bcache", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	text[n] = 0;
	for (char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, len) && p[len] == ' ')
			return atoll(p + len + 1);
	return -1;
}

/* Read the file in RBLOCK pieces at scattered offsets, each block once:
 * the cycles taken, or 0 on a short read. */
static uint64_t read_random(const char *path)
{
	static char one[RBLOCK];
	uint32_t nblocks = BIG / RBLOCK;
	uint64_t t = rdtsc();
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	for (uint32_t i = 0; i < nblocks; i++) {
		uint32_t blk = (i * RSTRIDE) & (nblocks - 1);

		if (pread(fd, one, RBLOCK, (off_t)blk * RBLOCK) != RBLOCK) {
			close(fd);
			return 0;
		}
	}
	close(fd);
	return rdtsc() - t;
}

/* Blocks read from the disk: metadata by the block cache, file pages by
 * the page cache (a page a block with 4 KiB blocks); level-2 hits of both,
 * and the misses that asked level 2 (the block cache's level-2 misses and
 * the page cache's misses). */
static long long disk_reads(void)
{
	return bcache_counter("disk_reads") + bcache_counter("pc_disk_reads");
}

static long long l2_hits(void)
{
	return bcache_counter("l2_hits") + bcache_counter("pc_l2_hits");
}

static long long l2_asked(void)
{
	return bcache_counter("l2_hits") + bcache_counter("l2_misses") +
	       bcache_counter("pc_misses");
}

/* One pass over the file (sequential or random): instructions per MiB,
 * then the blocks it read from the disk, the level-2 hits and level 2's
 * hit rate. */
static void read_pass(const char *path, const char *name, bool random)
{
	long long r0 = disk_reads();
	long long h0 = l2_hits();
	long long a0 = l2_asked();
	long long idle0 = idle_ticks();
	uint64_t t = random ? read_random(path) : read_file(path);
	long long hits = l2_hits() - h0;
	long long asked = l2_asked() - a0;
	char row[64];

	report(name, t, t ? BIG_MIB : 0);
	report_idle(name, idle0, t);
	snprintf(row, sizeof(row), "  disk blocks read");
	printf("BENCH %-28s %lld\n", row, disk_reads() - r0);
	snprintf(row, sizeof(row), "  level-2 hits");
	printf("BENCH %-28s %lld\n", row, hits);
	snprintf(row, sizeof(row), "  level-2 hit rate");
	if (asked > 0)
		printf("BENCH %-28s %lld%%\n", row, hits * 100 / asked);
	else
		printf("BENCH %-28s -\n", row);
}

static void bench_big_file(void)
{
	const char *path = MNT "/big";
	long long idle0 = idle_ticks();
	uint64_t t = rdtsc(), done = 0, ts;
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	while (fd >= 0 && done < BIG && write(fd, buf, CHUNK) == CHUNK)
		done += CHUNK;
	ts = rdtsc();
	if (fd >= 0 && fsync(fd) == 0 && done == BIG) {
		uint64_t te = rdtsc();

		report("write 64 MiB + fsync, per MiB", te - t, BIG_MIB);
		report("of the write, the fsync", te - ts, BIG_MIB);
		t = te - t;
		report_idle("write 64 MiB + fsync, per MiB", idle0, t);
	} else
		report("write 64 MiB + fsync, per MiB", 0, 0);
	if (fd >= 0)
		close(fd);
	if (remount()) {
		report("read 64 MiB cold, per MiB", 0, 0);
		return;
	}
	read_pass(path, "read 64 MiB cold, per MiB", false);
	read_pass(path, "read 64 MiB warm, per MiB", false);
	read_pass(path, "read 64 MiB third, per MiB", false);
	if (remount()) {
		report("random 4 KiB cold, per MiB", 0, 0);
		return;
	}
	read_pass(path, "random 4 KiB cold, per MiB", true);
	read_pass(path, "random 4 KiB warm, per MiB", true);
	read_pass(path, "random 4 KiB third, per MiB", true);
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
			printf("fs_bench: module %s: %s\n", path,
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
	return "/dev/hda";
}

/* Between the marks, the N MiB file read once more by RBLOCK preads at
 * read_random's scattered offsets (it is cached). */
static void profile_rwarm(int fd, uint64_t len)
{
	static char one[RBLOCK];
	uint32_t nblocks = (uint32_t)(len / RBLOCK);

	prof_begin();
	for (uint32_t i = 0; i < nblocks; i++)
		if (pread(fd, one, RBLOCK,
			  (off_t)((i * RSTRIDE) & (nblocks - 1)) * RBLOCK) !=
		    RBLOCK)
			break;
	prof_end();
}

/* Between the marks, n files created in a new directory, each with 1 KiB
 * written and fsync'ed (bench_small_files's loop). */
static int profile_small(uint32_t n)
{
	char path[64];

	mkdir(MNT "/ps", 0755);
	prof_begin();
	for (uint32_t i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof path, MNT "/ps/f%04u", i);
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		if (fd < 0 || write(fd, buf, 1024) != 1024 || fsync(fd))
			return 1;
		close(fd);
	}
	prof_end();
	return 0;
}

/* "-p small N": profile_small. "-p write N" / "-p read N" / "-p warm N" /
 * "-p rwarm N": N MiB written
 * to a new file (then fsync, outside the marks), or read after a
 * remount, or read a second time (from the page cache) in order or
 * scattered (N a power of 2), between the marks. */
static int profile(const char *op, uint32_t mib)
{
	uint64_t len = (uint64_t)mib << 20, done = 0;
	int fd;

	if (strcmp(op, "small") == 0)
		return profile_small(mib);
	fd = open(MNT "/p", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	if (strcmp(op, "write") == 0)
		prof_begin();
	for (; done < len; done += CHUNK)
		if (write(fd, buf, CHUNK) != CHUNK)
			return 1;
	if (strcmp(op, "write") == 0)
		prof_end();
	fsync(fd);
	close(fd);
	if (strcmp(op, "write") == 0 || remount())
		return 0;
	fd = open(MNT "/p", O_RDONLY);
	if (strcmp(op, "warm") == 0 || strcmp(op, "rwarm") == 0) {
		while (fd >= 0 && read(fd, buf, CHUNK) > 0)
			;
		lseek(fd, 0, SEEK_SET);
	}
	if (strcmp(op, "rwarm") == 0) {
		profile_rwarm(fd, len);
		return 0;
	}
	prof_begin();
	while (fd >= 0 && read(fd, buf, CHUNK) > 0)
		;
	prof_end();
	return 0;
}

int main(int argc, char **argv)
{
	memset(buf, 'x', sizeof buf);
	if (access("/proc/stat", R_OK)) { /* Linux's initramfs has no /proc */
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	load_modules();
	dev = find_disk();
	mkdir(MNT, 0755);
	if (mount(dev, MNT, "ext2", 0, NULL)) {
		printf("fs_bench: mount %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (argc > 3 && strcmp(argv[1], "-p") == 0) {
		int err = profile(argv[2], (uint32_t)atoi(argv[3]));

		umount(MNT);
		sync();
		reboot(RB_POWER_OFF);
		return err;
	}
	bench_small_files();
	bench_readdir();
	bench_big_file();
	umount(MNT);
	printf("fs_bench: done\n");
	sync();
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
