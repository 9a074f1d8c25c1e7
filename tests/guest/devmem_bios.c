/* devmem_bios - /dev/mem maps physical memory: mmap2 of the BIOS area
 * (0xF0000, 64 KiB) read-only shows non-zero bytes, the same as pread
 * gives where that is supported; unmapping it and exiting a child that
 * inherited the mapping must not free those frames (the runner's leak
 * check sees that). Skips on Linux when /dev/mem is not permitted. */
#include <fcntl.h>
#include <sys/mman.h>
#include "guest.h"

#define BIOS 0xF0000ul
#define LEN 0x10000ul

static size_t nonzero(const volatile unsigned char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += p[i] != 0;
	return c;
}

int main(void)
{
	int ours = have_vmkernel();
	int fd = open("/dev/mem", O_RDONLY);
	if (fd < 0) {
		if (!ours)
			skip("open /dev/mem: %s", strerror(errno));
		fail("open /dev/mem failed: %s", strerror(errno));
	}
	long r =
	    syscall(SYS_mmap2, 0, LEN, PROT_READ, MAP_SHARED, fd, BIOS / PAGE);
	if (r == -1) {
		if (!ours) {
			/* Linux may forbid the mapping but allow reads. */
			static unsigned char buf[LEN];
			ssize_t n = pread(fd, buf, LEN, BIOS);
			if (n != (ssize_t)LEN)
				skip("mmap2 and pread of /dev/mem not "
				     "permitted");
			CHECK(nonzero(buf, LEN) > 0,
			      "BIOS area reads all zero");
			return 0;
		}
		fail("mmap2 of /dev/mem at 0xF0000 failed: %s",
		     strerror(errno));
	}
	volatile unsigned char *bios = (volatile unsigned char *)r;
	size_t nz = nonzero(bios, LEN);
	CHECK(nz > 0, "BIOS area 0xF0000-0xFFFFF reads all zero");
	/* The reset vector at 0xFFFF0 is code (usually a far jump, 0xEA). */
	printf("devmem_bios: %zu non-zero bytes, reset vector starts %02x\n",
	       nz, bios[0xFFF0]);
	/* A forked child sees the same bytes through the inherited mapping. */
	unsigned char first[64];
	for (int i = 0; i < 64; i++)
		first[i] = bios[0xFFC0 + i];
	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		for (int i = 0; i < 64; i++)
			if (bios[0xFFC0 + i] != first[i])
				fail("child sees other bytes at %#lx",
				     BIOS + 0xFFC0 + i);
		_exit(0);
	}
	int st = wait_for(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed");
	/* pread agrees where it works. */
	unsigned char buf[64];
	if (pread(fd, buf, 64, BIOS + 0xFFC0) == 64)
		CHECK(memcmp(buf, first, 64) == 0,
		      "pread and mmap2 of /dev/mem differ");
	CHECK_SYS(munmap((void *)bios, LEN));
	/* Map it again: still there (the frames were not freed and reused). */
	r = syscall(SYS_mmap2, 0, LEN, PROT_READ, MAP_SHARED, fd, BIOS / PAGE);
	CHECK(r != -1, "second mmap2 failed: %s", strerror(errno));
	bios = (volatile unsigned char *)r;
	for (int i = 0; i < 64; i++)
		CHECK(bios[0xFFC0 + i] == first[i],
		      "BIOS bytes changed after remap");
	CHECK_SYS(munmap((void *)bios, LEN));
	close(fd);
	return 0;
}
