/* mincore_calls - mincore as Linux: an untouched anonymous page is not
 * resident, a touched one is, one dropped by MADV_DONTNEED is not again;
 * MAP_POPULATE and mlock make every page resident; EINVAL for an
 * unaligned start, ENOMEM for a range with a hole, EFAULT for a bad
 * vector. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "guest.h"

int main(void)
{
	unsigned char vec[8];
	char *a = map_anon(8 * PAGE);

	a[0] = 1;
	a[3 * PAGE] = 1;
	CHECK_SYS(mincore(a, 8 * PAGE, vec));
	for (int i = 0; i < 8; i++)
		CHECK((vec[i] & 1) == (i == 0 || i == 3), "page %d: %d", i,
		      vec[i]);
	CHECK_SYS(madvise(a, 8 * PAGE, MADV_DONTNEED));
	CHECK_SYS(mincore(a, 8 * PAGE, vec));
	for (int i = 0; i < 8; i++)
		CHECK(vec[i] == 0, "page %d resident after DONTNEED", i);

	char *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	CHECK(p != MAP_FAILED, "MAP_POPULATE mmap");
	CHECK_SYS(mincore(p, 8 * PAGE, vec));
	for (int i = 0; i < 8; i++)
		CHECK(vec[i] == 1, "MAP_POPULATE page %d not resident", i);

	CHECK_SYS(mlock(a, 5 * PAGE));
	CHECK_SYS(mincore(a, 6 * PAGE, vec));
	for (int i = 0; i < 6; i++)
		CHECK(vec[i] == (i < 5), "mlock page %d: %d", i, vec[i]);
	CHECK_SYS(munlock(a, 5 * PAGE));

	/* The length is rounded up; errors. */
	CHECK_SYS(mincore(a, 1, vec));
	CHECK_ERR(mincore(a + 1, PAGE, vec), EINVAL);
	CHECK_SYS(munmap(a + 4 * PAGE, PAGE));
	CHECK_ERR(mincore(a, 8 * PAGE, vec), ENOMEM);
	CHECK_ERR(mincore(a, PAGE, (unsigned char *)0xc0000000u), EFAULT);
	return 0;
}
