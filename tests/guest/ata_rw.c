/* ata_rw - the second IDE disk (/dev/hdb, attached by the test runner with
 * sector i holding the 32-bit number i in every word) read and written
 * through its device file: aligned and unaligned transfers, the size, the
 * end of the device (EOF for reads, ENOSPC for writes). While a process
 * waits for the disk the machine keeps running: a child sees the reader
 * asleep inside one long read. */
#define _FILE_OFFSET_BITS 64
#include <fcntl.h>
#include <sys/ioctl.h>
#include "guest.h"

#define SECT 512
#define BLKGETSIZE64_ 0x80041272u

static int fd;

static uint32_t word_at(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void check_sector(const unsigned char *b, uint32_t n)
{
	for (int i = 0; i < SECT; i += 4)
		CHECK(word_at(b + i) == n, "sector %u word %d holds %u", n,
		      i / 4, word_at(b + i));
}

static void pattern_reads(uint64_t size)
{
	static unsigned char buf[8 * SECT];
	CHECK(pread(fd, buf, SECT, 0) == SECT, "read of sector 0");
	check_sector(buf, 0);
	CHECK(pread(fd, buf, 8 * SECT, 77 * SECT) == 8 * SECT, "8 sectors");
	for (uint32_t i = 0; i < 8; i++)
		check_sector(buf + i * SECT, 77 + i);
	uint32_t last = (uint32_t)(size / SECT - 1);
	CHECK(pread(fd, buf, SECT, (off_t)last * SECT) == SECT, "last");
	check_sector(buf, last);
	/* Unaligned: the end of sector 5 and the start of sector 6. */
	CHECK(pread(fd, buf, 16, 6 * SECT - 8) == 16, "unaligned read");
	CHECK(word_at(buf) == 5 && word_at(buf + 4) == 5 &&
		  word_at(buf + 8) == 6 && word_at(buf + 12) == 6,
	      "unaligned read gave %u %u %u %u", word_at(buf), word_at(buf + 4),
	      word_at(buf + 8), word_at(buf + 12));
	CHECK(pread(fd, buf, SECT, (off_t)size) == 0, "read at the end");
	CHECK(pread(fd, buf, 2 * SECT, (off_t)size - SECT) == SECT,
	      "read across the end");
}

static void writes(uint64_t size)
{
	static unsigned char buf[4096], back[4096];
	for (int i = 0; i < 4096; i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	CHECK(pwrite(fd, buf, 4096, 100 * SECT) == 4096, "aligned write");
	CHECK(pwrite(fd, "hello, disk", 11, 300 * SECT + 505) == 11,
	      "unaligned write");
	CHECK(pread(fd, back, 4096, 100 * SECT) == 4096 &&
		  memcmp(buf, back, 4096) == 0,
	      "aligned write did not read back");
	CHECK(pread(fd, back, 11, 300 * SECT + 505) == 11 &&
		  memcmp(back, "hello, disk", 11) == 0,
	      "unaligned write did not read back");
	/* The bytes around the unaligned write kept the pattern. */
	CHECK(pread(fd, back, 2 * SECT, 300 * SECT) == 2 * SECT, "reread");
	CHECK(word_at(back) == 300 && word_at(back + 500) == 300 &&
		  word_at(back + 2 * SECT - 4) == 301,
	      "an unaligned write changed its neighbours");
	CHECK_ERR(pwrite(fd, buf, SECT, (off_t)size), ENOSPC);
}

/*
 * While the parent reads the whole 4 MiB disk, a child watches the
 * parent's state in /proc/PID/stat: with an interrupt-driven driver the
 * reader sleeps ('S' or 'D') while the disk works, and the child, running
 * meanwhile, sees it asleep inside the read; a polled driver keeps the
 * reader running ('R') for the whole call and the child does not run
 * until it ends. (This replaced a timing of the child's share of the
 * read, which PIO copying and a loaded host made flaky.)
 */
#define READ_BYTES (4u << 20) /* all of hdb */

/* The state letter of process pid, or 0. */
static char proc_state(const char *path)
{
	char buf[256];
	int f = open(path, O_RDONLY);
	ssize_t n = f < 0 ? -1 : read(f, buf, sizeof buf - 1);
	char *p;

	if (f >= 0)
		close(f);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static void keeps_running(void)
{
	/* [0]: the parent is in the read; [1]: times the child saw it
	 * asleep there; [2]: times the child looked. */
	volatile uint32_t *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char path[32];
	pid_t pid;

	CHECK(sh != MAP_FAILED, "mmap shared");
	snprintf(path, sizeof path, "/proc/%d/stat", (int)getpid());
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0)
		for (;;) {
			char st = proc_state(path);

			if (sh[0] && (st == 'S' || st == 'D'))
				sh[1]++;
			sh[2] += sh[0];
		}
	char *big = map_anon(READ_BYTES);
	memset(big, 0, READ_BYTES);
	sh[0] = 1;
	ssize_t n = pread(fd, big, READ_BYTES, 0);
	sh[0] = 0;
	kill(pid, SIGKILL);
	wait_for(pid);
	CHECK(n == (ssize_t)(READ_BYTES), "4 MiB read gave %zd", n);
	check_sector((unsigned char *)big + 8191 * SECT, 8191);
	printf("ata_rw: during the 4 MiB read the child looked %u times and "
	       "saw the reader asleep %u times\n",
	       sh[2], sh[1]);
	CHECK(sh[1] > 0, "the reader never slept in the read (polled I/O?)");
	munmap(big, READ_BYTES);
}

int main(void)
{
	need_vmkernel();
	fd = open("/dev/hdb", O_RDWR);
	if (fd < 0 && errno == ENOENT)
		skip("no second IDE disk attached");
	CHECK_SYS(fd);
	uint64_t size = 0;
	CHECK(ioctl(fd, BLKGETSIZE64_, &size) == 0, "BLKGETSIZE64: %s",
	      strerror(errno));
	CHECK(size >= (4u << 20) && size % SECT == 0, "size %llu",
	      (unsigned long long)size);
	CHECK(lseek(fd, 0, SEEK_END) == (off_t)size, "SEEK_END");
	pattern_reads(size);
	writes(size);
	keeps_running();
	close(fd);
	return 0;
}
