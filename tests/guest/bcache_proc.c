/* bcache_proc - the block cache as user space sees it: /proc/fs/bcache
 * has its eleven counters, one "name value" per line; /proc/meminfo shows
 * Buffers and Cached (so free counts them); /proc/sys/vm/drop_caches takes
 * "3" (and refuses other words) and leaves level 2 empty. */
#include <fcntl.h>
#include "guest.h"

static const char *const names[] = {
    "l1_hits",	  "l1_misses",	  "l2_hits",   "l2_misses",
    "disk_reads", "disk_writes",  "l1_blocks", "l1_dirty",
    "l2_blocks",  "l2_evictions", "forgets",
};

/* The value of "name value" in text, or -1. */
static long long counter(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
		if (!strncmp(p, name, len) && p[len] == ' ')
			return atoll(p + len + 1);
		if (!strchr(p, '\n'))
			break;
	}
	return -1;
}

static void drop(const char *word, int expect_errno)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_TRUNC);
	ssize_t n;

	CHECK(fd >= 0, "open drop_caches: %s", strerror(errno));
	n = write(fd, word, strlen(word));
	if (expect_errno)
		CHECK(n == -1 && errno == expect_errno, "wrote '%s': %zd", word,
		      n);
	else
		CHECK(n == (ssize_t)strlen(word), "write '%s': %s", word,
		      strerror(errno));
	close(fd);
}

int main(void)
{
	static char text[4096];

	need_vmkernel();
	guest_slurp("/proc/fs/bcache", text, sizeof(text));
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK(counter(text, names[i]) >= 0, "no %s in: %.120s",
		      names[i], text);
	guest_slurp("/proc/meminfo", text, sizeof(text));
	CHECK(strstr(text, "Buffers:") && strstr(text, "Cached:"),
	      "meminfo: %.120s", text);
	drop("3\n", 0);
	drop("x", EINVAL);
	guest_slurp("/proc/fs/bcache", text, sizeof(text));
	CHECK(counter(text, "l2_blocks") == 0, "l2_blocks after drop: %lld",
	      counter(text, "l2_blocks"));
	return 0;
}
