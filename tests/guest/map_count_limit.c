/* map_count_limit - /proc/sys/vm/max_map_count as Linux's: with the
 * limit set just above what the process has, new mappings stop with
 * ENOMEM, munmap of the middle of a mapping (a split) is ENOMEM too,
 * while unmapping a whole mapping works; the default is 65530 and the
 * setting is restored. */
#include <sys/mman.h>
#include "guest.h"

#define F "/proc/sys/vm/max_map_count"

/* Set the limit (fails the test if refused). */
static void set(long v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%ld\n", v);
	CHECK(guest_write_text(F, buf) == 0, "write %ld to %s", v, F);
}

/* The process's mappings now: lines of /proc/self/maps. */
static int count_maps(void)
{
	char buf[8192];
	int fd = open("/proc/self/maps", O_RDONLY), n = 0;
	ssize_t r;

	CHECK_SYS(fd);
	while ((r = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < r; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

int main(void)
{
	char *maps[64], *three;
	int n = 0;

	CHECK(guest_read_number(F) == 65530, "default %lld",
	      guest_read_number(F));
	three =
	    mmap(NULL, 3 * PAGE, PROT_READ | PROT_EXEC, /* merges with none */
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(three != MAP_FAILED, "mmap");
	set(count_maps() + 8);
	for (; n < 64; n++) { /* PROT_NONE between: nothing merges */
		maps[n] = mmap(NULL, PAGE, n % 2 ? PROT_NONE : PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (maps[n] == MAP_FAILED)
			break;
	}
	CHECK(n > 0 && n < 64 && errno == ENOMEM,
	      "mappings stopped after %d: %s", n, strerror(errno));
	CHECK_ERR(munmap(three + PAGE, PAGE), ENOMEM);
	CHECK_SYS(munmap(three, 3 * PAGE));
	set(65530);
	for (int i = 0; i < n; i++)
		CHECK_SYS(munmap(maps[i], PAGE));
	return 0;
}
