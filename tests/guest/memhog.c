/* memhog [LEAVE] - helper of yield_evicted: touch anonymous memory until
 * only LEAVE (default 64) pages are left free + cached, so the kernel has
 * to evict yielded blocks; then exit (everything is freed). */
#include <sys/mman.h>
#include "guest.h"

int main(int argc, char **argv)
{
	uint32_t leave = argc > 1 ? (uint32_t)atoi(argv[1]) : 64;
	need_vmkernel();
	uint32_t held = 0;
	for (;;) {
		struct vm_stats s = get_stats();
		uint32_t avail = s.free + s.cached;
		if (avail <= leave)
			break;
		uint32_t pages = avail - leave;
		if (pages > 64)
			pages = 64;
		char *c = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c == MAP_FAILED)
			break;
		for (uint32_t i = 0; i < pages; i++)
			c[i * PAGE] = 1;
		held += pages;
	}
	struct vm_stats s = get_stats();
	printf("memhog: touched %u pages; %u free, %u cached, %llu evictions\n",
	       held, s.free, s.cached, (unsigned long long)s.evictions);
	return 0;
}
