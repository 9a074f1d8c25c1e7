/* fault_around - first touches of anonymous memory in order fill runs of
 * pages (a 1 MiB walk takes a few dozen faults, counted by getrusage's
 * minor faults), scattered touches make only the touched pages resident
 * (mincore), and a fork child sees the runs' data and copies on write
 * without disturbing its parent. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "guest.h"

#define NPAGES 256

static long minflt(void)
{
	struct rusage ru;

	CHECK_SYS(getrusage(RUSAGE_SELF, &ru));
	return ru.ru_minflt;
}

int main(void)
{
	unsigned char vec[NPAGES];
	char *a = map_anon(NPAGES * PAGE), *b = map_anon(NPAGES * PAGE);
	long before, faults;
	int st;

	/* Scattered first: a (maybe merged with b) must not fill b's holes. */
	for (size_t i = 0; i < NPAGES; i += 5)
		b[i * PAGE] = 1;
	CHECK_SYS(mincore(b, NPAGES * PAGE, vec));
	for (int i = 0; i < NPAGES; i++)
		CHECK((vec[i] & 1) == (i % 5 == 0), "scattered page %d: %d", i,
		      vec[i]);

	before = minflt();
	for (size_t i = 0; i < NPAGES; i++)
		a[i * PAGE] = (char)i;
	faults = minflt() - before;
	CHECK(faults >= NPAGES / 16 && faults <= 40,
	      "%ld faults for %d pages touched in order", faults, NPAGES);
	CHECK_SYS(mincore(a, NPAGES * PAGE, vec));
	for (int i = 0; i < NPAGES; i++)
		CHECK(vec[i] & 1, "page %d of the walk not resident", i);
	CHECK_SYS(mincore(b, NPAGES * PAGE, vec));
	for (int i = 0; i < NPAGES; i++)
		CHECK((vec[i] & 1) == (i % 5 == 0), "after the walk, page %d",
		      i);

	pid_t pid = fork();
	CHECK_SYS(pid);
	if (pid == 0) {
		for (size_t i = 0; i < NPAGES; i++)
			if (a[i * PAGE] != (char)i)
				_exit(2);
		a[77 * PAGE] = 'c';
		_exit(a[76 * PAGE] == 76 && a[78 * PAGE] == 78 ? 0 : 3);
	}
	CHECK_SYS(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	for (size_t i = 0; i < NPAGES; i++)
		CHECK(a[i * PAGE] == (char)i, "parent page %zu changed", i);
	CHECK_SYS(munmap(a, NPAGES * PAGE));
	CHECK_SYS(munmap(b, NPAGES * PAGE));
	return 0;
}
