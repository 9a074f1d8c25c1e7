/* msync_calls - msync's checks as Linux: EINVAL for an unaligned start,
 * unknown flags or MS_SYNC with MS_ASYNC; ENOMEM when part of the range
 * is not mapped; EBUSY for MS_INVALIDATE of locked memory; success on
 * anonymous and shared file mappings, whose data read() then sees. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "guest.h"

static const char *path = "/dev/shm/msync_calls.dat";

static void cleanup(void)
{
	unlink(path);
}

int main(void)
{
	char *a = map_anon(4 * PAGE);
	char buf[16];

	CHECK_SYS(msync(a, 4 * PAGE, MS_SYNC));
	CHECK_SYS(msync(a, 4 * PAGE, MS_ASYNC | MS_INVALIDATE));
	CHECK_SYS(msync(a, 0, MS_SYNC));
	CHECK_ERR(msync(a + 1, PAGE, MS_SYNC), EINVAL);
	CHECK_ERR(msync(a, PAGE, MS_SYNC | MS_ASYNC), EINVAL);
	CHECK_ERR(msync(a, PAGE, 0x100), EINVAL);
	CHECK_SYS(munmap(a + 2 * PAGE, PAGE));
	CHECK_ERR(msync(a, 4 * PAGE, MS_SYNC), ENOMEM);
	CHECK_ERR(msync(a + 2 * PAGE, PAGE, MS_SYNC), ENOMEM);
	CHECK_SYS(mlock(a, PAGE));
	CHECK_ERR(msync(a, PAGE, MS_INVALIDATE), EBUSY);
	CHECK_SYS(msync(a, PAGE, MS_SYNC));

	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK_SYS(fd);
	guest_cleanup = cleanup;
	CHECK_SYS(ftruncate(fd, PAGE));
	char *f = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(f != MAP_FAILED, "mmap of the file: %s", strerror(errno));
	memcpy(f, "synced", 6);
	CHECK_SYS(msync(f, PAGE, MS_SYNC));
	CHECK(pread(fd, buf, 6, 0) == 6 && !memcmp(buf, "synced", 6),
	      "read after msync");
	CHECK_SYS(munmap(f, PAGE));
	close(fd);
	cleanup();
	return 0;
}
