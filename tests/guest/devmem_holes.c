/* devmem_holes - /dev/mem reads and writes every kind of physical page
 * without hurting the kernel: page 0 and the boot page (unmapped in the
 * kernel's direct mapping), the EBDA and VGA holes, the BIOS, the last
 * page. Past the end both directions give EFAULT, also for a transfer
 * that straddles it (docs/security.md). Writes put back what was read. */
#define _FILE_OFFSET_BITS 64
#include <fcntl.h>
#include "guest.h"

static int fd;

static void round_trip(unsigned long pa, const char *what)
{
	static unsigned char buf[PAGE], again[PAGE];
	ssize_t n = pread(fd, buf, PAGE, (off_t)pa);
	CHECK(n == (ssize_t)PAGE, "read of %s (%#lx): %zd (%s)", what, pa, n,
	      strerror(errno));
	n = pwrite(fd, buf, PAGE, (off_t)pa);
	CHECK(n == (ssize_t)PAGE, "write of %s (%#lx): %zd (%s)", what, pa, n,
	      strerror(errno));
	n = pread(fd, again, PAGE, (off_t)pa);
	CHECK(n == (ssize_t)PAGE && memcmp(buf, again, PAGE) == 0,
	      "%s (%#lx) reads back differently", what, pa);
}

/* The first physical address /dev/mem refuses: reads of one byte work
 * below it. */
static unsigned long find_end(void)
{
	unsigned long lo = 0, hi = 0xFFFFF000ul; /* lo readable, hi not */
	unsigned char b;
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;
		if (pread(fd, &b, 1, (off_t)mid) == 1)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

int main(void)
{
	need_vmkernel();
	fd = open("/dev/mem", O_RDWR);
	CHECK_SYS(fd);
	round_trip(0, "page 0");
	round_trip(0x100000, "the boot page");
	round_trip(0x9F000, "the EBDA");
	round_trip(0xA0000, "VGA memory");
	round_trip(0xF0000, "the BIOS");
	unsigned long end = find_end();
	CHECK(end % PAGE == 0 && end >= (8ul << 20), "odd end %#lx", end);
	round_trip(end - PAGE, "the last page");
	unsigned char buf[16] = {0};
	CHECK_ERR(pread(fd, buf, 1, (off_t)end), EFAULT);
	CHECK_ERR(pwrite(fd, buf, 1, (off_t)end), EFAULT);
	CHECK_ERR(pread(fd, buf, 16, (off_t)end - 8), EFAULT);
	CHECK_ERR(pwrite(fd, buf, 16, (off_t)end - 8), EFAULT);
	CHECK_ERR(pread(fd, buf, 16, (off_t)0xFFFFFFF8ul), EFAULT);
	CHECK(pread(fd, buf, 0, (off_t)end) == 0, "empty read at the end");
	close(fd);
	return 0;
}
