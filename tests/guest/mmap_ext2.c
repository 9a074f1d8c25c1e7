/* mmap_ext2 - mappings of an ext2 file go through the page cache: a
 * private mapping copies on write and leaves the file alone, while its
 * unwritten pages follow write(); a shared mapping's stores are what
 * read() and another process see, and write() is what it sees; access past
 * the end is SIGBUS, also after a truncate while mapped; after fsync the
 * data is on the disk (scripts/guest-test.sh reads /mmap_ext2/data back
 * with debugfs and runs e2fsck). */
#include <sys/mman.h>
#include <sys/wait.h>
#include "ext2_disk.h"

#define NPAGES 3
#define SIZE (NPAGES * PAGE + 100)

static char path[128];

/* The byte the file holds at off: (off * 7 + off / 4096) & 255. */
static unsigned char pat(size_t off)
{
	return (unsigned char)((off * 7 + off / 4096) & 255);
}

static int make_file(void)
{
	static unsigned char buf[SIZE];
	int fd;

	for (size_t i = 0; i < SIZE; i++)
		buf[i] = pat(i);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK_SYS(fd);
	CHECK(write(fd, buf, SIZE) == SIZE, "write: %s", strerror(errno));
	return fd;
}

static unsigned char read_byte(int fd, off_t off)
{
	unsigned char c = 0;

	CHECK(pread(fd, &c, 1, off) == 1, "pread %ld", (long)off);
	return c;
}

static void private_mapping(int fd)
{
	unsigned char *p =
	    mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	CHECK(p != MAP_FAILED, "mmap private: %s", strerror(errno));
	for (size_t i = 0; i < SIZE; i += 997)
		CHECK(p[i] == pat(i), "private byte %zu", i);
	p[10] = 0xAB; /* copy of page 0 */
	CHECK(read_byte(fd, 10) == pat(10), "a private store reached the file");
	CHECK(pwrite(fd, "Q", 1, PAGE + 5) == 1, "pwrite");
	CHECK(p[PAGE + 5] == 'Q', "an unwritten private page missed write()");
	CHECK(pwrite(fd, "R", 1, 11) == 1, "pwrite");
	CHECK(p[11] == pat(11), "a private copy followed write()");
	CHECK(p[SIZE] == 0, "the last page past the end is not zero");
	CHECK_SYS(munmap(p, SIZE));
	CHECK(pwrite(fd, (char[]){(char)pat(PAGE + 5)}, 1, PAGE + 5) == 1 &&
		  pwrite(fd, (char[]){(char)pat(11)}, 1, 11) == 1,
	      "restore");
}

static void shared_mapping(int fd)
{
	unsigned char *p =
	    mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *q;
	pid_t pid;

	CHECK(p != MAP_FAILED, "mmap shared: %s", strerror(errno));
	p[2 * PAGE + 3] = 0xCD;
	CHECK(read_byte(fd, 2 * PAGE + 3) == 0xCD, "read() missed a store");
	CHECK(pwrite(fd, "W", 1, 7) == 1, "pwrite");
	CHECK(p[7] == 'W', "the mapping missed write()");
	pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		int fd2 = open(path, O_RDWR);

		q = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2,
			 0);
		if (q == MAP_FAILED || q[2 * PAGE + 3] != 0xCD)
			_exit(1);
		q[PAGE + 1] = 0x5A;
		_exit(0);
	}
	CHECK(wait_for(pid) == 0, "the other process failed");
	CHECK(p[PAGE + 1] == 0x5A, "another process's store is not seen");
	/* Back to the pattern through the mapping, then to the disk. */
	p[2 * PAGE + 3] = pat(2 * PAGE + 3);
	p[7] = pat(7);
	p[PAGE + 1] = pat(PAGE + 1);
	CHECK_SYS(fsync(fd));
	CHECK_SYS(munmap(p, SIZE));
}

static void touch(void *arg)
{
	volatile unsigned char *p = arg;

	(void)p[0];
}

static void past_end(int fd)
{
	unsigned char *p =
	    mmap(NULL, 6 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	expect_signal(touch, p + 5 * PAGE, SIGBUS, "past the end");
	expect_ok(touch, p + 3 * PAGE, "the last page");
	/* Truncate while mapped: the cut pages go, the rest reads zero. */
	CHECK_SYS(ftruncate(fd, PAGE + 10));
	expect_signal(touch, p + 2 * PAGE, SIGBUS, "past the new end");
	CHECK(p[PAGE + 9] == pat(PAGE + 9), "the kept page changed");
	CHECK(p[PAGE + 10] == 0 && p[PAGE + 4095] == 0,
	      "bytes past the new end are not zero");
	CHECK_SYS(ftruncate(fd, 3 * PAGE));
	CHECK(p[2 * PAGE] == 0 && p[PAGE + 20] == 0, "grown part not zero");
	CHECK_SYS(munmap(p, 6 * PAGE));
}

int main(void)
{
	int fd;

	guest_cleanup = ext2_umount;
	ext2_mount("scratch");
	snprintf(path, sizeof path, "%s/mmap_ext2", ext2_mnt);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/mmap_ext2/data", ext2_mnt);
	fd = make_file();
	private_mapping(fd);
	shared_mapping(fd);
	CHECK_SYS(close(fd));
	/* A second file for the truncation; the first stays for debugfs. */
	snprintf(path, sizeof path, "%s/mmap_ext2/cut", ext2_mnt);
	fd = make_file();
	past_end(fd);
	CHECK_SYS(close(fd));
	CHECK_SYS(unlink(path));
	ext2_umount();
	return 0;
}
