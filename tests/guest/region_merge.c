/* region_merge - neighbouring regions merge as on Linux, so a program's
 * region count (lines of /proc/self/maps) stays small: 1,000 brk steps
 * leave one heap region; adjacent anonymous mmaps become one; mprotect
 * of a middle page splits a mapping in three and mprotect back rejoins
 * it; the data survives every merge. */
#include <sys/mman.h>
#include "guest.h"

/* Lines of /proc/self/maps (regions), or -1 without /proc. */
static int regions(void)
{
	static char buf[32768];
	int fd = open("/proc/self/maps", O_RDONLY), n = 0;
	ssize_t len = 0, r;

	if (fd < 0)
		return -1;
	while ((r = read(fd, buf + len, sizeof buf - 1 - (size_t)len)) > 0)
		len += r;
	close(fd);
	for (ssize_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

int main(void)
{
	int start = regions();

	if (start < 0)
		skip("no /proc/self/maps");
	unsigned long b = (unsigned long)syscall(SYS_brk, 0);
	b = (b + PAGE - 1) & ~(PAGE - 1);
	CHECK((unsigned long)syscall(SYS_brk, b) == b, "brk to a page");
	for (int i = 1; i <= 1000; i++) {
		unsigned long to = b + (unsigned long)i * PAGE;
		CHECK((unsigned long)syscall(SYS_brk, to) == to, "brk step %d",
		      i);
		((char *)to)[-1] = (char)i;
	}
	int after_brk = regions();
	CHECK(after_brk <= start + 1,
	      "%d regions after 1000 brk steps, %d before", after_brk, start);
	for (int i = 1; i <= 1000; i++)
		CHECK(((char *)b)[(unsigned long)i * PAGE - 1] == (char)i,
		      "heap page %d lost", i);

	/* Two anonymous mappings side by side become one. */
	char *a = map_anon(8 * PAGE);
	CHECK_SYS(munmap(a + 4 * PAGE, 4 * PAGE));
	int one = regions();
	char *n = mmap(a + 4 * PAGE, 4 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(n == a + 4 * PAGE, "MAP_FIXED neighbour");
	CHECK(regions() == one, "adjacent mmaps did not merge: %d, %d",
	      regions(), one);

	/* mprotect split and rejoin. */
	memset(a, 3, 8 * PAGE);
	CHECK_SYS(mprotect(a + 3 * PAGE, PAGE, PROT_READ));
	CHECK(regions() == one + 2, "mprotect split: %d regions, want %d",
	      regions(), one + 2);
	CHECK_SYS(mprotect(a + 3 * PAGE, PAGE, PROT_READ | PROT_WRITE));
	CHECK(regions() == one, "mprotect rejoin: %d regions, want %d",
	      regions(), one);
	for (size_t i = 0; i < 8 * PAGE; i++)
		CHECK(a[i] == 3, "byte %zu lost in split and rejoin", i);
	/* Many split/rejoin rounds leave the count where it was. */
	for (int i = 0; i < 200; i++) {
		CHECK_SYS(mprotect(a + (i % 7) * PAGE, PAGE, PROT_READ));
		CHECK_SYS(
		    mprotect(a + (i % 7) * PAGE, PAGE, PROT_READ | PROT_WRITE));
	}
	CHECK(regions() == one, "after 200 rounds: %d regions, want %d",
	      regions(), one);
	if (have_vmkernel())
		vm_sanity_check();
	return 0;
}
